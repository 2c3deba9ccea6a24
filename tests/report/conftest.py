"""Fixtures for the reporter tests; the builders live in :mod:`factory` so tests can import them."""

from __future__ import annotations

import pytest

from gogate.results import GateResult

from .factory import make_result


@pytest.fixture
def result() -> GateResult:
    """Every status at once: FAIL with and without path, WARN, ERROR without findings, SKIP, PASS."""
    return make_result()
