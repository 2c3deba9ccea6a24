"""Markdown step summary: table escaping, details, and byte-accurate truncation."""

from __future__ import annotations

import pytest

from gogate.report import STEP_SUMMARY_LIMIT_BYTES, fit_step_summary, render_markdown
from gogate.results import CheckResult, GateResult, Status

from .factory import ROOT, finding, passing_result


def _table_rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("| ") and "---" not in line][1:]


def _cells(row: str) -> list[str]:
    """Split a GFM table row the way GitHub does: on pipes not preceded by a backslash."""
    cells, current, escaped = [], "", False
    for char in row.strip()[1:-1]:
        if char == "|" and not escaped:
            cells.append(current.strip())
            current = ""
        else:
            current += char
        escaped = char == "\\" and not escaped
    return [*cells, current.strip()]


class TestRender:
    def test_heading_reflects_verdict(self, result: GateResult) -> None:
        assert render_markdown(result).startswith("## ❌ gogate: gate FAILED: 3 violation(s)")
        assert render_markdown(passing_result()).startswith("## ✅ gogate: gate passed\n")

    def test_undecided_heading(self) -> None:
        check = CheckResult(check_id="sumdb", title="t", status=Status.ERROR, error="timeout")
        result = GateResult(gogate_version="0", root=ROOT, mode="full", results=(check,))
        assert render_markdown(result).startswith(
            "## ❗ gogate: could not decide: 1 check(s) could not run (sumdb)"
        )

    def test_one_row_per_check(self, result: GateResult) -> None:
        rows = _table_rows(render_markdown(result))
        assert [_cells(row)[0] for row in rows] == [check.check_id for check in result.results]
        assert _cells(rows[3]) == ["sumdb", "💥 error", "sum.golang.org: connection timed out after 10s"]

    def test_table_cells_escape_pipes_and_newlines(self) -> None:
        check = CheckResult(check_id="pins", title="t", status=Status.WARN, summary="a | b\nc\\d")
        result = GateResult(gogate_version="0", root=ROOT, mode="minimal", results=(check,))
        (row,) = _table_rows(render_markdown(result))
        assert row == "| pins | ⚠️ warn | a \\| b<br>c\\\\d |"
        assert len(_cells(row)) == 3

    def test_details_show_location_expected_found_fix(self, result: GateResult) -> None:
        markdown = render_markdown(result)
        assert "### ❌ pins: Go version pins agree" in markdown
        assert "- **FAIL** `.github/workflows/ci.yml:17` go.mod says 100%" in markdown
        assert "  - expected `1.22.5`, found `1.21.0`" in markdown
        assert "  - fix: set go-version-file: go.mod in actions/setup-go" in markdown
        assert "### ⏭️ vendor" not in markdown  # nothing to detail for a skipped check

    def test_message_newlines_stay_inside_the_item(self, result: GateResult) -> None:
        item = next(line for line in render_markdown(result).splitlines() if "go.mod says" in line)
        assert "toolchain: go1.21.0<br>second line | with pipe" in item

    def test_html_from_messages_is_escaped(self, result: GateResult) -> None:
        markdown = render_markdown(result)
        assert "<b>not</b>" not in markdown
        assert "&lt;b&gt;not&lt;/b&gt;" in markdown

    def test_backticks_in_code_spans(self) -> None:
        check = CheckResult(
            check_id="pins",
            title="t",
            status=Status.FAIL,
            findings=(finding("pins", "pins.x", Status.FAIL, "s", "m", expected="a`b", found="`x"),),
        )
        result = GateResult(gogate_version="0", root=ROOT, mode="minimal", results=(check,))
        assert "  - expected ``a`b``, found `` `x ``" in render_markdown(result)


class TestFitStepSummary:
    def test_unchanged_when_it_fits(self, result: GateResult) -> None:
        markdown = render_markdown(result)
        assert fit_step_summary(markdown) == markdown
        assert fit_step_summary("é\n", limit_bytes=3) == "é\n"

    def test_default_limit_leaves_margin_under_one_mebibyte(self) -> None:
        assert STEP_SUMMARY_LIMIT_BYTES == 1024 * 1024 - 1024

    @pytest.mark.parametrize("limit", [200, 333, 1000, 4096])
    def test_truncates_on_line_boundary_under_byte_limit(self, limit: int) -> None:
        lines = [f"| row {i} | ✅ pass | ünïcødé ✓ 漢字 |" for i in range(200)]
        markdown = "\n".join(lines) + "\n"
        fitted = fit_step_summary(markdown, limit_bytes=limit)
        assert len(fitted.encode("utf-8")) <= limit
        assert len(markdown.encode("utf-8")) > limit
        body, _, notice = fitted.partition("\n---\n")
        assert markdown.startswith(body)
        assert body == "" or body.endswith("\n")
        assert set(body.splitlines()) <= set(lines)
        assert "truncated" in notice
        assert "JSON and JUnit" in notice

    def test_keeps_as_much_as_fits(self) -> None:
        markdown = "".join(f"{'é' * 10}\n" for _ in range(100))  # 21 bytes a line
        notice_size = len(fit_step_summary("x" * 1000, limit_bytes=500).encode())  # the notice alone
        fitted = fit_step_summary(markdown, limit_bytes=notice_size + 21 * 3 + 20)
        assert fitted.count("é" * 10) == 3

    def test_too_small_limit_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="too small"):
            fit_step_summary("x" * 100, limit_bytes=10)
