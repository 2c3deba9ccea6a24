"""Check ``sumdb`` (full mode): every go.sum line agrees with the checksum database, with proofs.

Why: Go consults the checksum database only when it downloads a module it has no go.sum line
for; a line already in go.sum is trusted forever (golang/go#47752). A line edited in a merge
request, or added from a poisoned proxy with GONOSUMDB set, is therefore never re-checked. Here
each line is looked up in GOSUMDB (through GOPROXY when it proxies the database, as cmd/go does)
with the signed tree head, inclusion proof and fork check verified. Lines Go itself would not
look up (GOSUMDB=off, GONOSUMDB/GOPRIVATE) are listed as not verified, never as passed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from gogate.checks.interface import Check, CheckReport, Facts, Mode, Need
from gogate.results import Finding, Status

if TYPE_CHECKING:  # the dependency modules load only when the check runs (start-up time)
    from gogate.deps.sumdb_verify import SumVerdict

__all__ = ["SumdbCheck"]

_EXCLUDED_SHOWN = 10


class SumdbCheck(Check):
    id = "sumdb"
    title = "go.sum agrees with the checksum database"
    modes = frozenset({Mode.FULL})
    needs = frozenset({Need.REPO, Need.TOOLCHAIN, Need.DEPS, Need.SUMDB})
    configurable = frozenset({"sumdb.excluded"})
    rules: ClassVar[dict[str, str]] = {
        "sumdb.ok": "the go.sum line is the one the checksum database holds",
        "sumdb.mismatch": "SECURITY: the go.sum hash differs from the checksum database",
        "sumdb.missing": "the checksum database has no such line",
        "sumdb.unreachable": "the checksum database could not be asked about a line",
        "sumdb.excluded": "lines not looked up because GOSUMDB/GONOSUMDB/GOPRIVATE exclude them",
        "sumdb.untrusted": "SECURITY: the checksum database failed verification (signature, fork, tile)",
    }

    def run(self, facts: Facts) -> CheckReport:
        sumdb = facts.sumdb
        if sumdb is None:
            return CheckReport(error="the checksum-database facts were not gathered (a gogate bug)")
        if sumdb.error is not None:
            return CheckReport(error=sumdb.error)
        if sumdb.unavailable is not None:
            return CheckReport(skip_reason=f"no checksum database to ask: {sumdb.unavailable}")
        if sumdb.untrusted is not None:
            return CheckReport(
                findings=[
                    self.finding(
                        "untrusted",
                        Status.FAIL,
                        "checksum database",
                        f"SECURITY: {sumdb.untrusted}",
                        remediation="stop: the checksum database (or something between gogate and it) "
                        "served data that fails verification; investigate before trusting any download",
                    )
                ],
                summary="the checksum database failed verification",
            )
        findings = [
            self._verdict(verdict, sumdb.paths.get(verdict.line, "go.sum")) for verdict in sumdb.verdicts
        ]
        if sumdb.excluded:
            shown = ", ".join(
                f"{line.path}@{line.key[1]} ({why})" for line, _, why in sumdb.excluded[:_EXCLUDED_SHOWN]
            )
            more = len(sumdb.excluded) - _EXCLUDED_SHOWN
            first_line, first_path, _ = sumdb.excluded[0]
            findings.append(
                self.finding(
                    "excluded",
                    Status.WARN,
                    f"{len(sumdb.excluded)} go.sum line(s)",
                    f"{len(sumdb.excluded)} go.sum line(s) were not looked up: {shown}"
                    + (f" and {more} more" if more > 0 else ""),
                    path=first_path,
                    line=first_line.line,
                    remediation="narrow GONOSUMDB/GOPRIVATE to the private modules only",
                )
            )
        if not findings:
            return CheckReport(skip_reason="no go.sum lines to look up")
        verified = sum(1 for verdict in sumdb.verdicts if verdict.status == "verified")
        return CheckReport(
            findings=findings,
            summary=f"{verified} of {len(sumdb.verdicts)} go.sum line(s) verified with proofs",
        )

    def _verdict(self, verdict: SumVerdict, gosum_path: str) -> Finding:
        line = verdict.line
        subject = f"{line.path}@{line.key[1]}"
        if verdict.status == "verified":
            return self.finding(
                "ok",
                Status.PASS,
                subject,
                f"{subject} verified",
                found=line.hash,
                path=gosum_path,
                line=line.line,
            )
        if verdict.status == "mismatch":
            return self.finding(
                "mismatch",
                Status.FAIL,
                subject,
                f"SECURITY: {subject}: go.sum says {line.hash}, the checksum database says {verdict.detail}",
                expected=verdict.detail,
                found=line.hash,
                remediation="do not use this module version until the difference is explained; "
                "restore the line from the database (`go mod download` with a clean go.sum line)",
                path=gosum_path,
                line=line.line,
            )
        if verdict.status == "missing":
            return self.finding(
                "missing",
                Status.FAIL,
                subject,
                verdict.detail if verdict.detail.startswith(line.path) else f"{subject}: {verdict.detail}",
                found=line.hash,
                remediation="a public module unknown to the database was never published this way: "
                "check the version, or list private modules in GONOSUMDB",
                path=gosum_path,
                line=line.line,
            )
        return self.finding(
            "unreachable",
            Status.ERROR,
            subject,
            f"{subject}: not verified: {verdict.detail}",
            remediation="check network access to the checksum database (GOSUMDB, GOPROXY) and retry",
            path=gosum_path,
            line=line.line,
        )
