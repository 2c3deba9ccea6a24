"""GitLab Code Quality: valid JSON, unique fingerprints, repository-relative locations."""

from __future__ import annotations

import json
from typing import Any

from gogate.report import render_codequality
from gogate.results import CheckResult, Finding, GateResult, Status

from .factory import ROOT, finding


def _issues(result: GateResult, **kwargs: str) -> list[dict[str, Any]]:
    issues = json.loads(render_codequality(result, **kwargs))
    assert isinstance(issues, list)
    return issues


def _result(*findings: Finding, status: Status = Status.FAIL) -> GateResult:
    check = CheckResult(check_id="pins", title="t", status=status, findings=findings)
    return GateResult(gogate_version="0", root=ROOT, mode="minimal", results=(check,))


def test_one_issue_per_non_passing_finding(result: GateResult) -> None:
    issues = _issues(result)
    assert [issue["check_name"] for issue in issues] == [
        "pins.mismatch",
        "pins.mismatch",
        "pins.partial",
        "toolchain.version",
        "gosum.stale",
        "sumdb.error",
    ]
    assert [issue["severity"] for issue in issues] == ["major", "major", "minor", "major", "minor", "major"]


def test_required_fields_and_types(result: GateResult) -> None:
    for issue in _issues(result):
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        fingerprint = issue["fingerprint"]
        assert isinstance(fingerprint, str)
        assert len(fingerprint) == 64
        int(fingerprint, 16)
        location = issue["location"]
        assert isinstance(location, dict)
        assert isinstance(location["lines"]["begin"], int)
        assert location["lines"]["begin"] >= 1


def test_fingerprints_unique(result: GateResult) -> None:
    fingerprints = [issue["fingerprint"] for issue in _issues(result)]
    assert len(fingerprints) == len(set(fingerprints))


def test_same_key_different_issue_gets_distinct_fingerprint() -> None:
    a = finding("pins", "pins.mismatch", Status.FAIL, "Dockerfile", "first", path="Dockerfile", line=1)
    b = finding("pins", "pins.mismatch", Status.FAIL, "Dockerfile", "second", path="Dockerfile", line=1)
    issues = _issues(_result(a, b))
    assert len(issues) == 2
    assert issues[0]["fingerprint"] != issues[1]["fingerprint"]


def test_identical_issue_reported_once() -> None:
    a = finding("pins", "pins.mismatch", Status.FAIL, "Dockerfile", "same", path="Dockerfile", line=1)
    assert len(_issues(_result(a, a))) == 1


def test_fingerprint_stable_when_message_changes() -> None:
    a = finding("pins", "pins.mismatch", Status.FAIL, "Dockerfile", "found 1.21", path="Dockerfile", line=1)
    b = finding("pins", "pins.mismatch", Status.FAIL, "Dockerfile", "found 1.20", path="Dockerfile", line=1)
    assert _issues(_result(a))[0]["fingerprint"] == _issues(_result(b))[0]["fingerprint"]


def test_paths_relative(result: GateResult) -> None:
    paths = [issue["location"]["path"] for issue in _issues(result)]
    assert paths == [
        ".github/workflows/ci.yml",
        "Dockerfile",
        ".go-version",
        "go.version",
        "go.sum",
        "go.version",
    ]


def test_absolute_paths_made_relative_or_fall_back() -> None:
    inside = finding("pins", "pins.a", Status.FAIL, "a", "m", path=f"{ROOT}/ci/.gitlab-ci.yml", line=4)
    outside = finding("pins", "pins.b", Status.FAIL, "b", "m", path="/usr/local/go/go.env", line=2)
    dotted = finding("pins", "pins.c", Status.FAIL, "c", "m", path="./sub//go.mod", line=0)
    issues = _issues(_result(inside, outside, dotted), fallback_path="go.mod")
    assert [issue["location"] for issue in issues] == [
        {"path": "ci/.gitlab-ci.yml", "lines": {"begin": 4}},
        {"path": "go.mod", "lines": {"begin": 1}},
        {"path": "sub/go.mod", "lines": {"begin": 1}},
    ]
    assert "(in /usr/local/go/go.env)" in str(issues[1]["description"])


def test_description_has_expected_and_found_on_one_line(result: GateResult) -> None:
    description = str(_issues(result)[0]["description"])
    assert "\n" not in description
    assert "expected: 1.22.5 found: 1.21.0" in description
    assert "ünïcødé ✓" in description


def test_fallback_path_outside_repository_is_replaced(result: GateResult) -> None:
    paths = {issue["location"]["path"] for issue in _issues(result, fallback_path="/etc/go.version")}
    assert "go.mod" in paths
    assert not any(path.startswith("/") for path in paths)


def test_fallback_path_made_relative(result: GateResult) -> None:
    paths = {issue["location"]["path"] for issue in _issues(result, fallback_path=f"{ROOT}/ci/go.version")}
    assert "ci/go.version" in paths


def test_passing_run_is_empty_array() -> None:
    ok = finding("pins", "pins.mismatch", Status.PASS, "go.mod", "ok", path="go.mod", line=3)
    assert _issues(_result(ok, status=Status.PASS)) == []
