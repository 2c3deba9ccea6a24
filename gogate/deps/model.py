"""Immutable models of the module files Go reads: go.mod, go.work, go.sum and vendor/modules.txt.

Why plain frozen dataclasses (not pydantic): these are built in bulk (a go.sum has thousands of
lines) on the merge-request path, where pydantic validation would cost start-up time for nothing;
the parsers are the validation. Every item keeps its 1-based line so findings can name it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

__all__ = [
    "Exclude",
    "GoMod",
    "GoSum",
    "GoWork",
    "Godebug",
    "Ignore",
    "ModulesTxt",
    "Replace",
    "Require",
    "Retract",
    "SumLine",
    "Tool",
    "Use",
    "WORKSPACE_ROOT",
    "VendorStatus",
    "VendoredModule",
]


WORKSPACE_ROOT = "go.work"
"""Where results about a workspace's vendor/ (``go work vendor``) are filed, instead of a module root."""


class VendorStatus(enum.StrEnum):
    """The verdict on one vendored module's files (kept here, light, so checks import it cheaply)."""

    VERIFIED = "verified"
    DIFFERS = "differs"
    ZIP_MISMATCH = "zip-mismatch"
    """The zip is not what go.sum says."""
    REJECTED = "rejected"
    """The zip breaks a module-zip rule."""
    UNDERIVABLE = "underivable"
    """go mod vendor itself would fail on the module."""
    NO_SUM = "no-sum"
    """go.sum has no line for the module: nothing to authenticate it with."""
    NOT_FOUND = "not-found"
    """Every proxy said the version does not exist."""
    NOT_VERIFIED = "not-verified"
    """No zip, or no go.sum line to authenticate it with."""


@dataclass(frozen=True, slots=True)
class Require:
    path: str
    version: str
    """As written, canonicalized the way Go stores it (``v1.2`` becomes ``v1.2.0``)."""
    indirect: bool
    line: int


@dataclass(frozen=True, slots=True)
class Exclude:
    path: str
    version: str
    line: int


@dataclass(frozen=True, slots=True)
class Replace:
    old_path: str
    old_version: str | None
    """None: every version of ``old_path`` is replaced (a wildcard replacement)."""
    new_path: str
    new_version: str | None
    """None: ``new_path`` is a directory (starts with ./ ../ or /, or is absolute)."""
    line: int

    @property
    def is_directory(self) -> bool:
        return self.new_version is None


@dataclass(frozen=True, slots=True)
class Retract:
    low: str
    high: str
    """Equal to ``low`` for a single version."""
    rationale: str
    line: int


@dataclass(frozen=True, slots=True)
class Tool:
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class Ignore:
    """An ``ignore`` directive (Go 1.25+): a directory the go command skips when matching packages."""

    path: str
    line: int


@dataclass(frozen=True, slots=True)
class Godebug:
    key: str
    value: str
    line: int


@dataclass(frozen=True, slots=True)
class GoMod:
    """One go.mod. ``path`` is repository-relative with '/' separators (what findings show)."""

    path: str
    module: str | None
    module_line: int | None
    go: str | None
    go_line: int | None
    toolchain: str | None
    toolchain_line: int | None
    godebug: tuple[Godebug, ...] = ()
    requires: tuple[Require, ...] = ()
    excludes: tuple[Exclude, ...] = ()
    replaces: tuple[Replace, ...] = ()
    retracts: tuple[Retract, ...] = ()
    tools: tuple[Tool, ...] = ()
    deprecated: str | None = None
    """The ``// Deprecated:`` text of the module comment, if any."""
    ignores: tuple[Ignore, ...] = ()


@dataclass(frozen=True, slots=True)
class Use:
    directory: str
    """As written in go.work (relative to the go.work directory, '/' separators kept as written)."""
    line: int


@dataclass(frozen=True, slots=True)
class GoWork:
    path: str
    go: str | None
    go_line: int | None
    toolchain: str | None
    toolchain_line: int | None
    godebug: tuple[Godebug, ...] = ()
    uses: tuple[Use, ...] = ()
    replaces: tuple[Replace, ...] = ()


@dataclass(frozen=True, slots=True)
class SumLine:
    """One go.sum line: ``<path> <version>[/go.mod] <hash>``."""

    path: str
    version: str
    """Without the ``/go.mod`` suffix."""
    gomod: bool
    """True for a ``/go.mod`` line (the hash of the module's go.mod file only)."""
    hash: str
    """As written, e.g. ``h1:base64``."""
    line: int

    @property
    def key(self) -> tuple[str, str]:
        """``(path, version[/go.mod])``: Go's go.sum key."""
        return (self.path, f"{self.version}/go.mod" if self.gomod else self.version)


@dataclass(frozen=True, slots=True)
class GoSum:
    """A go.sum (or go.work.sum) as Go reads it; ``path`` is repository-relative."""

    path: str
    lines: tuple[SumLine, ...]
    problems: tuple[tuple[int, str], ...] = ()
    """Lines Go accepts but a careful reader should not: ``(line, reason)`` (unknown algorithm,
    bad base64 or hash length, non-canonical version, invalid module path, duplicate line)."""


@dataclass(frozen=True, slots=True)
class VendoredModule:
    """A ``# path version [=> new [newversion]]`` block of vendor/modules.txt."""

    path: str
    version: str
    line: int
    replacement_path: str | None = None
    replacement_version: str | None = None
    """None with ``replacement_path`` set: a directory replacement."""
    explicit: bool = False
    go_version: str | None = None
    """From ``## explicit; go 1.21``; None when absent."""
    packages: tuple[str, ...] = ()
    package_lines: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ModulesTxt:
    """vendor/modules.txt as cmd/go's ``readVendorList`` reads it."""

    path: str
    workspace: bool
    """First line ``## workspace`` (written by ``go work vendor``)."""
    modules: tuple[VendoredModule, ...] = ()
    wildcard_replacements: tuple[VendoredModule, ...] = ()
    """``# path => new [version]`` lines: replacements of every version (``version`` is "")."""
    ignored_lines: tuple[int, ...] = field(default=())
    """Lines Go's reader silently ignores, wholly or in part (kept so a check can point at them)."""
    ignored: tuple[tuple[int, str], ...] = ()
    """``(line, what Go ignores there)`` for each entry of ``ignored_lines``, in line order."""
