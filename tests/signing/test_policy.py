"""The signing policy model the config will carry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat import asn1
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import ValidationError

from gogate.signing import CertificateIdentity, SigningPolicy
from gogate.signing.identity import certificate_identities, certificate_issuer

GITHUB = "https://token.actions.githubusercontent.com"


def test_key_policy() -> None:
    policy = SigningPolicy.model_validate({"key": "keys/cosign.pub"})
    assert policy.key == Path("keys/cosign.pub")
    assert not policy.is_keyless
    with pytest.raises(ValueError, match="no certificate identity"):
        policy.certificate_identity()


def test_keyless_exact_and_regexp() -> None:
    exact = SigningPolicy(
        identity="https://github.com/acme/app/.github/workflows/n.yml@refs/heads/main", issuer=GITHUB
    )
    assert exact.is_keyless
    assert exact.certificate_identity() == CertificateIdentity(identity=exact.identity, issuer=GITHUB)
    pattern = SigningPolicy(
        identity_regexp=r"^https://gitlab\.com/acme/app//", issuer_regexp=r"^https://gitlab\.com$"
    )
    assert pattern.certificate_identity().identity_regexp == r"^https://gitlab\.com/acme/app//"


def test_policy_is_frozen() -> None:
    policy = SigningPolicy(key=Path("k.pub"))
    with pytest.raises(ValidationError):
        policy.key = Path("other.pub")  # type: ignore[misc]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "exactly one of identity and identity_regexp"),
        ({"identity": "a"}, "exactly one of issuer and issuer_regexp"),
        ({"identity": "a", "identity_regexp": "a", "issuer": GITHUB}, "exactly one of identity"),
        ({"identity": "a", "issuer": GITHUB, "issuer_regexp": "x"}, "exactly one of issuer"),
        ({"key": "k.pub", "identity": "a", "issuer": GITHUB}, "not both"),
        ({"key": "k.pub", "trusted_root": "root.json"}, "not both"),
        ({"identity_regexp": "(", "issuer": GITHUB}, "not a valid regular expression"),
        ({"identity_regexp": "", "issuer": GITHUB}, "would match any signer"),
        ({"identity": "", "issuer": GITHUB}, "identity is empty"),
        ({"identity": "a", "issuer": GITHUB, "subject": "x"}, "Extra inputs are not permitted"),
    ],
)
def test_invalid_policies(fields: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SigningPolicy.model_validate(fields)


def test_certificate_identity_requires_one_of_each() -> None:
    with pytest.raises(ValueError, match="identity"):
        CertificateIdentity(issuer=GITHUB)
    with pytest.raises(ValueError, match="issuer"):
        CertificateIdentity(identity="a", issuer="b", issuer_regexp="c")


def _cert_with(extensions: list[x509.ExtensionType]) -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ca")]))
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    )
    for extension in extensions:
        builder = builder.add_extension(extension, critical=False)
    return builder.sign(key, hashes.SHA256())


def test_issuer_prefers_the_rfc5280_extension_and_falls_back_to_the_legacy_one() -> None:
    legacy = x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.1"), b"https://legacy")
    v2 = x509.UnrecognizedExtension(
        x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.8"), asn1.encode_der("https://v2")
    )
    assert certificate_issuer(_cert_with([legacy])) == "https://legacy"
    assert certificate_issuer(_cert_with([legacy, v2])) == "https://v2"
    assert certificate_issuer(_cert_with([])) is None


def test_identities_cover_email_uri_and_sigstore_othername() -> None:
    other = x509.OtherName(x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.7"), asn1.encode_der("user!host"))
    san = x509.SubjectAlternativeName(
        [x509.RFC822Name("a@example.com"), x509.UniformResourceIdentifier("https://ci/x"), other]
    )
    assert certificate_identities(_cert_with([san])) == ["a@example.com", "https://ci/x", "user!host"]
    assert certificate_identities(_cert_with([])) == []
