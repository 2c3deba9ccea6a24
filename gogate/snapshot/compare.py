"""Judge a fresh measurement against the recorded snapshot: drift, cross-platform consistency and
reproducibility.

The result is a flat list of :class:`SnapshotItem` values, one per thing looked at, so a caller can
turn them into findings (one JUnit test suite per platform, ``platform=None`` for the cross-platform
suite) without knowing how they were computed. Items that found nothing wrong are returned too
(severity ``pass``), so a report can show what was verified, not only what failed.

Severities: ``fail`` (drift, inconsistency, a non-reproducible build, a new platform-only module),
``error`` (a platform could not be measured, so nothing can be said about it), ``info`` (a
platform-only module the snapshot already had: expected for build-tagged code), ``pass``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from gogate.snapshot.gather import SnapshotGathering
from gogate.snapshot.model import BuildOutput, DependencyState, ModuleRecord, PlatformSnapshot, Snapshot

__all__ = [
    "Kind",
    "Severity",
    "SnapshotItem",
    "compare_snapshot",
    "platform_only_modules",
    "reproducibility_hint",
]

Severity = Literal["pass", "info", "fail", "error"]


class Kind:
    """The ``kind`` of each item (plain strings, so callers can use them as rule ids)."""

    PLATFORM = "platform"
    """A platform recorded but not measured, measured but not recorded, or that could not be measured."""
    GO_VERSION = "go-version"
    TOOLCHAIN = "toolchain"
    DEPENDENCY_DIGEST = "dependency-digest"
    DEPENDENCY_FILE = "dependency-file"
    GO_SUM_LINE = "go-sum-line"
    MODULE = "module"
    PACKAGE = "package"
    GRAPH_MODULE = "graph-module"
    BINARY = "binary"
    REPRODUCIBLE = "reproducible"
    CROSS_DIGEST = "cross-platform-digest"
    PLATFORM_ONLY_MODULE = "platform-only-module"


@dataclass(frozen=True, slots=True)
class SnapshotItem:
    """One verdict about one recorded item."""

    platform: str | None
    """``os/arch``; None for the cross-platform comparison and the snapshot as a whole."""
    kind: str
    subject: str
    severity: Severity
    message: str
    expected: str | None = None
    found: str | None = None
    hint: str | None = None


_REGENERATE = "if the change is intended, record it with `gogate snapshot create` and commit the snapshot"


def _module_text(record: ModuleRecord | None) -> str | None:
    if record is None:
        return None
    text = record.path if record.version is None else f"{record.path}@{record.version}"
    if record.replace is not None:
        target = record.replace.path
        text += (
            f" => {target}" if record.replace.version is None else f" => {target}@{record.replace.version}"
        )
    if record.sum is not None:
        text += f" {record.sum}"
    return text


# --- per platform ---------------------------------------------------------------------------------


def _toolchain_items(
    platform: str, recorded: PlatformSnapshot, fresh: PlatformSnapshot
) -> list[SnapshotItem]:
    items: list[SnapshotItem] = []
    for group in ("archive", "module"):
        before = getattr(recorded.toolchain, group).model_dump()
        after = getattr(fresh.toolchain, group).model_dump()
        for name, value in after.items():
            if before[name] != value:
                items.append(
                    SnapshotItem(
                        platform,
                        Kind.TOOLCHAIN,
                        f"{group}.{name}",
                        "fail",
                        f"{platform}: the toolchain's {group}.{name} in gogate.lock changed",
                        expected=str(before[name]),
                        found=str(value),
                        hint=_REGENERATE,
                    )
                )
    if not items:
        archive = fresh.toolchain.archive
        items.append(
            SnapshotItem(
                platform,
                Kind.TOOLCHAIN,
                archive.filename,
                "pass",
                f"{platform}: toolchain {archive.filename} unchanged",
            )
        )
    return items


def _dependency_items(platform: str, recorded: DependencyState, fresh: DependencyState) -> list[SnapshotItem]:
    """Which dependency files and go.sum lines changed (the same for every platform; named per platform)."""
    items: list[SnapshotItem] = []
    for name in sorted(recorded.files.keys() | fresh.files.keys()):
        before, after = recorded.files.get(name), fresh.files.get(name)
        if before == after:
            continue
        change = "added" if before is None else "removed" if after is None else "changed"
        items.append(
            SnapshotItem(
                platform,
                Kind.DEPENDENCY_FILE,
                name,
                "fail",
                f"{platform}: {name} {change} since the snapshot",
                expected=before,
                found=after,
                hint=_REGENERATE,
            )
        )
        old_lines = set(recorded.sum_lines.get(name, ()))
        new_lines = set(fresh.sum_lines.get(name, ()))
        changed = [(line, True) for line in old_lines - new_lines] + [
            (line, False) for line in new_lines - old_lines
        ]
        items.extend(
            SnapshotItem(
                platform,
                Kind.GO_SUM_LINE,
                f"{name}: {line}",
                "fail",
                f"{platform}: {name} "
                + (f"no longer has the line {line!r}" if gone else f"has a new line {line!r}"),
                expected=line if gone else None,
                found=None if gone else line,
                hint=_REGENERATE,
            )
            for line, gone in sorted(changed)
        )
    return items


def _build_list_items(
    platform: str, recorded: PlatformSnapshot, fresh: PlatformSnapshot
) -> list[SnapshotItem]:
    items: list[SnapshotItem] = []
    before = {module.path: module for module in recorded.build_list}
    after = {module.path: module for module in fresh.build_list}
    for path in sorted(before.keys() | after.keys()):
        old, new = before.get(path), after.get(path)
        if old == new:
            continue
        if old is None:
            message = f"{platform}: module {path} was added to the build list"
        elif new is None:
            message = f"{platform}: module {path} left the build list"
        else:
            message = f"{platform}: module {path} changed: {_module_text(old)} -> {_module_text(new)}"
        items.append(
            SnapshotItem(
                platform,
                Kind.MODULE,
                path,
                "fail",
                message,
                expected=_module_text(old),
                found=_module_text(new),
                hint=_REGENERATE,
            )
        )
    if not items:
        items.append(
            SnapshotItem(
                platform,
                Kind.MODULE,
                "build list",
                "pass",
                f"{platform}: build list unchanged ({len(after)} modules)",
            )
        )
    return items


def _graph_items(platform: str, recorded: PlatformSnapshot, fresh: PlatformSnapshot) -> list[SnapshotItem]:
    items: list[SnapshotItem] = []
    before, after = recorded.package_graph, fresh.package_graph
    used_now = [(path, True) for path in after.modules.keys() - before.modules.keys()]
    used_before = [(path, False) for path in before.modules.keys() - after.modules.keys()]
    items.extend(
        SnapshotItem(
            platform,
            Kind.GRAPH_MODULE,
            path,
            "fail",
            f"{platform}: the build "
            + ("now uses" if added else "no longer uses")
            + f" packages of module {path}",
            expected=None if added else path,
            found=path if added else None,
            hint=_REGENERATE,
        )
        for path, added in sorted(used_now + used_before)
    )
    for package in sorted(before.packages.keys() | after.packages.keys()):
        if package in before.packages and package in after.packages:
            if before.packages[package] == after.packages[package]:
                continue
            message = f"{platform}: package {package} now comes from another module"
        elif package in after.packages:
            message = f"{platform}: package {package} joined the package graph"
        else:
            message = f"{platform}: package {package} left the package graph"
        items.append(
            SnapshotItem(
                platform,
                Kind.PACKAGE,
                package,
                "fail",
                message,
                expected=_package_text(package, before.packages),
                found=_package_text(package, after.packages),
                hint=_REGENERATE,
            )
        )
    if not items:
        items.append(
            SnapshotItem(
                platform,
                Kind.PACKAGE,
                "package graph",
                "pass",
                f"{platform}: package graph unchanged ({len(after.packages)} packages)",
            )
        )
    return items


def _package_text(package: str, packages: dict[str, str | None]) -> str | None:
    if package not in packages:
        return None
    module = packages[package]
    return f"{package} (standard library)" if module is None else f"{package} (module {module})"


_PATH_LIKE = re.compile(r"(/home/|/tmp/|/Users/|/root/|/builds?/|/go/src/|[A-Za-z]:\\|/work)")
_TIME_LIKE = re.compile(r"(19|20)\d\d[-/.]?\d\d|\d\d:\d\d|\b\d{9,}\b")


def reproducibility_hint(first_excerpt: str, second_excerpt: str) -> str:
    """What usually makes two Go builds differ, the likeliest cause for these bytes first."""
    text = first_excerpt + " " + second_excerpt
    hints: list[str] = []
    if _PATH_LIKE.search(text):
        hints.append(
            "the bytes look like a file path: build with -trimpath and look for absolute paths in "
            "generated or embedded files"
        )
    if _TIME_LIKE.search(text):
        hints.append(
            "the bytes look like a date, time or counter: a value set per build, e.g. "
            "-ldflags -X main.version=$(date), must come from the commit (SOURCE_DATE_EPOCH), not the clock"
        )
    if "vcs." in text:
        hints.append("VCS stamping (-buildvcs) embeds the revision and a modified flag")
    hints.append(
        "usual causes: no -trimpath, -buildvcs stamping, embedded paths, -ldflags -X values that change "
        "per build, cgo (C compilers embed paths and dates)"
    )
    return "; ".join(hints)


def _build_items(platform: str, recorded: PlatformSnapshot, fresh: PlatformSnapshot) -> list[SnapshotItem]:
    items: list[SnapshotItem] = []
    for package in sorted(recorded.builds.keys() | fresh.builds.keys()):
        old, new = recorded.builds.get(package), fresh.builds.get(package)
        if new is not None:
            items.append(_reproducibility_item(platform, package, new))
        if old is not None and new is not None and old.sha256 == new.sha256:
            items.append(
                SnapshotItem(
                    platform,
                    Kind.BINARY,
                    package,
                    "pass",
                    f"{platform}: {package} builds to the recorded hash",
                )
            )
            continue
        if old is None:
            message = f"{platform}: main package {package} is new since the snapshot"
        elif new is None:
            message = f"{platform}: main package {package} is no longer built"
        else:
            message = f"{platform}: the binary of {package} changed since the snapshot"
        items.append(
            SnapshotItem(
                platform,
                Kind.BINARY,
                package,
                "fail",
                message,
                expected=None if old is None else old.sha256,
                found=None if new is None else new.sha256,
                hint=_REGENERATE,
            )
        )
    if recorded.build_flags != fresh.build_flags:
        items.append(
            SnapshotItem(
                platform,
                Kind.BINARY,
                "build flags",
                "fail",
                f"{platform}: go build ran with other flags than when the snapshot was taken",
                expected=" ".join(recorded.build_flags),
                found=" ".join(fresh.build_flags),
            )
        )
    return items


def _reproducibility_item(platform: str, package: str, build: BuildOutput) -> SnapshotItem:
    if build.difference is None:
        return SnapshotItem(
            platform, Kind.REPRODUCIBLE, package, "pass", f"{platform}: two builds of {package} are identical"
        )
    difference = build.difference
    sizes = difference.sizes
    size_text = "" if sizes[0] == sizes[1] else f" (sizes {sizes[0]} and {sizes[1]})"
    if difference.offsets:
        shown = ", ".join(f"{offset:#x}" for offset in difference.offsets)
        where = f"first at offsets {shown}"
        if difference.build_id_offsets:
            where += " (and in the Go build ID, which follows from them)"
    else:
        shown = ", ".join(f"{offset:#x}" for offset in difference.build_id_offsets)
        where = (
            f"only in the Go build ID, at offsets {shown}: the builds' inputs (flags, environment) differed"
        )
    return SnapshotItem(
        platform,
        Kind.REPRODUCIBLE,
        package,
        "fail",
        f"{platform}: two builds of {package} in separate caches differ{size_text}, {where}",
        expected=f"{build.sha256} ({difference.first_excerpt!r})",
        found=f"{build.second_sha256} ({difference.second_excerpt!r})",
        hint=reproducibility_hint(difference.first_excerpt, difference.second_excerpt),
    )


def _platform_items(platform: str, recorded: Snapshot, fresh: SnapshotGathering) -> list[SnapshotItem]:
    dependency_items = _dependency_items(platform, recorded.dependencies, fresh.dependencies)
    error = fresh.errors.get(platform)
    if error is not None:
        return [
            SnapshotItem(
                platform,
                Kind.PLATFORM,
                error.stage,
                "error",
                f"{platform}: could not be measured ({error.stage}): {error.message}",
                hint=error.remediation,
            ),
            *dependency_items,
        ]
    old, new = recorded.platforms[platform], fresh.platforms[platform]
    items = _toolchain_items(platform, old, new)
    if old.dependency_digest == new.dependency_digest:
        items.append(
            SnapshotItem(
                platform,
                Kind.DEPENDENCY_DIGEST,
                "dependency state",
                "pass",
                f"{platform}: dependency state unchanged",
            )
        )
    else:
        items.append(
            SnapshotItem(
                platform,
                Kind.DEPENDENCY_DIGEST,
                "dependency state",
                "fail",
                f"{platform}: the dependency state (go.mod, go.sum, go.work, vendor/modules.txt) changed",
                expected=old.dependency_digest,
                found=new.dependency_digest,
                hint=_REGENERATE,
            )
        )
    items.extend(dependency_items)
    items.extend(_build_list_items(platform, old, new))
    items.extend(_graph_items(platform, old, new))
    items.extend(_build_items(platform, old, new))
    return items


# --- across platforms -----------------------------------------------------------------------------


def platform_only_modules(platforms: dict[str, PlatformSnapshot]) -> dict[str, tuple[str, ...]]:
    """Modules whose packages only some platforms' builds use: module path -> those platforms."""
    users: dict[str, list[str]] = {}
    for platform in sorted(platforms):
        for module in platforms[platform].package_graph.modules:
            users.setdefault(module, []).append(platform)
    return {module: tuple(names) for module, names in sorted(users.items()) if len(names) < len(platforms)}


def _cross_items(recorded: Snapshot, fresh: SnapshotGathering) -> list[SnapshotItem]:
    items: list[SnapshotItem] = []
    digests = {platform: snap.dependency_digest for platform, snap in sorted(fresh.platforms.items())}
    if len(set(digests.values())) > 1:
        items.append(
            SnapshotItem(
                None,
                Kind.CROSS_DIGEST,
                "dependency state",
                "fail",
                "the platforms' runs saw different dependency states (a file changed during the run?)",
                found=", ".join(f"{p}={d}" for p, d in digests.items()),
            )
        )
    elif digests:
        items.append(
            SnapshotItem(
                None,
                Kind.CROSS_DIGEST,
                "dependency state",
                "pass",
                f"one dependency state for {', '.join(digests)}",
            )
        )
    if fresh.errors:
        items.append(
            SnapshotItem(
                None,
                Kind.PLATFORM_ONLY_MODULE,
                "platform-only modules",
                "error",
                "platform-only modules not compared: "
                + ", ".join(sorted(fresh.errors))
                + " could not be measured",
            )
        )
        return items
    now = platform_only_modules(fresh.platforms)
    shared = {p: s for p, s in recorded.platforms.items() if p in fresh.platforms}
    before = platform_only_modules(shared)
    for module, names in now.items():
        where = ", ".join(names)
        if before.get(module) == names:
            items.append(
                SnapshotItem(
                    None,
                    Kind.PLATFORM_ONLY_MODULE,
                    module,
                    "info",
                    f"module {module} is used only on {where}, as when the snapshot was taken",
                    found=where,
                )
            )
        else:
            recorded_where = ", ".join(before[module]) if module in before else None
            items.append(
                SnapshotItem(
                    None,
                    Kind.PLATFORM_ONLY_MODULE,
                    module,
                    "fail",
                    f"module {module} is now used only on {where}"
                    + ("" if recorded_where is None else f" (the snapshot had {recorded_where})"),
                    expected=recorded_where,
                    found=where,
                    hint="check the build constraints that select it; " + _REGENERATE,
                )
            )
    if not now:
        items.append(
            SnapshotItem(
                None,
                Kind.PLATFORM_ONLY_MODULE,
                "platform-only modules",
                "pass",
                "every platform's build uses the same modules",
            )
        )
    return items


def compare_snapshot(recorded: Snapshot, fresh: SnapshotGathering) -> list[SnapshotItem]:
    """Every verdict of one audit: per recorded platform, then across platforms."""
    items: list[SnapshotItem] = []
    if recorded.go_version != fresh.go_version:
        items.append(
            SnapshotItem(
                None,
                Kind.GO_VERSION,
                "go_version",
                "fail",
                f"gogate.lock pins Go {fresh.go_version}, the snapshot is for Go {recorded.go_version}",
                expected=recorded.go_version,
                found=fresh.go_version,
                hint=_REGENERATE,
            )
        )
    measured = fresh.platforms.keys() | fresh.errors.keys()
    for platform in sorted(recorded.platforms.keys() | measured):
        if platform not in measured:
            items.append(
                SnapshotItem(
                    platform,
                    Kind.PLATFORM,
                    platform,
                    "fail",
                    f"{platform} is in the snapshot but was not measured",
                )
            )
        elif platform not in recorded.platforms:
            items.append(
                SnapshotItem(
                    platform,
                    Kind.PLATFORM,
                    platform,
                    "fail",
                    f"{platform} was measured but is not in the snapshot",
                    hint=_REGENERATE,
                )
            )
        else:
            items.extend(_platform_items(platform, recorded, fresh))
    items.extend(_cross_items(recorded, fresh))
    return items
