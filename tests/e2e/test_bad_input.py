"""Malformed input: exit 2, a message naming the file (and line), no traceback, nothing written."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from gogate.cli import main
from tests.e2e.conftest import Gate, tree_digest

# name -> (files to write, expected text in stderr)
CORPUS: dict[str, tuple[dict[str, str | bytes], str]] = {
    "binary-go-version": ({"go.version": b"\x7fELF\x00\x01\x02"}, "go.version:1: contains binary data"),
    "non-utf8-go-version": ({"go.version": b"# caf\xe9\n1.22.5\n"}, "go.version:1: is not valid UTF-8"),
    "crlf-go-version": ({"go.version": b"1.22.5\r\n"}, "go.version:1: has CRLF"),
    "bom-go-version": (
        {"go.version": b"\xef\xbb\xbf1.22.5\n"},
        "go.version:1: starts with a UTF-8 byte-order mark",
    ),
    "two-versions": ({"go.version": "1.22.5\n1.22.6\n"}, "go.version:2: contains more than one version"),
    "not-a-version": ({"go.version": "# pin\nlatest\n"}, "go.version:2: 'latest' is not a Go version"),
    "prerelease-patch": ({"go.version": "1.22.5rc1\n"}, "go.version:1: '1.22.5rc1' is not a Go version"),
    "empty-go-version": ({"go.version": "# nothing here\n\n"}, "go.version: contains no Go version"),
    "gomod-unknown-directive": (
        {"go.mod": "module m\n\ngo 1.22\nfoo bar\n"},
        "go.mod:4: unknown directive: foo",
    ),
    "gomod-bad-go": ({"go.mod": "module m\n\ngo 1.22.x\n"}, "go.mod:3: invalid go version '1.22.x'"),
    "gomod-bad-toolchain": (
        {"go.mod": "module m\ntoolchain 1.22.5\n"},
        "go.mod:2: invalid toolchain version",
    ),
    "gomod-bom": ({"go.mod": b"\xef\xbb\xbfmodule m\n"}, "go.mod:1:"),
    "gomod-non-utf8": ({"sub/go.mod": b"module m\n// \xff\n"}, "sub/go.mod:2: is not valid UTF-8"),
    "gowork-bad": ({"go.work": "go 1.22\nrequire x v1\n"}, "go.work:2: unknown directive: require"),
    "gitlab-bad-yaml": ({".gitlab-ci.yml": "job:\n  image: [unclosed\n"}, ".gitlab-ci.yml"),
    "workflow-bad-yaml": (
        {".github/workflows/ci.yml": "on: push\njobs:\n\t- bad\n"},
        ".github/workflows/ci.yml",
    ),
    "dockerfile-binary": ({"Dockerfile": b"FROM golang:1.22\x00\n"}, "Dockerfile:1: contains binary data"),
    "config-unknown-key": (
        {".gogate.yaml": "mode: minimal\nmodee: full\n"},
        ".gogate.yaml:2: unknown key 'modee'",
    ),
    "config-wrong-type": ({".gogate.yaml": "fail_on_warnings: [1]\n"}, ".gogate.yaml:1: fail_on_warnings"),
    "config-bad-severity": (
        {".gogate.yaml": "severity:\n  pins.mismatch: loud\n"},
        ".gogate.yaml:2: severity",
    ),
    "config-unknown-rule": ({".gogate.yaml": "severity:\n  pins.nope: off\n"}, "unknown rule 'pins.nope'"),
    "config-not-mapping": ({".gogate.yaml": "- a\n"}, ".gogate.yaml:1: expected a mapping"),
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_malformed_input_exits_2_naming_the_file(gate: Gate, tmp_path: Path, name: str) -> None:
    files, expected = CORPUS[name]
    gate.write(files)
    before = tree_digest(gate.repo)
    reports = tmp_path / "reports"
    run = gate.run("--junit", str(reports / "j.xml"), "--json", str(reports / "r.json"))
    assert run.code == 2, (run.code, run.out, run.err)
    assert expected in run.err, run.err
    assert "Traceback" not in run.err + run.out
    assert not reports.exists(), "no report may be written for bad input"
    assert tree_digest(gate.repo) == before


def test_directory_instead_of_pin_file(gate: Gate) -> None:
    (gate.repo / "go.version").unlink()
    (gate.repo / "go.version").mkdir()
    run = gate.run()
    assert run.code == 2
    assert "go.version: is a directory" in run.err


def test_unreadable_pin_file(gate: Gate) -> None:
    # A symlink loop cannot be read even by root (chmod 000 can).
    (gate.repo / "go.version").unlink()
    (gate.repo / "go.version").symlink_to(gate.repo / "go.version")
    run = gate.run()
    assert run.code == 2
    assert "go.version: cannot be read" in run.err


def test_path_is_not_a_directory(gate: Gate, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", str(tmp_path / "missing")], environ=gate.env, stdout=out, stderr=err)
    assert code == 2
    assert "missing: is not a directory" in err.getvalue()


def test_fifo_is_refused_not_read(gate: Gate) -> None:
    os.mkfifo(gate.repo / "Dockerfile.fifo")
    run = gate.run()
    assert run.code == 2
    assert "Dockerfile.fifo: is not a regular file" in run.err


def test_symlink_out_of_the_repository_is_not_read(gate: Gate, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("eyJhbGciOiJSUzI1NiJ9.secret-jwt-body.sig\n")
    (gate.repo / "go.version").unlink()
    (gate.repo / "go.version").symlink_to(token)
    run = gate.run()
    assert run.code == 2
    assert "go.version: is a symlink to a file outside the repository" in run.err
    assert "secret-jwt-body" not in run.err + run.out


def test_symlink_inside_the_repository_is_followed(gate: Gate) -> None:
    (gate.repo / "pins").mkdir()
    (gate.repo / "go.version").rename(gate.repo / "pins" / "go.version")
    (gate.repo / "go.version").symlink_to(gate.repo / "pins" / "go.version")
    assert gate.run().code == 0
