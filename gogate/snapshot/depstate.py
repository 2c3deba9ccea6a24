"""The dependency-state digest: one SHA-256 over every file that decides which dependencies a build uses.

Why framed: hashing the files' bytes one after another would let two different layouts collide
(``a/go.sum`` ending where ``b/go.mod`` begins could be moved between the two). Each file is fed as
``<length of path>:<path><length of content>:<content>`` after a version tag, in a canonical order
(repository-relative paths sorted as UTF-8 bytes), so the digest changes exactly when a file's path,
presence or content does.

Which files: for every module of the repository (each go.mod found outside vendor/, testdata/,
hidden directories, module caches and directories tagged as caches) its go.mod, go.sum and
vendor/modules.txt; for a go.work, go.work, go.work.sum and the workspace's vendor/modules.txt. A
file that does not exist is simply not in the list (an empty go.sum and no go.sum differ).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from gogate.cachedir import TAG_NAME, is_tagged_cache, skipped_cache_path
from gogate.errors import InputError
from gogate.facts.textfile import read_repo_bytes
from gogate.snapshot.model import DependencyState

__all__ = ["DIGEST_TAG", "dependency_files", "dependency_state", "find_module_files"]

DIGEST_TAG = b"gogate dependency state v1\n"
_LIMIT = 256 * 1024 * 1024
_SKIPPED_DIRECTORIES = frozenset({"vendor", "testdata", "node_modules"})
_SUM_FILES = ("go.sum", "go.work.sum")


def find_module_files(root: Path, cache_root: Path | None = None) -> list[str]:
    """Every go.mod and go.work under ``root`` as Go's ``./...`` would see modules: outside vendor/,
    testdata/, directories starting with ``.`` or ``_`` and module-cache directories (``@``).

    gogate's cache kept in the checkout (``cache_root``, tagged with gogate's ``CACHEDIR.TAG``) is
    skipped too: it holds whole Go releases whose go.mod files are not ours (see
    :func:`gogate.facts.pins._walk` for why the tag alone is not enough).
    """
    skipped_cache = skipped_cache_path(root, cache_root)

    def unreadable(error: OSError) -> None:
        where = os.path.relpath(error.filename, root) if error.filename else "."
        raise InputError(Path(where).as_posix(), f"cannot be read: {error.strerror or error}")

    found: list[str] = []
    for directory, subdirs, files in os.walk(root, onerror=unreadable):
        if directory == skipped_cache and TAG_NAME in files and is_tagged_cache(Path(directory)):
            subdirs[:] = []
            continue
        subdirs[:] = sorted(
            d
            for d in subdirs
            if d not in _SKIPPED_DIRECTORIES and not d.startswith((".", "_")) and "@" not in d
        )
        relative = Path(os.path.relpath(directory, root)).as_posix()
        found.extend(
            name if relative == "." else f"{relative}/{name}"
            for name in ("go.mod", "go.work")
            if name in files
        )
    return found


def dependency_files(module_files: Iterable[str]) -> list[str]:
    """The candidate files for ``module_files`` (go.mod / go.work paths), in canonical order."""
    candidates: set[str] = set()
    for module_file in module_files:
        directory, _, name = module_file.rpartition("/")
        prefix = f"{directory}/" if directory else ""
        companions = ("go.sum",) if name == "go.mod" else ("go.work.sum",)
        candidates.update(f"{prefix}{file}" for file in (name, *companions, "vendor/modules.txt"))
    return sorted(candidates, key=lambda path: path.encode("utf-8"))


def _frame(data: bytes) -> bytes:
    return f"{len(data)}:".encode("ascii") + data


def dependency_state(root: Path, module_files: Sequence[str] | None = None) -> DependencyState:
    """Hash the dependency files of ``root`` (``module_files`` defaults to :func:`find_module_files`).

    Raises InputError (exit 2) for a file gogate will not read (a symlink out of the repository, a
    FIFO, an unreadable file).
    """
    modules = find_module_files(root) if module_files is None else module_files
    digest = hashlib.sha256(DIGEST_TAG)
    files: dict[str, str] = {}
    sum_lines: dict[str, list[str]] = {}
    for relative in dependency_files(modules):
        path = root / relative
        if not path.exists() and not path.is_symlink():
            continue
        data = read_repo_bytes(root, relative, limit=_LIMIT)
        digest.update(_frame(relative.encode("utf-8")))
        digest.update(_frame(data))
        files[relative] = hashlib.sha256(data).hexdigest()
        if relative.rpartition("/")[2] in _SUM_FILES:
            text = data.decode("utf-8", errors="replace")
            sum_lines[relative] = sorted({line.strip() for line in text.splitlines() if line.strip()})
    return DependencyState(digest=digest.hexdigest(), files=files, sum_lines=sum_lines)
