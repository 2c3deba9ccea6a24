"""The exit-code contract, in one place. Documented in ``gogate --help`` and the README."""

from __future__ import annotations

import enum

__all__ = ["EXIT_CODE_HELP", "ExitCode"]


class ExitCode(enum.IntEnum):
    """What the process exit status tells the pipeline."""

    PASSED = 0
    """Every enabled check passed (warnings allowed unless --fail-on-warnings)."""
    GATE_FAILED = 1
    """At least one check found a violation: block the stage."""
    USAGE_OR_INPUT_ERROR = 2
    """Bad flags, configuration, or a malformed/unreadable repository file."""
    INFRASTRUCTURE_ERROR = 3
    """Could not decide: network, timeouts, an external service."""
    INTERNAL_ERROR = 4
    """A bug in gogate; please report it with the version."""
    INTERRUPTED = 130
    """Interrupted (Ctrl-C / SIGINT)."""


EXIT_CODE_HELP = """exit codes:
  0    passed (warnings allowed unless --fail-on-warnings)
  1    the gate failed: a check found a violation
  2    usage, configuration or input error (a malformed or unreadable file)
  3    could not decide because of infrastructure (network, timeouts)
  4    internal error (a bug in gogate: please report it with the version)
  130  interrupted"""
