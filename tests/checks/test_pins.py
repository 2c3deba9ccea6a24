"""Check ``pins`` on hand-made facts: every rule, with Go's ordering."""

from __future__ import annotations

import pytest

from gogate.checks.interface import Facts
from gogate.checks.pins import PinsCheck
from gogate.facts.model import PinKind, PinRecord, PinSource, RepoFacts
from gogate.results import Finding, Status


def _record(
    kind: PinKind,
    raw: str,
    version: str | None,
    *,
    source: PinSource = PinSource.DOCKERFILE,
    path: str = "Dockerfile",
    line: int = 3,
    template: str | None = "golang:{version}",
    shadowed: bool = False,
) -> PinRecord:
    return PinRecord(
        source=source,
        kind=kind,
        path=path,
        line=line,
        raw=raw,
        version=version,
        fix_template=template,
        shadowed=shadowed,
    )


PIN = _record(
    PinKind.EXACT,
    "1.22.5",
    "1.22.5",
    source=PinSource.GO_VERSION_FILE,
    path="go.version",
    line=1,
    template="{version}",
)


def _judge(record: PinRecord, pin: PinRecord = PIN) -> list[Finding]:
    facts = Facts(repo=RepoFacts(root="/r", pin=pin, records=(pin, record)))
    return [f for f in PinsCheck().run(facts).findings if f.subject != "go.version:1 1.22.5"]


@pytest.mark.parametrize(
    ("record", "status", "rule"),
    [
        (_record(PinKind.EXACT, "golang:1.22.5", "1.22.5"), Status.PASS, "pins.ok"),
        (_record(PinKind.EXACT, "golang:1.22.4", "1.22.4"), Status.FAIL, "pins.mismatch"),
        (_record(PinKind.EXACT, "golang:1.23rc1", "1.23rc1"), Status.FAIL, "pins.mismatch"),
        (_record(PinKind.MINIMUM, "go 1.22", "1.22"), Status.PASS, "pins.ok"),
        (_record(PinKind.MINIMUM, "go 1.22.5", "1.22.5"), Status.PASS, "pins.ok"),
        (_record(PinKind.MINIMUM, "go 1.22.6", "1.22.6"), Status.FAIL, "pins.go-line-too-new"),
        (_record(PinKind.MINIMUM, "go 1.23rc1", "1.23rc1"), Status.FAIL, "pins.go-line-too-new"),
        (_record(PinKind.FLOATING, "golang:1.22", "1.22"), Status.WARN, "pins.floating"),
        (_record(PinKind.FLOATING, "golang:1.21", "1.21"), Status.FAIL, "pins.mismatch"),
        (_record(PinKind.FLOATING, "golang:1", "1"), Status.WARN, "pins.floating"),
        (_record(PinKind.FLOATING, "golang:latest", None), Status.WARN, "pins.floating"),
        (_record(PinKind.UNRESOLVED, "${{ matrix.go }}", None), Status.WARN, "pins.unresolved"),
        (_record(PinKind.DEFAULT, "toolchain default", None, template=None), Status.PASS, "pins.ok"),
        (_record(PinKind.REFERENCE, "go.mod", "1.22.5"), Status.PASS, "pins.ok"),
        (_record(PinKind.REFERENCE, "go.mod", "1.22"), Status.WARN, "pins.floating"),
        (_record(PinKind.REFERENCE, "go.mod", "1.21.0"), Status.FAIL, "pins.mismatch"),
        (_record(PinKind.REFERENCE, "missing.txt", None), Status.FAIL, "pins.unresolved"),
        (_record(PinKind.REFERENCE, "go.mod", "1.22.5", shadowed=True), Status.WARN, "pins.shadowed"),
    ],
)
def test_rule_table(record: PinRecord, status: Status, rule: str) -> None:
    [finding] = _judge(record)
    assert (finding.status, finding.rule) == (status, rule)
    assert (finding.path, finding.line) == ("Dockerfile", 3)


def test_mismatch_names_expected_found_and_fix() -> None:
    [finding] = _judge(
        _record(PinKind.EXACT, "golang:1.22.4-alpine", "1.22.4", template="golang:{version}-alpine")
    )
    assert finding.expected == "1.22.5"
    assert finding.found == "golang:1.22.4-alpine"
    assert finding.remediation == "write `golang:1.22.5-alpine` at Dockerfile:3"


def test_loose_pin_fails_and_compares_nothing() -> None:
    loose = _record(
        PinKind.FLOATING, "1.22", "1.22", source=PinSource.GO_VERSION_FILE, path="go.version", line=2
    )
    facts = Facts(
        repo=RepoFacts(root="/r", pin=loose, records=(_record(PinKind.EXACT, "golang:1.0.0", "1.0.0"),))
    )
    report = PinsCheck().run(facts)
    assert [(f.rule, f.status, f.line) for f in report.findings] == [("pins.loose-pin", Status.FAIL, 2)]
    assert "not an exact release" in report.summary


def test_subjects_are_unique() -> None:
    records = tuple(_record(PinKind.EXACT, "golang:1.22.5", "1.22.5", line=n) for n in range(1, 5))
    facts = Facts(repo=RepoFacts(root="/r", pin=PIN, records=(PIN, *records)))
    subjects = [f.subject for f in PinsCheck().run(facts).findings]
    assert len(subjects) == len(set(subjects)) == 5


def test_reference_mismatch_says_how_to_fix() -> None:
    [finding] = _judge(_record(PinKind.REFERENCE, "go.mod", "1.21.0", template=None))
    assert finding.remediation == "make go.mod state 1.22.5, or use `go-version: '1.22.5'`"


def _toolchain_setting(value: str) -> PinRecord:
    return _record(
        PinKind.GOTOOLCHAIN,
        value,
        None,
        source=PinSource.DOCKERFILE_GOTOOLCHAIN,
        template="ENV GOTOOLCHAIN=local",
    )


@pytest.mark.parametrize(
    ("value", "status", "rule"),
    [
        ("local", Status.PASS, "pins.ok"),
        ("go1.22.5", Status.PASS, "pins.ok"),
        ("go1.28.0", Status.FAIL, "pins.mismatch"),
        ("go1.22.4", Status.FAIL, "pins.mismatch"),
        ("go1.23.0+auto", Status.FAIL, "pins.mismatch"),
        ("go1.22.5+auto", Status.WARN, "pins.gotoolchain-switch"),
        ("auto", Status.WARN, "pins.gotoolchain-switch"),
        ("local+path", Status.WARN, "pins.gotoolchain-switch"),
        ("bogus", Status.FAIL, "pins.mismatch"),
        ("go1.22.5+sometimes", Status.FAIL, "pins.mismatch"),
    ],
)
def test_gotoolchain_settings(value: str, status: Status, rule: str) -> None:
    [finding] = _judge(_toolchain_setting(value))
    assert (finding.status, finding.rule) == (status, rule)
    if status is not Status.PASS:
        assert finding.remediation == "write `ENV GOTOOLCHAIN=local` at Dockerfile:3"


@pytest.mark.parametrize(
    ("spec", "status"),
    [
        ("1.22.x", Status.WARN),
        ("1.21.x", Status.FAIL),
        (">=1.23", Status.FAIL),
        ("^1.22.0", Status.WARN),
        ("~1.22.6", Status.FAIL),
        ("stable", Status.WARN),
    ],
)
def test_ranges_fail_only_when_they_exclude_the_pin(spec: str, status: Status) -> None:
    record = PinRecord(
        source=PinSource.SETUP_GO_VERSION,
        kind=PinKind.FLOATING,
        path="Dockerfile",
        line=3,
        raw=spec,
        version="1.22" if spec.startswith("1.2") else None,
        range_spec=spec,
        fix_template="'{version}'",
    )
    [finding] = _judge(record)
    assert finding.status is status
