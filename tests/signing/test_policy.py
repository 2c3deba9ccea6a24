"""The signing policy model the config will carry."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from gogate.signing import CertificateIdentity, SigningPolicy

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
