"""Measure one platform's build with the real go command: build list, package graph, two builds.

How Go is run, and why:

* ``GOOS``/``GOARCH`` of the platform, ``CGO_ENABLED=0`` (cross-compiling needs no C toolchain, and
  cgo output depends on the machine's C compiler), ``GOTOOLCHAIN=local`` (never switch to or download
  another Go: the snapshot is about the pinned one, and the running go must be it).
* GOFLAGS from the environment without ``-mod``, ``-modfile`` and ``-overlay``: Go then picks its own
  default (``-mod=readonly``, or ``-mod=vendor`` when the module has a vendor/ directory), so the
  snapshot sees the files the repository has and Go never writes go.mod or go.sum. (In vendor mode
  Go refuses ``go list -m all``; the build list is then vendor/modules.txt's.) ``-trimpath`` is
  added, which also keeps GOFLAGS non-empty (an empty variable would let a go env file's GOFLAGS in).
* ``go build -trimpath -buildvcs=false``: without -trimpath the checkout path is in the binary; with
  VCS stamping every commit (and every uncommitted file, the snapshot itself included) would change
  every binary hash. Each main package is built twice, into temporary directories, each build with
  a build cache of its own, so the second build cannot reuse the first one's outputs.

Nothing is written to the repository. A failure belongs to its platform (:class:`PlatformError`);
:func:`gather_snapshot` runs the platforms in parallel, bounded by the CPU count, and always
reports every platform.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gogate import __version__
from gogate.deps.modulestxt import read_modules_txt
from gogate.errors import InputError
from gogate.gocommand import GoNotRun, go_failed, run_go
from gogate.lockfile import DEFAULT_PLATFORMS, GogateLock
from gogate.redact import redact
from gogate.snapshot.depstate import dependency_state, find_module_files
from gogate.snapshot.model import (
    BuildDifference,
    BuildOutput,
    DependencyState,
    ModuleRecord,
    ModuleReplacement,
    PackageGraph,
    PlatformSnapshot,
    Snapshot,
)
from gogate.toolchain_reference import cache_dir

__all__ = [
    "BuildFlags",
    "PlatformError",
    "SnapshotGathering",
    "build_id_ranges",
    "first_differences",
    "gather_platform",
    "gather_snapshot",
    "platform_environment",
]

GO_TIMEOUT_SECONDS = 900.0
_DROPPED_FLAGS = ("mod", "modfile", "overlay")
_MAX_OFFSETS = 8
_EXCERPT = 24

BuildFlags = Sequence[str] | Callable[[int], Sequence[str]]
"""Extra ``go build`` flags: the same for both builds, or a function of the build number (1 or 2)."""


@dataclass(frozen=True, slots=True)
class PlatformError:
    """Why one platform could not be measured; the other platforms are still reported."""

    platform: str
    stage: str
    """What failed: ``lock``, ``go``, ``build list``, ``package graph``, ``main packages``, ``build``."""
    message: str
    remediation: str | None = None


class _Failed(Exception):
    def __init__(self, stage: str, message: str, remediation: str | None = None) -> None:
        super().__init__(message)
        self.stage = stage
        self.message = message
        self.remediation = remediation


def platform_environment(environ: Mapping[str, str], platform: str) -> dict[str, str]:
    """The environment Go runs with for ``platform`` (see the module docstring)."""
    goos, _, goarch = platform.partition("/")
    env = dict(environ)
    env.update({"GOOS": goos, "GOARCH": goarch, "CGO_ENABLED": "0", "GOTOOLCHAIN": "local"})
    flags = [
        flag
        for flag in env.get("GOFLAGS", "").split()
        if flag.lstrip("-").split("=", 1)[0] not in _DROPPED_FLAGS
    ]
    if "-trimpath" not in flags:
        flags.append("-trimpath")
    env["GOFLAGS"] = " ".join(flags)
    return env


def _run_go(go: str, args: Sequence[str], *, cwd: Path, env: Mapping[str, str], stage: str) -> str:
    """stdout of ``go args``; _Failed with Go's message (redacted) otherwise."""
    try:
        completed = run_go(go, args, cwd=cwd, env=env, timeout=GO_TIMEOUT_SECONDS)
    except GoNotRun as error:
        if error.timed_out:
            raise _Failed(stage, error.message) from error
        raise _Failed("go", error.message, "install the pinned Go, or point gogate at it") from error
    if completed.returncode != 0:
        raise _Failed(stage, redact(go_failed(args, completed)))
    return completed.stdout


def _json_stream(text: str, stage: str) -> list[dict[str, Any]]:
    """Go's -json output: JSON objects one after another."""
    decoder = json.JSONDecoder()
    values: list[dict[str, Any]] = []
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index == len(text):
            return values
        try:
            value, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as error:
            raise _Failed(stage, f"go printed JSON gogate cannot read: {error}") from error
        if not isinstance(value, dict):
            raise _Failed(stage, "go printed JSON gogate cannot read: expected objects")
        values.append(value)


def _build_list(text: str) -> list[ModuleRecord]:
    records: list[ModuleRecord] = []
    for module in _json_stream(text, "build list"):
        replace = module.get("Replace")
        replacement = None
        sum_value = module.get("Sum")
        if isinstance(replace, dict):
            replacement = ModuleReplacement(path=str(replace["Path"]), version=replace.get("Version"))
            sum_value = replace.get("Sum")
        records.append(
            ModuleRecord(
                path=str(module["Path"]),
                version=None if module.get("Main") else module.get("Version"),
                replace=replacement,
                sum=sum_value or None,
            )
        )
    return records


_VENDOR_ALL = "can't compute 'all' using the vendor directory"


def _vendored_build_list(go: str, root: Path, env: Mapping[str, str]) -> list[ModuleRecord]:
    """In vendor mode Go refuses ``go list -m all``: it builds from vendor/modules.txt, so that list
    (after the main module(s)) is the build list. Go checks no sums there, so none are recorded."""
    main = _build_list(_run_go(go, ["list", "-m", "-json"], cwd=root, env=env, stage="build list"))
    try:
        vendored = read_modules_txt(root, "vendor/modules.txt")
    except InputError as error:
        raise _Failed("build list", error.message) from error
    records = list(main)
    for module in vendored.modules if vendored is not None else ():
        replacement = None
        if module.replacement_path is not None:
            replacement = ModuleReplacement(path=module.replacement_path, version=module.replacement_version)
        records.append(ModuleRecord(path=module.path, version=module.version, replace=replacement, sum=None))
    return records


def _package_graph(text: str) -> PackageGraph:
    packages: dict[str, str | None] = {}
    modules: dict[str, str] = {}
    for package in _json_stream(text, "package graph"):
        module = package.get("Module")
        if package.get("Standard") or not isinstance(module, dict):
            packages[str(package["ImportPath"])] = None
            continue
        packages[str(package["ImportPath"])] = str(module["Path"])
        replace = module.get("Replace")
        version = replace.get("Version") if isinstance(replace, dict) else module.get("Version")
        modules[str(module["Path"])] = "" if module.get("Main") else str(version or "")
    return PackageGraph(packages=packages, modules=modules)


def first_differences(first: bytes, second: bytes, limit: int = _MAX_OFFSETS) -> list[int]:
    """Start offsets of the first ``limit`` runs of differing bytes (a length difference counts)."""
    offsets: list[int] = []
    common = min(len(first), len(second))
    block = 4096
    position = 0
    in_run = False
    while position < common and len(offsets) < limit:
        end = min(common, position + block)
        if first[position:end] == second[position:end]:
            in_run = False
            position = end
            continue
        for index in range(position, end):
            differs = first[index] != second[index]
            if differs and not in_run:
                offsets.append(index)
                if len(offsets) == limit:
                    break
            in_run = differs
        position = end
    if len(first) != len(second) and len(offsets) < limit and not in_run:
        offsets.append(common)
    return offsets


def _printable(data: bytes) -> str:
    return "".join(chr(byte) if 0x20 <= byte < 0x7F else "." for byte in data)


# The Go build ID: an ELF note named "Go" of type 4 (little-endian here; amd64 and arm64 are), and,
# in every Go binary format, a marker string the linker puts at the start of the text. The linker
# also derives the ELF GNU build ID note (type 3) from it.
_ELF_BUILD_ID_NOTE = re.compile(
    rb"\x04\x00\x00\x00(?P<size>[\x00-\xff]{4})\x04\x00\x00\x00Go\x00\x00", re.DOTALL
)
_GNU_BUILD_ID_NOTE = re.compile(
    rb"\x04\x00\x00\x00(?P<size>[\x00-\xff]{4})\x03\x00\x00\x00GNU\x00", re.DOTALL
)
_BUILD_ID_MARKER = re.compile(rb'\xff Go build ID: "(?P<id>[^"\n]{1,400})"\n \xff')


def build_id_ranges(binary: bytes) -> list[tuple[int, int]]:
    """Where the Go build ID sits in ``binary``: every copy of it, and the GNU build ID derived from it,
    as [start, end) ranges."""
    ranges: list[tuple[int, int]] = []
    for match in _GNU_BUILD_ID_NOTE.finditer(binary):
        size = int.from_bytes(match.group("size"), "little")
        if 0 < size <= 64:
            ranges.append((match.end(), match.end() + size))
    identifiers: set[bytes] = set()
    for match in _ELF_BUILD_ID_NOTE.finditer(binary):
        size = int.from_bytes(match.group("size"), "little")
        if 0 < size <= 400:
            identifiers.add(binary[match.end() : match.end() + size].rstrip(b"\x00"))
    identifiers.update(match.group("id") for match in _BUILD_ID_MARKER.finditer(binary))
    for identifier in identifiers:
        if not identifier:
            continue
        start = binary.find(identifier)
        while start >= 0:
            ranges.append((start, start + len(identifier)))
            start = binary.find(identifier, start + 1)
    return sorted(ranges)


def _difference(first: bytes, second: bytes) -> BuildDifference:
    offsets = first_differences(first, second, limit=_MAX_OFFSETS * 8)
    ranges = build_id_ranges(first) + build_id_ranges(second)
    in_build_id = [o for o in offsets if any(start <= o < end for start, end in ranges)]
    elsewhere = [o for o in offsets if o not in in_build_id]
    anchor = (elsewhere or in_build_id)[0]
    start = max(0, anchor - _EXCERPT // 2)
    return BuildDifference(
        offsets=elsewhere[:_MAX_OFFSETS],
        build_id_offsets=in_build_id[:_MAX_OFFSETS],
        sizes=(len(first), len(second)),
        first_excerpt=_printable(first[start : start + _EXCERPT * 2]),
        second_excerpt=_printable(second[start : start + _EXCERPT * 2]),
    )


def _flags_for(build_flags: BuildFlags, number: int) -> list[str]:
    return list(build_flags(number) if callable(build_flags) else build_flags)


@dataclass
class _Caches:
    """Two build caches per platform: persistent under ``root`` when given, else temporary."""

    root: Path | None
    platform: str
    _temporary: list[Path] = field(default_factory=list)

    def directory(self, number: int) -> Path:
        if self.root is not None:
            path = self.root / self.platform.replace("/", "-") / f"build{number}"
            path.mkdir(parents=True, exist_ok=True)
            return path
        path = Path(tempfile.mkdtemp(prefix=f"gogate-snapshot-gocache{number}-"))
        self._temporary.append(path)
        return path

    def close(self) -> None:
        for path in self._temporary:
            _remove_tree(path)


def _remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _build_twice(
    go: str,
    root: Path,
    package: str,
    env: Mapping[str, str],
    caches: tuple[Path, Path],
    build_flags: BuildFlags,
) -> BuildOutput:
    """Both builds run at once: each is mostly a chain of compiles that leaves cores idle."""
    with tempfile.TemporaryDirectory(prefix="gogate-snapshot-build-") as scratch:

        def build(number: int) -> bytes:
            target = Path(scratch, f"build{number}")
            flags = _flags_for(build_flags, number)
            args = ["build", "-trimpath", "-buildvcs=false", *flags, "-o", str(target), package]
            _run_go(go, args, cwd=root, env={**env, "GOCACHE": str(caches[number - 1])}, stage="build")
            return target.read_bytes()

        with ThreadPoolExecutor(max_workers=2) as pool:
            first, second = pool.map(build, (1, 2))
    first_hash, second_hash = hashlib.sha256(first).hexdigest(), hashlib.sha256(second).hexdigest()
    return BuildOutput(
        sha256=first_hash,
        second_sha256=second_hash,
        size=len(first),
        difference=None if first_hash == second_hash else _difference(first, second),
    )


def _check_go_version(go: str, root: Path, env: Mapping[str, str], lock: GogateLock) -> None:
    found = _run_go(go, ["env", "GOVERSION"], cwd=root, env=env, stage="go").strip()
    if found != f"go{lock.go_version}":
        raise _Failed(
            "go",
            f"the go command is {found or 'of unknown version'}, but gogate.lock pins Go {lock.go_version}",
            f"run with the pinned Go {lock.go_version} (GOTOOLCHAIN=local is forced, so no switch happens)",
        )


def gather_platform(
    root: Path,
    platform: str,
    *,
    go: str | Path,
    environ: Mapping[str, str],
    lock: GogateLock,
    main_packages: Sequence[str] | None = None,
    build_flags: BuildFlags = (),
    module_files: Sequence[str] | None = None,
    cache_root: Path | None = None,
) -> PlatformSnapshot | PlatformError:
    """Measure ``platform`` (``os/arch``) for the module at ``root``; never raises for Go's failures.

    ``main_packages`` defaults to every ``package main`` of ``./...`` on that platform.
    ``cache_root`` keeps the two build caches (``<os>-<arch>/build1``, ``build2``) between runs;
    by default both are fresh temporary directories (slow, and the strongest reproducibility test).
    Raises InputError only for a dependency file gogate refuses to read.
    """
    entry = lock.platforms.get(platform)
    if entry is None:
        return PlatformError(
            platform,
            "lock",
            f"gogate.lock has no entry for {platform}",
            f"add it with `gogate lock --platform {platform}`",
        )
    env = platform_environment(environ, platform)
    caches = _Caches(cache_root, platform)
    try:
        _check_go_version(str(go), root, env, lock)
        digest = dependency_state(root, module_files).digest
        try:
            listed_modules = _run_go(
                str(go), ["list", "-m", "-json", "all"], cwd=root, env=env, stage="build list"
            )
            build_list = _build_list(listed_modules)
        except _Failed as failure:
            if _VENDOR_ALL not in failure.message:
                raise
            build_list = _vendored_build_list(str(go), root, env)
        graph_json = _run_go(
            str(go),
            ["list", "-deps", "-json=ImportPath,Standard,Module", "./..."],
            cwd=root,
            env=env,
            stage="package graph",
        )
        graph = _package_graph(graph_json)
        # Patterns as given (".", "./cmd/...") become import paths, so a snapshot made with --main
        # and one verified without it key their builds the same way.
        listed = _run_go(
            str(go),
            ["list", "-f", '{{if eq .Name "main"}}{{.ImportPath}}{{end}}', *(main_packages or ["./..."])],
            cwd=root,
            env=env,
            stage="main packages",
        )
        packages = sorted({line for line in listed.split() if line})
        pair = (caches.directory(1), caches.directory(2))
        builds = {
            package: _build_twice(str(go), root, package, env, pair, build_flags) for package in packages
        }
    except _Failed as failure:
        return PlatformError(platform, failure.stage, failure.message, failure.remediation)
    finally:
        caches.close()
    return PlatformSnapshot(
        toolchain=entry,
        dependency_digest=digest,
        build_list=build_list,
        package_graph=graph,
        builds=builds,
        build_flags=_flags_for(build_flags, 1),
    )


@dataclass(frozen=True, slots=True)
class SnapshotGathering:
    """One measurement of every requested platform: snapshots for those that worked, errors for the rest."""

    go_version: str
    dependencies: DependencyState
    platforms: dict[str, PlatformSnapshot]
    errors: dict[str, PlatformError]

    def snapshot(self, generated_by: str = f"gogate {__version__}") -> Snapshot:
        """The file to write; ValueError when a platform failed (a snapshot has no unknown parts)."""
        if self.errors:
            failed = ", ".join(sorted(self.errors))
            raise ValueError(f"cannot write a snapshot: no measurement for {failed}")
        return Snapshot(
            schema_version=1,
            generated_by=generated_by,
            go_version=self.go_version,
            dependencies=self.dependencies,
            platforms=dict(sorted(self.platforms.items())),
        )


def gather_snapshot(
    root: Path,
    platforms: Sequence[str] = DEFAULT_PLATFORMS,
    *,
    go: str | Path,
    environ: Mapping[str, str],
    lock: GogateLock,
    main_packages: Sequence[str] | None = None,
    build_flags: BuildFlags = (),
    cache_root: Path | None = None,
    workers: int | None = None,
) -> SnapshotGathering:
    """Measure every platform in parallel (at most ``workers``, default the CPU count, at a time).

    Raises InputError for a dependency file gogate refuses to read; Go's failures are per platform.
    """
    module_files = find_module_files(root, cache_dir(environ))
    dependencies = dependency_state(root, module_files)
    count = max(1, min(len(platforms), workers or os.cpu_count() or 1))

    def one(platform: str) -> PlatformSnapshot | PlatformError:
        return gather_platform(
            root,
            platform,
            go=go,
            environ=environ,
            lock=lock,
            main_packages=main_packages,
            build_flags=build_flags,
            module_files=module_files,
            cache_root=cache_root,
        )

    with ThreadPoolExecutor(max_workers=count) as pool:
        results = dict(zip(platforms, pool.map(one, platforms), strict=True))
    return SnapshotGathering(
        go_version=lock.go_version,
        dependencies=dependencies,
        platforms={p: r for p, r in results.items() if isinstance(r, PlatformSnapshot)},
        errors={p: r for p, r in results.items() if isinstance(r, PlatformError)},
    )
