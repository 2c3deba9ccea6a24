"""A stand-in for go.dev/dl on 127.0.0.1, with fault injection, and distpack-layout test archives.

:class:`DlServer` serves fixed answers per request path (query string included) from a real
``http.server`` in a thread on an ephemeral loopback port. Each path holds a queue of
:class:`Answer` objects: every request takes the first one, and the last one stays, so
``serve(path, Answer(500), Answer(500), ok)`` is "two 500s, then success" (bounded faults). An answer can
be delayed (client timeouts), announce a Content-Length other than its body's length (truncated body),
or redirect.

:func:`go_archive` builds a small Go release archive in the distpack layout (``go/`` prefix, directory
entries, ``go/VERSION`` "go1.22.5\\ntime ...", ``go/bin/go``, ``go/src/go.mod``, ...) with tarfile or
zipfile.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import json
import tarfile
import threading
import time
import zipfile
from dataclasses import dataclass, field

__all__ = ["Answer", "DlServer", "go_archive", "go_files", "index_entry", "index_json"]

VERSION_TIME = "time 2024-07-02T13:59:59Z"


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/octet-stream"
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    """Seconds to wait before answering."""
    content_length: int | None = None
    """Announced Content-Length when not the body's (a larger one makes a truncated response; -1: none)."""

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Answer:
        return cls(status=status, headers=(("Location", location),))

    @classmethod
    def html(cls, status: int = 200) -> Answer:
        page = b"<!DOCTYPE html>\n<html><head><title>Downloads - The Go Programming Language</title></head>\n"
        return cls(status=status, body=page, content_type="text/html; charset=utf-8")

    @classmethod
    def json(cls, document: object) -> Answer:
        return cls(body=json.dumps(document, indent=1).encode(), content_type="application/json")


@dataclass
class DlServer:
    """Serves queued answers on http://<host>:<ephemeral port>; use as a context manager."""

    host: str = "127.0.0.1"
    routes: dict[str, list[Answer]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    headers_seen: list[dict[str, str]] = field(default_factory=list)
    _httpd: http.server.ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def port(self) -> int:
        assert self._httpd is not None
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def serve(self, path: str, *answers: Answer) -> None:
        self.routes[path] = list(answers)

    def count(self, path: str) -> int:
        return self.requests.count(path)

    def _answer(self, path: str) -> Answer:
        with self._lock:
            self.requests.append(path)
            queue = self.routes.get(path)
            if not queue:
                return Answer(404, b"404 page not found\n", "text/plain")
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def __enter__(self) -> DlServer:
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                owner.headers_seen.append({k.lower(): v for k, v in self.headers.items()})
                answer = owner._answer(self.path)
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", answer.content_type)
                    length = answer.content_length if answer.content_length is not None else len(answer.body)
                    if length >= 0:
                        self.send_header("Content-Length", str(length))
                    for name, value in answer.headers:
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(answer.body)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._httpd = http.server.ThreadingHTTPServer((self.host, 0), Handler)
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


def go_files(version: str = "go1.22.5", goos: str = "linux", goarch: str = "amd64") -> dict[str, bytes]:
    """GOROOT-relative files of a tiny release in the distpack layout."""
    return {
        "CONTRIBUTING.md": b"# Contributing to Go\n",
        "LICENSE": b"Copyright 2009 The Go Authors.\n",
        "README.md": b"# The Go Programming Language\n",
        "VERSION": f"{version}\n{VERSION_TIME}\n".encode(),
        "api/go1.txt": b"pkg bufio, const MaxScanTokenSize = 65536\n",
        "bin/go": b"\x7fELF dummy go binary " + f"{goos}/{goarch}".encode(),
        "bin/gofmt": b"\x7fELF dummy gofmt binary",
        "doc/go_spec.html": b"<!-- spec -->\n",
        "go.env": b"GOPROXY=https://proxy.golang.org,direct\nGOSUMDB=sum.golang.org\nGOTOOLCHAIN=auto\n",
        f"pkg/tool/{goos}_{goarch}/compile": b"\x7fELF dummy compile",
        "src/go.mod": b"module std\n\ngo 1.22\n",
        "src/cmd/go.mod": b"module cmd\n\ngo 1.22\n",
        "src/fmt/print.go": b"package fmt\n",
        "test/helloworld.go": b"package main\n",
    }


def go_archive(
    version: str = "go1.22.5",
    goos: str = "linux",
    goarch: str = "amd64",
    *,
    files: dict[str, bytes] | None = None,
    extra: list[tarfile.TarInfo] | None = None,
    zip_format: bool = False,
) -> bytes:
    """The bytes of a distpack-layout ``.tar.gz`` (or ``.zip``) of :func:`go_files` (or ``files``)."""
    contents = files if files is not None else go_files(version, goos, goarch)
    mtime = 1719928799
    buffer = io.BytesIO()
    if zip_format:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in sorted(contents.items()):
                archive.writestr(zipfile.ZipInfo("go/" + name, (2024, 7, 2, 13, 59, 58)), data)
        return buffer.getvalue()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as archive:
        directories: set[str] = set()
        for name, data in sorted(contents.items()):
            parts = ("go/" + name).split("/")
            for depth in range(1, len(parts)):
                directory = "/".join(parts[:depth]) + "/"
                if directory not in directories:
                    directories.add(directory)
                    info = tarfile.TarInfo(directory)
                    info.type = tarfile.DIRTYPE
                    info.mode = 0o755
                    info.mtime = mtime
                    archive.addfile(info)
            info = tarfile.TarInfo("go/" + name)
            info.size = len(data)
            info.mode = 0o755 if name.startswith(("bin/", "pkg/tool/")) else 0o644
            info.mtime = mtime
            archive.addfile(info, io.BytesIO(data))
        for member in extra or []:
            archive.addfile(member, io.BytesIO(b"x" * member.size) if member.isreg() else None)
    return buffer.getvalue()


def index_entry(
    filename: str, data_or_sha: bytes | str, size: int | None = None, **fields: str
) -> dict[str, object]:
    """A download-index file object for ``filename`` (os/arch/version/kind derived from the name)."""
    if isinstance(data_or_sha, bytes):
        sha256, length = hashlib.sha256(data_or_sha).hexdigest(), len(data_or_sha)
    else:
        sha256, length = data_or_sha, size or 0
    entry: dict[str, object] = {"filename": filename, "os": "", "arch": "", "version": "", "sha256": sha256}
    stem = filename.removesuffix(".tar.gz").removesuffix(".zip").removesuffix(".msi").removesuffix(".pkg")
    head, _, platform = stem.rpartition(".")
    if platform == "src":
        entry.update(version=head, kind="source")
    else:
        goos, _, arch = platform.partition("-")
        kind = "archive" if filename.endswith((".tar.gz", ".zip")) else "installer"
        entry.update(version=head, os=goos, arch=arch, kind=kind)
    entry["size"] = length
    entry.update(fields)
    return entry


def index_json(releases: dict[str, list[dict[str, object]]]) -> list[dict[str, object]]:
    """A download index: ``{version: [file objects]}`` in the order given (newest first)."""
    return [
        {"version": version, "stable": "rc" not in version and "beta" not in version, "files": files}
        for version, files in releases.items()
    ]
