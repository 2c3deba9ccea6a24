"""Open a module zip and hold it to every rule golang.org/x/mod/zip applies, without unpacking it.

Why not just ``zipfile.extractall``: a module zip comes from a proxy or a cache gogate does not
trust. The go command refuses a zip whose entries escape ``<path>@<version>/``, collide on a
case-insensitive file system, name Windows device files, or are larger than declared; gogate must
refuse exactly the same zips (a zip Go would refuse can never be what a repository was built
from) and must do it without writing a byte to disk or inflating a zip bomb. So this module checks
names and declared sizes up front (x/mod's ``checkZip``), then reads each entry on demand with
its own bounded inflater that fails, as Go's ``archive/zip`` and ``Unzip`` fail, when an entry
yields more or fewer bytes than it declares or its CRC is wrong.

The name rules are x/mod's ``module.CheckFilePath`` and ``module.Check``, shared with the rest of
gogate through :mod:`gogate.deps.modpath`; Go's case folding (``strToFold`` over
``unicode.SimpleFold``) is reimplemented here; see the notes §2.
"""

from __future__ import annotations

import hashlib
import os
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from gogate.deps import semver
from gogate.deps.gostrings import quote
from gogate.deps.modpath import check_file_path, check_path, check_path_major, split_path_version
from gogate.dirhash import hash1, zip_entry_name
from gogate.errors import InputError
from gogate.hashing import parallel_map

__all__ = [
    "MAX_GO_MOD",
    "MAX_LICENSE",
    "MAX_ZIP_FILE",
    "ModuleZip",
    "ModuleZipError",
    "ZipMember",
    "check_module_version",
    "go_path_clean",
    "open_module_zip",
    "str_to_fold",
]

MAX_ZIP_FILE = 500 << 20
"""x/mod/zip MaxZipFile: the largest zip file, and the largest total of declared sizes."""
MAX_GO_MOD = 16 << 20
MAX_LICENSE = 16 << 20

_READ_CHUNK = 256 * 1024
_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
_LOCAL_HEADER_SIGNATURE = 0x04034B50
_DATA_DESCRIPTOR_SIGNATURE = 0x08074B50
_FLAG_DATA_DESCRIPTOR = 0x8


class ModuleZipError(InputError):
    """A module zip Go would refuse; ``entry`` is the offending entry name ("" for the whole zip).

    ``problems`` lists every (entry, reason) found, as x/mod lists every invalid file; the message
    names the first, or the size error, which Go reports in preference.
    """

    def __init__(
        self, zip_path: str, module: str, entry: str, reason: str, problems: list[tuple[str, str]]
    ) -> None:
        where = f"{entry}: " if entry else ""
        super().__init__(
            zip_path,
            f"module zip for {module} is invalid: {where}{reason}",
            remediation="the proxy or module cache served a zip the go command refuses; do not trust it",
        )
        self.module = module
        self.entry = entry
        self.reason = reason
        self.problems = problems


# --- Go's path rules ---------------------------------------------------------------------------


def go_path_clean(name: str) -> str:
    """path.Clean: the shortest equivalent slash path (no ``.``/``..``/empty elements, no trailing /)."""
    if name == "":
        return "."
    rooted = name.startswith("/")
    parts: list[str] = []
    for element in name.split("/"):
        if element in ("", "."):
            continue
        if element == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(element)
    cleaned = "/".join(parts)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


def check_module_version(path: str, version: str) -> str | None:
    """The checks checkZip makes before any entry: canonical version, then module.Check."""
    canonical = semver.canonical_version(version)
    if canonical != version:
        return f"version {quote(version)} is not canonical (should be {quote(canonical)})"
    if problem := check_path(path):
        return problem
    if not semver.is_valid(version):
        return f"{path}@{version}: invalid version: not a semantic version"
    split = split_path_version(path)
    mismatch = check_path_major(version, "" if split is None else split[1])
    return None if mismatch is None else f"{path}@{version}: invalid version: {mismatch}"


# --- case folding ------------------------------------------------------------------------------

# unicode.SimpleFold's explicit orbits (caseOrbit in Go 1.27's Unicode 17 tables): classes of more
# than two runes, the dotted/dotless i (kept as singletons) and pairs ToLower/ToUpper do not link.
_CASE_ORBIT = {
    0x004B: 0x006B, 0x0053: 0x0073, 0x006B: 0x212A, 0x0073: 0x017F, 0x00B5: 0x039C, 0x00C5: 0x00E5,
    0x00DF: 0x1E9E, 0x00E5: 0x212B, 0x0130: 0x0130, 0x0131: 0x0131, 0x017F: 0x0053, 0x01C4: 0x01C5,
    0x01C5: 0x01C6, 0x01C6: 0x01C4, 0x01C7: 0x01C8, 0x01C8: 0x01C9, 0x01C9: 0x01C7, 0x01CA: 0x01CB,
    0x01CB: 0x01CC, 0x01CC: 0x01CA, 0x01F1: 0x01F2, 0x01F2: 0x01F3, 0x01F3: 0x01F1, 0x0345: 0x0399,
    0x0390: 0x1FD3, 0x0392: 0x03B2, 0x0395: 0x03B5, 0x0398: 0x03B8, 0x0399: 0x03B9, 0x039A: 0x03BA,
    0x039C: 0x03BC, 0x03A0: 0x03C0, 0x03A1: 0x03C1, 0x03A3: 0x03C2, 0x03A6: 0x03C6, 0x03A9: 0x03C9,
    0x03B0: 0x1FE3, 0x03B2: 0x03D0, 0x03B5: 0x03F5, 0x03B8: 0x03D1, 0x03B9: 0x1FBE, 0x03BA: 0x03F0,
    0x03BC: 0x00B5, 0x03C0: 0x03D6, 0x03C1: 0x03F1, 0x03C2: 0x03C3, 0x03C3: 0x03A3, 0x03C6: 0x03D5,
    0x03C9: 0x2126, 0x03D0: 0x0392, 0x03D1: 0x03F4, 0x03D5: 0x03A6, 0x03D6: 0x03A0, 0x03F0: 0x039A,
    0x03F1: 0x03A1, 0x03F4: 0x0398, 0x03F5: 0x0395, 0x0412: 0x0432, 0x0414: 0x0434, 0x041E: 0x043E,
    0x0421: 0x0441, 0x0422: 0x0442, 0x042A: 0x044A, 0x0432: 0x1C80, 0x0434: 0x1C81, 0x043E: 0x1C82,
    0x0441: 0x1C83, 0x0442: 0x1C84, 0x044A: 0x1C86, 0x0462: 0x0463, 0x0463: 0x1C87, 0x1C80: 0x0412,
    0x1C81: 0x0414, 0x1C82: 0x041E, 0x1C83: 0x0421, 0x1C84: 0x1C85, 0x1C85: 0x0422, 0x1C86: 0x042A,
    0x1C87: 0x0462, 0x1C88: 0xA64A, 0x1E60: 0x1E61, 0x1E61: 0x1E9B, 0x1E9B: 0x1E60, 0x1E9E: 0x00DF,
    0x1FBE: 0x0345, 0x1FD3: 0x0390, 0x1FE3: 0x03B0, 0x2126: 0x03A9, 0x212A: 0x004B, 0x212B: 0x00C5,
    0xA64A: 0xA64B, 0xA64B: 0x1C88, 0xFB05: 0xFB06, 0xFB06: 0xFB05,
}  # fmt: skip

# Python's str.upper() applies SpecialCasing (full mappings, several characters); Go's ToUpper uses
# the simple mapping. These are the only runes whose simple uppercase then differs from themselves.
_SIMPLE_UPPER_EXCEPTIONS = {
    **{low: low + 8 for start in (0x1F80, 0x1F90, 0x1FA0) for low in range(start, start + 8)},
    0x1FB3: 0x1FBC,
    0x1FC3: 0x1FCC,
    0x1FF3: 0x1FFC,
}

# Case pairs (upper -> lower) added by Unicode 16 and 17, which Go 1.27 knows and Python 3.11's
# Unicode 14 database does not. Go 1.26 and older (Unicode 15) fold these runes to themselves.
_NEWER_CASE_PAIRS = {
    0x1C89: 0x1C8A, 0xA7CB: 0x0264, 0xA7CC: 0xA7CD, 0xA7CE: 0xA7CF, 0xA7D2: 0xA7D3, 0xA7D4: 0xA7D5,
    0xA7DA: 0xA7DB, 0xA7DC: 0x019B,
    **{upper: upper + 0x20 for upper in range(0x10D50, 0x10D66)},
    **{upper: upper + 0x1B for upper in range(0x16EA0, 0x16EB9)},
}  # fmt: skip
_NEWER_CASE_PAIRS_UPPER = {lower: upper for upper, lower in _NEWER_CASE_PAIRS.items()}


def _simple_case(rune: int, *, upper: bool) -> int:
    """unicode.ToUpper/ToLower (simple mappings) of ``rune``."""
    newer = (_NEWER_CASE_PAIRS_UPPER if upper else _NEWER_CASE_PAIRS).get(rune)
    if newer is not None:
        return newer
    char = chr(rune)
    mapped = char.upper() if upper else char.lower()
    if len(mapped) == 1:
        return ord(mapped)
    return _SIMPLE_UPPER_EXCEPTIONS.get(rune, rune) if upper else rune


def _simple_fold(rune: int) -> int:
    """unicode.SimpleFold: the next rune of ``rune``'s case orbit (wrapping to the smallest)."""
    if rune < 0x80:
        char = chr(rune)
        return ord(char.swapcase()) if char.isalpha() else rune
    if (orbit := _CASE_ORBIT.get(rune)) is not None:
        return orbit
    if 0xD800 <= rune <= 0xDFFF:
        return rune
    lower = _simple_case(rune, upper=False)
    return lower if lower != rune else _simple_case(rune, upper=True)


def str_to_fold(text: str) -> str:
    """x/mod/zip strToFold: equal for two names iff Go's strings.EqualFold says they are equal.

    Every rune becomes the smallest of its SimpleFold orbit, then A-Z become a-z (so that plain
    lowercase ASCII names map to themselves). A lone surrogate stands for an invalid byte, which
    Go decodes as U+FFFD.
    """
    if text.isascii():
        # Every ASCII orbit's smallest rune is ASCII (K for K/k/U+212A, S for S/s/U+017F), and
        # A-Z then become a-z: for ASCII text that is exactly lower().
        return text.lower()
    out: list[str] = []
    for char in text:
        rune = 0xFFFD if 0xD800 <= ord(char) <= 0xDFFF else ord(char)
        while True:
            previous = rune
            rune = _simple_fold(previous)
            if rune <= previous:
                break
        if 0x41 <= rune <= 0x5A:
            rune += 0x20
        out.append(chr(rune))
    return "".join(out)


class _CollisionChecker:
    """x/mod/zip collisionChecker: case-fold collisions, file-vs-directory, duplicate files."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[str, bool]] = {}

    def check(self, name: str, is_dir: bool) -> str | None:
        while True:
            fold = str_to_fold(name)
            other = self._seen.get(fold)
            if other is None:
                self._seen[fold] = (name, is_dir)
            elif other[0] != name:
                return f"case-insensitive file name collision: {quote(other[0])} and {quote(name)}"
            elif other[1] != is_dir:
                return f"entry {quote(name)} is both a file and a directory"
            elif not is_dir:
                return f"multiple entries for file {quote(name)}"
            parent = name.rpartition("/")[0]
            if parent == "":
                return None
            name, is_dir = parent, True


# --- the zip -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ZipMember:
    """One entry of a module zip, as its central directory declares it."""

    name: str
    """The full entry name (``<path>@<version>/<relative>``); undecodable bytes as lone surrogates."""
    relative: str
    """The path below the module root ("" for the root directory entry)."""
    is_dir: bool
    size: int
    """Declared uncompressed size; reads enforce it."""
    compressed_size: int
    method: int
    crc: int
    flags: int
    header_offset: int


class ModuleZip:
    """A module zip that passed every x/mod/zip check; entries are read lazily and bounded.

    ``files`` maps each file's path below the module root to its member (directory entries are
    left out, as Unzip leaves them out). ``members`` keeps every entry in archive order, which is
    what h1 hashes. Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, path: Path, module: str, version: str, members: list[ZipMember]) -> None:
        self.path = path
        self.module = module
        self.version = version
        self.members = members
        self.files: Mapping[str, ZipMember] = {m.relative: m for m in members if not m.is_dir and m.relative}
        self._fd = os.open(path, os.O_RDONLY)
        # Each entry is inflated and hashed at most once: h1() and a later per-file use (the vendor
        # tree's digests) share the result instead of reading the zip twice.
        self._digests: dict[ZipMember, str] = {}

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> ModuleZip:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _fail(self, entry: str, reason: str) -> ModuleZipError:
        return ModuleZipError(
            str(self.path), f"{self.module}@{self.version}", entry, reason, [(entry, reason)]
        )

    def _chunks(self, member: ZipMember) -> Iterator[bytes]:
        """The entry's uncompressed bytes, failing as Go's archive/zip reader fails.

        More bytes than declared, fewer, a truncated deflate stream, an unknown method or a CRC
        mismatch (checked when the CRC field is set, or always with a data descriptor) are errors.
        """
        if member.is_dir:
            if member.compressed_size != 0 or member.flags & _FLAG_DATA_DESCRIPTOR:
                raise self._fail(member.name, "zip: not a valid zip file (directory entry has data)")
            return
        header = os.pread(self._fd, _LOCAL_HEADER.size, member.header_offset)
        if len(header) != _LOCAL_HEADER.size or _LOCAL_HEADER.unpack(header)[0] != _LOCAL_HEADER_SIGNATURE:
            raise self._fail(member.name, "zip: not a valid zip file (bad local header)")
        name_length, extra_length = _LOCAL_HEADER.unpack(header)[9:11]
        data_start = offset = member.header_offset + _LOCAL_HEADER.size + name_length + extra_length
        if member.method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise self._fail(member.name, "zip: unsupported compression algorithm")
        inflater = zlib.decompressobj(-zlib.MAX_WBITS) if member.method == zipfile.ZIP_DEFLATED else None
        remaining_input = member.compressed_size
        produced = 0
        crc = 0
        too_large = (
            f"uncompressed size of file {member.name} is larger than declared size ({member.size} bytes)"
        )
        pending = b""
        while True:
            if inflater is not None and pending:
                data = inflater.decompress(pending, member.size - produced + 1)
                pending = inflater.unconsumed_tail
            elif remaining_input > 0:
                raw = os.pread(self._fd, min(_READ_CHUNK, remaining_input), offset)
                if not raw:
                    raise self._fail(member.name, "unexpected EOF (zip entry data is truncated)")
                offset += len(raw)
                remaining_input -= len(raw)
                if inflater is None:
                    data = raw
                else:
                    data = inflater.decompress(raw, member.size - produced + 1)
                    pending = inflater.unconsumed_tail
            else:
                break
            produced += len(data)
            if produced > member.size:
                raise self._fail(member.name, too_large)
            if data:
                crc = zlib.crc32(data, crc)
                yield data
            if inflater is not None and inflater.eof:
                break
        if inflater is not None and not inflater.eof:
            raise self._fail(member.name, "unexpected EOF (deflate stream is truncated)")
        if produced != member.size:
            raise self._fail(member.name, f"unexpected EOF ({produced} of {member.size} declared bytes)")
        self._check_crc(member, crc, data_start + member.compressed_size)

    def _check_crc(self, member: ZipMember, crc: int, data_end: int) -> None:
        if member.flags & _FLAG_DATA_DESCRIPTOR:
            descriptor = os.pread(self._fd, 16, data_end)
            if len(descriptor) >= 4 and struct.unpack("<I", descriptor[:4])[0] == _DATA_DESCRIPTOR_SIGNATURE:
                descriptor = descriptor[4:]
            if len(descriptor) < 12:
                raise self._fail(member.name, "unexpected EOF (data descriptor is missing)")
            if struct.unpack("<I", descriptor[:4])[0] != member.crc or crc != member.crc:
                raise self._fail(member.name, "zip: checksum error")
        elif member.crc != 0 and crc != member.crc:
            raise self._fail(member.name, "zip: checksum error")

    def read(self, relative: str) -> bytes:
        """The content of the file ``relative`` (below the module root), exactly its declared size."""
        member = self.files[relative]
        return b"".join(self._chunks(member))

    def sha256(self, relative: str) -> str:
        """Lowercase hex SHA-256 of the file ``relative``, streamed."""
        return self._sha256_member(self.files[relative])

    def _sha256_member(self, member: ZipMember) -> str:
        known = self._digests.get(member)
        if known is not None:
            return known
        digest = hashlib.sha256()
        for chunk in self._chunks(member):
            digest.update(chunk)
        self._digests[member] = hexdigest = digest.hexdigest()
        return hexdigest

    def sha256_all(self, workers: int | None = None) -> dict[str, str]:
        """``{relative: sha256}`` of every file, hashed in parallel."""
        digests = parallel_map(self._sha256_member, list(self.files.values()), workers)
        return {member.relative: digest for member, digest in digests.items()}

    def h1(self, workers: int | None = None) -> str:
        """The go.sum ``h1:`` of this zip (dirhash.HashZip: every entry, directories as empty files)."""
        return self.h1_and_files(workers)[0]

    def h1_and_files(self, workers: int | None = None) -> tuple[str, dict[str, str]]:
        """The ``h1:`` and ``{relative: sha256}`` of every file, from one read of each entry."""
        digests = parallel_map(self._sha256_member, self.members, workers)
        files = {member.relative: digests[member] for member in self.files.values()}
        return hash1((member.name, digests[member]) for member in self.members), files


def _read_members(zip_path: Path, module: str) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(zip_path) as archive:
            return archive.infolist()
    except UnicodeDecodeError as error:
        reason = f"an entry flagged UTF-8 has a name that is not UTF-8 ({error})"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        reason = f"zip: not a valid zip file ({error})"
    raise ModuleZipError(str(zip_path), module, "", reason, [("", reason)])


def _check_entry(name: str, prefix: str, collisions: _CollisionChecker) -> tuple[str, bool, str | None]:
    """(relative name, is directory, problem) for one entry, in checkZip's order of checks."""
    if not name.startswith(prefix):
        return name, False, f"path does not have prefix {quote(prefix)}"
    relative = name[len(prefix) :]
    if relative == "":
        return "", True, None
    is_dir = relative.endswith("/")
    if is_dir:
        relative = relative[:-1]
    if go_path_clean(relative) != relative:
        return relative, is_dir, "file path is not clean"
    if problem := check_file_path(relative):
        return relative, is_dir, problem
    if problem := collisions.check(relative, is_dir):
        return relative, is_dir, problem
    if not is_dir and str_to_fold(relative.rpartition("/")[2]) == "go.mod":
        if "/" in relative:
            return relative, is_dir, "go.mod file not in module root directory"
        if relative != "go.mod":
            return relative, is_dir, "go.mod files must have lowercase names"
    return relative, is_dir, None


def open_module_zip(zip_path: Path, module_path: str, version: str) -> ModuleZip:
    """Check ``zip_path`` as the zip of ``module_path@version`` and open it for bounded reads.

    Raises ModuleZipError for any rule x/mod/zip's checkZip enforces (names, prefixes,
    collisions, declared sizes); reading an entry later raises it for content that contradicts
    the declared size or CRC. Nothing is extracted.
    """
    module = f"{module_path}@{version}"
    if problem := check_module_version(module_path, version):
        raise ModuleZipError(str(zip_path), module, "", problem, [("", problem)])
    try:
        zip_size = zip_path.stat().st_size
    except OSError as error:
        raise InputError(str(zip_path), f"cannot be read: {error.strerror or error}") from error
    if zip_size > MAX_ZIP_FILE:
        reason = f"module zip file is too large ({zip_size} bytes; limit is {MAX_ZIP_FILE} bytes)"
        raise ModuleZipError(str(zip_path), module, "", reason, [("", reason)])
    prefix = f"{module}/"
    collisions = _CollisionChecker()
    problems: list[tuple[str, str]] = []
    size_error: str | None = None
    total = 0
    members: list[ZipMember] = []
    for info in _read_members(zip_path, module):
        name = zip_entry_name(info)
        relative, is_dir, problem = _check_entry(name, prefix, collisions)
        declared = info.file_size
        if problem is None and not is_dir and relative:
            if declared < 1 << 63 and MAX_ZIP_FILE - total >= declared:
                total += declared
            elif size_error is None:
                size_error = (
                    f"total uncompressed size of module contents too large (max size is {MAX_ZIP_FILE} bytes)"
                )
            if relative == "go.mod" and declared > MAX_GO_MOD:
                problem = f"go.mod file too large (max size is {MAX_GO_MOD} bytes)"
            elif relative == "LICENSE" and declared > MAX_LICENSE:
                problem = f"LICENSE file too large (max size is {MAX_LICENSE} bytes)"
        if problem is not None:
            problems.append((name, problem))
            continue
        members.append(
            ZipMember(
                name=name,
                relative=relative,
                is_dir=is_dir,
                size=declared,
                compressed_size=info.compress_size,
                method=info.compress_type,
                crc=info.CRC,
                flags=info.flag_bits,
                header_offset=info.header_offset,
            )
        )
    if size_error is not None:
        raise ModuleZipError(str(zip_path), module, "", size_error, [("", size_error), *problems])
    if problems:
        entry, reason = problems[0]
        raise ModuleZipError(str(zip_path), module, entry, reason, problems)
    return ModuleZip(zip_path, module_path, version, members)
