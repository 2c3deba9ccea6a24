"""The result model every check produces and every reporter consumes.

A check looks at a number of *items* (a pin location, the running toolchain, one environment
setting) and says for each one whether it is fine. That gives reporters something stable to show:
one JUnit testcase per item, one annotation per failing item, one code-quality issue per finding.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CheckResult",
    "Finding",
    "GateResult",
    "Severity",
    "Status",
    "worst_status",
]


class Status(enum.StrEnum):
    """Outcome of one item or one check."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"
    """The item could not be checked (infrastructure); never counted as passed."""
    SKIP = "skip"


_STATUS_RANK = {Status.PASS: 0, Status.SKIP: 1, Status.WARN: 2, Status.ERROR: 3, Status.FAIL: 4}


def worst_status(statuses: Iterable[Status]) -> Status:
    """FAIL beats ERROR beats WARN beats SKIP beats PASS; an empty input is PASS."""
    return max(statuses, key=_STATUS_RANK.__getitem__, default=Status.PASS)


class Severity(enum.StrEnum):
    """Configurable weight of a rule: what status a violation of it becomes."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    OFF = "off"


class Finding(BaseModel):
    """One item a check looked at, and its verdict."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    check_id: str
    rule: str = Field(description="Stable rule id, e.g. 'pins.mismatch'; severities are configured per rule.")
    status: Status
    subject: str = Field(
        description="What was checked; unique within the check (used as the JUnit testcase name)."
    )
    message: str
    path: str | None = Field(default=None, description="Repository-relative path, '/' separated.")
    line: int | None = None
    expected: str | None = None
    found: str | None = None
    remediation: str | None = None

    @property
    def location(self) -> str:
        """``path:line``, ``path`` or "" for findings about the environment."""
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line is not None else self.path


class CheckResult(BaseModel):
    """Everything one check reports."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    check_id: str
    title: str
    status: Status
    findings: tuple[Finding, ...] = ()
    summary: str = Field(default="", description="One line shown next to the check's status.")
    skip_reason: str | None = None
    error: str | None = Field(default=None, description="Why the check could not run (status ERROR).")
    duration_seconds: float = 0.0


class GateResult(BaseModel):
    """The whole run: the results in registry order and the gate's decision inputs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    gogate_version: str
    root: str
    mode: str
    pinned_version: str | None = None
    pin_source: str | None = None
    running_version: str | None = None
    results: tuple[CheckResult, ...]
    fail_on_warnings: bool = False

    @property
    def status(self) -> Status:
        return worst_status(result.status for result in self.results)

    @property
    def failed(self) -> bool:
        """True when the gate blocks the stage because of a violation."""
        statuses = {result.status for result in self.results}
        return Status.FAIL in statuses or (self.fail_on_warnings and Status.WARN in statuses)

    @property
    def undecided(self) -> bool:
        """True when some check could not run, or no check verified anything: never "passed"."""
        if any(result.status is Status.ERROR for result in self.results):
            return True
        return all(result.status is Status.SKIP for result in self.results)

    def all_findings(self) -> tuple[Finding, ...]:
        return tuple(finding for result in self.results for finding in result.findings)
