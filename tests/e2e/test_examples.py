"""The shipped ``examples/`` repositories give the outcomes pipelines will assert on.

Other jobs run ``gogate check`` on these directories and expect a fixed exit code and failing check,
so each example is run here the way such a job runs it: the real ``go`` 1.27.3 on PATH,
``GOTOOLCHAIN=local``, no ``GOFLAGS``, and fresh GOPATH, module cache, build cache and gogate cache
(nothing on the machine can make an example pass or fail). The outcomes come from :data:`EXPECTED`,
not from examples/README.md, so an example that drifts from its documented purpose fails here.
Each example is copied first: the copy must be unchanged afterwards (gogate is read-only).
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from goenv_support import run_go

from gogate.cli import main
from gogate.lockfile import read_lock
from tests.e2e.conftest import tree_digest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GOPROXY_DIR = EXAMPLES / "goproxy"
GREETING_ZIP = GOPROXY_DIR / "example.com" / "greeting" / "@v" / "v1.0.0.zip"
TAMPERED = "vendor/example.com/greeting/greeting.go"


@dataclass(frozen=True)
class Expected:
    code: int
    failures: frozenset[tuple[str, str, str]]
    """(check id, rule, path) of every failing finding; nothing else may fail."""
    fix: str = ""
    """Text every failing finding's remediation must contain."""
    needs_example_proxy: bool = False
    """Runs need GOPROXY=file://.../examples/goproxy; the others get an empty proxy."""


EXPECTED: dict[str, Expected] = {
    "passing": Expected(0, frozenset()),
    "pin-drift": Expected(
        1, frozenset({("pins", "pins.mismatch", "Dockerfile")}), fix="ARG GO_VERSION=1.27.3"
    ),
    "stale-lock": Expected(
        1, frozenset({("lock", "lock.stale", "gogate.lock")}), fix="run `gogate lock` to refresh"
    ),
    "tampered-vendor": Expected(
        1,
        frozenset({("vendor", "vendor.modified", TAMPERED)}),
        fix="go mod vendor",
        needs_example_proxy=True,
    ),
}


@dataclass
class Job:
    """A CI job's environment with the real go on PATH, everything it writes under tmp_path."""

    go: Path
    env: dict[str, str]
    tmp: Path

    def example(self, name: str) -> Path:
        copy = self.tmp / "work" / name
        shutil.copytree(EXAMPLES / name, copy, symlinks=True)
        return copy

    def check(self, repo: Path, env: Mapping[str, str] | None = None) -> tuple[int, dict[str, Any], str]:
        report = self.tmp / f"{repo.name}.json"
        out, err = io.StringIO(), io.StringIO()
        environ = {**self.env, **(env or {})}
        code = main(["check", str(repo), "--json", str(report)], environ=environ, stdout=out, stderr=err)
        document = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
        return code, document, out.getvalue() + err.getvalue()


@pytest.fixture
def job(tmp_path: Path, go_bin: Path) -> Job:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "go").symlink_to(go_bin)
    empty_proxy = tmp_path / "empty-proxy"
    empty_proxy.mkdir()
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "GOTOOLCHAIN": "local",
        "GOPATH": str(tmp_path / "gopath"),
        "GOMODCACHE": str(tmp_path / "gopath" / "pkg" / "mod"),
        "GOCACHE": str(tmp_path / "gocache"),
        "GOGATE_CACHE_DIR": str(tmp_path / "gogate-cache"),
        # A proxy with nothing in it: a run that needed a module would fail here, never reach the network.
        "GOPROXY": empty_proxy.as_uri(),
        "NO_COLOR": "1",
    }
    return Job(go_bin, env, tmp_path)


def _example_env(expected: Expected) -> dict[str, str]:
    return {"GOPROXY": GOPROXY_DIR.as_uri()} if expected.needs_example_proxy else {}


def _failing(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for check in document["checks"] for f in check["findings"] if f["status"] == "fail"]


def _assert_rest_clean(document: dict[str, Any], failing_checks: set[str]) -> None:
    """Every check that is not expected to fail passed, or was skipped and says why."""
    for check in document["checks"]:
        if check["id"] in failing_checks:
            assert check["status"] == "fail", check
        elif check["status"] == "skip":
            assert check["skip_reason"] or any(f["status"] == "skip" for f in check["findings"]), check
        else:
            assert check["status"] == "pass", check


def test_every_example_is_in_the_table() -> None:
    shipped = {d.name for d in EXAMPLES.iterdir() if (d / "go.mod").is_file()}
    assert shipped == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_outcome(job: Job, name: str) -> None:
    expected = EXPECTED[name]
    repo = job.example(name)
    before = tree_digest(repo)
    code, document, output = job.check(repo, _example_env(expected))
    assert code == expected.code, output
    assert document["pinned_version"] == "1.27.3"
    assert document["undecided"] is False
    failing = _failing(document)
    assert {(f["check_id"], f["rule"], f["path"]) for f in failing} == expected.failures, output
    for finding in failing:
        assert expected.fix in (finding["remediation"] or ""), finding
    _assert_rest_clean(document, {check for check, _, _ in expected.failures})
    assert tree_digest(repo) == before


def test_passing_example_passes_each_check_or_says_why_not(job: Job) -> None:
    code, document, output = job.check(job.example("passing"))
    assert code == 0, output
    statuses = {check["id"]: check["status"] for check in document["checks"]}
    # What minimal mode can verify on a repository without dependencies is verified, not skipped.
    assert statuses["pins"] == statuses["toolchain"] == statuses["goenv"] == statuses["gosum"] == "pass"
    assert not document["failed"]


def test_stale_lock_is_a_valid_lock(job: Job) -> None:
    """The lock check must fail on staleness; a lock that does not parse would be exit 2 instead."""
    lock_path = EXAMPLES / "stale-lock" / "gogate.lock"
    schema_out = io.StringIO()
    assert main(["schema", "lock"], environ=job.env, stdout=schema_out, stderr=io.StringIO()) == 0
    jsonschema.validate(json.loads(lock_path.read_text(encoding="utf-8")), json.loads(schema_out.getvalue()))
    lock = read_lock(lock_path.parent)
    assert lock is not None
    assert lock.go_version == "1.27.2"
    assert set(lock.platforms) == {"linux/amd64", "linux/arm64"}


def _go(job: Job, repo: Path, *args: str, **env: str) -> str:
    result = run_go(job.go, list(args), cwd=repo, env={**job.env, **env})
    assert result.returncode == 0, result.stdout + result.stderr
    output: str = result.stdout
    return output


def test_tampered_vendor_is_go_valid_and_only_the_edit_fails(job: Job) -> None:
    repo = job.example("tampered-vendor")
    # Go accepts the edited vendor tree: its consistency check passes and the edited package compiles.
    _go(job, repo, "list", "-mod=vendor", "-deps", ".")
    _go(job, repo, "build", "-mod=vendor", "-o", str(job.tmp / "greeting.a"), "example.com/greeting")
    # go.sum holds what Go computes for the shipped proxy's zip: Go downloads it and verifies it
    # against go.sum (GONOSUMDB only keeps this go command off the public checksum database).
    proxy = _example_env(EXPECTED["tampered-vendor"])
    _go(job, repo, "mod", "download", "example.com/greeting", GONOSUMDB="example.com", **proxy)
    assert "all modules verified" in _go(job, repo, "mod", "verify", **proxy)

    # The same tree with the one edited file restored from the module zip passes the whole gate.
    with zipfile.ZipFile(GREETING_ZIP) as archive:
        original = archive.read("example.com/greeting@v1.0.0/greeting.go")
    edited = repo / TAMPERED
    assert edited.read_bytes() != original
    edited.write_bytes(original)
    shutil.rmtree(job.env["GOMODCACHE"])  # gogate must fetch the zip itself, as in a fresh job
    code, document, output = job.check(repo, proxy)
    assert code == 0, output
    vendor = next(check for check in document["checks"] if check["id"] == "vendor")
    assert vendor["status"] == "pass", vendor
    _assert_rest_clean(document, set())


@pytest.mark.parametrize(
    ("goproxy", "code"),
    [
        pytest.param(lambda tmp: "off", 3, id="off-undecided"),
        pytest.param(lambda tmp: (tmp / "empty-proxy").as_uri(), 1, id="missing-module-fails"),
    ],
)
def test_tampered_vendor_without_the_example_proxy_is_not_the_documented_failure(
    job: Job, goproxy: Callable[[Path], str], code: int
) -> None:
    """Without the shipped proxy the edit cannot be shown: never a pass, never the vendor.modified finding."""
    run_code, document, output = job.check(job.example("tampered-vendor"), {"GOPROXY": goproxy(job.tmp)})
    assert run_code == code, output
    assert all(f["rule"] != "vendor.modified" for f in _failing(document))
