"""One error hierarchy; the CLI maps each class to an exit code (see :mod:`gogate.exitcodes`).

Why exceptions carry their own remediation: a platform engineer reading a red pipeline needs the
file, the line and what to do, not a traceback.
"""

from __future__ import annotations

from gogate.exitcodes import ExitCode

__all__ = ["ConfigError", "GogateError", "InfrastructureError", "InputError", "UsageError"]


class GogateError(Exception):
    """Base class for every error gogate reports on purpose."""

    exit_code: ExitCode = ExitCode.INTERNAL_ERROR

    def __init__(self, message: str, *, remediation: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.remediation = remediation

    def diagnostics(self) -> str:
        """The message, then the remediation on its own line when there is one."""
        if self.remediation:
            return f"{self.message}\n  fix: {self.remediation}"
        return self.message


class UsageError(GogateError):
    """Bad command-line usage."""

    exit_code = ExitCode.USAGE_OR_INPUT_ERROR


class ConfigError(GogateError):
    """Invalid configuration (config file, GOGATE_* variables or flags)."""

    exit_code = ExitCode.USAGE_OR_INPUT_ERROR


class InputError(GogateError):
    """A repository file gogate must read is missing, unreadable or malformed.

    The message always starts with ``path:line:`` (or ``path:`` when no line applies).
    """

    exit_code = ExitCode.USAGE_OR_INPUT_ERROR

    def __init__(
        self, path: str, message: str, *, line: int | None = None, remediation: str | None = None
    ) -> None:
        location = f"{path}:{line}" if line is not None else path
        super().__init__(f"{location}: {message}", remediation=remediation)
        self.path = path
        self.line = line
        self.location = location


class InfrastructureError(GogateError):
    """gogate could not decide because of the network, a timeout or a similar outside fault."""

    exit_code = ExitCode.INFRASTRUCTURE_ERROR
