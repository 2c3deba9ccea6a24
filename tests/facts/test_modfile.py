"""gogate.facts.modfile against the go command: a corpus of go.mod/go.work texts, each given to both.

For every text, ``go mod edit -json`` (``go work edit -json``) and :func:`parse_modfile` must both
accept it or both reject it. When accepted, Go's ``Go``/``Toolchain`` fields equal gogate's; when
rejected, gogate's InputError line is the line of Go's first ``go.mod:N:`` error.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from goenv_support import go_error_line, run_go, write_module

from gogate.errors import InputError
from gogate.facts.modfile import Directive, FileKind, ModFile, parse_modfile
from gogate.facts.textfile import read_text_file

_M = "module example.com/m\n\n"

# (id, text): str is written as UTF-8, bytes verbatim.
GO_MOD_CORPUS: list[tuple[str, str | bytes]] = [
    # --- accepted by Go ---
    ("minimal", _M + "go 1.22\n"),
    ("empty-file", ""),
    ("only-comments", "// nothing here\n\n// at all"),
    ("no-go-line", "module example.com/m\n"),
    ("no-final-newline", _M + "go 1.22.5"),
    (
        "comments-everywhere",
        "// top\nmodule example.com/m // trailing\n\n// before go\ngo 1.22.5 // the go line\n"
        "\ntoolchain go1.22.7 // pinned\n// end",
    ),
    ("comment-without-space", _M + "go 1.22//no space\n"),
    ("tabs-and-trailing-blanks", "module\texample.com/m   \n\t\ngo\t1.21.0\t \n"),
    ("crlf", "module example.com/m\r\n\r\ngo 1.22.1\r\ntoolchain go1.22.3\r\n"),
    (
        "crlf-with-comments-and-block",
        "module example.com/m // c\r\n\r\nrequire (\r\n\tx.com/y v1.0.0 // indirect\r\n)\r\n",
    ),
    ("stray-carriage-return", "module example.com/m\n\ngo 1.22\r\r\n"),
    ("go-lang-only", _M + "go 1.21\n"),
    ("go-rc", _M + "go 1.21rc1\n"),
    ("go-patch-rc-matches-regexp", _M + "go 1.21.3rc1\n"),
    ("go-old", _M + "go 1.16\n"),
    ("go-future", _M + "go 1.99.0\ntoolchain go1.99.1\n"),
    ("toolchain-default", _M + "go 1.22\ntoolchain default\n"),
    ("toolchain-suffix", _M + "go 1.22\ntoolchain go1.22.5-bigcorp\n"),
    ("toolchain-go1-only", _M + "go 1.22\ntoolchain go1\n"),
    ("toolchain-before-go", "module example.com/m\ntoolchain go1.23.1\ngo 1.23.0\n"),
    ("quoted-module-path", 'module "example.com/m"\n\ngo 1.22\n'),
    ("quoted-with-escape", 'module "example.com/\\x6d"\n\ngo 1.22\n'),
    ("quoted-require", _M + 'require "x.com/y" "v1.0.0"\n'),
    (
        "require-block",
        _M + "go 1.22\n\nrequire (\n\tx.com/a v1.0.0\n\n\t// why\n\tx.com/b v1.2.3-pre.1 // indirect\n"
        "\tx.com/c/v2 v2.0.1\n\tx.com/d v2.0.0+incompatible\n\tgopkg.in/yaml.v3 v3.0.1\n\tx.com/e v1.2\n)\n",
    ),
    ("empty-block", _M + "require ()\n"),
    ("empty-block-spaced", _M + "require ( )\nexclude (\n)\n"),
    ("block-comment-after-paren", _M + "require ( // deps\n\tx.com/y v1.0.0\n) // end\n"),
    ("exclude", _M + "exclude x.com/y v1.0.0\n"),
    (
        "replace-forms",
        _M + "replace x.com/a => ../a\nreplace x.com/b v1.0.0 => x.com/c v1.1.0\n"
        "replace (\n\tx.com/d => /abs/d\n\tx.com/e v1.0.0 => ./e\n\tx.com/f => C:/f\n)\n",
    ),
    (
        "retract-forms",
        _M + "retract v1.0.0\nretract [v1.1.0, v1.2.0] // broken\n"
        "retract (\n\t// rationale\n\tv1.3.0\n\t[v1.4.0,v1.5.0]\n)\nretract latest\n",
    ),
    ("godebug", _M + "go 1.23\ngodebug default=go1.21\ngodebug (\n\tpanicnil=1\n\tasynctimerchan=0\n)\n"),
    ("tool", _M + "go 1.24\ntool example.com/m/cmd/gen\ntool (\n\tx.com/y/cmd/z\n)\n"),
    ("ignore", _M + "go 1.25\nignore ./node_modules\nignore (\n\tthird_party\n)\n"),
    ("unicode-comment", _M + "go 1.22 // ünïcödé ✓\n"),
    ("unicode-module-path", "module example.com/ü\n\ngo 1.22\n"),
    ("slash-in-ident", _M + "replace x.com/a => ./a/b/c\n"),
    ("incompatible-without-suffix", _M + "require x.com/y v3.1.0+incompatible\n"),
    ("build-metadata-dropped", _M + "require x.com/y v1.0.0+meta\n"),
    ("pseudo-version", _M + "require x.com/y v0.0.0-20240101000000-abcdefabcdef\n"),
    ("gopkg-in-v0", _M + "require gopkg.in/check.v1 v0.0.0-20161208181325-20d25e280405\n"),
    ("paren-inside-line", _M + "retract v1.0.0 // (not a block\nrequire x.com/y v1.0.0 // )\n"),
    ("indirect-with-reason", _M + "require x.com/y v1.0.0 // indirect; used by tests\n"),
    ("retract-odd-interval", _M + "retract [,, v1.0.0]\n"),
    # --- rejected by Go ---
    ("unknown-directive", _M + "go 1.22\nfoo bar\n"),
    ("unknown-directive-first", "frobnicate\n"),
    ("bom", b"\xef\xbb\xbfmodule example.com/m\n\ngo 1.22\n"),
    ("non-utf8-directive", b"module example.com/m\n\ngo 1.22\n\xff\n"),
    ("go-x", _M + "go 1.22.x\n"),
    ("go-leading-zero", _M + "go 1.022\n"),
    ("go-prefixed", _M + "go go1.22\n"),
    ("go-quoted", _M + 'go "1.22"\n'),
    ("go-no-args", _M + "go\n"),
    ("go-two-args", _M + "go 1.22 1.23\n"),
    ("go-repeated", _M + "go 1.22\n\ngo 1.22\n"),
    ("go-block", _M + "go (\n\t1.22\n)\n"),
    ("go-empty-block", _M + "go ()\n"),
    ("toolchain-bare-version", _M + "go 1.22\ntoolchain 1.22.5\n"),
    ("toolchain-go2", _M + "go 1.22\ntoolchain go2.0\n"),
    ("toolchain-repeated", _M + "toolchain go1.22.5\ntoolchain go1.22.6\n"),
    ("toolchain-two-args", _M + "toolchain go1.22.5 go1.22.6\n"),
    ("toolchain-block", _M + "toolchain (\n\tgo1.22.5\n)\n"),
    ("module-repeated", "module a.com/x\nmodule b.com/y\n"),
    ("module-two-args", "module a.com/x b\n"),
    ("module-backquoted", "module `example.com/m`\n"),
    ("module-single-quoted", "module 'example.com/m'\n"),
    ("bad-escape", 'module "example.com/\\q"\n'),
    ("single-quote-escape-in-double", 'module "example.com/\\\'"\n'),
    ("unterminated-block", _M + "go 1.22\nrequire (\n\tx.com/y v1.0.0\n"),
    ("unterminated-block-no-newline", _M + "require (\n\tx.com/y v1.0.0"),
    ("text-after-closing-paren", _M + "require (\n\tx.com/y v1.0.0\n) x\n"),
    ("stray-closing-paren", _M + "go 1.22\n)\n"),
    ("one-line-block", _M + "require ( x.com/y v1.0.0 )\n"),
    ("two-word-block", _M + "require x.com/y (\n\tv1.0.0\n)\n"),
    ("unknown-block", _M + "frob (\n\tx\n)\n"),
    ("slash-star-comment", _M + "go 1.22 /* no */\n"),
    ("slash-star-in-word", _M + "go 1.22/*x*/\n"),
    ("newline-in-string", _M + 'require "x.com/\n'),
    ("eof-in-string", _M + 'require "x.com/y'),
    ("newline-in-backquote", _M + "require `x.com/\ny` v1.0.0\n"),
    ("nbsp", _M + "go\u00a01.22\n"),
    ("control-char", _M + "go 1.22\x01\n"),
    ("require-one-arg", _M + "require x.com/y\n"),
    ("require-bad-version", _M + "require x.com/y 1.2.3\n"),
    ("require-latest", _M + "require x.com/y latest\n"),
    ("require-major-mismatch", _M + "require x.com/y/v2 v1.0.0\n"),
    ("require-v2-without-suffix", _M + "require x.com/y v2.0.0\n"),
    ("require-bad-path-major", _M + "require x.com/y/v1 v1.0.0\n"),
    ("require-bad-in-block", _M + "require (\n\tx.com/a v1.0.0\n\tx.com/b master\n)\n"),
    ("require-shorthand-prerelease", _M + "require x.com/y v1.2-pre\n"),
    ("exclude-no-version", _M + "exclude x.com/y\n"),
    ("replace-no-arrow", _M + "replace x.com/y ../y\n"),
    ("replace-module-without-version", _M + "replace x.com/y => x.com/z\n"),
    ("replace-at-version", _M + "replace x.com/y => x.com/z@v1.0.0\n"),
    ("replace-dir-with-version", _M + "replace x.com/y => ../y v1.0.0\n"),
    ("replace-windows-dir", _M + "replace x.com/y => .\\y\\..\\z\n"),
    ("retract-missing-comma", _M + "retract [v1.0.0 v1.1.0]\n"),
    ("retract-trailing-token", _M + "retract v1.0.0 extra\n"),
    ("retract-empty", _M + "retract\n"),
    ("godebug-no-equals", _M + "godebug panicnil\n"),
    ("godebug-quote", _M + "godebug 'a=b'\n"),
    ("tool-two-args", _M + "tool a b\n"),
    ("use-in-go-mod", _M + "use ./a\n"),
    ("vertical-tab", _M + "go 1.22\x0b\n"),
    ("form-feed-line", _M + "\x0c\ngo 1.22\n"),
    ("paren-first", _M + "( go 1.22\n"),
    ("bracket-in-require", _M + "require [x.com/y v1.0.0\n"),
    ("backslash-newline-in-string", _M + 'module "a\\\nb"\n'),
    ("backslash-eof-in-string", _M + 'require "a\\'),
    ("module-no-args", "module\n"),
    ("retract-interval-trailing", _M + "retract [v1.0.0, v1.1.0] extra\n"),
    ("retract-open-paren", _M + "retract ( v1.0.0\n"),
    ("require-v1-2-3-4", _M + "require x.com/y v1.2.3.4\n"),
    ("require-leading-zero", _M + "require x.com/y v1.02.3\n"),
    ("require-bad-prerelease", _M + "require x.com/y v1.2.3-01\n"),
    ("gopkg-in-without-major", _M + "require gopkg.in/yaml v1.0.0\n"),
    ("first-of-several-errors", _M + "go 1.22\ngo 1.22.x\nfoo\n)\n"),
    ("error-after-valid-block", _M + "require (\n\tx.com/y v1.0.0\n)\n\ntoolchain 1.22\n"),
]

GO_WORK_CORPUS: list[tuple[str, str | bytes]] = [
    (
        "work-valid",
        'go 1.22\n\nuse ./a\nuse (\n\t./b\n\t"./c d"\n)\ntoolchain go1.22.5\n'
        "replace x.com/y v1.0.0 => ../y\ngodebug default=go1.21\n",
    ),
    ("work-minimal", "go 1.23.0\n"),
    ("work-toolchain-default", "go 1.23.0\ntoolchain default\n"),
    ("work-crlf", "go 1.22\r\n\r\nuse ./a\r\n"),
    ("work-module", "go 1.22\nmodule x\n"),
    ("work-require", "go 1.22\nrequire x.com/y v1.0.0\n"),
    ("work-use-two-args", "go 1.22\nuse ./a ./b\n"),
    ("work-use-block-bad", "go 1.22\nuse (\n\t./a\n\t./b ./c\n)\n"),
    ("work-bad-go", "go 1.22.x\n"),
    ("work-bad-toolchain", "go 1.22\ntoolchain 1.22\n"),
    ("work-repeated-go", "go 1.22\ngo 1.23\n"),
    ("work-retract-block", "go 1.22\nretract (\n\tv1.0.0\n)\n"),
    ("work-unterminated", "go 1.22\nuse (\n"),
]


def _gogate(directory: Path, kind: FileKind) -> ModFile | InputError:
    try:
        file = read_text_file(directory, kind.value, allow_crlf=True)
        return parse_modfile(file, kind)
    except InputError as error:
        return error


def _go_first_error(stderr: str, directory: Path) -> str:
    """Go's first ``file:line[:col]: message``, relative to the module directory."""
    lines = stderr.replace(f"{directory}{os.sep}", "").splitlines()
    return next((line for line in lines if go_error_line(line) is not None), "")


def _without_location(message: str) -> str:
    return re.sub(r"^go\.(?:mod|work):\d+(?::\d+)?: ", "", message)


def _value(directive: Directive | None) -> str | None:
    return None if directive is None else directive.args[0]


def _differential(
    kind: FileKind, text: str | bytes, go_bin: Path, go_env: dict[str, str], tmp_path: Path
) -> None:
    directory = write_module(tmp_path / "m", text, name=kind.value)
    command = ["mod", "edit", "-json"] if kind is FileKind.GO_MOD else ["work", "edit", "-json"]
    result = run_go(go_bin, command, cwd=directory, env=go_env)
    ours = _gogate(directory, kind)
    if result.returncode == 0:
        assert isinstance(ours, ModFile), f"Go accepts {kind.value}, gogate says: {ours}"
        printed = json.loads(result.stdout)
        assert printed.get("Go") == _value(ours.go)
        assert printed.get("Toolchain") == _value(ours.toolchain)
        if kind is FileKind.GO_MOD:
            module = ours.first("module")
            assert ((printed.get("Module") or {}).get("Path") or None) == _value(module)
    else:
        assert isinstance(ours, InputError), f"Go rejects {kind.value}:\n{result.stderr}\ngogate accepts it"
        assert ours.path == kind.value
        go_line = go_error_line(result.stderr)
        if go_line is not None:
            assert ours.line == go_line, f"Go:\n{result.stderr}\ngogate: {ours}"
        try:
            read_text_file(directory, kind.value, allow_crlf=True)
        except InputError:
            return  # refused by gogate's text-file policy (BOM, invalid UTF-8): its own message
        # The same words as Go's first error (only the first line of multi-line usage messages).
        first = _without_location(_go_first_error(result.stderr, directory))
        assert _without_location(ours.message).splitlines()[0] == first


@pytest.mark.parametrize("text", [t for _, t in GO_MOD_CORPUS], ids=[i for i, _ in GO_MOD_CORPUS])
def test_go_mod_agrees_with_go(
    text: str | bytes, go_bin: Path, go_env: dict[str, str], tmp_path: Path
) -> None:
    _differential(FileKind.GO_MOD, text, go_bin, go_env, tmp_path)


@pytest.mark.parametrize("text", [t for _, t in GO_WORK_CORPUS], ids=[i for i, _ in GO_WORK_CORPUS])
def test_go_work_agrees_with_go(
    text: str | bytes, go_bin: Path, go_env: dict[str, str], tmp_path: Path
) -> None:
    _differential(FileKind.GO_WORK, text, go_bin, go_env, tmp_path)


def test_non_utf8_comment_is_stricter_than_go(go_bin: Path, go_env: dict[str, str], tmp_path: Path) -> None:
    """Deliberate divergence: Go reads invalid UTF-8 inside a comment; gogate refuses the file (textfile)."""
    directory = write_module(tmp_path / "m", b"module example.com/m\n\ngo 1.22 // caf\xe9\n")
    assert run_go(go_bin, ["mod", "edit", "-json"], cwd=directory, env=go_env).returncode == 0
    ours = _gogate(directory, FileKind.GO_MOD)
    assert isinstance(ours, InputError)
    assert ours.line == 3


# --- unit checks of what the differential test cannot see ---------------------------------------


def _parse(text: str, kind: FileKind = FileKind.GO_MOD) -> ModFile:
    from gogate.facts.textfile import TextFile

    return parse_modfile(TextFile(path=kind.value, text=text), kind)


def test_directives_lines_args_and_comments() -> None:
    parsed = _parse(
        'module "example.com/m" // the module\n\ngo 1.22.5\n\nrequire (\n\tx.com/y v1.0.0 // indirect\n'
        '\t"x.com/z" v1.2\n)\nretract [v1.0.0, v1.1.0] // oops\n'
    )
    assert [(d.verb, d.args, d.line) for d in parsed.directives] == [
        ("module", ("example.com/m",), 1),
        ("go", ("1.22.5",), 3),
        ("require", ("x.com/y", "v1.0.0"), 6),
        ("require", ("x.com/z", "v1.2"), 7),
        ("retract", ("[", "v1.0.0", ",", "v1.1.0", "]"), 9),
    ]
    assert parsed.first("module") is not None and parsed.first("module").comment == "// the module"  # type: ignore[union-attr]
    assert parsed.directives[2].comment == "// indirect"
    assert parsed.directives[3].tokens == ('"x.com/z"', "v1.2")
    assert parsed.go is not None and parsed.go.line == 3
    assert parsed.toolchain is None


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("module m\n\ngo 1.22.x\n", 3, "go.mod:3: invalid go version '1.22.x': must match format 1.23.0"),
        (
            "module m\ntoolchain 1.22.5\n",
            2,
            "go.mod:2: invalid toolchain version '1.22.5': must match format go1.23.0 or default",
        ),
        ("module m\ngo 1.22\ngo 1.23\n", 3, "go.mod:3: repeated go statement"),
        ("module m\nfoo\n", 2, "go.mod:2: unknown directive: foo"),
        ("module m\ngo (\n)\n", 2, "go.mod:2: unknown block type: go"),
        ("module m\nrequire (\n", 3, "go.mod:3: syntax error (unterminated block started at go.mod:2:1)"),
        ("\ufeffmodule m\n", 1, "go.mod:1: unexpected input character '\\ufeff'"),
    ],
)
def test_error_messages_follow_go(text: str, line: int, message: str) -> None:
    with pytest.raises(InputError) as raised:
        _parse(text)
    assert raised.value.line == line
    assert raised.value.message == message
