"""End-to-end harness: build a repository on disk, run ``gogate.cli.main`` on it with a real Go."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from dl_server import DlServer

from gogate.cli import main
from tests.e2e.toolchain_support import Cli, Releases, serve_releases


@dataclass
class Run:
    code: int
    out: str
    err: str


@dataclass
class Gate:
    """A repository plus the environment of a CI job whose only Go is ``go``."""

    repo: Path
    go: Path
    running: str
    """Bare version of the real Go, e.g. '1.27.3'."""
    env: dict[str, str]

    def write(self, files: Mapping[str, str | bytes]) -> None:
        for relative, content in files.items():
            path = self.repo / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")

    def run(self, *args: str, env: Mapping[str, str] | None = None) -> Run:
        out, err = io.StringIO(), io.StringIO()
        environ = {**self.env, **(env or {})}
        code = main(["check", str(self.repo), *args], environ=environ, stdout=out, stderr=err)
        return Run(code, out.getvalue(), err.getvalue())


def tree_digest(root: Path) -> str:
    """Hash every path, mode and content under root, so any write shows up."""
    digest = hashlib.sha256()
    for directory, subdirs, files in sorted(os.walk(root)):
        subdirs.sort()
        for name in sorted(files) + sorted(subdirs):
            path = Path(directory, name)
            stat = path.lstat()
            digest.update(f"{path.relative_to(root)}\0{stat.st_mode}\0{stat.st_mtime_ns}\0".encode())
            if path.is_file() and not path.is_symlink():
                digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def gate(tmp_path: Path, go_bin: Path) -> Gate:
    """A passing repository pinned to the real Go's version, and a clean job environment."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "go").symlink_to(go_bin)
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "HOME": str(home),
        "GOTOOLCHAIN": "local",
        "GOENV": "off",
        "GOPATH": str(tmp_path / "gopath"),
        "GOCACHE": str(tmp_path / "gocache"),
        "GOFLAGS": "-modcacherw",
        "NO_COLOR": "1",
    }
    version = subprocess.run(
        [str(go_bin), "env", "GOVERSION"], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    running = version.removeprefix("go")
    repo = tmp_path / "repo"
    repo.mkdir()
    result = Gate(repo=repo, go=go_bin, running=running, env=env)
    result.write(
        {
            "go.version": f"# pinned toolchain\n{running}\n",
            "go.mod": f"module example.com/app\n\ngo 1.22.0\n\ntoolchain go{running}\n",
            "main.go": "package main\n\nfunc main() {}\n",
            "Dockerfile": f"FROM golang:{running}-bookworm AS build\nRUN go build ./...\n",
            ".gitlab-ci.yml": f"default:\n  image: golang:{running}\n\nbuild:\n  script: [go build ./...]\n",
            ".github/workflows/ci.yml": (
                "on: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    steps:\n"
                "      - uses: actions/setup-go@v6\n        with:\n"
                f"          go-version: '{running}'\n"
            ),
        }
    )
    return result


GateFactory = Callable[[], Gate]


# The toolchain-command tests' loopback download site: a module overrides ``releases`` to serve other
# archives, and ``dl`` serves whichever ``releases`` is in scope.
@pytest.fixture(scope="module")
def releases() -> Releases:
    return Releases.build()


@pytest.fixture
def dl(releases: Releases) -> Iterator[DlServer]:
    with DlServer() as server:
        serve_releases(server, releases)
        yield server


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli.create(tmp_path)
