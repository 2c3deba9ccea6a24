"""``gogate lock`` and ``gogate toolchain verify`` end to end, through ``gogate.cli.main``.

A loopback download index serves small distpack-layout archives (tests/dl_server.py), a loopback
checksum database with its own key serves the toolchain module's record (tests/sumdb/server.py).
Expected digests are computed independently here (hashlib, blake3, toolchain_tree). One online test
checks a real toolchain module directory against sum.golang.org through proxy.golang.org.
"""

from __future__ import annotations

import hashlib
import json
import platform
from pathlib import Path

import blake3
import pytest
from dl_server import Answer, DlServer
from goenv_support import find_go_bin

import gogate.toolchain_reference
from gogate.sumdb.client import SumdbConfig
from gogate.toolchain_tree import goroot_version, toolchain_tree_from_goroot
from tests.e2e import toolchain_support
from tests.e2e.toolchain_support import (
    NEXT,
    PLATFORMS,
    VERSION,
    Cli,
    Releases,
    archive_name,
    closed_port_url,
    flip_byte,
    index_path,
    serve_releases,
    unpack,
)
from tests.sumdb.server import Log, Module, SumdbServer, new_signer
from tests.test_toolchain_tree import (
    GO_BIN_VERSION,
    PROXY,
    Official,
    _proxy_unreachable,
    official,  # noqa: F401 - the session fixture, reused here
)

MODULE_VERSION = f"v0.0.1-go{VERSION}.linux-amd64"
MODULE_PREFIX = f"golang.org/toolchain@{MODULE_VERSION}/"


# --- gogate lock -------------------------------------------------------------------------------------


class TestLock:
    def test_writes_the_served_archives_digests_and_module_h1(
        self, cli: Cli, dl: DlServer, releases: Releases, tmp_path: Path
    ) -> None:
        run = cli.lock(dl.url)
        assert run.code == 0, run.text
        assert "wrote gogate.lock:" in run.out
        assert f"created for Go {VERSION}" in run.out
        lock = json.loads(cli.lock_file.read_text(encoding="utf-8"))
        assert lock["schema_version"] == 1
        assert lock["go_version"] == VERSION
        assert sorted(lock["platforms"]) == sorted(PLATFORMS)
        for key in PLATFORMS:
            data = releases.data(VERSION, key)
            entry = lock["platforms"][key]
            assert entry["archive"] == {
                "filename": archive_name(VERSION, key),
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "blake3": blake3.blake3(data).hexdigest(),
            }
            tree = releases.tree(tmp_path / "reference", VERSION, key)
            goos, _, goarch = key.partition("/")
            assert entry["module"] == {
                "path": "golang.org/toolchain",
                "version": f"v0.0.1-go{VERSION}.{goos}-{goarch}",
                "h1": tree.h1,
            }
            assert f"{key}: {archive_name(VERSION, key)} sha256 {hashlib.sha256(data).hexdigest()}" in run.out
        assert dl.count(index_path()) == 1
        assert not list(cli.repo.glob(".gogate.lock.*")), "no temporary file left behind"

    def test_second_run_writes_nothing(self, cli: Cli, dl: DlServer) -> None:
        assert cli.lock(dl.url).code == 0
        before = cli.lock_file.read_bytes()
        stamp = cli.lock_file.stat().st_mtime_ns
        run = cli.lock(dl.url)
        assert run.code == 0, run.text
        assert "gogate.lock: up to date, not written" in run.out
        assert "wrote" not in run.out
        assert cli.lock_file.read_bytes() == before
        assert cli.lock_file.stat().st_mtime_ns == stamp

    def test_pin_bump_fails_the_lock_check_until_relocked(
        self, cli: Cli, dl: DlServer, releases: Releases
    ) -> None:
        assert cli.lock(dl.url).code == 0
        check = cli.run("check", str(cli.repo), "--only", "lock,pins")
        assert check.code == 0, check.text

        cli.pin(NEXT)
        check = cli.run("check", str(cli.repo), "--only", "lock,pins")
        assert check.code == 1, check.text
        assert f"gogate.lock is for Go {VERSION}, the pin is {NEXT}" in check.out
        assert "run `gogate lock` to refresh gogate.lock" in check.out

        run = cli.lock(dl.url)
        assert run.code == 0, run.text
        assert "wrote gogate.lock:" in run.out
        assert f"go_version: {VERSION} -> {NEXT}" in run.out
        for key in PLATFORMS:
            renamed = f"{archive_name(VERSION, key)} -> {archive_name(NEXT, key)}"
            assert f"{key} archive.filename: {renamed}" in run.out
            assert f"{key} archive.sha256: " in run.out
            assert f"{key} module.h1: h1:" in run.out
        lock = json.loads(cli.lock_file.read_text(encoding="utf-8"))
        assert lock["go_version"] == NEXT
        data = releases.data(NEXT, "linux/arm64")
        assert lock["platforms"]["linux/arm64"]["archive"]["sha256"] == hashlib.sha256(data).hexdigest()
        check = cli.run("check", str(cli.repo), "--only", "lock,pins")
        assert check.code == 0, check.text

    def test_served_bytes_that_differ_from_the_index_write_nothing(
        self, cli: Cli, releases: Releases
    ) -> None:
        name = archive_name(VERSION, "linux/arm64")
        tampered = flip_byte(releases.archives[name])
        with DlServer() as server:
            serve_releases(server, releases, bodies={name: tampered})
            run = cli.lock(server.url)
        assert run.code == 1, run.text
        assert "SECURITY ERROR" in run.err
        assert "sha256: expected " + hashlib.sha256(releases.archives[name]).hexdigest() in run.err
        assert not cli.lock_file.exists()
        assert sorted(p.name for p in cli.repo.iterdir()) == ["go.version"]

    def test_tampered_archive_keeps_the_existing_lock(
        self, cli: Cli, dl: DlServer, releases: Releases
    ) -> None:
        assert cli.lock(dl.url).code == 0
        before = cli.lock_file.read_bytes()
        cli.pin(NEXT)
        name = archive_name(NEXT, "linux/amd64")
        with DlServer() as server:
            serve_releases(server, releases, bodies={name: flip_byte(releases.archives[name])})
            run = cli.lock(server.url)
        assert run.code == 1, run.text
        assert cli.lock_file.read_bytes() == before

    def test_index_answering_500_is_could_not_decide(self, cli: Cli, releases: Releases) -> None:
        with DlServer() as server:
            serve_releases(server, releases)
            server.serve(index_path(), Answer(500, b"oops"))
            run = cli.lock(server.url)
        assert run.code == 3, run.text
        assert "500" in run.err
        assert f"{server.url}/?mode=json&include=all" in run.err
        assert not cli.lock_file.exists()

    def test_index_server_down_is_could_not_decide(self, cli: Cli) -> None:
        url = closed_port_url()
        run = cli.lock(url)
        assert run.code == 3, run.text
        assert f"{url}/?mode=json&include=all" in run.err
        assert not cli.lock_file.exists()

    def test_offline_is_a_usage_error(self, cli: Cli, dl: DlServer) -> None:
        run = cli.lock(dl.url, "--offline")
        assert run.code == 2, run.text
        assert "--offline" in run.err
        assert dl.requests == []
        assert not cli.lock_file.exists()

    def test_dl_base_from_the_environment(self, cli: Cli, dl: DlServer) -> None:
        run = cli.run("lock", str(cli.repo), "--platform", "linux/amd64", env={"GOGATE_DL_BASE": dl.url})
        assert run.code == 0, run.text
        lock = json.loads(cli.lock_file.read_text(encoding="utf-8"))
        assert sorted(lock["platforms"]) == ["linux/amd64"]

    def test_a_malformed_lock_is_replaced(self, cli: Cli, dl: DlServer) -> None:
        """The lock's own remediation says "regenerate it with `gogate lock`": that must work."""
        cli.lock_file.write_text('{"schema_version": 1,\n', encoding="utf-8")
        run = cli.lock(dl.url)
        assert run.code == 0, run.text
        assert "wrote gogate.lock:" in run.out
        assert json.loads(cli.lock_file.read_text(encoding="utf-8"))["go_version"] == VERSION


# --- gogate toolchain verify --archive ---------------------------------------------------------------


class TestVerifyArchive:
    def test_the_served_archive_passes(
        self, cli: Cli, dl: DlServer, releases: Releases, tmp_path: Path
    ) -> None:
        archive = releases.write(tmp_path / "dl")
        run = cli.verify("--archive", str(archive), "--dl-base", dl.url)
        assert run.code == 0, run.text
        data = releases.data()
        digests = f"sha256 {hashlib.sha256(data).hexdigest()}  blake3 {blake3.blake3(data).hexdigest()}"
        assert digests in run.out
        assert "pass: index: sha256" in run.out
        assert f"verified: official go{VERSION} linux/amd64 archive" in run.out

    def test_one_flipped_byte_fails_naming_sha256(
        self, cli: Cli, dl: DlServer, releases: Releases, tmp_path: Path
    ) -> None:
        archive = releases.write(tmp_path / "dl")
        archive.write_bytes(flip_byte(archive.read_bytes()))
        run = cli.verify("--archive", str(archive), "--dl-base", dl.url)
        assert run.code == 1, run.text
        assert f"fail: index: sha256: expected {hashlib.sha256(releases.data()).hexdigest()}" in run.out
        assert "FAILED:" in run.out

    def test_flipped_byte_fails_against_the_lock_offline(
        self, cli: Cli, dl: DlServer, releases: Releases, tmp_path: Path
    ) -> None:
        assert cli.lock(dl.url).code == 0
        archive = releases.write(tmp_path / "dl")
        archive.write_bytes(flip_byte(archive.read_bytes()))
        run = cli.verify("--archive", str(archive), "--offline")
        assert run.code == 1, run.text
        assert "fail: lock: sha256" in run.out
        assert "fail: lock: blake3" in run.out

    def test_another_platforms_archive_under_this_name_fails(
        self, cli: Cli, dl: DlServer, releases: Releases, tmp_path: Path
    ) -> None:
        target = tmp_path / "dl" / archive_name(VERSION, "linux/arm64")
        target.parent.mkdir()
        target.write_bytes(releases.data(VERSION, "linux/amd64"))
        run = cli.verify("--archive", str(target), "--dl-base", dl.url)
        assert run.code == 1, run.text
        assert "fail: index: sha256" in run.out

    def test_wrong_platform_flag_fails_on_the_name(
        self, cli: Cli, dl: DlServer, releases: Releases, tmp_path: Path
    ) -> None:
        archive = releases.write(tmp_path / "dl")
        run = cli.verify("--archive", str(archive), "--dl-base", dl.url, "--platform", "linux/arm64")
        assert run.code == 1, run.text
        assert "fail: file name" in run.out
        assert "wrong platform linux/amd64" in run.out

    def test_another_release_under_the_pinned_name_fails(
        self, cli: Cli, dl: DlServer, releases: Releases, tmp_path: Path
    ) -> None:
        target = tmp_path / "dl" / archive_name(VERSION, "linux/amd64")
        target.parent.mkdir()
        target.write_bytes(releases.data(NEXT, "linux/amd64"))
        run = cli.verify("--archive", str(target), "--dl-base", dl.url)
        assert run.code == 1, run.text
        assert "fail: index: sha256" in run.out
        assert f"fail: go/VERSION: expected go{VERSION}, found go{NEXT}" in run.out

    def test_wrong_version_in_the_name_fails(
        self, cli: Cli, dl: DlServer, releases: Releases, tmp_path: Path
    ) -> None:
        archive = releases.write(tmp_path / "dl", NEXT)
        run = cli.verify("--archive", str(archive), "--dl-base", dl.url)
        assert run.code == 1, run.text
        assert f"wrong version go{NEXT}" in run.out

    def test_offline_with_a_matching_lock_passes(
        self, cli: Cli, dl: DlServer, releases: Releases, tmp_path: Path
    ) -> None:
        assert cli.lock(dl.url).code == 0
        seen = len(dl.requests)
        archive = releases.write(tmp_path / "dl")
        run = cli.verify("--archive", str(archive), "--offline", "--dl-base", dl.url)
        assert run.code == 0, run.text
        assert "pass: lock: sha256" in run.out
        assert "pass: lock: blake3" in run.out
        assert len(dl.requests) == seen, "--offline made a request"

    def test_offline_without_a_lock_cannot_decide(
        self, cli: Cli, dl: DlServer, releases: Releases, tmp_path: Path
    ) -> None:
        archive = releases.write(tmp_path / "dl")
        run = cli.verify("--archive", str(archive), "--offline", "--dl-base", dl.url)
        assert run.code == 3, run.text
        assert "could not decide" in run.out
        assert dl.requests == []

    def test_unreachable_index_cannot_decide_and_names_the_url(
        self, cli: Cli, releases: Releases, tmp_path: Path
    ) -> None:
        archive = releases.write(tmp_path / "dl")
        url = closed_port_url()
        run = cli.verify("--archive", str(archive), "--dl-base", url)
        assert run.code == 3, run.text
        assert f"{url}/?mode=json&include=all" in run.err


# --- gogate toolchain verify --goroot ----------------------------------------------------------------


@pytest.fixture
def goroot(releases: Releases, tmp_path: Path) -> Path:
    return unpack(releases.data(), tmp_path / "unpacked")


def _differences(out: str) -> list[str]:
    kinds = ("extra:", "missing:", "modified:")
    return [" ".join(line.split()) for line in out.splitlines() if line.lstrip().startswith(kinds)]


class TestVerifyGoroot:
    def test_expect_matching_h1_passes(
        self, cli: Cli, releases: Releases, goroot: Path, tmp_path: Path
    ) -> None:
        h1 = releases.tree(tmp_path / "reference").h1
        run = cli.verify("--goroot", str(goroot), "--expect", h1)
        assert run.code == 0, run.text
        assert f"go{VERSION} linux/amd64, toolchain module {MODULE_VERSION} {h1}" in run.out
        assert f"verified: matches --expect ({h1})" in run.out

    @pytest.mark.parametrize(
        ("change", "kind", "name"),
        [
            ("flip", "modified", "src/fmt/print.go"),
            ("add", "extra", "src/fmt/scan.go"),
            ("remove", "missing", "bin/gofmt"),
            ("add", "extra", "pkg/tool/linux_amd64/asm"),
            ("flip", "modified", "src/go.mod"),
        ],
    )
    def test_a_changed_file_fails_and_is_named(
        self,
        cli: Cli,
        releases: Releases,
        goroot: Path,
        tmp_path: Path,
        change: str,
        kind: str,
        name: str,
    ) -> None:
        reference = releases.write(tmp_path / "reference")
        h1 = releases.tree(tmp_path / "reference").h1
        path = goroot / name
        if change == "flip":
            path.write_bytes(flip_byte(path.read_bytes(), 0))
        elif change == "add":
            path.write_bytes(b"package fmt\n// added\n")
        else:
            path.unlink()
        run = cli.verify("--goroot", str(goroot), "--expect", h1)
        assert run.code == 1, run.text
        assert f"FAILED: not the official go{VERSION} linux/amd64: --expect says {h1}" in run.out
        assert "pass --archive" in run.out
        module_name = name.replace("go.mod", "_go.mod") if name.endswith("go.mod") else name
        run = cli.verify("--goroot", str(goroot), "--expect", h1, "--archive", str(reference))
        assert run.code == 1, run.text
        assert _differences(run.out) == [f"{kind}: {MODULE_PREFIX}{module_name}"]
        assert "note:" not in run.out

    def test_files_outside_the_module_are_not_counted(
        self, cli: Cli, releases: Releases, goroot: Path, tmp_path: Path
    ) -> None:
        h1 = releases.tree(tmp_path / "reference").h1
        (goroot / "test" / "helloworld.go").write_bytes(b"package changed\n")
        (goroot / "doc" / "go_spec.html").unlink()
        run = cli.verify("--goroot", str(goroot), "--expect", h1)
        assert run.code == 0, run.text

    def test_uses_gogate_lock(self, cli: Cli, dl: DlServer, goroot: Path) -> None:
        assert cli.lock(dl.url).code == 0
        h1 = json.loads(cli.lock_file.read_text(encoding="utf-8"))["platforms"]["linux/amd64"]["module"]["h1"]
        # GOSUMDB=off in the environment: had the lock not been used, this would be a usage error.
        run = cli.verify("--goroot", str(goroot))
        assert run.code == 0, run.text
        assert f"verified: matches gogate.lock ({h1})" in run.out
        run = cli.verify("--goroot", str(goroot), "--offline")
        assert run.code == 0, run.text

        (goroot / "bin" / "go").write_bytes(b"\x7fELF replaced")
        run = cli.verify("--goroot", str(goroot), "--offline")
        assert run.code == 1, run.text
        assert f"gogate.lock says {h1}" in run.out

    def test_expect_wins_over_the_lock(self, cli: Cli, dl: DlServer, goroot: Path) -> None:
        assert cli.lock(dl.url).code == 0
        other = "h1:" + "A" * 43 + "="
        run = cli.verify("--goroot", str(goroot), "--expect", other)
        assert run.code == 1, run.text
        assert f"--expect says {other}" in run.out

    def test_a_goroot_of_another_release_than_asked_fails(
        self, cli: Cli, releases: Releases, tmp_path: Path
    ) -> None:
        other = unpack(releases.data(NEXT), tmp_path / "next")
        h1 = releases.tree(tmp_path / "reference").h1
        run = cli.verify("--goroot", str(other), "--expect", h1, "--version", VERSION)
        assert run.code == 1, run.text
        assert f"VERSION says go{NEXT}, expected go{VERSION}" in run.out

    def test_a_goroot_of_another_release_than_the_pin_fails(
        self, cli: Cli, dl: DlServer, releases: Releases, tmp_path: Path
    ) -> None:
        """Without --version the repository's pin decides (as --help says), not the GOROOT's own VERSION."""
        assert cli.lock(dl.url).code == 0
        other = unpack(releases.data(NEXT), tmp_path / "next")
        run = cli.verify("--goroot", str(other))
        assert run.code == 1, run.text
        assert f"VERSION says go{NEXT}, expected go{VERSION}" in run.out
        run = cli.verify("--goroot", str(other), "--version", "not-a-version")
        assert run.code == 2, run.text
        assert "--version not-a-version" in run.err

    def test_checksum_database_match_and_mismatch(
        self, cli: Cli, releases: Releases, goroot: Path, tmp_path: Path
    ) -> None:
        h1 = releases.tree(tmp_path / "reference").h1
        signer = new_signer()
        for record_h1, expected in ((h1, 0), ("h1:" + "B" * 43 + "=", 1)):
            log = Log()
            log.add_fillers(7)
            go_mod = {"go.mod": b"module golang.org/toolchain\n"}
            module = Module("golang.org/toolchain", MODULE_VERSION, go_mod)
            log.add_module(module, h1=record_h1)
            log.add_fillers(3)
            with SumdbServer(log, signer) as sumdb:
                env = {"GOSUMDB": sumdb.gosumdb, "GOGATE_CACHE_DIR": str(tmp_path / f"cache-{expected}")}
                run = cli.verify("--goroot", str(goroot), env=env)
                assert any(path.startswith("/lookup/golang.org/toolchain@") for path in sumdb.requests)
            assert run.code == expected, run.text
            if expected == 0:
                assert f"verified: matches the checksum database ({h1})" in run.out
            else:
                assert f"the checksum database says {record_h1}, found {h1}" in run.out

    def test_checksum_database_unreachable_cannot_decide(self, cli: Cli, goroot: Path) -> None:
        signer = new_signer()
        url = closed_port_url()
        run = cli.verify("--goroot", str(goroot), env={"GOSUMDB": f"{signer.verifier_key()} {url}"})
        assert run.code == 3, run.text

    def test_offline_without_a_reference_cannot_decide(self, cli: Cli, goroot: Path) -> None:
        run = cli.verify("--goroot", str(goroot), "--offline")
        assert run.code == 3, run.text
        assert "could not decide" in run.out


# --- online: a real toolchain module against sum.golang.org (through proxy.golang.org) ----------------


@pytest.mark.online
def test_real_toolchain_module_against_the_checksum_database(
    official: dict[tuple[str, str], Official],  # noqa: F811 - the fixture imported above
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unreachable = _proxy_unreachable()
    if unreachable:
        pytest.skip(unreachable)
    module = official[(GO_BIN_VERSION, "amd64")]
    cli = Cli.create(tmp_path, pin=None)
    del cli.env["GOSUMDB"]  # the default, sum.golang.org, read through GOPROXY's /sumdb/ endpoint
    cli.env["GOPROXY"] = PROXY
    used: list[str] = []
    original = gogate.toolchain_reference.through_proxy

    def recording(config: SumdbConfig, goproxy: str | None) -> SumdbConfig:
        chosen = original(config, goproxy)
        used.append(chosen.url)
        return chosen

    monkeypatch.setattr(gogate.toolchain_reference, "through_proxy", recording)
    run = cli.verify("--goroot", str(module.dir))
    assert run.code == 0, run.text
    assert f"verified: matches the checksum database ({module.sum})" in run.out
    assert used == [f"{PROXY.rstrip('/')}/sumdb/sum.golang.org"]
    assert (tmp_path / "cache" / "sumdb").is_dir()

    go = find_go_bin()
    if go is None or "site-packages" not in str(go) or platform.machine() not in ("x86_64", "AMD64"):
        pytest.skip("the go-bin package (an amd64 GOROOT in site-packages/go) is not installed")
    go_bin_root = go.parent.parent
    if goroot_version(go_bin_root) != GO_BIN_VERSION:
        pytest.skip(f"go-bin here is {goroot_version(go_bin_root)}, the test expects {GO_BIN_VERSION}")
    run = cli.verify("--goroot", str(go_bin_root))
    assert run.code == 1, run.text
    assert f"the checksum database says {module.sum}" in run.out
    assert toolchain_tree_from_goroot(go_bin_root, GO_BIN_VERSION, "linux", "amd64").h1 in run.out


@pytest.mark.online
def test_repackaged_goroot_differences_named_against_the_module_zip(
    official: dict[tuple[str, str], Official],  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    """go-bin is a pruned repackaging: against the official module zip it must be named as such."""
    go = find_go_bin()
    if go is None or "site-packages" not in str(go) or platform.machine() not in ("x86_64", "AMD64"):
        pytest.skip("the go-bin package (an amd64 GOROOT in site-packages/go) is not installed")
    module = official[(GO_BIN_VERSION, "amd64")]
    cli = Cli.create(tmp_path, pin=None)
    run = cli.verify("--goroot", str(go.parent.parent), "--expect", module.sum, "--archive", str(module.zip))
    assert run.code == 1, run.text
    prefix = f"golang.org/toolchain@{module.module_version}/"
    assert f"extra:    {prefix}__init__.py" in run.out
    assert f"missing:  {prefix}LICENSE" in run.out
    assert "reference archive's h1" not in run.out  # the module zip is the official h1 itself


class TestLockCrossCheck:
    """The checksum database is an independent witness: a lock never records an h1 it disputes."""

    def _sumdb_env(self, sumdb: SumdbServer, tmp_path: Path) -> dict[str, str]:
        return {"GOSUMDB": sumdb.gosumdb, "GOGATE_CACHE_DIR": str(tmp_path / "cache-x")}

    def test_disputed_h1_fails_and_writes_nothing(
        self, cli: Cli, dl: DlServer, releases: Releases, tmp_path: Path
    ) -> None:
        log = Log()
        log.add_fillers(5)
        for target in PLATFORMS:
            module_version = f"v0.0.1-go{VERSION}.{target.replace('/', '-')}"
            go_mod = {"go.mod": b"module golang.org/toolchain\n"}
            log.add_module(Module("golang.org/toolchain", module_version, go_mod), h1="h1:" + "B" * 43 + "=")
        with SumdbServer(log, new_signer()) as sumdb:
            run = cli.lock(dl.url, env=self._sumdb_env(sumdb, tmp_path))
        assert run.code == 1, run.text
        assert "differs from the checksum database's" in run.err
        assert not cli.lock_file.exists()

    def test_matching_h1_is_said(self, cli: Cli, dl: DlServer, releases: Releases, tmp_path: Path) -> None:
        log = Log()
        log.add_fillers(5)
        for target in PLATFORMS:
            module_version = f"v0.0.1-go{VERSION}.{target.replace('/', '-')}"
            h1 = releases.tree(tmp_path / target.replace("/", "-"), VERSION, target).h1
            go_mod = {"go.mod": b"module golang.org/toolchain\n"}
            log.add_module(Module("golang.org/toolchain", module_version, go_mod), h1=h1)
        with SumdbServer(log, new_signer()) as sumdb:
            run = cli.lock(dl.url, env=self._sumdb_env(sumdb, tmp_path))
        assert run.code == 0, run.text
        assert run.out.count("h1 matches the checksum database") == len(PLATFORMS)


class TestDownloadArchives:
    """Full mode, `--download-archives`: every locked platform is fetched and checked against the lock."""

    def _check(self, cli: Cli, base: str) -> toolchain_support.Run:
        return cli.run(
            "check",
            str(cli.repo),
            "--mode",
            "full",
            "--only",
            "toolchain-archive,lock",
            "--download-archives",
            env={"GOGATE_DL_BASE": base},
        )

    def test_locked_archives_are_downloaded_and_verified(self, cli: Cli, dl: DlServer) -> None:
        assert cli.lock(dl.url).code == 0
        run = self._check(cli, dl.url)
        assert run.code == 0, run.text
        for target in PLATFORMS:
            assert dl.count("/" + archive_name(VERSION, target)) == 2  # once for the lock, once now

    def test_a_mirror_serving_other_bytes_fails(self, cli: Cli, dl: DlServer, releases: Releases) -> None:
        assert cli.lock(dl.url).code == 0
        name = archive_name(VERSION, "linux/amd64")
        with DlServer() as evil:
            serve_releases(evil, releases, bodies={name: flip_byte(releases.archives[name])})
            run = self._check(cli, evil.url)
        assert run.code == 1, run.text
        assert "sha256" in run.out

    def test_unreachable_index_is_undecided(self, cli: Cli, dl: DlServer) -> None:
        assert cli.lock(dl.url).code == 0
        run = self._check(cli, closed_port_url())
        assert run.code == 3, run.text
