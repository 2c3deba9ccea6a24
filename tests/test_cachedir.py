"""Cache directory tags: the tag gogate writes, and the repository walks that skip tagged directories.

Each skip test runs the same tree with a valid tag, without one and with a wrong signature: the
directory's go.mod (a ``go`` line newer than the pin) and Dockerfile (a wrong ``FROM golang`` tag) are
found unless the tag is valid, so the test fails if the walks ignore tags or only look at the name.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest

from gogate.cachedir import TAG_CONTENT, is_tagged_cache, tag_cache_dir
from gogate.cli import main
from gogate.deps.modfetch import obtain_zip
from gogate.facts.deps import gather_deps_facts
from gogate.facts.pins import gather_repo_facts
from gogate.snapshot.depstate import dependency_state, find_module_files
from tests.sumdb.server import make_module, write_module_proxy

SIGNATURE = b"Signature: 8a477f597d28d172789f06886806bc55"
PIN = "1.22.5"


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


# --- the tag file ---------------------------------------------------------------------------------


class TestTagFile:
    def test_content_is_the_signature_then_a_comment(self, tmp_path: Path) -> None:
        assert tag_cache_dir(tmp_path) is True
        data = (tmp_path / "CACHEDIR.TAG").read_bytes()
        assert len(SIGNATURE) == 43
        assert data.startswith(SIGNATURE + b"\n")
        assert data == TAG_CONTENT
        comment = data.split(b"\n")[1]
        assert comment.startswith(b"#") and b"gogate" in comment
        assert b"deleted" in data
        assert data.endswith(b"\n")
        assert stat.S_IMODE((tmp_path / "CACHEDIR.TAG").stat().st_mode) == 0o644
        assert sorted(p.name for p in tmp_path.iterdir()) == ["CACHEDIR.TAG"], "no temporary file left"

    def test_idempotent(self, tmp_path: Path) -> None:
        assert tag_cache_dir(tmp_path) is True
        before = (tmp_path / "CACHEDIR.TAG").stat()
        assert tag_cache_dir(tmp_path) is False
        after = (tmp_path / "CACHEDIR.TAG").stat()
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
        assert (tmp_path / "CACHEDIR.TAG").read_bytes() == TAG_CONTENT

    def test_a_foreign_valid_tag_is_kept(self, tmp_path: Path) -> None:
        (tmp_path / "CACHEDIR.TAG").write_bytes(SIGNATURE + b"\n# written by another tool\n")
        assert tag_cache_dir(tmp_path) is False
        assert (tmp_path / "CACHEDIR.TAG").read_bytes() == SIGNATURE + b"\n# written by another tool\n"

    def test_an_invalid_tag_is_replaced(self, tmp_path: Path) -> None:
        (tmp_path / "CACHEDIR.TAG").write_bytes(b"not a tag\n")
        assert tag_cache_dir(tmp_path) is True
        assert (tmp_path / "CACHEDIR.TAG").read_bytes() == TAG_CONTENT

    def test_missing_directory_is_neither_created_nor_an_error(self, tmp_path: Path) -> None:
        assert tag_cache_dir(tmp_path / "absent") is False
        assert not (tmp_path / "absent").exists()

    def test_unwritable_directory_is_skipped_silently(self, tmp_path: Path) -> None:
        if os.geteuid() == 0:
            pytest.skip("root writes into a read-only directory")
        cache = tmp_path / "cache"
        cache.mkdir()
        cache.chmod(0o555)
        try:
            assert tag_cache_dir(cache) is False
            assert list(cache.iterdir()) == []
        finally:
            cache.chmod(0o755)

    def test_a_directory_named_like_the_tag_is_left_alone(self, tmp_path: Path) -> None:
        (tmp_path / "CACHEDIR.TAG").mkdir()
        assert tag_cache_dir(tmp_path) is False
        assert (tmp_path / "CACHEDIR.TAG").is_dir()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["CACHEDIR.TAG"]


class TestIsTaggedCache:
    @pytest.mark.parametrize(
        ("content", "tagged"),
        [
            (SIGNATURE, True),  # exactly the 43 bytes, no newline
            (SIGNATURE + b"\r\n", True),
            (SIGNATURE + b"\n# comment\n", True),
            (SIGNATURE[:-1] + b"6\n", False),  # one hex digit off
            (SIGNATURE[:-1], False),  # 42 bytes
            (b" " + SIGNATURE, False),
            (b"\xef\xbb\xbf" + SIGNATURE, False),  # a BOM is not the signature
            (SIGNATURE.lower(), False),
            (b"", False),
        ],
    )
    def test_signature_bytes_decide(self, tmp_path: Path, content: bytes, tagged: bool) -> None:
        (tmp_path / "CACHEDIR.TAG").write_bytes(content)
        assert is_tagged_cache(tmp_path) is tagged

    def test_no_tag(self, tmp_path: Path) -> None:
        assert is_tagged_cache(tmp_path) is False
        assert is_tagged_cache(tmp_path / "absent") is False

    def test_other_case_of_the_name_is_not_a_tag(self, tmp_path: Path) -> None:
        (tmp_path / "cachedir.tag").write_bytes(SIGNATURE)
        if (tmp_path / "CACHEDIR.TAG").exists():
            pytest.skip("case-insensitive file system")
        assert is_tagged_cache(tmp_path) is False

    def test_a_symlinked_tag_is_not_followed(self, tmp_path: Path) -> None:
        (tmp_path / "real").write_bytes(SIGNATURE)
        cache = tmp_path / "cache"
        cache.mkdir()
        (cache / "CACHEDIR.TAG").symlink_to(tmp_path / "real")
        assert is_tagged_cache(cache) is False

    def test_a_fifo_does_not_block(self, tmp_path: Path) -> None:
        os.mkfifo(tmp_path / "CACHEDIR.TAG")
        assert is_tagged_cache(tmp_path) is False


# --- the walks skip tagged directories ------------------------------------------------------------

CACHED = {
    "cache/toolchains/go1.22.5.linux-amd64/go/src/go.mod": "module std\n\ngo 1.99.0\n",
    "cache/toolchains/go1.22.5.linux-amd64/go/src/cmd/go.mod": "module cmd\n\ngo 1.99.0\n",
    "cache/toolchains/go1.22.5.linux-amd64/go/src/cmd/vendor/modules.txt": "# golang.org/x/mod v0.17.0\n",
    "cache/toolchains/go1.22.5.linux-amd64/go/misc/Dockerfile": "FROM golang:1.20\n",
}
CACHED_MODULES = [
    "cache/toolchains/go1.22.5.linux-amd64/go/src",
    "cache/toolchains/go1.22.5.linux-amd64/go/src/cmd",
]


def _repo(tmp_path: Path, tag: bytes | None) -> Path:
    repo = tmp_path / "repo"
    _write(
        repo,
        {
            "go.version": f"{PIN}\n",
            "go.mod": "module example.com/app\n\ngo 1.22.0\n",
            "Dockerfile": f"FROM golang:{PIN}\n",
            **CACHED,
        },
    )
    if tag is not None:
        (repo / "cache" / "CACHEDIR.TAG").write_bytes(tag)
    return repo


TAGS = {"tagged": TAG_CONTENT, "untagged": None, "wrong-signature": b"Signature: not-the-one\n"}


def _check(repo: Path, tmp_path: Path, only: str, *, configured: bool = True) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    environ = {"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "NO_COLOR": "1", "GOPROXY": "off"}
    if configured:
        environ["GOGATE_CACHE_DIR"] = str(repo / "cache")
    code = main(["check", str(repo), "--only", only], environ=environ, stdout=out, stderr=err)
    return code, out.getvalue() + err.getvalue()


@pytest.mark.parametrize("kind", list(TAGS))
def test_pins_check_skips_only_a_validly_tagged_directory(tmp_path: Path, kind: str) -> None:
    repo = _repo(tmp_path, TAGS[kind])
    code, output = _check(repo, tmp_path, "pins")
    if kind == "tagged":
        assert code == 0, output
        assert "cache/" not in output
    else:
        assert code == 1, output
        assert "cache/toolchains/go1.22.5.linux-amd64/go/src/go.mod:3" in output
        assert "cache/toolchains/go1.22.5.linux-amd64/go/misc/Dockerfile:1" in output


def test_a_tag_alone_hides_nothing(tmp_path: Path) -> None:
    """A CACHEDIR.TAG is repository content: a merge request adding one must not hide a drifted pin.
    Only the cache the pipeline configured (GOGATE_CACHE_DIR) is skipped."""
    repo = _repo(tmp_path, TAG_CONTENT)
    code, output = _check(repo, tmp_path, "pins", configured=False)
    assert code == 1, output
    assert "cache/toolchains/go1.22.5.linux-amd64/go/misc/Dockerfile:1" in output
    assert "cache/toolchains/go1.22.5.linux-amd64/go/src/go.mod" in "".join(find_module_files(repo))
    assert len(gather_repo_facts(repo).module_files) == 3


def test_a_tag_at_the_repository_root_does_not_hide_the_repository(tmp_path: Path) -> None:
    repo = _repo(tmp_path, None)
    (repo / "CACHEDIR.TAG").write_bytes(TAG_CONTENT)
    (repo / "go.mod").write_text("module example.com/app\n\ngo 1.99.0\n", encoding="utf-8")
    facts = gather_repo_facts(repo, cache_root=repo)
    assert "go.mod" in facts.module_files


@pytest.mark.parametrize("kind", list(TAGS))
def test_deps_facts_list_no_module_under_a_tagged_directory(tmp_path: Path, kind: str) -> None:
    repo = _repo(tmp_path, TAGS[kind])
    facts = gather_repo_facts(repo, cache_root=repo / "cache")
    deps = gather_deps_facts(facts, None, {"HOME": str(tmp_path / "home")})
    roots = sorted(module.root for module in deps.modules)
    expected = ["."] if kind == "tagged" else sorted([".", *CACHED_MODULES])
    assert roots == expected


@pytest.mark.parametrize("kind", list(TAGS))
def test_snapshot_depstate_ignores_a_tagged_directory(tmp_path: Path, kind: str) -> None:
    repo = _repo(tmp_path, TAGS[kind])
    files = find_module_files(repo, repo / "cache")
    bare = tmp_path / "bare"
    _write(bare, {"go.mod": (repo / "go.mod").read_text(encoding="utf-8")})
    if kind == "tagged":
        assert files == ["go.mod"]
        assert dependency_state(repo, files).digest == dependency_state(bare).digest
    else:
        assert files == ["go.mod", *(f"{module}/go.mod" for module in CACHED_MODULES)]
        assert dependency_state(repo, files).digest != dependency_state(bare).digest


def test_a_tagged_directory_deep_in_the_tree_is_skipped_and_its_siblings_are_not(tmp_path: Path) -> None:
    repo = _repo(tmp_path, None)
    _write(repo, {"tools/go.mod": "module example.com/tools\n\ngo 1.22.0\n"})
    _write(repo, {"tools/build/out/go.mod": "module example.com/out\n\ngo 1.99.0\n"})
    tag_cache_dir(repo / "tools" / "build")
    files = find_module_files(repo, repo / "tools" / "build")
    assert "tools/go.mod" in files
    assert not [name for name in files if name.startswith("tools/build/")]
    modules = gather_repo_facts(repo, cache_root=repo / "tools" / "build").module_files
    assert "tools/go.mod" in modules
    assert not [name for name in modules if name.startswith("tools/build/")]


# --- writers tag the cache ------------------------------------------------------------------------


def test_a_module_download_tags_gogates_modules_directory(tmp_path: Path) -> None:
    module = make_module("example.com/dep", "v1.0.0")
    proxy = write_module_proxy(tmp_path / "proxy", module)
    downloads = tmp_path / "repo" / ".cache" / "gogate" / "modules"
    obtained = obtain_zip(
        module.path,
        module.version,
        gomodcache=None,
        settings={"GOPROXY": proxy.as_uri()},
        downloads=downloads,
    )
    assert obtained.path is not None, obtained.reason
    assert (downloads / "CACHEDIR.TAG").read_bytes() == TAG_CONTENT
    obtained.path.unlink()
