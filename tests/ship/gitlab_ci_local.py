"""gitlab-ci-local (npm), the real GitLab pipeline interpreter the template is run with.

It expands ``include:`` with ``spec: inputs``, ``extends``, ``rules`` and ``parallel: matrix`` as GitLab
does and runs the jobs with the shell executor, collecting ``artifacts`` (``when: always``).

What it needs, and where it comes from (cached under ~/.cache/gogate-tests between runs):
- Node 20 or newer: the system's ``node``. gitlab-ci-local 4.73.0 is the newest release that runs on
  Node 20 (later ones need Node 22).
- ``rsync``: it copies the project into each job's directory with it. Where the machine has none, the
  Debian packages are fetched with ``apt-get download`` (no root, nothing installed) and unpacked.
- a git repository in which the included files are tracked.

Where something cannot be had, the test is skipped with the reason, except in CI (``CI=true``), where
a skip would hide that the template was never run: there it fails.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from goenv_support import cache_dir, unavailable

__all__ = [
    "GITLAB_CI_LOCAL_VERSION",
    "GclRun",
    "gitlab_ci_local_tools",
    "init_project",
    "list_jobs",
    "run_pipeline",
]

GITLAB_CI_LOCAL_VERSION = "4.73.0"


@dataclass(frozen=True)
class GclTools:
    node: Path
    script: Path
    """gitlab-ci-local's dist/index.js."""
    path_dirs: tuple[Path, ...]
    """Directories to put on the jobs' PATH (rsync, git, bash)."""


@dataclass(frozen=True)
class GclRun:
    code: int
    output: str
    project: Path

    def job_status(self, job: str) -> str:
        """PASS, FAIL or WARN, from the pipeline's summary lines."""
        found = re.findall(rf"^\s*(PASS|FAIL|WARN)(?: \d+)?\s+{re.escape(job)}(?:\s|$)", self.output, re.M)
        if not found:
            raise AssertionError(f"job {job!r} did not run:\n{self.output}")
        return found[-1]

    def log(self, job: str) -> str:
        return (self.project / ".gitlab-ci-local" / "output" / f"{_file_name(job)}.log").read_text()

    def artifact(self, job: str, relative: str) -> Path:
        return self.project / ".gitlab-ci-local" / "artifacts" / _file_name(job) / relative


def _file_name(job: str) -> str:
    """gitlab-ci-local's file name for a job: each run of other characters than letters, digits, ``_``
    and ``-`` is base64-encoded without padding (``gogate-audit: [amd64]`` -> ``gogate-auditOiBbamd64XQ``)."""

    def encode(match: re.Match[str]) -> str:
        return base64.b64encode(match.group(0).encode()).decode().rstrip("=")

    return re.sub(r"[^\w-]+", encode, job)


def _run(command: Sequence[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=False, **kwargs
    )  # type: ignore[call-overload]


def _node() -> Path:
    node = shutil.which("node")
    if node is None:
        unavailable("gitlab-ci-local needs Node.js 20+: no `node` on PATH")
    version = _run([node, "--version"]).stdout.strip()
    major = int(version.lstrip("v").split(".")[0] or 0)
    if major < 20:
        unavailable(f"gitlab-ci-local needs Node.js 20+, found {version}")
    return Path(node)


def _gitlab_ci_local_script() -> Path:
    home = cache_dir() / f"gitlab-ci-local-{GITLAB_CI_LOCAL_VERSION}"
    script = home / "node_modules" / "gitlab-ci-local" / "dist" / "index.js"
    if script.exists():
        return script
    npm = shutil.which("npm")
    if npm is None:
        unavailable("gitlab-ci-local is installed with npm: no `npm` on PATH")
    home.mkdir(parents=True, exist_ok=True)
    (home / "package.json").write_text(json.dumps({"name": "gogate-tests-gcl", "private": True}))
    installed = _run(
        [npm, "install", "--no-audit", "--no-fund", f"gitlab-ci-local@{GITLAB_CI_LOCAL_VERSION}"],
        cwd=home,
        timeout=600,
    )
    if installed.returncode != 0 or not script.exists():
        unavailable(
            f"npm install gitlab-ci-local@{GITLAB_CI_LOCAL_VERSION} failed: {installed.stderr[-500:]}"
        )
    return script


def _rsync_dir() -> Path:
    """A directory holding an ``rsync`` command: the system's, else Debian's unpacked into the cache."""
    system = shutil.which("rsync")
    if system is not None:
        return Path(system).parent
    home = cache_dir() / "rsync"
    wrapper = home / "bin" / "rsync"
    if wrapper.exists():
        return wrapper.parent
    if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
        unavailable("gitlab-ci-local needs rsync: none on PATH and no apt-get to fetch Debian's")
    packages = home / "debs"
    packages.mkdir(parents=True, exist_ok=True)
    fetched = _run(["apt-get", "download", "rsync", "libpopt0"], cwd=packages, timeout=300)
    debs = sorted(packages.glob("*.deb"))
    if fetched.returncode != 0 or len(debs) < 2:
        unavailable(f"gitlab-ci-local needs rsync; apt-get download failed: {fetched.stderr[-500:]}")
    root = home / "root"
    for deb in debs:
        unpacked = _run(["dpkg-deb", "-x", deb, root])
        if unpacked.returncode != 0:
            unavailable(f"dpkg-deb -x {deb.name} failed: {unpacked.stderr}")
    libraries = sorted({str(lib.parent) for lib in root.rglob("libpopt.so*")})
    wrapper.parent.mkdir(parents=True, exist_ok=True)
    wrapper.write_text(
        "#!/bin/sh\n"
        f'LD_LIBRARY_PATH="{":".join(libraries)}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}" '
        f'exec "{root}/usr/bin/rsync" "$@"\n'
    )
    wrapper.chmod(0o755)
    if _run([wrapper, "--version"]).returncode != 0:
        wrapper.unlink()
        unavailable("the rsync unpacked from Debian's packages does not run")
    return wrapper.parent


def gitlab_ci_local_tools() -> GclTools:
    node = _node()
    script = _gitlab_ci_local_script()
    tool_dirs = [_rsync_dir()]
    for tool in ("git", "bash"):
        found = shutil.which(tool)
        if found is None:
            pytest.skip(f"gitlab-ci-local needs {tool}")
        tool_dirs.append(Path(found).parent)
    return GclTools(node=node, script=script, path_dirs=tuple(dict.fromkeys(tool_dirs)))


def init_project(project: Path) -> None:
    """Make ``project`` a git repository with every file tracked (local includes must be)."""
    git = ["git", "-c", "user.name=gogate tests", "-c", "user.email=tests@gogate.invalid"]
    for command in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["commit", "-q", "-m", "pipeline under test"],
    ):
        done = _run([*git, *command], cwd=project)
        assert done.returncode == 0, done.stderr


def run_pipeline(
    tools: GclTools,
    project: Path,
    *,
    env: Mapping[str, str],
    variables: Mapping[str, str] = {},
    extra_args: Sequence[str] = (),
    timeout: float = 600,
) -> GclRun:
    """Run the whole pipeline of ``project/.gitlab-ci.yml``; each job in its own copy of the project."""
    command: list[str | Path] = [
        tools.node,
        tools.script,
        "--no-color",
        "--force-shell-executor",
        "--shell-isolation",
        "--no-artifacts-to-source",
        *extra_args,
    ]
    command += _variable_args(variables)
    # The caller's PATH first: its `go` and `gogate` are the ones under test, and /usr/bin (where git
    # lives) may hold another go.
    path = os.pathsep.join([env.get("PATH", ""), *(str(d) for d in tools.path_dirs)])
    done = _run(command, cwd=project, env={**env, "PATH": path}, timeout=timeout)
    return GclRun(code=done.returncode, output=done.stdout + done.stderr, project=project)


def _variable_args(variables: Mapping[str, str]) -> list[str]:
    """``--variable`` per value; overriding predefined ones (CI_PIPELINE_SOURCE...) is the point here."""
    args: list[str] = []
    for name, value in variables.items():
        args += ["--variable", f"{name}={value}"]
    if variables:
        args += ["--ignore-predefined-vars", ",".join(variables)]
    return args


def list_jobs(
    tools: GclTools, project: Path, *, env: Mapping[str, str], variables: Mapping[str, str]
) -> dict[str, str]:
    """Job name -> ``when`` after rules (``never`` for a job the pipeline would not contain)."""
    command = [tools.node, tools.script, "--no-color", "--list-json", *_variable_args(variables)]
    done = _run(command, cwd=project, env=dict(env), timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    listed = json.loads(done.stdout[done.stdout.index("[") :])
    return {job["name"]: job["when"] for job in listed}
