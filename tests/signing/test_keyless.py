"""Keyless Sigstore verification against a Sigstore instance the test makes (see local_sigstore),
plus a real public-good bundle verified offline against the real trust root."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from gogate.signing import (
    CertificateIdentity,
    SignatureError,
    SigningKeyError,
    TrustConfig,
    sign_keyless,
    verify_bundle,
    verify_bundle_policy,
)

from .local_sigstore import LocalSigstore, Signed

DATA = b'{"schema": 1, "platforms": {"linux/amd64": {}, "linux/arm64": {}}}\n'
WORKFLOW = "https://github.com/acme/app/.github/workflows/nightly.yml@refs/heads/main"
GITHUB = "https://token.actions.githubusercontent.com"
HERE = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def instance() -> LocalSigstore:
    return LocalSigstore()


@pytest.fixture(scope="module")
def trust(instance: LocalSigstore) -> TrustConfig:
    return TrustConfig(trusted_root_json=instance.trusted_root_json())


@pytest.fixture(scope="module")
def signed(instance: LocalSigstore) -> Signed:
    return instance.sign(DATA, identity=WORKFLOW, issuer=GITHUB)


def test_valid_bundle_verifies(signed: Signed, trust: TrustConfig) -> None:
    verify_bundle(DATA, signed.bundle_json, identity=WORKFLOW, issuer=GITHUB, trust=trust)


def test_snapshot_changed_after_signing_fails(signed: Signed, trust: TrustConfig) -> None:
    with pytest.raises(SignatureError, match="digest mismatch"):
        changed = DATA.replace(b"arm64", b"riscv64")
        verify_bundle(changed, signed.bundle_json, identity=WORKFLOW, issuer=GITHUB, trust=trust)


def test_changed_data_fails_even_without_the_recorded_digest(signed: Signed, trust: TrustConfig) -> None:
    """The digest field is optional in a bundle; the signature itself must then catch the change."""
    bundle = json.loads(signed.bundle_json)
    del bundle["messageSignature"]["messageDigest"]
    with pytest.raises(SignatureError, match="Signature is invalid"):
        verify_bundle(DATA + b" ", json.dumps(bundle).encode(), identity=WORKFLOW, issuer=GITHUB, trust=trust)


def test_wrong_identity_fails(signed: Signed, trust: TrustConfig) -> None:
    other = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main"
    with pytest.raises(
        SignatureError, match="signed by identity .*nightly.yml.*the policy wants identity .*release"
    ):
        verify_bundle(DATA, signed.bundle_json, identity=other, issuer=GITHUB, trust=trust)


def test_wrong_issuer_fails(signed: Signed, trust: TrustConfig) -> None:
    with pytest.raises(
        SignatureError, match="signed by issuer 'https://token.actions.githubusercontent.com'"
    ):
        verify_bundle(DATA, signed.bundle_json, identity=WORKFLOW, issuer="https://gitlab.com", trust=trust)


def test_same_identity_from_an_untrusted_instance_fails(trust: TrustConfig) -> None:
    """A forged bundle (own CA, own logs) with the right identity must not pass."""
    forged = LocalSigstore().sign(DATA, identity=WORKFLOW, issuer=GITHUB)
    with pytest.raises(SignatureError, match="does not verify"):
        verify_bundle(DATA, forged.bundle_json, identity=WORKFLOW, issuer=GITHUB, trust=trust)


def test_regexp_policy(signed: Signed, trust: TrustConfig) -> None:
    ok = CertificateIdentity(identity_regexp=r"^https://github\.com/acme/app/\.github/workflows/[^/]+@refs/heads/main$",
                             issuer=GITHUB)  # fmt: skip
    verify_bundle_policy(DATA, signed.bundle_json, ok, trust=trust)
    verify_bundle_policy(
        DATA,
        signed.bundle_json,
        CertificateIdentity(identity=WORKFLOW, issuer_regexp=r"^https://token\.actions\."),
        trust=trust,
    )
    wrong_repo = CertificateIdentity(identity_regexp=r"^https://github\.com/other/", issuer=GITHUB)
    with pytest.raises(SignatureError, match="policy wants identity /"):
        verify_bundle_policy(DATA, signed.bundle_json, wrong_repo, trust=trust)
    with pytest.raises(SignatureError, match="signed by issuer"):
        verify_bundle_policy(
            DATA,
            signed.bundle_json,
            CertificateIdentity(identity=WORKFLOW, issuer_regexp="gitlab"),
            trust=trust,
        )


def test_email_identity(instance: LocalSigstore, trust: TrustConfig) -> None:
    signed = instance.sign(DATA, identity="release@example.com", issuer="https://accounts.google.com")
    verify_bundle(DATA, signed.bundle_json, identity="release@example.com", issuer="https://accounts.google.com",
                  trust=trust)  # fmt: skip


def _edited(signed: Signed, edit: object) -> bytes:
    bundle = json.loads(signed.bundle_json)
    edit(bundle)  # type: ignore[operator]
    return json.dumps(bundle).encode()


def _flip_b64(value: str, at: int = 10) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[at] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def _entry(bundle: dict[str, object]) -> dict[str, object]:
    return bundle["verificationMaterial"]["tlogEntries"][0]  # type: ignore[index,no-any-return]


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (
            lambda b: _entry(b)["inclusionPromise"].update(
                signedEntryTimestamp=_flip_b64(_entry(b)["inclusionPromise"]["signedEntryTimestamp"], 20)
            ),
            "SET|inclusion promise|log entry",
        ),
        (
            lambda b: _entry(b).update(integratedTime=str(int(_entry(b)["integratedTime"]) + 3600)),
            "not valid at validation time",
        ),
        (
            # Still inside the certificate's validity, so only the log's signed promise catches it.
            lambda b: _entry(b).update(integratedTime=str(int(_entry(b)["integratedTime"]) + 60)),
            "SET: invalid inclusion promise",
        ),
        (
            lambda b: _entry(b)["inclusionProof"].update(
                rootHash=_flip_b64(_entry(b)["inclusionProof"]["rootHash"])
            ),
            "root hash|inclusion proof",
        ),
        (
            lambda b: b["messageSignature"].update(
                signature=_flip_b64(b["messageSignature"]["signature"], 12)
            ),
            "Signature is invalid|inconsistent",
        ),
        (
            lambda b: b.update(mediaType="application/vnd.dev.sigstore.bundle.v9+json"),
            "not a valid Sigstore bundle",
        ),
        (lambda b: b["verificationMaterial"].update(tlogEntries=[]), "exactly one log entry"),
    ],
    ids=[
        "set",
        "integrated-time-outside-cert",
        "integrated-time-inside-cert",
        "inclusion-proof",
        "signature",
        "media-type",
        "no-log-entry",
    ],
)
def test_tampered_bundle_fails(signed: Signed, trust: TrustConfig, edit: object, reason: str) -> None:
    with pytest.raises(SignatureError, match=reason):
        verify_bundle(DATA, _edited(signed, edit), identity=WORKFLOW, issuer=GITHUB, trust=trust)


def test_not_a_bundle_fails(trust: TrustConfig) -> None:
    with pytest.raises(SignatureError, match="not a valid Sigstore bundle"):
        verify_bundle(DATA, b"{not json", identity=WORKFLOW, issuer=GITHUB, trust=trust)
    with pytest.raises(SignatureError, match="not a valid Sigstore bundle"):
        verify_bundle(DATA, b"{}", identity=WORKFLOW, issuer=GITHUB, trust=trust)


def test_malformed_trust_root_is_a_config_error(signed: Signed) -> None:
    with pytest.raises(SigningKeyError, match="trusted_root.json"):
        verify_bundle(DATA, signed.bundle_json, identity=WORKFLOW, issuer=GITHUB,
                      trust=TrustConfig(trusted_root_json=b'{"mediaType": "nope"}'))  # fmt: skip


# --- a real public-good bundle, verified offline ---------------------------------------------------

REAL_WHEEL = HERE / "rfc8785-0.1.2-py3-none-any.whl"
REAL_IDENTITY = "https://github.com/trailofbits/rfc8785.py/.github/workflows/release.yml@refs/tags/v0.1.2"


def _real_trust() -> TrustConfig:
    return TrustConfig(trusted_root_json=(HERE / "sigstore-public-good-trusted_root.json").read_bytes())


def test_real_public_good_bundle_verifies_offline() -> None:
    bundle = (HERE / "rfc8785-0.1.2-py3-none-any.whl.sigstore.json").read_bytes()
    verify_bundle(REAL_WHEEL.read_bytes(), bundle, identity=REAL_IDENTITY, issuer=GITHUB, trust=_real_trust())


def test_real_bundle_wrong_identity_or_changed_file_fails() -> None:
    bundle = (HERE / "rfc8785-0.1.2-py3-none-any.whl.sigstore.json").read_bytes()
    wheel = REAL_WHEEL.read_bytes()
    with pytest.raises(SignatureError, match="policy wants identity"):
        verify_bundle(wheel, bundle, identity=REAL_IDENTITY.replace("v0.1.2", "v0.1.3"), issuer=GITHUB,
                      trust=_real_trust())  # fmt: skip
    with pytest.raises(SignatureError, match="does not verify"):
        verify_bundle(wheel[:-1] + bytes([wheel[-1] ^ 1]), bundle, identity=REAL_IDENTITY, issuer=GITHUB,
                      trust=_real_trust())  # fmt: skip


def test_real_bundle_against_the_packaged_trust_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default (public-good) trust path, offline: the sigstore package's embedded trust root."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    bundle = (HERE / "rfc8785-0.1.2-py3-none-any.whl.sigstore.json").read_bytes()
    verify_bundle(REAL_WHEEL.read_bytes(), bundle, identity=REAL_IDENTITY, issuer=GITHUB,
                  trust=TrustConfig(offline=True))  # fmt: skip


def test_malformed_identity_token_is_refused_before_any_network() -> None:
    """sign_keyless itself needs Fulcio and Rekor (untested offline); a bad token fails up front."""
    with pytest.raises(SigningKeyError, match="OIDC identity token"):
        sign_keyless(DATA, identity_token="not-a-jwt")


def test_importing_the_library_does_not_load_sigstore() -> None:
    """The minimal merge-request path must not pay for sigstore's import (or need it installed)."""
    code = "import sys, gogate.signing; sys.exit('sigstore' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_mangled_bundles_fail_cleanly(signed: Signed, trust: TrustConfig) -> None:
    """Byte flips all over a bundle's binary fields give SignatureError, never another exception."""
    bundle = json.loads(signed.bundle_json)
    entry = _entry(bundle)
    targets = [
        (bundle["verificationMaterial"]["certificate"], "rawBytes"),
        (bundle["messageSignature"], "signature"),
        (entry, "canonicalizedBody"),
        (entry["logId"], "keyId"),
        (entry["inclusionPromise"], "signedEntryTimestamp"),
    ]
    for holder, name in targets:
        original = holder[name]
        for at in range(0, len(base64.b64decode(original)), 37):
            holder[name] = _flip_b64(original, at)
            with pytest.raises(SignatureError):
                verify_bundle(
                    DATA, json.dumps(bundle).encode(), identity=WORKFLOW, issuer=GITHUB, trust=trust
                )
        holder[name] = original
    verify_bundle(DATA, json.dumps(bundle).encode(), identity=WORKFLOW, issuer=GITHUB, trust=trust)
