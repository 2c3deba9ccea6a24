"""Check ``goroot`` (full mode): the installed GOROOT is the official release, file for file.

Compares the toolchain-module ``h1:`` of the GOROOT that runs with gogate.lock or the Go checksum
database. A repackaged Go (extra or missing files) or a modified file fails; a reference that cannot
be fetched makes the check an error (exit 3), never a pass.
"""

from __future__ import annotations

from typing import ClassVar

from gogate.checks.interface import Check, CheckReport, Facts, Mode, Need
from gogate.results import Status

__all__ = ["GorootCheck"]


class GorootCheck(Check):
    id = "goroot"
    title = "The installed GOROOT is the official release"
    modes = frozenset({Mode.FULL})
    needs = frozenset({Need.REPO, Need.TOOLCHAIN, Need.LOCK, Need.GOROOT})
    rules: ClassVar[dict[str, str]] = {
        "goroot.ok": "the GOROOT's toolchain-module h1 equals the official one",
        "goroot.not-official": "the GOROOT differs from the official release",
        "goroot.other-binary": "the go that runs is not the verified GOROOT's bin/go",
        "goroot.lock-disagrees": "gogate.lock's h1 differs from the checksum database",
    }

    def run(self, facts: Facts) -> CheckReport:
        goroot = facts.goroot
        if goroot is None:
            return CheckReport(skip_reason="no usable go command (see the toolchain check)")
        if goroot.h1 is None:
            return CheckReport(error=f"{goroot.goroot} could not be hashed: {goroot.error}")
        if goroot.reference_h1 is None:
            return CheckReport(error=f"no official h1 for {goroot.module_version}: {goroot.reference_error}")
        subject = f"GOROOT {goroot.goroot}"
        coverage = (
            f"; {goroot.uncovered} file(s) outside the toolchain module (api/, doc/, misc/, test/, "
            "most of pkg/) are not covered by its h1"
            if goroot.uncovered
            else ""
        )
        findings = []
        if goroot.other_binary is not None:
            findings.append(
                self.finding(
                    "other-binary",
                    Status.FAIL,
                    "go binary",
                    f"the go that runs ({goroot.other_binary}) is not {goroot.goroot}/bin/go "
                    "and differs from it",
                    remediation="run the go binary of the verified GOROOT (put GOROOT/bin first on PATH)",
                )
            )
        if goroot.lock_h1 is not None and goroot.lock_h1 != goroot.reference_h1:
            findings.append(
                self.finding(
                    "lock-disagrees",
                    Status.FAIL,
                    "gogate.lock",
                    f"gogate.lock records {goroot.lock_h1} for {goroot.module_version}, the checksum "
                    f"database says {goroot.reference_h1}: the lock is wrong or was tampered with",
                    path="gogate.lock",
                    expected=goroot.reference_h1,
                    found=goroot.lock_h1,
                    remediation="regenerate it with `gogate lock` and review the diff",
                )
            )
        if goroot.h1 == goroot.reference_h1:
            findings.append(
                self.finding(
                    "ok",
                    Status.PASS,
                    subject,
                    f"{goroot.module_version} matches {goroot.reference_source}{coverage}",
                    found=goroot.h1,
                )
            )
        else:
            findings.append(
                self.finding(
                    "not-official",
                    Status.FAIL,
                    subject,
                    f"{goroot.goroot} is not the official {goroot.module_version}: its h1 differs from "
                    f"{goroot.reference_source}",
                    expected=goroot.reference_h1,
                    found=goroot.h1,
                    remediation=f"reinstall Go from the official archive; `gogate toolchain verify --goroot "
                    f"{goroot.goroot} --archive <official archive or toolchain module zip>` lists the files "
                    "that differ",
                )
            )
        failed = any(f.status is Status.FAIL for f in findings)
        summary = "not the official release" if failed else f"official {goroot.module_version}{coverage}"
        return CheckReport(findings, summary=summary)
