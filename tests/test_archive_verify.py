"""verify_archive: name, lock, index, go/VERSION and hostile-archive checks on distpack-layout archives."""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
from collections.abc import Iterator
from pathlib import Path

import blake3
import pytest
from dl_server import Answer, DlServer, go_archive, go_files, index_entry, index_json

from gogate.archive_verify import ArchiveReport, LockEntry, verify_archive
from gogate.dlindex import (
    ArchiveTampered,
    DownloadIndex,
    IndexFile,
    download_archive,
    fetch_index,
    file_url,
    find_archive,
    parse_index,
)
from gogate.errors import InputError
from gogate.exitcodes import ExitCode
from gogate.http import HttpPolicy
from gogate.toolchain_tree import toolchain_h1_from_archive

VERSION = "go1.22.5"
NAME = "go1.22.5.linux-amd64.tar.gz"


def lock_of(data: bytes) -> LockEntry:
    return hashlib.sha256(data).hexdigest(), blake3.blake3(data).hexdigest(), len(data)


def index_with(*files: tuple[str, bytes]) -> DownloadIndex:
    releases: dict[str, list[dict[str, object]]] = {}
    for name, data in files:
        releases.setdefault(name.split(".linux-")[0].split(".windows-")[0], []).append(
            index_entry(name, data)
        )
    return parse_index(
        json.dumps(index_json(releases)).encode(), "http://127.0.0.1:1/dl/?mode=json&include=all"
    )


def write(directory: Path, name: str, data: bytes) -> Path:
    path = directory / name
    path.write_bytes(data)
    return path


def statuses(report: ArchiveReport) -> dict[str, str]:
    return {item.subject: item.status for item in report.comparisons}


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[tuple[Path, bytes]]:
    data = go_archive(VERSION)
    yield write(tmp_path, NAME, data), data


def test_official_archive_passes(archive: tuple[Path, bytes]) -> None:
    path, data = archive
    index = index_with((NAME, data))
    report = verify_archive(
        path,
        version=VERSION,
        goos="linux",
        goarch="amd64",
        lock_entry=lock_of(data),
        index_file=find_archive(index, VERSION, "linux", "amd64"),
    )
    assert report.passed and report.authenticated
    assert report.failures == () and report.not_verified == ()
    assert set(statuses(report).values()) == {"pass"}
    assert list(statuses(report)) == [
        "file name",
        "lock: size",
        "lock: sha256",
        "lock: blake3",
        "index: file",
        "index: size",
        "index: sha256",
        "go/VERSION",
        "archive contents",
    ]
    assert report.digests.sha256 == hashlib.sha256(data).hexdigest()
    assert report.toolchain_h1 == toolchain_h1_from_archive(path, VERSION, "linux", "amd64")
    report.raise_for_failures()


def test_nothing_to_compare_with_is_not_a_pass(archive: tuple[Path, bytes]) -> None:
    path, _ = archive
    report = verify_archive(
        path, version="1.22.5", goos="linux", goarch="amd64", lock_entry=None, index_file=None
    )
    assert not report.passed and not report.authenticated
    assert report.failures == ()
    assert [item.subject for item in report.not_verified] == ["lock", "index"]
    assert "not verified against gogate.lock" in report.not_verified[0].describe()
    assert "not verified against the download index" in report.not_verified[1].describe()


def test_lock_alone_offline(archive: tuple[Path, bytes]) -> None:
    path, data = archive
    report = verify_archive(
        path, version=VERSION, goos="linux", goarch="amd64", lock_entry=lock_of(data), index_file=None
    )
    assert report.passed
    assert [item.subject for item in report.not_verified] == ["index"]


def test_tampered_byte_fails_naming_what_differs(tmp_path: Path) -> None:
    data = go_archive(VERSION)
    tampered = bytearray(data)
    tampered[-20] ^= 0x01  # in the gzip trailer: the tar stream may still be readable, the digests are not
    path = write(tmp_path, NAME, bytes(tampered))
    index = index_with((NAME, data))
    report = verify_archive(
        path,
        version=VERSION,
        goos="linux",
        goarch="amd64",
        lock_entry=lock_of(data),
        index_file=None,
        index=index,
    )
    assert not report.passed
    failed = {item.subject for item in report.failures}
    assert {"lock: sha256", "lock: blake3", "index: sha256"} <= failed
    assert "lock: size" not in failed
    with pytest.raises(ArchiveTampered) as error:
        report.raise_for_failures()
    assert error.value.exit_code == ExitCode.GATE_FAILED
    assert "lock: sha256" in error.value.differences
    assert hashlib.sha256(data).hexdigest() in error.value.message
    assert hashlib.sha256(tampered).hexdigest() in error.value.message


def test_tampered_file_inside_the_archive(tmp_path: Path) -> None:
    official = go_archive(VERSION)
    files = go_files(VERSION)
    files["bin/go"] = files["bin/go"] + b" backdoor"
    path = write(tmp_path, NAME, go_archive(VERSION, files=files))
    report = verify_archive(
        path, version=VERSION, goos="linux", goarch="amd64", lock_entry=lock_of(official), index_file=None
    )
    assert {item.subject for item in report.failures} == {"lock: size", "lock: sha256", "lock: blake3"}
    assert statuses(report)["archive contents"] == "pass"  # well-formed, just not the official bytes


@pytest.mark.parametrize(
    ("name", "detail"),
    [
        ("go1.22.4.linux-amd64.tar.gz", "wrong version go1.22.4"),
        ("go1.22.5.linux-arm64.tar.gz", "wrong platform linux/arm64"),
        ("go1.22.5.darwin-amd64.tar.gz", "wrong platform darwin/amd64"),
        ("go1.22.5.linux-amd64.zip", "wrong format .zip"),
        ("go.tar.gz", "not a Go release archive name"),
    ],
)
def test_wrong_name_fails(tmp_path: Path, name: str, detail: str) -> None:
    data = go_archive(VERSION)
    path = write(tmp_path, name, data)
    report = verify_archive(
        path, version=VERSION, goos="linux", goarch="amd64", lock_entry=lock_of(data), index_file=None
    )
    assert not report.passed
    (failure,) = report.failures
    assert failure.subject == "file name"
    assert failure.expected == NAME and failure.found == name
    assert detail in failure.detail


def test_version_file_disagrees(tmp_path: Path) -> None:
    data = go_archive("go1.22.4")  # go/VERSION says go1.22.4, the name says go1.22.5
    path = write(tmp_path, NAME, data)
    report = verify_archive(
        path, version=VERSION, goos="linux", goarch="amd64", lock_entry=lock_of(data), index_file=None
    )
    (failure,) = report.failures
    assert (failure.subject, failure.expected, failure.found) == ("go/VERSION", VERSION, "go1.22.4")


def test_missing_version_file(tmp_path: Path) -> None:
    files = go_files(VERSION)
    del files["VERSION"]
    data = go_archive(VERSION, files=files)
    path = write(tmp_path, NAME, data)
    report = verify_archive(
        path, version=VERSION, goos="linux", goarch="amd64", lock_entry=lock_of(data), index_file=None
    )
    (failure,) = report.failures
    assert failure.subject == "go/VERSION" and "has no go/VERSION" in failure.detail


def test_index_that_lacks_the_file_fails(archive: tuple[Path, bytes]) -> None:
    path, data = archive
    index = index_with(("go1.22.5.linux-arm64.tar.gz", data))
    report = verify_archive(
        path,
        version=VERSION,
        goos="linux",
        goarch="amd64",
        lock_entry=lock_of(data),
        index_file=None,
        index=index,
    )
    (failure,) = report.failures
    assert failure.subject == "index" and "lacks it" in failure.detail
    assert not report.passed


def test_index_entry_for_another_platform_fails(archive: tuple[Path, bytes]) -> None:
    path, data = archive
    other = IndexFile(
        filename="go1.22.5.linux-arm64.tar.gz",
        os="linux",
        arch="arm64",
        version=VERSION,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        kind="archive",
    )
    report = verify_archive(
        path, version=VERSION, goos="linux", goarch="amd64", lock_entry=None, index_file=other
    )
    assert [item.subject for item in report.failures] == ["index: file"]
    assert "linux/arm64" in report.failures[0].describe()


def test_index_without_sha256_is_not_a_pass(archive: tuple[Path, bytes]) -> None:
    path, data = archive
    entry = IndexFile(NAME, "linux", "amd64", VERSION, None, len(data), "archive")
    report = verify_archive(
        path, version=VERSION, goos="linux", goarch="amd64", lock_entry=None, index_file=entry
    )
    assert not report.passed
    assert [item.subject for item in report.failures] == ["index: sha256"]


def _member(name: str, kind: bytes, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    return info


@pytest.mark.parametrize(
    ("member", "reason"),
    [
        (_member("go/evil", tarfile.SYMTYPE, "/etc/passwd"), "is a link"),
        (_member("go/hard", tarfile.LNKTYPE, "go/VERSION"), "is a link"),
        (_member("go/dev", tarfile.CHRTYPE), "is a special file"),
        (_member("go/../../etc/x", tarfile.REGTYPE), "not a clean path"),
        (_member("/go/abs", tarfile.REGTYPE), "absolute"),
        (_member("go/VERSION", tarfile.REGTYPE), "more than once"),
    ],
)
def test_hostile_archive_fails(tmp_path: Path, member: tarfile.TarInfo, reason: str) -> None:
    data = go_archive(VERSION, extra=[member])
    path = write(tmp_path, NAME, data)
    report = verify_archive(
        path, version=VERSION, goos="linux", goarch="amd64", lock_entry=lock_of(data), index_file=None
    )
    (failure,) = report.failures
    assert failure.subject == "archive contents" and reason in failure.detail
    assert report.toolchain_h1 is None
    assert not report.passed


def test_not_an_archive(tmp_path: Path) -> None:
    data = b"<html>not an archive</html>"
    path = write(tmp_path, NAME, data)
    report = verify_archive(
        path, version=VERSION, goos="linux", goarch="amd64", lock_entry=lock_of(data), index_file=None
    )
    assert {item.subject for item in report.failures} == {"go/VERSION", "archive contents"}


def test_windows_zip_and_linux_arm(tmp_path: Path) -> None:
    zipped = go_archive(VERSION, "windows", "amd64", zip_format=True)
    path = write(tmp_path, "go1.22.5.windows-amd64.zip", zipped)
    index = index_with(("go1.22.5.windows-amd64.zip", zipped))
    report = verify_archive(
        path, version=VERSION, goos="windows", goarch="amd64", lock_entry=None, index_file=None, index=index
    )
    assert report.passed, report.failures
    arm = go_archive(VERSION, "linux", "arm")
    path = write(tmp_path, "go1.22.5.linux-armv6l.tar.gz", arm)
    report = verify_archive(
        path, version=VERSION, goos="linux", goarch="arm", lock_entry=lock_of(arm), index_file=None
    )
    assert report.passed, report.failures


def test_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a Go release version"):
        verify_archive(
            tmp_path / NAME,
            version="1.22.5;x",
            goos="linux",
            goarch="amd64",
            lock_entry=None,
            index_file=None,
        )
    with pytest.raises(InputError, match="cannot be read"):
        verify_archive(
            tmp_path / NAME, version=VERSION, goos="linux", goarch="amd64", lock_entry=None, index_file=None
        )


def test_end_to_end_index_download_verify(tmp_path: Path) -> None:
    data = go_archive(VERSION)
    document = index_json({VERSION: [index_entry(NAME, data), index_entry("go1.22.5.src.tar.gz", b"src")]})
    policy = HttpPolicy(timeout=2.0, retries=1, backoff=0.01, trust_env=False)
    with DlServer() as server:
        server.serve("/dl/?mode=json&include=all", Answer.json(document))
        server.serve(f"/dl/{NAME}", Answer(body=data))
        index = fetch_index(server.url + "/dl", policy=policy)
        listed = find_archive(index, VERSION, "linux", "amd64")
        assert listed is not None and listed.sha256 is not None
        result = download_archive(
            file_url(server.url + "/dl", listed.filename),
            tmp_path,
            expected_size=listed.size,
            expected_sha256=listed.sha256,
            policy=policy,
        )
    report = verify_archive(
        result.path,
        version=VERSION,
        goos="linux",
        goarch="amd64",
        lock_entry=(result.digests.sha256, result.digests.blake3, result.digests.size),
        index_file=listed,
    )
    assert report.passed
    assert report.digests == result.digests


def test_archive_is_read_exactly_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One read pass feeds SHA-256, BLAKE3, the tree and go/VERSION: never read twice."""
    import builtins

    path = tmp_path / NAME
    path.write_bytes(go_archive())
    opened: list[str] = []
    real_open = builtins.open

    def counting_open(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if str(file) == str(path):
            opened.append(mode)
        return real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", counting_open)
    report = verify_archive(
        path, version=VERSION, goos="linux", goarch="amd64", lock_entry=None, index_file=None
    )
    assert opened == ["rb"]
    assert report.digests.size == path.stat().st_size
    assert report.toolchain_h1 is not None


def test_fifo_archive_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / NAME
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        verify_archive(fifo, version=VERSION, goos="linux", goarch="amd64", lock_entry=None, index_file=None)
