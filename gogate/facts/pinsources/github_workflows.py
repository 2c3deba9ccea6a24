"""Go versions requested from ``actions/setup-go`` in GitHub Actions workflows.

Why this follows setup-go's own code (src/main.ts ``resolveVersionInput`` and src/installer.ts
``parseGoVersionFile``) rather than the documentation: a non-empty ``go-version`` silently wins
over ``go-version-file``; the file path is relative to the workspace, not to a job's
``working-directory``; in go.mod/go.work the ``toolchain`` line wins unless ``GOTOOLCHAIN=local``
is set for the step; and an unquoted ``go-version: 1.20`` reaches setup-go as ``1.2``.
Expressions are resolved where the workflow itself says the value: ``${{ matrix.go }}`` from a
literal ``strategy.matrix`` list, ``${{ env.GO_VERSION }}`` from the step, job or workflow ``env``.

Why more than setup-go: a job can run entirely inside ``container: golang:1.21.0`` (or a golang
service, or a ``uses: docker://golang:...`` step), and a local composite action can hold the
setup-go step every workflow calls. Skipping those would let a build with another Go pass the
gate. In a composite action ``${{ inputs.x }}`` is read from the input's literal ``default:``
(a workflow can still pass another value, which the note says); there is no matrix or job env.
A workflow step ``uses: ./dir`` (or a job ``uses: ./.github/workflows/x.yml``) whose setup-go reads
``${{ inputs.X }}`` builds with the caller's ``with: X``, so that value is reported at the caller.

Why GOTOOLCHAIN: a ``GOTOOLCHAIN`` in a workflow, job, container or step ``env:`` decides which Go
the go command runs, whatever setup-go installed; each one is a GITHUB_GOTOOLCHAIN record.
A FLOATING go-version carries ``range_spec``, the semver range setup-go matches (not evaluated here).
"""

from __future__ import annotations

import itertools
import math
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from gogate import goversion
from gogate.errors import InputError
from gogate.facts.model import PinKind, PinRecord, PinSource
from gogate.facts.pinsources._common import (
    Origin,
    Piece,
    charge,
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
    scalar_text,
    yaml_number_note,
)
from gogate.facts.textfile import read_text_file

__all__ = ["classify_setup_go_version", "extract", "extract_action", "setup_go_range_spec"]

_SETUP_GO = re.compile(r"actions/setup-go@", re.IGNORECASE)
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.DOTALL)
_MATRIX_REF = re.compile(r"matrix\.([A-Za-z_][\w-]*)|matrix\[\s*'([^']+)'\s*\]")
_ENV_REF = re.compile(r"env\.([A-Za-z_][\w]*)|env\[\s*'([^']+)'\s*\]")
_INPUT_REF = re.compile(r"inputs\.([A-Za-z_][\w-]*)|inputs\[\s*'([^']+)'\s*\]")
_DOCKER_SCHEME = "docker://"
# Job containers, services and docker:// steps; judged exactly as a Dockerfile FROM is.
_IMAGE_SOURCE = PinSource.GITHUB_IMAGE
_EXPRESSION_HINT = "is a GitHub expression, evaluated only when the workflow runs"
# Images with several matrix expressions give one record per combination, up to this many.
_MAX_COMBINATIONS = 256
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
    in_action: bool = False
    """A step of a composite action: ``inputs.X`` is read from the action's ``inputs:``."""
    inputs: Node | None = None


@dataclass(frozen=True, slots=True)
class _StepContext:
    """What the steps of one job (or one composite action) are resolved against."""

    root: Path
    path: str
    source_lines: list[str]
    matrix: Node | None
    outer_envs: tuple[tuple[str, Node | None], ...]
    in_action: bool = False
    inputs: Node | None = None


def _step_records(context: _StepContext, steps: Node | None) -> list[PinRecord]:
    """setup-go steps and ``uses: docker://`` steps of one job or composite action."""
    if not isinstance(steps, SequenceNode):
        return []
    records: list[PinRecord] = []
    for step in steps.value:
        charge()
        uses = mapping_get(step, "uses")
        text = (scalar_text(uses) or "").strip()
        if uses is None or not text:
            continue
        if text.lower().startswith(_DOCKER_SCHEME):
            records.extend(
                _image_records(
                    uses, context.path, "uses", None, "image of a docker:// step", docker_scheme=True
                )
            )
            continue
        envs = tuple(
            (scope, env)
            for scope, env in (("step env", mapping_get(step, "env")), *context.outer_envs)
            if isinstance(env, MappingNode)
        )
        if text.startswith("./"):
            caller = _Step(
                context.path,
                node_line(uses),
                mapping_get(step, "with"),
                context.matrix,
                envs,
                context.source_lines,
                context.in_action,
                context.inputs,
            )
            records.extend(_local_call_records(context.root, caller, text, action=True))
            continue
        if not _SETUP_GO.match(text):
            continue
        setup_go = _Step(
            context.path,
            node_line(uses),
            mapping_get(step, "with"),
            context.matrix,
            envs,
            context.source_lines,
            context.in_action,
            context.inputs,
        )
        records.extend(_setup_go_records(context.root, setup_go))
    return records


def _image_records(
    node: Node | None,
    relative: str,
    key: str,
    matrix: Node | None,
    where: str,
    *,
    docker_scheme: bool = False,
) -> list[PinRecord]:
    """Records for a golang image written as ``key: <reference>`` (or ``key: docker://<reference>``)."""
    charge()
    text = scalar_text(node)
    if not isinstance(node, ScalarNode) or not text or not text.strip():
        return []
    reference = text.strip()
    scheme = ""
    if docker_scheme:
        scheme, reference = reference[: len(_DOCKER_SCHEME)], reference[len(_DOCKER_SCHEME) :]
    quote = str(node.style) if node.style in ("'", '"') else ""
    use = Origin(
        text=reference,
        line=node_line(node),
        template_prefix=f"{key}: {quote}{scheme}",
        template_suffix=quote,
        path=relative,
    )
    records: list[PinRecord] = []
    for pieces in _expression_pieces(use, matrix):
        pin = golang_image_pin(pieces, use_name=key, use_line=use.line, undefined_hint=_EXPRESSION_HINT)
        if pin is not None:
            record = pin.record(_IMAGE_SOURCE, relative)
            records.append(record.model_copy(update={"note": join_notes(where, record.note)}))
    return records


def _expression_pieces(use: Origin, matrix: Node | None) -> list[list[Piece]]:
    """The image reference with each ``${{ matrix.X }}`` replaced by every literal matrix value.

    Any other expression stays an unresolved piece: containers and services can only use the
    github, needs, strategy, matrix, vars and inputs contexts, none of which is written here.
    """
    matches = list(_EXPRESSION.finditer(use.text))
    if not matches:
        return [[Piece(use.text, use, 0)]]
    unresolved = [[[Piece(match[0], use, match.start(), unresolved=match[1])]] for match in matches]
    choices = [
        _matrix_options(match[1], matrix, use.path) or fallback
        for match, fallback in zip(matches, unresolved, strict=True)
    ]
    if math.prod(len(options) for options in choices) > _MAX_COMBINATIONS:
        choices = unresolved
    combinations: list[list[Piece]] = []
    for chosen in itertools.product(*choices):
        charge()
        pieces: list[Piece] = []
        position = 0
        for match, alternative in zip(matches, chosen, strict=True):
            if match.start() > position:
                pieces.append(Piece(use.text[position : match.start()], use, position))
            pieces.extend(alternative)
            position = match.end()
        if position < len(use.text):
            pieces.append(Piece(use.text[position:], use, position))
        combinations.append(pieces)
    return combinations


def _matrix_options(expression: str, matrix: Node | None, path: str | None) -> list[list[Piece]]:
    """One piece list per literal value of ``matrix.X``; [] when the values are not all literal."""
    match = _MATRIX_REF.fullmatch(expression)
    if match is None:
        return []
    key = match[1] or match[2]
    options: list[list[Piece]] = []
    for value in _matrix_values(matrix, key):
        text = scalar_text(value)
        if not isinstance(value, ScalarNode) or text is None or "${{" in text:
            return []
        number_note = yaml_number_note(value, text)
        quote = str(value.style) if value.style in ("'", '"') else "'"
        origin = Origin(
            text=text,
            line=node_line(value),
            label=f"strategy.matrix.{key} entry",
            raw=str(value.value) if number_note else None,
            template_prefix=quote,
            template_suffix=quote,
            note=number_note,
            path=path,
        )
        options.append([Piece(text, origin, 0)] if text else [])
    return options


def _job_image_records(job_name: str, job: Node, matrix: Node | None, relative: str) -> list[PinRecord]:
    """``container:`` (a reference or ``{image: ...}``) and ``services.<name>.image`` of a job."""
    records: list[PinRecord] = []
    container = mapping_get(job, "container")
    where = f"container image of job {job_name}"
    if isinstance(container, MappingNode):
        records.extend(_image_records(mapping_get(container, "image"), relative, "image", matrix, where))
    else:
        records.extend(_image_records(container, relative, "container", matrix, where))
    for service_name, _key, service in mapping_items(mapping_get(job, "services")):
        where = f"image of service {service_name} of job {job_name}"
        if isinstance(service, MappingNode):
            records.extend(_image_records(mapping_get(service, "image"), relative, "image", matrix, where))
        else:
            records.extend(_image_records(service, relative, service_name, matrix, where))
    return records


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
    # An alias can put one huge block into many steps: count the lines read.
    charge(max(0, last - first))
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
            return [
                record.model_copy(update={"note": join_notes(provenance, record.note)}) for record in resolved
            ]
    if "${{" in stripped:
        expression_note = join_notes(
            provenance,
            "a GitHub expression, evaluated only when the workflow runs",
            _input_note(stripped, step),
        )
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
        range_spec=setup_go_range_spec(spec, kind),
        note=join_notes(note, kind_note),
    )


def setup_go_range_spec(spec: str, kind: PinKind) -> str | None:
    """The semver range setup-go matches a FLOATING ``go-version`` against (``1.22.x``, ``^1.22.3``,
    ``>=1.22 <1.24``, a two-part ``1.22``), as setup-go reads it; None for ``stable``/``oldstable``,
    which are aliases resolved from the release list, not ranges."""
    text = spec.strip()
    if kind is not PinKind.FLOATING or not text or text in ("stable", "oldstable"):
        return None
    return text


def _input_default(expression: str, step: _Step) -> tuple[str, Node | None] | None:
    """(input name, its ``default:`` node) when ``expression`` is an action's ``inputs.X``."""
    if not step.in_action or (match := _INPUT_REF.fullmatch(expression)) is None:
        return None
    name = match[1] or match[2]
    return name, mapping_get(mapping_get(step.inputs, name), "default")


def _input_note(text: str, step: _Step) -> str | None:
    match = _EXPRESSION.fullmatch(text)
    found = _input_default(match[1], step) if match is not None else None
    if found is None:
        return None
    return f"input {found[0]} of the action has no literal default: the workflow using the action sets it"


def _resolve_expression(expression: str, step: _Step, use_line: int) -> list[PinRecord] | None:
    """``matrix.X`` from a literal matrix list (one record per entry), ``env.X`` from env,
    ``inputs.X`` of a composite action from the input's literal default."""
    if (found := _input_default(expression, step)) is not None:
        name, default = found
        if default is None or not isinstance(default, ScalarNode) or not (scalar_text(default) or "").strip():
            return None
        provenance = (
            f"default of input {name}, used in go-version at line {use_line}; "
            "a workflow using the action can pass another value"
        )
        return _value_records(
            default, step, fix_template="default: '{version}'", provenance=provenance, allow_expressions=False
        )
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
    charge(1 + (len(listed.value) if isinstance(listed, SequenceNode) else 0))
    if isinstance(listed, SequenceNode):
        values.extend(listed.value)
    elif listed is not None:
        return []
    include = mapping_get(matrix, "include")
    if isinstance(include, SequenceNode):
        charge(len(include.value))
        values.extend(value for entry in include.value if (value := mapping_get(entry, key)) is not None)
    return values


def _version_file_record(
    root: Path,
    relative: str,
    step: _Step,
    *,
    line: int,
    raw: str,
    shadow: str | None,
    provenance: str | None,
) -> PinRecord:
    """The REFERENCE record of a go-version-file, resolved as setup-go reads it (in ``step``'s file)."""
    if "${{" in relative:
        version, note = None, "the path is a GitHub expression, evaluated only when the workflow runs"
    else:
        version, note = _read_version_file(root, relative, step)
    return PinRecord(
        source=PinSource.SETUP_GO_VERSION_FILE,
        kind=PinKind.REFERENCE,
        path=step.path,
        line=line,
        raw=raw,
        version=version,
        note=join_notes(shadow, provenance, note),
        shadowed=shadow is not None,
    )


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
        input_note = None
        if (match := _EXPRESSION.fullmatch(relative)) and (found := _input_default(match[1], step)):
            default_text = (scalar_text(found[1]) or "").strip()
            if default_text and "${{" not in default_text:
                relative = _WORKSPACE_PREFIX.sub("", default_text)
                input_note = (
                    f"the default of input {found[0]}; a workflow using the action can pass another file"
                )
        records.append(
            _version_file_record(
                root,
                relative,
                step,
                line=node_line(file_node),
                raw=file_text,
                shadow=shadow,
                provenance=input_note,
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


def _gotoolchain_records(env: Node | None, where: str, relative: str, matrix: Node | None) -> list[PinRecord]:
    """The GOTOOLCHAIN an ``env:`` mapping sets, at the line its value is written.

    ``${{ matrix.X }}`` gives one record per literal matrix value; any other expression is
    UNRESOLVED (known only when the workflow runs).
    """
    entry = mapping_entry(env, "GOTOOLCHAIN") if isinstance(env, MappingNode) else None
    if entry is None:
        return []
    charge()
    node = entry[1]
    text = scalar_text(node)
    line = node_line(node)
    if not isinstance(node, ScalarNode) or text is None:
        return [
            _gotoolchain_record(
                PinKind.UNRESOLVED, relative, line, "", join_notes(where, "not a single value")
            )
        ]
    stripped = text.strip()
    if (match := _EXPRESSION.fullmatch(stripped)) and (ref := _MATRIX_REF.fullmatch(match[1])):
        key = ref[1] or ref[2]
        values = _matrix_values(matrix, key)
        literal = [(value, scalar_text(value)) for value in values]
        if values and all(isinstance(v, ScalarNode) and t is not None and "${{" not in t for v, t in literal):
            provenance = f"strategy.matrix.{key} entry, used in GOTOOLCHAIN at line {line}"
            return [
                _gotoolchain_record(
                    PinKind.GOTOOLCHAIN,
                    relative,
                    node_line(value),
                    (value_text or "").strip(),
                    join_notes(provenance, where),
                )
                for value, value_text in literal
            ]
    if "${{" in stripped:
        note = join_notes(where, "a GitHub expression, evaluated only when the workflow runs")
        return [_gotoolchain_record(PinKind.UNRESOLVED, relative, line, stripped, note)]
    return [_gotoolchain_record(PinKind.GOTOOLCHAIN, relative, line, stripped, where)]


def _gotoolchain_record(kind: PinKind, relative: str, line: int, raw: str, note: str | None) -> PinRecord:
    resolved = kind is PinKind.GOTOOLCHAIN
    return PinRecord(
        source=PinSource.GITHUB_GOTOOLCHAIN,
        kind=kind,
        path=relative,
        line=line,
        raw=raw,
        version=gotoolchain_version(raw) if resolved else None,
        fix_template="GOTOOLCHAIN: local",
        note=join_notes(note, gotoolchain_note(raw)) if resolved else note,
    )


def _step_gotoolchain_records(
    steps: Node | None, owner: str, relative: str, matrix: Node | None
) -> list[PinRecord]:
    """GOTOOLCHAIN in the ``env:`` of every step (not only setup-go: ``run: go build`` uses it)."""
    if not isinstance(steps, SequenceNode):
        return []
    records: list[PinRecord] = []
    for index, step in enumerate(steps.value, start=1):
        env = mapping_get(step, "env")
        if env is None:
            continue
        name = (scalar_text(mapping_get(step, "name")) or "").strip()
        label = f"step {name!r}" if name else f"step {index}"
        records.extend(_gotoolchain_records(env, f"env of {label} of {owner}", relative, matrix))
    return records


def _local_target(root: Path, uses: str, *, action: bool) -> str | None:
    """The repository file a ``uses: ./...`` names: the action's action.yml/.yaml or the workflow."""
    target = posixpath.normpath(uses[2:].split("@", 1)[0])
    if posixpath.isabs(target) or target == ".." or target.startswith("../"):
        return None
    candidates = [target] if not action else [f"{target}/action.yml", f"{target}/action.yaml"]
    if target == ".":
        candidates = ["action.yml", "action.yaml"]
    return next((candidate for candidate in candidates if (root / candidate).is_file()), None)


def _setup_go_input_uses(steps: Node | None) -> list[tuple[str, str, int]]:
    """(input name, setup-go input it feeds, line) for setup-go steps of the called action or
    workflow whose go-version or go-version-file is ``${{ inputs.X }}``."""
    found: list[tuple[str, str, int]] = []
    if not isinstance(steps, SequenceNode):
        return found
    for step in steps.value:
        charge()
        if not _SETUP_GO.match((scalar_text(mapping_get(step, "uses")) or "").strip()):
            continue
        with_node = mapping_get(step, "with")
        for key in ("go-version", "go-version-file"):
            node = mapping_get(with_node, key)
            text = (scalar_text(node) or "").strip() if node is not None else ""
            match = _EXPRESSION.fullmatch(_WORKSPACE_PREFIX.sub("", text))
            ref = _INPUT_REF.fullmatch(match[1]) if match is not None else None
            if node is not None and ref is not None:
                found.append((ref[1] or ref[2], key, node_line(node)))
    return found


def _local_call_records(root: Path, caller: _Step, uses: str, *, action: bool) -> list[PinRecord]:
    """Values a workflow passes with ``with:`` to a local composite action (``uses: ./dir``) or a
    reusable workflow (``uses: ./.github/workflows/x.yml``) whose setup-go step reads them from
    ``${{ inputs.X }}``: the version that builds is the caller's, so it is reported at the caller.
    """
    target = _local_target(root, uses, action=action)
    if target is None or caller.with_node is None:
        return []
    try:
        top, _lines = _document(root, target)
    except InputError:
        return []  # The called file is read on its own, and its error reported there.
    if action:
        runs = mapping_get(top, "runs")
        if (scalar_text(mapping_get(runs, "using")) or "").strip().lower() != "composite":
            return []
        uses_found = _setup_go_input_uses(mapping_get(runs, "steps"))
    else:
        uses_found = []
        for _name, _key, job in mapping_items(mapping_get(top, "jobs")):
            uses_found.extend(_setup_go_input_uses(mapping_get(job, "steps")))
    records: list[PinRecord] = []
    passed_version = False
    for input_name, key, _line in sorted(uses_found, key=lambda found: found[1]):
        node = mapping_get(caller.with_node, input_name)
        text = (scalar_text(node) or "").strip() if node is not None else ""
        if node is None or (isinstance(node, ScalarNode) and not text):
            continue
        provenance = f"passed to {uses} input {input_name}"
        if key == "go-version":
            passed_version = True
            records.extend(
                _value_records(
                    node,
                    caller,
                    fix_template=f"{input_name}: '{{version}}'",
                    provenance=provenance,
                    allow_expressions=True,
                )
            )
            continue
        relative = _WORKSPACE_PREFIX.sub("", text)
        shadow = "shadowed by the go-version passed to the same call" if passed_version else None
        records.append(
            _version_file_record(
                root, relative, caller, line=node_line(node), raw=text, shadow=shadow, provenance=provenance
            )
        )
    return records


def _document(root: Path, relative: str) -> tuple[Node | None, list[str]]:
    """The single YAML document of a workflow or action file, and its source lines."""
    text = read_text_file(root, relative, allow_crlf=True, allow_bom=True).text
    documents = load_yaml_documents(text, relative)
    if len(documents) > 1:
        raise InputError(
            relative,
            "contains more than one YAML document",
            line=node_line(documents[1]),
            remediation="a workflow or action file holds exactly one YAML document",
        )
    return (documents[0] if documents else None), text.split("\n")


def _ordered(records: list[PinRecord]) -> list[PinRecord]:
    return sorted(dict.fromkeys(records), key=lambda record: record.line)


def extract(root: Path, relative: str) -> list[PinRecord]:
    """Records for every setup-go step (its go-version value(s) and go-version-file), every golang
    job container or service image and every ``uses: docker://golang...`` step.

    The workflow's ``on:`` key is read by YAML 1.1 as the boolean true; gogate never looks it up,
    and ``jobs`` is found by its composed key text, so that does not matter here.
    """
    with guarded(relative):
        top, source_lines = _document(root, relative)
        if not isinstance(top, MappingNode):
            return []
        records: list[PinRecord] = []
        workflow_env = mapping_get(top, "env")
        records.extend(_gotoolchain_records(workflow_env, "workflow env", relative, None))
        for job_name, _key, job in mapping_items(mapping_get(top, "jobs")):
            charge()
            matrix = mapping_get(mapping_get(job, "strategy"), "matrix")
            records.extend(_job_image_records(job_name, job, matrix, relative))
            owner = f"job {job_name}"
            records.extend(_gotoolchain_records(mapping_get(job, "env"), f"env of {owner}", relative, matrix))
            container_env = mapping_get(mapping_get(job, "container"), "env")
            records.extend(
                _gotoolchain_records(container_env, f"env of the container of {owner}", relative, matrix)
            )
            records.extend(_step_gotoolchain_records(mapping_get(job, "steps"), owner, relative, matrix))
            outer_envs = ((f"env of job {job_name}", mapping_get(job, "env")), ("workflow env", workflow_env))
            context = _StepContext(root, relative, source_lines, matrix, outer_envs)
            records.extend(_step_records(context, mapping_get(job, "steps")))
            called = (scalar_text(mapping_get(job, "uses")) or "").strip()
            if called.startswith("./"):
                caller = _Step(
                    relative,
                    node_line(mapping_get(job, "uses") or job),
                    mapping_get(job, "with"),
                    matrix,
                    (),
                    source_lines,
                )
                records.extend(_local_call_records(root, caller, called, action=False))
        return _ordered(records)


def extract_action(root: Path, relative: str) -> list[PinRecord]:
    """Records for a local action (``action.yml``): the setup-go and docker:// steps of a
    composite action, or the ``docker://`` image of a Docker container action."""
    with guarded(relative):
        top, source_lines = _document(root, relative)
        runs = mapping_get(top, "runs")
        using = (scalar_text(mapping_get(runs, "using")) or "").strip().lower()
        if using == "composite":
            context = _StepContext(
                root, relative, source_lines, None, (), in_action=True, inputs=mapping_get(top, "inputs")
            )
            steps = mapping_get(runs, "steps")
            return _ordered(
                _step_records(context, steps)
                + _step_gotoolchain_records(steps, "the composite action", relative, None)
            )
        image = mapping_get(runs, "image")
        if using == "docker" and (scalar_text(image) or "").strip().lower().startswith(_DOCKER_SCHEME):
            return _ordered(
                _image_records(
                    image, relative, "image", None, "image of a Docker container action", docker_scheme=True
                )
            )
        return []
