"""Where the official toolchain-module ``h1:`` comes from: the Go checksum database.

Shared by ``gogate toolchain verify --goroot`` and the ``goroot`` check. The database is read
through GOPROXY when the proxy offers it (``<proxy>/sumdb/<name>/supported``), as cmd/go does:
CI networks often reach the proxy and not sum.golang.org. Whichever URL serves it, the signed tree
head, the inclusion proof and the fork check are verified by :mod:`gogate.sumdb.client`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from gogate.cachedir import tag_cache_dir
from gogate.errors import InfrastructureError

if TYPE_CHECKING:
    from gogate.sumdb.client import SumdbConfig

__all__ = ["TOOLCHAIN_MODULE", "cache_dir", "sumdb_toolchain_h1", "through_proxy"]

TOOLCHAIN_MODULE = "golang.org/toolchain"


def cache_dir(environ: Mapping[str, str]) -> Path:
    """gogate's own cache (last signed tree head, verified tiles): GOGATE_CACHE_DIR or ~/.cache/gogate.

    Computing the path writes nothing; each writer tags the directory with ``CACHEDIR.TAG``
    (:func:`gogate.cachedir.tag_cache_dir`) once it has created it, so a cache kept inside the
    checkout (GitLab caches only project paths) is not walked as the repository's own files.
    """
    configured = environ.get("GOGATE_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(environ.get("HOME", "~")).expanduser() / ".cache" / "gogate"


def through_proxy(config: SumdbConfig, goproxy: str | None) -> SumdbConfig:
    """The same database, read through the first proxy in GOPROXY that says it proxies it.

    As cmd/go: a proxy answering 404/410 for ``<proxy>/sumdb/<name>/supported`` is passed over; any
    other failure is an error (InfrastructureError), never a reason to go to the database directly.
    """
    from gogate.http import HttpNotFound, HttpPolicy, http_get

    if config.explicit_url:
        return config
    for entry in re.split(r"[,|]", goproxy or "https://proxy.golang.org,direct"):
        if entry in ("direct", "off"):
            break  # cmd/go stops here: what follows is never consulted for the database
        if not entry.startswith(("https://", "http://")):
            continue
        base = f"{entry.rstrip('/')}/sumdb/{config.name}"
        try:
            http_get(
                f"{base}/supported",
                lambda response, shown: None,
                policy=HttpPolicy(timeout=10, retries=0),
                what="checksum database proxy",
            )
        except HttpNotFound:
            continue
        return dataclasses.replace(config, url=base)
    return config


def sumdb_toolchain_h1(
    module_version: str, *, gosumdb: str | None, goproxy: str | None, cache_dir: Path
) -> str:
    """The verified ``h1:`` the checksum database records for golang.org/toolchain@<module_version>.

    Raises SumdbDisabledError for GOSUMDB=off, InfrastructureError when it cannot be reached, and
    SumdbSecurityError when what it serves does not verify.
    """
    from gogate.sumdb.client import SumdbClient, require_gosumdb

    config = through_proxy(require_gosumdb(gosumdb), goproxy)
    with SumdbClient(config, cache_dir / "sumdb") as client:
        result = client.lookup(TOOLCHAIN_MODULE, module_version)
    tag_cache_dir(cache_dir)  # the lookup created cache_dir/sumdb: the root is gogate's cache now
    for line in result.lines:
        fields = line.split()
        if len(fields) == 3 and fields[1] == module_version:
            return fields[2]
    raise InfrastructureError(
        f"the checksum database has no zip hash for {TOOLCHAIN_MODULE}@{module_version}",
        remediation="check that this Go release exists for this platform",
    )
