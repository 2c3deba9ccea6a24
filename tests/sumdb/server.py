"""A real checksum database for the tests: an in-memory log, its own Ed25519 key, served on 127.0.0.1.

:class:`Log` builds the tree exactly as a checksum database does (records appended, stored hashes kept,
tiles cut from them); :class:`SumdbServer` serves ``/lookup/M@V``, ``/latest`` and ``/tile/...`` over a
real ``http.server`` in a thread on an ephemeral loopback port. Hooks let a test tamper with what is
served (record text, tree note, tile bytes) or make it fail (status, delay, dropped connections).
It counts requests in flight (``max_in_flight``), can hold lookups at a gate until a number of them
are waiting at once (``lookup_gate``), and can serve the database under a GOPROXY-style mount
(``mount="/sumdb/<name>"``, with ``<mount>/supported``), as a module proxy that proxies it does.
:meth:`Log.add_modules` publishes many module records at once (``make_modules`` builds them).

:func:`write_module_proxy` writes a module into a ``file://`` GOPROXY so the real ``go`` command can be
pointed at both.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import io
import json
import threading
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gogate.sumdb import note, tlog

__all__ = [
    "Log",
    "LookupGate",
    "Module",
    "SumdbServer",
    "hash1",
    "make_module",
    "make_modules",
    "write_module_proxy",
]

DB_NAME = "sum.gogate.test"


def hash1(files: dict[str, bytes]) -> str:
    """dirhash ``h1:`` (notes §1): SHA-256 over "<sha256 hex>  <name>\\n" lines in sorted name order."""
    summary = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items()))
    return "h1:" + base64.b64encode(hashlib.sha256(summary.encode()).digest()).decode()


@dataclass
class Module:
    path: str
    version: str
    files: dict[str, bytes]  # relative to the module root

    @property
    def go_mod(self) -> bytes:
        return self.files["go.mod"]

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in sorted(self.files.items()):
                archive.writestr(f"{self.path}@{self.version}/{name}", data)
        return buffer.getvalue()

    @property
    def h1(self) -> str:
        return hash1({f"{self.path}@{self.version}/{name}": data for name, data in self.files.items()})

    @property
    def go_mod_h1(self) -> str:
        return hash1({"go.mod": self.go_mod})

    def record(self, *, h1: str | None = None) -> bytes:
        lines = [
            f"{self.path} {self.version} {h1 or self.h1}",
            f"{self.path} {self.version}/go.mod {self.go_mod_h1}",
        ]
        return "".join(line + "\n" for line in lines).encode()


def make_module(path: str = "example.com/m", version: str = "v1.0.0", body: str = "package m\n") -> Module:
    return Module(path, version, {"go.mod": f"module {path}\n\ngo 1.21\n".encode(), "m.go": body.encode()})


def make_modules(count: int, prefix: str = "example.com/many") -> list[Module]:
    """``count`` distinct small modules ``<prefix>/mNNN v1.0.<i>``, cheap to build in bulk."""
    return [make_module(f"{prefix}/m{i:04d}", f"v1.0.{i}", f"package m{i}\n") for i in range(count)]


def _escape(path: str) -> str:
    return "".join(f"!{ch.lower()}" if "A" <= ch <= "Z" else ch for ch in path)


def _unescape(text: str) -> str | None:
    out, bang = [], False
    for ch in text:
        if bang:
            if not "a" <= ch <= "z":
                return None
            out.append(ch.upper())
            bang = False
        elif ch == "!":
            bang = True
        elif "A" <= ch <= "Z":
            return None
        else:
            out.append(ch)
    return None if bang else "".join(out)


def write_module_proxy(root: Path, module: Module) -> Path:
    """Write ``module`` into the GOPROXY directory ``root`` (``<path>/@v/{list,V.info,V.mod,V.zip}``)."""
    directory = root / _escape(module.path) / "@v"
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "list").open("a") as listing:
        listing.write(module.version + "\n")
    info = {"Version": module.version, "Time": "2024-01-01T00:00:00Z"}
    (directory / f"{module.version}.info").write_text(json.dumps(info))
    (directory / f"{module.version}.mod").write_bytes(module.go_mod)
    (directory / f"{module.version}.zip").write_bytes(module.zip_bytes())
    return root


class Log:
    """An in-memory checksum database log of tile height ``height``."""

    def __init__(self, height: int = 8) -> None:
        self.height = height
        self.records: list[bytes] = []
        self.hashes: list[bytes] = []
        self.ids: dict[tuple[str, str], int] = {}

    def read_hashes(self, indexes: Sequence[int]) -> list[bytes]:
        return [self.hashes[index] for index in indexes]

    def add(self, text: bytes) -> int:
        record_id = len(self.records)
        self.hashes.extend(tlog.stored_hashes_for_record(record_id, tlog.record_hash(text), self.read_hashes))
        self.records.append(text)
        return record_id

    def add_module(self, module: Module, *, h1: str | None = None) -> int:
        record_id = self.add(module.record(h1=h1))
        self.ids[(module.path, module.version)] = record_id
        return record_id

    def add_modules(self, modules: Sequence[Module]) -> list[int]:
        """Publish every module's record (zip and go.mod lines); returns their record ids."""
        return [self.add_module(module) for module in modules]

    def add_fillers(self, count: int, *, tag: str = "") -> None:
        for i in range(count):
            digest = base64.b64encode(hashlib.sha256(f"{tag}{i}".encode()).digest()).decode()
            path = f"example.com/filler{tag}{len(self.records)}"
            self.add(f"{path} v1.0.0 h1:{digest}\n{path} v1.0.0/go.mod h1:{digest}\n".encode())

    @property
    def tree(self) -> tlog.Tree:
        return tlog.Tree(len(self.records), tlog.tree_hash(len(self.records), self.read_hashes))

    def tile(self, tile: tlog.Tile) -> bytes | None:
        """A tile's bytes, or None when the tree does not (yet) fill it that far."""
        first = tile.n << tile.h
        if tile.level == -1:
            if first + tile.w > len(self.records):
                return None
            return b"".join(text + b"\n" for text in self.records[first : first + tile.w])
        available = len(self.records) >> (tile.level * tile.h)
        if tile.h != self.height or first + tile.w > available:
            return None
        return tlog.read_tile_data(tile, self.read_hashes)


class LookupGate:
    """Holds each lookup until ``size`` lookups wait together (or ``timeout`` passes), then lets all go.

    Shows, without any timing assertion, that a client runs that many lookups at once: with fewer in
    parallel the gate opens on its timeout (``opened_on_timeout``), after which it holds nobody.
    """

    def __init__(self, size: int, timeout: float = 10.0) -> None:
        self.size = size
        self.timeout = timeout
        self._condition = threading.Condition()
        self._waiting = 0
        self._generation = 0
        self.opened_full = 0
        self.opened_on_timeout = 0

    def wait(self) -> None:
        with self._condition:
            if self.opened_on_timeout:
                return  # the gate failed once: it holds nobody any more
            generation = self._generation
            self._waiting += 1
            if self._waiting >= self.size:
                self._waiting = 0
                self._generation += 1
                self.opened_full += 1
                self._condition.notify_all()
                return
            released = self._condition.wait_for(
                lambda: self._generation != generation or self.opened_on_timeout > 0, timeout=self.timeout
            )
            if not released:  # time is up: open for everyone waiting, once
                self._waiting = 0
                self.opened_on_timeout += 1
                self._condition.notify_all()


@dataclass
class SumdbServer:
    """Serves ``log`` signed by ``signer`` on http://127.0.0.1:<ephemeral port>; use as a context manager."""

    log: Log
    signer: note.Signer
    lookup_hook: Callable[[bytes], bytes] | None = None
    note_hook: Callable[[bytes], bytes] | None = None
    tile_hook: Callable[[str, bytes], bytes] | None = None
    fail_status: int | None = None
    delay: float = 0.0
    requests: list[str] = field(default_factory=list)
    mount: str = ""
    """Serve under this path prefix (e.g. ``/sumdb/sum.gogate.test``), answering ``<mount>/supported``."""
    before_response: Callable[[str], None] | None = None
    """Called with each request path (mount removed) before it is answered, e.g. to swap ``log``."""
    drop: Callable[[str], bool] | None = None
    """When it returns True for a path, the connection is closed without any answer."""
    lookup_gate: LookupGate | None = None
    in_flight: int = 0
    max_in_flight: int = 0
    max_lookups_in_flight: int = 0
    _lookups_in_flight: int = 0
    _count_lock: threading.Lock = field(default_factory=threading.Lock)
    _httpd: http.server.ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def vkey(self) -> str:
        return self.signer.verifier_key()

    @property
    def url(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def gosumdb(self) -> str:
        return f"{self.vkey} {self.url}"

    def signed_tree(self) -> bytes:
        signed = note.sign_note(tlog.format_tree(self.log.tree), [self.signer])
        return self.note_hook(signed) if self.note_hook else signed

    def _count(self, path: str, step: int) -> None:
        with self._count_lock:
            self.in_flight += step
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            if path.startswith("/lookup/"):
                self._lookups_in_flight += step
                self.max_lookups_in_flight = max(self.max_lookups_in_flight, self._lookups_in_flight)

    def respond(self, path: str) -> tuple[int, bytes]:
        self.requests.append(path)
        if self.before_response is not None:
            self.before_response(path)
        if self.lookup_gate is not None and path.startswith("/lookup/"):
            self.lookup_gate.wait()
        if self.delay:
            time.sleep(self.delay)
        if self.fail_status is not None:
            return self.fail_status, b"failure injected by the test\n"
        if path == "/latest":
            return 200, self.signed_tree()
        if path.startswith("/lookup/"):
            escaped_path, _, escaped_version = path.removeprefix("/lookup/").partition("@")
            module_path, version = _unescape(escaped_path), _unescape(escaped_version)
            record_id = self.log.ids.get((module_path or "", version or ""))
            if record_id is None:
                return 404, b"not found\n"
            body = tlog.format_record(record_id, self.log.records[record_id])
            if self.lookup_hook:
                body = self.lookup_hook(body)
            return 200, body + self.signed_tree()
        if path.startswith("/tile/"):
            try:
                tile = tlog.parse_tile_path(path[1:])
            except tlog.TlogError:
                return 400, b"invalid tile syntax\n"
            data = self.log.tile(tile)
            if data is None:
                return 404, b"no such tile\n"
            return 200, self.tile_hook(path, data) if self.tile_hook else data
        return 404, b"not found\n"

    def __enter__(self) -> SumdbServer:
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                path = self.path
                if owner.mount:
                    if path == owner.mount + "/supported":
                        status, body = 200, b""
                        self._answer(status, body)
                        return
                    if not path.startswith(owner.mount + "/"):
                        self._answer(404, b"not found\n")
                        return
                    path = path.removeprefix(owner.mount)
                if owner.drop is not None and owner.drop(path):
                    owner.requests.append(path)
                    self.close_connection = True
                    return
                owner._count(path, 1)
                try:
                    status, body = owner.respond(path)
                finally:
                    owner._count(path, -1)
                self._answer(status, body)

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.timeout = 5
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def new_signer(name: str = DB_NAME) -> note.Signer:
    skey, _ = note.generate_signer_key(name)
    return note.Signer.parse(skey)
