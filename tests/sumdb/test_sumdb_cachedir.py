"""The checksum database client tags its cache directory (CACHEDIR.TAG) when it first writes there."""

from __future__ import annotations

from pathlib import Path

from gogate.cachedir import TAG_CONTENT
from gogate.sumdb import SumdbClient, parse_gosumdb

from .conftest import World
from .server import SumdbServer


def test_first_lookup_tags_the_cache_directory(world: World, tmp_path: Path) -> None:
    cache = tmp_path / "repo" / ".cache" / "gogate" / "sumdb"
    with SumdbServer(world.log, world.signer) as server:
        config = parse_gosumdb(server.gosumdb)
        assert config is not None
        with SumdbClient(config, cache, retries=0, tile_height=world.log.height, trust_env=False) as client:
            client.lookup("example.com/m", "v1.0.0")
    assert (cache / "CACHEDIR.TAG").read_bytes() == TAG_CONTENT
    assert (cache / "sum.gogate.test" / "latest").is_file()
    assert not list(cache.glob(".CACHEDIR.TAG.*")), "no temporary tag left behind"
