"""Go's module path patterns: path.Match and MatchPrefixPatterns, with the real go command as the oracle.

Two oracles: a tiny Go program calling the standard library's ``path.Match`` on a hand-written table
plus a few thousand generated glob/name pairs; and ``go mod download`` itself, which consults a
loopback checksum database for exactly the modules that GONOSUMDB/GOPRIVATE do not match (so the
whole of MatchPrefixPatterns, splitting and prefix cutting included, is compared with Go).
"""

from __future__ import annotations

import json
import random
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from goenv_support import hermetic_go_env, run_go
from sumdb.server import Log, SumdbServer, new_signer

from deps.modproxy import ModuleProxy
from gogate.deps.patterns import BadPatternError, match_path_glob, match_prefix_patterns
from gogate.deps.sumdb_verify import sumdb_exclusion
from gogate.sumdb.client import escape_module_path

# (pattern, name, expected): "yes", "no" or "bad" (path.ErrBadPattern).
GLOB_TABLE: list[tuple[str, str, str]] = [
    ("abc", "abc", "yes"),
    ("*", "abc", "yes"),
    ("*c", "abc", "yes"),
    ("a*", "a", "yes"),
    ("a*", "abc", "yes"),
    ("a*", "ab/c", "no"),
    ("a*/b", "abc/b", "yes"),
    ("a*/b", "a/c/b", "no"),
    ("a*b*c*d*e*/f", "axbxcxdxe/f", "yes"),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/f", "yes"),
    ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", "no"),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", "no"),
    ("a*b?c*x", "abxbbxdbxebxczzx", "yes"),
    ("a*b?c*x", "abxbbxdbxebxczzy", "no"),
    ("ab[c]", "abc", "yes"),
    ("ab[b-d]", "abc", "yes"),
    ("ab[e-g]", "abc", "no"),
    ("ab[^c]", "abc", "no"),
    ("ab[^b-d]", "abc", "no"),
    ("ab[^e-g]", "abc", "yes"),
    ("a\\*b", "a*b", "yes"),
    ("a\\*b", "ab", "no"),
    ("a?b", "a☺b", "yes"),
    ("a[^a]b", "a☺b", "yes"),
    ("a???b", "a☺b", "no"),
    ("a[^a][^a][^a]b", "a☺b", "no"),
    ("[a-ζ]*", "α", "yes"),
    ("*[a-ζ]", "A", "no"),
    ("a?b", "a/b", "no"),
    ("a*b", "a/b", "no"),
    ("[\\]a]", "]", "yes"),
    ("[\\-]", "-", "yes"),
    ("[x\\-]", "x", "yes"),
    ("[x\\-]", "-", "yes"),
    ("[x\\-]", "z", "no"),
    ("[\\-x]", "x", "yes"),
    ("[\\-x]", "-", "yes"),
    ("[\\-x]", "a", "no"),
    ("[]a]", "]", "bad"),
    ("[-]", "-", "bad"),
    ("[x-]", "x", "bad"),
    ("[x-]", "-", "bad"),
    ("[x-]", "z", "bad"),
    ("[-x]", "x", "bad"),
    ("[-x]", "-", "bad"),
    ("[-x]", "a", "bad"),
    ("\\", "a", "bad"),
    ("[a-b-c]", "a", "bad"),
    ("[", "a", "bad"),
    ("[^", "a", "bad"),
    ("[^bc", "a", "bad"),
    ("a[", "a", "bad"),
    ("a[", "ab", "bad"),
    ("a[", "x", "bad"),
    ("a/b[", "x", "bad"),
    ("*x", "xxx", "yes"),
    ("[/]", "/", "yes"),
    ("[^a]", "/", "yes"),
    ("*[", "x", "bad"),
    ("x*[", "y", "bad"),
    ("a*[", "abc", "bad"),
    ("[]", "a", "bad"),
    ("[a", "a", "bad"),
    ("a\\", "a", "bad"),
    ("**", "abc", "yes"),
    ("", "", "yes"),
    ("", "a", "no"),
]


@pytest.mark.parametrize(("pattern", "name", "expected"), GLOB_TABLE)
def test_path_match_table(pattern: str, name: str, expected: str) -> None:
    if expected == "bad":
        with pytest.raises(BadPatternError):
            match_path_glob(pattern, name)
    else:
        assert match_path_glob(pattern, name) is (expected == "yes")


# (patterns, target, expected)
PREFIX_TABLE: list[tuple[str, str, bool]] = [
    ("*", "github.com/a/b", True),
    ("*/*", "github.com/a/b", True),
    ("*/*", "github.com", False),
    ("github.com/org", "github.com/org/repo/sub", True),
    ("github.com/org", "github.com/organization/repo", False),
    ("github.com/org/", "github.com/org/repo", True),
    ("github.com/org//", "github.com/org/repo", False),
    ("*.corp.example.com", "git.corp.example.com/x", True),
    ("git.corp.example.com/*", "git.corp.example.com/team/x", True),
    ("git.corp.example.com/*", "git.corp.example.com", False),
    # Nothing is trimmed: a space is part of the glob.
    (" , golang.org/x", "golang.org/x/mod", False),
    ("golang.org/x ,rsc.io", "golang.org/x/mod", False),
    (",,golang.org/x,,", "golang.org/x/mod", True),
    # A malformed entry matches nothing, and the next one is still tried.
    ("golang.org/[,golang.org/x", "golang.org/x/mod", True),
    ("golang.org/[", "golang.org/[", False),
    ("golang.org/x\\", "golang.org/x/mod", False),
    ("golang.org/\\x", "golang.org/x/mod", True),
    ("golang.org/[wx]", "golang.org/x/mod", True),
    ("golang.org/[^x]", "golang.org/x/mod", False),
    ("GOLANG.ORG", "golang.org/x/mod", False),
    ("golang.org/x/mod/sub", "golang.org/x/mod", False),
    ("", "golang.org/x/mod", False),
    ("/", "golang.org/x/mod", False),
]


@pytest.mark.parametrize(("patterns", "target", "expected"), PREFIX_TABLE)
def test_match_prefix_patterns_table(patterns: str, target: str, expected: bool) -> None:
    assert match_prefix_patterns(patterns, target) is expected


def test_goenv_uses_the_same_matcher() -> None:
    from gogate.checks import goenv

    assert goenv.module_pattern_matches is match_prefix_patterns


# ------------------------------------------------------------------------------- Go as the oracle

# Reads "pattern<TAB>name" lines, prints one verdict letter per line: y(es), n(o), b(ad pattern).
# Only os, io and path: a cold GOCACHE builds it in a few seconds.
_GO_PATH_MATCH = """package main

import (
	"io"
	"os"
	"path"
	"strings"
)

func main() {
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		panic(err)
	}
	var verdicts []byte
	for _, line := range strings.Split(string(input), "\\n") {
		if line == "" {
			continue
		}
		pattern, name, _ := strings.Cut(line, "\\t")
		matched, err := path.Match(pattern, name)
		switch {
		case err != nil:
			verdicts = append(verdicts, 'b')
		case matched:
			verdicts = append(verdicts, 'y')
		default:
			verdicts = append(verdicts, 'n')
		}
	}
	os.Stdout.Write(verdicts)
}
"""


def _generated_pairs(count: int) -> list[tuple[str, str]]:
    rng = random.Random(20240613)
    pattern_atoms = ["a", "b", "/", "*", "?", "[", "]", "^", "-", "\\", "é", "[a-c]", "[^b]", "\\*"]
    name_atoms = ["a", "b", "c", "/", "é", "-", "*", "]", "["]
    pairs = []
    for _ in range(count):
        pattern = "".join(rng.choice(pattern_atoms) for _ in range(rng.randint(0, 7)))
        name = "".join(rng.choice(name_atoms) for _ in range(rng.randint(0, 6)))
        pairs.append((pattern, name))
    return pairs


def _ours(pattern: str, name: str) -> str:
    try:
        return "yes" if match_path_glob(pattern, name) else "no"
    except BadPatternError:
        return "bad"


def test_path_match_agrees_with_go(go_bin: Path, tmp_path: Path, go_env: dict[str, str]) -> None:
    program = tmp_path / "pathmatch" / "main.go"
    program.parent.mkdir()
    program.write_text(_GO_PATH_MATCH, encoding="utf-8")
    pairs = [(p, n) for p, n, _ in GLOB_TABLE] + _generated_pairs(3000)
    env = {**go_env, "GO111MODULE": "off", "GOFLAGS": ""}
    binary = tmp_path / "pathmatch" / "pathmatch"
    built = run_go(go_bin, ["build", "-o", str(binary), "main.go"], cwd=program.parent, env=env)
    assert built.returncode == 0, built.stderr
    result = subprocess.run(
        [str(binary)],
        input="".join(f"{pattern}\t{name}\n" for pattern, name in pairs),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    letters = {"y": "yes", "n": "no", "b": "bad"}
    go_verdicts = [letters[letter] for letter in result.stdout]
    differences = [
        (pattern, name, verdict, _ours(pattern, name))
        for (pattern, name), verdict in zip(pairs, go_verdicts, strict=True)
        if verdict != _ours(pattern, name)
    ]
    assert differences == []
    # The table's own expectations are Go's.
    assert go_verdicts[: len(GLOB_TABLE)] == [expected for _, _, expected in GLOB_TABLE]
    # The generated pairs exercise every outcome.
    assert {"yes", "no", "bad"} <= set(go_verdicts[len(GLOB_TABLE) :])


# Modules published on a file:// proxy; a loopback checksum database that knows none of them, so
# `go mod download` fails with a sumdb lookup for exactly the modules it checks.
TARGETS = [
    "example.com/a",
    "example.com/a/b",
    "example.com/ab",
    "example.com/Upper/x",
    "corp.example.com/x",
    "git.corp.example.com/team/x",
    "golang.org/x/mod",
]

# Environment variations (only what differs from the hermetic environment + loopback GOSUMDB).
SETTINGS: list[dict[str, str]] = [
    {},
    {"GONOSUMDB": "example.com"},
    {"GONOSUMDB": "example.com/"},
    {"GONOSUMDB": " example.com"},
    {"GONOSUMDB": "example.com , corp.example.com"},
    {"GONOSUMDB": "*.example.com"},
    {"GONOSUMDB": "*/a"},
    {"GONOSUMDB": "example.com/a/"},
    {"GONOSUMDB": "example.com/[ab]"},
    {"GONOSUMDB": "example.com/[^a]*"},
    {"GONOSUMDB": "example.com/[,golang.org"},
    {"GONOSUMDB": "example.com/a\\,example.com/\\ab"},
    {"GONOSUMDB": "EXAMPLE.COM,example.com/upper"},
    {"GONOSUMDB": "example.com/a/b/c,*/*/*"},
    {"GONOSUMDB": "git.corp.*/team,example.com/?"},
    {"GONOSUMDB": ",,"},
    {"GOPRIVATE": "example.com/a"},
    {"GOPRIVATE": "example.com", "GONOSUMDB": "golang.org"},
    {"GOPRIVATE": "*", "GONOSUMDB": "corp.example.com"},
    {"GONOSUMCHECK": "*", "GOFLAGS": "-modcacherw -insecure"},
    {"GOINSECURE": "*"},
]


@pytest.fixture(scope="module")
def oracle_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ModuleProxy, SumdbServer]]:
    root = tmp_path_factory.mktemp("patterns-oracle")
    proxy = ModuleProxy(root / "proxy")
    for target in TARGETS:
        proxy.add(target, "v1.0.0", {"x.go": "package x\n"})
    log = Log()
    log.add_fillers(3)
    with SumdbServer(log, new_signer()) as server:
        yield proxy, server


@pytest.mark.parametrize("overrides", SETTINGS, ids=[json.dumps(s) for s in SETTINGS])
def test_exclusions_agree_with_go(
    overrides: dict[str, str],
    oracle_world: tuple[ModuleProxy, SumdbServer],
    go_bin: Path,
    go_gocache: Path,
    tmp_path: Path,
) -> None:
    proxy, server = oracle_world
    env = hermetic_go_env(
        tmp_path / "gohome",
        gocache=go_gocache,
        GOPROXY=proxy.url,
        GOSUMDB=server.gosumdb,
        # GOPRIVATE would also send the module straight to version control (the network): not here.
        GONOPROXY="none.invalid",
        **overrides,
    )
    work = tmp_path / "work"
    work.mkdir()
    before = len(server.requests)
    result = run_go(
        go_bin, ["mod", "download", "-json", *(f"{t}@v1.0.0" for t in TARGETS)], cwd=work, env=env
    )
    asked = {path for path in server.requests[before:] if path.startswith("/lookup/")}
    decoder = json.JSONDecoder()
    records, text = [], result.stdout.strip()
    while text:
        record, end = decoder.raw_decode(text)
        records.append(record)
        text = text[end:].lstrip()
    errors = {record["Path"]: record.get("Error", "") for record in records}
    assert set(errors) == set(TARGETS), result.stderr
    for target in TARGETS:
        go_checked = f"/lookup/{escape_module_path(target)}@v1.0.0" in asked
        # Go consulted the database exactly for the modules it then failed (the database knows none).
        assert go_checked == ("verifying" in errors[target]), (target, errors[target])
        ours = sumdb_exclusion(target, {"GOSUMDB": server.gosumdb, **overrides})
        # GONOSUMCHECK is not a Go variable: gogate excludes its matches (and says so); Go does not.
        if "GONOSUMCHECK" in overrides and ours is not None:
            assert "GONOSUMCHECK" in ours and go_checked
            continue
        assert (ours is None) == go_checked, (target, ours, errors[target])
