"""The report a person reads in a CI log or a terminal.

Why this layout: the first line says which toolchain was pinned and which one ran (the question a
red pipeline raises), each check gets one line, and every problem carries its location, what was
expected and what to do about it, so nobody has to open another file to act on it.
"""

from __future__ import annotations

from gogate.report._common import (
    STATUS_ICON,
    detail_lines,
    go_name,
    pinned_text,
    printable,
    reported_findings,
    verdict_text,
)
from gogate.results import GateResult, Status

__all__ = ["render_terminal"]

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_GREEN = "\x1b[32m"
_YELLOW = "\x1b[33m"
_RED = "\x1b[31m"

_STATUS_COLOR: dict[Status, str] = {
    Status.PASS: _GREEN,
    Status.WARN: _YELLOW,
    Status.FAIL: _RED,
    Status.ERROR: _RED,
    Status.SKIP: _DIM,
}

_FINDING_INDENT = "    "
_DETAIL_INDENT = "        "


def render_terminal(result: GateResult, *, color: bool) -> str:
    """Render the run for a terminal; ``color`` is decided by the CLI (``--color``, ``NO_COLOR``, isatty).

    Every piece of text from the result goes through :func:`printable` *before* colour is added, so
    with ``color=False`` the output contains no escape sequence at all, not even one smuggled in
    through a message quoting a repository file.
    """

    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    lines = [paint(_header(result), _BOLD)]
    width = max((len(check.check_id) for check in result.results), default=0)
    for check in result.results:
        summary = check.summary or (f"skipped: {check.skip_reason}" if check.skip_reason else "")
        line = f"{STATUS_ICON[check.status]} "
        line += paint(printable(check.check_id.ljust(width)), _STATUS_COLOR[check.status])
        line += f"  {printable(check.title)}"
        if summary:
            line += f" — {printable(summary)}"
        lines.append(_indented(line, ""))
        for finding in reported_findings(check):
            if finding.status is Status.PASS:
                continue  # a skipped item stays listed: its reason is what was not verified
            marker = paint(finding.status.value.upper(), _STATUS_COLOR[finding.status])
            where = f"{finding.location}: " if finding.location else ""
            lines.append(_indented(f"{marker} {printable(where + finding.message)}", _FINDING_INDENT))
            lines.extend(_indented(printable(detail), _DETAIL_INDENT) for detail in detail_lines(finding))
    verdict_color = _RED if result.failed or result.undecided else _GREEN
    lines.append(paint(verdict_text(result), _BOLD + verdict_color))
    return "\n".join(lines) + "\n"


def _header(result: GateResult) -> str:
    running = (
        f"running {go_name(result.running_version)}" if result.running_version else "running Go: unknown"
    )
    fields = [f"gogate {result.gogate_version}", f"root {result.root}", f"mode {result.mode}"]
    return printable(" · ".join([*fields, pinned_text(result), running]))


def _indented(text: str, indent: str) -> str:
    """Indent every line of a possibly multi-line text, so continuation lines stay under their item."""
    continuation = indent + "  "
    first, *rest = text.split("\n")
    return "\n".join([indent + first, *(continuation + part for part in rest)])
