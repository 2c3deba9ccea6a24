"""The audit: a fresh measurement compared with the recorded snapshot, one drift at a time, real Go."""

from __future__ import annotations

from pathlib import Path

from gogate.lockfile import GogateLock
from gogate.snapshot.compare import Kind, SnapshotItem, compare_snapshot
from gogate.snapshot.gather import SnapshotGathering, gather_snapshot
from gogate.snapshot.model import Snapshot
from snapshot.snapshot_support import APP_FILES, GoProject, make_lock, write_app

BOTH = ["linux/amd64", "linux/arm64"]


def _gather(project: GoProject, app: Path, lock: GogateLock | None = None) -> SnapshotGathering:
    return gather_snapshot(
        app, go=project.go, environ=project.env, lock=lock or project.lock, cache_root=project.cache_root
    )


def _bad(items: list[SnapshotItem]) -> list[SnapshotItem]:
    return [item for item in items if item.severity in ("fail", "error")]


def _of(items: list[SnapshotItem], kind: str) -> list[tuple[str | None, str]]:
    return [(item.platform, item.subject) for item in _bad(items) if item.kind == kind]


def test_unchanged_repository_passes(project: GoProject, app: Path, recorded: Snapshot) -> None:
    items = compare_snapshot(recorded, _gather(project, app))
    assert _bad(items) == []
    info = [item for item in items if item.severity == "info"]
    assert [(i.kind, i.subject, i.found) for i in info] == [
        (Kind.PLATFORM_ONLY_MODULE, "example.com/armonly", "linux/arm64")
    ]
    # Every platform reports each kind of verdict, for one JUnit test suite per platform.
    for platform in BOTH:
        kinds = {item.kind for item in items if item.platform == platform}
        assert kinds == {
            Kind.TOOLCHAIN,
            Kind.DEPENDENCY_DIGEST,
            Kind.MODULE,
            Kind.PACKAGE,
            Kind.BINARY,
            Kind.REPRODUCIBLE,
        }
    assert {item.kind for item in items if item.platform is None} == {
        Kind.CROSS_DIGEST,
        Kind.PLATFORM_ONLY_MODULE,
    }


def test_changed_go_sum_line_is_named_per_platform(
    project: GoProject, app: Path, recorded: Snapshot, tmp_path: Path
) -> None:
    changed = write_app(project, tmp_path / "app")
    gosum = changed / "go.sum"
    lines = gosum.read_text().splitlines()
    old = next(line for line in lines if line.startswith("example.com/common v1.0.0 h1:"))
    new = old[: -len("A=")] + ("B=" if not old.endswith("B=") else "C=")
    gosum.write_text("\n".join(new if line == old else line for line in lines) + "\n")
    items = compare_snapshot(recorded, _gather(project, changed))
    assert sorted(_of(items, Kind.GO_SUM_LINE)) == sorted(
        (platform, f"go.sum: {line}") for platform in BOTH for line in (old, new)
    )
    assert _of(items, Kind.DEPENDENCY_FILE) == [(p, "go.sum") for p in BOTH]
    # Go refuses the altered sum: the platforms are errors too, and say why.
    errors = [item for item in items if item.severity == "error" and item.kind == Kind.PLATFORM]
    assert [item.platform for item in errors] == BOTH
    assert all("checksum mismatch" in item.message for item in errors)


def test_dependency_version_bump(project: GoProject, app: Path, recorded: Snapshot, tmp_path: Path) -> None:
    files = {**APP_FILES, "go.mod": APP_FILES["go.mod"].replace("common v1.0.0", "common v1.1.0")}
    items = compare_snapshot(recorded, _gather(project, write_app(project, tmp_path / "app", files)))
    modules = [item for item in _bad(items) if item.kind == Kind.MODULE]
    assert [(m.platform, m.subject) for m in modules] == [(p, "example.com/common") for p in BOTH]
    assert modules[0].expected is not None and modules[0].expected.startswith("example.com/common@v1.0.0 h1:")
    assert modules[0].found is not None and modules[0].found.startswith("example.com/common@v1.1.0 h1:")
    assert _of(items, Kind.BINARY) == [(p, "example.com/app") for p in BOTH]
    assert _of(items, Kind.DEPENDENCY_DIGEST) == [(p, "dependency state") for p in BOTH]
    assert {subject for _, subject in _of(items, Kind.GO_SUM_LINE)} >= {
        f"go.sum: {line}" for line in recorded.dependencies.sum_lines["go.sum"] if "common" in line
    }


def test_arm64_only_dependency_bump_changes_only_the_arm64_binary(
    project: GoProject, app: Path, recorded: Snapshot, tmp_path: Path
) -> None:
    files = {**APP_FILES, "go.mod": APP_FILES["go.mod"].replace("armonly v1.0.0", "armonly v1.1.0")}
    items = compare_snapshot(recorded, _gather(project, write_app(project, tmp_path / "app", files)))
    # The build list is the same on every platform; the binary only changes where the module is used.
    assert _of(items, Kind.MODULE) == [(p, "example.com/armonly") for p in BOTH]
    assert _of(items, Kind.BINARY) == [("linux/arm64", "example.com/app")]
    passed = [(i.platform, i.subject) for i in items if i.kind == Kind.BINARY and i.severity == "pass"]
    assert passed == [("linux/amd64", "example.com/app")]


def test_new_arm64_only_module_is_a_finding(
    project: GoProject, app: Path, recorded: Snapshot, tmp_path: Path
) -> None:
    files = {
        **APP_FILES,
        "go.mod": APP_FILES["go.mod"].replace(
            "\texample.com/armonly", "\texample.com/armextra v1.0.0\n\texample.com/armonly"
        ),
        "arm64.go": APP_FILES["arm64.go"]
        .replace(
            'import "example.com/armonly"', 'import (\n\t"example.com/armextra"\n\t"example.com/armonly"\n)'
        )
        .replace("println(armonly.Name())", "println(armonly.Name() + armextra.Name())"),
    }
    items = compare_snapshot(recorded, _gather(project, write_app(project, tmp_path / "app", files)))
    only = [i for i in items if i.kind == Kind.PLATFORM_ONLY_MODULE]
    assert [(i.subject, i.severity, i.found) for i in only] == [
        ("example.com/armextra", "fail", "linux/arm64"),
        ("example.com/armonly", "info", "linux/arm64"),
    ]
    assert _of(items, Kind.GRAPH_MODULE) == [("linux/arm64", "example.com/armextra")]
    assert _of(items, Kind.PACKAGE) == [("linux/arm64", "example.com/armextra")]
    assert ("linux/amd64", "example.com/armextra") in _of(items, Kind.MODULE)


def test_source_change_changes_the_binary_hashes(
    project: GoProject, app: Path, recorded: Snapshot, tmp_path: Path
) -> None:
    files = {
        **APP_FILES,
        "main.go": APP_FILES["main.go"].replace("common.Name() + when", "common.Name() + when + when"),
    }
    fresh = _gather(project, write_app(project, tmp_path / "app", files))
    items = compare_snapshot(recorded, fresh)
    binaries = [i for i in _bad(items) if i.kind == Kind.BINARY]
    assert [(i.platform, i.subject) for i in binaries] == [(p, "example.com/app") for p in BOTH]
    for item in binaries:
        assert item.platform is not None
        assert item.expected == recorded.platforms[item.platform].builds["example.com/app"].sha256
        assert item.found == fresh.platforms[item.platform].builds["example.com/app"].sha256
    assert {i.kind for i in _bad(items)} == {Kind.BINARY}


def test_changed_toolchain_hash_in_the_lock(project: GoProject, app: Path, recorded: Snapshot) -> None:
    lock = make_lock(project.lock.go_version, seed=9)
    items = compare_snapshot(recorded, _gather(project, app, lock))
    toolchain = _of(items, Kind.TOOLCHAIN)
    for platform in BOTH:
        for field in ("archive.sha256", "archive.blake3", "module.h1"):
            assert (platform, field) in toolchain
    sha = next(i for i in _bad(items) if i.subject == "archive.sha256" and i.platform == "linux/arm64")
    assert sha.expected == recorded.platforms["linux/arm64"].toolchain.archive.sha256
    assert sha.found == lock.platforms["linux/arm64"].archive.sha256
    assert {i.kind for i in _bad(items)} == {Kind.TOOLCHAIN}
