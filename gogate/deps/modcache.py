"""Re-hash what the module cache holds for each go.sum line, against go.sum rather than the cache.

Why: ``go mod verify`` compares the cached zip and the extracted directory with the cache's own
``.ziphash``, so an attacker (or a poisoned CI cache) that rewrites all three passes it. Here the
reference is the repository's go.sum: the zip's ``h1:`` and the directory's ``h1:`` are both
recomputed and compared with it, the ``.mod`` file with the ``/go.mod`` line, and when the
directory differs, the files that differ are named by comparing them with the zip's entries.

This module gathers observations only (it reads the cache, never writes it); the ``modcache``
check turns them into findings.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from gogate import dirhash
from gogate.deps.model import SumLine
from gogate.deps.modzip import open_module_zip
from gogate.errors import InputError
from gogate.hashing import default_workers, parallel_map
from gogate.sumdb.client import escape_module_path, escape_version

__all__ = [
    "CachedGoMod",
    "CachedModule",
    "download_dir",
    "extracted_dir",
    "verify_cached_gomods",
    "verify_cached_modules",
]


def download_dir(gomodcache: str, path: str) -> Path:
    """``$GOMODCACHE/cache/download/<escaped path>/@v``: where zips, .ziphash and .mod files live."""
    return Path(gomodcache, "cache", "download", *escape_module_path(path).split("/"), "@v")


def extracted_dir(gomodcache: str, path: str, version: str) -> Path:
    """``$GOMODCACHE/<escaped path>@<escaped version>``: the unpacked module Go builds from."""
    escaped = escape_module_path(path).split("/")
    escaped[-1] = f"{escaped[-1]}@{escape_version(version)}"
    return Path(gomodcache, *escaped)


@dataclass(frozen=True, slots=True)
class CachedModule:
    """What the cache holds for one go.sum zip line, and what it hashes to."""

    line: SumLine
    gosum_path: str
    zip_path: str | None
    """None when the zip is not in the cache."""
    dir_path: str | None
    """None when the module is not extracted."""
    zip_h1: str | None = None
    dir_h1: str | None = None
    ziphash: str | None = None
    """What the cache's ``.ziphash`` says (the value ``go mod verify`` trusts)."""
    zip_error: str | None = None
    dir_error: str | None = None
    modified: tuple[str, ...] = ()
    """Files (relative to the module root) whose content differs from the zip's."""
    added: tuple[str, ...] = ()
    """Files in the extracted directory that the zip does not have."""
    removed: tuple[str, ...] = ()
    """Files of the zip missing from the extracted directory."""

    @property
    def present(self) -> bool:
        return self.zip_path is not None or self.dir_path is not None


@dataclass(frozen=True, slots=True)
class CachedGoMod:
    """The cached ``<version>.mod`` for one go.sum ``/go.mod`` line."""

    line: SumLine
    gosum_path: str
    mod_path: str
    h1: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class _Hashed:
    h1: str | None = None
    error: str | None = None
    files: dict[str, str] = field(default_factory=dict)


def _strip_prefix(entries: Iterable[dirhash.Entry], prefix: str) -> dict[str, str]:
    start = len(prefix) + 1
    return {name[start:] if name.startswith(f"{prefix}/") else name: digest for name, digest in entries}


def _hash_zip(zip_path: Path, path: str, version: str) -> _Hashed:
    """The zip's h1 and per-file digests, after every module-zip rule (a zip breaking one is not hashed)."""
    try:
        with open_module_zip(zip_path, path, version) as archive:
            h1, files = archive.h1_and_files(workers=1)
            return _Hashed(h1=h1, files=files)
    except InputError as error:  # ModuleZipError included
        return _Hashed(error=error.message)


def _hash_dir(directory: Path, prefix: str) -> _Hashed:
    try:
        entries = dirhash.dir_entries(directory, prefix, workers=1)
    except InputError as error:
        return _Hashed(error=error.message)
    return _Hashed(h1=dirhash.hash1(entries), files=_strip_prefix(entries, prefix))


def _read_ziphash(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip() or None
    except OSError:
        return None


def _verify_one(gomodcache: str, gosum_path: str, line: SumLine) -> CachedModule:
    downloads = download_dir(gomodcache, line.path)
    escaped_version = escape_version(line.version)
    zip_path = downloads / f"{escaped_version}.zip"
    directory = extracted_dir(gomodcache, line.path, line.version)
    prefix = f"{line.path}@{line.version}"
    has_zip, has_dir = zip_path.is_file(), directory.is_dir()
    zipped = _hash_zip(zip_path, line.path, line.version) if has_zip else _Hashed()
    unpacked = _hash_dir(directory, prefix) if has_dir else _Hashed()
    modified: list[str] = []
    added: list[str] = []
    removed: list[str] = []
    if zipped.h1 is not None and unpacked.h1 is not None and zipped.h1 != unpacked.h1:
        reference, actual = zipped.files, unpacked.files
        shared = actual.keys() & reference.keys()
        modified = sorted(name for name in shared if actual[name] != reference[name])
        added = sorted(actual.keys() - reference.keys())
        removed = sorted(reference.keys() - actual.keys())
    return CachedModule(
        line=line,
        gosum_path=gosum_path,
        zip_path=str(zip_path) if has_zip else None,
        dir_path=str(directory) if has_dir else None,
        zip_h1=zipped.h1,
        dir_h1=unpacked.h1,
        ziphash=_read_ziphash(downloads / f"{escaped_version}.ziphash") if has_zip else None,
        zip_error=zipped.error,
        dir_error=unpacked.error,
        modified=tuple(modified),
        added=tuple(added),
        removed=tuple(removed),
    )


_PROCESS_THRESHOLD = 16
"""Below this many modules a process pool costs more than it saves."""


def _verify_batch(gomodcache: str, batch: list[tuple[str, SumLine]]) -> list[CachedModule]:
    return [_verify_one(gomodcache, gosum_path, line) for gosum_path, line in batch]


def _can_fork() -> bool:
    """Forking is safe only from a single-threaded process on a platform that has fork."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def verify_cached_modules(
    gomodcache: str, lines: Sequence[tuple[str, SumLine]], workers: int | None = None
) -> list[CachedModule]:
    """Hash the cached zip and directory of every ``(go.sum path, zip line)``, modules in parallel.

    Why processes: per file the work is small (a read, inflate, CRC, SHA-256) and much of it is
    Python bookkeeping that holds the GIL, so threads measured no faster than one thread on a
    build list of 100+ modules. Forked workers each take an interleaved share of the modules
    (big and small modules spread evenly). When forking is not safe (threads already running,
    no fork on the platform) or the list is short, threads are used instead.
    """
    unique = list(dict.fromkeys(lines))
    count = workers if workers is not None else default_workers()
    if count > 1 and len(unique) >= _PROCESS_THRESHOLD and _can_fork():
        shares = [unique[index::count] for index in range(count)]
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
            done = pool.map(_verify_batch, [gomodcache] * count, shares)
            results = {
                item: result
                for share, batch in zip(shares, done, strict=True)
                for item, result in zip(share, batch, strict=True)
            }
        return [results[item] for item in unique]
    by_item = parallel_map(lambda item: _verify_one(gomodcache, item[0], item[1]), unique, count)
    return [by_item[item] for item in unique]


def _verify_gomod(gomodcache: str, gosum_path: str, line: SumLine) -> CachedGoMod:
    mod_path = download_dir(gomodcache, line.path) / f"{escape_version(line.version)}.mod"
    try:
        content = mod_path.read_bytes()
    except FileNotFoundError:
        return CachedGoMod(line=line, gosum_path=gosum_path, mod_path=str(mod_path))
    except OSError as error:
        return CachedGoMod(
            line=line, gosum_path=gosum_path, mod_path=str(mod_path), error=error.strerror or str(error)
        )
    h1 = dirhash.gomod_hash(content)
    return CachedGoMod(line=line, gosum_path=gosum_path, mod_path=str(mod_path), h1=h1)


def verify_cached_gomods(gomodcache: str, lines: Sequence[tuple[str, SumLine]]) -> list[CachedGoMod]:
    """Hash the cached ``.mod`` file of every ``(go.sum path, /go.mod line)`` present in the cache."""
    found = [_verify_gomod(gomodcache, gosum_path, line) for gosum_path, line in dict.fromkeys(lines)]
    return [item for item in found if item.h1 is not None or item.error is not None]
