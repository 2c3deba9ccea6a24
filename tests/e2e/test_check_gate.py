"""``gogate check`` end to end: a passing repository, then every single drift, with a real Go."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.e2e.conftest import Gate, tree_digest


def _older(version: str) -> str:
    """A different exact release of the same series (or the previous series)."""
    major, minor, *rest = version.split(".")
    patch = int(rest[0]) if rest and rest[0].isdigit() else 0
    if patch > 0:
        return f"{major}.{minor}.{patch - 1}"
    return f"{major}.{int(minor) - 1}.0"


def _junit_failures(path: Path) -> dict[str, list[ET.Element]]:
    root = ET.parse(path).getroot()
    return {
        suite.get("name", ""): [case for case in suite.iter("testcase") if case.find("failure") is not None]
        for suite in root.iter("testsuite")
    }


class TestPassing:
    def test_agreeing_pins_and_matching_go_pass(self, gate: Gate, tmp_path: Path) -> None:
        junit = tmp_path / "junit.xml"
        run = gate.run("--junit", str(junit))
        assert run.code == 0, run.out + run.err
        assert "gate passed" in run.out
        failures = _junit_failures(junit)
        assert set(failures) >= {"pins", "toolchain", "goenv"}
        assert all(not cases for cases in failures.values())

    def test_check_is_read_only(self, gate: Gate) -> None:
        before = tree_digest(gate.repo)
        assert gate.run().code == 0
        assert tree_digest(gate.repo) == before


# Each drift: files to overwrite (a function of the running version), the check id and the file:line
# the JUnit failure and the terminal must name.
DRIFTS = {
    "dot-go-version": (lambda v: {".go-version": f"{_older(v)}\n"}, "pins", ".go-version:1"),
    "tool-versions": (
        lambda v: {".tool-versions": f"nodejs 20.1.0\ngolang {_older(v)}\n"},
        "pins",
        ".tool-versions:2",
    ),
    "gomod-toolchain": (
        lambda v: {"go.mod": f"module m\n\ngo 1.22.0\n\ntoolchain go{_older(v)}\n"},
        "pins",
        "go.mod:5",
    ),
    "gomod-go-too-new": (lambda v: {"go.mod": "module m\n\ngo 1.99.0\n"}, "pins", "go.mod:3"),
    "submodule-gomod": (
        lambda v: {"tools/go.mod": f"module m/tools\n\ngo 1.22\ntoolchain go{_older(v)}\n"},
        "pins",
        "tools/go.mod:4",
    ),
    "gowork-toolchain": (
        lambda v: {"go.work": f"go 1.22.0\n\ntoolchain go{_older(v)}\n\nuse .\n"},
        "pins",
        "go.work:3",
    ),
    "dockerfile": (
        lambda v: {"Dockerfile": f"FROM --platform=$BUILDPLATFORM golang:{_older(v)}-alpine AS b\n"},
        "pins",
        "Dockerfile:1",
    ),
    "dockerfile-arg": (
        lambda v: {"build/Dockerfile.ci": f"ARG GO_VERSION={_older(v)}\nFROM golang:${{GO_VERSION}}\n"},
        "pins",
        "build/Dockerfile.ci:1",
    ),
    "gitlab-image": (
        lambda v: {".gitlab-ci.yml": f"test:\n  image:\n    name: golang:{_older(v)}\n  script: [x]\n"},
        "pins",
        ".gitlab-ci.yml:3",
    ),
    "setup-go": (
        lambda v: {
            ".github/workflows/ci.yml": (
                "on: push\njobs:\n  b:\n    runs-on: ubuntu-24.04\n    steps:\n"
                "      - uses: actions/setup-go@v6\n"
                f"        with:\n          go-version: '{_older(v)}'\n"
            )
        },
        "pins",
        ".github/workflows/ci.yml:8",
    ),
    "running-go": (
        lambda v: {
            "go.version": f"{_older(v)}\n",
            "go.mod": "module m\n\ngo 1.21.0\n",
            "Dockerfile": "FROM scratch\n",
            ".gitlab-ci.yml": "x:\n  script: [y]\n",
            ".github/workflows/ci.yml": "on: push\njobs: {}\n",
        },
        "toolchain",
        "go.version:1",
    ),
}


@pytest.mark.parametrize("name", sorted(DRIFTS))
def test_single_drift_fails_with_location(gate: Gate, tmp_path: Path, name: str) -> None:
    make_files, check_id, location = DRIFTS[name]
    gate.write(make_files(gate.running))
    junit = tmp_path / "junit.xml"
    run = gate.run("--junit", str(junit))
    assert run.code == 1, run.out + run.err
    failing = _junit_failures(junit)[check_id]
    assert failing, f"no failing testcase under {check_id}"
    texts = [ET.tostring(case, encoding="unicode") for case in failing]
    assert any(location in text for text in texts), texts
    assert location in run.out
    assert "fix:" in run.out


def test_floating_tag_warns_with_exact_tag(gate: Gate) -> None:
    series = ".".join(gate.running.split(".")[:2])
    gate.write({"Dockerfile": f"FROM golang:{series}-alpine\n"})
    run = gate.run()
    assert run.code == 0, run.out
    assert f"golang:{gate.running}-alpine" in run.out
    assert "--fail-on-warnings" not in run.out
    assert gate.run("--fail-on-warnings").code == 1


def test_loose_pin_fails(gate: Gate) -> None:
    series = ".".join(gate.running.split(".")[:2])
    gate.write({"go.version": f"{series}\n"})
    run = gate.run()
    assert run.code == 1
    assert "too loose" in run.out


def test_toolchain_switching_is_predicted(gate: Gate) -> None:
    gate.write({"go.mod": "module m\n\ngo 1.99.0\n"})
    run = gate.run(env={"GOTOOLCHAIN": "auto"})
    assert run.code == 1
    assert "switches to go1.99.0" in run.out
    assert "golang.org/toolchain@v0.0.1-go1.99.0" in run.out


def test_missing_go_fails(gate: Gate) -> None:
    run = gate.run(env={"PATH": "/nonexistent"})
    assert run.code == 1
    assert "go was not found on PATH" in run.out


def test_no_pin_is_exit_2_with_how_to(gate: Gate) -> None:
    (gate.repo / "go.version").unlink()
    gate.write({"go.mod": "module m\n\ngo 1.22.0\n"})
    run = gate.run()
    assert run.code == 2
    assert "no Go version pin found" in run.err
    assert "go.version" in run.err


def test_fallback_pin_is_named(gate: Gate) -> None:
    (gate.repo / "go.version").unlink()
    gate.write({".go-version": f"{gate.running}\n"})
    run = gate.run()
    assert run.code == 0, run.out
    assert ".go-version:1 (fallback: no go.version)" in run.out


def test_gowork_drives_switching_unless_gowork_off(gate: Gate) -> None:
    gate.write({"go.work": "go 1.99.0\n\nuse .\n"})
    switching = gate.run("--only", "toolchain", env={"GOTOOLCHAIN": "path"})
    assert switching.code == 1
    assert "go.work go 1.99.0 is newer" in switching.out
    assert "go1.99.0 is not on PATH, so the go command fails" in switching.out
    assert gate.run("--only", "toolchain", env={"GOTOOLCHAIN": "path", "GOWORK": "off"}).code == 0


def test_gowork_file_named_by_the_environment_is_what_selection_reads(gate: Gate, tmp_path: Path) -> None:
    elsewhere = tmp_path / "ci.work"
    elsewhere.write_text("go 1.99.0\n\nuse ./repo\n")
    run = gate.run("--only", "toolchain", env={"GOTOOLCHAIN": "path", "GOWORK": str(elsewhere)})
    assert run.code == 1
    assert f"{elsewhere} go 1.99.0 is newer" in run.out


def test_gowork_in_a_parent_directory_counts(gate: Gate, tmp_path: Path) -> None:
    (tmp_path / "go.work").write_text("go 1.99.0\n\nuse ./repo\n")
    run = gate.run("--only", "toolchain", env={"GOTOOLCHAIN": "path"})
    assert run.code == 1
    assert "switches to go1.99.0" in run.out


def test_gopath_mode_never_switches(gate: Gate, tmp_path: Path) -> None:
    gate.write({"go.mod": "module m\n\ngo 1.99.0\n"})
    report = tmp_path / "r.json"
    env = {"GOTOOLCHAIN": "auto", "GO111MODULE": "off"}
    assert gate.run("--only", "toolchain", "--json", str(report), env=env).code == 0
    messages = [f["message"] for f in json.loads(report.read_text())["checks"][1]["findings"]]
    assert "GO111MODULE=off: the go command never switches toolchains" in messages


def test_reweighted_rule_stays_visible(gate: Gate, tmp_path: Path) -> None:
    series = ".".join(gate.running.split(".")[:2])
    gate.write({"Dockerfile": f"FROM golang:{series}\n"})
    gate.write({".gogate.yaml": "severity:\n  pins.floating: error\n"})
    assert gate.run().code == 1
    gate.write({".gogate.yaml": "severity:\n  pins.floating: off\n"})
    report = tmp_path / "r.json"
    assert gate.run("--json", str(report), "--fail-on-warnings").code == 0
    messages = [f["message"] for f in json.loads(report.read_text())["checks"][0]["findings"]]
    assert any(m.endswith("[severity off by configuration]") for m in messages), messages


def test_goenv_without_go_cannot_decide(gate: Gate, tmp_path: Path) -> None:
    junit = tmp_path / "j.xml"
    run = gate.run("--only", "goenv", "--junit", str(junit), env={"PATH": "/nonexistent"})
    assert run.code == 3, run.out
    assert "<error" in junit.read_text()


def test_missing_explicit_go_is_a_usage_error(gate: Gate) -> None:
    run = gate.run("--go", "/nonexistent/go")
    assert run.code == 2
    assert "--go /nonexistent/go: no such executable" in run.err


def test_go_version_still_counts_when_another_pin_file_is_configured(gate: Gate) -> None:
    gate.write({"pins/go.txt": f"{_older(gate.running)}\n"})
    run = gate.run("--pin-file", "pins/go.txt", "--only", "pins")
    assert run.code == 1
    assert "go.version:2" in run.out


@pytest.mark.parametrize(
    "files",
    [
        {".go-version": "{series_before}.x\n"},
        {".tool-versions": "golang prefix:{series_before}\n"},
        {"Dockerfile": "FROM golang:{running}\nENV GOTOOLCHAIN=go1.99.0\n"},
        {
            ".gitlab-ci.yml": (
                "variables:\n  GOTOOLCHAIN: go1.99.0+auto\nbuild:\n  image: golang:{running}\n  script: [x]\n"
            )
        },
    ],
)
def test_ranges_and_build_gotoolchain_that_exclude_the_pin_fail(gate: Gate, files: dict[str, str]) -> None:
    major, minor = gate.running.split(".")[:2]
    values = {"series_before": f"{major}.{int(minor) - 1}", "running": gate.running}
    gate.write({name: text.format(**values) for name, text in files.items()})
    run = gate.run("--only", "pins")
    assert run.code == 1, run.out


def test_module_cache_inside_the_checkout_is_not_the_repository(gate: Gate) -> None:
    dependency = ".go/pkg/mod/github.com/example/dep@v1.2.3"
    gate.write(
        {
            f"{dependency}/go.mod": "module github.com/example/dep\n\ngo 1.21\ntoolchain go1.21.0\n",
            f"{dependency}/Dockerfile": "FROM golang:1.20-alpine\n",
            ".go/pkg/mod/cache/download/github.com/example/dep/@v/v1.2.3.mod": "module x\ngo 1.99\n",
        }
    )
    assert gate.run().code == 0
