"""Check ``lock``: gogate.lock is for the pinned Go release and covers the default platforms.

Why: after a version bump, a lock left at the old release would make every later authenticity
check compare against the wrong bytes. A stale lock fails with the command that refreshes it; a
repository without a lock is reported as skipped, never as passed.
"""

from __future__ import annotations

from typing import ClassVar

from gogate import goversion
from gogate.checks.interface import Check, CheckReport, Facts, Need
from gogate.facts.model import PinKind
from gogate.lockfile import DEFAULT_PLATFORMS, LOCK_FILE_NAME
from gogate.results import Finding, Status

__all__ = ["LockCheck"]

NO_LOCK = f"no {LOCK_FILE_NAME} (create one with `gogate lock`)"


class LockCheck(Check):
    id = "lock"
    title = "gogate.lock agrees with the pin"
    needs = frozenset({Need.REPO, Need.LOCK})
    configurable = frozenset({"lock.platforms"})
    rules: ClassVar[dict[str, str]] = {
        "lock.ok": "gogate.lock is for the pinned release and lists the default platforms",
        "lock.stale": "gogate.lock is for another Go release than the pin",
        "lock.platforms": "gogate.lock lacks a default platform (linux/amd64, linux/arm64)",
    }

    def run(self, facts: Facts) -> CheckReport:
        lock_facts = facts.lock
        if lock_facts is None:
            return CheckReport(error="the lock facts were not gathered (a gogate bug)")
        lock = lock_facts.lock
        if lock is None:
            return CheckReport(skip_reason=NO_LOCK)
        pin = facts.repo.pin
        if pin is None or pin.kind is not PinKind.EXACT or pin.version is None:
            raw = pin.raw if pin is not None else "(none)"
            return CheckReport(skip_reason=f"the pin {raw} is not an exact release (see pins)")
        path = lock_facts.path
        version_line = lock_facts.lines.get("go_version")
        platforms_line = lock_facts.lines.get("platforms")
        findings: list[Finding] = []
        subject = f"{path} go_version"
        if goversion.compare(lock.go_version, pin.version) == 0:
            findings.append(
                self.finding(
                    "ok",
                    Status.PASS,
                    subject,
                    f"{path} is for the pinned Go {pin.version}",
                    path=path,
                    line=version_line,
                    found=lock.go_version,
                )
            )
        else:
            findings.append(
                self.finding(
                    "stale",
                    Status.FAIL,
                    subject,
                    f"{path} is for Go {lock.go_version}, the pin is {pin.version} ({pin.path}:{pin.line})",
                    path=path,
                    line=version_line,
                    expected=pin.version,
                    found=lock.go_version,
                    remediation=f"run `gogate lock` to refresh {path} for {pin.version}",
                )
            )
        listed = sorted(lock.platforms)
        missing = [platform for platform in DEFAULT_PLATFORMS if platform not in lock.platforms]
        subject = f"{path} platforms"
        if missing:
            wanted = sorted({*listed, *DEFAULT_PLATFORMS})
            flags = " ".join(f"--platform {platform}" for platform in wanted)
            findings.append(
                self.finding(
                    "platforms",
                    Status.WARN,
                    subject,
                    f"{path} does not list {', '.join(missing)} "
                    f"(default platforms: {', '.join(DEFAULT_PLATFORMS)})",
                    path=path,
                    line=platforms_line,
                    expected=", ".join(wanted),
                    found=", ".join(listed),
                    remediation=f"run `gogate lock {flags}`",
                )
            )
        else:
            findings.append(
                self.finding(
                    "ok",
                    Status.PASS,
                    subject,
                    f"{path} lists {', '.join(listed)}",
                    path=path,
                    line=platforms_line,
                    found=", ".join(listed),
                )
            )
        if findings[0].status is Status.FAIL:
            summary = f"{path} is for Go {lock.go_version}, the pin is {pin.version}: stale"
        else:
            summary = f"{path} for Go {lock.go_version}: {', '.join(listed)}"
            if missing:
                summary += f" (missing {', '.join(missing)})"
        return CheckReport(findings, summary=summary)
