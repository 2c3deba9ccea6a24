"""Version ranges as setup-go (node-semver) and asdf read them, against a pinned Go release."""

from __future__ import annotations

import pytest

from gogate.version_range import range_admits


@pytest.mark.parametrize(
    ("spec", "pin", "expected"),
    [
        ("1.22.x", "1.22.5", True),
        ("1.22.x", "1.23.0", False),
        ("1.22", "1.22.5", True),
        ("1.22", "1.21.9", False),
        ("1.x", "1.27.3", True),
        ("*", "1.27.3", True),
        ("~1.27.4", "1.27.3", False),
        ("~1.27.4", "1.27.9", True),
        ("~1.27", "1.28.0", False),
        ("^1.27.4", "1.27.3", False),
        ("^1.27.4", "1.40.0", True),
        (">=1.28.0", "1.27.3", False),
        (">= 1.27", "1.27.3", True),
        (">1.27", "1.27.9", False),
        (">1.27.3", "1.27.4", True),
        ("<=1.26", "1.26.9", True),
        ("<=1.26", "1.27.0", False),
        (">=1.22 <1.24", "1.23.1", True),
        (">=1.22 <1.24", "1.24.0", False),
        ("1.21.x || 1.22.x", "1.22.5", True),
        ("1.21.x || 1.23.x", "1.22.5", False),
        ("=1.22.5", "1.22.5", True),
        ("1.22.5", "1.22.6", False),
        ("prefix:1.26", "1.26.8", True),
        ("prefix:1.26", "1.27.3", False),
    ],
)
def test_range_table(spec: str, pin: str, expected: bool) -> None:
    assert range_admits(spec, pin) is expected


@pytest.mark.parametrize(
    ("spec", "pin"),
    [
        ("stable", "1.22.5"),
        ("1.22.0 - 1.23.0", "1.22.5"),
        (">=1.22", "1.23rc1"),
        ("latest || 1.21.x", "1.22.5"),
    ],
)
def test_unknown_is_none(spec: str, pin: str) -> None:
    assert range_admits(spec, pin) is None
