"""What each CI shows: GitHub annotations and step summary, every report in one run, no secrets leaked."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.conftest import Gate


def _drift(gate: Gate) -> None:
    gate.write({"Dockerfile": "FROM golang:1.21.0-alpine AS build\n"})


def test_github_annotations_and_step_summary(gate: Gate, tmp_path: Path) -> None:
    _drift(gate)
    summary = tmp_path / "summary.md"
    summary.write_text("previous step\n")
    run = gate.run(env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert run.code == 1
    assert "::error file=Dockerfile,line=1," in run.out
    text = summary.read_text()
    assert text.startswith("previous step\n"), "the step summary is appended to, never replaced"
    assert "Dockerfile:1" in text


def test_no_annotations_outside_github(gate: Gate) -> None:
    _drift(gate)
    run = gate.run()
    assert run.code == 1
    assert "::error" not in run.out


def test_all_reports_in_one_run(gate: Gate, tmp_path: Path) -> None:
    _drift(gate)
    out = tmp_path / "out"
    run = gate.run(
        "--junit",
        str(out / "j.xml"),
        "--json",
        str(out / "r.json"),
        "--markdown",
        str(out / "r.md"),
        "--codequality",
        str(out / "cq.json"),
    )
    assert run.code == 1
    report = json.loads((out / "r.json").read_text())
    assert report["checks"][0]["id"] == "pins"
    issues = json.loads((out / "cq.json").read_text())
    assert [(i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues] == [("Dockerfile", 1)]
    assert "Dockerfile:1" in (out / "r.md").read_text()
    assert "<failure" in (out / "j.xml").read_text()


def test_credentials_are_redacted_everywhere(gate: Gate, tmp_path: Path) -> None:
    secret = "s3cr3t-t0ken"
    env = {
        "GOPROXY": f"https://ci-bot:{secret}@goproxy.corp.example/,direct",
        "GOSUMDB": "off",
        "GONOSUMDB": f"https://x.example/?token={secret}",
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    out = tmp_path / "out"
    run = gate.run(
        "--junit",
        str(out / "j.xml"),
        "--json",
        str(out / "r.json"),
        "--markdown",
        str(out / "r.md"),
        "--codequality",
        str(out / "cq.json"),
        env=env,
    )
    assert run.code == 1, run.out
    assert "GOPROXY=https://[REDACTED]@goproxy.corp.example/" in (out / "r.json").read_text()
    texts = [run.out, run.err, *(p.read_text() for p in out.iterdir()), (tmp_path / "summary.md").read_text()]
    assert not [text for text in texts if secret in text]


def test_repository_text_cannot_inject_workflow_commands(gate: Gate) -> None:
    gate.write({".tool-versions": "golang 1.21.0 # ::error file=main.go,line=1::forged\n"})
    gate.write({"Dockerfile": "FROM golang:1.21.0\n# ::stop-commands::x\n"})
    run = gate.run(env={"GITHUB_ACTIONS": "true"})
    assert run.code == 1
    lines = run.out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("::stop-commands::"))
    token = lines[start].removeprefix("::stop-commands::")
    end = lines.index(f"::{token}::")
    assert start == 0 and end > start
    # gogate's own annotations come after the resume line; the terminal text sits between.
    assert all(line.startswith("::") for line in lines[end + 1 :])
    assert any(line.startswith("::error file=Dockerfile,line=1") for line in lines[end + 1 :])


def test_reports_never_overwrite_inputs(gate: Gate) -> None:
    before = (gate.repo / "go.mod").read_text()
    run = gate.run("--json", str(gate.repo / "go.mod"))
    assert run.code == 2
    assert "refusing to write a report over go.mod" in run.err
    assert (gate.repo / "go.mod").read_text() == before


def _read_github_output(text: str) -> dict[str, str]:
    """Parse ``$GITHUB_OUTPUT`` the way the runner does: ``name=value`` or ``name<<DELIM`` ... ``DELIM``."""
    outputs: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            value: list[str] = []
            for body in lines:
                if body == delimiter:
                    break
                value.append(body)
            else:
                raise AssertionError(f"output {name}: delimiter {delimiter} never closes")
            outputs[name] = "\n".join(value)
        elif line:
            name, _, value_text = line.partition("=")
            outputs[name] = value_text
    return outputs


def test_github_step_outputs_name_pinned_and_running_version(gate: Gate, tmp_path: Path) -> None:
    output = tmp_path / "github_output"
    output.write_text("earlier=kept\n")
    run = gate.run(env={"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(output)})
    assert run.code == 0, run.out
    outputs = _read_github_output(output.read_text())
    assert outputs["earlier"] == "kept", "GITHUB_OUTPUT is appended to"
    assert outputs["pinned-version"] == gate.running
    assert outputs["running-version"] == gate.running


def test_github_step_outputs_only_on_github(gate: Gate, tmp_path: Path) -> None:
    output = tmp_path / "github_output"
    run = gate.run(env={"GITHUB_OUTPUT": str(output)})
    assert run.code == 0, run.out
    assert not output.exists()
