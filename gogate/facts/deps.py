"""Dependency facts: every module of the repository with its go.sum and vendor/, plus the slow parts
(Go's tidiness verdict, module-cache hashes, vendored content, checksum-database lookups), each
gathered only when a selected check needs it.

Why every go.mod: a multi-module repository builds each module with its own go.sum and vendor/,
so each is a separate thing to verify, and each finding names its module. Modules are the go.mod
files the repository walk found (outside vendor/, testdata/ and module caches); a root go.work
adds its go.work.sum. The walk (:func:`gogate.facts.pins.gather_repo_facts`) also skips any directory
tagged as a cache (``CACHEDIR.TAG``), such as gogate's own cache with its unpacked Go releases.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gogate.deps.completeness import Completeness, PrivateCache, go_completeness
from gogate.deps.gomod import read_gomod, read_gowork
from gogate.deps.gosum import read_gosum
from gogate.deps.model import WORKSPACE_ROOT, GoMod, GoSum, GoWork, ModulesTxt, SumLine
from gogate.deps.modulestxt import read_modules_txt
from gogate.facts.model import GoToolchainFacts, RepoFacts

if TYPE_CHECKING:
    # Imported where used: the module-cache, vendor and sumdb code costs start-up time that a run
    # not selecting those checks should not pay.
    from gogate.deps.modcache import CachedGoMod, CachedModule
    from gogate.deps.sumdb_verify import SumVerdict
    from gogate.deps.vendor_content import VendoredContent

__all__ = [
    "DepsFacts",
    "GoModule",
    "ModcacheFacts",
    "gather_completeness",
    "gather_deps_facts",
    "gather_modcache_facts",
    "module_settings",
]

_SETTING_DEFAULTS = {
    "GOPROXY": "https://proxy.golang.org,direct",
    "GOSUMDB": "sum.golang.org",
    "GONOSUMDB": "",
    "GOPRIVATE": "",
    "GONOPROXY": "",
    "GOFLAGS": "",
    "GOINSECURE": "",
    "GONOSUMCHECK": "",
}


@dataclass(frozen=True, slots=True)
class GoModule:
    """One module of the repository: its files as Go reads them."""

    root: str
    """Repository-relative directory, ``.`` for the root."""
    gomod: GoMod
    gosum: GoSum | None
    modules_txt: ModulesTxt | None
    has_vendor: bool
    vendor_package_dirs: tuple[str, ...] = ()
    """Import paths of vendor/ directories holding .go files (what Go would treat as packages)."""
    vendor_symlink: str | None = None
    """Where vendor/ points when it is a symlink (go mod vendor writes a directory)."""

    @property
    def name(self) -> str:
        """How findings name the module: its path, else its directory."""
        return self.gomod.module or self.root

    def relative(self, name: str) -> str:
        """Repository-relative path of ``name`` inside the module directory."""
        return name if self.root == "." else f"{self.root}/{name}"


@dataclass(frozen=True, slots=True)
class WorkspaceVendor:
    """vendor/ beside a root go.work (``go work vendor``): one tree for every module the workspace uses."""

    modules_txt: ModulesTxt | None
    package_dirs: tuple[str, ...]
    members: tuple[GoModule, ...]
    """The workspace's modules, in go.work ``use`` order."""
    vendor_symlink: str | None = None


@dataclass(frozen=True, slots=True)
class DepsFacts:
    modules: tuple[GoModule, ...]
    workspace: GoWork | None = None
    workspace_sum: GoSum | None = None
    workspace_vendor: WorkspaceVendor | None = None
    settings: Mapping[str, str] = field(default_factory=dict)
    """GOPROXY, GOSUMDB, GONOSUMDB, GOPRIVATE, GOFLAGS, ... as the go command resolves them."""
    gomodcache: str | None = None

    def sum_files(self) -> list[GoSum]:
        found = [module.gosum for module in self.modules if module.gosum is not None]
        if self.workspace_sum is not None:
            found.append(self.workspace_sum)
        return found


def default_gomodcache(environ: Mapping[str, str]) -> str | None:
    """GOMODCACHE as the go command resolves it without running go: $GOMODCACHE, else GOPATH[0]/pkg/mod."""
    if value := environ.get("GOMODCACHE"):
        return value
    gopath = environ.get("GOPATH", "")
    first = next((entry for entry in gopath.split(os.pathsep) if entry), None)
    if first is None:
        home = environ.get("HOME")
        if not home:
            return None
        first = os.path.join(home, "go")
    return os.path.join(first, "pkg", "mod")


def module_settings(toolchain: GoToolchainFacts | None, environ: Mapping[str, str]) -> dict[str, str]:
    """Module settings from ``go env`` when go ran, else from the environment with Go's defaults."""
    reported = toolchain.env.settings if toolchain is not None and toolchain.env is not None else {}
    settings: dict[str, str] = {}
    for name, default in _SETTING_DEFAULTS.items():
        value = reported.get(name) if name in reported else environ.get(name)
        settings[name] = value if value else default
    if not settings["GONOSUMDB"]:
        settings["GONOSUMDB"] = settings["GOPRIVATE"]
    if not settings["GONOPROXY"]:
        settings["GONOPROXY"] = settings["GOPRIVATE"]
    gomodcache = reported.get("GOMODCACHE") or default_gomodcache(environ)
    if gomodcache:
        settings["GOMODCACHE"] = gomodcache
    return settings


def _vendor_package_dirs(vendor: Path) -> tuple[str, ...]:
    found: list[str] = []
    for directory, subdirs, files in os.walk(vendor):
        subdirs.sort()
        if directory != str(vendor) and any(name.endswith(".go") for name in files):
            found.append(Path(os.path.relpath(directory, vendor)).as_posix())
    return tuple(sorted(found))


def _read_module(root: Path, gomod_relative: str) -> GoModule:
    directory = gomod_relative.rpartition("/")[0] or "."
    prefix = "" if directory == "." else f"{directory}/"
    gomod = read_gomod(root, gomod_relative)
    gosum = read_gosum(root, f"{prefix}go.sum")
    vendor = root / prefix / "vendor"
    symlink = _symlink_target(vendor)
    if symlink is not None:
        # Go builds through the link; gogate never reads through it (it may leave the repository).
        return GoModule(
            root=directory,
            gomod=gomod,
            gosum=gosum,
            modules_txt=None,
            has_vendor=True,
            vendor_symlink=symlink,
        )
    modules_txt = read_modules_txt(root, f"{prefix}vendor/modules.txt")
    has_vendor = vendor.is_dir()
    return GoModule(
        root=directory,
        gomod=gomod,
        gosum=gosum,
        modules_txt=modules_txt,
        has_vendor=has_vendor,
        vendor_package_dirs=_vendor_package_dirs(vendor) if has_vendor else (),
    )


def _symlink_target(path: Path) -> str | None:
    try:
        return os.readlink(path)
    except OSError:  # not a symlink, or absent
        return None


def gather_deps_facts(
    repo: RepoFacts, toolchain: GoToolchainFacts | None, environ: Mapping[str, str]
) -> DepsFacts:
    """Parse every module's go.mod, go.sum and vendor/modules.txt; InputError for malformed files."""
    root = Path(repo.root)
    modules = tuple(
        _read_module(root, relative) for relative in repo.module_files if relative.endswith("go.mod")
    )
    workspace = read_gowork(root, "go.work") if "go.work" in repo.module_files else None
    workspace_sum = read_gosum(root, "go.work.sum") if workspace is not None else None
    workspace_vendor = None
    if workspace is not None:
        modules, workspace_vendor = _split_workspace_vendor(root, modules, workspace)
    settings = module_settings(toolchain, environ)
    return DepsFacts(
        modules=modules,
        workspace=workspace,
        workspace_sum=workspace_sum,
        workspace_vendor=workspace_vendor,
        settings=settings,
        gomodcache=settings.get("GOMODCACHE"),
    )


def _split_workspace_vendor(
    root: Path, modules: tuple[GoModule, ...], workspace: GoWork
) -> tuple[tuple[GoModule, ...], WorkspaceVendor | None]:
    """In workspace mode Go reads vendor/ beside go.work, never a used module's own: give that tree
    to the workspace (taking it from a root module that would otherwise claim it)."""
    vendor = root / "vendor"
    symlink = _symlink_target(vendor)
    if symlink is None and not vendor.is_dir():
        return modules, None
    used = {posixpath.normpath(use.directory) for use in workspace.uses}
    members = {module.root: module for module in modules if module.root in used}
    ordered = tuple(
        members[d] for d in (posixpath.normpath(u.directory) for u in workspace.uses) if d in members
    )
    tree = WorkspaceVendor(
        modules_txt=read_modules_txt(root, "vendor/modules.txt") if symlink is None else None,
        package_dirs=_vendor_package_dirs(vendor) if symlink is None else (),
        members=ordered,
        vendor_symlink=symlink,
    )
    kept = tuple(
        dataclasses.replace(
            module, modules_txt=None, has_vendor=False, vendor_package_dirs=(), vendor_symlink=None
        )
        if module.root == "."
        else module
        for module in modules
    )
    return kept, tree


# --- Go's completeness verdict -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompletenessFacts:
    results: tuple[Completeness, ...] = ()
    unavailable: str | None = None
    """Why Go could not be asked at all (no go command)."""


def gather_completeness(
    repo: RepoFacts,
    deps: DepsFacts,
    toolchain: GoToolchainFacts | None,
    environ: Mapping[str, str],
    *,
    offline: bool,
) -> CompletenessFacts:
    if toolchain is None or toolchain.go_path is None or toolchain.env is None:
        reason = toolchain.error if toolchain is not None and toolchain.error else "no go command"
        return CompletenessFacts(unavailable=reason)
    go_path, version = toolchain.go_path, toolchain.env.goversion
    with scratch_dir() as scratch:
        cache = None if offline else PrivateCache.over(scratch, deps.gomodcache, deps.settings["GOPROXY"])
        results = tuple(
            go_completeness(
                module.root,
                Path(repo.root, module.root),
                go_path=go_path,
                go_version=version,
                environ=environ,
                goflags=deps.settings.get("GOFLAGS", ""),
                offline=offline,
                cache=cache,
            )
            for module in deps.modules
        )
    return CompletenessFacts(results=results)


# --- module cache ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModcacheFacts:
    gomodcache: str | None
    modules: tuple[CachedModule, ...] = ()
    gomods: tuple[CachedGoMod, ...] = ()
    zip_lines: int = 0
    """How many distinct go.sum zip lines there were to look for."""


def _sum_lines(deps: DepsFacts, *, gomod: bool) -> list[tuple[str, SumLine]]:
    return [
        (gosum.path, line)
        for gosum in deps.sum_files()
        for line in gosum.lines
        if line.gomod is gomod and line.hash.startswith("h1:")
    ]


def gather_modcache_facts(deps: DepsFacts, workers: int | None = None) -> ModcacheFacts:
    """Hash what the cache holds for every go.sum line (zip, extracted directory, .mod file)."""
    from gogate.deps import modcache

    gomodcache = deps.gomodcache
    zip_lines = _sum_lines(deps, gomod=False)
    distinct = len({(line.path, line.version) for _, line in zip_lines})
    if not gomodcache or not os.path.isdir(gomodcache):
        return ModcacheFacts(gomodcache=gomodcache, zip_lines=distinct)
    # A module the cache does not hold costs two stat calls; it is counted, not reported.
    cached = [item for item in modcache.verify_cached_modules(gomodcache, zip_lines, workers) if item.present]
    gomods = modcache.verify_cached_gomods(gomodcache, _sum_lines(deps, gomod=True))
    return ModcacheFacts(
        gomodcache=gomodcache, modules=tuple(cached), gomods=tuple(gomods), zip_lines=distinct
    )


def scratch_dir() -> tempfile.TemporaryDirectory[str]:
    """A private directory for downloaded zips, removed when the run ends (nothing left behind)."""
    return tempfile.TemporaryDirectory(prefix="gogate-")


def lines_by_key(gosums: Sequence[GoSum]) -> dict[tuple[str, str], list[SumLine]]:
    """Every go.sum line by ``(path, version[/go.mod])``, from all the given files."""
    found: dict[tuple[str, str], list[SumLine]] = {}
    for gosum in gosums:
        for line in gosum.lines:
            found.setdefault(line.key, []).append(line)
    return found


# --- vendored content ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModuleVendorContent:
    module_root: str
    modules_txt_path: str
    verdicts: tuple[VendoredContent, ...] = ()
    unowned: tuple[str, ...] = ()
    """vendor/-relative files that belong to no module listed in modules.txt."""


@dataclass(frozen=True, slots=True)
class VendorContentFacts:
    modules: tuple[ModuleVendorContent, ...] = ()


def gather_vendor_content(
    repo: RepoFacts, deps: DepsFacts, environ: Mapping[str, str], workers: int | None = None
) -> VendorContentFacts:
    """Derive and compare the vendor/ tree of every module that has one and a modules.txt.

    The only network use of a minimal run: zips of vendored modules that neither the module cache
    nor gogate's cache holds are fetched from GOPROXY, because nothing else can tell whether a
    vendored file was edited (a vendored repository's CI usually has no module cache).
    """
    from gogate.deps.vendor_content import compare_vendor, vendor_files
    from gogate.toolchain_reference import cache_dir

    results: list[ModuleVendorContent] = []
    gosums_extra = [deps.workspace_sum] if deps.workspace_sum is not None else []
    trees: list[tuple[str, ModulesTxt, str | None, list[GoSum]]] = [
        (module.root, module.modules_txt, module.gomod.go, [*_own_sum(module), *gosums_extra])
        for module in deps.modules
        if module.has_vendor and module.modules_txt is not None
    ]
    tree = deps.workspace_vendor
    if tree is not None and tree.modules_txt is not None and deps.workspace is not None:
        member_sums = [gosum for member in tree.members for gosum in _own_sum(member)]
        trees.append((WORKSPACE_ROOT, tree.modules_txt, deps.workspace.go, [*member_sums, *gosums_extra]))
    downloads = cache_dir(environ) / "modules"
    if trees:
        for module_root, modules_txt, main_go, gosums in trees:
            module_dir = Path(repo.root) if module_root == WORKSPACE_ROOT else Path(repo.root, module_root)
            actual = vendor_files(module_dir / "vendor", workers)
            verdicts, unowned = compare_vendor(
                module_dir,
                modules_txt.modules,
                actual,
                main_go=main_go,
                gosums=gosums,
                gomodcache=deps.gomodcache,
                settings=deps.settings,
                downloads=downloads,
            )
            results.append(
                ModuleVendorContent(
                    module_root=module_root,
                    modules_txt_path=modules_txt.path,
                    verdicts=tuple(verdicts),
                    unowned=tuple(unowned),
                )
            )
        if downloads.is_dir():
            _tag_cache_root(environ)
    return VendorContentFacts(modules=tuple(results))


def _own_sum(module: GoModule) -> list[GoSum]:
    return [module.gosum] if module.gosum is not None else []


# --- checksum database -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SumdbFacts:
    verdicts: tuple[SumVerdict, ...] = ()
    excluded: tuple[tuple[SumLine, str, str], ...] = ()
    """(line, go.sum path, why Go would not consult the database for it)."""
    paths: Mapping[SumLine, str] = field(default_factory=dict)
    """The go.sum file each line came from."""
    unavailable: str | None = None
    """Why no database was consulted at all (GOSUMDB=off)."""
    untrusted: str | None = None
    """The database itself failed verification (bad signature, fork, bad tile): no verdict counts."""
    error: str | None = None
    """The database could not be reached at all (the check is undecided)."""


def _tag_cache_root(environ: Mapping[str, str]) -> None:
    """Tag gogate's cache root once a writer has created it (the writers tag only their subdirectory).

    Why: CI keeps GOGATE_CACHE_DIR inside the checkout; the tag keeps the repository walk out of it.
    """
    from gogate.cachedir import tag_cache_dir
    from gogate.toolchain_reference import cache_dir

    root = cache_dir(environ)
    if root.is_dir():
        tag_cache_dir(root)


def gather_sumdb_facts(deps: DepsFacts, environ: Mapping[str, str], workers: int = 8) -> SumdbFacts:
    """Look every go.sum line up in GOSUMDB (through GOPROXY when it proxies the database)."""
    from gogate.deps.sumdb_verify import sumdb_client_for, sumdb_exclusion, verify_sum_lines
    from gogate.errors import InfrastructureError
    from gogate.sumdb.errors import SumdbSecurityError

    paths: dict[SumLine, str] = {}
    to_check: list[SumLine] = []
    excluded: list[tuple[SumLine, str, str]] = []
    if deps.settings.get("GOSUMDB", "").strip() == "off":
        count = sum(len(gosum.lines) for gosum in deps.sum_files())
        return SumdbFacts(unavailable=f"GOSUMDB=off: none of the {count} go.sum line(s) can be looked up")
    for gosum in deps.sum_files():
        for line in gosum.lines:
            if line in paths:
                continue
            paths[line] = gosum.path
            if not line.hash.startswith("h1:"):
                excluded.append((line, gosum.path, "not an h1: hash, which is all the database records"))
                continue
            why = sumdb_exclusion(line.path, deps.settings)
            if why is not None:
                excluded.append((line, gosum.path, why))
            else:
                to_check.append(line)
    if not to_check:
        return SumdbFacts(excluded=tuple(excluded), paths=paths)
    try:
        client = sumdb_client_for(deps.settings, environ)
    except InfrastructureError as error:
        return SumdbFacts(excluded=tuple(excluded), paths=paths, error=error.message)
    if client is None:
        return SumdbFacts(excluded=tuple(excluded), paths=paths, unavailable="GOSUMDB is off")
    try:
        with client:
            verdicts = verify_sum_lines(client, to_check, workers=workers)
    except SumdbSecurityError as error:
        return SumdbFacts(excluded=tuple(excluded), paths=paths, untrusted=error.message)
    finally:
        _tag_cache_root(environ)
    return SumdbFacts(verdicts=tuple(verdicts), excluded=tuple(excluded), paths=paths)
