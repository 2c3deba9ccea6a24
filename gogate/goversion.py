"""Go version grammar and ordering, following cmd/go's ``internal/gover`` exactly.

Why our own implementation: a pin gate must order versions the way the go command does, or it
would pass a go.mod that Go refuses (or the reverse). The rules that surprise people:

* ``1.21`` (no patch, Go >= 1.21) is a *language version* that sorts before every release of the
  series: ``1.21 < 1.21rc1 < 1.21.0 < 1.21.1``.
* Before 1.21 a missing patch means ``.0``: ``1.20rc1 < 1.20 == 1.20.0 < 1.20.1``.
* A prerelease on a patch release (``1.21.3rc1``) and leading zeros are invalid.
* Toolchain names are ``go<version>`` optionally followed by a suffix (``go1.22.5-bigcorp``).

See ``shared/notes/go-internals.md`` section 4 and golang/go ``src/internal/gover/gover.go``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "GO_LINE_PATTERN",
    "TOOLCHAIN_LINE_PATTERN",
    "GoVersion",
    "compare",
    "from_toolchain",
    "is_lang",
    "is_release",
    "is_valid",
    "lang",
    "normalize_user_version",
]

# go.mod "go" directive value (x/mod modfile GoVersionRE).
GO_LINE_PATTERN = re.compile(r"^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$")
# go.mod "toolchain" directive value (x/mod modfile ToolchainRE).
TOOLCHAIN_LINE_PATTERN = re.compile(r"^default$|^go1($|\.)")


@dataclass(frozen=True, slots=True)
class GoVersion:
    """A parsed Go version; an invalid input parses to all-empty fields, as in gover."""

    major: str = ""
    minor: str = ""
    patch: str = ""
    kind: str = ""
    pre: str = ""

    @property
    def valid(self) -> bool:
        return self != _INVALID


_INVALID = GoVersion()


def _cut_int(text: str) -> tuple[str, str] | None:
    """Split leading decimal digits off ``text``; reject empty and leading-zero numbers."""
    end = 0
    while end < len(text) and "0" <= text[end] <= "9":
        end += 1
    if end == 0 or (text[0] == "0" and end != 1):
        return None
    return text[:end], text[end:]


def parse(text: str) -> GoVersion:
    """Parse ``text`` (without a ``go`` prefix); invalid input gives an all-empty GoVersion."""
    cut = _cut_int(text)
    if cut is None:
        return _INVALID
    major, rest = cut
    if rest == "":
        return GoVersion(major, "0", "0")
    if rest[0] != ".":
        return _INVALID
    cut = _cut_int(rest[1:])
    if cut is None:
        return _INVALID
    minor, rest = cut
    if rest == "":
        # Before Go 1.21 a missing patch means .0; from 1.21 on it is the language version.
        patch = "0" if _cmp_int(minor, "21") < 0 else ""
        return GoVersion(major, minor, patch)
    if rest[0] == ".":
        cut = _cut_int(rest[1:])
        if cut is None or cut[1] != "":
            # Prereleases of patch releases (1.21.3rc1) are not versions.
            return _INVALID
        return GoVersion(major, minor, cut[0])
    end = 0
    while end < len(rest) and not ("0" <= rest[end] <= "9"):
        if not ("a" <= rest[end] <= "z"):
            return _INVALID
        end += 1
    if end == 0:
        return _INVALID
    kind, rest = rest[:end], rest[end:]
    if rest == "":
        return GoVersion(major, minor, "", kind)
    cut = _cut_int(rest)
    if cut is None or cut[1] != "":
        return _INVALID
    return GoVersion(major, minor, "", kind, cut[0])


def _cmp_int(left: str, right: str) -> int:
    """Compare decimal strings without leading zeros ("" sorts first)."""
    if left == right:
        return 0
    if len(left) != len(right):
        return -1 if len(left) < len(right) else 1
    return -1 if left < right else 1


def _cmp_str(left: str, right: str) -> int:
    return (left > right) - (left < right)


def compare(left: str, right: str) -> int:
    """Return -1, 0 or 1 as Go's ``gover.Compare``; invalid versions sort before all valid ones."""
    a, b = parse(left), parse(right)
    for result in (
        _cmp_int(a.major, b.major),
        _cmp_int(a.minor, b.minor),
        _cmp_int(a.patch, b.patch),
        _cmp_str(a.kind, b.kind),
        _cmp_int(a.pre, b.pre),
    ):
        if result:
            return result
    return 0


def is_valid(text: str) -> bool:
    """True when ``text`` is a Go version in gover's grammar."""
    return parse(text).valid


def is_lang(text: str) -> bool:
    """True for a language version such as ``1.22`` (no patch, no prerelease)."""
    version = parse(text)
    return version.valid and version.patch == "" and version.kind == "" and version.pre == ""


def is_release(text: str) -> bool:
    """True when ``text`` names one exact toolchain release (``1.22.5``, ``1.23rc1``, ``1.20``)."""
    return is_valid(text) and not is_lang(text)


def lang(text: str) -> str:
    """The language version of ``text`` (``1.22.5`` -> ``1.22``), as ``gover.Lang``."""
    version = parse(text)
    if version.minor == "" or (version.major == "1" and version.minor == "0"):
        return version.major
    return f"{version.major}.{version.minor}"


def from_toolchain(name: str) -> str:
    """The version inside a toolchain name (``go1.22.5-bigcorp`` -> ``1.22.5``), or "" if none.

    Mirrors cmd/go's ``gover.FromToolchain``: only a ``go`` prefix introduces the version (a
    gccgo-style ``gccgo-go1.2`` is no version: go1.23 and go1.27 both reject it as a minimum
    toolchain), anything after a space, tab or ``-`` is a vendor suffix, and a ``/`` or ``\\``
    anywhere makes the name invalid (it would be looked up relative to the working directory).
    """
    if "/" in name or "\\" in name or not name.startswith("go"):
        return ""
    version = name[2:]
    for separator in (" ", "\t", "-"):
        version = version.split(separator, 1)[0]
    return version if is_valid(version) else ""


def normalize_user_version(text: str) -> str:
    """Accept ``1.22.5`` or ``go1.22.5`` as written in pin files; return the bare version or ""."""
    candidate = text[2:] if text.startswith("go") else text
    return candidate if is_valid(candidate) else ""
