"""Errors of the checksum database client, mapped onto gogate's exit-code contract.

* :class:`SumdbSecurityError` (exit 1, the gate fails): the database or something between us and it
  served signed data that does not verify: a bad signature, a record that is not in the signed tree,
  tiles that do not hash to the signed root, a tree head that forks from the one seen before, or a
  checksum that differs from the database's.
* :class:`gogate.errors.InfrastructureError` (exit 3, could not decide): the database could not be read
  (network, timeout, HTTP error, a body that is not what the protocol says). :class:`SumdbNotFoundError`
  is the 404/410 case.
* :class:`SumdbDisabledError` (exit 2): a lookup was asked for while ``GOSUMDB=off``.
"""

from __future__ import annotations

from gogate.errors import ConfigError, GogateError, InfrastructureError
from gogate.exitcodes import ExitCode

__all__ = ["SumdbDisabledError", "SumdbNotFoundError", "SumdbSecurityError", "SumdbUnknownVersionError"]


class SumdbSecurityError(GogateError):
    """Verification against the checksum database failed: treat as an attack, never as a pass."""

    exit_code = ExitCode.GATE_FAILED

    def __init__(self, message: str, *, kind: str, remediation: str | None = None) -> None:
        super().__init__(f"SECURITY ERROR: {message}", remediation=remediation)
        self.kind = kind
        """One of ``bad-signature``, ``unverified-note``, ``bad-record``, ``bad-tile``, ``fork``,
        ``checksum-mismatch``, ``no-record``, ``bad-cache``."""


class SumdbNotFoundError(InfrastructureError):
    """The database answered 404 or 410 (unknown module version, or a tile it does not serve)."""


class SumdbUnknownVersionError(SumdbNotFoundError):
    """The lookup itself answered 404 or 410: the database has no record of this module version.

    Kept apart from a missing tile because it is an answer about the module, not a broken database:
    cmd/go refuses to download such a module unless GONOSUMDB/GOPRIVATE lists it.
    """

    def __init__(self, message: str, *, url: str, remediation: str | None = None) -> None:
        super().__init__(message, remediation=remediation)
        self.url = url


class SumdbDisabledError(ConfigError):
    """``GOSUMDB=off``: nothing can be verified against the checksum database."""
