"""Snapshot facts: gogate.snapshot.json re-measured and compared, for the ``snapshot`` check.

Why here and not in the check: measuring runs go (two builds per platform), which is I/O; the check
only turns the comparison into findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gogate.facts.model import GoToolchainFacts
    from gogate.lockfile import LockFacts
    from gogate.snapshot.compare import SnapshotItem

__all__ = ["SnapshotFacts", "gather_snapshot_facts"]


@dataclass(frozen=True, slots=True)
class SnapshotFacts:
    items: tuple[SnapshotItem, ...] = ()
    skip_reason: str | None = None
    """No snapshot to audit."""
    error: str | None = None
    """The audit could not run at all (no go, no gogate.lock)."""
    signatures: tuple[str, ...] = ()
    """Signature files next to the snapshot (verified by `gogate snapshot verify`, not here)."""


def gather_snapshot_facts(
    root: Path, toolchain: GoToolchainFacts | None, lock: LockFacts | None, environ: Mapping[str, str]
) -> SnapshotFacts:
    from gogate.snapshot.commands import audited_platforms, build_cache, recorded_main_packages
    from gogate.snapshot.compare import compare_snapshot
    from gogate.snapshot.gather import gather_snapshot
    from gogate.snapshot.model import SNAPSHOT_FILE_NAME, read_snapshot

    recorded = read_snapshot(root, SNAPSHOT_FILE_NAME)
    if recorded is None:
        return SnapshotFacts(
            skip_reason=f"no {SNAPSHOT_FILE_NAME} (create one with `gogate snapshot create`)"
        )
    if lock is None or lock.lock is None:
        return SnapshotFacts(
            error="gogate.lock is missing: the snapshot's toolchain hashes cannot be checked"
        )
    if toolchain is None or toolchain.go_path is None:
        reason = toolchain.error if toolchain is not None and toolchain.error else "no go command"
        return SnapshotFacts(error=f"the snapshot cannot be re-measured: {reason}")
    gathering = gather_snapshot(
        root,
        audited_platforms(recorded.platforms, lock.lock),
        go=toolchain.go_path,
        environ=environ,
        lock=lock.lock,
        main_packages=recorded_main_packages(recorded),
        cache_root=build_cache(environ),
    )
    signatures = tuple(
        name
        for name in (f"{SNAPSHOT_FILE_NAME}.sig", f"{SNAPSHOT_FILE_NAME}.sigstore.json")
        if (root / name).exists()
    )
    return SnapshotFacts(items=tuple(compare_snapshot(recorded, gathering)), signatures=signatures)
