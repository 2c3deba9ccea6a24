"""RFC 6962 hashing, stored-hash indexes, tile paths, proofs and tile authentication."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pytest

from gogate.sumdb import tlog

from .server import Log


def _mth(leaves: Sequence[bytes]) -> bytes:
    """RFC 6962 §2.1 Merkle Tree Hash, written straight from the RFC."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + _mth(leaves[:k]) + _mth(leaves[k:])).digest()


def _log(size: int, height: int = 2) -> Log:
    log = Log(height)
    for i in range(size):
        log.add(f"record {i}\n".encode())
    return log


class TestHashing:
    def test_empty_and_leaf_and_node(self) -> None:
        assert tlog.EMPTY_HASH.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        assert tlog.record_hash(b"x") == hashlib.sha256(b"\x00x").digest()
        assert (
            tlog.node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
        )

    def test_tree_hash_equals_rfc6962_for_every_size(self) -> None:
        log = _log(70)
        for size in range(71):
            assert tlog.tree_hash(size, log.read_hashes) == _mth(log.records[:size]), size

    def test_stored_hash_layout(self) -> None:
        log = _log(100)
        assert len(log.hashes) == tlog.stored_hash_count(100)
        for size in range(101):
            assert tlog.stored_hash_count(size) == (tlog.stored_hash_index(0, size) if size else 0)
        seen = set()
        for index in range(len(log.hashes)):
            level, n = tlog.split_stored_hash_index(index)
            assert tlog.stored_hash_index(level, n) == index
            seen.add((level, n))
            # The stored hash is the hash of the complete subtree it names.
            assert log.hashes[index] == _mth(log.records[n << level : (n + 1) << level])
        assert len(seen) == len(log.hashes)

    @pytest.mark.parametrize(
        ("level", "n", "index"), [(0, 0, 0), (0, 1, 1), (1, 0, 2), (0, 2, 3), (0, 3, 4), (1, 1, 5), (2, 0, 6)]
    )
    def test_stored_hash_index_vectors(self, level: int, n: int, index: int) -> None:
        assert tlog.stored_hash_index(level, n) == index


class TestProofs:
    def test_record_proofs(self) -> None:
        log = _log(33)
        for size in range(1, 34):
            root = tlog.tree_hash(size, log.read_hashes)
            for n in range(size):
                proof = tlog.prove_record(size, n, log.read_hashes)
                leaf = tlog.record_hash(log.records[n])
                tlog.check_record(proof, size, root, n, leaf)
                with pytest.raises(tlog.ProofError):
                    tlog.check_record(proof, size, root, n, tlog.record_hash(b"other\n"))
                if proof:
                    bad = [*proof[:-1], bytes(32)]
                    with pytest.raises(tlog.ProofError):
                        tlog.check_record(bad, size, root, n, leaf)

    def test_tree_proofs(self) -> None:
        log = _log(33)
        roots = [tlog.tree_hash(size, log.read_hashes) for size in range(34)]
        for size in range(1, 34):
            for old in range(1, size + 1):
                proof = tlog.prove_tree(size, old, log.read_hashes)
                tlog.check_tree(proof, size, roots[size], old, roots[old])
                with pytest.raises(tlog.ProofError):
                    tlog.check_tree(proof, size, roots[size], old, bytes(32))
                with pytest.raises(tlog.ProofError):
                    tlog.check_tree([*proof, bytes(32)], size, roots[size], old, roots[old])


class TestTiles:
    @pytest.mark.parametrize(
        ("tile", "path"),
        [
            (tlog.Tile(3, 4, 1234067, 1), "tile/3/4/x001/x234/067.p/1"),
            (tlog.Tile(3, 4, 1234067, 8), "tile/3/4/x001/x234/067"),
            (tlog.Tile(8, 0, 123009, 256), "tile/8/0/x123/009"),
            (tlog.Tile(8, 1, 488, 229), "tile/8/1/488.p/229"),
            (tlog.Tile(8, 3, 0, 1), "tile/8/3/000.p/1"),
            (tlog.Tile(8, -1, 0, 256), "tile/8/data/000"),
            (tlog.Tile(8, 0, 123456789, 256), "tile/8/0/x123/x456/789"),
        ],
    )
    def test_paths(self, tile: tlog.Tile, path: str) -> None:
        assert tile.path() == path
        assert tlog.parse_tile_path(path) == tile

    @pytest.mark.parametrize(
        "path",
        [
            "tile/3/4/1234067",  # not split in groups
            "tile/3/4/x001/x234/067.p/8",  # a "partial" tile of full width
            "tile/3/4/067.p/0",
            "tile/31/0/000",
            "tile/0/0/000",
            "tile/3/4/67",
            "tile/3/4/x000/067",  # leading zero group
            "tile/3/-1/000",
            "tiles/3/4/000",
            "tile/3/4",
        ],
    )
    def test_bad_paths(self, path: str) -> None:
        with pytest.raises(tlog.TlogError):
            tlog.parse_tile_path(path)

    def test_new_tiles_for_the_loopback_tree(self) -> None:
        assert tlog.new_tiles(8, 0, 300) == [
            tlog.Tile(8, 0, 0, 256),
            tlog.Tile(8, 0, 1, 44),
            tlog.Tile(8, 1, 0, 1),
        ]
        assert tlog.new_tiles(8, 300, 301) == [tlog.Tile(8, 0, 1, 45)]

    def test_tile_for_index(self) -> None:
        # Record 5 lives at stored index 8 in the first level-0 tile, which must be at least 6 wide.
        assert tlog.stored_hash_index(0, 5) == 8
        assert tlog.tile_for_index(8, 8) == (tlog.Tile(8, 0, 0, 6), 5 * 32, 6 * 32)
        # A level-3 hash is the hash of 8 level-0 entries of its tile.
        tile, start, end = tlog.tile_for_index(8, tlog.stored_hash_index(3, 2))
        assert (tile, start, end) == (tlog.Tile(8, 0, 0, 24), 16 * 32, 24 * 32)

    def test_hash_from_tile_equals_stored_hash(self) -> None:
        log = _log(70, height=2)
        for tile in tlog.new_tiles(2, 0, 70):
            data = log.tile(tile)
            assert data is not None
            for index in range(len(log.hashes)):
                narrow, _, _ = tlog.tile_for_index(2, index)
                if (narrow.level, narrow.n) == (tile.level, tile.n) and narrow.w <= tile.w:
                    assert tlog.hash_from_tile(tile, data, index) == log.hashes[index]


class TestTileHashReader:
    @pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 16, 17, 63, 64, 65, 100])
    def test_reads_every_record_hash(self, size: int) -> None:
        log = _log(size, height=2)
        fetched: list[tlog.Tile] = []

        def fetch(tiles: Sequence[tlog.Tile]) -> list[bytes]:
            fetched.extend(tiles)
            out = [log.tile(tile) for tile in tiles]
            assert all(data is not None for data in out)
            return [data for data in out if data is not None]

        reader = tlog.TileHashReader(log.tree, 2, fetch)
        indexes = [tlog.stored_hash_index(0, n) for n in range(size)]
        assert reader(indexes) == [tlog.record_hash(r) for r in log.records]
        # Hashes of older trees, read through the newer tree's tiles.
        for old in range(size + 1):
            assert tlog.tree_hash(old, reader) == _mth(log.records[:old])
        assert fetched

    def test_every_tampered_tile_is_caught(self) -> None:
        log = _log(100, height=2)
        indexes = [tlog.stored_hash_index(0, n) for n in range(100)]
        honest: list[tlog.Tile] = []
        tlog.TileHashReader(
            log.tree, 2, lambda tiles: honest.extend(tiles) or [log.tile(t) or b"" for t in tiles]
        )(indexes)
        for victim in set(honest):
            for position in range(0, victim.w * 32, 32):

                def fetch(
                    tiles: Sequence[tlog.Tile], victim: tlog.Tile = victim, at: int = position
                ) -> list[bytes]:
                    out = []
                    for tile in tiles:
                        data = bytearray(log.tile(tile) or b"")
                        if tile == victim:
                            data[at] ^= 0x80
                        out.append(bytes(data))
                    return out

                with pytest.raises(tlog.InconsistentTileError):
                    tlog.TileHashReader(log.tree, 2, fetch)(indexes)

    def test_wrong_tile_length(self) -> None:
        log = _log(10, height=2)
        reader = tlog.TileHashReader(log.tree, 2, lambda tiles: [(log.tile(t) or b"")[:-1] for t in tiles])
        with pytest.raises(tlog.TlogError, match="bytes, expected"):
            reader([0])

    def test_index_beyond_the_tree(self) -> None:
        log = _log(10, height=2)
        reader = tlog.TileHashReader(log.tree, 2, lambda tiles: [log.tile(t) or b"" for t in tiles])
        with pytest.raises(tlog.TlogError, match="not in a tree of size 10"):
            reader([tlog.stored_hash_index(0, 10)])


class TestRecordsAndTrees:
    def test_record_round_trip(self) -> None:
        text = b"example.com/m v1.0.0 h1:x=\nexample.com/m v1.0.0/go.mod h1:y=\n"
        message = tlog.format_record(7, text) + b"rest"
        assert tlog.parse_record(message) == (7, text, b"rest")

    @pytest.mark.parametrize(
        "message",
        [b"", b"7", b"x\nline\n\n", b"7\nline\n", b"7\nline\x01\n\n", b"7\nline\xff\n\n", b"+\nline\n\n"],
    )
    def test_bad_records(self, message: bytes) -> None:
        with pytest.raises(tlog.MalformedRecordError):
            tlog.parse_record(message)

    @pytest.mark.parametrize("text", [b"no newline", b"a\n\nb\n", b"tab\there\n"])
    def test_unformattable_records(self, text: bytes) -> None:
        with pytest.raises(tlog.MalformedRecordError):
            tlog.format_record(1, text)

    def test_tree_text(self) -> None:
        tree = tlog.Tree(2, bytes(range(32)))
        text = tlog.format_tree(tree)
        assert tlog.parse_tree(text) == tree
        assert tlog.parse_tree(text + "extra line\n") == tree

    @pytest.mark.parametrize(
        "text",
        [
            "go.sum database tree\n01\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
            "go.sum database tree\n-1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
            "go.sum database tree\n2\nAAEC\n",
            "go.sum database tree v2\n2\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
            "go.sum database tree\n2\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        ],
    )
    def test_bad_tree_text(self, text: str) -> None:
        with pytest.raises(tlog.MalformedTreeError):
            tlog.parse_tree(text)
