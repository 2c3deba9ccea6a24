"""setup-go extraction from GitHub workflows: go-version values, matrix/env, go-version-file."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gogate.errors import InputError
from gogate.facts.model import PinKind, PinRecord, PinSource
from gogate.facts.pinsources import github_workflows

WORKFLOW = ".github/workflows/ci.yml"


def write(tmp_path: Path, relative: str, text: str) -> None:
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def extract(tmp_path: Path, text: str) -> list[PinRecord]:
    write(tmp_path, WORKFLOW, text)
    return github_workflows.extract(tmp_path, WORKFLOW)


def step(with_block: str) -> str:
    """A realistic single-job workflow whose setup-go ``with:`` block starts on line 11."""
    return textwrap.dedent(
        """
        name: CI
        on:
          push:
            branches: [main]
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - uses: actions/setup-go@v5
                with:
        """
    ).lstrip("\n") + textwrap.indent(textwrap.dedent(with_block).lstrip("\n"), " " * 10)


class TestGoVersion:
    def test_exact_quoted_version(self, tmp_path: Path) -> None:
        (record,) = extract(tmp_path, step("go-version: '1.22.5'\ncache: true\n"))
        assert record == PinRecord(
            source=PinSource.SETUP_GO_VERSION,
            kind=PinKind.EXACT,
            path=WORKFLOW,
            line=12,
            raw="1.22.5",
            version="1.22.5",
            fix_template="go-version: '{version}'",
        )

    @pytest.mark.parametrize(
        ("value", "version"),
        [
            ("stable", None),
            ("oldstable", None),
            ("'1.22.x'", "1.22"),
            ("'^1.22'", None),
            ("'~1.22.3'", "1.22"),
            ("'>=1.22'", None),
            ("'1.22'", "1.22"),
            ("'1.20'", "1.20"),
        ],
    )
    def test_floating_specs(self, tmp_path: Path, value: str, version: str | None) -> None:
        (record,) = extract(tmp_path, step(f"go-version: {value}\n"))
        assert (record.kind, record.version, record.line) == (PinKind.FLOATING, version, 12)

    def test_unquoted_float_keeps_its_text_and_explains(self, tmp_path: Path) -> None:
        (record,) = extract(tmp_path, step("go-version: 1.20\n"))
        assert (record.kind, record.raw, record.version) == (PinKind.FLOATING, "1.20", "1.2")
        assert record.note is not None
        assert record.note.startswith("unquoted YAML number: 1.20 is read as 1.2; quote it")

    @pytest.mark.parametrize(("value", "version"), [("'1.23.0-rc.1'", "1.23rc1"), ("1.23rc2", "1.23rc2")])
    def test_prerelease_in_either_spelling_is_exact(self, tmp_path: Path, value: str, version: str) -> None:
        (record,) = extract(tmp_path, step(f"go-version: {value}\n"))
        assert (record.kind, record.version) == (PinKind.EXACT, version)

    def test_expression_is_unresolved(self, tmp_path: Path) -> None:
        (record,) = extract(tmp_path, step("go-version: ${{ inputs.go-version }}\n"))
        assert (record.kind, record.line, record.raw) == (PinKind.UNRESOLVED, 12, "${{ inputs.go-version }}")

    def test_multi_line_value_gives_one_record_per_line(self, tmp_path: Path) -> None:
        records = extract(tmp_path, step("go-version: |\n  1.21.x\n\n  1.22.5\ncheck-latest: true\n"))
        assert [(r.line, r.kind, r.raw) for r in records] == [
            (13, PinKind.FLOATING, "1.21.x"),
            (15, PinKind.EXACT, "1.22.5"),
        ]

    def test_single_line_block_scalar_reports_the_content_line(self, tmp_path: Path) -> None:
        (record,) = extract(tmp_path, step("go-version: >-\n\n  1.22.5\n"))
        assert (record.line, record.kind, record.raw) == (14, PinKind.EXACT, "1.22.5")

    def test_setup_go_without_inputs_floats_with_the_runner(self, tmp_path: Path) -> None:
        (record,) = extract(tmp_path, step("cache: false\n"))
        assert (record.kind, record.line, record.version) == (PinKind.FLOATING, 10, None)
        assert record.note is not None and "neither go-version nor go-version-file" in record.note


class TestExpressionsResolved:
    def test_matrix_list_and_include_give_one_record_per_entry(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            on: [push, pull_request]
            jobs:
              test:
                strategy:
                  fail-fast: false
                  matrix:
                    os: [ubuntu-latest, macos-latest]
                    go-version:
                      - 1.20
                      - '1.21.x'
                    include:
                      - os: ubuntu-latest
                        go-version: '1.22.5'
                runs-on: ${{ matrix.os }}
                steps:
                  - uses: actions/setup-go@v5
                    with:
                      go-version: ${{ matrix.go-version }}
            """,
        )
        assert [(r.line, r.kind, r.raw, r.version, r.fix_template) for r in records] == [
            (9, PinKind.FLOATING, "1.20", "1.2", "'{version}'"),
            (10, PinKind.FLOATING, "1.21.x", "1.21", "'{version}'"),
            (13, PinKind.EXACT, "1.22.5", "1.22.5", "'{version}'"),
        ]
        assert all(r.note and "used in go-version at line 18" in r.note for r in records)

    def test_dynamic_matrix_is_unresolved(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            jobs:
              test:
                strategy:
                  matrix:
                    go: ${{ fromJSON(needs.versions.outputs.matrix) }}
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/setup-go@v5
                    with: {go-version: "${{ matrix.go }}"}
            """,
        )
        assert [(r.line, r.kind) for r in records] == [(9, PinKind.UNRESOLVED)]

    def test_env_value_from_the_workflow(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            env:
              GO_VERSION: '1.22.5'
              GOFLAGS: -mod=readonly
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/setup-go@v5
                    with:
                      go-version: ${{ env.GO_VERSION }}
            """,
        )
        assert [(r.line, r.kind, r.version, r.fix_template) for r in records] == [
            (2, PinKind.EXACT, "1.22.5", "GO_VERSION: '{version}'")
        ]
        assert records[0].note == "GO_VERSION in the workflow env, used in go-version at line 10"


class TestGoVersionFile:
    GO_MOD = "module example.com/svc\n\ngo 1.22\n\ntoolchain go1.22.5\n\nrequire golang.org/x/sync v0.8.0\n"

    def test_go_mod_toolchain_line_wins(self, tmp_path: Path) -> None:
        write(tmp_path, "go.mod", self.GO_MOD)
        (record,) = extract(tmp_path, step("go-version-file: go.mod\n"))
        assert (record.source, record.kind, record.line) == (
            PinSource.SETUP_GO_VERSION_FILE,
            PinKind.REFERENCE,
            12,
        )
        assert (record.raw, record.version, record.shadowed) == ("go.mod", "1.22.5", False)
        assert record.note == "setup-go would read 1.22.5 from go.mod (toolchain line): exact"

    def test_gotoolchain_local_makes_setup_go_read_the_go_line(self, tmp_path: Path) -> None:
        write(tmp_path, "go.mod", self.GO_MOD)
        text = step("go-version-file: ./go.mod\n").replace(
            "    steps:", "    env:\n      GOTOOLCHAIN: local\n    steps:"
        )
        (record,) = extract(tmp_path, text)
        assert (record.version, record.line) == ("1.22", 14)
        assert record.note == "setup-go would read 1.22 from go.mod (go line): floating"

    def test_path_is_relative_to_the_workspace_not_working_directory(self, tmp_path: Path) -> None:
        write(tmp_path, "tools/go.mod", "module example.com/tools\n\ngo 1.21.13\n")
        text = step("go-version-file: ${{ github.workspace }}/tools/go.mod\n")
        text = text.replace(
            "    runs-on:", "    defaults:\n      run:\n        working-directory: tools\n    runs-on:"
        )
        (record,) = extract(tmp_path, text)
        assert (record.version, record.raw) == ("1.21.13", "${{ github.workspace }}/tools/go.mod")

    @pytest.mark.parametrize(
        ("name", "content", "version", "where"),
        [
            (".go-version", "1.22.5\n", "1.22.5", ".go-version"),
            (
                ".tool-versions",
                "nodejs 20.11.0\ngolang 1.21.4 # pinned\n",
                "1.21.4",
                ".tool-versions (golang line)",
            ),
            ("go.work", "go 1.23.0\n\nuse ./svc\n", "1.23.0", "go.work (go line)"),
        ],
    )
    def test_other_version_files(
        self, tmp_path: Path, name: str, content: str, version: str, where: str
    ) -> None:
        write(tmp_path, name, content)
        (record,) = extract(tmp_path, step(f"go-version-file: '{name}'\n"))
        assert record.version == version
        assert record.note == f"setup-go would read {version} from {where}: exact"

    def test_missing_file_makes_setup_go_fail(self, tmp_path: Path) -> None:
        (record,) = extract(tmp_path, step("go-version-file: backend/go.mod\n"))
        assert (record.kind, record.version, record.note) == (
            PinKind.REFERENCE,
            None,
            "file not found: setup-go fails",
        )

    def test_go_version_shadows_go_version_file(self, tmp_path: Path) -> None:
        write(tmp_path, "go.mod", self.GO_MOD)
        records = extract(tmp_path, step("go-version-file: go.mod\ngo-version: '1.21.13'\n"))
        assert [(r.source, r.line, r.shadowed) for r in records] == [
            (PinSource.SETUP_GO_VERSION_FILE, 12, True),
            (PinSource.SETUP_GO_VERSION, 13, False),
        ]
        assert records[0].note is not None
        assert records[0].note.startswith(
            "shadowed by go-version at line 13 (setup-go ignores go-version-file)"
        )


class TestDocument:
    def test_malformed_yaml_is_an_input_error_with_line(self, tmp_path: Path) -> None:
        with pytest.raises(InputError) as caught:
            extract(
                tmp_path,
                "on: push\njobs:\n  test:\n    steps:\n      - uses: actions/setup-go@v5\n    with: [\n",
            )
        assert caught.value.line == 7
        assert str(caught.value).startswith(f"{WORKFLOW}:7: is not valid YAML")

    def test_other_actions_and_run_steps_are_ignored(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            jobs:
              lint:
                uses: ./.github/workflows/lint.yml
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/setup-node@v4
                    with: {node-version: '20.11.0'}
                  - run: go version
            """,
        )
        assert records == []
