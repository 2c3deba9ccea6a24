"""gogate.unpack: a release archive is unpacked only when it holds nothing but go/ files and directories.

Each hostile archive is built here with tarfile/zipfile (the entry a release never has, after a
normal go/ tree), and must be refused with nothing written: not the destination, not the target of
a traversal, not through a link.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from dl_server import go_archive, go_files

from gogate.errors import InfrastructureError
from gogate.unpack import UnsafeArchive, unpack_release

MTIME = 1719928799


def _member(name: str, kind: bytes = tarfile.REGTYPE, *, size: int = 0, mode: int = 0o644) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = size
    info.mode = mode
    info.mtime = MTIME
    return info


def _link(name: str, target: str, kind: bytes = tarfile.SYMTYPE) -> tarfile.TarInfo:
    info = _member(name, kind)
    info.linkname = target
    return info


def _device(name: str, kind: bytes) -> tarfile.TarInfo:
    info = _member(name, kind)
    info.devmajor, info.devminor = 1, 3
    return info


def _tar(tmp_path: Path, *extra: tarfile.TarInfo, name: str = "go1.22.5.linux-amd64.tar.gz") -> Path:
    path = tmp_path / "dl" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(go_archive(extra=list(extra)))
    return path


def _raw_tar(tmp_path: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> Path:
    """A .tar.gz of exactly ``members`` (no go/ tree added)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
        for info, data in members:
            info.size = len(data) if info.isreg() else 0
            archive.addfile(info, io.BytesIO(data) if info.isreg() else None)
    path = tmp_path / "dl" / "go1.22.5.linux-amd64.tar.gz"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return path


def _zip(tmp_path: Path, entries: list[tuple[zipfile.ZipInfo, bytes]]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    path = tmp_path / "dl" / "go1.22.5.windows-amd64.zip"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return path


def _zip_info(name: str, mode: int = stat.S_IFREG | 0o644) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, (2024, 7, 2, 13, 59, 58))
    info.external_attr = mode << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


# --- what a release looks like --------------------------------------------------------------------


def test_a_release_tree_is_unpacked_with_normalised_modes(tmp_path: Path) -> None:
    archive = _tar(tmp_path)
    goroot = tmp_path / "out" / "go"
    goroot.parent.mkdir()
    result = unpack_release(archive, goroot)
    files = go_files()
    assert result.files == len(files)
    assert result.size == sum(len(data) for data in files.values())
    for name, data in files.items():
        path = goroot / name
        assert path.read_bytes() == data, name
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode == (0o755 if name.startswith(("bin/", "pkg/tool/")) else 0o644), (name, oct(mode))
        assert path.lstat().st_mtime == MTIME
    for directory in [p for p in goroot.rglob("*") if p.is_dir()]:
        assert stat.S_IMODE(directory.lstat().st_mode) & 0o7000 == 0


def test_a_windows_zip_is_unpacked(tmp_path: Path) -> None:
    entries = [(_zip_info("go/", stat.S_IFDIR | 0o755), b"")]
    entries += [
        (_zip_info(f"go/{name}"), data) for name, data in sorted(go_files("go1.22.5", "windows").items())
    ]
    entries.append((_zip_info("go/bin/tool.exe", stat.S_IFREG | 0o755), b"MZ"))
    archive = _zip(tmp_path, entries)
    result = unpack_release(archive, tmp_path / "go")
    assert result.files == len(entries) - 1
    assert (tmp_path / "go" / "VERSION").read_bytes().startswith(b"go1.22.5\n")
    assert stat.S_IMODE((tmp_path / "go" / "bin" / "tool.exe").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "go" / "LICENSE").stat().st_mode) == 0o644


def test_a_zip_without_unix_modes_or_directory_entries(tmp_path: Path) -> None:
    """Windows tools write no unix mode and often no directory entries: parents are created."""
    entries = []
    for name, data in go_files("go1.22.5", "windows").items():
        info = zipfile.ZipInfo(f"go/{name}", (2024, 7, 2, 13, 59, 58))
        entries.append((info, data))
    archive = _zip(tmp_path, entries)
    unpack_release(archive, tmp_path / "go")
    assert (tmp_path / "go" / "src" / "fmt" / "print.go").read_bytes() == b"package fmt\n"


# --- hostile tar archives -------------------------------------------------------------------------

HOSTILE_TAR: dict[str, tuple[Callable[[Path], list[tarfile.TarInfo]], str]] = {
    "traversal": (lambda t: [_member("go/../evil", size=1)], "not a clean path under go/"),
    "deep traversal": (lambda t: [_member("go/src/../../../evil", size=1)], "not a clean path"),
    "absolute": (lambda t: [_member(str(t / "evil"), size=1)], "absolute"),
    "outside go/": (lambda t: [_member("other/evil", size=1)], "not a clean path under go/"),
    "dot prefix": (lambda t: [_member("./go/evil", size=1)], "not a clean path"),
    "empty part": (lambda t: [_member("go//evil", size=1)], "not a clean path"),
    "backslash": (lambda t: [_member("go\\..\\..\\evil", size=1)], "non-portable"),
    "symlink escaping": (lambda t: [_link("go/evil", str(t / "outside"))], "symbolic link"),
    "relative symlink escaping": (lambda t: [_link("go/evil", "../../outside")], "symbolic link"),
    "symlink then a file through it": (
        lambda t: [_link("go/evil", str(t)), _member("go/evil/outside", size=1)],
        "symbolic link",
    ),
    "symlink inside the tree": (lambda t: [_link("go/bin/go2", "go")], "symbolic link"),
    "hard link escaping": (lambda t: [_link("go/evil", "/etc/passwd", tarfile.LNKTYPE)], "hard link"),
    "hard link inside the tree": (lambda t: [_link("go/evil", "go/bin/go", tarfile.LNKTYPE)], "hard link"),
    "character device": (lambda t: [_device("go/evil", tarfile.CHRTYPE)], "device, FIFO"),
    "block device": (lambda t: [_device("go/evil", tarfile.BLKTYPE)], "device, FIFO"),
    "fifo": (lambda t: [_member("go/evil", tarfile.FIFOTYPE)], "device, FIFO"),
    "setuid file": (lambda t: [_member("go/bin/evil", size=1, mode=0o4755)], "setuid"),
    "setgid directory": (lambda t: [_member("go/evil", tarfile.DIRTYPE, mode=0o2755)], "setgid"),
    "duplicate file": (lambda t: [_member("go/bin/go", size=1)], "more than once"),
    "file over a directory": (lambda t: [_member("go/src", size=1)], "more than once"),
    "directory under a file": (lambda t: [_member("go/LICENSE/evil", size=1)], "both a file and a directory"),
    "go itself a file": (lambda t: [_member("go", size=1)], "go/ must be a directory"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_TAR))
def test_hostile_tar_entries_are_refused_leaving_nothing(tmp_path: Path, case: str) -> None:
    build, message = HOSTILE_TAR[case]
    outside = tmp_path / "outside"
    archive = _tar(tmp_path, *build(tmp_path))
    before = _listing(tmp_path)
    with pytest.raises(UnsafeArchive, match=message) as error:
        unpack_release(archive, tmp_path / "go")
    assert "refused to unpack" in error.value.message
    assert error.value.exit_code == 1
    assert _listing(tmp_path) == before, "something was written"
    assert not outside.exists()


def test_a_pax_path_that_escapes_is_refused(tmp_path: Path) -> None:
    """The ustar name says go/ok, the PAX header (which wins) says ../evil."""
    info = _member("go/ok")
    info.pax_headers = {"path": "../evil"}
    archive = _raw_tar(tmp_path, [(_member("go", tarfile.DIRTYPE, mode=0o755), b""), (info, b"x")])
    (tmp_path / "out").mkdir()
    with pytest.raises(UnsafeArchive, match="'../evil'"):
        unpack_release(archive, tmp_path / "out" / "go")
    assert not (tmp_path / "evil").exists()
    assert _listing(tmp_path / "out") == []


def test_content_over_the_limit_is_refused(tmp_path: Path) -> None:
    archive = _tar(tmp_path)
    with pytest.raises(UnsafeArchive, match="more than 100 bytes of content"):
        unpack_release(archive, tmp_path / "go", max_content=100)
    assert not (tmp_path / "go").exists()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "zip named tar.gz"])
def test_an_unreadable_archive_is_refused_leaving_nothing(tmp_path: Path, damage: str) -> None:
    archive = _tar(tmp_path)
    data = archive.read_bytes()
    if damage == "garbage":
        archive.write_bytes(b"\x1f\x8b" + os.urandom(200))
    elif damage == "truncated":
        archive.write_bytes(data[: len(data) // 2])
    else:
        archive.write_bytes(_zip(tmp_path, [(_zip_info("go/VERSION"), b"go1.22.5\n")]).read_bytes())
    with pytest.raises(UnsafeArchive, match="cannot be read as a release archive"):
        unpack_release(archive, tmp_path / "go")
    assert not (tmp_path / "go").exists()


# --- hostile zip archives -------------------------------------------------------------------------

HOSTILE_ZIP: dict[str, tuple[zipfile.ZipInfo, str]] = {
    "symlink": (_zip_info("go/evil", stat.S_IFLNK | 0o777), "symbolic link"),
    "traversal": (_zip_info("go/../evil"), "not a clean path under go/"),
    "absolute": (_zip_info("/evil"), "absolute"),
    "outside go/": (_zip_info("evil"), "not a clean path under go/"),
    "setuid": (_zip_info("go/bin/evil", stat.S_IFREG | 0o4755), "setuid"),
    "fifo": (_zip_info("go/evil", stat.S_IFIFO | 0o644), "device, FIFO"),
    "duplicate": (_zip_info("go/VERSION"), "more than once"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_ZIP))
def test_hostile_zip_entries_are_refused_leaving_nothing(tmp_path: Path, case: str) -> None:
    info, message = HOSTILE_ZIP[case]
    entries = [(_zip_info("go/VERSION"), b"go1.22.5\n"), (_zip_info("go/bin/go.exe"), b"MZ")]
    with (
        pytest.warns(UserWarning, match="Duplicate name") if case == "duplicate" else contextlib.nullcontext()
    ):
        archive = _zip(tmp_path, [*entries, (info, str(tmp_path / "outside").encode())])
    with pytest.raises(UnsafeArchive, match=message):
        unpack_release(archive, tmp_path / "go")
    assert not (tmp_path / "go").exists()
    assert not (tmp_path / "evil").exists()


def test_an_encrypted_zip_entry_is_refused(tmp_path: Path) -> None:
    archive = _zip(tmp_path, [(_zip_info("go/VERSION"), b"go1.22.5\n")])
    data = bytearray(archive.read_bytes())
    # zipfile cannot write encrypted entries: set the "encrypted" flag bit in both headers.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        data[data.index(signature) + offset] |= 0x1
    archive.write_bytes(bytes(data))
    with pytest.raises(UnsafeArchive, match="encrypted"):
        unpack_release(archive, tmp_path / "go")
    assert not (tmp_path / "go").exists()


def test_a_zip_directory_entry_with_content_is_refused(tmp_path: Path) -> None:
    archive = _zip(tmp_path, [(_zip_info("go/src/", stat.S_IFDIR | 0o755), b"hidden")])
    with pytest.raises(UnsafeArchive, match="has content"):
        unpack_release(archive, tmp_path / "go")


def test_an_existing_destination_is_never_written_into(tmp_path: Path) -> None:
    archive = _tar(tmp_path)
    (tmp_path / "go").mkdir()
    (tmp_path / "go" / "keep").write_text("mine")
    with pytest.raises(InfrastructureError, match="cannot create"):
        unpack_release(archive, tmp_path / "go")
    assert _listing(tmp_path / "go") == ["keep"]
