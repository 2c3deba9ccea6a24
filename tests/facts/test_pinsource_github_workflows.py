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
        gotoolchain, record = extract(tmp_path, text)
        assert (gotoolchain.source, gotoolchain.raw, gotoolchain.line) == (
            PinSource.GITHUB_GOTOOLCHAIN,
            "local",
            9,
        )
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


def summary(records: list[PinRecord]) -> list[tuple[int, PinKind, str | None, str | None]]:
    return [(r.line, r.kind, r.version, r.fix_template) for r in records]


class TestContainerImages:
    def test_container_string_and_mapping_forms_and_services(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            on: push
            jobs:
              test:
                runs-on: ubuntu-latest
                container: golang:1.21.0
                services:
                  db:
                    image: postgres:16
                  cache: {image: "golang:1.22-alpine"}
                steps:
                  - run: go test ./...
              build:
                runs-on: ubuntu-latest
                container:
                  image: docker.io/library/golang:1.20.3-bookworm
                  options: --user root
                steps:
                  - run: go build ./...
            """,
        )
        assert summary(records) == [
            (5, PinKind.EXACT, "1.21.0", "container: golang:{version}"),
            (9, PinKind.FLOATING, "1.22", 'image: "golang:{version}-alpine"'),
            (15, PinKind.EXACT, "1.20.3", "image: docker.io/library/golang:{version}-bookworm"),
        ]
        assert {r.source for r in records} == {PinSource.GITHUB_IMAGE}
        assert records[0].note == "container image of job test"
        assert records[1].note is not None and records[1].note.startswith(
            "image of service cache of job test"
        )
        assert records[2].raw == "docker.io/library/golang:1.20.3-bookworm"

    @pytest.mark.parametrize(
        ("uses", "version", "fix"),
        [
            ("docker://golang:1.21.0", "1.21.0", "uses: docker://golang:{version}"),
            (
                "'docker://docker.io/library/golang:1.21.0-alpine'",
                "1.21.0",
                "uses: 'docker://docker.io/library/golang:{version}-alpine'",
            ),
        ],
    )
    def test_docker_steps(self, tmp_path: Path, uses: str, version: str, fix: str) -> None:
        text = f"jobs:\n  test:\n    steps:\n      - uses: {uses}\n        with: {{args: go version}}\n"
        (record,) = extract(tmp_path, text)
        assert (record.line, record.kind, record.version, record.fix_template) == (
            4,
            PinKind.EXACT,
            version,
            fix,
        )
        assert record.note == "image of a docker:// step"

    def test_matrix_expression_in_container_gives_a_record_per_entry(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            jobs:
              test:
                strategy:
                  matrix:
                    go: ['1.21.0', 1.22]
                container: golang:${{ matrix.go }}-bookworm
                steps: [{run: go test ./...}]
            """,
        )
        assert [(r.line, r.kind, r.raw, r.version, r.fix_template) for r in records] == [
            (5, PinKind.EXACT, "1.21.0", "1.21.0", "'{version}'"),
            (5, PinKind.FLOATING, "1.22", "1.22", "'{version}'"),
        ]
        assert records[0].note == (
            "container image of job test; strategy.matrix.go entry, used in container at line 6"
        )

    def test_other_expression_in_container_is_unresolved(self, tmp_path: Path) -> None:
        (record,) = extract(tmp_path, "jobs:\n  test:\n    container: golang:${{ inputs.go }}\n")
        assert (record.line, record.kind, record.fix_template) == (
            3,
            PinKind.UNRESOLVED,
            "container: golang:{version}",
        )
        assert record.note == (
            "container image of job test; ${{ inputs.go }} is a GitHub expression, "
            "evaluated only when the workflow runs"
        )

    def test_other_images_are_ignored(self, tmp_path: Path) -> None:
        text = (
            "jobs:\n  a:\n    container: node:20\n    services: {db: {image: postgres}}\n"
            "    steps:\n      - uses: docker://alpine:3.20\n"
        )
        assert extract(tmp_path, text) == []


ACTION = ".github/actions/setup/action.yml"


def extract_action(tmp_path: Path, text: str, relative: str = ACTION) -> list[PinRecord]:
    write(tmp_path, relative, text)
    return github_workflows.extract_action(tmp_path, relative)


class TestCompositeActions:
    ACTION_TEXT = """
        name: Set up Go
        inputs:
          go-version:
            description: Go version
            default: '1.22.5'
          cache:
            description: cache
        runs:
          using: composite
          steps:
            - uses: actions/setup-go@v5
              with:
                go-version: ${{ inputs.go-version }}
                cache: ${{ inputs.cache }}
            - run: go version
              shell: bash
        """

    def test_input_default_is_the_version(self, tmp_path: Path) -> None:
        (record,) = extract_action(tmp_path, self.ACTION_TEXT)
        assert (record.path, record.line, record.kind, record.version, record.fix_template) == (
            ACTION,
            5,
            PinKind.EXACT,
            "1.22.5",
            "default: '{version}'",
        )
        assert record.note == (
            "default of input go-version, used in go-version at line 13; "
            "a workflow using the action can pass another value"
        )

    def test_input_without_default_is_unresolved(self, tmp_path: Path) -> None:
        text = self.ACTION_TEXT.replace(
            "go-version: ${{ inputs.go-version }}", "go-version: ${{ inputs.cache }}"
        )
        (record,) = extract_action(tmp_path, text)
        assert (record.line, record.kind, record.version) == (13, PinKind.UNRESOLVED, None)
        assert record.note is not None and "input cache of the action has no literal default" in record.note

    def test_same_rules_as_workflows_literal_file_and_root_action(self, tmp_path: Path) -> None:
        write(tmp_path, "go.mod", "module example.com/x\n\ngo 1.22\n\ntoolchain go1.22.5\n")
        records = extract_action(
            tmp_path,
            """
            inputs:
              version-file: {default: go.mod}
            runs:
              using: composite
              steps:
                - uses: actions/setup-go@v5
                  with: {go-version: 1.20}
                - uses: actions/setup-go@v5
                  with: {go-version-file: "${{ inputs.version-file }}"}
                - uses: actions/setup-go@v5
                  with: {go-version: "${{ matrix.go }}"}
                - uses: docker://golang:1.21.1
            """,
            relative="action.yaml",
        )
        assert [(r.line, r.source, r.kind, r.version) for r in records] == [
            (7, PinSource.SETUP_GO_VERSION, PinKind.FLOATING, "1.2"),
            (9, PinSource.SETUP_GO_VERSION_FILE, PinKind.REFERENCE, "1.22.5"),
            (11, PinSource.SETUP_GO_VERSION, PinKind.UNRESOLVED, None),
            (12, PinSource.GITHUB_IMAGE, PinKind.EXACT, "1.21.1"),
        ]
        assert records[1].note is not None and records[1].note.startswith("the default of input version-file")

    def test_docker_container_action_image(self, tmp_path: Path) -> None:
        (record,) = extract_action(tmp_path, "runs:\n  using: docker\n  image: docker://golang:1.21.1\n")
        assert (record.line, record.version, record.fix_template) == (
            3,
            "1.21.1",
            "image: docker://golang:{version}",
        )

    @pytest.mark.parametrize(
        "text",
        [
            "runs:\n  using: node20\n  main: index.js\n",
            "runs:\n  using: docker\n  image: Dockerfile\n",
            "- not a mapping\n",
            "",
        ],
    )
    def test_other_actions_have_no_records(self, tmp_path: Path, text: str) -> None:
        assert extract_action(tmp_path, text) == []


def _merge_bomb(levels: int) -> str:
    """Each level merges the previous one twice: 2**levels mapping visits for a naive reader."""
    lines = ["a0: &a0 {x: 1}"]
    lines += [f"a{n}: &a{n} {{<<: [*a{n - 1}, *a{n - 1}]}}" for n in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


class TestHostileInput:
    def test_deep_nesting_is_an_input_error(self, tmp_path: Path) -> None:
        with pytest.raises(InputError) as caught:
            extract(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n")
        assert str(caught.value) == f"{WORKFLOW}: is nested too deeply to read"
        assert caught.value.line is None

    def test_deep_nesting_in_an_action_is_an_input_error(self, tmp_path: Path) -> None:
        with pytest.raises(InputError, match="is nested too deeply to read"):
            extract_action(tmp_path, "runs: " + "[" * 5000 + "]" * 5000 + "\n")

    def test_merge_key_bomb_finishes(self, tmp_path: Path) -> None:
        text = _merge_bomb(60) + "jobs:\n  test:\n    <<: *a60\n    container: golang:1.22.5\n"
        assert len(text) < 2000
        try:
            records = extract(tmp_path, text)
        except InputError as error:
            assert "too many YAML aliases/merges" in str(error)
        else:
            assert [(r.line, r.version) for r in records] == [(65, "1.22.5")]

    def test_recursive_merge_is_an_input_error(self, tmp_path: Path) -> None:
        with pytest.raises(InputError, match="recursive YAML merge key"):
            extract(tmp_path, "jobs:\n  test: &test\n    <<: *test\n    container: golang:1.22.5\n")

    def test_one_huge_anchor_in_many_jobs_ends(self, tmp_path: Path) -> None:
        steps = "steps: &steps\n" + "  - run: make\n" * 2000
        jobs = "".join(f"  j{n}: {{steps: *steps}}\n" for n in range(600))
        with pytest.raises(InputError, match="too many"):
            extract(tmp_path, steps + "jobs:\n" + jobs)

    def test_on_key_read_as_true_and_non_string_keys_do_not_hide_jobs(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            on:
              push: {branches: [main]}
            true: also-a-bool
            ? [not, a, string]
            : value
            jobs:
              ? {weird: key}
              : ignored
              test:
                runs-on: ubuntu-latest
                ? [x]
                : y
                steps:
                  - uses: actions/setup-go@v5
                    with: {go-version: '1.22.5'}
            """,
        )
        assert summary(records) == [(15, PinKind.EXACT, "1.22.5", "go-version: '{version}'")]

    def test_huge_unquoted_number_does_not_crash(self, tmp_path: Path) -> None:
        (record,) = extract(tmp_path, step(f"go-version: {'1' * 5000}\n"))
        assert (record.line, record.kind) == (12, PinKind.FLOATING)


class TestGotoolchain:
    def test_workflow_job_container_and_step_env(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            name: CI
            on: [push, pull_request]
            env:
              GOTOOLCHAIN: go1.28.0+auto
            jobs:
              build:
                runs-on: ubuntu-latest
                env:
                  GOFLAGS: -mod=readonly
                  GOTOOLCHAIN: "go1.27.3"
                steps:
                  - uses: actions/checkout@v4
                  - uses: actions/setup-go@v5
                    with:
                      go-version: '1.22.5'
                  - name: Build
                    run: go build ./...
                    env:
                      GOTOOLCHAIN: local
              test:
                runs-on: ubuntu-latest
                container:
                  image: golang:1.22.5
                  env:
                    GOTOOLCHAIN: ${{ vars.GO_TOOLCHAIN }}
                steps:
                  - run: go test ./...
                    env: {GOTOOLCHAIN: go1.26.0}
            """,
        )
        gotoolchain = [r for r in records if r.source is PinSource.GITHUB_GOTOOLCHAIN]
        assert [(r.line, r.kind, r.raw, r.version, r.fix_template) for r in gotoolchain] == [
            (4, PinKind.GOTOOLCHAIN, "go1.28.0+auto", "1.28.0", "GOTOOLCHAIN: local"),
            (10, PinKind.GOTOOLCHAIN, "go1.27.3", "1.27.3", "GOTOOLCHAIN: local"),
            (19, PinKind.GOTOOLCHAIN, "local", None, "GOTOOLCHAIN: local"),
            (25, PinKind.UNRESOLVED, "${{ vars.GO_TOOLCHAIN }}", None, "GOTOOLCHAIN: local"),
            (28, PinKind.GOTOOLCHAIN, "go1.26.0", "1.26.0", "GOTOOLCHAIN: local"),
        ]
        assert [r.note for r in gotoolchain][:3] == [
            "workflow env",
            "env of job build",
            "env of step 'Build' of job build",
        ]
        assert gotoolchain[4].note == "env of step 1 of job test"

    def test_matrix_value_gives_one_record_per_entry(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            on: push
            jobs:
              test:
                strategy:
                  matrix:
                    toolchain: [go1.27.3, local]
                runs-on: ubuntu-latest
                env:
                  GOTOOLCHAIN: ${{ matrix.toolchain }}
                steps:
                  - run: go test ./...
            """,
        )
        assert [(r.line, r.kind, r.raw, r.version) for r in records] == [
            (6, PinKind.GOTOOLCHAIN, "go1.27.3", "1.27.3"),
            (6, PinKind.GOTOOLCHAIN, "local", None),
        ]
        assert (
            records[0].note
            == "strategy.matrix.toolchain entry, used in GOTOOLCHAIN at line 9; env of job test"
        )

    def test_composite_action_step_env(self, tmp_path: Path) -> None:
        records = extract_action(
            tmp_path,
            """
            name: build
            runs:
              using: composite
              steps:
                - run: go build ./...
                  shell: bash
                  env:
                    GOTOOLCHAIN: go1.27.3
            """,
        )
        assert [(r.source, r.line, r.raw, r.note) for r in records] == [
            (PinSource.GITHUB_GOTOOLCHAIN, 8, "go1.27.3", "env of step 1 of the composite action"),
        ]


class TestRanges:
    @pytest.mark.parametrize(
        ("value", "spec", "version"),
        [
            ("'1.26.x'", "1.26.x", "1.26"),
            ("'~1.27.4'", "~1.27.4", "1.27"),
            ("'^1.27.4'", "^1.27.4", None),
            ("'>=1.28.0'", ">=1.28.0", None),
            ("'>=1.22 <1.24'", ">=1.22 <1.24", None),
            ("'1.22 || 1.23'", "1.22 || 1.23", None),
            ("'1.22'", "1.22", "1.22"),
            ("1.20", "1.2", "1.2"),
        ],
    )
    def test_range_spec_is_the_range_setup_go_reads(
        self, tmp_path: Path, value: str, spec: str, version: str | None
    ) -> None:
        (record,) = extract(tmp_path, step(f"go-version: {value}\n"))
        assert (record.kind, record.range_spec, record.version) == (PinKind.FLOATING, spec, version)

    @pytest.mark.parametrize("value", ["stable", "oldstable", "'1.22.5'"])
    def test_aliases_and_exact_versions_have_no_range(self, tmp_path: Path, value: str) -> None:
        (record,) = extract(tmp_path, step(f"go-version: {value}\n"))
        assert record.range_spec is None

    def test_matrix_ranges(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            on: push
            jobs:
              test:
                strategy:
                  matrix:
                    go: ['1.26.x', '1.27.4']
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/setup-go@v5
                    with:
                      go-version: ${{ matrix.go }}
            """,
        )
        assert [(r.line, r.kind, r.range_spec) for r in records] == [
            (6, PinKind.FLOATING, "1.26.x"),
            (6, PinKind.EXACT, None),
        ]


class TestLocalCalls:
    SETUP_ACTION = """
        name: Set up the Go toolchain
        inputs:
          go-version:
            description: Go version to install
            default: '1.22.5'
          go-version-file:
            description: File to read the version from
            default: ''
        runs:
          using: composite
          steps:
            - uses: actions/setup-go@v5
              with:
                go-version: ${{ inputs.go-version }}
                go-version-file: ${{ inputs.go-version-file }}
                cache: true
            - run: go version
              shell: bash
        """

    def test_with_value_passed_to_a_composite_action(self, tmp_path: Path) -> None:
        write(tmp_path, ".github/actions/setup-go/action.yml", self.SETUP_ACTION)
        records = extract(
            tmp_path,
            """
            name: CI
            on: push
            jobs:
              test:
                runs-on: ubuntu-latest
                strategy:
                  matrix:
                    go: ['1.25.2', '1.26.x']
                steps:
                  - uses: actions/checkout@v4
                  - uses: ./.github/actions/setup-go
                    with:
                      go-version: '1.26.8'
                  - uses: ./.github/actions/setup-go
                    with:
                      go-version: ${{ matrix.go }}
                  - uses: ./.github/actions/setup-go
            """,
        )
        assert [(r.line, r.source, r.kind, r.version, r.range_spec, r.fix_template) for r in records] == [
            (8, PinSource.SETUP_GO_VERSION, PinKind.EXACT, "1.25.2", None, "'{version}'"),
            (8, PinSource.SETUP_GO_VERSION, PinKind.FLOATING, "1.26", "1.26.x", "'{version}'"),
            (13, PinSource.SETUP_GO_VERSION, PinKind.EXACT, "1.26.8", None, "go-version: '{version}'"),
        ]
        assert records[2].note == "passed to ./.github/actions/setup-go input go-version"
        assert records[0].note is not None
        assert records[0].note.startswith("passed to ./.github/actions/setup-go input go-version")

    def test_version_file_passed_to_a_composite_action(self, tmp_path: Path) -> None:
        write(tmp_path, "go.mod", "module example.com/svc\n\ngo 1.22\n\ntoolchain go1.22.7\n")
        write(tmp_path, "action.yml", self.SETUP_ACTION)
        (record,) = extract(
            tmp_path,
            """
            on: push
            jobs:
              test:
                runs-on: ubuntu-latest
                steps:
                  - uses: ./
                    with:
                      go-version: ''
                      go-version-file: go.mod
            """,
        )
        assert (record.line, record.source, record.kind, record.version, record.shadowed) == (
            9,
            PinSource.SETUP_GO_VERSION_FILE,
            PinKind.REFERENCE,
            "1.22.7",
            False,
        )
        assert record.note == (
            "passed to ./ input go-version-file; "
            "setup-go would read 1.22.7 from go.mod (toolchain line): exact"
        )

    def test_reusable_workflow_inputs(self, tmp_path: Path) -> None:
        write(
            tmp_path,
            ".github/workflows/go-test.yml",
            """
            on:
              workflow_call:
                inputs:
                  go:
                    type: string
                    required: true
            jobs:
              test:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/setup-go@v5
                    with:
                      go-version: ${{ inputs.go }}
            """,
        )
        records = extract(
            tmp_path,
            """
            on: push
            jobs:
              current:
                uses: ./.github/workflows/go-test.yml
                with:
                  go: '1.26.8'
              previous:
                strategy:
                  matrix:
                    go: ['1.25.2']
                uses: ./.github/workflows/go-test.yml
                with:
                  go: ${{ matrix.go }}
            """,
        )
        assert [(r.line, r.kind, r.version, r.note) for r in records] == [
            (6, PinKind.EXACT, "1.26.8", "passed to ./.github/workflows/go-test.yml input go"),
            (
                10,
                PinKind.EXACT,
                "1.25.2",
                "passed to ./.github/workflows/go-test.yml input go; "
                "strategy.matrix.go entry, used in go-version at line 13",
            ),
        ]

    def test_calls_to_other_local_actions_add_nothing(self, tmp_path: Path) -> None:
        write(
            tmp_path,
            ".github/actions/lint/action.yml",
            "inputs: {go-version: {default: '1.22.5'}}\nruns:\n  using: node20\n  main: index.js\n",
        )
        records = extract(
            tmp_path,
            """
            on: push
            jobs:
              lint:
                runs-on: ubuntu-latest
                steps:
                  - uses: ./.github/actions/lint
                    with: {go-version: '1.20.1'}
                  - uses: ./.github/actions/missing
                    with: {go-version: '1.20.1'}
                  - uses: ./../outside
                    with: {go-version: '1.20.1'}
            """,
        )
        assert records == []
