"""Check ``gosum``: every module's go.sum is well formed, unambiguous and complete.

Why: go.sum is the repository's record of which bytes each dependency must have. A line with two
different hashes, a hand-added ``golang.org/toolchain`` line (Go verifies toolchains against the
checksum database, never against go.sum), or a missing line (the build then downloads and trusts
whatever the proxy serves on first use, or fails) all weaken that record. Which lines are needed
is decided by Go itself (``go mod tidy -diff`` on Go 1.23+, else ``go list``); without Go only the
``/go.mod`` lines of go.mod's own requirements are checked, and the summary says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from gogate.checks.interface import Check, CheckReport, Facts, Need
from gogate.results import Finding, Status

if TYPE_CHECKING:  # the dependency modules load only when the check runs (start-up time)
    from gogate.deps.completeness import Completeness
    from gogate.deps.model import GoSum
    from gogate.facts.deps import GoModule

__all__ = ["GosumCheck"]

TOOLCHAIN_MODULE = "golang.org/toolchain"
_TIDY = "run `go mod tidy` in {directory} and commit go.sum"


class GosumCheck(Check):
    id = "gosum"
    title = "go.sum is well formed and complete"
    needs = frozenset({Need.REPO, Need.TOOLCHAIN, Need.DEPS, Need.COMPLETENESS})
    configurable = frozenset({"gosum.unneeded", "gosum.gomod-untidy", "gosum.duplicate", "gosum.reformatted"})
    rules: ClassVar[dict[str, str]] = {
        "gosum.ok": "go.sum holds exactly the lines Go needs, each well formed",
        "gosum.malformed": "a go.sum line Go accepts that cannot be right (algorithm, hash, path, version)",
        "gosum.duplicate": "the same go.sum line appears twice",
        "gosum.conflict": "one module version has two different hashes",
        "gosum.toolchain": "go.sum holds a golang.org/toolchain line (Go never writes or reads one)",
        "gosum.missing": "a line Go needs to build the module is missing",
        "gosum.unneeded": "a line Go does not need (go mod tidy removes it)",
        "gosum.gomod-untidy": "go.mod itself is not tidy (go mod tidy would change it)",
        "gosum.reformatted": "go.sum has the right lines, but not in Go's order and format",
        "gosum.goflags-files": "GOFLAGS -modfile/-overlay: the build reads files other than those verified",
        "gosum.mismatch": "SECURITY: Go found module content that differs from go.sum while loading",
        "gosum.not-verified": "Go could not decide which lines are needed",
    }

    def run(self, facts: Facts) -> CheckReport:
        deps, completeness = facts.deps, facts.completeness
        if deps is None or completeness is None:
            return CheckReport(error="the dependency facts were not gathered (a gogate bug)")
        if not deps.modules:
            return CheckReport(skip_reason="no go.mod in the repository")
        by_root = {result.module_root: result for result in completeness.results}
        findings: list[Finding] = []
        for module in deps.modules:
            findings.extend(self._well_formed(module))
            result = by_root.get(module.root)
            if result is not None:
                findings.extend(self._completeness(module, result))
            else:
                findings.extend(self._without_go(module, completeness.unavailable or "go did not run"))
        if deps.workspace_sum is not None:
            findings.extend(self._lines(deps.workspace_sum, deps.workspace_sum.path))
        findings.extend(
            self.finding(
                "goflags-files",
                Status.FAIL,
                "GOFLAGS",
                f"GOFLAGS has {flag}: the build reads other files (go.mod, go.sum, vendor/modules.txt or "
                "sources) than the ones gogate verifies",
                found=flag,
                remediation=f"remove {flag.split('=', 1)[0]} from GOFLAGS (or the go env file)",
            )
            for flag in deps.settings.get("GOFLAGS", "").split()
            if flag.lstrip("-").split("=", 1)[0] in ("modfile", "overlay")
        )
        decided = [r for r in completeness.results if r.error is None]
        if decided:
            methods = ", ".join(sorted({r.method for r in decided}))
            summary = f"{len(deps.modules)} module(s); needed lines decided by {methods} for {len(decided)}"
        else:
            why = completeness.unavailable or "Go could not load the modules"
            summary = f"{len(deps.modules)} module(s); needed lines not decided by Go ({why})"
        return CheckReport(findings=findings, summary=summary)

    # --- well-formedness ------------------------------------------------------------------------

    def _well_formed(self, module: GoModule) -> list[Finding]:
        if module.gosum is None:
            if module.gomod.requires:
                return [
                    self.finding(
                        "missing",
                        Status.FAIL,
                        module.relative("go.sum"),
                        f"{module.name}: go.mod requires {len(module.gomod.requires)} module(s) but there is "
                        "no go.sum",
                        path=module.gomod.path,
                        remediation=_TIDY.format(directory=module.root),
                    )
                ]
            return []
        return self._lines(module.gosum, module.name)

    def _lines(self, gosum: GoSum, name: str) -> list[Finding]:
        from gogate.deps.gosum import conflicts

        findings: list[Finding] = []
        for number, reason in gosum.problems:
            rule = "duplicate" if reason.startswith("duplicate") else "malformed"
            findings.append(
                self.finding(
                    rule,
                    Status.WARN if rule == "duplicate" else Status.FAIL,
                    f"{gosum.path}:{number}",
                    f"{name}: {gosum.path} line {number}: {reason}",
                    path=gosum.path,
                    line=number,
                    remediation="delete the line and run `go mod tidy`",
                )
            )
        for first, second in conflicts(gosum):
            findings.append(
                self.finding(
                    "conflict",
                    Status.FAIL,
                    f"{first.path}@{first.key[1]}",
                    f"{name}: {first.path} {first.key[1]} has two different hashes (lines {first.line} and "
                    f"{second.line}): at most one of them is the real module",
                    path=gosum.path,
                    line=second.line,
                    expected=first.hash,
                    found=second.hash,
                    remediation="delete both lines and run `go mod download` so Go re-fetches the module "
                    "and checks it against the checksum database",
                )
            )
        findings.extend(
            self.finding(
                "toolchain",
                Status.FAIL,
                f"{line.path}@{line.key[1]}",
                f"{name}: {gosum.path} line {line.line} lists {line.path} {line.key[1]}; Go verifies "
                "toolchains against the checksum database and never writes this line",
                path=gosum.path,
                line=line.line,
                remediation="delete the line (pin toolchains with go.version and gogate.lock)",
            )
            for line in gosum.lines
            if line.path == TOOLCHAIN_MODULE
        )
        return findings

    # --- completeness ---------------------------------------------------------------------------

    def _completeness(self, module: GoModule, result: Completeness) -> list[Finding]:
        gosum_path = module.relative("go.sum")
        fix = _TIDY.format(directory=module.root)
        if result.error is not None and "checksum mismatch" in result.error:
            return [
                self.finding(
                    "mismatch",
                    Status.FAIL,
                    gosum_path,
                    f"{module.name}: `{result.method}` refused a module whose content differs from go.sum: "
                    f"{result.error}",
                    path=gosum_path,
                    remediation="find out which side changed (the modcache and sumdb checks say) before "
                    "touching go.sum; never just delete the line",
                )
            ]
        if result.error is not None:
            from gogate.deps.completeness import is_cache_miss

            offline = is_cache_miss(result.error)
            # What can be known without Go still is: each requirement's /go.mod line.
            known = [f for f in self._without_go(module, result.error) if f.rule == "gosum.missing"]
            return known + [
                self.finding(
                    "not-verified",
                    Status.SKIP if offline else Status.ERROR,
                    gosum_path,
                    f"{module.name}: `{result.method}` could not decide which go.sum lines are needed: "
                    f"{result.error}",
                    path=gosum_path,
                    remediation="run `go mod download` before gogate (minimal mode never uses the network)"
                    if offline
                    else "fix what Go reports (the build fails the same way), or retry if it was the network",
                )
            ]
        findings: list[Finding] = [
            self.finding(
                "missing",
                Status.FAIL,
                _line_subject(text),
                f"{module.name}: go.sum lacks a line Go needs: {text}",
                path=gosum_path,
                expected=text,
                remediation=fix,
            )
            for text in result.missing
        ]
        findings.extend(
            self.finding(
                "missing",
                Status.FAIL,
                gosum_path,
                f"{module.name}: {reason}",
                path=gosum_path,
                remediation=fix,
            )
            for reason in result.missing_reasons
        )
        line_numbers = _line_numbers(module.gosum)
        duplicated = _duplicated(module.gosum)
        findings.extend(
            self.finding(
                "unneeded",
                Status.WARN,
                _line_subject(text),
                f"{module.name}: go.sum has a line Go does not need: {text}",
                path=gosum_path,
                line=line_numbers.get(" ".join(text.split())),
                found=text,
                remediation=fix,
            )
            for text in result.unneeded
            if " ".join(text.split()) not in duplicated  # a second copy: already reported as duplicate
        )
        if result.reformatted:
            findings.append(
                self.finding(
                    "reformatted",
                    Status.WARN,
                    gosum_path,
                    f"{module.name}: go.sum holds the lines Go needs but not in Go's order and format",
                    path=gosum_path,
                    remediation=fix,
                )
            )
        if result.gomod_diff:
            findings.append(
                self.finding(
                    "gomod-untidy",
                    Status.WARN,
                    module.gomod.path,
                    f"{module.name}: go mod tidy would change go.mod:\n{result.gomod_diff}",
                    path=module.gomod.path,
                    remediation=_TIDY.format(directory=module.root).replace("go.sum", "go.mod and go.sum"),
                )
            )
        if not findings:
            note = "" if result.unneeded_checked else " (Go < 1.23: unneeded lines not checked)"
            findings.append(
                self.finding(
                    "ok",
                    Status.PASS,
                    gosum_path,
                    f"{module.name}: go.sum has every line `{result.method}` needs{note}",
                    path=gosum_path,
                )
            )
        return findings

    def _without_go(self, module: GoModule, why: str) -> list[Finding]:
        """Without Go: each requirement (after replacement) needs its ``/go.mod`` line; zip lines unjudged."""
        gosum = module.gosum
        have = {line.key for line in gosum.lines} if gosum is not None else set()
        findings: list[Finding] = []
        for require in module.gomod.requires:
            target = _replacement(module, require.path, require.version)
            if target is None:
                continue
            path, version = target
            if (path, f"{version}/go.mod") not in have:
                findings.append(
                    self.finding(
                        "missing",
                        Status.FAIL,
                        f"{path}@{version}/go.mod",
                        f"{module.name}: go.sum lacks the /go.mod line of {path} {version}, required at "
                        f"{module.gomod.path}:{require.line}",
                        path=module.relative("go.sum"),
                        remediation=_TIDY.format(directory=module.root),
                    )
                )
        findings.append(
            self.finding(
                "not-verified",
                Status.SKIP,
                module.relative("go.sum"),
                f"{module.name}: which package zips need go.sum lines was not checked: {why}",
                path=module.relative("go.sum"),
                remediation="put the job's go on PATH (or pass --go) so Go can decide",
            )
        )
        return findings


def _replacement(module: GoModule, path: str, version: str) -> tuple[str, str] | None:
    """What go.mod's replace directives turn ``path version`` into; None for a directory.

    As in Go, a replacement of that exact version wins over one of every version.
    """
    candidates = [r for r in module.gomod.replaces if r.old_path == path and r.old_version in (None, version)]
    candidates.sort(key=lambda replace: replace.old_version is None)
    if not candidates:
        return path, version
    chosen = candidates[0]
    return None if chosen.new_version is None else (chosen.new_path, chosen.new_version)


def _line_subject(text: str) -> str:
    fields = text.split()
    return f"{fields[0]}@{fields[1]}" if len(fields) >= 2 else text


def _duplicated(gosum: GoSum | None) -> set[str]:
    if gosum is None:
        return set()
    seen: set[str] = set()
    twice: set[str] = set()
    for line in gosum.lines:
        text = f"{line.path} {line.key[1]} {line.hash}"
        (twice if text in seen else seen).add(text)
    return twice


def _line_numbers(gosum: GoSum | None) -> dict[str, int]:
    if gosum is None:
        return {}
    return {f"{line.path} {line.key[1]} {line.hash}": line.line for line in gosum.lines}
