"""Helpers every reporter shares, so that all formats tell the same story about one run.

Why a shared module: the terminal, Markdown, JUnit, annotation and code-quality views are read by
different people, but they must agree on what counts as a violation, what the verdict is and that a
check which could not run is never shown as green.
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath

from gogate.results import CheckResult, Finding, GateResult, Status

__all__ = [
    "STATUS_ICON",
    "check_level_finding",
    "detail_lines",
    "go_name",
    "pinned_text",
    "printable",
    "repo_relative",
    "reported_findings",
    "verdict_text",
    "violations",
]

STATUS_ICON: dict[Status, str] = {
    Status.PASS: "✅",
    Status.WARN: "⚠️",
    Status.FAIL: "❌",
    Status.ERROR: "💥",
    Status.SKIP: "⏭️",
}


def check_level_finding(check: CheckResult) -> Finding | None:
    """A finding standing for the check itself when its FAIL/ERROR status is carried by no finding.

    Why: a check that crashed before looking at any item has an ``error`` but no findings. Reporters
    that only list findings (annotations, JUnit, code quality) would otherwise show nothing, and a
    check that could not run must never look green.
    """
    if check.status not in (Status.FAIL, Status.ERROR):
        return None
    if any(finding.status is check.status for finding in check.findings):
        return None
    if check.status is Status.ERROR:
        message = check.error or check.summary or "the check could not run"
        rule = f"{check.check_id}.error"
    else:
        message = check.summary or "the check failed"
        rule = f"{check.check_id}.failed"
    return Finding(
        check_id=check.check_id, rule=rule, status=check.status, subject=check.check_id, message=message
    )


def reported_findings(check: CheckResult) -> tuple[Finding, ...]:
    """The check's findings plus, when needed, the finding standing for the check itself."""
    extra = check_level_finding(check)
    return check.findings if extra is None else (*check.findings, extra)


def violations(result: GateResult) -> list[Finding]:
    """The findings that make the gate fail: FAIL, and WARN too when warnings are fatal."""
    fatal = {Status.FAIL, Status.WARN} if result.fail_on_warnings else {Status.FAIL}
    return [
        finding for check in result.results for finding in reported_findings(check) if finding.status in fatal
    ]


def verdict_text(result: GateResult) -> str:
    """One line with the decision, worded the same way in every human-readable format."""
    if result.failed:
        count = len(violations(result))
        text = f"gate FAILED: {count} violation(s)"
        if result.undecided:
            text += f"; {_could_not_run(result)}"
        return text
    if result.undecided:
        return f"could not decide: {_could_not_run(result)}"
    warnings = sum(
        1 for check in result.results for finding in reported_findings(check) if finding.status is Status.WARN
    )
    return f"gate passed with {warnings} warning(s)" if warnings else "gate passed"


def _could_not_run(result: GateResult) -> str:
    errored = [check.check_id for check in result.results if check.status is Status.ERROR]
    if not errored:
        return "every check was skipped, so nothing was verified"
    return f"{len(errored)} check(s) could not run ({', '.join(errored)})"


def detail_lines(finding: Finding) -> list[str]:
    """``expected: … found: …`` and ``fix: …`` lines, each only when the finding has the data."""
    lines: list[str] = []
    parts = []
    if finding.expected is not None:
        parts.append(f"expected: {finding.expected}")
    if finding.found is not None:
        parts.append(f"found: {finding.found}")
    if parts:
        lines.append("  ".join(parts))
    if finding.remediation:
        lines.append(f"fix: {finding.remediation}")
    return lines


def go_name(version: str) -> str:
    """``go1.22.5`` whether the version was recorded as ``1.22.5`` or ``go1.22.5``."""
    return version if version.startswith("go") else f"go{version}"


def pinned_text(result: GateResult) -> str:
    """``pinned Go 1.22.5 from go.mod:3`` or a plain statement that nothing was pinned."""
    if result.pinned_version is None:
        return "no Go pin found"
    version = result.pinned_version.removeprefix("go")
    source = f" from {result.pin_source}" if result.pin_source else ""
    return f"pinned Go {version}{source}"


def printable(text: str) -> str:
    """Replace control characters (except newline and tab) with visible ``\\xNN`` escapes.

    Why: messages quote repository files, and a crafted go.mod comment must not be able to move the
    cursor, recolour or hide lines in a CI log.
    """
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char in "\n\t" or unicodedata.category(char) != "Cc":
            out.append(char)
        else:
            out.append(f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
    return "".join(out)


def repo_relative(path: str | None, root: str) -> str | None:
    """The repository-relative form of ``path``, or None when it has none (absent, or outside root).

    Why: CI systems place annotations and code-quality issues by repository-relative path; ``./go.mod``
    or ``/builds/acme/service/go.mod`` would not be matched to the file in the diff.
    """
    if path is None or not path.strip():
        return None
    candidate = PurePosixPath(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.relative_to(PurePosixPath(root))
        except ValueError:
            return None
    if ".." in candidate.parts:
        return None
    text = str(candidate)  # PurePosixPath drops "./" and doubled slashes
    return None if text == "." else text
