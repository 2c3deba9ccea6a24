"""Find a module version's zip: in the module cache, else through GOPROXY as cmd/go would.

Why gogate fetches zips itself: the vendor check needs the pristine module to compare vendor/
with, and the extracted cache directory is exactly what an attacker would edit. A zip is only
ever a candidate: the caller verifies its ``h1:`` against go.sum before trusting a byte of it.

GOPROXY is read with Go's rules: entries separated by ``,`` (fall through only on 404/410) or
``|`` (fall through on any error); ``off`` stops; ``direct`` (version control) is not something
gogate does, so a module that only ``direct`` could serve is reported as not obtained; modules
matching GONOPROXY (default GOPRIVATE) go direct as well. ``file://`` proxies are read from disk.
Downloads go to gogate's own cache (``GOGATE_CACHE_DIR``/modules) under a temporary name and are
moved to their final name only by :func:`keep` after the caller verified them against go.sum, so a
CI cache of that directory makes the next run fast without ever trusting unverified bytes. That
directory gets a ``CACHEDIR.TAG`` (:mod:`gogate.cachedir`) when a download is first put there, so a
cache kept inside the checkout is not walked as part of the repository.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from gogate.cachedir import tag_cache_dir
from gogate.deps.modcache import download_dir
from gogate.deps.patterns import match_prefix_patterns
from gogate.errors import InfrastructureError
from gogate.http import HttpNotFound, HttpPolicy, http_get
from gogate.redact import redact
from gogate.sumdb.client import escape_module_path, escape_version

if TYPE_CHECKING:
    import httpx

__all__ = ["DEFAULT_GOPROXY", "ObtainedZip", "obtain_zip", "proxy_entries"]

DEFAULT_GOPROXY = "https://proxy.golang.org,direct"
MAX_ZIP_BYTES = 500 << 20
"""golang.org/x/mod/zip MaxZipFile: a bigger zip is not a module."""


@dataclass(frozen=True, slots=True)
class ObtainedZip:
    """Where a zip was found (``path``), or why not (``reason``; ``infrastructure`` for network faults)."""

    path: Path | None
    source: str
    reason: str | None = None
    pending: Path | None = None
    """Where a verified download should be kept (see :func:`keep`); None for cached copies."""
    infrastructure: bool = False
    not_found: bool = False
    """Every proxy GOPROXY lists answered "no such version" (none was skipped or failed)."""


def proxy_entries(goproxy: str) -> list[tuple[str, bool]]:
    """``(entry, fall_through_on_any_error)`` for each GOPROXY entry, in order."""
    entries: list[tuple[str, bool]] = []
    for match in re.finditer(r"([^,|]*)([,|]?)", goproxy or DEFAULT_GOPROXY):
        entry, separator = match.group(1).strip(), match.group(2)
        if entry:
            entries.append((entry, separator == "|"))
    return entries


def _zip_name(path: str, version: str) -> str:
    return f"{escape_module_path(path)}/@v/{escape_version(version)}.zip"


def _copy_limited(source: IO[bytes], target: Path, shown: str) -> None:
    written = 0
    with open(target, "wb") as handle:
        while chunk := source.read(1 << 20):
            written += len(chunk)
            if written > MAX_ZIP_BYTES:
                raise InfrastructureError(
                    f"{shown}: larger than the module zip limit ({MAX_ZIP_BYTES} bytes)"
                )
            handle.write(chunk)


def _from_file_proxy(base: str, name: str, target: Path) -> Path | None:
    local = Path(urllib.request.url2pathname(urllib.parse.urlsplit(base).path)) / name
    if not local.is_file():
        return None
    with open(local, "rb") as source:
        _copy_limited(source, target, str(local))
    return target


def _from_http_proxy(base: str, name: str, target: Path) -> Path:
    url = f"{base.rstrip('/')}/{name}"

    def save(response: httpx.Response, shown: str) -> Path:
        written = 0
        with open(target, "wb") as handle:
            for chunk in response.iter_bytes():
                written += len(chunk)
                if written > MAX_ZIP_BYTES:
                    raise InfrastructureError(f"{shown}: larger than the module zip limit")
                handle.write(chunk)
        return target

    return http_get(url, save, policy=HttpPolicy(timeout=30.0), what="module zip")


def keep(obtained: ObtainedZip) -> None:
    """Give a download its final name in gogate's cache, once its h1 matched go.sum."""
    if obtained.path is not None and obtained.pending is not None:
        os.replace(obtained.path, obtained.pending)


def obtain_zip(
    path: str,
    version: str,
    *,
    gomodcache: str | None,
    settings: Mapping[str, str],
    downloads: Path,
) -> ObtainedZip:
    """The zip of ``path@version`` from the module cache, gogate's cache, else GOPROXY."""
    if gomodcache:
        cached = download_dir(gomodcache, path) / f"{escape_version(version)}.zip"
        if cached.is_file():
            return ObtainedZip(cached, f"module cache {cached}")
    final = downloads.joinpath(*_zip_name(path, version).split("/"))
    if final.is_file():
        return ObtainedZip(final, f"gogate cache {final}")
    noproxy = settings.get("GONOPROXY") or settings.get("GOPRIVATE", "")
    if noproxy and match_prefix_patterns(noproxy, path):
        reason = f"not in the module cache, and GONOPROXY/GOPRIVATE ({noproxy}) sends it to version control"
        return ObtainedZip(None, "", reason)
    name = _zip_name(path, version)
    keep_at: Path | None = final
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        tag_cache_dir(downloads)
        handle, temporary = tempfile.mkstemp(prefix=".download-", suffix=".zip", dir=final.parent)
    except OSError:
        # gogate's cache is not writable (a read-only HOME): download to a temporary file, keep nothing.
        keep_at = None
        handle, temporary = tempfile.mkstemp(prefix="gogate-download-", suffix=".zip")
    os.close(handle)
    target = Path(temporary)
    obtained = _from_proxies(name, target, settings)
    if obtained.path is None:
        target.unlink(missing_ok=True)
        return obtained
    # Without a place to keep it, the caller still removes the temporary file (pending == path).
    return dataclasses.replace(obtained, pending=keep_at or target)


def _from_proxies(name: str, target: Path, settings: Mapping[str, str]) -> ObtainedZip:
    failures: list[str] = []
    undetermined = False  # set by anything but a clean "not found" (off, direct, offline, an error)
    for entry, any_error in proxy_entries(settings.get("GOPROXY", "")):
        if entry == "off":
            failures.append("GOPROXY=off")
            undetermined = True
            break
        if entry == "direct":
            failures.append("direct (version control) is not used by gogate")
            undetermined = True
            break
        shown = redact(entry)
        if entry.startswith("file://"):
            try:
                found = _from_file_proxy(entry, name, target)
            except (OSError, InfrastructureError) as error:
                failures.append(f"{shown}: {error}")
                undetermined = True
                if any_error:
                    continue
                break
            if found is not None:
                return ObtainedZip(found, f"{shown}/{name}")
            failures.append(f"{shown}: not found")
            continue
        try:
            return ObtainedZip(_from_http_proxy(entry, name, target), f"{shown}/{name}")
        except HttpNotFound as error:
            failures.append(error.message)
            continue
        except InfrastructureError as error:
            undetermined = True
            if any_error:
                failures.append(error.message)
                continue
            return ObtainedZip(None, "", redact(error.message), infrastructure=True)
    reason = "; ".join(failures) or "GOPROXY lists no proxy"
    return ObtainedZip(None, "", reason, not_found=bool(failures) and not undetermined)
