"""The loopback checksum database is proven right by the real ``go`` command (Go is the oracle).

Go downloads a module from a ``file://`` GOPROXY and verifies it against our server
(``GOSUMDB="<name>+<hash>+<key> http://127.0.0.1:PORT"``): it must accept the honest server and
reject one that lies about the module's h1, alters the record, forges the signature or serves a bad tile.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from goenv_support import hermetic_go_env, run_go

from .conftest import World
from .server import SumdbServer, make_module, new_signer, write_module_proxy


def _download(
    go_bin: Path, tmp_path: Path, gocache: Path, server: SumdbServer, world: World
) -> tuple[int, str]:
    proxy = write_module_proxy(tmp_path / "proxy", world.module)
    env = hermetic_go_env(
        tmp_path / "gohome", gocache=gocache, GOPROXY=proxy.as_uri(), GOSUMDB=server.gosumdb
    )
    assert "GONOSUMDB" not in env and "GOPRIVATE" not in env and "GONOSUMCHECK" not in env
    work = tmp_path / "work"
    work.mkdir()
    result = run_go(go_bin, ["mod", "download", "-json", "example.com/m@v1.0.0"], cwd=work, env=env)
    return result.returncode, result.stdout + result.stderr


def test_go_accepts_the_honest_server(go_bin: Path, tmp_path: Path, go_gocache: Path, world: World) -> None:
    with SumdbServer(world.log, world.signer) as server:
        code, output = _download(go_bin, tmp_path, go_gocache, server, world)
    assert code == 0, output
    info = json.loads(output)
    # Our dirhash helper and record agree with Go's own hashes of the zip and the go.mod.
    assert info["Sum"] == world.module.h1
    assert info["GoModSum"] == world.module.go_mod_h1
    assert "Error" not in info
    # Go really asked our server: the lookup and the tiles proving the record.
    assert "/lookup/example.com/m@v1.0.0" in server.requests
    assert any(path.startswith("/tile/8/0/000") for path in server.requests)
    # Go's cached tree head is our signed tree (size and root).
    latest = (tmp_path / "gohome/gopath/pkg/sumdb/sum.gogate.test/latest").read_bytes()
    assert latest == server.signed_tree()


def _flip_h1(body: bytes) -> bytes:
    lines = body.split(b"\n")
    lines[1] = lines[1].rsplit(b" ", 1)[0] + b" h1:" + b"A" * 43 + b"="
    return b"\n".join(lines)


def _flip_signature(signed: bytes) -> bytes:
    text, _, sig_line = signed.rstrip(b"\n").rpartition(b"\n")
    prefix, _, encoded = sig_line.rpartition(b" ")
    # Change one character inside the signature (past the 4-byte key hash: 6 base64 characters).
    position = 20
    replacement = b"B" if encoded[position : position + 1] != b"B" else b"C"
    return text + b"\n" + prefix + b" " + encoded[:position] + replacement + encoded[position + 1 :] + b"\n"


def _flip_tile(path: str, data: bytes) -> bytes:
    if path == "/tile/8/0/000":  # the full tile holding record 5
        return data[: 5 * 32] + bytes([data[5 * 32] ^ 1]) + data[5 * 32 + 1 :]
    return data


TAMPERS: dict[str, tuple[Callable[[SumdbServer], None], str]] = {
    "record-text-altered": (
        lambda server: setattr(server, "lookup_hook", _flip_h1),
        "cannot authenticate record data",
    ),
    "signature-forged": (
        lambda server: setattr(server, "note_hook", _flip_signature),
        "invalid signature for key sum.gogate.test",
    ),
    "tile-altered": (
        lambda server: setattr(server, "tile_hook", _flip_tile),
        "downloaded inconsistent tile",
    ),
}


@pytest.mark.parametrize("case", sorted(TAMPERS))
def test_go_rejects_a_tampered_server(
    case: str, go_bin: Path, tmp_path: Path, go_gocache: Path, world: World
) -> None:
    tamper, expected = TAMPERS[case]
    with SumdbServer(world.log, world.signer) as server:
        tamper(server)
        code, output = _download(go_bin, tmp_path, go_gocache, server, world)
    assert code != 0, output
    assert "verifying" in output, output
    assert expected in output
    assert not (tmp_path / "gohome/gopath/pkg/mod/example.com/m@v1.0.0").exists()


def test_go_rejects_a_log_that_lies_about_the_module(
    go_bin: Path, tmp_path: Path, go_gocache: Path, world: World
) -> None:
    """The log itself (signed, consistent, with a valid proof) records a different h1 for the module."""
    liar = World(world.signer, type(world.log)(), world.module, world.upper)
    liar.log.add_fillers(3)
    liar.log.add_module(world.module, h1=make_module(body="package m // evil\n").h1)
    with SumdbServer(liar.log, liar.signer) as server:
        code, output = _download(go_bin, tmp_path, go_gocache, server, liar)
    assert code != 0, output
    assert "checksum mismatch" in output and "SECURITY ERROR" in output, output


def test_go_rejects_a_note_signed_by_another_key(
    go_bin: Path, tmp_path: Path, go_gocache: Path, world: World
) -> None:
    """Same database name, different key: Go finds no signature it can verify."""
    with SumdbServer(world.log, new_signer()) as impostor:
        proxy = write_module_proxy(tmp_path / "proxy", world.module)
        gosumdb = f"{world.signer.verifier_key()} {impostor.url}"
        env = hermetic_go_env(
            tmp_path / "gohome", gocache=go_gocache, GOPROXY=proxy.as_uri(), GOSUMDB=gosumdb
        )
        work = tmp_path / "work"
        work.mkdir()
        result = run_go(go_bin, ["mod", "download", "-json", "example.com/m@v1.0.0"], cwd=work, env=env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "no verifiable signatures" in output, output
