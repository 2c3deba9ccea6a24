"""``gogate.lock``: the pinned Go release's official archives and toolchain modules, per platform.

Why a lock: a version string says which release a build should use, not which bytes. The lock
records, per platform, the official archive's name, size, SHA-256 (from the Go download index)
and BLAKE3, and the ``h1:`` of the ``golang.org/toolchain`` module, so a tampered archive or
GOROOT can be named. It is JSON with a published schema (:func:`lock_json_schema`), written
byte-for-byte deterministically (:func:`render_lock`) so reviews show clean diffs, and read
strictly (:func:`read_lock`): any malformed lock is an InputError naming the field path and line.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from gogate import goversion
from gogate.errors import InputError
from gogate.facts.textfile import read_text_file

__all__ = [
    "DEFAULT_PLATFORMS",
    "LOCK_FILE_NAME",
    "LOCK_SCHEMA_ID",
    "GogateLock",
    "LockArchive",
    "LockFacts",
    "LockModule",
    "LockPlatform",
    "archive_filename",
    "describe_changes",
    "gather_lock_facts",
    "lock_json_schema",
    "replace_file_atomically",
    "module_version",
    "read_lock",
    "render_lock",
    "write_lock_atomically",
]

LOCK_FILE_NAME = "gogate.lock"
LOCK_SCHEMA_ID = "https://gogate.invalid/schemas/gogate.lock.v1.json"
DEFAULT_PLATFORMS = ("linux/amd64", "linux/arm64")
TOOLCHAIN_MODULE = "golang.org/toolchain"

_FROZEN = ConfigDict(frozen=True, extra="forbid", strict=True)
_HEX64 = r"^[0-9a-f]{64}$"
_H1 = r"^h1:[A-Za-z0-9+/]{43}=$"
_PLATFORM = r"^[a-z0-9]+/[a-z0-9]+$"
_REMEDIATION = "fix the file, or regenerate it with `gogate lock`"

Hex64 = Annotated[str, StringConstraints(pattern=_HEX64)]
PlatformKey = Annotated[str, StringConstraints(pattern=_PLATFORM)]

# What a field must look like, for messages that say more than "should match pattern ...".
_EXPECTED = {
    "sha256": "64 lowercase hex digits",
    "blake3": "64 lowercase hex digits",
    "h1": "'h1:' and the base64 of a SHA-256 (44 characters)",
    "[key]": "a platform written os/arch, e.g. linux/amd64",
    "go_version": "an exact Go release without the go prefix, e.g. 1.22.5",
}


class LockFieldError(ValueError):
    """A consistency problem that belongs to one field (``loc``), raised from a model validator."""

    def __init__(self, loc: tuple[str, ...], message: str) -> None:
        super().__init__(f"{'.'.join(loc)}: {message}")
        self.loc = loc
        self.problem = message


def archive_filename(version: str, platform: str) -> str:
    """The official archive's name: ``go1.22.5.linux-amd64.tar.gz``; Windows gets a .zip.

    The download site calls 32-bit ARM Linux ``armv6l`` (the toolchain module says ``arm``).
    """
    goos, _, goarch = platform.partition("/")
    if goos == "linux" and goarch == "arm":
        goarch = "armv6l"
    extension = "zip" if goos == "windows" else "tar.gz"
    return f"go{version}.{goos}-{goarch}.{extension}"


def module_version(version: str, platform: str) -> str:
    """The toolchain module version: ``v0.0.1-go1.22.5.linux-amd64``."""
    goos, _, goarch = platform.partition("/")
    return f"v0.0.1-go{version}.{goos}-{goarch}"


class LockArchive(BaseModel):
    """The official release archive for one platform."""

    model_config = _FROZEN

    filename: str = Field(description="e.g. go1.22.5.linux-amd64.tar.gz (a .zip on Windows).")
    size: int = Field(ge=1, le=1 << 40, description="Size in bytes.")
    sha256: Hex64 = Field(description="SHA-256 as published by the Go download index, lowercase hex.")
    blake3: Hex64 = Field(description="BLAKE3 of the verified archive, lowercase hex.")


class LockModule(BaseModel):
    """The ``golang.org/toolchain`` module Go's toolchain switching downloads for one platform."""

    model_config = _FROZEN

    path: Literal["golang.org/toolchain"] = Field(description="Always golang.org/toolchain.")
    version: str = Field(description="e.g. v0.0.1-go1.22.5.linux-amd64")
    h1: Annotated[str, StringConstraints(pattern=_H1)] = Field(
        description="The module's dirhash h1: (as in go.sum and the checksum database)."
    )

    @field_validator("h1")
    @classmethod
    def _canonical_base64(cls, value: str) -> str:
        try:
            digest = base64.b64decode(value[3:], validate=True)
        except binascii.Error as error:
            raise ValueError(f"expected {_EXPECTED['h1']}, found {_shown(value)}") from error
        if len(digest) != 32 or base64.b64encode(digest).decode() != value[3:]:
            raise ValueError(f"expected {_EXPECTED['h1']} in canonical form, found {_shown(value)}")
        return value


class LockPlatform(BaseModel):
    """What the lock records for one platform."""

    model_config = _FROZEN

    archive: LockArchive
    module: LockModule


class GogateLock(BaseModel):
    """The schema of ``gogate.lock`` (schema_version 1)."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        strict=True,
        title="gogate.lock",
        json_schema_extra={
            "description": "The pinned Go release's official archives and toolchain modules, per platform. "
            "gogate also checks that every archive filename and module version matches go_version "
            "and its platform key."
        },
    )

    schema_version: Literal[1] = Field(description="Version of this file format.")
    go_version: str = Field(
        pattern=r"^[1-9][0-9]*\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*)|[a-z]+(0|[1-9][0-9]*))?$",
        description="The exact Go release, without the go prefix: 1.22.5, 1.23rc1.",
    )
    generated_by: str = Field(min_length=1, max_length=200, description="The gogate that wrote the lock.")
    platforms: dict[PlatformKey, LockPlatform] = Field(
        min_length=1,
        description="Keyed by GOOS/GOARCH, e.g. linux/amd64.",
        json_schema_extra={"propertyNames": {"pattern": _PLATFORM}, "additionalProperties": False},
    )

    @field_validator("schema_version", mode="before")
    @classmethod
    def _integer_one(cls, value: object) -> object:
        # Literal[1] alone would accept true and 1.0 (they compare equal to 1).
        if type(value) is not int:
            raise ValueError(f"expected the integer 1, found {_shown(value)}")
        return value

    @field_validator("go_version")
    @classmethod
    def _exact_release(cls, value: str) -> str:
        if not goversion.is_release(value):
            raise ValueError(f"{value!r} is not an exact Go release such as 1.22.5")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> GogateLock:
        for platform, entry in self.platforms.items():
            base = ("platforms", platform)
            expected = archive_filename(self.go_version, platform)
            if entry.archive.filename != expected:
                raise LockFieldError(
                    (*base, "archive", "filename"),
                    f"expected {expected} for Go {self.go_version} on {platform}, "
                    f"found {_shown(entry.archive.filename)}",
                )
            expected = module_version(self.go_version, platform)
            if entry.module.version != expected:
                raise LockFieldError(
                    (*base, "module", "version"),
                    f"expected {expected} for Go {self.go_version} on {platform}, "
                    f"found {_shown(entry.module.version)}",
                )
        return self


class LockFacts(BaseModel):
    """The repository's gogate.lock, read once per run; ``lock`` is None when there is none."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str = LOCK_FILE_NAME
    lock: GogateLock | None = None
    lines: dict[str, int] = Field(
        default_factory=dict,
        description="Line of each key, by dotted field path ('go_version', 'platforms.linux/amd64').",
    )


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class _KeyLines:
    """Walks JSON text that ``json.loads`` accepted, recording the line of every key.

    Also refuses a key given twice in one object: JSON loaders silently keep the last one, so two
    readers of the same lock could see different hashes.
    """

    _SPACE = re.compile(r"[ \t\n\r]*")

    def __init__(self, text: str, relative: str) -> None:
        self.text = text
        self.relative = relative
        self.starts = [0] + [match.end() for match in re.finditer("\n", text)]
        self.lines: dict[tuple[str, ...], int] = {}
        self._decoder = json.JSONDecoder()

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def _skip(self, index: int) -> int:
        match = self._SPACE.match(self.text, index)
        assert match is not None
        return match.end()

    def walk(self, index: int, path: tuple[str, ...]) -> int:
        index = self._skip(index)
        self.lines.setdefault(path, self.line(index))
        opening = self.text[index]
        if opening == "{":
            index = self._skip(index + 1)
            if self.text[index] == "}":
                return index + 1
            while True:
                index = self._skip(index)
                key_line = self.line(index)
                key, index = self._decoder.raw_decode(self.text, index)
                child = (*path, key)
                if child in self.lines:
                    raise InputError(
                        self.relative,
                        f"{'.'.join(child)}: given twice (first at line {self.lines[child]})",
                        line=key_line,
                        remediation=_REMEDIATION,
                    )
                self.lines[child] = key_line
                index = self._skip(index) + 1  # the ':'
                index = self._skip(self.walk(index, child))
                if self.text[index] == "}":
                    return index + 1
                index += 1  # the ','
        if opening == "[":
            index = self._skip(index + 1)
            if self.text[index] == "]":
                return index + 1
            position = 0
            while True:
                index = self._skip(self.walk(index, (*path, str(position))))
                position += 1
                if self.text[index] == "]":
                    return index + 1
                index += 1
        _, end = self._decoder.raw_decode(self.text, index)
        return int(end)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _parse(text: str, relative: str) -> tuple[Any, dict[tuple[str, ...], int]]:
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise InputError(
            relative, f"invalid JSON: {error.msg}", line=error.lineno, remediation=_REMEDIATION
        ) from error
    except (ValueError, RecursionError) as error:
        raise InputError(relative, f"invalid JSON: {error}", remediation=_REMEDIATION) from error
    walker = _KeyLines(text, relative)
    walker.walk(0, ())
    return data, walker.lines


def _validation_error(error: ValidationError, lines: dict[tuple[str, ...], int], relative: str) -> InputError:
    problem = error.errors()[0]
    cause = problem.get("ctx", {}).get("error")
    if isinstance(cause, LockFieldError):
        location, message = cause.loc, cause.problem
    else:
        location = tuple(str(part) for part in problem["loc"])
        kind = problem["type"]
        last = location[-1] if location else ""
        if kind == "extra_forbidden":
            message = "unknown field"
        elif kind == "missing":
            message = "missing required field"
        elif kind == "string_pattern_mismatch" and last in _EXPECTED:
            message = f"expected {_EXPECTED[last]}, found {_shown(problem['input'])}"
        elif kind == "value_error":
            message = str(problem["msg"]).removeprefix("Value error, ")
        else:
            message = f"{problem['msg']}, found {_shown(problem['input'])}"
        if last == "[key]":
            location = location[:-1]
    line = next((lines[location[:n]] for n in range(len(location), -1, -1) if location[:n] in lines), None)
    name = ".".join(location) or "(top level)"
    return InputError(relative, f"{name}: {message}", line=line, remediation=_REMEDIATION)


def _load(root: Path) -> tuple[GogateLock, dict[tuple[str, ...], int]] | None:
    path = root / LOCK_FILE_NAME
    if not path.exists() and not path.is_symlink():
        return None
    text = read_text_file(root, LOCK_FILE_NAME).text
    data, lines = _parse(text, LOCK_FILE_NAME)
    if not isinstance(data, dict):
        raise InputError(
            LOCK_FILE_NAME,
            f"expected a JSON object, found {type(data).__name__}",
            line=lines.get((), 1),
            remediation=_REMEDIATION,
        )
    try:
        lock = GogateLock.model_validate(data)
    except ValidationError as error:
        raise _validation_error(error, lines, LOCK_FILE_NAME) from error
    return lock, lines


def read_lock(root: Path) -> GogateLock | None:
    """Read ``root/gogate.lock``; None when there is none.

    Raises InputError (exit 2) naming the field path and its line for invalid JSON, a schema
    violation or an inconsistent entry, and for a BOM, CRLF endings or binary data.
    """
    loaded = _load(root)
    return None if loaded is None else loaded[0]


def gather_lock_facts(root: Path) -> LockFacts:
    """The lock facts for a run (see :func:`read_lock` for the errors)."""
    loaded = _load(root)
    if loaded is None:
        return LockFacts()
    lock, lines = loaded
    return LockFacts(lock=lock, lines={".".join(key): line for key, line in lines.items() if key})


def lock_json_schema() -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) of gogate.lock."""
    schema = GogateLock.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": LOCK_SCHEMA_ID,
        **schema,
        "title": "gogate.lock",
    }


def render_lock(lock: GogateLock) -> str:
    """The lock as written to disk: sorted keys, two-space indent, ASCII, one trailing newline."""
    return json.dumps(lock.model_dump(mode="json"), indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def write_lock_atomically(
    path: Path, lock: GogateLock, *, render: Callable[[GogateLock], str] = render_lock
) -> None:
    """Write ``lock`` to ``path`` so readers see the old file or the new one, never a mix.

    The text is rendered first, so a failure leaves the old file untouched. Raises OSError.
    """
    replace_file_atomically(path, render(lock).encode("ascii"))


def replace_file_atomically(path: Path, data: bytes) -> None:
    """Readers see the old file or the new one, never a mix: a temporary file in the same directory
    (keeping the old file's mode), flushed to disk, renamed over ``path``, then the directory synced.
    Raises OSError."""
    directory = path.parent
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    try:
        directory_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(directory_fd)
    finally:
        os.close(directory_fd)


_DIGESTS = frozenset({"sha256", "blake3", "h1"})


def _short(value: str) -> str:
    """Abbreviate a digest for a change line: 12 characters and an ellipsis."""
    prefix = "h1:" if value.startswith("h1:") else ""
    return f"{prefix}{value[len(prefix) :][:12]}…"


def _change(field: str, old: str, new: str) -> str:
    if field not in _DIGESTS:
        return f"{old} -> {new}"
    shown_old, shown_new = _short(old), _short(new)
    if shown_old == shown_new:
        shown_old, shown_new = old, new
    return f"{shown_old} -> {shown_new}"


def describe_changes(old: GogateLock | None, new: GogateLock) -> list[str]:
    """What writing ``new`` over ``old`` changes, one human line per change; [] when nothing does."""
    lines: list[str] = []
    if old is None:
        lines.append(f"created for Go {new.go_version}")
        lines.extend(f"{platform}: added" for platform in sorted(new.platforms))
        return lines
    for name in ("schema_version", "go_version", "generated_by"):
        before, after = str(getattr(old, name)), str(getattr(new, name))
        if before != after:
            lines.append(f"{name}: {before} -> {after}")
    for platform in sorted(old.platforms.keys() | new.platforms.keys()):
        if platform not in new.platforms:
            lines.append(f"{platform}: removed")
            continue
        if platform not in old.platforms:
            lines.append(f"{platform}: added")
            continue
        before_entry = old.platforms[platform].model_dump(mode="json")
        after_entry = new.platforms[platform].model_dump(mode="json")
        for group in ("archive", "module"):
            for field, after_value in after_entry[group].items():
                before_value = before_entry[group][field]
                if before_value != after_value:
                    lines.append(
                        f"{platform} {group}.{field}: {_change(field, str(before_value), str(after_value))}"
                    )
    return lines
