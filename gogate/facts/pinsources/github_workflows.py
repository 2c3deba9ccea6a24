"""Go versions requested from ``actions/setup-go`` in GitHub Actions workflows.

Why this follows setup-go's own code (src/main.ts ``resolveVersionInput`` and src/installer.ts
``parseGoVersionFile``) rather than the documentation: a non-empty ``go-version`` silently wins
over ``go-version-file``; the file path is relative to the workspace, not to a job's
``working-directory``; in go.mod/go.work the ``toolchain`` line wins unless ``GOTOOLCHAIN=local``
is set for the step; and an unquoted ``go-version: 1.20`` reaches setup-go as ``1.2``.
Expressions are resolved where the workflow itself says the value: ``${{ matrix.go }}`` from a
literal ``strategy.matrix`` list, ``${{ env.GO_VERSION }}`` from the step, job or workflow ``env``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from gogate import goversion
from gogate.errors import InputError
from gogate.facts.model import PinKind, PinRecord, PinSource
from gogate.facts.pinsources._common import (
    join_notes,
    load_yaml_documents,
    mapping_get,
    mapping_items,
    node_line,
    scalar_text,
    yaml_number_note,
)
from gogate.facts.textfile import read_text_file

__all__ = ["classify_setup_go_version", "extract"]

_SETUP_GO = re.compile(r"actions/setup-go@", re.IGNORECASE)
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.DOTALL)
_MATRIX_REF = re.compile(r"matrix\.([A-Za-z_][\w-]*)|matrix\[\s*'([^']+)'\s*\]")
_ENV_REF = re.compile(r"env\.([A-Za-z_][\w]*)|env\[\s*'([^']+)'\s*\]")
_WORKSPACE_PREFIX = re.compile(r"^\$\{\{\s*github\.workspace\s*\}\}/")
_TOOLCHAIN_LINE = re.compile(r"^toolchain go(1\.\d+(?:\.\d+|rc\d+)?)", re.MULTILINE)
_GO_LINE = re.compile(r"^go (\d+(\.\d+)*)", re.MULTILINE)
_TOOL_VERSIONS_LINE = re.compile(r"^golang\s+([^\n#]+)", re.MULTILINE)
_VERSION_FIX = "go-version: '{version}'"


def classify_setup_go_version(spec: str) -> tuple[PinKind, str | None, str | None]:
    """(kind, bare version, note) of a ``go-version`` value as setup-go's semver matching reads it.

    setup-go treats a two-part ``1.22`` (and ``1.20``) as the range 1.22.x, unlike Go's own
    grammar where ``1.20`` is the release 1.20.0.
    """
    text = spec.strip()
    if text in ("stable", "oldstable"):
        return PinKind.FLOATING, None, f"{text} moves to the newest {text} Go release at run time"
    if match := re.fullmatch(r"=?\s*v?(\d+\.\d+\.\d+)", text):
        version = match[1]
        if goversion.is_release(version):
            return PinKind.EXACT, version, None
    if match := re.fullmatch(r"v?(\d+\.\d+)(?:\.0)?-?(rc|beta)\.?(\d+)", text):
        version = f"{match[1]}{match[2]}{match[3]}"
        if goversion.is_release(version):
            return PinKind.EXACT, version, None
    if match := re.fullmatch(r"v?(\d+\.\d+)(?:\.[xX*])?|~\s*v?(\d+\.\d+)(?:\.[xX*]|\.\d+)?", text):
        version = match[1] or match[2]
        if goversion.is_valid(version):
            return PinKind.FLOATING, version, f"{text} moves to each new {version}.x patch release"
    if re.fullmatch(r"[\^~<>=*xX\d.\s|-]+", text) and text:
        return PinKind.FLOATING, None, f"{text} is a version range: setup-go installs the newest match"
    return PinKind.UNRESOLVED, None, f"{text!r} is not a version setup-go understands"


@dataclass(frozen=True, slots=True)
class _Step:
    """A setup-go step with the env, matrix and source lines its inputs are resolved against."""

    path: str
    uses_line: int
    with_node: Node | None
    matrix: Node | None
    envs: tuple[tuple[str, Node], ...]
    """(scope name, env mapping) by precedence: step, job, workflow."""
    source_lines: list[str]


def _steps(top: Node, relative: str, source_lines: list[str]) -> Iterator[_Step]:
    workflow_env = mapping_get(top, "env")
    for job_name, _key, job in mapping_items(mapping_get(top, "jobs")):
        job_env = mapping_get(job, "env")
        matrix = mapping_get(mapping_get(job, "strategy"), "matrix")
        steps = mapping_get(job, "steps")
        if not isinstance(steps, SequenceNode):
            continue
        for step in steps.value:
            uses = mapping_get(step, "uses")
            text = scalar_text(uses)
            if uses is None or text is None or not _SETUP_GO.match(text.strip()):
                continue
            envs = tuple(
                (scope, env)
                for scope, env in (
                    ("step env", mapping_get(step, "env")),
                    (f"env of job {job_name}", job_env),
                    ("workflow env", workflow_env),
                )
                if isinstance(env, MappingNode)
            )
            yield _Step(relative, node_line(uses), mapping_get(step, "with"), matrix, envs, source_lines)


def _env_value(step: _Step, name: str) -> tuple[str, Node] | None:
    for scope, env in step.envs:
        value = mapping_get(env, name)
        if value is not None:
            return scope, value
    return None


def _block_lines(node: ScalarNode, source_lines: list[str]) -> list[tuple[int, str]]:
    """Non-empty content lines of a ``|``/``>`` block scalar, with their line numbers."""
    first = int(node.start_mark.line) + 1
    last = int(node.end_mark.line) if node.end_mark.column == 0 else int(node.end_mark.line) + 1
    return [
        (index + 1, source_lines[index].strip())
        for index in range(first, min(last, len(source_lines)))
        if source_lines[index].strip()
    ]


def _value_records(
    node: Node, step: _Step, *, fix_template: str, provenance: str | None, allow_expressions: bool
) -> list[PinRecord]:
    """Records for one go-version value (or a matrix/env value standing in for it)."""
    text = scalar_text(node)
    if not isinstance(node, ScalarNode) or text is None:
        return [
            PinRecord(
                source=PinSource.SETUP_GO_VERSION,
                kind=PinKind.UNRESOLVED,
                path=step.path,
                line=node_line(node),
                raw="",
                note=join_notes(provenance, "not a single value"),
            )
        ]
    if node.style in ("|", ">") and len(entries := _block_lines(node, step.source_lines)) > 1:
        note = "multi-line go-version: setup-go reads the whole block as one version spec"
        return [
            _record(value, line, value, step, fix_template, join_notes(provenance, note))
            for line, value in entries
        ]
    line = node_line(node)
    stripped = text.strip()
    if allow_expressions and (match := _EXPRESSION.fullmatch(stripped)):
        resolved = _resolve_expression(match[1], step, line)
        if resolved is not None:
            return resolved
    if "${{" in stripped:
        expression_note = join_notes(provenance, "a GitHub expression, evaluated only when the workflow runs")
        return [
            PinRecord(
                source=PinSource.SETUP_GO_VERSION,
                kind=PinKind.UNRESOLVED,
                path=step.path,
                line=line,
                raw=str(node.value).strip(),
                fix_template=fix_template,
                note=expression_note,
            )
        ]
    return [
        _record(
            stripped,
            line,
            str(node.value).strip(),
            step,
            fix_template,
            join_notes(provenance, yaml_number_note(node, text)),
        )
    ]


def _record(spec: str, line: int, raw: str, step: _Step, fix_template: str, note: str | None) -> PinRecord:
    kind, version, kind_note = classify_setup_go_version(spec)
    return PinRecord(
        source=PinSource.SETUP_GO_VERSION,
        kind=kind,
        path=step.path,
        line=line,
        raw=raw,
        version=version,
        fix_template=fix_template,
        note=join_notes(note, kind_note),
    )


def _resolve_expression(expression: str, step: _Step, use_line: int) -> list[PinRecord] | None:
    """``matrix.X`` from a literal matrix list (one record per entry), ``env.X`` from env."""
    if match := _MATRIX_REF.fullmatch(expression):
        key = match[1] or match[2]
        values = _matrix_values(step.matrix, key)
        if not values:
            return None
        provenance = f"strategy.matrix.{key} entry, used in go-version at line {use_line}"
        records: list[PinRecord] = []
        for value in values:
            records.extend(
                _value_records(
                    value, step, fix_template="'{version}'", provenance=provenance, allow_expressions=False
                )
            )
        return records
    if match := _ENV_REF.fullmatch(expression):
        name = match[1] or match[2]
        found = _env_value(step, name)
        if found is None:
            return None
        scope, value = found
        provenance = f"{name} in the {scope}, used in go-version at line {use_line}"
        return _value_records(
            value, step, fix_template=f"{name}: '{{version}}'", provenance=provenance, allow_expressions=False
        )
    return None


def _matrix_values(matrix: Node | None, key: str) -> list[Node]:
    """Entries of ``matrix.<key>`` plus ``include`` entries that set it; [] if not literal."""
    if not isinstance(matrix, MappingNode):
        return []
    values: list[Node] = []
    listed = mapping_get(matrix, key)
    if isinstance(listed, SequenceNode):
        values.extend(listed.value)
    elif listed is not None:
        return []
    include = mapping_get(matrix, "include")
    if isinstance(include, SequenceNode):
        values.extend(value for entry in include.value if (value := mapping_get(entry, key)) is not None)
    return values


def _read_version_file(root: Path, relative: str, step: _Step) -> tuple[str | None, str]:
    """What setup-go's ``parseGoVersionFile`` returns for the file, and a note saying so."""
    normalized = posixpath.normpath(relative)
    if posixpath.isabs(normalized) or normalized == ".." or normalized.startswith("../"):
        return None, f"{relative} is outside the repository; it cannot be checked"
    path = root / normalized
    if not path.exists():
        return None, "file not found: setup-go fails"
    if not path.is_file():
        return None, "not a file: setup-go fails"
    try:
        contents = read_text_file(root, normalized, allow_crlf=True, allow_bom=True).text
    except InputError as error:
        return None, f"cannot be read: {error.message}"
    name = posixpath.basename(normalized)
    value, where = "", name
    if name in ("go.mod", "go.work"):
        local = (found := _env_value(step, "GOTOOLCHAIN")) is not None and scalar_text(found[1]) == "local"
        toolchain = None if local else _TOOLCHAIN_LINE.search(contents)
        go_line = _GO_LINE.search(contents)
        if toolchain is not None:
            value, where = toolchain[1], f"{name} (toolchain line)"
        elif go_line is not None:
            value, where = go_line[1], f"{name} (go line)"
    elif name == ".tool-versions":
        if (match := _TOOL_VERSIONS_LINE.search(contents)) is not None:
            value, where = match[1].strip(), f"{name} (golang line)"
    else:
        value = contents.strip()
    if not value:
        return None, f"setup-go reads no version from {name} and uses the Go already on the runner"
    kind, _version, _note = classify_setup_go_version(value)
    version = goversion.normalize_user_version(value) or None
    return version, f"setup-go would read {value} from {where}: {kind.value}"


def _setup_go_records(root: Path, step: _Step) -> list[PinRecord]:
    version_node = mapping_get(step.with_node, "go-version")
    file_node = mapping_get(step.with_node, "go-version-file")
    version_text = (scalar_text(version_node) or "").strip() if version_node is not None else ""
    file_text = (scalar_text(file_node) or "").strip() if file_node is not None else ""
    records: list[PinRecord] = []
    if version_node is not None and (version_text or not isinstance(version_node, ScalarNode)):
        records.extend(
            _value_records(
                version_node, step, fix_template=_VERSION_FIX, provenance=None, allow_expressions=True
            )
        )
    if file_node is not None and file_text:
        shadow = None
        if records and version_node is not None:
            shadow = (
                f"shadowed by go-version at line {node_line(version_node)} (setup-go ignores go-version-file)"
            )
        relative = _WORKSPACE_PREFIX.sub("", file_text)
        if "${{" in relative:
            version, note = None, "the path is a GitHub expression, evaluated only when the workflow runs"
        else:
            version, note = _read_version_file(root, relative, step)
        records.append(
            PinRecord(
                source=PinSource.SETUP_GO_VERSION_FILE,
                kind=PinKind.REFERENCE,
                path=step.path,
                line=node_line(file_node),
                raw=file_text,
                version=version,
                note=join_notes(shadow, note),
                shadowed=shadow is not None,
            )
        )
    if not records:
        records.append(
            PinRecord(
                source=PinSource.SETUP_GO_VERSION,
                kind=PinKind.FLOATING,
                path=step.path,
                line=step.uses_line,
                raw="",
                fix_template=_VERSION_FIX,
                note="neither go-version nor go-version-file: setup-go uses whatever Go the runner image has",
            )
        )
    return records


def extract(root: Path, relative: str) -> list[PinRecord]:
    """Records for every setup-go step: its go-version value(s) and its go-version-file."""
    text = read_text_file(root, relative, allow_crlf=True, allow_bom=True).text
    documents = load_yaml_documents(text, relative)
    if len(documents) > 1:
        raise InputError(
            relative,
            "contains more than one YAML document",
            line=node_line(documents[1]),
            remediation="a workflow file holds exactly one YAML document",
        )
    if not documents or not isinstance(documents[0], MappingNode):
        return []
    records: list[PinRecord] = []
    for step in _steps(documents[0], relative, text.split("\n")):
        records.extend(_setup_go_records(root, step))
    return sorted(dict.fromkeys(records), key=lambda record: record.line)
