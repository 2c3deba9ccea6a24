"""Check ``snapshot`` inside ``gogate check --mode full``: the audit beside every other check."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from gogate.cli import main
from gogate.lockfile import render_lock
from gogate.snapshot.model import Snapshot, write_snapshot
from snapshot.snapshot_support import GoProject, make_lock


@pytest.fixture
def repo(project: GoProject, app: Path, recorded: Snapshot, go_version: str, tmp_path: Path) -> Path:
    copy = tmp_path / "app"
    shutil.copytree(app, copy)
    (copy / "gogate.lock").write_text(render_lock(make_lock(go_version.removeprefix("go"))))
    (copy / "go.version").write_text(go_version.removeprefix("go") + "\n")
    write_snapshot(copy / "gogate.snapshot.json", recorded)
    return copy


def _check(project: GoProject, repo: Path) -> tuple[int, dict[str, object]]:
    out, err = io.StringIO(), io.StringIO()
    report = repo.parent / "report.json"
    environ = {
        **project.env,
        "PATH": f"{project.go.parent}:/usr/bin:/bin",
        "GOGATE_SNAPSHOT_BUILD_CACHE": str(project.cache_root),
    }
    argv = ["check", str(repo), "--mode", "full", "--only", "snapshot", "--json", str(report)]
    code = main(argv, environ=environ, stdout=out, stderr=err)
    assert report.exists(), out.getvalue() + err.getvalue()
    return code, json.loads(report.read_text())


def _snapshot_check(document: dict[str, object]) -> dict[str, object]:
    checks = document["checks"]
    assert isinstance(checks, list)
    (check,) = [c for c in checks if c["id"] == "snapshot"]
    return check


def test_unchanged_repository_passes_the_snapshot_check(project: GoProject, repo: Path) -> None:
    code, document = _check(project, repo)
    assert code == 0
    assert _snapshot_check(document)["status"] == "pass"


def test_changed_go_sum_line_fails_the_snapshot_check(project: GoProject, repo: Path) -> None:
    gosum = repo / "go.sum"
    first, *rest = gosum.read_text().splitlines(keepends=True)
    gosum.write_text("".join(rest))  # a line dropped
    code, document = _check(project, repo)
    assert code == 1
    failing = [f for f in _snapshot_check(document)["findings"] if f["status"] == "fail"]
    assert {f["rule"] for f in failing} >= {"snapshot.drift"}
    assert any(first.split()[0] in f["message"] for f in failing)


def test_no_snapshot_is_skipped_not_passed(project: GoProject, repo: Path) -> None:
    (repo / "gogate.snapshot.json").unlink()
    code, document = _check(project, repo)
    assert _snapshot_check(document)["status"] == "skip"
    assert code == 3
