"""gogate.deps.gomod against the go command: ``edit_json`` must equal ``go mod edit -json``.

Three corpora, each file given to both gogate and the real go (1.27):

* synthetic go.mod / go.work texts exercising every directive and the subtle comment rules
  (``// indirect`` variants, retract rationales, ``Deprecated:`` paragraphs, blank lines in
  blocks), compared field by field with Go's JSON;
* malformed texts, which Go must refuse at the line where gogate raises InputError;
* (online) the real go.mod files of popular modules, fetched once from proxy.golang.org at pinned
  versions and cached on disk.

All go runs of a corpus happen in one module-scoped fixture, in parallel, to keep the file fast.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from goenv_support import cache_dir, go_error_line, hermetic_go_env, run_go, write_module

from gogate.deps.gomod import (
    directive_comment,
    edit_json,
    gomod_from_modfile,
    is_indirect,
    parse_gomod,
    parse_gowork,
    read_gomod,
    read_gowork,
)
from gogate.deps.model import GoMod, GoWork, Replace, Retract
from gogate.errors import InputError
from gogate.facts.modfile import FileKind, parse_modfile
from gogate.facts.textfile import TextFile
from gogate.sumdb.client import escape_module_path, escape_version

_M = "module example.com/m\n\ngo 1.22\n\n"

# (id, text): accepted by Go; str is written as UTF-8, bytes verbatim.
GO_MOD_CORPUS: list[tuple[str, str | bytes]] = [
    ("module-only", "module example.com/m\n"),
    ("empty-file", ""),
    ("no-module-line", "go 1.22\n\nrequire x.com/y v1.0.0\n"),
    ("go-and-toolchain", "module example.com/m\n\ngo 1.23.4\n\ntoolchain go1.24.1\n"),
    ("toolchain-default", _M + "toolchain default\n"),
    ("shorthand-versions", _M + "require (\n\tx.com/a v1.2\n\tx.com/b v1\n\tx.com/c/v3 v3\n)\n"),
    ("build-metadata-dropped", _M + "require x.com/y v1.0.0+meta.1\n"),
    (
        "incompatible-kept",
        _M + "require (\n\tx.com/y v2.0.0+incompatible\n\tx.com/z v1.0.0+incompatible\n"
        "\tx.com/w v4.1.2-pre+incompatible\n)\n",
    ),
    (
        "pseudo-versions",
        _M + "require (\n\tx.com/a v0.0.0-20240101000000-abcdefabcdef\n"
        "\tx.com/b v1.2.4-0.20240101000000-abcdefabcdef\n"
        "\tx.com/c/v2 v2.0.0-pre.0.20240101000000-abcdefabcdef\n"
        "\tx.com/d v0.0.0-20191109021931-daa7c04131f5+incompatible\n)\n",
    ),
    ("prerelease", _M + "require x.com/y v1.0.0-rc.1\n"),
    (
        "indirect-variants",
        _M + "require (\n\tx.com/a v1.0.0 // indirect\n\tx.com/b v1.0.0 //indirect\n"
        "\tx.com/c v1.0.0 // indirect; for tests\n\tx.com/d v1.0.0 // indirect for tests\n"
        "\tx.com/e v1.0.0 // indirect;\n\tx.com/f v1.0.0 // Indirect\n\tx.com/g v1.0.0 //   indirect   \n"
        "\tx.com/h v1.0.0 // indirect\t\n\tx.com/i v1.0.0 // not indirect\n\tx.com/j v1.0.0 // indirect;;x\n"
        "\tx.com/k v1.0.0 /// indirect\n)\n",
    ),
    (
        "indirect-go-unicode-space",
        _M + "require x.com/y v1.0.0 // indirect\u00a0\nrequire x.com/z v1.0.0 //\u2003indirect\n",
    ),
    # U+001F is white space to Python's str.split but not to Go's strings.Fields.
    ("indirect-python-only-space", _M + "require x.com/y v1.0.0 // indirect\x1f\n"),
    ("indirect-on-paren-line", _M + "require ( // indirect\n\tx.com/y v1.0.0\n)\n"),
    ("indirect-comment-above", _M + "require (\n\t// indirect\n\tx.com/y v1.0.0\n)\n"),
    ("indirect-top-level", _M + "require x.com/y v1.0.0 // indirect\n"),
    (
        "quoted-paths",
        'module "example.com/m"\n\ngo 1.22\n\nrequire "x.com/y" "v1.0.0"\n'
        'replace "x.com/a" => "../a b"\ntool "x.com/y/cmd/gen"\nexclude "x.com/z" "v1.1"\n',
    ),
    ("quoted-escape", 'module "example.com/\\x6d\\u00fc"\n'),
    ("exclude-forms", _M + "exclude x.com/y v1.0.0\nexclude (\n\tx.com/z v1.1\n\tx.com/z/v2 v2.0.0\n)\n"),
    (
        "replace-forms",
        _M + "replace x.com/a => ../a\nreplace x.com/b v1.0.0 => x.com/c v1.1\n"
        "replace (\n\tx.com/d => /abs/d\n\tx.com/e v1.2 => ./e\n"
        "\tx.com/f => x.com/g v0.0.0-20240101000000-abcdefabcdef\n"
        "\tx.com/h v2.0.0+incompatible => x.com/i v1.0.0\n\tx.com/j => .\n\tx.com/k => ..\n)\n",
    ),
    (
        "retract-forms",
        _M + "retract v1.0.0\nretract [v1.1.0, v1.2.0]\nretract latest\nretract v1.2\n"
        'retract "v1.3.0"\nretract [v1.4.0,v1.5.0]\nretract [v1.6.0, v1.6.0]\n',
    ),
    ("retract-rationale-suffix", _M + "retract v1.0.0 // published by mistake\n"),
    ("retract-rationale-above", _M + "// oops, broken build\nretract v1.0.0\n"),
    ("retract-rationale-above-and-suffix", _M + "// first\n//   second  \nretract v1.0.0 // third\n"),
    ("retract-comment-above-blank-line", _M + "// detached\n\nretract v1.0.0\n"),
    ("retract-block-falls-back-to-block-comment", _M + "// all broken\nretract (\n\tv1.0.0\n\tv1.1.0\n)\n"),
    (
        "retract-block-own-comments",
        _M + "// block\nretract (\n\t// one\n\tv1.0.0\n\tv1.1.0 // two\n\tv1.2.0\n"
        "\t[v1.3.0, v1.4.0] // four\n)\n",
    ),
    (
        # The klauspost/compress pattern: a blank line inside the block is kept as a comment,
        # so the directive after it does not fall back to the block's comment.
        "retract-block-blank-lines",
        _M + "// block comment\nretract (\n\t// https://example.com/1\n\tv1.18.1\n\n"
        "\t// https://example.com/2\n\tv1.14.3\n\tv1.14.2\n\n\tv1.14.1\n)\n",
    ),
    ("retract-block-blank-after-paren", _M + "// block comment\nretract (\n\n\tv1.0.0\n)\n"),
    ("retract-block-comment-on-paren", _M + "retract ( // on the paren\n\tv1.0.0\n)\n"),
    ("retract-empty-comment-lines", _M + "//\n// real\n//\nretract v1.0.0\n"),
    ("retract-odd-interval", _M + "retract [,, v1.0.0]\n"),
    ("deprecated-above", "// Deprecated: use example.com/n instead.\nmodule example.com/m\n"),
    ("deprecated-suffix", "module example.com/m // Deprecated: gone\n"),
    (
        "deprecated-paragraphs",
        "// Package m does things.\n//\n// Deprecated: use n.\n// Really.\n//\n// More text.\n"
        "module example.com/m\n",
    ),
    ("deprecated-not-paragraph-start", "// This is Deprecated: no\nmodule example.com/m\n"),
    ("deprecated-mid-paragraph", "// Intro\n// Deprecated: no, same paragraph\nmodule example.com/m\n"),
    ("deprecated-empty", "// Deprecated:\nmodule example.com/m\n"),
    ("deprecated-no-space", "// Deprecated:use n\nmodule example.com/m\n"),
    ("deprecated-lowercase", "// deprecated: use n\nmodule example.com/m\n"),
    ("deprecated-detached", "// Deprecated: detached by a blank line\n\nmodule example.com/m\n"),
    ("deprecated-two", "// Deprecated: first\n//\n// Deprecated: second\nmodule example.com/m\n"),
    ("deprecated-in-module-block", "// Deprecated: block\nmodule (\n\texample.com/m\n)\n"),
    ("deprecated-trailing-spaces", "//   Deprecated:    spaced out   \nmodule example.com/m\n"),
    ("tool-forms", _M + 'tool example.com/m/cmd/gen\ntool (\n\tx.com/y/cmd/z\n\t"x.com/w"\n)\n'),
    (
        "godebug-forms",
        _M + "godebug default=go1.21\ngodebug (\n\tpanicnil=1\n\tx=a=b\n\tempty=\n\t=v\n)\n",
    ),
    (
        "empty-keys-and-paths",
        _M + 'godebug =v\nrequire "" v1.0.0\nexclude "" v1.0.0\nreplace "" => ../x\nretract ""\n'
        'retract ["", ""]\nretract ["", v1.0.0]\ntool ""\nignore ""\nrequire x.com/y v1.0.0\n',
    ),
    ("ignore-forms", _M + 'ignore ./node_modules\nignore (\n\tthird_party\n\t"a b"\n)\n'),
    (
        "crlf",
        "// Deprecated: crlf\r\nmodule example.com/m\r\n\r\ngo 1.22\r\n\r\n"
        "require (\r\n\tx.com/y v1.0.0 // indirect\r\n"
        ")\r\nretract v1.0.0 // why\r\n",
    ),
    ("stray-carriage-returns", "// Deprecated: cr\r\r\nmodule example.com/m\nretract v1.0.0 // r\r\r\n"),
    (
        "gopkg-in",
        _M
        + "require (\n\tgopkg.in/yaml.v3 v3.0.1\n\tgopkg.in/check.v1 v0.0.0-20161208181325-20d25e280405\n)\n",
    ),
    ("major-suffix-paths", _M + "require (\n\tx.com/y/v2 v2.3.4\n\tx.com/y/v10 v10.0.0\n)\n"),
    ("several-require-blocks", _M + "require x.com/a v1.0.0\nrequire (\n\tx.com/b v1.0.0\n)\nrequire (\n)\n"),
    ("empty-blocks", _M + "require ()\nexclude ( )\nreplace (\n)\nretract (\n)\n"),
    ("unicode-rationale", _M + "retract v1.0.0 // ünïcödé ✓ 破损\n"),
    (
        "everything",
        "// Deprecated: everything\nmodule example.com/m // the module\n\ngo 1.24.0\n\ntoolchain go1.24.2\n\n"
        "godebug default=go1.21\n\nrequire (\n\tx.com/a v1.2 // indirect\n\tx.com/b/v2 v2.0.0\n)\n\n"
        "exclude x.com/a v1.1.0\n\nreplace x.com/a v1.0.0 => ../a\n\n"
        "retract (\n\t// reason\n\t[v0.1.0, v0.2.0]\n)\n\ntool x.com/b/v2/cmd/t\n\nignore ./tmp\n",
    ),
]

GO_WORK_CORPUS: list[tuple[str, str | bytes]] = [
    ("work-minimal", "go 1.23.0\n"),
    ("work-empty", ""),
    (
        "work-everything",
        "go 1.22\n\ntoolchain go1.22.5\n\ngodebug (\n\tdefault=go1.21\n\ta=b=c\n)\n\n"
        "use ./a\nuse (\n\t./b // c\n"
        '\t"./c d"\n\t../e\n\t/abs/f\n)\n\nreplace x.com/y v1.2 => ../y\nreplace x.com/z => x.com/w v1\n',
    ),
    ("work-crlf", "go 1.22\r\n\r\nuse ./a\r\nuse (\r\n\t./b\r\n)\r\n"),
    ("work-comments", "// top\ngo 1.22 // go\n\n// use\nuse . // self\n"),
    ("work-toolchain-default", "go 1.23.0\ntoolchain default\n"),
    ("work-empty-paths", 'go 1.22\nuse ""\nuse ./a\nreplace "" => ../x\ngodebug =v\n'),
]

# (id, text): Go refuses these; gogate must refuse at the same line.
MALFORMED_GO_MOD: list[tuple[str, str | bytes]] = [
    ("require-extra-token", _M + "require x.com/y v1.2.3 extra\n"),
    ("require-major-in-block", _M + "require (\n\tx.com/a v1.0.0\n\tx.com/b/v3 v2.0.0\n)\n"),
    ("exclude-major-mismatch", _M + "exclude x.com/y/v2 v1.0.0\n"),
    ("gopkg-major-mismatch", _M + "require gopkg.in/yaml.v3 v2.0.0\n"),
    ("replace-old-and-new-dir-version", _M + "replace x.com/y v1 => ../y v1.0.0\n"),
    ("replace-extra-token", _M + "replace x.com/y => x.com/z v1.0.0 extra\n"),
    ("replace-new-bad-version", _M + "replace (\n\tx.com/a => ../a\n\tx.com/y => x.com/z master\n)\n"),
    ("retract-missing-high", _M + "retract [v1.0.0, ]\n"),
    ("retract-no-comma", _M + "retract [v1.0.0 v1.1.0]\n"),
    ("retract-bad-quote", _M + 'retract "v1.0.0\\q"\n'),
    ("retract-in-block-trailing", _M + "retract (\n\tv1.0.0\n\tv1.1.0 v1.2.0\n)\n"),
    ("godebug-no-value", _M + "godebug a\n"),
    ("godebug-quoted", _M + 'godebug "a=b"\n'),
    ("godebug-comma", _M + "godebug a=b,c=d\n"),
    ("tool-no-args", _M + "tool\n"),
    ("ignore-two-args", _M + "ignore a b\n"),
    ("module-repeated-in-block", "module (\n\ta.com/x\n\tb.com/y\n)\n"),
    (
        "crlf-error-line",
        "module example.com/m\r\n\r\ngo 1.22\r\nrequire x.com/y v1.0\r\nrequire x.com/z 1.0\r\n",
    ),
    ("error-after-deprecated", "// Deprecated: x\nmodule example.com/m\n\ngo 1.22\nfoo\n"),
    ("indirect-but-bad-version", _M + "require x.com/y vX // indirect\n"),
    ("bom", b"\xef\xbb\xbfmodule example.com/m\n"),
]

MALFORMED_GO_WORK: list[tuple[str, str | bytes]] = [
    ("work-use-no-args", "go 1.22\nuse\n"),
    ("work-replace-bad", "go 1.22\nuse ./a\nreplace x.com/y => x.com/z\n"),
    ("work-exclude", "go 1.22\nexclude x.com/y v1.0.0\n"),
]


def _run_all(
    go_bin: Path, base: Path, gocache: Path, entries: list[tuple[str, FileKind, str | bytes]]
) -> dict[str, tuple[Path, subprocess.CompletedProcess[str]]]:
    env = hermetic_go_env(base / "gohome", gocache=gocache)

    def one(entry: tuple[str, FileKind, str | bytes]) -> tuple[Path, subprocess.CompletedProcess[str]]:
        name, kind, text = entry
        directory = write_module(base / name, text, name=kind.value)
        command = ["mod", "edit", "-json"] if kind is FileKind.GO_MOD else ["work", "edit", "-json"]
        return directory, run_go(go_bin, command, cwd=directory, env=env)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, entries))
    return {entry[0]: result for entry, result in zip(entries, results, strict=True)}


@pytest.fixture(scope="module")
def go_results(
    go_bin: Path, tmp_path_factory: pytest.TempPathFactory, go_gocache: Path
) -> dict[str, tuple[Path, subprocess.CompletedProcess[str]]]:
    entries = [(i, FileKind.GO_MOD, t) for i, t in GO_MOD_CORPUS + MALFORMED_GO_MOD]
    entries += [(i, FileKind.GO_WORK, t) for i, t in GO_WORK_CORPUS + MALFORMED_GO_WORK]
    assert len({name for name, _, _ in entries}) == len(entries), "corpus ids must be unique"
    return _run_all(go_bin, tmp_path_factory.mktemp("gomod-corpus"), go_gocache, entries)


def _ours(directory: Path, kind: FileKind) -> GoMod | GoWork:
    return read_gomod(directory, "go.mod") if kind is FileKind.GO_MOD else read_gowork(directory, "go.work")


def _assert_same_json(
    results: dict[str, tuple[Path, subprocess.CompletedProcess[str]]], name: str, kind: FileKind
) -> None:
    directory, result = results[name]
    assert result.returncode == 0, f"Go refuses {name}:\n{result.stderr}"
    assert edit_json(_ours(directory, kind)) == json.loads(result.stdout)


@pytest.mark.parametrize("name", [i for i, _ in GO_MOD_CORPUS])
def test_go_mod_json_equals_go_mod_edit(
    name: str, go_results: dict[str, tuple[Path, subprocess.CompletedProcess[str]]]
) -> None:
    _assert_same_json(go_results, name, FileKind.GO_MOD)


@pytest.mark.parametrize("name", [i for i, _ in GO_WORK_CORPUS])
def test_go_work_json_equals_go_work_edit(
    name: str, go_results: dict[str, tuple[Path, subprocess.CompletedProcess[str]]]
) -> None:
    _assert_same_json(go_results, name, FileKind.GO_WORK)


@pytest.mark.parametrize(
    ("name", "kind"),
    [(i, FileKind.GO_MOD) for i, _ in MALFORMED_GO_MOD]
    + [(i, FileKind.GO_WORK) for i, _ in MALFORMED_GO_WORK],
)
def test_malformed_rejected_at_go_line(
    name: str, kind: FileKind, go_results: dict[str, tuple[Path, subprocess.CompletedProcess[str]]]
) -> None:
    directory, result = go_results[name]
    assert result.returncode != 0, f"Go accepts {name}"
    go_line = go_error_line(result.stderr)
    assert go_line is not None, result.stderr
    with pytest.raises(InputError) as raised:
        _ours(directory, kind)
    assert raised.value.path == kind.value
    assert raised.value.line == go_line, f"Go:\n{result.stderr}\ngogate: {raised.value}"


# --- unit checks of the model beyond the JSON --------------------------------------------------


def _gomod(text: str) -> GoMod:
    return parse_gomod(TextFile(path="go.mod", text=text))


def test_lines_and_shapes_of_each_item() -> None:
    gomod = _gomod(
        "module example.com/m\n\ngo 1.22\ntoolchain go1.22.5\n\nrequire (\n\tx.com/a v1.2 // indirect\n)\n"
        "replace x.com/a => ../a\nreplace x.com/b v1.0.0 => x.com/c v1.1\n"
        "retract [v1.0.0, v1.1.0] // bad\ntool x.com/a/cmd\ngodebug k=v=w\nignore ./x\n"
    )
    assert (gomod.module, gomod.module_line, gomod.go_line, gomod.toolchain_line) == (
        "example.com/m",
        1,
        3,
        4,
    )
    assert [(r.path, r.version, r.indirect, r.line) for r in gomod.requires] == [
        ("x.com/a", "v1.2.0", True, 7)
    ]
    assert gomod.replaces == (
        Replace("x.com/a", None, "../a", None, 9),
        Replace("x.com/b", "v1.0.0", "x.com/c", "v1.1.0", 10),
    )
    assert gomod.replaces[0].is_directory and not gomod.replaces[1].is_directory
    assert gomod.retracts == (Retract("v1.0.0", "v1.1.0", "bad", 11),)
    assert [(t.path, t.line) for t in gomod.tools] == [("x.com/a/cmd", 12)]
    assert [(g.key, g.value, g.line) for g in gomod.godebug] == [("k", "v=w", 13)]
    assert [(i.path, i.line) for i in gomod.ignores] == [("./x", 14)]
    assert gomod.deprecated is None


def test_absent_lines_are_none() -> None:
    gomod = _gomod("")
    assert (gomod.module, gomod.module_line, gomod.go, gomod.toolchain) == (None, None, None, None)
    assert edit_json(gomod) == {"Module": {"Path": ""}}


def test_deprecated_and_block_comments_follow_x_mod() -> None:
    gomod = _gomod("// Deprecated: use n\n// instead.\nmodule example.com/m\n")
    assert gomod.deprecated == "use n\ninstead."
    parsed = parse_modfile(
        TextFile("go.mod", "// outer\nretract (\n\t// a\n\n\tv1.0.0\n\n\tv1.1.0\n\tv1.2.0\n)\n"),
        FileKind.GO_MOD,
    )
    assert [d.before for d in parsed.directives] == [("// a", ""), ("",), ()]
    assert [directive_comment(d) for d in parsed.directives] == ["a", "", "outer"]
    assert gomod_from_modfile(parsed).retracts[2].rationale == "outer"


def test_is_indirect_uses_go_white_space() -> None:
    parsed = parse_modfile(
        TextFile(
            "go.mod", "require (\n\ta.com/x v1.0.0 // indirect\x1c\n\ta.com/y v1.0.0 // indirect\u3000\n)\n"
        ),
        FileKind.GO_MOD,
    )
    assert [is_indirect(d) for d in parsed.directives] == [False, True]


def test_kind_mismatch_is_a_programming_error() -> None:
    parsed = parse_modfile(TextFile("go.work", "go 1.22\n"), FileKind.GO_WORK)
    with pytest.raises(ValueError, match="not go.mod"):
        gomod_from_modfile(parsed)


def test_go_work_model() -> None:
    gowork = parse_gowork(
        TextFile("go.work", 'go 1.22\nuse (\n\t./a\n\t"./b c"\n)\nreplace x.com/y v1 => ../y\n')
    )
    assert [(u.directory, u.line) for u in gowork.uses] == [("./a", 3), ("./b c", 4)]
    assert gowork.replaces == (Replace("x.com/y", "v1.0.0", "../y", None, 6),)


def test_crlf_accepted_and_bom_refused(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_bytes(b"module example.com/m\r\n\r\ngo 1.22\r\n")
    assert read_gomod(tmp_path, "go.mod").go == "1.22"
    (tmp_path / "go.mod").write_bytes(b"\xef\xbb\xbfmodule example.com/m\n")
    with pytest.raises(InputError) as raised:
        read_gomod(tmp_path, "go.mod")
    assert raised.value.line == 1


# --- online: real go.mod files of popular modules ---------------------------------------------

PROXY = "https://proxy.golang.org"

# Pinned versions, chosen for what their go.mod exercises (noted where notable).
POPULAR_MODULES: list[tuple[str, str]] = [
    ("github.com/stretchr/testify", "v1.12.1"),
    ("golang.org/x/net", "v0.62.0"),
    ("google.golang.org/grpc", "v1.85.0"),  # retract interval
    ("k8s.io/client-go", "v0.37.2"),
    ("github.com/prometheus/client_golang", "v1.25.0"),
    ("github.com/spf13/cobra", "v1.10.2"),
    ("github.com/gin-gonic/gin", "v1.12.0"),
    ("go.uber.org/zap", "v1.28.0"),
    ("k8s.io/kubernetes", "v1.37.2"),  # godebug, directory replacements, +incompatible
    ("github.com/hashicorp/terraform", "v1.13.3"),  # godebug, replace, tool
    ("github.com/golang/protobuf", "v1.5.4"),  # Deprecated:
    ("golang.org/x/tools", "v0.52.0"),
    ("golang.org/x/tools/gopls", "v0.24.0"),
    ("github.com/docker/docker", "v28.5.2+incompatible"),  # synthesized go.mod
    ("github.com/hashicorp/vault", "v1.21.4"),  # replace
    ("go.opentelemetry.io/otel", "v1.47.0"),  # replace
    ("github.com/golangci/golangci-lint/v2", "v2.15.0"),  # ignore
    ("tailscale.com", "v1.104.7"),  # tool
    ("github.com/cilium/cilium", "v1.20.2"),  # tool, replace
    ("go.etcd.io/etcd/server/v3", "v3.7.3"),  # toolchain, replace
    ("github.com/caddyserver/caddy/v2", "v2.11.9"),
    ("github.com/ethereum/go-ethereum", "v1.17.10"),  # tool
    ("github.com/moby/buildkit", "v0.34.2"),  # exclude block with comments, tool
    ("github.com/grpc-ecosystem/grpc-gateway/v2", "v2.33.0"),  # tool
    ("github.com/klauspost/compress", "v1.20.4"),  # retract block with blank lines
    ("gopkg.in/yaml.v3", "v3.0.1"),
    ("github.com/gohugoio/hugo", "v0.169.0"),
]


def _fetch_go_mod(client: httpx.Client, path: str, version: str, cache: Path) -> bytes:
    target = cache / f"{escape_module_path(path).replace('/', '%')}@{escape_version(version)}.mod"
    if target.is_file():
        return target.read_bytes()
    response = client.get(f"{PROXY}/{escape_module_path(path)}/@v/{escape_version(version)}.mod")
    response.raise_for_status()
    partial = target.with_suffix(".partial")
    partial.write_bytes(response.content)
    partial.replace(target)
    return response.content


@pytest.fixture(scope="module")
def popular_results(
    go_bin: Path, tmp_path_factory: pytest.TempPathFactory, go_gocache: Path
) -> Iterator[dict[str, tuple[Path, subprocess.CompletedProcess[str]]]]:
    cache = cache_dir() / "gomod-corpus"
    cache.mkdir(parents=True, exist_ok=True)
    texts: list[tuple[str, FileKind, str | bytes]] = []
    try:
        with httpx.Client(timeout=30, follow_redirects=True) as client:
            for path, version in POPULAR_MODULES:
                texts.append(
                    (f"{path}@{version}", FileKind.GO_MOD, _fetch_go_mod(client, path, version, cache))
                )
    except httpx.HTTPError as error:
        pytest.skip(f"the Go module proxy {PROXY} is unreachable: {error}")
    base = tmp_path_factory.mktemp("popular")
    entries = [(name.replace("/", "_"), kind, text) for name, kind, text in texts]
    results = _run_all(go_bin, base, go_gocache, entries)
    yield {name: results[name.replace("/", "_")] for name, _, _ in texts}


@pytest.mark.online
@pytest.mark.parametrize("module", [f"{p}@{v}" for p, v in POPULAR_MODULES])
def test_popular_go_mod_equals_go_mod_edit(
    module: str, popular_results: dict[str, tuple[Path, subprocess.CompletedProcess[str]]]
) -> None:
    _assert_same_json(popular_results, module, FileKind.GO_MOD)


@pytest.mark.online
def test_popular_corpus_covers_every_directive(
    popular_results: dict[str, tuple[Path, subprocess.CompletedProcess[str]]],
) -> None:
    """The pinned corpus must keep exercising what it was chosen for (guards edits to the list)."""
    models = [read_gomod(directory, "go.mod") for directory, _ in popular_results.values()]
    assert any(m.replaces and any(r.is_directory for r in m.replaces) for m in models)
    assert any(m.excludes for m in models)
    assert any(r.low != r.high for m in models for r in m.retracts)
    assert any(r.rationale for m in models for r in m.retracts)
    assert any(m.tools for m in models)
    assert any(m.godebug for m in models)
    assert any(m.toolchain for m in models)
    assert any(m.ignores for m in models)
    assert any(m.deprecated for m in models)
    assert any(r.version.endswith("+incompatible") for m in models for r in m.requires)
    assert any(r.indirect for m in models for r in m.requires)
