"""NaCl ``secretbox`` (XSalsa20-Poly1305), enough to open cosign's encrypted private keys.

Why here: cosign stores keys as scrypt + secretbox (go-securesystemslib's ``encrypted`` format), and
``cryptography`` has Poly1305 but no (X)Salsa20. The keys are a few hundred bytes, so a plain Python
Salsa20 core is fast enough and spares a native dependency. Written from the Salsa20 specification
(D. J. Bernstein, "Salsa20 specification" and "Extending the Salsa20 nonce").
"""

from __future__ import annotations

import struct

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.poly1305 import Poly1305

__all__ = ["KEY_SIZE", "NONCE_SIZE", "OVERHEAD", "SecretboxError", "open_box", "seal_box"]

KEY_SIZE = 32
NONCE_SIZE = 24
OVERHEAD = 16  # the Poly1305 tag, which NaCl puts in front of the ciphertext

_SIGMA = struct.unpack("<4I", b"expand 32-byte k")
_MASK = 0xFFFFFFFF


class SecretboxError(ValueError):
    """The box does not authenticate under this key and nonce."""


def _rotl(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (32 - shift))) & _MASK


def _double_rounds(state: list[int]) -> list[int]:
    """Ten double rounds (column round then row round) of the Salsa20 core, on a copy."""
    x = list(state)
    for _ in range(10):
        for a, b, c, d in ((0, 4, 8, 12), (5, 9, 13, 1), (10, 14, 2, 6), (15, 3, 7, 11)):
            x[b] ^= _rotl((x[a] + x[d]) & _MASK, 7)
            x[c] ^= _rotl((x[b] + x[a]) & _MASK, 9)
            x[d] ^= _rotl((x[c] + x[b]) & _MASK, 13)
            x[a] ^= _rotl((x[d] + x[c]) & _MASK, 18)
        for a, b, c, d in ((0, 1, 2, 3), (5, 6, 7, 4), (10, 11, 8, 9), (15, 12, 13, 14)):
            x[b] ^= _rotl((x[a] + x[d]) & _MASK, 7)
            x[c] ^= _rotl((x[b] + x[a]) & _MASK, 9)
            x[d] ^= _rotl((x[c] + x[b]) & _MASK, 13)
            x[a] ^= _rotl((x[d] + x[c]) & _MASK, 18)
    return x


def _initial_state(key: bytes, sixteen: bytes) -> list[int]:
    k = struct.unpack("<8I", key)
    n = struct.unpack("<4I", sixteen)
    return [
        _SIGMA[0], k[0], k[1], k[2],
        k[3], _SIGMA[1], n[0], n[1],
        n[2], n[3], _SIGMA[2], k[4],
        k[5], k[6], k[7], _SIGMA[3],
    ]  # fmt: skip


def _hsalsa20(key: bytes, nonce16: bytes) -> bytes:
    """The XSalsa20 subkey: the core's diagonal and nonce words, without the final addition."""
    x = _double_rounds(_initial_state(key, nonce16))
    return struct.pack("<8I", x[0], x[5], x[10], x[15], x[6], x[7], x[8], x[9])


def _salsa20_stream(key: bytes, nonce8: bytes, length: int) -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < length:
        state = _initial_state(key, nonce8 + struct.pack("<Q", counter))
        mixed = _double_rounds(state)
        out += struct.pack("<16I", *((m + s) & _MASK for m, s in zip(mixed, state, strict=True)))
        counter += 1
    return bytes(out[:length])


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    if len(key) != KEY_SIZE or len(nonce) != NONCE_SIZE:
        raise SecretboxError(f"secretbox needs a {KEY_SIZE}-byte key and a {NONCE_SIZE}-byte nonce")
    return _salsa20_stream(_hsalsa20(key, nonce[:16]), nonce[16:], length)


def _xor(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "little") ^ int.from_bytes(b, "little")).to_bytes(len(a), "little")


def seal_box(plaintext: bytes, nonce: bytes, key: bytes) -> bytes:
    """Encrypt and authenticate: tag (16 bytes) then ciphertext, as NaCl's ``secretbox`` lays it out."""
    stream = _keystream(key, nonce, 32 + len(plaintext))
    ciphertext = _xor(plaintext, stream[32:])
    return Poly1305.generate_tag(stream[:32], ciphertext) + ciphertext


def open_box(box: bytes, nonce: bytes, key: bytes) -> bytes:
    """Check the tag, then decrypt; raise :class:`SecretboxError` when it does not authenticate."""
    if len(box) < OVERHEAD:
        raise SecretboxError("secretbox is shorter than its authentication tag")
    tag, ciphertext = box[:OVERHEAD], box[OVERHEAD:]
    stream = _keystream(key, nonce, 32 + len(ciphertext))
    try:
        Poly1305.verify_tag(stream[:32], ciphertext, tag)
    except InvalidSignature:
        raise SecretboxError("secretbox authentication failed (wrong password or altered data)") from None
    return _xor(ciphertext, stream[32:])
