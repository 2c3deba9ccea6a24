"""Is this file the official Go release archive that was asked for?

:func:`verify_archive` hashes the file once (SHA-256 and BLAKE3 in one pass, :func:`gogate.hashing.hash_file`)
and reports each comparison with what was expected and what was found:

* the file name against ``go<version>.<goos>-<goarch>.tar.gz`` (``.zip`` for windows, ``armv6l`` for
  linux/arm), naming which part disagrees (version, platform, extension);
* size, SHA-256 and BLAKE3 against the ``gogate.lock`` entry;
* size and SHA-256 against the download index, whose entry must also name this version and platform;
* the first line of the archive's ``go/VERSION`` (read from the stream, nothing extracted);
* the hostile-archive checks of :mod:`gogate.toolchain_tree` (links, special files, traversal,
  duplicates, size limits), which also give the archive's toolchain-module ``h1:``.

No lock entry, or no index (``--offline``), is a ``not-verified`` item, never a pass; an index that was
read but lacks the file is a failure. The report passes only when nothing failed and the bytes were
authenticated by at least one trusted SHA-256 (lock or index).
"""

from __future__ import annotations

import io
import stat
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from gogate.dlindex import (
    ARCHIVE_NAME,
    ArchiveTampered,
    DownloadIndex,
    IndexFile,
    archive_file_name,
    dl_arch,
    find_archive,
)
from gogate.errors import InputError
from gogate.hashing import FileDigests, HashingReader, hash_file
from gogate.toolchain_tree import (
    toolchain_module_version,
    toolchain_tree_from_archive,
    toolchain_tree_from_tar_stream,
)

__all__ = ["ArchiveReport", "Comparison", "LockEntry", "Status", "verify_archive"]

Status = Literal["pass", "fail", "not-verified"]
LockEntry = tuple[str, str, int]
"""(sha256, blake3, size) of one platform's archive in gogate.lock."""

_VERSION_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class Comparison:
    """One check: what it compared, the trusted value, the value found, and the outcome."""

    subject: str
    """e.g. ``file name``, ``lock: sha256``, ``index: size``, ``go/VERSION``, ``archive contents``."""
    expected: str | None
    found: str | None
    status: Status
    detail: str = ""

    def describe(self) -> str:
        text = f"{self.status}: {self.subject}"
        if self.status == "fail" or self.expected is not None:
            text += f": expected {self.expected}, found {self.found}"
        return f"{text} ({self.detail})" if self.detail else text


@dataclass(frozen=True, slots=True)
class ArchiveReport:
    path: str
    file_name: str
    expected_file_name: str
    version: str
    goos: str
    goarch: str
    digests: FileDigests
    comparisons: tuple[Comparison, ...]
    toolchain_h1: str | None
    """The toolchain module ``h1:`` of the archive's contents (None when its contents were refused)."""

    @property
    def failures(self) -> tuple[Comparison, ...]:
        return tuple(item for item in self.comparisons if item.status == "fail")

    @property
    def not_verified(self) -> tuple[Comparison, ...]:
        return tuple(item for item in self.comparisons if item.status == "not-verified")

    @property
    def authenticated(self) -> bool:
        """True when a trusted SHA-256 (lock or index) matched the bytes."""
        return any(
            item.subject in ("lock: sha256", "index: sha256") and item.status == "pass"
            for item in self.comparisons
        )

    @property
    def passed(self) -> bool:
        return not self.failures and self.authenticated

    def raise_for_failures(self) -> None:
        """:class:`ArchiveTampered` naming every failed comparison; nothing when none failed."""
        if self.failures:
            raise ArchiveTampered(
                f"{self.path} is not the official {self.expected_file_name}: "
                + "; ".join(item.describe() for item in self.failures),
                differences=[item.subject for item in self.failures],
            )


def _name_comparison(name: str, version: str, goos: str, goarch: str) -> Comparison:
    expected = archive_file_name(version, goos, goarch)
    if name == expected:
        return Comparison("file name", expected, name, "pass")
    match = ARCHIVE_NAME.match(name)
    if match is None:
        return Comparison("file name", expected, name, "fail", "not a Go release archive name")
    wrong = []
    if match["version"] != (version if version.startswith("go") else "go" + version):
        wrong.append(f"version {match['version']}")
    if (match["goos"], match["arch"]) != (goos, dl_arch(goos, goarch)):
        wrong.append(f"platform {match['goos']}/{match['arch']}")
    if match["ext"] != ("zip" if goos == "windows" else "tar.gz"):
        wrong.append(f"format .{match['ext']}")
    return Comparison("file name", expected, name, "fail", "wrong " + ", ".join(wrong) if wrong else "")


def _lock_comparisons(digests: FileDigests, lock_entry: LockEntry | None) -> list[Comparison]:
    if lock_entry is None:
        return [Comparison("lock", None, None, "not-verified", "not verified against gogate.lock: no entry")]
    sha256, blake3, size = lock_entry
    pairs = (
        ("size", str(size), str(digests.size)),
        ("sha256", sha256.lower(), digests.sha256),
        ("blake3", blake3.lower(), digests.blake3),
    )
    return [
        Comparison(f"lock: {what}", expected, found, "pass" if expected == found else "fail")
        for what, expected, found in pairs
    ]


def _index_comparisons(
    digests: FileDigests,
    expected_name: str,
    version: str,
    goos: str,
    goarch: str,
    index_file: IndexFile | None,
) -> list[Comparison]:
    if index_file is None:
        return [Comparison("index", None, None, "not-verified", "not verified against the download index")]
    go_version = version if version.startswith("go") else "go" + version
    listed = index_file
    wanted = (expected_name, go_version, goos, dl_arch(goos, goarch), "archive")
    found = (listed.filename, listed.version, listed.os, listed.arch, listed.kind)
    items = [
        Comparison(
            "index: file",
            f"{wanted[0]} ({wanted[1]} {wanted[2]}/{wanted[3]} {wanted[4]})",
            f"{found[0]} ({found[1]} {found[2]}/{found[3]} {found[4]})",
            "pass" if found == wanted else "fail",
        ),
        Comparison(
            "index: size",
            str(index_file.size),
            str(digests.size),
            "pass" if index_file.size == digests.size else "fail",
        ),
    ]
    if index_file.sha256 is None:
        items.append(Comparison("index: sha256", None, digests.sha256, "fail", "the index lists no SHA-256"))
    else:
        status: Status = "pass" if index_file.sha256 == digests.sha256 else "fail"
        items.append(Comparison("index: sha256", index_file.sha256, digests.sha256, status))
    return items


def _read_version_line(path: Path) -> str:
    """First line of ``go/VERSION`` in the archive, read without extracting anything."""
    label = str(path)
    data: bytes | None = None
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                try:
                    info = archive.getinfo("go/VERSION")
                except KeyError:
                    info = None
                if info is not None:
                    with archive.open(info) as entry:
                        data = entry.read(_VERSION_LIMIT)
        else:
            with tarfile.open(path, mode="r:*") as tar:
                for member in tar:
                    if member.name == "go/VERSION" and member.isreg():
                        handle = tar.extractfile(member)
                        if handle is not None:
                            with handle:
                                data = handle.read(_VERSION_LIMIT)
                        break
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise InputError(label, f"is not a readable release archive: {error}") from error
    if data is None:
        raise InputError(label, "has no go/VERSION file")
    return data.split(b"\n", 1)[0].decode("utf-8", "replace").strip()


@dataclass(frozen=True, slots=True)
class _SinglePass:
    digests: FileDigests
    h1: str | None
    contents_error: str | None
    version_line: str | None
    version_error: str | None


def _single_pass(file: Path, go_version: str, goos: str, goarch: str) -> _SinglePass | None:
    """Read a .tar.gz once: the same bytes feed SHA-256, BLAKE3 and the tar parser (tree, go/VERSION).

    None for a .zip (Windows), whose directory sits at the end and needs random access.
    """
    try:
        status = file.stat()
    except OSError as error:
        raise InputError(str(file), f"cannot be read: {error.strerror or error}") from error
    if not stat.S_ISREG(status.st_mode):
        raise InputError(str(file), "is not a regular file (a FIFO or device would never end)")
    if file.name.endswith(".zip"):
        return None
    size = status.st_size
    with open(file, "rb") as raw:
        reader = HashingReader(raw, size)
        buffered = io.BufferedReader(reader, buffer_size=1 << 20)
        version_line: list[str] = []
        h1 = contents_error = None
        try:
            h1 = toolchain_tree_from_tar_stream(
                buffered, str(file), go_version, goos, goarch, version_line
            ).h1
        except InputError as error:
            contents_error = error.message
        while buffered.read(1 << 20):  # the rest (gzip trailer, padding) still counts for the digests
            pass
        digests = reader.finish()
    first = version_line[0] if version_line else None
    return _SinglePass(
        digests, h1, contents_error, first, None if first is not None else "has no go/VERSION file"
    )


def verify_archive(
    path: str | Path,
    *,
    version: str,
    goos: str,
    goarch: str,
    lock_entry: LockEntry | None,
    index_file: IndexFile | None,
    index: DownloadIndex | None = None,
) -> ArchiveReport:
    """Compare the archive at ``path`` with what was asked for, the lock entry and the download index.

    Pass ``index_file`` (the index's entry, e.g. from :func:`find_archive`) or ``index`` (the whole index:
    its lacking the archive is then a failure). With neither, the index comparison is "not verified".
    Raises InputError when the file cannot be read; everything else is in the report.
    """
    file = Path(path)
    go_version = version if version.startswith("go") else "go" + version
    toolchain_module_version(go_version, goos, goarch)  # InputError for a version or platform Go cannot have
    single = _single_pass(file, go_version, goos, goarch)
    digests = single.digests if single is not None else hash_file(file)
    expected_name = archive_file_name(go_version, goos, goarch)
    comparisons = [_name_comparison(file.name, go_version, goos, goarch)]
    comparisons += _lock_comparisons(digests, lock_entry)
    if index_file is None and index is not None:
        index_file = find_archive(index, go_version, goos, goarch)
        if index_file is None:
            comparisons.append(
                Comparison("index", expected_name, None, "fail", f"the download index {index.url} lacks it")
            )
    if index_file is not None or index is None:
        comparisons += _index_comparisons(digests, expected_name, go_version, goos, goarch, index_file)

    if single is not None:
        first_line, version_error = single.version_line, single.version_error
    else:
        try:
            first_line, version_error = _read_version_line(file), None
        except InputError as error:
            first_line, version_error = None, error.message
    if first_line is None:
        comparisons.append(Comparison("go/VERSION", go_version, None, "fail", version_error or "missing"))
    else:
        status: Status = "pass" if first_line == go_version else "fail"
        comparisons.append(Comparison("go/VERSION", go_version, first_line[:80], status))

    h1: str | None = None
    contents_error = None
    if single is not None:
        h1, contents_error = single.h1, single.contents_error
    else:
        try:
            h1 = toolchain_tree_from_archive(file, go_version, goos, goarch).h1
        except InputError as error:
            contents_error = error.message
    if contents_error is not None:
        comparisons.append(Comparison("archive contents", None, None, "fail", contents_error))
    else:
        comparisons.append(
            Comparison("archive contents", None, None, "pass", "no links, special files or traversal")
        )
    return ArchiveReport(
        path=str(path),
        file_name=file.name,
        expected_file_name=expected_name,
        version=go_version,
        goos=goos,
        goarch=goarch,
        digests=digests,
        comparisons=tuple(comparisons),
        toolchain_h1=h1,
    )
