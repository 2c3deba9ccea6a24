"""Verifier keys and signed notes on real values: sum.golang.org's key and heads, the x/mod doc example."""

from __future__ import annotations

import base64

import pytest

from gogate.sumdb import note, tlog
from gogate.sumdb.client import SUM_GOLANG_ORG_KEY

# Notes §9: two real signed tree heads of sum.golang.org (from a user's $GOPATH/pkg/sumdb cache).
REAL_HEADS = [
    (
        28905453,
        "f3f8U0MoQmXkWAgAEKDtXcaI3c2y6N9+55KNSRefF/w=",
        "Az3grr4J9x4SApup87osjthKONInbYdbN37ZskrLF12HIbhDuxOBTzt8Z2jUKbCvxYWrw0yNgshddOzt7pZEl7aSCw8=",
    ),
    (
        28891140,
        "++pUIeKTwGvykMUkmM3AT97PwQipMT6H/p7t86E0Sp0=",
        "Az3grqNvOILDz7xwAKugtVFZwd+I9IyB/mHrUYzcVaS9zKsRVdRLNGLFpnAcLhyoBBkdIYEzK/+7Eu4wanYttLrPsQo=",
    ),
]

# Notes §9: a real lookup response for the go1.21.9 linux-amd64 toolchain module.
REAL_LOOKUP = (
    "24929362\n"
    "golang.org/toolchain v0.0.1-go1.21.9.linux-amd64 h1:rRL9rPpsjKfpdDFcppvNgw1/dynUMrpDcTxdIwtyFR0=\n"
    "golang.org/toolchain v0.0.1-go1.21.9.linux-amd64/go.mod "
    "h1:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0=\n"
    "\n"
    "go.sum database tree\n"
    "28905453\n"
    "f3f8U0MoQmXkWAgAEKDtXcaI3c2y6N9+55KNSRefF/w=\n"
    "\n"
    "\u2014 sum.golang.org "
    "Az3grr4J9x4SApup87osjthKONInbYdbN37ZskrLF12HIbhDuxOBTzt8Z2jUKbCvxYWrw0yNgshddOzt7pZEl7aSCw8=\n"
).encode()

# x/mod sumdb/note package documentation (notes §12).
PN_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PN_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PN_TEXT = (
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
)
PN_SIG = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
ENOCH_SIG = "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ="
PN_MSG = f"{PN_TEXT}\n\u2014 PeterNeumann {PN_SIG}\n".encode()


def _head(size: int, root: str, sig: str) -> bytes:
    return f"go.sum database tree\n{size}\n{root}\n\n\u2014 sum.golang.org {sig}\n".encode()


class TestKeys:
    def test_sum_golang_org_key_hash_is_computed_as_go_does(self) -> None:
        verifier = note.Verifier.parse(SUM_GOLANG_ORG_KEY)
        assert verifier.name == "sum.golang.org"
        assert f"{verifier.key_hash:08x}" == "033de0ae"
        raw = base64.b64decode("Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8")
        assert note.key_hash("sum.golang.org", raw) == 0x033DE0AE
        assert str(verifier) == SUM_GOLANG_ORG_KEY
        assert note.verifier_key("sum.golang.org", verifier.public_key) == SUM_GOLANG_ORG_KEY

    def test_doc_example_signer_matches_its_verifier(self) -> None:
        signer = note.Signer.parse(PN_SKEY)
        assert signer.verifier_key() == PN_VKEY
        assert str(signer) == PN_SKEY

    def test_generated_keys_round_trip(self) -> None:
        skey, vkey = note.generate_signer_key("example.test/db")
        signer = note.Signer.parse(skey)
        assert signer.verifier_key() == vkey
        signed = note.sign_note("hello\n", [signer])
        assert note.open_note(signed, [note.Verifier.parse(vkey)]).text == "hello\n"

    @pytest.mark.parametrize(
        ("vkey", "message"),
        [
            ("sum.golang.org+033de0af+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8", "invalid verifier hash"),
            ("sum.golang.org+33de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8", "malformed verifier id"),
            ("sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn", "malformed verifier id"),
            ("sum.golang.org", "malformed verifier id"),
            ("", "malformed verifier id"),
            ("has space+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8", "malformed verifier id"),
        ],
    )
    def test_bad_verifier_keys(self, vkey: str, message: str) -> None:
        with pytest.raises(note.MalformedVerifierKeyError, match=message):
            note.Verifier.parse(vkey)

    def test_unknown_algorithm(self) -> None:
        key = b"\x02" + bytes(32)
        vkey = f"x.test+{note.key_hash('x.test', key):08x}+{base64.b64encode(key).decode()}"
        with pytest.raises(note.MalformedVerifierKeyError, match="unknown verifier algorithm"):
            note.Verifier.parse(vkey)

    def test_wrong_key_length(self) -> None:
        key = b"\x01" + bytes(31)
        vkey = f"x.test+{note.key_hash('x.test', key):08x}+{base64.b64encode(key).decode()}"
        with pytest.raises(note.MalformedVerifierKeyError, match="malformed verifier id"):
            note.Verifier.parse(vkey)


class TestRealTreeHeads:
    @pytest.mark.parametrize(("size", "root", "sig"), REAL_HEADS)
    def test_real_sum_golang_org_heads_verify(self, size: int, root: str, sig: str) -> None:
        opened = note.open_note(_head(size, root, sig), [note.Verifier.parse(SUM_GOLANG_ORG_KEY)])
        assert [s.name for s in opened.signatures] == ["sum.golang.org"]
        tree = tlog.parse_tree(opened.text)
        assert tree == tlog.Tree(size, base64.b64decode(root))
        assert tlog.format_tree(tree) == opened.text

    @pytest.mark.parametrize(("size", "root", "sig"), REAL_HEADS)
    def test_a_changed_size_breaks_the_signature(self, size: int, root: str, sig: str) -> None:
        with pytest.raises(note.InvalidSignatureError, match="sum.golang.org\\+033de0ae"):
            note.open_note(_head(size + 1, root, sig), [note.Verifier.parse(SUM_GOLANG_ORG_KEY)])

    def test_signatures_are_not_interchangeable(self) -> None:
        (size, root, _), (_, _, other_sig) = REAL_HEADS
        with pytest.raises(note.InvalidSignatureError):
            note.open_note(_head(size, root, other_sig), [note.Verifier.parse(SUM_GOLANG_ORG_KEY)])

    def test_real_lookup_response(self) -> None:
        record_id, text, signed = tlog.parse_record(REAL_LOOKUP)
        assert record_id == 24929362
        assert text.count(b"\n") == 2 and text.startswith(
            b"golang.org/toolchain v0.0.1-go1.21.9.linux-amd64 h1:"
        )
        assert base64.b64encode(tlog.record_hash(text)) == b"A/+TP2a1pyCJM2jsWxhtn8S+e4UYsO5MYbxns1Xhj+o="
        opened = note.open_note(signed, [note.Verifier.parse(SUM_GOLANG_ORG_KEY)])
        assert tlog.parse_tree(opened.text).n == 28905453

    def test_unknown_key_only(self) -> None:
        size, root, sig = REAL_HEADS[0]
        with pytest.raises(note.UnverifiedNoteError, match="no verifiable signatures") as caught:
            note.open_note(_head(size, root, sig), [note.Verifier.parse(PN_VKEY)])
        assert [s.name for s in caught.value.note.unverified] == ["sum.golang.org"]


class TestDocExample:
    def test_sign_reproduces_the_documented_note(self) -> None:
        assert note.sign_note(PN_TEXT, [note.Signer.parse(PN_SKEY)]) == PN_MSG

    def test_open_the_documented_note(self) -> None:
        opened = note.open_note(PN_MSG, [note.Verifier.parse(PN_VKEY)])
        assert opened.text == PN_TEXT
        assert opened.signatures == (note.Signature("PeterNeumann", 0xC74F20A3, PN_SIG),)

    def test_doubly_signed_note_keeps_the_unknown_signature(self) -> None:
        msg = PN_MSG + f"\u2014 EnochRoot {ENOCH_SIG}\n".encode()
        opened = note.open_note(msg, [note.Verifier.parse(PN_VKEY)])
        assert [s.name for s in opened.signatures] == ["PeterNeumann"]
        assert [s.name for s in opened.unverified] == ["EnochRoot"]

    def test_duplicate_signatures_are_dropped(self) -> None:
        msg = PN_MSG + f"\u2014 PeterNeumann {PN_SIG}\n".encode()
        assert len(note.open_note(msg, [note.Verifier.parse(PN_VKEY)]).signatures) == 1

    @pytest.mark.parametrize(
        "msg",
        [
            PN_TEXT.encode(),  # no signature block
            PN_MSG.rstrip(b"\n"),  # signature block without final newline
            PN_MSG.replace("\u2014".encode(), b"-"),  # not an em dash
            PN_MSG.replace(b"problem,", b"problem,\x01"),  # control character
            PN_MSG.replace(b"problem,", b"problem,\xff"),  # invalid UTF-8
            PN_MSG.replace(PN_SIG.encode(), b"!!!!"),  # bad base64
            PN_MSG.replace(PN_SIG.encode(), b"AAAA"),  # too short
            PN_MSG.replace(b"PeterNeumann x", b"Peter+Neumann x"),  # bad name
            PN_MSG + f"\u2014 X {ENOCH_SIG}\n".encode() * 100,  # more than 100 signatures
        ],
    )
    def test_malformed_notes(self, msg: bytes) -> None:
        with pytest.raises(note.MalformedNoteError):
            note.open_note(msg, [note.Verifier.parse(PN_VKEY)])

    def test_altered_text(self) -> None:
        with pytest.raises(note.InvalidSignatureError, match="PeterNeumann\\+c74f20a3"):
            note.open_note(PN_MSG.replace(b"you don't", b"you do"), [note.Verifier.parse(PN_VKEY)])
