"""The CLI contract: exit codes, help text, schema, bugs and interrupts, and a fast import path."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from gogate import __version__, cli
from gogate.checks.registry import CHECKS
from gogate.results import CheckResult, GateResult, Status


def _run(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(argv, environ=env or {"NO_COLOR": "1"}, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _repo(tmp_path: Path) -> Path:
    (tmp_path / "go.version").write_text("1.22.5\n")
    (tmp_path / "go.mod").write_text("module m\n\ngo 1.22.0\n")
    return tmp_path


def _result(*statuses: Status, fail_on_warnings: bool = False) -> GateResult:
    results = tuple(CheckResult(check_id=f"c{i}", title="t", status=s) for i, s in enumerate(statuses))
    return GateResult(
        gogate_version="x", root="/", mode="minimal", results=results, fail_on_warnings=fail_on_warnings
    )


@pytest.mark.parametrize(
    ("statuses", "fail_on_warnings", "code"),
    [
        ((Status.PASS, Status.SKIP), False, 0),
        ((Status.PASS, Status.WARN), False, 0),
        ((Status.PASS, Status.WARN), True, 1),
        ((Status.FAIL, Status.ERROR), False, 1),
        ((Status.PASS, Status.ERROR), False, 3),
    ],
)
def test_exit_code_mapping(statuses: tuple[Status, ...], fail_on_warnings: bool, code: int) -> None:
    assert cli.exit_code_for(_result(*statuses, fail_on_warnings=fail_on_warnings)) == code


def test_help_documents_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["check", "--help"])
    assert caught.value.code == 0
    text = capsys.readouterr().out
    for line in (
        "0    passed",
        "1    the gate failed",
        "2    usage",
        "3    could not decide",
        "4    internal error",
        "130  interrupted",
    ):
        assert line in text
    assert all(check_id in text for check_id in CHECKS)


def test_usage_error_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["check", "--mode", "sideways"])
    assert caught.value.code == 2


def test_internal_error_is_exit_4_with_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: object, facts: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(type(CHECKS["pins"]), "run", broken)
    code, _, err = _run(["check", str(_repo(tmp_path)), "--only", "pins"])
    assert code == 4
    assert f"gogate {__version__}: internal error: RuntimeError: boom" in err
    assert "This is a bug in gogate" in err


def test_interrupt_is_exit_130(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("gogate.engine.run_gate", interrupted)
    code, _, err = _run(["check", str(_repo(tmp_path))])
    assert code == 130
    assert "interrupted" in err


def test_schema_commands_print_json_schemas() -> None:
    code, out, _ = _run(["schema", "config"])
    assert code == 0
    assert "fail_on_warnings" in json.loads(out)["properties"]
    code, out, _ = _run(["schema"])
    assert code == 0
    assert json.loads(out)["type"] == "object"


def test_checks_command_lists_rules() -> None:
    code, out, _ = _run(["checks"])
    assert code == 0
    assert "pins.mismatch" in out and "goenv.gosumdb-off" in out


def test_minimal_path_does_not_import_heavy_libraries(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    program = (
        "import sys, io\n"
        "from gogate.cli import main\n"
        f"code = main(['check', {str(repo)!r}, '--only', 'pins', '--json', {str(tmp_path / 'r.json')!r}],"
        " environ={}, stdout=io.StringIO())\n"
        "heavy = sorted(m for m in ('httpx', 'sigstore', 'blake3') if m in sys.modules)\n"
        "print(code, heavy)\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "0 []"


def test_python_dash_m_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "gogate", "--version"], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, f"gogate {__version__}")


def test_report_on_stdout_moves_terminal_text_to_stderr(tmp_path: Path) -> None:
    code, out, err = _run(["check", str(_repo(tmp_path)), "--only", "pins", "--json", "-"])
    assert code == 0
    assert json.loads(out)["checks"][0]["id"] == "pins"
    assert "gate passed" in err


def test_two_reports_on_stdout_are_refused(tmp_path: Path) -> None:
    code, _, err = _run(["check", str(_repo(tmp_path)), "--json", "-", "--junit", "-"])
    assert code == 2
    assert "only one can be written to standard output" in err


def test_closed_pipe_keeps_the_verdict(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    command = f"{sys.executable} -m gogate check {repo} --only pins --json - | true"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


def test_nothing_verified_is_not_a_pass(tmp_path: Path) -> None:
    code, out, _ = _run(["check", str(_repo(tmp_path)), "--only", "lock"])
    assert code == 3
    assert "could not decide: every check was skipped, so nothing was verified" in out


def test_closed_pipe_on_listing_is_quiet() -> None:
    command = f"{sys.executable} -m gogate checks | true"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
