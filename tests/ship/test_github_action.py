"""action.yml and the shipped workflows: real validators, and the action's steps run as a runner runs them.

Validators: check-jsonschema's GitHub schemas (action metadata, workflows), actionlint (workflows; it
reads action.yml as a workflow, so it is not run on it), and zizmor offline (both). Each has a negative
case, so a validator that silently stopped running would fail here.

The composite action itself runs through :mod:`tests.ship.github_runner` (bash with GitHub's flags,
``env:`` expansion, ``$GITHUB_OUTPUT`` per step). The install step's pip run needs PyPI, so the tests
that are about gogate's behaviour in the action provide an already-installed environment the way the
install step leaves it, and one online test installs for real.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from junitparser import JUnitXml

from tests.ship.github_runner import ActionRun, run_composite_action

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ACTION = REPO / "action.yml"
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml")) + sorted(
    (REPO / "examples" / "github").glob("*.yml")
)
EXAMPLE_WORKFLOWS = sorted((REPO / "examples").glob("*/.github/workflows/*.yml"))
ZIZMOR_CONFIG = REPO / ".github" / "zizmor.yml"


def _tool(name: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("GH_TOKEN", None)
    env.pop("GITHUB_TOKEN", None)
    return subprocess.run(
        [str(BIN / name), *map(str, args)], capture_output=True, text=True, check=False, env=env, timeout=300
    )


# ---- validators ---------------------------------------------------------------------------------


def test_action_metadata_validates() -> None:
    done = _tool("check-jsonschema", "--builtin-schema", "vendor.github-actions", ACTION)
    assert done.returncode == 0, done.stdout + done.stderr


def test_workflows_validate() -> None:
    assert len(WORKFLOWS) >= 3, "self-test, required-check and nightly-audit workflows"
    done = _tool(
        "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *WORKFLOWS, *EXAMPLE_WORKFLOWS
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_is_clean_on_the_workflows() -> None:
    done = _tool("actionlint", "-no-color", *WORKFLOWS, *EXAMPLE_WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_is_clean_on_the_action_and_workflows() -> None:
    done = _tool(
        "zizmor",
        "--offline",
        "--config",
        ZIZMOR_CONFIG,
        "--format",
        "plain",
        ACTION,
        *WORKFLOWS,
        *EXAMPLE_WORKFLOWS,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_validators_can_fail(tmp_path: Path) -> None:
    bad_action = tmp_path / "action.yml"
    bad_action.write_text(
        "name: bad\ndescription: bad\ninputs:\n  x:\n    description: x\n    default: ''\n"
        "runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: echo ${{ inputs.x }}\n"
    )
    workflow = tmp_path / "bad.yml"
    workflow.write_text(
        "on: [push]\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    needs: [missing]\n"
        "    steps:\n      - uses: actions/checkout@v4\n"
        "      - run: echo '${{ github.event.head_commit.message }}'\n"
    )
    assert _tool("zizmor", "--offline", "--format", "plain", bad_action).returncode != 0, "template injection"
    assert _tool("actionlint", "-no-color", workflow).returncode == 1
    broken = tmp_path / "broken-action.yml"
    broken.write_text("name: x\nruns:\n  using: node99\n")
    assert _tool("check-jsonschema", "--builtin-schema", "vendor.github-actions", broken).returncode == 1


def test_inputs_reach_scripts_only_through_env() -> None:
    action = yaml.safe_load(ACTION.read_text())
    steps = action["runs"]["steps"]
    assert all("${{" not in step["run"] for step in steps)
    assert "go-version" not in action["inputs"], "the pin file is the only source of the expected version"
    assert all("default" in spec for spec in action["inputs"].values()), "every input has a safe default"
    assert {"result", "exit-code", "junit", "pinned-version", "running-version"} <= set(action["outputs"])


# ---- the action's steps, run -------------------------------------------------------------------


@pytest.fixture
def runner(tmp_path: Path, go_bin: Path) -> dict[str, Path | dict[str, str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "go").symlink_to(go_bin)
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"]),
        "HOME": str(home),
        "GOTOOLCHAIN": "local",
        "GOENV": "off",
        "GOPATH": str(tmp_path / "gopath"),
        "GOCACHE": str(tmp_path / "gocache"),
        "GOFLAGS": "-modcacherw",
        "NO_COLOR": "1",
    }
    workspace = tmp_path / "workspace"
    shutil.copytree(REPO / "examples" / "passing", workspace / "passing")
    shutil.copytree(REPO / "examples" / "pin-drift", workspace / "pin-drift")
    return {"env": env, "workspace": workspace, "temp": tmp_path / "runner-temp"}


def _installed(runner_temp: Path, spec: str) -> None:
    """What the install step leaves behind, with this checkout's gogate (so no pip run is needed)."""
    venv = runner_temp / "gogate-venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "gogate").symlink_to(BIN / "gogate")
    (venv / ".gogate-spec").write_text(spec)


def _run(runner: dict[str, Path | dict[str, str]], action_dir: Path = REPO, **inputs: str) -> ActionRun:
    env = runner["env"]
    workspace, temp = runner["workspace"], runner["temp"]
    assert isinstance(env, dict) and isinstance(workspace, Path) and isinstance(temp, Path)
    if not (temp / "gogate-venv").exists():
        _installed(temp, f"{action_dir}[network]")
    return run_composite_action(action_dir, workspace=workspace, runner_temp=temp, inputs=inputs, env=env)


def test_passing_repository(runner: dict[str, Path | dict[str, str]]) -> None:
    run = _run(runner, **{"working-directory": "passing"})
    assert run.code == 0, run.stdout + run.stderr
    assert run.outputs["result"] == "passed"
    assert run.outputs["exit-code"] == "0"
    assert run.outputs["pinned-version"] == run.outputs["running-version"] == "1.27.3"
    junit = Path(run.outputs["junit"])
    assert junit.is_absolute() and junit.parent.name == "gogate", "default: under RUNNER_TEMP"
    assert sum(suite.failures for suite in JUnitXml.fromfile(str(junit))) == 0
    temp = runner["temp"]
    assert isinstance(temp, Path)
    assert (
        "gate passed" in (temp / "step_summary.md").read_text()
        or "passed" in (temp / "step_summary.md").read_text()
    )
    assert "::error" not in run.stdout


def test_drifted_repository_fails_with_annotations_and_outputs(
    runner: dict[str, Path | dict[str, str]],
) -> None:
    run = _run(runner, **{"working-directory": "pin-drift", "junit": "reports/gogate.xml"})
    assert run.code == 1
    assert run.failed_step == "Run gogate check"
    assert run.outputs["result"] == "failed"
    assert run.outputs["exit-code"] == "1"
    assert "::error file=Dockerfile,line=1," in run.stdout
    workspace = runner["workspace"]
    assert isinstance(workspace, Path)
    assert run.outputs["junit"] == str(workspace / "pin-drift" / "reports" / "gogate.xml")
    suites = {suite.name: suite for suite in JUnitXml.fromfile(run.outputs["junit"])}
    assert suites["pins"].failures >= 1


def test_mode_and_checks_inputs_are_passed_to_gogate(runner: dict[str, Path | dict[str, str]]) -> None:
    run = _run(runner, **{"working-directory": "pin-drift", "checks": "toolchain", "mode": "minimal"})
    assert run.code == 0, run.stdout + run.stderr
    assert "mode minimal" in run.stdout
    assert "not selected" in run.stdout, "pins was left out by the checks input"


def test_fail_on_warnings_input(runner: dict[str, Path | dict[str, str]]) -> None:
    workspace = runner["workspace"]
    assert isinstance(workspace, Path)
    dockerfile = workspace / "passing" / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("ARG GO_VERSION=1.27.3", "ARG GO_VERSION=1.27"))
    relaxed = _run(runner, **{"working-directory": "passing"})
    assert relaxed.code == 0, "a floating tag is a warning"
    strict = _run(runner, **{"working-directory": "passing", "fail-on-warnings": "true"})
    assert strict.code == 1
    assert strict.outputs["result"] == "failed"


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"mode": "nightly"}, "nightly"),
        ({"fail-on-warnings": "maybe"}, "fail-on-warnings must be true or false"),
        ({"checks": "pins; touch INJECTED"}, "unknown check"),
    ],
)
def test_bad_inputs_are_usage_errors_and_never_run_as_code(
    runner: dict[str, Path | dict[str, str]], inputs: dict[str, str], message: str
) -> None:
    run = _run(runner, **{"working-directory": "passing", **inputs})
    assert run.code == 2, run.stdout + run.stderr
    assert run.outputs["result"] in ("error", "")
    assert message in run.stdout + run.stderr
    workspace = runner["workspace"]
    assert isinstance(workspace, Path)
    assert not list(workspace.rglob("INJECTED"))


def test_version_input_must_be_a_version_number(runner: dict[str, Path | dict[str, str]]) -> None:
    temp = runner["temp"]
    assert isinstance(temp, Path)
    _installed(temp, "not-this")  # a mismatched environment: the install step must act, and refuse
    run = _run(runner, version="1.0 --index-url=http://127.0.0.1:9/")
    assert run.code == 2
    assert run.failed_step == "Install gogate"
    assert "must be a version number" in run.stdout


def _pypi_unreachable() -> str | None:
    try:
        with socket.create_connection(("pypi.org", 443), timeout=5):
            return None
    except OSError as error:
        return f"PyPI unreachable: {error}"


@pytest.mark.online
def test_install_step_installs_this_checkout_with_pip(
    runner: dict[str, Path | dict[str, str]], tmp_path: Path
) -> None:
    """The real install step: a private venv, pip install of the action's own source, reused next time."""
    reason = _pypi_unreachable()
    if reason:
        pytest.skip(reason)
    action_dir = tmp_path / "gogate-action"
    action_dir.mkdir()
    for name in ("action.yml", "pyproject.toml", "README.md"):
        shutil.copy(REPO / name, action_dir / name)
    shutil.copytree(REPO / "gogate", action_dir / "gogate", ignore=shutil.ignore_patterns("__pycache__"))
    env = runner["env"]
    workspace, temp = runner["workspace"], runner["temp"]
    assert isinstance(env, dict) and isinstance(workspace, Path) and isinstance(temp, Path)
    env = {**env, "PIP_CACHE_DIR": str(Path.home() / ".cache" / "pip")}
    first = run_composite_action(
        action_dir,
        workspace=workspace,
        runner_temp=temp,
        inputs={"working-directory": "passing", "python": sys.executable},
        env=env,
    )
    assert first.code == 0, first.stdout + first.stderr
    assert first.outputs["result"] == "passed"
    gogate = Path(first.outputs["command"])
    assert gogate == temp / "gogate-venv" / "bin" / "gogate"
    assert gogate.is_file() and not gogate.is_symlink()
    stamp = (temp / "gogate-venv" / "pyvenv.cfg").stat().st_mtime_ns
    second = run_composite_action(
        action_dir, workspace=workspace, runner_temp=temp, inputs={"working-directory": "pin-drift"}, env=env
    )
    assert second.code == 1
    assert (temp / "gogate-venv" / "pyvenv.cfg").stat().st_mtime_ns == stamp, "the environment is reused"
