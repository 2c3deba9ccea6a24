"""Gather facts once, run the selected checks, apply severities: the gate without any output.

Why separate from the CLI: the engine is a function from configuration (plus the environment) to
a GateResult, so tests and future commands can run the gate without parsing flags or writing files.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping

from gogate import __version__
from gogate.checks.interface import Check, CheckReport, Facts, Mode, Need
from gogate.checks.registry import CHECKS
from gogate.config import Config
from gogate.facts.archives import gather_archive_facts
from gogate.facts.goroot import gather_goroot_facts
from gogate.facts.pins import gather_repo_facts
from gogate.facts.toolchain import gather_toolchain_facts
from gogate.lockfile import gather_lock_facts
from gogate.redact import redact
from gogate.results import CheckResult, Finding, GateResult, Severity, Status, worst_status
from gogate.toolchain_reference import cache_dir

__all__ = ["gather_facts", "run_gate"]

_DEPS_NEEDS = frozenset({Need.DEPS, Need.COMPLETENESS, Need.MODCACHE, Need.VENDOR_CONTENT, Need.SUMDB})

_SEVERITY_STATUS = {
    Severity.ERROR: Status.FAIL,
    Severity.WARNING: Status.WARN,
    Severity.INFO: Status.PASS,
    Severity.OFF: Status.PASS,
}


def gather_facts(config: Config, environ: Mapping[str, str]) -> Facts:
    """Read the repository; run go and read gogate.lock only when a selected check needs them."""
    repo = gather_repo_facts(config.root, pin_file=config.pin_file, cache_root=cache_dir(environ))
    # Only checks that run in this mode count: the merge-request path must never hash a GOROOT
    # or reach the network for a full-mode check it will skip.
    running = [CHECKS[check_id] for check_id in config.checks if config.mode in CHECKS[check_id].modes]
    needs = {need for check in running for need in check.needs}
    toolchain = None
    if Need.TOOLCHAIN in needs:
        toolchain = gather_toolchain_facts(config.root, go=config.go, environ=environ)
    lock = gather_lock_facts(config.root) if Need.LOCK in needs else None
    goroot = None
    if Need.GOROOT in needs and toolchain is not None:
        goroot = gather_goroot_facts(toolchain, lock, environ=environ)
    archives = None
    pin = repo.pin.version if repo.pin is not None else None
    download = config.download_archives and config.mode is Mode.FULL
    if Need.ARCHIVES in needs and (config.archives or download) and pin is not None:
        archives = gather_archive_facts(
            config.archives, pin, lock, use_index=config.mode is Mode.FULL, download=download, environ=environ
        )
    facts = Facts(repo=repo, toolchain=toolchain, lock=lock, goroot=goroot, archives=archives)
    if needs & _DEPS_NEEDS:
        facts = _with_dependency_facts(facts, needs, config, environ)
    if Need.SNAPSHOT in needs:
        from gogate.facts.snapshot import gather_snapshot_facts

        snapshot = gather_snapshot_facts(config.root, toolchain, lock, environ)
        facts = dataclasses.replace(facts, snapshot=snapshot)
    return facts


def _with_dependency_facts(
    facts: Facts, needs: set[Need], config: Config, environ: Mapping[str, str]
) -> Facts:
    """Add the dependency fact groups the selected checks need (imported here: start-up time)."""
    from gogate.facts import deps as gather

    repo, toolchain = facts.repo, facts.toolchain
    deps = gather.gather_deps_facts(repo, toolchain, environ)
    offline = config.mode is Mode.MINIMAL
    completeness = modcache = vendor_content = sumdb = None
    if Need.COMPLETENESS in needs:
        completeness = gather.gather_completeness(repo, deps, toolchain, environ, offline=offline)
    if Need.MODCACHE in needs:
        modcache = gather.gather_modcache_facts(deps)
    if Need.VENDOR_CONTENT in needs:
        vendor_content = gather.gather_vendor_content(repo, deps, environ)
    if Need.SUMDB in needs:
        sumdb = gather.gather_sumdb_facts(deps, environ)
    return dataclasses.replace(
        facts,
        deps=deps,
        completeness=completeness,
        modcache=modcache,
        vendor_content=vendor_content,
        sumdb=sumdb,
    )


def _apply_severity(finding: Finding, severity: Mapping[str, Severity]) -> Finding:
    """Redact the finding and re-weight a violation by its configured rule (or check) severity.

    A re-weighted finding stays in every report, marked, so a waiver is always visible.
    """
    updates: dict[str, object] = {
        name: redact(value)
        for name in ("message", "expected", "found", "remediation", "subject")
        if isinstance(value := getattr(finding, name), str)
    }
    if finding.status in (Status.WARN, Status.FAIL):
        configured = severity.get(finding.rule) or severity.get(finding.check_id)
        if configured is not None:
            updates["status"] = _SEVERITY_STATUS[configured]
            updates["message"] = f"{updates['message']} [severity {configured.value} by configuration]"
    return finding.model_copy(update=updates)


def _run_one(check: Check, facts: Facts, config: Config) -> CheckResult:
    if check.id in config.deselected:
        return CheckResult(
            check_id=check.id,
            title=check.title,
            status=Status.SKIP,
            skip_reason="not selected (--only/--skip or configuration)",
        )
    if config.mode not in check.modes:
        modes = ", ".join(sorted(m.value for m in check.modes))
        return CheckResult(
            check_id=check.id,
            title=check.title,
            status=Status.SKIP,
            skip_reason=f"runs in {modes} mode, this run is {config.mode.value}",
        )
    started = time.perf_counter()
    report: CheckReport = check.run(facts)
    elapsed = time.perf_counter() - started
    if report.error is not None:
        return CheckResult(
            check_id=check.id,
            title=check.title,
            status=Status.ERROR,
            error=redact(report.error),
            duration_seconds=elapsed,
        )
    if report.skip_reason is not None:
        return CheckResult(
            check_id=check.id,
            title=check.title,
            status=Status.SKIP,
            skip_reason=redact(report.skip_reason),
            duration_seconds=elapsed,
        )
    findings = tuple(_apply_severity(f, config.severity) for f in report.findings)
    return CheckResult(
        check_id=check.id,
        title=check.title,
        status=worst_status(f.status for f in findings),
        findings=findings,
        summary=redact(report.summary),
        duration_seconds=elapsed,
    )


def run_gate(config: Config, environ: Mapping[str, str]) -> GateResult:
    """Run the gate. Raises InputError/ConfigError for bad input; check bugs propagate (exit 4)."""
    facts = gather_facts(config, environ)
    results = tuple(_run_one(check, facts, config) for check in CHECKS.values())
    pin = facts.repo.pin
    running = None
    if facts.toolchain is not None and facts.toolchain.env is not None:
        # "Running" is what the job's go command ends up executing, after any GOTOOLCHAIN switch.
        effective = facts.toolchain.effective
        running = effective.toolchain if effective is not None else facts.toolchain.env.goversion
    return GateResult(
        gogate_version=__version__,
        root=str(config.root),
        mode=config.mode.value,
        pinned_version=pin.version if pin is not None else None,
        pin_source=f"{pin.path}:{pin.line}" if pin is not None else None,
        running_version=running,
        results=results,
        fail_on_warnings=config.fail_on_warnings,
    )
