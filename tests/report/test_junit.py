"""JUnit output: parsed back by junitparser and by ElementTree, checked against the consumer-safe subset."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter

from junitparser import Error, Failure, JUnitXml, Skipped

from gogate.report import render_junit
from gogate.results import CheckResult, GateResult, Status

from .factory import ROOT, finding, make_result


def _tree(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))


class TestStructure:
    def test_starts_with_utf8_declaration(self, result: GateResult) -> None:
        assert render_junit(result).startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')

    def test_flat_suites_one_per_check_with_required_attributes(self, result: GateResult) -> None:
        root = _tree(render_junit(result))
        assert root.tag == "testsuites"
        assert [child.tag for child in root] == ["testsuite"] * len(result.results)
        assert not root.findall("testsuite/testsuite")
        assert [suite.get("name") for suite in root] == [check.check_id for check in result.results]
        for suite in root:
            assert {"name", "tests", "failures", "errors", "skipped", "time"} <= set(suite.attrib)
            assert int(suite.get("tests", "0")) == len(suite.findall("testcase")) >= 1

    def test_every_testcase_has_plain_decimal_time_and_classname(self, result: GateResult) -> None:
        for case in _tree(render_junit(result)).iter("testcase"):
            assert case.get("classname", "").startswith("gogate.")
            float(case.get("time", "x"))  # raises when missing or not a plain decimal
            assert "," not in case.get("time", "")

    def test_counts(self, result: GateResult) -> None:
        root = _tree(render_junit(result))
        suites = {suite.get("name"): suite for suite in root}
        assert suites["pins"].get("tests") == "4"
        assert suites["pins"].get("failures") == "2"
        assert suites["sumdb"].get("errors") == "1"
        assert suites["vendor"].get("skipped") == "1"
        assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
            "9",
            "3",
            "1",
            "1",
        )

    def test_duration_is_distributed_over_testcases(self, result: GateResult) -> None:
        pins = _tree(render_junit(result)).find("testsuite[@name='pins']")
        assert pins is not None
        assert [case.get("time") for case in pins.iter("testcase")] == ["0.100"] * 4
        assert pins.get("time") == "0.400"

    def test_properties(self, result: GateResult) -> None:
        suite = _tree(render_junit(result)).find("testsuite")
        assert suite is not None
        props = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert props["gogate.version"] == "0.1.0"
        assert props["gogate.mode"] == "minimal"
        assert props["gogate.pinned_version"] == "1.22.5"


class TestJunitparser:
    def test_parses_and_reports_results(self, result: GateResult) -> None:
        xml = JUnitXml.fromstring(render_junit(result))
        outcomes: Counter[str] = Counter()
        for suite in xml:
            for case in suite:
                kinds = {type(r).__name__ for r in case.result}
                outcomes[kinds.pop() if kinds else "passed"] += 1
        assert outcomes == Counter({"passed": 4, "Failure": 3, "Error": 1, "Skipped": 1})

    def test_failure_names_file_and_line(self, result: GateResult) -> None:
        xml = JUnitXml.fromstring(render_junit(result))
        pins = next(suite for suite in xml if suite.name == "pins")
        case = next(case for case in pins if case.name == ".github/workflows/ci.yml")
        failure = case.result[0]
        assert isinstance(failure, Failure)
        assert failure.message.startswith(".github/workflows/ci.yml:17: go.mod says 100%")
        assert "\n" not in failure.message
        assert "expected: 1.22.5  found: 1.21.0" in failure.text
        assert "fix: set go-version-file: go.mod" in failure.text
        assert "ünïcødé ✓" in failure.text
        assert case._elem.get("file") == ".github/workflows/ci.yml"
        assert case._elem.get("line") == "17"

    def test_checks_without_findings_get_one_testcase(self, result: GateResult) -> None:
        xml = JUnitXml.fromstring(render_junit(result))
        by_name = {suite.name: list(suite) for suite in xml}
        (sumdb,) = by_name["sumdb"]
        assert sumdb.name == "sumdb"
        assert isinstance(sumdb.result[0], Error)
        assert "connection timed out" in sumdb.result[0].message
        (vendor,) = by_name["vendor"]
        assert isinstance(vendor.result[0], Skipped)
        assert vendor.result[0].message == "no vendor directory"
        (env,) = by_name["env"]
        assert env.name == "env"
        assert env.is_passed

    def test_warning_passes_with_system_out(self, result: GateResult) -> None:
        xml = JUnitXml.fromstring(render_junit(result))
        gosum = next(suite for suite in xml if suite.name == "gosum")
        (case,) = list(gosum)
        assert case.is_passed
        assert case.system_out is not None
        assert case.system_out.startswith("WARNING (gosum.stale): go.sum:42:")


class TestNamesAndPaths:
    def _result_with_duplicates(self) -> GateResult:
        dup = CheckResult(
            check_id="pins",
            title="t",
            status=Status.FAIL,
            findings=(
                finding("pins", "pins.mismatch", Status.FAIL, "Dockerfile", "a", path="Dockerfile", line=1),
                finding("pins", "pins.mismatch", Status.FAIL, "Dockerfile", "b", path="Dockerfile", line=9),
                finding("pins", "pins.mismatch", Status.PASS, "Dockerfile", "c", path="Dockerfile", line=20),
            ),
        )
        return GateResult(gogate_version="0", root=ROOT, mode="minimal", results=(dup,))

    def test_testcase_names_are_unique_within_a_suite(self) -> None:
        root = _tree(render_junit(self._result_with_duplicates()))
        names = [case.get("name") for case in root.iter("testcase")]
        assert names == ["Dockerfile", "Dockerfile (2)", "Dockerfile (3)"]

    def test_names_unique_in_realistic_result(self, result: GateResult) -> None:
        for suite in _tree(render_junit(result)):
            names = [(case.get("classname"), case.get("name")) for case in suite.iter("testcase")]
            assert len(names) == len(set(names))

    def test_file_attribute_is_repo_relative(self, result: GateResult) -> None:
        files = {case.get("file") for case in _tree(render_junit(result)).iter("testcase")} - {None}
        assert "Dockerfile" in files  # "./Dockerfile" in the result
        assert not any(f.startswith(("/", "./")) for f in files if f)

    def test_file_attributes_can_be_left_out_for_strict_xsd(self, result: GateResult) -> None:
        for case in _tree(render_junit(result, file_attributes=False)).iter("testcase"):
            assert set(case.attrib) <= {"name", "classname", "time"}

    def test_check_level_error_added_next_to_findings(self) -> None:
        check = CheckResult(
            check_id="sumdb",
            title="t",
            status=Status.ERROR,
            error="proxy unreachable",
            findings=(finding("sumdb", "sumdb.hash", Status.PASS, "sumdb", "go1.22.5 linux-amd64 ok"),),
        )
        result = GateResult(gogate_version="0", root=ROOT, mode="full", results=(check,))
        cases = list(_tree(render_junit(result)).iter("testcase"))
        assert [case.get("name") for case in cases] == ["sumdb", "sumdb (2)"]
        error = cases[1].find("error")
        assert error is not None
        assert error.get("message") == "proxy unreachable"

    def test_no_checks_still_valid_xml(self) -> None:
        result = GateResult(gogate_version="0", root=ROOT, mode="minimal", results=())
        root = _tree(render_junit(result))
        assert root.tag == "testsuites"
        assert root.get("tests") == "0"


def test_fail_on_warnings_does_not_turn_warnings_into_failures() -> None:
    root = _tree(render_junit(make_result(fail_on_warnings=True)))
    gosum = root.find("testsuite[@name='gosum']")
    assert gosum is not None
    assert gosum.get("failures") == "0"
