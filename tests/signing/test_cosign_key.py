"""cosign-compatible key signatures: own round trips, openssl as an independent verifier, and
go-securesystemslib's published vector for the encrypted key envelope."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from gogate.signing import (
    SignatureError,
    SigningKeyError,
    encrypt_private_key,
    generate_key_pair,
    load_private_key,
    sign_blob,
    verify_blob,
)
from gogate.signing.secretbox import SecretboxError, open_box, seal_box

DATA = b'{"schema": 1, "platforms": ["linux/amd64", "linux/arm64"]}\n'


def _pkcs8(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _public(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@pytest.fixture(scope="module")
def p256() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def test_sign_then_verify(p256: ec.EllipticCurvePrivateKey) -> None:
    signature = sign_blob(DATA, _pkcs8(p256), None)
    verify_blob(DATA, signature, _public(p256))
    # cosign writes the signature to a file that may end with a newline; that still verifies.
    verify_blob(DATA, signature + b"\n", _public(p256))


def test_signature_format_is_base64_der_ecdsa_over_sha256(p256: ec.EllipticCurvePrivateKey) -> None:
    der = base64.b64decode(sign_blob(DATA, _pkcs8(p256), None), validate=True)
    assert der[0] == 0x30  # an ASN.1 SEQUENCE (r, s), not a raw 64-byte r||s
    p256.public_key().verify(der, DATA, ec.ECDSA(hashes.SHA256()))


def test_tampered_data_fails(p256: ec.EllipticCurvePrivateKey) -> None:
    signature = sign_blob(DATA, _pkcs8(p256), None)
    with pytest.raises(SignatureError, match="does not verify"):
        verify_blob(DATA.replace(b"arm64", b"arm32"), signature, _public(p256))


def test_wrong_key_fails(p256: ec.EllipticCurvePrivateKey) -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(SignatureError, match="does not verify"):
        verify_blob(DATA, sign_blob(DATA, _pkcs8(other), None), _public(p256))


def test_garbage_signature_fails(p256: ec.EllipticCurvePrivateKey) -> None:
    with pytest.raises(SignatureError, match="not base64"):
        verify_blob(DATA, b"not*base64", _public(p256))
    with pytest.raises(SignatureError, match="empty"):
        verify_blob(DATA, b"", _public(p256))
    with pytest.raises(SignatureError, match="does not verify"):
        verify_blob(DATA, base64.b64encode(b"\x30\x06\x02\x01\x01\x02\x01\x01"), _public(p256))


@pytest.mark.parametrize(
    "make",
    [
        lambda: ec.generate_private_key(ec.SECP384R1()),
        lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
        ed25519.Ed25519PrivateKey.generate,
    ],
    ids=["p384", "rsa", "ed25519"],
)
def test_non_p256_keys_are_refused_clearly(make: object) -> None:
    key = make()  # type: ignore[operator]
    with pytest.raises(SigningKeyError, match="P-256"):
        sign_blob(DATA, _pkcs8(key), None)
    with pytest.raises(SigningKeyError, match="P-256"):
        verify_blob(DATA, b"AAAA", _public(key))


def test_malformed_keys_are_config_errors() -> None:
    with pytest.raises(SigningKeyError, match="not PEM"):
        sign_blob(DATA, b"hello", None)
    with pytest.raises(SigningKeyError, match="PUBLIC KEY"):
        verify_blob(DATA, b"AAAA", b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    with pytest.raises(SigningKeyError, match="unsupported private key PEM type"):
        sign_blob(DATA, b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", None)


def test_sec1_pem_private_key_is_accepted(p256: ec.EllipticCurvePrivateKey) -> None:
    sec1 = p256.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    assert b"EC PRIVATE KEY" in sec1
    verify_blob(DATA, sign_blob(DATA, sec1, None), _public(p256))


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_openssl_verifies_our_signature_and_we_verify_openssl(
    tmp_path: Path, p256: ec.EllipticCurvePrivateKey
) -> None:
    """openssl dgst -sha256 uses the same signature encoding as cosign (DER ECDSA over SHA-256)."""
    (tmp_path / "data").write_bytes(DATA)
    (tmp_path / "key.pem").write_bytes(_pkcs8(p256))
    (tmp_path / "pub.pem").write_bytes(_public(p256))
    (tmp_path / "sig").write_bytes(base64.b64decode(sign_blob(DATA, _pkcs8(p256), None)))
    ok = subprocess.run(
        ["openssl", "dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig", "data"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stdout + ok.stderr
    subprocess.run(
        ["openssl", "dgst", "-sha256", "-sign", "key.pem", "-out", "osig", "data"], cwd=tmp_path, check=True
    )
    verify_blob(DATA, base64.b64encode((tmp_path / "osig").read_bytes()), _public(p256))
    with pytest.raises(SignatureError):
        verify_blob(DATA + b" ", base64.b64encode((tmp_path / "osig").read_bytes()), _public(p256))


# --- cosign's encrypted private key ("ENCRYPTED SIGSTORE PRIVATE KEY") -------------------------

# go-securesystemslib's own test vector (encrypted/encrypted_test.go, TestDecrypt): the envelope
# cosign puts inside the PEM, made by the Go implementation, passphrase "supersecret".
GO_VECTOR = (
    b'{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},'
    b'"salt":"N9a7x5JFGbrtB2uBR81jPwp0eiLR4A7FV3mjVAQrg1g="},'
    b'"cipher":{"name":"nacl/secretbox","nonce":"2h8HxMmgRfuYdpswZBQaU3xJ1nkA/5Ik"},'
    b'"ciphertext":"SEW6sUh0jf2wfdjJGPNS9+bkk2uB+Cxamf32zR8XkQ=="}'
)


def _open_envelope(envelope: bytes, password: bytes) -> bytes:
    document = json.loads(envelope)
    params = document["kdf"]["params"]
    secret = hashlib.scrypt(
        password, salt=base64.b64decode(document["kdf"]["salt"]),
        n=params["N"], r=params["r"], p=params["p"], maxmem=1 << 26, dklen=32,
    )  # fmt: skip
    return open_box(
        base64.b64decode(document["ciphertext"]), base64.b64decode(document["cipher"]["nonce"]), secret
    )


def test_secretbox_opens_the_go_implementations_vector() -> None:
    assert _open_envelope(GO_VECTOR, b"supersecret") == b"reallyimportant"
    with pytest.raises(SecretboxError):
        _open_envelope(GO_VECTOR, b"supersecreT")


def test_secretbox_seal_matches_open_and_detects_tampering() -> None:
    key, nonce = bytes(range(32)), bytes(range(24))
    message = bytes(range(200))  # several Salsa20 blocks
    box = seal_box(message, nonce, key)
    assert len(box) == len(message) + 16
    assert open_box(box, nonce, key) == message
    with pytest.raises(SecretboxError):
        open_box(box[:-1] + bytes([box[-1] ^ 1]), nonce, key)


def _as_cosign_pem(envelope: bytes) -> bytes:
    body = base64.b64encode(envelope).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join(["-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----", *lines,
                      "-----END ENCRYPTED SIGSTORE PRIVATE KEY-----", ""]).encode()  # fmt: skip


def test_go_vector_in_a_cosign_pem_decrypts_but_is_not_a_key() -> None:
    """The envelope is opened (right password), then refused because the plaintext is no PKCS#8 key."""
    with pytest.raises(SigningKeyError, match="not a PKCS#8"):
        load_private_key(_as_cosign_pem(GO_VECTOR), b"supersecret")
    with pytest.raises(SigningKeyError, match="wrong password"):
        load_private_key(_as_cosign_pem(GO_VECTOR), b"nope")


def test_generated_cosign_key_pair_signs_and_verifies() -> None:
    private_pem, public_pem = generate_key_pair(b"s3cret")
    assert private_pem.startswith(b"-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n")
    verify_blob(DATA, sign_blob(DATA, private_pem, b"s3cret"), public_pem)
    with pytest.raises(SigningKeyError, match="wrong password"):
        sign_blob(DATA, private_pem, b"s3cret!")
    with pytest.raises(SigningKeyError, match="wrong password"):
        sign_blob(DATA, private_pem, None)


def test_empty_password_key_as_cosign_password_empty(p256: ec.EllipticCurvePrivateKey) -> None:
    pem = encrypt_private_key(p256, b"")
    verify_blob(DATA, sign_blob(DATA, pem, None), _public(p256))
    verify_blob(DATA, sign_blob(DATA, pem.replace(b"SIGSTORE", b"COSIGN"), b""), _public(p256))


def test_encrypted_key_envelope_is_validated(p256: ec.EllipticCurvePrivateKey) -> None:
    pem = encrypt_private_key(p256, b"pw")
    body = b"".join(pem.splitlines()[1:-1])
    envelope = json.loads(base64.b64decode(body))

    def load(changed: dict[str, object]) -> None:
        load_private_key(_as_cosign_pem(json.dumps(changed).encode()), b"pw")

    assert _open_envelope(json.dumps(envelope).encode(), b"pw").startswith(b"\x30")
    costly = json.loads(json.dumps(envelope))
    costly["kdf"]["params"]["N"] = 1 << 24
    with pytest.raises(SigningKeyError, match="unsupported scrypt parameters"):
        load(costly)
    other_cipher = json.loads(json.dumps(envelope))
    other_cipher["cipher"]["name"] = "aes-gcm"
    with pytest.raises(SigningKeyError, match="nacl/secretbox"):
        load(other_cipher)
    tampered = json.loads(json.dumps(envelope))
    raw = bytearray(base64.b64decode(tampered["ciphertext"]))
    raw[20] ^= 0x40
    tampered["ciphertext"] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(SigningKeyError, match="wrong password, or the key file was altered"):
        load(tampered)
    with pytest.raises(SigningKeyError, match="JSON"):
        load_private_key(_as_cosign_pem(b"not json"), b"pw")
