"""The installed GOROOT in toolchain-module form, and the official h1 to compare it with.

Gathered only in full mode (hashing a GOROOT reads ~15k files, and the official value may come from
the network). The reference is gogate.lock when it covers this release and platform, else the Go
checksum database. A reference that cannot be had is recorded as such, never treated as a match.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from gogate.errors import GogateError
from gogate.facts.model import GoToolchainFacts
from gogate.lockfile import LockFacts

__all__ = ["GorootFacts", "gather_goroot_facts"]


class GorootFacts(BaseModel):
    """What the installed toolchain hashes to, and what it should hash to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    goroot: str
    module_version: str | None = None
    h1: str | None = Field(default=None, description="The GOROOT's toolchain-module h1.")
    error: str | None = Field(default=None, description="Why the GOROOT could not be hashed.")
    reference_h1: str | None = None
    reference_source: str | None = Field(
        default=None, description="'gogate.lock' or 'the checksum database'."
    )
    reference_error: str | None = Field(default=None, description="Why no reference could be had.")
    lock_h1: str | None = Field(default=None, description="gogate.lock's h1, when it was cross-checked.")
    uncovered: int = Field(default=0, description="GOROOT files outside the module form (api/, doc/, ...).")
    other_binary: str | None = Field(
        default=None, description="The go that runs when it is not GOROOT/bin/go (nor identical to it)."
    )


def _sha256(path: Path) -> str | None:
    import hashlib

    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def gather_goroot_facts(
    toolchain: GoToolchainFacts, lock: LockFacts | None, *, environ: Mapping[str, str]
) -> GorootFacts | None:
    """Hash the GOROOT of the installed go and find the official h1; None when there is no go."""
    from gogate.toolchain_reference import cache_dir, sumdb_toolchain_h1
    from gogate.toolchain_tree import toolchain_tree_from_goroot

    env = toolchain.env
    if env is None:
        return None
    version = env.goversion.removeprefix("go").split(" ", 1)[0]
    # The toolchain's own platform, not the build target: a job cross-compiling with GOARCH=arm64
    # still runs the amd64 toolchain.
    goos = env.settings.get("GOHOSTOS") or env.goos
    goarch = env.settings.get("GOHOSTARCH") or env.goarch
    goroot = Path(env.goroot)
    try:
        tree = toolchain_tree_from_goroot(goroot, version, goos, goarch)
    except (GogateError, OSError, ValueError) as error:
        message = error.diagnostics() if isinstance(error, GogateError) else str(error)
        return GorootFacts(goroot=env.goroot, error=message)
    runs_other_binary = None
    if toolchain.go_path is not None:
        running, installed = Path(toolchain.go_path).resolve(), (goroot / "bin" / "go").resolve()
        if running != installed and _sha256(running) != _sha256(installed):
            # Hashing GOROOT proves nothing about a go binary that lives elsewhere.
            runs_other_binary = str(running)
    facts = {
        "goroot": env.goroot,
        "module_version": tree.module_version,
        "h1": tree.h1,
        "uncovered": len(tree.ignored),
        "other_binary": runs_other_binary,
    }
    locked = lock.lock if lock is not None else None
    platform = f"{goos}/{goarch}"
    lock_h1 = None
    if locked is not None and locked.go_version == version and platform in locked.platforms:
        lock_h1 = locked.platforms[platform].module.h1
    try:
        reference = sumdb_toolchain_h1(
            tree.module_version,
            gosumdb=env.settings.get("GOSUMDB") or environ.get("GOSUMDB"),
            goproxy=environ.get("GOPROXY") or env.settings.get("GOPROXY"),
            cache_dir=cache_dir(environ),
        )
    except GogateError as error:
        if lock_h1 is not None and lock is not None:
            return GorootFacts(
                **facts,
                reference_h1=lock_h1,
                reference_source=f"{lock.path} (checksum database not consulted)",
            )
        return GorootFacts(**facts, reference_error=error.diagnostics())
    # The lock is a convenience, never a second source of truth: it must agree with the database.
    return GorootFacts(
        **facts, reference_h1=reference, reference_source="the checksum database", lock_h1=lock_h1
    )
