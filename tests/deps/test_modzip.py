"""Module-zip validation: gogate refuses exactly the zips the go command refuses (Go is the oracle).

Every hostile or odd zip of the table is published through a ``file://`` GOPROXY, then one
``go mod download -json`` run fetches them all; a case passes when gogate's verdict equals Go's
and, for accepted zips, ``ModuleZip.h1()`` equals the ``Sum`` Go computed.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from goenv_support import hermetic_go_env, run_go

from deps.modproxy import ModuleProxy
from gogate.deps import modzip
from gogate.deps.modzip import ModuleZipError, open_module_zip, str_to_fold

# --- a zip writer that can lie ------------------------------------------------------------------


@dataclass
class Entry:
    """One zip entry; the fields after ``data`` forge what the headers declare."""

    name: str | bytes
    data: bytes = b""
    deflate: bool = True
    declared_size: int | None = None
    crc: int | None = None
    external_attr: int = 0o100644 << 16
    utf8_flag: bool | None = None


def build_zip(entries: Sequence[Entry]) -> bytes:
    """A zip of ``entries``, written by hand so headers can contradict the data."""
    out = bytearray()
    central = bytearray()
    for entry in entries:
        raw = entry.name.encode("utf-8") if isinstance(entry.name, str) else entry.name
        flags = 0x800 if (entry.utf8_flag if entry.utf8_flag is not None else not raw.isascii()) else 0
        if entry.deflate and not raw.endswith(b"/"):
            compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            body = compressor.compress(entry.data) + compressor.flush()
            method = 8
        else:
            body, method = entry.data, 0
        crc = entry.crc if entry.crc is not None else zlib.crc32(entry.data)
        size = entry.declared_size if entry.declared_size is not None else len(entry.data)
        offset = len(out)
        sizes = (crc, len(body), size)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0, 0x21, *sizes, len(raw), 0)
        out += raw + body
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, 20, flags, method, 0, 0x21, *sizes,
            len(raw), 0, 0, 0, 0, entry.external_attr, offset,
        )  # fmt: skip
        central += raw
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(out), 0)
    return bytes(out + central + end)


# --- the differential table ---------------------------------------------------------------------

GO_MOD = b"module example.com/zc/NAME\n"


@dataclass
class Case:
    slug: str
    entries: Callable[[str], list[Entry]]
    """Entries for the prefix ``<path>@<version>/``."""
    accepted: bool
    path: str = ""
    version: str = "v1.0.0"
    files: dict[str, str] = field(default_factory=dict)

    def module_path(self) -> str:
        return self.path or f"example.com/zc/{self.slug}"


def _basic(prefix: str, *extra: Entry) -> list[Entry]:
    module = prefix.split("@", 1)[0]
    return [
        Entry(prefix + "go.mod", f"module {module}\n".encode()),
        Entry(prefix + "a.go", b"package a\n"),
        *extra,
    ]


_ZEROS_84M = bytes(84 << 20)

CASES = [
    Case(
        "plain",
        lambda p: _basic(p, Entry(p + "LICENSE", b"MIT"), Entry(p + "sub/b.go", b"package sub\n")),
        True,
    ),
    Case("stored", lambda p: [Entry(p + "go.mod", b"module example.com/zc/stored\n", deflate=False)], True),
    Case(
        "dir-entries", lambda p: [Entry(p), Entry(p + "sub/"), *_basic(p, Entry(p + "sub/b.go", b"x"))], True
    ),
    Case(
        "dir-entry-twice",
        lambda p: _basic(p, Entry(p + "sub/"), Entry(p + "sub/"), Entry(p + "sub/x", b"")),
        True,
    ),
    Case("no-go-mod", lambda p: [Entry(p + "a.go", b"package a\n")], True),
    Case("symlink-attr", lambda p: _basic(p, Entry(p + "link", b"a.go", external_attr=0o120777 << 16)), True),
    Case("dotfiles", lambda p: _basic(p, Entry(p + ".hidden", b"h"), Entry(p + ".git/config", b"c")), True),
    Case(
        "unicode", lambda p: _basic(p, Entry(p + "é/ü.go", b"package x\n"), Entry(p + "a b.txt", b"")), True
    ),
    Case("punctuation", lambda p: _basic(p, Entry(p + "!#$%&()+,-=@[]^_{}~.txt", b"")), True),
    Case("console-not-reserved", lambda p: _basic(p, Entry(p + "console.go", b"package a\n")), True),
    Case("empty-file", lambda p: _basic(p, Entry(p + "empty", b"")), True),
    Case("crc-zero-unchecked", lambda p: _basic(p, Entry(p + "x", b"data", crc=0)), True),
    Case("incompatible", lambda p: [Entry(p + "a.go", b"package a\n")], True, version="v2.0.0+incompatible"),
    Case("major-v2", lambda p: _basic(p), True, path="example.com/zc/major/v2", version="v2.1.0"),
    Case("gopkg-in", lambda p: _basic(p), True, path="gopkg.in/zc.v1", version="v1.2.3"),
    # refused
    Case("traversal", lambda p: _basic(p, Entry(p + "../x")), False),
    Case("absolute", lambda p: _basic(p, Entry("/etc/passwd", b"root")), False),
    Case("backslash", lambda p: _basic(p, Entry(p + "a\\b.go", b"package a\n")), False),
    Case("dotdot-inside", lambda p: _basic(p, Entry(p + "a/../b.go", b"package a\n")), False),
    Case("dot-element", lambda p: _basic(p, Entry(p + "./b.go", b"package a\n")), False),
    Case("double-slash", lambda p: _basic(p, Entry(p + "a//b.go", b"package a\n")), False),
    Case("dir-not-clean", lambda p: _basic(p, Entry(p + "a//")), False),
    Case("trailing-dot", lambda p: _basic(p, Entry(p + "a.", b"")), False),
    Case("colon", lambda p: _basic(p, Entry(p + "a:b.go", b"")), False),
    Case("star", lambda p: _basic(p, Entry(p + "a*.go", b"")), False),
    Case("newline", lambda p: _basic(p, Entry(p + "a\nb", b"")), False),
    Case("case-collision", lambda p: _basic(p, Entry(p + "A.go", b"package a\n")), False),
    Case("case-collision-dirs", lambda p: _basic(p, Entry(p + "X/a", b""), Entry(p + "x/b", b"")), False),
    Case(
        "kelvin-collision", lambda p: _basic(p, Entry(p + "k.txt", b""), Entry(p + "\u212a.txt", b"")), False
    ),
    Case(
        "long-s-collision", lambda p: _basic(p, Entry(p + "s.txt", b""), Entry(p + "\u017f.txt", b"")), False
    ),
    Case(
        "dotted-i-no-collision",
        lambda p: _basic(p, Entry(p + "i.txt", b""), Entry(p + "\u0130.txt", b"")),
        True,
    ),
    Case("file-and-dir", lambda p: _basic(p, Entry(p + "x", b""), Entry(p + "x/y", b"")), False),
    Case("file-and-dir-entry", lambda p: _basic(p, Entry(p + "x", b""), Entry(p + "x/")), False),
    Case("duplicate", lambda p: _basic(p, Entry(p + "a.go", b"package b\n")), False),
    Case("wrong-prefix", lambda p: _basic(p, Entry("example.com/other@v1.0.0/x.go", b"")), False),
    Case("no-slash-prefix", lambda p: _basic(p, Entry(p[:-1] + "x.go", b"")), False),
    Case("non-canonical-prefix", lambda p: [Entry(p.replace("@v1.0.0/", "@v1.0/") + "a.go", b"")], False),
    Case("go-mod-in-subdir", lambda p: _basic(p, Entry(p + "sub/go.mod", b"module x\n")), False),
    Case("go-mod-upper-root", lambda p: [Entry(p + "GO.MOD", b"module x\n"), Entry(p + "a.go", b"")], False),
    Case("go-mod-upper-subdir", lambda p: _basic(p, Entry(p + "sub/Go.Mod", b"module x\n")), False),
    Case("reserved-file", lambda p: _basic(p, Entry(p + "con.go", b"package a\n")), False),
    Case("reserved-dir", lambda p: _basic(p, Entry(p + "aux/x.go", b"package x\n")), False),
    Case("reserved-com1", lambda p: _basic(p, Entry(p + "sub/Com1.tar.gz", b"")), False),
    Case("invalid-utf8", lambda p: _basic(p, Entry(p.encode() + b"\xff.go", b"package a\n")), False),
    Case("declared-smaller-stored", lambda p: _basic(p, Entry(p + "x", b"0123456789", False, 5)), False),
    Case("declared-smaller-deflate", lambda p: _basic(p, Entry(p + "x", b"0123456789", True, 5)), False),
    Case("declared-larger", lambda p: _basic(p, Entry(p + "x", b"0123456789", True, 50)), False),
    Case("bad-crc", lambda p: _basic(p, Entry(p + "x", b"0123456789", crc=1234)), False),
    Case("go-mod-too-large", lambda p: [Entry(p + "go.mod", b"\n" * (16 << 20) + b"module x\n")], False),
    Case("license-too-large", lambda p: _basic(p, Entry(p + "LICENSE", b" " * ((16 << 20) + 1))), False),
    Case(
        "license-elsewhere-large",
        lambda p: _basic(p, Entry(p + "sub/LICENSE", b" " * ((16 << 20) + 1))),
        True,
    ),
    Case("total-too-large", lambda p: _basic(p, *[Entry(f"{p}z{i}", _ZEROS_84M) for i in range(6)]), False),
    Case("version-major-mismatch", lambda p: _basic(p), False, path="example.com/zc/mm/v2", version="v1.0.0"),
]


@dataclass
class Published:
    proxy: ModuleProxy
    results: dict[str, dict[str, Any]]
    """``go mod download -json`` object per module path."""


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, go_bin: Path, go_gocache: Path) -> Published:
    root = tmp_path_factory.mktemp("modzip")
    proxy = ModuleProxy(root / "proxy")
    for case in CASES:
        path = case.module_path()
        proxy.add(path, case.version, {"go.mod": f"module {path}\n"})
        prefix = f"{path}@{case.version}/"
        proxy.zip_path(path, case.version).write_bytes(build_zip(case.entries(prefix)))
    env = hermetic_go_env(root / "gohome", gocache=go_gocache, GOPROXY=proxy.url, GOFLAGS="-modcacherw")
    work = root / "work"
    work.mkdir()
    args = ["mod", "download", "-json", *(f"{c.module_path()}@{c.version}" for c in CASES)]
    done = run_go(go_bin, args, cwd=work, env=env)
    results: dict[str, dict[str, Any]] = {}
    decoder = json.JSONDecoder()
    text = done.stdout.strip()
    while text:
        value, end = decoder.raw_decode(text)
        results[value["Path"]] = value
        text = text[end:].strip()
    assert len(results) == len(CASES), done.stderr
    return Published(proxy, results)


@pytest.mark.parametrize("case", CASES, ids=[c.slug for c in CASES])
def test_gogate_agrees_with_go_mod_download(case: Case, published: Published) -> None:
    path = case.module_path()
    go_result = published.results[path]
    go_accepts = "Error" not in go_result
    assert go_accepts == case.accepted, f"the table is wrong about Go: {go_result.get('Error')}"
    zip_path = published.proxy.zip_path(path, case.version)
    if not case.accepted:
        with pytest.raises(ModuleZipError) as raised, open_module_zip(zip_path, path, case.version) as opened:
            opened.h1()  # content errors (sizes, CRC) surface when the entries are read
        assert raised.value.module == f"{path}@{case.version}"
        return
    with open_module_zip(zip_path, path, case.version) as opened:
        assert opened.h1() == go_result["Sum"]
        for relative in opened.files:
            opened.read(relative)


# --- API details --------------------------------------------------------------------------------


def _write(tmp_path: Path, entries: list[Entry]) -> Path:
    target = tmp_path / "m.zip"
    target.write_bytes(build_zip(entries))
    return target


def test_files_read_and_sha256(tmp_path: Path) -> None:
    prefix = "example.com/m@v1.0.0/"
    zip_path = _write(tmp_path, [Entry(prefix), Entry(prefix + "d/"), Entry(prefix + "d/x.txt", b"hello")])
    with open_module_zip(zip_path, "example.com/m", "v1.0.0") as opened:
        assert list(opened.files) == ["d/x.txt"]
        assert opened.read("d/x.txt") == b"hello"
        assert opened.sha256("d/x.txt") == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        assert opened.sha256_all() == {"d/x.txt": opened.sha256("d/x.txt")}
        assert opened.files["d/x.txt"].size == 5


def test_read_refuses_more_data_than_declared(tmp_path: Path) -> None:
    prefix = "example.com/m@v1.0.0/"
    zip_path = _write(tmp_path, [Entry(prefix + "x", b"A" * 100_000, declared_size=10)])
    with (
        open_module_zip(zip_path, "example.com/m", "v1.0.0") as opened,
        pytest.raises(ModuleZipError) as raised,
    ):
        opened.read("x")
    assert "larger than declared size (10 bytes)" in raised.value.reason
    assert raised.value.entry == prefix + "x"


def test_every_problem_is_listed_and_size_error_comes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(modzip, "MAX_ZIP_FILE", 1 << 20)
    prefix = "example.com/m@v1.0.0/"
    entries = [
        Entry(prefix + "con.go", b""),
        Entry(prefix + "big", bytes(2 << 20)),
        Entry(prefix + "a:b", b""),
    ]
    with pytest.raises(ModuleZipError) as raised:
        open_module_zip(_write(tmp_path, entries), "example.com/m", "v1.0.0")
    assert raised.value.reason.startswith("module zip file is too large") or raised.value.reason.startswith(
        "total uncompressed size"
    )
    assert "total uncompressed size of module contents too large" in raised.value.reason


def test_zip_file_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(modzip, "MAX_ZIP_FILE", 100)
    prefix = "example.com/m@v1.0.0/"
    zip_path = _write(tmp_path, [Entry(prefix + "x", b"y" * 200, deflate=False)])
    with pytest.raises(
        ModuleZipError, match=r"module zip file is too large \(\d+ bytes; limit is 100 bytes\)"
    ):
        open_module_zip(zip_path, "example.com/m", "v1.0.0")


def test_not_a_zip(tmp_path: Path) -> None:
    target = tmp_path / "m.zip"
    target.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ModuleZipError, match="not a valid zip file"):
        open_module_zip(target, "example.com/m", "v1.0.0")


@pytest.mark.parametrize(
    ("path", "version", "reason"),
    [
        ("example.com/m", "v1.0", 'version "v1.0" is not canonical (should be "v1.0.0")'),
        ("example.com/m", "1.0.0", 'version "1.0.0" is not canonical (should be "")'),
        ("example.com/m/v2", "v1.0.0", "example.com/m/v2@v1.0.0: invalid version: should be v2, not v1"),
        ("example.com/m", "v2.0.0", "example.com/m@v2.0.0: invalid version: should be v0 or v1, not v2"),
        ("example/m", "v1.0.0", 'malformed module path "example/m": missing dot in first path element'),
        (
            "Example.com/m",
            "v1.0.0",
            "malformed module path \"Example.com/m\": invalid char 'E' in first path element",
        ),
        ("example.com/m/v1", "v1.0.0", 'malformed module path "example.com/m/v1": invalid version'),
    ],
)
def test_module_and_version_are_checked_first(tmp_path: Path, path: str, version: str, reason: str) -> None:
    zip_path = _write(tmp_path, [Entry(f"{path}@{version}/x", b"")])
    with pytest.raises(ModuleZipError) as raised:
        open_module_zip(zip_path, path, version)
    assert raised.value.reason == reason


FOLD_PROGRAM = """package main

import (
	"bufio"
	"fmt"
	"os"
	"unicode"
)

// The same loop as x/mod/zip strToFold, one rune at a time.
func fold(r rune) rune {
	for {
		r0 := r
		r = unicode.SimpleFold(r0)
		if r <= r0 {
			break
		}
	}
	if 'A' <= r && r <= 'Z' {
		r += 'a' - 'A'
	}
	return r
}

func main() {
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		if f := fold(r); f != r {
			fmt.Fprintf(w, "%x %x\\n", r, f)
		}
	}
}
"""


def test_str_to_fold_matches_go_for_every_rune(tmp_path: Path, go_bin: Path, go_env: dict[str, str]) -> None:
    (tmp_path / "go.mod").write_text("module fold\n\ngo 1.21\n")
    (tmp_path / "main.go").write_text(FOLD_PROGRAM)
    done = run_go(go_bin, ["run", "."], cwd=tmp_path, env=go_env)
    assert done.returncode == 0, done.stderr
    expected = {int(r, 16): int(f, 16) for r, f in (line.split() for line in done.stdout.splitlines())}
    assert len(expected) > 1000
    mismatches = {}
    cased = {r for r in range(0x110000) if chr(r).lower() != chr(r) or chr(r).upper() != chr(r)}
    for rune in sorted(cased | set(expected) | set(modzip._NEWER_CASE_PAIRS_UPPER) | set(modzip._CASE_ORBIT)):
        if 0xD800 <= rune <= 0xDFFF:
            continue
        folded = str_to_fold("\u0100" + chr(rune))[1:]  # force the slow path, as a mixed name would
        if ord(folded) != expected.get(rune, rune):
            mismatches[hex(rune)] = (folded, expected.get(rune, rune))
    assert not mismatches
    assert str_to_fold("abc") == "abc"
    assert str_to_fold("ABC") == "abc"
    assert str_to_fold("Kelvin\u212a") == "kelvink"
