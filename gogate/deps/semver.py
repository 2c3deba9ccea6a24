"""Semantic versions exactly as golang.org/x/mod/semver reads, canonicalizes and orders them.

Why not a PyPI semver library: Go's dialect differs from SemVer 2.0 in ways that decide which
go.sum line sorts first and which version is "canonical": a leading ``v`` is required,
``v1`` and ``v1.2`` are valid shorthands (for ``v1.0.0``, ``v1.2.0``) but take no suffix,
build metadata is dropped by canonicalization, and ``+incompatible`` is kept by the module
layer (:func:`canonical_version`). Invalid versions sort before all valid ones.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ParsedVersion",
    "build",
    "canonical",
    "canonical_version",
    "compare",
    "is_valid",
    "major",
    "parse",
]


@dataclass(frozen=True, slots=True)
class ParsedVersion:
    major: str
    minor: str
    patch: str
    short: str
    """What a shorthand lacks: ``.0.0`` for ``v1``, ``.0`` for ``v1.2``, else ""."""
    prerelease: str
    """With its leading ``-``, or ""."""
    build: str
    """With its leading ``+``, or ""."""


def _is_digit(char: str) -> bool:
    return "0" <= char <= "9"


def _number(text: str) -> tuple[str, str] | None:
    """Leading decimal number (no leading zeros) and the rest."""
    end = 0
    while end < len(text) and _is_digit(text[end]):
        end += 1
    if end == 0 or (text[0] == "0" and end != 1):
        return None
    return text[:end], text[end:]


def _is_ident_char(char: str) -> bool:
    return "A" <= char <= "Z" or "a" <= char <= "z" or _is_digit(char) or char == "-"


def _bad_number(identifier: str) -> bool:
    return len(identifier) > 1 and identifier[0] == "0" and all(_is_digit(c) for c in identifier)


def _suffix(text: str, *, prerelease: bool) -> tuple[str, str] | None:
    """A ``-prerelease`` (stops at ``+``) or ``+build`` suffix and the rest."""
    end = 1
    while end < len(text) and not (prerelease and text[end] == "+"):
        end += 1
    identifiers = text[1:end].split(".")
    for identifier in identifiers:
        if not identifier or not all(_is_ident_char(c) for c in identifier):
            return None
        if prerelease and _bad_number(identifier):
            return None
    return text[:end], text[end:]


def parse(version: str) -> ParsedVersion | None:
    """Parse ``vMAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]]``; None when invalid."""
    if not version.startswith("v"):
        return None
    cut = _number(version[1:])
    if cut is None:
        return None
    numbers = [cut[0]]
    rest = cut[1]
    while len(numbers) < 3 and rest:
        if rest[0] != ".":
            return None
        cut = _number(rest[1:])
        if cut is None:
            return None
        numbers.append(cut[0])
        rest = cut[1]
    if len(numbers) < 3:
        short = ".0" * (3 - len(numbers))
        numbers += ["0"] * (3 - len(numbers))
        return ParsedVersion(numbers[0], numbers[1], numbers[2], short=short, prerelease="", build="")
    prerelease = build = ""
    if rest.startswith("-"):
        found = _suffix(rest, prerelease=True)
        if found is None:
            return None
        prerelease, rest = found
    if rest.startswith("+"):
        found = _suffix(rest, prerelease=False)
        if found is None:
            return None
        build, rest = found
    if rest:
        return None
    return ParsedVersion(numbers[0], numbers[1], numbers[2], short="", prerelease=prerelease, build=build)


def is_valid(version: str) -> bool:
    return parse(version) is not None


def canonical(version: str) -> str:
    """semver.Canonical: shorthands completed, build metadata dropped; "" when invalid."""
    parsed = parse(version)
    if parsed is None:
        return ""
    if parsed.build:
        return version[: len(version) - len(parsed.build)]
    return version + parsed.short


def canonical_version(version: str) -> str:
    """module.CanonicalVersion: :func:`canonical`, keeping a ``+incompatible`` build suffix."""
    result = canonical(version)
    if result and build(version) == "+incompatible":
        result += "+incompatible"
    return result


def major(version: str) -> str:
    """``v2`` for ``v2.1.0``; "" when invalid."""
    parsed = parse(version)
    return "" if parsed is None else f"v{parsed.major}"


def build(version: str) -> str:
    parsed = parse(version)
    return "" if parsed is None else parsed.build


def _compare_numbers(left: str, right: str) -> int:
    if left == right:
        return 0
    if len(left) != len(right):
        return -1 if len(left) < len(right) else 1
    return -1 if left < right else 1


def _compare_prerelease(left: str, right: str) -> int:
    if left == right:
        return 0
    if not left:
        return 1
    if not right:
        return -1
    left_ids, right_ids = left[1:].split("."), right[1:].split(".")
    for left_id, right_id in zip(left_ids, right_ids, strict=False):
        if left_id == right_id:
            continue
        left_num, right_num = (
            left_id.isascii() and left_id.isdigit(),
            right_id.isascii() and right_id.isdigit(),
        )
        if left_num != right_num:
            return -1 if left_num else 1
        if left_num and len(left_id) != len(right_id):
            return -1 if len(left_id) < len(right_id) else 1
        return -1 if left_id < right_id else 1
    if len(left_ids) == len(right_ids):
        return 0
    return -1 if len(left_ids) < len(right_ids) else 1


def compare(left: str, right: str) -> int:
    """semver.Compare: -1, 0 or +1; an invalid version is below every valid one (and equal to another)."""
    parsed_left, parsed_right = parse(left), parse(right)
    if parsed_left is None or parsed_right is None:
        return (parsed_left is not None) - (parsed_right is not None)
    for a, b in (
        (parsed_left.major, parsed_right.major),
        (parsed_left.minor, parsed_right.minor),
        (parsed_left.patch, parsed_right.patch),
    ):
        result = _compare_numbers(a, b)
        if result:
            return result
    return _compare_prerelease(parsed_left.prerelease, parsed_right.prerelease)
