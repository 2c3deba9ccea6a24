"""GitHub Actions workflow commands that put findings on the pull request's "Files changed" tab.

Why a cap with an overflow notice: GitHub shows only about ten annotations of each kind per step
(peers.md section 5.3) and silently drops the rest; saying how many were left out, and where to find
them, is better than letting a reviewer believe the list is complete.

Why strict escaping: messages quote repository files. Without escaping, a newline in a crafted
go.mod comment would start a new workflow command (``::add-mask::``, a forged ``::error``) in the
log; GitHub decodes ``%25 %0D %0A`` in data and additionally ``%3A %2C`` in properties.
"""

from __future__ import annotations

from gogate.report._common import detail_lines, repo_relative, reported_findings
from gogate.results import Finding, GateResult, Status

__all__ = ["escape_data", "escape_property", "render_github_annotations", "render_github_outputs"]

_KIND: dict[Status, str] = {Status.FAIL: "error", Status.ERROR: "error", Status.WARN: "warning"}


def escape_data(value: str) -> str:
    """Escape the message part of a workflow command (after ``::``)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a ``key=value`` property, where ``:`` ends the properties and ``,`` separates them."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render_github_annotations(result: GateResult, *, max_per_kind: int = 10) -> str:
    """One ``::error``/``::warning`` line per FAIL/ERROR/WARN finding, at most ``max_per_kind`` of each kind.

    Beyond the cap, one ``::notice::`` per kind says how many were omitted. Returns "" when there is
    nothing to annotate; otherwise newline-terminated lines for the CLI to print to stdout.
    Raises ``ValueError`` for a negative cap.
    """
    if max_per_kind < 0:
        raise ValueError(f"max_per_kind must be >= 0, got {max_per_kind}")
    lines: list[str] = []
    shown = {"error": 0, "warning": 0}
    omitted = {"error": 0, "warning": 0}
    for check in result.results:
        for finding in reported_findings(check):
            kind = _KIND.get(finding.status)
            if kind is None:
                continue
            if shown[kind] < max_per_kind:
                shown[kind] += 1
                lines.append(_command(kind, finding, root=result.root))
            else:
                omitted[kind] += 1
    for kind, count in omitted.items():
        if count:
            lines.append(
                f"::notice::{escape_data(_overflow_message(kind, count, max_per_kind))}",
            )
    return "".join(f"{line}\n" for line in lines)


def _command(kind: str, finding: Finding, *, root: str) -> str:
    properties: list[str] = []
    message_lines = [finding.message, *detail_lines(finding)]
    path = repo_relative(finding.path, root)
    if path is not None:
        properties.append(f"file={escape_property(path)}")
        if finding.line is not None:
            properties.append(f"line={finding.line}")
    elif finding.path is not None:
        # GitHub can only place an annotation on a file of the repository; still say where it is.
        message_lines.append(f"in: {finding.location}")
    properties.append(f"title={escape_property(_title(finding))}")
    message = "\n".join(message_lines)
    return f"::{kind} {','.join(properties)}::{escape_data(message)}"


def _title(finding: Finding) -> str:
    """``gogate pins: mismatch`` for rule ``pins.mismatch`` of check ``pins``."""
    rule = finding.rule.removeprefix(f"{finding.check_id}.")
    return f"gogate {finding.check_id}: {rule}"


def _overflow_message(kind: str, count: int, cap: int) -> str:
    return (
        f"gogate: {count} more {kind} annotation(s) omitted (showing the first {cap}); "
        "see the job's step summary or the JUnit report for every finding"
    )


def render_github_outputs(result: GateResult, *, delimiter: str) -> str:
    """Step outputs for ``$GITHUB_OUTPUT``: the pinned and the running Go version.

    Why gogate writes them itself: the action's script would otherwise have to parse the JSON report
    to learn what gogate already knows. The exit code and verdict are written by the action's script,
    which also sees the runs that end before any report (exit 2).

    Each value uses the ``name<<DELIMITER`` form, so no value can smuggle a second output in through
    a newline; the caller passes a fresh random delimiter, and a value that contains it is refused.
    An unknown version is written as the empty string, so a later step never reads a stale value.
    Both are bare versions (``1.22.5``, as in go.version) so a workflow can compare them directly.
    """
    if not delimiter or "\n" in delimiter:
        raise ValueError("the delimiter must be a non-empty single line")
    outputs = {
        "pinned-version": result.pinned_version or "",
        "running-version": _bare_version(result.running_version or ""),
    }
    lines: list[str] = []
    for name, value in outputs.items():
        if delimiter in value:
            raise ValueError(f"output {name} contains the delimiter")
        lines += [f"{name}<<{delimiter}", value, delimiter]
    return "".join(f"{line}\n" for line in lines)


def _bare_version(version: str) -> str:
    """``go1.22.5`` -> ``1.22.5``; anything else (``devel ...``) unchanged."""
    bare = version.removeprefix("go")
    return bare if bare[:1].isdigit() else version
