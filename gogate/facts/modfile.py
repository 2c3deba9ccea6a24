"""go.mod and go.work syntax: lines, blocks, comments and the ``go``/``toolchain`` directives.

Follows golang.org/x/mod/modfile (``read.go`` for the lexer, ``rule.go`` for directives) so that
gogate rejects what the go command rejects, with the same ``file:line: message`` shape. The
differential tests compare with ``go mod edit -json``. Only the directives the pin checks need
are interpreted; the others are syntax-checked and kept as raw tokens for later checks.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gogate import goversion
from gogate.errors import InputError
from gogate.facts.textfile import TextFile

__all__ = ["Directive", "FileKind", "ModFile", "parse_modfile"]


class FileKind(enum.Enum):
    GO_MOD = "go.mod"
    GO_WORK = "go.work"


_KNOWN_VERBS = {
    FileKind.GO_MOD: {
        "module", "go", "toolchain", "godebug", "require", "exclude", "replace", "retract", "tool", "ignore",
    },
    FileKind.GO_WORK: {"go", "toolchain", "godebug", "use", "replace"},
}
_BLOCK_VERBS = {
    FileKind.GO_MOD: {"module", "godebug", "require", "exclude", "replace", "retract", "tool", "ignore"},
    FileKind.GO_WORK: {"godebug", "use", "replace"},
}


@dataclass(frozen=True, slots=True)
class Directive:
    """One directive line (inside a block, ``verb`` is the block's verb)."""

    verb: str
    args: tuple[str, ...]
    line: int
    comment: str = ""


@dataclass(frozen=True, slots=True)
class ModFile:
    """A parsed go.mod or go.work."""

    path: str
    kind: FileKind
    directives: tuple[Directive, ...]

    def first(self, verb: str) -> Directive | None:
        return next((d for d in self.directives if d.verb == verb), None)

    @property
    def go(self) -> Directive | None:
        return self.first("go")

    @property
    def toolchain(self) -> Directive | None:
        return self.first("toolchain")


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    line: int
    kind: str  # "word", "string", "(", ")", "comment", "newline"


def _is_ident_char(char: str) -> bool:
    if char in " ()[]{},":
        return False
    return not char.isspace() and char.isprintable()


def _lex(file: TextFile) -> list[_Token]:
    text, path = file.text, file.path
    tokens: list[_Token] = []
    line = 1
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\n":
            tokens.append(_Token("\n", line, "newline"))
            line += 1
            index += 1
        elif char in " \t\r":
            index += 1
        elif text.startswith("//", index):
            end = text.find("\n", index)
            end = len(text) if end < 0 else end
            tokens.append(_Token(text[index:end], line, "comment"))
            index = end
        elif char in "()":
            tokens.append(_Token(char, line, char))
            index += 1
        elif char in "\"`":
            end = index + 1
            while True:
                if end >= len(text) or (char == '"' and text[end] == "\n"):
                    raise InputError(path, "unexpected EOF in string", line=line)
                if char == '"' and text[end] == "\\":
                    end += 2
                    continue
                if text[end] == char:
                    break
                end += 1
            literal = text[index : end + 1]
            tokens.append(_Token(literal, line, "string"))
            line += literal.count("\n")
            index = end + 1
        elif _is_ident_char(char):
            end = index
            while end < len(text) and _is_ident_char(text[end]) and not text.startswith("//", end):
                end += 1
            tokens.append(_Token(text[index:end], line, "word"))
            index = end
        else:
            raise InputError(path, f"unexpected input character {char!r}", line=line)
    tokens.append(_Token("\n", line, "newline"))
    return tokens


def _unquote(token: _Token, path: str) -> str:
    if token.kind != "string":
        return token.text
    body = token.text[1:-1]
    if token.text[0] == "`":
        return body
    try:
        return body.encode("latin-1", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError as error:
        raise InputError(path, f"invalid quoted string {token.text}", line=token.line) from error


def _split_lines(tokens: list[_Token]) -> list[list[_Token]]:
    lines: list[list[_Token]] = []
    current: list[_Token] = []
    for token in tokens:
        if token.kind == "newline":
            if current:
                lines.append(current)
            current = []
        else:
            current.append(token)
    return lines


def parse_modfile(file: TextFile, kind: FileKind) -> ModFile:
    """Parse ``file`` as ``kind``; raise InputError ``path:line: reason`` where Go would refuse it."""
    path = file.path
    directives: list[Directive] = []
    block_verb: str | None = None
    for raw in _split_lines(_lex(file)):
        comment = raw[-1].text if raw[-1].kind == "comment" else ""
        tokens = [t for t in raw if t.kind != "comment"]
        if not tokens:
            continue
        first = tokens[0]
        if block_verb is not None:
            if first.kind == ")":
                if len(tokens) > 1:
                    raise InputError(path, "syntax error (unexpected tokens after ')')", line=first.line)
                block_verb = None
                continue
            if any(t.kind in "()" for t in tokens):
                raise InputError(path, "syntax error (unexpected parenthesis in block)", line=first.line)
            args = tuple(_unquote(t, path) for t in tokens)
            directives.append(Directive(block_verb, args, first.line, comment))
            continue
        if first.kind != "word":
            raise InputError(path, f"syntax error (unexpected {first.text!r})", line=first.line)
        verb = first.text
        if len(tokens) >= 2 and tokens[-1].kind == "(":
            if len(tokens) != 2:
                raise InputError(path, "syntax error (unexpected '(')", line=first.line)
            if verb not in _KNOWN_VERBS[kind]:
                raise InputError(path, f"unknown block type: {verb}", line=first.line)
            if verb not in _BLOCK_VERBS[kind]:
                raise InputError(path, f"unknown block type: {verb}", line=first.line)
            block_verb = verb
            continue
        if any(t.kind in "()" for t in tokens[1:]):
            raise InputError(path, "syntax error (unexpected parenthesis)", line=first.line)
        if verb not in _KNOWN_VERBS[kind]:
            raise InputError(path, f"unknown directive: {verb}", line=first.line)
        args = tuple(_unquote(t, path) for t in tokens[1:])
        directives.append(Directive(verb, args, first.line, comment))
    if block_verb is not None:
        raise InputError(path, "syntax error (unterminated block started earlier)", line=file.text.count("\n") + 1)
    _check_go_and_toolchain(path, directives)
    return ModFile(path=path, kind=kind, directives=tuple(directives))


def _check_go_and_toolchain(path: str, directives: list[Directive]) -> None:
    seen: set[str] = set()
    for directive in directives:
        if directive.verb not in ("go", "toolchain", "module"):
            continue
        if directive.verb in seen:
            raise InputError(path, f"repeated {directive.verb} statement", line=directive.line)
        seen.add(directive.verb)
        if directive.verb == "go":
            if len(directive.args) != 1:
                raise InputError(path, "go directive expects exactly one argument", line=directive.line)
            value = directive.args[0]
            if not goversion.GO_LINE_PATTERN.match(value):
                raise InputError(
                    path, f"invalid go version '{value}': must match format 1.23.0", line=directive.line
                )
        elif directive.verb == "toolchain":
            if len(directive.args) != 1:
                raise InputError(path, "toolchain directive expects exactly one argument", line=directive.line)
            value = directive.args[0]
            if not goversion.TOOLCHAIN_LINE_PATTERN.match(value):
                raise InputError(
                    path,
                    f"invalid toolchain version '{value}': must match format go1.23.0 or default",
                    line=directive.line,
                )
