"""Go's module path patterns (GOPRIVATE, GONOSUMDB, GONOPROXY, GOINSECURE), matched exactly as Go does.

Why exact: these lists decide which modules the checksum database never sees. A matcher that is more
generous than Go (trimming spaces, say) would skip lines Go checks; a stricter one would report lines
Go never asks about. So this follows ``golang.org/x/mod/module.MatchPrefixPatterns`` and ``path.Match``
rule for rule, on UTF-8 bytes like Go (a ``*`` may resume matching inside a multi-byte character):

* the list is split on ``,`` only; nothing is trimmed except one trailing ``/`` per entry; empty entries
  are skipped;
* an entry with N slashes is matched against the target cut just before its (N+1)-th slash; a target
  with fewer elements never matches;
* ``*`` matches any run of non-``/`` bytes, ``?`` one character other than ``/``, ``[...]`` a class
  (``^`` negates, ``a-z`` ranges, ``\\`` escapes; a class may match ``/``), ``\\x`` the byte ``x``;
* a malformed entry (unclosed ``[``, empty class, trailing ``\\``, bad range) matches nothing and the
  remaining entries are still tried: Go discards ``path.Match``'s ``ErrBadPattern``, and since
  ``path.Match`` parses every chunk before it can answer true, a malformed glob never matches.
"""

from __future__ import annotations

__all__ = ["BadPatternError", "match_path_glob", "match_prefix_patterns"]


class BadPatternError(ValueError):
    """``path.ErrBadPattern``: the glob is malformed."""


def _decode_rune(data: bytes, start: int) -> tuple[int, int]:
    """Go's ``utf8.DecodeRune`` on ``data[start:]``: (code point, width); (U+FFFD, 1) when invalid."""
    for width in (1, 2, 3, 4):
        piece = data[start : start + width]
        if len(piece) < width:
            break
        try:
            text = piece.decode("utf-8")
        except UnicodeDecodeError:
            continue
        return ord(text), width
    return 0xFFFD, 1


def _scan_chunk(pattern: bytes) -> tuple[bool, bytes, bytes]:
    """Split off the leading stars and the literal/class run that follows (up to the next star)."""
    star = False
    while pattern[:1] == b"*":
        pattern = pattern[1:]
        star = True
    in_class = False
    index = 0
    while index < len(pattern):
        byte = pattern[index]
        if byte == 0x5C:  # backslash: skip the escaped byte (a trailing one is reported later)
            if index + 1 < len(pattern):
                index += 1
        elif byte == 0x5B:  # [
            in_class = True
        elif byte == 0x5D:  # ]
            in_class = False
        elif byte == 0x2A and not in_class:  # *
            return star, pattern[:index], pattern[index:]
        index += 1
    return star, pattern, b""


def _class_char(chunk: bytes) -> tuple[int, bytes]:
    """One possibly escaped character of a class; BadPatternError where Go's getEsc reports one."""
    if not chunk or chunk[0] in (0x2D, 0x5D):  # empty, '-' or ']'
        raise BadPatternError
    if chunk[0] == 0x5C:
        chunk = chunk[1:]
        if not chunk:
            raise BadPatternError
    rune, width = _decode_rune(chunk, 0)
    if rune == 0xFFFD and width == 1:
        raise BadPatternError
    rest = chunk[width:]
    if not rest:
        raise BadPatternError  # a class must be closed
    return rune, rest


def _match_chunk(chunk: bytes, name: bytes) -> bytes | None:
    """The rest of ``name`` after ``chunk`` matched its start, else None; the whole chunk is always parsed
    so that a malformed one raises BadPatternError even once the match has failed."""
    failed = False
    while chunk:
        failed = failed or not name
        head = chunk[0]
        if head == 0x5B:  # [ class ]
            rune = 0
            if not failed:
                rune, width = _decode_rune(name, 0)
                name = name[width:]
            chunk = chunk[1:]
            negated = chunk[:1] == b"^"
            if negated:
                chunk = chunk[1:]
            matched = False
            ranges = 0
            while True:
                if chunk[:1] == b"]" and ranges > 0:
                    chunk = chunk[1:]
                    break
                low, chunk = _class_char(chunk)
                high = low
                if chunk[0] == 0x2D:  # '-'
                    high, chunk = _class_char(chunk[1:])
                matched = matched or low <= rune <= high
                ranges += 1
            failed = failed or matched == negated
        elif head == 0x3F:  # ?
            if not failed:
                failed = name[0] == 0x2F
                _, width = _decode_rune(name, 0)
                name = name[width:]
            chunk = chunk[1:]
        else:
            if head == 0x5C:
                chunk = chunk[1:]
                if not chunk:
                    raise BadPatternError
            if not failed:
                failed = chunk[0] != name[0]
                name = name[1:]
            chunk = chunk[1:]
    return None if failed else name


def _match_bytes(pattern: bytes, name: bytes) -> bool:
    while pattern:
        star, chunk, pattern = _scan_chunk(pattern)
        if star and not chunk:
            return 0x2F not in name  # a trailing star takes the rest unless it holds a '/'
        rest = _match_chunk(chunk, name)
        if rest is not None and (not rest or pattern):
            name = rest
            continue
        if star:
            index = 0
            resumed = False
            while index < len(name) and name[index] != 0x2F:
                rest = _match_chunk(chunk, name[index + 1 :])
                index += 1
                if rest is not None:
                    if not pattern and rest:
                        continue
                    name = rest
                    resumed = True
                    break
            if resumed:
                continue
        # No match: Go still parses the rest of the pattern so that a malformed tail is an error.
        while pattern:
            _, chunk, pattern = _scan_chunk(pattern)
            _match_chunk(chunk, b"")
        return False
    return not name


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def match_path_glob(pattern: str, name: str) -> bool:
    """Go's ``path.Match``; raises :class:`BadPatternError` where Go returns ``ErrBadPattern``."""
    return _match_bytes(_encode(pattern), _encode(name))


def match_prefix_patterns(patterns: str, target: str) -> bool:
    """Go's ``module.MatchPrefixPatterns``: does an entry of the comma-separated glob list match a
    leading run of ``target``'s path elements? Malformed entries match nothing (as in Go)."""
    target_bytes = _encode(target)
    for entry in patterns.split(","):
        glob = _encode(entry.removesuffix("/"))
        if not glob:
            continue
        slashes = glob.count(b"/")
        cut = -1
        for index, byte in enumerate(target_bytes):
            if byte == 0x2F:
                if slashes == 0:
                    cut = index
                    break
                slashes -= 1
        if slashes > 0:
            continue  # the target has fewer path elements than the glob
        prefix = target_bytes if cut < 0 else target_bytes[:cut]
        try:
            if _match_bytes(glob, prefix):
                return True
        except BadPatternError:
            continue
    return False
