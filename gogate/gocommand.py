"""Run the go command with a time bound: the one place that turns "could not run go" into a message.

Why one place: the toolchain facts, Go's completeness verdict and the snapshot builds all run go and
report the same three outcomes (it ran, it did not finish in time, it could not be started) in the
same words; each caller only decides what a failure means for it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["GoNotRun", "go_failed", "run_go"]


class GoNotRun(Exception):
    """go did not finish in time, or could not be started; ``message`` says which."""

    def __init__(self, message: str, *, timed_out: bool) -> None:
        super().__init__(message)
        self.message = message
        self.timed_out = timed_out


def run_go(
    go: str | Path, args: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    """``go args`` in ``cwd`` with exactly ``env``; output decoded with invalid bytes replaced
    (Go echoes what it read from files). Raises GoNotRun; a non-zero exit is the caller's to judge."""
    try:
        return subprocess.run(
            [str(go), *args],
            cwd=cwd,
            env=dict(env),
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise GoNotRun(
            f"`go {' '.join(args)}` did not finish within {timeout:.0f}s", timed_out=True
        ) from error
    except OSError as error:
        raise GoNotRun(f"`{go}` could not be run: {error.strerror or error}", timed_out=False) from error


def go_failed(args: Sequence[str], completed: subprocess.CompletedProcess[str]) -> str:
    """Go's own reason for a non-zero exit: its stderr, else its stdout, else the status."""
    message = completed.stderr.strip() or completed.stdout.strip() or f"exit status {completed.returncode}"
    return f"`go {' '.join(args)}` failed: {message}"
