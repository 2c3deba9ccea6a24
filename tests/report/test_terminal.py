"""Terminal report: content, colour on request only, and no escape sequences smuggled in."""

from __future__ import annotations

import re

from gogate.report import render_terminal
from gogate.results import CheckResult, GateResult, Status

from .factory import ROOT, finding, passing_result

_ESC = "\x1b"


def test_header(result: GateResult) -> None:
    header = render_terminal(result, color=False).splitlines()[0]
    assert header == (
        "gogate 0.1.0 · root /builds/acme/service · mode minimal · "
        "pinned Go 1.22.5 from go.mod:3 · running go1.21.0"
    )


def test_one_line_per_check_with_icons(result: GateResult) -> None:
    lines = render_terminal(result, color=False).splitlines()
    check_lines = [line for line in lines if not line.startswith(" ")][1:-1]
    assert [line.split()[0] for line in check_lines] == ["❌", "❌", "⚠️", "💥", "⏭️", "✅"]
    assert [line.split()[1] for line in check_lines] == [
        "pins",
        "toolchain",
        "gosum",
        "sumdb",
        "vendor",
        "env",
    ]
    assert check_lines[0].endswith("Go version pins agree — 2 of 4 pins disagree with go.mod")


def test_findings_show_location_expected_found_fix(result: GateResult) -> None:
    text = render_terminal(result, color=False)
    assert "    FAIL .github/workflows/ci.yml:17: go.mod says 100%" in text
    assert "        expected: 1.22.5  found: 1.21.0\n" in text
    assert "        fix: set go-version-file: go.mod in actions/setup-go\n" in text
    assert "    ERROR sum.golang.org: connection timed out after 10s\n" in text
    assert "go 1.22.5\n" not in text  # passing findings are not listed


def test_verdicts(result: GateResult) -> None:
    assert render_terminal(result, color=False).endswith(
        "gate FAILED: 3 violation(s); 1 check(s) could not run (sumdb)\n"
    )
    assert render_terminal(passing_result(), color=False).endswith("\ngate passed\n")
    errored = CheckResult(check_id="sumdb", title="t", status=Status.ERROR, error="timeout")
    undecided = GateResult(gogate_version="0", root=ROOT, mode="full", results=(errored,))
    assert render_terminal(undecided, color=False).endswith(
        "\ncould not decide: 1 check(s) could not run (sumdb)\n"
    )


def test_no_escape_codes_without_color(result: GateResult) -> None:
    assert _ESC not in render_terminal(result, color=False)


def test_colors_when_asked(result: GateResult) -> None:
    text = render_terminal(result, color=True)
    for code in ("\x1b[32m", "\x1b[33m", "\x1b[31m", "\x1b[2m", "\x1b[0m"):
        assert code in text
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert plain == render_terminal(result, color=False)


def test_control_characters_from_messages_are_neutralised() -> None:
    evil = finding(
        "pins", "pins.x", Status.FAIL, "s", "bad\x1b[2J\x1b]0;pwned\x07 pin", path="go.mod", line=1
    )
    check = CheckResult(check_id="pins", title="t", status=Status.FAIL, findings=(evil,))
    result = GateResult(gogate_version="0", root=ROOT, mode="minimal", results=(check,))
    plain = render_terminal(result, color=False)
    assert _ESC not in plain
    assert "bad\\x1b[2J\\x1b]0;pwned\\x07 pin" in plain
    colored = render_terminal(result, color=True)
    assert re.sub(r"\x1b\[[0-9;]*m", "", colored) == plain


def test_multiline_message_is_indented(result: GateResult) -> None:
    assert "\n      second line | with pipe — ünïcødé ✓\n" in render_terminal(result, color=False)
