"""Go versions stated by ``image: golang:<tag>`` in the root ``.gitlab-ci.yml`` and the local
files it ``include:``s.

Why jobs are resolved the way GitLab does it: the image a job runs comes from the job, else from
what it ``extends`` (the last parent wins), else from ``default:``; ``$GO_VERSION`` in it is
expanded with the job's variables, its parents' and then the top-level ones. A template (a
hidden job or ``default:``) whose variable only the jobs using it define is judged in those jobs,
not reported as unresolvable on its own.

Why includes are followed: splitting the pipeline into ``ci/*.yml`` is common, and a golang image
in an included file is as real as one in the main file; not reading it would pass a pipeline
that builds with another Go. Local includes are read and deep-merged the way GitLab merges them
(the including file's keys win, mappings merge key by key), so a job in one file can use the
variables of another. Includes gogate cannot read (``remote:``, ``project:``, ``template:``,
``component:``) each give an UNRESOLVED record, so the report warns that images may be unseen.

Why variable overrides: ``parallel: matrix:`` values and the ``variables:`` of job ``rules:`` and
``workflow: rules:`` replace a job's variables in some pipelines; each value an image (or
GOTOOLCHAIN) uses gives its own record at the line it is written. A ``GOTOOLCHAIN`` variable a job
sees (job, extends, top level, includes) decides which Go its go command runs: a GITLAB_GOTOOLCHAIN
record.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from gogate.errors import InputError
from gogate.facts.model import PinKind, PinRecord, PinSource
from gogate.facts.pinsources._common import (
    ExpansionSyntax,
    Lookup,
    Origin,
    Piece,
    Variable,
    charge,
    expand,
    golang_image_pin,
    gotoolchain_note,
    gotoolchain_version,
    guarded,
    join_notes,
    load_yaml_documents,
    mapping_entry,
    mapping_get,
    mapping_items,
    node_line,
    node_path,
    scalar_text,
    yaml_number_note,
)
from gogate.facts.textfile import read_text_file

__all__ = ["extract"]

# Top-level keys that are pipeline keywords, not jobs.
_RESERVED = {
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "spec",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "types",
}
_SYNTAX = ExpansionSyntax(dollar_dollar=True)
_MAX_EXTENDS_DEPTH = 11  # GitLab's own limit on extends nesting.
_UNDEFINED_HINT = (
    "is not defined in the pipeline's variables; its value comes from CI/CD settings at run time"
)
# GitLab's own limits: included files per pipeline and include nesting depth.
_MAX_INCLUDES = 150
_MAX_INCLUDE_DEPTH = 100
# Nesting of mappings deep-merged across files; deeper structure is taken from the including file.
_MAX_MERGE_DEPTH = 64
_MAP_TAG = "tag:yaml.org,2002:map"
_UNFOLLOWED = ("remote", "project", "template", "component")


@dataclass(frozen=True, slots=True)
class _Context:
    """One place an image is used: a job (or ``default:``) and the variables it sees."""

    name: str
    image: Node | None
    scopes: tuple[_Scope, ...]
    template: bool


@dataclass(frozen=True, slots=True)
class _Scope:
    """A ``variables:`` mapping; ``only`` limits it to the names ``inherit: variables:`` lists."""

    name: str
    mapping: Node
    only: frozenset[str] | None = None


class _Pipeline:
    """The configuration document with GitLab's lookup rules (merge keys, ``!reference``, extends)."""

    def __init__(self, top: MappingNode) -> None:
        self.top = top
        self.jobs = {
            name: value
            for name, _key, value in mapping_items(top)
            if name not in _RESERVED and isinstance(value, MappingNode)
        }
        self._lineages: dict[str, list[tuple[str, Node]]] = {}

    def deref(self, node: Node | None) -> Node | None:
        """Follow ``!reference [job, key, ...]`` to the node it names."""
        for _ in range(_MAX_EXTENDS_DEPTH):
            if not (isinstance(node, SequenceNode) and node.tag == "!reference"):
                return node
            charge(1 + len(node.value))
            target: Node | None = self.top
            for item in node.value:
                target = (
                    mapping_get(self.deref(target), str(item.value)) if isinstance(item, ScalarNode) else None
                )
            node = target
        return None

    def get(self, node: Node | None, key: str) -> Node | None:
        return self.deref(mapping_get(self.deref(node), key))

    def lineage(self, name: str) -> list[tuple[str, Node]]:
        """The job, then what it extends by precedence (a later ``extends`` entry wins).

        Each job appears once, at its first (strongest) place: a job reached again through a
        diamond or a cycle adds nothing, and expanding it again would make ``extends: [a, a, a]``
        chains exponential. Memoised per job for the same reason.
        """
        if name not in self._lineages:
            result: list[tuple[str, Node]] = []
            self._visit(name, 0, result, set())
            self._lineages[name] = result
        return self._lineages[name]

    def _visit(self, name: str, depth: int, result: list[tuple[str, Node]], seen: set[str]) -> None:
        charge()
        job = self.jobs.get(name)
        if job is None or depth > _MAX_EXTENDS_DEPTH or name in seen:
            return
        seen.add(name)
        result.append((name, job))
        extends = self.get(job, "extends")
        parents = [str(extends.value)] if isinstance(extends, ScalarNode) else []
        if isinstance(extends, SequenceNode):
            parents = [str(item.value) for item in extends.value if isinstance(item, ScalarNode)]
        for parent in reversed(parents):
            self._visit(parent, depth + 1, result, seen)

    def inherits(self, lineage: list[tuple[str, Node]], section: str) -> bool | frozenset[str]:
        """``inherit: default/variables``: true, false or the list of names inherited."""
        for _name, job in lineage:
            value = self.get(self.get(job, "inherit"), section)
            if isinstance(value, ScalarNode):
                return scalar_text(value) != "false"
            if isinstance(value, SequenceNode):
                return frozenset(str(entry.value) for entry in value.value if isinstance(entry, ScalarNode))
        return True

    def contexts(self) -> Iterator[_Context]:
        top_variables = self.get(self.top, "variables")
        top_scope = (_Scope("top-level variables", top_variables),) if top_variables is not None else ()
        global_image = self.get(self.top, "image")
        default_image = self.get(self.get(self.top, "default"), "image")
        if global_image is not None:
            yield _Context("top-level", global_image, top_scope, template=True)
        if default_image is not None:
            yield _Context("default", default_image, top_scope, template=True)
        for name in self.jobs:
            lineage = self.lineage(name)
            image = next(
                (found for _n, job in lineage if (found := self.get(job, "image")) is not None), None
            )
            inherit_default = self.inherits(lineage, "default")
            if image is None and (
                inherit_default is True or (inherit_default and "image" in inherit_default)
            ):
                image = default_image or global_image
            scopes = tuple(
                _Scope(f"variables of job {job_name}", variables)
                for job_name, job in lineage
                if (variables := self.get(job, "variables")) is not None
            )
            inherit_variables = self.inherits(lineage, "variables")
            if top_variables is not None and inherit_variables is not False:
                only = None if inherit_variables is True else inherit_variables
                scopes += (_Scope("top-level variables", top_variables, only),)
            yield _Context(name, image, scopes, template=name.startswith("."))

    def variables(self, scopes: tuple[_Scope, ...]) -> Callable[[str], Variable | None]:
        """Lookup of the variables a job sees: its own first, then its parents', then top-level.

        Lazy (only the names an image references are looked up), so a pipeline with thousands
        of jobs and variables costs no more than the references it makes.
        """
        found: dict[str, Variable | None] = {}

        def lookup(name: str) -> Variable | None:
            if name not in found:
                found[name] = None
                for scope in scopes:
                    charge()
                    entry = mapping_entry(self.deref(scope.mapping), name)
                    if entry is not None and (scope.only is None or name in scope.only):
                        found[name] = self._variable(name, entry[0], self.deref(entry[1]), scope.name)
                        break
            return found[name]

        return lookup

    def _variable(
        self, name: str, key: Node, node: Node | None, scope_name: str, *, in_list: bool = False
    ) -> Variable:
        label = f"variable {name} ({scope_name})"
        declaration_line = node_line(key)
        prefix = "" if in_list else f"{name}: "
        expandable = True
        if isinstance(node, MappingNode):
            expandable = scalar_text(self.get(node, "expand")) != "false"
            node = self.get(node, "value")
            prefix = "value: "
        text = scalar_text(node)
        if not isinstance(node, ScalarNode) or text is None:
            return Variable(name, None, declaration_line, name, None, path=node_path(key))
        number_note = yaml_number_note(node, text)
        quote = str(node.style) if node.style in ("'", '"') else ("'" if number_note else "")
        origin = Origin(
            text=text,
            line=node_line(node),
            label=label,
            raw=str(node.value) if number_note else None,
            template_prefix=prefix + quote,
            template_suffix=quote,
            expandable=expandable,
            note=number_note,
            path=node_path(node),
        )
        return Variable(name, origin, declaration_line, name, None, path=node_path(key))

    def _first(self, lineage: list[tuple[str, Node]], key: str) -> tuple[str, Node] | None:
        """The job of the lineage that sets ``key`` (extends replaces lists, the job wins), and the value."""
        for job_name, job in lineage:
            value = self.get(job, key)
            if value is not None:
                return job_name, value
        return None

    def overrides(self, name: str) -> tuple[list[_Override], list[frozenset[str]]]:
        """Values that replace a job's variables in some of its pipelines or instances.

        ``parallel: matrix:`` entries (each key a value or a list of values) and the ``variables:``
        of ``rules:`` entries in the job (or what it extends) and in ``workflow: rules:``. Also the
        names each matrix entry defines: a name every entry defines never takes the job's value.
        """
        lineage = self.lineage(name)
        found: list[_Override] = []
        entries: list[frozenset[str]] = []
        parallel = self._first(lineage, "parallel")
        matrix = self.get(parallel[1], "matrix") if parallel is not None else None
        if parallel is not None and isinstance(matrix, SequenceNode):
            label = f"parallel:matrix of job {parallel[0]}"
            for entry_node in matrix.value:
                entry = self.deref(entry_node)
                names: set[str] = set()
                for variable, key, value_node in mapping_items(entry):
                    charge()
                    value = self.deref(value_node)
                    names.add(variable)
                    in_list = isinstance(value, SequenceNode)
                    items = value.value if isinstance(value, SequenceNode) else [value]
                    found.extend(
                        _Override(variable, self._variable(variable, key, item, label, in_list=in_list))
                        for item in items
                    )
                entries.append(frozenset(names))
        rules = self._first(lineage, "rules")
        if rules is not None:
            found.extend(self._rule_overrides(rules[1], f"of job {rules[0]}", workflow=False))
        found.extend(
            self._rule_overrides(self.get(self.get(self.top, "workflow"), "rules"), "", workflow=True)
        )
        return found, entries

    def _rule_overrides(self, rules: Node | None, owner: str, *, workflow: bool) -> Iterator[_Override]:
        if not isinstance(rules, SequenceNode):
            return
        for index, rule_node in enumerate(rules.value):
            rule = self.deref(rule_node)
            condition = (scalar_text(self.get(rule, "if")) or "").strip()
            where = f"workflow:rules[{index}]" if workflow else f"rules[{index}] {owner}"
            label = f"{where}, if: {condition}" if condition else where
            for variable, key, value in mapping_items(self.get(rule, "variables")):
                charge()
                yield _Override(variable, self._variable(variable, key, self.deref(value), label), workflow)

    def defines(self, context: _Context, name: str) -> bool:
        """The job (or what it extends) defines ``name`` itself: it wins over workflow:rules values."""
        return any(
            mapping_entry(self.deref(scope.mapping), name) is not None
            for scope in context.scopes
            if scope.name != "top-level variables"
        )


@dataclass(frozen=True, slots=True)
class _Override:
    """A value that replaces variable ``name`` for some pipelines or job instances."""

    name: str
    variable: Variable
    workflow: bool = False


def _tracked(lookup: Lookup) -> tuple[Lookup, set[str]]:
    """``lookup`` that remembers every name looked up (the variables a value depends on)."""
    used: set[str] = set()

    def tracked(name: str) -> Variable | None:
        used.add(name)
        return lookup(name)

    return tracked, used


def _overridden(lookup: Lookup, override: _Override) -> Lookup:
    def inner(name: str) -> Variable | None:
        return override.variable if name == override.name else lookup(name)

    return inner


def _image_origin(node: Node | None, pipeline: _Pipeline) -> Origin | None:
    prefix = "image: "
    if isinstance(node, MappingNode):
        node = pipeline.get(node, "name")
        prefix = "name: "
    text = scalar_text(node)
    if not isinstance(node, ScalarNode) or not text:
        return None
    quote = str(node.style) if node.style in ("'", '"') else ""
    return Origin(
        text=text,
        line=node_line(node),
        template_prefix=prefix + quote,
        template_suffix=quote,
        path=node_path(node),
    )


def _pipeline_document(documents: list[Node], relative: str) -> Node | None:
    """The configuration document; a ``spec:`` header document may precede it."""
    if len(documents) == 2 and mapping_get(documents[0], "spec") is not None:
        return documents[1]
    if len(documents) > 1:
        raise InputError(
            relative,
            "contains more than one YAML document",
            line=node_line(documents[1]),
            remediation="keep one pipeline document (after an optional spec: header)",
        )
    return documents[0] if documents else None


def _deep_merge(base: Node, override: Node, depth: int = 0) -> Node:
    """GitLab's include merge: mappings merge key by key, ``override`` wins, anything else replaces.

    The result is a new mapping of the original key and value nodes, so every value keeps the
    file and line it was written at.
    """
    if depth > _MAX_MERGE_DEPTH or not (isinstance(base, MappingNode) and isinstance(override, MappingNode)):
        return override
    mine = {name: (key, value) for name, key, value in mapping_items(base)}
    theirs = {name: (key, value) for name, key, value in mapping_items(override)}
    charge(1 + len(mine) + len(theirs))
    pairs: list[tuple[Node, Node]] = []
    for name, (key, value) in mine.items():
        if name in theirs:
            over_key, over_value = theirs[name]
            pairs.append((over_key, _deep_merge(value, over_value, depth + 1)))
        else:
            pairs.append((key, value))
    pairs.extend(entry for name, entry in theirs.items() if name not in mine)
    return MappingNode(_MAP_TAG, pairs, override.start_mark, override.end_mark)


def _wildcard_regex(pattern: str) -> re.Pattern[str]:
    """GitLab's wildcard grammar for ``include: local:`` (Repository#search_files_by_wildcard_path).

    Not fnmatch: ``*`` stops at ``/``, ``**/`` is any run of directories (or none), ``**`` is
    anything, and every other character (``?``, ``[``) is literal.
    """
    escaped = re.escape(pattern)
    escaped = escaped.replace(r"\*\*/", "(?:.*?/)?").replace(r"\*\*", ".*?").replace(r"\*", "[^/]*?")
    return re.compile(escaped, re.DOTALL)


@dataclass(frozen=True, slots=True)
class _IncludeEntry:
    """One entry of ``include:``: its kind (local, remote, ...), value and line."""

    kind: str
    value: str
    line: int
    raw: str


class _Configuration:
    """The main file and the local files it includes, merged as GitLab merges them."""

    def __init__(self, root: Path, main: str) -> None:
        self.root = root
        self.main = main
        self.records: list[PinRecord] = []
        self._merged: dict[str, Node | None] = {}
        self._repo_files: list[str] | None = None

    @property
    def files(self) -> int:
        return len(self._merged)

    def load(self, relative: str, chain: tuple[str, ...] = ()) -> Node | None:
        """The file's configuration with everything it includes merged beneath it."""
        if relative in self._merged:
            return self._merged[relative]
        text = read_text_file(self.root, relative, allow_crlf=True, allow_bom=True).text
        document = _pipeline_document(load_yaml_documents(text, relative), relative)
        self._merged[relative] = None  # Counted (and cycle-safe) while its includes load.
        merged: Node | None = document
        if isinstance(document, MappingNode):
            base: Node | None = None
            for included in self._local_includes(mapping_get(document, "include"), relative, chain):
                configuration = self.load(included, (*chain, relative))
                if configuration is not None:
                    base = configuration if base is None else _deep_merge(base, configuration)
            if base is not None:
                merged = _deep_merge(base, document)
        self._merged[relative] = merged
        return merged

    def _warn(self, relative: str, entry: _IncludeEntry, note: str) -> None:
        self.records.append(
            PinRecord(
                source=PinSource.GITLAB_CI,
                kind=PinKind.UNRESOLVED,
                path=relative,
                line=entry.line,
                raw=entry.raw,
                note=note,
            )
        )

    def _local_includes(self, include: Node | None, relative: str, chain: tuple[str, ...]) -> Iterator[str]:
        """Repository paths of the local files ``include`` names; a record for every other entry."""
        for entry in _include_entries(include):
            if entry.kind != "local":
                self._warn(
                    relative,
                    entry,
                    f"include: {entry.raw} is not followed; gogate cannot see images defined there",
                )
                continue
            paths = self._resolve_local(entry, relative)
            for path in paths:
                if path == relative or path in chain:
                    continue  # An include cycle adds nothing: the file is being read already.
                if path not in self._merged and len(chain) + 1 >= _MAX_INCLUDE_DEPTH:
                    self._warn(
                        relative,
                        entry,
                        f"include: {entry.raw} is nested more than {_MAX_INCLUDE_DEPTH} levels deep "
                        "(GitLab's limit); not followed",
                    )
                elif path not in self._merged and self.files >= _MAX_INCLUDES:
                    self._warn(
                        relative,
                        entry,
                        f"include: {entry.raw} goes beyond {_MAX_INCLUDES} included files "
                        f"(GitLab's limit); {path} is not followed",
                    )
                else:
                    yield path

    def _resolve_local(self, entry: _IncludeEntry, relative: str) -> list[str]:
        path = entry.value.strip()
        if not path:
            self._warn(relative, entry, "include with an empty path")
            return []
        if "$" in path:
            self._warn(
                relative,
                entry,
                f"include: {entry.raw} uses a variable, known only when the pipeline runs; not followed",
            )
            return []
        # Local includes are relative to the repository root, with or without a leading '/'.
        normalized = posixpath.normpath(path.lstrip("/"))
        if normalized == ".." or normalized.startswith("../") or posixpath.isabs(normalized):
            self._warn(relative, entry, f"include: {entry.raw} is outside the repository; not followed")
            return []
        if "*" in normalized:
            wildcard = _wildcard_regex(normalized)
            matches = [file for file in self._files_under(normalized) if wildcard.fullmatch(file)]
            if not matches:
                self._warn(relative, entry, f"include not found: no file matches {path}")
            return [match for match in matches if match.endswith((".yml", ".yaml"))]
        if not normalized.endswith((".yml", ".yaml")):
            self._warn(relative, entry, f"include: {entry.raw} is not a .yml/.yaml file; GitLab rejects it")
            return []
        if not (self.root / normalized).is_file():
            self._warn(relative, entry, f"include not found: {normalized} is not in the repository")
            return []
        return [normalized]

    def _files_under(self, pattern: str) -> list[str]:
        """Repository files a wildcard can match: under the directory before its first ``*``."""
        static = pattern.split("*", 1)[0].rsplit("/", 1)
        base = static[0] if len(static) == 2 else ""
        files: list[str] = []
        top = self.root / base if base else self.root
        if not top.is_dir():
            return files
        for directory, subdirs, names in os.walk(top):
            subdirs[:] = sorted(name for name in subdirs if name != ".git")
            relative_dir = Path(os.path.relpath(directory, self.root)).as_posix()
            for name in sorted(names):
                charge()
                files.append(name if relative_dir == "." else f"{relative_dir}/{name}")
        return files


def _include_entries(include: Node | None) -> Iterator[_IncludeEntry]:
    """``include: path``, ``include: {local: path}``, ``include: {project: ..., file: ...}`` or a list."""
    if include is None:
        return
    entries = include.value if isinstance(include, SequenceNode) else [include]
    for entry in entries:
        charge()
        line = node_line(entry)
        if isinstance(entry, ScalarNode):
            text = (scalar_text(entry) or "").strip()
            if re.match(r"https?://", text, re.IGNORECASE):
                yield _IncludeEntry("remote", text, line, f"remote: {text}")
            else:
                yield _IncludeEntry("local", text, line, f"local: {text}")
            continue
        if not isinstance(entry, MappingNode):
            yield _IncludeEntry("unknown", "", line, "an entry that is not a path or a mapping")
            continue
        local = mapping_get(entry, "local")
        if local is not None:
            value = scalar_text(local) or ""
            yield _IncludeEntry("local", value, node_line(local), f"local: {value}")
            continue
        kind = next((name for name in _UNFOLLOWED if mapping_get(entry, name) is not None), "unknown")
        value = scalar_text(mapping_get(entry, kind)) or "..."
        raw = f"{kind}: {value}"
        files = mapping_get(entry, "file")
        if kind == "project" and files is not None:
            names = files.value if isinstance(files, SequenceNode) else [files]
            raw += " file: " + ", ".join(scalar_text(name) or "..." for name in names)
        if kind == "unknown":
            raw = "an entry without local, remote, project, template or component"
        yield _IncludeEntry(kind, value, line, raw)


def _pipeline_records(configuration: _Configuration, top: MappingNode, relative: str) -> list[PinRecord]:
    pipeline = _Pipeline(top)
    contexts = list(pipeline.contexts())
    users = Counter(id(context.image) for context in contexts if context.image is not None)
    several_files = configuration.files > 1
    records: list[PinRecord] = []
    for context in contexts:
        is_job = not context.template and context.name in pipeline.jobs
        overrides, matrix_entries = pipeline.overrides(context.name) if is_job else ([], [])
        base = pipeline.variables(context.scopes)
        if is_job:
            records.extend(_gotoolchain_records(pipeline, context, base, overrides, matrix_entries, relative))
        use = _image_origin(context.image, pipeline)
        if use is None:
            continue
        if "$[[" in use.text:
            records.append(
                PinRecord(
                    source=PinSource.GITLAB_CI,
                    kind=PinKind.UNRESOLVED,
                    path=use.path or relative,
                    line=use.line,
                    raw=use.text,
                    note="uses CI/CD inputs ($[[ inputs.* ]]), set when the pipeline is created",
                )
            )
            continue
        tracked, used = _tracked(base)
        pieces = expand(use, tracked, _SYNTAX)

        def image_pin(pieces: list[Piece], use: Origin = use) -> PinRecord | None:
            pin = golang_image_pin(
                pieces,
                use_name="image",
                use_line=use.line,
                undefined_hint=_UNDEFINED_HINT,
                use_path=use.path if several_files else None,
            )
            return pin.record(PinSource.GITLAB_CI, relative) if pin is not None else None

        baseline = image_pin(pieces)
        if baseline is None:
            continue
        # A template's unresolvable variable is judged in the jobs that use the template.
        skip = baseline.kind is PinKind.UNRESOLVED and context.template and users[id(context.image)] > 1
        if not skip and not _matrix_covers(matrix_entries, used):
            records.append(baseline)
        for override in _applicable(pipeline, context, overrides, used):
            record = image_pin(expand(use, _overridden(base, override), _SYNTAX))
            if record is not None:
                records.append(record)
    return records


def _matrix_covers(entries: list[frozenset[str]], used: set[str]) -> bool:
    """Every ``parallel:matrix`` entry sets a variable the value uses: the job's own value is never used."""
    return bool(entries) and any(all(name in entry for entry in entries) for name in used)


def _applicable(
    pipeline: _Pipeline, context: _Context, overrides: list[_Override], used: set[str]
) -> list[_Override]:
    return [
        override
        for override in overrides
        if override.name in used and not (override.workflow and pipeline.defines(context, override.name))
    ]


def _gotoolchain_records(
    pipeline: _Pipeline,
    context: _Context,
    base: Lookup,
    overrides: list[_Override],
    matrix_entries: list[frozenset[str]],
    relative: str,
) -> list[PinRecord]:
    """The GOTOOLCHAIN a job runs with: from its variables (job, extends, top-level, includes),
    and every ``parallel:matrix`` or ``rules:variables`` value that replaces it."""
    tracked, used = _tracked(base)
    variable = tracked("GOTOOLCHAIN")
    records: list[PinRecord] = []
    if variable is not None:
        record = _gotoolchain_record(variable, tracked, relative)
        if not _matrix_covers(matrix_entries, used):
            records.append(record)
    else:
        used.add("GOTOOLCHAIN")
    for override in _applicable(pipeline, context, overrides, used):
        lookup = _overridden(base, override)
        found = lookup("GOTOOLCHAIN")
        if found is not None:
            records.append(_gotoolchain_record(found, lookup, relative))
    return records


def _gotoolchain_record(variable: Variable, lookup: Lookup, relative: str) -> PinRecord:
    """The record of a GOTOOLCHAIN variable, at the line where its value is written."""
    path = variable.path or relative
    if variable.value is None:
        return PinRecord(
            source=PinSource.GITLAB_GOTOOLCHAIN,
            kind=PinKind.UNRESOLVED,
            path=path,
            line=variable.declaration_line,
            raw="",
            fix_template="GOTOOLCHAIN: local",
            note="variable GOTOOLCHAIN has no single value",
        )
    origin = variable.value
    pieces = expand(origin, lookup, _SYNTAX)
    where = origin.label
    unresolved = next((piece for piece in pieces if piece.unresolved or "$" in piece.text), None)
    if unresolved is not None:
        return PinRecord(
            source=PinSource.GITLAB_GOTOOLCHAIN,
            kind=PinKind.UNRESOLVED,
            path=unresolved.origin.path or path,
            line=unresolved.origin.line_at(unresolved.start),
            raw=unresolved.origin.written,
            fix_template=unresolved.origin.template_prefix + "local" + unresolved.origin.template_suffix,
            note=join_notes(where, f"{unresolved.text} {_UNDEFINED_HINT}"),
        )
    text = "".join(piece.text for piece in pieces)
    first = next((piece for piece in pieces if piece.text), None)
    owner = first.origin if first is not None else origin
    note = where
    if owner is not origin and owner.label is not None:
        note = f"{owner.label}, used in GOTOOLCHAIN ({where})"
    return PinRecord(
        source=PinSource.GITLAB_GOTOOLCHAIN,
        kind=PinKind.GOTOOLCHAIN,
        path=owner.path or path,
        line=owner.line_at(first.start) if first is not None else owner.line,
        raw=text,
        version=gotoolchain_version(text),
        fix_template=owner.template_prefix + "local" + owner.template_suffix,
        note=join_notes(note, owner.note, gotoolchain_note(text)),
    )


def extract(root: Path, relative: str) -> list[PinRecord]:
    """One record per golang image reference (deduplicated across the jobs that share it), in the
    file and the local files it includes, plus one UNRESOLVED record per include not followed.

    Raises InputError for malformed YAML (in any followed file) and for hostile input (nesting
    too deep, alias/merge bombs).
    """
    with guarded(relative):
        configuration = _Configuration(root, relative)
        top = configuration.load(relative)
        records = list(configuration.records)
        if isinstance(top, MappingNode):
            records.extend(_pipeline_records(configuration, top, relative))
    # The main file first, then included files; line order within a file.
    return sorted(
        dict.fromkeys(records), key=lambda record: (record.path != relative, record.path, record.line)
    )
