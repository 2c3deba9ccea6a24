"""Check ``toolchain``: the Go that actually runs is the pinned release.

Two things can differ from the pin: the installed toolchain (what ``GOTOOLCHAIN=local go env``
reports), and the effective one, because with GOTOOLCHAIN=auto or path the go command replaces
itself when go.mod asks for something newer. Both are checked; the second is predicted exactly as
cmd/go selects, without running anything that could download a toolchain.
"""

from __future__ import annotations

from typing import ClassVar, TypedDict

from gogate import goversion
from gogate.checks.interface import Check, CheckReport, Facts, Need
from gogate.facts.model import PinKind
from gogate.results import Finding, Status

__all__ = ["ToolchainCheck"]

_INSTALL_HINT = (
    "install Go {pin} (actions/setup-go with `go-version: '{pin}'`, the golang:{pin} image, "
    "or `go install golang.org/dl/go{pin}@latest`) and put it first on PATH, or pass --go"
)


class _Where(TypedDict):
    """Findings about the toolchain point at the pin they are compared with."""

    path: str | None
    line: int | None


class ToolchainCheck(Check):
    id = "toolchain"
    title = "The running Go toolchain is the pinned release"
    needs = frozenset({Need.REPO, Need.TOOLCHAIN})
    rules: ClassVar[dict[str, str]] = {
        "toolchain.ok": "the toolchain matches the pin",
        "toolchain.go-missing": "no go command was found",
        "toolchain.go-env-failed": "`go env` failed",
        "toolchain.installed-mismatch": "the installed toolchain is not the pinned release",
        "toolchain.effective-mismatch": "GOTOOLCHAIN switching would run another toolchain than the pin",
        "toolchain.invalid-gotoolchain": "GOTOOLCHAIN or a toolchain line is invalid",
    }

    def run(self, facts: Facts) -> CheckReport:
        toolchain = facts.toolchain
        pin_record = facts.repo.pin
        assert toolchain is not None and pin_record is not None
        if pin_record.kind is not PinKind.EXACT or pin_record.version is None:
            return CheckReport(skip_reason=f"the pin {pin_record.raw} is not an exact release (see pins)")
        pin = pin_record.version
        pin_where = _Where(path=pin_record.path, line=pin_record.line)
        if toolchain.env is None:
            rule = "go-missing" if toolchain.go_path is None else "go-env-failed"
            message = toolchain.error or "go could not be run"
            return CheckReport(
                [
                    self.finding(
                        rule,
                        Status.FAIL,
                        "go command",
                        message,
                        expected=f"go{pin}",
                        found="no usable go",
                        remediation=_INSTALL_HINT.format(pin=pin),
                        **pin_where,
                    )
                ],
                summary=message,
            )
        env = toolchain.env
        installed = goversion.from_toolchain(env.goversion)
        findings: list[Finding] = []
        where = f"{env.goversion} at {env.goroot} ({env.goos}/{env.goarch})"
        if installed and goversion.compare(installed, pin) == 0:
            findings.append(
                self.finding(
                    "ok",
                    Status.PASS,
                    "installed toolchain",
                    f"installed {where}",
                    expected=f"go{pin}",
                    found=env.goversion,
                    **pin_where,
                )
            )
        else:
            findings.append(
                self.finding(
                    "installed-mismatch",
                    Status.FAIL,
                    "installed toolchain",
                    f"the installed Go is {where}, the pin is go{pin}",
                    expected=f"go{pin}",
                    found=env.goversion,
                    remediation=_INSTALL_HINT.format(pin=pin),
                    **pin_where,
                )
            )
        findings.append(self._effective(facts, pin, pin_where))
        effective = findings[-1].found or env.goversion
        return CheckReport(findings, summary=f"installed {env.goversion}, effective {effective}, pin go{pin}")

    def _effective(self, facts: Facts, pin: str, pin_where: _Where) -> Finding:
        toolchain = facts.toolchain
        assert toolchain is not None and toolchain.env is not None
        env, selection = toolchain.env, toolchain.effective
        if selection is None:
            return self.finding(
                "invalid-gotoolchain",
                Status.FAIL,
                "effective toolchain",
                toolchain.effective_error or "the effective toolchain could not be determined",
                found=env.gotoolchain,
                remediation="fix GOTOOLCHAIN or the toolchain line",
                **pin_where,
            )
        how = ""
        if selection.switches:
            if selection.on_path:
                how = f"; it runs {selection.on_path} from PATH"
            elif selection.path_only:
                how = f"; {selection.toolchain} is not on PATH, so the go command fails"
            else:
                module = f"golang.org/toolchain@v0.0.1-{selection.toolchain}.{env.goos}-{env.goarch}"
                how = f"; it downloads {module}"
        message = selection.reason + how
        version = goversion.from_toolchain(selection.toolchain)
        if version and goversion.compare(version, pin) == 0:
            return self.finding(
                "ok",
                Status.PASS,
                "effective toolchain",
                message,
                expected=f"go{pin}",
                found=selection.toolchain,
                **pin_where,
            )
        return self.finding(
            "effective-mismatch",
            Status.FAIL,
            "effective toolchain",
            message + f"; the pin is go{pin}",
            expected=f"go{pin}",
            found=selection.toolchain,
            remediation=(
                "set GOTOOLCHAIN=local in the job (setup-go and the golang image do) and align "
                "go.mod's go/toolchain lines with the pin"
                if selection.switches
                # Nothing switches: the installed toolchain is what runs, so installing the pin is the fix.
                else _INSTALL_HINT.format(pin=pin)
            ),
            **pin_where,
        )
