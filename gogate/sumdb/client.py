"""A verifying client for the Go checksum database (``GOSUMDB``), as cmd/go uses it.

``lookup(path, version)`` fetches ``<base>/lookup/<path>@<version>``, then, before returning a single
go.sum line:

1. checks the signed tree note with the database's Ed25519 verifier key;
2. checks the signed tree is consistent with the tree head this client saw last (kept in
   ``<cache_dir>/<name>/latest``): a larger tree must contain the old one, a smaller one must be contained
   in it, one of equal size must be identical. Anything else is proof that the database forked its log:
   a :class:`~gogate.sumdb.errors.SumdbSecurityError`;
3. checks the record is in the signed tree, reading hashes through tiles (``<base>/tile/8/...``) that are
   authenticated against the signed root hash (authenticated tiles are cached under the same directory).

Network faults, HTTP errors and bodies that are not what the protocol says raise
:class:`gogate.errors.InfrastructureError` naming the URL (credentials redacted); anything that parses but
does not verify raises :class:`~gogate.sumdb.errors.SumdbSecurityError`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gogate.cachedir import tag_cache_dir
from gogate.errors import ConfigError, InfrastructureError
from gogate.redact import redact
from gogate.sumdb import note as _note
from gogate.sumdb import tlog
from gogate.sumdb.errors import (
    SumdbDisabledError,
    SumdbNotFoundError,
    SumdbSecurityError,
    SumdbUnknownVersionError,
)

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_GOSUMDB",
    "GOSUMDB_OFF_WARNING",
    "KNOWN_GOSUMDB",
    "SUM_GOLANG_ORG_KEY",
    "LookupResult",
    "SumdbClient",
    "SumdbConfig",
    "escape_module_path",
    "escape_version",
    "parse_gosumdb",
    "require_gosumdb",
]

SUM_GOLANG_ORG_KEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
KNOWN_GOSUMDB = {"sum.golang.org": SUM_GOLANG_ORG_KEY}
DEFAULT_GOSUMDB = "sum.golang.org"
GOSUMDB_OFF_WARNING = (
    "GOSUMDB=off: the Go checksum database is disabled, so no module download is checked against it; "
    "a tampered or substituted module would go unnoticed"
)

_LOOKUP_LIMIT = 1 << 20
_TILE_HEIGHT = 8
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


# ------------------------------------------------------------------------------------------- GOSUMDB


@dataclass(frozen=True)
class SumdbConfig:
    """A parsed ``GOSUMDB``: database name, verifier key, and the base URL to read it from."""

    name: str
    key: str
    url: str
    explicit_url: bool
    """True when GOSUMDB named the URL; otherwise ``https://<name>`` (cmd/go may then go via GOPROXY)."""

    @property
    def verifier(self) -> _note.Verifier:
        return _note.Verifier.parse(self.key)


def _check_db_name(name: str) -> None:
    parsed = urllib.parse.urlsplit("https://" + name)
    host, _, path = name.partition("/")
    path = "/" + path if path else ""
    segments = path.split("/")[1:]
    if (
        name.endswith("/")
        or not host
        or parsed.netloc != host
        or parsed.path != path
        or parsed.query
        or parsed.fragment
        or any(ch in name for ch in "@?#%\\")
        or any(segment in ("", ".", "..") for segment in segments)
    ):
        raise ConfigError(f"invalid sumdb name (must be host[/path]): {name}")


def parse_gosumdb(value: str | None) -> SumdbConfig | None:
    """Parse ``GOSUMDB`` as cmd/go does; ``None`` for ``off``; raises :class:`ConfigError` when invalid.

    Accepted: unset or empty (``sum.golang.org``), a known name (``sum.golang.org``), the alias
    ``sum.golang.google.cn``, a verifier key ``name+hash+key``, and any of those followed by a URL.
    """
    if value is None or value == "":
        value = DEFAULT_GOSUMDB
    if value == "off":
        return None
    if value == "sum.golang.google.cn":
        value = "sum.golang.org https://sum.golang.google.cn"
    fields = value.split()
    if not fields:
        raise ConfigError("missing GOSUMDB", remediation="unset GOSUMDB to use sum.golang.org")
    if len(fields) > 2:
        raise ConfigError(
            f"invalid GOSUMDB: too many fields: {redact(value)!r}",
            remediation='write GOSUMDB as "<name>", "<name>+<hash>+<key>" or "<key> <url>"',
        )
    key = KNOWN_GOSUMDB.get(fields[0], fields[0])
    try:
        verifier = _note.Verifier.parse(key)
    except _note.NoteError as error:
        raise ConfigError(
            f"invalid GOSUMDB: {error}: {redact(fields[0])!r}",
            remediation="a checksum database other than sum.golang.org needs its full verifier key "
            "(name+hash+base64 key)",
        ) from error
    _check_db_name(verifier.name)
    if len(fields) == 2:
        url = fields[1]
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError(f"invalid GOSUMDB URL: {redact(url)!r} (need an http or https URL)")
        return SumdbConfig(verifier.name, key, url.rstrip("/"), explicit_url=True)
    return SumdbConfig(verifier.name, key, f"https://{verifier.name}", explicit_url=False)


def require_gosumdb(value: str | None) -> SumdbConfig:
    """Like :func:`parse_gosumdb`, but ``GOSUMDB=off`` raises :class:`SumdbDisabledError`."""
    config = parse_gosumdb(value)
    if config is None:
        raise SumdbDisabledError(
            GOSUMDB_OFF_WARNING, remediation="unset GOSUMDB (or set it to sum.golang.org)"
        )
    return config


# ----------------------------------------------------------------------------------- path escaping

_BAD_WINDOWS_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{i}" for i in range(1, 10)] + [f"LPT{i}" for i in range(1, 10)]
)
_MODULE_PATH_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
_FIRST_ELEMENT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-.")
_FILE_NAME_PUNCT = frozenset("!#$%&()+,-.=@[]^_{}~ ")


def _check_element(element: str, *, file_name: bool) -> str | None:
    if not element:
        return "empty path element"
    if element.strip(".") == "":
        return f"invalid path element {element!r}"
    if element.startswith(".") and not file_name:
        return "leading dot in path element"
    if element.endswith("."):
        return "trailing dot in path element"
    for ch in element:
        ok = (
            (ch.isascii() and (ch.isalnum() or ch in _FILE_NAME_PUNCT)) or (not ch.isascii() and ch.isalpha())
            if file_name
            else ch in _MODULE_PATH_CHARS
        )
        if not ok:
            return f"invalid char {ch!r}"
    short = element.split(".", 1)[0]
    if short.upper() in _BAD_WINDOWS_NAMES:
        return f"{short!r} disallowed as path element component on Windows"
    if not file_name:
        tilde = short.rfind("~")
        if 0 <= tilde < len(short) - 1 and short[tilde + 1 :].isdigit() and short[tilde + 1 :].isascii():
            return "trailing tilde and digits in path element"
    return None


def _escape(text: str) -> str:
    return "".join(f"!{ch.lower()}" if "A" <= ch <= "Z" else ch for ch in text)


def escape_module_path(path: str) -> str:
    """Go's ``module.EscapePath``: check the path, then write each uppercase letter as ``!`` + lowercase."""
    problem: str | None = None
    if not path:
        problem = "empty string"
    elif path.startswith("-"):
        problem = "leading dash"
    elif "//" in path:
        problem = "double slash"
    elif path.endswith("/"):
        problem = "trailing slash"
    elif path.startswith("/"):
        problem = "leading slash"
    else:
        for element in path.split("/"):
            problem = _check_element(element, file_name=False)
            if problem:
                break
        else:
            first = path.split("/", 1)[0]
            if "." not in first:
                problem = "missing dot in first path element"
            elif any(ch not in _FIRST_ELEMENT_CHARS for ch in first):
                problem = "invalid char in first path element"
    if problem:
        raise ConfigError(f"malformed module path {path!r}: {problem}")
    return _escape(path)


def escape_version(version: str) -> str:
    """Go's ``module.EscapeVersion``."""
    problem = _check_element(version, file_name=True)
    if problem or "!" in version:
        raise ConfigError(f"{version!r}: disallowed version string")
    return _escape(version)


# ----------------------------------------------------------------------------------------- HTTP


class _Remote:
    """GET with timeouts, bounded retries with exponential backoff, size limits and no redirects."""

    def __init__(
        self, base_url: str, *, timeout: float, retries: int, backoff: float, trust_env: bool
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.trust_env = trust_env
        self._client: httpx.Client | None = None
        self._client_lock = threading.Lock()  # one shared httpx.Client (thread-safe) for every thread

    def url(self, path: str) -> str:
        return self.base_url + path

    def _http(self) -> httpx.Client:
        with self._client_lock:
            if self._client is None:
                import httpx

                self._client = httpx.Client(
                    timeout=httpx.Timeout(self.timeout),
                    follow_redirects=False,
                    trust_env=self.trust_env,
                    headers={"User-Agent": "gogate-sumdb"},
                )
            return self._client

    def close(self) -> None:
        with self._client_lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def get(self, path: str, *, limit: int) -> bytes:
        """The body of ``GET <base><path>``; raises InfrastructureError (SumdbNotFoundError on 404/410)."""
        import httpx

        url = self.url(path)
        shown = redact(url)
        last = "no attempt made"
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * (2 ** (attempt - 1)))
            try:
                with self._http().stream("GET", url) as response:
                    status = response.status_code
                    if status in (404, 410):
                        raise SumdbNotFoundError(
                            f"checksum database: GET {shown}: {status} {response.reason_phrase}"
                        )
                    if status in _RETRY_STATUSES:
                        last = f"{status} {response.reason_phrase}"
                        continue
                    if status != 200:
                        raise InfrastructureError(
                            f"checksum database: GET {shown}: unexpected HTTP status "
                            f"{status} {response.reason_phrase}",
                            remediation="check the GOSUMDB URL (redirects are not followed)",
                        )
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > limit:
                            raise InfrastructureError(
                                f"checksum database: GET {shown}: response larger than {limit} bytes"
                            )
                        chunks.append(chunk)
                    return b"".join(chunks)
            except httpx.TimeoutException as error:
                last = f"timed out after {self.timeout:g}s ({type(error).__name__})"
            except httpx.HTTPError as error:
                last = f"{type(error).__name__}: {redact(str(error)) or 'connection failed'}"
        raise InfrastructureError(
            f"checksum database: GET {shown}: {last} (tried {self.retries + 1} time(s))",
            remediation="check network access to the checksum database (GOSUMDB), or retry later",
        )


# ------------------------------------------------------------------------------------------- client


@dataclass(frozen=True)
class LookupResult:
    """A verified lookup: the go.sum lines for the asked version, and where they were proven."""

    lines: tuple[str, ...]
    record_id: int
    record_text: str
    tree: tlog.Tree
    url: str


class SumdbClient:
    """Verifying client of one checksum database. Use as a context manager (closes the HTTP client).

    ``cache_dir`` keeps ``<name>/latest`` (the newest signed tree head seen: the anchor of the fork
    check) and authenticated tiles under ``<name>/tile/``. Use one directory per trust domain, kept
    between runs (a CI cache), or the fork check only spans one run. The first write gives
    ``cache_dir`` a ``CACHEDIR.TAG`` (:mod:`gogate.cachedir`): CI keeps it inside the checkout, and the
    repository walks must not take it for part of the project.

    Safe to share between threads: one ``httpx.Client`` (itself thread-safe) is created under a lock;
    reading, checking and replacing ``latest`` happens under a thread lock plus an ``flock`` (other
    processes); cache files are written to a temporary name and renamed, so a reader never sees half a
    tile or half a tree head, and two threads saving the same authenticated tile write the same bytes.
    """

    def __init__(
        self,
        config: SumdbConfig,
        cache_dir: Path,
        *,
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 0.5,
        tile_height: int = _TILE_HEIGHT,
        trust_env: bool = True,
    ) -> None:
        self.config = config
        self.verifier = config.verifier
        self.cache_dir = Path(cache_dir)
        self.tile_height = tile_height
        self._remote = _Remote(
            config.url, timeout=timeout, retries=retries, backoff=backoff, trust_env=trust_env
        )
        self._latest_lock = threading.Lock()
        self._tagged = False

    def __enter__(self) -> SumdbClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._remote.close()

    # ---------------------------------------------------------------------------------- public API

    def lookup_url(self, path: str, version: str) -> str:
        """The (redacted) URL :meth:`lookup` reads; raises ConfigError for a malformed path or version."""
        return redact(self._remote.url(self._lookup_path(path, version)))

    @staticmethod
    def _lookup_path(path: str, version: str) -> str:
        return f"/lookup/{escape_module_path(path)}@{escape_version(version.removesuffix('/go.mod'))}"

    def lookup(self, path: str, version: str) -> LookupResult:
        """Verified go.sum lines for ``path version`` (``version`` may end in ``/go.mod``).

        A 404/410 answer to the lookup itself raises :class:`SumdbUnknownVersionError` (the database
        does not know this module version); one for a tile stays a plain :class:`SumdbNotFoundError`.
        """
        remote_path = self._lookup_path(path, version)
        url = redact(self._remote.url(remote_path))
        try:
            body = self._remote.get(remote_path, limit=_LOOKUP_LIMIT)
        except SumdbNotFoundError as error:
            raise SumdbUnknownVersionError(error.message, url=url, remediation=error.remediation) from error
        try:
            record_id, text, signed = tlog.parse_record(body)
        except tlog.MalformedRecordError as error:
            raise self._wrong_content(url, str(error), body) from error
        tree = self._open_tree(signed, url)
        with self._locked():
            self._merge_latest(tree, signed, url)
        self._check_record(tree, record_id, text, url)
        prefix = f"{path} {version} "
        lines = tuple(line for line in text.decode("utf-8").split("\n") if line.startswith(prefix))
        return LookupResult(lines, record_id, text.decode("utf-8"), tree, url)

    def verify_sum(self, path: str, version: str, h1: str) -> LookupResult:
        """Check ``h1`` against the database; SumdbSecurityError when it differs or the database has none."""
        result = self.lookup(path, version)
        found = [line.split(" ", 2)[2] for line in result.lines]
        if not found:
            raise SumdbSecurityError(
                f"the checksum database record {result.record_id} has no line for {path} {version} "
                f"({result.url})",
                kind="no-record",
            )
        if h1 not in found:
            raise SumdbSecurityError(
                f"checksum mismatch for {path} {version}: have {h1}, {self.config.name} says "
                f"{', '.join(found)}",
                kind="checksum-mismatch",
                remediation="do not use this module version until the difference is explained",
            )
        return result

    def latest(self) -> tlog.Tree:
        """Fetch ``<base>/latest``, verify it and merge it into the cached tree head (fork check)."""
        url = redact(self._remote.url("/latest"))
        signed = self._remote.get("/latest", limit=_LOOKUP_LIMIT)
        tree = self._open_tree(signed, url)
        with self._locked():
            self._merge_latest(tree, signed, url)
        return tree

    # ------------------------------------------------------------------------------------- helpers

    def _wrong_content(self, url: str, problem: str, body: bytes) -> InfrastructureError:
        start = redact(body[:80].decode("utf-8", "replace")).replace("\n", "\\n")
        return InfrastructureError(
            f"checksum database: GET {url}: the response is not a checksum database answer "
            f"({problem}); it starts with {start!r}",
            remediation="check the GOSUMDB URL points at a checksum database (not a proxy or login page)",
        )

    def _open_tree(self, signed: bytes, url: str) -> tlog.Tree:
        try:
            opened = _note.open_note(signed, [self.verifier])
        except _note.InvalidSignatureError as error:
            raise SumdbSecurityError(
                f"{url}: the signed tree head has an {error} (the note was altered or forged)",
                kind="bad-signature",
            ) from error
        except _note.UnverifiedNoteError as error:
            names = ", ".join(f"{s.name}+{s.key_hash:08x}" for s in error.note.unverified) or "none"
            raise SumdbSecurityError(
                f"{url}: the tree head is not signed by {self.verifier.name}+{self.verifier.key_hash:08x} "
                f"(signed by: {names})",
                kind="unverified-note",
                remediation="check the key in GOSUMDB",
            ) from error
        except _note.NoteError as error:
            raise self._wrong_content(url, str(error), signed) from error
        try:
            return tlog.parse_tree(opened.text)
        except tlog.MalformedTreeError as error:
            raise self._wrong_content(url, str(error), signed) from error

    # ----------------------------------------------------------------------------------- cache files

    def _db_dir(self) -> Path:
        return self.cache_dir.joinpath(*self.config.name.split("/"))

    def _latest_file(self) -> Path:
        return self._db_dir() / "latest"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        directory = self._db_dir()
        directory.mkdir(parents=True, exist_ok=True)
        self._tag_cache()
        with self._latest_lock:  # threads of this process; the flock below serializes processes
            try:
                import fcntl
            except ImportError:  # pragma: no cover - not POSIX: no cross-process lock
                yield
                return
            with open(directory / ".lock", "a+b") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _read_latest(self) -> tuple[tlog.Tree, bytes]:
        file = self._latest_file()
        try:
            data = file.read_bytes()
        except FileNotFoundError:
            return tlog.Tree(0, tlog.EMPTY_HASH), b""
        except OSError as error:
            raise InfrastructureError(f"cannot read {file}: {error.strerror or error}") from error
        if not data:
            return tlog.Tree(0, tlog.EMPTY_HASH), b""
        try:
            opened = _note.open_note(data, [self.verifier])
            return tlog.parse_tree(opened.text), data
        except (_note.NoteError, tlog.TlogError) as error:
            raise SumdbSecurityError(
                f"the cached tree head {file} does not verify with {self.config.name}'s key: {error}",
                kind="bad-cache",
                remediation=f"inspect {file}; delete it only if you know why it is wrong",
            ) from error

    def _tag_cache(self) -> None:
        """Tag ``cache_dir`` once per client (idempotent and never an error, so threads may race)."""
        if not self._tagged:
            tag_cache_dir(self.cache_dir)
            self._tagged = True

    def _write_atomic(self, file: Path, data: bytes) -> None:
        file.parent.mkdir(parents=True, exist_ok=True)
        self._tag_cache()
        fd, temporary = tempfile.mkstemp(prefix=".tmp-", dir=file.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, file)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def _tile_file(self, tile: tlog.Tile) -> Path:
        return self._db_dir().joinpath(*tile.path().split("/"))

    # ----------------------------------------------------------------------------------- tree checks

    def _fork(
        self, older: tlog.Tree, older_note: bytes, newer: tlog.Tree, newer_note: bytes, detail: str
    ) -> None:
        def indent(note_bytes: bytes) -> str:
            return note_bytes.decode("utf-8", "replace").rstrip("\n").replace("\n", "\n\t")

        raise SumdbSecurityError(
            f"{self.config.name} misbehaved: its log forked ({detail}).\n"
            f"old tree head:\n\t{indent(older_note)}\nnew tree head:\n\t{indent(newer_note)}",
            kind="fork",
            remediation="stop: keep both tree heads as evidence and report them to the database operator",
        )

    def _through_tiles(
        self, tree: tlog.Tree, action: str, url: str, compute: Callable[[tlog.HashReader], bytes]
    ) -> bytes:
        """``compute`` with a hash reader over ``tree``'s tiles; tiles that do not authenticate: bad-tile."""
        used_cache: list[bool] = []

        def cached_first(tiles: Sequence[tlog.Tile]) -> list[bytes]:
            return [self._fetch_tile(tile, use_cache=True, used_cache=used_cache) for tile in tiles]

        def remote_only(tiles: Sequence[tlog.Tile]) -> list[bytes]:
            return [self._fetch_tile(tile, use_cache=False, used_cache=used_cache) for tile in tiles]

        try:
            return compute(tlog.TileHashReader(tree, self.tile_height, cached_first, self._save_tiles))
        except tlog.InconsistentTileError as error:
            if not used_cache:
                raise self._bad_tile(action, url, error) from error
        # Cached tiles were authenticated against an earlier signed head; if they do not fit this head, read
        # the server's own tiles (without caching them) so that a fork is reported as a fork.
        try:
            return compute(tlog.TileHashReader(tree, self.tile_height, remote_only))
        except tlog.InconsistentTileError as error:
            raise self._bad_tile(action, url, error) from error

    def _bad_tile(self, action: str, url: str, error: Exception) -> SumdbSecurityError:
        return SumdbSecurityError(
            f"{action}: {error} ({url}); the database served tiles that are not its signed tree",
            kind="bad-tile",
        )

    def _merge_latest(self, tree: tlog.Tree, signed: bytes, url: str) -> None:
        latest, latest_note = self._read_latest()
        if tree.n == latest.n:
            if tree.hash != latest.hash:
                self._fork(latest, latest_note, tree, signed, f"two signed trees of size {tree.n} differ")
            return
        if tree.n < latest.n:
            seen = self._through_tiles(
                latest,
                f"checking tree #{tree.n} against the cached tree #{latest.n}",
                url,
                lambda reader: tlog.tree_hash(tree.n, reader),
            )
            if seen != tree.hash:
                self._fork(
                    tree, signed, latest, latest_note, f"tree #{tree.n} is not a prefix of tree #{latest.n}"
                )
            return
        seen = self._through_tiles(
            tree,
            f"checking the cached tree #{latest.n} against tree #{tree.n}",
            url,
            lambda reader: tlog.tree_hash(latest.n, reader),
        )
        if seen != latest.hash:
            self._fork(
                latest, latest_note, tree, signed, f"tree #{latest.n} is not a prefix of tree #{tree.n}"
            )
        try:
            self._write_atomic(self._latest_file(), signed)
        except OSError as error:
            raise InfrastructureError(f"cannot write {self._latest_file()}: {error}") from error

    def _check_record(self, tree: tlog.Tree, record_id: int, text: bytes, url: str) -> None:
        if not 0 <= record_id < tree.n:
            raise SumdbSecurityError(
                f"{url}: record {record_id} is not in the signed tree of size {tree.n}", kind="bad-record"
            )
        stored = self._through_tiles(
            tree,
            f"proving record {record_id} in tree #{tree.n}",
            url,
            lambda reader: reader([tlog.stored_hash_index(0, record_id)])[0],
        )
        if stored != tlog.record_hash(text):
            raise SumdbSecurityError(
                f"{url}: the record data in the response is not record {record_id} of the signed tree "
                f"#{tree.n} (cannot authenticate record data)",
                kind="bad-record",
            )

    # ------------------------------------------------------------------------------------------ tiles

    def _read_cached_tile(self, tile: tlog.Tile) -> bytes | None:
        for candidate in (tile, tile.as_full()):
            try:
                data = self._tile_file(candidate).read_bytes()
            except OSError:
                continue
            if len(data) == candidate.w * tlog.HASH_SIZE:
                return data[: tile.w * tlog.HASH_SIZE]
        return None

    def _fetch_tile(self, tile: tlog.Tile, *, use_cache: bool, used_cache: list[bool]) -> bytes:
        cached = self._read_cached_tile(tile) if use_cache else None
        if cached is not None:
            used_cache.append(True)
            return cached
        limit = (1 << tile.h) * tlog.HASH_SIZE
        wanted = tile.w * tlog.HASH_SIZE
        path = "/" + tile.path()
        try:
            data = self._remote.get(path, limit=limit)
        except SumdbNotFoundError:
            if tile.full:
                raise
            path = "/" + tile.as_full().path()  # the partial tile may have been completed since
            data = self._remote.get(path, limit=limit)
            if len(data) == limit:
                data = data[:wanted]
        if len(data) != wanted:
            raise InfrastructureError(
                f"checksum database: GET {redact(self._remote.url(path))}: tile has {len(data)} bytes, "
                f"expected {wanted}"
            )
        return data

    def _save_tiles(self, tiles: Sequence[tlog.Tile], data: Sequence[bytes]) -> None:
        for tile, blob in zip(tiles, data, strict=True):
            file = self._tile_file(tile)
            if file.exists():
                continue
            with contextlib.suppress(OSError):  # a cache that cannot be written only costs a refetch
                self._write_atomic(file, blob)
