"""A Go installation in the form of its toolchain module, to check it against the module's ``h1:``.

The go command downloads Go toolchains as the module ``golang.org/toolchain@v0.0.1-goX.Y.Z.GOOS-GOARCH``,
whose ``h1:`` the checksum database records. Go's release tool (``cmd/distpack``) writes that module zip
and the binary archive ``goX.Y.Z.GOOS-GOARCH.tar.gz`` from the same file list and the same bytes, so an
installed GOROOT (or the archive) can be turned back into the module's file list and hashed:

* drop what distpack never ships: ``.git/**``, ``.github/**``, ``.jj/**``, ``.gitattributes``,
  ``.gitignore``, ``VERSION.cache``, any ``.DS_Store`` or ``*.exe~``, ``src/cmd/dist/dist[.exe]``;
* ``pkg/``: keep only ``pkg/include/**`` and ``pkg/tool/GOOS_GOARCH/**``;
* drop what the module leaves out of the binary archive: everything under ``api/ doc/ misc/ test/``;
* rename every ``go.mod`` to ``_go.mod``; prefix every name with ``golang.org/toolchain@<version>/``.

A toolchain the go command unpacked in its module cache has one more change: before running it, Go
copies every ``_go.mod`` to a sibling ``go.mod``. Such a ``go.mod`` is left out when its bytes equal
its sibling's; a copy that differs is kept under its own name, so the tree no longer matches and the
file is named.

What is deliberately *not* re-applied: distpack's version-dependent choice of which tools to ship in
``pkg/tool/GOOS_GOARCH`` and of ``bin/`` contents. An unpacked official archive holds exactly those files;
anything more (a tool someone built, a binary someone installed into ``bin/``) must show as an extra
file, not vanish from the comparison. Files left out of the module form are listed in
:attr:`ToolchainTree.ignored`: they are not covered by the ``h1:`` and only the archive's SHA-256 can
vouch for them.
"""

from __future__ import annotations

import hashlib
import re
import stat
import tarfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from gogate.dirhash import Entry, hash1, raw_name, walk_files, zip_entry_name
from gogate.errors import InputError
from gogate.hashing import sha256_files

__all__ = [
    "MODULE_PATH",
    "ToolchainTree",
    "TreeDiff",
    "compare_trees",
    "goroot_version",
    "module_file_name",
    "toolchain_h1_from_archive",
    "toolchain_h1_from_goroot",
    "toolchain_module_version",
    "toolchain_tree_from_archive",
    "toolchain_tree_from_goroot",
]

MODULE_PATH = "golang.org/toolchain"
_MODULE_VERSION_PREFIX = "v0.0.1"

_GO_VERSION = re.compile(r"^go[0-9]+(\.[0-9]+){0,2}((rc|beta)[0-9]+)?$")
_PLATFORM_PART = re.compile(r"^[a-z0-9]+$")

_DROPPED_FIRST = {".git", ".github", ".jj", "api", "doc", "misc", "test"}
_DROPPED_EXACT = {
    ".gitattributes",
    ".gitignore",
    "VERSION.cache",
    "src/cmd/dist/dist",
    "src/cmd/dist/dist.exe",
}
# A release archive is far below this; it bounds what a hostile archive can make gogate read.
MAX_ARCHIVE_CONTENT = 4 << 30
_READ_SIZE = 1024 * 1024


def toolchain_module_version(version: str, goos: str, goarch: str) -> str:
    """``v0.0.1-go1.27.3.linux-amd64`` for ("1.27.3" or "go1.27.3", "linux", "amd64").

    Raises InputError for a version or platform that cannot name a toolchain module.
    """
    go_version = version if version.startswith("go") else "go" + version
    if not _GO_VERSION.match(go_version):
        raise InputError("version", f"{version!r} is not a Go release version such as go1.27.3")
    for label, part in (("GOOS", goos), ("GOARCH", goarch)):
        if not _PLATFORM_PART.match(part):
            raise InputError(label, f"{part!r} is not a valid {label}")
    return f"{_MODULE_VERSION_PREFIX}-{go_version}.{goos}-{goarch}"


def module_file_name(relative: str, goos: str, goarch: str) -> str | None:
    """The toolchain-module name (without prefix) of a GOROOT-relative posix path, or None if omitted."""
    parts = relative.split("/")
    base = parts[-1]
    if parts[0] in _DROPPED_FIRST or relative in _DROPPED_EXACT:
        return None
    if base == ".DS_Store" or base.endswith(".exe~"):
        return None
    if parts[0] == "pkg" and not (
        relative.startswith("pkg/include/") or relative.startswith(f"pkg/tool/{goos}_{goarch}/")
    ):
        return None
    if base == "go.mod":
        return "/".join([*parts[:-1], "_go.mod"])
    return relative


@dataclass(frozen=True, slots=True)
class ToolchainTree:
    """A GOROOT or release archive in toolchain-module form."""

    module_version: str
    entries: tuple[Entry, ...]
    """(``golang.org/toolchain@<version>/<name>``, sha256 hex) for every file of the module form."""
    ignored: tuple[str, ...] = ()
    """GOROOT-relative names left out of the module form (not covered by the h1)."""

    @property
    def prefix(self) -> str:
        return f"{MODULE_PATH}@{self.module_version}/"

    @property
    def h1(self) -> str:
        return hash1(self.entries)


def _assemble(module_version: str, files: Iterable[tuple[str, str]], goos: str, goarch: str) -> ToolchainTree:
    """Apply the module rules to (GOROOT-relative name, sha256) pairs."""
    digests: dict[str, str] = {}
    order: list[str] = []
    for relative, digest in files:
        if relative not in digests:
            order.append(relative)
        digests[relative] = digest
    prefix = f"{MODULE_PATH}@{module_version}/"
    entries: list[Entry] = []
    ignored: list[str] = []
    for relative in order:
        parent, _, base = relative.rpartition("/")
        sibling = f"{parent}/_go.mod" if parent else "_go.mod"
        if base == "go.mod" and sibling in digests:
            # The go command's copy of _go.mod (module cache); a copy that differs stays visible.
            if digests[sibling] == digests[relative]:
                ignored.append(relative)
            else:
                entries.append((prefix + relative, digests[relative]))
            continue
        name = module_file_name(relative, goos, goarch)
        if name is None:
            ignored.append(relative)
        else:
            entries.append((prefix + name, digests[relative]))
    return ToolchainTree(module_version=module_version, entries=tuple(entries), ignored=tuple(ignored))


def goroot_version(goroot: str | Path) -> str:
    """The Go version on the first line of ``GOROOT/VERSION`` (e.g. ``go1.27.3``)."""
    path = Path(goroot) / "VERSION"
    try:
        first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(str(path), f"cannot be read as a Go VERSION file: {error}") from error
    if not _GO_VERSION.match(first):
        raise InputError(str(path), f"first line {first!r} is not a Go release version", line=1)
    return first


def toolchain_tree_from_goroot(
    goroot: str | Path, version: str, goos: str, goarch: str, *, workers: int | None = None
) -> ToolchainTree:
    """An installed GOROOT (unpacked official archive or module-cache toolchain) in module form."""
    module_version = toolchain_module_version(version, goos, goarch)
    root = str(goroot)
    if not Path(root).is_dir():
        raise InputError(root, "is not a directory", remediation="give the GOROOT of the Go installation")
    found: list[tuple[str, str]] = []
    walk_files(root, "", found)
    digests = sha256_files([path for _, path in found], workers)
    return _assemble(module_version, ((relative, digests[path]) for relative, path in found), goos, goarch)


def toolchain_h1_from_goroot(
    goroot: str | Path, version: str, goos: str, goarch: str, *, workers: int | None = None
) -> str:
    """The ``h1:`` of the toolchain module that ``goroot`` would be, per distpack's rules."""
    return toolchain_tree_from_goroot(goroot, version, goos, goarch, workers=workers).h1


def _archive_member_name(label: str, name: str) -> str | None:
    """GOROOT-relative name of a ``go/``-prefixed archive member; None for the ``go/`` root itself."""
    if "\\" in name or name.startswith("/"):
        raise InputError(label, f"member {name!r} has an absolute or non-portable path")
    pure = PurePosixPath(name)
    if any(part in ("..", ".", "") for part in name.rstrip("/").split("/")) or pure.parts[:1] != ("go",):
        raise InputError(label, f"member {name!r} is not a clean path under go/")
    relative = "/".join(pure.parts[1:])
    return relative or None


def _tar_files(
    path: Path, label: str, *, stream: IO[bytes] | None = None, version_line: list[str] | None = None
) -> list[tuple[str, str]]:
    """(GOROOT-relative name, sha256) of every file; with ``stream``, read it sequentially (once).

    ``version_line`` receives the first line of go/VERSION when the archive has one.
    """
    files: list[tuple[str, str]] = []
    seen: set[str] = set()
    total = 0
    try:
        if stream is None:
            archive_context = tarfile.open(path, mode="r:*")  # noqa: SIM115 - entered just below
        else:
            archive_context = tarfile.open(fileobj=stream, mode="r|*")  # noqa: SIM115 - entered just below
        with archive_context as archive:
            for member in archive:
                relative = _archive_member_name(label, member.name)
                if member.isdir():
                    continue
                if not member.isreg():
                    kind = "link" if member.issym() or member.islnk() else "special file"
                    raise InputError(label, f"member {member.name!r} is a {kind}; a Go release has none")
                if relative is None:
                    raise InputError(label, f"member {member.name!r} is not a file under go/")
                if relative in seen:
                    raise InputError(label, f"member {member.name!r} appears more than once")
                seen.add(relative)
                total += member.size
                if total > MAX_ARCHIVE_CONTENT:
                    raise InputError(label, f"holds more than {MAX_ARCHIVE_CONTENT} bytes of content")
                handle = archive.extractfile(member)
                if handle is None:  # pragma: no cover - isreg() members always have data
                    raise InputError(label, f"member {member.name!r} has no data")
                with handle:
                    if relative == "VERSION" and version_line is not None:
                        data = handle.read()
                        version_line.append(data.split(b"\n", 1)[0].decode("utf-8", "replace").strip())
                        digest = hashlib.sha256(data).hexdigest()
                    else:
                        digest = _sha256_stream(handle)
                files.append((relative, digest))
    except (tarfile.TarError, EOFError, OSError) as error:
        raise InputError(label, f"is not a readable tar.gz archive: {error}") from error
    return files


def _sha256_stream(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(_READ_SIZE):
        digest.update(chunk)
    return digest.hexdigest()


def _zip_files(path: Path, label: str) -> list[tuple[str, str]]:
    files: list[tuple[str, str]] = []
    seen: set[str] = set()
    total = 0
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                name = zip_entry_name(info)
                relative = _archive_member_name(label, name)
                if name.endswith("/"):
                    continue
                kind = stat.S_IFMT(info.external_attr >> 16)
                if kind and kind != stat.S_IFREG:
                    raise InputError(label, f"member {name!r} is not a regular file")
                if relative is None:
                    raise InputError(label, f"member {name!r} is not a file under go/")
                if relative in seen:
                    raise InputError(label, f"member {name!r} appears more than once")
                seen.add(relative)
                total += info.file_size
                if total > MAX_ARCHIVE_CONTENT:
                    raise InputError(label, f"holds more than {MAX_ARCHIVE_CONTENT} bytes of content")
                with archive.open(info) as handle:
                    files.append((relative, _sha256_stream(handle)))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise InputError(label, f"is not a readable zip archive: {error}") from error
    return files


def toolchain_tree_from_archive(archive: str | Path, version: str, goos: str, goarch: str) -> ToolchainTree:
    """A binary release archive (``go/``-prefixed .tar.gz, or .zip for Windows) in module form.

    Read as a stream, never extracted. Links, special files, duplicate members, paths outside
    ``go/`` and more than MAX_ARCHIVE_CONTENT bytes are refused with an InputError.
    """
    path = Path(archive)
    label = str(archive)
    module_version = toolchain_module_version(version, goos, goarch)
    if not path.is_file():
        raise InputError(label, "is not a file")
    files = _zip_files(path, label) if zipfile.is_zipfile(path) else _tar_files(path, label)
    return _assemble(module_version, files, goos, goarch)


def toolchain_tree_from_tar_stream(
    stream: IO[bytes], label: str, version: str, goos: str, goarch: str, version_line: list[str]
) -> ToolchainTree:
    """Like :func:`toolchain_tree_from_archive` for a .tar.gz read sequentially from ``stream``."""
    module_version = toolchain_module_version(version, goos, goarch)
    files = _tar_files(Path(label), label, stream=stream, version_line=version_line)
    return _assemble(module_version, files, goos, goarch)


def toolchain_h1_from_archive(archive: str | Path, version: str, goos: str, goarch: str) -> str:
    """The ``h1:`` of the toolchain module corresponding to a binary release archive."""
    return toolchain_tree_from_archive(archive, version, goos, goarch).h1


@dataclass(frozen=True, slots=True)
class TreeDiff:
    """How an actual tree differs from a reference: names only in one, or with other content."""

    extra: tuple[str, ...] = field(default=())
    """In the actual tree, not in the reference."""
    missing: tuple[str, ...] = field(default=())
    """In the reference, not in the actual tree."""
    modified: tuple[str, ...] = field(default=())
    """In both, with different content (or a different number of entries of that name)."""

    @property
    def identical(self) -> bool:
        return not (self.extra or self.missing or self.modified)

    def describe(self, limit: int = 20) -> list[str]:
        """Human-readable lines, at most ``limit`` names per kind plus a count of the rest."""
        lines: list[str] = []
        for kind, names in (("modified", self.modified), ("missing", self.missing), ("extra", self.extra)):
            lines.extend(f"{kind}: {name}" for name in names[:limit])
            if len(names) > limit:
                lines.append(f"{kind}: ... and {len(names) - limit} more")
        return lines


def _group(entries: Iterable[Entry]) -> Mapping[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, digest in entries:
        grouped.setdefault(name, []).append(digest)
    return grouped


def compare_trees(reference_entries: Iterable[Entry], actual_entries: Iterable[Entry]) -> TreeDiff:
    """Name the files that make ``actual_entries`` differ from ``reference_entries`` (names sorted as Go)."""
    reference = _group(reference_entries)
    actual = _group(actual_entries)
    extra = sorted((name for name in actual if name not in reference), key=raw_name)
    missing = sorted((name for name in reference if name not in actual), key=raw_name)
    modified = sorted(
        (name for name in reference if name in actual and sorted(reference[name]) != sorted(actual[name])),
        key=raw_name,
    )
    return TreeDiff(extra=tuple(extra), missing=tuple(missing), modified=tuple(modified))
