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


def _cache_dir(environ: Mapping[str, str]) -> Path:
    configured = environ.get("GOGATE_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(environ.get("HOME", "~")).expanduser() / ".cache" / "gogate"


def gather_goroot_facts(
    toolchain: GoToolchainFacts, lock: LockFacts | None, *, environ: Mapping[str, str]
) -> GorootFacts | None:
    """Hash the GOROOT of the installed go and find the official h1; None when there is no go."""
    from gogate.toolchain_reference import sumdb_toolchain_h1
    from gogate.toolchain_tree import toolchain_tree_from_goroot

    env = toolchain.env
    if env is None:
        return None
    version = env.goversion.removeprefix("go").split(" ", 1)[0]
    try:
        tree = toolchain_tree_from_goroot(Path(env.goroot), version, env.goos, env.goarch)
    except (GogateError, OSError, ValueError) as error:
        return GorootFacts(goroot=env.goroot, error=str(error))
    facts = {"goroot": env.goroot, "module_version": tree.module_version, "h1": tree.h1}
    locked = lock.lock if lock is not None else None
    platform = f"{env.goos}/{env.goarch}"
    if locked is not None and locked.go_version == version and platform in locked.platforms:
        return GorootFacts(
            **facts,
            reference_h1=locked.platforms[platform].module.h1,
            reference_source=lock.path if lock else None,
        )
    try:
        reference = sumdb_toolchain_h1(
            tree.module_version,
            gosumdb=env.settings.get("GOSUMDB") or environ.get("GOSUMDB"),
            goproxy=environ.get("GOPROXY") or env.settings.get("GOPROXY"),
            cache_dir=_cache_dir(environ),
        )
    except GogateError as error:
        return GorootFacts(**facts, reference_error=error.diagnostics())
    return GorootFacts(**facts, reference_h1=reference, reference_source="the checksum database")
