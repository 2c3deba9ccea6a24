"""The download-index client, .sha256 files and the archive downloader, against a server on 127.0.0.1 only."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import blake3
import pytest
from dl_server import Answer, DlServer, go_archive, index_entry, index_json

from gogate.dlindex import (
    ArchiveTampered,
    DownloadIndex,
    archive_file_name,
    download_archive,
    fetch_index,
    fetch_sha256_file,
    file_url,
    find_archive,
    index_url,
    parse_index,
    parse_sha256_body,
)
from gogate.errors import InfrastructureError
from gogate.exitcodes import ExitCode
from gogate.http import HttpNotFound, HttpPolicy, _redirect_target

FAST = HttpPolicy(timeout=2.0, retries=2, backoff=0.01, trust_env=False)
SECRET = "s3cret-pa55"

# Official SHA-256 values of release archives (go-internals notes §10: docker-library/golang, cross-checked
# against other public sources). Only the digests are real; the sizes below are placeholders.
OFFICIAL = {
    "go1.21.0.linux-amd64.tar.gz": "d0398903a16ba2232b389fb31032ddf57cac34efda306a0eebac34f0965a0742",
    "go1.21.0.linux-arm64.tar.gz": "f3d4548edf9b22f26bbd49720350bbfe59d75b7090a1a2bff1afad8214febaf3",
    "go1.21.0.src.tar.gz": "818d46ede85682dd551ad378ef37a4d247006f12ec59b5b755601d2ce114369a",
    "go1.21.13.linux-amd64.tar.gz": "502fc16d5910562461e6a6631fb6377de2322aad7304bf2bcd23500ba9dab4a7",
    "go1.21.13.linux-arm64.tar.gz": "2ca2d70dc9c84feef959eb31f2a5aac33eefd8c97fe48f1548886d737bffabd4",
    "go1.22.10.linux-amd64.tar.gz": "736ce492a19d756a92719a6121226087ccd91b652ed5caec40ad6dbfb2252092",
    "go1.22.10.linux-arm64.tar.gz": "5213c5e32fde3bd7da65516467b7ffbfe40d2bb5a5f58105e387eef450583eec",
    "go1.22.10.linux-armv6l.tar.gz": "a7bbbc80fe736269820bbdf3555e91ada5d18a5cde2276aac3b559bc1d52fc70",
    "go1.22.12.linux-amd64.tar.gz": "4fa4f869b0f7fc6bb1eb2660e74657fbf04cdd290b5aef905585c86051b34d43",
    "go1.22.12.linux-arm64.tar.gz": "fd017e647ec28525e86ae8203236e0653242722a7436929b1f775744e26278e7",
    "go1.23.0.linux-amd64.tar.gz": "905a297f19ead44780548933e0ff1a1b86e8327bb459e92f9c0012569f76f5e3",
    "go1.23.0.linux-arm64.tar.gz": "62788056693009bcf7020eedc778cdd1781941c6145eab7688bd087bce0f8659",
    "go1.23.4.linux-amd64.tar.gz": "6924efde5de86fe277676e929dc9917d466efa02fb934197bc2eba35d5680971",
    "go1.23.4.linux-arm64.tar.gz": "16e5017863a7f6071363782b1b8042eb12c6ca4f4cd71528b2123f0a1275b13e",
}
PLACEHOLDER_SIZE = 12345
# Synthetic entries (not official values) that exercise the non-archive kinds and the windows .zip.
SYNTHETIC_WINDOWS_SHA = "0" * 63 + "1"


def official_index_document() -> list[dict[str, object]]:
    releases: dict[str, list[dict[str, object]]] = {}
    for filename, sha in OFFICIAL.items():
        version = filename.split(".linux-")[0].removesuffix(".src.tar.gz")
        releases.setdefault(version, []).append(index_entry(filename, sha, PLACEHOLDER_SIZE))
    releases["go1.22.10"] += [
        index_entry("go1.22.10.windows-amd64.zip", SYNTHETIC_WINDOWS_SHA, 1),
        index_entry("go1.22.10.windows-amd64.msi", SYNTHETIC_WINDOWS_SHA, 1),
    ]
    ordered = sorted(releases, key=lambda v: tuple(int(p) for p in v[2:].split(".")), reverse=True)
    return index_json({version: releases[version] for version in ordered})


@pytest.fixture
def official_index() -> DownloadIndex:
    return parse_index(
        json.dumps(official_index_document(), indent=1).encode(), "https://go.dev/dl/?mode=json"
    )


@pytest.fixture
def server() -> Iterator[DlServer]:
    with DlServer() as running:
        yield running


def with_credentials(url: str) -> str:
    return url.replace("http://", f"http://gogate-user:{SECRET}@", 1)


def assert_redacted_infra(error: pytest.ExceptionInfo[InfrastructureError], server: DlServer) -> None:
    message = error.value.diagnostics()
    assert error.value.exit_code == ExitCode.INFRASTRUCTURE_ERROR
    assert SECRET not in message
    assert f"[REDACTED]@127.0.0.1:{server.port}" in message


# ----------------------------------------------------------------------------------------- parsing


@pytest.mark.parametrize("filename", sorted(OFFICIAL))
def test_official_sha256_values_survive_parsing(official_index: DownloadIndex, filename: str) -> None:
    listed = {file.filename: file for file in official_index.files()}
    assert listed[filename].sha256 == OFFICIAL[filename]


@pytest.mark.parametrize(
    ("version", "goos", "goarch", "filename"),
    [
        ("go1.22.10", "linux", "amd64", "go1.22.10.linux-amd64.tar.gz"),
        ("1.22.10", "linux", "arm64", "go1.22.10.linux-arm64.tar.gz"),
        ("go1.22.10", "linux", "arm", "go1.22.10.linux-armv6l.tar.gz"),
        ("go1.21.0", "linux", "amd64", "go1.21.0.linux-amd64.tar.gz"),
        ("go1.23.4", "linux", "arm64", "go1.23.4.linux-arm64.tar.gz"),
        ("go1.22.10", "windows", "amd64", "go1.22.10.windows-amd64.zip"),
    ],
)
def test_find_archive(
    official_index: DownloadIndex, version: str, goos: str, goarch: str, filename: str
) -> None:
    found = find_archive(official_index, version, goos, goarch)
    assert found is not None
    assert found.filename == filename == archive_file_name(version, goos, goarch)
    assert found.kind == "archive"
    assert found.sha256 == OFFICIAL.get(filename, SYNTHETIC_WINDOWS_SHA)


@pytest.mark.parametrize(
    ("version", "goos", "goarch"),
    [("go1.22.5", "linux", "amd64"), ("go1.22.10", "darwin", "arm64"), ("go1.21.0", "linux", "386")],
)
def test_find_archive_none_when_not_listed(
    official_index: DownloadIndex, version: str, goos: str, goarch: str
) -> None:
    assert find_archive(official_index, version, goos, goarch) is None


def test_source_and_installer_are_not_archives(official_index: DownloadIndex) -> None:
    kinds = {file.filename: file.kind for file in official_index.files()}
    assert kinds["go1.21.0.src.tar.gz"] == "source"
    assert kinds["go1.22.10.windows-amd64.msi"] == "installer"
    assert official_index.releases[0].version == "go1.23.4"
    assert all(release.stable for release in official_index.releases)


def test_file_without_published_sha256_parses_as_none() -> None:
    document = index_json({"go1.2.2": [index_entry("go1.2.2.linux-amd64.tar.gz", "", 1)]})
    index = parse_index(json.dumps(document).encode())
    assert next(index.files()).sha256 is None


def _mutated(**changes: object) -> bytes:
    entry = index_entry("go1.22.5.linux-amd64.tar.gz", "a" * 64, 10)
    entry.update(changes)
    for key in [key for key, value in changes.items() if value is ...]:
        del entry[key]
    return json.dumps(index_json({"go1.22.5": [entry]})).encode()


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"<!DOCTYPE html><html>Downloads</html>", "invalid JSON"),
        (b"{not json", "invalid JSON"),
        (b'{"version": "go1.22.5"}', "not a JSON array"),
        (b"[]", "no releases"),
        (b'[{"version": "go1.22.5", "stable": "yes", "files": []}]', "'stable' must be a bool"),
        (b'[{"version": "go1.22.5", "stable": true}]', "'files' must be a list"),
        (b'[{"version": "go1.22.5", "stable": true, "files": [42]}]', "is not an object"),
        (_mutated(sha256="A" * 64), "64 lowercase hex"),
        (_mutated(sha256="a" * 63), "64 lowercase hex"),
        (_mutated(size="10"), "'size' must be a int"),
        (_mutated(size=True), "'size' must be a int"),
        (_mutated(size=-1), "negative size"),
        (_mutated(os=...), "'os' must be a str"),
        (_mutated(filename="../evil.tar.gz"), "invalid file name"),
        (_mutated(kind=""), "empty kind"),
    ],
)
def test_junk_index_is_an_infrastructure_error(body: bytes, problem: str) -> None:
    url = f"https://mirror-user:{SECRET}@mirror.example/dl/?mode=json&include=all"
    with pytest.raises(InfrastructureError) as error:
        parse_index(body, url)
    assert problem in error.value.message
    assert "https://[REDACTED]@mirror.example/dl/" in error.value.message
    assert SECRET not in error.value.diagnostics()


@pytest.mark.parametrize(
    ("body", "digest"),
    [
        (b"a" * 64, "a" * 64),
        (b"A" * 64 + b"\n", "a" * 64),
        (b"b" * 64 + b"  go1.22.5.linux-amd64.tar.gz\n", "b" * 64),
    ],
)
def test_sha256_body_accepted(body: bytes, digest: str) -> None:
    assert parse_sha256_body(body) == digest


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"a" * 63,
        b"a" * 65,
        b"g" * 64,
        b"a" * 64 + b"\n" + b"b" * 64 + b"\n",
        b"<!DOCTYPE html>\n<html>" + b"a" * 64,
        b"a" * 64 + b" <html>",
    ],
)
def test_sha256_body_refused(body: bytes) -> None:
    with pytest.raises(InfrastructureError, match="not a SHA-256 file"):
        parse_sha256_body(body, "https://go.dev/dl/go1.22.5.linux-amd64.tar.gz.sha256")


# --------------------------------------------------------------------------------------- the index


def test_fetch_index_from_a_mirror_base(server: DlServer) -> None:
    document = official_index_document()
    server.serve("/dl/?mode=json&include=all", Answer.json(document))
    index = fetch_index(server.url + "/dl/", policy=FAST)
    assert index.url == f"{server.url}/dl/?mode=json&include=all" == index_url(server.url + "/dl")
    found = find_archive(index, "go1.22.10", "linux", "amd64")
    assert found is not None and found.sha256 == OFFICIAL["go1.22.10.linux-amd64.tar.gz"]


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_index_retries_then_succeeds(server: DlServer, status: int) -> None:
    path = "/dl/?mode=json&include=all"
    server.serve(path, Answer(status), Answer(status), Answer.json(official_index_document()))
    index = fetch_index(server.url + "/dl", policy=FAST)
    assert server.count(path) == 3
    assert len(index.releases) == 6


def test_index_retries_are_bounded(server: DlServer) -> None:
    path = "/dl/?mode=json&include=all"
    server.serve(path, Answer(503))
    with pytest.raises(InfrastructureError, match=r"503 Service Unavailable \(tried 3 time") as error:
        fetch_index(with_credentials(server.url) + "/dl", policy=FAST)
    assert server.count(path) == 3
    assert_redacted_infra(error, server)


@pytest.mark.parametrize("status", [404, 410])
def test_index_not_found_is_not_retried(server: DlServer, status: int) -> None:
    server.serve("/missing/?mode=json&include=all", Answer(status))
    with pytest.raises(HttpNotFound, match=str(status)) as error:
        fetch_index(with_credentials(server.url) + "/missing", policy=FAST)
    assert server.count("/missing/?mode=json&include=all") == 1
    assert_redacted_infra(error, server)


def test_index_other_status_is_an_infrastructure_error(server: DlServer) -> None:
    server.serve("/dl/?mode=json&include=all", Answer(403))
    with pytest.raises(InfrastructureError, match="unexpected HTTP status 403") as error:
        fetch_index(with_credentials(server.url) + "/dl", policy=FAST)
    assert_redacted_infra(error, server)


def test_index_timeout(server: DlServer) -> None:
    server.serve("/dl/?mode=json&include=all", Answer(body=b"[]", delay=1.5))
    policy = HttpPolicy(timeout=0.3, retries=1, backoff=0.01, trust_env=False)
    with pytest.raises(InfrastructureError, match=r"timed out after 0.3s .*tried 2 time") as error:
        fetch_index(with_credentials(server.url) + "/dl", policy=policy)
    assert_redacted_infra(error, server)


def test_index_truncated_body(server: DlServer) -> None:
    body = json.dumps(official_index_document()).encode()
    server.serve("/dl/?mode=json&include=all", Answer(body=body[:100], content_length=len(body)))
    with pytest.raises(InfrastructureError, match="tried 3 time") as error:
        fetch_index(with_credentials(server.url) + "/dl", policy=FAST)
    assert_redacted_infra(error, server)


@pytest.mark.parametrize("answer", [Answer.html(), Answer(body=b"\x00\x01junk"), Answer.json({"a": 1})])
def test_index_html_or_junk(server: DlServer, answer: Answer) -> None:
    server.serve("/dl/?mode=json&include=all", answer)
    with pytest.raises(InfrastructureError, match="not a download index") as error:
        fetch_index(with_credentials(server.url) + "/dl", policy=FAST)
    assert_redacted_infra(error, server)


def test_index_redirect_to_another_host_is_refused(server: DlServer) -> None:
    # "localhost" is another host than "127.0.0.1" for the redirect rule; it is never contacted.
    target = f"http://localhost:{server.port}/elsewhere/?mode=json&include=all"
    server.serve("/dl/?mode=json&include=all", Answer.redirect(target))
    server.serve("/elsewhere/?mode=json&include=all", Answer.json(official_index_document()))
    with pytest.raises(InfrastructureError, match="refused redirect to another host") as error:
        fetch_index(with_credentials(server.url) + "/dl", policy=FAST)
    assert server.count("/elsewhere/?mode=json&include=all") == 0
    assert target in error.value.message
    assert_redacted_infra(error, server)


def test_index_redirect_on_the_same_host_is_followed(server: DlServer) -> None:
    server.serve("/dl/?mode=json&include=all", Answer.redirect("/dl2/?mode=json&include=all", 301))
    server.serve("/dl2/?mode=json&include=all", Answer.json(official_index_document()))
    assert len(fetch_index(server.url + "/dl", policy=FAST).releases) == 6


def test_redirect_loop_is_bounded(server: DlServer) -> None:
    server.serve("/dl/?mode=json&include=all", Answer.redirect("/dl/?mode=json&include=all"))
    with pytest.raises(InfrastructureError, match="more than 5 redirects"):
        fetch_index(server.url + "/dl", policy=FAST)
    assert server.count("/dl/?mode=json&include=all") == 6


@pytest.mark.parametrize(
    ("start", "location", "allowed", "ok"),
    [
        ("https://go.dev/dl/f", "https://dl.google.com/go/f", {"dl.google.com"}, True),
        ("https://go.dev/dl/f", "https://dl.google.com/go/f", set(), False),
        ("https://go.dev/dl/f", "http://dl.google.com/go/f", {"dl.google.com"}, False),
        ("https://go.dev/dl/f", "http://go.dev/dl/g", set(), False),
        ("http://mirror.internal/dl/f", "https://mirror.internal/dl/g", set(), True),
        ("https://go.dev/dl/f", "https://go.dev:8443/dl/g", set(), False),
        ("https://go.dev/dl/f", "ftp://go.dev/dl/g", set(), False),
        ("https://go.dev/dl/f", "/other", set(), True),
        ("https://go.dev/dl/f", "https://GO.DEV/x", set(), True),
    ],
)
def test_redirect_rule(start: str, location: str, allowed: set[str], ok: bool) -> None:
    policy = HttpPolicy(redirect_hosts=frozenset(allowed))
    if ok:
        assert _redirect_target(start, location, start, policy)
    else:
        with pytest.raises(InfrastructureError):
            _redirect_target(start, location, start, policy)


# ------------------------------------------------------------------------------------------ .sha256


def test_fetch_sha256_file(server: DlServer) -> None:
    digest = hashlib.sha256(b"x").hexdigest()
    server.serve(
        "/dl/f.tar.gz.sha256", Answer(body=f"{digest}  f.tar.gz\n".encode(), content_type="text/plain")
    )
    assert fetch_sha256_file(server.url + "/dl/f.tar.gz.sha256", policy=FAST) == digest


def test_sha256_url_answering_html_is_refused(server: DlServer) -> None:
    server.serve("/dl/go1.22.5.linux-amd64.tar.gz.sha256", Answer.html())
    with pytest.raises(InfrastructureError, match="not a SHA-256 file") as error:
        fetch_sha256_file(
            with_credentials(server.url) + "/dl/go1.22.5.linux-amd64.tar.gz.sha256", policy=FAST
        )
    assert_redacted_infra(error, server)


def test_sha256_file_that_is_too_large_is_refused(server: DlServer) -> None:
    server.serve("/big.sha256", Answer(body=b"a" * 10_000))
    with pytest.raises(InfrastructureError, match="larger than 4096 bytes"):
        fetch_sha256_file(server.url + "/big.sha256", policy=FAST)


# ---------------------------------------------------------------------------------------- download

ARCHIVE = go_archive()
NAME = "go1.22.5.linux-amd64.tar.gz"
SHA = hashlib.sha256(ARCHIVE).hexdigest()


def _download(url: str, dest: Path, **kwargs: object) -> object:
    options: dict[str, object] = {"expected_size": len(ARCHIVE), "expected_sha256": SHA, "policy": FAST}
    options.update(kwargs)
    return download_archive(url, dest, **options)  # type: ignore[arg-type]


def test_download_streams_and_hashes_once(server: DlServer, tmp_path: Path) -> None:
    server.serve(f"/dl/{NAME}", Answer(body=ARCHIVE))
    result = download_archive(
        file_url(server.url + "/dl", NAME),
        tmp_path,
        expected_size=len(ARCHIVE),
        expected_sha256=SHA,
        policy=FAST,
    )
    assert result.path == tmp_path / NAME
    assert result.path.read_bytes() == ARCHIVE
    assert result.digests.sha256 == SHA
    assert result.digests.blake3 == blake3.blake3(ARCHIVE).hexdigest()
    assert result.digests.size == len(ARCHIVE)
    assert sorted(p.name for p in tmp_path.iterdir()) == [NAME]
    assert server.headers_seen[-1]["accept-encoding"] == "identity"


def test_download_retries_leave_no_temporary_files(server: DlServer, tmp_path: Path) -> None:
    truncated = Answer(body=ARCHIVE[:1000], content_length=len(ARCHIVE))
    server.serve(f"/dl/{NAME}", Answer(500), truncated, Answer(body=ARCHIVE))
    _download(f"{server.url}/dl/{NAME}", tmp_path)
    assert server.count(f"/dl/{NAME}") == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [NAME]


def test_download_tampered_byte(server: DlServer, tmp_path: Path) -> None:
    tampered = bytearray(ARCHIVE)
    tampered[len(tampered) // 2] ^= 0x01
    server.serve(f"/dl/{NAME}", Answer(body=bytes(tampered)))
    with pytest.raises(ArchiveTampered) as error:
        _download(with_credentials(server.url) + f"/dl/{NAME}", tmp_path)
    assert error.value.exit_code == ExitCode.GATE_FAILED
    assert error.value.differences == ("sha256",)
    assert SHA in error.value.message and hashlib.sha256(tampered).hexdigest() in error.value.message
    assert SECRET not in error.value.diagnostics()
    assert list(tmp_path.iterdir()) == []
    assert server.count(f"/dl/{NAME}") == 1  # a security failure is not retried


def test_download_of_another_size_announced(server: DlServer, tmp_path: Path) -> None:
    server.serve(f"/dl/{NAME}", Answer(body=ARCHIVE + b"extra"))
    with pytest.raises(ArchiveTampered, match="announces") as error:
        _download(f"{server.url}/dl/{NAME}", tmp_path)
    assert error.value.differences == ("size",)
    assert list(tmp_path.iterdir()) == []


def test_download_longer_than_expected_without_content_length(server: DlServer, tmp_path: Path) -> None:
    # Without a Content-Length only the streamed byte count tells: reading stops past the expected size.
    server.serve(f"/dl/{NAME}", Answer(body=ARCHIVE + b"extra", content_length=-1))
    with pytest.raises(ArchiveTampered):
        _download(f"{server.url}/dl/{NAME}", tmp_path, expected_size=len(ARCHIVE) - 10)
    assert list(tmp_path.iterdir()) == []


def test_download_truncated_is_an_infrastructure_error(server: DlServer, tmp_path: Path) -> None:
    server.serve(f"/dl/{NAME}", Answer(body=ARCHIVE[:1000], content_length=len(ARCHIVE)))
    with pytest.raises(InfrastructureError) as error:
        _download(with_credentials(server.url) + f"/dl/{NAME}", tmp_path)
    assert not isinstance(error.value, ArchiveTampered)
    assert "tried 3 time" in error.value.message
    assert_redacted_infra(error, server)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("status", [404, 410, 500])
def test_download_http_errors(server: DlServer, tmp_path: Path, status: int) -> None:
    server.serve(f"/dl/{NAME}", Answer(status))
    with pytest.raises(InfrastructureError, match=str(status)) as error:
        _download(with_credentials(server.url) + f"/dl/{NAME}", tmp_path)
    assert_redacted_infra(error, server)
    assert list(tmp_path.iterdir()) == []


def test_download_timeout(server: DlServer, tmp_path: Path) -> None:
    server.serve(f"/dl/{NAME}", Answer(body=ARCHIVE, delay=1.5))
    policy = HttpPolicy(timeout=0.3, retries=0, trust_env=False)
    with pytest.raises(InfrastructureError, match="timed out") as error:
        _download(with_credentials(server.url) + f"/dl/{NAME}", tmp_path, policy=policy)
    assert_redacted_infra(error, server)
    assert list(tmp_path.iterdir()) == []


def test_download_size_cap(server: DlServer, tmp_path: Path) -> None:
    server.serve(f"/dl/{NAME}", Answer(body=ARCHIVE))
    with pytest.raises(InfrastructureError, match="over the limit"):
        _download(f"{server.url}/dl/{NAME}", tmp_path, max_size=100)
    assert list(tmp_path.iterdir()) == []


def test_download_redirect_to_another_host_is_refused(server: DlServer, tmp_path: Path) -> None:
    server.serve(f"/dl/{NAME}", Answer.redirect(f"http://localhost:{server.port}/go/{NAME}"))
    server.serve(f"/go/{NAME}", Answer(body=ARCHIVE))
    with pytest.raises(InfrastructureError, match="refused redirect to another host") as error:
        _download(with_credentials(server.url) + f"/dl/{NAME}", tmp_path)
    assert server.count(f"/go/{NAME}") == 0
    assert_redacted_infra(error, server)
    assert list(tmp_path.iterdir()) == []


def test_download_redirect_to_an_allowed_host(server: DlServer, tmp_path: Path) -> None:
    # go.dev/dl/<file> answers 302 to dl.google.com/go/<file>: here 127.0.0.1 -> 127.0.0.2 (both loopback).
    with DlServer(host="127.0.0.2") as files:
        files.serve(f"/go/{NAME}", Answer(body=ARCHIVE))
        server.serve(f"/dl/{NAME}", Answer.redirect(f"{files.url}/go/{NAME}"))
        policy = HttpPolicy(timeout=2.0, retries=0, redirect_hosts=frozenset({"127.0.0.2"}), trust_env=False)
        result = download_archive(
            f"{server.url}/dl/{NAME}",
            tmp_path,
            expected_size=len(ARCHIVE),
            expected_sha256=SHA,
            policy=policy,
        )
        assert files.count(f"/go/{NAME}") == 1
    assert result.path.read_bytes() == ARCHIVE


def test_download_refuses_content_encoding(server: DlServer, tmp_path: Path) -> None:
    server.serve(f"/dl/{NAME}", Answer(body=ARCHIVE, headers=(("Content-Encoding", "gzip"),)))
    with pytest.raises(InfrastructureError, match="Content-Encoding"):
        _download(f"{server.url}/dl/{NAME}", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_download_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="64 hex"):
        download_archive("http://127.0.0.1:9/x", tmp_path, expected_size=1, expected_sha256="abc")
    with pytest.raises(InfrastructureError, match="cannot name a file"):
        download_archive("http://127.0.0.1:9/", tmp_path, expected_size=1, expected_sha256="a" * 64)
