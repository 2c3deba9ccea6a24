""".pre-commit-hooks.yaml: pre-commit's own manifest check, and the hook run by pre-commit itself.

`pre-commit try-repo` installs this checkout into a fresh virtual environment exactly as a team's
`.pre-commit-config.yaml` would (pip, PyPI for the dependencies), then runs the hook on a repository:
the passing example passes, the drifted one fails with gogate's finding.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MANIFEST = REPO / ".pre-commit-hooks.yaml"
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PRE_COMMIT), "validate-manifest", str(path)], capture_output=True, text=True, check=False
    )


def test_manifest_validates() -> None:
    done = _validate(MANIFEST)
    assert done.returncode == 0, done.stdout + done.stderr


def test_manifest_check_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / ".pre-commit-hooks.yaml"
    broken.write_text(MANIFEST.read_text().replace("language: python", "language: pythonish"))
    done = _validate(broken)
    assert done.returncode == 1
    assert "pythonish" in done.stdout + done.stderr


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=gogate tests", "-c", "user.email=tests@gogate.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.mark.online
def test_hook_runs_through_pre_commit(tmp_path: Path, go_bin: Path) -> None:
    try:
        with socket.create_connection(("pypi.org", 443), timeout=5):
            pass
    except OSError as error:
        pytest.skip(f"pre-commit installs the hook's dependencies from PyPI, which is unreachable: {error}")
    if not (REPO / ".git").exists():
        pytest.skip("try-repo needs this checkout to be a git repository")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "go").symlink_to(go_bin)
    env = {
        "PATH": os.pathsep.join([str(bin_dir), str(PRE_COMMIT.parent), "/usr/bin", "/bin"]),
        "HOME": str(tmp_path / "home"),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PIP_CACHE_DIR": str(Path.home() / ".cache" / "pip"),
        "GOTOOLCHAIN": "local",
        "GOENV": "off",
        "GOPATH": str(tmp_path / "gopath"),
        "GOCACHE": str(tmp_path / "gocache"),
        "NO_COLOR": "1",
    }
    project = tmp_path / "project"
    shutil.copytree(REPO / "examples" / "passing", project)
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "passing")

    def hook() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PRE_COMMIT), "try-repo", str(REPO), "gogate", "--all-files", "--verbose"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )

    passing = hook()
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "gate passed" in passing.stdout

    dockerfile = project / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("ARG GO_VERSION=1.27.3", "ARG GO_VERSION=1.27.2"))
    _git(project, "commit", "-q", "-am", "drift")
    drifted = hook()
    assert drifted.returncode == 1, drifted.stdout + drifted.stderr
    assert "Dockerfile:1" in drifted.stdout
