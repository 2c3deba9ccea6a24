"""Check ``vendor``: vendor/ agrees with go.mod (Go's rules) and holds exactly the verified modules' files.

Why both halves: Go refuses an inconsistent modules.txt (``go build`` fails), so the first half
reports the same verdict earlier with the file and line. Go never looks at the vendored files
themselves (golang/go#27348): a hand edit builds silently. The second half derives, from each
module's zip authenticated against go.sum, the files ``go mod vendor`` would write and names every
file that was added, removed or changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from gogate.checks.interface import Check, CheckReport, Facts, Need
from gogate.deps.model import WORKSPACE_ROOT, VendorStatus
from gogate.results import Finding, Status

if TYPE_CHECKING:  # the dependency modules load only when the check runs (start-up time)
    from gogate.deps.model import GoMod, GoWork
    from gogate.deps.vendor_consistency import Inconsistency
    from gogate.deps.vendor_content import VendoredContent
    from gogate.facts.deps import DepsFacts, GoModule, ModuleVendorContent

__all__ = ["VendorCheck"]

_SYNC = "run `go mod vendor` in {directory} and review the diff before committing"
_LISTED = 10


def _workspace_owner(deps: DepsFacts) -> tuple[GoModule, GoWork, tuple[GoMod, ...]] | None:
    """The workspace's vendor/ presented like a module's: go.work stands where go.mod would."""
    from gogate.deps.model import GoMod
    from gogate.facts.deps import GoModule

    tree, gowork = deps.workspace_vendor, deps.workspace
    if tree is None or gowork is None:
        return None
    stand_in = GoMod(
        path=gowork.path,
        module="workspace (go.work)",
        module_line=None,
        go=gowork.go,
        go_line=gowork.go_line,
        toolchain=gowork.toolchain,
        toolchain_line=gowork.toolchain_line,
    )
    owner = GoModule(
        root=".",
        gomod=stand_in,
        gosum=None,
        modules_txt=tree.modules_txt,
        has_vendor=True,
        vendor_package_dirs=tree.package_dirs,
        vendor_symlink=tree.vendor_symlink,
    )
    return owner, gowork, tuple(member.gomod for member in tree.members)


def _in_modules_txt(item: Inconsistency) -> bool:
    return item.modules_txt_line is not None or item.gomod_line is None


def _listing(names: tuple[str, ...]) -> str:
    shown = ", ".join(f"vendor/{name}" for name in names[:_LISTED])
    return shown + (f" and {len(names) - _LISTED} more" if len(names) > _LISTED else "")


class VendorCheck(Check):
    id = "vendor"
    title = "vendor/ matches go.mod and the verified modules"
    needs = frozenset({Need.REPO, Need.TOOLCHAIN, Need.DEPS, Need.VENDOR_CONTENT})
    rules: ClassVar[dict[str, str]] = {
        "vendor.ok": "vendor/ is consistent with go.mod and byte for byte what go mod vendor writes",
        "vendor.inconsistent": "vendor/modules.txt disagrees with go.mod (Go refuses to build)",
        "vendor.modified": "a vendored file differs from the module's verified zip",
        "vendor.added": "a file in vendor/ that go mod vendor would not write",
        "vendor.removed": "a file go mod vendor would write is missing from vendor/",
        "vendor.zip-mismatch": "the module zip does not match go.sum (possible tampering upstream)",
        "vendor.zip-rejected": "the module zip breaks a module-zip rule and was not used",
        "vendor.annotation": "a modules.txt ## go annotation differs from the module's go.mod line",
        "vendor.underivable": "go mod vendor itself would fail on the module, so vendor/ cannot be genuine",
        "vendor.irregular": "vendor/ is a symlink; go mod vendor writes a directory",
        "vendor.no-sum": "a vendored module has no go.sum line to authenticate it",
        "vendor.not-found": "no proxy in GOPROXY has the vendored module version",
        "vendor.not-verified": "a vendored module could not be verified: its zip could not be obtained",
    }

    def run(self, facts: Facts) -> CheckReport:
        deps, content = facts.deps, facts.vendor_content
        if deps is None or content is None:
            return CheckReport(error="the dependency facts were not gathered (a gogate bug)")
        vendored = [module for module in deps.modules if module.has_vendor or module.modules_txt is not None]
        workspace = _workspace_owner(deps)
        if not vendored and workspace is None:
            return CheckReport(skip_reason="no module has a vendor/ directory")
        by_root = {item.module_root: item for item in content.modules}
        findings: list[Finding] = []
        for module in vendored:
            if module.vendor_symlink is not None:
                findings.append(self._symlinked(module))
                continue
            findings.extend(self._consistency(module))
            item = by_root.get(module.root)
            if item is not None:
                findings.extend(self._content(module, item))
        if workspace is not None and workspace[0].vendor_symlink is not None:
            findings.append(self._symlinked(workspace[0]))
        elif workspace is not None:
            owner, gowork, members = workspace
            findings.extend(self._consistency(owner, gowork=gowork, members=members))
            item = by_root.get(WORKSPACE_ROOT)
            if item is not None:
                findings.extend(self._content(owner, item))
            vendored.append(owner)
        verified = sum(
            1 for item in content.modules for v in item.verdicts if v.status == VendorStatus.VERIFIED
        )
        return CheckReport(
            findings=findings,
            summary=f"{len(vendored)} vendor tree(s); {verified} vendored module(s) verified file by file",
        )

    def _symlinked(self, module: GoModule) -> Finding:
        return self.finding(
            "irregular",
            Status.FAIL,
            module.relative("vendor"),
            f"{module.name}: vendor/ is a symlink to {module.vendor_symlink}; go builds from whatever it "
            "points to, which gogate does not follow or verify",
            path=module.relative("vendor"),
            found=module.vendor_symlink,
            remediation=f"replace the link with the directory `go mod vendor` writes in {module.root}",
        )

    def _consistency(
        self, module: GoModule, *, gowork: GoWork | None = None, members: tuple[GoMod, ...] = ()
    ) -> list[Finding]:
        from gogate.deps.vendor_consistency import check_vendor_consistency

        verdict = check_vendor_consistency(
            members[0] if members else module.gomod,
            module.modules_txt,
            gowork=gowork,
            workspace_gomods=members,
            vendor_package_dirs=module.vendor_package_dirs,
            vendor_exists=True,
        )
        modules_txt = module.relative("vendor/modules.txt")
        findings = [self._inconsistent(module, item) for item in verdict.inconsistencies]
        if not findings:
            findings.append(
                self.finding(
                    "ok",
                    Status.PASS,
                    modules_txt,
                    f"{module.name}: vendor/modules.txt is consistent with go.mod",
                    path=modules_txt,
                )
            )
        return findings

    def _inconsistent(self, module: GoModule, item: Inconsistency) -> Finding:
        subject = f"{item.module_path}@{item.version}" if item.version else item.module_path
        in_modules_txt = _in_modules_txt(item)
        return self.finding(
            "inconsistent",
            Status.FAIL,
            subject,
            f"{module.name}: {subject}: {item.message}",
            path=module.relative("vendor/modules.txt") if in_modules_txt else module.gomod.path,
            line=item.modules_txt_line if in_modules_txt else item.gomod_line,
            remediation=_SYNC.format(directory=module.root),
        )

    def _content(self, module: GoModule, item: ModuleVendorContent) -> list[Finding]:
        findings = [self._module(module, verdict) for verdict in item.verdicts]
        findings.extend(
            self.finding(
                "annotation",
                Status.FAIL,
                f"{verdict.module.path}@{verdict.module.version}",
                f"{module.name}: {verdict.annotation}",
                path=module.relative("vendor/modules.txt"),
                line=verdict.module.line,
                remediation=_SYNC.format(directory=module.root),
            )
            for verdict in item.verdicts
            if verdict.annotation is not None
        )
        if item.unowned:
            findings.append(
                self.finding(
                    "added",
                    Status.FAIL,
                    module.relative("vendor"),
                    f"{module.name}: files under vendor/ belong to no module in modules.txt: "
                    f"{_listing(item.unowned)}",
                    path=module.relative(f"vendor/{item.unowned[0]}"),
                    remediation=_SYNC.format(directory=module.root),
                )
            )
        return findings

    def _module(self, module: GoModule, verdict: VendoredContent) -> Finding:
        vendored = verdict.module
        subject = f"{vendored.path}@{vendored.version}"
        modules_txt = module.relative("vendor/modules.txt")
        gosum = module.relative("go.sum")
        fix = _SYNC.format(directory=module.root)
        if verdict.status == VendorStatus.VERIFIED:
            source = f" ({verdict.source})" if verdict.source else ""
            return self.finding(
                "ok",
                Status.PASS,
                subject,
                f"{module.name}: vendor/{vendored.path} is exactly what go mod vendor writes from "
                f"{subject}{source}",
                path=modules_txt,
                line=vendored.line,
                found=verdict.found_h1,
            )
        if verdict.status == VendorStatus.DIFFERS:
            parts = [
                f"{kind} {_listing(names)}"
                for kind, names in (
                    ("modified:", verdict.modified),
                    ("added:", verdict.added),
                    ("removed:", verdict.removed),
                )
                if names
            ]
            rule = "modified" if verdict.modified else "added" if verdict.added else "removed"
            first = (verdict.modified or verdict.added or verdict.removed)[0]
            return self.finding(
                rule,
                Status.FAIL,
                subject,
                f"{module.name}: vendored {subject} differs from its verified zip; " + "; ".join(parts),
                path=module.relative(f"vendor/{first}"),
                expected=verdict.expected_h1,
                remediation=fix,
            )
        if verdict.status == VendorStatus.ZIP_MISMATCH:
            return self.finding(
                "zip-mismatch",
                Status.FAIL,
                subject,
                f"{module.name}: SECURITY: {verdict.detail} ({verdict.source})",
                path=gosum,
                line=verdict.sum_line,
                expected=verdict.expected_h1,
                found=verdict.found_h1,
                remediation="do not use this module version until the difference is explained",
            )
        if verdict.status == VendorStatus.REJECTED:
            return self.finding(
                "zip-rejected",
                Status.FAIL,
                subject,
                f"{module.name}: the zip of {subject} ({verdict.source}) was rejected: {verdict.detail}",
                path=gosum,
                line=verdict.sum_line,
                remediation="remove the zip from the module cache and download it again",
            )
        if verdict.status == VendorStatus.UNDERIVABLE:
            return self.finding(
                "underivable",
                Status.FAIL,
                subject,
                f"{module.name}: vendored {subject}: {verdict.detail}",
                path=modules_txt,
                line=vendored.line,
                remediation=fix,
            )
        if verdict.status in (VendorStatus.NO_SUM, VendorStatus.NOT_FOUND):
            return self.finding(
                verdict.status.value,
                Status.FAIL,
                subject,
                f"{module.name}: vendored {subject}: {verdict.detail}",
                path=modules_txt,
                line=vendored.line,
                remediation="remove the module from vendor/ and go.mod unless it is genuine; otherwise run "
                "`go mod tidy && go mod vendor` and review the diff",
            )
        assert verdict.status == VendorStatus.NOT_VERIFIED, verdict.status
        # Undecided, not skipped: a vendored module nobody verified must not let the gate pass.
        return self.finding(
            "not-verified",
            Status.ERROR,
            subject,
            f"{module.name}: vendored {subject} was not verified: {verdict.detail}",
            path=modules_txt,
            line=vendored.line,
            remediation="let gogate reach GOPROXY (or run `go mod download` first, or cache "
            "GOGATE_CACHE_DIR/modules between jobs)",
        )
