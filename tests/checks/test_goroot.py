"""Check ``goroot``: the GOROOT's toolchain-module h1 against gogate.lock or the checksum database."""

from __future__ import annotations

from gogate.checks.goroot import GorootCheck
from gogate.checks.interface import Facts, Mode
from gogate.facts.goroot import GorootFacts
from gogate.facts.model import PinKind, PinRecord, PinSource, RepoFacts
from gogate.results import Status

PIN = PinRecord(
    source=PinSource.GO_VERSION_FILE,
    kind=PinKind.EXACT,
    path="go.version",
    line=1,
    raw="1.22.5",
    version="1.22.5",
)
OFFICIAL = "h1:" + "A" * 43 + "="
OTHER = "h1:" + "B" * 43 + "="


def _run(goroot: GorootFacts | None):  # type: ignore[no-untyped-def]
    return GorootCheck().run(Facts(repo=RepoFacts(root="/r", pin=PIN, records=()), goroot=goroot))


def _facts(**kwargs: str | None) -> GorootFacts:
    base: dict[str, str | None] = {
        "goroot": "/opt/go",
        "module_version": "v0.0.1-go1.22.5.linux-amd64",
        "h1": OFFICIAL,
        "reference_h1": OFFICIAL,
        "reference_source": "the checksum database",
    }
    return GorootFacts(**{**base, **kwargs})  # type: ignore[arg-type]


def test_runs_in_full_mode_only() -> None:
    assert GorootCheck.modes == frozenset({Mode.FULL})


def test_official_tree_passes() -> None:
    [finding] = _run(_facts()).findings
    assert (finding.status, finding.rule) == (Status.PASS, "goroot.ok")


def test_different_tree_fails_with_both_hashes() -> None:
    [finding] = _run(_facts(h1=OTHER, reference_source="gogate.lock")).findings
    assert (finding.status, finding.rule) == (Status.FAIL, "goroot.not-official")
    assert (finding.expected, finding.found) == (OFFICIAL, OTHER)
    assert "gogate toolchain verify --goroot /opt/go --archive" in (finding.remediation or "")


def test_no_reference_is_an_error_never_a_pass() -> None:
    report = _run(_facts(reference_h1=None, reference_source=None, reference_error="GOSUMDB=off"))
    assert report.error is not None and "GOSUMDB=off" in report.error
    assert not report.findings


def test_unhashable_goroot_and_missing_go() -> None:
    report = _run(_facts(h1=None, error="is not a directory"))
    assert report.error is not None and "could not be hashed" in report.error
    assert _run(None).skip_reason is not None


def test_lock_disagreeing_with_the_database_fails_even_when_the_tree_is_official() -> None:
    findings = _run(_facts(lock_h1=OTHER)).findings
    assert [(f.rule, f.status) for f in findings] == [
        ("goroot.lock-disagrees", Status.FAIL),
        ("goroot.ok", Status.PASS),
    ]


def test_a_go_binary_outside_the_goroot_fails() -> None:
    findings = _run(_facts(other_binary="/tmp/evil/go")).findings
    assert findings[0].rule == "goroot.other-binary"
    assert findings[0].status is Status.FAIL


def test_uncovered_files_are_stated() -> None:
    report = _run(
        GorootFacts(
            goroot="/opt/go",
            module_version="v",
            h1=OFFICIAL,
            reference_h1=OFFICIAL,
            reference_source="the checksum database",
            uncovered=3,
        )
    )
    assert "3 file(s) outside the toolchain module" in report.summary
