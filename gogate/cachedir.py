"""Cache directory tags (https://bford.info/cachedir/): how gogate marks its cache, how walks skip caches.

Why: CI templates keep ``GOGATE_CACHE_DIR`` inside the checkout (GitLab caches only paths in the
project directory), and ``gogate toolchain install`` unpacks a whole Go release there, whose ``src/``
holds dozens of go.mod files, a vendor/ and test trees. Without a marker, the repository walks would
take those for the repository's own modules and pins. A directory holding a ``CACHEDIR.TAG`` that
starts with the specification's signature is regenerable data, not the project: the walkers in
:mod:`gogate.facts.pins` and :mod:`gogate.snapshot.depstate` do not descend into one, and backup tools
that honour the specification leave gogate's cache out too.

The signature is checked, not only the name: the specification makes the signature the marker, so a
file that merely happens to be called ``CACHEDIR.TAG`` hides nothing.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["TAG_CONTENT", "TAG_NAME", "TAG_SIGNATURE", "is_tagged_cache", "tag_cache_dir"]

TAG_NAME = "CACHEDIR.TAG"
TAG_SIGNATURE = b"Signature: 8a477f597d28d172789f06886806bc55"
"""The 43 bytes a tag file must begin with (Cache Directory Tagging Specification 1.0)."""

TAG_CONTENT = (
    TAG_SIGNATURE + b"\n"
    b"# This file is a cache directory tag created by gogate.\n"
    b"# This directory is gogate's cache (GOGATE_CACHE_DIR): it can be deleted, gogate recreates it.\n"
    b"# For information about cache directory tags, see https://bford.info/cachedir/\n"
)

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def is_tagged_cache(path: Path) -> bool:
    """True when ``path`` holds a regular file ``CACHEDIR.TAG`` starting with the signature.

    One open, one fstat and one short read; a symlinked tag is not followed (a link could only make a
    directory look like a cache, never needs to) and a FIFO does not block (O_NONBLOCK). Anything
    unreadable is "not a cache", so the directory is walked as before.
    """
    try:
        descriptor = os.open(os.path.join(path, TAG_NAME), _OPEN_FLAGS)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return False
        start = b""
        while len(start) < len(TAG_SIGNATURE):
            chunk = os.read(descriptor, len(TAG_SIGNATURE) - len(start))
            if not chunk:
                break
            start += chunk
        return start == TAG_SIGNATURE
    except OSError:
        return False
    finally:
        os.close(descriptor)


def tag_cache_dir(path: Path) -> bool:
    """Give ``path`` (an existing directory that is gogate's cache) a ``CACHEDIR.TAG``; True if written.

    Idempotent: a valid tag is left as it is. The file is written under a temporary name and renamed,
    so a concurrent job or a walker never sees half a tag. A failure (read-only cache, full disk, no
    directory) is ignored: the tag only helps walkers and backups, and a run must not fail over it.
    """
    if is_tagged_cache(path):
        return False
    temporary: str | None = None
    try:
        if not os.path.isdir(path) or os.path.islink(path):
            return False
        descriptor, temporary = tempfile.mkstemp(prefix=f".{TAG_NAME}.", suffix=".tmp", dir=path)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(TAG_CONTENT)
        os.chmod(temporary, 0o644)
        os.replace(temporary, os.path.join(path, TAG_NAME))
        temporary = None
    except OSError:
        return False
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return True


def skipped_cache_path(root: Path, cache_root: Path | None) -> str | None:
    """The walk path (``os.walk`` spelling under ``root``) of gogate's cache when it lies strictly inside
    ``root``; None otherwise. Both are resolved, so ``GOGATE_CACHE_DIR=./.cache/gogate`` matches."""
    if cache_root is None:
        return None
    resolved_root = root.resolve()
    resolved_cache = cache_root.expanduser().resolve()
    if resolved_cache == resolved_root or not resolved_cache.is_relative_to(resolved_root):
        return None
    return os.path.join(str(root), os.path.relpath(resolved_cache, resolved_root))
