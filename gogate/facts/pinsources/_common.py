"""Shared machinery of the container and CI pin extractors.

Three things are shared because getting them subtly different per file kind would make the same
image reference pass in a Dockerfile and fail in a pipeline:

* classifying a ``golang`` image reference and its tag (EXACT ``1.22.5-bookworm``, FLOATING
  ``1.22-alpine``/``latest``, UNRESOLVED digest-only);
* expanding ``$VAR``/``${VAR}`` while remembering where every character was *written*, because
  the user must fix ``ARG GO_VERSION=1.22.5`` on the ARG line, not on the FROM line that uses it;
* reading YAML as composed nodes (line numbers, the original text of unquoted numbers, merge
  keys and GitLab's ``!reference`` tag), turning syntax errors into an InputError with a line;
* surviving hostile files: YAML aliases make a small file a huge graph (merge-key "billion
  laughs", recursive anchors), nesting exhausts Python's stack, variables can reference each
  other exponentially. A gate must answer exit 2 with the file name, never hang or print a
  traceback, so every extractor runs inside :func:`guarded`, which bounds the work and turns
  these failures into an InputError.

Fix templates contain ``{version}`` next to shell/CI syntax that has braces of its own
(``${GO_VERSION}``), so they must be filled with ``str.replace``, never ``str.format``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from gogate import goversion
from gogate.errors import InputError
from gogate.facts.model import PinKind, PinRecord, PinSource

__all__ = [
    "ExpansionSyntax",
    "ImagePin",
    "Origin",
    "Piece",
    "TagInfo",
    "Variable",
    "WorkLimitError",
    "charge",
    "classify_golang_tag",
    "expand",
    "golang_image_pin",
    "gotoolchain_note",
    "gotoolchain_version",
    "guarded",
    "is_golang_repository",
    "join_notes",
    "load_yaml_documents",
    "mapping_entry",
    "mapping_get",
    "mapping_items",
    "node_line",
    "node_path",
    "scalar_text",
    "split_reference",
    "yaml_number_note",
]

# --------------------------------------------------------------------------------------------
# Where text is written, and variable expansion that keeps that knowledge.


@dataclass(frozen=True, slots=True)
class Origin:
    """A value as it is literally written somewhere: an image reference or a variable's value.

    ``text`` is the value as its consumer reads it; ``raw`` is what the file shows when that
    differs (an unquoted YAML ``1.20`` is read as ``1.2``). ``template_prefix``/``suffix`` turn
    an edited ``text`` into the fix template (``ARG GO_VERSION=`` + ``{version}``).
    """

    text: str
    line: int
    label: str | None = None
    raw: str | None = None
    template_prefix: str = ""
    template_suffix: str = ""
    char_lines: tuple[int, ...] = ()
    expandable: bool = True
    note: str | None = None
    path: str | None = None
    """The file the value is written in, when it can differ from the file being extracted
    (a GitLab variable defined in an included file)."""

    @property
    def written(self) -> str:
        return self.raw if self.raw is not None else self.text

    def line_at(self, offset: int) -> int:
        """Physical line of ``text[offset]``; a value can span backslash-continued lines."""
        if not self.char_lines:
            return self.line
        return self.char_lines[max(0, min(offset, len(self.char_lines) - 1))]


Lookup = Callable[[str], "Variable | None"]


@dataclass(frozen=True, slots=True)
class Variable:
    """A variable definition (Dockerfile ARG, CI variable); ``value`` is None when it has none."""

    name: str
    value: Origin | None
    declaration_line: int
    declaration: str
    fix_template: str | None = None
    scope: Lookup | None = None
    """Variables visible to this value's own references (a Dockerfile ARG sees earlier ARGs)."""
    path: str | None = None
    """The file the declaration is in, when it can differ from the file being extracted."""


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of expanded text and where it is written (``origin.text[start:start+len(text)]``).

    An unresolved reference keeps its original text (``${GO_VERSION}``) and names the variable.
    """

    text: str
    origin: Origin
    start: int
    unresolved: str | None = None
    variable: Variable | None = None
    default_of: str | None = None


@dataclass(frozen=True, slots=True)
class ExpansionSyntax:
    """Dialect differences: Dockerfile has ``\\$`` escapes and ``${A:-b}``; GitLab has ``$$``."""

    escape: str | None = None
    dollar_dollar: bool = False
    defaults: bool = False


_REFERENCE = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-+])(?P<word>[^}]*))?\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)
_MAX_DEPTH = 8


def expand(origin: Origin, lookup: Lookup, syntax: ExpansionSyntax, depth: int = 0) -> list[Piece]:
    """Expand variable references in ``origin.text`` into pieces that remember their origin."""
    text = origin.text
    if not origin.expandable:
        return [Piece(text, origin, 0)] if text else []
    # Each value can reference others several times: charge every piece produced (and so
    # copied by the callers) so that chains like A=$B$B$B, B=$C$C$C ... end with an InputError
    # instead of exponential time and memory.
    charge(1 + len(text) // 64)
    pieces: list[Piece] = []
    literal_start = index = 0

    def flush(end: int) -> None:
        if end > literal_start:
            pieces.append(Piece(text[literal_start:end], origin, literal_start))

    while index < len(text):
        escaped = syntax.escape is not None and text.startswith(syntax.escape + "$", index)
        if escaped or (syntax.dollar_dollar and text.startswith("$$", index)):
            # The escaped "$" itself stays as literal text, so its offset maps back 1:1.
            flush(index)
            literal_start = index + 1
            index += 2
            continue
        match = _REFERENCE.match(text, index) if text[index] == "$" else None
        if match is None:
            index += 1
            continue
        flush(index)
        substituted = _substitute(match, origin, lookup, syntax, depth)
        charge(len(substituted))
        pieces.extend(substituted)
        index = literal_start = match.end()
    flush(len(text))
    return pieces


def _substitute(
    match: re.Match[str], origin: Origin, lookup: Lookup, syntax: ExpansionSyntax, depth: int
) -> list[Piece]:
    name = match["braced"] or match["bare"]
    op, word = match["op"], match["word"]
    unresolved = [Piece(match[0], origin, match.start(), unresolved=name, variable=lookup(name))]
    if op is not None and (not syntax.defaults or "$" in word):
        return unresolved
    variable = lookup(name)
    value: list[Piece] | None = None
    if variable is not None and variable.value is not None and depth < _MAX_DEPTH:
        value = expand(variable.value, variable.scope or lookup, syntax, depth + 1)
    if op is None:
        return value if value is not None else unresolved
    is_set = value is not None and (op in ("-", "+") or any(piece.text for piece in value))
    default_of = name if op.endswith("-") else None
    word_piece = [Piece(word, origin, match.start("word"), default_of=default_of)] if word else []
    if op.endswith("-"):
        return value if is_set and value is not None else word_piece
    return word_piece if is_set else []


# --------------------------------------------------------------------------------------------
# golang image references.


@dataclass(frozen=True, slots=True)
class TagInfo:
    """What a golang image tag says: ``head_length`` leading characters name the version and
    are replaced by ``replacement`` in the fix (``alpine`` -> ``{version}-alpine``)."""

    kind: PinKind
    version: str | None
    head_length: int
    replacement: str
    note: str | None


_VERSION_HEAD = re.compile(r"\d+(?:\.\d+)*(?:(?:rc|beta)\d+)?(?=-|$)")
_TIP_HEAD = re.compile(r"tip(?:-\d{8})?(?=-|$)")
_DIGEST = re.compile(r"@[A-Za-z0-9_+.-]+:[0-9A-Fa-f]{32,}")
_PLACEHOLDER = "\x00"


def classify_golang_tag(tag: str, shown: str | None = None) -> TagInfo:
    """Classify a tag of the official golang image by Docker Hub's tagging scheme.

    ``1.22.5[-variant]`` and ``1.23rc1[-variant]`` are one release; ``1.22[-variant]``, ``1``,
    ``latest``, ``tip`` and bare variants (``alpine``, ``bookworm``) move as Go releases.
    ``shown`` is the tag as notes display it (with ``${VAR}`` where ``tag`` has placeholders).
    """
    shown = tag if shown is None else shown
    if match := _VERSION_HEAD.match(tag):
        head = match[0]
        if re.fullmatch(r"\d+\.\d+(?:\.\d+|(?:rc|beta)\d+)", head):
            if goversion.is_release(head):
                return TagInfo(PinKind.EXACT, head, len(head), "{version}", None)
        elif re.fullmatch(r"\d+\.\d+", head) and goversion.is_valid(head):
            note = f"golang:{shown} moves to each new {head}.x patch release"
            return TagInfo(PinKind.FLOATING, head, len(head), "{version}", note)
        elif re.fullmatch(r"\d+", head):
            note = f"golang:{shown} moves to each new Go {head}.x release"
            return TagInfo(PinKind.FLOATING, None, len(head), "{version}", note)
        return TagInfo(PinKind.UNRESOLVED, None, 0, "", f"tag {shown!r} does not name a Go release")
    if tag == "latest":
        return TagInfo(
            PinKind.FLOATING, None, len(tag), "{version}", "golang:latest moves to each new Go release"
        )
    if match := _TIP_HEAD.match(tag):
        note = "golang:tip is a development snapshot of the next Go, not a release"
        return TagInfo(PinKind.FLOATING, None, len(match[0]), "{version}", note)
    if tag[:1].isalpha():
        note = f"golang:{shown} names no version: it moves to each new Go release"
        return TagInfo(PinKind.FLOATING, None, 0, "{version}-", note)
    return TagInfo(PinKind.UNRESOLVED, None, 0, "", f"tag {shown!r} does not name a Go release")


def split_reference(reference: str) -> tuple[str, str | None, int, str | None]:
    """Split ``name[:tag][@digest]`` into name, tag, the tag's offset, digest.

    A ``:`` before the last ``/`` is a registry port (``registry:5000/golang``), not a tag.
    """
    at = reference.find("@")
    name, digest = (reference[:at], reference[at + 1 :]) if at >= 0 else (reference, None)
    colon = name.rfind(":")
    if colon > name.rfind("/"):
        return name[:colon], name[colon + 1 :], colon + 1, digest
    return name, None, len(name), digest


def is_golang_repository(repository: str) -> bool:
    """True for the official image: ``golang``, ``library/golang`` behind any registry.

    ``registry/golang`` counts (docker.io/golang, a pull-through mirror, a ``$REGISTRY``
    prefix), ``someone/golang`` on Docker Hub does not: it is another project's image.
    """
    segments = repository.split("/")
    if segments[-1] != "golang":
        return False
    if len(segments) == 1 or segments[-2] == "library":
        return True
    host = segments[0]
    return len(segments) == 2 and (
        "." in host or ":" in host or host == "localhost" or _PLACEHOLDER in host or "$" in host
    )


@dataclass(frozen=True, slots=True)
class ImagePin:
    """The parts of a PinRecord an image reference determines."""

    kind: PinKind
    line: int
    raw: str
    version: str | None
    fix_template: str | None
    note: str | None
    path: str | None = None
    """Where the version is written when that is not the extracted file (an included file)."""

    def record(self, source: PinSource, path: str) -> PinRecord:
        """The PinRecord for this image reference, found in ``path`` by ``source``."""
        return PinRecord(
            source=source,
            kind=self.kind,
            path=self.path or path,
            line=self.line,
            raw=self.raw,
            version=self.version,
            fix_template=self.fix_template,
            note=self.note,
        )


def gotoolchain_version(value: str) -> str | None:
    """The Go version a GOTOOLCHAIN value names (``go1.28.0+auto`` -> ``1.28.0``); None for
    ``local``, ``auto``, ``path`` and anything cmd/go would not read as a toolchain name."""
    return goversion.from_toolchain(value.split("+", 1)[0]) or None


def gotoolchain_note(value: str) -> str | None:
    """What an empty GOTOOLCHAIN means: the go command treats it as unset."""
    if value.strip():
        return None
    return "an empty GOTOOLCHAIN is unset: the go command uses its default (auto in a Go release's go.env)"


def join_notes(*notes: str | None) -> str | None:
    present = [note for note in notes if note]
    return "; ".join(present) if present else None


def golang_image_pin(
    pieces: Sequence[Piece],
    *,
    use_name: str,
    use_line: int,
    undefined_hint: str,
    use_path: str | None = None,
) -> ImagePin | None:
    """Classify an expanded image reference; None when it is not the golang image.

    The record's line and fix template follow the characters that name the version to where
    they are written: the reference itself, a variable's value, or a ``${VAR:-default}``.
    ``use_path`` is the file of the reference; notes name it when the version is written in
    another file, because a bare "line 8" would then point into the wrong file.
    """
    use = _Use(use_name, use_line, use_path)
    owners: list[int] = []
    for index, piece in enumerate(pieces):
        owners.extend([index] * len(piece.text))
    expanded = "".join(_PLACEHOLDER * len(p.text) if p.unresolved else p.text for p in pieces)
    repository, tag, tag_start, digest = split_reference(expanded)
    if not repository or not is_golang_repository(repository):
        return None
    digest_note = None
    if tag is not None and digest is not None:
        digest_note = "digest-pinned: the version is read from the tag; update the digest with the tag"
    if tag == "":
        info = TagInfo(PinKind.UNRESOLVED, None, 0, "{version}", "empty tag: not a valid image reference")
        return _pin_from_edit(pieces, owners, tag_start, info, use, None)
    if tag is None:
        if digest is not None:
            info = TagInfo(
                PinKind.UNRESOLVED,
                None,
                0,
                ":{version}",
                "digest-only reference: the Go version cannot be read from it; add the tag",
            )
        else:
            info = TagInfo(
                PinKind.FLOATING, None, 0, ":{version}", "no tag means golang:latest, the newest release"
            )
        return _pin_from_edit(pieces, owners, len(repository), info, use, None)
    shown = "".join(piece.text for piece in pieces)[tag_start : tag_start + len(tag)]
    info = classify_golang_tag(tag, shown)
    if (
        tag.startswith(_PLACEHOLDER)
        or (_PLACEHOLDER in tag and info.kind is PinKind.UNRESOLVED)
        or (_PLACEHOLDER in tag[: info.head_length])
    ):
        return _unresolved_pin(pieces, owners, tag_start, tag, use, undefined_hint)
    return _pin_from_edit(pieces, owners, tag_start, info, use, digest_note)


def _piece_start(pieces: Sequence[Piece], index: int) -> int:
    return sum(len(piece.text) for piece in pieces[:index])


def _template(origin: Origin, start: int, end: int, replacement: str) -> str:
    edited = origin.text[:start] + replacement + origin.text[end:]
    return origin.template_prefix + _DIGEST.sub("", edited) + origin.template_suffix


@dataclass(frozen=True, slots=True)
class _Use:
    """Where the image reference is used (FROM, image:, container:), for notes."""

    name: str
    line: int
    path: str | None

    def described_from(self, path: str | None) -> str:
        """``used in image at line 8``, with the file when the note's record is in another one."""
        if self.path is not None and path is not None and path != self.path:
            return f"used in {self.name} at {self.path}:{self.line}"
        return f"used in {self.name} at line {self.line}"


def _provenance(piece: Piece, use: _Use) -> str | None:
    if piece.default_of is not None:
        return (
            f"the default in ${{{piece.default_of}:-...}}; a build argument {piece.default_of} overrides it"
        )
    if piece.origin.label is not None:
        return f"{piece.origin.label}, {use.described_from(piece.origin.path)}"
    return None


def _pin_from_edit(
    pieces: Sequence[Piece],
    owners: Sequence[int],
    start: int,
    info: TagInfo,
    use: _Use,
    digest_note: str | None,
) -> ImagePin:
    end = start + info.head_length
    span = set(owners[start:end]) if end > start else {owners[start - 1]}
    first = pieces[min(span)]
    if len(span) != 1:
        # The version is assembled from several values (``${MAJOR}.${MINOR}``): report the
        # first, with no single place to rewrite.
        return ImagePin(
            info.kind,
            first.origin.line_at(first.start),
            first.origin.written,
            info.version,
            None,
            join_notes("the version is assembled from several values", info.note, digest_note),
            first.origin.path,
        )
    # An empty head is an insertion right after the character before it (``golang:`` + ...).
    piece_offset = _piece_start(pieces, min(span))
    origin_start = first.start + (start - piece_offset)
    origin_end = first.start + (end - piece_offset)
    line = first.origin.line_at(origin_start if end > start else origin_start - 1)
    fix = _template(first.origin, origin_start, origin_end, info.replacement) if info.replacement else None
    note = join_notes(_provenance(first, use), first.origin.note, info.note, digest_note)
    return ImagePin(info.kind, line, first.origin.written, info.version, fix, note, first.origin.path)


def _unresolved_pin(
    pieces: Sequence[Piece],
    owners: Sequence[int],
    tag_start: int,
    tag: str,
    use: _Use,
    undefined_hint: str,
) -> ImagePin:
    index = next(owners[tag_start + i] for i, char in enumerate(tag) if char == _PLACEHOLDER)
    piece = pieces[index]
    variable = piece.variable
    if variable is not None and variable.value is None:
        note = (
            f"{variable.declaration} has no value, so the version is only known at build time; "
            f"{use.described_from(variable.path)}"
        )
        return ImagePin(
            PinKind.UNRESOLVED,
            variable.declaration_line,
            variable.declaration,
            None,
            variable.fix_template,
            note,
            variable.path,
        )
    origin = piece.origin
    fix = _template(origin, piece.start, piece.start + len(piece.text), "{version}")
    notes = join_notes(_provenance(piece, use), f"{piece.text} {undefined_hint}")
    return ImagePin(
        PinKind.UNRESOLVED, origin.line_at(piece.start), origin.written, None, fix, notes, origin.path
    )


# --------------------------------------------------------------------------------------------
# Bounded work: hostile input must end in an InputError, never a hang or a traceback.

# Units of work (merged mapping entries, variable expansions, extends lookups) one extraction may
# spend. Real configuration needs a few thousand; a file that needs more is an alias/merge bomb.
_WORK_BUDGET = 1_000_000


class WorkLimitError(Exception):
    """An extractor exceeded its work budget or met a structure it cannot evaluate (a cycle)."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line


@dataclass(slots=True)
class _Work:
    """Budget and memo of one extraction; the memo holds its nodes so their ids stay unique."""

    remaining: int = _WORK_BUDGET
    flattened: dict[int, tuple[Node, dict[str, tuple[Node, Node]]]] = field(default_factory=dict)


_CURRENT_WORK: ContextVar[_Work | None] = ContextVar("gogate_pinsource_work", default=None)


def charge(units: int = 1) -> None:
    """Spend work units of the running extraction; WorkLimitError when the budget is gone."""
    work = _CURRENT_WORK.get()
    if work is None:
        return
    work.remaining -= units
    if work.remaining < 0:
        raise WorkLimitError(
            "uses too many YAML aliases/merges or variable references to evaluate "
            f"(more than {_WORK_BUDGET} steps)"
        )


@contextmanager
def guarded(relative: str) -> Iterator[None]:
    """Run one extraction with a work budget; hostile-input failures become an InputError.

    RecursionError comes from pyyaml's recursive composer (or our own walks) on deeply nested
    input; WorkLimitError from the budget or a recursive alias. Both are exit 2 naming the file.
    """
    token = _CURRENT_WORK.set(_Work())
    try:
        yield
    except RecursionError:
        raise InputError(
            relative,
            "is nested too deeply to read",
            remediation="flatten the nesting; no CI configuration needs hundreds of levels",
        ) from None
    except WorkLimitError as error:
        raise InputError(
            error.path or relative,
            error.message,
            line=error.line,
            remediation="expand the YAML aliases/merge keys (or variable references) into plain values",
        ) from None
    finally:
        _CURRENT_WORK.reset(token)


# --------------------------------------------------------------------------------------------
# YAML as composed nodes.

_MERGE_TAG = "tag:yaml.org,2002:merge"
_NULL_TAG = "tag:yaml.org,2002:null"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_INT_TAG = "tag:yaml.org,2002:int"
_BOOL_TAG = "tag:yaml.org,2002:bool"


class CILoader(yaml.SafeLoader):
    """SafeLoader that accepts GitLab's ``!reference [job, key]`` tag (as a plain list)."""


def _construct_reference(loader: yaml.SafeLoader, node: Node) -> list[object]:
    if not isinstance(node, SequenceNode):
        raise ConstructorError(None, None, "!reference needs a list", node.start_mark)
    return loader.construct_sequence(node)


CILoader.add_constructor("!reference", _construct_reference)


def load_yaml_documents(text: str, relative: str) -> list[Node]:
    """Compose every YAML document of ``text``; a syntax error is an InputError with its line.

    Every node's marks name ``relative`` (see :func:`node_path`), so a record built from a node
    of an included file points into that file. Deep nesting exhausts pyyaml's recursive composer:
    that is an InputError too, not a traceback.
    """
    loader = CILoader(text)
    # Marks take the reader's name when they are created; this is what node_path() returns.
    loader.name = relative
    documents: list[Node] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                documents.append(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "syntax error"
        raise InputError(
            relative,
            f"is not valid YAML: {problem}",
            line=mark.line + 1 if mark is not None else None,
            remediation="fix the YAML syntax (e.g. with yamllint)",
        ) from error
    except yaml.YAMLError as error:
        raise InputError(relative, f"is not valid YAML: {error}") from error
    except RecursionError:
        raise InputError(
            relative,
            "is nested too deeply to read",
            remediation="flatten the nesting; no CI configuration needs hundreds of levels",
        ) from None
    finally:
        loader.dispose()
    return documents


def node_path(node: Node) -> str:
    """The file a composed node was read from (the name load_yaml_documents gave its marks)."""
    return str(node.start_mark.name)


def _merge_sources(node: MappingNode) -> list[MappingNode]:
    sources: list[MappingNode] = []
    for key, value in node.value:
        if isinstance(key, ScalarNode) and key.tag == _MERGE_TAG:
            candidates = value.value if isinstance(value, SequenceNode) else [value]
            sources.extend(candidate for candidate in candidates if isinstance(candidate, MappingNode))
    return sources


def _recursive_merge(node: Node) -> WorkLimitError:
    return WorkLimitError(
        "uses a recursive YAML merge key (a mapping merges itself through an alias)",
        path=node_path(node),
        line=node_line(node),
    )


def _flattened(node: MappingNode) -> dict[str, tuple[Node, Node]]:
    """Key -> (key node, value node) with merge keys applied, memoised per node.

    Why memoised and iterative: ``a2: {<<: [*a1, *a1]}`` chains double the naive work per level
    (60 levels in under a kilobyte), an anchor chain thousands deep would exhaust the stack, and
    an alias inside its own anchor makes the node graph cyclic.
    """
    work = _CURRENT_WORK.get() or _Work()
    memo = work.flattened
    if id(node) in memo:
        return memo[id(node)][1]
    stack: list[tuple[MappingNode, bool]] = [(node, False)]
    active: set[int] = set()
    while stack:
        current, children_done = stack.pop()
        if id(current) in memo:
            continue
        sources = _merge_sources(current)
        if not children_done:
            if id(current) in active:
                raise _recursive_merge(current)
            active.add(id(current))
            stack.append((current, True))
            for source in reversed(sources):
                if id(source) in active:
                    raise _recursive_merge(source)
                if id(source) not in memo:
                    stack.append((source, False))
            continue
        active.discard(id(current))
        # Own keys win over merged ones; a later duplicate key wins, as in a YAML load; among
        # merged mappings the first listed wins.
        result: dict[str, tuple[Node, Node]] = {}
        for key, value in current.value:
            if isinstance(key, ScalarNode) and key.tag != _MERGE_TAG:
                result[str(key.value)] = (key, value)
        for source in sources:
            for name, entry in memo[id(source)][1].items():
                result.setdefault(name, entry)
        charge(1 + len(result))
        memo[id(current)] = (current, result)
    return memo[id(node)][1]


def mapping_items(node: Node | None) -> Iterator[tuple[str, Node, Node]]:
    """(key, key node, value node) of a mapping, merge keys (``<<: *anchor``) applied.

    Own keys win over merged ones and a later duplicate key wins, as in a YAML load. Keys that
    are not scalars (``? [a]: b``) name nothing a CI system looks up and are skipped.
    """
    if not isinstance(node, MappingNode):
        return
    for name, (key, value) in _flattened(node).items():
        yield name, key, value


def mapping_entry(node: Node | None, key: str) -> tuple[Node, Node] | None:
    """(key node, value node) of ``key`` in a mapping, merge keys applied; None if absent."""
    if not isinstance(node, MappingNode):
        return None
    return _flattened(node).get(key)


def mapping_get(node: Node | None, key: str) -> Node | None:
    entry = mapping_entry(node, key)
    return entry[1] if entry is not None else None


def scalar_text(node: Node | None) -> str | None:
    """The string a YAML consumer reads from a scalar (``1.20`` -> ``1.2``), None if no scalar.

    Why re-read numbers: GitHub Actions and GitLab load the YAML, so an unquoted ``1.20`` is
    the float 1.2 by the time setup-go or the runner sees it.
    """
    if not isinstance(node, ScalarNode):
        return None
    value = str(node.value)
    if node.style not in (None, ""):
        return value
    if node.tag == _NULL_TAG:
        return ""
    if node.tag == _FLOAT_TAG:
        try:
            return repr(float(value.replace("_", "")))
        except ValueError:
            return value
    if node.tag == _INT_TAG:
        try:
            return str(int(value.replace("_", ""), 0))
        except ValueError:
            return value
    if node.tag == _BOOL_TAG:
        return "true" if value.lower() in ("true", "yes", "on", "y") else "false"
    return value


def yaml_number_note(node: Node, read: str) -> str | None:
    """Explain an unquoted number that does not read back as written."""
    if isinstance(node, ScalarNode) and node.value != read and node.tag in (_FLOAT_TAG, _INT_TAG):
        return f"unquoted YAML number: {node.value} is read as {read}; quote it"
    return None


def node_line(node: Node) -> int:
    """1-based line where a node's value text starts (the line after a ``|``/``>`` indicator)."""
    line = int(node.start_mark.line) + 1
    if isinstance(node, ScalarNode) and node.style in ("|", ">"):
        value = str(node.value)
        line += 1 + len(value) - len(value.lstrip("\n"))
    return line
