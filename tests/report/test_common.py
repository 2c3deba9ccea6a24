"""Shared rules: what counts as a violation, and a check that could not run is never hidden."""

from __future__ import annotations

from gogate.report._common import check_level_finding, printable, repo_relative, verdict_text, violations
from gogate.results import CheckResult, GateResult, Status

from .factory import ROOT, finding, make_result


def test_violations_count_warnings_only_when_fatal() -> None:
    assert len(violations(make_result())) == 3
    assert len(violations(make_result(fail_on_warnings=True))) == 5
    assert verdict_text(make_result(fail_on_warnings=True)).startswith("gate FAILED: 5 violation(s)")


def test_passed_with_warnings() -> None:
    warn = CheckResult(
        check_id="gosum",
        title="t",
        status=Status.WARN,
        findings=(finding("gosum", "gosum.stale", Status.WARN, "x", "stale"),),
    )
    result = GateResult(gogate_version="0", root=ROOT, mode="minimal", results=(warn,))
    assert verdict_text(result) == "gate passed with 1 warning(s)"


def test_check_level_finding_only_when_status_not_carried() -> None:
    errored = CheckResult(check_id="sumdb", title="t", status=Status.ERROR, error="timeout")
    synthesized = check_level_finding(errored)
    assert synthesized is not None
    assert (synthesized.status, synthesized.message, synthesized.rule) == (
        Status.ERROR,
        "timeout",
        "sumdb.error",
    )
    carried = CheckResult(
        check_id="pins",
        title="t",
        status=Status.FAIL,
        findings=(finding("pins", "pins.x", Status.FAIL, "s", "m"),),
    )
    assert check_level_finding(carried) is None
    assert check_level_finding(CheckResult(check_id="env", title="t", status=Status.PASS)) is None


def test_printable() -> None:
    assert printable("a\tb\nc") == "a\tb\nc"
    assert printable("a\x1bb\x9bc\rd") == "a\\x1bb\\x9bc\\x0dd"


def test_repo_relative() -> None:
    assert repo_relative("./go.mod", ROOT) == "go.mod"
    assert repo_relative(f"{ROOT}/a/b", ROOT) == "a/b"
    assert repo_relative("/elsewhere/go.mod", ROOT) is None
    assert repo_relative("../go.mod", ROOT) is None
    assert repo_relative(None, ROOT) is None
    assert repo_relative(".", ROOT) is None
