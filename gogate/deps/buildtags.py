"""What the go command reads from the top of a Go file: package clause, imports, build constraints
and ``//go:embed`` patterns, reimplemented byte for byte where it decides which files are vendored.

Why a port and not a Go parser: ``go mod vendor`` does not parse Go. It runs a small byte-level
reader over the package clause and imports (``cmd/go/internal/imports`` and ``go/build``'s
copy of it), keeps what it read as the "header", and evaluates build constraints on the comment
lines of that header with every tag except ``ignore`` counted as satisfiable. A file whose
constraints cannot hold is left out of vendor/. Embed patterns come from go/build, which scans
the comments of the whole file for ``//go:embed`` once the file imports "embed". Matching those
readers exactly (where they stop, what a NUL byte does, which lines count) is what makes the
expected vendor tree equal to the one Go writes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from gogate.deps.gostrings import GO_SPACE, trim_space, unquote

__all__ = [
    "FileHeader",
    "GoFileInfo",
    "read_go_info",
    "read_header",
    "should_build_any_tags",
]

_BOM = b"\xef\xbb\xbf"
_SYNTAX = "syntax error"
_NUL = "unexpected NUL in input"


_GO_KEYWORDS = frozenset(
    [
        "break",
        "case",
        "chan",
        "const",
        "continue",
        "default",
        "defer",
        "else",
        "fallthrough",
        "for",
        "func",
        "go",
        "goto",
        "if",
        "import",
        "interface",
        "map",
        "package",
        "range",
        "return",
        "select",
        "struct",
        "switch",
        "type",
        "var",
    ]
)


def _is_ident_byte(byte: int) -> bool:
    return (
        0x41 <= byte <= 0x5A or 0x61 <= byte <= 0x7A or 0x30 <= byte <= 0x39 or byte == 0x5F or byte >= 0x80
    )


class _ImportReader:
    """The byte reader shared by cmd/go/internal/imports and go/build (read.go).

    It never looks past the byte that ends the import block; ``position`` is how far it read.
    ``error`` is "syntax error" or the NUL error, as in Go, and only the first one is kept.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data[3:] if data.startswith(_BOM) else data
        self.position = 0
        self.peeked = 0
        self.error: str | None = None
        self.eof = False
        self.imports: list[bytes] = []
        self.package: bytes | None = None

    def read_byte(self) -> int:
        if self.position >= len(self.data):
            self.eof = True
            return 0
        byte = self.data[self.position]
        self.position += 1
        if byte == 0 and self.error is None:
            self.error = _NUL
        return byte

    def more(self) -> bool:
        """No error and not at the end (a method, so type narrowing never assumes it stays true)."""
        return self.error is None and not self.eof

    def syntax_error(self) -> None:
        if self.error is None:
            self.error = _SYNTAX

    def peek(self, skip_space: bool) -> int:
        if self.error is not None:
            return 0
        byte = self.peeked or self.read_byte()
        while self.more():
            if skip_space:
                if byte in b" \f\t\r\n;":
                    byte = self.read_byte()
                    continue
                if byte == 0x2F:  # '/'
                    byte = self.read_byte()
                    if byte == 0x2F:
                        while byte != 0x0A and self.more():
                            byte = self.read_byte()
                    elif byte == 0x2A:  # '*'
                        following = 0
                        while (byte != 0x2A or following != 0x2F) and self.error is None:
                            if self.eof:
                                self.syntax_error()
                            byte, following = following, self.read_byte()
                    else:
                        self.syntax_error()
                    byte = self.read_byte()
                    continue
            break
        self.peeked = byte
        return byte

    def next(self, skip_space: bool) -> int:
        byte = self.peek(skip_space)
        self.peeked = 0
        return byte

    def read_keyword(self, keyword: bytes) -> None:
        self.peek(True)
        for expected in keyword:
            if self.next(False) != expected:
                self.syntax_error()
                return
        if _is_ident_byte(self.peek(False)):
            self.syntax_error()

    def read_ident(self) -> bytes | None:
        if not _is_ident_byte(self.peek(True)):
            self.syntax_error()
            return None
        start = self.position - 1
        while _is_ident_byte(self.peek(False)):
            self.peeked = 0
        end = self.position if self.eof else self.position - 1
        return self.data[start:end]

    def read_string(self) -> None:
        quote = self.next(True)
        start = self.position - 1
        if quote == 0x60:  # '`'
            while self.error is None:
                if self.next(False) == 0x60:
                    self.imports.append(self.data[start : self.position])
                    break
                if self.eof:
                    self.syntax_error()
        elif quote == 0x22:  # '"'
            while self.error is None:
                byte = self.next(False)
                if byte == 0x22:
                    self.imports.append(self.data[start : self.position])
                    break
                if self.eof or byte == 0x0A:
                    self.syntax_error()
                if byte == 0x5C:  # '\\'
                    self.next(False)
        else:
            self.syntax_error()

    def read_import(self) -> None:
        byte = self.peek(True)
        if byte == 0x2E:  # '.'
            self.peeked = 0
        elif _is_ident_byte(byte):
            self.read_ident()
        self.read_string()

    def read_package_and_imports(self) -> None:
        self.read_keyword(b"package")
        self.package = self.read_ident()
        while self.peek(True) == 0x69:  # 'i'
            self.read_keyword(b"import")
            if self.peek(True) == 0x28:  # '('
                self.next(False)
                while self.peek(True) != 0x29 and self.error is None:
                    self.read_import()
                self.next(False)
            else:
                self.read_import()


@dataclass(frozen=True, slots=True)
class FileHeader:
    """What ``imports.ReadImports(f, false, nil)`` returns: the bytes read, or its error."""

    content: bytes
    error: str | None


def read_header(data: bytes) -> FileHeader:
    """cmd/go's ReadImports without syntax-error reporting (what ``go mod vendor`` calls).

    On a syntax error it reads on to the end of the file, so a NUL byte anywhere after the error
    (or before the reader stops) makes it fail; ``go mod vendor`` then keeps the file.
    """
    reader = _ImportReader(data)
    reader.read_package_and_imports()
    if reader.error is None and not reader.eof:
        return FileHeader(reader.data[: reader.position - 1], None)
    if reader.error == _SYNTAX:
        reader.error = None
        while reader.more():
            reader.read_byte()
    return FileHeader(reader.data[: reader.position], reader.error)


# --- build constraints -------------------------------------------------------------------------


def _trim_space(line: bytes) -> bytes:
    """bytes.TrimSpace (ASCII whitespace, plus Unicode White_Space for non-ASCII lines)."""
    if line.isascii():
        return line.strip(b" \t\n\r\v\f")
    return trim_space(line.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")


class ConstraintError(Exception):
    """A ``//go:build`` line (or a header) go/build refuses; ``imports.ShouldBuild`` says false."""


def _is_go_build_comment(line: bytes) -> bool:
    if not line.startswith(b"//go:build"):
        return False
    rest = _trim_space(line)[len(b"//go:build") :]
    return rest == b"" or len(_trim_space(rest)) < len(rest)


def _parse_file_header(content: bytes) -> tuple[bytes, bytes | None]:
    """parseFileHeader: (the part where ``// +build`` lines count, the ``//go:build`` line)."""
    end = 0
    ended = False
    in_block_comment = False
    go_build: bytes | None = None
    position = 0
    while position < len(content):
        newline = content.find(b"\n", position)
        raw = content[position:] if newline < 0 else content[position:newline]
        position = len(content) if newline < 0 else newline + 1
        line = _trim_space(raw)
        if not line and not ended:
            end = position
            continue
        if not line.startswith(b"//"):
            ended = True
        if not in_block_comment and _is_go_build_comment(line):
            if go_build is not None:
                raise ConstraintError("multiple //go:build comments")
            go_build = line
        text_found = False
        while line:
            if in_block_comment:
                close = line.find(b"*/")
                if close < 0:
                    break
                in_block_comment = False
                line = _trim_space(line[close + 2 :])
                continue
            if line.startswith(b"//"):
                break
            if line.startswith(b"/*"):
                in_block_comment = True
                line = _trim_space(line[2:])
                continue
            text_found = True
            break
        if text_found:
            break
    return content[:end], go_build


def _is_tag_char(char: str) -> bool:
    category = unicodedata.category(char) if not 0xD800 <= ord(char) <= 0xDFFF else "Cs"
    return category.startswith("L") or category == "Nd" or char in "_."


class _ExprParser:
    """go/build/constraint's //go:build expression parser, evaluated under "any tags" directly.

    Every valid tag except ``ignore`` is satisfiable whichever way it is wanted, so a tag
    evaluates to ``prefer`` (true, flipped under each ``!``); ``ignore`` is always false.
    """

    _MAX_SIZE = 1000

    def __init__(self, text: str) -> None:
        self.text = text
        self.index = 0
        self.token = ""
        self.is_tag = False
        self.size = 0

    def parse(self) -> object:
        tree = self.or_expr()
        if self.token != "":
            raise ConstraintError(f"unexpected token {self.token}")
        return tree

    def or_expr(self) -> object:
        tree = self.and_expr()
        while self.token == "||":
            tree = ("or", tree, self.and_expr())
        return tree

    def and_expr(self) -> object:
        tree = self.not_expr()
        while self.token == "&&":
            tree = ("and", tree, self.not_expr())
        return tree

    def not_expr(self) -> object:
        self.size += 1
        if self.size > self._MAX_SIZE:
            raise ConstraintError("build expression too large")
        self.lex()
        if self.token == "!":
            self.lex()
            if self.token == "!":
                raise ConstraintError("double negation not allowed")
            return ("not", self.atom())
        return self.atom()

    def atom(self) -> object:
        if self.token == "(":
            try:
                tree = self.or_expr()
            except ConstraintError as error:
                if str(error) == "unexpected end of expression":
                    raise ConstraintError("missing close paren") from None
                raise
            if self.token != ")":
                raise ConstraintError("missing close paren")
            self.lex()
            return tree
        if not self.is_tag:
            if self.token == "":
                raise ConstraintError("unexpected end of expression")
            raise ConstraintError(f"unexpected token {self.token}")
        tag = self.token
        self.lex()
        return ("tag", tag)

    def lex(self) -> None:
        self.is_tag = False
        text = self.text
        while self.index < len(text) and text[self.index] in " \t":
            self.index += 1
        if self.index >= len(text):
            self.token = ""
            return
        char = text[self.index]
        if char in "()!":
            self.token = char
            self.index += 1
            return
        if char in "&|":
            if self.index + 1 >= len(text) or text[self.index + 1] != char:
                raise ConstraintError(f"invalid syntax at {char}")
            self.token = char * 2
            self.index += 2
            return
        end = self.index
        while end < len(text) and _is_tag_char(text[end]):
            end += 1
        if end == self.index:
            raise ConstraintError(f"invalid syntax at {char}")
        self.token = text[self.index : end]
        self.index = end
        self.is_tag = True


def _valid_tag(name: str) -> bool:
    return name != "" and all(_is_tag_char(char) for char in name)


def _evaluate(tree: object, prefer: bool) -> bool:
    """imports.eval with tags = AnyTags(): only ``ignore`` (and malformed tags) are false."""
    assert isinstance(tree, tuple)
    kind = tree[0]
    if kind == "tag":
        name = tree[1]
        return _valid_tag(name) and name != "ignore" and prefer
    if kind == "not":
        return not _evaluate(tree[1], not prefer)
    if kind == "and":
        return _evaluate(tree[1], prefer) and _evaluate(tree[2], prefer)
    return _evaluate(tree[1], prefer) or _evaluate(tree[2], prefer)


def _go_build_expression(line: bytes) -> object:
    """constraint.Parse of a ``//go:build`` line already known to be one."""
    text = _trim_space(line).decode("utf-8", "surrogateescape")[len("//go:build") :]
    return _ExprParser(text.strip(GO_SPACE)).parse()


def _plus_build_expression(line: bytes) -> object | None:
    """constraint.Parse of a ``// +build`` line; None when it is not one (or is too complex)."""
    text = line.decode("utf-8", "surrogateescape")
    if not text.startswith("//"):
        return None
    text = text[2:].strip(GO_SPACE)
    if not text.startswith("+build"):
        return None
    rest = text[len("+build") :]
    trimmed = rest.strip(GO_SPACE)
    if len(rest) == len(trimmed) and rest != "":
        return None
    size = 0
    tree: object | None = None
    for clause in trimmed.split():
        conjunction: object | None = None
        for literal in clause.split(","):
            if literal.startswith("!!") or literal == "!":
                term: object = ("tag", "ignore")
            else:
                negated = literal.startswith("!")
                name = literal[1:] if negated else literal
                term = ("tag", name if _valid_tag(name) else "ignore")
                if negated:
                    term = ("not", term)
            if conjunction is None:
                conjunction = term
            else:
                size += 1
                if size > 100:
                    return None
                conjunction = ("and", conjunction, term)
        if tree is None:
            tree = conjunction
        else:
            size += 1
            if size > 100:
                return None
            tree = ("or", tree, conjunction)
    return tree if tree is not None else ("tag", "ignore")


def should_build_any_tags(content: bytes) -> bool:
    """imports.ShouldBuild(content, AnyTags()): false only when the file can never be built.

    That is: a ``//go:build`` expression false with every tag but ``ignore`` satisfiable, a
    malformed or duplicated ``//go:build`` line, or (without ``//go:build``) any ``// +build``
    line in the leading comment block that is false that way.
    """
    try:
        plus_build_zone, go_build = _parse_file_header(content)
        if go_build is not None:
            return _evaluate(_go_build_expression(go_build), True)
    except ConstraintError:
        return False
    for raw in plus_build_zone.split(b"\n"):
        line = _trim_space(raw)
        if not line.startswith(b"//") or b"+build" not in line:
            continue
        tree = _plus_build_expression(line)
        if tree is not None and not _evaluate(tree, True):
            return False
    return True


def build_constraint_error(header: bytes) -> str | None:
    """go/build's shouldBuild error for ``header``, which makes the package fail to import."""
    try:
        _, go_build = _parse_file_header(header)
        if go_build is not None:
            _go_build_expression(go_build)
    except ConstraintError as error:
        if str(error) == "multiple //go:build comments":
            return str(error)
        return f"parsing //go:build line: {error}"
    return None


# --- go/build's view of a file: package, imports, embeds ---------------------------------------


def _is_valid_import(path: str) -> bool:
    """go/build isValidImport: graphic, no spaces, none of the characters the spec reserves."""
    illegal = "!\"#$%&'()*,:;<=>?[\\]^{|}`\ufffd"
    for char in path:
        category = unicodedata.category(char)
        graphic = category[0] in "LMNPS" or category == "Zs"
        if not graphic or char in GO_SPACE or char in illegal:
            return False
    return path != ""


def _is_identifier(name: str) -> bool:
    if name == "" or name in _GO_KEYWORDS:
        return False
    for index, char in enumerate(name):
        category = unicodedata.category(char)
        if not (category.startswith("L") or char == "_" or (index > 0 and category == "Nd")):
            return False
    return True


def _comments(source: bytes) -> list[bytes]:
    """The text of every ``//`` comment, as go/scanner returns COMMENT tokens (CRs stripped).

    Only what separates comments from code matters here: string, raw string and rune literals
    (with Go's rules for where an unterminated one stops) and ``/* */`` comments.
    """
    found: list[bytes] = []
    index = 0
    size = len(source)
    while index < size:
        byte = source[index]
        if byte == 0x2F and index + 1 < size and source[index + 1] == 0x2F:
            end = source.find(b"\n", index)
            end = size if end < 0 else end
            found.append(source[index:end].replace(b"\r", b""))
            index = end
        elif byte == 0x2F and index + 1 < size and source[index + 1] == 0x2A:
            end = source.find(b"*/", index + 2)
            index = size if end < 0 else end + 2
        elif byte == 0x60:
            end = source.find(b"`", index + 1)
            index = size if end < 0 else end + 1
        elif byte in (0x22, 0x27):
            index += 1
            while index < size:
                char = source[index]
                if char == 0x0A:
                    break
                index += 1
                if char == byte:
                    break
                if char == 0x5C and index < size and source[index] != 0x0A:
                    index += 1
        else:
            index += 1
    return found


def _is_alnum_byte(byte: int) -> bool:
    return 0x30 <= byte <= 0x39 or 0x41 <= byte <= 0x5A or 0x61 <= byte <= 0x7A


def _quoted_prefix(text: str) -> str | None:
    """strconv.QuotedPrefix for "..." or `...`: the literal at the start of ``text``."""
    if text[0] == "`":
        end = text.find("`", 1)
        return None if end < 0 else text[: end + 1]
    index = 1
    while index < len(text):
        char = text[index]
        if char == "\n":
            return None
        if char == "\\":
            index += 2
            continue
        if char == '"':
            literal = text[: index + 1]
            return literal if unquote(literal) is not None else None
        index += 1
    return None


def embed_patterns_of_comment(comment: bytes) -> list[str] | None:
    """The patterns of one ``//go:embed`` comment (ast.ParseDirective + ParseArgs).

    None when the comment is not an embed directive or its arguments are malformed (go/build
    then ignores the whole line). Patterns are returned as text; invalid UTF-8 stays as lone
    surrogates so that the pattern check refuses it as Go does.
    """
    if not (len(comment) >= 3 and comment.startswith(b"//") and _is_alnum_byte(comment[2])):
        return None
    body = comment[2:]
    colon = body.find(b":")
    if colon <= 0 or colon + 1 >= len(body):
        return None
    if not all(_is_alnum_byte(body[i]) for i in range(colon + 2) if i != colon):
        return None
    if body[:colon] != b"go":
        return None
    text = body[colon + 1 :].decode("utf-8", "surrogateescape")
    name_end = next((i for i, char in enumerate(text) if char in GO_SPACE), len(text))
    if text[:name_end] != "embed":
        return None
    args = text[name_end:].strip(GO_SPACE)
    patterns: list[str] = []
    while args:
        if args[0] in '`"':
            literal = _quoted_prefix(args)
            if literal is None:
                return None
            value = unquote(literal)
            assert value is not None
            args = args[len(literal) :]
            if args and args[0] not in GO_SPACE:
                return None
            patterns.append(value.decode("utf-8", "surrogateescape"))
        else:
            end = next((i for i, char in enumerate(args) if char in GO_SPACE), len(args))
            patterns.append(args[:end])
            args = args[end:]
        args = args.lstrip(GO_SPACE)
    return patterns


@dataclass(frozen=True, slots=True)
class GoFileInfo:
    """go/build's reading of one .go file (readGoInfo, then matchFile's constraint check).

    ``error`` is the error go/build records for the file (it then makes ImportDir fail);
    ``counted`` says whether the file still joins the package's file lists despite it (a parse
    error does, a read or constraint error does not).
    """

    package: str
    imports: tuple[str, ...]
    embeds: tuple[str, ...]
    error: str | None
    counted: bool


def read_go_info(data: bytes) -> GoFileInfo:
    """What go/build learns from a .go file under UseAllFiles (no tag filtering).

    The package clause and imports are read with Go's byte reader; a syntax error there stands
    for go/parser's error (go/build then records a parse error but still counts the file). If
    the file imports "embed", every ``//go:embed`` comment of the file adds its patterns.
    """
    reader = _ImportReader(data)
    reader.read_package_and_imports()
    if reader.error == _NUL:
        return GoFileInfo("", (), (), f"read: {_NUL}", counted=False)
    syntax = reader.error == _SYNTAX
    header = reader.data if syntax else reader.data[: reader.position - (0 if reader.eof else 1)]
    if constraint_error := build_constraint_error(header):
        return GoFileInfo("", (), (), constraint_error, counted=False)
    package = (reader.package or b"").decode("utf-8", "surrogateescape")
    if syntax or not _is_identifier(package):
        return GoFileInfo(package if _is_identifier(package) else "", (), (), _SYNTAX, counted=True)
    imports: list[str] = []
    for quoted in reader.imports:
        value = unquote(quoted.decode("utf-8", "surrogateescape"))
        if value is None:
            return GoFileInfo(package, (), (), "parser returned invalid quoted string", counted=False)
        path = value.decode("utf-8", "replace")
        if not _is_valid_import(path):
            return GoFileInfo(package, (), (), f"invalid import path: {path}", counted=True)
        imports.append(path)
    embeds: list[str] = []
    if "embed" in imports:
        for comment in _comments(reader.data):
            if (
                comment.startswith(b"//go:embed")
                and (patterns := embed_patterns_of_comment(comment)) is not None
            ):
                embeds.extend(patterns)
    return GoFileInfo(package, tuple(imports), tuple(embeds), None, counted=True)
