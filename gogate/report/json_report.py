"""The machine-readable report, with a published JSON Schema.

Why a separate report model instead of dumping :class:`GateResult`: the result model is internal and
may change with the code; this document is an interface that dashboards and scripts parse, so it is
versioned (``schema_version``), forbids unknown fields (so the schema catches drift in tests) and
spells out the decision as booleans instead of leaving readers to re-derive it from statuses.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gogate.results import CheckResult, Finding, GateResult, Status

__all__ = [
    "SCHEMA_ID",
    "CheckReportModel",
    "FindingReportModel",
    "GateReportModel",
    "render_json",
    "report_json_schema",
]

SCHEMA_ID = "urn:gogate:report-schema:1"
"""Identifier of this schema version; a URN because gogate has no canonical web address yet."""

_JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class FindingReportModel(BaseModel):
    """One item a check looked at."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    check_id: str
    rule: str
    status: Status
    subject: str
    message: str
    path: str | None = Field(description="Repository-relative, '/' separated; null for environment findings.")
    line: int | None
    location: str = Field(description="'path:line', 'path' or '' (convenience for display).")
    expected: str | None
    found: str | None
    remediation: str | None


class CheckReportModel(BaseModel):
    """One check and its findings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    status: Status
    summary: str
    skip_reason: str | None
    error: str | None = Field(description="Why the check could not run (status 'error').")
    duration_seconds: float
    findings: list[FindingReportModel]


class GateReportModel(BaseModel):
    """The whole run and the gate's decision."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", title="gogate report", json_schema_serialization_defaults_required=True
    )

    schema_version: Literal["1"] = "1"
    gogate_version: str
    root: str
    mode: str
    pinned_version: str | None
    pin_source: str | None
    running_version: str | None
    status: Status = Field(description="Worst check status: fail > error > warn > skip > pass.")
    passed: bool = Field(description="The gate passed: nothing failed and every check could run.")
    failed: bool = Field(description="A violation blocks the stage (exit code 1).")
    undecided: bool = Field(description="Some check could not run, so the gate cannot say 'passed'.")
    fail_on_warnings: bool
    checks: list[CheckReportModel]


def render_json(result: GateResult) -> str:
    """The run as pretty-printed JSON (UTF-8 text, non-ASCII kept readable), ending with a newline."""
    return _report(result).model_dump_json(indent=2) + "\n"


def report_json_schema() -> dict[str, object]:
    """The JSON Schema every :func:`render_json` output validates against."""
    schema: dict[str, object] = {"$schema": _JSON_SCHEMA_DIALECT, "$id": SCHEMA_ID}
    schema.update(GateReportModel.model_json_schema(mode="serialization"))
    return schema


def _report(result: GateResult) -> GateReportModel:
    return GateReportModel(
        gogate_version=result.gogate_version,
        root=result.root,
        mode=result.mode,
        pinned_version=result.pinned_version,
        pin_source=result.pin_source,
        running_version=result.running_version,
        status=result.status,
        passed=not result.failed and not result.undecided,
        failed=result.failed,
        undecided=result.undecided,
        fail_on_warnings=result.fail_on_warnings,
        checks=[_check(check) for check in result.results],
    )


def _check(check: CheckResult) -> CheckReportModel:
    return CheckReportModel(
        id=check.check_id,
        title=check.title,
        status=check.status,
        summary=check.summary,
        skip_reason=check.skip_reason,
        error=check.error,
        duration_seconds=check.duration_seconds,
        findings=[_finding(finding) for finding in check.findings],
    )


def _finding(finding: Finding) -> FindingReportModel:
    return FindingReportModel(
        check_id=finding.check_id,
        rule=finding.rule,
        status=finding.status,
        subject=finding.subject,
        message=finding.message,
        path=finding.path,
        line=finding.line,
        location=finding.location,
        expected=finding.expected,
        found=finding.found,
        remediation=finding.remediation,
    )
