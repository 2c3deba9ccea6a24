"""Compare vendor/ with what ``go mod vendor`` would write from the verified module zips.

Why: Go never checks vendored files (golang/go#27348): in vendor mode go.sum is not consulted
and a hand-edited file builds silently. vendor/ is a subset of each module's zip, so its hash
cannot be recomputed from vendor/ alone; instead each vendored module's zip is obtained (module
cache, else GOPROXY), checked against the module-zip rules and against go.sum, the files Go would
copy are derived from it, and vendor/ is compared file by file: added, removed, modified.

A module whose zip cannot be obtained or authenticated is "not verified", never passed; files
under vendor/ that belong to no listed module are reported separately.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gogate import goversion
from gogate.deps.gomod import parse_gomod
from gogate.deps.model import GoSum, VendoredModule, VendorStatus
from gogate.deps.modfetch import ObtainedZip, keep, obtain_zip
from gogate.deps.modzip import ModuleZipError, open_module_zip
from gogate.deps.vendor_tree import VendorTreeError, expected_vendor_files
from gogate.errors import InputError
from gogate.facts.textfile import TextFile
from gogate.hashing import sha256_files

__all__ = ["VendoredContent", "compare_vendor", "owning_module", "vendor_files"]


@dataclass(frozen=True, slots=True)
class VendoredContent:
    """The verdict on one vendored module's files."""

    module: VendoredModule
    status: VendorStatus
    detail: str = ""
    source: str = ""
    """Where the zip came from."""
    expected_h1: str | None = None
    found_h1: str | None = None
    sum_line: int | None = None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()
    """vendor/-relative paths (``example.com/m/x.go``)."""
    infrastructure: bool = False
    """The zip could not be fetched because of the network (undecided, exit 3)."""
    annotation: str | None = None
    """How the ``## go`` annotation in modules.txt differs from what go mod vendor writes (Go never
    checks it, yet it sets the language version the vendored packages compile with)."""


IRREGULAR = "irregular:"
"""Prefix of the stand-in digest of an entry that is not a regular file (never read)."""


def vendor_files(vendor: Path, workers: int | None = None) -> dict[str, str]:
    """sha256 of every file under vendor/ except modules.txt, keyed by vendor/-relative path.

    ``go mod vendor`` writes only directories and regular files. A symlink (to a file or a
    directory, inside or outside the repository), a FIFO or a device is never followed or read
    (a FIFO would block, /dev/zero never ends); it gets a stand-in digest starting with
    :data:`IRREGULAR`, so it shows up as added or modified, by name.
    """
    found: dict[str, str] = {}
    irregular: dict[str, str] = {}
    for directory, subdirs, files in os.walk(vendor):
        relative_dir = Path(os.path.relpath(directory, vendor)).as_posix()
        prefix = "" if relative_dir == "." else f"{relative_dir}/"
        for name in list(subdirs):
            if os.path.islink(os.path.join(directory, name)):
                subdirs.remove(name)  # os.walk would not descend, but Go's build would
                irregular[prefix + name] = f"{IRREGULAR}symlink to a directory"
        subdirs.sort()
        for name in files:
            relative = prefix + name
            path = os.path.join(directory, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                irregular[relative] = f"{IRREGULAR}symlink"
            elif not stat.S_ISREG(mode):
                irregular[relative] = f"{IRREGULAR}not a regular file"
            elif relative != "modules.txt":
                found[relative] = path
    digests = sha256_files(list(found.values()), workers)
    return {**{relative: digests[path] for relative, path in found.items()}, **irregular}


def owning_module(relative: str, module_paths: Sequence[str]) -> str | None:
    """The listed module whose directory holds ``relative`` (the longest path prefix wins)."""
    directory = relative.rpartition("/")[0]
    best: str | None = None
    for path in module_paths:
        if (directory == path or directory.startswith(f"{path}/")) and (
            best is None or len(path) > len(best)
        ):
            best = path
    return best


def _sum_for(gosums: Sequence[GoSum], path: str, version: str) -> tuple[str, int] | None:
    for gosum in gosums:
        for line in gosum.lines:
            if (
                line.path == path
                and line.version == version
                and not line.gomod
                and line.hash.startswith("h1:")
            ):
                return line.hash, line.line
    return None


def _local_tree(directory: Path) -> dict[str, bytes]:
    """Every regular file of a directory replacement; like go mod vendor's copy, symlinks and other
    irregular entries are skipped (never followed, so nothing outside is read through them)."""
    files: dict[str, bytes] = {}
    for current, subdirs, names in os.walk(directory):
        subdirs.sort()
        relative_dir = Path(os.path.relpath(current, directory)).as_posix()
        for name in names:
            relative = name if relative_dir == "." else f"{relative_dir}/{name}"
            full = os.path.join(current, name)
            if stat.S_ISREG(os.lstat(full).st_mode):
                files[relative] = Path(full).read_bytes()
    return files


def _go_line(gomod: bytes | None) -> str | None:
    """The ``go`` directive of a dependency's go.mod, as go mod vendor reads it (None: no line, or
    a go.mod Go itself would refuse, in which case vendoring fails and other findings say so)."""
    if gomod is None:
        return None
    try:
        return parse_gomod(TextFile("go.mod", gomod.decode("utf-8").replace("\r\n", "\n"))).go
    except (InputError, UnicodeDecodeError):
        return None


def _annotation_problem(module: VendoredModule, gomod: bytes | None, main_go: str | None) -> str | None:
    """``## go X`` is written for every vendored module when the main go line is 1.17 or newer."""
    if main_go is None or goversion.compare(main_go, "1.17") < 0:
        return None
    expected = _go_line(gomod)
    if expected == module.go_version:
        return None
    want = f"## go {expected}" if expected else "no go annotation"
    have = f"## go {module.go_version}" if module.go_version else "none"
    return f"modules.txt line {module.line} should carry {want} (the module's go.mod), it has {have}"


def _diff(
    module: VendoredModule, expected: Mapping[str, str], actual: Mapping[str, str], owned: set[str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    added = tuple(sorted(owned - expected.keys()))
    removed = tuple(sorted(expected.keys() - actual.keys()))
    modified = tuple(sorted(name for name in expected.keys() & owned if expected[name] != actual[name]))
    return added, removed, modified


def compare_vendor(
    module_dir: Path,
    modules: Sequence[VendoredModule],
    actual: Mapping[str, str],
    *,
    main_go: str | None,
    gosums: Sequence[GoSum],
    gomodcache: str | None,
    settings: Mapping[str, str],
    downloads: Path,
) -> tuple[list[VendoredContent], list[str]]:
    """Verdicts for every vendored module, and the vendor/ files no listed module owns."""
    paths = [module.path for module in modules]
    owned: dict[str, set[str]] = {path: set() for path in paths}
    unowned: list[str] = []
    for relative in actual:
        owner = owning_module(relative, paths)
        if owner is None:
            unowned.append(relative)
        else:
            owned[owner].add(relative)
    verdicts: list[VendoredContent] = []
    for module in modules:
        mine = owned[module.path]
        if not module.packages and not mine:
            continue
        verdicts.append(
            _verify_module(
                module_dir,
                module,
                actual,
                mine,
                main_go=main_go,
                gosums=gosums,
                gomodcache=gomodcache,
                settings=settings,
                downloads=downloads,
            )
        )
    return verdicts, sorted(unowned)


def _verify_module(
    module_dir: Path,
    module: VendoredModule,
    actual: Mapping[str, str],
    mine: set[str],
    *,
    main_go: str | None,
    gosums: Sequence[GoSum],
    gomodcache: str | None,
    settings: Mapping[str, str],
    downloads: Path,
) -> VendoredContent:
    source_path = module.replacement_path or module.path
    if module.replacement_path is not None and module.replacement_version is None:
        # A directory replacement: the files come from the repository itself, nothing to authenticate.
        directory = (module_dir / module.replacement_path).resolve()
        if not directory.is_dir():
            return VendoredContent(
                module,
                VendorStatus.NOT_VERIFIED,
                f"replacement directory {module.replacement_path} not found",
            )
        try:
            expected = expected_vendor_files(_local_tree(directory), module.path, module.packages, main_go)
        except VendorTreeError as error:
            return VendoredContent(
                module, VendorStatus.UNDERIVABLE, f"go mod vendor itself fails on it ({error})"
            )
        added, removed, modified = _diff(module, expected, actual, mine)
        status = VendorStatus.DIFFERS if added or removed or modified else VendorStatus.VERIFIED
        return VendoredContent(
            module,
            status,
            source=f"directory {module.replacement_path}",
            added=added,
            removed=removed,
            modified=modified,
        )
    source_version = module.replacement_version or module.version
    recorded = _sum_for(gosums, source_path, source_version)
    if recorded is None:
        # go mod vendor needs the go.sum line to download the module: vendor/ holding it without
        # one was not written by Go from an authenticated module.
        return VendoredContent(
            module,
            VendorStatus.NO_SUM,
            f"go.sum has no line for {source_path} {source_version}: its files cannot be authenticated, "
            "and go mod vendor would not have vendored it",
        )
    expected_h1, sum_line = recorded
    obtained = obtain_zip(
        source_path,
        source_version,
        gomodcache=gomodcache,
        settings=settings,
        downloads=downloads,
    )
    if obtained.path is None:
        return VendoredContent(
            module,
            VendorStatus.NOT_FOUND if obtained.not_found else VendorStatus.NOT_VERIFIED,
            f"the zip of {source_path}@{source_version} could not be obtained: {obtained.reason}",
            expected_h1=expected_h1,
            sum_line=sum_line,
            infrastructure=obtained.infrastructure,
        )
    try:
        return _verify_zip(module, obtained, expected_h1, sum_line, actual, mine, main_go)
    finally:
        if obtained.pending is not None:
            obtained.path.unlink(missing_ok=True)  # still there only when it was not kept


def _verify_zip(
    module: VendoredModule,
    obtained: ObtainedZip,
    expected_h1: str,
    sum_line: int,
    actual: Mapping[str, str],
    mine: set[str],
    main_go: str | None,
) -> VendoredContent:
    assert obtained.path is not None
    source_path = module.replacement_path or module.path
    source_version = module.replacement_version or module.version
    try:
        with open_module_zip(obtained.path, source_path, source_version) as archive:
            found_h1 = archive.h1()
            if found_h1 == expected_h1:
                keep(obtained)
            else:
                return VendoredContent(
                    module,
                    VendorStatus.ZIP_MISMATCH,
                    f"the zip of {source_path}@{source_version} does not match go.sum",
                    source=obtained.source,
                    expected_h1=expected_h1,
                    found_h1=found_h1,
                    sum_line=sum_line,
                )
            expected = expected_vendor_files(archive, module.path, module.packages, main_go)
            annotation = _annotation_problem(
                module, archive.read("go.mod") if "go.mod" in archive.files else None, main_go
            )
    except ModuleZipError as error:
        return VendoredContent(
            module,
            VendorStatus.REJECTED,
            error.message,
            source=obtained.source,
            expected_h1=expected_h1,
            sum_line=sum_line,
        )
    except VendorTreeError as error:
        return VendoredContent(
            module,
            VendorStatus.UNDERIVABLE,
            f"go mod vendor itself fails on it ({error}), so no vendor/ tree of it can be genuine",
            source=obtained.source,
            expected_h1=expected_h1,
            sum_line=sum_line,
        )
    added, removed, modified = _diff(module, expected, actual, mine)
    status = VendorStatus.DIFFERS if added or removed or modified else VendorStatus.VERIFIED
    return VendoredContent(
        module,
        status,
        source=obtained.source,
        expected_h1=expected_h1,
        found_h1=found_h1,
        sum_line=sum_line,
        added=added,
        removed=removed,
        modified=modified,
        annotation=annotation,
    )
