"""GitHub workflow commands: exact escaping, file/line properties, the per-kind cap."""

from __future__ import annotations

import pytest

from gogate.report import render_github_annotations
from gogate.report.github import escape_data, escape_property
from gogate.results import CheckResult, GateResult, Status

from .factory import ROOT, finding, make_result


def _lines(text: str) -> list[str]:
    assert text.endswith("\n")
    return text.splitlines()


class TestEscaping:
    def test_data(self) -> None:
        assert escape_data("100% a\r\nb: c, d") == "100%25 a%0D%0Ab: c, d"

    def test_property(self) -> None:
        assert escape_property("100% a\r\nb: c, d") == "100%25 a%0D%0Ab%3A c%2C d"

    def test_percent_is_escaped_first(self) -> None:
        # "%0A" in the input must survive as text, not turn into a newline on GitHub's side.
        assert escape_data("%0A") == "%250A"


class TestRender:
    def test_exact_lines(self, result: GateResult) -> None:
        lines = _lines(render_github_annotations(result))
        assert lines == [
            "::error file=.github/workflows/ci.yml,line=17,title=gogate pins%3A mismatch::"
            'go.mod says 100%25 "go 1.22.5", toolchain: go1.21.0%0Asecond line | with pipe — ünïcødé ✓'
            "%0Aexpected: 1.22.5  found: 1.21.0%0Afix: set go-version-file: go.mod in actions/setup-go",
            "::error file=Dockerfile,line=1,title=gogate pins%3A mismatch::"
            "FROM golang:1.21 does not match go.mod%0Aexpected: golang:1.22.5  found: golang:1.21"
            "%0Afix: pin the image to golang:1.22.5",
            "::warning file=.go-version,title=gogate pins%3A partial::no patch version",
            "::error title=gogate toolchain%3A version::"
            "the go on PATH is go1.21.0, <b>not</b> the pinned 1.22.5"
            "%0Aexpected: go1.22.5  found: go1.21.0"
            "%0Afix: run actions/setup-go with go-version-file: go.mod before gogate",
            "::warning file=go.sum,line=42,title=gogate gosum%3A stale::"
            "go.sum lists a module go.mod no longer needs%0Afix: run go mod tidy",
            "::error title=gogate sumdb%3A error::sum.golang.org: connection timed out after 10s",
        ]

    def test_property_escaping_in_path(self) -> None:
        check = CheckResult(
            check_id="pins",
            title="t",
            status=Status.FAIL,
            findings=(finding("pins", "pins.x", Status.FAIL, "s", "m", path="ci/a,b:c.yml", line=3),),
        )
        result = GateResult(gogate_version="0", root=ROOT, mode="minimal", results=(check,))
        assert (
            render_github_annotations(result)
            == "::error file=ci/a%2Cb%3Ac.yml,line=3,title=gogate pins%3A x::m\n"
        )

    def test_path_outside_repository_has_no_file_property(self) -> None:
        check = CheckResult(
            check_id="toolchain",
            title="t",
            status=Status.WARN,
            findings=(
                finding(
                    "toolchain", "toolchain.goenv", Status.WARN, "s", "m", path="/usr/local/go/go.env", line=2
                ),
            ),
        )
        result = GateResult(gogate_version="0", root=ROOT, mode="minimal", results=(check,))
        assert render_github_annotations(result) == (
            "::warning title=gogate toolchain%3A goenv::m%0Ain: /usr/local/go/go.env:2\n"
        )

    def test_no_newline_can_start_another_command(self, result: GateResult) -> None:
        for line in _lines(render_github_annotations(result)):
            assert line.startswith(("::error ", "::warning ", "::notice::"))

    def test_nothing_to_annotate(self) -> None:
        check = CheckResult(check_id="env", title="t", status=Status.PASS)
        skipped = CheckResult(check_id="vendor", title="t", status=Status.SKIP, skip_reason="none")
        result = GateResult(gogate_version="0", root=ROOT, mode="minimal", results=(check, skipped))
        assert render_github_annotations(result) == ""


class TestCap:
    def _many(self, errors: int, warnings: int) -> GateResult:
        findings = [
            finding("pins", "pins.mismatch", Status.FAIL, f"e{i}", f"error {i}", path="go.mod", line=i + 1)
            for i in range(errors)
        ] + [finding("pins", "pins.partial", Status.WARN, f"w{i}", f"warning {i}") for i in range(warnings)]
        check = CheckResult(check_id="pins", title="t", status=Status.FAIL, findings=tuple(findings))
        return GateResult(gogate_version="0", root=ROOT, mode="minimal", results=(check,))

    def test_cap_and_overflow_notice_per_kind(self) -> None:
        lines = _lines(render_github_annotations(self._many(13, 11), max_per_kind=10))
        assert sum(line.startswith("::error ") for line in lines) == 10
        assert sum(line.startswith("::warning ") for line in lines) == 10
        notices = [line for line in lines if line.startswith("::notice::")]
        assert notices == [
            "::notice::gogate: 3 more error annotation(s) omitted (showing the first 10); "
            "see the job's step summary or the JUnit report for every finding",
            "::notice::gogate: 1 more warning annotation(s) omitted (showing the first 10); "
            "see the job's step summary or the JUnit report for every finding",
        ]
        assert lines[-2:] == notices
        assert "error 9" in lines[9]
        assert not any("error 10" in line for line in lines)

    def test_no_notice_at_exactly_the_cap(self) -> None:
        lines = _lines(render_github_annotations(self._many(10, 0), max_per_kind=10))
        assert len(lines) == 10
        assert not any(line.startswith("::notice") for line in lines)

    def test_zero_cap_only_notices(self) -> None:
        lines = _lines(render_github_annotations(self._many(2, 1), max_per_kind=0))
        assert [line.split(" more ")[0] for line in lines] == ["::notice::gogate: 2", "::notice::gogate: 1"]

    def test_negative_cap_rejected(self) -> None:
        with pytest.raises(ValueError, match="max_per_kind"):
            render_github_annotations(self._many(1, 0), max_per_kind=-1)


class TestStepOutputs:
    def test_versions_in_heredoc_form(self) -> None:
        from gogate.report.github import render_github_outputs

        text = render_github_outputs(make_result(), delimiter="EOF_1")
        assert text == "pinned-version<<EOF_1\n1.22.5\nEOF_1\nrunning-version<<EOF_1\n1.21.0\nEOF_1\n"

    def test_a_value_holding_the_delimiter_is_refused(self) -> None:
        from gogate.report.github import render_github_outputs

        with pytest.raises(ValueError, match="delimiter"):
            render_github_outputs(make_result(), delimiter="1.22")

    def test_multiline_delimiter_is_refused(self) -> None:
        from gogate.report.github import render_github_outputs

        with pytest.raises(ValueError, match="single line"):
            render_github_outputs(make_result(), delimiter="a\nb")
