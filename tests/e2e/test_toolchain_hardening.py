"""Faults the toolchain commands and checks must refuse: bad flags, FIFOs, unreachable official sources."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import Gate
from tests.e2e.test_toolchain_archive_check import _archive, _lock
from tests.e2e.toolchain_support import Cli, closed_port_url


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--archive", "x.tar.gz", "--dl-base", "ftp://mirror.example/dl"), "must be an https URL"),
        (("--archive", "x.tar.gz", "--dl-base", "http://mirror.example/dl"), "must be an https URL"),
        (("--goroot", ".", "--expect", "garbage"), "not an h1: hash"),
    ],
)
def test_bad_flags_are_usage_errors(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    run = Cli.create(tmp_path).verify(*args)
    assert run.code == 2, run.text
    assert message in run.err


def test_fifo_in_a_goroot_is_refused_not_read(tmp_path: Path) -> None:
    goroot = tmp_path / "go"
    (goroot / "bin").mkdir(parents=True)
    (goroot / "VERSION").write_text("go1.22.5\ntime 2024-06-04T20:00:00Z\n")
    (goroot / "pkg" / "tool" / "linux_amd64").mkdir(parents=True)
    os.mkfifo(goroot / "bin" / "go")
    run = Cli.create(tmp_path).verify("--goroot", str(goroot), "--expect", "h1:" + "A" * 43 + "=")
    assert run.code == 2, run.text
    assert "is not a regular file" in run.err


def test_full_mode_index_error_is_undecided(gate: Gate, tmp_path: Path) -> None:

    archive = _archive(gate, tmp_path)
    _lock(gate, archive)
    env = {"GOGATE_DL_BASE": closed_port_url(), "GOSUMDB": "off"}
    run = gate.run("--mode", "full", "--only", "toolchain-archive", "--archive", str(archive), env=env)
    assert run.code == 3, run.out
    assert "download index could not be read" in run.out
