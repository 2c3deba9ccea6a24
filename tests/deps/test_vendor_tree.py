"""The expected vendor tree equals what ``go mod vendor -o DIR`` writes (Go is the oracle).

Each scenario is a main module requiring the same published modules (build constraints,
underscore and dot files, embeds of every kind, metadata files in parent directories, a
replacement, a +incompatible and a /v2 module, nested modules) under a different go line or
CGO_ENABLED. Go vendors it once; gogate derives every module's files from its zip and the
packages vendor/modules.txt lists, and the two trees must be equal path for path and hash for
hash.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from goenv_support import hermetic_go_env, run_go

from deps.modproxy import ModuleProxy
from gogate.deps.modzip import open_module_zip
from gogate.deps.vendor_tree import VendorTreeError, expected_vendor_files

EMBED_FS = 'import "embed"\n\n'

# Build-constraint headers: go mod vendor drops the file when no tag set but "ignore" satisfies it.
HEADERS = {
    "plain": "",
    "plus_then_comment": "// +build ignore\n\n// Copyright\n\n",
    "comment_then_plus": "// Copyright\n// +build ignore\n\n",
    "plus_then_block": "// +build ignore\n/* block */\n\n",
    "not_linux": "//go:build !linux\n\n",
    "paren_ignore": "//go:build (ignore)\n\n",
    "not_paren_ignore": "//go:build !(ignore)\n\n",
    "go_build_wins": "//go:build linux\n// +build ignore\n\n",
    "go_build_wins_ignore": "// +build linux\n//go:build ignore\n\n",
    "tab": "//go:build\tignore\n\n",
    "glued": "//go:buildignore\n\n",
    "plus_spaces": "//   +build   ignore\n\n",
    "plus_double_not": "// +build !!ignore\n\n",
    "plus_bare_not": "// +build !\n\n",
    "plus_bad_tag": "// +build foo-bar\n\n",
    "plus_or": "// +build ignore,linux linux\n\n",
    "plus_two_lines": "// +build linux\n// +build ignore\n\n",
    "in_block_comment": "/*\n//go:build ignore\n*/\n\n",
    "unicode_tag": "//go:build ünïcode\n\n",
    "plus_unicode_tag": "// +build ignoré\n\n",
    "indented": "   //go:build ignore\n\n",
    "trailing_space": "//go:build ignore   \n\n",
    "and_not": "//go:build linux && !ignore\n\n",
}
EXPECTED_HEADER_DROPS = {
    "plus_then_comment",
    "comment_then_plus",
    "paren_ignore",
    "go_build_wins_ignore",
    "tab",
    "plus_spaces",
    "plus_double_not",
    "plus_bare_not",
    "plus_bad_tag",
    "plus_two_lines",
    "indented",
    "trailing_space",
}

MODULE_A = {
    "go.mod": "module example.com/a\n\ngo 1.20\n",
    "go.sum": "example.com/unrelated v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
    "LICENSE": "license of a\n",
    "COPYING.md": "copying\n",
    "README.md": "readme\n",
    "a.go": f"package a\n\n{EMBED_FS}//go:embed data/*.txt\nvar data embed.FS\n",
    "a_test.go": f"package a\n\n{EMBED_FS}//go:embed testdata/t.txt\nvar testData embed.FS\n",
    "x_test.go": f"package a_test\n\n{EMBED_FS}//go:embed testdata/x.txt\nvar xData embed.FS\n",
    "x_windows.go": "package a\n",
    "linux.go": "//go:build linux\n\npackage a\n",
    "impossible.go": "//go:build linux && !linux\n\npackage a\n",
    "notignore.go": "//go:build !ignore\n\npackage a\n",
    "ignored.go": "//go:build ignore\n\npackage a\n",
    "ignoredand.go": "//go:build linux && ignore\n\npackage a\n",
    "ignoredor.go": "//go:build ignore || linux\n\npackage a\n",
    "plusignored.go": "// +build ignore\n\npackage a\n",
    "plusmixed.go": "// +build linux,ignore darwin\n\npackage a\n",
    "plusnoblank.go": "// +build ignore\npackage a\n",
    "afterpackage.go": "package a\n\n//go:build ignore\n",
    "blockcomment.go": "/* header */\n//go:build ignore\n\npackage a\n",
    "crlf.go": "//go:build ignore\r\n\r\npackage a\r\n",
    "bom.go": "\ufeff//go:build ignore\n\npackage a\n",
    "_under.go": "package a\n",
    ".dot.go": "package a\n",
    "_ignored_under.go": "//go:build ignore\n\npackage a\n",
    "notes.txt": "notes\n",
    "data/one.txt": "1\n",
    "data/two.txt": "2\n",
    "data/.hidden.txt": "hidden\n",
    "data/_under.txt": "under\n",
    "data/notes.md": "md\n",
    "data/sub/three.txt": "3\n",
    "testdata/t.txt": "t\n",
    "testdata/x.txt": "x\n",
    "testdata/other.txt": "o\n",
    "mid/NOTICE": "notice\n",
    "mid/LICENSE.txt": "mid licence\n",
    "mid/mid.go": "package mid\n",
    "mid/inner/inner.go": "package inner\n",
    "mid/inner/README": "inner readme\n",
    "emb/emb.go": (
        f"package emb\n\n{EMBED_FS}//go:embed static\nvar static embed.FS\n\n"
        "//go:embed all:allstatic\nvar everything embed.FS\n\n"
        '//go:embed "quoted name.txt" `raw.txt`\nvar quoted embed.FS\n\n'
        "//go:embed pattern/[ab].txt pattern/?.md\nvar matched embed.FS\n\n"
        'var s = "//go:embed notembedded/z.txt"\n'
    ),
    "emb/static/index.html": "<html>\n",
    "emb/static/.hidden": "h\n",
    "emb/static/_under": "u\n",
    "emb/static/sub/deep.txt": "deep\n",
    "emb/static/.hiddendir/x.txt": "x\n",
    "emb/allstatic/.hidden": "h\n",
    "emb/allstatic/_under": "u\n",
    "emb/allstatic/v.txt": "v\n",
    "emb/allstatic/.hd/y.txt": "y\n",
    "emb/quoted name.txt": "q\n",
    "emb/raw.txt": "r\n",
    "emb/pattern/a.txt": "a\n",
    "emb/pattern/b.txt": "b\n",
    "emb/pattern/c.txt": "c\n",
    "emb/pattern/d.md": "d\n",
    "emb/notembedded/z.txt": "z\n",
    "ign/ign.go": "package ign\n",
    "ign/tool.go": (
        '//go:build ignore\n\npackage main\n\nimport _ "embed"\n\n//go:embed tooldir/tool.txt\nvar s string\n'
    ),
    "ign/tooldir/tool.txt": "tool\n",
    "multi/multi.go": f"package multi\n\n{EMBED_FS}//go:embed multidir\nvar d embed.FS\n",
    "multi/multi_windows.go": "package other\n",
    "multi/multidir/m.txt": "m\n",
    "cg/plain.go": "package cg\n",
    "cg/cg.go": f'package cg\n\nimport "C"\n\n{EMBED_FS}//go:embed cgodir\nvar d embed.FS\n',
    "cg/cgodir/c.txt": "c\n",
    "tst/tst.go": "package tst\n",
    "tst/tst_test.go": f"package tst\n\n{EMBED_FS}//go:embed tstdata\nvar d embed.FS\n",
    "tst/tstdata/t.txt": "t\n",
    "nested/x.go": "package nested\n",
    "_embedder.go": f"package a\n\n{EMBED_FS}//go:embed skipdir\nvar s embed.FS\n",
    "skipdir/s.txt": "s\n",
    "doc.go": f"package documentation\n\n{EMBED_FS}//go:embed docdir\nvar d embed.FS\n",
    "docdir/d.txt": "d\n",
    "embed_lines.go": (
        f"package a\n\n{EMBED_FS}//go:embed lines/1.txt\n//go:embed  lines/2.txt\t lines/[^2].md\n"
        '//go:embedlines/3.txt\n//go:embed "lines/bad\\q.txt"\nvar lines embed.FS\n'
    ),
    "lines/1.txt": "1\n",
    "lines/2.txt": "2\n",
    "lines/3.txt": "3\n",
    "lines/1.md": "1\n",
    "lines/2.md": "2\n",
    **{f"hdr/{name}.go": f"{header}package hdr\n" for name, header in HEADERS.items()},
}

A_PACKAGES = ["", "/mid/inner", "/emb", "/ign", "/multi", "/cg", "/tst", "/hdr"]


def _publish(proxy: ModuleProxy) -> None:
    proxy.add("example.com/a", "v1.0.0", MODULE_A)
    proxy.add("example.com/b", "v1.0.0", {"b.go": "package b\n", "sub/s.go": "package sub\n"})
    proxy.add(
        "example.com/bfork",
        "v1.1.0",
        {
            "go.mod": "module example.com/b\n",
            "b.go": "package b\n\n// the fork\n",
            "LICENSE": "fork licence\n",
            "sub/s.go": "package sub\n",
            "sub/AUTHORS": "fork authors\n",
        },
    )
    proxy.add("example.com/c", "v2.0.0+incompatible", {"c.go": "package c\n", "COPYRIGHT": "c\n"})
    _drop_go_mod_from_zip(proxy, "example.com/c", "v2.0.0+incompatible")
    proxy.add(
        "example.com/d/v2",
        "v2.0.1",
        {"d.go": "package d\n", "LICENSE": "d\n", "sub/sub.go": "package sub\n", "sub/LEGAL": "legal\n"},
    )
    proxy.add("example.com/e", "v1.0.0", {"e.go": "package e\n", "LICENSE": "e\n", "PATENTS": "p\n"})
    proxy.add("example.com/e/sub", "v1.0.0", {"sub.go": "package sub\n", "NOTICE": "n\n"})
    proxy.add(
        "example.com/f",
        "v1.0.0",
        {"f.go": f"package f\n\n{EMBED_FS}//go:embed missing.txt\nvar d embed.FS\n"},
    )


def _drop_go_mod_from_zip(proxy: ModuleProxy, path: str, version: str) -> None:
    """A +incompatible module has no go.mod in its zip (the proxy synthesizes the .mod file)."""
    target = proxy.zip_path(path, version)
    with zipfile.ZipFile(target) as old:
        kept = [
            (info.filename, old.read(info))
            for info in old.infolist()
            if not info.filename.endswith("/go.mod")
        ]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in kept:
            new.writestr(name, data)


MAIN_IMPORTS = [
    *(f"example.com/a{suffix}" for suffix in A_PACKAGES),
    "example.com/b",
    "example.com/b/sub",
    "example.com/c",
    "example.com/d/v2",
    "example.com/d/v2/sub",
    "example.com/e",
    "example.com/e/sub",
]


@dataclass
class Scenario:
    name: str
    go_line: str | None
    cgo: bool = False
    imports: list[str] = field(default_factory=lambda: list(MAIN_IMPORTS))


SCENARIOS = [
    Scenario("go1.22", "1.22"),
    Scenario("go1.27-cgo", "1.27", cgo=True),
    Scenario("go1.21", "1.21"),
    Scenario("go1.17", "1.17"),
    Scenario("go1.16", "1.16"),
]


@dataclass
class Vendored:
    actual: dict[str, str]
    modules: dict[tuple[str, str, str], list[str]]
    """(module path, zip path, zip version) -> packages listed in modules.txt."""


def _sha256_tree(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file() and path.relative_to(root).as_posix() != "modules.txt"
    }


def _modules_txt(text: str) -> dict[tuple[str, str, str], list[str]]:
    modules: dict[tuple[str, str, str], list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            continue
        if line.startswith("# "):
            fields = line[2:].split()
            if len(fields) >= 2 and fields[1] != "=>":
                source = (fields[3], fields[4]) if len(fields) == 5 else (fields[0], fields[1])
                current = modules.setdefault((fields[0], *source), [])
            else:
                current = None
        elif current is not None and line:
            current.append(line)
    return modules


def _main_module(directory: Path, scenario: Scenario) -> None:
    directory.mkdir(parents=True)
    go_line = f"\ngo {scenario.go_line}\n" if scenario.go_line else ""
    (directory / "go.mod").write_text(
        f"module example.com/main\n{go_line}\nreplace example.com/b => example.com/bfork v1.1.0\n"
    )
    imports = "".join(f'\t_ "{path}"\n' for path in scenario.imports)
    (directory / "main.go").write_text(f"package main\n\nimport (\n{imports})\n\nfunc main() {{}}\n")


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> ModuleProxy:
    published = ModuleProxy(tmp_path_factory.mktemp("vendor-proxy"))
    _publish(published)
    return published


@pytest.fixture(scope="module")
def vendored(
    proxy: ModuleProxy, tmp_path_factory: pytest.TempPathFactory, go_bin: Path, go_gocache: Path
) -> dict[str, Vendored]:
    """Every scenario vendored once by Go: the tree it wrote and what modules.txt lists."""
    root = tmp_path_factory.mktemp("vendor-scenarios")
    home = root / "gohome"  # one module cache for all scenarios
    results: dict[str, Vendored] = {}
    for scenario in SCENARIOS:
        main = root / scenario.name / "main"
        _main_module(main, scenario)
        env = hermetic_go_env(
            home,
            gocache=go_gocache,
            GOPROXY=proxy.url,
            GOFLAGS="-modcacherw -mod=mod",
            CGO_ENABLED="1" if scenario.cgo else "0",
        )
        tidy = run_go(go_bin, ["mod", "tidy"], cwd=main, env=env)
        assert tidy.returncode == 0, tidy.stderr
        out = root / scenario.name / "vendor"
        done = run_go(
            go_bin, ["mod", "vendor", "-o", str(out)], cwd=main, env={**env, "GOFLAGS": "-modcacherw"}
        )
        assert done.returncode == 0, done.stderr
        assert not (main / "vendor").exists()
        modules = _modules_txt((out / "modules.txt").read_text())
        results[scenario.name] = Vendored(_sha256_tree(out), modules)
    return results


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_expected_tree_equals_go_mod_vendor(
    scenario: Scenario, vendored: dict[str, Vendored], proxy: ModuleProxy
) -> None:
    result = vendored[scenario.name]
    assert len(result.modules) == 6, result.modules  # a, b (replaced), c, d/v2, e, e/sub
    expected: dict[str, str] = {}
    for (module_path, zip_module, version), packages in sorted(result.modules.items()):
        with open_module_zip(proxy.zip_path(zip_module, version), zip_module, version) as module_zip:
            files = expected_vendor_files(
                module_zip, module_path, packages, scenario.go_line, cgo_enabled=scenario.cgo
            )
        overlap = set(files) & set(expected)
        assert not overlap
        expected.update(files)
    missing = sorted(set(result.actual) - set(expected))
    extra = sorted(set(expected) - set(result.actual))
    assert (missing, extra) == ([], [])
    assert expected == result.actual


def test_scenarios_exercise_the_rules(vendored: dict[str, Vendored]) -> None:
    """The oracle tree itself shows each behaviour the table is meant to cover (so it cannot go stale)."""
    go122, go121, go116 = vendored["go1.22"].actual, vendored["go1.21"].actual, vendored["go1.16"].actual
    cgo = vendored["go1.27-cgo"].actual
    a = "example.com/a/"
    for kept in [
        "linux.go",
        "x_windows.go",
        "impossible.go",
        "_under.go",
        ".dot.go",
        "plusnoblank.go",
        "LICENSE",
    ]:
        assert a + kept in go122
    for dropped in ["ignored.go", "plusignored.go", "a_test.go", "go.mod", "go.sum", "_ignored_under.go"]:
        assert a + dropped not in go122
    assert a + "go.mod" in go116 and a + "go.sum" in go116
    assert a + "testdata/t.txt" in go121 and a + "testdata/t.txt" not in go122
    assert a + "mid/NOTICE" in go122 and a + "mid/mid.go" not in go122
    assert a + "emb/static/sub/deep.txt" in go122 and a + "emb/static/.hidden" not in go122
    assert a + "emb/allstatic/.hd/y.txt" in go122
    assert a + "cg/cgodir/c.txt" in cgo and a + "cg/cgodir/c.txt" not in go122
    assert a + "ign/tooldir/tool.txt" in go122  # embedded by a file tagged ignore
    assert a + "data/.hidden.txt" in go122  # a glob matches dot files, a directory walk does not
    assert a + "skipdir/s.txt" not in go122 and a + "docdir/d.txt" not in go122  # files go/build skips
    assert {p for p in go122 if p.startswith(a + "lines/")} == {
        a + f"lines/{n}" for n in ["1.txt", "2.txt", "1.md"]
    }
    for dropped in ["crlf.go", "bom.go", "blockcomment.go"]:
        assert a + dropped not in go122
    dropped_headers = {name for name in HEADERS if f"{a}hdr/{name}.go" not in go122}
    assert dropped_headers == EXPECTED_HEADER_DROPS
    assert "example.com/b/LICENSE" in go122
    assert "example.com/e/sub/NOTICE" in go122


def test_go_mod_vendor_failure_is_reported(
    proxy: ModuleProxy, tmp_path: Path, go_bin: Path, go_gocache: Path
) -> None:
    """An embed pattern that matches nothing: Go cannot vendor the module, gogate says so."""
    scenario = Scenario("broken", "1.22", imports=["example.com/f"])
    main = tmp_path / "main"
    _main_module(main, scenario)
    env = hermetic_go_env(
        tmp_path / "gohome", gocache=go_gocache, GOPROXY=proxy.url, GOFLAGS="-modcacherw -mod=mod"
    )
    assert run_go(go_bin, ["mod", "tidy"], cwd=main, env=env).returncode == 0
    done = run_go(go_bin, ["mod", "vendor", "-o", str(tmp_path / "out")], cwd=main, env=env)
    assert done.returncode != 0
    assert "no matching files found" in done.stderr
    zip_path = proxy.zip_path("example.com/f", "v1.0.0")
    with (
        open_module_zip(zip_path, "example.com/f", "v1.0.0") as module_zip,
        pytest.raises(VendorTreeError, match="no matching files found") as raised,
    ):
        expected_vendor_files(module_zip, "example.com/f", ["example.com/f"], "1.22")
    assert raised.value.package == "example.com/f"


def test_plain_mapping_input_and_errors() -> None:
    files = {
        "go.mod": b"module example.com/m\n",
        "m.go": b"package m\n",
        "sub/LICENSE": b"l",
        "sub/x/x.go": b"package x\n",
    }
    tree = expected_vendor_files(files, "example.com/m", ["example.com/m", "example.com/m/sub/x"], None)
    assert set(tree) == {
        "example.com/m/go.mod",
        "example.com/m/m.go",
        "example.com/m/sub/LICENSE",
        "example.com/m/sub/x/x.go",
    }
    assert tree["example.com/m/m.go"] == hashlib.sha256(b"package m\n").hexdigest()
    with pytest.raises(ValueError, match="not in module"):
        expected_vendor_files(files, "example.com/m", ["example.com/other"], "1.22")
    with pytest.raises(VendorTreeError, match="no directory"):
        expected_vendor_files(files, "example.com/m", ["example.com/m/missing"], "1.22")
