"""The Go download index (``go.dev/dl/?mode=json&include=all``), ``.sha256`` files, and archive downloads.

The index is the official source of each release archive's SHA-256 (golang/website ``internal/dl``; the
format is in the project notes, go-internals §5): a JSON array of releases ``{version, stable, files}``,
each file ``{filename, os, arch, version, sha256, size, kind}``. It is read from a configurable base URL
(``https://go.dev/dl`` by default; mirrors such as ``https://golang.google.cn/dl`` or an internal one).

Nothing that comes back is trusted blindly: an index that does not parse to that schema, or a ``.sha256``
body that is not 64 hex digits (``go.dev/dl/<file>.sha256`` answers 200 with an HTML page), raises
:class:`gogate.errors.InfrastructureError` naming the URL (credentials redacted): gogate could not
decide, it never passes.

:func:`download_archive` streams an archive to a temporary file beside its destination, feeding SHA-256
and BLAKE3 from the same bytes as they arrive (one pass), and renames it into place only when the size
and SHA-256 equal the expected ones. A mismatch is :class:`ArchiveTampered` (exit 1: the gate fails).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gogate.errors import GogateError, InfrastructureError
from gogate.exitcodes import ExitCode
from gogate.hashing import CHUNK_SIZE, FileDigests, _blake3_hasher
from gogate.http import HttpPolicy, check_complete, http_get, read_body
from gogate.redact import redact

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_DL_BASE",
    "GO_DEV_REDIRECT_HOSTS",
    "MAX_ARCHIVE_SIZE",
    "ArchiveTampered",
    "DownloadIndex",
    "DownloadResult",
    "IndexFile",
    "Release",
    "archive_file_name",
    "dl_arch",
    "download_archive",
    "fetch_index",
    "fetch_sha256_file",
    "file_url",
    "find_archive",
    "index_url",
    "parse_index",
    "parse_sha256_body",
]

DEFAULT_DL_BASE = "https://go.dev/dl"
GO_DEV_REDIRECT_HOSTS = frozenset({"dl.google.com"})
"""Where go.dev/dl/<file> redirects (302 to https://dl.google.com/go/<file>)."""
MAX_ARCHIVE_SIZE = 1 << 30
"""Largest archive :func:`download_archive` accepts by default (releases are ~70-100 MB)."""

_INDEX_LIMIT = 64 << 20
_SHA256_LIMIT = 4096
_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
_SHA256_BODY = re.compile(rb"\A([0-9a-fA-F]{64})(?:[ \t]+[^\r\n<>]*)?[ \t\r\n]*\Z")
_FILE_NAME = re.compile(r"^[A-Za-z0-9._+-]+$")


class ArchiveTampered(GogateError):
    """The bytes are not the official archive: size, SHA-256 or BLAKE3 differ from the trusted value."""

    exit_code = ExitCode.GATE_FAILED

    def __init__(
        self, message: str, *, differences: Iterable[str] = (), remediation: str | None = None
    ) -> None:
        super().__init__(
            f"SECURITY ERROR: {message}",
            remediation=remediation
            or "do not use this archive; download it again from the official source "
            "and find out what served these bytes",
        )
        self.differences = tuple(differences)
        """What differed, one item per comparison (e.g. ``sha256``, ``size``)."""


# ------------------------------------------------------------------------------------------ index


@dataclass(frozen=True, slots=True)
class IndexFile:
    """One file of a release, as the download index lists it."""

    filename: str
    os: str
    arch: str
    version: str
    sha256: str | None
    """64 lowercase hex digits; None where the index publishes no SHA-256 (very old releases)."""
    size: int
    kind: str


@dataclass(frozen=True, slots=True)
class Release:
    version: str
    stable: bool
    files: tuple[IndexFile, ...]


@dataclass(frozen=True, slots=True)
class DownloadIndex:
    """The parsed index and the URL it came from (credentials redacted)."""

    url: str
    releases: tuple[Release, ...]

    def files(self) -> Iterator[IndexFile]:
        for release in self.releases:
            yield from release.files


def index_url(base: str = DEFAULT_DL_BASE) -> str:
    """``<base>/?mode=json&include=all``."""
    return base.rstrip("/") + "/?mode=json&include=all"


def file_url(base: str, filename: str) -> str:
    """``<base>/<filename>`` (``go.dev/dl`` redirects it to ``dl.google.com``)."""
    return f"{base.rstrip('/')}/{urllib.parse.quote(filename)}"


def _bad_index(url: str, problem: str, data: bytes | None = None) -> InfrastructureError:
    start = ""
    if data is not None:
        text = redact(data[:80].decode("utf-8", "replace")).replace("\n", "\\n")
        start = f"; it starts with {text!r}"
    return InfrastructureError(
        f"Go download index {redact(url)}: not a download index ({problem}){start}",
        remediation="check the download base URL points at go.dev/dl or a mirror of it (not a login or "
        "error page)",
    )


def _field(obj: dict[str, object], name: str, kind: type, where: str, url: str) -> object:
    value = obj.get(name)
    # bool is an int in Python: never accept one for the other.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _bad_index(url, f"{where}: field {name!r} must be a {kind.__name__}, got {value!r}"[:300])
    return value


def _parse_file(raw: object, where: str, url: str) -> IndexFile:
    if not isinstance(raw, dict):
        raise _bad_index(url, f"{where} is not an object")
    strings = {
        name: str(_field(raw, name, str, where, url)) for name in ("filename", "os", "arch", "version")
    }
    sha256 = str(_field(raw, "sha256", str, where, url))
    size = _field(raw, "size", int, where, url)
    kind = str(_field(raw, "kind", str, where, url))
    assert isinstance(size, int)
    if sha256 and not _SHA256_HEX.match(sha256):
        raise _bad_index(url, f"{where}: sha256 {sha256[:80]!r} is not 64 lowercase hex digits")
    if size < 0:
        raise _bad_index(url, f"{where}: negative size {size}")
    if not kind:
        raise _bad_index(url, f"{where}: empty kind")
    if not _FILE_NAME.match(strings["filename"]):
        raise _bad_index(url, f"{where}: invalid file name {strings['filename'][:80]!r}")
    return IndexFile(sha256=sha256 or None, size=size, kind=kind, **strings)


def parse_index(data: bytes, url: str = "<index>") -> DownloadIndex:
    """Parse and validate a download index body; InfrastructureError naming ``url`` when it is not one."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, ValueError) as error:
        raise _bad_index(url, f"invalid JSON: {error}", data) from error
    if not isinstance(document, list):
        raise _bad_index(url, "the top level is not a JSON array", data)
    releases: list[Release] = []
    for position, raw in enumerate(document):
        where = f"release #{position}"
        if not isinstance(raw, dict):
            raise _bad_index(url, f"{where} is not an object")
        version = str(_field(raw, "version", str, where, url))
        stable = bool(_field(raw, "stable", bool, where, url))
        files_raw = _field(raw, "files", list, where, url)
        assert isinstance(files_raw, list)
        where = f"release {version[:40]!r}"
        files = tuple(_parse_file(item, f"{where} file #{i}", url) for i, item in enumerate(files_raw))
        releases.append(Release(version=version, stable=stable, files=files))
    if not releases:
        raise _bad_index(url, "no releases", data)
    return DownloadIndex(url=redact(url), releases=tuple(releases))


def fetch_index(base: str = DEFAULT_DL_BASE, *, policy: HttpPolicy | None = None) -> DownloadIndex:
    """GET and validate ``<base>/?mode=json&include=all`` (at most 64 MiB)."""
    url = index_url(base)
    body = http_get(
        url,
        lambda response, shown: read_body(response, shown, limit=_INDEX_LIMIT),
        policy=policy,
        what="Go download index",
        headers={"Accept": "application/json"},
    )
    return parse_index(body, url)


def dl_arch(goos: str, goarch: str) -> str:
    """The architecture as the index spells it: linux/arm is ``armv6l`` (GOARM=6 builds)."""
    return "armv6l" if goarch == "arm" and goos == "linux" else goarch


def _go_version(version: str) -> str:
    return version if version.startswith("go") else "go" + version


ARCHIVE_NAME = re.compile(
    r"^(?P<version>go[^/]+?)\.(?P<goos>[a-z0-9]+)-(?P<arch>[a-z0-9]+)\.(?P<ext>tar\.gz|zip)$"
)
"""A binary release archive name: ``go1.22.5.linux-amd64.tar.gz`` (``arch`` as the index spells it)."""


def platform_of_archive(name: str) -> tuple[str, str] | None:
    """(GOOS, GOARCH) an archive name is for, undoing the index's ``armv6l``; None if not one."""
    match = ARCHIVE_NAME.match(name)
    if match is None:
        return None
    goos, arch = match["goos"], match["arch"]
    return goos, "arm" if goos == "linux" and arch == "armv6l" else arch


def archive_file_name(version: str, goos: str, goarch: str) -> str:
    """``go1.22.5.linux-amd64.tar.gz``; ``.zip`` for windows; ``armv6l`` for linux/arm."""
    extension = "zip" if goos == "windows" else "tar.gz"
    return f"{_go_version(version)}.{goos}-{dl_arch(goos, goarch)}.{extension}"


def find_archive(index: DownloadIndex, version: str, goos: str, goarch: str) -> IndexFile | None:
    """The binary archive of ``version`` for ``goos/goarch`` in the index, or None when it lists none."""
    go_version = _go_version(version)
    wanted = archive_file_name(go_version, goos, goarch)
    arch = dl_arch(goos, goarch)
    for release in index.releases:
        if release.version != go_version:
            continue
        for file in release.files:
            if (
                file.kind == "archive"
                and file.filename == wanted
                and file.os == goos
                and file.arch == arch
                and file.version == go_version
            ):
                return file
    return None


def parse_sha256_body(body: bytes, url: str = "<sha256>") -> str:
    """The lowercase hex digest of a ``.sha256`` file: exactly 64 hex digits, optionally a file name after."""
    match = _SHA256_BODY.match(body)
    if match is None:
        start = redact(body[:60].decode("utf-8", "replace")).replace("\n", "\\n")
        raise InfrastructureError(
            f"{redact(url)}: not a SHA-256 file (expected 64 hex digits, got {len(body)} bytes "
            f"starting {start!r})",
            remediation="go.dev answers .sha256 URLs with an HTML page: use the download index instead",
        )
    return match.group(1).decode("ascii").lower()


def fetch_sha256_file(url: str, *, policy: HttpPolicy | None = None) -> str:
    """GET a ``.sha256`` file and return its digest; anything but 64 hex digits is InfrastructureError."""
    body = http_get(
        url,
        lambda response, shown: read_body(response, shown, limit=_SHA256_LIMIT),
        policy=policy,
        what="SHA-256 file",
    )
    return parse_sha256_body(body, url)


# --------------------------------------------------------------------------------------- download


@dataclass(frozen=True, slots=True)
class DownloadResult:
    path: Path
    digests: FileDigests


def _target_name(url: str) -> str:
    name = urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1])
    if not _FILE_NAME.match(name) or name in (".", ".."):
        raise InfrastructureError(f"{redact(url)}: cannot name a file after this URL")
    return name


def download_archive(
    url: str,
    dest_dir: str | Path,
    *,
    expected_size: int,
    expected_sha256: str,
    file_name: str | None = None,
    max_size: int = MAX_ARCHIVE_SIZE,
    policy: HttpPolicy | None = None,
) -> DownloadResult:
    """Download ``url`` into ``dest_dir/<file_name or URL's last segment>`` and return its digests.

    One pass: each chunk goes to the temporary file, SHA-256 and BLAKE3. The file is renamed into
    place only if it is complete (Content-Length), ``expected_size`` bytes long and its SHA-256 is
    ``expected_sha256``; otherwise the temporary file is removed. Network faults, HTTP errors, a
    truncated body, redirects to hosts ``policy`` does not allow and bodies over ``max_size``:
    InfrastructureError. A complete body of another size or SHA-256: :class:`ArchiveTampered`.
    """
    expected_sha256 = expected_sha256.lower()
    if not _SHA256_HEX.match(expected_sha256):
        raise ValueError(f"expected_sha256 must be 64 hex digits, not {expected_sha256!r}")
    if expected_size < 0:
        raise ValueError(f"expected_size must not be negative: {expected_size}")
    directory = Path(dest_dir)
    name = file_name if file_name is not None else _target_name(url)
    if not _FILE_NAME.match(name):
        raise ValueError(f"invalid file name {name!r}")
    destination = directory / name

    def consume(response: httpx.Response, shown: str) -> FileDigests:
        encoding = response.headers.get("content-encoding", "identity").lower()
        if encoding != "identity":
            raise InfrastructureError(f"GET {shown}: the server applied Content-Encoding {encoding!r}")
        declared = response.headers.get("content-length")
        if declared is not None and declared.isdigit():
            if int(declared) > max_size:
                raise InfrastructureError(
                    f"GET {shown}: Content-Length {declared} is over the limit of {max_size} bytes"
                )
            if int(declared) != expected_size:
                raise ArchiveTampered(
                    f"GET {shown}: the server announces {declared} bytes, the official archive has "
                    f"{expected_size}",
                    differences=["size"],
                )
        return _stream_to_file(
            response, shown, directory, destination, max_size, expected_size, expected_sha256
        )

    digests = http_get(
        url, consume, policy=policy, what="archive download", headers={"Accept-Encoding": "identity"}
    )
    return DownloadResult(path=destination, digests=digests)


def _stream_to_file(
    response: httpx.Response,
    shown: str,
    directory: Path,
    destination: Path,
    max_size: int,
    expected_size: int,
    expected_sha256: str,
) -> FileDigests:
    try:
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{destination.name}.", suffix=".part", dir=directory
        )
    except OSError as error:
        raise InfrastructureError(
            f"cannot create a file in {directory}: {error.strerror or error}"
        ) from error
    try:
        sha = hashlib.sha256()
        b3 = _blake3_hasher(expected_size)
        size = 0
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in response.iter_raw(CHUNK_SIZE):
                size += len(chunk)
                if size > max_size:
                    raise InfrastructureError(
                        f"GET {shown}: response larger than the limit of {max_size} bytes"
                    )
                if size > expected_size:
                    raise ArchiveTampered(
                        f"GET {shown}: received more than the {expected_size} bytes of the official archive",
                        differences=["size"],
                    )
                handle.write(chunk)
                sha.update(chunk)
                b3.update(chunk)
            check_complete(response, size, shown)
            handle.flush()
            os.fsync(handle.fileno())
        digest = sha.hexdigest()
        differences = []
        if size != expected_size:
            differences.append(f"size: expected {expected_size}, received {size}")
        if digest != expected_sha256:
            differences.append(f"sha256: expected {expected_sha256}, received {digest}")
        if differences:
            raise ArchiveTampered(
                f"GET {shown}: the download is not the official archive ({'; '.join(differences)})",
                differences=[item.split(":", 1)[0] for item in differences],
            )
        os.replace(temporary, destination)
        return FileDigests(size=size, sha256=digest, blake3=b3.hexdigest())
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise InfrastructureError(f"cannot write {destination}: {error.strerror or error}") from error
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
