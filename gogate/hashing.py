"""File hashing for toolchain verification: SHA-256 and BLAKE3 in one read pass, trees in parallel.

Why one pass: a Go release archive is 70-100 MB and a GOROOT holds thousands of files; reading a
file twice doubles the I/O of a CI job for nothing. SHA-256 is the bound (about 1 GB/s with SHA-NI,
BLAKE3 is several times faster), so BLAKE3 runs beside it in a second thread over the same bytes
and costs almost nothing on a machine with two cores or more. Both ``hashlib`` and ``blake3`` release
the GIL on large buffers, which is also what lets :func:`sha256_files` hash many files in parallel
with plain threads.

Strategy (measured on a 1 GiB page-cached file, 2 cores, see ``benchmarks/hashing.py``): the file is
mapped once with ``mmap``; SHA-256 consumes the mapping in the calling thread while BLAKE3 consumes
it in a helper thread (single-threaded BLAKE3 on 2 cores, where a multi-threaded BLAKE3 only
competes with SHA-256 for the cores). Files that cannot be mapped (empty, special files) are read
in 4 MiB chunks into one reused buffer, each chunk fed to both hashers.

The ``blake3`` package (extra ``network``) is imported only inside the functions that need it, so
importing this module costs nothing at CLI start-up.
"""

from __future__ import annotations

import hashlib
import io
import mmap
import os
import stat
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from gogate.errors import GogateError, InputError

if TYPE_CHECKING:
    from typing_extensions import Buffer

__all__ = [
    "HashingReader",
    "CHUNK_SIZE",
    "FileDigests",
    "default_workers",
    "hash_file",
    "hash_files",
    "parallel_map",
    "sha256_bytes",
    "sha256_file",
    "sha256_files",
]

CHUNK_SIZE = 4 * 1024 * 1024
# Below this size a file is read whole into memory: one read() call, no mapping set-up.
_SMALL_FILE = 1024 * 1024
# Below this size a second hashing thread costs more than it saves.
_THREAD_MIN = 8 * 1024 * 1024
# Largest number of files one thread-pool task hashes in a row.
_MAX_BATCH = 512

P = TypeVar("P", str, Path)
Item = TypeVar("Item", bound=Hashable)
R = TypeVar("R")


class _Hasher(Protocol):
    def update(self, data: Buffer, /) -> object: ...

    def hexdigest(self) -> str: ...


@dataclass(frozen=True, slots=True)
class FileDigests:
    """Size in bytes and lowercase hex SHA-256 and BLAKE3 (256-bit) digests of one file."""

    size: int
    sha256: str
    blake3: str


def default_workers() -> int:
    """Threads for hashing many files: one per CPU (hashing is CPU-bound once the files are cached)."""
    return min(32, os.cpu_count() or 1)


def _blake3_hasher(size: int) -> _Hasher:
    try:
        import blake3  # optional dependency: imported lazily on purpose
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise GogateError(
            "the blake3 package is needed to compute BLAKE3 digests",
            remediation="install gogate with the network extra: pip install 'gogate[network]'",
        ) from error
    # SHA-256 keeps one core busy; BLAKE3 may use the others, and only pays off on large inputs.
    cores = os.cpu_count() or 1
    threads = max(1, cores - 1) if size >= _THREAD_MIN else 1
    hasher: _Hasher = blake3.blake3(max_threads=threads)
    return hasher


def _unreadable(path: str | Path, error: OSError) -> InputError:
    reason = error.strerror or str(error)
    return InputError(
        str(path), f"cannot be read: {reason}", remediation="check that it exists and is readable"
    )


def _feed_chunks(handle: int, hashers: tuple[_Hasher, ...]) -> int:
    """Read ``handle`` to its end in CHUNK_SIZE pieces into one buffer; return the byte count."""
    buffer = bytearray(CHUNK_SIZE)
    view = memoryview(buffer)
    total = 0
    with open(handle, "rb", buffering=0, closefd=False) as raw:
        while True:
            count = raw.readinto(buffer)
            if not count:
                return total
            total += count
            for hasher in hashers:
                hasher.update(view[:count])


def _feed_mapped(mapping: mmap.mmap, first: _Hasher, second: _Hasher) -> None:
    """Feed the whole mapping to ``first`` here and to ``second`` in a helper thread, concurrently."""
    failure: list[BaseException] = []

    def run_second() -> None:
        try:
            second.update(mapping)
        except BaseException as error:  # re-raised in the calling thread
            failure.append(error)

    helper = threading.Thread(target=run_second, name="gogate-blake3", daemon=True)
    helper.start()
    try:
        first.update(mapping)
    finally:
        helper.join()
    if failure:
        raise failure[0]


def hash_file(path: str | Path) -> FileDigests:
    """SHA-256 and BLAKE3 of one file, reading its bytes once.

    Raises InputError naming the path when it cannot be opened or read, or is a directory.
    A regular file must not be truncated while it is hashed (it is memory-mapped).
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise _unreadable(path, error) from error
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(str(path), "is a directory, expected a file")
        size = info.st_size
        sha = hashlib.sha256()
        b3 = _blake3_hasher(size)
        if stat.S_ISREG(info.st_mode) and size < _SMALL_FILE:
            with open(descriptor, "rb", closefd=False) as handle:
                data = handle.read()
            size = len(data)
            sha.update(data)
            b3.update(data)
        elif stat.S_ISREG(info.st_mode):
            with mmap.mmap(descriptor, 0, access=mmap.ACCESS_READ) as mapping:
                size = len(mapping)
                if size >= _THREAD_MIN:
                    _feed_mapped(mapping, sha, b3)
                else:
                    sha.update(mapping)
                    b3.update(mapping)
        else:
            size = _feed_chunks(descriptor, (sha, b3))
        return FileDigests(size=size, sha256=sha.hexdigest(), blake3=b3.hexdigest())
    except OSError as error:
        raise _unreadable(path, error) from error
    finally:
        os.close(descriptor)


def sha256_bytes(data: Buffer) -> str:
    """Lowercase hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> str:
    """Lowercase hex SHA-256 of one file (the fast path for the many small files of a tree).

    Symlinks are followed. Raises InputError naming the path when it cannot be read or is a
    directory (for example a symlink to a directory).
    """
    try:
        with open(path, "rb") as handle:
            if stat.S_ISDIR(os.fstat(handle.fileno()).st_mode):
                raise InputError(str(path), "is a directory, expected a file")
            data = handle.read(_SMALL_FILE)
            if len(data) < _SMALL_FILE:
                return hashlib.sha256(data).hexdigest()
            sha = hashlib.sha256(data)
            _feed_chunks(handle.fileno(), (sha,))
            return sha.hexdigest()
    except IsADirectoryError as error:
        raise InputError(str(path), "is a directory, expected a file") from error
    except OSError as error:
        raise _unreadable(path, error) from error


def parallel_map(
    function: Callable[[Item], R], items: Iterable[Item], workers: int | None = None
) -> dict[Item, R]:
    """``{item: function(item)}`` computed on a thread pool; the first exception is re-raised.

    Items go to the threads in batches, dealt round-robin (so the few large files of a tree spread
    over the threads): one task per small file makes the threads fight over the GIL at every
    hand-over, which on two cores measured 3-4x slower than hashing the files one by one.
    """
    todo = list(items)
    count = workers if workers is not None else default_workers()
    if count < 1:
        raise ValueError(f"workers must be at least 1, not {count}")
    if count == 1 or len(todo) <= 1:
        return {item: function(item) for item in todo}
    batch_size = max(1, min(_MAX_BATCH, len(todo) // (count * 4)))
    batches = -(-len(todo) // batch_size)
    dealt = [todo[index::batches] for index in range(batches)]

    def run(batch: list[Item]) -> list[R]:
        return [function(item) for item in batch]

    results: dict[Item, R] = {}
    with ThreadPoolExecutor(max_workers=min(count, batches), thread_name_prefix="gogate-hash") as pool:
        for batch, values in zip(dealt, pool.map(run, dealt), strict=True):
            results.update(zip(batch, values, strict=True))
    return results


def hash_files(paths: Iterable[P], workers: int | None = None) -> dict[P, FileDigests]:
    """:func:`hash_file` of every path, in parallel; keys are the paths as given."""
    return parallel_map(hash_file, paths, workers)


def sha256_files(paths: Iterable[P], workers: int | None = None) -> Mapping[P, str]:
    """:func:`sha256_file` of every path, in parallel; keys are the paths as given."""
    return parallel_map(sha256_file, paths, workers)


class HashingReader(io.RawIOBase):
    """A read-only stream that feeds every byte it returns to SHA-256 and BLAKE3.

    Lets one sequential read of an archive serve both its digests and its parsing (tarfile in
    stream mode), so the file is read exactly once. Call :meth:`finish` to hash what the parser
    did not read (gzip trailer, padding) and get the digests.
    """

    def __init__(self, raw: io.BufferedReader, size: int) -> None:
        super().__init__()
        self._raw = raw
        self._sha256 = hashlib.sha256()
        self._blake3 = _blake3_hasher(size)
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._raw.readinto(buffer)
        if count:
            view = memoryview(buffer)[:count]
            self._sha256.update(view)
            self._blake3.update(view)
            self._count += count
        return count or 0

    def finish(self) -> FileDigests:
        while self.read(_CHUNK_SIZE_FOR_TEE):
            pass
        return FileDigests(size=self._count, sha256=self._sha256.hexdigest(), blake3=self._blake3.hexdigest())


_CHUNK_SIZE_FOR_TEE = 1 << 20
