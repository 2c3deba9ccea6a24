"""One careful HTTP GET for gogate's downloads: timeouts, bounded retries, checked redirects, redaction.

Why a helper: every remote read gogate makes (download index, ``.sha256`` files, release archives) must
fail the same way. A network fault, a timeout, a 5xx or 429 is retried a bounded number of times with
exponential backoff, then raises :class:`gogate.errors.InfrastructureError` (exit 3: could not decide).
A 404/410 raises :class:`HttpNotFound` at once. Redirects are followed by hand, only to the same host
(scheme, host and port; an ``http`` to ``https`` upgrade is allowed) or to a host the caller allows
(``go.dev/dl/<file>`` answers 302 to ``dl.google.com``); any other redirect is refused without contacting
the other host. Every URL in a message goes through :func:`gogate.redact.redact`.

``httpx`` (extra ``network``) is imported only inside the functions, so importing this module costs
nothing at CLI start-up.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from gogate.errors import InfrastructureError
from gogate.redact import redact

if TYPE_CHECKING:
    import httpx

__all__ = [
    "HttpNotFound",
    "HttpPolicy",
    "IncompleteBody",
    "check_complete",
    "http_get",
    "read_body",
]

T = TypeVar("T")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}


class HttpNotFound(InfrastructureError):
    """The server answered 404 or 410."""


class IncompleteBody(InfrastructureError):
    """Fewer (or more) bytes arrived than the Content-Length announced; retried like a network fault."""


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    """How patient and how trusting one GET is."""

    timeout: float = 30.0
    """Seconds allowed for connecting and for each read (not for the whole transfer)."""
    retries: int = 2
    """Further attempts after the first, on network errors, timeouts, 429 and 5xx."""
    backoff: float = 0.5
    """Seconds before the first retry; doubled before each next one."""
    redirect_hosts: frozenset[str] = frozenset()
    """Hosts (lowercase names) a redirect may lead to besides the URL's own host."""
    max_redirects: int = 5
    trust_env: bool = True
    """Honour HTTP(S)_PROXY, NO_PROXY, SSL_CERT_FILE and .netrc, as httpx does by default."""
    user_agent: str = "gogate"


def _origin(parts: urllib.parse.SplitResult) -> tuple[str, str, int | None]:
    host = (parts.hostname or "").lower()
    return parts.scheme.lower(), host, parts.port or _DEFAULT_PORTS.get(parts.scheme.lower())


def _redirect_target(current: str, location: str | None, origin_url: str, policy: HttpPolicy) -> str:
    """The absolute URL a redirect leads to; InfrastructureError unless it stays on an allowed host."""
    shown = redact(current)
    if not location:
        raise InfrastructureError(f"GET {shown}: redirect without a Location header")
    target = urllib.parse.urljoin(current, location)
    scheme, host, port = _origin(urllib.parse.urlsplit(target))
    first_scheme, first_host, first_port = _origin(urllib.parse.urlsplit(origin_url))
    if scheme not in _DEFAULT_PORTS:
        raise InfrastructureError(f"GET {shown}: redirect to a non-HTTP URL {redact(target)}")
    downgrade = first_scheme == "https" and scheme != "https"
    same_host = host == first_host and (port == first_port or (scheme == "https" and first_scheme == "http"))
    if downgrade or not (same_host or host in policy.redirect_hosts):
        raise InfrastructureError(
            f"GET {shown}: refused redirect to another host: {redact(target)}",
            remediation="point gogate at the server that holds the files (mirror base URL), or allow that "
            "host explicitly",
        )
    return target


def check_complete(response: httpx.Response, received: int, shown: str) -> None:
    """IncompleteBody when a Content-Length was announced and ``received`` raw bytes differ from it."""
    declared = response.headers.get("content-length")
    if declared is None:
        return
    try:
        expected = int(declared)
    except ValueError:
        raise InfrastructureError(f"GET {shown}: invalid Content-Length {declared!r}") from None
    if received != expected:
        raise IncompleteBody(f"GET {shown}: truncated response: received {received} of {expected} bytes")


def read_body(response: httpx.Response, shown: str, *, limit: int) -> bytes:
    """The whole (decoded) body, at most ``limit`` bytes; checks the raw size against Content-Length."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise InfrastructureError(f"GET {shown}: response larger than {limit} bytes")
        chunks.append(chunk)
    check_complete(response, response.num_bytes_downloaded, shown)
    return b"".join(chunks)


def http_get(
    url: str,
    consume: Callable[[httpx.Response, str], T],
    *,
    policy: HttpPolicy | None = None,
    what: str = "download",
    headers: dict[str, str] | None = None,
) -> T:
    """``consume(response, shown_url)`` for the 200 answer to ``GET url``, with retries and checked redirects.

    ``consume`` runs while the response streams; an ``httpx`` transport error or :class:`IncompleteBody`
    it raises is retried like any network fault; any other exception propagates at once.
    ``what`` names the resource in error messages ("Go download index").
    """
    import httpx

    policy = policy or HttpPolicy()
    shown = redact(url)
    last = "no attempt made"
    request_headers = {"User-Agent": policy.user_agent, **(headers or {})}
    with httpx.Client(
        timeout=httpx.Timeout(policy.timeout),
        follow_redirects=False,
        trust_env=policy.trust_env,
        headers=request_headers,
    ) as client:
        for attempt in range(policy.retries + 1):
            if attempt:
                time.sleep(policy.backoff * (2 ** (attempt - 1)))
            current = url
            try:
                for _hop in range(policy.max_redirects + 1):
                    with client.stream("GET", current) as response:
                        status = response.status_code
                        at = redact(current)
                        if status in REDIRECT_STATUSES:
                            current = _redirect_target(current, response.headers.get("location"), url, policy)
                            continue
                        if status in (404, 410):
                            raise HttpNotFound(f"{what}: GET {at}: {status} {response.reason_phrase}")
                        if status in RETRY_STATUSES:
                            last = f"{status} {response.reason_phrase}"
                            break
                        if status != 200:
                            raise InfrastructureError(
                                f"{what}: GET {at}: unexpected HTTP status {status} {response.reason_phrase}"
                            )
                        return consume(response, at)
                else:
                    raise InfrastructureError(
                        f"{what}: GET {shown}: more than {policy.max_redirects} redirects"
                    )
            except httpx.TimeoutException as error:
                last = f"timed out after {policy.timeout:g}s ({type(error).__name__})"
            except httpx.HTTPError as error:
                last = f"{type(error).__name__}: {redact(str(error)) or 'connection failed'}"
            except IncompleteBody as error:
                last = error.message
    raise InfrastructureError(
        f"{what}: GET {shown}: {last} (tried {policy.retries + 1} time(s))",
        remediation="check network access to the server (or the mirror base URL), or retry later",
    )
