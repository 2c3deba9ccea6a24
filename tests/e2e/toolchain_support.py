"""Helpers for the ``gogate toolchain verify`` / ``gogate lock`` end-to-end tests.

:class:`Releases` builds small distpack-layout archives once (gzip stamps the time, so the bytes are
built once and reused), :func:`serve_releases` puts them and their download index on a loopback
:class:`~dl_server.DlServer`, and :class:`Cli` runs ``gogate.cli.main`` with a hermetic environment.
Nothing here talks to anything but 127.0.0.1.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dl_server import Answer, DlServer, go_archive, index_entry, index_json

from gogate.cli import main
from gogate.dlindex import index_url
from gogate.toolchain_tree import ToolchainTree, toolchain_tree_from_archive

__all__ = [
    "NEXT",
    "PLATFORMS",
    "VERSION",
    "Cli",
    "Releases",
    "Run",
    "archive_name",
    "flip_byte",
    "index_path",
    "serve_releases",
    "unpack",
]

VERSION = "1.22.5"
NEXT = "1.22.6"
PLATFORMS = ("linux/amd64", "linux/arm64")


def archive_name(version: str, platform: str) -> str:
    goos, _, goarch = platform.partition("/")
    return f"go{version}.{goos}-{goarch}.tar.gz"


def index_path() -> str:
    """The request path of the download index on the loopback server."""
    return index_url("")  # "/?mode=json&include=all"


@dataclass
class Releases:
    """Archives of VERSION and NEXT for PLATFORMS, keyed by file name."""

    archives: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def build(cls, versions: Iterable[str] = (VERSION, NEXT)) -> Releases:
        built = cls()
        for version in versions:
            for platform in PLATFORMS:
                goos, _, goarch = platform.partition("/")
                built.archives[archive_name(version, platform)] = go_archive(f"go{version}", goos, goarch)
        return built

    def data(self, version: str = VERSION, platform: str = "linux/amd64") -> bytes:
        return self.archives[archive_name(version, platform)]

    def index(self) -> list[dict[str, object]]:
        """The download index listing every archive (newest release first)."""
        releases: dict[str, list[dict[str, object]]] = {}
        for name in sorted(self.archives, reverse=True):
            version = name.split(".linux-")[0]
            releases.setdefault(version, []).append(index_entry(name, self.archives[name]))
        return index_json(releases)

    def write(self, directory: Path, version: str = VERSION, platform: str = "linux/amd64") -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / archive_name(version, platform)
        path.write_bytes(self.data(version, platform))
        return path

    def tree(self, directory: Path, version: str = VERSION, platform: str = "linux/amd64") -> ToolchainTree:
        goos, _, goarch = platform.partition("/")
        return toolchain_tree_from_archive(self.write(directory, version, platform), version, goos, goarch)


def serve_releases(
    server: DlServer, releases: Releases, *, bodies: Mapping[str, bytes] | None = None
) -> None:
    """Serve the index of ``releases`` and each archive (``bodies`` overrides what an archive path serves)."""
    server.serve(index_path(), Answer.json(releases.index()))
    for name, data in releases.archives.items():
        server.serve(f"/{name}", Answer(body=(bodies or {}).get(name, data)))


def flip_byte(data: bytes, offset: int | None = None) -> bytes:
    """``data`` with one byte inverted (the middle one by default); same length."""
    position = len(data) // 2 if offset is None else offset
    return data[:position] + bytes([data[position] ^ 0xFF]) + data[position + 1 :]


def unpack(archive: bytes, directory: Path) -> Path:
    """Extract a release archive with tarfile's ``data`` filter; return the GOROOT (``directory/go``)."""
    directory.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        tar.extractall(directory, filter="data")
    return directory / "go"


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


@dataclass
class Cli:
    """``gogate`` with a clean environment: its own HOME and GOGATE_CACHE_DIR, no proxy, no sumdb."""

    repo: Path
    env: dict[str, str]

    @classmethod
    def create(cls, tmp_path: Path, pin: str | None = VERSION) -> Cli:
        repo = tmp_path / "repo"
        repo.mkdir()
        if pin is not None:
            (repo / "go.version").write_text(f"{pin}\n", encoding="utf-8")
        home = tmp_path / "home"
        home.mkdir()
        env = {
            "HOME": str(home),
            "PATH": "/usr/bin:/bin",
            "NO_COLOR": "1",
            "GOGATE_CACHE_DIR": str(tmp_path / "cache"),
            # Nothing may leave 127.0.0.1: a test that wants a checksum database names a loopback one.
            "GOPROXY": "off",
            "GOSUMDB": "off",
        }
        return cls(repo=repo, env=env)

    def run(self, *argv: str, env: Mapping[str, str] | None = None) -> Run:
        out, err = io.StringIO(), io.StringIO()
        code = main(list(argv), environ={**self.env, **(env or {})}, stdout=out, stderr=err)
        return Run(code, out.getvalue(), err.getvalue())

    def lock(self, base: str, *extra: str, env: Mapping[str, str] | None = None) -> Run:
        args = ["lock", str(self.repo), "--dl-base", base]
        for platform in PLATFORMS:
            args += ["--platform", platform]
        return self.run(*args, *extra, env=env)

    def verify(self, *args: str, env: Mapping[str, str] | None = None) -> Run:
        return self.run("toolchain", "verify", str(self.repo), *args, env=env)

    @property
    def lock_file(self) -> Path:
        return self.repo / "gogate.lock"

    def pin(self, version: str) -> None:
        (self.repo / "go.version").write_text(f"{version}\n", encoding="utf-8")


def closed_port_url() -> str:
    """The URL of a loopback port nothing listens on any more."""
    with DlServer() as server:
        url = server.url
    return url
