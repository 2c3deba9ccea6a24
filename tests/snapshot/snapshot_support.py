"""A small hermetic Go module for the snapshot tests, and a gogate.lock for it.

The module ``example.com/app`` has one main package that imports ``example.com/common`` on every
platform and ``example.com/armonly`` only under ``//go:build arm64``, so linux/amd64 and linux/arm64
have different package graphs. Its dependencies come from a ``file://`` module proxy
(``tests/deps/modproxy.py``); go.sum is written by ``go mod tidy`` as Go would.
"""

from __future__ import annotations

import base64
import shutil
from dataclasses import dataclass
from pathlib import Path

from deps.modproxy import ModuleProxy
from goenv_support import cache_dir, hermetic_go_env, run_go

from gogate.lockfile import GogateLock, archive_filename, module_version

__all__ = ["APP_FILES", "GoProject", "make_lock", "make_project", "tidy"]

PLATFORMS = ("linux/amd64", "linux/arm64")

APP_FILES = {
    "go.mod": (
        "module example.com/app\n\ngo 1.22\n\n"
        "require (\n\texample.com/armonly v1.0.0\n\texample.com/common v1.0.0\n)\n"
    ),
    "main.go": (
        "package main\n\n"
        'import "example.com/common"\n\n'
        "var when string\n\n"
        "func main() {\n\tprintln(common.Name() + when)\n\textra()\n}\n"
    ),
    "arm64.go": (
        "//go:build arm64\n\npackage main\n\n"
        'import "example.com/armonly"\n\n'
        "func extra() { println(armonly.Name()) }\n"
    ),
    "other.go": "//go:build !arm64\n\npackage main\n\nfunc extra() {}\n",
}


def _library(name: str, value: str) -> dict[str, str]:
    return {f"{name}.go": f'package {name}\n\nfunc Name() string {{ return "{value}" }}\n'}


def publish(proxy: ModuleProxy) -> None:
    proxy.add("example.com/common", "v1.0.0", _library("common", "common one"))
    proxy.add("example.com/common", "v1.1.0", _library("common", "common two"))
    proxy.add("example.com/armonly", "v1.0.0", _library("armonly", "arm one"))
    proxy.add("example.com/armonly", "v1.1.0", _library("armonly", "arm two"))
    proxy.add("example.com/armextra", "v1.0.0", _library("armextra", "arm extra"))


@dataclass(frozen=True)
class GoProject:
    go: Path
    proxy: ModuleProxy
    env: dict[str, str]
    """The job's environment: the file proxy, no checksum database, a private module cache."""
    lock: GogateLock
    cache_root: Path
    """Build caches kept between sessions (GOCACHE is content-addressed and safe to share): four
    cold builds of the runtime, two per platform, cost about 30 s on two cores."""


def tidy(project: GoProject, directory: Path) -> None:
    """``go mod tidy`` (all build tags, so arm64-only requirements are kept) against the file proxy."""
    env = {**project.env, "GOFLAGS": "-mod=mod -modcacherw"}
    result = run_go(project.go, ["mod", "tidy"], cwd=directory, env=env)
    assert result.returncode == 0, result.stderr


def make_project(go: Path, base: Path, go_version: str) -> GoProject:
    proxy = ModuleProxy(base / "proxy")
    publish(proxy)
    env = hermetic_go_env(
        base / "gohome",
        GOPROXY=proxy.url,
        GOSUMDB="off",
        GOFLAGS="-modcacherw",
        GOCACHE=str(base / "gocache"),
    )
    return GoProject(
        go, proxy, env, make_lock(go_version.removeprefix("go")), cache_dir() / "snapshot-gocaches"
    )


def write_app(project: GoProject, directory: Path, files: dict[str, str] | None = None) -> Path:
    """A fresh copy of the app (``files`` replaces APP_FILES), with go.sum written by go mod tidy."""
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    for name, content in (files or APP_FILES).items():
        (directory / name).write_text(content)
    tidy(project, directory)
    return directory


def make_lock(version: str, platforms: tuple[str, ...] = PLATFORMS, *, seed: int = 0) -> GogateLock:
    return GogateLock.model_validate(
        {
            "schema_version": 1,
            "go_version": version,
            "generated_by": "gogate test",
            "platforms": {
                platform: {
                    "archive": {
                        "filename": archive_filename(version, platform),
                        "size": 70_000_000 + n,
                        "sha256": f"{n + seed:02x}" * 32,
                        "blake3": f"{n + seed + 50:02x}" * 32,
                    },
                    "module": {
                        "path": "golang.org/toolchain",
                        "version": module_version(version, platform),
                        "h1": "h1:" + base64.b64encode(bytes([n + seed]) * 32).decode(),
                    },
                }
                for n, platform in enumerate(platforms)
            },
        }
    )
