"""Check ``snapshot`` (full mode): nothing moved since gogate.snapshot.json was taken, on any platform.

Why in the gate too (besides ``gogate snapshot verify``): a nightly ``gogate check`` then reports the
snapshot audit beside every other check, in the same reports and exit code. Signatures are verified
by ``gogate snapshot verify``, where the pipeline names the key or identity to trust.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from gogate.checks.interface import Check, CheckReport, Facts, Mode, Need
from gogate.results import Finding, Status

if TYPE_CHECKING:
    from gogate.snapshot.compare import SnapshotItem

__all__ = ["SnapshotCheck"]

_RULE_OF_KIND = {
    "reproducible": "not-reproducible",
    "cross-platform-digest": "cross-platform",
    "platform-only-module": "cross-platform",
    "platform": "not-measured",
}
_STATUS = {"pass": Status.PASS, "info": Status.PASS, "fail": Status.FAIL, "error": Status.ERROR}


class SnapshotCheck(Check):
    id = "snapshot"
    title = "Every platform matches gogate.snapshot.json"
    modes = frozenset({Mode.FULL})
    needs = frozenset({Need.REPO, Need.TOOLCHAIN, Need.LOCK, Need.SNAPSHOT})
    rules: ClassVar[dict[str, str]] = {
        "snapshot.ok": "the recorded item is unchanged on this platform",
        "snapshot.drift": "a recorded item changed (toolchain hash, go.sum line, module, package, binary)",
        "snapshot.cross-platform": "platforms differ in dependency state, or a new platform-only module",
        "snapshot.not-reproducible": "two builds of the same platform differ",
        "snapshot.not-measured": "a platform could not be measured (build failed, unsupported, no go)",
        "snapshot.signature-unchecked": "the snapshot is signed; its signature is checked by snapshot verify",
    }

    def run(self, facts: Facts) -> CheckReport:
        snapshot = facts.snapshot
        if snapshot is None:
            return CheckReport(error="the snapshot facts were not gathered (a gogate bug)")
        if snapshot.error is not None:
            return CheckReport(error=snapshot.error)
        if snapshot.skip_reason is not None:
            return CheckReport(skip_reason=snapshot.skip_reason)
        findings = [self._item(item) for item in snapshot.items]
        findings.extend(
            self.finding(
                "signature-unchecked",
                Status.WARN,
                name,
                f"{name} is not verified by this check: the pipeline's policy is given to "
                "`gogate snapshot verify`",
                path=name,
                remediation="run `gogate snapshot verify` with the key or identity in the same job",
            )
            for name in snapshot.signatures
        )
        platforms = sorted({item.platform for item in snapshot.items if item.platform is not None})
        return CheckReport(findings=findings, summary=f"{len(findings)} item(s) on {', '.join(platforms)}")

    def _item(self, item: SnapshotItem) -> Finding:
        status = _STATUS[item.severity]
        rule = "ok" if status is Status.PASS else _RULE_OF_KIND.get(item.kind, "drift")
        where = item.platform or "cross-platform"
        return self.finding(
            rule,
            status,
            f"{where}: {item.kind} {item.subject}",
            f"{where}: {item.message}",
            path="gogate.snapshot.json",
            expected=item.expected,
            found=item.found,
            remediation=item.hint,
        )
