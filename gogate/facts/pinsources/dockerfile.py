"""Go versions stated by ``FROM golang:<tag>`` in Dockerfiles and Containerfiles.

Why a small Dockerfile reader instead of a regex per line: real files split FROM over
backslash-continued lines, switch the escape character to a backtick on Windows, hide FROM
lines inside heredocs and put the version in a global ``ARG`` that FROM expands. Only ARGs
declared before the first FROM are visible to FROM lines (Docker's scoping), and a FROM that
names an earlier stage (``FROM golang AS golang`` ... ``FROM golang``) is not an image at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gogate.facts.model import PinRecord, PinSource
from gogate.facts.pinsources._common import (
    ExpansionSyntax,
    Origin,
    Variable,
    expand,
    golang_image_pin,
    guarded,
)
from gogate.facts.textfile import read_text_file

__all__ = ["extract"]

# Parser directives BuildKit knows; anything else ends the directive block like a comment does.
_DIRECTIVE = re.compile(r"#\s*(syntax|escape|check)\s*=\s*(.*?)\s*", re.IGNORECASE)
_HEREDOC = re.compile(r"<<(-?)\s*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
_HEREDOC_INSTRUCTIONS = {"RUN", "COPY", "ADD"}
_UNDEFINED_HINT = "is not declared by an ARG before the first FROM; its value is only known at build time"
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
    for number, line in enumerate(lines, start=1):
        if heredocs:
            terminator, strip_tabs = heredocs[0]
            if (line.lstrip("\t") if strip_tabs else line) == terminator:
                heredocs.pop(0)
            continue
        stripped = line.strip()
        # Comment and blank lines are dropped, also in the middle of a continued instruction.
        if not stripped or stripped.startswith("#"):
            continue
        body = line.rstrip()
        continued = body.endswith(escape)
        if continued:
            body = body[:-1]
        chars.extend(body)
        char_lines.extend([number] * len(body))
        if continued:
            continue
        instruction = _make_instruction("".join(chars), char_lines)
        chars, char_lines = [], []
        if instruction is not None:
            if instruction.keyword in _HEREDOC_INSTRUCTIONS:
                heredocs.extend((m[3], m[1] == "-") for m in _HEREDOC.finditer(instruction.args))
            yield instruction
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


def _arg_variables(instruction: _Instruction, visible: dict[str, Variable]) -> Iterator[Variable]:
    """``ARG NAME[=value] ...``; a default may reference ARGs declared before it."""
    args, lines = instruction.args, instruction.arg_lines
    scope = dict(visible).get
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
                label=f"ARG {name}",
                template_prefix=f"ARG {name}={quote}",
                template_suffix=quote,
                char_lines=lines[start:end],
                expandable=quote != "'",
            )
        yield Variable(name, value, declaration_line, f"ARG {name}", f"ARG {name}={{version}}", scope)


def extract(root: Path, relative: str) -> list[PinRecord]:
    """One record per ``FROM`` of the official golang image, at the line where its version is written.

    Runs with a work budget: ARGs referencing earlier ARGs many times over would otherwise
    expand exponentially (an InputError instead).
    """
    with guarded(relative):
        return _extract(root, relative)


def _extract(root: Path, relative: str) -> list[PinRecord]:
    lines = read_text_file(root, relative, allow_crlf=True, allow_bom=True).lines
    escape = _escape_character(lines)
    syntax = ExpansionSyntax(escape=escape, defaults=True)
    global_args: dict[str, Variable] = {}
    stages: set[str] = set()
    seen_from = False
    records: list[PinRecord] = []
    for instruction in _instructions(lines, escape):
        if instruction.keyword == "ARG" and not seen_from:
            for variable in _arg_variables(instruction, global_args):
                global_args[variable.name] = variable
            continue
        if instruction.keyword != "FROM":
            continue
        seen_from = True
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
