"""vendor/modules.txt parsing, checked against what the real go command writes and reads.

Written files come from ``go mod vendor`` / ``go work vendor`` (see vendor_fixture); what Go reads
from them is ``go list -mod=vendor -deps`` (which module each vendored package belongs to) and the
verdict it reaches on malformed variants.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
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
from gogate.deps import gostrings, semver
from gogate.deps.gomod import read_gomod
from gogate.deps.model import ModulesTxt, VendoredModule
from gogate.deps.modpath import check_import_path
from gogate.deps.modulestxt import parse_modules_txt, read_modules_txt
from gogate.deps.vendor_consistency import InconsistencyKind, check_vendor_consistency
from gogate.errors import InputError

K = InconsistencyKind
MODULES_TXT = "vendor/modules.txt"
GO_LIST_MODULES = [
    "list",
    "-mod=vendor",
    "-deps",
    "-f",
    "{{if .Module}}{{.ImportPath}} {{.Module.Path}} {{.Module.Version}}{{end}}",
    "./...",
]


@pytest.fixture(scope="module")
def build_env(go_bin: Path, tmp_path_factory: pytest.TempPathFactory, go_gocache: Path) -> dict[str, str]:
    """The environment the trees were vendored in: its module cache and proxy let go re-vendor them."""
    base = tmp_path_factory.mktemp("modulestxt-env")
    proxy = ModuleProxy(base / "proxy")
    publish(proxy)
    return hermetic_go_env(base / "home", gocache=go_gocache, GOPROXY=proxy.url)


@pytest.fixture(scope="module")
def vendored(
    go_bin: Path, tmp_path_factory: pytest.TempPathFactory, build_env: dict[str, str]
) -> dict[str, Path]:
    """A main module vendored by go mod vendor, and a go.work workspace vendored by go work vendor."""
    base = tmp_path_factory.mktemp("modulestxt")
    return {
        "main": build_main_module(base / "main", go_bin, build_env, go_line="1.23"),
        "workspace": build_workspace(base / "ws", go_bin, build_env),
    }


def render(parsed: ModulesTxt) -> str:
    """Write ``parsed`` back as go mod vendor would, line numbers included (a round-trip check)."""
    lines: dict[int, str] = {1: "## workspace"} if parsed.workspace else {}
    for block in (*parsed.modules, *parsed.wildcard_replacements):
        head = f"# {block.path}" + (f" {block.version}" if block.version else "")
        if block.replacement_path is not None:
            head += f" => {block.replacement_path}" + (
                f" {block.replacement_version}" if block.replacement_version else ""
            )
        lines[block.line] = head
        annotations = ["explicit"] if block.explicit else []
        annotations += [f"go {block.go_version}"] if block.go_version is not None else []
        if annotations:
            lines[block.line + 1] = "## " + "; ".join(annotations)
        lines.update(zip(block.package_lines, block.packages, strict=True))
    assert sorted(lines) == list(range(1, len(lines) + 1))
    return "".join(f"{lines[number]}\n" for number in sorted(lines))


def go_package_modules(go: Path, tree: Path, env: dict[str, str]) -> dict[str, tuple[str, str]]:
    result = run_go(go, GO_LIST_MODULES, cwd=tree, env=env)
    assert result.returncode == 0, result.stderr
    found = {}
    for line in result.stdout.splitlines():
        package, path, *version = line.split(" ")
        if path != "example.com/main":
            found[package] = (path, version[0] if version else "")
    return found


def parsed_package_modules(parsed: ModulesTxt) -> dict[str, tuple[str, str]]:
    found = {}
    for block in sorted((*parsed.modules, *parsed.wildcard_replacements), key=lambda b: b.line):
        found.update(dict.fromkeys(block.packages, (block.path, block.version)))
    return found


def test_go_mod_vendor_output_at_go_1_23(vendored: dict[str, Path], go_bin: Path, tmp_path: Path) -> None:
    tree = vendored["main"]
    data = (tree / MODULES_TXT).read_bytes()
    parsed = read_modules_txt(tree, MODULES_TXT)
    assert parsed is not None
    assert parsed.path == MODULES_TXT and not parsed.workspace and parsed.ignored == ()
    assert parsed.modules == (
        VendoredModule("example.com/a", "v1.1.0", 1, None, None, True, "1.21", ("example.com/a",), (3,)),
        # b's go.mod has no go line: go mod vendor writes "## explicit" with no go version.
        VendoredModule("example.com/b", "v1.0.0", 4, None, None, True, None, ("example.com/b",), (6,)),
        VendoredModule(
            "example.com/c",
            "v1.0.0",
            7,
            "example.com/cfork",
            "v1.0.1",
            True,
            "1.22",
            ("example.com/c",),
            (9,),
        ),
        VendoredModule(
            "example.com/d", "v0.0.0", 10, "./local/d", None, True, "1.21", ("example.com/d",), (12,)
        ),
        VendoredModule("example.com/f", "v1.0.0", 15, "./local/f", None),
    )
    assert parsed.wildcard_replacements == (
        VendoredModule("example.com/d", "", 13, "./local/d", None),
        VendoredModule("example.com/e", "", 14, "example.com/efork", "v1.2.0"),
    )
    assert render(parsed).encode() == data
    # Go's own view of which module each vendored package comes from.
    env = hermetic_go_env(tmp_path / "home")
    assert go_package_modules(go_bin, tree, env) == parsed_package_modules(parsed)


def test_go_mod_vendor_v_prints_what_it_writes(
    vendored: dict[str, Path], go_bin: Path, tmp_path: Path, build_env: dict[str, str]
) -> None:
    """``go mod vendor -v`` echoes modules.txt to stderr: both parse the same."""
    tree = tmp_path / "main"
    shutil.copytree(vendored["main"], tree, symlinks=True)
    result = run_go(go_bin, ["mod", "vendor", "-v"], cwd=tree, env=build_env)
    assert result.returncode == 0, result.stderr
    echoed = "".join(
        line + "\n" for line in result.stderr.splitlines() if line.startswith(("#", "example.com/"))
    )
    from_stderr = parse_modules_txt(echoed.encode(), MODULES_TXT)
    assert from_stderr == read_modules_txt(tree, MODULES_TXT)


def test_go_work_vendor_output(vendored: dict[str, Path]) -> None:
    tree = vendored["workspace"]
    parsed = read_modules_txt(tree, MODULES_TXT)
    assert parsed is not None
    assert parsed.workspace
    assert parsed.ignored == ()  # the "## workspace" first line is understood, not ignored
    assert [(m.path, m.version, m.line) for m in parsed.modules][0] == ("example.com/a", "v1.1.0", 2)
    # m2's "../local/d" is recorded relative to go.work.
    assert ("example.com/d", "v0.0.0", "./local/d") in [
        (m.path, m.version, m.replacement_path) for m in parsed.modules
    ]
    assert render(parsed) == (tree / MODULES_TXT).read_text()


def _replace(old: str, new: str) -> Callable[[str], str]:
    def apply(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return apply


A_HEAD = "# example.com/a v1.1.0\n"
MALFORMED = [
    # (name, edit, ignored line numbers, finding kinds Go and gogate must agree on)
    ("crlf", lambda text: text.replace("\n", "\r\n"), [], set()),
    ("junk-before-first-module", lambda text: "garbage\n## explicit\n" + text, [1, 2], set()),
    ("extra-field-after-version", _replace(A_HEAD, "# example.com/a v1.1.0 extra\n"), [1], set()),
    (
        "unreadable-replacement",
        _replace("=> example.com/cfork v1.0.1", "=> example.com/cfork notsemver"),
        [7],
        {K.NOT_MARKED_REPLACED},
    ),
    (
        "package-line-with-two-fields",
        _replace("\nexample.com/a\n", "\nexample.com/a extra\n"),
        [3],
        {K.UNLISTED_PACKAGE},
    ),
    ("invalid-import-path", _replace("\nexample.com/a\n", "\nexample.com/a!\n"), [3], {K.UNLISTED_PACKAGE}),
    ("invalid-utf8", _replace("\nexample.com/a\n", "\nexample.com/\udcffa\n"), [3], {K.UNLISTED_PACKAGE}),
    # A short "# " line is skipped without ending the module block: the package still belongs to a.
    (
        "short-module-line-keeps-module",
        _replace("go 1.21\nexample.com/a", "go 1.21\n# x\nexample.com/a"),
        [3],
        set(),
    ),
    # An unreadable module line ends the block: the package after it belongs to nothing.
    (
        "bad-module-line-ends-block",
        _replace("go 1.21\nexample.com/a", "go 1.21\n# example.com/q notaversion\nexample.com/a"),
        [3, 4],
        {K.UNLISTED_PACKAGE},
    ),
    (
        "reserved-annotation",
        _replace("## explicit; go 1.21\nexample.com/a", "## explicit; go 1.21; future\nexample.com/a"),
        [2],
        set(),
    ),
    ("nbsp-separates-fields", _replace(A_HEAD, "# example.com/a\u00a0v1.1.0\n"), [], set()),
    # U+001C is white space to Python's str.split but not to Go's strings.Fields.
    (
        "file-separator-does-not",
        _replace(A_HEAD, "# example.com/a\x1cv1.1.0\n"),
        [1, 2, 3],
        {K.NOT_MARKED_EXPLICIT, K.UNLISTED_PACKAGE},
    ),
    ("blank-line", _replace(A_HEAD, "\n" + A_HEAD), [1], set()),
    (
        "annotations-on-two-lines",
        _replace("## explicit; go 1.21\nexample.com/a", "## go 1.21\n## explicit\nexample.com/a"),
        [],
        set(),
    ),
]


@pytest.mark.parametrize(
    ("edit", "ignored", "kinds"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_malformed_lines_are_read_as_go_reads_them(
    edit: Callable[[str], str],
    ignored: list[int],
    kinds: set[InconsistencyKind],
    vendored: dict[str, Path],
    go_bin: Path,
    tmp_path: Path,
    go_gocache: Path,
) -> None:
    tree = tmp_path / "main"
    shutil.copytree(vendored["main"], tree, symlinks=True)
    target = tree / MODULES_TXT
    target.write_bytes(edit(target.read_text()).encode("utf-8", "surrogateescape"))
    parsed = read_modules_txt(tree, MODULES_TXT)
    assert parsed is not None
    assert list(parsed.ignored_lines) == ignored, parsed.ignored
    verdict = check_vendor_consistency(
        read_gomod(tree, "go.mod"),
        parsed,
        vendor_package_dirs=vendor_package_dirs(tree / "vendor"),
        toolchain_version="1.27.3",
    )
    assert {i.kind for i in verdict.inconsistencies} == kinds, verdict.inconsistencies
    env = hermetic_go_env(tmp_path / "home", gocache=go_gocache)
    result = run_go(go_bin, ["list", "-mod=vendor", "-deps", "./..."], cwd=tree, env=env)
    assert_agrees(verdict, result.returncode, result.stderr)
    if result.returncode == 0:
        assert go_package_modules(go_bin, tree, env) == parsed_package_modules(parsed)


def test_absent_file_is_none_and_unreadable_ones_are_input_errors(tmp_path: Path) -> None:
    assert read_modules_txt(tmp_path, MODULES_TXT) is None
    (tmp_path / "vendor" / "modules.txt").mkdir(parents=True)
    with pytest.raises(InputError, match=r"^vendor/modules.txt: is a directory"):
        read_modules_txt(tmp_path, MODULES_TXT)
    outside = tmp_path / "outside.txt"
    outside.write_text("# example.com/a v1.0.0\n")
    repo = tmp_path / "repo"
    (repo / "vendor").mkdir(parents=True)
    (repo / "vendor" / "modules.txt").symlink_to(outside)
    with pytest.raises(InputError, match="outside the repository"):
        read_modules_txt(repo, MODULES_TXT)
    (repo / "vendor" / "modules.txt").unlink()
    (repo / "vendor" / "modules.txt").symlink_to(repo / "missing")
    assert read_modules_txt(repo, MODULES_TXT) is None  # Go reads a dangling link as "does not exist"


def test_workspace_marker_is_first_line_only() -> None:
    assert parse_modules_txt(b"## explicit; workspace\n", "m").workspace
    assert not parse_modules_txt(b"# example.com/a v1.0.0\n## workspace\n", "m").workspace
    second = parse_modules_txt(b"# example.com/a v1.0.0\n## workspace\n", "m")
    assert second.ignored == ((2, "annotation 'workspace' is reserved; Go ignores it"),)


def test_repeated_module_lines_and_wildcard_packages() -> None:
    parsed = parse_modules_txt(
        b"# example.com/a v1.0.0\nexample.com/a\n# example.com/a v1.0.0 => ./x\n## explicit\n"
        b"# example.com/w => ./w\n## explicit; go 1.20\nexample.com/w\n",
        "m",
    )
    assert [(m.path, m.version, m.replacement_path, m.explicit) for m in parsed.modules] == [
        ("example.com/a", "v1.0.0", None, False),
        ("example.com/a", "v1.0.0", "./x", True),
    ]
    assert parsed.wildcard_replacements == (
        VendoredModule("example.com/w", "", 5, "./w", None, True, "1.20", ("example.com/w",), (7,)),
    )


@pytest.mark.parametrize(
    ("text", "fields"),
    [("a b", ["a", "b"]), (" a\u3000b\u2028 ", ["a", "b"]), ("a\x1cb", ["a\x1cb"]), ("", [])],
)
def test_go_fields(text: str, fields: list[str]) -> None:
    assert gostrings.fields(text) == fields


@pytest.mark.parametrize(
    ("left", "right", "order"),
    [
        ("v1.2", "v1.2.0", 0),
        ("v1.2.0-pre", "v1.2.0", -1),
        ("v1.0.0-alpha.1", "v1.0.0-alpha.beta", -1),
        ("v1.0.0-beta.11", "v1.0.0-beta.2", 1),
        ("v1.0.0-rc.1", "v1.0.0-rc.1.1", -1),
        ("v2.0.0+meta", "v2.0.0", 0),
        ("bad", "v0.0.1", -1),
        ("bad", "worse", 0),
        ("v10.0.0", "v9.0.0", 1),
    ],
)
def test_semver_compare(left: str, right: str, order: int) -> None:
    assert semver.compare(left, right) == order
    assert semver.compare(right, left) == -order


@pytest.mark.parametrize(
    ("version", "valid"),
    [
        ("v1", True),
        ("v1.2", True),
        ("v1.2.3-pre.0+b", True),
        ("v1.2-pre", False),
        ("v01.2.3", False),
        ("1.2.3", False),
        ("v1.2.3-01", False),
    ],
)
def test_semver_is_valid(version: str, valid: bool) -> None:
    assert semver.is_valid(version) is valid


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("example.com/a", True),
        ("example.com/a+b~c", True),
        ("example.com/a!", False),
        ("-x/y", False),
        ("a//b", False),
        ("a/b/", False),
        ("a/./b", False),
        ("a/b./c", False),
        ("a/con/b", False),
        ("a/COM1.txt", False),
        ("a/abc~1", False),
        ("a/\u00e9", False),
        ("a/.hidden", True),
    ],
)
def test_check_import_path(path: str, ok: bool) -> None:
    assert (check_import_path(path) is None) is ok
