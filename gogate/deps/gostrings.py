"""Go's ``strings.Fields`` and ``strings.TrimSpace``, whose idea of white space is not Python's.

Why: Python's ``str.split()``/``strip()`` also treat U+001C..U+001F as white space, and Go's
``unicode.IsSpace`` is the only definition that decides how cmd/go splits a go.sum line or reads
a ``// indirect`` comment. Go splits on: tab, LF, VT, FF, CR, space, U+0085, U+00A0 and the
other Unicode White_Space characters (U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F,
U+3000). Invalid UTF-8 (decoded here as U+FFFD) is never white space.
"""

from __future__ import annotations

import re

__all__ = ["GO_SPACE", "fields", "trim_space"]

GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + ("\u2028\u2029\u202f\u205f\u3000")
)
_SPACE_RUN = re.compile(f"[{re.escape(GO_SPACE)}]+")


def fields(text: str) -> list[str]:
    """strings.Fields: the non-empty runs between Go white space."""
    return [field for field in _SPACE_RUN.split(text) if field]


def trim_space(text: str) -> str:
    """strings.TrimSpace."""
    return text.strip(GO_SPACE)
