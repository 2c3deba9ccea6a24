"""Who may have signed: a certificate identity and OIDC issuer check, exact or by regular expression.

Why not ``sigstore.verify.policy.Identity``: it reads only the legacy issuer extension and matches
exactly, while cosign's ``--certificate-identity[-regexp]`` / ``--certificate-oidc-issuer[-regexp]``
read the RFC 5280 issuer extension (``1.3.6.1.4.1.57264.1.8``) first and accept patterns. Patterns
are matched like cosign's (Go's ``MatchString``: *unanchored*), so a policy should anchor them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat import asn1

__all__ = ["CertificateIdentity", "certificate_identities", "certificate_issuer"]

_ISSUER_V2_OID = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.8")
_ISSUER_V1_OID = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.1")
_SIGSTORE_OTHERNAME_OID = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.7")


def certificate_issuer(cert: x509.Certificate) -> str | None:
    """The OIDC issuer Fulcio recorded, from the DER-string extension or else the legacy raw one."""
    for oid in (_ISSUER_V2_OID, _ISSUER_V1_OID):
        try:
            value = cert.extensions.get_extension_for_oid(oid).value
        except x509.ExtensionNotFound:
            continue
        raw = value.value if isinstance(value, x509.UnrecognizedExtension) else b""
        try:
            return asn1.decode_der(str, raw) if oid == _ISSUER_V2_OID else raw.decode()
        except (ValueError, UnicodeDecodeError):
            return None
    return None


def certificate_identities(cert: x509.Certificate) -> list[str]:
    """The identities Fulcio puts in the SAN: e-mail, URI (CI workflows) and Sigstore's otherName."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    found: list[str] = [*san.get_values_for_type(x509.RFC822Name)]
    found += san.get_values_for_type(x509.UniformResourceIdentifier)
    for other in san.get_values_for_type(x509.OtherName):
        if other.type_id == _SIGSTORE_OTHERNAME_OID:
            try:
                found.append(asn1.decode_der(str, other.value))
            except ValueError:
                found.append(other.value.decode(errors="replace"))
    return found


@dataclass(frozen=True)
class CertificateIdentity:
    """Exactly one of ``identity``/``identity_regexp`` and one of ``issuer``/``issuer_regexp``.

    Implements sigstore's ``VerificationPolicy`` protocol (``verify(cert)``), so the verifier
    applies it while checking the certificate.
    """

    identity: str | None = None
    issuer: str | None = None
    identity_regexp: str | None = None
    issuer_regexp: str | None = None

    def __post_init__(self) -> None:
        if (self.identity is None) == (self.identity_regexp is None):
            raise ValueError("give exactly one of identity and identity_regexp")
        if (self.issuer is None) == (self.issuer_regexp is None):
            raise ValueError("give exactly one of issuer and issuer_regexp")
        for pattern in (self.identity_regexp, self.issuer_regexp):
            if pattern is not None:
                re.compile(pattern)

    def describe(self) -> str:
        who = self.identity if self.identity is not None else f"/{self.identity_regexp}/"
        by = self.issuer if self.issuer is not None else f"/{self.issuer_regexp}/"
        return f"identity {who} from issuer {by}"

    @staticmethod
    def _matches(value: str, exact: str | None, pattern: str | None) -> bool:
        if exact is not None:
            return value == exact
        return pattern is not None and re.search(pattern, value) is not None

    def verify(self, cert: x509.Certificate) -> None:
        """Raise sigstore's ``VerificationError`` naming what the certificate holds instead."""
        from sigstore.errors import VerificationError

        issuer = certificate_issuer(cert)
        if issuer is None:
            raise VerificationError("signing certificate records no OIDC issuer")
        if not self._matches(issuer, self.issuer, self.issuer_regexp):
            raise VerificationError(f"signed by issuer {issuer!r}, the policy wants {self.describe()}")
        identities = certificate_identities(cert)
        if not any(self._matches(value, self.identity, self.identity_regexp) for value in identities):
            shown = ", ".join(repr(value) for value in identities) or "none"
            raise VerificationError(f"signed by identity {shown}, the policy wants {self.describe()}")
