"""go.sum lines checked against a loopback checksum database (real signing, tiles and proofs).

Never any host but 127.0.0.1: every GOSUMDB names a loopback URL, or a loopback GOPROXY proxies it.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sumdb.server import Log, LookupGate, Module, SumdbServer, make_module, make_modules, new_signer

from gogate.deps.model import SumLine
from gogate.deps.sumdb_verify import SumVerdict, sumdb_client_for, sumdb_exclusion, verify_sum_lines
from gogate.errors import InfrastructureError
from gogate.redact import REDACTED
from gogate.sumdb import SumdbClient, SumdbSecurityError, parse_gosumdb
from gogate.sumdb import note as sumdb_note

DB = "sum.gogate.test"


@pytest.fixture(scope="module")
def signer() -> sumdb_note.Signer:
    return new_signer(DB)


def _lines(modules: list[Module], *, first_line: int = 1) -> list[SumLine]:
    lines: list[SumLine] = []
    for module in modules:
        number = first_line + len(lines)
        lines.append(SumLine(module.path, module.version, False, module.h1, number))
        lines.append(SumLine(module.path, module.version, True, module.go_mod_h1, number + 1))
    return lines


def _log(modules: list[Module], *, fillers: int = 3, tag: str = "") -> Log:
    log = Log()
    log.add_fillers(fillers, tag=tag)
    log.add_modules(modules)
    log.add_fillers(fillers, tag=tag)
    return log


def _client(url: str, vkey: str, cache: Path, *, retries: int = 0, timeout: float = 5.0) -> SumdbClient:
    config = parse_gosumdb(f"{vkey} {url}")
    assert config is not None
    return SumdbClient(config, cache, timeout=timeout, retries=retries, backoff=0.01, trust_env=False)


def _lookups(server: SumdbServer) -> list[str]:
    return [path for path in server.requests if path.startswith("/lookup/")]


def _statuses(verdicts: list[SumVerdict]) -> list[str]:
    return [verdict.status for verdict in verdicts]


@pytest.fixture(scope="module")
def modules() -> list[Module]:
    return make_modules(40)


@pytest.fixture
def server(signer: sumdb_note.Signer, modules: list[Module]) -> Iterator[SumdbServer]:
    with SumdbServer(_log(modules), signer) as running:
        yield running


# ------------------------------------------------------------------------------------------ verdicts


def test_every_line_verified_with_one_lookup_per_module_version(
    server: SumdbServer, modules: list[Module], tmp_path: Path
) -> None:
    lines = _lines(modules)
    with _client(server.url, server.vkey, tmp_path) as client:
        verdicts = verify_sum_lines(client, lines, workers=8)
    assert [verdict.line for verdict in verdicts] == lines  # input order kept
    assert set(_statuses(verdicts)) == {"verified"}
    assert all(verdict.url and "/lookup/example.com/many/" in verdict.url for verdict in verdicts)
    assert "record 3 of sum.gogate.test" in verdicts[0].detail
    # The zip line and the /go.mod line of one version share a single lookup.
    assert sorted(_lookups(server)) == sorted(f"/lookup/{module.path}@{module.version}" for module in modules)


def test_flipped_h1_is_a_mismatch_naming_the_module_and_the_database_hash(
    server: SumdbServer, modules: list[Module], tmp_path: Path
) -> None:
    lines = _lines(modules[:5])
    wrong = "h1:" + "A" * 43 + "="
    lines[4] = SumLine(lines[4].path, lines[4].version, False, wrong, lines[4].line)
    with _client(server.url, server.vkey, tmp_path) as client:
        verdicts = verify_sum_lines(client, lines)
    assert _statuses(verdicts) == ["verified"] * 4 + ["mismatch"] + ["verified"] * 5
    detail = verdicts[4].detail
    assert modules[2].path in detail and modules[2].version in detail
    assert wrong in detail and modules[2].h1 in detail


def test_go_mod_line_mismatch(server: SumdbServer, modules: list[Module], tmp_path: Path) -> None:
    lines = _lines(modules[:1])
    changed_go_mod = "h1:" + "B" * 43 + "="
    lines[1] = SumLine(lines[1].path, lines[1].version, True, changed_go_mod, 2)
    with _client(server.url, server.vkey, tmp_path) as client:
        verdicts = verify_sum_lines(client, lines)
    assert _statuses(verdicts) == ["verified", "mismatch"]
    assert f"{modules[0].path} {modules[0].version}/go.mod" in verdicts[1].detail
    assert modules[0].go_mod_h1 in verdicts[1].detail


def test_version_unknown_to_the_database_is_missing(
    server: SumdbServer, modules: list[Module], tmp_path: Path
) -> None:
    unknown = make_module("example.com/unknown", "v9.9.9")
    lines = _lines([modules[0], unknown])
    with _client(server.url, server.vkey, tmp_path) as client:
        verdicts = verify_sum_lines(client, lines)
    assert _statuses(verdicts) == ["verified", "verified", "missing", "missing"]
    assert "404" in verdicts[2].detail and "example.com/unknown v9.9.9" in verdicts[2].detail
    assert verdicts[2].url == f"{server.url}/lookup/example.com/unknown@v9.9.9"


def test_record_without_the_go_mod_line_is_missing(signer: sumdb_note.Signer, tmp_path: Path) -> None:
    module = make_module("example.com/half", "v1.0.0")
    log = Log()
    log.add_fillers(2)
    log.ids[(module.path, module.version)] = log.add(f"{module.path} {module.version} {module.h1}\n".encode())
    with SumdbServer(log, signer) as server, _client(server.url, server.vkey, tmp_path) as client:
        verdicts = verify_sum_lines(client, _lines([module]))
    assert _statuses(verdicts) == ["verified", "missing"]
    assert "has no line" in verdicts[1].detail


def test_a_record_of_another_module_is_not_a_pass(
    server: SumdbServer, modules: list[Module], tmp_path: Path
) -> None:
    # A lying server answers with a genuine, provable record, but of a different module.
    def other_record(body: bytes) -> bytes:
        from gogate.sumdb import tlog

        record_id = server.log.ids[(modules[1].path, modules[1].version)]
        return tlog.format_record(record_id, server.log.records[record_id])

    server.lookup_hook = other_record
    with _client(server.url, server.vkey, tmp_path) as client:
        verdicts = verify_sum_lines(client, _lines(modules[:1]))
    assert _statuses(verdicts) == ["missing", "missing"]


def test_malformed_module_path_is_an_error_verdict(server: SumdbServer, tmp_path: Path) -> None:
    line = SumLine("not-a-module-path", "v1.0.0", False, "h1:" + "A" * 43 + "=", 7)
    with _client(server.url, server.vkey, tmp_path) as client:
        verdicts = verify_sum_lines(client, [line])
    assert _statuses(verdicts) == ["error"]
    assert "malformed module path" in verdicts[0].detail
    assert _lookups(server) == []


def test_tampered_tile_raises_the_security_error(
    server: SumdbServer, modules: list[Module], tmp_path: Path
) -> None:
    def flip(path: str, data: bytes) -> bytes:
        return bytes([data[0] ^ 1]) + data[1:] if path.startswith("/tile/8/0/") else data

    server.tile_hook = flip
    with _client(server.url, server.vkey, tmp_path) as client, pytest.raises(SumdbSecurityError) as caught:
        verify_sum_lines(client, _lines(modules[:10]), workers=4)
    assert caught.value.kind == "bad-tile"


# --------------------------------------------------------------------------------------- concurrency


def test_lookups_run_concurrently_and_never_above_the_bound(
    signer: sumdb_note.Signer, modules: list[Module], tmp_path: Path
) -> None:
    workers = 4
    lines = _lines(modules[:20])
    with SumdbServer(_log(modules[:20]), signer) as server:
        # A gate that opens only when `workers` lookups wait together: they really run in parallel.
        # (Its timeout is only a way out if they do not; the client waits longer than the gate.)
        server.lookup_gate = together = LookupGate(workers, timeout=20.0)
        with _client(server.url, server.vkey, tmp_path / "a", timeout=60.0) as client:
            verdicts = verify_sum_lines(client, lines, workers=workers)
        assert set(_statuses(verdicts)) == {"verified"}
        assert together.opened_full == 20 // workers and together.opened_on_timeout == 0
        # A gate for one lookup more than the bound never fills: it can only open on its timeout.
        server.lookup_gate = one_more = LookupGate(workers + 1, timeout=2.0)
        with _client(server.url, server.vkey, tmp_path / "b", timeout=60.0) as client:
            verdicts = verify_sum_lines(client, lines, workers=workers)
        assert set(_statuses(verdicts)) == {"verified"}
        assert one_more.opened_full == 0 and one_more.opened_on_timeout == 1
    assert server.max_lookups_in_flight == workers
    assert server.max_in_flight <= workers  # tile reads included


def test_hammering_one_shared_client_verifies_everything_and_reuses_tiles(
    signer: sumdb_note.Signer, tmp_path: Path
) -> None:
    many = make_modules(300, prefix="example.com/hammer")
    log = _log(many, fillers=20)
    with SumdbServer(log, signer) as server:
        with _client(server.url, server.vkey, tmp_path) as client:
            verdicts = verify_sum_lines(client, _lines(many), workers=32)
        assert set(_statuses(verdicts)) == {"verified"}
        latest = (tmp_path / DB / "latest").read_bytes()
        assert latest == server.signed_tree()
        first_tiles = [path for path in server.requests if path.startswith("/tile/")]
        server.requests.clear()
        with _client(server.url, server.vkey, tmp_path) as client:
            again = verify_sum_lines(client, _lines(many[:50]), workers=32)
    assert set(_statuses(again)) == {"verified"}
    assert first_tiles
    # Every tile a proof needs was cached by the first run: the second one only looks up.
    assert [path for path in server.requests if path.startswith("/tile/")] == []


def test_a_fork_served_mid_run_raises_the_security_error(signer: sumdb_note.Signer, tmp_path: Path) -> None:
    many = make_modules(120, prefix="example.com/fork")
    honest = _log(many, fillers=5, tag="honest")
    forked = _log(many, fillers=5, tag="forked")  # same size, same module records, other fillers
    assert honest.tree.n == forked.tree.n and honest.tree.hash != forked.tree.hash
    served = {"lookups": 0}

    with SumdbServer(honest, signer) as server:

        def switch(path: str) -> None:
            if path.startswith("/lookup/"):
                served["lookups"] += 1
                if served["lookups"] == 40:
                    server.log = forked

        server.before_response = switch
        with (
            _client(server.url, server.vkey, tmp_path) as client,
            pytest.raises(SumdbSecurityError) as caught,
        ):
            verify_sum_lines(client, _lines(many), workers=16)
    # A same-size tree with another root is a fork; a proof read from the other tree is a bad tile.
    assert caught.value.kind in {"fork", "bad-tile"}
    # Lookups stop once the database is known to lie.
    assert served["lookups"] < len(many)


# -------------------------------------------------------------------------------------------- faults


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_database_gives_error_verdicts_with_redacted_url(
    modules: list[Module], signer: sumdb_note.Signer, tmp_path: Path
) -> None:
    url = f"http://gogate-user:s3cr3t-pass@127.0.0.1:{_closed_port()}"
    with _client(url, signer.verifier_key(), tmp_path) as client:
        verdicts = verify_sum_lines(client, _lines(modules[:10]), workers=2, give_up_after=3)
    assert set(_statuses(verdicts)) == {"error"}
    for verdict in verdicts:
        assert verdict.url is not None and REDACTED in verdict.url and "127.0.0.1" in verdict.url
        assert "s3cr3t" not in verdict.detail + verdict.url and "gogate-user" not in verdict.detail
    attempted = [v for v in verdicts if "not looked up" not in v.detail]
    skipped = [v for v in verdicts if "not looked up" in v.detail]
    assert any("/lookup/" in v.detail for v in attempted)  # the failing URL is named
    assert skipped and all("gave up after" in v.detail for v in skipped)


def test_dropped_connections_become_error_verdicts_for_those_modules_only(
    server: SumdbServer, modules: list[Module], tmp_path: Path
) -> None:
    dropped = {f"/lookup/{module.path}@{module.version}" for module in modules[3:5]}
    server.drop = lambda path: path in dropped
    lines = _lines(modules[:10])
    credentials_url = server.url.replace("http://", "http://ci:tok3n-value@")
    with _client(credentials_url, server.vkey, tmp_path) as client:
        verdicts = verify_sum_lines(client, lines, workers=3, give_up_after=0)
    statuses = _statuses(verdicts)
    assert statuses == ["verified"] * 6 + ["error"] * 4 + ["verified"] * 10
    for verdict in verdicts[6:10]:
        assert verdict.url is not None and verdict.url.endswith(f"@{verdict.line.version}")
        assert "tok3n" not in verdict.detail + verdict.url and REDACTED in verdict.url
        assert "Disconnected" in verdict.detail or "disconnected" in verdict.detail


def test_no_lines_no_lookups(server: SumdbServer, tmp_path: Path) -> None:
    with _client(server.url, server.vkey, tmp_path) as client:
        assert verify_sum_lines(client, []) == []
    assert server.requests == []


# ---------------------------------------------------------------------------------------- exclusions


@pytest.mark.parametrize(
    ("settings", "module", "variable", "pattern"),
    [
        ({"GOSUMDB": "off"}, "example.com/a", "GOSUMDB=off", None),
        ({"GONOSUMDB": "example.com"}, "example.com/a/b", "GONOSUMDB=example.com", "'example.com'"),
        ({"GOPRIVATE": "*.corp,example.com/a"}, "example.com/a", "GOPRIVATE=", "'example.com/a'"),
        ({"GONOSUMDB": "", "GOPRIVATE": "example.com"}, "example.com/a", "GOPRIVATE=", "'example.com'"),
        ({"GONOSUMCHECK": "x.io,example.com/*"}, "example.com/a/b", "GONOSUMCHECK=", "'example.com/*'"),
    ],
)
def test_exclusion_reasons_name_the_variable_and_the_pattern(
    settings: dict[str, str], module: str, variable: str, pattern: str | None
) -> None:
    reason = sumdb_exclusion(module, settings)
    assert reason is not None and variable in reason
    if pattern is not None:
        assert pattern in reason and module in reason


def test_gonosumcheck_reason_says_go_ignores_it() -> None:
    reason = sumdb_exclusion("example.com/a", {"GONOSUMCHECK": "example.com"})
    assert reason is not None and "not a Go setting" in reason


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"GOSUMDB": "sum.golang.org"},
        {"GONOSUMDB": "example.org", "GOPRIVATE": "example.com"},  # GONOSUMDB wins over GOPRIVATE
        {"GONOSUMDB": " example.com"},
        {"GOINSECURE": "*"},
        {"GOFLAGS": "-insecure"},
        {"GONOPROXY": "*"},
    ],
)
def test_not_excluded(settings: dict[str, str]) -> None:
    assert sumdb_exclusion("example.com/a", settings) is None


def test_toolchain_module_is_always_looked_up_unless_gosumdb_is_off() -> None:
    assert sumdb_exclusion("golang.org/toolchain", {"GONOSUMDB": "*", "GOPRIVATE": "*"}) is None
    assert sumdb_exclusion("golang.org/toolchain", {"GOSUMDB": "off"}) is not None


def test_exclusion_reason_is_redacted() -> None:
    reason = sumdb_exclusion("example.com/a", {"GONOSUMDB": "example.com,https://u:hunter22@x.io"})
    assert reason is not None and "hunter22" not in reason


# ----------------------------------------------------------------------------- GOSUMDB and GOPROXY


def test_client_goes_through_the_goproxy_that_proxies_the_database(
    signer: sumdb_note.Signer, modules: list[Module], tmp_path: Path
) -> None:
    mount = f"/sumdb/{DB}"
    with (
        SumdbServer(_log(modules), signer, mount="/elsewhere") as refusing,
        SumdbServer(_log(modules), signer, mount=mount) as proxy,
    ):
        settings = {"GOSUMDB": signer.verifier_key(), "GOPROXY": f"{refusing.url},{proxy.url},direct"}
        client = sumdb_client_for(settings, {"GOGATE_CACHE_DIR": str(tmp_path / "cache")}, retries=0)
        assert client is not None
        with client:
            assert client.config.url == proxy.url + mount
            verdicts = verify_sum_lines(client, _lines(modules[:6]))
    assert set(_statuses(verdicts)) == {"verified"}
    assert all(verdict.url and verdict.url.startswith(proxy.url + mount + "/lookup/") for verdict in verdicts)
    assert len(_lookups(proxy)) == 6 and _lookups(refusing) == []
    assert (tmp_path / "cache" / "sumdb" / DB / "latest").read_bytes() == proxy.signed_tree()


def test_explicit_gosumdb_url_bypasses_goproxy(
    signer: sumdb_note.Signer, modules: list[Module], tmp_path: Path
) -> None:
    with (
        SumdbServer(_log(modules), signer) as database,
        SumdbServer(_log(modules), signer, mount=f"/sumdb/{DB}") as proxy,
    ):
        settings = {"GOSUMDB": database.gosumdb, "GOPROXY": proxy.url}
        client = sumdb_client_for(settings, {"GOGATE_CACHE_DIR": str(tmp_path)}, retries=0)
        assert client is not None
        with client:
            verdicts = verify_sum_lines(client, _lines(modules[:2]))
    assert set(_statuses(verdicts)) == {"verified"}
    assert proxy.requests == [] and len(_lookups(database)) == 2


@pytest.mark.parametrize("goproxy", ["direct", "off", "file:///nonexistent/proxy,direct"])
def test_without_a_proxying_goproxy_the_database_is_read_directly(
    signer: sumdb_note.Signer, tmp_path: Path, goproxy: str
) -> None:
    client = sumdb_client_for({"GOSUMDB": signer.verifier_key(), "GOPROXY": goproxy}, {"HOME": str(tmp_path)})
    assert client is not None
    with client:
        assert client.config.url == f"https://{DB}"
        assert client.cache_dir == tmp_path / ".cache" / "gogate" / "sumdb"


def test_gosumdb_off_gives_no_client(tmp_path: Path) -> None:
    assert sumdb_client_for({"GOSUMDB": "off", "GOPROXY": "off"}, {"HOME": str(tmp_path)}) is None


def test_infrastructure_error_class_is_what_an_unreachable_database_raises(
    signer: sumdb_note.Signer, tmp_path: Path
) -> None:
    # What the verdict "error" stands for: the client's own exception for the same fault.
    url = f"http://127.0.0.1:{_closed_port()}"
    with (
        _client(url, signer.verifier_key(), tmp_path) as client,
        pytest.raises(InfrastructureError, match="/lookup/example.com/a@v1.0.0"),
    ):
        client.lookup("example.com/a", "v1.0.0")


def test_a_goproxy_that_is_down_is_an_error_not_a_reason_to_go_direct(
    signer: sumdb_note.Signer, modules: list[Module], tmp_path: Path
) -> None:
    """cmd/go passes over a proxy only when it answers 404/410 for /supported; otherwise it fails."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with SumdbServer(_log(modules), signer, mount=f"/sumdb/{DB}") as proxy:
        settings = {"GOSUMDB": signer.verifier_key(), "GOPROXY": f"http://127.0.0.1:{port},{proxy.url}"}
        with pytest.raises(InfrastructureError, match=f"127.0.0.1:{port}"):
            sumdb_client_for(settings, {"GOGATE_CACHE_DIR": str(tmp_path)}, retries=0)
    assert proxy.requests == []
