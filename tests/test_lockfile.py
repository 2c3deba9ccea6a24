"""gogate.lock: strict reading (field path and line in every error), deterministic bytes, atomic writes."""

from __future__ import annotations

import base64
import copy
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gogate.errors import InputError
from gogate.lockfile import (
    LOCK_FILE_NAME,
    GogateLock,
    archive_filename,
    describe_changes,
    gather_lock_facts,
    lock_json_schema,
    module_version,
    read_lock,
    render_lock,
    write_lock_atomically,
)


def _h1(seed: int) -> str:
    return "h1:" + base64.b64encode(bytes([seed]) * 32).decode()


def _entry(version: str, platform: str, seed: int) -> dict[str, Any]:
    return {
        "archive": {
            "filename": archive_filename(version, platform),
            "size": 68_000_000 + seed,
            "sha256": f"{seed:02x}" * 32,
            "blake3": f"{seed + 100:02x}" * 32,
        },
        "module": {
            "path": "golang.org/toolchain",
            "version": module_version(version, platform),
            "h1": _h1(seed),
        },
    }


def _data(
    version: str = "1.22.5", platforms: tuple[str, ...] = ("linux/amd64", "linux/arm64")
) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "go_version": version,
        "generated_by": "gogate 0.1.0",
        "platforms": {platform: _entry(version, platform, n + 1) for n, platform in enumerate(platforms)},
    }


def _lock(version: str = "1.22.5", platforms: tuple[str, ...] = ("linux/amd64", "linux/arm64")) -> GogateLock:
    return GogateLock.model_validate(_data(version, platforms))


def _write(root: Path, content: str | bytes) -> None:
    path = root / LOCK_FILE_NAME
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    assert text.count(needle) == 1, needle
    return text[: text.index(needle)].count("\n") + 1


def test_absent_lock_is_none(tmp_path: Path) -> None:
    assert read_lock(tmp_path) is None
    assert gather_lock_facts(tmp_path).lock is None


def test_good_lock_reads_back(tmp_path: Path) -> None:
    lock = _lock()
    _write(tmp_path, render_lock(lock))
    assert read_lock(tmp_path) == lock


def test_facts_carry_key_lines(tmp_path: Path) -> None:
    text = render_lock(_lock())
    _write(tmp_path, text)
    facts = gather_lock_facts(tmp_path)
    assert facts.path == LOCK_FILE_NAME
    assert facts.lock == _lock()
    assert facts.lines["go_version"] == _line_of(text, '"go_version"')
    assert facts.lines["platforms"] == _line_of(text, '"platforms"')
    assert facts.lines["platforms.linux/arm64.archive"] > facts.lines["platforms.linux/amd64.archive"]


@pytest.mark.parametrize(
    ("version", "platform", "filename", "module"),
    [
        ("1.22.5", "linux/amd64", "go1.22.5.linux-amd64.tar.gz", "v0.0.1-go1.22.5.linux-amd64"),
        ("1.23rc1", "darwin/arm64", "go1.23rc1.darwin-arm64.tar.gz", "v0.0.1-go1.23rc1.darwin-arm64"),
        ("1.22.5", "windows/amd64", "go1.22.5.windows-amd64.zip", "v0.0.1-go1.22.5.windows-amd64"),
        ("1.22.5", "linux/arm", "go1.22.5.linux-armv6l.tar.gz", "v0.0.1-go1.22.5.linux-arm"),
    ],
)
def test_names_per_platform(version: str, platform: str, filename: str, module: str) -> None:
    assert archive_filename(version, platform) == filename
    assert module_version(version, platform) == module
    assert _lock(version, (platform,)).platforms[platform].archive.filename == filename


Mutation = Callable[[dict[str, Any]], None]
AMD = ("platforms", "linux/amd64")


def _set(*path_and_value: Any) -> Mutation:
    *path, value = path_and_value

    def mutate(data: dict[str, Any]) -> None:
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return mutate


def _delete(*path: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        target = data
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    return mutate


def _rename_platform(data: dict[str, Any]) -> None:
    data["platforms"]["linux-amd64"] = data["platforms"].pop("linux/amd64")


@pytest.mark.parametrize(
    ("mutate", "field", "line_key", "words"),
    [
        (
            _set(*AMD, "archive", "sha256", "AB" * 32),
            "platforms.linux/amd64.archive.sha256",
            '"sha256"',
            "hex",
        ),
        (
            _set(*AMD, "archive", "sha256", "ab" * 31),
            "platforms.linux/amd64.archive.sha256",
            '"sha256"',
            "hex",
        ),
        (
            _set(*AMD, "archive", "blake3", "xy" * 32),
            "platforms.linux/amd64.archive.blake3",
            '"blake3"',
            "hex",
        ),
        (_set(*AMD, "archive", "size", 0), "platforms.linux/amd64.archive.size", '"size"', "greater"),
        (_set(*AMD, "archive", "size", True), "platforms.linux/amd64.archive.size", '"size"', "integer"),
        (_set(*AMD, "archive", "size", "123"), "platforms.linux/amd64.archive.size", '"size"', "integer"),
        (
            _set(*AMD, "archive", "filename", "go1.22.4.linux-amd64.tar.gz"),
            "platforms.linux/amd64.archive.filename",
            '"filename"',
            "expected go1.22.5.linux-amd64.tar.gz",
        ),
        (
            _set(*AMD, "archive", "filename", "go1.22.5.linux-amd64.zip"),
            "platforms.linux/amd64.archive.filename",
            '"filename"',
            "expected go1.22.5.linux-amd64.tar.gz",
        ),
        (
            _set(*AMD, "module", "version", "v0.0.1-go1.22.5.linux-arm64"),
            "platforms.linux/amd64.module.version",
            '"version"',
            "expected v0.0.1-go1.22.5.linux-amd64",
        ),
        (
            _set(*AMD, "module", "path", "golang.org/x/tools"),
            "platforms.linux/amd64.module.path",
            '"path"',
            "1",
        ),
        (_set(*AMD, "module", "h1", "h1:abc="), "platforms.linux/amd64.module.h1", '"h1"', "base64"),
        (
            _set(*AMD, "module", "h1", "h1:" + "B" * 43 + "="),
            "platforms.linux/amd64.module.h1",
            '"h1"',
            "canonical",
        ),
        (_set("go_version", "1.22"), "go_version", '"go_version"', "not an exact Go release"),
        (_set("go_version", "go1.22.5"), "go_version", '"go_version"', "without the go prefix"),
        (_set("schema_version", 2), "schema_version", '"schema_version"', "1"),
        (_set("schema_version", True), "schema_version", '"schema_version"', "integer 1"),
        (_set("generated_by", ""), "generated_by", '"generated_by"', "at least 1"),
        (_set("extra", 1), "extra", '"extra"', "unknown field"),
        (_set(*AMD, "archive", "md5", "00"), "platforms.linux/amd64.archive.md5", '"md5"', "unknown field"),
        (
            _delete(*AMD, "module", "h1"),
            "platforms.linux/amd64.module.h1",
            '"module"',
            "missing required field",
        ),
        (_delete("generated_by"), "generated_by", '{\n  "go_version"', "missing required field"),
        (_set("platforms", {}), "platforms", '"platforms"', "at least 1"),
        (_rename_platform, "platforms.linux-amd64", '"linux-amd64"', "os/arch"),
    ],
)
def test_schema_violation_names_field_and_line(
    tmp_path: Path, mutate: Mutation, field: str, line_key: str, words: str
) -> None:
    data = _data(platforms=("linux/amd64",))
    mutate(data)
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        read_lock(tmp_path)
    error = caught.value
    assert error.path == LOCK_FILE_NAME
    assert error.message.startswith(f"{LOCK_FILE_NAME}:{error.line}: {field}: "), error.message
    assert words in error.message
    assert error.line == _line_of(text, line_key)
    assert error.remediation is not None and "gogate lock" in error.remediation


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ('{\n  "schema_version": 1,\n}\n', 3, "invalid JSON"),
        ("", 1, "invalid JSON"),
        ('{"go_version": NaN}', None, "NaN"),
        ("[1, 2]\n", 1, "expected a JSON object, found list"),
        ('{\n  "go_version": "1.22.5",\n  "go_version": "1.22.4"\n}\n', 3, "given twice (first at line 2)"),
        (b"\xef\xbb\xbf{}", 1, "byte-order mark"),
        (b'{\r\n  "schema_version": 1\r\n}\r\n', 1, "CRLF"),
        (b'{\n"a": "\x00"}', 2, "binary"),
    ],
)
def test_malformed_file(tmp_path: Path, content: str | bytes, line: int | None, words: str) -> None:
    _write(tmp_path, content)
    with pytest.raises(InputError) as caught:
        read_lock(tmp_path)
    assert caught.value.line == line
    assert words in caught.value.message


def test_duplicate_platform_key_is_refused(tmp_path: Path) -> None:
    entry = json.dumps(_entry("1.22.5", "linux/amd64", 1))
    text = (
        '{"schema_version": 1, "go_version": "1.22.5", "generated_by": "g",\n'
        f' "platforms": {{"linux/amd64": {entry},\n'
        f'  "linux/amd64": {entry}}}}}\n'
    )
    _write(tmp_path, text)
    with pytest.raises(
        InputError, match=r"gogate.lock:3: platforms.linux/amd64: given twice \(first at line 2\)"
    ):
        read_lock(tmp_path)


def test_render_is_deterministic_and_round_trips(tmp_path: Path) -> None:
    lock = _lock(platforms=("linux/arm64", "linux/amd64", "darwin/arm64"))
    text = render_lock(lock)
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text == render_lock(GogateLock.model_validate(json.loads(text)))
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"
    assert list(json.loads(text)["platforms"]) == ["darwin/arm64", "linux/amd64", "linux/arm64"]
    assert all(line == line.rstrip() for line in text.splitlines())
    assert '\n  "go_version": "1.22.5",\n' in text
    text.encode("ascii")
    _write(tmp_path, text)
    assert render_lock(read_lock(tmp_path) or _lock("1.0.0")) == text


def test_atomic_write_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / LOCK_FILE_NAME
    write_lock_atomically(target, _lock("1.22.4"))
    assert target.read_text(encoding="ascii") == render_lock(_lock("1.22.4"))
    assert target.stat().st_mode & 0o777 == 0o644
    target.chmod(0o664)
    write_lock_atomically(target, _lock())
    assert read_lock(tmp_path) == _lock()
    assert target.stat().st_mode & 0o777 == 0o664
    assert os.listdir(tmp_path) == [LOCK_FILE_NAME]


def test_atomic_write_leaves_original_when_render_fails(tmp_path: Path) -> None:
    target = tmp_path / LOCK_FILE_NAME
    target.write_text("original\n", encoding="utf-8")

    def broken(lock: GogateLock) -> str:
        raise RuntimeError("render failed")

    with pytest.raises(RuntimeError):
        write_lock_atomically(target, _lock(), render=broken)
    assert target.read_text(encoding="utf-8") == "original\n"
    assert os.listdir(tmp_path) == [LOCK_FILE_NAME]


def test_atomic_write_cleans_up_when_rename_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / LOCK_FILE_NAME
    target.write_text("original\n", encoding="utf-8")

    def refuse(source: str, destination: Path) -> None:
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        write_lock_atomically(target, _lock())
    assert target.read_text(encoding="utf-8") == "original\n"
    assert os.listdir(tmp_path) == [LOCK_FILE_NAME]


def _modified(lock: GogateLock, change: Callable[[dict[str, Any]], None]) -> GogateLock:
    data = copy.deepcopy(lock.model_dump(mode="json"))
    change(data)
    return GogateLock.model_validate(data)


def test_describe_new_lock() -> None:
    assert describe_changes(None, _lock()) == [
        "created for Go 1.22.5",
        "linux/amd64: added",
        "linux/arm64: added",
    ]


def test_describe_no_change() -> None:
    assert describe_changes(_lock(), _lock()) == []


def test_describe_platforms_added_and_removed() -> None:
    old = _lock(platforms=("linux/amd64", "linux/386"))
    new = _modified(_lock(platforms=("linux/amd64", "linux/arm64")), lambda d: None)
    assert describe_changes(old, new) == ["linux/386: removed", "linux/arm64: added"]


def test_describe_hash_change_is_abbreviated() -> None:
    old = _lock()
    new = _modified(old, _set(*AMD, "archive", "sha256", "de" * 32))
    assert describe_changes(old, new) == ["linux/amd64 archive.sha256: 010101010101… -> dededededede…"]
    new = _modified(old, _set(*AMD, "module", "h1", _h1(9)))
    assert describe_changes(old, new) == ["linux/amd64 module.h1: h1:AQEBAQEBAQEB… -> h1:CQkJCQkJCQkJ…"]


def test_describe_same_prefix_shows_full_digests() -> None:
    old = _lock()
    new = _modified(old, _set(*AMD, "archive", "blake3", "65" * 31 + "00"))
    [line] = describe_changes(old, new)
    assert line == f"linux/amd64 archive.blake3: {'65' * 32} -> {'65' * 31 + '00'}"


def test_describe_version_bump() -> None:
    old = _lock("1.22.4", ("linux/amd64",))
    new = _modified(_lock("1.22.5", ("linux/amd64",)), _set("generated_by", "gogate 0.2.0"))
    lines = describe_changes(old, new)
    assert lines[:2] == ["go_version: 1.22.4 -> 1.22.5", "generated_by: gogate 0.1.0 -> gogate 0.2.0"]
    assert "linux/amd64 archive.filename: go1.22.4.linux-amd64.tar.gz -> go1.22.5.linux-amd64.tar.gz" in lines
    assert "linux/amd64 module.version: v0.0.1-go1.22.4.linux-amd64 -> v0.0.1-go1.22.5.linux-amd64" in lines


def test_schema_is_valid_and_accepts_a_rendered_lock() -> None:
    schema = lock_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] and schema["title"] == "gogate.lock"
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(json.loads(render_lock(_lock(platforms=("linux/amd64", "windows/amd64")))))
    json.dumps(schema)


@pytest.mark.parametrize(
    "mutate",
    [
        _set(*AMD, "archive", "sha256", "AB" * 32),
        _set(*AMD, "module", "h1", "h1:short"),
        _set("schema_version", 2),
        _set("extra", 1),
        _rename_platform,
        _delete(*AMD, "archive", "size"),
    ],
)
def test_schema_rejects_what_the_model_rejects(mutate: Mutation) -> None:
    data = _data(platforms=("linux/amd64",))
    mutate(data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(lock_json_schema()).validate(data)
