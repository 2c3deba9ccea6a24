"""``gogate toolchain install`` into a GOGATE_CACHE_DIR inside the repository, then ``gogate check``.

This is what the GitLab template does (``$CI_PROJECT_DIR/.cache/gogate``: GitLab caches only project
paths). The installed release's ``src/`` has go.mod files with a ``go`` line newer than the pin and a
requirement without a go.sum line; the cache's CACHEDIR.TAG keeps ``pins`` and ``gosum`` out of it,
and removing the tag shows the same check would fail, so the test can fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dl_server import DlServer, go_archive, go_files

from gogate.cachedir import TAG_CONTENT
from tests.e2e.toolchain_support import PLATFORMS, VERSION, Cli, Releases, archive_name

INSTALLED = f"go{VERSION}.linux-amd64"
TOOLCHAIN_GOMOD = "module std\n\ngo 1.99.0\n\nrequire golang.org/x/crypto v0.23.0\n"


@pytest.fixture(scope="module")
def releases() -> Releases:
    """VERSION with go.mod files and a vendor/modules.txt under src/, as a real release has."""
    built = Releases()
    for platform in PLATFORMS:
        goos, _, goarch = platform.partition("/")
        files = go_files(f"go{VERSION}", goos, goarch)
        files["src/go.mod"] = TOOLCHAIN_GOMOD.encode()
        files["src/cmd/go.mod"] = b"module cmd\n\ngo 1.22\n\ntoolchain go1.21.0\n"
        files["src/cmd/vendor/modules.txt"] = b"# golang.org/x/mod v0.17.0\n## explicit; go 1.18\n"
        files["misc/Dockerfile"] = b"FROM golang:1.20\n"
        built.archives[archive_name(VERSION, platform)] = go_archive(
            f"go{VERSION}", goos, goarch, files=files
        )
    return built


@pytest.fixture
def repo(tmp_path: Path, dl: DlServer) -> Cli:
    cli = Cli.create(tmp_path)
    (cli.repo / "go.mod").write_text("module example.com/app\n\ngo 1.22.0\n", encoding="utf-8")
    cli.env["GOGATE_CACHE_DIR"] = str(cli.repo / ".cache" / "gogate")
    run = cli.lock(dl.url)
    assert run.code == 0, run.text
    return cli


def _install(cli: Cli, dl: DlServer, *extra: str) -> str:
    run = cli.run(
        "toolchain", "install", str(cli.repo), "--dl-base", dl.url, "--platform", "linux/amd64", *extra
    )
    assert run.code == 0, run.text
    return run.err


def test_installed_toolchain_in_the_repository_is_not_checked(repo: Cli, dl: DlServer) -> None:
    cache = repo.repo / ".cache" / "gogate"
    log = _install(repo, dl)
    goroot = cache / "toolchains" / INSTALLED / "go"
    assert (goroot / "src" / "go.mod").read_text(encoding="utf-8") == TOOLCHAIN_GOMOD
    assert (cache / "CACHEDIR.TAG").read_bytes() == TAG_CONTENT
    assert f"wrote {cache / 'CACHEDIR.TAG'}" in log

    run = repo.run("check", str(repo.repo), "--only", "pins,gosum")
    assert run.code == 0, run.text
    assert ".cache/" not in run.text
    assert "1 other statement(s)" in run.text  # the repository's go.mod; nothing from the release
    assert "1 module(s)" in run.text

    # The same repository without the tag: the release's go.mod files are taken for the repository's.
    (cache / "CACHEDIR.TAG").unlink()
    run = repo.run("check", str(repo.repo), "--only", "pins,gosum")
    assert run.code == 1, run.text
    assert "std: go.mod requires 1 module(s) but there is no go.sum" in run.text
    assert f".cache/gogate/toolchains/{INSTALLED}/go/src/go.mod:3" in run.text
    assert f".cache/gogate/toolchains/{INSTALLED}/go/misc/Dockerfile:1" in run.text

    # A later run finds the release installed and tags a cache that has no tag (an older gogate's).
    log = _install(repo, dl)
    assert "already installed" in log
    assert (cache / "CACHEDIR.TAG").read_bytes() == TAG_CONTENT
    assert repo.run("check", str(repo.repo), "--only", "pins,gosum").code == 0


def test_a_dir_gogate_creates_is_tagged_one_the_user_made_is_not(
    repo: Cli, dl: DlServer, tmp_path: Path
) -> None:
    created = tmp_path / "created" / "toolchains"
    log = _install(repo, dl, "--dir", str(created))
    assert (created / "CACHEDIR.TAG").read_bytes() == TAG_CONTENT
    assert f"wrote {created / 'CACHEDIR.TAG'}" in log
    assert not (tmp_path / "created" / "CACHEDIR.TAG").exists()

    made = tmp_path / "made"
    made.mkdir()
    log = _install(repo, dl, "--dir", str(made))
    assert (made / INSTALLED / "go" / "VERSION").is_file()
    assert not (made / "CACHEDIR.TAG").exists()
    assert "CACHEDIR.TAG" not in log
    assert not (repo.repo / ".cache").exists(), "an install elsewhere does not write GOGATE_CACHE_DIR"
