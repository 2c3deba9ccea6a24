"""Transparency-log arithmetic of the Go checksum database (golang.org/x/mod/sumdb/tlog).

* Hashing is RFC 6962: a record (leaf) hashes as ``SHA-256(0x00 || text)``, an interior node as
  ``SHA-256(0x01 || left || right)``, the empty tree as ``SHA-256("")``; a tree of ``n`` records splits
  at the largest power of two smaller than ``n``.
* Every hash of the tree is kept in one "stored hash" sequence: after record ``n`` come the interior
  hashes that record completes. :func:`stored_hash_index` maps (level, index within level) to a position.
* Tiles (``tile/H/L/NNN[.p/W]``) publish the stored hashes in blocks: a tile of height H at tile level L
  holds W <= 2**H consecutive hashes of tree level L*H. :class:`TileHashReader` reads hashes through
  tiles fetched from an untrusted server and authenticates every tile against a signed tree hash.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = [
    "EMPTY_HASH",
    "HASH_SIZE",
    "HashReader",
    "InconsistentTileError",
    "MalformedRecordError",
    "MalformedTreeError",
    "ProofError",
    "Tile",
    "TileHashReader",
    "TlogError",
    "Tree",
    "check_record",
    "check_tree",
    "format_record",
    "format_tree",
    "hash_from_tile",
    "new_tiles",
    "node_hash",
    "parse_record",
    "parse_tile_path",
    "parse_tree",
    "prove_record",
    "prove_tree",
    "read_tile_data",
    "record_hash",
    "split_stored_hash_index",
    "stored_hash_count",
    "stored_hash_index",
    "stored_hashes_for_record",
    "tile_for_index",
    "tile_hash",
    "tree_hash",
]

HASH_SIZE = 32
EMPTY_HASH = hashlib.sha256(b"").digest()

HashReader = Callable[[Sequence[int]], list[bytes]]
"""Reads the stored hashes at the given stored-hash indexes (same order, same count)."""


class TlogError(ValueError):
    """A log structure is malformed or does not verify."""


class MalformedTreeError(TlogError):
    """Tree note text that does not parse."""


class MalformedRecordError(TlogError):
    """A record (lookup response or data) that does not parse."""


class InconsistentTileError(TlogError):
    """Downloaded tiles do not hash to the signed tree head: the server's tiles are not that tree."""


class ProofError(TlogError):
    """An inclusion or consistency proof does not verify."""


def record_hash(data: bytes) -> bytes:
    """RFC 6962 leaf hash of a record's text."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 interior node hash."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _trailing_zeros(value: int) -> int:
    return (value & -value).bit_length() - 1


def _largest_pow2_at_most(m: int) -> int:
    return 1 << (m.bit_length() - 1)


def _largest_pow2_below(m: int) -> int:
    """The RFC 6962 split point: the largest power of two strictly less than ``m`` (m >= 2)."""
    return 1 << ((m - 1).bit_length() - 1)


def stored_hash_index(level: int, n: int) -> int:
    """Position in the stored-hash sequence of the ``n``-th hash at tree ``level``."""
    # The hash is stored right after the last record of its subtree, at offset `level` among the
    # interior hashes that record completes. Records 0..last store sum(last >> k) hashes before it.
    last = ((n + 1) << level) - 1
    before = 0
    while last:
        before += last
        last >>= 1
    return before + level


def split_stored_hash_index(index: int) -> tuple[int, int]:
    """Inverse of :func:`stored_hash_index`: (level, n)."""
    record = index // 2  # never past the record that stores `index`
    position = stored_hash_index(0, record)
    while True:
        following = position + 1 + _trailing_zeros(record + 1)
        if following > index:
            break
        record += 1
        position = following
    level = index - position
    return level, record >> level


def stored_hash_count(n: int) -> int:
    """How many hashes a tree of ``n`` records stores."""
    return 2 * n - n.bit_count()


def stored_hashes_for_record(n: int, leaf: bytes, read: HashReader) -> list[bytes]:
    """The hashes stored when record ``n`` (leaf hash ``leaf``) is added: the leaf, then completed nodes."""
    completed = _trailing_zeros(n + 1)
    left_indexes = [stored_hash_index(level, (n >> level) - 1) for level in range(completed)]
    left = read(left_indexes)
    if len(left) != len(left_indexes):
        raise TlogError("hash reader returned the wrong number of hashes")
    out = [leaf]
    current = leaf
    for sibling in left:
        current = node_hash(sibling, current)
        out.append(current)
    return out


def _subtree_indexes(lo: int, hi: int) -> list[int]:
    """Stored indexes of the maximal complete subtrees covering records [lo, hi), left to right."""
    need = []
    while lo < hi:
        size = _largest_pow2_at_most(hi - lo)
        level = size.bit_length() - 1
        if lo % size:
            raise TlogError("subtree not aligned")
        need.append(stored_hash_index(level, lo >> level))
        lo += size
    return need


def _combine_fringe(hashes: Sequence[bytes]) -> bytes:
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def tree_hash(n: int, read: HashReader) -> bytes:
    """Root hash of the tree of the first ``n`` records."""
    if n == 0:
        return EMPTY_HASH
    indexes = _subtree_indexes(0, n)
    hashes = read(indexes)
    if len(hashes) != len(indexes):
        raise TlogError("hash reader returned the wrong number of hashes")
    return _combine_fringe(hashes)


def _subtree_hash(lo: int, hi: int, read: HashReader) -> bytes:
    return _combine_fringe(read(_subtree_indexes(lo, hi)))


def prove_record(t: int, n: int, read: HashReader) -> list[bytes]:
    """RFC 6962 inclusion proof (audit path) of record ``n`` in the tree of size ``t``, leaf side first."""
    if not 0 <= n < t:
        raise TlogError(f"record {n} is not in a tree of size {t}")
    path: list[bytes] = []
    lo, hi = 0, t
    while hi - lo > 1:
        k = _largest_pow2_below(hi - lo)
        if n < lo + k:
            path.append(_subtree_hash(lo + k, hi, read))
            hi = lo + k
        else:
            path.append(_subtree_hash(lo, lo + k, read))
            lo = lo + k
    path.reverse()
    return path


def check_record(proof: Sequence[bytes], t: int, root: bytes, n: int, leaf: bytes) -> None:
    """Raise :class:`ProofError` unless ``proof`` shows leaf hash ``leaf`` at ``n`` in tree (t, root)."""
    if not 0 <= n < t:
        raise ProofError(f"record {n} is not in a tree of size {t}")
    # Walk down from the root to find which side each proof element is on, then hash back up.
    sides: list[bool] = []  # True: the proof hash is the right sibling
    lo, hi = 0, t
    while hi - lo > 1:
        k = _largest_pow2_below(hi - lo)
        if n < lo + k:
            sides.append(True)
            hi = lo + k
        else:
            sides.append(False)
            lo = lo + k
    if len(sides) != len(proof):
        raise ProofError("invalid transparency proof: wrong length")
    current = leaf
    for sibling, sibling_is_right in zip(proof, reversed(sides), strict=True):
        current = node_hash(current, sibling) if sibling_is_right else node_hash(sibling, current)
    if current != root:
        raise ProofError("invalid transparency proof")


def prove_tree(t: int, n: int, read: HashReader) -> list[bytes]:
    """RFC 6962 consistency proof that the tree of size ``n`` is a prefix of the tree of size ``t``."""
    if not 1 <= n <= t:
        raise TlogError(f"cannot prove tree {n} in tree {t}")
    proof: list[bytes] = []

    def walk(lo: int, hi: int, complete_old: bool) -> None:
        if n == hi:
            if not complete_old:
                proof.append(_subtree_hash(lo, hi, read))
            return
        k = _largest_pow2_below(hi - lo)
        if n <= lo + k:
            walk(lo, lo + k, complete_old)
            proof.append(_subtree_hash(lo + k, hi, read))
        else:
            walk(lo + k, hi, False)
            proof.append(_subtree_hash(lo, lo + k, read))

    walk(0, t, True)
    return proof


def check_tree(proof: Sequence[bytes], t: int, root: bytes, n: int, old_root: bytes) -> None:
    """Raise :class:`ProofError` unless ``proof`` shows tree (n, old_root) is a prefix of tree (t, root)."""
    if not 1 <= n <= t:
        raise ProofError(f"cannot check tree {n} in tree {t}")
    remaining = list(proof)

    def walk(lo: int, hi: int, complete_old: bool) -> tuple[bytes, bytes]:
        """(hash of the old tree's part of [lo, hi), hash of [lo, hi) in the new tree)."""
        if n == hi:
            if complete_old:
                return old_root, old_root
            if not remaining:
                raise ProofError("invalid transparency proof: too short")
            value = remaining.pop(0)
            return value, value
        k = _largest_pow2_below(hi - lo)
        if n <= lo + k:
            old_hash, new_hash = walk(lo, lo + k, complete_old)
            if not remaining:
                raise ProofError("invalid transparency proof: too short")
            right = remaining.pop(0)
            return old_hash, node_hash(new_hash, right)
        old_hash, new_hash = walk(lo + k, hi, False)
        if not remaining:
            raise ProofError("invalid transparency proof: too short")
        left = remaining.pop(0)
        return node_hash(left, old_hash), node_hash(left, new_hash)

    old_hash, new_hash = walk(0, t, True)
    if remaining or old_hash != old_root or new_hash != root:
        raise ProofError("invalid transparency proof")


# ---------------------------------------------------------------------------------------------- tiles


@dataclass(frozen=True, order=True)
class Tile:
    """Tile of height ``h`` at tile level ``level`` (-1: record data), number ``n``, width ``w``."""

    h: int
    level: int
    n: int
    w: int

    @property
    def full(self) -> bool:
        return self.w == 1 << self.h

    def as_full(self) -> Tile:
        return Tile(self.h, self.level, self.n, 1 << self.h)

    def path(self) -> str:
        """``tile/H/L/NNN[.p/W]``: N in 3-digit groups, every group but the last prefixed with ``x``."""
        groups = [f"{self.n % 1000:03d}"]
        rest = self.n // 1000
        while rest > 0:
            groups.append(f"x{rest % 1000:03d}")
            rest //= 1000
        number = "/".join(reversed(groups))
        partial = "" if self.full else f".p/{self.w}"
        level = "data" if self.level == -1 else str(self.level)
        return f"tile/{self.h}/{level}/{number}{partial}"


def _decimal(text: str) -> int | None:
    if not text or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def parse_tile_path(path: str) -> Tile:
    """Parse ``tile/H/L/NNN[.p/W]`` in its one canonical spelling; raises :class:`TlogError`."""
    parts = path.split("/")
    error = TlogError(f"malformed tile path {path!r}")
    if len(parts) < 4 or parts[0] != "tile":
        raise error
    height = _decimal(parts[1])
    level = -1 if parts[2] == "data" else _decimal(parts[2])
    if height is None or level is None or not 1 <= height <= 30:
        raise error
    width = 1 << height
    if parts[-2].endswith(".p"):
        partial = _decimal(parts[-1])
        if partial is None or not 0 < partial < width:
            raise error
        width = partial
        parts = [*parts[:-2], parts[-2][: -len(".p")]]
    number = 0
    for group in parts[3:]:
        value = _decimal(group.removeprefix("x"))
        if value is None or value >= 1000:
            raise error
        number = number * 1000 + value
    tile = Tile(height, level, number, width)
    if tile.path() != path:
        raise error
    return tile


def tile_for_index(height: int, index: int) -> tuple[Tile, int, int]:
    """The narrowest tile of ``height`` holding stored hash ``index``, and the byte range to hash for it."""
    if height < 1:
        raise TlogError(f"invalid tile height {height}")
    level, n = split_stored_hash_index(index)
    tile_level = level // height
    within = level - tile_level * height  # levels above the tile's own level
    number = (n << within) >> height
    offset = n - ((number << height) >> within)  # index of the hash among level-`level` hashes of the tile
    width = (offset + 1) << within
    return (
        Tile(height, tile_level, number, width),
        (offset << within) * HASH_SIZE,
        ((offset + 1) << within) * HASH_SIZE,
    )


def tile_hash(data: bytes) -> bytes:
    """Hash of the complete subtree whose leaves are the 2**k hashes in ``data``."""
    if len(data) == HASH_SIZE:
        return data
    if not data or len(data) % (2 * HASH_SIZE):
        raise TlogError("tile data is not a power-of-two number of hashes")
    half = len(data) // 2
    return node_hash(tile_hash(data[:half]), tile_hash(data[half:]))


def hash_from_tile(tile: Tile, data: bytes, index: int) -> bytes:
    """Stored hash ``index`` computed from the data of ``tile`` (which must hold it)."""
    if not (1 <= tile.h <= 30 and 0 <= tile.level < 64 and 1 <= tile.w <= 1 << tile.h):
        raise TlogError(f"invalid tile {tile.path()}")
    if len(data) < tile.w * HASH_SIZE:
        raise TlogError(f"data length {len(data)} too short for tile {tile.path()}")
    needed, start, end = tile_for_index(tile.h, index)
    if needed.level != tile.level or needed.n != tile.n or tile.w < needed.w:
        raise TlogError(f"index {index} is in {needed.path()}, not {tile.path()}")
    return tile_hash(data[start:end])


def new_tiles(height: int, old_size: int, new_size: int) -> list[Tile]:
    """Tiles to publish when the tree grows from ``old_size`` to ``new_size`` records."""
    tiles: list[Tile] = []
    level = 0
    while new_size >> (height * level) > 0:
        old_n = old_size >> (height * level)
        new_n = new_size >> (height * level)
        if old_n != new_n:
            tiles.extend(Tile(height, level, n, 1 << height) for n in range(old_n >> height, new_n >> height))
            last = new_n >> height
            width = new_n - (last << height)
            if width > 0:
                tiles.append(Tile(height, level, last, width))
        level += 1
    return tiles


def read_tile_data(tile: Tile, read: HashReader) -> bytes:
    """The bytes of a hash tile: its ``w`` hashes of tree level ``h*level``, concatenated."""
    start = tile.n << tile.h
    indexes = [stored_hash_index(tile.h * tile.level, start + i) for i in range(tile.w)]
    hashes = read(indexes)
    if len(hashes) != len(indexes):
        raise TlogError("hash reader returned the wrong number of hashes")
    return b"".join(hashes)


TileFetcher = Callable[[Sequence[Tile]], list[bytes]]


def _tile_parent(tile: Tile, up: int, size: int) -> Tile | None:
    """The tile ``up`` tile levels above ``tile``, as wide as a tree of ``size`` records fills it."""
    level = tile.level + up
    number = tile.n >> (up * tile.h)
    width = 1 << tile.h
    available = size >> (level * tile.h)  # hashes at this tree level
    first = number << tile.h
    if first + width >= available:
        if first >= available:
            return None
        width = available - first
    return Tile(tile.h, level, number, width)


@dataclass(frozen=True)
class Tree:
    """A tree head: size and root hash."""

    n: int
    hash: bytes


class TileHashReader:
    """Reads stored hashes of ``tree`` through tiles, authenticating every tile against ``tree.hash``.

    ``fetch`` returns the data of each requested tile (untrusted). ``save`` (optional) is called with the
    tiles once they are authenticated, so they can be cached.
    """

    def __init__(
        self,
        tree: Tree,
        height: int,
        fetch: TileFetcher,
        save: Callable[[Sequence[Tile], Sequence[bytes]], None] | None = None,
    ) -> None:
        self.tree = tree
        self.height = height
        self._fetch = fetch
        self._save = save

    def __call__(self, indexes: Sequence[int]) -> list[bytes]:
        return self.read_hashes(indexes)

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        size, height = self.tree.n, self.height
        order: dict[Tile, int] = {}
        tiles: list[Tile] = []

        def plan(tile: Tile) -> int:
            if tile not in order:
                order[tile] = len(tiles)
                tiles.append(tile)
            return order[tile]

        # 1. The tiles holding the right-fringe subtree hashes: they recompute the signed root.
        fringe = _subtree_indexes(0, size)
        fringe_slots: list[int] = []
        for index in fringe:
            narrow, _, _ = tile_for_index(height, index)
            widened = _tile_parent(narrow, 0, size)
            if widened is None:
                raise TlogError("bad tile arithmetic for the tree fringe")
            fringe_slots.append(plan(widened))
        fringe_count = len(tiles)

        # 2. For each wanted hash, its tile and every ancestor tile up to one already planned
        #    (parents are planned before children, so each can be checked against its parent).
        limit = stored_hash_index(0, size)
        wanted_slots: list[int] = []
        for index in indexes:
            if not 0 <= index < limit:
                raise TlogError(f"stored hash {index} is not in a tree of size {size}")
            narrow, _, _ = tile_for_index(height, index)
            chain: list[Tile] = []
            up = 0
            while True:
                ancestor = _tile_parent(narrow, up, size)
                if ancestor is None:
                    raise TlogError("bad tile arithmetic: no planned ancestor")
                if ancestor in order:
                    break
                if not ancestor.full:
                    raise TlogError("bad tile arithmetic: a tile with a parent must be full")
                chain.append(ancestor)
                up += 1
            for ancestor in reversed(chain):
                plan(ancestor)
            own = _tile_parent(narrow, 0, size)
            assert own is not None
            wanted_slots.append(order[own])

        data = self._fetch(tiles)
        if len(data) != len(tiles):
            raise TlogError("tile fetcher returned the wrong number of tiles")
        for tile, blob in zip(tiles, data, strict=True):
            if len(blob) != tile.w * HASH_SIZE:
                raise TlogError(f"tile {tile.path()} has {len(blob)} bytes, expected {tile.w * HASH_SIZE}")

        # 3. Authenticate: the fringe tiles must reproduce the signed root ...
        fringe_hashes = [
            hash_from_tile(tiles[slot], data[slot], index)
            for slot, index in zip(fringe_slots, fringe, strict=True)
        ]
        if size and _combine_fringe(fringe_hashes) != self.tree.hash:
            raise InconsistentTileError(f"downloaded tiles do not hash to the signed tree head (size {size})")
        # ... and every other (full) tile must hash to the entry its parent tile holds for it.
        for slot in range(fringe_count, len(tiles)):
            tile = tiles[slot]
            parent = _tile_parent(tile, 1, size)
            if parent is None or parent not in order:
                raise TlogError(f"bad tile arithmetic: lost the parent of {tile.path()}")
            expected = hash_from_tile(
                parent, data[order[parent]], stored_hash_index(parent.level * parent.h, tile.n)
            )
            if tile_hash(data[slot]) != expected:
                raise InconsistentTileError(
                    f"downloaded tile {tile.path()} does not match its parent tile {parent.path()}"
                )

        if self._save is not None:
            self._save(tiles, data)
        return [
            hash_from_tile(tiles[slot], data[slot], index)
            for slot, index in zip(wanted_slots, indexes, strict=True)
        ]


# ------------------------------------------------------------------------------ tree notes and records

_TREE_HEADER = "go.sum database tree\n"


def format_tree(tree: Tree) -> str:
    """The tree note text: header line, size, base64 root hash."""
    return f"{_TREE_HEADER}{tree.n}\n{base64.b64encode(tree.hash).decode('ascii')}\n"


def parse_tree(text: str) -> Tree:
    """Parse tree note text (extra trailing lines are allowed); raises :class:`MalformedTreeError`."""
    if not text.startswith(_TREE_HEADER) or text.count("\n") < 3 or len(text) > 1_000_000:
        raise MalformedTreeError("malformed tree note")
    lines = text.split("\n", 3)
    size = _decimal(lines[1])
    if size is None or str(size) != lines[1] or size >= 1 << 63:
        raise MalformedTreeError("malformed tree note: bad size")
    try:
        root = base64.b64decode(lines[2].encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError) as error:
        raise MalformedTreeError("malformed tree note: bad hash") from error
    if len(root) != HASH_SIZE:
        raise MalformedTreeError("malformed tree note: bad hash")
    return Tree(size, root)


def _valid_record_text(text: bytes) -> bool:
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if not decoded.endswith("\n") or "\n\n" in decoded:
        return False
    return not any(ord(ch) < 0x20 and ch != "\n" for ch in decoded)


def format_record(record_id: int, text: bytes) -> bytes:
    """A lookup response's record part: the id line, the text, a blank line."""
    if not _valid_record_text(text):
        raise MalformedRecordError("malformed record data")
    return f"{record_id}\n".encode() + text + b"\n"


def parse_record(message: bytes) -> tuple[int, bytes, bytes]:
    """Split a lookup response into (record id, record text, rest = the signed tree note)."""
    newline = message.find(b"\n")
    if newline < 0:
        raise MalformedRecordError("malformed record data: no id line")
    first = message[:newline]
    sign = first[:1] in (b"-", b"+")
    digits = first[1:] if sign else first
    if not digits or not digits.isdigit():
        raise MalformedRecordError("malformed record data: bad record id")
    record_id = int(first)
    if not 0 <= record_id < 1 << 63:
        raise MalformedRecordError("malformed record data: bad record id")
    body = message[newline + 1 :]
    end = body.find(b"\n\n")
    if end < 0:
        raise MalformedRecordError("malformed record data: no blank line after the record")
    text, rest = body[: end + 1], body[end + 2 :]
    if not _valid_record_text(text):
        raise MalformedRecordError("malformed record data")
    return record_id, text, rest
