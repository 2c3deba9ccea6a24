"""Shared Go work for the snapshot tests: one project, one recorded snapshot per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from gogate.snapshot.gather import SnapshotGathering, gather_snapshot
from gogate.snapshot.model import Snapshot
from snapshot.snapshot_support import GoProject, make_project, write_app


@pytest.fixture(scope="session")
def project(go_bin: Path, go_version: str, tmp_path_factory: pytest.TempPathFactory) -> GoProject:
    return make_project(go_bin, tmp_path_factory.mktemp("snapshot-project"), go_version)


@pytest.fixture(scope="session")
def app(project: GoProject, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example module as recorded; tests that change it work on their own copy."""
    return write_app(project, tmp_path_factory.mktemp("recorded") / "app")


@pytest.fixture(scope="session")
def recorded_gathering(project: GoProject, app: Path) -> SnapshotGathering:
    return gather_snapshot(
        app, go=project.go, environ=project.env, lock=project.lock, cache_root=project.cache_root
    )


@pytest.fixture(scope="session")
def recorded(recorded_gathering: SnapshotGathering) -> Snapshot:
    return recorded_gathering.snapshot()
