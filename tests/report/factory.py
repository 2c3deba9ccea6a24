"""Builders for a realistic hand-made GateResult, shared by the reporter tests.

Why by hand: reporters are pure functions of the result model, so their tests need no repository,
no Go toolchain and no engine; and a hand-built result can hold every awkward case at once
(every status, findings with and without path, and messages full of characters that need escaping).
"""

from __future__ import annotations

from gogate.results import CheckResult, Finding, GateResult, Status

# Characters each format must escape: % : , | newline, CR, backticks, HTML, and multibyte text.
NASTY_MESSAGE = 'go.mod says 100% "go 1.22.5", toolchain: go1.21.0\nsecond line | with pipe — ünïcødé ✓'
ROOT = "/builds/acme/service"


def finding(
    check_id: str,
    rule: str,
    status: Status,
    subject: str,
    message: str,
    *,
    path: str | None = None,
    line: int | None = None,
    expected: str | None = None,
    found: str | None = None,
    remediation: str | None = None,
) -> Finding:
    return Finding(
        check_id=check_id,
        rule=rule,
        status=status,
        subject=subject,
        message=message,
        path=path,
        line=line,
        expected=expected,
        found=found,
        remediation=remediation,
    )


def make_result(*, fail_on_warnings: bool = False) -> GateResult:
    pins = CheckResult(
        check_id="pins",
        title="Go version pins agree",
        status=Status.FAIL,
        summary="2 of 4 pins disagree with go.mod",
        duration_seconds=0.4,
        findings=(
            finding(
                "pins",
                "pins.mismatch",
                Status.FAIL,
                ".github/workflows/ci.yml",
                NASTY_MESSAGE,
                path=".github/workflows/ci.yml",
                line=17,
                expected="1.22.5",
                found="1.21.0",
                remediation="set go-version-file: go.mod in actions/setup-go",
            ),
            finding(
                "pins",
                "pins.mismatch",
                Status.FAIL,
                "Dockerfile",
                "FROM golang:1.21 does not match go.mod",
                path="./Dockerfile",
                line=1,
                expected="golang:1.22.5",
                found="golang:1.21",
                remediation="pin the image to golang:1.22.5",
            ),
            finding("pins", "pins.mismatch", Status.PASS, "go.mod", "go 1.22.5", path="go.mod", line=3),
            finding(
                "pins", "pins.partial", Status.WARN, ".go-version", "no patch version", path=".go-version"
            ),
        ),
    )
    toolchain = CheckResult(
        check_id="toolchain",
        title="Running toolchain is the pinned one",
        status=Status.FAIL,
        summary="running go1.21.0, pinned 1.22.5",
        findings=(
            finding(
                "toolchain",
                "toolchain.version",
                Status.FAIL,
                "go version",
                "the go on PATH is go1.21.0, <b>not</b> the pinned 1.22.5",
                expected="go1.22.5",
                found="go1.21.0",
                remediation="run actions/setup-go with go-version-file: go.mod before gogate",
            ),
        ),
    )
    gosum = CheckResult(
        check_id="gosum",
        title="go.sum is complete",
        status=Status.WARN,
        summary="1 stale line",
        findings=(
            finding(
                "gosum",
                "gosum.stale",
                Status.WARN,
                "golang.org/x/text v0.3.0",
                "go.sum lists a module go.mod no longer needs",
                path="go.sum",
                line=42,
                remediation="run go mod tidy",
            ),
        ),
    )
    sumdb = CheckResult(
        check_id="sumdb",
        title="Toolchain hash is in the checksum database",
        status=Status.ERROR,
        error="sum.golang.org: connection timed out after 10s",
    )
    vendor = CheckResult(
        check_id="vendor",
        title="vendor/modules.txt matches go.mod",
        status=Status.SKIP,
        skip_reason="no vendor directory",
    )
    env = CheckResult(
        check_id="env",
        title="GOTOOLCHAIN is local",
        status=Status.PASS,
        summary="GOTOOLCHAIN=local",
        duration_seconds=0.01,
    )
    return GateResult(
        gogate_version="0.1.0",
        root=ROOT,
        mode="minimal",
        pinned_version="1.22.5",
        pin_source="go.mod:3",
        running_version="1.21.0",
        results=(pins, toolchain, gosum, sumdb, vendor, env),
        fail_on_warnings=fail_on_warnings,
    )


def passing_result() -> GateResult:
    env = CheckResult(check_id="env", title="GOTOOLCHAIN is local", status=Status.PASS, summary="ok")
    return GateResult(
        gogate_version="0.1.0",
        root=ROOT,
        mode="full",
        pinned_version="1.22.5",
        pin_source="go.mod:3",
        running_version="go1.22.5",
        results=(env,),
    )
