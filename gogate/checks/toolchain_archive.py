"""Check ``toolchain-archive``: local copies of the release archives are the official bytes.

Runs when archives are configured (``--archive FILE``, ``GOGATE_ARCHIVES``, ``archives:``). Each is
compared with gogate.lock (SHA-256, BLAKE3, size) and, in full mode, the official download index.
An archive nothing trusted vouches for is an error (could not decide), never a pass.
"""

from __future__ import annotations

from typing import ClassVar

from gogate.checks.interface import Check, CheckReport, Facts, Need
from gogate.results import Finding, Status

__all__ = ["ToolchainArchiveCheck"]


class ToolchainArchiveCheck(Check):
    id = "toolchain-archive"
    title = "Release archives are the official bytes"
    needs = frozenset({Need.REPO, Need.LOCK, Need.ARCHIVES})
    rules: ClassVar[dict[str, str]] = {
        "toolchain-archive.ok": "the archive matches gogate.lock and/or the official index",
        "toolchain-archive.tampered": "the archive differs from gogate.lock or the official index",
    }

    def run(self, facts: Facts) -> CheckReport:
        archives = facts.archives
        if archives is None or not archives.items:
            if archives is not None and archives.index_error:
                return CheckReport(error=f"the download index could not be read: {archives.index_error}")
            return CheckReport(
                skip_reason="no archive configured (--archive FILE, or --download-archives in full mode)"
            )
        findings: list[Finding] = []
        undecided: list[str] = []
        for item in archives.items:
            if item.error is not None:
                findings.append(
                    self.finding("tampered", Status.FAIL, item.path, item.error, path=None, found=item.path)
                )
                continue
            failed = [c for c in item.comparisons if c.status == "fail"]
            if failed:
                detail = "; ".join(f"{c.subject}: expected {c.expected}, found {c.found}" for c in failed)
                findings.append(
                    self.finding(
                        "tampered",
                        Status.FAIL,
                        item.path,
                        f"{item.path} is not the official archive for {item.platform}: {detail}",
                        expected=failed[0].expected,
                        found=failed[0].found,
                        remediation="download the archive again from the official site or your mirror, "
                        "and compare with `gogate toolchain verify --archive`",
                    )
                )
            elif not item.authenticated:
                undecided.append(item.path)
            else:
                sources = sorted({c.subject.split(":")[0] for c in item.comparisons if c.status == "pass"})
                findings.append(
                    self.finding(
                        "ok", Status.PASS, item.path, f"matches {', '.join(sources)}", found=item.platform
                    )
                )
        if not any(f.status is Status.FAIL for f in findings):
            if undecided:
                reason = archives.index_error or "no gogate.lock entry and no download index to compare with"
                return CheckReport(error=f"could not verify {', '.join(undecided)}: {reason}")
            if archives.index_error:
                # Full mode promised the official index too; the lock alone is not the whole answer.
                return CheckReport(error=f"the download index could not be read: {archives.index_error}")
        return CheckReport(findings, summary=f"{len(archives.items)} archive(s)")
