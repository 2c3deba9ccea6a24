"""Cross-check go.sum lines against the Go checksum database (the ``sumdb`` check's engine).

Go only asks the database about a module when it downloads it, so a go.sum line written by hand, by a
tool, or while GONOSUMDB matched is never checked again (golang/go#47752). This module asks the
database about every line that Go would check, with verified proofs (:mod:`gogate.sumdb.client`).

Verdicts, per go.sum line (see :class:`SumVerdict`):

* ``verified``: the database's authenticated record holds exactly this line;
* ``mismatch``: the record holds a different ``h1:`` for this module version (a SECURITY failure);
* ``missing``: the database has no line for it: it answered 404/410 for the module version (cmd/go
  then refuses the download with "verifying module: ... not found" unless GONOSUMDB/GOPRIVATE lists
  the module), or its record lacks this line (cmd/go: "checksum missing from sumdb response"), or the
  line's hash is not an ``h1:`` the database could hold;
* ``error``: this module version could not be looked up (network, timeout, HTTP error, a malformed
  path or version): not verified, never passed.

Failure policy. An infrastructure fault becomes ``error`` verdicts for the lines of that module
version only, so one flaky lookup neither hides the mismatches found elsewhere nor passes anything.
After ``give_up_after`` such faults the database is taken to be unreachable: lookups not yet started
are not attempted (each would wait for its own timeouts) and their lines get ``error`` verdicts too.
A :class:`~gogate.sumdb.errors.SumdbSecurityError` (bad signature, forked log, tiles or record that do
not match the signed tree) is not about one line but about the database itself: it stops the run and
propagates (exit 1), since nothing that database said can be trusted any more.

Lookups run on a bounded thread pool sharing one :class:`~gogate.sumdb.client.SumdbClient` (which is
thread-safe); the zip line and the ``/go.mod`` line of one module version are served by one lookup.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from gogate.deps.patterns import match_prefix_patterns
from gogate.errors import ConfigError, InfrastructureError
from gogate.redact import redact

if TYPE_CHECKING:
    from gogate.deps.model import SumLine
    from gogate.sumdb.client import LookupResult, SumdbClient

__all__ = [
    "SumVerdict",
    "VerdictStatus",
    "sumdb_client_for",
    "sumdb_exclusion",
    "verify_sum_lines",
]

VerdictStatus = Literal["verified", "mismatch", "missing", "error"]

_TOOLCHAIN_MODULE = "golang.org/toolchain"


@dataclass(frozen=True, slots=True)
class SumVerdict:
    """What the checksum database says about one go.sum line."""

    line: SumLine
    status: VerdictStatus
    detail: str
    """A sentence naming the module version; for ``mismatch`` it quotes the database's hash(es)."""
    url: str | None
    """The lookup URL (credentials redacted); None when no lookup URL could be formed."""


# ----------------------------------------------------------------------------------------- exclusions


def _matching_entry(patterns: str, module_path: str) -> str | None:
    for entry in patterns.split(","):
        if match_prefix_patterns(entry, module_path):
            return entry
    return None


def sumdb_exclusion(module_path: str, settings: Mapping[str, str]) -> str | None:
    """Why the checksum database is not consulted for ``module_path``, or None when it is.

    ``settings`` holds Go's settings (``go env`` values and the process environment merged). The rules
    are cmd/go's: ``GOSUMDB=off`` disables the database; otherwise a module matching ``GONOSUMDB``
    (which, when unset or empty, takes ``GOPRIVATE``'s value) is not looked up. ``golang.org/toolchain``
    is always looked up, as cmd/go does. Two settings that look related do not exclude anything in Go:
    ``GOINSECURE`` (plain-HTTP fetching only) and ``GOFLAGS=-insecure`` (since Go 1.17 only ``go get``
    knows the flag, and rejects it). ``GONOSUMCHECK`` is not a Go setting at all: Go still checks the
    modules it matches, but users set it meaning "skip", so gogate skips them too and says so.
    """
    if settings.get("GOSUMDB", "").strip() == "off":
        return "GOSUMDB=off: the go command consults no checksum database at all"
    if module_path != _TOOLCHAIN_MODULE:
        nosumdb = settings.get("GONOSUMDB", "")
        variable = "GONOSUMDB"
        if nosumdb == "":
            nosumdb, variable = settings.get("GOPRIVATE", ""), "GOPRIVATE"
        entry = _matching_entry(nosumdb, module_path)
        if entry is not None:
            origin = " (GONOSUMDB is unset, so Go uses GOPRIVATE)" if variable == "GOPRIVATE" else ""
            return redact(
                f"{variable}={nosumdb}{origin}: its pattern {entry!r} matches {module_path}, so the go "
                "command never asks the checksum database about it"
            )
    entry = _matching_entry(settings.get("GONOSUMCHECK", ""), module_path)
    if entry is not None:
        return redact(
            f"GONOSUMCHECK={settings['GONOSUMCHECK']}: its pattern {entry!r} matches {module_path}; "
            "GONOSUMCHECK is not a Go setting (the go command still checks this module against the "
            "checksum database), but gogate honours it as the request to skip it; use GONOSUMDB or "
            "GOPRIVATE so that Go agrees"
        )
    return None


# ------------------------------------------------------------------------------------------- client


def sumdb_client_for(
    settings: Mapping[str, str],
    environ: Mapping[str, str],
    *,
    timeout: float = 10.0,
    retries: int = 2,
    backoff: float = 0.5,
) -> SumdbClient | None:
    """The client cmd/go would use: GOSUMDB's database, read through the first GOPROXY entry that
    proxies it (``<proxy>/sumdb/<name>/supported``) unless GOSUMDB names a URL; tiles and the last
    tree head cached under gogate's cache directory. None for ``GOSUMDB=off``; ConfigError when
    GOSUMDB is malformed. The caller closes it (it is a context manager)."""
    from gogate.sumdb.client import SumdbClient, parse_gosumdb
    from gogate.toolchain_reference import cache_dir, through_proxy

    config = parse_gosumdb(settings.get("GOSUMDB"))
    if config is None:
        return None
    config = through_proxy(config, settings.get("GOPROXY") or None)
    return SumdbClient(
        config, cache_dir(environ) / "sumdb", timeout=timeout, retries=retries, backoff=backoff
    )


# ------------------------------------------------------------------------------------------ lookups


@dataclass(frozen=True, slots=True)
class _Failure:
    status: VerdictStatus
    detail: str
    url: str | None
    counts_as_fault: bool


def _key_version(line: SumLine) -> str:
    return f"{line.version}/go.mod" if line.gomod else line.version


def _judge(line: SumLine, result: LookupResult, database: str) -> SumVerdict:
    key = f"{line.path} {_key_version(line)}"
    record_lines = result.record_text.split("\n")
    where = f"record {result.record_id} of {database}'s signed tree #{result.tree.n}"
    if f"{key} {line.hash}" in record_lines:
        return SumVerdict(line, "verified", f"{key}: matches {where}", result.url)
    recorded = [text[len(key) + 1 :] for text in record_lines if text.startswith(key + " ")]
    h1s = [value for value in recorded if value.startswith("h1:")]
    if h1s and line.hash.startswith("h1:"):
        return SumVerdict(
            line,
            "mismatch",
            f"{key}: go.sum has {line.hash}, but {database} records {', '.join(h1s)} ({where})",
            result.url,
        )
    if recorded:
        detail = (
            f"{key}: go.sum has {line.hash}, which is not an h1: hash; {database} records only "
            f"{', '.join(recorded)} ({where})"
        )
    else:
        detail = f"{key}: {where} has no line for it (cmd/go: checksum missing from sumdb response)"
    return SumVerdict(line, "missing", detail, result.url)


class _Breaker:
    """Counts infrastructure faults; once ``limit`` is reached, lookups not yet started are skipped."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.faults = 0
        self.first: _Failure | None = None
        self.security: BaseException | None = None
        self._lock = threading.Lock()

    def record(self, failure: _Failure) -> None:
        if failure.counts_as_fault:
            with self._lock:
                self.faults += 1
                if self.first is None:
                    self.first = failure

    @property
    def open(self) -> bool:
        return self.security is not None or (self.limit > 0 and self.faults >= self.limit)


def _lookup(client: SumdbClient, path: str, version: str, breaker: _Breaker) -> LookupResult | _Failure:
    from gogate.sumdb.errors import SumdbSecurityError, SumdbUnknownVersionError

    try:
        url: str | None = client.lookup_url(path, version)
    except ConfigError as error:
        return _Failure(
            "error", f"{path} {version}: cannot be looked up: {redact(error.message)}", None, False
        )
    if breaker.open:
        first = breaker.first
        reason = f" (first: {first.detail})" if first is not None else ""
        return _Failure(
            "error",
            f"{path} {version}: not looked up: gave up after {breaker.faults} failed lookup(s) in the "
            f"checksum database{reason}",
            url,
            False,
        )
    try:
        return client.lookup(path, version)
    except SumdbUnknownVersionError as error:
        return _Failure(
            "missing",
            f"{path} {version}: the checksum database has no record of this module version "
            f"({redact(error.message)}); cmd/go refuses to download it unless GONOSUMDB or GOPRIVATE "
            "lists the module",
            error.url,
            False,
        )
    except SumdbSecurityError as error:
        breaker.security = error
        raise
    except InfrastructureError as error:
        failure = _Failure("error", f"{path} {version}: {redact(error.message)}", url, True)
        breaker.record(failure)
        return failure


def verify_sum_lines(
    client: SumdbClient, lines: Sequence[SumLine], *, workers: int = 8, give_up_after: int = 3
) -> list[SumVerdict]:
    """One verdict per line, in input order, from at most ``workers`` concurrent lookups.

    Exclusions (:func:`sumdb_exclusion`) are the caller's business: every line given is looked up.
    Raises :class:`~gogate.sumdb.errors.SumdbSecurityError` when the database serves anything that
    does not verify (see the module docstring); ``give_up_after`` infrastructure faults (0: never)
    stop further lookups, whose lines get ``error`` verdicts.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    groups: dict[tuple[str, str], list[int]] = {}
    for index, line in enumerate(lines):
        groups.setdefault((line.path, line.version), []).append(index)
    breaker = _Breaker(give_up_after)
    outcomes: dict[tuple[str, str], LookupResult | _Failure] = {}
    if groups:
        with ThreadPoolExecutor(
            max_workers=min(workers, len(groups)), thread_name_prefix="gogate-sumdb"
        ) as pool:
            futures: dict[tuple[str, str], Future[LookupResult | _Failure]] = {
                key: pool.submit(_lookup, client, key[0], key[1], breaker) for key in groups
            }
            security: BaseException | None = None
            for key, future in futures.items():
                try:
                    outcomes[key] = future.result()
                except BaseException as error:  # noqa: BLE001 - re-raised below once the pool is stopped
                    if security is None:
                        security = error
                    breaker.security = error
                    pool.shutdown(wait=True, cancel_futures=True)
                    break
            if security is not None:
                raise security
    database = client.config.name
    verdicts: list[SumVerdict | None] = [None] * len(lines)
    for key, indexes in groups.items():
        outcome = outcomes[key]
        for index in indexes:
            line = lines[index]
            if isinstance(outcome, _Failure):
                verdicts[index] = SumVerdict(line, outcome.status, outcome.detail, outcome.url)
            else:
                verdicts[index] = _judge(line, outcome, database)
    return [verdict for verdict in verdicts if verdict is not None]
