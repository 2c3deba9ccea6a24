"""Module-cache verification against go.sum, on a cache the real go filled from a file:// proxy.

``go mod verify`` is the oracle for what counts as modified; gogate must agree on every tamper Go
sees, and also see the ones Go cannot (a cache rewritten together with its .ziphash). The
process-pool path and the thread path must give the same answers.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from goenv_support import hermetic_go_env, run_go

from deps.modproxy import ModuleProxy
from gogate.deps import modcache
from gogate.deps.gosum import parse_gosum
from gogate.deps.model import SumLine

MODULES = [f"example.com/mod{index:02d}" for index in range(20)]


@pytest.fixture(scope="module")
def cache(
    tmp_path_factory: pytest.TempPathFactory, go_bin: Path, go_gocache: Path
) -> tuple[Path, list[SumLine]]:
    """20 modules downloaded by go into a private GOMODCACHE; the go.sum lines go wrote."""
    root = tmp_path_factory.mktemp("modcache")
    proxy = ModuleProxy(root / "proxy")
    for index, path in enumerate(MODULES):
        files = {f"f{n}.go": f"package mod{index:02d}\n\nconst N{n} = {n}\n" for n in range(5)}
        files["sub/LICENSE"] = "MIT\n"
        proxy.add(path, "v1.0.0", files)
    main = root / "main"
    main.mkdir()
    requires = "".join(f"\t{path} v1.0.0\n" for path in MODULES)
    (main / "go.mod").write_text(f"module example.com/main\n\ngo 1.22\n\nrequire (\n{requires})\n")
    imports = "".join(f'\t_ "{path}"\n' for path in MODULES)
    (main / "main.go").write_text(f"package main\n\nimport (\n{imports})\n\nfunc main() {{}}\n")
    env = hermetic_go_env(root / "home", gocache=go_gocache, GOPROXY=proxy.url, GOFLAGS="-modcacherw")
    for command in (["mod", "tidy"], ["mod", "download"]):
        result = run_go(go_bin, command, cwd=main, env=env)
        assert result.returncode == 0, result.stderr
    gosum = parse_gosum((main / "go.sum").read_bytes(), "go.sum")
    return Path(env["GOMODCACHE"]), [line for line in gosum.lines if not line.gomod]


def _items(lines: list[SumLine]) -> list[tuple[str, SumLine]]:
    return [("go.sum", line) for line in lines]


def test_pristine_cache_matches_go_sum_in_processes_and_threads(cache: tuple[Path, list[SumLine]]) -> None:
    gomodcache, lines = cache
    assert threading.active_count() == 1, "the process path needs a single-threaded test process"
    assert len(lines) >= modcache._PROCESS_THRESHOLD
    in_processes = modcache.verify_cached_modules(str(gomodcache), _items(lines), workers=2)
    in_threads = modcache.verify_cached_modules(str(gomodcache), _items(lines), workers=1)
    assert in_processes == in_threads
    assert [item.line for item in in_processes] == lines  # input order kept
    for item in in_processes:
        assert item.zip_h1 == item.dir_h1 == item.ziphash == item.line.hash
        assert (item.modified, item.added, item.removed) == ((), (), ())


def test_modified_added_and_removed_files_are_named_like_go_mod_verify_sees_them(
    cache: tuple[Path, list[SumLine]], tmp_path: Path
) -> None:
    gomodcache, lines = cache
    line = lines[3]
    directory = modcache.extracted_dir(str(gomodcache), line.path, line.version)
    edited = directory / "f1.go"
    original = edited.read_bytes()
    removed = directory / "sub" / "LICENSE"
    licence = removed.read_bytes()
    added = directory / "new.go"
    try:
        edited.write_bytes(original + b"// edited\n")
        removed.unlink()
        added.write_text("package x\n")
        (result,) = modcache.verify_cached_modules(str(gomodcache), _items([line]), workers=1)
        assert result.zip_h1 == line.hash
        assert result.dir_h1 != line.hash
        assert (result.modified, result.added, result.removed) == (("f1.go",), ("new.go",), ("sub/LICENSE",))
    finally:
        edited.write_bytes(original)
        removed.write_bytes(licence)
        added.unlink()
    (restored,) = modcache.verify_cached_modules(str(gomodcache), _items([line]), workers=1)
    assert restored.dir_h1 == line.hash


def test_module_missing_from_the_cache_is_absent_not_verified(cache: tuple[Path, list[SumLine]]) -> None:
    gomodcache, lines = cache
    ghost = SumLine("example.com/ghost", "v1.0.0", gomod=False, hash=lines[0].hash, line=99)
    (result,) = modcache.verify_cached_modules(str(gomodcache), _items([ghost]), workers=1)
    assert not result.present and result.zip_h1 is None and result.dir_h1 is None


def test_cached_gomod_files_are_hashed_against_go_mod_lines(cache: tuple[Path, list[SumLine]]) -> None:
    gomodcache, lines = cache
    line = lines[0]
    gomod_line = SumLine(line.path, line.version, gomod=True, hash="h1:wrong", line=2)
    (result,) = modcache.verify_cached_gomods(str(gomodcache), [("go.sum", gomod_line)])
    assert result.h1 is not None and result.h1 != "h1:wrong"
    mod_file = modcache.download_dir(str(gomodcache), line.path) / f"{line.version}.mod"
    assert Path(result.mod_path) == mod_file


def test_threads_are_used_when_forking_is_unsafe(
    cache: tuple[Path, list[SumLine]], monkeypatch: pytest.MonkeyPatch
) -> None:
    gomodcache, lines = cache

    def no_processes(*args: object, **kwargs: object) -> None:
        raise AssertionError("forked while another thread was running")

    monkeypatch.setattr(modcache, "ProcessPoolExecutor", no_processes)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        results = modcache.verify_cached_modules(str(gomodcache), _items(lines), workers=2)
    finally:
        release.set()
        other.join()
    assert all(item.dir_h1 == item.line.hash for item in results)
