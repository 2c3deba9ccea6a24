"""Unpack a Go release archive into a new directory, refusing anything a release never contains.

Why not ``tarfile.extractall``: its ``data`` filter exists only from Python 3.11.4 (gogate supports
3.11.0), it still creates links, and it keeps going where a release archive can only be hostile or
broken. An official Go binary release (``go/``-prefixed ``.tar.gz``, ``.zip`` for Windows, written by
``cmd/distpack``) holds directories and regular files and nothing else, so this module writes exactly
that and refuses the whole archive at the first other entry:

* a name that is absolute, holds ``..``, ``.``, an empty part or a backslash, or lies outside ``go/``
  (the naming rules are :mod:`gogate.toolchain_tree`'s, which hashes the same archives);
* symbolic and hard links (wherever they point), devices, FIFOs and any other special entry;
* setuid or setgid bits; an encrypted zip entry; an entry given twice, or a file and a directory of
  one name (``O_EXCL``); more than :data:`MAX_ENTRIES` entries or
  :data:`gogate.toolchain_tree.MAX_ARCHIVE_CONTENT` bytes.

Nothing is followed while writing: the destination is created here, every file is opened with
``O_CREAT | O_EXCL | O_NOFOLLOW``, and since no link is ever created no path can lead outside the
tree. Modes are normalised (0755 for directories and executables, 0644 otherwise); ownership is never
applied. On a refusal the destination is removed and :class:`UnsafeArchive` (exit 1) names the entry.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from gogate.dirhash import zip_entry_name
from gogate.dlindex import ArchiveTampered
from gogate.errors import InfrastructureError, InputError
from gogate.toolchain_tree import MAX_ARCHIVE_CONTENT, _archive_member_name

__all__ = ["MAX_ENTRIES", "UnpackResult", "UnsafeArchive", "unpack_release"]

MAX_ENTRIES = 200_000
"""A Go release has about 15,000 entries; this bounds the inodes a hostile archive can take."""

_CHUNK = 1 << 20
_OPEN_FLAGS = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
)
# Errors that come from what the archive asks for (a name too long, a collision), not from the disk.
_ARCHIVE_ERRNOS = frozenset({errno.EEXIST, errno.EISDIR, errno.ENOTDIR, errno.ENAMETOOLONG, errno.EINVAL})


class UnsafeArchive(ArchiveTampered):
    """The archive holds an entry no Go release has; nothing of it is left on disk."""

    def __init__(self, label: str, problem: str) -> None:
        super().__init__(
            f"{label}: refused to unpack: {problem}",
            differences=["archive contents"],
            remediation="an official Go release holds only directories and regular files under go/; "
            "do not use this archive",
        )


@dataclass(frozen=True, slots=True)
class UnpackResult:
    files: int
    directories: int
    size: int
    """Bytes of file content written."""


class _Tree:
    """Writes directories and regular files below ``root``, which it has just created."""

    def __init__(self, root: Path, label: str, max_content: int) -> None:
        self.root = root
        self.label = label
        self.max_content = max_content
        self.directories: set[str] = {""}
        self.entries = 0
        self.files = 0
        self.size = 0

    def count(self, name: str) -> None:
        self.entries += 1
        if self.entries > MAX_ENTRIES:
            raise UnsafeArchive(self.label, f"more than {MAX_ENTRIES} entries (at {name!r})")

    def _failed(self, name: str, target: str, error: OSError) -> Exception:
        if error.errno in _ARCHIVE_ERRNOS:
            problem = error.strerror or str(error)
            if error.errno in (errno.EEXIST, errno.EISDIR, errno.ENOTDIR):
                problem = "appears more than once, or as both a file and a directory"
            return UnsafeArchive(self.label, f"member {name!r}: {problem}")
        return InfrastructureError(f"cannot write {target}: {error.strerror or error}")

    def directory(self, name: str, relative: str) -> None:
        """Create ``relative`` and its parents; an existing non-directory of that name is refused."""
        if relative in self.directories:
            return
        parent = relative.rpartition("/")[0]
        self.directory(name, parent)
        target = os.path.join(self.root, relative)
        try:
            os.mkdir(target, 0o755)
        except FileExistsError:
            # Only this module writes below root, and it never makes a link: lstat is exact.
            if not stat.S_ISDIR(os.lstat(target).st_mode):
                raise UnsafeArchive(
                    self.label, f"member {name!r}: go/{relative} is both a file and a directory"
                ) from None
        except OSError as error:
            raise self._failed(name, target, error) from error
        self.directories.add(relative)

    def file(self, name: str, relative: str, source: IO[bytes], size: int, mode: int, mtime: float) -> None:
        if size < 0:
            raise UnsafeArchive(self.label, f"member {name!r} has a negative size")
        self.size += size
        if self.size > self.max_content:
            raise UnsafeArchive(self.label, f"more than {self.max_content} bytes of content (at {name!r})")
        self.directory(name, relative.rpartition("/")[0])
        target = os.path.join(self.root, relative)
        try:
            descriptor = os.open(target, _OPEN_FLAGS, 0o600)
        except OSError as error:
            raise self._failed(name, target, error) from error
        written = 0
        try:
            with os.fdopen(descriptor, "wb") as handle:
                while chunk := source.read(_CHUNK):
                    written += len(chunk)
                    if written > size:
                        raise UnsafeArchive(self.label, f"member {name!r} holds more than its {size} bytes")
                    handle.write(chunk)
                os.fchmod(handle.fileno(), 0o755 if mode & 0o111 else 0o644)
            os.utime(target, (mtime, mtime))
        except OSError as error:
            raise InfrastructureError(f"cannot write {target}: {error.strerror or error}") from error
        if written != size:
            raise UnsafeArchive(self.label, f"member {name!r} holds {written} bytes, its header says {size}")
        self.files += 1


def _relative(label: str, name: str) -> str:
    """GOROOT-relative name of a member ('' for go/ itself), or UnsafeArchive."""
    try:
        return _archive_member_name(label, name) or ""
    except InputError as error:
        raise UnsafeArchive(label, error.message.removeprefix(f"{label}: ")) from None


def _check_mode(label: str, name: str, mode: int) -> None:
    if mode & (stat.S_ISUID | stat.S_ISGID):
        raise UnsafeArchive(label, f"member {name!r} has the setuid or setgid bit (mode {mode & 0o7777:04o})")


def _unpack_tar(archive: Path, tree: _Tree) -> None:
    label = tree.label
    with tarfile.open(archive, mode="r:*") as tar:
        for member in tar:
            name = member.name
            tree.count(name)
            relative = _relative(label, name)
            if member.issym() or member.islnk():
                kind = "symbolic link" if member.issym() else "hard link"
                raise UnsafeArchive(label, f"member {name!r} is a {kind} (to {member.linkname!r})")
            if not (member.isdir() or member.isreg()):
                raise UnsafeArchive(label, f"member {name!r} is a device, FIFO or other special file")
            _check_mode(label, name, member.mode)
            if member.isdir():
                tree.directory(name, relative)
                continue
            if not relative:
                raise UnsafeArchive(label, f"member {name!r} is a file where go/ must be a directory")
            source = tar.extractfile(member)
            if source is None:  # pragma: no cover - regular members always have data
                raise UnsafeArchive(label, f"member {name!r} has no data")
            with source:
                tree.file(name, relative, source, member.size, member.mode, float(member.mtime))


def _zip_mtime(info: zipfile.ZipInfo) -> float:
    import datetime

    try:
        return datetime.datetime(*info.date_time, tzinfo=datetime.UTC).timestamp()
    except ValueError:
        return 0.0


def _unpack_zip(archive: Path, tree: _Tree) -> None:
    label = tree.label
    with zipfile.ZipFile(archive) as bundle:
        for info in bundle.infolist():
            name = zip_entry_name(info)
            tree.count(name)
            relative = _relative(label, name)
            mode = info.external_attr >> 16
            kind = stat.S_IFMT(mode)
            is_dir = name.endswith("/")
            if kind == stat.S_IFLNK:
                raise UnsafeArchive(label, f"member {name!r} is a symbolic link")
            if kind and kind != (stat.S_IFDIR if is_dir else stat.S_IFREG):
                raise UnsafeArchive(label, f"member {name!r} is a device, FIFO or other special file")
            _check_mode(label, name, mode)
            if info.flag_bits & 0x1:
                raise UnsafeArchive(label, f"member {name!r} is encrypted")
            if is_dir:
                if info.file_size:
                    raise UnsafeArchive(label, f"directory member {name!r} has content")
                tree.directory(name, relative)
                continue
            if not relative:
                raise UnsafeArchive(label, f"member {name!r} is a file where go/ must be a directory")
            with bundle.open(info) as source:
                tree.file(name, relative, source, info.file_size, mode, _zip_mtime(info))


def unpack_release(
    archive: str | Path, destination: str | Path, *, max_content: int = MAX_ARCHIVE_CONTENT
) -> UnpackResult:
    """Unpack the ``go/`` tree of ``archive`` into ``destination`` (the GOROOT), which must not exist.

    ``.zip`` by name, else tar (gzip or not). Raises :class:`UnsafeArchive` (exit 1) for an entry no
    release has or an archive that cannot be read, InfrastructureError (exit 3) when the disk refuses a
    write; in both cases ``destination`` is gone afterwards.
    """
    source = Path(archive)
    root = Path(destination)
    label = str(source)
    try:
        root.mkdir(mode=0o755)
    except OSError as error:
        raise InfrastructureError(f"cannot create {root}: {error.strerror or error}") from error
    tree = _Tree(root, label, max_content)
    try:
        if source.name.endswith(".zip"):
            _unpack_zip(source, tree)
        else:
            _unpack_tar(source, tree)
    except (
        tarfile.TarError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        OSError,
    ) as error:
        with contextlib.suppress(OSError):
            shutil.rmtree(root)
        raise UnsafeArchive(label, f"cannot be read as a release archive: {error}") from error
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(root)
        raise
    return UnpackResult(files=tree.files, directories=len(tree.directories), size=tree.size)
