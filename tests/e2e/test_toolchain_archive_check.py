"""Check ``toolchain-archive`` end to end: local archive copies against gogate.lock (offline)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import blake3

from gogate.lockfile import archive_filename, module_version
from gogate.toolchain_tree import toolchain_h1_from_archive
from tests.dl_server import go_archive
from tests.e2e.conftest import Gate


def _archive(gate: Gate, tmp_path: Path) -> Path:
    path = tmp_path / archive_filename(gate.running, "linux/amd64")
    path.write_bytes(go_archive(f"go{gate.running}", "linux", "amd64"))
    return path


def _lock(gate: Gate, archive: Path) -> None:
    data = archive.read_bytes()
    entry = {
        "archive": {
            "filename": archive.name,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "blake3": blake3.blake3(data).hexdigest(),
        },
        "module": {
            "path": "golang.org/toolchain",
            "version": module_version(gate.running, "linux/amd64"),
            "h1": toolchain_h1_from_archive(archive, f"go{gate.running}", "linux", "amd64"),
        },
    }
    lock = {
        "schema_version": 1,
        "go_version": gate.running,
        "generated_by": "t",
        "platforms": {"linux/amd64": entry},
    }
    (gate.repo / "gogate.lock").write_text(json.dumps(lock, indent=2) + "\n")


def test_archive_matching_the_lock_passes(gate: Gate, tmp_path: Path) -> None:
    archive = _archive(gate, tmp_path)
    _lock(gate, archive)
    run = gate.run("--only", "toolchain-archive,lock", "--archive", str(archive))
    assert run.code == 0, run.out


def test_tampered_archive_fails_naming_the_digest(gate: Gate, tmp_path: Path) -> None:
    archive = _archive(gate, tmp_path)
    _lock(gate, archive)
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    archive.write_bytes(bytes(data))
    run = gate.run("--only", "toolchain-archive", "--archive", str(archive))
    assert run.code == 1, run.out
    assert "sha256" in run.out


def test_archive_without_any_reference_cannot_decide(gate: Gate, tmp_path: Path) -> None:
    run = gate.run("--only", "toolchain-archive", "--archive", str(_archive(gate, tmp_path)))
    assert run.code == 3, run.out


def test_without_archives_the_check_is_skipped(gate: Gate) -> None:
    run = gate.run("--only", "toolchain-archive,pins")
    assert run.code == 0
    assert "no archive configured" in run.out
