"""gogate.snapshot.json without Go: schema, strict loading, deterministic atomic writing, digests, offsets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gogate.errors import InputError
from gogate.exitcodes import ExitCode
from gogate.snapshot.compare import reproducibility_hint
from gogate.snapshot.depstate import dependency_files, dependency_state, find_module_files
from gogate.snapshot.gather import first_differences
from gogate.snapshot.model import (
    Snapshot,
    load_snapshot_text,
    read_snapshot,
    render_snapshot,
    snapshot_json_schema,
    write_snapshot,
)
from snapshot.snapshot_support import make_lock

H1 = "h1:" + "A" * 43 + "="


def _document() -> dict[str, Any]:
    lock = make_lock("1.27.3")
    platforms = {}
    for n, (platform, entry) in enumerate(sorted(lock.platforms.items())):
        platforms[platform] = {
            "toolchain": entry.model_dump(mode="json"),
            "dependency_digest": "d" * 64,
            "build_list": [
                {"path": "example.com/app", "version": None, "replace": None, "sum": None},
                {
                    "path": "example.com/dep",
                    "version": "v1.0.0",
                    "replace": {"path": "../dep", "version": None},
                    "sum": None,
                },
                {"path": "example.com/lib", "version": "v1.2.0", "replace": None, "sum": H1},
            ],
            "package_graph": {
                "packages": {"example.com/app": "example.com/app", "runtime": None},
                "modules": {"example.com/app": ""},
            },
            "builds": {
                "example.com/app": {
                    "sha256": f"{n}" * 64,
                    "second_sha256": f"{n}" * 64,
                    "size": 1000,
                    "difference": None,
                }
            },
            "build_flags": [],
        }
    return {
        "schema_version": 1,
        "generated_by": "gogate 0.1.0",
        "go_version": "1.27.3",
        "dependencies": {
            "digest": "d" * 64,
            "files": {"go.mod": "a" * 64, "go.sum": "b" * 64},
            "sum_lines": {"go.sum": [f"example.com/lib v1.2.0 {H1}"]},
        },
        "platforms": platforms,
    }


def test_round_trip_and_schema() -> None:
    snapshot = Snapshot.model_validate(_document())
    text = render_snapshot(snapshot)
    assert text.endswith("}\n") and text.isascii()
    assert load_snapshot_text(text) == snapshot
    assert render_snapshot(load_snapshot_text(text)) == text
    schema = snapshot_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(text), schema)
    broken = _document()
    broken["platforms"]["linux/amd64"]["builds"]["example.com/app"]["sha256"] = "XYZ"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def _set(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    *parents, last = path.split(".")
    target = document
    for part in parents:
        target = target[part.replace("|", "/")]
    if value is _DELETE:
        del target[last]
    else:
        target[last] = value
    return document


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("schema_version", 2, "schema_version: Input should be 1"),
        ("schema_version", True, "schema_version: expected the integer 1, found True"),
        ("go_version", "1.27", "go_version: '1.27' is not an exact Go release"),
        ("generated_by", _DELETE, "generated_by: missing required field"),
        ("surprise", 1, "surprise: unknown field"),
        ("dependencies.digest", "abc", "dependencies.digest: String should match pattern"),
        (
            "platforms.linux|amd64.dependency_digest",
            5,
            "platforms.linux/amd64.dependency_digest: Input should be",
        ),
        (
            "platforms.linux|amd64.toolchain.archive.sha256",
            "0" * 63,
            "toolchain.archive.sha256: String should",
        ),
        (
            "platforms.linux|arm64.builds.example.com/app",
            {},
            "example.com/app.sha256: missing required field",
        ),
        (
            "platforms.linux|arm64.toolchain.archive.filename",
            "go1.27.3.linux-amd64.tar.gz",
            "platforms.linux/arm64.toolchain.archive.filename: expected go1.27.3.linux-arm64.tar.gz",
        ),
        ("platforms.linux|arm64.build_list", [{"path": "x"}], "build_list.0.version: missing required field"),
        ("platforms", {}, "platforms: Dictionary should have at least 1 item"),
    ],
)
def test_schema_violations_name_the_field(path: str, value: Any, message: str) -> None:
    document = _document()
    if path.endswith("example.com/app"):  # a key with dots
        document["platforms"]["linux/arm64"]["builds"]["example.com/app"] = value
    else:
        _set(document, path, value)
    with pytest.raises(InputError) as raised:
        load_snapshot_text(json.dumps(document))
    assert raised.value.exit_code == ExitCode.USAGE_OR_INPUT_ERROR
    assert raised.value.message.startswith("gogate.snapshot.json: ")
    assert message in raised.value.message, raised.value.message


def test_build_difference_must_match_the_hashes() -> None:
    document = _document()
    build = document["platforms"]["linux/amd64"]["builds"]["example.com/app"]
    build["second_sha256"] = "f" * 64
    with pytest.raises(InputError, match="difference must be given exactly when"):
        load_snapshot_text(json.dumps(document))


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('{\n  "schema_version": 1,\n  oops\n}', "invalid JSON: Expecting property name", 3),
        ("[1, 2]", "expected a JSON object, found list", None),
        ('{"a": 1, "a": 2}', "invalid JSON: key 'a' given twice", None),
        ('{"a": NaN}', "invalid JSON: NaN is not allowed", None),
    ],
)
def test_malformed_json(text: str, message: str, line: int | None) -> None:
    with pytest.raises(InputError) as raised:
        load_snapshot_text(text, "snap.json")
    assert message in raised.value.message
    assert raised.value.line == line


def test_read_snapshot(tmp_path: Path) -> None:
    assert read_snapshot(tmp_path) is None
    (tmp_path / "gogate.snapshot.json").write_text(render_snapshot(Snapshot.model_validate(_document())))
    assert read_snapshot(tmp_path) == Snapshot.model_validate(_document())
    (tmp_path / "gogate.snapshot.json").write_bytes(b"\xef\xbb\xbf{}")
    with pytest.raises(InputError):
        read_snapshot(tmp_path)


def test_writer_is_deterministic_and_reports_changes(tmp_path: Path) -> None:
    path = tmp_path / "gogate.snapshot.json"
    first = Snapshot.model_validate(_document())
    assert write_snapshot(path, first) == [
        "created for Go 1.27.3",
        "linux/amd64: added",
        "linux/arm64: added",
    ]
    written = path.read_bytes()
    assert write_snapshot(path, first) == []
    assert path.read_bytes() == written
    assert [p.name for p in tmp_path.iterdir()] == ["gogate.snapshot.json"]  # no temporary file left

    changed = _document()
    changed["dependencies"]["files"]["go.sum"] = "c" * 64
    arm64 = changed["platforms"]["linux/arm64"]
    arm64["build_list"][2]["version"] = "v1.3.0"
    arm64["builds"]["example.com/app"]["sha256"] = "e" * 64
    arm64["builds"]["example.com/app"]["second_sha256"] = "e" * 64
    arm64["package_graph"]["packages"]["example.com/new"] = "example.com/new"
    arm64["toolchain"]["archive"]["sha256"] = "9" * 64
    del changed["platforms"]["linux/amd64"]
    assert write_snapshot(path, Snapshot.model_validate(changed)) == [
        "dependencies: go.sum changed",
        "linux/amd64: removed",
        "linux/arm64 toolchain archive.sha256: 010101010101… -> 999999999999…",
        "linux/arm64 module example.com/lib@v1.2.0 -> example.com/lib@v1.3.0",
        "linux/arm64 packages added: example.com/new",
        "linux/arm64 build example.com/app: sha256 111111111111… -> eeeeeeeeeeee…",
    ]
    path.write_text("{broken")
    assert write_snapshot(path, first)[0] == "replaced an unreadable gogate.snapshot.json"


def test_dependency_digest_frames_paths_and_contents(tmp_path: Path) -> None:
    def digest(files: dict[str, str]) -> str:
        root = tmp_path / str(len(list(tmp_path.iterdir())))
        for name, content in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(content)
        return dependency_state(root).digest

    base = digest({"go.mod": "module a\n", "go.sum": "x\n"})
    assert base == digest({"go.mod": "module a\n", "go.sum": "x\n"})
    # The same bytes split differently between the files, or an empty file versus none, differ.
    assert base != digest({"go.mod": "module a\nx\n", "go.sum": ""})
    assert digest({"go.mod": "module a\n"}) != digest({"go.mod": "module a\n", "go.sum": ""})
    # vendor/modules.txt counts; a go.sum in testdata/ or a hidden directory does not.
    assert base != digest({"go.mod": "module a\n", "go.sum": "x\n", "vendor/modules.txt": ""})
    assert base == digest({"go.mod": "module a\n", "go.sum": "x\n", "testdata/m/go.mod": "module t\n"})
    assert base == digest({"go.mod": "module a\n", "go.sum": "x\n", ".cache/m/go.mod": "module t\n"})


def test_module_and_dependency_files(tmp_path: Path) -> None:
    for name in ("go.mod", "go.work", "b/go.mod", "vendor/x/go.mod", "_old/go.mod", "c/testdata/go.mod"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    modules = find_module_files(tmp_path)
    assert modules == ["go.mod", "go.work", "b/go.mod"]
    assert dependency_files(modules) == [
        "b/go.mod",
        "b/go.sum",
        "b/vendor/modules.txt",
        "go.mod",
        "go.sum",
        "go.work",
        "go.work.sum",
        "vendor/modules.txt",
    ]


def test_first_differences() -> None:
    first = bytes(10_000)
    second = bytearray(first)
    for offset in (5, 6, 7, 4100, 9000):
        second[offset] = 1
    assert first_differences(first, bytes(second)) == [5, 4100, 9000]
    assert first_differences(first, bytes(second), limit=2) == [5, 4100]
    assert first_differences(first, first + b"tail") == [10_000]
    assert first_differences(b"ab", b"ab") == []


def test_reproducibility_hints() -> None:
    assert "file path" in reproducibility_hint("/home/ci/build/x.go", "/home/ci/other/x.go")
    assert "-ldflags -X" in reproducibility_hint("v=2024-05-01T10", "v=2024-05-02T10")
    generic = reproducibility_hint("........", ".......!")
    assert generic.startswith("usual causes: no -trimpath, -buildvcs stamping")
