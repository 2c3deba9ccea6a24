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
        if goroot.h1 == goroot.reference_h1:
            finding = self.finding(
                "ok",
                Status.PASS,
                subject,
                f"{goroot.module_version} matches {goroot.reference_source}",
                found=goroot.h1,
            )
            return CheckReport([finding], summary=f"official {goroot.module_version}")
        finding = self.finding(
            "not-official",
            Status.FAIL,
            subject,
            f"{goroot.goroot} is not the official {goroot.module_version}: its h1 differs from "
            f"{goroot.reference_source}",
            expected=goroot.reference_h1,
            found=goroot.h1,
            remediation=f"reinstall Go from the official archive; `gogate toolchain verify --goroot "
            f"{goroot.goroot} --archive <official archive>` lists the files that differ",
        )
        return CheckReport([finding], summary="GOROOT differs from the official release")
