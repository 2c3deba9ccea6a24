"""go.mod and go.work as Go's semantic model (x/mod ``modfile.File`` / ``WorkFile``).

Why a second layer over :mod:`gogate.facts.modfile`: that module decides what Go accepts and
where it refuses; this one decides what an accepted file *means*, with the same value rules as
x/mod's ``rule.go`` in strict mode (``modfile.Parse`` without a version fixer, as
``go mod edit`` reads it):

* require/exclude/replace versions are stored canonical (``v1.2`` -> ``v1.2.0``, build metadata
  dropped, ``+incompatible`` kept); retract versions are stored as written (x/mod parses them
  with a fixer that changes nothing, so ``retract latest`` is accepted verbatim).
* ``// indirect`` is the first field of the line's own end-of-line comment: ``//indirect`` and
  ``// indirect; reason`` count, ``// indirect reason`` and ``// indirect;`` alone do not.
* A retraction's rationale and a module's ``Deprecated:`` notice come from the whole-line
  comments directly above the directive plus its end-of-line comment; a line inside a block
  with neither falls back to the comments above the block. Inside a block a blank line between
  two directives counts as a comment, so it stops that fallback.

:func:`edit_json` prints the shape of ``go mod edit -json`` / ``go work edit -json`` (Go 1.27),
which is what the differential tests compare.
"""

from __future__ import annotations

import re
from pathlib import Path

from gogate.deps import semver
from gogate.deps.gostrings import fields, trim_space
from gogate.deps.model import (
    Exclude,
    Godebug,
    GoMod,
    GoWork,
    Ignore,
    Replace,
    Require,
    Retract,
    Tool,
    Use,
)
from gogate.facts.modfile import Directive, FileKind, ModFile, parse_modfile
from gogate.facts.textfile import TextFile, read_text_file

__all__ = [
    "directive_comment",
    "edit_json",
    "gomod_from_modfile",
    "gowork_from_modfile",
    "is_indirect",
    "parse_gomod",
    "parse_gowork",
    "read_gomod",
    "read_gowork",
]

_DEPRECATED = re.compile(r"(?:^|\n\n)Deprecated: *(.*?)(?:\Z|\n\n)", re.DOTALL)


def is_indirect(directive: Directive) -> bool:
    """x/mod isIndirect: the end-of-line comment's first field is ``indirect`` (alone) or ``indirect;``."""
    words = fields(directive.comment.removeprefix("//"))
    return words == ["indirect"] or (len(words) > 1 and words[0] == "indirect;")


def directive_comment(directive: Directive) -> str:
    """x/mod parseDirectiveComment: the comment text attached to a directive, one line per comment."""
    before: tuple[str, ...] = directive.before
    suffix: tuple[str, ...] = (directive.comment,) if directive.comment else ()
    if directive.block_before is not None and not before and not suffix:
        before = directive.block_before
    return "\n".join(trim_space(c[2:]) for c in (*before, *suffix) if c.startswith("//"))


def _deprecation(directive: Directive) -> str | None:
    match = _DEPRECATED.search(directive_comment(directive))
    return (match.group(1) or None) if match else None


def _canonical(version: str) -> str:
    # The syntax layer has already refused versions that do not canonicalize.
    return semver.canonical_version(version)


def _replace(directive: Directive) -> Replace:
    tokens, args = directive.tokens, directive.args
    arrow = 1 if len(tokens) >= 2 and tokens[1] == "=>" else 2
    old_version = _canonical(args[1]) if arrow == 2 else None
    new_version = _canonical(args[arrow + 2]) if len(args) == arrow + 3 else None
    return Replace(args[0], old_version, args[arrow + 1], new_version, directive.line)


def _retract(directive: Directive) -> Retract:
    tokens, args = directive.tokens, directive.args
    if tokens[0] == "[":
        low, high = args[1], args[3]
    else:
        low = high = args[0]
    return Retract(low, high, directive_comment(directive), directive.line)


def _godebug(directive: Directive) -> Godebug:
    key, _, value = directive.args[0].partition("=")
    return Godebug(key, value, directive.line)


def gomod_from_modfile(modfile: ModFile) -> GoMod:
    """The meaning of a go.mod that :func:`parse_modfile` accepted."""
    if modfile.kind is not FileKind.GO_MOD:
        raise ValueError(f"{modfile.path} was parsed as {modfile.kind.value}, not go.mod")
    module = modfile.first("module")
    go, toolchain = modfile.go, modfile.toolchain
    by_verb: dict[str, list[Directive]] = {}
    for directive in modfile.directives:
        by_verb.setdefault(directive.verb, []).append(directive)

    def each(verb: str) -> list[Directive]:
        return by_verb.get(verb, [])

    return GoMod(
        path=modfile.path,
        module=module.args[0] if module else None,
        module_line=module.line if module else None,
        go=go.args[0] if go else None,
        go_line=go.line if go else None,
        toolchain=toolchain.args[0] if toolchain else None,
        toolchain_line=toolchain.line if toolchain else None,
        godebug=tuple(_godebug(d) for d in each("godebug")),
        requires=tuple(
            Require(d.args[0], _canonical(d.args[1]), is_indirect(d), d.line) for d in each("require")
        ),
        excludes=tuple(Exclude(d.args[0], _canonical(d.args[1]), d.line) for d in each("exclude")),
        replaces=tuple(_replace(d) for d in each("replace")),
        retracts=tuple(_retract(d) for d in each("retract")),
        tools=tuple(Tool(d.args[0], d.line) for d in each("tool")),
        deprecated=_deprecation(module) if module else None,
        ignores=tuple(Ignore(d.args[0], d.line) for d in each("ignore")),
    )


def gowork_from_modfile(modfile: ModFile) -> GoWork:
    """The meaning of a go.work that :func:`parse_modfile` accepted."""
    if modfile.kind is not FileKind.GO_WORK:
        raise ValueError(f"{modfile.path} was parsed as {modfile.kind.value}, not go.work")
    go, toolchain = modfile.go, modfile.toolchain
    directives = modfile.directives
    return GoWork(
        path=modfile.path,
        go=go.args[0] if go else None,
        go_line=go.line if go else None,
        toolchain=toolchain.args[0] if toolchain else None,
        toolchain_line=toolchain.line if toolchain else None,
        godebug=tuple(_godebug(d) for d in directives if d.verb == "godebug"),
        uses=tuple(Use(d.args[0], d.line) for d in directives if d.verb == "use"),
        replaces=tuple(_replace(d) for d in directives if d.verb == "replace"),
    )


def parse_gomod(file: TextFile) -> GoMod:
    """Parse go.mod text; InputError ``path:line: reason`` where ``go mod edit`` refuses it."""
    return gomod_from_modfile(parse_modfile(file, FileKind.GO_MOD))


def parse_gowork(file: TextFile) -> GoWork:
    """Parse go.work text; InputError ``path:line: reason`` where ``go work edit`` refuses it."""
    return gowork_from_modfile(parse_modfile(file, FileKind.GO_WORK))


def read_gomod(root: Path, relative: str) -> GoMod:
    """Read and parse ``root/relative``. CRLF is accepted (Go's lexer treats ``\\r`` as blank
    space); a byte-order mark is refused, as Go refuses it (at line 1)."""
    return parse_gomod(read_text_file(root, relative, allow_crlf=True))


def read_gowork(root: Path, relative: str) -> GoWork:
    """Read and parse a go.work, with the same text policy as :func:`read_gomod`."""
    return parse_gowork(read_text_file(root, relative, allow_crlf=True))


# --- go mod edit -json / go work edit -json ----------------------------------------------------


def _version_json(path: str, version: str | None) -> dict[str, object]:
    return {"Path": path, "Version": version} if version else {"Path": path}


def _replace_json(replace: Replace) -> dict[str, object]:
    return {
        "Old": _version_json(replace.old_path, replace.old_version),
        "New": _version_json(replace.new_path, replace.new_version),
    }


def _godebug_json(godebug: tuple[Godebug, ...], *, drop_empty_keys: bool) -> list[dict[str, object]]:
    return [{"Key": d.key, "Value": d.value} for d in godebug if d.key or not drop_empty_keys]


def _without_empty(document: dict[str, object], keep: tuple[str, ...] = ()) -> dict[str, object]:
    """Go's ``omitempty``: drop "", False and empty lists (``keep`` names fields without the tag)."""
    return {k: v for k, v in document.items() if k in keep or v not in ("", False, [], None)}


def edit_json(model: GoMod | GoWork) -> dict[str, object]:
    """What ``go mod edit -json`` (``go work edit -json``) prints for this file, as parsed JSON.

    Field names and omissions are Go 1.27's: go.mod says ``GoDebug``, go.work ``Godebug``; every
    empty list is omitted; ``Module`` is always present (``{"Path": ""}`` without a module line).
    Like ``go mod edit`` (which runs x/mod's ``Cleanup`` before printing), entries with an empty
    key or path (``godebug =v``, ``require "" v1.0.0``, ``retract ""``, ``use ""``) are left
    out, except a go.work's godebug, which x/mod's ``WorkFile.Cleanup`` keeps. The models keep
    them all, since they are in the file.
    """
    if isinstance(model, GoWork):
        return _work_edit_json(model)
    gomod = model
    module = _without_empty({"Path": gomod.module or "", "Deprecated": gomod.deprecated}, keep=("Path",))
    retracts = [
        _without_empty({"Low": r.low, "High": r.high, "Rationale": r.rationale})
        for r in gomod.retracts
        if r.low or r.high
    ]
    return _without_empty(
        {
            "Module": module,
            "Go": gomod.go,
            "Toolchain": gomod.toolchain,
            "GoDebug": _godebug_json(gomod.godebug, drop_empty_keys=True),
            "Require": [
                _without_empty({"Path": r.path, "Version": r.version, "Indirect": r.indirect}, keep=("Path",))
                for r in gomod.requires
                if r.path
            ],
            "Exclude": [_version_json(e.path, e.version) for e in gomod.excludes if e.path],
            "Replace": [_replace_json(r) for r in gomod.replaces if r.old_path],
            "Retract": retracts,
            "Tool": [{"Path": t.path} for t in gomod.tools],
            "Ignore": [{"Path": i.path} for i in gomod.ignores],
        },
        keep=("Module",),
    )


def _work_edit_json(gowork: GoWork) -> dict[str, object]:
    return _without_empty(
        {
            "Go": gowork.go,
            "Toolchain": gowork.toolchain,
            "Godebug": _godebug_json(gowork.godebug, drop_empty_keys=False),
            "Use": [{"DiskPath": u.directory} for u in gowork.uses if u.directory],
            "Replace": [_replace_json(r) for r in gowork.replaces if r.old_path],
        }
    )
