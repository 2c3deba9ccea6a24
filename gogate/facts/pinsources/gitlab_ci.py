"""Go versions stated by ``image: golang:<tag>`` in the root ``.gitlab-ci.yml``.

Why jobs are resolved the way GitLab does it: the image a job runs comes from the job, else from
what it ``extends`` (the last parent wins), else from ``default:``; ``$GO_VERSION`` in it is
expanded with the job's variables, its parents' and then the top-level ones. A template (a
hidden job or ``default:``) whose variable only the jobs using it define is judged in those jobs,
not reported as unresolvable on its own. ``include:``d files are not followed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from gogate.errors import InputError
from gogate.facts.model import PinKind, PinRecord, PinSource
from gogate.facts.pinsources._common import (
    ExpansionSyntax,
    Origin,
    Variable,
    expand,
    golang_image_pin,
    load_yaml_documents,
    mapping_get,
    mapping_items,
    node_line,
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

    def deref(self, node: Node | None) -> Node | None:
        """Follow ``!reference [job, key, ...]`` to the node it names."""
        for _ in range(_MAX_EXTENDS_DEPTH):
            if not (isinstance(node, SequenceNode) and node.tag == "!reference"):
                return node
            target: Node | None = self.top
            for item in node.value:
                target = (
                    mapping_get(self.deref(target), str(item.value)) if isinstance(item, ScalarNode) else None
                )
            node = target
        return None

    def get(self, node: Node | None, key: str) -> Node | None:
        return self.deref(mapping_get(self.deref(node), key))

    def lineage(self, name: str, depth: int = 0) -> list[tuple[str, Node]]:
        """The job, then what it extends by precedence (a later ``extends`` entry wins)."""
        job = self.jobs.get(name)
        if job is None or depth > _MAX_EXTENDS_DEPTH:
            return []
        result: list[tuple[str, Node]] = [(name, job)]
        extends = self.get(job, "extends")
        parents = [str(extends.value)] if isinstance(extends, ScalarNode) else []
        if isinstance(extends, SequenceNode):
            parents = [str(item.value) for item in extends.value if isinstance(item, ScalarNode)]
        for parent in reversed(parents):
            result.extend(self.lineage(parent, depth + 1))
        return result

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

    def variables(self, scopes: tuple[_Scope, ...]) -> dict[str, Variable]:
        found: dict[str, Variable] = {}
        for scope in reversed(scopes):
            for name, key, value in mapping_items(self.deref(scope.mapping)):
                if scope.only is None or name in scope.only:
                    found[name] = self._variable(name, key, self.deref(value), scope.name)
        return found

    def _variable(self, name: str, key: Node, node: Node | None, scope_name: str) -> Variable:
        label = f"variable {name} ({scope_name})"
        declaration_line = node_line(key)
        prefix = f"{name}: "
        expandable = True
        if isinstance(node, MappingNode):
            expandable = scalar_text(self.get(node, "expand")) != "false"
            node = self.get(node, "value")
            prefix = "value: "
        text = scalar_text(node)
        if not isinstance(node, ScalarNode) or text is None:
            return Variable(name, None, declaration_line, name, None)
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
        )
        return Variable(name, origin, declaration_line, name, None)


def _image_origin(node: Node | None, pipeline: _Pipeline) -> Origin | None:
    prefix = "image: "
    if isinstance(node, MappingNode):
        node = pipeline.get(node, "name")
        prefix = "name: "
    text = scalar_text(node)
    if not isinstance(node, ScalarNode) or not text:
        return None
    quote = str(node.style) if node.style in ("'", '"') else ""
    return Origin(text=text, line=node_line(node), template_prefix=prefix + quote, template_suffix=quote)


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


def extract(root: Path, relative: str) -> list[PinRecord]:
    """One record per golang image reference (deduplicated across the jobs that share it)."""
    text = read_text_file(root, relative, allow_crlf=True, allow_bom=True).text
    top = _pipeline_document(load_yaml_documents(text, relative), relative)
    if not isinstance(top, MappingNode):
        return []
    pipeline = _Pipeline(top)
    contexts = list(pipeline.contexts())
    users = Counter(id(context.image) for context in contexts if context.image is not None)
    records: list[PinRecord] = []
    for context in contexts:
        use = _image_origin(context.image, pipeline)
        if use is None:
            continue
        if "$[[" in use.text:
            records.append(
                PinRecord(
                    source=PinSource.GITLAB_CI,
                    kind=PinKind.UNRESOLVED,
                    path=relative,
                    line=use.line,
                    raw=use.text,
                    note="uses CI/CD inputs ($[[ inputs.* ]]), set when the pipeline is created",
                )
            )
            continue
        variables = pipeline.variables(context.scopes)
        pieces = expand(use, variables.get, _SYNTAX)
        pin = golang_image_pin(pieces, use_name="image", use_line=use.line, undefined_hint=_UNDEFINED_HINT)
        if pin is None:
            continue
        # A template's unresolvable variable is judged in the jobs that use the template.
        if pin.kind is PinKind.UNRESOLVED and context.template and users[id(context.image)] > 1:
            continue
        records.append(pin.record(PinSource.GITLAB_CI, relative))
    return sorted(dict.fromkeys(records), key=lambda record: record.line)
