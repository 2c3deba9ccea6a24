"""go.sum (and go.work.sum) read exactly as cmd/go's ``modfetch.readGoSum`` reads it.

Go's reader is lenient, and gogate must refuse only what Go refuses, or a gate would fail builds
that work:

* the data is split on ``\\n`` only; each line is split into fields with Go's
  ``strings.Fields`` (Go's white space, see :mod:`gogate.deps.gostrings`: a no-break space
  separates fields, U+001F does not); lines without fields are skipped;
* a line with other than three fields is fatal (``wrong number of fields N``), except under
  ``go mod tidy``, which silently drops such a line so that it can repair the file;
* a line whose hash is ``h1:`` of an empty go.mod is dropped (an old cmd/go bug wrote them);
* everything else is stored under the key ``(path, version)`` with ``version`` possibly ending
  in ``/go.mod``; the hash is never decoded, only compared as a string.

What Go tolerates but a careful reader should not is kept in ``GoSum.problems`` with the line:
non-``h1:`` hashes, ``h1:`` values that are not the base64 of 32 bytes, versions that are not
canonical semantic versions or do not fit the path's major version, invalid module paths,
duplicate lines, invalid UTF-8, the dropped empty-go.mod hash, and irregular white space or blank
lines (reported once, at the first). These can outlive ``go mod tidy``: Go rewrites go.sum (in
:func:`format_gosum`'s form) only when it must add or remove a sum, so a complete but messy file
is left alone, although ``go mod tidy -diff`` reports it as untidy.

When two lines give one key different ``h1:`` hashes (:func:`conflicts`), cmd/go checks a
download against the hashes in file order and fails at the first ``h1:`` hash that differs, so
the file passes only while the first one is right.
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Iterable
from pathlib import Path

from gogate.deps import semver
from gogate.deps.gostrings import fields
from gogate.deps.model import GoSum, SumLine
from gogate.deps.modpath import check_path, check_path_major, split_path_version
from gogate.errors import InputError
from gogate.facts.textfile import read_repo_bytes

__all__ = [
    "EMPTY_GOMOD_HASH",
    "MAX_GOSUM_BYTES",
    "conflicts",
    "format_gosum",
    "parse_gosum",
    "read_gosum",
    "sort_key",
]

EMPTY_GOMOD_HASH = "h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY="
"""``h1:`` of a module tree holding one empty go.mod; cmd/go drops go.sum lines with this hash."""

# Go reads go.sum whole with no limit. Real files are at most a few MiB (Kubernetes' is ~0.1 MiB,
# about 900 lines, and ~100 bytes a line); 64 MiB is over half a million lines, far beyond any
# real project, while still refusing a runaway or hostile file before it is read into memory.
MAX_GOSUM_BYTES = 64 * 1024 * 1024

_GOMOD_SUFFIX = "/go.mod"


def _decode_field(raw: str) -> tuple[str, bool]:
    """A field decoded with surrogateescape -> (text with U+FFFD for bad bytes, was valid UTF-8)."""
    if not any("\udc80" <= char <= "\udcff" for char in raw):
        return raw, True
    return raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace"), False


def _version_problem(path: str, version: str) -> str | None:
    if not semver.is_valid(version):
        return f"version {version!r} is not a semantic version, so Go never uses this line"
    canonical = semver.canonical_version(version)
    if canonical != version:
        return f"version {version!r} is not canonical (Go writes {canonical!r}), so Go never uses this line"
    if check_path(path) is None:
        split = split_path_version(path)
        if split is not None:
            mismatch = check_path_major(version, split[1])
            if mismatch:
                return f"version {version!r} does not fit module path {path!r}: {mismatch}"
    return None


def _hash_problem(value: str) -> str | None:
    if not value.startswith("h1:"):
        return f"hash {value!r} is not an h1: hash (Go only warns about it and never checks it)"
    try:
        digest = base64.b64decode(value[3:], validate=True)
    except (binascii.Error, ValueError):
        return f"hash {value!r} is not valid base64, so no download can ever match it"
    if len(digest) != 32 or base64.b64encode(digest).decode() != value[3:]:
        return f"hash {value!r} is not the base64 of a 32-byte SHA-256, so no download can ever match it"
    return None


def parse_gosum(data: bytes, path: str) -> GoSum:
    """Parse go.sum bytes; InputError ``path:line: wrong number of fields N`` where Go exits."""
    lines: list[SumLine] = []
    problems: list[tuple[int, str]] = []
    first_seen: dict[tuple[str, str, str], int] = {}
    irregular_reported = False
    number = 0
    rest = data
    while rest:
        number += 1
        raw_line, _, rest = rest.partition(b"\n")
        text = raw_line.decode("utf-8", "surrogateescape")
        words = fields(text)
        if not irregular_reported and (not words or text != " ".join(words)):
            problems.append(
                (
                    number,
                    "blank line or irregular white space (Go reads past it; `go mod tidy -diff` reports it)",
                )
            )
            irregular_reported = True
        if not words:
            continue
        if len(words) != 3:
            raise InputError(
                path,
                f"wrong number of fields {len(words)}",
                line=number,
                remediation="each go.sum line is `<module> <version>[/go.mod] <hash>`; "
                "fix or delete the line, then run `go mod tidy`",
            )
        decoded = [_decode_field(word) for word in words]
        module, version_field, value = (field for field, _ in decoded)
        if not all(valid for _, valid in decoded):
            problems.append((number, "is not valid UTF-8"))
        if value == EMPTY_GOMOD_HASH:
            problems.append(
                (number, "hash of an empty go.mod, which Go ignores (an old cmd/go bug wrote it)")
            )
            continue
        gomod = version_field.endswith(_GOMOD_SUFFIX)
        version = version_field.removesuffix(_GOMOD_SUFFIX) if gomod else version_field
        path_problem = check_path(module)
        if path_problem:
            problems.append((number, path_problem))
        version_problem = _version_problem(module, version)
        if version_problem:
            problems.append((number, version_problem))
        hash_problem = _hash_problem(value)
        if hash_problem:
            problems.append((number, hash_problem))
        identity = (module, version_field, value)
        if identity in first_seen:
            problems.append((number, f"duplicate of line {first_seen[identity]}"))
        else:
            first_seen[identity] = number
        lines.append(SumLine(module, version, gomod, value, number))
    return GoSum(path=path, lines=tuple(lines), problems=tuple(problems))


def read_gosum(root: Path, relative: str) -> GoSum | None:
    """Read and parse ``root/relative`` (go.sum or go.work.sum); None when the file does not exist."""
    path = root / relative
    if not path.exists() and not path.is_symlink():
        return None
    return parse_gosum(read_repo_bytes(root, relative, limit=MAX_GOSUM_BYTES), relative)


def conflicts(gosum: GoSum) -> list[tuple[SumLine, SumLine]]:
    """Pairs ``(first, other)`` of lines giving one key two different ``h1:`` hashes, in file order.

    ``first`` is the key's first ``h1:`` line, the one cmd/go checks a download against.
    """
    first_by_key: dict[tuple[str, str], SumLine] = {}
    found: list[tuple[SumLine, SumLine]] = []
    for line in gosum.lines:
        if not line.hash.startswith("h1:"):
            continue
        first = first_by_key.setdefault(line.key, line)
        if first.hash != line.hash:
            found.append((first, line))
    return found


def _compare_keys(left: tuple[str, str], right: tuple[str, str]) -> int:
    """module.Sort: by path, then the version by semver, then the ``/go.mod`` suffix as a string."""
    if left[0] != right[0]:
        return -1 if left[0] < right[0] else 1
    left_version, slash, left_file = left[1].partition("/")
    left_file = slash + left_file
    right_version, slash, right_file = right[1].partition("/")
    right_file = slash + right_file
    if left_version != right_version:
        order = semver.compare(left_version, right_version)
        if order:
            return order
        # Go's sort is unstable here (invalid or equivalent versions); keep the output deterministic.
        return -1 if left_version < right_version else 1
    if left_file != right_file:
        return -1 if left_file < right_file else 1
    return 0


sort_key = functools.cmp_to_key(_compare_keys)
"""Sort key for ``(path, version[/go.mod])`` tuples in Go's go.sum order."""


def format_gosum(lines: Iterable[SumLine]) -> bytes:
    """The go.sum Go would write for these lines: keys in module.Sort order, each key's hashes
    sorted and deduplicated, one ``path version[/go.mod] hash`` line each."""
    hashes: dict[tuple[str, str], set[str]] = {}
    for line in lines:
        hashes.setdefault(line.key, set()).add(line.hash)
    out = [
        f"{path} {version} {value}\n"
        for path, version in sorted(hashes, key=sort_key)
        for value in sorted(hashes[path, version])
    ]
    return "".join(out).encode("utf-8")
