"""Signed notes and verifier keys, as the Go checksum database uses them (golang.org/x/mod/sumdb/note).

A verifier key is ``<name>+<8 hex digits key hash>+<base64(algorithm byte || public key)>``; the only
algorithm is Ed25519 (byte 0x01). The key hash is the first four bytes, big-endian, of
``SHA-256(name + "\\n" + algorithm byte + public key)``.

A signed note is UTF-8 text ending in a newline, a blank line, then signature lines
``"\\u2014 <name> <base64(4-byte key hash || signature)>\\n"``. Each signature covers the text, final
newline included. Signatures by keys we do not know are kept as unverified; a signature by a key we know
that does not verify is an error, and so is a note that no known key signed.

``cryptography`` (Ed25519) is imported only when a key is parsed or used.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "ALG_ED25519",
    "InvalidSignatureError",
    "MalformedNoteError",
    "MalformedVerifierKeyError",
    "Note",
    "NoteError",
    "Signature",
    "Signer",
    "UnverifiedNoteError",
    "Verifier",
    "generate_signer_key",
    "key_hash",
    "open_note",
    "sign_note",
    "verifier_key",
]

ALG_ED25519 = 0x01
_SIG_PREFIX = "\u2014 "  # em dash, space
_MAX_SIGNATURES = 100


class NoteError(ValueError):
    """A note or key could not be parsed or verified."""


class MalformedNoteError(NoteError):
    """The bytes are not a well-formed signed note."""


class MalformedVerifierKeyError(NoteError):
    """A verifier or signer key string is malformed (or its key hash is wrong)."""


class InvalidSignatureError(NoteError):
    """A known key signed the note, and its signature does not verify."""

    def __init__(self, name: str, key_hash: int) -> None:
        super().__init__(f"invalid signature for key {name}+{key_hash:08x}")
        self.name = name
        self.key_hash = key_hash


class UnverifiedNoteError(NoteError):
    """The note parsed, but no known key signed it."""

    def __init__(self, note: Note) -> None:
        super().__init__("note has no verifiable signatures")
        self.note = note


def key_hash(name: str, key: bytes) -> int:
    """The key hash: first 4 bytes (big-endian) of SHA-256(name || "\\n" || key); key has its alg byte."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + key).digest()
    return int.from_bytes(digest[:4], "big")


def _valid_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(ch.isspace() for ch in name)


def _b64decode(text: str) -> bytes:
    """Strict standard base64 with padding (as Go's base64.StdEncoding); raises binascii.Error."""
    if "\n" in text or "\r" in text:
        raise binascii.Error("newline in base64")
    return base64.b64decode(text.encode("ascii"), validate=True)


def _parse_hash(text: str) -> int | None:
    if len(text) != 8 or any(ch not in "0123456789abcdefABCDEF" for ch in text):
        return None
    return int(text, 16)


def _ed25519_public(raw: bytes) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(raw)


@dataclass(frozen=True)
class Verifier:
    """A parsed verifier key: name, key hash and the Ed25519 public key bytes (32 bytes)."""

    name: str
    key_hash: int
    public_key: bytes

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        """Parse ``name+hash+base64key``; raises :class:`MalformedVerifierKeyError`."""
        name, _, rest = vkey.partition("+")
        hash_text, _, key_text = rest.partition("+")
        try:
            key = _b64decode(key_text)
        except (binascii.Error, ValueError):
            key = b""
        hash_value = _parse_hash(hash_text)
        if hash_value is None or not _valid_name(name) or not key:
            raise MalformedVerifierKeyError("malformed verifier id")
        if hash_value != key_hash(name, key):
            raise MalformedVerifierKeyError("invalid verifier hash")
        if key[0] != ALG_ED25519:
            raise MalformedVerifierKeyError("unknown verifier algorithm")
        if len(key) != 33:
            raise MalformedVerifierKeyError("malformed verifier id")
        return cls(name=name, key_hash=hash_value, public_key=key[1:])

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True when ``signature`` is a valid Ed25519 signature of ``message`` by this key."""
        from cryptography.exceptions import InvalidSignature

        if len(signature) != 64:
            return False
        try:
            _ed25519_public(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def __str__(self) -> str:
        encoded = base64.b64encode(bytes([ALG_ED25519]) + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_hash:08x}+{encoded}"


def verifier_key(name: str, public_key: bytes) -> str:
    """The verifier key string for a 32-byte Ed25519 public key."""
    if len(public_key) != 32:
        raise MalformedVerifierKeyError(f"invalid public key size {len(public_key)}, expected 32")
    if not _valid_name(name):
        raise MalformedVerifierKeyError(f"invalid key name {name!r}")
    encoded = bytes([ALG_ED25519]) + public_key
    return f"{name}+{key_hash(name, encoded):08x}+{base64.b64encode(encoded).decode('ascii')}"


@dataclass(frozen=True)
class Signer:
    """An Ed25519 signing key (``PRIVATE+KEY+name+hash+base64(0x01 || 32-byte seed)``)."""

    name: str
    key_hash: int
    seed: bytes

    @classmethod
    def parse(cls, skey: str) -> Signer:
        parts = skey.split("+", 4)
        if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
            raise MalformedVerifierKeyError("malformed signer id")
        _, _, name, hash_text, key_text = parts
        try:
            key = _b64decode(key_text)
        except (binascii.Error, ValueError):
            key = b""
        hash_value = _parse_hash(hash_text)
        if hash_value is None or not _valid_name(name) or not key:
            raise MalformedVerifierKeyError("malformed signer id")
        if key[0] != ALG_ED25519:
            raise MalformedVerifierKeyError("unknown signer algorithm")
        if len(key) != 33:
            raise MalformedVerifierKeyError("malformed signer id")
        signer = cls(name=name, key_hash=hash_value, seed=key[1:])
        if hash_value != key_hash(name, bytes([ALG_ED25519]) + signer.public_key()):
            raise MalformedVerifierKeyError("invalid signer hash")
        return signer

    def _private(self) -> Ed25519PrivateKey:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return Ed25519PrivateKey.from_private_bytes(self.seed)

    def public_key(self) -> bytes:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        return self._private().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    def verifier_key(self) -> str:
        return verifier_key(self.name, self.public_key())

    def sign(self, message: bytes) -> bytes:
        return self._private().sign(message)

    def __str__(self) -> str:
        encoded = base64.b64encode(bytes([ALG_ED25519]) + self.seed).decode("ascii")
        return f"PRIVATE+KEY+{self.name}+{self.key_hash:08x}+{encoded}"


def generate_signer_key(name: str) -> tuple[str, str]:
    """A fresh Ed25519 key: (signer key string, verifier key string)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    vkey = verifier_key(name, private.public_key().public_bytes_raw())
    signer = Signer(name=name, key_hash=Verifier.parse(vkey).key_hash, seed=seed)
    return str(signer), vkey


@dataclass(frozen=True)
class Signature:
    """One signature line of a note: key name, key hash and the base64 text as written."""

    name: str
    key_hash: int
    base64: str


@dataclass(frozen=True)
class Note:
    """An opened note: its text and the signatures that verified (and those by unknown keys)."""

    text: str
    signatures: tuple[Signature, ...]
    unverified: tuple[Signature, ...] = field(default=())


def _check_note_characters(message: bytes) -> str:
    try:
        decoded = message.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedNoteError("malformed note: not valid UTF-8") from error
    if any(ord(ch) < 0x20 and ch != "\n" for ch in decoded):
        raise MalformedNoteError("malformed note: control character")
    return decoded


def open_note(message: bytes, verifiers: list[Verifier] | tuple[Verifier, ...]) -> Note:
    """Parse ``message`` and verify its signatures against ``verifiers``.

    Raises :class:`MalformedNoteError`, :class:`InvalidSignatureError` (a known key's signature fails)
    or :class:`UnverifiedNoteError` (no known key signed).
    """
    _check_note_characters(message)
    split = message.rfind(b"\n\n")
    if split < 0:
        raise MalformedNoteError("malformed note: no blank line before the signatures")
    text, block = message[: split + 1], message[split + 2 :]
    if not block or not block.endswith(b"\n"):
        raise MalformedNoteError("malformed note: signature block does not end in a newline")

    known: dict[tuple[str, int], list[Verifier]] = {}
    for verifier in verifiers:
        known.setdefault((verifier.name, verifier.key_hash), []).append(verifier)

    verified: list[Signature] = []
    unverified: list[Signature] = []
    seen_verified: set[tuple[str, int]] = set()
    seen_unverified: set[bytes] = set()
    lines = block[:-1].split(b"\n")
    if len(lines) > _MAX_SIGNATURES:
        raise MalformedNoteError("malformed note: too many signatures")
    prefix = _SIG_PREFIX.encode("utf-8")
    for raw_line in lines:
        if not raw_line.startswith(prefix):
            raise MalformedNoteError("malformed note: signature line does not start with an em dash")
        line = raw_line[len(prefix) :]
        name, _, encoded = line.decode("utf-8").partition(" ")
        try:
            sig = _b64decode(encoded) if encoded else b""
        except (binascii.Error, ValueError):
            sig = b""
        if not _valid_name(name) or len(sig) < 5:
            raise MalformedNoteError("malformed note: bad signature line")
        hash_value = int.from_bytes(sig[:4], "big")
        candidates = known.get((name, hash_value))
        if not candidates:
            if line not in seen_unverified:
                seen_unverified.add(line)
                unverified.append(Signature(name, hash_value, encoded))
            continue
        if len(candidates) > 1:
            raise NoteError(f"ambiguous key {name}+{hash_value:08x}")
        if (name, hash_value) in seen_verified:
            continue
        seen_verified.add((name, hash_value))
        if not candidates[0].verify(text, sig[4:]):
            raise InvalidSignatureError(name, hash_value)
        verified.append(Signature(name, hash_value, encoded))

    note = Note(text=text.decode("utf-8"), signatures=tuple(verified), unverified=tuple(unverified))
    if not verified:
        raise UnverifiedNoteError(note)
    return note


def sign_note(text: str, signers: list[Signer] | tuple[Signer, ...]) -> bytes:
    """The signed note: ``text`` (must end in a newline), a blank line, one signature line per signer."""
    if not text.endswith("\n"):
        raise MalformedNoteError("malformed note: text does not end in a newline")
    body = text.encode("utf-8")
    _check_note_characters(body)
    out = [body, b"\n"]
    for signer in signers:
        if not _valid_name(signer.name):
            raise MalformedNoteError(f"invalid signer name {signer.name!r}")
        raw = signer.key_hash.to_bytes(4, "big") + signer.sign(body)
        out.append(f"{_SIG_PREFIX}{signer.name} {base64.b64encode(raw).decode('ascii')}\n".encode())
    return b"".join(out)
