"""A vendored main module built by the real go command, shared by the modules.txt and vendor tests.

The main module requires proxy modules in every way modules.txt records them: an explicit
dependency with a go line (``a``), an indirect one without a go line (``b``), one replaced by
another module at one version (``c``), one replaced by a local directory at every version (``d``),
and two replacements nothing uses: a wildcard (``e``) and a versioned directory one (``f``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from goenv_support import run_go

from deps.modproxy import ModuleProxy
from gogate.deps.vendor_consistency import CONSISTENCY_BLOCK_KINDS, InconsistencyKind, VendorVerdict

K = InconsistencyKind

MAIN_GO = """package main

import (
\t_ "example.com/a"
\t_ "example.com/c"
\t_ "example.com/d"
)

func main() {}
"""


def gomod_text(go_line: str) -> str:
    return f"""module example.com/main

go {go_line}

require (
\texample.com/a v1.1.0
\texample.com/c v1.0.0
\texample.com/d v0.0.0
)

replace example.com/c v1.0.0 => example.com/cfork v1.0.1

replace example.com/d => ./local/d

replace example.com/e => example.com/efork v1.2.0

replace example.com/f v1.0.0 => ./local/f
"""


def publish(proxy: ModuleProxy) -> None:
    a_go = 'package a\n\nimport "example.com/b"\n\nvar A = b.B\n'
    proxy.add("example.com/a", "v1.0.0", {"go.mod": "module example.com/a\n\ngo 1.21\n", "a.go": a_go})
    proxy.add(
        "example.com/a",
        "v1.1.0",
        {"go.mod": "module example.com/a\n\ngo 1.21\n\nrequire example.com/b v1.0.0\n", "a.go": a_go},
    )
    proxy.add(
        "example.com/b", "v1.0.0", {"go.mod": "module example.com/b\n", "b.go": "package b\n\nconst B = 1\n"}
    )
    proxy.add(
        "example.com/c", "v1.0.0", {"go.mod": "module example.com/c\n\ngo 1.20\n", "c.go": "package c\n"}
    )
    proxy.add(
        "example.com/cfork",
        "v1.0.1",
        {"go.mod": "module example.com/c\n\ngo 1.22\n", "c.go": "package c\n\nconst Fork = true\n"},
    )


def build_main_module(directory: Path, go: Path, env: Mapping[str, str], *, go_line: str) -> Path:
    """Write the main module, then ``go mod tidy`` and ``go mod vendor`` it; returns its directory."""
    local_d = directory / "local" / "d"
    local_d.mkdir(parents=True)
    (local_d / "go.mod").write_text("module example.com/d\n\ngo 1.21\n")
    (local_d / "d.go").write_text("package d\n")
    (directory / "go.mod").write_text(gomod_text(go_line))
    (directory / "main.go").write_text(MAIN_GO)
    for args in (["mod", "tidy"], ["mod", "vendor"]):
        result = run_go(go, args, cwd=directory, env=env)
        assert result.returncode == 0, (args, result.stderr)
    return directory


def vendor_package_dirs(vendor: Path) -> list[str]:
    """Import paths of vendor/ directories that hold .go files (what the lead's scanner passes)."""
    if not vendor.is_dir():
        return []
    found = {file.parent.relative_to(vendor).as_posix() for file in vendor.rglob("*.go") if file.is_file()}
    return sorted(found)


@dataclass
class GoVendorReport:
    """What ``go list -mod=vendor`` said, split the way vendor_consistency's kinds are."""

    returncode: int
    block: set[str] = field(default_factory=set)
    """Reason lines under ``go: inconsistent vendoring in DIR:``."""
    not_required: set[str] = field(default_factory=set)
    ignored_packages: set[str] = field(default_factory=set)
    missing_imports: set[str] = field(default_factory=set)
    too_new: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)


_IGNORING = re.compile(r"^go: ignoring package (\S+) which exists in the vendor directory but is missing")
_MISSING = re.compile(r"^\S+\.go:\d+:\d+: cannot find module providing package (\S+): import lookup disabled")
_TOO_NEW = re.compile(r"^go: (.* requires go >= .*)$")


def parse_go_stderr(returncode: int, stderr: str) -> GoVendorReport:
    report = GoVendorReport(returncode)
    in_block = in_trailer = False
    for line in stderr.splitlines():
        if line.startswith("go: inconsistent vendoring in "):
            in_block = True
            continue
        if in_block:
            if not line.strip():
                in_block, in_trailer = False, True
            elif line.startswith("\t"):
                report.block.add(line.strip())
            continue
        if in_trailer and line.startswith("\t"):
            continue  # "To ignore the vendor directory ..." advice after the reasons
        in_trailer = False
        if line.startswith("go: updates to go.mod needed, disabled by -mod=vendor"):
            in_trailer = True  # the "go mod tidy" advice after "should be required explicitly"
            continue
        if match := _MISSING.match(line):
            report.missing_imports.add(match.group(1))
        elif match := _IGNORING.match(line):
            report.ignored_packages.add(match.group(1))
        elif line.startswith("go: vendored module "):
            report.not_required.add(line.removeprefix("go: "))
        elif match := _TOO_NEW.match(line):
            report.too_new.append(match.group(1))
        elif line.strip():
            report.other.append(line)
    return report


def build_workspace(directory: Path, go: Path, env: Mapping[str, str]) -> Path:
    """A go.work with two modules, ``go work vendor``-ed; returns the workspace directory.

    ``m1`` requires ``a`` (and so ``b``); ``m2`` requires ``c``, replaced by a module in m2/go.mod,
    and ``d``, replaced by ``../local/d`` relative to m2 (Go records it relative to go.work);
    go.work replaces ``e`` (unused).
    """
    local_d = directory / "local" / "d"
    local_d.mkdir(parents=True)
    (local_d / "go.mod").write_text("module example.com/d\n\ngo 1.21\n")
    (local_d / "d.go").write_text("package d\n")
    modules = {
        "m1": ("require example.com/a v1.1.0\n", 'import _ "example.com/a"\n'),
        "m2": (
            "require (\n\texample.com/c v1.0.0\n\texample.com/d v0.0.0\n)\n\n"
            "replace example.com/c v1.0.0 => example.com/cfork v1.0.1\n\n"
            "replace example.com/d => ../local/d\n",
            'import (\n\t_ "example.com/c"\n\t_ "example.com/d"\n)\n',
        ),
    }
    for name, (requirements, imports) in modules.items():
        module = directory / name
        module.mkdir()
        (module / "go.mod").write_text(f"module example.com/{name}\n\ngo 1.23\n\n{requirements}")
        (module / "main.go").write_text(f"package main\n\n{imports}\nfunc main() {{}}\n")
        result = run_go(go, ["mod", "tidy"], cwd=module, env=env)
        assert result.returncode == 0, result.stderr
    (directory / "go.work").write_text(
        "go 1.23\n\nuse (\n\t./m1\n\t./m2\n)\n\nreplace example.com/e => example.com/efork v1.2.0\n"
    )
    result = run_go(go, ["work", "vendor"], cwd=directory, env=env)
    assert result.returncode == 0, result.stderr
    return directory


def assert_agrees(verdict: VendorVerdict, go_returncode: int, go_stderr: str) -> None:
    go = parse_go_stderr(go_returncode, go_stderr)
    ours = {kind: {i.go_reason for i in verdict.inconsistencies if i.kind is kind} for kind in K}
    block = set().union(*(ours[kind] for kind in CONSISTENCY_BLOCK_KINDS))
    assert not go.other, go_stderr
    if ours[K.GO_VERSION_TOO_NEW]:
        # Go stops at the first too-new annotation, before it checks anything else.
        # Go's text goes on with the GOTOOLCHAIN setting, which gogate does not know.
        assert len(go.too_new) == 1
        assert any(go.too_new[0].startswith(m.removesuffix(")")) for m in ours[K.GO_VERSION_TOO_NEW])
        assert go_returncode != 0
        return
    assert go.too_new == []
    assert go.block == block, go_stderr
    if block:
        assert go_returncode != 0
        return
    # Only a consistent modules.txt gets as far as these checks.
    assert go.not_required == ours[K.VENDORED_NOT_REQUIRED], go_stderr
    unlisted = {i.module_path for i in verdict.inconsistencies if i.kind is K.UNLISTED_PACKAGE}
    assert go.ignored_packages <= unlisted, go_stderr
    assert go.missing_imports == go.ignored_packages, go_stderr
    assert (go_returncode != 0) == bool(go.not_required or go.ignored_packages), go_stderr
