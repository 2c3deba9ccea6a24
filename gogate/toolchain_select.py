"""Predict which toolchain the go command will run, as ``cmd/go/internal/toolchain.Select`` does.

Why predict instead of asking Go: running ``go`` with the job's GOTOOLCHAIN can download and
unpack a toolchain into the module cache, which a read-only gate must never do. The prediction
follows select.go step by step and is compared with the real go command in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from gogate import goversion

__all__ = ["Selection", "SelectionError", "select_toolchain"]


def _quote(text: str) -> str:
    """Quote like Go's %q for the plain ASCII values these messages carry, so ours read like Go's."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


class SelectionError(ValueError):
    """GOTOOLCHAIN or a toolchain line is invalid; the message is the go command's own."""


@dataclass(frozen=True, slots=True)
class Selection:
    """The toolchain the go command would run and why."""

    toolchain: str
    """Toolchain name, e.g. 'go1.22.5'; equals the local one when no switch happens."""
    switches: bool
    """True when the go command would re-exec another toolchain."""
    path_only: bool
    """GOTOOLCHAIN=...+path: the switch only looks in PATH and never downloads."""
    reason: str
    """Human explanation: which setting or line caused the choice."""

    @property
    def version(self) -> str:
        return goversion.from_toolchain(self.toolchain)


def select_toolchain(
    *,
    gotoolchain: str,
    local_toolchain: str,
    go_line: str | None,
    toolchain_line: str | None,
    file: str | None,
) -> Selection:
    """Return the toolchain Go would select.

    ``local_toolchain`` is the installed GOVERSION (``go1.22.5``); ``go_line`` and
    ``toolchain_line`` come from the go.work or go.mod Go reads (``file``). Raises SelectionError
    with Go's message where Go would exit with a fatal error.
    """
    local_version = goversion.from_toolchain(local_toolchain)
    if gotoolchain == "":
        return Selection(local_toolchain, False, False, "GOTOOLCHAIN is unset (no go.env default): local")
    min_toolchain, min_version = local_toolchain, local_version
    if gotoolchain in ("auto", "path"):
        mode = gotoolchain
    else:
        minimum, plus, suffix = gotoolchain.partition("+")
        if minimum != "local":
            version = goversion.from_toolchain(minimum)
            if not version:
                if plus:
                    reason = f"invalid minimum toolchain {_quote(minimum)}"
                    raise SelectionError(f"invalid GOTOOLCHAIN {_quote(gotoolchain)}: {reason}")
                raise SelectionError(f"invalid GOTOOLCHAIN {_quote(gotoolchain)}")
            min_toolchain, min_version = minimum, version
        if plus and suffix not in ("auto", "path"):
            raise SelectionError(
                f"invalid GOTOOLCHAIN {_quote(gotoolchain)}: only version suffixes are +auto and +path"
            )
        mode = suffix
    chosen = min_toolchain
    reason = f"GOTOOLCHAIN={gotoolchain}"
    if mode in ("auto", "path"):
        where = file or "go.mod"
        if toolchain_line == "default":
            reason += f"; {where} says toolchain default"
        else:
            if toolchain_line:
                tool_version = goversion.from_toolchain(toolchain_line)
                if not tool_version or not (toolchain_line.startswith("go") or "-go" in toolchain_line):
                    raise SelectionError(f"invalid toolchain {_quote(toolchain_line)} in {where}")
                if goversion.compare(tool_version, min_version) > 0:
                    chosen, min_version = toolchain_line, tool_version
                    reason += f"; {where} toolchain {toolchain_line} is newer"
            if go_line and goversion.compare(go_line, min_version) > 0:
                chosen = "go" + go_line
                # From Go 1.21 a language version is not a toolchain: go 1.22 selects go1.22.0.
                if goversion.is_lang(go_line) and goversion.compare(go_line, "1.21") >= 0:
                    chosen += ".0"
                reason += f"; {where} go {go_line} is newer"
    if chosen in ("local", local_toolchain):
        return Selection(local_toolchain, False, mode == "path", reason + ": local toolchain runs")
    if not chosen.startswith("go1") and "-go1" not in chosen:
        raise SelectionError(f"invalid GOTOOLCHAIN {_quote(chosen)}")
    return Selection(chosen, True, mode == "path", reason + f": switches to {chosen}")
