"""The signing policy a project puts in its config: which key, or which CI identity, may sign.

Either ``key`` (a cosign public key PEM file) or a keyless identity: ``identity`` or
``identity_regexp`` together with ``issuer`` or ``issuer_regexp``, as cosign's
``--certificate-identity[-regexp]`` and ``--certificate-oidc-issuer[-regexp]``. Mixing the two kinds,
or giving neither, is a configuration error: a verifier must never silently fall back to a weaker check.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator

from gogate.signing.identity import CertificateIdentity

__all__ = ["SigningPolicy"]


class SigningPolicy(BaseModel):
    """Who may sign the snapshot; see the module docstring for the accepted combinations."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: Path | None = None
    identity: str | None = None
    identity_regexp: str | None = None
    issuer: str | None = None
    issuer_regexp: str | None = None
    trusted_root: Path | None = None
    """A Sigstore ``trusted_root.json`` for keyless verification; default: the public-good instance."""

    @model_validator(mode="after")
    def _one_kind_of_signer(self) -> SigningPolicy:
        keyless = (self.identity, self.identity_regexp, self.issuer, self.issuer_regexp)
        if self.key is not None:
            if any(value is not None for value in keyless) or self.trusted_root is not None:
                raise ValueError("give either key or a keyless identity and issuer, not both")
            return self
        if (self.identity is None) == (self.identity_regexp is None):
            raise ValueError("keyless signing needs exactly one of identity and identity_regexp (or key)")
        if (self.issuer is None) == (self.issuer_regexp is None):
            raise ValueError("keyless signing needs exactly one of issuer and issuer_regexp")
        for name in ("identity_regexp", "issuer_regexp"):
            pattern = getattr(self, name)
            if pattern is not None:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(f"{name} is not a valid regular expression: {exc}") from None
            if pattern == "":
                raise ValueError(f"{name} is empty, which would match any signer")
        for name in ("identity", "issuer"):
            if getattr(self, name) == "":
                raise ValueError(f"{name} is empty")
        return self

    @property
    def is_keyless(self) -> bool:
        return self.key is None

    def certificate_identity(self) -> CertificateIdentity:
        """The keyless identity check; only for a keyless policy."""
        if self.key is not None:
            raise ValueError("a key-based signing policy has no certificate identity")
        return CertificateIdentity(
            identity=self.identity,
            issuer=self.issuer,
            identity_regexp=self.identity_regexp,
            issuer_regexp=self.issuer_regexp,
        )
