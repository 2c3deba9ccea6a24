"""Key-based signatures exactly as ``cosign sign-blob --key`` makes and ``verify-blob --key`` checks them.

The format (read from cosign's sign-blob/verify-blob and sigstore's signature package): an ECDSA P-256
signature over the SHA-256 digest of the blob, ASN.1 DER encoded, then standard base64. The public key
is a PKIX ``PUBLIC KEY`` PEM. Private keys come as cosign writes them (``ENCRYPTED SIGSTORE PRIVATE
KEY``, or the older ``ENCRYPTED COSIGN PRIVATE KEY``: scrypt + NaCl secretbox around PKCS#8 DER) or
as plain PKCS#8 / SEC1 PEM, as ``cosign import-key-pair`` accepts them.

Only P-256 is accepted: it is what cosign generates, and the snapshot policy names one key type so a
verifier never has to guess the hash or the curve.

This checks the signature only. cosign 2+ also looks the signature up in the Rekor transparency log
unless told ``--insecure-ignore-tlog``; gogate's key-based mode is the offline equivalent of that flag.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from gogate.signing.errors import SignatureError, SigningKeyError
from gogate.signing.secretbox import NONCE_SIZE, SecretboxError, open_box, seal_box

__all__ = [
    "encrypt_private_key",
    "generate_key_pair",
    "load_private_key",
    "load_public_key",
    "sign_blob",
    "verify_blob",
]

_ENCRYPTED_PEM_TYPES = ("ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY")
_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.DOTALL)

# The scrypt cost settings go-securesystemslib knows (legacy, standard, OWASP); like it, refuse
# others, so a crafted key file cannot make gogate spend unbounded memory or time.
_ALLOWED_SCRYPT = {(32768, 8, 1), (65536, 8, 1), (131072, 8, 1)}
_SCRYPT_FOR_NEW_KEYS = (32768, 8, 1)
_SALT_SIZE = 32
_KEY_DESCRIPTION = "an ECDSA P-256 key (what cosign generate-key-pair makes)"


def _pem_blocks(pem: bytes) -> list[tuple[str, bytes]]:
    blocks = []
    for match in _PEM_BLOCK.finditer(pem):
        body = b"".join(match.group(2).split())
        try:
            blocks.append((match.group(1).decode(), base64.b64decode(body, validate=True)))
        except binascii.Error:
            raise SigningKeyError(f"{match.group(1).decode()} PEM block is not valid base64") from None
    return blocks


def _require_p256_private(key: object) -> ec.EllipticCurvePrivateKey:
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise SigningKeyError(f"private key is a {type(key).__name__}, not {_KEY_DESCRIPTION}")
    if not isinstance(key.curve, ec.SECP256R1):
        raise SigningKeyError(f"private key is on curve {key.curve.name}, not {_KEY_DESCRIPTION}")
    return key


def _require_p256_public(key: object) -> ec.EllipticCurvePublicKey:
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise SigningKeyError(f"public key is a {type(key).__name__}, not {_KEY_DESCRIPTION}")
    if not isinstance(key.curve, ec.SECP256R1):
        raise SigningKeyError(f"public key is on curve {key.curve.name}, not {_KEY_DESCRIPTION}")
    return key


def _b64_field(document: dict[str, Any], *path: str) -> bytes:
    value: Any = document
    for name in path:
        value = value.get(name) if isinstance(value, dict) else None
    if not isinstance(value, str):
        raise SigningKeyError(f"encrypted key: field {'.'.join(path)} is missing or not a string")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error:
        raise SigningKeyError(f"encrypted key: field {'.'.join(path)} is not valid base64") from None


def _decrypt_cosign_key(envelope: bytes, password: bytes) -> bytes:
    """Open go-securesystemslib's ``encrypted`` JSON envelope and return the PKCS#8 DER inside."""
    try:
        document = json.loads(envelope)
    except (ValueError, UnicodeDecodeError):
        raise SigningKeyError("encrypted key: body is not the JSON cosign writes") from None
    if not isinstance(document, dict):
        raise SigningKeyError("encrypted key: body is not a JSON object")
    kdf = document.get("kdf")
    cipher = document.get("cipher")
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
        raise SigningKeyError("encrypted key: only the scrypt key derivation is supported")
    if not isinstance(cipher, dict) or cipher.get("name") != "nacl/secretbox":
        raise SigningKeyError("encrypted key: only the nacl/secretbox cipher is supported")
    params = kdf.get("params")
    cost = (params.get("N"), params.get("r"), params.get("p")) if isinstance(params, dict) else (None,) * 3
    if cost not in _ALLOWED_SCRYPT:
        raise SigningKeyError(f"encrypted key: unsupported scrypt parameters N, r, p = {cost}")
    n, r, p = cost
    salt = _b64_field(document, "kdf", "salt")
    nonce = _b64_field(document, "cipher", "nonce")
    box = _b64_field(document, "ciphertext")
    if len(nonce) != NONCE_SIZE:
        raise SigningKeyError(f"encrypted key: nonce is {len(nonce)} bytes, expected {NONCE_SIZE}")
    secret = hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, maxmem=256 * r * n + (1 << 20), dklen=32)
    try:
        return open_box(box, nonce, secret)
    except SecretboxError:
        raise SigningKeyError("encrypted key: wrong password, or the key file was altered") from None


def load_private_key(private_key_pem: bytes, password: bytes | None) -> ec.EllipticCurvePrivateKey:
    """Load a cosign encrypted key, or a plain PKCS#8/SEC1 PEM key; it must be ECDSA P-256.

    ``password`` decrypts cosign's encrypted formats; ``None`` means the empty password, which is
    what cosign uses when ``COSIGN_PASSWORD`` is set but empty (a common CI set-up).
    """
    blocks = _pem_blocks(private_key_pem)
    if not blocks:
        raise SigningKeyError("private key is not PEM")
    pem_type, der = blocks[0]
    if pem_type in _ENCRYPTED_PEM_TYPES:
        der = _decrypt_cosign_key(der, password if password is not None else b"")
        try:
            key: object = serialization.load_der_private_key(der, password=None)
        except ValueError as exc:
            raise SigningKeyError(f"decrypted key is not a PKCS#8 private key: {exc}") from None
        return _require_p256_private(key)
    if pem_type not in ("PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"):
        raise SigningKeyError(f"unsupported private key PEM type {pem_type!r}")
    try:
        key = serialization.load_pem_private_key(private_key_pem, password=password or None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(f"cannot load private key: {exc}") from None
    return _require_p256_private(key)


def load_public_key(public_key_pem: bytes) -> ec.EllipticCurvePublicKey:
    """Load a PKIX ``PUBLIC KEY`` PEM (``cosign.pub``); it must be ECDSA P-256."""
    try:
        key = serialization.load_pem_public_key(public_key_pem)
    except ValueError as exc:
        raise SigningKeyError(f"cannot load public key (expected a PUBLIC KEY PEM): {exc}") from None
    return _require_p256_public(key)


def sign_blob(data: bytes, private_key_pem: bytes, password: bytes | None) -> bytes:
    """Sign ``data`` as ``cosign sign-blob --key``: base64 of the DER ECDSA P-256/SHA-256 signature."""
    key = load_private_key(private_key_pem, password)
    return base64.b64encode(key.sign(data, ec.ECDSA(hashes.SHA256())))


def verify_blob(data: bytes, signature_b64: bytes, public_key_pem: bytes) -> None:
    """Check a ``cosign sign-blob`` signature; raise :class:`SignatureError` saying why it fails.

    A malformed public key raises :class:`SigningKeyError` instead (configuration, not a finding).
    """
    key = load_public_key(public_key_pem)
    try:
        signature = base64.b64decode(b"".join(signature_b64.split()), validate=True)
    except binascii.Error:
        raise SignatureError("signature is not base64 (cosign sign-blob writes base64)") from None
    if not signature:
        raise SignatureError("signature is empty")
    try:
        key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise SignatureError(
            "signature does not verify with the configured public key: "
            "the file changed after signing, or it was signed with another key"
        ) from None


def encrypt_private_key(key: ec.EllipticCurvePrivateKey, password: bytes) -> bytes:
    """Write ``key`` as cosign's ``ENCRYPTED SIGSTORE PRIVATE KEY`` PEM (scrypt + secretbox)."""
    _require_p256_private(key)
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    n, r, p = _SCRYPT_FOR_NEW_KEYS
    salt = os.urandom(_SALT_SIZE)
    nonce = os.urandom(NONCE_SIZE)
    secret = hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, maxmem=256 * r * n + (1 << 20), dklen=32)
    envelope = {
        "kdf": {
            "name": "scrypt",
            "params": {"N": n, "r": r, "p": p},
            "salt": base64.b64encode(salt).decode(),
        },
        "cipher": {"name": "nacl/secretbox", "nonce": base64.b64encode(nonce).decode()},
        "ciphertext": base64.b64encode(seal_box(der, nonce, secret)).decode(),
    }
    body = base64.b64encode(json.dumps(envelope, separators=(",", ":")).encode()).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    pem_type = _ENCRYPTED_PEM_TYPES[0]
    return "\n".join([f"-----BEGIN {pem_type}-----", *lines, f"-----END {pem_type}-----", ""]).encode()


def generate_key_pair(password: bytes) -> tuple[bytes, bytes]:
    """A new P-256 key pair as ``cosign generate-key-pair`` writes it: (encrypted private PEM, public PEM)."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return encrypt_private_key(key, password), public
