"""``gogate.snapshot.json``: what each target platform's build rests on, recorded so a nightly audit can
prove nothing moved.

Why a file of its own and not more fields in ``gogate.lock``: the lock pins the toolchain and is
edited by hand or by ``gogate lock``; the snapshot is a measurement (build lists, package graphs,
binary hashes) taken by running Go, regenerated whenever the code changes. Like the lock it has a
published schema (:func:`snapshot_json_schema`), is written byte-for-byte deterministically
(:func:`render_snapshot`) and atomically (:func:`write_snapshot`), and is read strictly
(:func:`read_snapshot`): a malformed file is an InputError naming the field, never a traceback.

Nothing in it may be "unknown": a platform whose facts could not all be gathered is an error of that
platform, not a snapshot with holes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from gogate import goversion
from gogate.errors import InputError
from gogate.facts.textfile import read_text_file
from gogate.lockfile import LockPlatform, archive_filename, module_version, replace_file_atomically

__all__ = [
    "SNAPSHOT_FILE_NAME",
    "SNAPSHOT_SCHEMA_ID",
    "BuildDifference",
    "BuildOutput",
    "DependencyState",
    "ModuleRecord",
    "ModuleReplacement",
    "PackageGraph",
    "PlatformSnapshot",
    "Snapshot",
    "describe_snapshot_changes",
    "load_snapshot_text",
    "read_snapshot",
    "render_snapshot",
    "snapshot_json_schema",
    "write_snapshot",
]

SNAPSHOT_FILE_NAME = "gogate.snapshot.json"
SNAPSHOT_SCHEMA_ID = "https://gogate.invalid/schemas/gogate.snapshot.v1.json"

_FROZEN = ConfigDict(frozen=True, extra="forbid", strict=True)
_HEX64 = r"^[0-9a-f]{64}$"
_PLATFORM = r"^[a-z0-9]+/[a-z0-9]+$"
_REMEDIATION = "fix the file, or regenerate it with `gogate snapshot create`"

Hex64 = Annotated[str, StringConstraints(pattern=_HEX64)]
PlatformKey = Annotated[str, StringConstraints(pattern=_PLATFORM)]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]


class _FieldError(ValueError):
    """A consistency problem of one field (``loc``), raised from a model validator."""

    def __init__(self, loc: tuple[str, ...], message: str) -> None:
        super().__init__(f"{'.'.join(loc)}: {message}")
        self.loc = loc
        self.problem = message


class DependencyState(BaseModel):
    """The repository's dependency files: one digest over all of them, and what lets drift be named."""

    model_config = _FROZEN

    digest: Hex64 = Field(
        description="SHA-256 over every go.mod, go.sum, go.work, go.work.sum and vendor/modules.txt, "
        "framed and in canonical order (see gogate.snapshot.depstate)."
    )
    files: dict[NonEmpty, Hex64] = Field(
        description="SHA-256 of each file that went into the digest, by repository-relative path."
    )
    sum_lines: dict[NonEmpty, list[str]] = Field(
        description="The lines of each go.sum and go.work.sum, sorted, so a changed line can be named."
    )


class ModuleReplacement(BaseModel):
    """Where a ``replace`` directive sends a module: another module version, or a directory."""

    model_config = _FROZEN

    path: NonEmpty = Field(description="Module path, or a directory for a local replacement.")
    version: str | None = Field(description="null for a directory replacement.")


class ModuleRecord(BaseModel):
    """One module of the build list (`go list -m -json all`)."""

    model_config = _FROZEN

    path: NonEmpty
    version: str | None = Field(description="null for the main module(s).")
    replace: ModuleReplacement | None
    sum: str | None = Field(description="The h1: of the module zip Go used; null when Go has none.")


class PackageGraph(BaseModel):
    """What `go list -deps` loads for one platform: each package, and the module it comes from."""

    model_config = _FROZEN

    packages: dict[NonEmpty, str | None] = Field(
        description="Import path -> module path; null for the standard library."
    )
    modules: dict[NonEmpty, str] = Field(
        description="Module path -> version of every module providing a package ('' for main modules "
        "and directory replacements)."
    )


class BuildDifference(BaseModel):
    """Where two builds of one package differ (only present when they do)."""

    model_config = _FROZEN

    offsets: list[Annotated[int, Field(ge=0)]] = Field(
        description="Start offset of each differing run of bytes outside the Go build ID, first ones only."
    )
    build_id_offsets: list[Annotated[int, Field(ge=0)]] = Field(
        description="Differing runs inside the Go build ID: a hash of the inputs and content, so it differs "
        "whenever anything else does (and alone when only the inputs, e.g. flags, did)."
    )
    sizes: tuple[int, int] = Field(description="Sizes of the first and second binary.")
    first_excerpt: str = Field(description="The first binary's bytes around offsets[0], printable.")
    second_excerpt: str = Field(description="The second binary's bytes around offsets[0], printable.")

    @model_validator(mode="after")
    def _some_offset(self) -> BuildDifference:
        if not self.offsets and not self.build_id_offsets:
            raise ValueError("a difference needs at least one offset")
        return self


class BuildOutput(BaseModel):
    """One main package built twice for a platform, in separate build caches."""

    model_config = _FROZEN

    sha256: Hex64 = Field(description="SHA-256 of the first build.")
    second_sha256: Hex64 = Field(description="SHA-256 of the second build (equal when reproducible).")
    size: int = Field(ge=0, description="Size of the first build in bytes.")
    difference: BuildDifference | None = Field(description="null when the two builds are identical.")

    @model_validator(mode="after")
    def _difference_when_unequal(self) -> BuildOutput:
        if (self.difference is None) != (self.sha256 == self.second_sha256):
            raise ValueError("difference must be given exactly when the two builds' hashes differ")
        return self


class PlatformSnapshot(BaseModel):
    """Everything recorded for one GOOS/GOARCH."""

    model_config = _FROZEN

    toolchain: LockPlatform = Field(
        description="The pinned toolchain for this platform, as gogate.lock has it."
    )
    dependency_digest: Hex64 = Field(description="The dependency-state digest as this platform's run saw it.")
    build_list: list[ModuleRecord] = Field(description="`go list -m -json all`, in Go's order.")
    package_graph: PackageGraph
    builds: dict[NonEmpty, BuildOutput] = Field(description="By main package import path.")
    build_flags: list[str] = Field(description="Flags given to go build besides -trimpath and -o.")


class Snapshot(BaseModel):
    """The schema of ``gogate.snapshot.json`` (schema_version 1)."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        strict=True,
        title="gogate.snapshot.json",
        json_schema_extra={
            "description": "Per platform: the pinned toolchain, the dependency state, the package graph "
            "and the hashes of reproducible builds, as gogate snapshot create measured them."
        },
    )

    schema_version: Literal[1] = Field(description="Version of this file format.")
    generated_by: str = Field(min_length=1, max_length=200, description="The gogate that wrote the file.")
    go_version: str = Field(description="The pinned Go release (from gogate.lock), without the go prefix.")
    dependencies: DependencyState
    platforms: dict[PlatformKey, PlatformSnapshot] = Field(
        min_length=1,
        description="Keyed by GOOS/GOARCH, e.g. linux/amd64.",
        json_schema_extra={"propertyNames": {"pattern": _PLATFORM}, "additionalProperties": False},
    )

    @model_validator(mode="before")
    @classmethod
    def _integer_version(cls, data: Any) -> Any:
        # Literal[1] alone would accept true and 1.0 (they compare equal to 1).
        if isinstance(data, dict) and "schema_version" in data and type(data["schema_version"]) is not int:
            raise _FieldError(
                ("schema_version",), f"expected the integer 1, found {data['schema_version']!r}"
            )
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Snapshot:
        if not goversion.is_release(self.go_version):
            raise _FieldError(
                ("go_version",), f"{self.go_version!r} is not an exact Go release such as 1.22.5"
            )
        for platform, entry in self.platforms.items():
            base = ("platforms", platform, "toolchain")
            expected = archive_filename(self.go_version, platform)
            filename = entry.toolchain.archive.filename
            if filename != expected:
                raise _FieldError(
                    (*base, "archive", "filename"),
                    f"expected {expected} for Go {self.go_version}, found {filename!r}",
                )
            expected = module_version(self.go_version, platform)
            if entry.toolchain.module.version != expected:
                raise _FieldError(
                    (*base, "module", "version"),
                    f"expected {expected} for Go {self.go_version}, found {entry.toolchain.module.version!r}",
                )
        return self


def snapshot_json_schema() -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) of gogate.snapshot.json."""
    schema = Snapshot.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SNAPSHOT_SCHEMA_ID,
        **schema,
        "title": "gogate.snapshot.json",
    }


# --- reading --------------------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # JSON loaders silently keep the last of two equal keys: two readers could see different hashes.
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"key {key!r} given twice in one object")
        seen[key] = value
    return seen


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _field_message(error: ValidationError) -> str:
    problem = error.errors()[0]
    cause = problem.get("ctx", {}).get("error")
    if isinstance(cause, _FieldError):
        return f"{'.'.join(cause.loc)}: {cause.problem}"
    location = [str(part) for part in problem["loc"] if part != "[key]"]
    kind = problem["type"]
    if kind == "extra_forbidden":
        message = "unknown field"
    elif kind == "missing":
        message = "missing required field"
    elif kind == "value_error":
        message = str(problem["msg"]).removeprefix("Value error, ")
    else:
        message = f"{problem['msg']}, found {_shown(problem['input'])}"
    return f"{'.'.join(location) or '(top level)'}: {message}"


def load_snapshot_text(text: str, relative: str = SNAPSHOT_FILE_NAME) -> Snapshot:
    """Parse and validate snapshot text; InputError (exit 2) naming the field for any problem."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise InputError(
            relative, f"invalid JSON: {error.msg}", line=error.lineno, remediation=_REMEDIATION
        ) from error
    except (ValueError, RecursionError) as error:
        raise InputError(relative, f"invalid JSON: {error}", remediation=_REMEDIATION) from error
    if not isinstance(data, dict):
        raise InputError(
            relative, f"expected a JSON object, found {type(data).__name__}", remediation=_REMEDIATION
        )
    try:
        return Snapshot.model_validate(data)
    except ValidationError as error:
        raise InputError(relative, _field_message(error), remediation=_REMEDIATION) from error


def read_snapshot(root: Path, relative: str = SNAPSHOT_FILE_NAME) -> Snapshot | None:
    """Read ``root/relative``; None when there is none. InputError for a malformed file."""
    path = root / relative
    if not path.exists() and not path.is_symlink():
        return None
    return load_snapshot_text(read_text_file(root, relative).text, relative)


# --- writing --------------------------------------------------------------------------------------


def render_snapshot(snapshot: Snapshot) -> str:
    """The file as written: sorted keys, two-space indent, ASCII, one trailing newline."""
    return json.dumps(snapshot.model_dump(mode="json"), indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def write_snapshot(path: Path, snapshot: Snapshot) -> list[str]:
    """Write ``snapshot`` to ``path`` atomically; return what changed versus the file it replaces.

    The previous file is read leniently: one that no longer parses is reported as replaced rather
    than stopping the write (create is how a broken snapshot gets fixed). Raises OSError.
    """
    previous: Snapshot | None
    try:
        previous = load_snapshot_text(path.read_text(encoding="utf-8"), path.name)
        unreadable = False
    except FileNotFoundError:
        previous, unreadable = None, False
    except (InputError, OSError, UnicodeDecodeError):
        previous, unreadable = None, True
    replace_file_atomically(path, render_snapshot(snapshot).encode("ascii"))
    changes = describe_snapshot_changes(previous, snapshot)
    if unreadable:
        changes.insert(0, f"replaced an unreadable {path.name}")
    return changes


def _short(value: str) -> str:
    prefix = "h1:" if value.startswith("h1:") else ""
    return f"{prefix}{value[len(prefix) :][:12]}…"


def _module_label(record: ModuleRecord) -> str:
    label = record.path if record.version is None else f"{record.path}@{record.version}"
    if record.replace is not None:
        target = record.replace.path
        label += (
            f" => {target}" if record.replace.version is None else f" => {target}@{record.replace.version}"
        )
    return label


def describe_snapshot_changes(old: Snapshot | None, new: Snapshot) -> list[str]:
    """What writing ``new`` over ``old`` changes, one human line per change; [] when nothing does."""
    if old is None:
        return [f"created for Go {new.go_version}", *(f"{p}: added" for p in sorted(new.platforms))]
    lines: list[str] = []
    for name in ("go_version", "generated_by"):
        before, after = str(getattr(old, name)), str(getattr(new, name))
        if before != after:
            lines.append(f"{name}: {before} -> {after}")
    old_deps, new_deps = old.dependencies, new.dependencies
    for file in sorted(old_deps.files.keys() | new_deps.files.keys()):
        before_hash, after_hash = old_deps.files.get(file), new_deps.files.get(file)
        if before_hash == after_hash:
            continue
        if before_hash is None:
            lines.append(f"dependencies: {file} added")
        elif after_hash is None:
            lines.append(f"dependencies: {file} removed")
        else:
            lines.append(f"dependencies: {file} changed")
    for platform in sorted(old.platforms.keys() | new.platforms.keys()):
        if platform not in new.platforms:
            lines.append(f"{platform}: removed")
        elif platform not in old.platforms:
            lines.append(f"{platform}: added")
        else:
            lines.extend(
                f"{platform} {line}"
                for line in _platform_changes(old.platforms[platform], new.platforms[platform])
            )
    return lines


def _platform_changes(old: PlatformSnapshot, new: PlatformSnapshot) -> list[str]:
    lines: list[str] = []
    for group in ("archive", "module"):
        before = getattr(old.toolchain, group).model_dump()
        after = getattr(new.toolchain, group).model_dump()
        for field, value in after.items():
            if before[field] != value:
                shown = (
                    (_short(str(before[field])), _short(str(value)))
                    if field in ("sha256", "blake3", "h1")
                    else (before[field], value)
                )
                lines.append(f"toolchain {group}.{field}: {shown[0]} -> {shown[1]}")
    old_modules = {m.path: m for m in old.build_list}
    new_modules = {m.path: m for m in new.build_list}
    for path in sorted(old_modules.keys() | new_modules.keys()):
        before_module, after_module = old_modules.get(path), new_modules.get(path)
        if before_module == after_module:
            continue
        if before_module is None:
            assert after_module is not None
            lines.append(f"module added: {_module_label(after_module)}")
        elif after_module is None:
            lines.append(f"module removed: {_module_label(before_module)}")
        else:
            lines.append(f"module {_module_label(before_module)} -> {_module_label(after_module)}")
    added = sorted(new.package_graph.packages.keys() - old.package_graph.packages.keys())
    removed = sorted(old.package_graph.packages.keys() - new.package_graph.packages.keys())
    if added:
        lines.append(f"packages added: {', '.join(added)}")
    if removed:
        lines.append(f"packages removed: {', '.join(removed)}")
    for package in sorted(old.builds.keys() | new.builds.keys()):
        before_build, after_build = old.builds.get(package), new.builds.get(package)
        if before_build is None:
            lines.append(f"build {package}: added")
        elif after_build is None:
            lines.append(f"build {package}: removed")
        elif before_build.sha256 != after_build.sha256:
            lines.append(
                f"build {package}: sha256 {_short(before_build.sha256)} -> {_short(after_build.sha256)}"
            )
    if old.build_flags != new.build_flags:
        lines.append(
            f"build flags: {' '.join(old.build_flags) or '(none)'} -> {' '.join(new.build_flags) or '(none)'}"
        )
    return lines
