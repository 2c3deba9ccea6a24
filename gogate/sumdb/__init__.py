"""Go checksum database (``GOSUMDB``) support: signed notes, transparency-log tiles, a verifying client.

* :mod:`gogate.sumdb.note`: verifier keys and Ed25519-signed notes.
* :mod:`gogate.sumdb.tlog`: RFC 6962 hashing, stored-hash indexes, tiles and proofs.
* :mod:`gogate.sumdb.client`: ``GOSUMDB`` parsing and :class:`~gogate.sumdb.client.SumdbClient`.

Needs the ``cryptography`` and ``httpx`` packages, imported only when used.
"""

from __future__ import annotations

from gogate.sumdb.client import (
    GOSUMDB_OFF_WARNING,
    SUM_GOLANG_ORG_KEY,
    LookupResult,
    SumdbClient,
    SumdbConfig,
    parse_gosumdb,
    require_gosumdb,
)
from gogate.sumdb.errors import SumdbDisabledError, SumdbNotFoundError, SumdbSecurityError

__all__ = [
    "GOSUMDB_OFF_WARNING",
    "SUM_GOLANG_ORG_KEY",
    "LookupResult",
    "SumdbClient",
    "SumdbConfig",
    "SumdbDisabledError",
    "SumdbNotFoundError",
    "SumdbSecurityError",
    "parse_gosumdb",
    "require_gosumdb",
]
