"""Check ``modcache``: the module cache holds exactly what go.sum says, zip and extracted tree alike.

Why not ``go mod verify``: it compares the cache with the cache's own ``.ziphash``, so a cache
rewritten consistently (a poisoned CI cache restored into every job) passes. This check compares
the recomputed ``h1:`` of each cached zip and extracted directory with the repository's go.sum,
and each cached ``.mod`` with its ``/go.mod`` line, naming the files that differ. Modules the
cache does not hold are counted in the summary, not passed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from gogate.checks.interface import Check, CheckReport, Facts, Need
from gogate.results import Finding, Status

if TYPE_CHECKING:  # the dependency modules load only when the check runs (start-up time)
    from gogate.deps.modcache import CachedGoMod, CachedModule

__all__ = ["ModcacheCheck"]

_REFRESH = "remove it (`go clean -modcache`, or delete {where}) and run `go mod download` again"
_LISTED = 8


def _listing(kind: str, names: tuple[str, ...]) -> str:
    shown = ", ".join(names[:_LISTED])
    more = f" and {len(names) - _LISTED} more" if len(names) > _LISTED else ""
    return f"{kind}: {shown}{more}"


class ModcacheCheck(Check):
    id = "modcache"
    title = "Module cache matches go.sum"
    needs = frozenset({Need.REPO, Need.TOOLCHAIN, Need.DEPS, Need.MODCACHE})
    rules: ClassVar[dict[str, str]] = {
        "modcache.ok": "the cached zip and extracted directory hash to the go.sum line",
        "modcache.zip-modified": "the cached zip does not hash to its go.sum line",
        "modcache.dir-modified": "the extracted module directory does not hash to its go.sum line",
        "modcache.ziphash-differs": "only the .ziphash (what go mod verify trusts) disagrees with go.sum",
        "modcache.gomod-modified": "a cached .mod file does not hash to its go.sum /go.mod line",
        "modcache.unreadable": "a cached zip or directory cannot be read or breaks a module-zip rule",
    }

    def run(self, facts: Facts) -> CheckReport:
        cache = facts.modcache
        if cache is None:
            return CheckReport(error="the module-cache facts were not gathered (a gogate bug)")
        if cache.gomodcache is None:
            return CheckReport(skip_reason="GOMODCACHE is not known (no go, no GOPATH, no HOME)")
        if not cache.modules and not cache.gomods:
            if cache.zip_lines == 0:
                return CheckReport(skip_reason="go.sum lists no module zips")
            return CheckReport(
                skip_reason=f"the module cache {cache.gomodcache} holds none of the {cache.zip_lines} "
                "modules go.sum lists (run `go mod download` before gogate to check them)"
            )
        findings: list[Finding] = []
        for module in cache.modules:
            findings.extend(self._module(module))
        findings.extend(self._gomod(item) for item in cache.gomods if item.h1 != item.line.hash)
        checked = len({(m.line.path, m.line.version) for m in cache.modules})
        missing = cache.zip_lines - checked
        summary = f"{checked} cached module(s) re-hashed against go.sum"
        if missing > 0:
            summary += f"; {missing} listed in go.sum are not in the cache and were not checked"
        return CheckReport(findings=findings, summary=summary)

    def _module(self, module: CachedModule) -> list[Finding]:
        line = module.line
        subject = f"{line.path}@{line.version}"
        expected = line.hash
        findings: list[Finding] = []
        for kind, error, location in (
            ("zip", module.zip_error, module.zip_path),
            ("directory", module.dir_error, module.dir_path),
        ):
            if error is not None:
                findings.append(
                    self.finding(
                        "unreadable",
                        Status.FAIL,
                        subject,
                        f"{subject}: the cached {kind} {location} cannot be verified: {error}",
                        remediation=_REFRESH.format(where=location),
                        path=module.gosum_path,
                        line=line.line,
                        expected=expected,
                    )
                )
        agreeing = module.zip_h1 is not None and module.zip_h1 == module.dir_h1 == module.ziphash
        if agreeing and module.zip_h1 != expected:
            # Zip, tree and .ziphash agree with each other, not with go.sum: one cause, one finding.
            return [
                self.finding(
                    "zip-modified",
                    Status.FAIL,
                    subject,
                    f"{subject}: the cached zip, extracted directory and .ziphash all say {module.zip_h1}, "
                    f"go.sum says {expected}: either go.sum was edited or the whole cache entry was replaced "
                    "(`go mod verify` passes this; the sumdb check in full mode tells which is genuine)",
                    found=module.zip_h1,
                    remediation=_REFRESH.format(where=module.zip_path)
                    + "; if go.sum was edited, restore it from version control",
                    path=module.gosum_path,
                    line=line.line,
                    expected=expected,
                )
            ]
        if module.zip_h1 is not None and module.zip_h1 != expected:
            findings.append(
                self.finding(
                    "zip-modified",
                    Status.FAIL,
                    subject,
                    f"{subject}: the cached zip {module.zip_path} does not match go.sum",
                    found=module.zip_h1,
                    remediation=_REFRESH.format(where=module.zip_path),
                    path=module.gosum_path,
                    line=line.line,
                    expected=expected,
                )
            )
        if module.dir_h1 is not None and module.dir_h1 != expected:
            changes = [
                _listing(kind, names)
                for kind, names in (
                    ("modified", module.modified),
                    ("added", module.added),
                    ("removed", module.removed),
                )
                if names
            ]
            detail = f" ({'; '.join(changes)}, compared with the cached zip)" if changes else ""
            findings.append(
                self.finding(
                    "dir-modified",
                    Status.FAIL,
                    subject,
                    f"{subject}: the extracted directory {module.dir_path} does not match go.sum{detail}",
                    found=module.dir_h1,
                    remediation=_REFRESH.format(where=module.dir_path),
                    path=module.gosum_path,
                    line=line.line,
                    expected=expected,
                )
            )
        if module.ziphash is not None and module.ziphash != expected and module.zip_h1 == expected:
            findings.append(
                self.finding(
                    "ziphash-differs",
                    Status.FAIL,
                    subject,
                    f"{subject}: the cache's .ziphash says {module.ziphash}, go.sum says {expected}; "
                    "`go mod verify` trusts the .ziphash",
                    found=module.ziphash,
                    remediation=_REFRESH.format(where=module.zip_path),
                    path=module.gosum_path,
                    line=line.line,
                    expected=expected,
                )
            )
        if not findings:
            verified = " and ".join(
                kind
                for kind, value in (("zip", module.zip_h1), ("extracted directory", module.dir_h1))
                if value
            )
            findings.append(
                self.finding(
                    "ok",
                    Status.PASS,
                    subject,
                    f"{subject}: cached {verified} match go.sum",
                    found=expected,
                    path=module.gosum_path,
                    line=line.line,
                    expected=expected,
                )
            )
        return findings

    def _gomod(self, item: CachedGoMod) -> Finding:
        line = item.line
        subject = f"{line.path}@{line.version}/go.mod"
        if item.error is not None:
            return self.finding(
                "unreadable",
                Status.FAIL,
                subject,
                f"{subject}: the cached {item.mod_path} cannot be read: {item.error}",
                path=item.gosum_path,
                line=line.line,
                remediation=_REFRESH.format(where=item.mod_path),
            )
        return self.finding(
            "gomod-modified",
            Status.FAIL,
            subject,
            f"{subject}: the cached {item.mod_path} does not match go.sum",
            path=item.gosum_path,
            line=line.line,
            expected=line.hash,
            found=item.h1,
            remediation=_REFRESH.format(where=item.mod_path),
        )
