"""gogate.dirhash against Go itself: module zips served through a file:// GOPROXY, `go mod download -json`."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from goenv_support import hermetic_go_env, run_go

from gogate.dirhash import (
    EMPTY_GOMOD_HASH,
    dir_entries,
    gomod_hash,
    hash1,
    hash_dir,
    hash_zip,
    raw_name,
    zip_entries,
)
from gogate.errors import InputError

# Worked example of the notes (go-internals.md §1): values printed by `go mod download -json`.
EXAMPLE_FILES = {
    "example.com/m@v1.0.0/go.mod": b"module example.com/m\n\ngo 1.21\n",
    "example.com/m@v1.0.0/m.go": b"package m\n",
    "example.com/m@v1.0.0/LICENSE": b"MIT\n",
}
EXAMPLE_SUMMARY = (
    b"adc37366f403835c1470ab2df93d3837d4719372fc1ef8593d922e06f033f8b2  example.com/m@v1.0.0/LICENSE\n"
    b"83b7b22d0c65b90dacf5611cc4f0498a452a9a47e43595a04f30ceb319ac227c  example.com/m@v1.0.0/go.mod\n"
    b"4aa8b7c674470695884aab61a414c5a11c9e2e283df176cad2013bd4a059a7b5  example.com/m@v1.0.0/m.go\n"
)
EXAMPLE_H1 = "h1:Mu6w5hKmQSGTO1xubvhx/M9tfAlPYz00l0sJYlWxcrE="
EXAMPLE_GOMOD_H1 = "h1:ONeDgCa5UF/jJRjGzpOKmUiezgFEk4IPFZ96frvroW0="
TOOLCHAIN_GOMOD_H1 = "h1:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0="


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _zip_bytes(members: Sequence[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about duplicate names
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in members:
                archive.writestr(name, data)
    return buffer.getvalue()


def _write_zip(path: Path, members: Sequence[tuple[str, bytes]]) -> Path:
    path.write_bytes(_zip_bytes(members))
    return path


def _go_download(
    go_bin: Path, tmp_path: Path, module: str, version: str, zip_data: bytes, go_mod: bytes
) -> dict[str, str]:
    """Serve one module version through a file:// proxy and return `go mod download -json` output."""
    proxy = tmp_path / "proxy"
    versions = proxy / module / "@v"
    versions.mkdir(parents=True, exist_ok=True)
    (versions / "list").write_text(f"{version}\n")
    (versions / f"{version}.info").write_text(
        json.dumps({"Version": version, "Time": "2024-01-01T00:00:00Z"})
    )
    (versions / f"{version}.mod").write_bytes(go_mod)
    (versions / f"{version}.zip").write_bytes(zip_data)
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    env = hermetic_go_env(tmp_path / "gohome", GOPROXY=proxy.as_uri(), GOSUMDB="off")
    result = run_go(go_bin, ["mod", "download", "-json", f"{module}@{version}"], cwd=work, env=env)
    assert result.stdout, result.stderr
    decoded: dict[str, str] = json.loads(result.stdout)
    return decoded


# --- hash1 ----------------------------------------------------------------------------------------


def test_worked_example_summary_and_hashes() -> None:
    entries = [(name, _sha(data)) for name, data in EXAMPLE_FILES.items()]
    expected = "h1:" + base64.b64encode(hashlib.sha256(EXAMPLE_SUMMARY).digest()).decode()
    assert expected == EXAMPLE_H1
    assert hash1(entries) == EXAMPLE_H1
    assert hash1(reversed(entries)) == EXAMPLE_H1
    assert gomod_hash(EXAMPLE_FILES["example.com/m@v1.0.0/go.mod"]) == EXAMPLE_GOMOD_H1
    assert gomod_hash(b"module golang.org/toolchain\n") == TOOLCHAIN_GOMOD_H1
    assert gomod_hash(b"") == EMPTY_GOMOD_HASH


def test_hash1_sorts_bytes_and_keeps_duplicates() -> None:
    digest_a, digest_b = _sha(b"a"), _sha(b"b")
    once = hash1([("x", digest_a)])
    twice = hash1([("x", digest_a), ("x", digest_a)])
    assert once != twice
    assert (
        twice
        == "h1:"
        + base64.b64encode(hashlib.sha256(f"{digest_a}  x\n{digest_a}  x\n".encode()).digest()).decode()
    )
    # Byte order, not code-point order: U+FFFD (EF BF BD) sorts after a raw 0x80 byte (a lone surrogate).
    odd = b"\x80".decode("utf-8", "surrogateescape")
    entries = [("\ufffd", digest_a), (odd, digest_b)]
    summary = f"{digest_b}  ".encode() + b"\x80\n" + f"{digest_a}  ".encode() + "\ufffd\n".encode()
    assert hash1(entries) == "h1:" + base64.b64encode(hashlib.sha256(summary).digest()).decode()
    assert raw_name(odd) == b"\x80"


def test_hash1_rejects_newlines_and_bad_digests() -> None:
    with pytest.raises(InputError, match="newline"):
        hash1([("a\nb", _sha(b""))])
    with pytest.raises(ValueError, match="SHA-256"):
        hash1([("a", "XYZ")])
    with pytest.raises(ValueError, match="SHA-256"):
        hash1([("a", _sha(b"").upper())])


# --- zips, with Go as the oracle ----------------------------------------------------------------------


def test_worked_example_zip_equals_go(go_bin: Path, tmp_path: Path) -> None:
    data = _zip_bytes(list(EXAMPLE_FILES.items()))
    zip_path = tmp_path / "m.zip"
    zip_path.write_bytes(data)
    go = _go_download(
        go_bin, tmp_path, "example.com/m", "v1.0.0", data, EXAMPLE_FILES["example.com/m@v1.0.0/go.mod"]
    )
    assert "Error" not in go, go
    assert go["Sum"] == EXAMPLE_H1
    assert go["GoModSum"] == EXAMPLE_GOMOD_H1
    assert hash_zip(zip_path) == EXAMPLE_H1
    assert hash_dir(go["Dir"], "example.com/m@v1.0.0") == EXAMPLE_H1


def test_directory_entries_count_in_the_zip_hash_but_not_in_the_dir_hash(
    go_bin: Path, tmp_path: Path
) -> None:
    go_mod = b"module example.com/d\n\ngo 1.21\n"
    members = [
        ("example.com/d@v1.0.0/go.mod", go_mod),
        ("example.com/d@v1.0.0/sub/", b""),
        ("example.com/d@v1.0.0/sub/x.go", b"package sub\n"),
    ]
    data = _zip_bytes(members)
    zip_path = tmp_path / "d.zip"
    zip_path.write_bytes(data)
    go = _go_download(go_bin, tmp_path, "example.com/d", "v1.0.0", data, go_mod)
    assert "Error" not in go, go
    assert hash_zip(zip_path) == go["Sum"]
    assert [name for name, _ in zip_entries(zip_path)] == [name for name, _ in members]
    files_only = hash1([(name, _sha(content)) for name, content in members if not name.endswith("/")])
    assert files_only != go["Sum"]
    assert hash_dir(go["Dir"], "example.com/d@v1.0.0") == files_only


def _without_utf8_flag(data: bytes, placeholder: bytes, raw: bytes) -> bytes:
    """Replace an ASCII placeholder name by raw non-ASCII bytes, leaving the UTF-8 flag (0x800) clear."""
    assert len(placeholder) == len(raw) and data.count(placeholder) == 2  # local header + central directory
    return data.replace(placeholder, raw)


def test_name_without_utf8_flag_is_hashed_as_raw_bytes_like_go(go_bin: Path, tmp_path: Path) -> None:
    go_mod = b"module example.com/c\n"
    content = b"package c\n"
    raw = "é".encode()  # C3 A9: Python reads it as cp437 "├⌐" when the flag is clear, Go as its bytes
    placeholder = b"e_"
    data = _without_utf8_flag(
        _zip_bytes(
            [
                ("example.com/c@v1.0.0/go.mod", go_mod),
                ("example.com/c@v1.0.0/" + placeholder.decode() + ".go", content),
            ]
        ),
        b"/" + placeholder + b".go",
        b"/" + raw + b".go",
    )
    zip_path = tmp_path / "c.zip"
    zip_path.write_bytes(data)
    with zipfile.ZipFile(zip_path) as archive:
        assert not any(info.flag_bits & 0x800 for info in archive.infolist())
        assert "example.com/c@v1.0.0/├⌐.go" in archive.namelist()
    flagged = _write_zip(
        tmp_path / "flagged.zip",
        [("example.com/c@v1.0.0/go.mod", go_mod), ("example.com/c@v1.0.0/é.go", content)],
    )
    with zipfile.ZipFile(flagged) as archive:
        assert archive.infolist()[1].flag_bits & 0x800
    go = _go_download(go_bin, tmp_path, "example.com/c", "v1.0.0", data, go_mod)
    assert "Error" not in go, go
    assert hash_zip(zip_path) == go["Sum"]
    assert hash_zip(flagged) == go["Sum"]
    assert "example.com/c@v1.0.0/é.go" in [name for name, _ in zip_entries(zip_path)]
    assert hash_dir(go["Dir"], "example.com/c@v1.0.0") == go["Sum"]


def test_name_not_decodable_in_utf8_keeps_its_bytes(tmp_path: Path) -> None:
    data = _without_utf8_flag(_zip_bytes([("m@v1/ab", b"x")]), b"/ab", b"/\xff\xfe")
    zip_path = tmp_path / "odd.zip"
    zip_path.write_bytes(data)
    [(name, digest)] = zip_entries(zip_path)
    assert raw_name(name) == b"m@v1/\xff\xfe"
    summary = f"{_sha(b'x')}  ".encode() + b"m@v1/\xff\xfe\n"
    assert hash_zip(zip_path) == "h1:" + base64.b64encode(hashlib.sha256(summary).digest()).decode()


def test_name_flagged_utf8_but_not_utf8_is_an_input_error(tmp_path: Path) -> None:
    data = _zip_bytes([("m@v1/é", b"x")])
    assert data.count("é".encode()) == 2
    zip_path = tmp_path / "flagged-bad.zip"
    zip_path.write_bytes(data.replace("é".encode(), b"\xff\xfe"))
    with pytest.raises(InputError, match="flagged UTF-8"):
        hash_zip(zip_path)


def test_duplicate_zip_names_give_two_lines_with_the_last_content(tmp_path: Path) -> None:
    zip_path = _write_zip(tmp_path / "dup.zip", [("m@v1/a", b"first"), ("m@v1/b", b"b"), ("m@v1/a", b"last")])
    assert zip_entries(zip_path) == [
        ("m@v1/a", _sha(b"last")),
        ("m@v1/b", _sha(b"b")),
        ("m@v1/a", _sha(b"last")),
    ]
    assert hash_zip(zip_path) == hash1([("m@v1/a", _sha(b"last"))] * 2 + [("m@v1/b", _sha(b"b"))])


def test_directory_entry_declaring_content_is_refused_as_go_refuses_it(tmp_path: Path) -> None:
    zip_path = _write_zip(tmp_path / "dirdata.zip", [("m@v1/d/", b"data")])
    with pytest.raises(InputError, match="directory entry 'm@v1/d/' has content"):
        hash_zip(zip_path)


def test_corrupt_zips_are_input_errors(tmp_path: Path) -> None:
    not_zip = tmp_path / "not.zip"
    not_zip.write_bytes(b"PK\x03\x04 nonsense")
    with pytest.raises(InputError, match="not.zip: is not a readable zip file"):
        hash_zip(not_zip)
    good = _zip_bytes([("m@v1/a", b"hello hello hello")])
    assert hash_zip(_write_zip(tmp_path / "empty.zip", [])) == hash1([])
    # Flip one byte of the compressed data: the CRC check fails.
    broken = bytearray(good)
    broken[40] ^= 0xFF
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bytes(broken))
    with pytest.raises(InputError, match="bad.zip: cannot read zip entry"):
        hash_zip(bad)


# --- directories --------------------------------------------------------------------------------------


def test_hash_dir_follows_symlinks_to_files_and_includes_everything(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "sub" / ".git").mkdir(parents=True)
    (tree / "go.mod").write_bytes(b"module m\n")
    (tree / "sub" / "x.go").write_bytes(b"package sub\n")
    (tree / "sub" / ".git" / "HEAD").write_bytes(b"ref\n")
    (tree / "empty").mkdir()
    (tree / "link.go").symlink_to(tree / "sub" / "x.go")
    expected = hash1(
        [
            ("m@v1/go.mod", _sha(b"module m\n")),
            ("m@v1/sub/x.go", _sha(b"package sub\n")),
            ("m@v1/sub/.git/HEAD", _sha(b"ref\n")),
            ("m@v1/link.go", _sha(b"package sub\n")),
        ]
    )
    assert hash_dir(tree, "m@v1") == expected
    assert hash_dir(str(tree) + "/", "m@v1/") == expected
    assert sorted(name for name, _ in dir_entries(tree, "")) == [
        "go.mod",
        "link.go",
        "sub/.git/HEAD",
        "sub/x.go",
    ]


def test_hash_dir_keeps_undecodable_file_names(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (Path(os.fsdecode(bytes(tree) + b"/\xff.go"))).write_bytes(b"x")
    summary = f"{_sha(b'x')}  ".encode() + b"p/\xff.go\n"
    assert hash_dir(tree, "p") == "h1:" + base64.b64encode(hashlib.sha256(summary).digest()).decode()


def test_hash_dir_errors(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a").write_bytes(b"a")
    with pytest.raises(InputError, match="is not a directory"):
        hash_dir(tree / "a", "p")
    with pytest.raises(InputError, match="is not a directory"):
        hash_dir(tmp_path / "absent", "p")
    (tree / "dirlink").symlink_to(tmp_path)
    with pytest.raises(InputError, match="dirlink: is a symlink to a directory"):
        hash_dir(tree, "p")
    (tree / "dirlink").unlink()
    (tree / "broken").symlink_to(tmp_path / "nowhere")
    with pytest.raises(InputError, match="broken: cannot be read"):
        hash_dir(tree, "p")
    (tree / "broken").unlink()
    (Path(os.fsdecode(bytes(tree) + b"/new\nline"))).write_bytes(b"")
    with pytest.raises(InputError, match="newline"):
        hash_dir(tree, "p")
