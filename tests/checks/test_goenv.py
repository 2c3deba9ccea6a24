"""Check ``goenv``: each risky setting, Go's pattern matching, and a clean environment."""

from __future__ import annotations

import pytest

from gogate.checks.goenv import GoEnvCheck, matches_everything, module_pattern_matches
from gogate.checks.interface import Facts
from gogate.facts.model import GoEnv, GoToolchainFacts, PinKind, PinRecord, PinSource, RepoFacts
from gogate.results import Status

PIN = PinRecord(
    source=PinSource.GO_VERSION_FILE,
    kind=PinKind.EXACT,
    path="go.version",
    line=1,
    raw="1.22.5",
    version="1.22.5",
)
CLEAN = {"GOSUMDB": "sum.golang.org", "GOPROXY": "https://proxy.golang.org,direct", "GOFLAGS": ""}


def _run(
    settings: dict[str, str], gotoolchain: str = "local", process: dict[str, str] | None = None
) -> dict[str, Status]:
    env = GoEnv(
        goversion="go1.22.5",
        goroot="/go",
        goos="linux",
        goarch="amd64",
        gotoolchain=gotoolchain,
        settings={**CLEAN, **settings},
    )
    facts = Facts(
        repo=RepoFacts(root="/r", pin=PIN, records=()),
        toolchain=GoToolchainFacts(go_path="/go/bin/go", env=env, process_env=process or {}),
    )
    return {f.rule: f.status for f in GoEnvCheck().run(facts).findings if f.status is not Status.PASS}


def test_clean_environment_has_no_findings() -> None:
    assert _run({}) == {}


@pytest.mark.parametrize(
    ("settings", "rule", "status"),
    [
        ({"GOSUMDB": "off"}, "goenv.gosumdb-off", Status.FAIL),
        ({"GONOSUMDB": "*"}, "goenv.nosumdb-all", Status.FAIL),
        # go env reports GONOSUMDB with GOPRIVATE as its default.
        ({"GOPRIVATE": "*,example.com", "GONOSUMDB": "*,example.com"}, "goenv.nosumdb-all", Status.FAIL),
        ({"GOINSECURE": "*"}, "goenv.insecure-all", Status.FAIL),
        ({"GOFLAGS": "-trimpath -mod=mod"}, "goenv.goflags-mod-mod", Status.WARN),
        ({"GOFLAGS": "-insecure"}, "goenv.goflags-insecure", Status.FAIL),
        ({"GOFLAGS": "--mod=mod"}, "goenv.goflags-mod-mod", Status.WARN),
        ({"GOFLAGS": "-mod=readonly -mod=mod"}, "goenv.goflags-mod-mod", Status.WARN),
        ({"GOFLAGS": "-insecure=true"}, "goenv.goflags-insecure", Status.FAIL),
        ({"GOPROXY": "off"}, "goenv.goproxy-off", Status.WARN),
        ({"GOPROXY": "direct"}, "goenv.goproxy-direct", Status.WARN),
        ({"GO111MODULE": "off"}, "goenv.go111module-off", Status.FAIL),
    ],
)
def test_each_risky_setting(settings: dict[str, str], rule: str, status: Status) -> None:
    assert _run(settings) == {rule: status}


def test_gonosumcheck_from_process_environment() -> None:
    assert _run({}, process={"GONOSUMCHECK": "*/*"}) == {"goenv.nosumdb-all": Status.FAIL}


@pytest.mark.parametrize("value", ["auto", "path", "go1.22.5+auto", "local+path"])
def test_switching_gotoolchain_warns(value: str) -> None:
    assert _run({}, gotoolchain=value) == {"goenv.gotoolchain-switch": Status.WARN}


def test_pinned_gotoolchain_is_fine() -> None:
    assert _run({}, gotoolchain="go1.22.5") == {}


@pytest.mark.parametrize(
    ("patterns", "path", "expected"),
    [
        ("*", "github.com/a/b", True),
        ("github.com/org", "github.com/org/repo/sub", True),
        ("github.com/org", "github.com/organization/repo", False),
        ("*.corp.example.com", "git.corp.example.com/x", True),
        ("git.corp.example.com/*", "git.corp.example.com/team/x", True),
        ("git.corp.example.com/*", "git.corp.example.com", False),
        # Go trims nothing: " golang.org/x" (leading space) matches nothing (tests/deps/test_patterns.py).
        (" , golang.org/x", "golang.org/x/mod", False),
        (",golang.org/x", "golang.org/x/mod", True),
    ],
)
def test_module_pattern_matching(patterns: str, path: str, expected: bool) -> None:
    assert module_pattern_matches(patterns, path) is expected


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [("*", True), ("*/*", True), ("*,*/*", True), ("github.com", False), ("", False)],
)
def test_matches_everything(patterns: str, expected: bool) -> None:
    assert matches_everything(patterns) is expected


@pytest.mark.parametrize(
    "settings",
    [
        {"GOPRIVATE": "*", "GONOSUMDB": "corp.example"},
        {"GOFLAGS": "-mod=mod -mod=readonly"},
        {"GOFLAGS": "-insecure=false"},
    ],
)
def test_settings_go_does_not_apply_are_not_blamed(settings: dict[str, str]) -> None:
    assert _run(settings) == {}
