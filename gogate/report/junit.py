"""JUnit XML, the one report format every CI system can display.

Why this exact shape (see shared/notes/peers.md section 6): consumers disagree on almost everything,
so the output keeps to the subset all of them read. One ``<testsuites>`` root with flat
``<testsuite>`` children (dorny/test-reporter drops nested suites), every suite with ``name tests
failures errors skipped time`` (dorny crashes without ``name``, computes NaN without ``time``), at
least one testcase per suite (Jenkins does not record an empty suite), unique testcase names
(GitLab drops duplicates) and a plain-decimal ``time`` on every testcase.

Warnings are reported as passed testcases with a ``<system-out>`` note: a JUnit failure makes
most consumers mark the pipeline red, and a warning must not.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from junit_xml import TestCase, TestSuite, to_xml_report_string

from gogate.report._common import detail_lines, repo_relative, reported_findings
from gogate.results import CheckResult, Finding, GateResult, Status

__all__ = ["render_junit"]

_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_SUITE_COUNTS = ("tests", "failures", "errors", "skipped")


def render_junit(result: GateResult, *, file_attributes: bool = True) -> str:
    """One ``<testsuite>`` per check, one ``<testcase>`` per finding, as a UTF-8 XML document string.

    ``file_attributes=False`` leaves out the testcase ``file``/``line`` attributes, which the strict
    XSD of Jenkins' xunit plugin rejects; action-junit-report and GitLab use them to point at the line.
    """
    suites = [_suite(result, check, file_attributes=file_attributes) for check in result.results]
    # NOTE: built with junit-xml, then normalised with ElementTree: the library writes no `time` on a
    # zero-duration testcase, no `skipped` total on <testsuites>, float sums such as 0.30000000000000004,
    # and (pretty-printed) a declaration without an encoding.
    root = ET.fromstring(to_xml_report_string(suites, prettyprint=False))
    _normalise(root)
    ET.indent(root)
    return _DECLARATION + ET.tostring(root, encoding="unicode") + "\n"


def _suite(result: GateResult, check: CheckResult, *, file_attributes: bool) -> TestSuite:
    findings = reported_findings(check)
    root = result.root if file_attributes else None
    cases = [_finding_case(check, finding, root=root) for finding in findings]
    if not cases:
        cases.append(_check_case(check))
    elapsed = check.duration_seconds / len(cases)
    names: set[str] = set()
    for case in cases:
        case.elapsed_sec = elapsed
        case.name = _unique(case.name, names)
    return TestSuite(check.check_id, cases, properties=_properties(result))


def _properties(result: GateResult) -> dict[str, str]:
    values = {
        "gogate.version": result.gogate_version,
        "gogate.mode": result.mode,
        "gogate.pinned_version": result.pinned_version,
        "gogate.pin_source": result.pin_source,
        "gogate.running_version": result.running_version,
    }
    return {name: value for name, value in values.items() if value is not None}


def _finding_case(check: CheckResult, finding: Finding, *, root: str | None) -> TestCase:
    """``root`` None leaves out ``file``/``line``; a path outside the repository is only in the text."""
    path = repo_relative(finding.path, root) if root is not None else None
    case = TestCase(
        finding.subject,
        classname=f"gogate.{check.check_id}",
        file=path,
        line=finding.line if path is not None else None,
    )
    located = f"{finding.location}: {finding.message}" if finding.location else finding.message
    headline = _one_line(located)
    full_text = "\n".join([located, *detail_lines(finding)])
    if finding.status is Status.FAIL:
        case.add_failure_info(message=headline, output=full_text, failure_type=finding.rule)
    elif finding.status is Status.ERROR:
        case.add_error_info(message=headline, output=full_text, error_type=finding.rule)
    elif finding.status is Status.SKIP:
        case.add_skipped_info(message=headline)
    elif finding.status is Status.WARN:
        case.stdout = f"WARNING ({finding.rule}): {full_text}"
    else:
        case.stdout = full_text
    return case


def _check_case(check: CheckResult) -> TestCase:
    """The testcase for a check without findings, so that its suite is never empty."""
    case = TestCase(check.check_id, classname=f"gogate.{check.check_id}")
    if check.status is Status.SKIP:
        case.add_skipped_info(message=_one_line(check.skip_reason or check.summary or "skipped"))
    elif check.status is Status.WARN:
        case.stdout = f"WARNING: {check.summary}" if check.summary else "WARNING"
    elif check.summary:
        case.stdout = check.summary
    return case


def _one_line(text: str) -> str:
    """Attribute values lose newlines when parsed back, so say it on one line on purpose."""
    return " ".join(text.split())


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name} ({number})"
    taken.add(candidate)
    return candidate


def _normalise(root: ET.Element) -> None:
    totals = dict.fromkeys(_SUITE_COUNTS, 0)
    total_time = 0.0
    for suite in root.iter("testsuite"):
        suite.attrib.pop("disabled", None)
        for key in _SUITE_COUNTS:
            totals[key] += int(suite.get(key, "0"))
        suite_time = sum(float(case.get("time", "0")) for case in suite.iter("testcase"))
        total_time += suite_time
        suite.set("time", _seconds(suite_time))
        for case in suite.iter("testcase"):
            case.set("time", _seconds(float(case.get("time", "0"))))
    root.attrib.clear()
    root.attrib.update({key: str(value) for key, value in totals.items()})
    root.set("time", _seconds(total_time))


def _seconds(value: float) -> str:
    return f"{value:.3f}"
