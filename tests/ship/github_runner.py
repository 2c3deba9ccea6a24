"""Run a composite GitHub Action's steps on this machine the way a GitHub runner does.

What it reproduces, because the action's behaviour depends on it: each ``run:`` step becomes a script
file run with ``bash --noprofile --norc -eo pipefail`` (GitHub's ``shell: bash``) in the step's
``working-directory``; ``env:`` values are expanded *before* the script starts; each step gets a fresh
``$GITHUB_OUTPUT`` file, read back in the ``name=value`` / ``name<<DELIMITER`` forms; the action's
``outputs:`` are then resolved from the steps' outputs; the runner's files and variables
(``GITHUB_ACTION_PATH``, ``RUNNER_TEMP``, ``GITHUB_STEP_SUMMARY``, ``GITHUB_WORKSPACE``,
``GITHUB_ACTIONS=true``) are set. Steps stop at the first failure, as without ``continue-on-error``.

Only the expressions the action is allowed to use are understood: ``${{ inputs.NAME }}`` and
``${{ steps.ID.outputs.NAME }}``. Anything else raises, so the action cannot quietly start depending
on a context this stand-in does not model (and ``${{`` inside ``run:`` is refused outright: script
injection).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

__all__ = ["ActionRun", "read_github_output", "run_composite_action"]

_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_INPUT = re.compile(r"inputs\.([A-Za-z_][\w-]*)")
_STEP_OUTPUT = re.compile(r"steps\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w-]*)")


@dataclass
class ActionRun:
    code: int
    """Exit code of the last step that ran (0 when every step passed)."""
    outputs: dict[str, str]
    """The action's outputs, as ``${{ steps.<id>.outputs.<name> }}`` of the caller would read them."""
    stdout: str
    stderr: str
    failed_step: str | None = None
    step_outputs: dict[str, dict[str, str]] = field(default_factory=dict)


def read_github_output(text: str) -> dict[str, str]:
    """Parse a ``$GITHUB_OUTPUT`` file: ``name=value`` lines and ``name<<DELIMITER`` blocks."""
    outputs: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if not line:
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if heredoc != -1 and (equals == -1 or heredoc < equals):
            name, delimiter = line[:heredoc], line[heredoc + 2 :]
            body: list[str] = []
            for value_line in lines:
                if value_line == delimiter:
                    break
                body.append(value_line)
            else:
                raise ValueError(f"GITHUB_OUTPUT: {name}: delimiter {delimiter!r} never closes")
            outputs[name] = "\n".join(body)
        elif equals != -1:
            outputs[line[:equals]] = line[equals + 1 :]
        else:
            raise ValueError(f"GITHUB_OUTPUT: malformed line {line!r}")
    return outputs


def _expand(text: str, inputs: Mapping[str, str], steps: Mapping[str, Mapping[str, str]]) -> str:
    def value(match: re.Match[str]) -> str:
        expression = match.group(1)
        if found := _INPUT.fullmatch(expression):
            return inputs[found.group(1)]
        if found := _STEP_OUTPUT.fullmatch(expression):
            return steps.get(found.group(1), {}).get(found.group(2), "")
        raise ValueError(f"expression not modelled by the test runner: ${{{{ {expression} }}}}")

    return _EXPRESSION.sub(value, text)


def run_composite_action(
    action_dir: Path,
    *,
    workspace: Path,
    runner_temp: Path,
    inputs: Mapping[str, str],
    env: Mapping[str, str],
    timeout: float = 600,
) -> ActionRun:
    """Run ``action_dir/action.yml`` with ``inputs`` (unset ones take their defaults) in ``workspace``."""
    action = yaml.safe_load((action_dir / "action.yml").read_text(encoding="utf-8"))
    declared = action.get("inputs", {})
    unknown = set(inputs) - set(declared)
    if unknown:
        raise ValueError(f"inputs not declared by the action: {sorted(unknown)}")
    values = {name: str(inputs.get(name, spec.get("default", ""))) for name, spec in declared.items()}
    runs = action["runs"]
    if runs.get("using") != "composite":
        raise ValueError(f"not a composite action: using {runs.get('using')!r}")

    runner_temp.mkdir(parents=True, exist_ok=True)
    summary = runner_temp / "step_summary.md"
    github_path = runner_temp / "github_path"
    base_env = {
        **env,
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTION_PATH": str(action_dir),
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_PATH": str(github_path),
    }
    steps: dict[str, dict[str, str]] = {}
    stdout: list[str] = []
    stderr: list[str] = []
    for index, step in enumerate(runs["steps"]):
        script = step["run"]
        if "${{" in script:
            raise ValueError(f"step {index}: an expression inside run: (script injection)")
        if step.get("shell") != "bash":
            raise ValueError(f"step {index}: only shell: bash is modelled")
        step_env = {name: _expand(str(raw), values, steps) for name, raw in step.get("env", {}).items()}
        output_file = runner_temp / f"github_output_{index}"
        output_file.write_text("")
        script_file = runner_temp / f"step_{index}.sh"
        script_file.write_text(script)
        directory = workspace / _expand(str(step.get("working-directory", ".")), values, steps)
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
            cwd=directory,
            env={**base_env, **step_env, "GITHUB_OUTPUT": str(output_file)},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        stdout.append(completed.stdout)
        stderr.append(completed.stderr)
        step_id = step.get("id", f"__step{index}")
        steps[step_id] = read_github_output(output_file.read_text())
        if completed.returncode != 0:
            return ActionRun(
                code=completed.returncode,
                outputs=_action_outputs(action, values, steps),
                stdout="".join(stdout),
                stderr="".join(stderr),
                failed_step=step.get("name", step_id),
                step_outputs=steps,
            )
    return ActionRun(
        code=0,
        outputs=_action_outputs(action, values, steps),
        stdout="".join(stdout),
        stderr="".join(stderr),
        step_outputs=steps,
    )


def _action_outputs(
    action: Mapping[str, object], inputs: Mapping[str, str], steps: Mapping[str, Mapping[str, str]]
) -> dict[str, str]:
    declared = action.get("outputs", {})
    assert isinstance(declared, dict)
    return {name: _expand(str(spec["value"]), inputs, steps) for name, spec in declared.items()}
