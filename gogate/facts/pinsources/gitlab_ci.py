"""Placeholder: being written."""

from __future__ import annotations

from pathlib import Path

from gogate.facts.model import PinRecord


def extract(root: Path, relative: str) -> list[PinRecord]:
    return []
