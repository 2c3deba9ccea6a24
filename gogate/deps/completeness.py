"""Ask the go command which go.sum lines a module needs: ``go mod tidy -diff``, else ``go list -deps``.

Why Go and not a re-implementation: which sums are needed depends on the whole loaded package
graph (build tags of every platform, tests of dependencies, graph pruning, ambiguous-import
checks; notes §8). Go computes it exactly and, since 1.23, ``go mod tidy -diff`` reports it
without writing anything. Older Go only fails a load on a missing sum (``go list``), so unneeded
lines cannot be found there, and the result says so.

Go runs with the job's environment except: ``GOTOOLCHAIN=local`` (never switch or download a
toolchain), ``GOWORK=off`` (each module is judged by its own go.sum), any ``-mod=`` flag dropped
from GOFLAGS (tidy forces read-only itself), and, offline, ``GOPROXY=off`` so only the module cache
is read. A load that fails is "not decided", never "complete".
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gogate import goversion
from gogate.redact import redact

__all__ = ["Completeness", "TIDY_DIFF_SINCE", "go_completeness"]

TIDY_DIFF_SINCE = "1.23"
"""``go mod tidy -diff`` first shipped in Go 1.23 (notes §7)."""

GO_TIMEOUT_SECONDS = 300.0

_MISSING_SUM = re.compile(r"[^\n]*missing go\.sum entry[^\n]*(?:\n\t[^\n]*)?")


@dataclass(frozen=True, slots=True)
class Completeness:
    """Go's verdict on one module's go.sum (and go.mod) tidiness."""

    module_root: str
    method: str
    """The go command that decided, e.g. ``go mod tidy -diff``."""
    missing: tuple[str, ...] = ()
    """go.sum lines Go would add (exact text)."""
    unneeded: tuple[str, ...] = ()
    """go.sum lines Go would remove (exact text)."""
    gomod_diff: str = ""
    """The go.mod part of the diff, when go.mod itself is not tidy."""
    missing_reasons: tuple[str, ...] = ()
    """``go list`` fallback: Go's "missing go.sum entry ..." messages (no exact line to add)."""
    unneeded_checked: bool = True
    error: str | None = None
    """Why Go could not decide (a load error, no go, offline with an empty cache)."""


def _environment(environ: Mapping[str, str], *, offline: bool) -> dict[str, str]:
    env = dict(environ)
    env["GOTOOLCHAIN"] = "local"
    env["GOWORK"] = "off"
    flags = [flag for flag in env.get("GOFLAGS", "").split() if not flag.lstrip("-").startswith("mod=")]
    env["GOFLAGS"] = " ".join(flags)
    if offline:
        env["GOPROXY"] = "off"
    return env


def _split_diff(stdout: str) -> dict[str, list[str]]:
    """Body lines of each file's section in ``go mod tidy -diff`` output, keyed by file name."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in stdout.splitlines():
        if line.startswith("diff current/"):
            name = line.split()[1].removeprefix("current/")
            current = sections.setdefault(name, [])
        elif current is not None and not line.startswith(("--- ", "+++ ")):
            current.append(line)
    return sections


def _run(
    go_path: str, args: list[str], cwd: Path, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str] | str:
    try:
        return subprocess.run(
            [go_path, *args],
            cwd=cwd,
            env=dict(env),
            capture_output=True,
            text=True,
            errors="replace",
            timeout=GO_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"`go {' '.join(args)}` did not finish within {GO_TIMEOUT_SECONDS:.0f}s"
    except OSError as error:
        return f"`{go_path}` could not be run: {error.strerror or error}"


def _failure(args: list[str], completed: subprocess.CompletedProcess[str]) -> str:
    message = completed.stderr.strip() or completed.stdout.strip() or f"exit status {completed.returncode}"
    return redact(f"`go {' '.join(args)}` failed: {message}")


def _tidy_diff(module_root: str, go_path: str, cwd: Path, env: Mapping[str, str]) -> Completeness:
    args = ["mod", "tidy", "-diff"]
    method = "go mod tidy -diff"
    completed = _run(go_path, args, cwd, env)
    if isinstance(completed, str):
        return Completeness(module_root, method, error=completed)
    sections = _split_diff(completed.stdout)
    if completed.returncode != 0 and not sections:
        return Completeness(module_root, method, error=_failure(args, completed))
    gosum = sections.get("go.sum", [])
    gomod = sections.get("go.mod", [])
    return Completeness(
        module_root,
        method,
        missing=tuple(line[1:] for line in gosum if line.startswith("+")),
        unneeded=tuple(line[1:] for line in gosum if line.startswith("-")),
        gomod_diff="\n".join(gomod),
    )


def _list_deps(module_root: str, go_path: str, cwd: Path, env: Mapping[str, str]) -> Completeness:
    args = ["list", "-mod=readonly", "-deps", "-test", "./..."]
    method = "go list -mod=readonly -deps -test ./..."
    completed = _run(go_path, args, cwd, env)
    if isinstance(completed, str):
        return Completeness(module_root, method, error=completed, unneeded_checked=False)
    reasons = tuple(dict.fromkeys(" ".join(m.split()) for m in _MISSING_SUM.findall(completed.stderr)))
    if completed.returncode != 0 and not reasons:
        return Completeness(module_root, method, error=_failure(args, completed), unneeded_checked=False)
    return Completeness(module_root, method, missing_reasons=reasons, unneeded_checked=False)


def go_completeness(
    module_root: str,
    directory: Path,
    *,
    go_path: str,
    go_version: str,
    environ: Mapping[str, str],
    offline: bool,
) -> Completeness:
    """Go's verdict for the module in ``directory`` (``go_version`` like ``go1.27.3``)."""
    env = _environment(environ, offline=offline)
    bare = go_version.removeprefix("go")
    if goversion.is_valid(bare) and goversion.compare(bare, TIDY_DIFF_SINCE) >= 0:
        return _tidy_diff(module_root, go_path, directory, env)
    return _list_deps(module_root, go_path, directory, env)
