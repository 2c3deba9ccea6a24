"""Find the ``go`` command the job would run and ask it about itself.

Two invocations, both read-only and neither able to switch or download a toolchain:
``GOTOOLCHAIN=local go env -json`` (the installed toolchain and its settings) and
``go env GOTOOLCHAIN`` with the job's own environment (which cmd/go always answers locally), so
gogate knows the job's GOTOOLCHAIN exactly as Go resolves it (environment, go env file, go.env).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from gogate.errors import InputError, UsageError
from gogate.facts.model import EffectiveToolchain, GoEnv, GoToolchainFacts
from gogate.facts.modfile import FileKind, parse_modfile
from gogate.facts.textfile import read_text_file
from gogate.gocommand import GoNotRun, go_failed, run_go
from gogate.toolchain_select import SelectionError, select_toolchain

__all__ = ["GO_ENV_TIMEOUT_SECONDS", "gather_toolchain_facts"]

GO_ENV_TIMEOUT_SECONDS = 60.0

# go env values the goenv check reads.
_SETTINGS = (
    "GOSUMDB",
    "GONOSUMDB",
    "GOPRIVATE",
    "GONOPROXY",
    "GOMODCACHE",
    "GOINSECURE",
    "GOFLAGS",
    "GOPROXY",
    "GO111MODULE",
    "GOWORK",
    "GOMOD",
    "GOHOSTOS",
    "GOHOSTARCH",
)
# Variables go env does not report but that users set believing they change verification.
_PROCESS_VARIABLES = ("GONOSUMCHECK",)


def _locate_go(go: str | None, environ: Mapping[str, str]) -> tuple[str | None, str | None]:
    if go is not None:
        candidate = Path(go)
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate), None
        found = shutil.which(go, path=environ.get("PATH", ""))
        if found:
            return found, None
        # An explicit --go that does not exist is a usage error, not a verdict about the job's Go.
        raise UsageError(f"--go {go}: no such executable", remediation="pass the path of a go binary")
    found = shutil.which("go", path=environ.get("PATH", ""))
    if found is None:
        return None, "go was not found on PATH"
    return found, None


def _run_go(
    go_path: str, args: list[str], *, environ: Mapping[str, str], cwd: Path
) -> tuple[str | None, str | None]:
    """Run go; return (stdout, None) or (None, Go's own error message)."""
    try:
        completed = run_go(go_path, args, cwd=cwd, env=environ, timeout=GO_ENV_TIMEOUT_SECONDS)
    except GoNotRun as error:
        return None, error.message
    if completed.returncode != 0:
        return None, go_failed(args, completed)
    return completed.stdout, None


def gather_toolchain_facts(root: Path, *, go: str | None, environ: Mapping[str, str]) -> GoToolchainFacts:
    """Locate go and read its environment; failures become ``error``, never exceptions."""
    process_env = {name: environ[name] for name in _PROCESS_VARIABLES if name in environ}
    go_path, error = _locate_go(go, environ)
    if go_path is None:
        return GoToolchainFacts(error=error, process_env=process_env)
    local_env = {**environ, "GOTOOLCHAIN": "local"}
    output, error = _run_go(go_path, ["env", "-json"], environ=local_env, cwd=root)
    if output is None:
        return GoToolchainFacts(go_path=go_path, error=error, process_env=process_env)
    try:
        values = json.loads(output)
        goversion, goroot = str(values["GOVERSION"]), str(values["GOROOT"])
        goos, goarch = str(values["GOOS"]), str(values["GOARCH"])
    except (ValueError, KeyError, TypeError) as parse_error:
        return GoToolchainFacts(
            go_path=go_path,
            error=f"`go env -json` printed unexpected output: {parse_error}",
            process_env=process_env,
        )
    configured, error = _run_go(go_path, ["env", "GOTOOLCHAIN"], environ=environ, cwd=root)
    if configured is None:
        return GoToolchainFacts(go_path=go_path, error=error, process_env=process_env)
    settings = {name: str(values.get(name, "")) for name in _SETTINGS}
    env = GoEnv(
        goversion=goversion,
        goroot=goroot,
        goos=goos,
        goarch=goarch,
        gotoolchain=configured.strip(),
        settings=settings,
    )
    effective, effective_error = _predict_effective(env, environ)
    return GoToolchainFacts(
        go_path=go_path,
        env=env,
        process_env=process_env,
        effective=effective,
        effective_error=effective_error,
    )


def _selection_file(settings: Mapping[str, str]) -> tuple[str | None, FileKind]:
    """The file Go's toolchain selection reads: the workspace file, else the main module's go.mod.

    Taken from ``go env GOWORK``/``GOMOD`` so that GOWORK=<file>, GOWORK=off and a go.work or
    go.mod in a parent directory count exactly as they do for the go command.
    """
    gowork = settings.get("GOWORK", "")
    if gowork and gowork != "off":
        return gowork, FileKind.GO_WORK
    gomod = settings.get("GOMOD", "")
    if gomod and gomod != os.devnull:
        return gomod, FileKind.GO_MOD
    return None, FileKind.GO_MOD


def _predict_effective(
    env: GoEnv, environ: Mapping[str, str]
) -> tuple[EffectiveToolchain | None, str | None]:
    """Select as cmd/go would, and look the target up on PATH (Go looks there before downloading)."""
    if env.settings.get("GO111MODULE") == "off":
        # cmd/go's toolchain selection only runs when modules are enabled.
        reason = "GO111MODULE=off: the go command never switches toolchains"
        return EffectiveToolchain(
            toolchain=env.goversion, switches=False, path_only=False, reason=reason
        ), None
    file, kind = _selection_file(env.settings)
    go_line = toolchain_line = None
    if file is not None:
        path = Path(file)
        try:
            modfile = parse_modfile(read_text_file(path.parent, path.name, allow_crlf=True), kind)
        except InputError as error:
            return None, f"{file}: {error.message}"
        go_line = modfile.go.args[0] if modfile.go else None
        toolchain_line = modfile.toolchain.args[0] if modfile.toolchain else None
    try:
        selection = select_toolchain(
            gotoolchain=env.gotoolchain,
            local_toolchain=env.goversion,
            go_line=go_line,
            toolchain_line=toolchain_line,
            file=file,
        )
    except SelectionError as error:
        return None, f"go: {error}"
    on_path = shutil.which(selection.toolchain, path=environ.get("PATH", "")) if selection.switches else None
    effective = EffectiveToolchain(
        toolchain=selection.toolchain,
        switches=selection.switches,
        path_only=selection.path_only,
        reason=selection.reason,
        on_path=on_path,
    )
    return effective, None
