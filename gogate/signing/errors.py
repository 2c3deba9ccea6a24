"""Errors of the signing library.

Two kinds, because the gate treats them differently: a signature that does not verify is a
*finding* (the snapshot cannot be trusted, exit 1), while a key or trust file that cannot be read is
bad configuration (exit 2) and says nothing about the snapshot.
"""

from __future__ import annotations

from gogate.errors import ConfigError

__all__ = ["SignatureError", "SigningKeyError"]


class SignatureError(Exception):
    """The signature, bundle or signer identity does not verify; ``reason`` says why, for a person."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SigningKeyError(ConfigError):
    """A key (or trust root) is malformed, of an unsupported type, or cannot be decrypted."""
