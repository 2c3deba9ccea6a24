"""Go's verdict on vendor/: does vendor/modules.txt agree with go.mod (and go.work)?

A port of cmd/go's ``checkVendorConsistency`` (modload/vendor.go) plus the neighbouring checks that
decide whether a vendored build goes ahead: whether Go picks vendor mode by default
(``setDefaultBuildMod``), ``## go X`` annotations newer than the toolchain (``readVendorList``), the
"vendored module ... should be required explicitly" check (``initVendor``) and package directories
that modules.txt does not list (``importFromModules``, go >= 1.23).

Why a port: ``go build`` refuses a checkout whose vendor/ disagrees with go.mod, and the gate must
say so, with Go's own reasons, before the build does. Messages are Go's text, so a developer can
search for them; the one addition is that gogate reports every unlisted vendor package, where Go
complains only about the ones something imports.

Go stops at the first failing stage (too-new annotation, then the consistency block, then the
"required explicitly" check); gogate reports every stage at once, and ``Inconsistency.kind`` says
which stage each finding belongs to.
"""

from __future__ import annotations

import enum
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from gogate import goversion
from gogate.deps import semver
from gogate.deps.model import GoMod, GoWork, ModulesTxt, Replace, VendoredModule

__all__ = [
    "CONSISTENCY_BLOCK_KINDS",
    "Inconsistency",
    "InconsistencyKind",
    "VendorVerdict",
    "check_vendor_consistency",
]

_MODULES_TXT = "vendor/modules.txt"
# Go versions at which vendoring rules changed (cmd/go internal/gover).
_VENDOR_DEFAULT_VERSION = "1.14"
_PRUNED_GRAPH_VERSION = "1.17"
_EXPLICIT_MODULES_TXT_IMPORT_VERSION = "1.23"
_DEFAULT_GOMOD_VERSION = "1.16"
_DEFAULT_GOWORK_VERSION = "1.18"

_Key = tuple[str, str]
"""``(path, version)``; version "" for a wildcard replacement or a directory."""


def _toolchain_or_version(name: str) -> str:
    return name if goversion.is_valid(name) else goversion.from_toolchain(name)


def _module_version_compare(path: str, left: str, right: str) -> int:
    """cmd/go ``gover.ModCompare``: the ``go`` and ``toolchain`` pseudo-modules use Go version order."""
    if path == "go":
        return goversion.compare(left, right)
    if path == "toolchain":
        return goversion.compare(_toolchain_or_version(left), _toolchain_or_version(right))
    return semver.compare(left, right)


class InconsistencyKind(enum.Enum):
    GO_VERSION_TOO_NEW = "go-version-too-new"
    """``## go X`` newer than the toolchain: Go stops while reading modules.txt."""
    NOT_MARKED_EXPLICIT = "not-marked-explicit"
    VERSION_MISMATCH = "version-mismatch"
    """go < 1.14's relaxed form of NOT_MARKED_EXPLICIT."""
    NOT_MARKED_REPLACED = "not-marked-replaced"
    REPLACEMENT_DIFFERS = "replacement-differs"
    EXPLICIT_NOT_REQUIRED = "explicit-not-required"
    REPLACED_NOT_REPLACED = "replaced-not-replaced"
    """modules.txt marks a replacement that go.mod (or the workspace) does not have."""
    VENDORED_NOT_REQUIRED = "vendored-not-required"
    """go >= 1.17: a vendored module at a version go.mod does not require (Go asks for go mod tidy)."""
    UNLISTED_PACKAGE = "unlisted-package"
    """A vendor/ package directory that modules.txt does not list."""


CONSISTENCY_BLOCK_KINDS = frozenset(
    {
        InconsistencyKind.NOT_MARKED_EXPLICIT,
        InconsistencyKind.VERSION_MISMATCH,
        InconsistencyKind.NOT_MARKED_REPLACED,
        InconsistencyKind.REPLACEMENT_DIFFERS,
        InconsistencyKind.EXPLICIT_NOT_REQUIRED,
        InconsistencyKind.REPLACED_NOT_REPLACED,
    }
)
"""The kinds Go lists under ``go: inconsistent vendoring in DIR:``."""


@dataclass(frozen=True, slots=True)
class Inconsistency:
    module_path: str
    """The module (for UNLISTED_PACKAGE: the package import path)."""
    version: str | None
    """None when Go names the module without a version (wildcard replacements, directories)."""
    message: str
    """Go's reason, without the ``path@version:`` prefix for the consistency-block kinds."""
    gomod_line: int | None
    modules_txt_line: int | None
    kind: InconsistencyKind = field(kw_only=True)
    gomod_path: str | None = field(default=None, kw_only=True)
    """The go.mod or go.work that ``gomod_line`` is in."""

    @property
    def go_reason(self) -> str:
        """The line as Go prints it (inside the inconsistent-vendoring block for those kinds)."""
        if self.kind in CONSISTENCY_BLOCK_KINDS:
            where = self.module_path if self.version is None else f"{self.module_path}@{self.version}"
            return f"{where}: {self.message}"
        return self.message


@dataclass(frozen=True, slots=True)
class VendorVerdict:
    uses_vendor: bool
    """Whether a plain ``go build`` would build from vendor/ (``-mod=vendor`` in effect)."""
    reason: str
    """Why (Go's BuildModReason wording where Go has one)."""
    inconsistencies: tuple[Inconsistency, ...] = ()
    """Every finding, stage by stage in the order Go meets them; empty when vendor/ is absent."""

    @property
    def consistent(self) -> bool:
        return not self.inconsistencies


@dataclass(slots=True)
class _Meta:
    """Go's ``vendorMetadata``: the union of every modules.txt line about one ``(path, version)``."""

    line: int
    explicit: bool = False
    replacement: _Key | None = None
    go_version: str | None = None


@dataclass(slots=True)
class _VendorList:
    """What ``readVendorList`` builds from modules.txt."""

    meta: dict[_Key, _Meta] = field(default_factory=dict)
    replaced: list[tuple[_Key, int]] = field(default_factory=list)
    """Every line carrying a readable replacement, in file order (repeats included, as in Go)."""
    modules: list[tuple[_Key, int]] = field(default_factory=list)
    """Modules that provide packages, in order of first appearance (Go's ``vendorList``)."""
    selected: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Module path -> (version, line) that provides its packages (Go's ``vendorVersion``)."""
    packages: set[str] = field(default_factory=set)
    blocks: list[VendoredModule] = field(default_factory=list)


def _read_vendor_list(modules_txt: ModulesTxt | None) -> _VendorList:
    result = _VendorList()
    if modules_txt is None:
        return result
    blocks = sorted((*modules_txt.modules, *modules_txt.wildcard_replacements), key=lambda b: b.line)
    result.blocks = blocks
    package_lines: list[tuple[int, _Key]] = []
    for block in blocks:
        key = (block.path, block.version)
        meta = result.meta.setdefault(key, _Meta(block.line))
        meta.explicit = meta.explicit or block.explicit
        if block.go_version is not None:
            meta.go_version = block.go_version
        if block.replacement_path is not None:
            meta.replacement = (block.replacement_path, block.replacement_version or "")
            result.replaced.append((key, block.line))
        package_lines.extend((line, key) for line in block.package_lines)
        result.packages.update(block.packages)
    for line, (path, version) in sorted(package_lines):
        known = result.selected.get(path)
        if known is None or _module_version_compare(path, known[0], version) < 0:
            result.modules.append(((path, version), line))
            result.selected[path] = (version, line)
    return result


def _replace_key_old(replace: Replace) -> _Key:
    return (replace.old_path, replace.old_version or "")


def _replace_key_new(replace: Replace) -> _Key:
    return (replace.new_path, replace.new_version or "")


def _lookup(replaces: Sequence[Replace], key: _Key) -> Replace | None:
    """Go's ``replacement``: an exact ``path@version`` replacement, else a wildcard one (last wins)."""
    exact = [r for r in replaces if _replace_key_old(r) == key]
    if exact:
        return exact[-1]
    wildcard = [r for r in replaces if r.old_path == key[0] and r.old_version is None]
    return wildcard[-1] if wildcard else None


def _describe(key: _Key) -> str:
    return f"{key[0]}@{key[1]}" if key[1] else key[0]


def _directory_of(path: str) -> str:
    return posixpath.dirname(path) or "."


def _is_directory_path(path: str) -> bool:
    return (
        path in (".", "..")
        or path.startswith(("./", ".\\", "../", "..\\", "/", "\\"))
        or (len(path) >= 2 and path[0].isascii() and path[0].isalpha() and path[1] == ":")
    )


@dataclass(frozen=True, slots=True)
class _Found:
    replace: Replace
    gomod: GoMod | None
    """None: the replacement comes from go.work."""


class _Mains:
    """The main modules (one go.mod, or a workspace's) and how Go resolves replacements for them."""

    def __init__(self, gomods: Sequence[GoMod], gowork: GoWork | None) -> None:
        self.gomods = tuple(gomods)
        self.gowork = gowork
        self.paths = {gomod.module for gomod in gomods if gomod.module}

    @property
    def workspace(self) -> bool:
        return self.gowork is not None

    def replacement_from(self, key: _Key) -> _Found | None:
        """``replacementFrom``: go.work's replacements win, then the main modules' in order."""
        if key[1] == "" and key[0] in self.paths:
            return None  # the main module itself is never replaced
        if self.gowork is not None and (hit := _lookup(self.gowork.replaces, key)):
            return _Found(hit, None)
        found: _Found | None = None
        for gomod in self.gomods:
            hit = _lookup(gomod.replaces, key)
            if hit is None:
                continue
            if (
                found is not None
                and found.replace.old_version != hit.old_version
                and _replace_key_new(found.replace) != _replace_key_new(hit)
            ):
                return found  # Go reports conflicting workspace replacements elsewhere
            found = _Found(hit, gomod)
        return found

    def canonical(self, found: _Found | None) -> _Key | None:
        """``canonicalizeReplacePath``: a directory from a workspace go.mod, relative to go.work."""
        if found is None:
            return None
        new = _replace_key_new(found.replace)
        if new[1] or found.gomod is None or self.gowork is None or posixpath.isabs(new[0]):
            return new
        joined = posixpath.normpath(posixpath.join(_directory_of(found.gomod.path), new[0]))
        relative = posixpath.relpath(joined, _directory_of(self.gowork.path))
        return (relative if _is_directory_path(relative) else "./" + posixpath.normpath(relative), "")

    def source(self, found: _Found) -> str:
        """The file Go names, as base.ShortPath shows it from the module (or workspace) root."""
        path = found.gomod.path if found.gomod is not None else self.gowork.path if self.gowork else "go.mod"
        root = (
            _directory_of(self.gowork.path) if self.gowork is not None else _directory_of(self.gomods[0].path)
        )
        return posixpath.relpath(path, root)


def _explicit_requirements(mains: _Mains, vendor: _VendorList, pre114: bool) -> Iterable[Inconsistency]:
    for gomod in mains.gomods:
        for require in gomod.requires:
            meta = vendor.meta.get((require.path, require.version))
            if meta is not None and meta.explicit:
                continue
            if not pre114:
                yield Inconsistency(
                    require.path,
                    require.version,
                    f"is explicitly required in go.mod, but not marked as explicit in {_MODULES_TXT}",
                    require.line,
                    meta.line if meta else None,
                    kind=InconsistencyKind.NOT_MARKED_EXPLICIT,
                    gomod_path=gomod.path,
                )
                continue
            selected = vendor.selected.get(require.path)
            if selected is not None and selected[0] != require.version:
                yield Inconsistency(
                    require.path,
                    require.version,
                    f"is explicitly required in go.mod, but {_MODULES_TXT} indicates "
                    f"{require.path}@{selected[0]}",
                    require.line,
                    selected[1],
                    kind=InconsistencyKind.VERSION_MISMATCH,
                    gomod_path=gomod.path,
                )


def _replacements(mains: _Mains, vendor: _VendorList, pre114: bool) -> Iterable[Inconsistency]:
    """Every replacement in go.mod (and go.work) must be recorded, identically, in modules.txt."""
    seen: set[_Key] = set()
    sources: list[tuple[Replace, str]] = [(r, gomod.path) for gomod in mains.gomods for r in gomod.replaces]
    if mains.gowork is not None:
        sources.extend((r, mains.gowork.path) for r in mains.gowork.replaces)
    for replace, written_in in sources:
        old = _replace_key_old(replace)
        if old in seen:
            continue
        seen.add(old)
        found = mains.replacement_from(old)
        canonical = mains.canonical(found)
        meta = vendor.meta.get(old)
        recorded = meta.replacement if meta else None
        version = old[1] or None
        if recorded is None:
            if found is None or canonical is None:
                continue  # not actually replaced (a main module)
            if pre114 and (old[1] == "" or vendor.selected.get(old[0], ("", 0))[0] != old[1]):
                continue  # go < 1.14 did not record these
            yield Inconsistency(
                old[0],
                version,
                f"is replaced in {mains.source(found)}, but not marked as replaced in {_MODULES_TXT}",
                replace.line,
                meta.line if meta else None,
                kind=InconsistencyKind.NOT_MARKED_REPLACED,
                gomod_path=written_in,
            )
        elif recorded != canonical:
            described = _describe(_replace_key_new(found.replace)) if found else ""
            source = mains.source(found) if found else ""  # Go prints an empty source here too
            yield Inconsistency(
                old[0],
                version,
                f"is replaced by {described} in {source}, but marked as replaced by "
                f"{_describe(recorded)} in {_MODULES_TXT}",
                replace.line,
                meta.line if meta else None,
                kind=InconsistencyKind.REPLACEMENT_DIFFERS,
                gomod_path=written_in,
            )


def _explicit_markers(mains: _Mains, vendor: _VendorList) -> Iterable[Inconsistency]:
    """Only modules that provide packages are checked: Go ignores ``## explicit`` on the others."""
    required = {(r.path, r.version) for gomod in mains.gomods for r in gomod.requires}
    article = "a " if mains.workspace else ""
    for key, _ in vendor.modules:
        meta = vendor.meta[key]
        if meta.explicit and key not in required:
            yield Inconsistency(
                key[0],
                key[1] or None,
                f"is marked as explicit in {_MODULES_TXT}, but not explicitly required in {article}go.mod",
                None,
                meta.line,
                kind=InconsistencyKind.EXPLICIT_NOT_REQUIRED,
            )


def _stale_replacements(mains: _Mains, vendor: _VendorList) -> Iterable[Inconsistency]:
    where = "the workspace" if mains.workspace else "go.mod"
    for key, line in vendor.replaced:
        if mains.replacement_from(key) is None:
            yield Inconsistency(
                key[0],
                key[1] or None,
                f"is marked as replaced in {_MODULES_TXT}, but not replaced in {where}",
                None,
                line,
                kind=InconsistencyKind.REPLACED_NOT_REPLACED,
            )


def _too_new(vendor: _VendorList, toolchain_version: str | None) -> Iterable[Inconsistency]:
    if toolchain_version is None:
        return
    for block in vendor.blocks:
        if block.go_version is not None and goversion.compare(block.go_version, toolchain_version) > 0:
            yield Inconsistency(
                block.path,
                block.version or None,
                f"{block.path} in {_MODULES_TXT} requires go >= {block.go_version} "
                f"(running go {toolchain_version})",
                None,
                block.line,
                kind=InconsistencyKind.GO_VERSION_TOO_NEW,
            )


def _vendored_not_required(gomod: GoMod, vendor: _VendorList) -> Iterable[Inconsistency]:
    """``initVendor`` for a single go >= 1.17 module: go.mod must require every vendored module."""
    excluded = {(e.path, e.version) for e in gomod.excludes}
    highest: dict[str, str] = {}
    for require in gomod.requires:
        if (require.path, require.version) in excluded:
            continue
        known = highest.get(require.path)
        if known is None or _module_version_compare(require.path, known, require.version) < 0:
            highest[require.path] = require.version
    for (path, version), line in vendor.modules:
        if path == gomod.module:
            continue
        if highest.get(path) != version:
            shown = f"{path}@{version}" if version else path
            yield Inconsistency(
                path,
                version or None,
                f"vendored module {shown} should be required explicitly in go.mod",
                None,
                line,
                kind=InconsistencyKind.VENDORED_NOT_REQUIRED,
                gomod_path=gomod.path,
            )


def _unlisted_packages(
    vendor: _VendorList, package_dirs: Sequence[str], go_version: str, subcommand: str
) -> Iterable[Inconsistency]:
    if goversion.compare(go_version, _EXPLICIT_MODULES_TXT_IMPORT_VERSION) >= 0:
        consequence = (
            f"go ignores it (go {go_version} >= {_EXPLICIT_MODULES_TXT_IMPORT_VERSION}), so an import of it "
            "fails; gogate reports every unlisted package, imported or not"
        )
    else:
        consequence = (
            f"go {go_version} (< {_EXPLICIT_MODULES_TXT_IMPORT_VERSION}) still builds it when imported, "
            "with no module or version on record; gogate reports every unlisted package, imported or not"
        )
    for package in sorted(set(package_dirs) - vendor.packages):
        yield Inconsistency(
            package,
            None,
            f"package {package} exists in the vendor directory but is missing from {_MODULES_TXT}: "
            f"{consequence}. To sync the vendor directory run go {subcommand} vendor.",
            None,
            None,
            kind=InconsistencyKind.UNLISTED_PACKAGE,
        )


def _default_mode(
    gomod: GoMod,
    gowork: GoWork | None,
    modules_txt: ModulesTxt | None,
    vendor_exists: bool,
    mod_flag: str | None,
) -> tuple[bool, str]:
    """``setDefaultBuildMod`` for a build command (go build, go list, go test)."""
    if mod_flag is not None:
        if gowork is not None and mod_flag not in ("readonly", "vendor"):
            return (
                False,
                f"-mod may only be set to readonly or vendor in workspace mode, it is set to {mod_flag!r}",
            )
        return mod_flag == "vendor", f"-mod={mod_flag} is set explicitly"
    source = "go.work" if gowork is not None else "go.mod"
    if not vendor_exists:
        return False, "no vendor directory"
    go_version = gowork.go if gowork is not None else gomod.go
    if not go_version:
        return False, f"Go version in {source} is unspecified, so vendor directory was not used."
    if goversion.compare(go_version, _VENDOR_DEFAULT_VERSION) < 0:
        return False, f"Go version in {source} is {go_version}, so vendor directory was not used."
    for_workspace = modules_txt is not None and modules_txt.workspace
    if for_workspace and gowork is None:
        return False, "Outside workspace mode, but vendor directory is for a workspace."
    if gowork is not None and not for_workspace:
        return False, "In workspace mode, but vendor directory is not for a workspace"
    return True, f"Go version in {source} is at least {_VENDOR_DEFAULT_VERSION} and vendor directory exists."


def check_vendor_consistency(
    gomod: GoMod,
    modules_txt: ModulesTxt | None,
    *,
    gowork: GoWork | None = None,
    workspace_gomods: Sequence[GoMod] = (),
    vendor_package_dirs: Sequence[str] = (),
    vendor_exists: bool | None = None,
    mod_flag: str | None = None,
    toolchain_version: str | None = None,
) -> VendorVerdict:
    """Go's verdict on vendor/ for ``gomod`` (or, with ``gowork``, for the workspace).

    ``modules_txt`` is None when vendor/modules.txt is absent. In workspace mode the main modules
    are ``workspace_gomods`` in go.work ``use`` order (``gomod`` alone when that is empty), and the
    vendor directory is the one beside go.work. ``vendor_package_dirs``: import paths of vendor/
    directories holding .go files. ``vendor_exists`` defaults to "modules.txt or a package dir is
    there". ``mod_flag`` is a ``-mod`` value from GOFLAGS, if any. ``toolchain_version`` (e.g.
    ``1.27.3``) enables the ``## go X`` too-new check, which depends on the go that runs.

    Inconsistencies are computed whenever vendor/ exists (what ``-mod=vendor`` would report), even
    when Go would not use it by default; ``uses_vendor`` says whether it would.
    """
    exists = (
        vendor_exists if vendor_exists is not None else modules_txt is not None or bool(vendor_package_dirs)
    )
    uses_vendor, reason = _default_mode(gomod, gowork, modules_txt, exists, mod_flag)
    if not exists and not uses_vendor:
        return VendorVerdict(uses_vendor, reason)
    mains = _Mains((tuple(workspace_gomods) or (gomod,)) if gowork is not None else (gomod,), gowork)
    # go.mod files older than 1.14 did not record enough in modules.txt for the full check.
    pre114 = gowork is None and goversion.compare(gomod.go or "", _VENDOR_DEFAULT_VERSION) < 0
    vendor = _read_vendor_list(modules_txt)
    found: list[Inconsistency] = [*_too_new(vendor, toolchain_version)]
    found += _explicit_requirements(mains, vendor, pre114)
    found += _replacements(mains, vendor, pre114)
    found += _explicit_markers(mains, vendor)
    found += _stale_replacements(mains, vendor)
    if gowork is None and goversion.compare(gomod.go or "", _PRUNED_GRAPH_VERSION) >= 0:
        found += _vendored_not_required(gomod, vendor)
    if gowork is not None:
        main_go = gowork.go or _DEFAULT_GOWORK_VERSION
    else:
        main_go = gomod.go or _DEFAULT_GOMOD_VERSION
    found += _unlisted_packages(vendor, vendor_package_dirs, main_go, "work" if gowork else "mod")
    return VendorVerdict(uses_vendor, reason, tuple(found))
