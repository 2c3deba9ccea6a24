"""go.mod and go.work syntax: lines, blocks, comments and the ``go``/``toolchain`` directives.

Follows golang.org/x/mod/modfile (``read.go`` for the lexer and parser, ``rule.go``/``work.go`` for
the directives, strict mode as ``modfile.Parse`` with no version fixer, which is what
``go mod edit`` uses) so that gogate rejects what the go command rejects, at the same line, with
a ``file:line: message`` of the same shape. The differential tests compare with
``go mod edit -json`` and ``go work edit -json``.

Rules worth knowing (each checked against the real go command):

* The lexer works one token ahead and stops at the first syntax error; directive errors are
  collected per line in file order and the first one is reported here.
* ``[ ] { } ,`` are tokens of their own (retract intervals use them); ``/* */`` comments,
  a byte-order mark and other non-printable characters are errors; ``\\r`` is blank space.
* A quoted string may not span lines. Only ``"..."`` strings are unquoted (Go syntax); a
  backquoted or otherwise quoted path or version is an error ("unquoted string cannot contain
  quote"), and the ``go``/``toolchain`` values are matched as written, so ``go "1.22"`` is invalid.
* ``require``/``exclude``/``replace`` versions must be semantic versions that canonicalize
  (``v1.2`` is fine, ``1.2.3`` or ``latest`` are not) and fit the path's major version suffix.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import NoReturn

from gogate import goversion
from gogate.deps import semver
from gogate.deps.gostrings import quote, quote_rune, unquote
from gogate.deps.modpath import check_path_major, split_path_version
from gogate.errors import InputError
from gogate.facts.textfile import TextFile

__all__ = ["Directive", "FileKind", "ModFile", "parse_modfile"]


class FileKind(enum.Enum):
    GO_MOD = "go.mod"
    GO_WORK = "go.work"


_BLOCK_VERBS = {
    FileKind.GO_MOD: frozenset(
        {"module", "godebug", "require", "exclude", "replace", "retract", "tool", "ignore"}
    ),
    FileKind.GO_WORK: frozenset({"godebug", "use", "replace"}),
}


@dataclass(frozen=True, slots=True)
class Directive:
    """One directive line (inside a block, ``verb`` is the block's verb).

    ``args`` are the values (``"..."`` strings unquoted); ``tokens`` the arguments as written.
    ``comment`` is the end-of-line comment; ``before`` the whole-line comments x/mod attaches
    above the line ("" marks a blank line inside a block, as x/mod keeps it); ``block_before``
    the comments above the enclosing block, None outside a block. x/mod reads a module's
    ``Deprecated:`` notice and a retraction's rationale from these (``parseDirectiveComment``).
    """

    verb: str
    args: tuple[str, ...]
    line: int
    comment: str = ""
    tokens: tuple[str, ...] = field(default=())
    before: tuple[str, ...] = field(default=())
    block_before: tuple[str, ...] | None = None


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


# --- lexer (read.go) ---------------------------------------------------------------------------

_EOF, _EOL_COMMENT, _COMMENT, _IDENT, _STRING = "eof", "eol-comment", "comment", "ident", "string"
_PUNCTUATION = frozenset("\n()[]{},")
_ENDS_LINE = frozenset({_EOF, _EOL_COMMENT, "\n"})


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # one of the constants above, or the punctuation character itself
    text: str
    line: int
    column: int


def _is_ident(char: str) -> bool:
    """Go's isIdent: printable, not space, not one of `` ()[]{},``."""
    return char not in " ()[]{}," and not char.isspace() and char.isprintable()


class _Lexer:
    def __init__(self, file: TextFile) -> None:
        self.path = file.path
        self.text = file.text
        self.index = 0
        self.line = 1
        self.line_start = 0  # index of the first character of the current line

    def error(self, message: str, line: int | None = None) -> NoReturn:
        raise InputError(self.path, message, line=self.line if line is None else line)

    def _advance(self, count: int = 1) -> None:
        for _ in range(count):
            if self.text[self.index] == "\n":
                self.line += 1
                self.line_start = self.index + 1
            self.index += 1

    def _token(self, kind: str, start: int, line: int, column: int) -> _Token:
        return _Token(kind, self.text[start : self.index], line, column)

    def read(self) -> _Token:
        text = self.text
        while self.index < len(text):
            char = text[self.index]
            if char in " \t\r":
                self.index += 1
                continue
            if text.startswith("//", self.index):
                start, line, column = self.index, self.line, self.index - self.line_start + 1
                suffix = text[self.line_start : start].strip() != ""
                end = text.find("\n", start)
                self._advance((len(text) if end < 0 else end + 1) - start)
                comment = text[start : self.index]
                comment = comment[:-2] if comment.endswith("\r\n") else comment.removesuffix("\n")
                return _Token(_EOL_COMMENT if suffix else _COMMENT, comment, line, column)
            if text.startswith("/*", self.index):
                self.error("mod files must use // comments (not /* */ comments)")
            break
        start, line, column = self.index, self.line, self.index - self.line_start + 1
        if start >= len(text):
            return _Token(_EOF, "", line, column)
        char = text[start]
        if char in _PUNCTUATION:
            self._advance()
            return _Token(char, char, line, column)
        if char in '"`':
            self.index += 1
            while True:
                if self.index >= len(text):
                    self.error("unexpected EOF in string", line)
                if text[self.index] == "\n":
                    self.error("unexpected newline in string")
                current = text[self.index]
                self.index += 1
                if current == char:
                    break
                if current == "\\" and char != "`":
                    if self.index >= len(text):
                        self.error("unexpected EOF in string", line)
                    self._advance()  # the escaped character, even a newline
            return self._token(_STRING, start, line, column)
        if not _is_ident(char):
            self.error(f"unexpected input character {quote_rune(char)}")
        while self.index < len(text) and _is_ident(text[self.index]):
            if text.startswith("//", self.index):
                break
            if text.startswith("/*", self.index):
                self.error("mod files must use // comments (not /* */ comments)")
            self.index += 1
        return self._token(_IDENT, start, line, column)


# --- parser (read.go) --------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    tokens: list[_Token]
    comment: str = ""
    before: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Block:
    tokens: list[_Token]
    lines: list[_Line]
    before: list[str] = field(default_factory=list)


class _Parser:
    def __init__(self, file: TextFile) -> None:
        self.lexer = _Lexer(file)
        self.token = self.lexer.read()  # the lexer always works one token ahead, as in read.go
        self.statements: list[_Line | _Block] = []

    def peek(self) -> str:
        return self.token.kind

    def lex(self) -> _Token:
        token = self.token
        self.token = self.lexer.read()
        return token

    def parse(self) -> list[_Line | _Block]:
        # Whole-line comments directly above a statement (no blank line between) belong to it;
        # a blank line makes them a free-standing comment block (read.go parseFile).
        pending: list[str] = []
        while True:
            kind = self.peek()
            if kind == _EOF:
                return self.statements
            if kind == "\n":
                self.lex()
                pending = []
            elif kind == _COMMENT:
                pending.append(self.lex().text)
            else:
                self.statement()
                self.statements[-1].before = pending
                pending = []

    def statement(self) -> None:
        tokens = [self.lex()]
        while True:
            token = self.lex()
            if token.kind in _ENDS_LINE:
                self.statements.append(_Line(tokens, token.text if token.kind == _EOL_COMMENT else ""))
                return
            if token.kind == "(":
                if self.peek() in _ENDS_LINE:
                    self.statements.append(self.block(tokens))
                    return
                if self.peek() == ")":
                    closing = self.lex()
                    if self.peek() in _ENDS_LINE:
                        self.lex()
                        self.statements.append(_Block(tokens, []))
                        return
                    tokens += [token, closing]
                    continue
            tokens.append(token)

    def block(self, tokens: list[_Token]) -> _Block:
        block = _Block(tokens, [])
        # Inside a block every comment since the previous line belongs to the next line, and
        # blank lines are kept as "" markers (read.go parseLineBlock).
        comments: list[str] = []
        while True:
            kind = self.peek()
            if kind == _EOL_COMMENT:
                self.lex()
            elif kind == _COMMENT:
                comments.append(self.lex().text)
            elif kind == "\n":
                self.lex()
                if (not comments and block.lines) or (comments and comments[-1] != ""):
                    comments.append("")
            elif kind == _EOF:
                start = f"{self.lexer.path}:{tokens[0].line}:{tokens[0].column}"
                self.lexer.error(f"syntax error (unterminated block started at {start})")
            elif kind == ")":
                self.lex()
                if self.peek() not in _ENDS_LINE:
                    self.lexer.error("syntax error (expected newline after closing paren)")
                self.lex()
                return block
            else:
                line = [self.lex()]
                while (token := self.lex()).kind not in _ENDS_LINE:
                    line.append(token)
                comment = token.text if token.kind == _EOL_COMMENT else ""
                block.lines.append(_Line(line, comment, comments))
                comments = []


# --- values: Go strings, semantic versions, module paths ----------------------------------------


def _unquote(literal: str) -> str | None:
    """strconv.Unquote of a ``"..."`` token as text (escaped bytes that are not UTF-8 as surrogates)."""
    value = unquote(literal) if literal.startswith('"') else None
    return None if value is None else value.decode("utf-8", "surrogateescape")


class _Reject(Exception):
    """A directive error; parse_modfile turns the first one into an InputError at that line."""


def _parse_string(token: str) -> str:
    """modfile's parseString: unquote a ``"..."`` token; any other quote character is an error."""
    if token.startswith('"'):
        value = _unquote(token)
        if value is None:
            raise _Reject("invalid quoted string: invalid syntax")
        return value
    if any(mark in token for mark in "\"'`"):
        raise _Reject("invalid quoted string: unquoted string cannot contain quote")
    return token


def _path_major(path: str) -> str:
    """module.SplitPathVersion's major suffix (``/v2``, ``.v1``, or ""); _Reject for a bad one."""
    split = split_path_version(path)
    if split is None:
        raise _Reject("invalid module path")
    return split[1]


def _check_path_major(verb: str, path: str, version: str, path_major: str) -> None:
    """module.CheckPathMajor: the version's major must fit the path's /vN (or gopkg.in .vN) suffix."""
    mismatch = check_path_major(version, path_major)
    if mismatch:
        raise _Reject(f"{verb} {path}: version {quote(version)} invalid: {mismatch}")


def _version(verb: str, path: str, token: str) -> str:
    try:
        value = _parse_string(token)
    except _Reject as error:
        raise _Reject(f"{verb} {path}: version {quote(token)} invalid: {error}") from None
    canonical = semver.canonical_version(value)
    if not canonical:
        raise _Reject(f"{verb} {path}: version {quote(value)} invalid: must be of the form v1.2.3")
    return canonical


def _is_directory_path(path: str) -> bool:
    return (
        path in (".", "..")
        or path.startswith(("./", ".\\", "../", "..\\", "/", "\\"))
        or (len(path) >= 2 and path[0].isascii() and path[0].isalpha() and path[1] == ":")
    )


# --- directives (rule.go, work.go) -------------------------------------------------------------


def _check_replace(verb: str, args: list[str]) -> None:
    arrow = 1 if len(args) >= 2 and args[1] == "=>" else 2
    if len(args) < arrow + 2 or len(args) > arrow + 3 or args[arrow] != "=>":
        raise _Reject(
            f"usage: {verb} module/path [v1.2.3] => other/module v1.4\n"
            f"\t or {verb} module/path [v1.2.3] => ../local/directory"
        )
    path = _parse_string(args[0])
    try:
        path_major = _path_major(path)
    except _Reject as error:
        raise _Reject(f"{verb} {path}: {error}") from None
    if arrow == 2:
        _check_path_major(verb, path, _version(verb, path, args[1]), path_major)
    new_path = _parse_string(args[arrow + 1])
    if len(args) == arrow + 2:
        if not _is_directory_path(new_path):
            if "@" in new_path:
                raise _Reject("replacement module must match format 'path version', not 'path@version'")
            raise _Reject(
                "replacement module without version must be directory path (rooted or starting with . or ..)"
            )
        if "\\" in new_path:
            raise _Reject("replacement directory appears to be Windows path (on a non-windows system)")
    else:
        _version(verb, new_path, args[arrow + 2])
        if _is_directory_path(new_path):
            raise _Reject(f"replacement module directory path {quote(new_path)} cannot have version")


def _check_retract(args: list[str]) -> None:
    """parseVersionInterval with modfile's no-op fixer: versions are only unquoted here."""
    if not args or args[0] == "(":
        raise _Reject("expected '[' or version")
    if args[0] != "[":
        _version_token("retract", args[0])
        rest = args[1:]
    else:
        rest = args[1:]
        for expected, message in (
            (None, "expected version after '['"),
            (",", "expected ',' after version"),
            (None, "expected version after ','"),
            ("]", "expected ']' after version"),
        ):
            if not rest or (expected is not None and rest[0] != expected):
                raise _Reject(message)
            if expected is None:
                _version_token("retract", rest[0])
            rest = rest[1:]
    if rest:
        raise _Reject(f"unexpected token after version: {quote(rest[0])}")


def _version_token(verb: str, token: str) -> None:
    try:
        _parse_string(token)
    except _Reject as error:
        raise _Reject(f"{verb}: version {quote(token)} invalid: {error}") from None


def _one_path(verb: str, args: list[str], usage: str) -> None:
    if len(args) != 1:
        raise _Reject(usage)
    _parse_string(args[0])


class _Rules:
    """modfile's File.add / WorkFile.add for one file: the first directive error is raised."""

    def __init__(self, kind: FileKind) -> None:
        self.kind = kind
        self.seen: set[str] = set()

    def check(self, verb: str, args: list[str]) -> None:
        kind = self.kind
        if verb in self.seen:  # only go, toolchain and (in go.mod) module are recorded
            raise _Reject(f"repeated {verb} statement")
        if verb == "module" and kind is FileKind.GO_MOD:
            self.seen.add(verb)
            if len(args) != 1:
                raise _Reject("usage: module module/path")
            _parse_string(args[0])
        elif verb == "go":
            if len(args) != 1:
                raise _Reject("go directive expects exactly one argument")
            if not goversion.GO_LINE_PATTERN.match(args[0]):
                raise _Reject(f"invalid go version '{args[0]}': must match format 1.23.0")
            self.seen.add(verb)
        elif verb == "toolchain":
            if len(args) != 1:
                raise _Reject("toolchain directive expects exactly one argument")
            if not goversion.TOOLCHAIN_LINE_PATTERN.match(args[0]):
                raise _Reject(f"invalid toolchain version '{args[0]}': must match format go1.23.0 or default")
            self.seen.add(verb)
        elif verb == "godebug":
            if len(args) != 1 or any(c in args[0] for c in "\"`',") or "=" not in args[0]:
                raise _Reject("usage: godebug key=value")
        elif verb in ("require", "exclude") and kind is FileKind.GO_MOD:
            if len(args) != 2:
                raise _Reject(f"usage: {verb} module/path v1.2.3")
            path = _parse_string(args[0])
            version = _version(verb, path, args[1])
            _check_path_major(verb, path, version, _path_major(path))
        elif verb == "replace":
            _check_replace(verb, args)
        elif verb == "retract" and kind is FileKind.GO_MOD:
            _check_retract(args)
        elif verb in ("tool", "ignore") and kind is FileKind.GO_MOD:
            _one_path(verb, args, f"{verb} directive expects exactly one argument")
        elif verb == "use" and kind is FileKind.GO_WORK:
            _one_path(verb, args, "usage: use local/dir")
        else:
            raise _Reject(f"unknown directive: {verb}")


def _directive(
    verb: str,
    tokens: list[_Token],
    line: int,
    comment: str,
    before: list[str],
    block_before: list[str] | None,
) -> Directive:
    raw = tuple(token.text for token in tokens)
    values = []
    for text in raw:
        value = _unquote(text) if text.startswith('"') else None
        values.append(text if value is None else value)
    outer = None if block_before is None else tuple(block_before)
    return Directive(verb, tuple(values), line, comment, raw, tuple(before), outer)


def parse_modfile(file: TextFile, kind: FileKind) -> ModFile:
    """Parse ``file`` as ``kind``; raise InputError ``path:line: reason`` where Go would refuse it."""
    statements = _Parser(file).parse()
    rules = _Rules(kind)
    directives: list[Directive] = []

    def add(
        verb: str, tokens: list[_Token], line: _Line, number: int, block_before: list[str] | None
    ) -> None:
        try:
            rules.check(verb, [token.text for token in tokens])
        except _Reject as error:
            raise InputError(file.path, str(error), line=number) from None
        directives.append(_directive(verb, tokens, number, line.comment, line.before, block_before))

    for statement in statements:
        first = statement.tokens[0]
        if isinstance(statement, _Line):
            add(first.text, statement.tokens[1:], statement, first.line, None)
        elif len(statement.tokens) > 1 or first.text not in _BLOCK_VERBS[kind]:
            words = " ".join(token.text for token in statement.tokens)
            raise InputError(file.path, f"unknown block type: {words}", line=first.line)
        else:
            for line in statement.lines:
                add(first.text, line.tokens, line, line.tokens[0].line, statement.before)
    return ModFile(path=file.path, kind=kind, directives=tuple(directives))
