"""Check ``toolchain`` on hand-made facts: installed and effective toolchain against the pin."""

from __future__ import annotations

from gogate.checks.interface import Facts
from gogate.checks.toolchain import ToolchainCheck
from gogate.facts.model import (
    EffectiveToolchain,
    GoEnv,
    GoToolchainFacts,
    PinKind,
    PinRecord,
    PinSource,
    RepoFacts,
)
from gogate.results import Status

PIN = PinRecord(
    source=PinSource.GO_VERSION_FILE,
    kind=PinKind.EXACT,
    path="go.version",
    line=3,
    raw="1.22.5",
    version="1.22.5",
)


def _run(toolchain: GoToolchainFacts) -> dict[str, tuple[Status, str]]:
    facts = Facts(repo=RepoFacts(root="/r", pin=PIN, records=()), toolchain=toolchain)
    return {f.subject: (f.status, f.message) for f in ToolchainCheck().run(facts).findings}


def _facts(
    installed: str, effective: EffectiveToolchain | None, error: str | None = None
) -> GoToolchainFacts:
    env = GoEnv(goversion=installed, goroot="/opt/go", goos="linux", goarch="arm64", gotoolchain="auto")
    return GoToolchainFacts(go_path="/opt/go/bin/go", env=env, effective=effective, effective_error=error)


def _local(name: str) -> EffectiveToolchain:
    return EffectiveToolchain(toolchain=name, switches=False, path_only=False, reason="GOTOOLCHAIN=local")


def test_matching_toolchain_passes() -> None:
    results = _run(_facts("go1.22.5", _local("go1.22.5")))
    assert {status for status, _ in results.values()} == {Status.PASS}


def test_installed_mismatch_fails_and_names_goroot() -> None:
    status, message = _run(_facts("go1.22.4", _local("go1.22.4")))["installed toolchain"]
    assert status is Status.FAIL
    assert message == "the installed Go is go1.22.4 at /opt/go (linux/arm64), the pin is go1.22.5"


def test_switch_to_download_is_explained() -> None:
    switch = EffectiveToolchain(
        toolchain="go1.23.0", switches=True, path_only=False, reason="go.mod go 1.23 is newer"
    )
    status, message = _run(_facts("go1.22.5", switch))["effective toolchain"]
    assert status is Status.FAIL
    assert "downloads golang.org/toolchain@v0.0.1-go1.23.0.linux-arm64" in message


def test_switch_to_the_pin_from_path_passes_the_effective_item() -> None:
    switch = EffectiveToolchain(
        toolchain="go1.22.5",
        switches=True,
        path_only=True,
        reason="toolchain line",
        on_path="/usr/bin/go1.22.5",
    )
    results = _run(_facts("go1.21.0", switch))
    assert results["effective toolchain"][0] is Status.PASS
    assert "runs /usr/bin/go1.22.5 from PATH" in results["effective toolchain"][1]
    assert results["installed toolchain"][0] is Status.FAIL


def test_invalid_gotoolchain_and_missing_go() -> None:
    results = _run(_facts("go1.22.5", None, error='go: invalid GOTOOLCHAIN "bogus"'))
    assert results["effective toolchain"] == (Status.FAIL, 'go: invalid GOTOOLCHAIN "bogus"')
    missing = _run(GoToolchainFacts(error="go was not found on PATH"))
    assert missing == {"go command": (Status.FAIL, "go was not found on PATH")}
