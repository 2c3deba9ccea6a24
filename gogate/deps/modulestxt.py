"""Read vendor/modules.txt exactly as cmd/go's ``readVendorList`` (modload/vendor.go) does.

Why a faithful port rather than a tidy parser: Go is lenient here. It silently skips lines it does
not understand, attaches packages to the last recognised module line, takes the union of repeated
annotations and ignores replacements it cannot read. A stricter reader would call vendor trees
inconsistent that Go builds from (or the reverse), so this one accepts exactly what Go accepts and
records every line Go skips (``ModulesTxt.ignored``) so a check can still point at them.

Go itself fails on only two things while reading the file: an I/O error other than "does not
exist", and a ``## go X`` annotation newer than the running toolchain. The first is an
``InputError`` here; the second depends on the toolchain, so ``vendor_consistency`` reports it.

The small semver, Go-whitespace and import-path helpers live here because the consistency check
needs the same rules (x/mod ``semver``, ``strings.Fields``, ``module.CheckImportPath``).
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from gogate import goversion
from gogate.deps import gostrings
from gogate.deps.model import ModulesTxt, VendoredModule
from gogate.errors import InputError

__all__ = [
    "check_import_path",
    "is_workspace_modules_txt",
    "module_version_compare",
    "parse_modules_txt",
    "read_modules_txt",
    "semver_compare",
    "semver_is_valid",
]

# modules.txt of a large monorepo is a few MB; anything far beyond is not one.
_MAX_BYTES = 256 * 1024 * 1024

_PRERELEASE_IDENT = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_SEMVER = re.compile(
    r"v(0|[1-9][0-9]*)"
    r"(?:\.(0|[1-9][0-9]*)"
    r"(?:\.(0|[1-9][0-9]*)"
    rf"(-{_PRERELEASE_IDENT}(?:\.{_PRERELEASE_IDENT})*)?"
    r"(\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
    r")?)?"
)

_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{n}" for n in range(1, 10)] + [f"LPT{n}" for n in range(1, 10)]
)
_IMPORT_PATH_PUNCTUATION = frozenset("-._~+")


def semver_is_valid(version: str) -> bool:
    """x/mod ``semver.IsValid``: ``v1``, ``v1.2`` and ``v1.2.3-pre+build`` are all valid."""
    return _SEMVER.fullmatch(version) is not None


def _semver_key(version: str) -> tuple[str, str, str, str] | None:
    match = _SEMVER.fullmatch(version)
    if match is None:
        return None
    return (match.group(1), match.group(2) or "0", match.group(3) or "0", match.group(4) or "")


def _compare_numbers(left: str, right: str) -> int:
    if left == right:
        return 0
    if len(left) != len(right):
        return -1 if len(left) < len(right) else 1
    return -1 if left < right else 1


def _compare_prerelease(left: str, right: str) -> int:
    if left == right:
        return 0
    if not left:
        return 1
    if not right:
        return -1
    left_parts, right_parts = left[1:].split("."), right[1:].split(".")
    for a, b in zip(left_parts, right_parts, strict=False):
        if a == b:
            continue
        a_num, b_num = a.isdigit(), b.isdigit()
        if a_num != b_num:
            return -1 if a_num else 1
        if a_num:
            return _compare_numbers(a, b)
        return -1 if a < b else 1
    return -1 if len(left_parts) < len(right_parts) else 1


def semver_compare(left: str, right: str) -> int:
    """x/mod ``semver.Compare``: invalid versions sort before valid ones and equal each other."""
    a, b = _semver_key(left), _semver_key(right)
    if a is None or b is None:
        return (a is not None) - (b is not None)
    for x, y in zip(a[:3], b[:3], strict=True):
        if result := _compare_numbers(x, y):
            return result
    return _compare_prerelease(a[3], b[3])


def _toolchain_or_version(name: str) -> str:
    return name if goversion.is_valid(name) else goversion.from_toolchain(name)


def module_version_compare(path: str, left: str, right: str) -> int:
    """cmd/go ``gover.ModCompare``: the ``go`` and ``toolchain`` pseudo-modules use Go version order."""
    if path == "go":
        return goversion.compare(left, right)
    if path == "toolchain":
        return goversion.compare(_toolchain_or_version(left), _toolchain_or_version(right))
    return semver_compare(left, right)


def _check_import_element(element: str) -> str | None:
    if element == "":
        return "empty path element"
    if element.count(".") == len(element):
        return f"invalid path element {element!r}"
    if element.endswith("."):
        return "trailing dot in path element"
    for char in element:
        if not (char.isascii() and (char.isalnum() or char in _IMPORT_PATH_PUNCTUATION)):
            return f"invalid char {char!r}"
    short = element.split(".", 1)[0]
    if short.upper() in _WINDOWS_RESERVED:
        return f"{short!r} disallowed as path element component on Windows"
    tilde = short.rfind("~")
    if 0 <= tilde < len(short) - 1 and short[tilde + 1 :].isdigit():
        return "trailing tilde and digits in path element"
    return None


def check_import_path(path: str) -> str | None:
    """x/mod ``module.CheckImportPath``: None when valid, else why not (Go's wording, roughly)."""
    if any("\ud800" <= char <= "\udfff" for char in path):
        return "invalid UTF-8"
    if path == "":
        return "empty string"
    if path.startswith("-"):
        return "leading dash"
    if "//" in path:
        return "double slash"
    if path.endswith("/"):
        return "trailing slash"
    for element in path.split("/"):
        if problem := _check_import_element(element):
            return problem
    return None


@dataclass(slots=True)
class _Block:
    """A module line being read, with what the lines after it add."""

    path: str
    version: str
    line: int
    replacement_path: str | None = None
    replacement_version: str | None = None
    explicit: bool = False
    go_version: str | None = None
    packages: list[str] = field(default_factory=list)
    package_lines: list[int] = field(default_factory=list)

    def freeze(self) -> VendoredModule:
        return VendoredModule(
            path=self.path,
            version=self.version,
            line=self.line,
            replacement_path=self.replacement_path,
            replacement_version=self.replacement_version,
            explicit=self.explicit,
            go_version=self.go_version,
            packages=tuple(self.packages),
            package_lines=tuple(self.package_lines),
        )


class _Reader:
    def __init__(self) -> None:
        self.blocks: list[_Block] = []
        self.current: _Block | None = None
        self.ignored: list[tuple[int, str]] = []

    def module_line(self, text: str, number: int) -> None:
        fields = gostrings.fields(text)
        if len(fields) < 3:
            # Go skips it but keeps the previous module current: later packages still join it.
            self.ignored.append((number, "module line with fewer than three fields"))
            return
        if semver_is_valid(fields[2]):
            block = _Block(fields[1], fields[2], number)
            rest = fields[3:]
        elif fields[2] == "=>":
            block = _Block(fields[1], "", number)
            rest = fields[2:]
        else:
            self.current = None
            self.ignored.append((number, f"{fields[2]!r} after the module path is neither a version nor =>"))
            return
        self.blocks.append(block)
        self.current = block
        if len(rest) >= 2 and rest[0] == "=>":
            if len(rest) == 2:
                block.replacement_path = rest[1]
            elif len(rest) == 3 and semver_is_valid(rest[2]):
                block.replacement_path, block.replacement_version = rest[1], rest[2]
            else:
                self.ignored.append((number, "replacement is neither '=> dir' nor '=> path version'"))
        elif rest:
            self.ignored.append((number, "text after the module is not a replacement"))

    def annotation_line(self, block: _Block, annotations: str, number: int) -> None:
        for raw in annotations.split(";"):
            entry = gostrings.trim_space(raw)
            if entry == "explicit":
                block.explicit = True
            elif entry.startswith("go "):
                block.go_version = entry[len("go ") :]
            elif entry:
                self.ignored.append((number, f"annotation {entry!r} is reserved; Go ignores it"))

    def package_line(self, block: _Block, text: str, number: int) -> None:
        fields = gostrings.fields(text)
        if len(fields) != 1:
            reason = "blank line" if not fields else "package line with more than one field"
            self.ignored.append((number, reason))
            return
        if problem := check_import_path(fields[0]):
            self.ignored.append((number, f"not a valid import path: {problem}"))
            return
        block.packages.append(fields[0])
        block.package_lines.append(number)

    def line(self, text: str, number: int, *, workspace_marker: bool) -> None:
        if text.startswith("# "):
            self.module_line(text, number)
            return
        block = self.current
        if block is None:
            if not workspace_marker:
                self.ignored.append((number, "no module line before it"))
            return
        if text.startswith("## "):
            self.annotation_line(block, text[len("## ") :], number)
        else:
            self.package_line(block, text, number)


def _first_line_marks_workspace(first_line: str) -> bool:
    if not first_line.startswith("## "):
        return False
    return any(gostrings.trim_space(entry) == "workspace" for entry in first_line[len("## ") :].split(";"))


def is_workspace_modules_txt(data: bytes) -> bool:
    """``modulesTextIsForWorkspace``: Go looks for ``workspace`` on the first line of the first 512 bytes."""
    first_line = data[:512].split(b"\n", 1)[0].decode("utf-8", "surrogateescape")
    return _first_line_marks_workspace(first_line)


def parse_modules_txt(data: bytes, path: str) -> ModulesTxt:
    """Parse vendor/modules.txt bytes; never raises (Go never rejects the file's syntax)."""
    text = data.decode("utf-8", "surrogateescape")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the empty piece after the final newline is not a line
    workspace = is_workspace_modules_txt(data)
    reader = _Reader()
    for index, line in enumerate(lines):
        reader.line(line, index + 1, workspace_marker=index == 0 and workspace)
    frozen = [block.freeze() for block in reader.blocks]
    ignored = tuple(sorted(reader.ignored))
    return ModulesTxt(
        path=path,
        workspace=workspace,
        modules=tuple(module for module in frozen if module.version),
        wildcard_replacements=tuple(module for module in frozen if not module.version),
        ignored_lines=tuple(sorted({number for number, _ in ignored})),
        ignored=ignored,
    )


def read_modules_txt(root: Path, relative: str) -> ModulesTxt | None:
    """Read ``root/relative``; None when it does not exist (Go then reads an empty vendor list)."""
    target = root / relative
    try:
        if target.is_symlink() and not target.resolve(strict=True).is_relative_to(root.resolve()):
            raise InputError(
                relative, "is a symlink to a file outside the repository, which gogate does not read"
            )
        status = target.stat()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise InputError(relative, f"cannot be read: {error.strerror or error}") from error
    except RuntimeError as error:  # a symlink loop
        raise InputError(relative, f"cannot be read: {error}") from error
    if stat.S_ISDIR(status.st_mode):
        raise InputError(relative, "is a directory, expected a file", remediation="run go mod vendor")
    if not stat.S_ISREG(status.st_mode):
        raise InputError(relative, "is not a regular file", remediation="run go mod vendor")
    if status.st_size > _MAX_BYTES:
        raise InputError(
            relative, f"is {status.st_size} bytes, too large for a modules.txt (limit {_MAX_BYTES})"
        )
    try:
        data = target.read_bytes()
    except OSError as error:
        raise InputError(relative, f"cannot be read: {error.strerror or error}") from error
    return parse_modules_txt(data, relative)
