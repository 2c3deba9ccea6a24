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
from gogate.gocommand import GoNotRun, go_failed, run_go
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
    reformatted: bool = False
    """go.sum holds the right lines but not as Go writes them (order, spacing, duplicates)."""
    error: str | None = None
    """Why Go could not decide (a load error, no go, offline with an empty cache)."""


# Flags that would change what Go judges or hide its errors: -mod (tidy forces read-only itself),
# -modfile and -overlay (other go.mod/go.sum/source than the repository's), -e (errors become
# output, not failures).
_DROPPED_FLAGS = ("mod", "modfile", "overlay", "e")
# GOFLAGS must never be empty: Go reads an empty variable as unset and takes the value from the
# GOENV file, flags we just removed included. -modcacherw is harmless wherever it applies.
_NEUTRAL_FLAG = "-modcacherw"


def _overridden(flag: str) -> bool:
    name = flag.lstrip("-").split("=", 1)[0]
    return name in _DROPPED_FLAGS


def _environment(
    environ: Mapping[str, str], goflags: str, *, offline: bool, cache: PrivateCache | None
) -> dict[str, str]:
    """``goflags`` is GOFLAGS as go env resolved it (environment or GOENV file)."""
    env = dict(environ)
    env["GOTOOLCHAIN"] = "local"
    env["GOWORK"] = "off"
    flags = [flag for flag in goflags.split() if not _overridden(flag)]
    if offline:
        env["GOPROXY"] = "off"
    elif cache is not None:
        env["GOMODCACHE"] = cache.directory
        env["GOPROXY"] = cache.goproxy
    if _NEUTRAL_FLAG not in flags:
        flags.append(_NEUTRAL_FLAG)  # also lets the private cache be removed afterwards
    env["GOFLAGS"] = " ".join(flags)
    return env


@dataclass(frozen=True, slots=True)
class PrivateCache:
    """A throw-away GOMODCACHE for full mode, so Go's downloads never land in the job's cache.

    The job's cache is offered to Go first as a ``file://`` proxy (its ``cache/download`` has the
    proxy layout), so only what it lacks comes from the network; Go checks everything it copies
    against go.sum as usual.
    """

    directory: str
    goproxy: str
    job_cache_present: bool = True
    """False: the job has no module cache, so there is nothing to read offline first (and a first
    pass would only make Go create it)."""

    @classmethod
    def over(cls, directory: str, job_cache: str | None, goproxy: str) -> PrivateCache:
        downloads = Path(job_cache, "cache", "download") if job_cache else None
        present = downloads is not None and downloads.is_dir()
        if downloads is not None and present:
            goproxy = f"{downloads.resolve().as_uri()},{goproxy}"
        return cls(directory, goproxy, present)


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
        return run_go(go_path, args, cwd=cwd, env=env, timeout=GO_TIMEOUT_SECONDS)
    except GoNotRun as error:
        return error.message


def _failure(args: list[str], completed: subprocess.CompletedProcess[str]) -> str:
    return redact(go_failed(args, completed))


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
    # A line on both sides only moved (or changed spacing): tidy rewrites the file, but nothing is
    # missing or unneeded.
    added = [line[1:] for line in gosum if line.startswith("+")]
    removed = [line[1:] for line in gosum if line.startswith("-")]
    added_keys, removed_keys = {_normal(line) for line in added}, {_normal(line) for line in removed}
    missing = tuple(line for line in added if _normal(line) not in removed_keys)
    unneeded = tuple(dict.fromkeys(line for line in removed if _normal(line) not in added_keys))
    return Completeness(
        module_root,
        method,
        missing=missing,
        unneeded=unneeded,
        gomod_diff="\n".join(gomod),
        reformatted=bool(added or removed) and not missing and not unneeded,
    )


def _normal(line: str) -> str:
    return " ".join(line.split())


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
    goflags: str,
    offline: bool,
    cache: PrivateCache | None = None,
) -> Completeness:
    """Go's verdict for the module in ``directory`` (``go_version`` like ``go1.27.3``).

    Go first reads only the job's module cache. Only when that lacks something, and not
    ``offline``, does it run again downloading into ``cache`` (never into the job's cache); the
    first pass also serves GOPRIVATE modules, which the private cache's proxies cannot.
    """
    bare = go_version.removeprefix("go")
    decide = (
        _tidy_diff
        if goversion.is_valid(bare) and goversion.compare(bare, TIDY_DIFF_SINCE) >= 0
        else _list_deps
    )
    online = None if offline else cache
    if online is None or online.job_cache_present:
        result = decide(
            module_root, go_path, directory, _environment(environ, goflags, offline=True, cache=None)
        )
        if online is None or result.error is None or not is_cache_miss(result.error):
            return result
    return decide(
        module_root, go_path, directory, _environment(environ, goflags, offline=False, cache=online)
    )


CACHE_MISS_MARKERS = ("GOPROXY=off", "module lookup disabled")
"""What Go says when the module cache lacks something and the network is off."""


def is_cache_miss(error: str) -> bool:
    return any(marker in error for marker in CACHE_MISS_MARKERS)
