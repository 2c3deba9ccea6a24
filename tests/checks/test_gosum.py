"""Check ``gosum`` on hand-made facts: Go's verdict becomes findings, oddities and conflicts are named
with their line, and without Go only what can be known from the files is claimed."""

from __future__ import annotations

import base64

from gogate.checks.gosum import GosumCheck
from gogate.checks.interface import Facts
from gogate.deps.completeness import Completeness
from gogate.deps.gosum import parse_gosum
from gogate.deps.model import GoMod, Replace, Require
from gogate.facts.deps import CompletenessFacts, DepsFacts, GoModule
from gogate.facts.model import RepoFacts
from gogate.results import Status

H1_A = "h1:" + base64.b64encode(b"a" * 32).decode()
H1_B = "h1:" + base64.b64encode(b"b" * 32).decode()
CHECK = GosumCheck()


def _module(
    gosum_text: str | None, *, requires: tuple[Require, ...] = (), replaces: tuple[Replace, ...] = ()
) -> GoModule:
    gomod = GoMod(
        path="go.mod",
        module="example.com/app",
        module_line=1,
        go="1.22",
        go_line=3,
        toolchain=None,
        toolchain_line=None,
        requires=requires,
        replaces=replaces,
    )
    gosum = parse_gosum(gosum_text.encode(), "go.sum") if gosum_text is not None else None
    return GoModule(root=".", gomod=gomod, gosum=gosum, modules_txt=None, has_vendor=False)


def _run(module: GoModule, completeness: CompletenessFacts) -> list[tuple[str, Status, int | None]]:
    facts = Facts(
        repo=RepoFacts(root="/repo", pin=None, records=()),
        deps=DepsFacts(modules=(module,)),
        completeness=completeness,
    )
    report = CHECK.run(facts)
    assert report.error is None and report.skip_reason is None
    return [(finding.rule, finding.status, finding.line) for finding in report.findings]


def _tidy(**fields: object) -> CompletenessFacts:
    return CompletenessFacts(results=(Completeness(module_root=".", method="go mod tidy -diff", **fields),))  # type: ignore[arg-type]


def test_tidy_go_sum_passes() -> None:
    module = _module(f"example.com/a v1.0.0 {H1_A}\nexample.com/a v1.0.0/go.mod {H1_B}\n")
    assert _run(module, _tidy()) == [("gosum.ok", Status.PASS, None)]


def test_missing_and_unneeded_lines_from_go_are_named() -> None:
    module = _module(f"example.com/a v1.0.0 {H1_A}\nexample.com/old v1.0.0 {H1_B}\n")
    findings = _run(
        module,
        _tidy(missing=(f"example.com/a v1.0.0/go.mod {H1_B}",), unneeded=(f"example.com/old v1.0.0 {H1_B}",)),
    )
    assert ("gosum.missing", Status.FAIL, None) in findings
    # The unneeded line is found in go.sum, so the finding points at it.
    assert ("gosum.unneeded", Status.WARN, 2) in findings


def test_conflicting_hashes_fail_at_the_second_line() -> None:
    module = _module(f"example.com/a v1.0.0 {H1_A}\nexample.com/a v1.0.0 {H1_B}\n")
    assert ("gosum.conflict", Status.FAIL, 2) in _run(module, _tidy())


def test_toolchain_module_line_fails() -> None:
    module = _module(f"golang.org/toolchain v0.0.1-go1.22.5.linux-amd64 {H1_A}\n")
    assert ("gosum.toolchain", Status.FAIL, 1) in _run(module, _tidy())


def test_duplicate_line_warns_and_bad_hash_fails() -> None:
    module = _module(
        f"example.com/a v1.0.0 {H1_A}\nexample.com/a v1.0.0 {H1_A}\nexample.com/b v1.0.0 h1:short\n"
    )
    findings = _run(module, _tidy())
    assert ("gosum.duplicate", Status.WARN, 2) in findings
    assert ("gosum.malformed", Status.FAIL, 3) in findings


def test_checksum_mismatch_reported_by_go_is_a_failure_not_undecided() -> None:
    module = _module(f"example.com/a v1.0.0 {H1_A}\n")
    error = "`go mod tidy -diff` failed: verifying example.com/a@v1.0.0: checksum mismatch\nSECURITY ERROR"
    assert _run(module, _tidy(error=error)) == [("gosum.mismatch", Status.FAIL, None)]


def test_offline_cache_miss_is_skipped_other_load_errors_are_undecided() -> None:
    module = _module(f"example.com/a v1.0.0 {H1_A}\n")
    offline = "example.com/a@v1.0.0: module lookup disabled by GOPROXY=off"
    assert _run(module, _tidy(error=offline)) == [("gosum.not-verified", Status.SKIP, None)]
    broken = "go: example.com/a@v1.0.0: reading example.com/a/go.mod: 500 Internal Server Error"
    assert _run(module, _tidy(error=broken)) == [("gosum.not-verified", Status.ERROR, None)]


def test_without_go_only_gomod_lines_of_requirements_are_checked() -> None:
    requires = (
        Require("example.com/a", "v1.0.0", indirect=False, line=5),
        Require("example.com/b", "v1.0.0", indirect=True, line=6),
        Require("example.com/local", "v1.0.0", indirect=False, line=7),
        Require("example.com/moved", "v1.0.0", indirect=False, line=8),
    )
    replaces = (
        Replace("example.com/local", None, "./local", None, line=10),
        Replace("example.com/moved", None, "example.com/fork", "v2.0.0", line=11),
        Replace("example.com/moved", "v1.0.0", "example.com/exact", "v3.0.0", line=12),
    )
    module = _module(f"example.com/a v1.0.0/go.mod {H1_A}\n", requires=requires, replaces=replaces)
    facts = Facts(
        repo=RepoFacts(root="/repo", pin=None, records=()),
        deps=DepsFacts(modules=(module,)),
        completeness=CompletenessFacts(unavailable="go was not found on PATH"),
    )
    report = CHECK.run(facts)
    missing = sorted(f.subject for f in report.findings if f.rule == "gosum.missing")
    # b lacks its line; the directory replacement needs none; the exact-version replacement wins.
    assert missing == ["example.com/b@v1.0.0/go.mod", "example.com/exact@v3.0.0/go.mod"]
    (skipped,) = [f for f in report.findings if f.rule == "gosum.not-verified"]
    assert skipped.status is Status.SKIP and "go was not found" in skipped.message


def test_requirements_without_go_sum_fail() -> None:
    module = _module(None, requires=(Require("example.com/a", "v1.0.0", indirect=False, line=5),))
    assert ("gosum.missing", Status.FAIL, None) in _run(module, _tidy())


def test_no_module_is_skipped() -> None:
    facts = Facts(
        repo=RepoFacts(root="/repo", pin=None, records=()),
        deps=DepsFacts(modules=()),
        completeness=CompletenessFacts(),
    )
    assert CHECK.run(facts).skip_reason == "no go.mod in the repository"
