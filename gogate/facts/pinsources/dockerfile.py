"""Go versions stated by ``FROM golang:<tag>`` in Dockerfiles and Containerfiles.

Why a small Dockerfile reader instead of a regex per line: real files split FROM over
backslash-continued lines, switch the escape character to a backtick on Windows, hide FROM
lines inside heredocs and put the version in a global ``ARG`` that FROM expands. Only ARGs
declared before the first FROM are visible to FROM lines (Docker's scoping), and a FROM that
names an earlier stage (``FROM golang AS golang`` ... ``FROM golang``) is not an image at all.

Why GOTOOLCHAIN too: ``ENV``/``ARG GOTOOLCHAIN=...`` or ``GOTOOLCHAIN=go1.x go build`` in a RUN
makes the go command switch away from the image's Go; each is a DOCKERFILE_GOTOOLCHAIN record at
the line its value is written (RUN text, heredoc scripts included, is read with a simple pattern).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from gogate.errors import InputError
from gogate.facts.model import PinKind, PinRecord, PinSource
from gogate.facts.pinsources._common import (
    ExpansionSyntax,
    Lookup,
    Origin,
    Variable,
    expand,
    golang_image_pin,
    gotoolchain_note,
    gotoolchain_version,
    guarded,
    join_notes,
)
from gogate.facts.textfile import read_text_file

__all__ = ["AMBIGUOUS_EXTENSIONS", "extract", "extract_if_dockerfile", "looks_like_dockerfile"]

# Extensions of other file types: ``Dockerfile.go`` or ``dockerfile.png`` may be a Dockerfile or
# not, and is read only when its content starts like one (see extract_if_dockerfile).
AMBIGUOUS_EXTENSIONS = frozenset(
    {
        "go",
        "md",
        "rst",
        "txt",
        "json",
        "yml",
        "yaml",
        "toml",
        "py",
        "sh",
        "bash",
        "ps1",
        "js",
        "ts",
        "html",
        "xml",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "ico",
        "pdf",
        "gz",
        "tgz",
        "zip",
        "tar",
        "bak",
        "orig",
        "swp",
        "diff",
        "patch",
        "lock",
        "sum",
        "mod",
        "cfg",
        "ini",
        "conf",
    }
)

# Parser directives BuildKit knows; anything else ends the directive block like a comment does.
_DIRECTIVE = re.compile(r"#\s*(syntax|escape|check)\s*=\s*(.*?)\s*", re.IGNORECASE)
_HEREDOC = re.compile(r"<<(-?)\s*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
_HEREDOC_INSTRUCTIONS = {"RUN", "COPY", "ADD"}
_UNDEFINED_HINT = "is not declared by an ARG before the first FROM; its value is only known at build time"
_LEGACY_ENV = re.compile(r"\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<value>\S.*?)\s*", re.DOTALL)
# GOTOOLCHAIN=value in a shell command: a plain assignment, ``export``/``env`` or ``go env -w``.
_RUN_GOTOOLCHAIN = re.compile(
    r"(?<![\w$.-])(?P<prefix>(?:export\s+)?)GOTOOLCHAIN="
    r"(?P<value>\"(?:[^\"\\]|\\.)*\"|'[^']*'|(?:\$\([^)]*\)|`[^`]*`|[^\s;&|()\"'`])*)"
)
_ARG_ITEM = re.compile(
    r"\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:=(?P<value>\"(?:[^\"\\]|\\.)*\"|'[^']*'|\S*))?"
)


@dataclass(frozen=True, slots=True)
class _Instruction:
    """One logical instruction: continuation lines joined, each character's physical line kept."""

    keyword: str
    line: int
    args: str
    arg_lines: tuple[int, ...]
    heredoc: str = ""
    """The text of the instruction's heredoc bodies (a RUN script), each line ending in a newline."""
    heredoc_lines: tuple[int, ...] = ()


def _escape_character(lines: list[str]) -> str:
    """The ``# escape=`` parser directive, which must come before any other line."""
    escape = "\\"
    for line in lines:
        match = _DIRECTIVE.fullmatch(line.strip())
        if match is None:
            break
        if match[1].lower() == "escape" and match[2] in ("\\", "`"):
            escape = match[2]
    return escape


def _instructions(lines: list[str], escape: str) -> Iterator[_Instruction]:
    chars: list[str] = []
    char_lines: list[int] = []
    heredocs: list[tuple[str, bool]] = []
    # An instruction with heredocs is yielded once its bodies are read (a RUN script's text).
    pending: _Instruction | None = None
    body: list[str] = []
    body_lines: list[int] = []
    for number, line in enumerate(lines, start=1):
        if heredocs:
            terminator, strip_tabs = heredocs[0]
            if (line.lstrip("\t") if strip_tabs else line) == terminator:
                heredocs.pop(0)
            else:
                body.extend(line + "\n")
                body_lines.extend([number] * (len(line) + 1))
            if not heredocs and pending is not None:
                yield replace(pending, heredoc="".join(body), heredoc_lines=tuple(body_lines))
                pending, body, body_lines = None, [], []
            continue
        stripped = line.strip()
        # Comment and blank lines are dropped, also in the middle of a continued instruction.
        if not stripped or stripped.startswith("#"):
            continue
        text = line.rstrip()
        continued = text.endswith(escape)
        if continued:
            text = text[:-1]
        chars.extend(text)
        char_lines.extend([number] * len(text))
        if continued:
            continue
        instruction = _make_instruction("".join(chars), char_lines)
        chars, char_lines = [], []
        if instruction is not None:
            if instruction.keyword in _HEREDOC_INSTRUCTIONS:
                heredocs.extend((m[3], m[1] == "-") for m in _HEREDOC.finditer(instruction.args))
            if heredocs:
                pending = instruction
            else:
                yield instruction
    if pending is not None:
        yield replace(pending, heredoc="".join(body), heredoc_lines=tuple(body_lines))
    if chars:
        instruction = _make_instruction("".join(chars), char_lines)
        if instruction is not None:
            yield instruction


def _make_instruction(text: str, char_lines: list[int]) -> _Instruction | None:
    match = re.match(r"\s*(\S+)\s*", text)
    if match is None:
        return None
    return _Instruction(
        keyword=match[1].upper(),
        line=char_lines[match.start(1)],
        args=text[match.end() :],
        arg_lines=tuple(char_lines[match.end() :]),
    )


def _arg_variables(
    instruction: _Instruction, visible: dict[str, Variable], keyword: str = "ARG"
) -> Iterator[Variable]:
    """``ARG NAME[=value] ...`` (or ``ENV NAME=value ...``); a value may reference earlier ones."""
    args, lines = instruction.args, instruction.arg_lines
    scope = dict(visible).get
    legacy = _LEGACY_ENV.fullmatch(args) if keyword == "ENV" else None
    if legacy is not None:
        # ``ENV NAME value with spaces``: one variable, the rest of the line is its value.
        name = legacy["name"]
        start, end = legacy.start("value"), legacy.end("value")
        quote = (
            args[start] if end - start >= 2 and args[start] in "'\"" and args[end - 1] == args[start] else ""
        )
        start, end = start + len(quote), end - len(quote)
        legacy_value = Origin(
            text=args[start:end],
            line=lines[start] if end > start else lines[legacy.start("name")],
            label=f"ENV {name}",
            template_prefix=f"ENV {name} {quote}",
            template_suffix=quote,
            char_lines=lines[start:end],
            expandable=quote != "'",
        )
        line = lines[legacy.start("name")]
        yield Variable(name, legacy_value, line, f"ENV {name}", f"ENV {name} {{version}}", scope)
        return
    position = 0
    while position < len(args):
        match = _ARG_ITEM.match(args, position)
        if match is None or match.end() == position:
            break
        position = match.end()
        name = match["name"]
        declaration_line = lines[match.start("name")]
        value: Origin | None = None
        if match["value"] is not None:
            quote = match["value"][0] if match["value"][:1] in ("'", '"') else ""
            start = match.start("value") + len(quote)
            end = match.end("value") - len(quote)
            value = Origin(
                text=args[start:end],
                line=lines[start] if end > start else declaration_line,
                label=f"{keyword} {name}",
                template_prefix=f"{keyword} {name}={quote}",
                template_suffix=quote,
                char_lines=lines[start:end],
                expandable=quote != "'",
            )
        yield Variable(
            name, value, declaration_line, f"{keyword} {name}", f"{keyword} {name}={{version}}", scope
        )


def extract(root: Path, relative: str) -> list[PinRecord]:
    """One record per ``FROM`` of the official golang image, at the line where its version is
    written, and one per GOTOOLCHAIN set by ``ENV``, ``ARG`` or inside a ``RUN`` command.

    Runs with a work budget: ARGs referencing earlier ARGs many times over would otherwise
    expand exponentially (an InputError instead).
    """
    with guarded(relative):
        return _extract(read_text_file(root, relative, allow_crlf=True, allow_bom=True).lines, relative)


def extract_if_dockerfile(root: Path, relative: str) -> list[PinRecord]:
    """:func:`extract` for a file whose name only may be a Dockerfile's (``Dockerfile.go``).

    It is read as a Dockerfile when its first instruction is FROM or ARG or it starts with a
    parser directive (``# syntax=``); anything else, including a file that is not text at all
    (``dockerfile.png``), is not a Dockerfile and has no records.
    """
    try:
        lines = read_text_file(root, relative, allow_crlf=True, allow_bom=True).lines
    except InputError:
        return []
    if not looks_like_dockerfile(lines):
        return []
    with guarded(relative):
        return _extract(lines, relative)


def looks_like_dockerfile(lines: list[str]) -> bool:
    """A parser directive first, or FROM/ARG as the first instruction (comments and blanks skipped)."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if index == 0 and _DIRECTIVE.fullmatch(stripped):
            return True
        if not stripped or stripped.startswith("#"):
            continue
        return stripped.split(None, 1)[0].upper() in ("FROM", "ARG")
    return False


def _gotoolchain_record(
    value: Origin, lookup: Lookup, syntax: ExpansionSyntax, relative: str, where: str, scope_note: str | None
) -> PinRecord:
    """The GOTOOLCHAIN record of one assignment, at the line where its value is written."""
    pieces = expand(value, lookup, syntax)
    unresolved = next((piece for piece in pieces if piece.unresolved), None)
    if unresolved is None:
        # A shell command substitution ($(...), `...`) is only known when the command runs.
        unresolved = next((piece for piece in pieces if "$" in piece.text or "`" in piece.text), None)
    if unresolved is not None:
        return PinRecord(
            source=PinSource.DOCKERFILE_GOTOOLCHAIN,
            kind=PinKind.UNRESOLVED,
            path=relative,
            line=unresolved.origin.line_at(unresolved.start),
            raw=unresolved.origin.written,
            fix_template=unresolved.origin.template_prefix + "local" + unresolved.origin.template_suffix,
            note=join_notes(
                where,
                f"{unresolved.text} is not set by an ARG or ENV before it; "
                "GOTOOLCHAIN is only known at build time",
                scope_note,
            ),
        )
    text = "".join(piece.text for piece in pieces)
    first = next((piece for piece in pieces if piece.text), None)
    origin = first.origin if first is not None else value
    provenance = None
    if first is not None and first.origin is not value and first.origin.label is not None:
        provenance = f"{first.origin.label}, used in {where}"
    return PinRecord(
        source=PinSource.DOCKERFILE_GOTOOLCHAIN,
        kind=PinKind.GOTOOLCHAIN,
        path=relative,
        line=origin.line_at(first.start) if first is not None else value.line,
        raw=text,
        version=gotoolchain_version(text),
        fix_template=origin.template_prefix + "local" + origin.template_suffix,
        note=join_notes(provenance or where, scope_note, gotoolchain_note(text)),
    )


def _run_gotoolchain(instruction: _Instruction) -> Iterator[Origin]:
    """``GOTOOLCHAIN=value`` assignments in a RUN command or its heredoc script (``export``,
    ``env``, ``go env -w``)."""
    for args, lines in (
        (instruction.args, instruction.arg_lines),
        (instruction.heredoc, instruction.heredoc_lines),
    ):
        for match in _RUN_GOTOOLCHAIN.finditer(args):
            raw = match["value"]
            quote = raw[0] if raw[:1] in ("'", '"') else ""
            start = match.start("value") + len(quote)
            end = match.end("value") - len(quote)
            yield Origin(
                text=args[start:end],
                line=lines[start] if end > start else lines[match.start()],
                label="GOTOOLCHAIN in RUN",
                template_prefix=f"{match['prefix']}GOTOOLCHAIN={quote}",
                template_suffix=quote,
                char_lines=lines[start:end],
                expandable=quote != "'",
            )


def _extract(lines: list[str], relative: str) -> list[PinRecord]:
    escape = _escape_character(lines)
    syntax = ExpansionSyntax(escape=escape, defaults=True)
    global_args: dict[str, Variable] = {}
    stage_vars: dict[str, Variable] = {}
    stages: set[str] = set()
    seen_from = False
    records: list[PinRecord] = []
    for instruction in _instructions(lines, escape):
        if instruction.keyword in ("ARG", "ENV"):
            visible = stage_vars if seen_from else global_args
            for declared in _arg_variables(instruction, visible, instruction.keyword):
                variable = declared
                if declared.value is None and instruction.keyword == "ARG" and seen_from:
                    # ``ARG NAME`` in a stage takes the global default, if there is one.
                    variable = global_args.get(declared.name, declared)
                visible[variable.name] = variable
                if declared.name == "GOTOOLCHAIN" and declared.value is not None:
                    scope_note = None
                    if not seen_from:
                        scope_note = (
                            "a global ARG: RUN commands see it only in stages that declare ARG GOTOOLCHAIN"
                        )
                    where = f"{declared.declaration} at line {declared.declaration_line}"
                    records.append(
                        _gotoolchain_record(
                            declared.value, declared.scope or visible.get, syntax, relative, where, scope_note
                        )
                    )
            continue
        if instruction.keyword == "RUN" and seen_from:
            for value in _run_gotoolchain(instruction):
                where = f"RUN at line {instruction.line}"
                records.append(_gotoolchain_record(value, stage_vars.get, syntax, relative, where, None))
            continue
        if instruction.keyword != "FROM":
            continue
        seen_from = True
        stage_vars = {}
        tokens = [(m.start(), m[0]) for m in re.finditer(r"\S+", instruction.args)]
        flags = 0
        while flags < len(tokens) and tokens[flags][1].startswith("--"):
            flags += 1
        if flags == len(tokens):
            continue
        start, image = tokens[flags]
        rest = tokens[flags + 1 :]
        stage = rest[1][1].lower() if len(rest) >= 2 and rest[0][1].lower() == "as" else None
        use = Origin(
            text=image,
            line=instruction.arg_lines[start],
            char_lines=instruction.arg_lines[start : start + len(image)],
        )
        pieces = expand(use, global_args.get, syntax)
        expanded = "".join(piece.text for piece in pieces)
        if expanded.lower() not in stages:
            pin = golang_image_pin(
                pieces,
                use_name="FROM",
                use_line=instruction.line,
                undefined_hint=_UNDEFINED_HINT,
            )
            if pin is not None:
                records.append(pin.record(PinSource.DOCKERFILE, relative))
        if stage is not None:
            stages.add(stage)
    # Line order: two FROMs using one ARG both point at the ARG line, in FROM order.
    return sorted(records, key=lambda record: record.line)
