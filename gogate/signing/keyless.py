"""Keyless (Sigstore) signatures over a file: a bundle made from the CI's OIDC identity.

Verification proves three things at once, all through the ``sigstore`` package's ``Verifier``:
the short-lived certificate chains to the trusted Fulcio root, the transparency-log entry and the
certificate's SCT are signed by logs the trust root lists, and the certificate's identity and
issuer are the ones the policy names. The artifact's own digest is then checked against the
signature, so a snapshot changed after signing fails.

The trust root defaults to Sigstore's public-good instance (fetched and verified through TUF);
a ``trusted_root.json`` may be given instead (private Sigstore, or offline verification).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gogate.errors import InfrastructureError
from gogate.signing.errors import SignatureError, SigningKeyError
from gogate.signing.identity import CertificateIdentity

if TYPE_CHECKING:
    from sigstore.models import TrustedRoot

__all__ = ["TrustConfig", "sign_keyless", "verify_bundle", "verify_bundle_policy"]


@dataclass(frozen=True)
class TrustConfig:
    """Where the roots of trust come from.

    ``trusted_root_json``: the content of a Sigstore ``trusted_root.json``; when ``None``, Sigstore's
    public-good instance through TUF. ``offline`` (public-good only): use the trust root shipped
    with the sigstore package or already cached, without contacting the TUF repository.
    """

    trusted_root_json: bytes | None = None
    offline: bool = False


def _trusted_root(trust: TrustConfig | None) -> TrustedRoot:
    from sigstore.errors import Error as SigstoreError
    from sigstore.models import ClientTrustConfig
    from sigstore.models import TrustedRoot as _TrustedRoot
    from sigstore_models.trustroot import v1 as trustroot_v1

    trust = trust or TrustConfig()
    if trust.trusted_root_json is not None:
        try:
            return _TrustedRoot(trustroot_v1.TrustedRoot.from_json(trust.trusted_root_json))
        except (ValueError, SigstoreError) as exc:
            raise SigningKeyError(f"trusted root is not a valid Sigstore trusted_root.json: {exc}") from None
    try:
        return ClientTrustConfig.production(offline=trust.offline).trusted_root
    except SigstoreError as exc:
        raise InfrastructureError(
            f"cannot obtain Sigstore's trust root through TUF: {exc}",
            remediation="check network access to Sigstore's TUF repository, or configure a trusted root file",
        ) from None


def verify_bundle_policy(
    data: bytes, bundle_json: bytes, policy: CertificateIdentity, *, trust: TrustConfig | None = None
) -> None:
    """Verify ``bundle_json`` (a Sigstore bundle) over ``data`` for the signer ``policy`` allows.

    Raises :class:`SignatureError` with the verifier's reason when anything does not hold.
    """
    from sigstore.errors import Error as SigstoreError
    from sigstore.models import Bundle
    from sigstore.verify import Verifier

    root = _trusted_root(trust)
    try:
        bundle = Bundle.from_json(bundle_json)
    except (ValueError, TypeError, KeyError, SigstoreError) as exc:
        raise SignatureError(f"not a valid Sigstore bundle: {exc}") from None
    try:
        verifier = Verifier(trusted_root=root)
        verifier.verify_artifact(data, bundle, policy)
    except SigstoreError as exc:
        raise SignatureError(f"Sigstore bundle does not verify: {exc}") from None
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        # Malformed pieces inside an otherwise parseable bundle (a bad certificate or SCT list, a
        # key of a type the verifier does not expect): a forged bundle must fail, never crash.
        raise SignatureError(f"Sigstore bundle is malformed: {exc}") from None


def verify_bundle(
    data: bytes, bundle_json: bytes, *, identity: str, issuer: str, trust: TrustConfig | None = None
) -> None:
    """Verify a bundle made by exactly ``identity`` (certificate SAN) from OIDC ``issuer``."""
    verify_bundle_policy(
        data, bundle_json, CertificateIdentity(identity=identity, issuer=issuer), trust=trust
    )


def sign_keyless(data: bytes, *, identity_token: str) -> bytes:
    """Sign ``data`` with Sigstore's public-good Fulcio and Rekor; return the bundle JSON.

    ``identity_token`` is the CI's OIDC token (for GitHub Actions, one with audience ``sigstore``;
    ``sigstore.oidc.detect_credential()`` finds it). Needs the network; not exercised by the
    offline test suite.
    """
    from sigstore.errors import Error as SigstoreError
    from sigstore.models import ClientTrustConfig
    from sigstore.oidc import IdentityError, IdentityToken
    from sigstore.sign import SigningContext

    try:
        token = IdentityToken(identity_token)
    except IdentityError as exc:
        raise SigningKeyError(f"OIDC identity token is not usable for signing: {exc}") from None
    try:
        context = SigningContext.from_trust_config(ClientTrustConfig.production())
        with context.signer(token, cache=True) as signer:
            bundle = signer.sign_artifact(data)
    except SigstoreError as exc:
        raise InfrastructureError(f"Sigstore signing failed: {exc}") from None
    return bundle.to_json().encode()
