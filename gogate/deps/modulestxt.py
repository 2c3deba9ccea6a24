"""Read vendor/modules.txt exactly as cmd/go's ``readVendorList`` (modload/vendor.go) does.

Why a faithful port rather than a tidy parser: Go is lenient here. It silently skips lines it does
not understand, attaches packages to the last recognised module line, takes the union of repeated
annotations and ignores replacements it cannot read. A stricter reader would call vendor trees
inconsistent that Go builds from (or the reverse), so this one accepts exactly what Go accepts and
records every line Go skips (``ModulesTxt.ignored``) so a check can still point at them.

Go itself fails on only two things while reading the file: an I/O error other than "does not
exist", and a ``## go X`` annotation newer than the running toolchain. The first is an
``InputError`` here; the second depends on the toolchain, so ``vendor_consistency`` reports it.

Go's rules for the pieces of a line come from their shared homes: ``strings.Fields`` from
:mod:`gogate.deps.gostrings`, ``semver.IsValid`` from :mod:`gogate.deps.semver` and
``module.CheckImportPath`` from :mod:`gogate.deps.modpath`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gogate.deps import gostrings, semver
from gogate.deps.model import ModulesTxt, VendoredModule
from gogate.deps.modpath import check_import_path
from gogate.facts.textfile import read_repo_bytes

__all__ = [
    "is_workspace_modules_txt",
    "parse_modules_txt",
    "read_modules_txt",
]

# modules.txt of a large monorepo is a few MB; anything far beyond is not one.
_MAX_BYTES = 256 * 1024 * 1024


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
        if semver.is_valid(fields[2]):
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
            elif len(rest) == 3 and semver.is_valid(rest[2]):
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
            self.ignored.append((number, problem))
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
    try:
        (root / relative).stat()
    except FileNotFoundError:
        return None  # absent, or a dangling symlink: Go's "does not exist"
    except OSError:
        pass  # a symlink loop, a permission error, ...: Go fails, and read_repo_bytes says why
    data = read_repo_bytes(root, relative, limit=_MAX_BYTES, remediation="run go mod vendor")
    return parse_modules_txt(data, relative)
