"""``gogate check`` on dependencies, end to end: a real Go builds, vendors and downloads hermetic
modules from a ``file://`` proxy, then each tamper must fail exactly the right check, naming the
module and the file, while Go's own commands pass or fail as the notes (§6, §7) say.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import socket
import stat
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from deps.modproxy import ModuleProxy
from goenv_support import run_go

from gogate.deps.modcache import download_dir, extracted_dir
from gogate.dirhash import hash_dir, hash_zip
from tests.e2e.conftest import Gate, Run, tree_digest
from tests.sumdb.server import Log, SumdbServer, new_signer

DEP = "example.com/dep"
OTHER = "example.com/Other"
DEP_FILES = {
    "go.mod": f"module {DEP}\n\ngo 1.21\n",
    "LICENSE": "MIT License\n",
    "dep.go": f'package dep\n\nimport "{DEP}/inner"\n\nfunc Value() int {{ return inner.Value() + 1 }}\n',
    "dep_test.go": "package dep\n",
    "inner/inner.go": "package inner\n\nfunc Value() int { return 41 }\n",
    "inner/NOTICE": "notice\n",
    "gen/gen.go": "//go:build ignore\n\npackage main\n",
    "unused/unused.go": "package unused\n",
}
OTHER_FILES = {
    "go.mod": f"module {OTHER}\n\ngo 1.22\n",
    "other.go": 'package other\n\nconst Name = "other"\n',
}
MAIN_GO = (
    f'package main\n\nimport (\n\t"{DEP}"\n\t"{OTHER}"\n)\n\n'
    "func main() { println(dep.Value(), other.Name) }\n"
)
CHECKS = "gosum,modcache,vendor"


@dataclass
class DepsRepo:
    gate: Gate
    proxy: ModuleProxy
    gomodcache: Path

    @property
    def repo(self) -> Path:
        return self.gate.repo

    def go(self, *args: str, cwd: Path | None = None) -> tuple[int, str]:
        result = run_go(self.gate.go, list(args), cwd=cwd or self.repo, env=self.gate.env)
        return result.returncode, result.stdout + result.stderr

    def check(self, *args: str, only: str = CHECKS) -> tuple[Run, dict[str, object]]:
        report = self.repo.parent / "report.json"
        run = self.gate.run("--only", only, "--json", str(report), *args)
        document = json.loads(report.read_text()) if report.exists() else {}
        report.unlink(missing_ok=True)
        return run, document

    def cached_zip(self, path: str, version: str) -> Path:
        return download_dir(str(self.gomodcache), path) / f"{version}.zip"

    def cached_dir(self, path: str, version: str) -> Path:
        return extracted_dir(str(self.gomodcache), path, version)


def _failing(document: dict[str, object]) -> dict[str, list[dict[str, object]]]:
    """check id -> its failing findings."""
    checks = document.get("checks", [])
    assert isinstance(checks, list)
    return {
        check["id"]: [f for f in check["findings"] if f["status"] == "fail"]
        for check in checks
        if any(f["status"] == "fail" for f in check["findings"])
    }


def _writable(path: Path) -> None:
    path.chmod(path.stat().st_mode | stat.S_IWUSR)


@pytest.fixture
def deps(gate: Gate, tmp_path: Path) -> DepsRepo:
    """The gate repository, now requiring two proxy modules, tidy, vendored and downloaded."""
    proxy = ModuleProxy(tmp_path / "proxy")
    proxy.add(DEP, "v1.0.0", DEP_FILES)
    proxy.add(OTHER, "v1.2.0", OTHER_FILES)
    gomodcache = Path(gate.env["GOPATH"]) / "pkg" / "mod"
    gate.env.update({"GOPROXY": proxy.url, "GONOSUMDB": "example.com", "GOFLAGS": "-modcacherw"})
    gate.write(
        {
            "go.mod": f"module example.com/app\n\ngo 1.22.0\n\ntoolchain go{gate.running}\n\n"
            f"require (\n\t{DEP} v1.0.0\n\t{OTHER} v1.2.0\n)\n",
            "main.go": MAIN_GO,
        }
    )
    repo = DepsRepo(gate, proxy, gomodcache)
    for command in (("mod", "tidy"), ("mod", "vendor"), ("mod", "download")):
        code, output = repo.go(*command)
        assert code == 0, output
    return repo


def test_untampered_repository_passes_every_check(deps: DepsRepo) -> None:
    before = tree_digest(deps.repo)
    cache_before = tree_digest(deps.gomodcache)
    run, document = deps.check()
    assert run.code == 0, run.out + run.err
    statuses = {check["id"]: check["status"] for check in document["checks"]}
    assert statuses["gosum"] == statuses["modcache"] == statuses["vendor"] == "pass"
    # Read-only: neither the repository nor the module cache changed.
    assert tree_digest(deps.repo) == before
    assert tree_digest(deps.gomodcache) == cache_before
    # The whole gate (every check of the mode) passes too.
    assert deps.gate.run().code == 0


def test_hand_edited_vendored_file_fails_vendor_while_go_builds(deps: DepsRepo) -> None:
    target = deps.repo / "vendor" / DEP / "inner" / "inner.go"
    target.write_text(target.read_text().replace("41", "666"))
    code, output = deps.go("build", "-mod=vendor", "-o", os.devnull, ".")
    assert code == 0, output  # Go accepts it silently (golang/go#27348)
    run, document = deps.check()
    assert run.code == 1
    failing = _failing(document)
    assert set(failing) == {"vendor"}
    (finding,) = failing["vendor"]
    assert finding["rule"] == "vendor.modified"
    assert f"vendor/{DEP}/inner/inner.go" in finding["message"]
    assert DEP in finding["subject"]


def test_added_and_removed_vendored_files_are_named(deps: DepsRepo) -> None:
    (deps.repo / "vendor" / DEP / "LICENSE").unlink()
    (deps.repo / "vendor" / DEP / "extra.txt").write_text("sneaky\n")
    run, document = deps.check()
    assert run.code == 1
    (finding,) = _failing(document)["vendor"]
    assert f"vendor/{DEP}/LICENSE" in finding["message"]
    assert f"vendor/{DEP}/extra.txt" in finding["message"]


@dataclass(frozen=True)
class Tamper:
    apply: Callable[[DepsRepo], None]
    check: str
    rule: str
    named: str
    go_args: tuple[str, ...] | None = None
    """A go command whose verdict the notes predict, and that verdict (True: it fails)."""
    go_fails: bool = True


def _drop_explicit(deps: DepsRepo) -> None:
    path = deps.repo / "vendor" / "modules.txt"
    lines = path.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith(f"# {OTHER} "))
    assert lines[start + 1].startswith("## explicit")
    del lines[start + 1]
    path.write_text("".join(lines))


def _drop_package_line(deps: DepsRepo) -> None:
    path = deps.repo / "vendor" / "modules.txt"
    text = path.read_text()
    assert f"\n{DEP}/inner\n" in text
    path.write_text(text.replace(f"\n{DEP}/inner\n", "\n"))


def _bump_gomod_version(deps: DepsRepo) -> None:
    deps.proxy.add(OTHER, "v1.2.1", OTHER_FILES)
    path = deps.repo / "go.mod"
    path.write_text(path.read_text().replace(f"{OTHER} v1.2.0", f"{OTHER} v1.2.1"))


def _unlisted_package(deps: DepsRepo) -> None:
    extra = deps.repo / "vendor" / "example.com" / "sneaky"
    extra.mkdir(parents=True)
    (extra / "sneaky.go").write_text("package sneaky\n")


def _flip_cached_zip(deps: DepsRepo) -> None:
    path = deps.cached_zip(DEP, "v1.0.0")
    _writable(path)
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    members[f"{DEP}@v1.0.0/dep.go"] += b"// flipped\n"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _edit_extracted_file(deps: DepsRepo) -> None:
    path = deps.cached_dir(DEP, "v1.0.0") / "inner" / "inner.go"
    _writable(path)
    path.write_text(path.read_text().replace("41", "7"))


def _alter_gosum_hash(deps: DepsRepo) -> None:
    path = deps.repo / "go.sum"
    lines = path.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{OTHER} v1.2.0 h1:"))
    head, _, digest = lines[index].rstrip("\n").rpartition("h1:")
    flipped = ("A" if digest[0] != "A" else "B") + digest[1:]
    lines[index] = f"{head}h1:{flipped}\n"
    path.write_text("".join(lines))


def _drop_gosum_line(deps: DepsRepo) -> None:
    path = deps.repo / "go.sum"
    lines = [
        line
        for line in path.read_text().splitlines(keepends=True)
        if not line.startswith(f"{DEP} v1.0.0 h1:")
    ]
    path.write_text("".join(lines))


TAMPERS = {
    "modules-txt-explicit-dropped": Tamper(
        _drop_explicit, "vendor", "vendor.inconsistent", OTHER, ("list", "-mod=vendor", "./...")
    ),
    "modules-txt-package-dropped": Tamper(
        _drop_package_line,
        "vendor",
        "vendor.inconsistent",
        f"{DEP}/inner",
        ("build", "-mod=vendor", "-o", os.devnull, "."),
        False,  # below go 1.23 Go builds from a package modules.txt does not list (notes §6)
    ),
    "gomod-version-changed": Tamper(
        _bump_gomod_version, "vendor", "vendor.inconsistent", OTHER, ("list", "-mod=vendor", "./...")
    ),
    "unlisted-package-directory": Tamper(
        _unlisted_package,
        "vendor",
        "vendor.inconsistent",
        "example.com/sneaky",
        ("list", "-mod=vendor", "./..."),
        False,
    ),
    "cached-zip-flipped": Tamper(
        _flip_cached_zip, "modcache", "modcache.zip-modified", DEP, ("mod", "verify")
    ),
    "extracted-file-edited": Tamper(
        _edit_extracted_file, "modcache", "modcache.dir-modified", "inner/inner.go", ("mod", "verify")
    ),
    "gosum-hash-altered": Tamper(
        _alter_gosum_hash,
        "modcache",
        "modcache.zip-modified",
        OTHER,
        ("build", "-mod=readonly", "-o", os.devnull, "."),
    ),
    "gosum-line-dropped": Tamper(
        _drop_gosum_line, "gosum", "gosum.missing", DEP, ("build", "-mod=readonly", "-o", os.devnull, ".")
    ),
}


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_each_tamper_fails_the_right_check(deps: DepsRepo, name: str) -> None:
    tamper = TAMPERS[name]
    tamper.apply(deps)
    if tamper.go_args is not None:
        code, output = deps.go(*tamper.go_args)
        assert (code != 0) is tamper.go_fails, output
    run, document = deps.check()
    assert run.code == 1, run.out + run.err
    failing = _failing(document)
    assert tamper.check in failing, failing
    rules = {finding["rule"] for finding in failing[tamper.check]}
    assert tamper.rule in rules, failing
    text = " ".join(str(finding["message"]) + str(finding["subject"]) for finding in failing[tamper.check])
    assert tamper.named in text


def test_consistent_cache_poisoning_passes_go_mod_verify_but_fails_modcache(deps: DepsRepo) -> None:
    """Rewrite the zip, the extracted tree and .ziphash together: what a poisoned CI cache looks like."""
    _flip_cached_zip(deps)
    directory = deps.cached_dir(DEP, "v1.0.0")
    for path in directory.rglob("*"):
        if path.is_file():
            _writable(path)
    (directory / "dep.go").write_text((directory / "dep.go").read_text() + "// flipped\n")
    zip_path = deps.cached_zip(DEP, "v1.0.0")
    ziphash = zip_path.with_suffix(".ziphash")
    _writable(ziphash)
    ziphash.write_text(hash_zip(zip_path))
    assert hash_dir(directory, f"{DEP}@v1.0.0") == hash_zip(zip_path)
    code, output = deps.go("mod", "verify")
    assert code == 0, output  # Go compares the cache with itself
    run, document = deps.check("--skip", "vendor", only="modcache")
    assert run.code == 1
    (finding,) = _failing(document)["modcache"]
    assert finding["rule"] == "modcache.zip-modified"
    assert "zip, extracted directory and .ziphash all say" in finding["message"]
    assert finding["found"] == hash_zip(zip_path)


def test_empty_module_cache_is_not_a_pass(deps: DepsRepo) -> None:
    shutil.rmtree(deps.gomodcache, onerror=lambda f, p, e: (_writable(Path(p).parent), f(p)))
    run, document = deps.check(only="modcache")
    checks = {check["id"]: check for check in document["checks"]}
    assert checks["modcache"]["status"] == "skip"
    assert "go mod download" in checks["modcache"]["skip_reason"]
    assert run.code == 3


def test_multi_module_repository_names_the_module(deps: DepsRepo) -> None:
    sub = deps.repo / "tools"
    sub.mkdir()
    (sub / "go.mod").write_text(f"module example.com/app/tools\n\ngo 1.22.0\n\nrequire {OTHER} v1.2.0\n")
    (sub / "tools.go").write_text(f'package tools\n\nimport _ "{OTHER}"\n')
    code, output = deps.go("mod", "tidy", cwd=sub)
    assert code == 0, output
    run, _ = deps.check()
    assert run.code == 0, run.out + run.err
    # Drop the sub-module's zip line: only it fails, and the finding names it.
    gosum = sub / "go.sum"
    gosum.write_text(
        "".join(line for line in gosum.read_text().splitlines(keepends=True) if "/go.mod" in line)
    )
    run, document = deps.check()
    assert run.code == 1
    (finding,) = _failing(document)["gosum"]
    assert "example.com/app/tools" in finding["message"]
    assert finding["path"] == "tools/go.sum"


# --- full mode: go.sum against a checksum database on loopback -------------------------------------


@pytest.fixture
def sumdb(deps: DepsRepo) -> Iterator[SumdbServer]:
    """A loopback checksum database holding the records of the repository's go.sum, as Go would."""
    log = Log(8)
    log.add_fillers(3)
    records: dict[str, list[str]] = {}
    for line in (deps.repo / "go.sum").read_text().splitlines():
        path, version, _ = line.split()
        records.setdefault(f"{path} {version.removesuffix('/go.mod')}", []).append(line)
    for key, lines in records.items():
        path, version = key.split()
        log.ids[(path, version)] = log.add("".join(f"{line}\n" for line in sorted(lines)).encode())
    with SumdbServer(log=log, signer=new_signer()) as server:
        deps.gate.env.update(
            {
                "GOSUMDB": server.gosumdb,
                "GONOSUMDB": "",
                "GOGATE_CACHE_DIR": str(deps.repo.parent / "gg-cache"),
            }
        )
        yield server


def test_full_mode_verifies_every_go_sum_line_in_the_checksum_database(
    deps: DepsRepo, sumdb: SumdbServer
) -> None:
    run, document = deps.check("--mode", "full", only="sumdb")
    assert run.code == 0, run.out + run.err
    (check,) = [c for c in document["checks"] if c["id"] == "sumdb"]
    lines = (deps.repo / "go.sum").read_text().splitlines()
    assert check["status"] == "pass"
    assert len([f for f in check["findings"] if f["rule"] == "sumdb.ok"]) == len(lines)
    assert any(request.startswith("/lookup/") for request in sumdb.requests)


def test_full_mode_altered_go_sum_hash_is_a_security_failure(deps: DepsRepo, sumdb: SumdbServer) -> None:
    _alter_gosum_hash(deps)
    run, document = deps.check("--mode", "full", only="sumdb")
    assert run.code == 1
    (finding,) = _failing(document)["sumdb"]
    assert finding["rule"] == "sumdb.mismatch"
    assert OTHER in finding["subject"] and "SECURITY" in finding["message"]
    assert finding["path"] == "go.sum" and finding["line"] == 1


def test_full_mode_unreachable_database_is_undecided_and_redacted(deps: DepsRepo, sumdb: SumdbServer) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    deps.gate.env["GOSUMDB"] = f"{sumdb.vkey} http://robot:s3cret@127.0.0.1:{port}"
    run, document = deps.check("--mode", "full", only="sumdb")
    assert run.code == 3, run.out + run.err
    assert "s3cret" not in run.out + run.err + json.dumps(document)
    (check,) = [c for c in document["checks"] if c["id"] == "sumdb"]
    assert check["status"] == "error"
    assert all(f["rule"] == "sumdb.unreachable" for f in check["findings"])
    assert f"127.0.0.1:{port}" in check["findings"][0]["message"]


def test_full_mode_lines_excluded_by_gonosumdb_are_not_passed(deps: DepsRepo, sumdb: SumdbServer) -> None:
    deps.gate.env["GONOSUMDB"] = "example.com/dep"
    run, document = deps.check("--mode", "full", only="sumdb")
    (check,) = [c for c in document["checks"] if c["id"] == "sumdb"]
    excluded = [f for f in check["findings"] if f["rule"] == "sumdb.excluded"]
    assert len(excluded) == 1 and excluded[0]["status"] == "warn"
    assert "example.com/dep@v1.0.0" in excluded[0]["message"] and "GONOSUMDB" in excluded[0]["message"]
    assert run.code == 0
    assert deps.check("--mode", "full", "--fail-on-warnings", only="sumdb")[0].code == 1


def test_malformed_go_sum_is_an_input_error_naming_file_and_line(deps: DepsRepo) -> None:
    path = deps.repo / "go.sum"
    path.write_text(path.read_text() + "example.com/broken v1.0.0\n")
    before = tree_digest(deps.repo)
    run, document = deps.check()
    assert run.code == 2
    lines = len(path.read_text().splitlines())
    assert f"go.sum:{lines}" in run.err
    assert document == {}  # nothing written
    assert tree_digest(deps.repo) == before


# --- where vendored modules' zips come from -----------------------------------------------------------


def _empty_cache(deps: DepsRepo) -> None:
    shutil.rmtree(deps.gomodcache, onerror=lambda f, p, e: (_writable(Path(p).parent), f(p)))


def _vendor_check(document: dict[str, object]) -> dict[str, object]:
    checks = document["checks"]
    assert isinstance(checks, list)
    (check,) = [c for c in checks if c["id"] == "vendor"]
    return check


def test_vendor_zips_come_from_a_file_proxy_when_the_cache_is_empty(deps: DepsRepo) -> None:
    _empty_cache(deps)
    run, document = deps.check(only="vendor")
    assert run.code == 0, run.out + run.err
    verified = [
        f for f in _vendor_check(document)["findings"] if f["rule"] == "vendor.ok" and "@" in f["subject"]
    ]
    assert {f["subject"] for f in verified} == {f"{DEP}@v1.0.0", f"{OTHER}@v1.2.0"}
    assert all("file://" in f["message"] for f in verified)
    assert not deps.gomodcache.exists()  # gogate downloaded nothing into the environment


class _ProxyHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
        pass


@pytest.fixture
def http_proxy(deps: DepsRepo) -> Iterator[str]:
    """The same modules served by a real HTTP server on loopback (as a GOPROXY with credentials)."""
    handler = functools.partial(_ProxyHandler, directory=str(deps.proxy.directory))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://robot:s3cret@127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()


def test_vendored_zips_are_fetched_over_http_once_then_kept_verified(deps: DepsRepo, http_proxy: str) -> None:
    """A vendored repository's merge-request job has no module cache: the zips come from GOPROXY
    (the only network use of minimal mode), and verified ones are kept in gogate's own cache."""
    _empty_cache(deps)
    deps.gate.env["GOPROXY"] = http_proxy
    run, document = deps.check(only="vendor")
    assert run.code == 0, run.out + run.err
    assert "s3cret" not in run.out + json.dumps(document)
    kept = sorted(
        p.name for p in (deps.repo.parent / "home" / ".cache" / "gogate" / "modules").rglob("*.zip")
    )
    assert kept == ["v1.0.0.zip", "v1.2.0.zip"]
    # The next job needs no network at all, and a hand edit is still caught.
    deps.gate.env["GOPROXY"] = "off"
    target = deps.repo / "vendor" / DEP / "dep.go"
    target.write_text(target.read_text() + "// edited\n")
    run, document = deps.check(only="vendor")
    assert run.code == 1
    sources = [f["message"] for f in _vendor_check(document)["findings"] if f["rule"] == "vendor.ok"]
    assert any(f"{OTHER}@v1.2.0 (gogate cache" in message for message in sources)
    assert not deps.gomodcache.exists()


def test_vendored_modules_nobody_could_verify_make_the_gate_undecided(deps: DepsRepo) -> None:
    _empty_cache(deps)
    deps.gate.env["GOPROXY"] = "off"
    target = deps.repo / "vendor" / DEP / "inner" / "inner.go"
    target.write_text(target.read_text() + "// edited\n")
    run, document = deps.check()  # the whole default gate, not just vendor
    assert run.code == 3, run.out
    unverified = [f for f in _vendor_check(document)["findings"] if f["rule"] == "vendor.not-verified"]
    assert len(unverified) == 2 and all(f["status"] == "error" for f in unverified)
    assert "GOPROXY=off" in unverified[0]["message"]
    assert "gate passed" not in run.out


def test_a_proxy_that_is_down_is_not_read_as_not_found(deps: DepsRepo) -> None:
    _empty_cache(deps)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    empty = deps.repo.parent / "empty-proxy"
    empty.mkdir()
    deps.gate.env["GOPROXY"] = f"http://127.0.0.1:{port}|{empty.as_uri()}"
    run, document = deps.check(only="vendor")
    assert run.code == 3, run.out
    rules = {f["rule"] for f in _vendor_check(document)["findings"] if f["status"] != "pass"}
    assert rules == {"vendor.not-verified"}
    # Every proxy answering "no such version" is a verdict, not an outage.
    deps.gate.env["GOPROXY"] = empty.as_uri()
    run, document = deps.check(only="vendor")
    assert run.code == 1
    assert "vendor.not-found" in _rules(document, "vendor")


def test_unreachable_proxy_is_undecided_naming_the_url_without_credentials(deps: DepsRepo) -> None:
    _empty_cache(deps)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    deps.gate.env["GOPROXY"] = f"http://robot:s3cret@127.0.0.1:{port}"
    run, document = deps.check("--mode", "full", only="vendor")
    assert run.code == 3, run.out + run.err
    assert "s3cret" not in run.out + run.err + json.dumps(document)
    errors = [f for f in _vendor_check(document)["findings"] if f["status"] == "error"]
    assert errors and all(f"127.0.0.1:{port}" in f["message"] for f in errors)


def test_cached_zip_breaking_a_module_zip_rule_is_rejected(deps: DepsRepo) -> None:
    path = deps.cached_zip(DEP, "v1.0.0")
    _writable(path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(f"{DEP}@v1.0.0/LICENSE.TXT", "collides with nothing\n")
        archive.writestr(f"{DEP}@v1.0.0/license", "case-folds onto LICENSE\n")
    run, document = deps.check()
    assert run.code == 1
    failing = _failing(document)
    assert "modcache.unreadable" in {f["rule"] for f in failing["modcache"]}
    (rejected,) = [f for f in failing["vendor"] if f["rule"] == "vendor.zip-rejected"]
    assert "case-insensitive file name collision" in rejected["message"]


# --- Go older than 1.23: no `go mod tidy -diff` ----------------------------------------------------


def test_go_before_1_23_decides_missing_lines_with_go_list(
    deps: DepsRepo, go_toolchain: Callable[[str], Path]
) -> None:
    old_go = go_toolchain("1.22.10")
    run, document = deps.check("--go", str(old_go), only="gosum")
    assert run.code == 0, run.out + run.err
    (check,) = [c for c in document["checks"] if c["id"] == "gosum"]
    (ok,) = check["findings"]
    assert "go list" in ok["message"] and "unneeded lines not checked" in ok["message"]
    _drop_gosum_line(deps)
    run, document = deps.check("--go", str(old_go), only="gosum")
    assert run.code == 1
    (missing,) = _failing(document)["gosum"]
    assert missing["rule"] == "gosum.missing" and DEP in missing["message"]


# --- a go.work workspace vendored with `go work vendor` ---------------------------------------------


@pytest.fixture
def workspace(deps: DepsRepo) -> DepsRepo:
    """The repository as a workspace of itself and tools/, vendored once for both by go work vendor."""
    shutil.rmtree(deps.repo / "vendor")
    tools = deps.repo / "tools"
    tools.mkdir()
    (tools / "go.mod").write_text(f"module example.com/app/tools\n\ngo 1.22.0\n\nrequire {OTHER} v1.2.0\n")
    (tools / "tools.go").write_text(f'package tools\n\nimport _ "{OTHER}"\n')
    code, output = deps.go("mod", "tidy", cwd=tools)
    assert code == 0, output
    (deps.repo / "go.work").write_text(
        f"go 1.22.0\n\ntoolchain go{deps.gate.running}\n\nuse (\n\t.\n\t./tools\n)\n"
    )
    code, output = deps.go("work", "vendor")
    assert code == 0, output
    assert (deps.repo / "vendor" / "modules.txt").read_text().startswith("## workspace\n")
    return deps


def test_workspace_vendor_passes_and_a_hand_edit_fails(workspace: DepsRepo) -> None:
    run, document = workspace.check()
    assert run.code == 0, run.out + run.err
    target = workspace.repo / "vendor" / OTHER / "other.go"
    target.write_text(target.read_text() + "// edited\n")
    code, output = workspace.go("build", "-o", os.devnull, ".")
    assert code == 0, output
    run, document = workspace.check()
    assert run.code == 1
    (finding,) = _failing(document)["vendor"]
    assert finding["rule"] == "vendor.modified" and f"vendor/{OTHER}/other.go" in finding["message"]
    assert "workspace" in finding["message"]


def test_workspace_vendor_inconsistency_matches_go(workspace: DepsRepo) -> None:
    _drop_explicit(workspace)
    code, _ = workspace.go("list", "./...")
    assert code != 0
    run, document = workspace.check()
    assert run.code == 1
    rules = {f["rule"] for f in _failing(document)["vendor"]}
    # The dropped line carried both the explicit marker and the go annotation.
    assert rules == {"vendor.inconsistent", "vendor.annotation"}


# --- what a careful attacker (or an odd pipeline) would try next ------------------------------------


def _rules(document: dict[str, object], check: str) -> set[str]:
    return {str(f["rule"]) for f in _failing(document).get(check, [])}


def test_symlinked_vendor_directory_fails_instead_of_being_skipped(deps: DepsRepo) -> None:
    elsewhere = deps.repo.parent / "third_party_vendor"
    (deps.repo / "vendor").rename(elsewhere)
    (deps.repo / "vendor").symlink_to(elsewhere)
    code, output = deps.go("build", "-mod=vendor", "-o", os.devnull, ".")
    assert code == 0, output  # Go builds through the link
    run, document = deps.check()
    assert run.code == 1
    assert _rules(document, "vendor") == {"vendor.irregular"}


def test_symlinks_and_fifos_inside_vendor_are_named_not_followed(deps: DepsRepo) -> None:
    outside = deps.repo.parent / "sneaky"
    outside.mkdir()
    (outside / "sneaky.go").write_text("package sneaky\n")
    (deps.repo / "vendor" / "example.com" / "sneaky").symlink_to(outside)
    licence = deps.repo / "vendor" / DEP / "LICENSE"
    copy = deps.repo.parent / "LICENSE.copy"
    copy.write_bytes(licence.read_bytes())
    licence.unlink()
    licence.symlink_to(copy)  # same bytes, but not what go mod vendor writes
    os.mkfifo(deps.repo / "vendor" / DEP / "inner" / "pipe.go")  # would block a reader forever
    run, document = deps.check()
    assert run.code == 1
    text = " ".join(str(f["message"]) for f in _failing(document)["vendor"])
    for name in ("vendor/example.com/sneaky", f"vendor/{DEP}/LICENSE", f"vendor/{DEP}/inner/pipe.go"):
        assert name in text


def test_made_up_vendored_module_without_go_sum_line_fails(deps: DepsRepo) -> None:
    evil = "example.com/evil"
    gomod = deps.repo / "go.mod"
    gomod.write_text(gomod.read_text().replace(f"\t{DEP} v1.0.0\n", f"\t{DEP} v1.0.0\n\t{evil} v1.0.0\n"))
    modules_txt = deps.repo / "vendor" / "modules.txt"
    modules_txt.write_text(modules_txt.read_text() + f"# {evil} v1.0.0\n## explicit; go 1.21\n{evil}\n")
    (deps.repo / "vendor" / evil).mkdir(parents=True)
    (deps.repo / "vendor" / evil / "evil.go").write_text("package evil\n")
    (deps.repo / "main.go").write_text(MAIN_GO.replace("import (\n", f'import (\n\t_ "{evil}"\n'))
    code, output = deps.go("build", "-mod=vendor", "-o", os.devnull, ".")
    assert code == 0, output
    run, document = deps.check()
    assert run.code == 1
    assert "vendor.no-sum" in _rules(document, "vendor")
    assert "gosum.missing" in _rules(document, "gosum")  # its /go.mod line, known without Go


def test_unsorted_go_sum_is_reformatted_not_missing(deps: DepsRepo) -> None:
    path = deps.repo / "go.sum"
    path.write_text("".join(reversed(path.read_text().splitlines(keepends=True))))
    run, document = deps.check(only="gosum")
    assert run.code == 0, run.out
    (check,) = [c for c in document["checks"] if c["id"] == "gosum"]
    assert [f["rule"] for f in check["findings"]] == ["gosum.reformatted"]


def test_goflags_that_hide_errors_or_swap_files_do_not_reach_go(deps: DepsRepo) -> None:
    _drop_gosum_line(deps)
    deps.gate.env["GOFLAGS"] = "-e -modcacherw"
    run, document = deps.check(only="gosum")
    assert run.code == 1 and "gosum.missing" in _rules(document, "gosum")
    for flag in ("-modfile=alt.mod", "-overlay=overlay.json"):
        deps.gate.env["GOFLAGS"] = flag
        run, document = deps.check(only="gosum")
        assert "gosum.goflags-files" in _rules(document, "gosum"), flag


def test_symlink_loop_in_the_module_cache_is_a_finding_not_a_crash(deps: DepsRepo) -> None:
    directory = deps.cached_dir(DEP, "v1.0.0")
    _writable(directory)
    (directory / "loop.go").symlink_to(directory / "loop.go")
    run, document = deps.check(only="modcache")
    assert run.code == 1, run.out + run.err
    assert "modcache.unreadable" in _rules(document, "modcache")


def test_full_mode_never_downloads_into_the_jobs_module_cache(deps: DepsRepo) -> None:
    _empty_cache(deps)
    run, document = deps.check("--mode", "full", only="gosum")
    assert run.code == 0, run.out + run.err
    assert not deps.gomodcache.exists()


def test_gosumdb_off_skips_the_sumdb_check(deps: DepsRepo) -> None:
    deps.gate.env["GOSUMDB"] = "off"
    run, document = deps.check("--mode", "full", only="sumdb")
    (check,) = [c for c in document["checks"] if c["id"] == "sumdb"]
    assert check["status"] == "skip" and "GOSUMDB=off" in check["skip_reason"]
    assert run.code == 3


def test_checksum_database_with_a_bad_signature_is_a_security_failure(
    deps: DepsRepo, sumdb: SumdbServer
) -> None:
    size = len(sumdb.log.records)
    # The tree size changes under the signature: the signature no longer verifies.
    sumdb.note_hook = lambda signed: signed.replace(
        f"go.sum database tree\n{size}\n".encode(), f"go.sum database tree\n{size - 1}\n".encode()
    )
    run, document = deps.check("--mode", "full", only="sumdb")
    assert run.code == 1, run.out + run.err
    assert _rules(document, "sumdb") == {"sumdb.untrusted"}


def test_goflags_from_a_go_env_file_are_filtered_too(deps: DepsRepo) -> None:
    _drop_gosum_line(deps)
    env_file = deps.repo.parent / "go.env"
    env_file.write_text("GOFLAGS=-e\n")
    deps.gate.env.update({"GOENV": str(env_file), "GOFLAGS": ""})
    run, document = deps.check(only="gosum")
    assert run.code == 1, run.out
    assert "gosum.missing" in _rules(document, "gosum")


def test_full_mode_uses_private_modules_already_in_the_jobs_cache(deps: DepsRepo) -> None:
    deps.gate.env.update({"GOPRIVATE": DEP, "GOPROXY": "off"})
    code, output = deps.go("build", "-mod=mod", "-o", os.devnull, ".")
    assert code == 0, output
    run, document = deps.check("--mode", "full", only="gosum")
    assert run.code == 0, run.out + run.err


def test_a_goproxy_that_is_down_leaves_sumdb_undecided_and_the_rest_reported(
    deps: DepsRepo, sumdb: SumdbServer
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # GOSUMDB names the database without a URL: it is reached through GOPROXY, which is down.
    deps.gate.env.update({"GOSUMDB": sumdb.vkey, "GOPROXY": f"http://127.0.0.1:{port}"})
    run, document = deps.check("--mode", "full", only="sumdb,gosum")
    assert run.code == 3, run.out + run.err
    checks = {c["id"]: c for c in document["checks"]}
    assert checks["sumdb"]["status"] == "error" and f"127.0.0.1:{port}" in checks["sumdb"]["error"]
    assert checks["gosum"]["status"] == "pass"
    assert sumdb.requests == []  # never went to the database directly


def test_an_unwritable_gogate_cache_only_costs_the_reuse(deps: DepsRepo) -> None:
    _empty_cache(deps)
    not_a_directory = deps.repo.parent / "cache-file"
    not_a_directory.write_text("")
    deps.gate.env["GOGATE_CACHE_DIR"] = str(not_a_directory)
    run, _ = deps.check(only="vendor")
    assert run.code == 0, run.out + run.err
    assert not list(Path(tempfile.gettempdir()).glob("gogate-download-*.zip"))
