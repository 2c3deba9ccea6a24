"""Remove credentials from text before it can reach any output.

Why centrally: GOPROXY and GONOSUMDB values, go's own error messages and URLs can all carry
``user:token@`` credentials or token query parameters; one function applied to every finding and
error message means a new check cannot forget it.
"""

from __future__ import annotations

import re

__all__ = ["REDACTED", "redact"]

REDACTED = "[REDACTED]"

# scheme://user:password@host or scheme://token@host
_URL_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/@\s]+)@")
# ?token=..., &access_token=..., private_token, password, secret, key, sig
_SECRET_QUERY = re.compile(
    r"(?P<name>[?&;](?:[A-Za-z0-9_-]*(?:token|password|passwd|secret|key|sig|signature|auth)[A-Za-z0-9_-]*))="
    r"(?P<value>[^&;#\s]+)",
    re.IGNORECASE,
)
# netrc-style "password xyz" / "login xyz" fragments that can appear in tool error output.
_NETRC = re.compile(r"\b(?P<name>password|login)\s+(?P<value>\S+)", re.IGNORECASE)


def redact(text: str) -> str:
    """Return ``text`` with URL credentials, secret query values and netrc secrets replaced."""
    text = _URL_USERINFO.sub(lambda m: f"{m.group('scheme')}{REDACTED}@", text)
    text = _SECRET_QUERY.sub(lambda m: f"{m.group('name')}={REDACTED}", text)
    return _NETRC.sub(lambda m: f"{m.group('name')} {REDACTED}", text)
