"""gogate.hashing: one read pass for SHA-256 + BLAKE3, parallel tree hashing, lazy blake3 import."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from gogate.errors import InputError
from gogate.hashing import (
    CHUNK_SIZE,
    FileDigests,
    hash_file,
    hash_files,
    parallel_map,
    sha256_file,
    sha256_files,
)

MIB = 1024 * 1024


@pytest.fixture
def needs_blake3() -> None:
    """Tests of BLAKE3 digests skip without the optional blake3 package; SHA-256-only tests always run."""
    pytest.importorskip("blake3", reason="the blake3 package (extra `network`/`test`) is not installed")


def _expected(data: bytes) -> FileDigests:
    import blake3

    return FileDigests(
        size=len(data), sha256=hashlib.sha256(data).hexdigest(), blake3=blake3.blake3(data).hexdigest()
    )


@pytest.mark.parametrize(
    "size",
    [0, 1, 4095, MIB - 1, MIB, MIB + 1, CHUNK_SIZE + 7, 8 * MIB - 1, 8 * MIB, 8 * MIB + 3, 20 * MIB + 11],
)
def test_hash_file_matches_reference_at_every_size_boundary(
    needs_blake3: None, tmp_path: Path, size: int
) -> None:
    data = os.urandom(size)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    assert hash_file(path) == _expected(data)
    assert hash_file(str(path)) == _expected(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()


def test_known_values_of_empty_and_abc(needs_blake3: None, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    abc = tmp_path / "abc"
    abc.write_bytes(b"abc")
    assert hash_file(empty) == FileDigests(
        size=0,
        sha256="e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        blake3="af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
    )
    assert hash_file(abc).sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert hash_file(abc).blake3 == "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"


def test_non_regular_file_is_read_as_a_stream(needs_blake3: None, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    data = os.urandom(CHUNK_SIZE + 5)

    def writer() -> None:
        with open(fifo, "wb") as handle:
            handle.write(data)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert hash_file(fifo) == _expected(data)
    finally:
        thread.join()


def test_symlink_to_file_is_followed(needs_blake3: None, tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.write_bytes(b"content\n")
    link = tmp_path / "link"
    link.symlink_to(target)
    assert hash_file(link) == hash_file(target)
    assert sha256_file(link) == sha256_file(target)


@pytest.mark.parametrize("function", [hash_file, sha256_file])
def test_directory_missing_and_unreadable_are_input_errors_naming_the_path(
    needs_blake3: None, tmp_path: Path, function: object
) -> None:
    assert callable(function)
    with pytest.raises(InputError, match="is a directory"):
        function(tmp_path)
    link = tmp_path / "dirlink"
    link.symlink_to(tmp_path)
    with pytest.raises(InputError, match="dirlink: is a directory"):
        function(link)
    with pytest.raises(InputError, match="missing: cannot be read"):
        function(tmp_path / "missing")
    broken = tmp_path / "broken"
    broken.symlink_to(tmp_path / "nowhere")
    with pytest.raises(InputError, match="broken: cannot be read"):
        function(broken)
    if os.geteuid() != 0:  # root reads anything
        secret = tmp_path / "secret"
        secret.write_bytes(b"x")
        secret.chmod(0)
        with pytest.raises(InputError, match="secret: cannot be read"):
            function(secret)


def test_hash_files_in_parallel_equals_one_by_one(needs_blake3: None, tmp_path: Path) -> None:
    paths = []
    for index in range(60):
        path = tmp_path / f"f{index:02d}"
        path.write_bytes(os.urandom(index * 37_000))
        paths.append(path)
    expected = {path: hash_file(path) for path in paths}
    assert hash_files(paths) == expected
    assert hash_files(paths, workers=1) == expected
    assert hash_files(paths, workers=7) == expected
    assert dict(sha256_files(paths, workers=5)) == {
        path: digests.sha256 for path, digests in expected.items()
    }
    as_text = [str(path) for path in paths]
    assert set(sha256_files(as_text)) == set(as_text)


def test_parallel_map_reraises_and_validates_workers(tmp_path: Path) -> None:
    good = tmp_path / "good"
    good.write_bytes(b"x")
    with pytest.raises(InputError, match="absent"):
        sha256_files([good, tmp_path / "absent", good], workers=3)
    with pytest.raises(ValueError, match="at least 1"):
        parallel_map(len, ["a"], workers=0)
    assert parallel_map(len, [], workers=4) == {}


def test_blake3_is_imported_lazily() -> None:
    """Importing the hashing modules (and the CLI) must not import blake3: it is an optional extra."""
    code = (
        "import sys, gogate.cli, gogate.hashing, gogate.dirhash, gogate.toolchain_tree\n"
        "assert 'blake3' not in sys.modules, 'blake3 imported at start-up'\n"
        "from gogate.dirhash import hash1\n"
        "assert 'blake3' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
