"""Module path rules of golang.org/x/mod/module: CheckPath, SplitPathVersion and CheckPathMajor.

Why: a go.sum line whose path Go itself could never download (no dot in the first element, a
Windows-reserved element, ``/v1`` suffix, ...) or whose version does not fit the path's major
suffix is dead weight at best and a sign of hand-editing at worst; these predicates say so with
Go's own wording. Messages follow x/mod's ``malformed module path "p": reason``.
"""

from __future__ import annotations

from gogate.deps import semver

__all__ = ["check_path", "check_path_major", "split_path_version"]

_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{n}" for n in range(1, 10)] + [f"LPT{n}" for n in range(1, 10)]
)
_MODULE_PATH_PUNCTUATION = frozenset("-._~")
_FIRST_ELEMENT_CHARS = frozenset("-.0123456789abcdefghijklmnopqrstuvwxyz")


def _module_char_ok(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in _MODULE_PATH_PUNCTUATION)


def _go_quote_rune(char: str) -> str:
    """%q of a rune, enough for the characters a module path can carry."""
    if char == "'" or char == "\\":
        return f"'\\{char}'"
    if char.isprintable():
        return f"'{char}'"
    code = ord(char)
    if code < 0x80:
        return f"'\\x{code:02x}'"
    return f"'\\u{code:04x}'" if code <= 0xFFFF else f"'\\U{code:08x}'"


def _check_element(element: str) -> str | None:
    if element == "":
        return "empty path element"
    if element.count(".") == len(element):
        return f'invalid path element "{element}"'
    if element[0] == ".":
        return "leading dot in path element"
    if element[-1] == ".":
        return "trailing dot in path element"
    for char in element:
        if not _module_char_ok(char):
            return f"invalid char {_go_quote_rune(char)}"
    short = element.split(".", 1)[0]
    if short.upper() in _WINDOWS_RESERVED:
        return f'"{short}" disallowed as path element component on Windows'
    tilde = short.rfind("~")
    if 0 <= tilde < len(short) - 1 and all("0" <= c <= "9" for c in short[tilde + 1 :]):
        return "trailing tilde and digits in path element"
    return None


def _check_path_reason(path: str) -> str | None:
    if "\ufffd" in path:
        return "invalid UTF-8"
    if path == "":
        return "empty string"
    if path[0] == "-":
        return "leading dash"
    if "//" in path:
        return "double slash"
    if path[-1] == "/":
        return "trailing slash"
    for element in path.split("/"):
        reason = _check_element(element)
        if reason:
            return reason
    first = path.split("/", 1)[0]
    if first == "":
        return "leading slash"
    if "." not in first:
        return "missing dot in first path element"
    for char in first:
        if char not in _FIRST_ELEMENT_CHARS:
            return f"invalid char {_go_quote_rune(char)} in first path element"
    if split_path_version(path) is None:
        return "invalid version"
    return None


def check_path(path: str) -> str | None:
    """module.CheckPath: None when ``path`` is a valid module path, else Go's message.

    A path decoded with U+FFFD replacement characters (from invalid UTF-8) counts as invalid UTF-8.
    """
    reason = _check_path_reason(path)
    return None if reason is None else f'malformed module path "{path}": {reason}'


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
