"""Check ``pins``: every place that states a Go version agrees with the pin.

Rules (Go's own ordering, :mod:`gogate.goversion`): exact statements must equal the pin; a go.mod
or go.work ``go`` line must not be newer than the pin (the pinned toolchain would refuse the
module, or switch away from itself); floating tags are warnings naming the exact value to write.
"""

from __future__ import annotations

from typing import ClassVar, Protocol

from gogate import goversion
from gogate.checks.interface import Check, CheckReport, Facts
from gogate.facts.model import PinKind, PinRecord
from gogate.results import Finding, Status
from gogate.version_range import range_admits

__all__ = ["PinsCheck"]


def _fix(record: PinRecord, pin: str, pin_path: str) -> str | None:
    if record.kind is PinKind.REFERENCE:
        if record.raw == pin_path:
            # setup-go reads a plain file whole: the pin file's comments become part of the "version".
            return (
                f"setup-go reads {pin_path} whole, comments included: keep only `{pin}` in it, "
                f"or use `go-version: '{pin}'`"
            )
        return f"make {record.raw} state {pin}, or use `go-version: '{pin}'`"
    if record.fix_template is None:
        return None
    # str.replace, not str.format: templates can hold Dockerfile/CI braces such as ${GO_VERSION:-{version}}.
    value = record.fix_template.replace("{version}", pin)
    return f"write `{value}` at {record.path}:{record.line}"


class _At(Protocol):
    """Builds a finding about one record (see PinsCheck._judge)."""

    def __call__(
        self,
        rule: str,
        status: Status,
        message: str,
        *,
        expected: str | None = None,
        found: str | None = None,
        remediation: str | None = None,
    ) -> Finding: ...


def _subject(record: PinRecord) -> str:
    return f"{record.path}:{record.line} {record.raw}"


class PinsCheck(Check):
    id = "pins"
    title = "Go version pins agree"
    configurable = frozenset({"pins.floating", "pins.unresolved", "pins.shadowed", "pins.gotoolchain-switch"})
    rules: ClassVar[dict[str, str]] = {
        "pins.ok": "a version statement agrees with the pin",
        "pins.loose-pin": "the pin is a language version (1.22), not an exact release",
        "pins.mismatch": "an exact version statement differs from the pin",
        "pins.go-line-too-new": "a go.mod/go.work go line is newer than the pin",
        "pins.floating": "a floating tag or version range (golang:1.22, latest, stable)",
        "pins.unresolved": "a version that cannot be known statically (CI expression, variable, digest only)",
        "pins.shadowed": "a statement its consumer ignores (go-version-file shadowed by go-version)",
        "pins.gotoolchain-switch": "a build's GOTOOLCHAIN allows switching away from the pinned toolchain",
    }

    def run(self, facts: Facts) -> CheckReport:
        repo = facts.repo
        pin = repo.pin
        assert pin is not None, "gather_repo_facts raises NoPinError when there is no pin"
        origin = f"{pin.path}:{pin.line}" + (" (fallback: no go.version)" if repo.pin_fallback_used else "")
        findings: list[Finding] = []
        if pin.kind is not PinKind.EXACT or pin.version is None:
            findings.append(
                self.finding(
                    "loose-pin",
                    Status.FAIL,
                    _subject(pin),
                    f"{pin.raw} is a language version, not a release: too loose for a pin",
                    path=pin.path,
                    line=pin.line,
                    expected="an exact release such as "
                    f"{(pin.version or '1.22')}.5 or {(pin.version or '1.22')}rc1",
                    found=pin.raw,
                    remediation=f"write the exact release the build uses in {pin.path}, "
                    "e.g. the output of `go env GOVERSION` without the go prefix",
                )
            )
            return CheckReport(findings, summary=f"pin {pin.raw} from {origin} is not an exact release")
        version = pin.version
        findings.append(
            self.finding(
                "ok",
                Status.PASS,
                _subject(pin),
                f"pinned Go {version} from {origin}",
                path=pin.path,
                line=pin.line,
                found=version,
            )
        )
        findings.extend(self._judge(record, version, pin.path) for record in repo.records if record != pin)
        failures = sum(f.status is Status.FAIL for f in findings)
        warnings = sum(f.status is Status.WARN for f in findings)
        others = sum(record != pin for record in repo.records)
        summary = f"pin {version} from {origin}; {others} other statement(s)"
        if failures or warnings:
            summary += f", {failures} disagree, {warnings} warning(s)"
        return CheckReport(findings, summary=summary)

    def _judge(self, record: PinRecord, pin: str, pin_path: str) -> Finding:
        note = f" ({record.note})" if record.note else ""

        def at(
            rule: str,
            status: Status,
            message: str,
            *,
            expected: str | None = None,
            found: str | None = None,
            remediation: str | None = None,
        ) -> Finding:
            return self.finding(
                rule,
                status,
                _subject(record),
                message,
                path=record.path,
                line=record.line,
                expected=expected,
                found=found,
                remediation=remediation,
            )

        if record.shadowed:
            return at(
                "shadowed",
                Status.WARN,
                f"{record.raw} is ignored{note}",
                remediation="remove one of the two settings so the file says what runs",
            )
        kind, version = record.kind, record.version
        if kind is PinKind.REFERENCE:
            if version is None:
                return at(
                    "unresolved",
                    Status.FAIL,
                    f"{record.source} {record.raw} gives no version{note}",
                    remediation=_fix(record, pin, pin_path),
                )
            kind = PinKind.EXACT if goversion.is_release(version) else PinKind.FLOATING
        if kind is PinKind.DEFAULT:
            return at("ok", Status.PASS, f"{record.raw}: the go command will not switch{note}")
        if kind is PinKind.MINIMUM:
            assert version is not None
            if goversion.compare(version, pin) > 0:
                return at(
                    "go-line-too-new",
                    Status.FAIL,
                    f"{record.source} requires go >= {version}, newer than the pinned {pin}: the pinned "
                    "toolchain refuses this module, or auto-switches to another toolchain",
                    expected=f"<= {pin}",
                    found=version,
                    remediation=f"lower the go line to at most {pin}, or raise the pin",
                )
            return at("ok", Status.PASS, f"go {version} <= pin {pin}")
        if kind is PinKind.EXACT:
            assert version is not None
            if goversion.compare(version, pin) == 0:
                return at("ok", Status.PASS, f"{record.source} matches the pin {pin}")
            return at(
                "mismatch",
                Status.FAIL,
                f"{record.source} says {version}, the pin is {pin}{note}",
                expected=pin,
                found=record.raw,
                remediation=_fix(record, pin, pin_path),
            )
        if kind is PinKind.GOTOOLCHAIN:
            return self._judge_gotoolchain(record, pin, at)
        if kind is PinKind.FLOATING:
            if record.range_spec is not None:
                # The consumer reads a range: fail only when it can never select the pin.
                never = range_admits(record.range_spec, pin) is False
            else:
                never = (
                    version is not None and "." in version and goversion.lang(version) != goversion.lang(pin)
                )
            if never:
                return at(
                    "mismatch",
                    Status.FAIL,
                    f"{record.raw} can never select the pin {pin}{note}",
                    expected=pin,
                    found=record.raw,
                    remediation=_fix(record, pin, pin_path),
                )
            return at(
                "floating",
                Status.WARN,
                f"{record.raw} floats: it resolves to whatever release is newest when the job runs{note}",
                expected=pin,
                found=record.raw,
                remediation=_fix(record, pin, pin_path),
            )
        return at(
            "unresolved",
            Status.WARN,
            f"{record.raw} cannot be checked statically{note}",
            expected=pin,
            found=record.raw,
            remediation=_fix(record, pin, pin_path)
            or "state the version literally so the gate can verify it",
        )

    def _judge_gotoolchain(self, record: PinRecord, pin: str, at: _At) -> Finding:
        """A GOTOOLCHAIN value a build sets: Go's own rules decide which toolchain that build runs."""
        value = record.raw
        fix = f"write `{record.fix_template}` at {record.path}:{record.line}" if record.fix_template else None
        if value == "local":
            return at("ok", Status.PASS, "GOTOOLCHAIN=local: the installed toolchain runs")
        minimum, plus, mode = value.partition("+")
        if value in ("auto", "path") or (minimum == "local" and mode in ("auto", "path")):
            return at(
                "gotoolchain-switch",
                Status.WARN,
                f"GOTOOLCHAIN={value}: go.mod may make this build switch to another toolchain",
                expected="local",
                found=value,
                remediation=fix,
            )
        version = goversion.from_toolchain(minimum)
        if not version or (plus and mode not in ("auto", "path")):
            return at(
                "mismatch",
                Status.FAIL,
                f"GOTOOLCHAIN={value} is not valid: the go command refuses to run",
                expected="local",
                found=value,
                remediation=fix,
            )
        if not plus:
            if goversion.compare(version, pin) == 0:
                return at("ok", Status.PASS, f"GOTOOLCHAIN={value} runs the pinned release")
            return at(
                "mismatch",
                Status.FAIL,
                f"GOTOOLCHAIN={value} makes this build run go{version}, the pin is {pin}",
                expected=f"go{pin} or local",
                found=value,
                remediation=fix,
            )
        if goversion.compare(version, pin) > 0:
            return at(
                "mismatch",
                Status.FAIL,
                f"GOTOOLCHAIN={value} runs at least go{version}, newer than the pin {pin}",
                expected=f"go{pin} or local",
                found=value,
                remediation=fix,
            )
        return at(
            "gotoolchain-switch",
            Status.WARN,
            f"GOTOOLCHAIN={value} allows switching to a newer toolchain than the pin {pin}",
            expected=f"go{pin} or local",
            found=value,
            remediation=fix,
        )
