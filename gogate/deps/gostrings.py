"""Go's ideas of white space and of string literals, which are not Python's.

Why: Python's ``str.split()``/``strip()`` also treat U+001C..U+001F as white space, and Go's
``unicode.IsSpace`` is the only definition that decides how cmd/go splits a go.sum line or reads
a ``// indirect`` comment. Go splits on: tab, LF, VT, FF, CR, space, U+0085, U+00A0 and the
other Unicode White_Space characters (U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F,
U+3000). Invalid UTF-8 (decoded here as U+FFFD or a lone surrogate) is never white space.

Likewise a go.mod token or an import path is a Go string literal, unquoted by ``strconv.Unquote``
(:func:`unquote`), and Go's messages quote values with ``%q`` (:func:`quote`, :func:`quote_rune`);
one implementation of each keeps every reader and message in step.
"""

from __future__ import annotations

import json
import re

__all__ = ["GO_SPACE", "fields", "quote", "quote_rune", "trim_space", "unquote"]

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


# --- string literals (strconv) -----------------------------------------------------------------

_SIMPLE_ESCAPES = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, '"': 34}
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_OCTAL_DIGITS = frozenset("01234567")


def unquote(literal: str) -> bytes | None:
    """strconv.Unquote of a Go string literal (``"..."`` or a backquoted one) as bytes.

    None when Go refuses it. The literal may carry invalid UTF-8 as lone surrogates
    (``surrogateescape``); like Go, each such byte outside an escape becomes U+FFFD, while
    ``\\xNN`` and octal escapes yield the raw byte.
    """
    if len(literal) < 2 or literal[0] != literal[-1] or literal[0] not in '"`':
        return None
    body = literal[1:-1]
    if literal[0] == "`":
        if "`" in body:
            return None
        return body.replace("\r", "").encode("utf-8", "surrogateescape")
    if "\n" in body:
        return None
    out = bytearray()
    index = 0
    while index < len(body):
        char = body[index]
        if char == '"':
            return None
        if char != "\\":
            out += ("\ufffd" if 0xD800 <= ord(char) <= 0xDFFF else char).encode("utf-8")
            index += 1
            continue
        if index + 1 >= len(body):
            return None
        escape = body[index + 1]
        index += 2
        if escape in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[escape])
        elif escape in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[escape]
            digits = body[index : index + width]
            if len(digits) != width or not set(digits) <= _HEX_DIGITS:
                return None
            index += width
            value = int(digits, 16)
            if escape == "x":
                out.append(value)
            elif value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                return None
            else:
                out += chr(value).encode("utf-8")
        elif escape in _OCTAL_DIGITS:
            digits = body[index - 1 : index + 2]
            if len(digits) != 3 or not set(digits) <= _OCTAL_DIGITS or int(digits, 8) > 255:
                return None
            index += 2
            out.append(int(digits, 8))
        else:
            return None
    return bytes(out)


def quote(text: str) -> str:
    """``%q`` of a string, as Go's messages quote paths and versions.

    JSON's quoting, which is Go's for printable text (the only text these messages quote in
    practice); control characters come out as ``\\u00XX`` where Go writes ``\\xXX``.
    """
    return json.dumps(text, ensure_ascii=False)


_RUNE_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def quote_rune(char: str) -> str:
    """strconv.QuoteRune (``%q`` of a rune), for messages about an unexpected character."""
    code = ord(char)
    if char in _RUNE_ESCAPES:
        body = _RUNE_ESCAPES[char]
    elif char in "'\\":
        body = "\\" + char
    elif char.isprintable():
        body = char
    elif code < 0x20 or code == 0x7F:
        body = f"\\x{code:02x}"
    else:
        body = f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return f"'{body}'"
