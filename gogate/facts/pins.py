"""Find every place the repository states a Go version, and choose the pin (the source of truth).

One walk of the tree classifies files; each file kind has a small extractor that returns
PinRecords with file and line. The pin is ``go.version`` at the root; without it, ``.go-version``,
then the root go.mod ``toolchain`` line (the report says which one was used).
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from gogate import goversion
from gogate.cachedir import TAG_NAME, is_tagged_cache, skipped_cache_path
from gogate.errors import InputError
from gogate.facts.model import PinKind, PinRecord, PinSource, RepoFacts
from gogate.facts.modfile import FileKind, ModFile, parse_modfile
from gogate.facts.pinsources import dockerfile, github_workflows, gitlab_ci
from gogate.facts.textfile import read_text_file

__all__ = ["NoPinError", "gather_repo_facts", "parse_pin_file", "reads_as_input"]

# Directories never searched: VCS metadata, dependencies and Go's own "ignore me" directories.
_SKIP_DIRS = {".git", ".hg", ".svn", "vendor", "testdata", "node_modules", ".venv", "__pycache__"}

Extractor = Callable[[Path, str], list[PinRecord]]


class NoPinError(InputError):
    """No go.version, .go-version or go.mod toolchain line: nothing to gate against (exit 2)."""


_DEFAULT_PIN_FILE = "go.version"


def _walk(root: Path, cache_root: Path | None = None) -> Iterator[str]:
    """Yield repository-relative posix paths of regular files, skipping ignored directories.

    An unreadable directory is an input error: a pin inside it would otherwise go unseen.
    gogate's own cache kept in the checkout (CI templates do, since GitLab caches only project paths)
    holds unpacked Go releases and module zips, not pins: it is skipped whole, but only when it is
    ``cache_root`` (GOGATE_CACHE_DIR, which the pipeline sets) *and* carries gogate's valid
    ``CACHEDIR.TAG``. A tag alone is repository content, and a merge request must not be able to hide
    a directory from the gate by adding one.
    """
    skipped_cache = skipped_cache_path(root, cache_root)

    def unreadable(error: OSError) -> None:
        where = os.path.relpath(error.filename, root) if error.filename else str(root)
        raise InputError(Path(where).as_posix(), f"cannot be read: {error.strerror or error}")

    for directory, subdirs, files in os.walk(root, onerror=unreadable):
        if directory == skipped_cache and TAG_NAME in files and is_tagged_cache(Path(directory)):
            subdirs[:] = []
            continue
        # "@" only appears in module-cache directories (module@version, @v): a GOPATH or GOMODCACHE
        # inside the checkout (a common CI cache setup) holds dependencies' files, not this repository's.
        subdirs[:] = sorted(d for d in subdirs if d not in _SKIP_DIRS and "@" not in d)
        relative_dir = Path(os.path.relpath(directory, root)).as_posix()
        for name in sorted(files):
            yield name if relative_dir == "." else f"{relative_dir}/{name}"


def _extractor_for(relative: str) -> Extractor | None:
    """The extractor for a repository file, chosen by name.

    Why Dockerfile names match in any case: Docker and BuildKit take any file name with ``-f``,
    and repositories write ``dockerfile``, ``build.dockerfile`` or ``Dockerfile.CI``; a
    case-sensitive match silently skipped those pins. A name like ``Dockerfile.go``,
    ``Dockerfile.sh`` or ``dockerfile.png`` is ambiguous: it is a real Dockerfile in some
    repositories (``docker build -f Dockerfile.go``) and source, a script or an image in others,
    so it is read by an extractor that decides by content (a Dockerfile starts with FROM, ARG or a
    parser directive) and skips anything else, unreadable files included. BuildKit's
    ``Dockerfile.dockerignore`` is an ignore file, never read.
    Local actions (``action.yml`` at the root or under ``.github/actions/``) can hold the setup-go
    step the workflows call.
    """
    name = relative.rsplit("/", 1)[-1]
    lowered = name.lower()
    dockerfile_patterns = ("dockerfile*", "containerfile*", "*.dockerfile", "*.containerfile")
    extension = lowered.rpartition(".")[2] if "." in lowered else ""
    is_dockerfile = any(fnmatch.fnmatchcase(lowered, pattern) for pattern in dockerfile_patterns)
    if name == "go.mod":
        return _extract_gomod
    if name == "go.work":
        return _extract_gowork
    if is_dockerfile and extension != "dockerignore":
        if (
            lowered.endswith((".dockerfile", ".containerfile"))
            or extension not in dockerfile.AMBIGUOUS_EXTENSIONS
        ):
            return dockerfile.extract
        return dockerfile.extract_if_dockerfile
    if relative == ".gitlab-ci.yml":
        return gitlab_ci.extract
    if (
        relative.startswith(".github/workflows/")
        and relative.count("/") == 2
        and (name.endswith(".yml") or name.endswith(".yaml"))
    ):
        return github_workflows.extract
    in_action_place = relative == name or relative.startswith(".github/actions/")
    if name in ("action.yml", "action.yaml") and in_action_place:
        return github_workflows.extract_action
    if relative == ".go-version":
        return _extract_dot_go_version
    if relative == ".tool-versions":
        return _extract_tool_versions
    return None


def _significant_lines(root: Path, relative: str) -> Iterator[tuple[int, str]]:
    """Lines of a simple pin file without ``#`` comments and blank lines."""
    for number, line in enumerate(read_text_file(root, relative).lines, start=1):
        content = line.split("#", 1)[0].strip()
        if content:
            yield number, content


def reads_as_input(relative: str, pin_file: str) -> bool:
    """True for a repository path gogate reads (so no report may ever be written over it)."""
    return relative in (pin_file, _DEFAULT_PIN_FILE, ".gogate.yaml", ".gogate.yml") or (
        _extractor_for(relative) is not None
    )


def parse_pin_file(root: Path, relative: str, source: PinSource) -> PinRecord:
    """Parse go.version (or .go-version): exactly one version, ``1.22.5`` or ``go1.22.5``.

    Raises InputError for anything else. A language version (``1.22``) parses as FLOATING: the
    pins check fails it as too loose, with the exact version to write.
    """
    return _pin_record(relative, source, list(_significant_lines(root, relative)))


def _pin_record(relative: str, source: PinSource, entries: list[tuple[int, str]]) -> PinRecord:
    """Validate the significant lines of a pin file (see parse_pin_file)."""
    if not entries:
        raise InputError(
            relative,
            "contains no Go version",
            remediation=f"write one exact release, e.g. `echo 1.22.5 > {relative}`",
        )
    if len(entries) > 1:
        raise InputError(
            relative,
            f"contains more than one version (also {entries[1][1]!r})",
            line=entries[1][0],
            remediation="keep exactly one version line",
        )
    number, value = entries[0]
    version = goversion.normalize_user_version(value)
    if not version or " " in value or "\t" in value:
        raise InputError(
            relative,
            f"{value!r} is not a Go version",
            line=number,
            remediation="write one exact release such as 1.22.5 or go1.22.5",
        )
    kind = PinKind.FLOATING if goversion.is_lang(version) else PinKind.EXACT
    return PinRecord(
        source=source,
        kind=kind,
        path=relative,
        line=number,
        raw=value,
        version=version,
        fix_template="{version}",
    )


def _extract_dot_go_version(root: Path, relative: str) -> list[PinRecord]:
    entries = list(_significant_lines(root, relative))
    if not entries:
        return []
    number, value = entries[0]
    version = goversion.normalize_user_version(value)
    if not version:
        # setup-go reads .go-version as a semver spec: 1.22.x, ^1.22, stable... float.
        return [
            PinRecord(
                source=PinSource.DOT_GO_VERSION,
                kind=PinKind.FLOATING,
                path=relative,
                line=number,
                raw=value,
                version=_series(value),
                range_spec=value,
                fix_template="{version}",
            )
        ]
    return [_pin_record(relative, PinSource.DOT_GO_VERSION, entries)]


_SERIES = re.compile(r"^([1-9][0-9]*)\.(0|[1-9][0-9]*)(?:\.[xX*])?$")


def _series(value: str) -> str | None:
    """The Go series a range names: '1.22.x' and '1.22' -> '1.22'; anything else -> None."""
    match = _SERIES.match(value)
    return f"{match.group(1)}.{match.group(2)}" if match else None


def _extract_tool_versions(root: Path, relative: str) -> list[PinRecord]:
    """asdf/mise ``.tool-versions``: ``golang 1.22.5`` (asdf, setup-go) or ``go 1.22.5`` (mise).

    The first version on the line is the one used; later ones are fallbacks.
    """
    records = []
    for number, content in _significant_lines(root, relative):
        fields = content.split()
        if fields[0] not in ("golang", "go") or len(fields) < 2:
            continue
        value = fields[1]
        version: str | None = goversion.normalize_user_version(value)
        range_spec = None
        if not version:
            # asdf: latest, system, ref:<git ref>, prefix:<p>; setup-go: a semver range such as 1.22.x.
            range_spec = value if value.startswith("prefix:") or _series(value) else None
            version = _series(value.removeprefix("prefix:"))
            kind = (
                PinKind.FLOATING
                if value in ("latest", "system") or value.startswith("ref:") or range_spec
                else PinKind.UNRESOLVED
            )
        else:
            kind = PinKind.FLOATING if goversion.is_lang(version) else PinKind.EXACT
        records.append(
            PinRecord(
                source=PinSource.TOOL_VERSIONS,
                kind=kind,
                path=relative,
                line=number,
                raw=content,
                version=version or None,
                range_spec=range_spec,
                fix_template=f"{fields[0]} {{version}}",
            )
        )
    return records


def _modfile_records(modfile: ModFile, go_source: PinSource, toolchain_source: PinSource) -> list[PinRecord]:
    records = []
    if (go := modfile.go) is not None:
        records.append(
            PinRecord(
                source=go_source,
                kind=PinKind.MINIMUM,
                path=modfile.path,
                line=go.line,
                raw=f"go {go.args[0]}",
                version=go.args[0],
            )
        )
    if (toolchain := modfile.toolchain) is not None:
        value = toolchain.args[0]
        if value == "default":
            records.append(
                PinRecord(
                    source=toolchain_source,
                    kind=PinKind.DEFAULT,
                    path=modfile.path,
                    line=toolchain.line,
                    raw="toolchain default",
                    note="toolchain default: the go command never switches for this file",
                )
            )
        else:
            version = goversion.from_toolchain(value)
            kind = PinKind.EXACT if version and not goversion.is_lang(version) else PinKind.FLOATING
            records.append(
                PinRecord(
                    source=toolchain_source,
                    kind=kind,
                    path=modfile.path,
                    line=toolchain.line,
                    raw=f"toolchain {value}",
                    version=version or None,
                    fix_template="toolchain go{version}",
                )
            )
    return records


def _read_modfile(root: Path, relative: str, kind: FileKind) -> ModFile:
    """Parse a go.mod/go.work the way the go command does (it accepts CRLF, so gogate does too)."""
    file = read_text_file(root, relative, allow_crlf=True)
    try:
        return parse_modfile(file, kind)
    except InputError as error:
        if error.remediation is not None:
            raise
        raise InputError(
            relative,
            error.message.removeprefix(f"{error.location}: "),
            line=error.line,
            remediation=f"the go command rejects this {kind.value} too; correct that line "
            f"(`go mod edit -json` in its directory shows Go's own message)",
        ) from error


def _extract_gomod(root: Path, relative: str) -> list[PinRecord]:
    modfile = _read_modfile(root, relative, FileKind.GO_MOD)
    return _modfile_records(modfile, PinSource.GO_MOD_GO, PinSource.GO_MOD_TOOLCHAIN)


def _extract_gowork(root: Path, relative: str) -> list[PinRecord]:
    modfile = _read_modfile(root, relative, FileKind.GO_WORK)
    return _modfile_records(modfile, PinSource.GO_WORK_GO, PinSource.GO_WORK_TOOLCHAIN)


def _choose_pin(root: Path, pin_file: str, records: list[PinRecord]) -> tuple[PinRecord, bool]:
    """go.version (or the configured pin file), else .go-version, else the root go.mod toolchain line."""
    pin_path = root / pin_file
    if pin_path.exists() or pin_path.is_symlink():
        return parse_pin_file(root, pin_file, PinSource.GO_VERSION_FILE), False
    for record in records:
        if record.source is PinSource.DOT_GO_VERSION and record.path == ".go-version":
            return record, True
    for record in records:
        if (
            record.source is PinSource.GO_MOD_TOOLCHAIN
            and record.path == "go.mod"
            and record.kind is not PinKind.DEFAULT
        ):
            return record, True
    raise NoPinError(
        pin_file,
        "no Go version pin found (no go.version, no .go-version, no go.mod toolchain line)",
        remediation=f"add the exact release to use: `go env GOVERSION | sed s/^go// > {pin_file}`",
    )


def gather_repo_facts(
    root: Path, *, pin_file: str = "go.version", cache_root: Path | None = None
) -> RepoFacts:
    """Read every version statement under ``root`` and choose the pin (``cache_root``: see :func:`_walk`).

    Raises InputError (exit 2) for a malformed file, NoPinError when there is no pin at all.
    """
    if not root.is_dir():
        raise InputError(
            str(root), "is not a directory", remediation="pass the repository root to gogate check"
        )
    records: list[PinRecord] = []
    module_files: list[str] = []
    for relative in _walk(root, cache_root):
        if relative.rsplit("/", 1)[-1] in ("go.mod", "go.work"):
            module_files.append(relative)
        if relative == pin_file:
            continue
        if relative == _DEFAULT_PIN_FILE:
            # Another pin file was configured: go.version still states a version and must agree.
            records.append(parse_pin_file(root, relative, PinSource.GO_VERSION_FILE))
            continue
        extractor = _extractor_for(relative)
        if extractor is not None:
            records.extend(extractor(root, relative))
    pin, fallback = _choose_pin(root, pin_file, records)
    return RepoFacts(
        root=str(root),
        pin=pin,
        pin_fallback_used=fallback,
        records=tuple(records),
        module_files=tuple(module_files),
    )
