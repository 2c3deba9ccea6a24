"""gogate's vendor verdict against ``go list -mod=vendor`` on real ``go mod vendor`` trees, tampered.

Each case edits a copy of one vendored main module (see vendor_fixture) and asserts that gogate
and Go agree: the same reasons under ``go: inconsistent vendoring``, the same later-stage errors,
the same exit status, and the finding kinds the case expects (so an oracle that says nothing
cannot make a case pass on its own).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from goenv_support import hermetic_go_env, run_go

from deps.modproxy import ModuleProxy
from deps.vendor_fixture import (
    assert_agrees,
    build_main_module,
    build_workspace,
    publish,
    vendor_package_dirs,
)
from gogate.deps.gomod import read_gomod, read_gowork
from gogate.deps.modulestxt import read_modules_txt
from gogate.deps.vendor_consistency import InconsistencyKind, VendorVerdict, check_vendor_consistency

K = InconsistencyKind


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"tamper target {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def gomod_edit(old: str, new: str) -> Callable[[Path], None]:
    return lambda tree: _edit(tree / "go.mod", old, new)


def txt_edit(old: str, new: str) -> Callable[[Path], None]:
    return lambda tree: _edit(tree / "vendor" / "modules.txt", old, new)


def both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def apply(tree: Path) -> None:
        for step in steps:
            step(tree)

    return apply


def add_vendor_package(import_path: str, *, imported: bool) -> Callable[[Path], None]:
    def apply(tree: Path) -> None:
        directory = tree / "vendor" / import_path
        directory.mkdir(parents=True)
        (directory / "x.go").write_text(f"package {import_path.rsplit('/', 1)[-1]}\n")
        if imported:
            _edit(tree / "main.go", "import (\n", f'import (\n\t_ "{import_path}"\n')

    return apply


def remove_modules_txt(tree: Path) -> None:
    (tree / "vendor" / "modules.txt").unlink()


@dataclass(frozen=True)
class Case:
    name: str
    tamper: Callable[[Path], None] | None
    kinds: frozenset[InconsistencyKind]
    go_line: str = "1.23"


def case(
    name: str, tamper: Callable[[Path], None] | None, *kinds: InconsistencyKind, go_line: str = "1.23"
) -> Case:
    return Case(name, tamper, frozenset(kinds), go_line)


A_BLOCK = "# example.com/a v1.1.0\n## explicit; go 1.21\nexample.com/a\n"
GO113 = gomod_edit("go 1.23", "go 1.13")

CASES = [
    case("untampered", None),
    case("drop-module-block", txt_edit(A_BLOCK, ""), K.NOT_MARKED_EXPLICIT, K.UNLISTED_PACKAGE),
    case("drop-explicit", txt_edit("## explicit\nexample.com/b\n", "example.com/b\n"), K.NOT_MARKED_EXPLICIT),
    case(
        "explicit-but-not-required",
        gomod_edit("require example.com/b v1.0.0 // indirect\n", ""),
        K.EXPLICIT_NOT_REQUIRED,
        K.VENDORED_NOT_REQUIRED,
    ),
    # Go checks ## explicit only on modules that provide packages.
    case(
        "stray-explicit-without-packages",
        txt_edit(A_BLOCK, A_BLOCK + "# example.com/z v1.0.0\n## explicit\n"),
    ),
    case(
        "vendored-but-not-required",
        both(
            gomod_edit("require example.com/b v1.0.0 // indirect\n", ""),
            txt_edit("## explicit\nexample.com/b\n", "example.com/b\n"),
        ),
        K.VENDORED_NOT_REQUIRED,
    ),
    case(
        "gomod-version",
        gomod_edit("example.com/a v1.1.0", "example.com/a v1.0.0"),
        K.NOT_MARKED_EXPLICIT,
        K.EXPLICIT_NOT_REQUIRED,
        K.VENDORED_NOT_REQUIRED,
    ),
    case(
        "modules-txt-version",
        txt_edit("# example.com/a v1.1.0", "# example.com/a v1.0.0"),
        K.NOT_MARKED_EXPLICIT,
        K.EXPLICIT_NOT_REQUIRED,
        K.VENDORED_NOT_REQUIRED,
    ),
    # Semver shorthand is a valid version to Go's reader but not the go.mod's canonical v1.1.0.
    case(
        "modules-txt-shorthand-version",
        txt_edit("# example.com/a v1.1.0", "# example.com/a v1.1"),
        K.NOT_MARKED_EXPLICIT,
        K.EXPLICIT_NOT_REQUIRED,
        K.VENDORED_NOT_REQUIRED,
    ),
    case(
        "gomod-drops-module-replacement",
        gomod_edit("replace example.com/c v1.0.0 => example.com/cfork v1.0.1\n", ""),
        K.REPLACED_NOT_REPLACED,
    ),
    case(
        "modules-txt-drops-module-replacement",
        txt_edit("# example.com/c v1.0.0 => example.com/cfork v1.0.1", "# example.com/c v1.0.0"),
        K.NOT_MARKED_REPLACED,
    ),
    case(
        "gomod-alters-replacement-version",
        gomod_edit("example.com/cfork v1.0.1", "example.com/cfork v1.0.2"),
        K.REPLACEMENT_DIFFERS,
    ),
    case(
        "modules-txt-alters-replacement-module",
        txt_edit("=> example.com/cfork v1.0.1", "=> example.com/cfork2 v1.0.1"),
        K.REPLACEMENT_DIFFERS,
    ),
    case(
        "gomod-versioned-to-wildcard",
        gomod_edit("replace example.com/c v1.0.0 =>", "replace example.com/c =>"),
        K.NOT_MARKED_REPLACED,
    ),
    case(
        "modules-txt-alters-wildcard-directory",
        txt_edit("# example.com/d => ./local/d\n", "# example.com/d => ./local/d2\n"),
        K.REPLACEMENT_DIFFERS,
    ),
    # The versioned line is only checked for presence: the wildcard line carries the comparison.
    case(
        "modules-txt-alters-versioned-directory",
        txt_edit("# example.com/d v0.0.0 => ./local/d\n", "# example.com/d v0.0.0 => ./local/d2\n"),
    ),
    case(
        "modules-txt-drops-unused-wildcard",
        txt_edit("# example.com/e => example.com/efork v1.2.0\n", ""),
        K.NOT_MARKED_REPLACED,
    ),
    case(
        "modules-txt-drops-unused-versioned-directory",
        txt_edit("# example.com/f v1.0.0 => ./local/f\n", ""),
        K.NOT_MARKED_REPLACED,
    ),
    case(
        "gomod-adds-replacement",
        lambda tree: (tree / "go.mod").write_text(
            (tree / "go.mod").read_text() + "replace example.com/b => ./b\n"
        ),
        K.NOT_MARKED_REPLACED,
    ),
    case(
        "modules-txt-adds-replacement",
        txt_edit("# example.com/b v1.0.0\n", "# example.com/b v1.0.0 => example.com/bfork v1.0.0\n"),
        K.REPLACED_NOT_REPLACED,
    ),
    case(
        "modules-txt-wildcard-to-other-module",
        txt_edit(
            "# example.com/e => example.com/efork v1.2.0", "# example.com/e => example.com/efork v1.3.0"
        ),
        K.REPLACEMENT_DIFFERS,
    ),
    # Go only refuses ## go versions newer than itself; any other value is accepted as written.
    case(
        "go-annotation-changed",
        txt_edit("## explicit; go 1.21\nexample.com/a", "## explicit; go 1.19\nexample.com/a"),
    ),
    case(
        "go-annotation-too-new",
        txt_edit("## explicit; go 1.21\nexample.com/a", "## explicit; go 1.99\nexample.com/a"),
        K.GO_VERSION_TOO_NEW,
    ),
    case(
        "go-annotation-dropped", txt_edit("## explicit; go 1.21\nexample.com/a", "## explicit\nexample.com/a")
    ),
    case("pre-1.14-consistent", GO113),
    case(
        "pre-1.14-version",
        both(GO113, gomod_edit("example.com/a v1.1.0", "example.com/a v1.0.0")),
        K.VERSION_MISMATCH,
        K.EXPLICIT_NOT_REQUIRED,
    ),
    case("pre-1.14-drops-explicit", both(GO113, txt_edit("## explicit\nexample.com/b\n", "example.com/b\n"))),
    case(
        "pre-1.14-drops-wildcard",
        both(GO113, txt_edit("# example.com/e => example.com/efork v1.2.0\n", "")),
    ),
    case(
        "pre-1.14-drops-used-replacement",
        both(GO113, txt_edit("# example.com/c v1.0.0 => example.com/cfork v1.0.1", "# example.com/c v1.0.0")),
        K.NOT_MARKED_REPLACED,
    ),
    case("unlisted-imported", add_vendor_package("example.com/extra", imported=True), K.UNLISTED_PACKAGE),
    case(
        "unlisted-not-imported",
        add_vendor_package("example.com/b/hidden", imported=False),
        K.UNLISTED_PACKAGE,
    ),
    case(
        "unlisted-imported-go-1.22",
        add_vendor_package("example.com/extra", imported=True),
        K.UNLISTED_PACKAGE,
        go_line="1.22",
    ),
    case(
        "missing-modules-txt",
        remove_modules_txt,
        K.NOT_MARKED_EXPLICIT,
        K.NOT_MARKED_REPLACED,
        K.UNLISTED_PACKAGE,
    ),
    case(
        "ignored-junk-lines",
        txt_edit(A_BLOCK, "# junk\n# example.com/q notaversion\nexample.com/q\n## explicit\n" + A_BLOCK),
    ),
]


@pytest.fixture(scope="module")
def toolchain_version(go_version: str) -> str:
    return go_version.removeprefix("go")


@pytest.fixture(scope="module")
def vendored_trees(
    go_bin: Path, tmp_path_factory: pytest.TempPathFactory, go_gocache: Path
) -> dict[str, Path]:
    """One pristine vendored main module per go line used by CASES (built once for the file)."""
    base = tmp_path_factory.mktemp("vendor-consistency")
    proxy = ModuleProxy(base / "proxy")
    publish(proxy)
    env = hermetic_go_env(base / "home", gocache=go_gocache, GOPROXY=proxy.url)
    trees = {}
    for go_line in sorted({c.go_line for c in CASES}):
        trees[go_line] = build_main_module(base / f"main-{go_line}", go_bin, env, go_line=go_line)
    return trees


def gogate_verdict(tree: Path, toolchain_version: str) -> VendorVerdict:
    return check_vendor_consistency(
        read_gomod(tree, "go.mod"),
        read_modules_txt(tree, "vendor/modules.txt"),
        vendor_package_dirs=vendor_package_dirs(tree / "vendor"),
        vendor_exists=(tree / "vendor").is_dir(),
        toolchain_version=toolchain_version,
    )


@pytest.mark.parametrize("tamper", CASES, ids=[c.name for c in CASES])
def test_verdict_matches_go(
    tamper: Case,
    vendored_trees: dict[str, Path],
    go_bin: Path,
    tmp_path: Path,
    go_gocache: Path,
    toolchain_version: str,
) -> None:
    tree = tmp_path / "main"
    shutil.copytree(vendored_trees[tamper.go_line], tree, symlinks=True)
    if tamper.tamper is not None:
        tamper.tamper(tree)
    env = hermetic_go_env(tmp_path / "home", gocache=go_gocache)
    result = run_go(go_bin, ["list", "-mod=vendor", "-deps", "./..."], cwd=tree, env=env)
    verdict = gogate_verdict(tree, toolchain_version)
    assert {i.kind for i in verdict.inconsistencies} == tamper.kinds, verdict.inconsistencies
    assert_agrees(verdict, result.returncode, result.stderr)
    assert verdict.uses_vendor is ("pre-1.14" not in tamper.name)


def gogate_workspace_verdict(tree: Path, toolchain_version: str) -> VendorVerdict:
    gowork = read_gowork(tree, "go.work")
    gomods = [read_gomod(tree, f"{use.directory.removeprefix('./')}/go.mod") for use in gowork.uses]
    return check_vendor_consistency(
        gomods[0],
        read_modules_txt(tree, "vendor/modules.txt"),
        gowork=gowork,
        workspace_gomods=gomods,
        vendor_package_dirs=vendor_package_dirs(tree / "vendor"),
        vendor_exists=(tree / "vendor").is_dir(),
        toolchain_version=toolchain_version,
    )


def workspace_edit(relative: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda tree: _edit(tree / relative, old, new)


WORKSPACE_CASES = [
    case("untampered", None),
    case(
        "drop-explicit",
        workspace_edit("vendor/modules.txt", "## explicit\nexample.com/b\n", "example.com/b\n"),
        K.NOT_MARKED_EXPLICIT,
    ),
    # The wording changes in a workspace: "a go.mod", "the workspace", and go.work's own path.
    case(
        "explicit-but-not-required",
        workspace_edit("m1/go.mod", "require example.com/b v1.0.0 // indirect\n", ""),
        K.EXPLICIT_NOT_REQUIRED,
    ),
    case(
        "gowork-drops-replacement",
        workspace_edit("go.work", "replace example.com/e => example.com/efork v1.2.0\n", ""),
        K.REPLACED_NOT_REPLACED,
    ),
    case(
        "gowork-alters-replacement",
        workspace_edit("go.work", "efork v1.2.0", "efork v1.2.1"),
        K.REPLACEMENT_DIFFERS,
    ),
    # A directory replacement in m2/go.mod is compared relative to go.work but shown as written.
    case(
        "modules-txt-alters-member-directory",
        workspace_edit(
            "vendor/modules.txt", "# example.com/d => ./local/d\n", "# example.com/d => ./local/d2\n"
        ),
        K.REPLACEMENT_DIFFERS,
    ),
    case(
        "member-drops-replacement",
        workspace_edit("m2/go.mod", "replace example.com/c v1.0.0 => example.com/cfork v1.0.1\n", ""),
        K.REPLACED_NOT_REPLACED,
    ),
    case(
        "unlisted-imported",
        both(
            add_vendor_package("example.com/extra", imported=False),
            workspace_edit(
                "m1/main.go",
                'import _ "example.com/a"\n',
                'import _ "example.com/a"\nimport _ "example.com/extra"\n',
            ),
        ),
        K.UNLISTED_PACKAGE,
    ),
]


@pytest.fixture(scope="module")
def vendored_workspace(go_bin: Path, tmp_path_factory: pytest.TempPathFactory, go_gocache: Path) -> Path:
    base = tmp_path_factory.mktemp("vendor-workspace")
    proxy = ModuleProxy(base / "proxy")
    publish(proxy)
    env = hermetic_go_env(base / "home", gocache=go_gocache, GOPROXY=proxy.url)
    return build_workspace(base / "ws", go_bin, env)


@pytest.mark.parametrize("tamper", WORKSPACE_CASES, ids=[c.name for c in WORKSPACE_CASES])
def test_workspace_verdict_matches_go(
    tamper: Case,
    vendored_workspace: Path,
    go_bin: Path,
    tmp_path: Path,
    go_gocache: Path,
    toolchain_version: str,
) -> None:
    tree = tmp_path / "ws"
    shutil.copytree(vendored_workspace, tree, symlinks=True)
    if tamper.tamper is not None:
        tamper.tamper(tree)
    env = hermetic_go_env(tmp_path / "home", gocache=go_gocache)
    result = run_go(go_bin, ["list", "-mod=vendor", "-deps", "./m1/...", "./m2/..."], cwd=tree, env=env)
    verdict = gogate_workspace_verdict(tree, toolchain_version)
    assert {i.kind for i in verdict.inconsistencies} == tamper.kinds, verdict.inconsistencies
    assert_agrees(verdict, result.returncode, result.stderr)
    assert verdict.uses_vendor
    if tamper.kinds & {K.UNLISTED_PACKAGE}:
        assert "go work vendor" in verdict.inconsistencies[0].message


def _go_builds_from_vendor(go: Path, tree: Path, env: dict[str, str], *patterns: str) -> bool:
    """Whether plain ``go list`` (no -mod flag) loads example.com/a from vendor/ (GOPROXY is off)."""
    result = run_go(go, ["list", "-deps", "-f", "{{.ImportPath}} {{.Dir}}", *patterns], cwd=tree, env=env)
    dirs = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    return result.returncode == 0 and Path(dirs.get("example.com/a", "")).is_relative_to(tree / "vendor")


DEFAULT_MODE_CASES = [
    ("go-1.23", None, None, True),
    ("go-1.13", GO113, None, False),
    ("no-go-line", gomod_edit("go 1.23\n", ""), None, False),
    (
        "workspace-modules-txt-outside-workspace",
        txt_edit("# example.com/a", "## workspace\n# example.com/a"),
        None,
        False,
    ),
    ("goflags-mod-mod", None, "mod", False),
    ("goflags-mod-vendor-go-1.13", GO113, "vendor", True),
]


@pytest.mark.parametrize(
    ("tamper", "mod_flag", "expected"),
    [case[1:] for case in DEFAULT_MODE_CASES],
    ids=[case[0] for case in DEFAULT_MODE_CASES],
)
def test_default_vendor_mode_matches_go(
    tamper: Callable[[Path], None] | None,
    mod_flag: str | None,
    expected: bool,
    vendored_trees: dict[str, Path],
    go_bin: Path,
    tmp_path: Path,
    go_gocache: Path,
) -> None:
    tree = tmp_path / "main"
    shutil.copytree(vendored_trees["1.23"], tree, symlinks=True)
    if tamper is not None:
        tamper(tree)
    flags = "-modcacherw" + (f" -mod={mod_flag}" if mod_flag else "")
    env = hermetic_go_env(tmp_path / "home", gocache=go_gocache, GOFLAGS=flags)
    verdict = check_vendor_consistency(
        read_gomod(tree, "go.mod"), read_modules_txt(tree, "vendor/modules.txt"), mod_flag=mod_flag
    )
    assert _go_builds_from_vendor(go_bin, tree, env, "./...") is expected
    assert verdict.uses_vendor is expected, verdict.reason


def test_workspace_without_workspace_marker_is_not_vendored(
    vendored_workspace: Path, go_bin: Path, tmp_path: Path, go_gocache: Path, toolchain_version: str
) -> None:
    tree = tmp_path / "ws"
    shutil.copytree(vendored_workspace, tree, symlinks=True)
    _edit(tree / "vendor" / "modules.txt", "## workspace\n", "")
    env = hermetic_go_env(tmp_path / "home", gocache=go_gocache)
    assert not _go_builds_from_vendor(go_bin, tree, env, "./m1/...")
    verdict = gogate_workspace_verdict(tree, toolchain_version)
    assert not verdict.uses_vendor
    assert verdict.reason == "In workspace mode, but vendor directory is not for a workspace"
    # With -mod=vendor Go still checks it, and finds it consistent: the marker is not part of the check.
    result = run_go(go_bin, ["list", "-mod=vendor", "-deps", "./m1/...", "./m2/..."], cwd=tree, env=env)
    assert result.returncode == 0, result.stderr
    assert verdict.consistent


OLD_TOOLCHAIN = "1.22.10"
OLD_TOOLCHAIN_CASES = [c for c in CASES if c.go_line == "1.22"] + [
    case(c.name, c.tamper, *c.kinds, go_line="1.22")
    for c in CASES
    if c.name
    in {
        "untampered",
        "drop-explicit",
        "modules-txt-alters-wildcard-directory",
        "vendored-but-not-required",
        "go-annotation-too-new",
        "unlisted-not-imported",
    }
]


@pytest.mark.parametrize("tamper", OLD_TOOLCHAIN_CASES, ids=[c.name for c in OLD_TOOLCHAIN_CASES])
def test_verdict_matches_older_go(
    tamper: Case,
    vendored_trees: dict[str, Path],
    go_toolchain: Callable[[str], Path],
    tmp_path: Path,
    go_gocache: Path,
) -> None:
    """Go 1.22 prints the same reasons; it predates the go >= 1.23 unlisted-package rule entirely."""
    old_go = go_toolchain(OLD_TOOLCHAIN)
    tree = tmp_path / "main"
    shutil.copytree(vendored_trees["1.22"], tree, symlinks=True)
    if tamper.tamper is not None:
        tamper.tamper(tree)
    env = hermetic_go_env(tmp_path / "home", gocache=go_gocache)
    result = run_go(old_go, ["list", "-mod=vendor", "-deps", "./..."], cwd=tree, env=env)
    verdict = gogate_verdict(tree, OLD_TOOLCHAIN)
    assert {i.kind for i in verdict.inconsistencies} == tamper.kinds, verdict.inconsistencies
    assert_agrees(verdict, result.returncode, result.stderr)
