"""Local copies of the pinned release's archives, verified once per run for the toolchain-archive check.

Each archive is hashed in one read pass (SHA-256 and BLAKE3) and compared with gogate.lock and, in
full mode, with the official download index. The comparisons are facts; the check judges them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from gogate.errors import GogateError, InfrastructureError
from gogate.lockfile import LockFacts

__all__ = ["ArchiveFacts", "ArchiveItem", "ArchiveComparison", "gather_archive_facts"]


class ArchiveComparison(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    subject: str
    expected: str | None
    found: str | None
    status: str
    """'pass', 'fail' or 'not-verified'."""


class ArchiveItem(BaseModel):
    """One configured archive and how it compared."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    platform: str | None = None
    comparisons: tuple[ArchiveComparison, ...] = ()
    authenticated: bool = False
    error: str | None = None


class ArchiveFacts(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    items: tuple[ArchiveItem, ...] = ()
    index_error: str | None = None


def gather_archive_facts(
    archives: tuple[str, ...],
    version: str,
    lock: LockFacts | None,
    *,
    use_index: bool,
    download: bool = False,
    environ: Mapping[str, str],
) -> ArchiveFacts:
    """Verify each archive against the lock and, when ``use_index``, the official download index.

    With ``download`` (full mode), every platform gogate.lock lists is also downloaded from the
    index (verified against its SHA-256 while it streams) and then checked like a local copy.
    """
    with tempfile.TemporaryDirectory(prefix="gogate-archives-") as scratch:
        return _gather(
            archives,
            version,
            lock,
            use_index=use_index or download,
            download=download,
            environ=environ,
            scratch=Path(scratch),
        )


def _gather(
    archives: tuple[str, ...],
    version: str,
    lock: LockFacts | None,
    *,
    use_index: bool,
    download: bool,
    environ: Mapping[str, str],
    scratch: Path,
) -> ArchiveFacts:
    from gogate.archive_verify import verify_archive
    from gogate.dlindex import (
        GO_DEV_REDIRECT_HOSTS,
        DownloadIndex,
        download_archive,
        fetch_index,
        file_url,
        find_archive,
        platform_of_archive,
    )
    from gogate.http import HttpPolicy

    index: DownloadIndex | None = None
    index_error = None
    base = environ.get("GOGATE_DL_BASE") or "https://go.dev/dl"
    policy = HttpPolicy(redirect_hosts=GO_DEV_REDIRECT_HOSTS)
    locked = lock.lock if lock is not None else None
    if use_index and (archives or (download and locked is not None)):
        try:
            index = fetch_index(base, policy=policy)
        except GogateError as error:
            index_error = error.diagnostics()
    items: list[ArchiveItem] = []
    if download and index is not None and locked is not None and locked.go_version == version:
        fetched: list[str] = []
        for platform in sorted(locked.platforms):
            goos, _, goarch = platform.partition("/")
            listed = find_archive(index, f"go{version}", goos, goarch)
            if listed is None or listed.sha256 is None:
                items.append(
                    ArchiveItem(path=platform, platform=platform, error="the download index lists no archive")
                )
                continue
            try:
                result = download_archive(
                    file_url(base, listed.filename),
                    scratch,
                    expected_size=listed.size,
                    expected_sha256=listed.sha256,
                    policy=policy,
                )
            except InfrastructureError as error:
                # Could not fetch: undecided, not tampered.
                index_error = error.diagnostics()
                continue
            except GogateError as error:
                items.append(ArchiveItem(path=listed.filename, platform=platform, error=error.diagnostics()))
                continue
            fetched.append(str(result.path))
        archives = (*archives, *fetched)
    for archive in archives:
        path = Path(archive)
        named = platform_of_archive(path.name)
        if named is None:
            items.append(
                ArchiveItem(path=archive, error=f"{path.name} is not named like a Go release archive")
            )
            continue
        goos, goarch = named
        platform = f"{goos}/{goarch}"
        locked = lock.lock if lock is not None else None
        entry = None
        if locked is not None and locked.go_version == version and platform in locked.platforms:
            archive_entry = locked.platforms[platform].archive
            entry = (archive_entry.sha256, archive_entry.blake3, archive_entry.size)
        try:
            report = verify_archive(
                path,
                version=f"go{version}",
                goos=goos,
                goarch=goarch,
                lock_entry=entry,
                index_file=None,
                index=index,
            )
        except (GogateError, OSError) as error:
            message = error.diagnostics() if isinstance(error, GogateError) else str(error)
            items.append(ArchiveItem(path=archive, platform=platform, error=message))
            continue
        comparisons = tuple(
            ArchiveComparison(subject=c.subject, expected=c.expected, found=c.found, status=str(c.status))
            for c in report.comparisons
        )
        items.append(
            ArchiveItem(
                path=archive, platform=platform, comparisons=comparisons, authenticated=report.authenticated
            )
        )
    return ArchiveFacts(items=tuple(items), index_error=index_error)
