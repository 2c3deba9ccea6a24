"""GitLab Code Quality report (the ``artifacts:reports:codequality`` JSON array).

Why: GitLab shows these issues in the merge-request widget and in the diff, next to the line of
go.mod or the Dockerfile that pins the wrong Go. GitLab keys issues by ``fingerprint`` (an issue
whose fingerprint disappears counts as fixed), so fingerprints are stable across runs (no messages,
which may mention versions that change) and unique within a report. Locations must be relative to
the repository root, or GitLab cannot link them.
"""

from __future__ import annotations

import hashlib
import json

from gogate.report._common import detail_lines, repo_relative, reported_findings
from gogate.results import Finding, GateResult, Status

__all__ = ["render_codequality"]

_SEVERITY: dict[Status, str] = {Status.FAIL: "major", Status.ERROR: "major", Status.WARN: "minor"}


def render_codequality(result: GateResult, *, fallback_path: str = "go.version") -> str:
    """A JSON array with one issue per FAIL/ERROR/WARN finding.

    Findings about the environment (no path), or with a path outside the repository, are attached
    to ``fallback_path`` line 1, because GitLab requires a location on every issue. The CLI passes
    the configured pin file; if that is itself outside the repository, ``go.mod`` is used instead,
    since a report must still be written.
    """
    fallback = repo_relative(fallback_path, result.root) or "go.mod"
    issues: list[dict[str, object]] = []
    seen_issues: set[str] = set()
    seen_fingerprints: set[str] = set()
    for check in result.results:
        for finding in reported_findings(check):
            severity = _SEVERITY.get(finding.status)
            if severity is None:
                continue
            issue = _issue(result, finding, severity, fallback=fallback)
            identity = json.dumps(issue, sort_keys=True)
            if identity in seen_issues:
                continue  # the very same issue twice says nothing new
            seen_issues.add(identity)
            issue["fingerprint"] = _unique_fingerprint(str(issue["fingerprint"]), seen_fingerprints)
            issues.append(issue)
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(result: GateResult, finding: Finding, severity: str, *, fallback: str) -> dict[str, object]:
    description = " ".join([finding.message, *detail_lines(finding)])
    path = repo_relative(finding.path, result.root)
    line = finding.line if finding.line is not None and finding.line >= 1 else 1
    if path is None:
        path, line = fallback, 1
        if finding.path is not None:
            description += f" (in {finding.path})"
    key = "\0".join([finding.rule, path, str(line), finding.subject])
    return {
        "description": " ".join(description.split()),
        "check_name": finding.rule,
        "fingerprint": hashlib.sha256(key.encode()).hexdigest(),
        "severity": severity,
        "location": {"path": path, "lines": {"begin": line}},
    }


def _unique_fingerprint(fingerprint: str, seen: set[str]) -> str:
    """Distinct issues that share a key still need distinct fingerprints, or GitLab merges them."""
    candidate, number = fingerprint, 1
    while candidate in seen:
        number += 1
        candidate = hashlib.sha256(f"{fingerprint}\0{number}".encode()).hexdigest()
    seen.add(candidate)
    return candidate
