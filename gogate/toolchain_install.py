"""``gogate toolchain install``: provision the pinned Go release where a job's image has none.

Why gogate does this itself: a CI image without Go would otherwise fetch one with ``curl | tar``,
trusting whatever the network served. Here ``gogate.lock`` is the trust anchor, and it is required:

1. the pin (as ``gogate lock`` reads it) and the lock entry for the platform; no lock, a lock for
   another release or without the platform is exit 2 with the ``gogate lock`` remedy;
2. the official SHA-256 (download index, or the ``.sha256`` file beside the archive on a mirror
   without an index) must equal the lock's before anything is downloaded;
3. the archive is streamed once into a staging directory inside the target directory, hashed as it
   arrives (:func:`gogate.dlindex.download_archive`), then verified as ``gogate toolchain verify
   --archive`` does (:func:`gogate.archive_verify.verify_archive`: lock SHA-256, BLAKE3 and size,
   the index entry, ``go/VERSION``, no links or special entries);
4. only then is it unpacked (:func:`gogate.unpack.unpack_release`), the unpacked tree's ``VERSION``
   and toolchain-module ``h1:`` compared with the pin and the lock, a marker recording what was
   verified written last, and the staging directory renamed into place.

Any mismatch is exit 1 with nothing installed; a network fault is exit 3. A later run finds the
marker, re-hashes the tree against the lock (a CI cache can be poisoned) and answers without the
network; an install without a valid marker, or one whose files changed, is replaced.

The cache gets a ``CACHEDIR.TAG`` (:mod:`gogate.cachedir`): CI templates keep it inside the checkout,
and an unpacked release's ``src/`` is full of go.mod files that the repository walks must not take
for the project's. ``GOGATE_CACHE_DIR`` is tagged when the install directory is inside it (also on a
run that finds the release installed, so a cache from an older gogate is tagged too); a ``--dir``
elsewhere only when gogate created it, never a directory the user made.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform as host
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from gogate import __version__
from gogate.cachedir import TAG_NAME, tag_cache_dir
from gogate.commands import ToolchainOptions, _split_platform, _version
from gogate.dlindex import ArchiveTampered, IndexFile
from gogate.errors import GogateError, InfrastructureError, UsageError
from gogate.http import HttpPolicy
from gogate.lockfile import LOCK_FILE_NAME, LockPlatform, read_lock

__all__ = ["MARKER_NAME", "host_platform", "install_dir_name", "install_toolchain"]

MARKER_NAME = ".gogate-install.json"
"""Written last, beside ``go/``: the archive and toolchain-module h1 the tree was verified against."""

Log = Callable[[str], None]

_MACHINES = {
    "x86_64": "amd64",
    "amd64": "amd64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "i386": "386",
    "i686": "386",
    "x86": "386",
    "armv6l": "arm",
    "armv7l": "arm",
    "ppc64le": "ppc64le",
    "s390x": "s390x",
    "riscv64": "riscv64",
    "loongarch64": "loong64",
}


def host_platform() -> str:
    """GOOS/GOARCH of this machine, as Go names them; UsageError when there is no Go name for it."""
    system = sys.platform
    goos = "windows" if system in ("win32", "cygwin") else re.sub(r"[0-9]+$", "", system)
    machine = host.machine().lower()
    goarch = _MACHINES.get(machine)
    if not goos or goarch is None:
        raise UsageError(
            f"cannot tell the Go platform of this machine ({system}, {machine or 'unknown machine'})",
            remediation="pass --platform os/arch, e.g. linux/amd64",
        )
    return f"{goos}/{goarch}"


def install_dir_name(version: str, goos: str, goarch: str) -> str:
    """``go1.22.5.linux-amd64``: the directory under --dir whose ``go/`` is the GOROOT."""
    return f"go{version}.{goos}-{goarch}"


def _locked_entry(root: Path, version: str, platform: str) -> LockPlatform:
    """The lock entry for this release and platform; exit 2 with the ``gogate lock`` remedy otherwise."""
    lock = read_lock(root)
    refresh = f"run `gogate lock --platform {platform}` (with every platform the project uses) and commit it"
    if lock is None:
        raise UsageError(
            f"no {LOCK_FILE_NAME} in {root}: gogate installs a toolchain only against the hashes it records",
            remediation=refresh,
        )
    if lock.go_version != version:
        raise UsageError(
            f"{LOCK_FILE_NAME} is for Go {lock.go_version}, the pin is {version}: it cannot vouch for "
            f"go{version}",
            remediation=refresh,
        )
    entry = lock.platforms.get(platform)
    if entry is None:
        listed = ", ".join(sorted(lock.platforms))
        raise UsageError(
            f"{LOCK_FILE_NAME} has no entry for {platform} (it lists {listed})", remediation=refresh
        )
    return entry


def _read_marker(target: Path) -> dict[str, object] | None:
    path = target / MARKER_NAME
    try:
        if not path.is_file() or path.is_symlink():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _marker(version: str, platform: str, entry: LockPlatform) -> dict[str, object]:
    return {
        "go_version": version,
        "platform": platform,
        "archive": entry.archive.model_dump(mode="json"),
        "module_h1": entry.module.h1,
        "installed_by": f"gogate {__version__}",
    }


def _only_files_and_directories(root: Path) -> str | None:
    """The first entry below ``root`` that is neither (a link, FIFO, ...), or None. Nothing is followed."""
    pending = [root]
    while pending:
        directory = pending.pop()
        with os.scandir(directory) as listing:
            for child in listing:
                if child.is_dir(follow_symlinks=False):
                    pending.append(Path(child.path))
                elif not child.is_file(follow_symlinks=False):
                    return child.path
    return None


def _tree_problem(goroot: Path, version: str, goos: str, goarch: str, h1: str) -> str | None:
    """Why ``goroot`` is not exactly the locked release (VERSION, links, module h1), or None."""
    from gogate.toolchain_tree import goroot_version, toolchain_tree_from_goroot

    try:
        if goroot.is_symlink() or not goroot.is_dir():
            return f"{goroot} is not a directory"
        found = goroot_version(goroot)
        if found != f"go{version}":
            return f"{goroot}/VERSION says {found}, the pin is go{version}"
        odd = _only_files_and_directories(goroot)
        if odd is not None:
            return f"{odd} is a link or special file"
        tree_h1 = toolchain_tree_from_goroot(goroot, version, goos, goarch).h1
    except (GogateError, OSError) as error:
        return error.message if isinstance(error, GogateError) else str(error)
    if tree_h1 != h1:
        return f"its toolchain module h1 is {tree_h1}, {LOCK_FILE_NAME} says {h1}"
    return None


def _installed(target: Path, version: str, platform: str, entry: LockPlatform, log: Log) -> bool:
    """True when ``target`` is a complete install of exactly the locked archive (checked offline)."""
    if not target.exists() and not target.is_symlink():
        return False
    marker = _read_marker(target) if target.is_dir() and not target.is_symlink() else None
    if marker is None:
        log(f"{target}: no valid {MARKER_NAME} (an interrupted install?): replacing it")
        return False
    expected = _marker(version, platform, entry)
    if any(marker.get(key) != value for key, value in expected.items() if key != "installed_by"):
        log(f"{target}: installed from another archive than {LOCK_FILE_NAME} records: replacing it")
        return False
    goos, goarch = _split_platform(platform)
    problem = _tree_problem(target / "go", version, goos, goarch, entry.module.h1)
    if problem is not None:
        log(f"{target}: changed since it was installed ({problem}): replacing it")
        return False
    return True


@contextlib.contextmanager
def _exclusive(directory: Path, name: str) -> Iterator[bool]:
    """Hold ``directory/.name.lock`` so concurrent installs into a shared cache take turns.

    Yields False where advisory locks do not exist (Windows): leftovers are then left alone.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield False
        return
    path = directory / f".{name}.lock"
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as error:
        raise UsageError(f"cannot create {path}: {error.strerror or error}") from error
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield True
    finally:
        os.close(descriptor)


def _remove(path: Path) -> None:
    if path.is_symlink() or not path.is_dir():
        path.unlink()
    else:
        shutil.rmtree(path)


def _remove_leftovers(directory: Path, name: str, log: Log) -> None:
    """Staging and replaced directories of killed installs (only while holding the lock)."""
    for leftover in sorted(directory.glob(f".{name}.*")):
        if leftover.name.endswith((".tmp", ".old")):
            with contextlib.suppress(OSError):
                _remove(leftover)
                log(f"removed {leftover} (left by an interrupted install)")


def _official_sha256(
    options: ToolchainOptions, version: str, goos: str, goarch: str, entry: LockPlatform, log: Log
) -> IndexFile | None:
    """Check the official SHA-256 against the lock before any download; return the index entry.

    None when the SHA-256 came from a ``.sha256`` file. A disagreement is exit 1 naming both values.
    """
    from gogate.dlindex import (
        GO_DEV_REDIRECT_HOSTS,
        fetch_index,
        fetch_sha256_file,
        file_url,
        find_archive,
    )
    from gogate.http import HttpNotFound

    policy = HttpPolicy(redirect_hosts=GO_DEV_REDIRECT_HOSTS)
    filename = entry.archive.filename
    locked = entry.archive.sha256
    try:
        index = fetch_index(options.dl_base, policy=policy)
    except HttpNotFound as missing:
        # A plain mirror of the files (no index): the .sha256 file the release publishes beside each one.
        url = file_url(options.dl_base, filename) + ".sha256"
        try:
            official = fetch_sha256_file(url, policy=policy)
        except HttpNotFound as error:
            raise InfrastructureError(
                f"no official SHA-256 for {filename}: {missing.message}; {error.message}",
                remediation="point --dl-base (GOGATE_DL_BASE) at go.dev/dl or a mirror that has its "
                "download index or the .sha256 files",
            ) from error
        source = url
        listed = None
    else:
        listed = find_archive(index, f"go{version}", goos, goarch)
        if listed is None or listed.sha256 is None:
            raise ArchiveTampered(
                f"the download index {index.url} lists no SHA-256 for {filename}, which {LOCK_FILE_NAME} "
                "records",
                differences=["index"],
                remediation="check --dl-base points at go.dev/dl or a complete mirror of it",
            )
        if listed.size != entry.archive.size:
            raise ArchiveTampered(
                f"{filename}: {LOCK_FILE_NAME} records {entry.archive.size} bytes, the download index "
                f"{index.url} says {listed.size}",
                differences=["index: size"],
                remediation="find out which is wrong before installing; `gogate lock` rewrites the lock "
                "from the index",
            )
        official, source = listed.sha256, index.url
    if official != locked:
        raise ArchiveTampered(
            f"{filename}: {LOCK_FILE_NAME} records sha256 {locked}, the official SHA-256 from {source} "
            f"is {official}",
            differences=["sha256"],
            remediation="find out which is wrong before installing; `gogate lock` rewrites the lock "
            "from the index",
        )
    log(f"official SHA-256 of {filename} from {source} matches {LOCK_FILE_NAME}: {official}")
    return listed


def _commit(staging: Path, target: Path, log: Log) -> None:
    """Rename the verified staging directory to ``target``, moving a previous (invalid) one aside."""
    try:
        # mkdtemp made it private while it was being filled; the toolchain is for every user of the cache.
        staging.chmod(0o755)
        if target.exists() or target.is_symlink():
            aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
            os.replace(target, aside / "replaced")
            os.replace(staging, target)
            shutil.rmtree(aside, ignore_errors=True)
            log(f"removed the previous {target}")
        else:
            os.replace(staging, target)
    except OSError as error:
        raise InfrastructureError(f"cannot move {staging} to {target}: {error.strerror or error}") from error
    with contextlib.suppress(OSError):
        descriptor = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _inside(directory: Path, root: Path) -> bool:
    directory, root = Path(os.path.abspath(directory)), Path(os.path.abspath(root))
    return directory == root or root in directory.parents


def _tag_cache(options: ToolchainOptions, directory: Path, created: bool, log: Log) -> None:
    """Tag gogate's cache root (or a --dir gogate created) so repository walks skip the releases."""
    if _inside(directory, options.cache_dir):
        tagged = options.cache_dir
    elif created:
        tagged = directory
    else:
        return
    if tag_cache_dir(tagged):
        log(f"wrote {tagged / TAG_NAME}: marks gogate's cache so repository walks and backups skip it")


def install_toolchain(
    options: ToolchainOptions, directory: Path, log: Log, *, policy: HttpPolicy | None = None
) -> Path:
    """Install the pinned release for ``options.platform`` (default: this machine's) under
    ``directory``; return its GOROOT. ``policy`` overrides the archive download's timeouts and retries.
    """
    from gogate.archive_verify import verify_archive
    from gogate.dlindex import GO_DEV_REDIRECT_HOSTS, download_archive, file_url
    from gogate.toolchain_tree import goroot_version
    from gogate.unpack import unpack_release

    version = _version(options)
    platform = options.platform or host_platform()
    goos, goarch = _split_platform(platform)
    entry = _locked_entry(options.root, version, platform)
    name = install_dir_name(version, goos, goarch)
    target = directory / name
    goroot = target / "go"
    if _installed(target, version, platform, entry, log):
        log(f"go{version} {platform} already installed in {goroot}, verified against {LOCK_FILE_NAME}")
        _tag_cache(options, directory, False, log)
        return goroot
    listed = _official_sha256(options, version, goos, goarch, entry, log)
    created = not directory.is_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create {directory}: {error.strerror or error}") from error
    _tag_cache(options, directory, created, log)
    with _exclusive(directory, name) as locked:
        if target.exists() and _installed(target, version, platform, entry, lambda _: None):
            log(f"go{version} {platform} was installed in {goroot} meanwhile")
            return goroot
        if locked:
            _remove_leftovers(directory, name, log)
        download_policy = policy or HttpPolicy(redirect_hosts=GO_DEV_REDIRECT_HOSTS)
        archive = entry.archive
        try:
            staging = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=directory))
        except OSError as error:
            raise UsageError(f"cannot write in {directory}: {error.strerror or error}") from error
        try:
            url = file_url(options.dl_base, archive.filename)
            downloaded = download_archive(
                url,
                staging,
                expected_size=archive.size,
                expected_sha256=archive.sha256,
                file_name=archive.filename,
                policy=download_policy,
            )
            log(f"downloaded {url} ({downloaded.digests.size} bytes)")
            report = verify_archive(
                downloaded.path,
                version=f"go{version}",
                goos=goos,
                goarch=goarch,
                lock_entry=(archive.sha256, archive.blake3, archive.size),
                index_file=listed,
            )
            report.raise_for_failures()
            checked = ", ".join(item.subject for item in report.comparisons if item.status == "pass")
            log(f"verified {archive.filename} before unpacking: {checked}")
            unpacked = unpack_release(downloaded.path, staging / "go")
            downloaded.path.unlink()
            log(f"unpacked {unpacked.files} files ({unpacked.size} bytes) into {staging / 'go'}")
            problem = _tree_problem(staging / "go", version, goos, goarch, entry.module.h1)
            if problem is not None:
                raise ArchiveTampered(
                    f"the unpacked go{version} {platform} is not what {LOCK_FILE_NAME} records: {problem}"
                )
            log(f"verified the unpacked tree: {goroot_version(staging / 'go')}, module h1 {entry.module.h1}")
            _write_marker(staging, _marker(version, platform, entry))
            _commit(staging, target, log)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            log(f"nothing installed: removed {staging}")
            raise
    log(f"installed go{version} {platform}: GOROOT={goroot}")
    return goroot


def _write_marker(staging: Path, marker: dict[str, object]) -> None:
    path = staging / MARKER_NAME
    try:
        with open(path, "x", encoding="utf-8") as handle:
            json.dump(marker, handle, indent=2, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        raise InfrastructureError(f"cannot write {path}: {error.strerror or error}") from error
