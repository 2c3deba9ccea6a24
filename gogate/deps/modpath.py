"""Path rules of golang.org/x/mod/module: CheckPath, CheckImportPath, CheckFilePath,
SplitPathVersion and CheckPathMajor.

Why: a go.sum line whose path Go itself could never download (no dot in the first element, a
Windows-reserved element, ``/v1`` suffix, ...) or whose version does not fit the path's major
suffix is dead weight at best and a sign of hand-editing at worst; a modules.txt package line
that is no import path is skipped by Go; a module zip entry that is no valid file path makes Go
refuse the zip. All three kinds of path share one element checker, as in x/mod, so that they
cannot drift apart; messages follow x/mod's ``malformed <kind> path "p": reason``.

Paths arrive as Python text, with bytes that were not UTF-8 as lone surrogates
(``surrogateescape``, as zip entry names and modules.txt lines are decoded). Module paths also
come from go.sum fields, which :mod:`gogate.deps.gosum` decodes with U+FFFD for bad bytes, so in
a module path U+FFFD counts as invalid UTF-8 too (a literal one would be refused all the same).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Callable

from gogate.deps import semver
from gogate.deps.gostrings import quote, quote_rune

__all__ = [
    "check_file_path",
    "check_import_path",
    "check_path",
    "check_path_major",
    "split_path_version",
]

_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{n}" for n in range(1, 10)] + [f"LPT{n}" for n in range(1, 10)]
)
_MODULE_PUNCTUATION = frozenset("-._~")
_IMPORT_PUNCTUATION = _MODULE_PUNCTUATION | {"+"}
# The ASCII punctuation a file name may hold: no shell specials, no path separators, but spaces.
_FILE_PUNCTUATION = frozenset("!#$%&()+,-.=@[]^_{}~ ")
_FIRST_ELEMENT_CHARS = frozenset("-.0123456789abcdefghijklmnopqrstuvwxyz")


class _Kind(enum.Enum):
    MODULE = "module"
    IMPORT = "import"
    FILE = "file"


def _ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _module_char_ok(char: str) -> bool:
    return _ascii_alnum(char) or char in _MODULE_PUNCTUATION


def _import_char_ok(char: str) -> bool:
    return _ascii_alnum(char) or char in _IMPORT_PUNCTUATION


def _file_char_ok(char: str) -> bool:
    if char.isascii():
        return char.isalnum() or char in _FILE_PUNCTUATION
    return unicodedata.category(char).startswith("L")  # unicode.IsLetter


_CHAR_OK: dict[_Kind, Callable[[str], bool]] = {
    _Kind.MODULE: _module_char_ok,
    _Kind.IMPORT: _import_char_ok,
    _Kind.FILE: _file_char_ok,
}


def _ascii_class(punctuation: frozenset[str]) -> re.Pattern[str]:
    escaped = "".join(re.escape(char) for char in sorted(punctuation))
    return re.compile(f"[A-Za-z0-9{escaped}]*")


# The same sets as _CHAR_OK for ASCII-only elements, as one regex: a module cache holds tens of
# thousands of file names, and a per-character Python loop over each was most of the zip checks' time.
_ASCII_OK: dict[_Kind, re.Pattern[str]] = {
    _Kind.MODULE: _ascii_class(_MODULE_PUNCTUATION),
    _Kind.IMPORT: _ascii_class(_IMPORT_PUNCTUATION),
    _Kind.FILE: _ascii_class(_FILE_PUNCTUATION),
}


_SURROGATE = re.compile("[\ud800-\udfff]")


def _is_invalid_utf8(path: str) -> bool:
    """A lone surrogate stands for an undecodable byte (names are decoded with surrogateescape)."""
    return _SURROGATE.search(path) is not None


def _check_element(element: str, kind: _Kind) -> str | None:
    """x/mod checkElem: the reason one slash-free element is invalid for ``kind``, or None."""
    if element == "":
        return "empty path element"
    if element.count(".") == len(element):
        return f"invalid path element {quote(element)}"
    if kind is _Kind.MODULE and element[0] == ".":
        return "leading dot in path element"
    if element[-1] == ".":
        return "trailing dot in path element"
    if not (element.isascii() and _ASCII_OK[kind].fullmatch(element)):
        char_ok = _CHAR_OK[kind]
        for char in element:
            if not char_ok(char):
                return f"invalid char {quote_rune(char)}"
    short = element.split(".", 1)[0]
    # Go compares with strings.EqualFold; no non-ASCII rune folds to a letter of these names.
    if short.isascii() and short.upper() in _WINDOWS_RESERVED:
        return f"{quote(short)} disallowed as path element component on Windows"
    if kind is _Kind.FILE:
        return None  # short names (``abc~1``) only trouble import paths
    tilde = short.rfind("~")
    if 0 <= tilde < len(short) - 1 and all("0" <= c <= "9" for c in short[tilde + 1 :]):
        return "trailing tilde and digits in path element"
    return None


def _check_path(path: str, kind: _Kind) -> str | None:
    """x/mod checkPath: the reason ``path`` is invalid for ``kind``, or None."""
    if _is_invalid_utf8(path):
        return "invalid UTF-8"
    if path == "":
        return "empty string"
    if path[0] == "-" and kind is not _Kind.FILE:
        return "leading dash"
    if "//" in path:
        return "double slash"
    if path[-1] == "/":
        return "trailing slash"
    for element in path.split("/"):
        reason = _check_element(element, kind)
        if reason:
            return reason
    return None


def _check_module_path(path: str) -> str | None:
    if "\ufffd" in path:
        return "invalid UTF-8"
    reason = _check_path(path, _Kind.MODULE)
    if reason:
        return reason
    first = path.split("/", 1)[0]
    if first == "":
        return "leading slash"
    if "." not in first:
        return "missing dot in first path element"
    if path[0] == "-":
        return "leading dash in first path element"
    for char in first:
        if char not in _FIRST_ELEMENT_CHARS:
            return f"invalid char {quote_rune(char)} in first path element"
    if split_path_version(path) is None:
        return "invalid version"
    return None


def _malformed(kind: _Kind, path: str, reason: str | None) -> str | None:
    return None if reason is None else f"malformed {kind.value} path {quote(path)}: {reason}"


def check_path(path: str) -> str | None:
    """module.CheckPath: None when ``path`` is a valid module path, else Go's message."""
    return _malformed(_Kind.MODULE, path, _check_module_path(path))


def check_import_path(path: str) -> str | None:
    """module.CheckImportPath: None when ``path`` is a valid import path, else Go's message."""
    return _malformed(_Kind.IMPORT, path, _check_path(path, _Kind.IMPORT))


def check_file_path(path: str) -> str | None:
    """module.CheckFilePath: None when ``path`` may name a file in a module, else Go's message."""
    return _malformed(_Kind.FILE, path, _check_path(path, _Kind.FILE))


def split_path_version(path: str) -> tuple[str, str] | None:
    """module.SplitPathVersion: ``(prefix, major suffix)``, e.g. ``("x.com/m", "/v2")``; None when invalid."""
    if path.startswith("gopkg.in/"):
        end = len(path) - (len("-unstable") if path.endswith("-unstable") else 0)
        index = end
        while index > 0 and "0" <= path[index - 1] <= "9":
            index -= 1
        if index <= 1 or path[index - 1] != "v" or path[index - 2] != ".":
            return None
        suffix = path[index - 2 :]
        if len(suffix) <= 2 or (suffix[2] == "0" and suffix != ".v0"):
            return None
        return path[: index - 2], suffix
    index = len(path)
    dot = False
    while index > 0 and ("0" <= path[index - 1] <= "9" or path[index - 1] == "."):
        dot = dot or path[index - 1] == "."
        index -= 1
    if index <= 1 or index == len(path) or path[index - 1] != "v" or path[index - 2] != "/":
        return path, ""
    suffix = path[index - 2 :]
    if dot or len(suffix) <= 2 or suffix[2] == "0" or suffix == "/v1":
        return None
    return path[: index - 2], suffix


def check_path_major(version: str, path_major: str) -> str | None:
    """module.CheckPathMajor: None when ``version`` fits the path's major suffix, else the reason."""
    if path_major.startswith(".v") and path_major.endswith("-unstable"):
        path_major = path_major.removesuffix("-unstable")
    if version.startswith("v0.0.0-") and path_major == ".v1":
        return None  # old pseudo-versions of gopkg.in .v1 paths, which Go still accepts
    found = semver.major(version)
    if path_major == "":
        if found in ("v0", "v1") or semver.build(version) == "+incompatible":
            return None
        expected = "v0 or v1"
    else:
        if found == path_major[1:]:
            return None
        expected = path_major[1:]
    return f"should be {expected}, not {found}"
