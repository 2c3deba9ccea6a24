"""gogate's checksum database client against the loopback server (the one the go command accepts)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from gogate.errors import ConfigError, InfrastructureError
from gogate.exitcodes import ExitCode
from gogate.sumdb import (
    GOSUMDB_OFF_WARNING,
    SUM_GOLANG_ORG_KEY,
    SumdbClient,
    SumdbConfig,
    SumdbDisabledError,
    SumdbNotFoundError,
    SumdbSecurityError,
    parse_gosumdb,
    require_gosumdb,
)
from gogate.sumdb.client import escape_module_path, escape_version

from .conftest import World, build_world
from .server import Log, SumdbServer, make_module, new_signer


def _client(server: SumdbServer, cache: Path, **options: float) -> SumdbClient:
    config = parse_gosumdb(server.gosumdb)
    assert config is not None
    settings: dict[str, float] = {"timeout": 5.0, "retries": 0, "backoff": 0.01}
    settings.update(options)
    return SumdbClient(
        config,
        cache,
        timeout=settings["timeout"],
        retries=int(settings["retries"]),
        backoff=settings["backoff"],
        tile_height=server.log.height,
        trust_env=False,
    )


def _lookup(server: SumdbServer, cache: Path, path: str = "example.com/m", version: str = "v1.0.0") -> None:
    with _client(server, cache) as client:
        client.lookup(path, version)


class TestGoodRecords:
    def test_lookup_verifies_and_returns_the_lines(self, world: World, tmp_path: Path) -> None:
        module = world.module
        with SumdbServer(world.log, world.signer) as server, _client(server, tmp_path) as client:
            result = client.lookup("example.com/m", "v1.0.0")
            assert result.lines == (f"example.com/m v1.0.0 {module.h1}",)
            assert result.record_id == 5
            assert result.tree == world.log.tree
            go_mod = client.lookup("example.com/m", "v1.0.0/go.mod")
            assert go_mod.lines == (f"example.com/m v1.0.0/go.mod {module.go_mod_h1}",)
            client.verify_sum("example.com/m", "v1.0.0", module.h1)
            client.verify_sum("example.com/m", "v1.0.0/go.mod", module.go_mod_h1)
            assert client.latest() == world.log.tree
        latest = tmp_path / "sum.gogate.test" / "latest"
        assert latest.read_bytes() == server.signed_tree()
        assert (tmp_path / "sum.gogate.test/tile/8/0/000").stat().st_size == 256 * 32

    def test_cached_tiles_are_reused(self, world: World, tmp_path: Path) -> None:
        with SumdbServer(world.log, world.signer) as server:
            _lookup(server, tmp_path)
            first = [path for path in server.requests if path.startswith("/tile/")]
            server.requests.clear()
            _lookup(server, tmp_path)
            assert server.requests == ["/lookup/example.com/m@v1.0.0"]
        assert first

    def test_uppercase_path_is_escaped(self, world: World, tmp_path: Path) -> None:
        with SumdbServer(world.log, world.signer) as server, _client(server, tmp_path) as client:
            result = client.lookup("example.com/Upper", "v1.2.3")
        assert "/lookup/example.com/!upper@v1.2.3" in server.requests
        assert result.record_id == 290
        assert result.lines == (f"example.com/Upper v1.2.3 {world.upper.h1}",)

    @pytest.mark.parametrize("height", [1, 2, 3])
    def test_small_tiles(self, height: int, tmp_path: Path) -> None:
        """Tile height 8 keeps a 301-record tree in two levels; smaller heights exercise deep tile trees."""
        world = build_world(new_signer(), height=height)
        with SumdbServer(world.log, world.signer) as server, _client(server, tmp_path) as client:
            assert client.lookup("example.com/m", "v1.0.0").record_id == 5
            assert client.lookup("example.com/Upper", "v1.2.3").record_id == 290

    def test_growing_log_is_accepted(self, world: World, tmp_path: Path) -> None:
        with SumdbServer(world.log, world.signer) as server:
            _lookup(server, tmp_path)
            world.log.add_fillers(40)
            _lookup(server, tmp_path)
            assert (tmp_path / "sum.gogate.test/latest").read_bytes() == server.signed_tree()

    def test_older_consistent_head_is_accepted_and_latest_kept(self, world: World, tmp_path: Path) -> None:
        old_log = build_world(world.signer).log  # same records: a prefix of the grown log
        world.log.add_fillers(40)
        with SumdbServer(world.log, world.signer) as new_server:
            _lookup(new_server, tmp_path)
            newest = new_server.signed_tree()
        with SumdbServer(old_log, world.signer) as old_server:
            # The old server cannot serve the newer tree's tiles, but they are in the cache.
            _lookup(old_server, tmp_path)
        assert (tmp_path / "sum.gogate.test/latest").read_bytes() == newest


class TestRejected:
    def test_tampered_record(self, world: World, tmp_path: Path) -> None:
        evil = make_module(body="package m // evil\n").h1
        with SumdbServer(world.log, world.signer) as server:
            server.lookup_hook = lambda body: body.replace(world.module.h1.encode(), evil.encode())
            with pytest.raises(SumdbSecurityError, match="cannot authenticate record data") as caught:
                _lookup(server, tmp_path)
        assert caught.value.kind == "bad-record"
        assert caught.value.exit_code == ExitCode.GATE_FAILED
        assert caught.value.message.startswith("SECURITY ERROR")
        assert server.url in caught.value.message

    def test_record_id_moved(self, world: World, tmp_path: Path) -> None:
        with SumdbServer(world.log, world.signer) as server:
            server.lookup_hook = lambda body: b"6" + body[1:]
            with pytest.raises(SumdbSecurityError) as caught:
                _lookup(server, tmp_path)
        assert caught.value.kind == "bad-record"

    def test_log_that_lies_about_the_module(self, world: World, tmp_path: Path) -> None:
        liar = Log()
        liar.add_fillers(3)
        liar.add_module(world.module, h1=make_module(body="package m // evil\n").h1)
        with SumdbServer(liar, world.signer) as server, _client(server, tmp_path) as client:
            with pytest.raises(SumdbSecurityError, match="checksum mismatch") as caught:
                client.verify_sum("example.com/m", "v1.0.0", world.module.h1)
            assert caught.value.kind == "checksum-mismatch"

    def test_record_without_the_line(self, world: World, tmp_path: Path) -> None:
        h1 = world.module.go_mod_h1
        world.log.ids[("example.com/gomodonly", "v1.0.0")] = world.log.add(
            f"example.com/gomodonly v1.0.0/go.mod {h1}\n".encode()
        )
        with SumdbServer(world.log, world.signer) as server, _client(server, tmp_path) as client:
            client.verify_sum("example.com/gomodonly", "v1.0.0/go.mod", h1)
            with pytest.raises(
                SumdbSecurityError, match="has no line for example.com/gomodonly v1.0.0"
            ) as caught:
                client.verify_sum("example.com/gomodonly", "v1.0.0", h1)
        assert caught.value.kind == "no-record"

    def test_bad_signature(self, world: World, tmp_path: Path) -> None:
        with SumdbServer(world.log, world.signer) as server:
            server.note_hook = lambda signed: signed.replace(
                b"go.sum database tree\n301", b"go.sum database tree\n300"
            )
            with pytest.raises(
                SumdbSecurityError, match="invalid signature for key sum.gogate.test"
            ) as caught:
                _lookup(server, tmp_path)
        assert caught.value.kind == "bad-signature"
        assert not (tmp_path / "sum.gogate.test/latest").exists()

    def test_note_signed_by_another_key(self, world: World, tmp_path: Path) -> None:
        with SumdbServer(world.log, new_signer()) as impostor:
            config = SumdbConfig(
                "sum.gogate.test", world.signer.verifier_key(), impostor.url, explicit_url=True
            )
            with (
                SumdbClient(config, tmp_path, retries=0, trust_env=False) as client,
                pytest.raises(SumdbSecurityError, match="not signed by sum.gogate.test") as caught,
            ):
                client.lookup("example.com/m", "v1.0.0")
        assert caught.value.kind == "unverified-note"

    @pytest.mark.parametrize("tile", ["/tile/8/0/000", "/tile/8/0/001.p/45", "/tile/8/1/000.p/1"])
    def test_tampered_tile(self, world: World, tmp_path: Path, tile: str) -> None:
        def flip(path: str, data: bytes) -> bytes:
            return data[:-1] + bytes([data[-1] ^ 1]) if path == tile else data

        with SumdbServer(world.log, world.signer) as server:
            server.tile_hook = flip
            with pytest.raises(SumdbSecurityError, match="tiles that are not its signed tree") as caught:
                _lookup(server, tmp_path)
        assert caught.value.kind == "bad-tile"
        assert not (tmp_path / "sum.gogate.test/tile/8/0/000").exists()  # nothing unauthenticated cached

    def test_fork_same_size(self, world: World, tmp_path: Path) -> None:
        other = build_world(world.signer, tag="fork")
        assert other.log.tree.n == world.log.tree.n and other.log.tree.hash != world.log.tree.hash
        with SumdbServer(world.log, world.signer) as server_a:
            _lookup(server_a, tmp_path)
            seen = server_a.signed_tree()
        with SumdbServer(other.log, world.signer) as server_b:
            with pytest.raises(SumdbSecurityError, match="log forked") as caught:
                _lookup(server_b, tmp_path)
            forked = server_b.signed_tree()
        assert caught.value.kind == "fork"
        assert "two signed trees of size 301 differ" in caught.value.message
        # The report carries both signed heads as evidence; the cached head is not replaced.
        assert seen.decode().split("\n")[2] in caught.value.message
        assert forked.decode().split("\n")[2] in caught.value.message
        assert (tmp_path / "sum.gogate.test/latest").read_bytes() == seen

    def test_fork_larger_tree(self, world: World, tmp_path: Path) -> None:
        other = build_world(world.signer, tag="fork")
        other.log.add_fillers(30, tag="fork")
        with SumdbServer(world.log, world.signer) as server_a:
            _lookup(server_a, tmp_path)
        with (
            SumdbServer(other.log, world.signer) as server_b,
            pytest.raises(SumdbSecurityError, match="tree #301 is not a prefix of tree #331") as caught,
        ):
            _lookup(server_b, tmp_path)
        assert caught.value.kind == "fork"

    def test_fork_smaller_tree(self, world: World, tmp_path: Path) -> None:
        world.log.add_fillers(30)
        other = build_world(world.signer, tag="fork")
        with SumdbServer(world.log, world.signer) as server_a:
            _lookup(server_a, tmp_path)
        with (
            SumdbServer(other.log, world.signer) as server_b,
            pytest.raises(SumdbSecurityError, match="tree #301 is not a prefix of tree #331") as caught,
        ):
            _lookup(server_b, tmp_path)
        assert caught.value.kind == "fork"

    def test_tampered_cached_head(self, world: World, tmp_path: Path) -> None:
        with SumdbServer(world.log, world.signer) as server:
            _lookup(server, tmp_path)
            latest = tmp_path / "sum.gogate.test/latest"
            latest.write_bytes(latest.read_bytes().replace(b"\n301\n", b"\n300\n"))
            with pytest.raises(SumdbSecurityError, match="cached tree head") as caught:
                _lookup(server, tmp_path)
        assert caught.value.kind == "bad-cache"


class TestInfrastructure:
    def test_server_down(self, tmp_path: Path, world: World) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        config = SumdbConfig("sum.gogate.test", world.signer.verifier_key(), url, explicit_url=True)
        with (
            SumdbClient(config, tmp_path, retries=1, backoff=0.01, trust_env=False) as client,
            pytest.raises(InfrastructureError) as caught,
        ):
            client.lookup("example.com/m", "v1.0.0")
        assert f"{url}/lookup/example.com/m@v1.0.0" in caught.value.message
        assert "tried 2 time(s)" in caught.value.message
        assert caught.value.exit_code == ExitCode.INFRASTRUCTURE_ERROR

    def test_server_error_is_retried_then_reported(self, world: World, tmp_path: Path) -> None:
        with SumdbServer(world.log, world.signer) as server:
            server.fail_status = 503
            with (
                pytest.raises(InfrastructureError, match="503") as caught,
                _client(server, tmp_path, retries=2) as client,
            ):
                client.lookup("example.com/m", "v1.0.0")
            assert len(server.requests) == 3
        assert server.url in caught.value.message

    @pytest.mark.parametrize("status", [302, 403])
    def test_other_statuses_are_not_retried(self, world: World, tmp_path: Path, status: int) -> None:
        with SumdbServer(world.log, world.signer) as server:
            server.fail_status = status
            with (
                pytest.raises(InfrastructureError, match=f"unexpected HTTP status {status}") as caught,
                _client(server, tmp_path, retries=2) as client,
            ):
                client.lookup("example.com/m", "v1.0.0")
            assert len(server.requests) == 1
        assert not isinstance(caught.value, SumdbNotFoundError)

    def test_not_found(self, world: World, tmp_path: Path) -> None:
        with SumdbServer(world.log, world.signer) as server:
            with pytest.raises(SumdbNotFoundError, match="404") as caught:
                _lookup(server, tmp_path, "example.com/absent", "v1.0.0")
            assert len(server.requests) == 1
        assert f"{server.url}/lookup/example.com/absent@v1.0.0" in caught.value.message

    def test_timeout(self, world: World, tmp_path: Path) -> None:
        with SumdbServer(world.log, world.signer) as server:
            server.delay = 0.5
            with (
                pytest.raises(InfrastructureError, match="timed out") as caught,
                _client(server, tmp_path, timeout=0.05) as client,
            ):
                client.lookup("example.com/m", "v1.0.0")
        assert server.url in caught.value.message

    def test_wrong_content(self, world: World, tmp_path: Path) -> None:
        with SumdbServer(world.log, world.signer) as server:
            server.lookup_hook = lambda body: b"<html><body>Please log in</body></html>\n"
            with pytest.raises(InfrastructureError, match="not a checksum database answer") as caught:
                _lookup(server, tmp_path)
        assert not isinstance(caught.value, SumdbSecurityError)
        assert "Please log in" in caught.value.message

    def test_garbage_note(self, world: World, tmp_path: Path) -> None:
        with SumdbServer(world.log, world.signer) as server:
            server.note_hook = lambda signed: b"hello\n"
            with pytest.raises(InfrastructureError, match="not a checksum database answer"):
                _lookup(server, tmp_path)

    def test_short_tile(self, world: World, tmp_path: Path) -> None:
        with SumdbServer(world.log, world.signer) as server:
            server.tile_hook = lambda path, data: data[:-32]
            with pytest.raises(InfrastructureError, match="tile has .* bytes, expected") as caught:
                _lookup(server, tmp_path)
        assert "/tile/8/" in caught.value.message

    def test_credentials_are_redacted(self, world: World, tmp_path: Path) -> None:
        with SumdbServer(world.log, world.signer) as server:
            server.fail_status = 500
            host = server.url.removeprefix("http://")
            config = parse_gosumdb(f"{server.vkey} http://user:s3cr3tpass@{host}")
            assert config is not None
            with (
                SumdbClient(config, tmp_path, retries=0, trust_env=False) as client,
                pytest.raises(InfrastructureError) as caught,
            ):
                client.lookup("example.com/m", "v1.0.0")
        assert "s3cr3tpass" not in caught.value.message
        assert "[REDACTED]@" in caught.value.message


class TestGosumdb:
    def test_default(self) -> None:
        for value in (None, "", "sum.golang.org"):
            assert parse_gosumdb(value) == SumdbConfig(
                "sum.golang.org", SUM_GOLANG_ORG_KEY, "https://sum.golang.org", explicit_url=False
            )

    def test_off(self) -> None:
        assert parse_gosumdb("off") is None
        with pytest.raises(SumdbDisabledError) as caught:
            require_gosumdb("off")
        assert caught.value.message == GOSUMDB_OFF_WARNING
        assert caught.value.exit_code == ExitCode.USAGE_OR_INPUT_ERROR

    def test_alias_and_alternate_url(self) -> None:
        assert parse_gosumdb("sum.golang.google.cn") == SumdbConfig(
            "sum.golang.org", SUM_GOLANG_ORG_KEY, "https://sum.golang.google.cn", explicit_url=True
        )
        assert parse_gosumdb("sum.golang.org https://mirror.example/sumdb/") == SumdbConfig(
            "sum.golang.org", SUM_GOLANG_ORG_KEY, "https://mirror.example/sumdb", explicit_url=True
        )
        assert parse_gosumdb(f"  {SUM_GOLANG_ORG_KEY}\thttps://m.example ") == SumdbConfig(
            "sum.golang.org", SUM_GOLANG_ORG_KEY, "https://m.example", explicit_url=True
        )

    def test_custom_key(self) -> None:
        vkey = new_signer("sum.corp.example/db").verifier_key()
        assert parse_gosumdb(vkey) == SumdbConfig(
            "sum.corp.example/db", vkey, "https://sum.corp.example/db", explicit_url=False
        )

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("   ", "missing GOSUMDB"),
            ("a b c", "too many fields"),
            ("sum.corp.example", "malformed verifier id"),
            ("sum.golang.org+033de0af+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8", "invalid verifier hash"),
            ("sum.golang.org ftp://mirror.example", "invalid GOSUMDB URL"),
            ("sum.golang.org mirror.example", "invalid GOSUMDB URL"),
        ],
    )
    def test_invalid(self, value: str, message: str) -> None:
        with pytest.raises(ConfigError, match=message):
            parse_gosumdb(value)

    @pytest.mark.parametrize(
        "name", ["example.com/", "user@example.com", "example.com/a/../b", "example.com?x"]
    )
    def test_invalid_names(self, name: str) -> None:
        with pytest.raises(ConfigError, match="invalid sumdb name"):
            parse_gosumdb(new_signer(name).verifier_key())


class TestEscaping:
    @pytest.mark.parametrize(
        ("path", "escaped"),
        [
            ("example.com/m", "example.com/m"),
            ("github.com/Azure/azure-sdk-for-go", "github.com/!azure/azure-sdk-for-go"),
            ("github.com/BurntSushi/TOML", "github.com/!burnt!sushi/!t!o!m!l"),
            ("golang.org/toolchain", "golang.org/toolchain"),
        ],
    )
    def test_paths(self, path: str, escaped: str) -> None:
        assert escape_module_path(path) == escaped

    @pytest.mark.parametrize(
        "path",
        [
            "",
            "-x.com/a",
            "x.com//a",
            "x.com/a/",
            "/x.com",
            "example/m",
            "Example.com/m",
            "x.com/a b",
            "x.com/.a",
            "x.com/a.",
            "x.com/con",
            "x.com/a~1",
            "x.com/!a",
        ],
    )
    def test_bad_paths(self, path: str) -> None:
        with pytest.raises(ConfigError):
            escape_module_path(path)

    def test_versions(self) -> None:
        assert escape_version("v1.0.0-RC1") == "v1.0.0-!r!c1"
        assert escape_version("v0.0.1-go1.21.9.linux-amd64") == "v0.0.1-go1.21.9.linux-amd64"
        for bad in ("", "v1!", "v1/2", "v1."):
            with pytest.raises(ConfigError):
                escape_version(bad)
