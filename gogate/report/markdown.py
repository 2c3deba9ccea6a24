"""GitHub-flavoured Markdown for ``$GITHUB_STEP_SUMMARY`` and GitLab merge-request notes.

Why plain headings and lists rather than ``<details>`` blocks: the step summary is capped at 1 MiB
(peers.md section 5.3) and :func:`fit_step_summary` may cut the text anywhere between lines; a cut
inside an HTML block would swallow the truncation notice, a cut in a list or table does no harm.
"""

from __future__ import annotations

import html
import re

from gogate.report._common import (
    STATUS_ICON,
    go_name,
    pinned_text,
    reported_findings,
    verdict_text,
)
from gogate.results import Finding, GateResult, Status

__all__ = ["STEP_SUMMARY_LIMIT_BYTES", "fit_step_summary", "render_markdown"]

STEP_SUMMARY_LIMIT_BYTES = 1024 * 1024 - 1024
"""GitHub aborts a step-summary upload above 1 MiB; keep a margin for what other steps append."""

_NEWLINE = re.compile(r"\r\n|\r|\n")
_TRUNCATION_NOTICE = (
    "\n---\n\n"
    "**Report truncated** to fit the step-summary size limit; "
    "the full report is in the JSON and JUnit report files.\n"
)


def render_markdown(result: GateResult) -> str:
    """A verdict heading, a one-row-per-check table, then one section per check with problems."""
    verdict_icon = "❌" if result.failed else "❗" if result.undecided else "✅"
    running = (
        f"running {_code(go_name(result.running_version))}"
        if result.running_version
        else "running Go unknown"
    )
    lines = [
        f"## {verdict_icon} gogate: {_block(verdict_text(result))}",
        "",
        f"gogate {_block(result.gogate_version)} · mode {_code(result.mode)} · "
        f"{_block(pinned_text(result))} · {running}",
        "",
        "| check | status | summary |",
        "| --- | --- | --- |",
    ]
    for check in result.results:
        summary = check.summary or check.error or check.skip_reason or ""
        status = f"{STATUS_ICON[check.status]} {check.status.value}"
        lines.append(f"| {_cell(check.check_id)} | {status} | {_cell(summary)} |")
    for check in result.results:
        problems = [f for f in reported_findings(check) if f.status not in (Status.PASS, Status.SKIP)]
        if not problems:
            continue
        lines += ["", f"### {STATUS_ICON[check.status]} {_block(check.check_id)}: {_block(check.title)}", ""]
        for finding in problems:
            lines += _finding_lines(finding)
        passed = sum(1 for finding in check.findings if finding.status is Status.PASS)
        if passed:
            lines += ["", f"{passed} other item(s) passed."]
    return "\n".join(lines) + "\n"


def fit_step_summary(markdown: str, *, limit_bytes: int = STEP_SUMMARY_LIMIT_BYTES) -> str:
    """Return ``markdown`` unchanged if it fits in ``limit_bytes`` UTF-8 bytes, else cut it between lines.

    The cut keeps whole lines only (never half a multibyte character or half a table row) and ends
    with a notice pointing to the JSON/JUnit files. Raises ``ValueError`` when the limit cannot even
    hold that notice.
    """
    if len(markdown.encode()) <= limit_bytes:
        return markdown
    budget = limit_bytes - len(_TRUNCATION_NOTICE.encode())
    if budget < 0:
        raise ValueError(f"limit_bytes={limit_bytes} is too small for the truncation notice")
    kept: list[str] = []
    for line in markdown.split("\n"):
        size = len(line.encode()) + 1
        if size > budget:
            break
        kept.append(line + "\n")
        budget -= size
    return "".join(kept) + _TRUNCATION_NOTICE


def _finding_lines(finding: Finding) -> list[str]:
    where = f"{_code(finding.location)} " if finding.location else ""
    status = finding.status.value.upper()
    lines = [f"- **{status}** {where}{_block(finding.message)} ({_code(finding.rule)})"]
    if finding.expected is not None or finding.found is not None:
        parts = []
        if finding.expected is not None:
            parts.append(f"expected {_code(finding.expected)}")
        if finding.found is not None:
            parts.append(f"found {_code(finding.found)}")
        lines.append(f"  - {', '.join(parts)}")
    if finding.remediation:
        lines.append(f"  - fix: {_block(finding.remediation)}")
    return lines


def _text(value: str) -> str:
    """Free text from repository files: no raw HTML, so a crafted file cannot inject markup."""
    return html.escape(value, quote=False)


def _block(value: str) -> str:
    """Free text kept on one source line, with ``<br>`` for its line breaks.

    Why: a newline in a message could otherwise start a new Markdown block (a heading, a list), and
    one source line per item means truncation never splits an item.
    """
    return _NEWLINE.sub("<br>", _text(value))


def _cell(value: str) -> str:
    """Free text inside a table cell: ``|`` would start a new cell and a newline ends the row."""
    return _block(value.replace("\\", "\\\\").replace("|", "\\|"))


def _code(value: str) -> str:
    """An inline code span that survives backticks and newlines in ``value``."""
    value = " ".join(value.splitlines()) if "\n" in value or "\r" in value else value
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {value} " if value.startswith("`") or value.endswith("`") or not value.strip() else value
    return f"{fence}{padded}{fence}"
