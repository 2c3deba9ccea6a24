"""Fixtures: one signing key and a log of a few hundred records holding the test modules."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gogate.sumdb import note

from .server import Log, Module, make_module, new_signer


@dataclass
class World:
    signer: note.Signer
    log: Log
    module: Module  # example.com/m v1.0.0, record 5 (inside the first full tile)
    upper: Module  # example.com/Upper v1.2.3, record 290 (in the partial tile at the right edge)


def build_world(signer: note.Signer, *, height: int = 8, tag: str = "") -> World:
    log = Log(height)
    module = make_module()
    upper = make_module("example.com/Upper", "v1.2.3", "package upper\n")
    log.add_fillers(5, tag=tag)
    log.add_module(module)
    log.add_fillers(290 - len(log.records), tag=tag)
    log.add_module(upper)
    log.add_fillers(10, tag=tag)
    return World(signer, log, module, upper)


@pytest.fixture(scope="session")
def signer() -> note.Signer:
    return new_signer()


@pytest.fixture
def world(signer: note.Signer) -> World:
    return build_world(signer)
