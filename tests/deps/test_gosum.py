"""gogate.deps.gosum against the go command, on a go.sum written by Go itself.

A module-scoped fixture publishes modules through a file:// GOPROXY (``+incompatible``, a
pseudo-version, ``/v2`` and gopkg.in paths, a prerelease, an upper-case path, ``v1.9.0`` next to
``v1.10.0`` and a go.mod-only dependency) and lets ``go mod tidy`` write go.sum. Then:

* :func:`format_gosum` must reproduce that file byte for byte (Go's order and form);
* malformed variants go to ``go build`` (offline, module cache filled): where Go exits with
  ``go.sum:N: wrong number of fields K``, gogate raises at line N with the same K; where Go
  builds, gogate parses and records the expected problems at the expected lines.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from goenv_support import hermetic_go_env, run_go

from deps.modproxy import ModuleProxy
from gogate.deps import semver
from gogate.deps.gosum import (
    EMPTY_GOMOD_HASH,
    conflicts,
    format_gosum,
    parse_gosum,
    read_gosum,
    sort_key,
)
from gogate.deps.model import SumLine
from gogate.deps.modpath import check_path
from gogate.errors import InputError


def _package(name: str) -> dict[str, str]:
    return {f"{name}.go": f"package {name}\n"}


REQUIRES = [
    ("example.com/Zeta", "v1.0.0"),
    ("example.com/a", "v1.0.0"),
    ("example.com/alpha", "v1.0.0-rc.1"),
    ("example.com/lib", "v1.10.0"),
    ("example.com/lib/v2", "v2.1.0"),
    ("example.com/old", "v2.0.0+incompatible"),
    ("example.com/pseudo", "v0.0.0-20240101000000-abcdefabcdef"),
    ("gopkg.in/check.v1", "v1.0.0"),
]


@dataclass(frozen=True)
class Tidied:
    main: Path
    env: dict[str, str]
    """Offline: GOPROXY=off, the module cache filled by tidy."""
    gosum: bytes


@pytest.fixture(scope="module")
def tidied(go_bin: Path, tmp_path_factory: pytest.TempPathFactory, go_gocache: Path) -> Tidied:
    base = tmp_path_factory.mktemp("gosum")
    proxy = ModuleProxy(base / "proxy")
    proxy.add("example.com/lib", "v1.9.0", _package("lib"))
    proxy.add("example.com/lib", "v1.10.0", _package("lib"))
    proxy.add("example.com/unused", "v1.0.0", _package("unused"))
    # A go 1.16 module: its requirements are not pruned, so their go.mod sums are kept.
    proxy.add(
        "example.com/a",
        "v1.0.0",
        {
            "go.mod": "module example.com/a\n\ngo 1.16\n\nrequire (\n\texample.com/lib v1.9.0\n"
            "\texample.com/unused v1.0.0\n)\n",
            "a.go": 'package a\n\nimport _ "example.com/lib"\n',
        },
    )
    proxy.add("example.com/lib/v2", "v2.1.0", {"go.mod": "module example.com/lib/v2\n", **_package("lib")})
    proxy.add("example.com/Zeta", "v1.0.0", _package("zeta"))
    proxy.add("example.com/alpha", "v1.0.0-rc.1", _package("alpha"))
    proxy.add("example.com/old", "v2.0.0+incompatible", _package("old"))
    proxy.add("example.com/pseudo", "v0.0.0-20240101000000-abcdefabcdef", _package("pseudo"))
    proxy.add("gopkg.in/check.v1", "v1.0.0", _package("check"))
    main = base / "main"
    main.mkdir()
    requires = "".join(f"\t{path} {version}\n" for path, version in REQUIRES)
    (main / "go.mod").write_text(f"module example.com/main\n\ngo 1.22\n\nrequire (\n{requires})\n")
    imports = "".join(f'\t_ "{path}"\n' for path, _ in REQUIRES)
    (main / "main.go").write_text(f"package main\n\nimport (\n{imports})\n\nfunc main() {{}}\n")
    home = base / "home"
    online = hermetic_go_env(
        home, gocache=go_gocache, GOPROXY=proxy.url, GOFLAGS="-mod=mod -modcacherw", GOSUMDB="off"
    )
    result = run_go(go_bin, ["mod", "tidy"], cwd=main, env=online)
    assert result.returncode == 0, result.stderr
    offline = hermetic_go_env(home, gocache=go_gocache)
    built = run_go(go_bin, ["build", "./..."], cwd=main, env=offline)
    assert built.returncode == 0, built.stderr
    return Tidied(main, offline, (main / "go.sum").read_bytes())


# --- Go's own go.sum, formatted back ----------------------------------------------------------


def test_format_reproduces_the_go_sum_go_wrote(tidied: Tidied) -> None:
    text = tidied.gosum.decode()
    # The fixture exercises what it claims (so the byte comparison means something).
    for needle in (
        "example.com/lib v1.9.0/go.mod h1:",
        "example.com/unused v1.0.0/go.mod h1:",
        "example.com/old v2.0.0+incompatible h1:",
        "example.com/pseudo v0.0.0-20240101000000-abcdefabcdef h1:",
        "example.com/lib/v2 v2.1.0 h1:",
        "gopkg.in/check.v1 v1.0.0 h1:",
    ):
        assert needle in text
    assert text.index("example.com/lib v1.9.0/") < text.index("example.com/lib v1.10.0 ")
    assert text.index("example.com/Zeta") < text.index("example.com/a ")
    gosum = parse_gosum(tidied.gosum, "go.sum")
    assert gosum.problems == ()
    assert conflicts(gosum) == []
    assert len(gosum.lines) == text.count("\n")
    assert format_gosum(gosum.lines) == tidied.gosum


def test_format_sorts_and_deduplicates_like_go(tidied: Tidied) -> None:
    lines = parse_gosum(tidied.gosum, "go.sum").lines
    shuffled = tuple(reversed(lines)) + lines[:3]
    assert format_gosum(shuffled) == tidied.gosum


def test_go_rewrites_a_messy_file_as_format_gosum_does(go_bin: Path, tidied: Tidied, tmp_path: Path) -> None:
    """Go rewrites go.sum in its own form only when it must change it; the form is format_gosum's.

    A complete but messy go.sum (CRLF, blank line, reordered, duplicated, tabs) is left as it is
    by `go mod tidy`, yet `go mod tidy -diff` reports it. With one line missing, tidy rewrites it.
    """
    lines = tidied.gosum.decode().splitlines()
    messy_lines = ["", *reversed(lines), lines[0].replace(" ", "\t  "), lines[1]]
    env = {**tidied.env, "GOFLAGS": "-mod=mod -modcacherw"}

    complete = _copy_module(tidied, tmp_path / "complete")
    messy = "\r\n".join([*messy_lines, ""]).encode()
    (complete / "go.sum").write_bytes(messy)
    assert format_gosum(parse_gosum(messy, "go.sum").lines) == tidied.gosum
    assert run_go(go_bin, ["mod", "tidy"], cwd=complete, env=env).returncode == 0
    assert (complete / "go.sum").read_bytes() == messy
    diff = run_go(go_bin, ["mod", "tidy", "-diff"], cwd=complete, env=env)
    assert diff.returncode == 1 and "go.sum" in diff.stdout

    incomplete = _copy_module(tidied, tmp_path / "incomplete")
    missing = lines[5]
    without = "\r\n".join([*(line for line in messy_lines if line != missing), ""]).encode()
    (incomplete / "go.sum").write_bytes(without)
    result = run_go(go_bin, ["mod", "tidy"], cwd=incomplete, env=env)
    assert result.returncode == 0, result.stderr
    restored = parse_gosum(without, "go.sum").lines + parse_gosum(missing.encode(), "go.sum").lines
    assert (incomplete / "go.sum").read_bytes() == format_gosum(restored) == tidied.gosum


# --- malformed and odd files against go build ---------------------------------------------------

_GOOD_H1 = "h1:" + "A" * 43 + "="


@dataclass(frozen=True)
class Case:
    name: str
    edit: Callable[[list[str]], str]
    """Builds the go.sum text from Go's lines (without their newlines)."""
    problems: tuple[tuple[int, str], ...] = ()
    """For files Go accepts: (line, words in the reason) gogate must report, exactly these lines."""


def _joined(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def _insert(at: int, *extra: str) -> Callable[[list[str]], str]:
    return lambda lines: _joined(lines[:at] + list(extra) + lines[at:])


def _replace(at: int, make: Callable[[str], str]) -> Callable[[list[str]], str]:
    return lambda lines: _joined(lines[:at] + [make(lines[at])] + lines[at + 1 :])


REJECTED = [
    Case("two-fields", _replace(2, lambda line: line.replace(" h1:", "h1:"))),
    Case("four-fields", _replace(4, lambda line: line + " extra")),
    Case("one-field", _insert(0, "example.com/x")),
    Case(
        "after-blank-lines",
        lambda lines: "\n\n" + _joined(lines[:3]) + "  \n\tbroken line\n" + _joined(lines[3:]),
    ),
    Case("last-line-without-newline", lambda lines: _joined(lines) + "example.com/x v1.0.0"),
    Case("crlf-file", lambda lines: "".join(f"{line}\r\n" for line in lines[:4]) + "a b c d\r\n"),
    # U+001F separates fields for Python's str.split, not for Go's strings.Fields.
    Case("unit-separator-is-not-space", _replace(3, lambda line: line.replace(" h1:", "\x1fh1:"))),
    # A lone 0x85 byte is invalid UTF-8, not U+0085 (which Go does treat as a space).
    Case("raw-0x85-is-not-space", lambda lines: _joined(lines).replace(" h1:", "\udc85h1:", 1)),
]

ACCEPTED = [
    Case("as-written", _joined),
    Case("non-h1-hash", _insert(3, "example.com/extra v1.0.0 h2:abc"), ((4, "not an h1: hash"),)),
    Case("bad-base64", _insert(0, "example.com/extra v1.0.0 h1:not*base64"), ((1, "not valid base64"),)),
    Case("short-digest", _insert(0, "example.com/extra v1.0.0 h1:AAAA"), ((1, "32-byte"),)),
    Case("non-canonical-version", _insert(1, f"example.com/extra v1.2 {_GOOD_H1}"), ((2, "not canonical"),)),
    Case("not-semver", _insert(1, f"example.com/extra latest/go.mod {_GOOD_H1}"), ((2, "not a semantic"),)),
    Case("bad-module-path", _insert(1, f"notapath v1.0.0 {_GOOD_H1}"), ((2, "missing dot"),)),
    Case("major-mismatch", _insert(1, f"example.com/extra/v2 v1.0.0 {_GOOD_H1}"), ((2, "should be v2"),)),
    Case("duplicate-line", lambda lines: _joined([*lines, lines[2]]), ((19, "duplicate of line 3"),)),
    Case(
        "empty-gomod-hash",
        _insert(2, f"example.com/extra v1.0.0/go.mod {EMPTY_GOMOD_HASH}"),
        ((3, "empty go.mod"),),
    ),
    Case(
        "blank-lines",
        lambda lines: "\n" + _joined(lines[:5]) + "\n \t\n" + _joined(lines[5:]),
        ((1, "blank"),),
    ),
    Case("crlf", lambda lines: "".join(f"{line}\r\n" for line in lines), ((1, "white space"),)),
    Case(
        "no-break-space-separates",
        _replace(5, lambda line: line.replace(" ", "\u00a0")),
        ((6, "white space"),),
    ),
    Case(
        "line-separator-separates",
        _replace(0, lambda line: line.replace(" ", "\u2028")),
        ((1, "white space"),),
    ),
    Case(
        "invalid-utf8-path",
        _insert(1, f"example.com/\udcff v1.0.0 {_GOOD_H1}"),
        ((2, "UTF-8"), (2, "malformed")),
    ),
    Case("wrong-second-hash", lambda lines: _joined(lines[:3] + [lines[2][:-5] + "AAAA="] + lines[3:])),
]

_GO_FIELDS_ERROR = re.compile(r"go\.sum:(\d+): wrong number of fields (\d+)")


def _copy_module(tidied: Tidied, target: Path) -> Path:
    target.mkdir(parents=True)
    for name in ("go.mod", "main.go"):
        shutil.copy(tidied.main / name, target / name)
    return target


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


@pytest.fixture(scope="module")
def built(
    go_bin: Path, tidied: Tidied, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[bytes, subprocess.CompletedProcess[str]]]:
    base = tmp_path_factory.mktemp("gosum-cases")
    lines = tidied.gosum.decode().splitlines()

    def one(case: Case) -> tuple[bytes, subprocess.CompletedProcess[str]]:
        main = _copy_module(tidied, base / case.name)
        data = _encode(case.edit(list(lines)))
        (main / "go.sum").write_bytes(data)
        return data, run_go(go_bin, ["build", "./..."], cwd=main, env=tidied.env)

    cases = REJECTED + ACCEPTED
    with ThreadPoolExecutor(max_workers=8) as pool:
        return dict(zip((c.name for c in cases), pool.map(one, cases), strict=True))


@pytest.mark.parametrize("case", REJECTED, ids=[c.name for c in REJECTED])
def test_go_refuses_where_gogate_raises(
    case: Case, built: dict[str, tuple[bytes, subprocess.CompletedProcess[str]]]
) -> None:
    data, result = built[case.name]
    assert result.returncode != 0
    match = _GO_FIELDS_ERROR.search(result.stderr)
    assert match, result.stderr
    with pytest.raises(InputError) as raised:
        parse_gosum(data, "go.sum")
    assert raised.value.line == int(match.group(1))
    assert raised.value.message == f"go.sum:{match.group(1)}: wrong number of fields {match.group(2)}"


@pytest.mark.parametrize("case", ACCEPTED, ids=[c.name for c in ACCEPTED])
def test_go_builds_where_gogate_parses(
    case: Case, built: dict[str, tuple[bytes, subprocess.CompletedProcess[str]]]
) -> None:
    data, result = built[case.name]
    assert result.returncode == 0, result.stderr
    gosum = parse_gosum(data, "go.sum")
    assert len(gosum.problems) == len(case.problems), gosum.problems
    for (line, words), (found_line, reason) in zip(case.problems, gosum.problems, strict=True):
        assert found_line == line and words in reason, gosum.problems


def test_go_checks_only_the_first_of_conflicting_hashes(
    go_bin: Path,
    tidied: Tidied,
    tmp_path: Path,
    built: dict[str, tuple[bytes, subprocess.CompletedProcess[str]]],
) -> None:
    """A wrong hash after the right one builds (case wrong-second-hash); before it, Go refuses."""
    data, _ = built["wrong-second-hash"]
    [(first, other)] = conflicts(parse_gosum(data, "go.sum"))
    assert (first.line, other.line) == (3, 4) and first.key == other.key
    lines = tidied.gosum.decode().splitlines()
    main = _copy_module(tidied, tmp_path / "m")
    swapped = _joined(lines[:2] + [lines[2][:-5] + "AAAA=", lines[2]] + lines[3:])
    (main / "go.sum").write_text(swapped)
    result = run_go(go_bin, ["build", "./..."], cwd=main, env=tidied.env)
    assert result.returncode != 0 and "checksum mismatch" in result.stderr
    [(first, other)] = conflicts(parse_gosum(swapped.encode(), "go.sum"))
    assert first.hash.endswith("AAAA=") and first.line == 3


def test_tidy_drops_a_malformed_line_instead_of_failing(go_bin: Path, tidied: Tidied, tmp_path: Path) -> None:
    """Only `go mod tidy` tolerates a wrong field count (so it can repair go.sum)."""
    main = _copy_module(tidied, tmp_path / "m")
    (main / "go.sum").write_bytes(tidied.gosum + b"broken line\n")
    result = run_go(go_bin, ["mod", "tidy", "-diff"], cwd=main, env=tidied.env)
    assert "wrong number of fields" not in result.stderr
    assert "-broken line" in result.stdout


# --- unit checks --------------------------------------------------------------------------------


def test_lines_keys_and_gomod_flag() -> None:
    gosum = parse_gosum(b"x.com/a v1.0.0 " + _GOOD_H1.encode() + b"\nx.com/a v1.0.0/go.mod h1:B\n", "go.sum")
    assert gosum.lines[0] == SumLine("x.com/a", "v1.0.0", False, _GOOD_H1, 1)
    assert gosum.lines[1].gomod and gosum.lines[1].key == ("x.com/a", "v1.0.0/go.mod")
    assert [line for line, _ in gosum.problems] == [2]


def test_sort_key_orders_versions_by_semver() -> None:
    keys = [("m", "v1.10.0"), ("m", "v1.9.0/go.mod"), ("m", "v1.9.0"), ("m", "v1.0.0-rc.1"), ("M", "v2")]
    assert sorted(keys, key=sort_key) == [
        ("M", "v2"),
        ("m", "v1.0.0-rc.1"),
        ("m", "v1.9.0"),
        ("m", "v1.9.0/go.mod"),
        ("m", "v1.10.0"),
    ]


def test_read_gosum_absent_symlink_and_size(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    assert read_gosum(repo, "go.sum") is None
    outside = tmp_path / "secret"
    outside.write_text("x.com/a v1.0.0 h1:secret\n")
    (repo / "go.sum").symlink_to(outside)
    with pytest.raises(InputError, match="outside the repository"):
        read_gosum(repo, "go.sum")
    (repo / "go.sum").unlink()
    (repo / "inside").write_bytes(b"x.com/a v1.0.0 " + _GOOD_H1.encode() + b"\n")
    (repo / "go.sum").symlink_to(repo / "inside")
    found = read_gosum(repo, "go.sum")
    assert found is not None and found.path == "go.sum" and len(found.lines) == 1
    (repo / "sub").mkdir()
    with pytest.raises(InputError, match="is a directory"):
        read_gosum(repo, "sub")


def test_read_gosum_refuses_files_beyond_the_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gogate.deps.gosum as gosum_module

    monkeypatch.setattr(gosum_module, "MAX_GOSUM_BYTES", 10)
    (tmp_path / "go.sum").write_bytes(b"x" * 11)
    with pytest.raises(InputError, match="limit 10"):
        read_gosum(tmp_path, "go.sum")


@pytest.mark.parametrize(
    ("left", "right", "order"),
    [
        ("v1.9.0", "v1.10.0", -1),
        ("v1.0.0-rc.1", "v1.0.0", -1),
        ("v1.0.0-alpha", "v1.0.0-alpha.1", -1),
        ("v1.0.0-alpha.2", "v1.0.0-alpha.11", -1),
        ("v1.0.0-11", "v1.0.0-alpha", -1),
        ("v1.2", "v1.2.0", 0),
        ("v1.0.0+meta", "v1.0.0", 0),
        ("bad", "v0.0.0", -1),
        ("bad", "worse", 0),
    ],
)
def test_semver_compare(left: str, right: str, order: int) -> None:
    assert semver.compare(left, right) == order
    assert semver.compare(right, left) == -order


@pytest.mark.parametrize(
    ("version", "canonical"),
    [
        ("v1.2", "v1.2.0"),
        ("v1", "v1.0.0"),
        ("v2.0.0+incompatible", "v2.0.0+incompatible"),
        ("v1.0.0+x", "v1.0.0"),
    ]
    + [(bad, "") for bad in ("1.0.0", "v1.2-pre", "v01.0.0", "v1.0.0-01", "v1.0.0-", "v1.2.3.4", "v1.0.0+")],
)
def test_canonical_version(version: str, canonical: str) -> None:
    assert semver.canonical_version(version) == canonical


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("example.com/m", None),
        ("github.com/Sirupsen/logrus", None),
        ("gopkg.in/yaml.v3", None),
        ("example.com/m/v2", None),
        ("example", "missing dot in first path element"),
        ("Example.com/m", "invalid char 'E' in first path element"),
        ("example.com/m/v1", "invalid version"),
        ("gopkg.in/yaml", "invalid version"),
        ("example.com//m", "double slash"),
        ("example.com/m/", "trailing slash"),
        ("-example.com", "leading dash"),
        ("example.com/.m", "leading dot in path element"),
        ("example.com/m.", "trailing dot in path element"),
        ("example.com/a b", "invalid char ' '"),
        ("example.com/com1.txt", '"com1" disallowed as path element component on Windows'),
        ("example.com/abc~1", "trailing tilde and digits in path element"),
    ],
)
def test_check_path(path: str, reason: str | None) -> None:
    found = check_path(path)
    assert found == (None if reason is None else f'malformed module path "{path}": {reason}')
