"""The toolchain commands: ``gogate toolchain verify`` and ``gogate lock``.

Each command returns an :class:`Outcome` (exit code and the lines to print); the CLI prints them.
Network access goes through the verifying clients (download index, checksum database), whose
failures are InfrastructureError (exit 3): a reference that cannot be fetched is "could not
decide", never a pass.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from gogate import __version__, goversion
from gogate.errors import InputError, UsageError
from gogate.exitcodes import ExitCode

__all__ = ["Outcome", "ToolchainOptions", "run_lock", "verify_archive_file", "verify_goroot"]

_TOOL_DIR = re.compile(r"^(?P<goos>[a-z0-9]+)_(?P<goarch>[a-z0-9]+)$")


@dataclass(frozen=True)
class Outcome:
    """What a command decided and what to tell the user."""

    code: ExitCode
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ToolchainOptions:
    """Where references come from: the repository (pin, lock), the download index, the sumdb."""

    root: Path
    version: str | None
    platform: str | None
    offline: bool
    dl_base: str
    gosumdb: str | None
    goproxy: str | None
    cache_dir: Path


def _version(options: ToolchainOptions) -> str:
    """The release to verify against: --version, else the repository's pin."""
    if options.version:
        version = goversion.normalize_user_version(options.version)
        if not version or not goversion.is_release(version):
            raise UsageError(f"--version {options.version}: not an exact Go release (e.g. go1.22.5)")
        return version
    from gogate.facts.pins import gather_repo_facts

    pin = gather_repo_facts(options.root).pin
    if pin is None or pin.version is None or not goversion.is_release(pin.version):
        raise UsageError("no exact pin in the repository: pass --version goX.Y.Z")
    return pin.version


def _split_platform(platform: str) -> tuple[str, str]:
    goos, _, goarch = platform.partition("/")
    if not goos or not goarch or "/" in goarch:
        raise UsageError(f"--platform {platform}: expected os/arch, e.g. linux/amd64")
    return goos, goarch


def verify_archive_file(archive: Path, options: ToolchainOptions) -> Outcome:
    """Verify a release archive against gogate.lock and (unless offline) the download index."""
    from gogate.archive_verify import verify_archive
    from gogate.dlindex import GO_DEV_REDIRECT_HOSTS, fetch_index, platform_of_archive
    from gogate.http import HttpPolicy
    from gogate.lockfile import read_lock

    if not archive.is_file():
        raise UsageError(f"--archive {archive}: no such file")
    version = _version(options)
    if options.platform:
        goos, goarch = _split_platform(options.platform)
    else:
        platform = platform_of_archive(archive.name)
        if platform is None:
            raise UsageError(
                f"{archive.name}: cannot tell the platform from the name; pass --platform os/arch"
            )
        goos, goarch = platform
    lock = read_lock(options.root)
    entry = None
    if lock is not None and lock.go_version == version and f"{goos}/{goarch}" in lock.platforms:
        locked = lock.platforms[f"{goos}/{goarch}"].archive
        entry = (locked.sha256, locked.blake3, locked.size)
    index = None
    if not options.offline:
        index = fetch_index(options.dl_base, policy=HttpPolicy(redirect_hosts=GO_DEV_REDIRECT_HOSTS))
    report = verify_archive(
        archive,
        version=f"go{version}",
        goos=goos,
        goarch=goarch,
        lock_entry=entry,
        index_file=None,
        index=index,
    )
    lines = [f"{archive.name}: sha256 {report.digests.sha256}  blake3 {report.digests.blake3}"]
    lines += [f"  {item.describe()}" for item in report.comparisons]
    if report.failures:
        lines.append(f"FAILED: {archive.name} is not the official go{version} {goos}/{goarch} archive")
        return Outcome(ExitCode.GATE_FAILED, lines)
    if not report.authenticated:
        reason = "no gogate.lock entry and --offline" if options.offline else "nothing to compare with"
        lines.append(f"could not decide: no trusted SHA-256 for this archive ({reason})")
        return Outcome(ExitCode.INFRASTRUCTURE_ERROR, lines)
    lines.append(f"verified: official go{version} {goos}/{goarch} archive")
    return Outcome(ExitCode.PASSED, lines)


def _goroot_platform(goroot: Path, platform: str | None) -> tuple[str, str]:
    if platform:
        return _split_platform(platform)
    tool = goroot / "pkg" / "tool"
    candidates = (
        [m for d in sorted(tool.iterdir()) if (m := _TOOL_DIR.match(d.name))] if tool.is_dir() else []
    )
    if len(candidates) != 1:
        raise UsageError(f"{goroot}: cannot tell its platform from pkg/tool; pass --platform os/arch")
    return candidates[0].group("goos"), candidates[0].group("goarch")


def _goroot_release(options: ToolchainOptions, installed: str) -> str:
    """The release a GOROOT must be: --version, else the repository's exact pin, else what it says it is."""
    if options.version:
        return _version(options)
    from gogate.facts.pins import NoPinError, gather_repo_facts

    try:
        pin = gather_repo_facts(options.root).pin
    except NoPinError:
        return installed
    if pin is not None and pin.version is not None and goversion.is_release(pin.version):
        return pin.version
    return installed


def verify_goroot(
    goroot: Path, expect: str | None, reference_archive: Path | None, options: ToolchainOptions
) -> Outcome:
    """Compare an installed GOROOT's toolchain-module h1 with --expect, gogate.lock or the sumdb."""
    from gogate.lockfile import read_lock
    from gogate.toolchain_tree import (
        compare_trees,
        goroot_version,
        toolchain_tree_from_goroot,
    )

    goos, goarch = _goroot_platform(goroot, options.platform)
    installed = goroot_version(goroot).removeprefix("go")
    version = _goroot_release(options, installed)
    tree = toolchain_tree_from_goroot(goroot, version, goos, goarch)
    lines = [f"{goroot}: go{installed} {goos}/{goarch}, toolchain module {tree.module_version} {tree.h1}"]
    if installed != version:
        lines.append(f"FAILED: {goroot}/VERSION says go{installed}, expected go{version}")
        return Outcome(ExitCode.GATE_FAILED, lines)
    reference, source = expect, "--expect"
    if reference is None:
        lock = read_lock(options.root)
        entry = (
            lock.platforms.get(f"{goos}/{goarch}")
            if lock is not None and lock.go_version == version
            else None
        )
        if entry is not None:
            reference, source = entry.module.h1, "gogate.lock"
    if reference is None and not options.offline:
        reference, source = _sumdb_h1(tree.module_version, options), "the checksum database"
    if reference is None:
        lines.append("could not decide: no reference h1 (no --expect, no gogate.lock entry, --offline)")
        return Outcome(ExitCode.INFRASTRUCTURE_ERROR, lines)
    if reference == tree.h1:
        lines.append(f"verified: matches {source} ({reference})")
        return Outcome(ExitCode.PASSED, lines)
    lines.append(
        f"FAILED: not the official go{version} {goos}/{goarch}: {source} says {reference}, found {tree.h1}"
    )
    if reference_archive is not None:
        official_h1, official_entries = _reference_tree(reference_archive, version, goos, goarch)
        if official_h1 != reference:
            lines.append(f"  note: the reference archive's h1 {official_h1} does not match {source} either")
        diff = compare_trees(official_entries, tree.entries)
        lines += [f"  extra:    {name}" for name in diff.extra]
        lines += [f"  missing:  {name}" for name in diff.missing]
        lines += [f"  modified: {name}" for name in diff.modified]
    else:
        lines.append("  pass --archive with the official release archive to list the files that differ")
    return Outcome(ExitCode.GATE_FAILED, lines)


def _reference_tree(path: Path, version: str, goos: str, goarch: str) -> tuple[str, list[tuple[str, str]]]:
    """h1 and entries of a reference: a release archive (go/ prefix) or the toolchain module zip itself."""
    import zipfile

    from gogate.dirhash import hash1, zip_entries
    from gogate.toolchain_tree import MODULE_PATH, toolchain_tree_from_archive

    if path.name.endswith(".zip") and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        if names and all(name.startswith(f"{MODULE_PATH}@") for name in names):
            entries = zip_entries(path)
            return hash1(entries), entries
    official = toolchain_tree_from_archive(path, version, goos, goarch)
    return official.h1, list(official.entries)


def _cross_check_h1(module_version: str, h1: str, options: ToolchainOptions) -> str:
    """Compare the archive's module h1 with the checksum database before it goes into the lock.

    The download index and the archive come from the same origin; the checksum database is an
    independent, append-only witness. A disagreement is a failure; an unreachable database is said.
    """
    from gogate.dlindex import ArchiveTampered
    from gogate.errors import GogateError

    try:
        official = _sumdb_h1(module_version, options)
    except GogateError as error:
        return f"  warning: {module_version} not cross-checked with the checksum database: {error.message}"
    if official != h1:
        raise ArchiveTampered(
            f"golang.org/toolchain@{module_version}: the archive's module h1 {h1} differs from the checksum "
            f"database's {official}",
            remediation="do not lock this archive; check the download index or mirror you used",
        )
    return f"  {module_version} h1 matches the checksum database"


def _sumdb_h1(module_version: str, options: ToolchainOptions) -> str:
    """The checksum database's verified record for golang.org/toolchain@<module_version>."""
    from gogate.toolchain_reference import sumdb_toolchain_h1

    return sumdb_toolchain_h1(
        module_version, gosumdb=options.gosumdb, goproxy=options.goproxy, cache_dir=options.cache_dir
    )


def run_lock(platforms: list[str], options: ToolchainOptions) -> Outcome:
    """Write gogate.lock: official SHA-256 (index), BLAKE3 and the module h1 of the verified archive."""
    from gogate.dlindex import GO_DEV_REDIRECT_HOSTS, download_archive, fetch_index, file_url, find_archive
    from gogate.http import HttpPolicy
    from gogate.lockfile import (
        LOCK_FILE_NAME,
        GogateLock,
        LockArchive,
        LockModule,
        LockPlatform,
        describe_changes,
        read_lock,
        write_lock_atomically,
    )
    from gogate.toolchain_tree import toolchain_tree_from_archive

    if options.offline:
        raise UsageError("gogate lock needs the download index: it cannot run with --offline")
    version = _version(options)
    policy = HttpPolicy(redirect_hosts=GO_DEV_REDIRECT_HOSTS)
    index = fetch_index(options.dl_base, policy=policy)
    entries: dict[str, LockPlatform] = {}
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="gogate-lock-") as scratch:
        for platform in platforms:
            goos, goarch = _split_platform(platform)
            listed = find_archive(index, f"go{version}", goos, goarch)
            if listed is None or listed.sha256 is None:
                raise UsageError(f"the download index lists no go{version} archive for {platform}")
            downloaded = download_archive(
                file_url(options.dl_base, listed.filename),
                scratch,
                expected_size=listed.size,
                expected_sha256=listed.sha256,
                policy=policy,
            )
            tree = toolchain_tree_from_archive(downloaded.path, version, goos, goarch)
            lines.append(_cross_check_h1(tree.module_version, tree.h1, options))
            entries[platform] = LockPlatform(
                archive=LockArchive(
                    filename=listed.filename,
                    size=downloaded.digests.size,
                    sha256=downloaded.digests.sha256,
                    blake3=downloaded.digests.blake3,
                ),
                module=LockModule(path="golang.org/toolchain", version=tree.module_version, h1=tree.h1),
            )
            os.unlink(downloaded.path)
            lines.append(
                f"{platform}: {listed.filename} sha256 {downloaded.digests.sha256} (matches the index)"
            )
    new = GogateLock(
        schema_version=1, go_version=version, generated_by=f"gogate {__version__}", platforms=entries
    )
    try:
        old = read_lock(options.root)
    except InputError as error:
        # A malformed lock's own remediation is "regenerate it with `gogate lock`": replace it.
        old = None
        lines.append(f"replacing an unreadable {LOCK_FILE_NAME}: {error.message}")
    changes = describe_changes(old, new)
    if not changes:
        lines.append(f"{LOCK_FILE_NAME}: up to date, not written")
        return Outcome(ExitCode.PASSED, lines)
    try:
        write_lock_atomically(options.root / LOCK_FILE_NAME, new)
    except OSError as error:
        raise UsageError(f"{LOCK_FILE_NAME}: cannot write: {error.strerror or error}") from error
    lines.append(f"wrote {LOCK_FILE_NAME}:")
    lines += [f"  {change}" for change in changes]
    return Outcome(ExitCode.PASSED, lines)
