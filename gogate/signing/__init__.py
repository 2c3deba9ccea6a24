"""Signing and verification of gogate snapshots: cosign-compatible keys, and Sigstore keyless bundles.

The CLI wires these into ``gogate snapshot sign`` and ``snapshot verify``; the library only takes
bytes, so it can be tested without files and reused for any artifact.
"""

from __future__ import annotations

from gogate.signing.cosign_key import (
    encrypt_private_key,
    generate_key_pair,
    load_private_key,
    load_public_key,
    sign_blob,
    verify_blob,
)
from gogate.signing.errors import SignatureError, SigningKeyError
from gogate.signing.identity import CertificateIdentity
from gogate.signing.keyless import TrustConfig, sign_keyless, verify_bundle, verify_bundle_policy
from gogate.signing.policy import SigningPolicy

__all__ = [
    "CertificateIdentity",
    "SignatureError",
    "SigningKeyError",
    "SigningPolicy",
    "TrustConfig",
    "encrypt_private_key",
    "generate_key_pair",
    "load_private_key",
    "load_public_key",
    "sign_blob",
    "sign_keyless",
    "verify_blob",
    "verify_bundle",
    "verify_bundle_policy",
]
