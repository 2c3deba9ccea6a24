"""Go's module directory hash ``h1:`` (golang.org/x/mod/sumdb/dirhash), exactly as the go command computes it.

``h1:`` is base64(SHA-256(summary)) where the summary has one line per file name, sorted byte-wise:
64 lowercase hex digits of the file's SHA-256, two spaces, the name, LF. It is what go.sum and the
checksum database record for a module zip (names carry the ``module@version/`` prefix) and for a
go.mod (the single name ``go.mod``).

Exactness notes, each one a way to get a different hash than Go:

* names are compared and written as raw bytes. A zip entry name without the UTF-8 flag is taken as
  the raw bytes Go sees (Python's ``zipfile`` decodes it as cp437; that is undone here), and file
  system names keep undecodable bytes (``surrogateescape``). Internally a name is a ``str`` whose
  undecodable bytes are lone surrogates; :func:`raw_name` gives the bytes back;
* in a zip every entry counts, directory entries (``dir/``, hashed as empty content) and duplicate
  names included (every line of a duplicated name carries the content of its last entry);
* a directory walk skips directories only: symlinks to files are hashed through the link, a symlink
  to a directory is an error (Go fails to read it), nothing else is filtered out.

Files are hashed in parallel with :mod:`gogate.hashing`.
"""

from __future__ import annotations

import base64
import hashlib
import os
import posixpath
import stat
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from gogate.errors import InputError
from gogate.hashing import parallel_map, sha256_bytes, sha256_files

__all__ = [
    "EMPTY_GOMOD_HASH",
    "Entry",
    "dir_entries",
    "gomod_hash",
    "hash1",
    "hash_dir",
    "hash_zip",
    "raw_name",
    "walk_files",
    "zip_entries",
    "zip_entry_name",
]

Entry = tuple[str, str]
"""One file of a hashed tree: (name, lowercase hex SHA-256 of its content)."""

EMPTY_GOMOD_HASH = "h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY="

_UTF8_FLAG = 0x800
_READ_SIZE = 1024 * 1024


def raw_name(name: str) -> bytes:
    """The bytes Go sees for ``name`` (UTF-8, undecodable bytes restored from lone surrogates)."""
    return name.encode("utf-8", "surrogateescape")


def _from_raw(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def hash1(entries: Iterable[Entry]) -> str:
    """The ``h1:`` hash of (name, sha256-hex) entries; duplicates are kept, as Go keeps them.

    Raises InputError when a name contains a newline, which Go's dirhash refuses.
    """
    lines: list[tuple[bytes, bytes]] = []
    for name, digest in entries:
        data = raw_name(name)
        if b"\n" in data:
            raise InputError(
                name.replace("\n", "\\n"),
                "a file name contains a newline, which Go's dirhash (h1:) does not support",
            )
        if len(digest) != 64 or digest != digest.lower() or not _is_hex(digest):
            raise ValueError(f"not a lowercase hex SHA-256 digest: {digest!r}")
        lines.append((data, digest.encode("ascii")))
    lines.sort(key=lambda line: line[0])
    summary = hashlib.sha256()
    for name_bytes, digest_bytes in lines:
        summary.update(digest_bytes + b"  " + name_bytes + b"\n")
    return "h1:" + base64.b64encode(summary.digest()).decode("ascii")


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return True


def gomod_hash(content: bytes) -> str:
    """The ``h1:`` of a go.mod as go.sum records it under ``<version>/go.mod`` (name ``go.mod``)."""
    return hash1([("go.mod", sha256_bytes(content))])


# --- zip ---------------------------------------------------------------------------------------


def _entry_raw_name(info: zipfile.ZipInfo) -> bytes:
    """The name bytes as stored in the central directory (Go uses them without any decoding)."""
    if info.flag_bits & _UTF8_FLAG:
        return info.orig_filename.encode("utf-8")
    # zipfile decodes names without the UTF-8 flag as cp437, a bijection on bytes: undo it.
    return info.orig_filename.encode("cp437")


def zip_entry_name(info: zipfile.ZipInfo) -> str:
    """The entry name Go sees (raw bytes, see :func:`raw_name`), whatever zipfile decoded it as."""
    return _from_raw(_entry_raw_name(info))


def _hash_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> str:
    if info.orig_filename.endswith("/"):
        # Go's archive/zip reads a directory entry as empty (whatever its compressed size) and
        # refuses one that declares uncompressed data.
        if info.file_size != 0:
            raise InputError(label, f"zip directory entry {info.orig_filename!r} has content")
        return sha256_bytes(b"")
    digest = hashlib.sha256()
    try:
        member: IO[bytes]
        with archive.open(info) as member:
            while chunk := member.read(_READ_SIZE):
                digest.update(chunk)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError, ValueError) as error:
        raise InputError(label, f"cannot read zip entry {info.orig_filename!r}: {error}") from error
    return digest.hexdigest()


def zip_entries(path: str | Path, workers: int | None = None) -> list[Entry]:
    """(raw entry name, sha256) for every entry of a zip, in archive order, as Go's HashZip sees them.

    Raises InputError naming the zip when it cannot be read or an entry is corrupt (bad CRC...).
    """
    label = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except UnicodeDecodeError as error:
        raise InputError(label, f"has an entry flagged UTF-8 whose name is not UTF-8: {error}") from error
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise InputError(label, f"is not a readable zip file: {error}") from error
    with archive:
        infos = archive.infolist()
        names = [zip_entry_name(info) for info in infos]
        # Go's HashZip opens, for each name, the last entry that has it.
        last: dict[str, zipfile.ZipInfo] = dict(zip(names, infos, strict=True))
        digests = parallel_map(lambda name: _hash_member(archive, last[name], label), last, workers)
    return [(name, digests[name]) for name in names]


def hash_zip(path: str | Path, workers: int | None = None) -> str:
    """The ``h1:`` of a module zip exactly as Go's dirhash.HashZip (the go.sum ``Sum``)."""
    return hash1(zip_entries(path, workers))


# --- directory ---------------------------------------------------------------------------------


def walk_files(root: str, relative: str, found: list[tuple[str, str]]) -> None:
    """Append (relative posix name, path) of every non-directory below ``root/relative``."""
    directory = os.path.join(root, relative) if relative else root
    try:
        with os.scandir(directory) as listing:
            children = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        raise InputError(directory, f"cannot be listed: {error.strerror or error}") from error
    for child in children:
        name = f"{relative}/{child.name}" if relative else child.name
        try:
            if child.is_dir(follow_symlinks=False):
                walk_files(root, name, found)
                continue
            if child.is_symlink() and stat.S_ISDIR(os.stat(child.path).st_mode):
                raise InputError(
                    child.path,
                    "is a symlink to a directory, which Go's dirhash cannot hash (it reads it as a file)",
                )
            if not stat.S_ISREG(os.stat(child.path).st_mode):
                # A FIFO or device would block or stream forever; no release tree contains one.
                raise InputError(child.path, "is not a regular file (a FIFO, socket or device)")
        except OSError:  # a broken or looping symlink: reading it below reports the error
            pass
        found.append((name, child.path))


def _join_prefix(prefix: str, name: str) -> str:
    return posixpath.normpath(f"{prefix}/{name}") if prefix else name


def dir_entries(directory: str | Path, prefix: str, workers: int | None = None) -> list[Entry]:
    """(prefix/relative name, sha256) for every file below ``directory``, as Go's DirFiles names them.

    Raises InputError when ``directory`` is not a directory or a file cannot be read.
    """
    root = os.fspath(directory)
    if not os.path.isdir(root):
        raise InputError(root, "is not a directory")
    found: list[tuple[str, str]] = []
    walk_files(root, "", found)
    digests = sha256_files([path for _, path in found], workers)
    return [(_join_prefix(prefix, name), digests[path]) for name, path in found]


def hash_dir(directory: str | Path, prefix: str, workers: int | None = None) -> str:
    """The ``h1:`` of a directory tree as Go's dirhash.HashDir with ``prefix`` (e.g. ``mod@version``)."""
    return hash1(dir_entries(directory, prefix, workers))
