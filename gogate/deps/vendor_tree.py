"""The files ``go mod vendor`` copies for one module, derived from the module's verified zip.

Why derive rather than compare with a zip directly: vendor/ is a filtered subset of the module
(one directory per listed package, no tests, no files tagged ``ignore``, plus embedded files
and licence-like files from parent directories), so its content can only be checked by
recomputing that subset from a zip whose h1 matched go.sum, then diffing. The rules follow
``cmd/go/internal/modcmd/vendor.go`` (vendorPkg, copyDir, matchPotentialSourceFile,
copyMetadata), go/build's ImportDir under UseAllFiles (which decides the embed patterns) and
``load.resolveEmbed`` (how patterns select files); see the notes §6.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from gogate import goversion
from gogate.deps.buildtags import read_go_info, read_header, should_build_any_tags
from gogate.deps.modpath import check_file_path
from gogate.deps.modzip import ModuleZip
from gogate.deps.patterns import BadPatternError, match_path_glob
from gogate.hashing import parallel_map, sha256_bytes

__all__ = ["VendorTreeError", "expected_vendor_files"]

_METADATA_PREFIXES = (
    "AUTHORS",
    "CONTRIBUTORS",
    "COPYLEFT",
    "COPYING",
    "COPYRIGHT",
    "LEGAL",
    "LICENSE",
    "NOTICE",
    "PATENTS",
)
_VCS_DIRECTORIES = frozenset({".bzr", ".hg", ".git", ".svn"})
_GLOB_META = frozenset("*?[\\")

# gover.DefaultGoModVersion: what a main module without a go line means.
_DEFAULT_GO = "1.16"


class VendorTreeError(Exception):
    """``go mod vendor`` itself would fail on this package, so no vendor tree can match."""

    def __init__(self, package: str, reason: str) -> None:
        super().__init__(f"go mod vendor cannot vendor {package}: {reason}")
        self.package = package
        self.reason = reason


# --- the module's files as the module cache holds them -----------------------------------------


class _Tree:
    """The extracted module as Unzip leaves it: the zip's files, and their parent directories."""

    def __init__(
        self, names: Iterable[str], read: Callable[[str], bytes], sha256: Callable[[str], str]
    ) -> None:
        self.read = read
        self.sha256 = sha256
        self.files = frozenset(names)
        self.children: dict[str, set[str]] = {"": set()}
        for name in self.files:
            parent, _, base = name.rpartition("/")
            self.children.setdefault(parent, set()).add(base)
            while parent:
                grand, _, base = parent.rpartition("/")
                siblings = self.children.setdefault(grand, set())
                if base in siblings:
                    break
                siblings.add(base)
                parent = grand
        self.dirs = frozenset(self.children)

    def is_dir(self, path: str) -> bool:
        return path in self.dirs

    def exists(self, path: str) -> bool:
        return path in self.files or path in self.dirs

    def listing(self, directory: str) -> list[str]:
        """os.ReadDir order: names sorted byte-wise."""
        return sorted(
            self.children.get(directory, ()), key=lambda name: name.encode("utf-8", "surrogateescape")
        )


def _join(directory: str, name: str) -> str:
    return f"{directory}/{name}" if directory and name else directory or name


def _tree_of(files: Mapping[str, bytes] | ModuleZip) -> _Tree:
    if isinstance(files, ModuleZip):
        return _Tree(files.files, files.read, files.sha256)
    return _Tree(files, lambda name: files[name], lambda name: sha256_bytes(files[name]))


# --- filepath.Glob ----------------------------------------------------------------------------


def _valid_fs_path(name: str) -> bool:
    """io/fs.ValidPath: unrooted, slash-separated, no empty, "." or ".." elements."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    if name == ".":
        return True
    return all(element not in ("", ".", "..") for element in name.split("/"))


def _glob(tree: _Tree, directory: str, pattern: str) -> list[str]:
    """filepath.Glob of ``directory/pattern`` on the tree, as paths relative to ``directory``."""
    elements = pattern.split("/")
    for count in range(1, len(elements) + 1):
        prefix = "/".join(elements[:count])
        if count == len(elements) or _GLOB_META & set(prefix):
            match_path_glob(prefix, "")  # Glob checks each prefix it recurses into
    current = [""]
    for element in elements:
        following: list[str] = []
        for relative in current:
            full = _join(directory, relative)
            if not tree.is_dir(full):
                continue
            if _GLOB_META & set(element):
                following.extend(
                    _join(relative, child) for child in tree.listing(full) if match_path_glob(element, child)
                )
            elif tree.exists(_join(full, element)):
                following.append(_join(relative, element))
        current = following
    return current


# --- //go:embed resolution (load.resolveEmbed) -------------------------------------------------


def _is_bad_embed_name(name: str) -> bool:
    return check_file_path(name) is not None or name == "" or name in _VCS_DIRECTORIES


def _walk(tree: _Tree, top: str) -> Iterable[tuple[str, bool]]:
    """fs.WalkDir order (lexical, directory before its contents); the caller skips subtrees."""
    yield top, True
    for name in tree.listing(top):
        path = _join(top, name)
        if tree.is_dir(path):
            yield from _walk(tree, path)
        else:
            yield path, False


def _walk_embeddable(tree: _Tree, top: str, directory: str, include_hidden: bool) -> tuple[list[str], int]:
    """Files an embedded directory contributes (relative to ``directory``) and how many counted."""
    found: list[str] = []
    skipped: list[str] = []
    for path, is_dir in _walk(tree, top):
        if any(path.startswith(prefix + "/") for prefix in skipped):
            continue
        name = path.rpartition("/")[2]
        relative = path[len(directory) + 1 :] if directory else path
        if path != top and (_is_bad_embed_name(name) or (name[0] in "._" and not include_hidden)):
            if is_dir:
                skipped.append(path)
            elif name[0] not in "._":
                raise _EmbedError(f"cannot embed file {relative}: invalid name {name}")
            continue
        if is_dir:
            if tree.exists(_join(path, "go.mod")):
                skipped.append(path)
            continue
        found.append(relative)
    return found, len(found)


class _EmbedError(Exception):
    pass


def _resolve_embeds(tree: _Tree, directory: str, patterns: Sequence[str]) -> list[str]:
    """load.ResolveEmbed: the files (relative to the package directory) the patterns select."""
    selected: set[str] = set()
    checked: set[str] = set()
    for pattern in patterns:
        try:
            selected.update(_resolve_one(tree, directory, pattern, checked))
        except BadPatternError:
            raise _EmbedError(f"pattern {pattern}: syntax error in pattern") from None
        except _EmbedError as error:
            raise _EmbedError(f"pattern {pattern}: {error}") from None
    return sorted(selected)


def _resolve_one(tree: _Tree, directory: str, pattern: str, checked: set[str]) -> list[str]:
    glob, include_hidden = (pattern[4:], True) if pattern.startswith("all:") else (pattern, False)
    try:
        match_path_glob(glob, "")
    except BadPatternError:
        raise _EmbedError("invalid pattern syntax") from None
    if glob == "." or not _valid_fs_path(glob):
        raise _EmbedError("invalid pattern syntax")
    found: list[str] = []
    for relative in _glob(tree, directory, glob):
        full = _join(directory, relative)
        what = "directory" if tree.is_dir(full) else "file"
        current = relative
        while current and _join(directory, current) not in checked:
            current_full = _join(directory, current)
            if tree.exists(_join(current_full, "go.mod")):
                raise _EmbedError(f"cannot embed {what} {relative}: in different module")
            checked.add(current_full)
            element = current.rpartition("/")[2]
            if _is_bad_embed_name(element):
                where = "invalid name" if current == relative else "in invalid directory"
                raise _EmbedError(f"cannot embed {what} {relative}: {where} {element}")
            current = current.rpartition("/")[0]
        if what == "file":
            found.append(relative)
            continue
        files, count = _walk_embeddable(tree, full, directory, include_hidden)
        if count == 0:
            raise _EmbedError(f"cannot embed directory {relative}: contains no embeddable files")
        found.extend(files)
    if not found:
        raise _EmbedError("no matching files found")
    return found


# --- go/build ImportDir with UseAllFiles: which embed patterns count ---------------------------


def _package_embeds(
    tree: _Tree, package: str, directory: str, with_tests: bool, cgo_enabled: bool
) -> list[str]:
    """The embed patterns vendorPkg resolves, or VendorTreeError where its ImportDir fails."""
    first_error: tuple[str, bool] | None = None  # (message, is a multiple-package error)
    package_name = ""
    counted = 0
    patterns: set[str] = set()

    def bad(message: str, multiple: bool = False) -> None:
        nonlocal first_error
        if first_error is None:
            first_error = (message, multiple)

    for name in tree.listing(directory):
        path = _join(directory, name)
        if tree.is_dir(path) or name[0] in "_." or not name.endswith(".go"):
            continue
        info = read_go_info(tree.read(path))
        if info.error is not None:
            bad(f"{name}: {info.error}")
            if not info.counted:
                continue
        if info.package == "documentation":
            continue
        own = info.package
        is_test = name.endswith("_test.go")
        if is_test and own.endswith("_test") and package_name != own:
            own = own.removesuffix("_test")
        if package_name == "":
            package_name = own
        elif own != package_name:
            bad(f"found packages {package_name} and {own} in {directory or '.'}", multiple=True)
        is_cgo = "C" in info.imports
        if is_cgo and is_test:
            bad(f"use of cgo in test {name} not supported")
            is_cgo = False
        if is_cgo and not cgo_enabled:
            continue
        counted += 1
        if not is_test or with_tests:
            patterns.update(info.embeds)
    if first_error is not None and not first_error[1]:
        raise VendorTreeError(package, f"failed to find embedded files: {first_error[0]}")
    if counted == 0 and first_error is None:
        return []
    return sorted(patterns)


# --- vendorPkg ---------------------------------------------------------------------------------


def _is_metadata(name: str) -> bool:
    return name.startswith(_METADATA_PREFIXES)


def _keeps_source_file(tree: _Tree, path: str, name: str, drop_module_files: bool) -> bool:
    """matchPotentialSourceFile."""
    if name.endswith("_test.go"):
        return False
    if drop_module_files and name in ("go.mod", "go.sum"):
        return False
    if name.endswith(".go"):
        header = read_header(tree.read(path))
        return header.error is not None or should_build_any_tags(header.content)
    return True


def expected_vendor_files(
    files: Mapping[str, bytes] | ModuleZip,
    module_path: str,
    packages: Sequence[str],
    main_go: str | None,
    *,
    cgo_enabled: bool = True,
    workers: int | None = None,
) -> dict[str, str]:
    """``{vendor-relative path: sha256 hex}`` of what ``go mod vendor`` copies for this module.

    ``files`` are the module's files (paths relative to its root; a verified ModuleZip is read
    lazily), ``packages`` the import paths vendor/modules.txt lists under ``module_path`` (the
    original path for a replaced module: files come from the replacement, but land under the
    original path). ``main_go`` is the main module's go line (None: no go line, Go's 1.16).
    ``cgo_enabled`` mirrors CGO_ENABLED when vendoring: embeds in cgo files count only with cgo.

    Raises VendorTreeError where ``go mod vendor`` itself fails (a package directory without
    files, a Go file go/build cannot read, an embed pattern that selects nothing), and
    ValueError for a package outside ``module_path``.
    """
    tree = _tree_of(files)
    go_line = main_go or _DEFAULT_GO
    drop_module_files = goversion.compare(go_line, "1.17") >= 0
    with_tests = goversion.compare(go_line, "1.22") < 0
    sources: dict[str, str] = {}
    metadata_done: set[str] = set()
    for package in sorted(set(packages)):
        if package == module_path:
            directory = ""
        elif package.startswith(module_path + "/"):
            directory = package[len(module_path) + 1 :]
        else:
            raise ValueError(f"package {package} is not in module {module_path}")
        if not tree.is_dir(directory):
            raise VendorTreeError(package, f"no directory {directory or '.'} in the module")
        for name in tree.listing(directory):
            path = _join(directory, name)
            if not tree.is_dir(path) and _keeps_source_file(tree, path, name, drop_module_files):
                sources[f"{package}/{name}"] = path
        _copy_metadata(tree, package, directory, module_path, metadata_done, sources)
        patterns = _package_embeds(tree, package, directory, with_tests, cgo_enabled)
        try:
            embedded = _resolve_embeds(tree, directory, patterns)
        except _EmbedError as error:
            raise VendorTreeError(package, f"resolving embeds: {error}") from None
        for relative in embedded:
            sources.setdefault(f"{package}/{relative}", _join(directory, relative))
    digests = parallel_map(tree.sha256, sorted(set(sources.values())), workers)
    return {target: digests[source] for target, source in sorted(sources.items())}


def _copy_metadata(
    tree: _Tree, package: str, directory: str, module_path: str, done: set[str], sources: dict[str, str]
) -> None:
    """copyMetadata: licence-like files of each parent directory, up to the module root.

    Go remembers every destination it visited across packages and stops at the first one seen
    before; packages are vendored in sorted order, so a parent package's own copy comes first.
    """
    level = 0
    while package not in done:
        done.add(package)
        if level > 0:
            for name in tree.listing(directory):
                path = _join(directory, name)
                if not tree.is_dir(path) and _is_metadata(name):
                    sources[f"{package}/{name}"] = path
        if package == module_path:
            return
        package = package.rpartition("/")[0]
        directory = directory.rpartition("/")[0]
        level += 1
