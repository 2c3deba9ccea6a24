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
# The userinfo runs to the *last* "@" of the authority: a password may itself contain "@".
_URL_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/\s]+)@")
# ?token=..., &access_token=..., private_token, password, secret, key, sig
_SECRET_QUERY = re.compile(
    r"(?P<name>[?&;](?:[A-Za-z0-9_-]*(?:token|password|passwd|secret|key|sig|signature|auth)[A-Za-z0-9_-]*))="
    r"(?P<value>[^&;#\s]+)",
    re.IGNORECASE,
)
# netrc-style "password xyz" / "login xyz" fragments that can appear in tool error output.
_NETRC = re.compile(r"\b(?P<name>password|login)\s+(?P<value>\S+)", re.IGNORECASE)


# Well-known token shapes that can appear anywhere (a go.mod line quoted in a parse error, a
# variable value in a finding): JWTs (CI OIDC and job tokens), GitLab and GitHub tokens, Slack
# tokens, AWS access key ids, and Authorization header values.
_TOKENS = re.compile(
    r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"
    r"|\b(?:glpat|gldt|glrt|glcbt|glptt|glsoat)-[A-Za-z0-9_-]{8,}"
    r"|\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}"
    r"|\bxox[abprs]-[A-Za-z0-9-]{8,}"
    r"|\bAKIA[0-9A-Z]{16}\b"
)
_AUTH_HEADER = re.compile(
    r"\b(?P<scheme>Bearer|Basic|token)\s+(?P<value>[A-Za-z0-9._~+/=-]{8,})", re.IGNORECASE
)


def redact(text: str) -> str:
    """Return ``text`` with URL credentials, tokens, secret query values and netrc secrets replaced."""
    text = _URL_USERINFO.sub(lambda m: f"{m.group('scheme')}{REDACTED}@", text)
    text = _TOKENS.sub(REDACTED, text)
    text = _AUTH_HEADER.sub(lambda m: f"{m.group('scheme')} {REDACTED}", text)
    text = _SECRET_QUERY.sub(lambda m: f"{m.group('name')}={REDACTED}", text)
    return _NETRC.sub(lambda m: f"{m.group('name')} {REDACTED}", text)
