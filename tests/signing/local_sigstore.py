"""A Sigstore instance made entirely inside the test: Fulcio CA, CT log and Rekor, all offline.

Why: keyless verification must be tested against real cryptography without reaching Sigstore.
The verifier checks (1) the leaf chains to a CA in the trusted root at the log's integrated time,
(2) the leaf's embedded SCT is signed by a CT log in the trusted root (RFC 6962 precertificate
entry), (3) the Rekor entry's Merkle inclusion proof, signed checkpoint and signed entry timestamp,
(4) the entry body matches the certificate, signature and artifact digest. Each piece is built here
from the specifications (RFC 6962, Rekor's hashedrekord and checkpoint formats), not from sigstore's
own signing code, so the test does not merely mirror the verifier.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import struct
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat import asn1
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ISSUER_V1_OID = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.1")
ISSUER_V2_OID = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.8")
SCT_LIST_OID = x509.ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2")
UNREACHABLE_URL = "http://127.0.0.1:9"  # the verifier never calls the services; loopback if it did


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _spki(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _key_id(key: ec.EllipticCurvePrivateKey) -> bytes:
    return hashlib.sha256(_spki(key)).digest()


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    encoded = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(encoded)]) + encoded


def _der_octet_string(data: bytes) -> bytes:
    return b"\x04" + _der_length(len(data)) + data


def _canonical_json(value: object) -> bytes:
    # Enough of RFC 8785 for the ASCII strings and integers used here.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass
class Signed:
    """What a keyless signer hands back: the bundle JSON, and the leaf for inspection."""

    bundle_json: bytes
    leaf: x509.Certificate


@dataclass
class LocalSigstore:
    """Keys and CA of one test Sigstore instance; ``trusted_root_json()`` is what a verifier trusts."""

    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0))
    ca_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP384R1())
    )
    ct_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    rekor_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )

    def __post_init__(self) -> None:
        name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "gogate-test"),
                          x509.NameAttribute(NameOID.COMMON_NAME, "gogate-test-fulcio")])  # fmt: skip
        ski = x509.SubjectKeyIdentifier.from_public_key(self.ca_key.public_key())
        self.ca_cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.now - dt.timedelta(days=1))
            .not_valid_after(self.now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )  # fmt: skip
            .add_extension(ski, critical=False)
            .sign(self.ca_key, hashes.SHA384())
        )

    # --- trust root ----------------------------------------------------------------------------

    def trusted_root_json(self) -> bytes:
        start = (self.now - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")

        def log(url: str, key: ec.EllipticCurvePrivateKey) -> dict[str, object]:
            return {
                "baseUrl": url,
                "hashAlgorithm": "SHA2_256",
                "publicKey": {
                    "rawBytes": _b64(_spki(key)),
                    "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                    "validFor": {"start": start},
                },
                "logId": {"keyId": _b64(_key_id(key))},
            }

        root = {
            "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            "tlogs": [log(UNREACHABLE_URL, self.rekor_key)],
            "certificateAuthorities": [
                {
                    "subject": {"organization": "gogate-test", "commonName": "gogate-test-fulcio"},
                    "uri": UNREACHABLE_URL,
                    "certChain": {
                        "certificates": [
                            {"rawBytes": _b64(self.ca_cert.public_bytes(serialization.Encoding.DER))}
                        ]
                    },
                    "validFor": {"start": start},
                }
            ],
            "ctlogs": [log(UNREACHABLE_URL, self.ct_key)],
            "timestampAuthorities": [],
        }
        return json.dumps(root, indent=2).encode()

    # --- Fulcio: a short-lived leaf with an embedded SCT -------------------------------------------

    def _leaf_builder(
        self, key: ec.EllipticCurvePrivateKey, identity: str, issuer: str, serial: int
    ) -> x509.CertificateBuilder:
        san: x509.GeneralName = (
            x509.RFC822Name(identity) if "@" in identity and "://" not in identity
            else x509.UniformResourceIdentifier(identity)
        )  # fmt: skip
        return (
            x509.CertificateBuilder()
            .subject_name(x509.Name([]))
            .issuer_name(self.ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(serial)
            .not_valid_before(self.now - dt.timedelta(minutes=1))
            .not_valid_after(self.now + dt.timedelta(minutes=10))
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )  # fmt: skip
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca_key.public_key()), critical=False
            )
            .add_extension(x509.SubjectAlternativeName([san]), critical=True)
            .add_extension(x509.UnrecognizedExtension(ISSUER_V1_OID, issuer.encode()), critical=False)
            .add_extension(x509.UnrecognizedExtension(ISSUER_V2_OID, asn1.encode_der(issuer)), critical=False)
        )

    def _sct_list(self, tbs_precertificate: bytes, timestamp_ms: int) -> bytes:
        """One SCT (RFC 6962 §3.2, precert_entry) over the TBS without the SCT extension."""
        issuer_key_hash = _key_id(self.ca_key)
        extensions = b""
        signed = struct.pack("!BBQH", 0, 0, timestamp_ms, 1) + issuer_key_hash
        signed += len(tbs_precertificate).to_bytes(3, "big") + tbs_precertificate
        signed += struct.pack("!H", len(extensions)) + extensions
        signature = self.ct_key.sign(signed, ec.ECDSA(hashes.SHA256()))
        sct = struct.pack("!B", 0) + _key_id(self.ct_key) + struct.pack("!Q", timestamp_ms)
        sct += struct.pack("!H", len(extensions)) + extensions
        sct += struct.pack("!BBH", 4, 3, len(signature)) + signature  # sha256, ecdsa
        serialized = struct.pack("!H", len(sct)) + sct
        return struct.pack("!H", len(serialized)) + serialized

    def issue_leaf(self, key: ec.EllipticCurvePrivateKey, identity: str, issuer: str) -> x509.Certificate:
        serial = x509.random_serial_number()
        precert = self._leaf_builder(key, identity, issuer, serial).sign(self.ca_key, hashes.SHA384())
        sct_list = self._sct_list(precert.tbs_certificate_bytes, int(self.now.timestamp()) * 1000)
        leaf = (
            self._leaf_builder(key, identity, issuer, serial)
            .add_extension(
                x509.UnrecognizedExtension(SCT_LIST_OID, _der_octet_string(sct_list)), critical=False
            )
            .sign(self.ca_key, hashes.SHA384())
        )
        assert leaf.tbs_precertificate_bytes == precert.tbs_certificate_bytes
        return leaf

    # --- Rekor: a one-entry log with checkpoint and signed entry timestamp --------------------------

    def _log_entry(self, leaf: x509.Certificate, signature: bytes, digest: bytes) -> dict[str, object]:
        body = _canonical_json(
            {
                "apiVersion": "0.0.1",
                "kind": "hashedrekord",
                "spec": {
                    "data": {"hash": {"algorithm": "sha256", "value": digest.hex()}},
                    "signature": {
                        "content": _b64(signature),
                        "publicKey": {"content": _b64(leaf.public_bytes(serialization.Encoding.PEM))},
                    },
                },
            }
        )
        log_id = _key_id(self.rekor_key)
        integrated_time = int(self.now.timestamp())
        log_index = 0
        leaf_hash = hashlib.sha256(b"\x00" + body).digest()  # RFC 6962 leaf hash; a 1-leaf tree's root
        note = f"gogate-test-rekor - 1\n1\n{_b64(leaf_hash)}\n"
        note_signature = self.rekor_key.sign(note.encode(), ec.ECDSA(hashes.SHA256()))
        checkpoint = note + "\n" + f"\u2014 gogate-test-rekor {_b64(log_id[:4] + note_signature)}\n"
        promise = _canonical_json(
            {
                "body": _b64(body),
                "integratedTime": integrated_time,
                "logID": log_id.hex(),
                "logIndex": log_index,
            }
        )
        return {
            "logIndex": str(log_index),
            "logId": {"keyId": _b64(log_id)},
            "kindVersion": {"kind": "hashedrekord", "version": "0.0.1"},
            "integratedTime": str(integrated_time),
            "inclusionPromise": {
                "signedEntryTimestamp": _b64(self.rekor_key.sign(promise, ec.ECDSA(hashes.SHA256())))
            },
            "inclusionProof": {
                "logIndex": str(log_index),
                "rootHash": _b64(leaf_hash),
                "treeSize": "1",
                "hashes": [],
                "checkpoint": {"envelope": checkpoint},
            },
            "canonicalizedBody": _b64(body),
        }

    def sign(self, data: bytes, *, identity: str, issuer: str) -> Signed:
        """Sign ``data`` as a CI job with this OIDC identity would, returning a v0.3 bundle."""
        key = ec.generate_private_key(ec.SECP256R1())
        leaf = self.issue_leaf(key, identity, issuer)
        digest = hashlib.sha256(data).digest()
        signature = key.sign(data, ec.ECDSA(hashes.SHA256()))
        bundle = {
            "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
            "verificationMaterial": {
                "certificate": {"rawBytes": _b64(leaf.public_bytes(serialization.Encoding.DER))},
                "tlogEntries": [self._log_entry(leaf, signature, digest)],
            },
            "messageSignature": {
                "messageDigest": {"algorithm": "SHA2_256", "digest": _b64(digest)},
                "signature": _b64(signature),
            },
        }
        return Signed(json.dumps(bundle, indent=2).encode(), leaf)
