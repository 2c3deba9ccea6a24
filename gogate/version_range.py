"""Can a version range, as setup-go or asdf reads it, ever select the pinned Go release?

Why: ``go-version: '>=1.28'`` or ``.go-version: 1.26.x`` float, but they can also exclude the pin
entirely; that is a certain drift, not a "maybe", and must fail rather than warn. setup-go matches
Go versions with node-semver ranges (``1.22.x``, ``~1.22.3``, ``^1.22``, ``>=1.21 <1.23``,
``a || b``); asdf's ``prefix:1.22`` is a string prefix. Anything else is "unknown" (None), and the
caller keeps its warning.
"""

from __future__ import annotations

import re

from gogate import goversion

__all__ = ["range_admits"]

_Version = tuple[int, int, int]
_PARTIAL = re.compile(r"^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?$")
_COMPARATOR = re.compile(r"^(>=|<=|>|<|=|~|\^)?\s*(.+)$")


def _pin_as_semver(pin: str) -> _Version | None:
    """1.22.5 -> (1, 22, 5); prereleases and language versions are not comparable here."""
    version = goversion.parse(pin)
    if not version.valid or version.kind or version.patch == "":
        return None
    return int(version.major), int(version.minor), int(version.patch)


def _parse_partial(text: str) -> list[int | None] | None:
    """'1.22' -> [1, 22, None]; 'x' and '*' are wildcards (None)."""
    match = _PARTIAL.match(text)
    if match is None:
        return None
    return [None if group is None or group in "xX*" else int(group) for group in match.groups()]


def _bounds(operator: str, parts: list[int | None]) -> list[tuple[str, _Version]] | None:
    """Translate one comparator into plain >=/</... bounds on (major, minor, patch)."""
    major, minor, patch = parts
    if major is None:
        return [] if operator in ("", "=") else None
    if operator in ("", "="):
        if minor is None:
            return [(">=", (major, 0, 0)), ("<", (major + 1, 0, 0))]
        if patch is None:
            return [(">=", (major, minor, 0)), ("<", (major, minor + 1, 0))]
        return [("=", (major, minor, patch))]
    low = (major, minor or 0, patch or 0)
    if operator == "~":
        high = (major + 1, 0, 0) if minor is None else (major, minor + 1, 0)
        return [(">=", low), ("<", high)]
    if operator == "^":
        if major > 0 or minor is None:
            high = (major + 1, 0, 0)
        elif minor > 0 or patch is None:
            high = (0, minor + 1, 0)
        else:
            high = (0, 0, (patch or 0) + 1)
        return [(">=", low), ("<", high)]
    if operator in (">", "<=") and (minor is None or patch is None):
        # ">1.22" means ">=1.23.0"; "<=1.22" means "<1.23.0" (partial versions round up here).
        upper = (major + 1, 0, 0) if minor is None else (major, minor + 1, 0)
        return [(">=" if operator == ">" else "<", upper)]
    return [(operator, low)]


def _satisfies(version: _Version, operator: str, bound: _Version) -> bool:
    return {
        ">=": version >= bound,
        ">": version > bound,
        "<": version < bound,
        "<=": version <= bound,
        "=": version == bound,
    }[operator]


def _alternative_admits(alternative: str, pin: _Version) -> bool | None:
    tokens = alternative.split()
    # node-semver allows a space between operator and version: ">= 1.22".
    merged: list[str] = []
    for token in tokens:
        if merged and merged[-1] in (">=", "<=", ">", "<", "=", "~", "^"):
            merged[-1] += token
        else:
            merged.append(token)
    if not merged:
        return True
    for comparator in merged:
        match = _COMPARATOR.match(comparator)
        if match is None:
            return None
        parts = _parse_partial(match.group(2))
        if parts is None:
            return None
        bounds = _bounds(match.group(1) or "", parts)
        if bounds is None:
            return None
        if not all(_satisfies(pin, operator, bound) for operator, bound in bounds):
            return False
    return True


def range_admits(spec: str, pin: str) -> bool | None:
    """True if ``spec`` can select ``pin``, False if it never can, None if gogate cannot tell."""
    pin_version = _pin_as_semver(pin)
    if pin_version is None:
        return None
    spec = spec.strip()
    if spec.startswith("prefix:"):
        return pin.startswith(spec.removeprefix("prefix:"))
    if " - " in spec:
        return None  # hyphen ranges: rare for Go versions; do not guess
    verdicts = [_alternative_admits(alternative.strip(), pin_version) for alternative in spec.split("||")]
    if any(verdict is True for verdict in verdicts):
        return True
    if all(verdict is False for verdict in verdicts):
        return False
    return None
