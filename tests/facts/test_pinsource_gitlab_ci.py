"""GitLab CI image extraction: image forms, variables, templates and YAML errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gogate.errors import InputError
from gogate.facts.model import PinKind, PinRecord, PinSource
from gogate.facts.pinsources import gitlab_ci


def extract(tmp_path: Path, text: str) -> list[PinRecord]:
    (tmp_path / ".gitlab-ci.yml").write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return gitlab_ci.extract(tmp_path, ".gitlab-ci.yml")


def summary(records: list[PinRecord]) -> list[tuple[int, PinKind, str | None, str | None]]:
    return [(r.line, r.kind, r.version, r.fix_template) for r in records]


class TestImageForms:
    def test_default_name_form_and_job_string_form(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            stages: [lint, test]

            default:
              image:
                name: golang:1.22.5-bookworm
                entrypoint: [""]
              tags: [docker]

            lint:
              stage: lint
              image: golangci/golangci-lint:v1.59.1
              script: [golangci-lint run ./...]

            race:
              stage: test
              image: "golang:1.22-alpine"
              script:
                - go test -race ./...
            """,
        )
        assert summary(records) == [
            (5, PinKind.EXACT, "1.22.5", "name: golang:{version}-bookworm"),
            (16, PinKind.FLOATING, "1.22", 'image: "golang:{version}-alpine"'),
        ]
        assert {r.source for r in records} == {PinSource.GITLAB_CI}
        assert records[0].raw == "golang:1.22.5-bookworm"

    def test_top_level_image_hidden_job_and_flow_mapping(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            image: golang:latest

            .go-cache:
              image: {name: docker.io/library/golang:1.21.13, entrypoint: [""]}
              cache:
                paths: [.go/pkg/mod/]

            build:
              script: go build ./...
            """,
        )
        assert summary(records) == [
            (1, PinKind.FLOATING, None, "image: golang:{version}"),
            (4, PinKind.EXACT, "1.21.13", "name: docker.io/library/golang:{version}"),
        ]

    def test_dependency_proxy_prefix_and_other_images(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            test:
              image: ${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/golang:1.22.5
              services: [postgres:16]
              script: go test ./...
            docs:
              image: node:20
              script: npm run build
            """,
        )
        assert summary(records) == [
            (2, PinKind.EXACT, "1.22.5", "image: ${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/golang:{version}")
        ]


class TestVariables:
    def test_top_level_variable_string_and_value_forms(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            variables:
              GO_VERSION: "1.22.5"
              GO_IMAGE:
                value: golang:1.21.3-alpine
                description: Builder image for legacy jobs

            test:
              image: golang:${GO_VERSION}-bookworm
              script: go test ./...

            legacy:
              image: $GO_IMAGE
              script: go test ./...
            """,
        )
        assert summary(records) == [
            (2, PinKind.EXACT, "1.22.5", 'GO_VERSION: "{version}"'),
            (4, PinKind.EXACT, "1.21.3", "value: golang:{version}-alpine"),
        ]
        assert records[0].note == "variable GO_VERSION (top-level variables), used in image at line 8"
        assert records[1].note == "variable GO_IMAGE (top-level variables), used in image at line 12"

    def test_job_variables_override_top_level(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            variables:
              GO_VERSION: "1.22.5"
            test:
              image: golang:$GO_VERSION
              script: go test ./...
            test-previous:
              variables:
                GO_VERSION: "1.21.13"
              image: golang:$GO_VERSION
              script: go test ./...
            """,
        )
        assert summary(records) == [
            (2, PinKind.EXACT, "1.22.5", 'GO_VERSION: "{version}"'),
            (8, PinKind.EXACT, "1.21.13", 'GO_VERSION: "{version}"'),
        ]
        assert records[1].note is not None and "variables of job test-previous" in records[1].note

    def test_template_variable_is_resolved_in_the_extending_jobs(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            .go-matrix:
              image: golang:${GO_VERSION}
              script: go test ./...
            .versions:
              variables:
                GO_VERSION: "1.23.1"
            go-1.22:
              extends: .go-matrix
              variables: {GO_VERSION: "1.22.7"}
            go-1.23:
              extends: .go-matrix
              variables: !reference [.versions, variables]
            """,
        )
        assert [(r.line, r.kind, r.version) for r in records] == [
            (6, PinKind.EXACT, "1.23.1"),
            (9, PinKind.EXACT, "1.22.7"),
        ]

    def test_unknown_variable_is_unresolved_at_the_image(self, tmp_path: Path) -> None:
        (record,) = extract(tmp_path, "build:\n  image: golang:${PROJECT_GO_VERSION}\n  script: make\n")
        assert (record.line, record.kind, record.version) == (2, PinKind.UNRESOLVED, None)
        assert record.fix_template == "image: golang:{version}"
        assert record.note is not None and record.note.startswith("${PROJECT_GO_VERSION} is not defined")

    def test_unquoted_float_variable_is_read_as_gitlab_reads_it(self, tmp_path: Path) -> None:
        (record,) = extract(tmp_path, "variables:\n  GO_VERSION: 1.20\ntest:\n  image: golang:$GO_VERSION\n")
        assert (record.line, record.kind, record.raw, record.version) == (2, PinKind.FLOATING, "1.20", "1.2")
        assert record.fix_template == "GO_VERSION: '{version}'"
        assert (
            record.note is not None and "unquoted YAML number: 1.20 is read as 1.2; quote it" in record.note
        )


class TestDocument:
    def test_malformed_yaml_names_the_line(self, tmp_path: Path) -> None:
        with pytest.raises(InputError) as caught:
            extract(tmp_path, 'test:\n  image: golang:1.22.5\n  script: [go test ./...\nlint:\n  image: "x\n')
        assert caught.value.path == ".gitlab-ci.yml"
        assert caught.value.line == 4
        assert caught.value.message.startswith(".gitlab-ci.yml:4: is not valid YAML")

    @pytest.mark.parametrize("text", ["", "- just\n- a list\n", "just a string\n", "# only a comment\n"])
    def test_non_mapping_top_level_has_no_records(self, tmp_path: Path, text: str) -> None:
        assert extract(tmp_path, text) == []

    def test_spec_header_document_is_skipped(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            spec:
              inputs:
                go_version:
                  default: "1.22.5"
            ---
            test:
              image: golang:$[[ inputs.go_version ]]
            build:
              image: golang:1.22.5
            """,
        )
        assert [(r.line, r.kind) for r in records] == [(7, PinKind.UNRESOLVED), (9, PinKind.EXACT)]

    def test_reference_tag_and_anchors_do_not_duplicate(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            .go: &go
              image: golang:1.22.5
            test:
              <<: *go
              script: go test ./...
            vet:
              image: !reference [.go, image]
              script: go vet ./...
            """,
        )
        assert summary(records) == [(2, PinKind.EXACT, "1.22.5", "image: golang:{version}")]


def write(tmp_path: Path, relative: str, text: str) -> None:
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def located(records: list[PinRecord]) -> list[tuple[str, int, PinKind, str | None]]:
    return [(r.path, r.line, r.kind, r.version) for r in records]


class TestIncludes:
    def test_local_includes_in_every_form_are_followed(self, tmp_path: Path) -> None:
        write(tmp_path, "ci/build.yml", "build:\n  image: golang:1.21.0\n  script: make\n")
        write(tmp_path, "ci/lint.yml", "lint:\n  image: golang:1.22-alpine\n")
        write(tmp_path, "ci/test.yml", "# tests\ntest:\n  image: docker.io/library/golang:1.20.3\n")
        write(tmp_path, "ci/docs.yml", "docs:\n  image: node:20\n")
        records = extract(
            tmp_path,
            """
            include:
              - local: /ci/build.yml
              - ci/lint.yml
              - '/ci/test.yml'
              - {local: ci/docs.yml}
            """,
        )
        assert located(records) == [
            ("ci/build.yml", 2, PinKind.EXACT, "1.21.0"),
            ("ci/lint.yml", 2, PinKind.FLOATING, "1.22"),
            ("ci/test.yml", 3, PinKind.EXACT, "1.20.3"),
        ]
        assert records[0].fix_template == "image: golang:{version}"
        assert {r.source for r in records} == {PinSource.GITLAB_CI}

    @pytest.mark.parametrize("include", ["ci/go.yml", "{local: /ci/go.yml}", "[ci/go.yml]"])
    def test_single_include_forms(self, tmp_path: Path, include: str) -> None:
        write(tmp_path, "ci/go.yml", "test:\n  image: golang:1.21.0\n")
        (record,) = extract(tmp_path, f"include: {include}\n")
        assert (record.path, record.line, record.version) == ("ci/go.yml", 2, "1.21.0")

    def test_variables_and_templates_resolve_across_files_main_wins(self, tmp_path: Path) -> None:
        write(
            tmp_path,
            "ci/templates.yml",
            """
            variables:
              GO_VERSION: "1.21.0"
              LINT_VERSION: "1.20.1"
            .go:
              image: golang:${GO_VERSION}
            lint:
              image: golang:${LINT_VERSION}
            """,
        )
        records = extract(
            tmp_path,
            """
            include: ci/templates.yml
            variables:
              GO_VERSION: "1.22.5"
            test:
              extends: .go
              script: go test ./...
            """,
        )
        # The main file's GO_VERSION wins; LINT_VERSION survives the merge of `variables:`.
        assert located(records) == [
            (".gitlab-ci.yml", 3, PinKind.EXACT, "1.22.5"),
            ("ci/templates.yml", 3, PinKind.EXACT, "1.20.1"),
        ]
        assert (
            records[0].note
            == "variable GO_VERSION (top-level variables), used in image at ci/templates.yml:5"
        )
        assert records[0].fix_template == 'GO_VERSION: "{version}"'

    def test_main_file_overrides_a_key_of_an_included_job(self, tmp_path: Path) -> None:
        write(tmp_path, "ci/jobs.yml", "test:\n  image: golang:1.20.1\n  script: go test ./...\n")
        records = extract(tmp_path, "include: ci/jobs.yml\ntest:\n  image: golang:1.22.5\n")
        assert located(records) == [(".gitlab-ci.yml", 3, PinKind.EXACT, "1.22.5")]

    def test_nested_includes_and_cycles(self, tmp_path: Path) -> None:
        write(tmp_path, "ci/a.yml", "include: {local: ci/b.yml}\na:\n  image: golang:1.21.1\n")
        write(tmp_path, "ci/b.yml", "include: [ci/a.yml, .gitlab-ci.yml]\nb:\n  image: golang:1.21.2\n")
        records = extract(tmp_path, "include: ci/a.yml\n")
        assert located(records) == [
            ("ci/a.yml", 3, PinKind.EXACT, "1.21.1"),
            ("ci/b.yml", 3, PinKind.EXACT, "1.21.2"),
        ]

    def test_wildcards_follow_gitlab_grammar(self, tmp_path: Path) -> None:
        write(tmp_path, "ci/a.yml", "a:\n  image: golang:1.21.1\n")
        write(tmp_path, "ci/sub/b.yml", "b:\n  image: golang:1.21.2\n")
        write(tmp_path, "ci/c.yaml", "c:\n  image: golang:1.21.3\n")
        # `*` stops at "/" (unlike fnmatch); `**` crosses directories.
        assert located(extract(tmp_path, "include: 'ci/*.yml'\n")) == [
            ("ci/a.yml", 2, PinKind.EXACT, "1.21.1")
        ]
        assert [r.path for r in extract(tmp_path, "include: {local: '/ci/**.yml'}\n")] == [
            "ci/a.yml",
            "ci/sub/b.yml",
        ]
        assert [r.path for r in extract(tmp_path, "include: 'ci/**/*.y*ml'\n")] == [
            "ci/a.yml",
            "ci/c.yaml",
            "ci/sub/b.yml",
        ]

    @pytest.mark.parametrize(
        ("entry", "raw", "note"),
        [
            (
                "- project: group/ci\n    file: [/go.yml, /lint.yml]",
                "project: group/ci file: /go.yml, /lint.yml",
                "include: project: group/ci file: /go.yml, /lint.yml is not followed; "
                "gogate cannot see images defined there",
            ),
            (
                "- remote: https://example.com/ci.yml",
                "remote: https://example.com/ci.yml",
                "include: remote: https://example.com/ci.yml is not followed; "
                "gogate cannot see images defined there",
            ),
            (
                "- https://example.com/ci.yml",
                "remote: https://example.com/ci.yml",
                "include: remote: https://example.com/ci.yml is not followed; "
                "gogate cannot see images defined there",
            ),
            (
                "- template: Go.gitlab-ci.yml",
                "template: Go.gitlab-ci.yml",
                "include: template: Go.gitlab-ci.yml is not followed; gogate cannot see images defined there",
            ),
            (
                "- component: gitlab.com/org/go/build@1.0",
                "component: gitlab.com/org/go/build@1.0",
                "include: component: gitlab.com/org/go/build@1.0 is not followed; "
                "gogate cannot see images defined there",
            ),
            (
                "- local: ci/missing.yml",
                "local: ci/missing.yml",
                "include not found: ci/missing.yml is not in the repository",
            ),
            (
                "- local: ci/*.yml",
                "local: ci/*.yml",
                "include not found: no file matches ci/*.yml",
            ),
            (
                "- local: ../other/ci.yml",
                "local: ../other/ci.yml",
                "include: local: ../other/ci.yml is outside the repository; not followed",
            ),
            (
                "- local: ci/$CI_COMMIT_BRANCH.yml",
                "local: ci/$CI_COMMIT_BRANCH.yml",
                "include: local: ci/$CI_COMMIT_BRANCH.yml uses a variable, known only when the pipeline "
                "runs; not followed",
            ),
        ],
    )
    def test_includes_not_followed_are_unresolved_records(
        self, tmp_path: Path, entry: str, raw: str, note: str
    ) -> None:
        text = "stages: [test]\ninclude:\n  " + entry + "\ntest:\n  image: golang:1.22.5\n"
        (tmp_path / ".gitlab-ci.yml").write_text(text, encoding="utf-8")
        warning, image = gitlab_ci.extract(tmp_path, ".gitlab-ci.yml")
        assert (warning.path, warning.line, warning.kind, warning.raw) == (
            ".gitlab-ci.yml",
            3,
            PinKind.UNRESOLVED,
            raw,
        )
        assert warning.note == note
        assert (image.kind, image.version) == (PinKind.EXACT, "1.22.5")

    def test_missing_include_in_an_included_file_is_reported_there(self, tmp_path: Path) -> None:
        write(tmp_path, "ci/a.yml", "include:\n  - local: ci/gone.yml\n")
        (record,) = extract(tmp_path, "include: ci/a.yml\n")
        assert (record.path, record.line, record.kind) == ("ci/a.yml", 2, PinKind.UNRESOLVED)

    def test_invalid_included_yaml_names_the_included_file(self, tmp_path: Path) -> None:
        write(tmp_path, "ci/broken.yml", "test:\n  image: [golang:1.22.5\n")
        with pytest.raises(InputError) as caught:
            extract(tmp_path, "include: ci/broken.yml\n")
        assert caught.value.path == "ci/broken.yml"
        assert caught.value.message.startswith("ci/broken.yml:3: is not valid YAML")

    def test_other_yaml_files_are_not_read(self, tmp_path: Path) -> None:
        write(tmp_path, "ci/unused.yml", "job:\n  image: golang:1.19.1\n")
        write(tmp_path, "ci/broken.yml", "[")
        assert extract(tmp_path, "test:\n  image: golang:1.22.5\n")[0].path == ".gitlab-ci.yml"
        assert len(extract(tmp_path, "test:\n  image: golang:1.22.5\n")) == 1


def _merge_bomb(levels: int) -> str:
    """Each level merges the previous one twice: 2**levels mapping visits for a naive reader."""
    lines = ["a0: &a0 {x: 1}"]
    lines += [f"a{n}: &a{n} {{<<: [*a{n - 1}, *a{n - 1}]}}" for n in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


class TestHostileInput:
    def test_deep_nesting_is_an_input_error(self, tmp_path: Path) -> None:
        with pytest.raises(InputError) as caught:
            extract(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n")
        assert str(caught.value) == ".gitlab-ci.yml: is nested too deeply to read"
        assert caught.value.line is None

    def test_merge_key_bomb_finishes(self, tmp_path: Path) -> None:
        text = _merge_bomb(60) + "test:\n  <<: *a60\n  image: golang:1.22.5\n"
        assert len(text) < 2000
        try:
            records = extract(tmp_path, text)
        except InputError as error:
            assert "too many YAML aliases/merges" in str(error)
        else:
            assert [(r.line, r.version) for r in records] == [(64, "1.22.5")]

    def test_recursive_merge_is_an_input_error(self, tmp_path: Path) -> None:
        with pytest.raises(InputError) as caught:
            extract(tmp_path, "ok: 1\nloop: &loop\n  <<: *loop\n")
        assert caught.value.path == ".gitlab-ci.yml"
        assert caught.value.line == 2
        assert "recursive YAML merge key" in str(caught.value)

    def test_self_referencing_anchor_without_merge_is_harmless(self, tmp_path: Path) -> None:
        records = extract(tmp_path, "job: &job\n  image: golang:1.22.5\n  again: *job\n")
        assert located(records) == [(".gitlab-ci.yml", 2, PinKind.EXACT, "1.22.5")]

    def test_non_string_keys_are_skipped(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path, "? [a]\n: b\n? {c: d}\n: e\n1: x\njob:\n  ? [image]\n  : y\n  image: golang:1.22.5\n"
        )
        assert located(records) == [(".gitlab-ci.yml", 9, PinKind.EXACT, "1.22.5")]

    def test_exponential_variable_references_end(self, tmp_path: Path) -> None:
        lines = ["variables:", "  V0: '1.22.5'"]
        lines += [f"  V{n}: '" + f"${{V{n - 1}}}" * 20 + "'" for n in range(1, 9)]
        with pytest.raises(InputError) as caught:
            extract(tmp_path, "\n".join(lines) + "\ntest:\n  image: golang:$V8\n")
        assert "too many" in str(caught.value)

    def test_exponential_extends_diamonds_end(self, tmp_path: Path) -> None:
        # Ten jobs per level each extending all ten of the next level: 10**11 paths.
        lines = []
        for level in range(11):
            parents = ", ".join(f".l{level + 1}j{n}" for n in range(10))
            lines += [f".l{level}j{n}:\n  extends: [{parents}]" for n in range(10)]
        lines += [".l11j0:\n  image: golang:1.22.5", "test:\n  extends: .l0j0"]
        records = extract(tmp_path, "\n".join(lines) + "\n")
        assert [r.version for r in records] == ["1.22.5"]

    def test_huge_integer_variable_does_not_crash(self, tmp_path: Path) -> None:
        (record,) = extract(tmp_path, f"variables:\n  V: {'9' * 5000}\ntest:\n  image: golang:$V\n")
        # Read without int() (Python refuses to convert more than 4300 digits): a Go "major".
        assert (record.kind, record.version, record.line) == (PinKind.FLOATING, None, 2)


def toolchains(records: list[PinRecord]) -> list[tuple[str, int, PinKind, str, str | None, str | None]]:
    return [
        (r.path, r.line, r.kind, r.raw, r.version, r.fix_template)
        for r in records
        if r.source is PinSource.GITLAB_GOTOOLCHAIN
    ]


class TestGotoolchain:
    def test_top_level_job_and_value_forms(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            variables:
              GOTOOLCHAIN: go1.28.0+auto
              GOFLAGS: -mod=readonly
            default:
              image: golang:1.22.5
            test:
              script: go test ./...
            build:
              variables:
                GOTOOLCHAIN:
                  value: "go1.27.3"
                  description: toolchain for release builds
              script: go build ./...
            lint:
              variables:
                GOTOOLCHAIN: local
              script: go vet ./...
            """,
        )
        assert toolchains(records) == [
            (".gitlab-ci.yml", 2, PinKind.GOTOOLCHAIN, "go1.28.0+auto", "1.28.0", "GOTOOLCHAIN: local"),
            (".gitlab-ci.yml", 11, PinKind.GOTOOLCHAIN, "go1.27.3", "1.27.3", 'value: "local"'),
            (".gitlab-ci.yml", 16, PinKind.GOTOOLCHAIN, "local", None, "GOTOOLCHAIN: local"),
        ]
        assert [r.note for r in records if r.source is PinSource.GITLAB_GOTOOLCHAIN] == [
            "variable GOTOOLCHAIN (top-level variables)",
            "variable GOTOOLCHAIN (variables of job build)",
            "variable GOTOOLCHAIN (variables of job lint)",
        ]

    def test_resolved_through_extends_includes_and_other_variables(self, tmp_path: Path) -> None:
        (tmp_path / "ci").mkdir()
        (tmp_path / "ci" / "go.yml").write_text(
            textwrap.dedent(
                """
                variables:
                  GO_TOOLCHAIN: go1.26.2
                .go:
                  image: golang:1.22.5
                  variables:
                    GOTOOLCHAIN: $GO_TOOLCHAIN
                """
            ).lstrip("\n"),
            encoding="utf-8",
        )
        records = extract(
            tmp_path,
            """
            include:
              - local: ci/go.yml
            test:
              extends: .go
              script: go test ./...
            deploy:
              extends: .go
              variables:
                GOTOOLCHAIN: ${DEPLOY_TOOLCHAIN}
              script: make deploy
            """,
        )
        assert toolchains(records) == [
            (".gitlab-ci.yml", 9, PinKind.UNRESOLVED, "${DEPLOY_TOOLCHAIN}", None, "GOTOOLCHAIN: local"),
            ("ci/go.yml", 2, PinKind.GOTOOLCHAIN, "go1.26.2", "1.26.2", "GO_TOOLCHAIN: local"),
        ]
        note = next(
            r.note for r in records if r.path == "ci/go.yml" and r.source is PinSource.GITLAB_GOTOOLCHAIN
        )
        assert note == (
            "variable GO_TOOLCHAIN (top-level variables), used in GOTOOLCHAIN "
            "(variable GOTOOLCHAIN (variables of job .go))"
        )

    def test_hidden_job_alone_and_pipeline_without_gotoolchain(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            .unused:
              variables: {GOTOOLCHAIN: go1.20.1}
            test:
              image: golang:1.22.5
              script: go test ./...
            """,
        )
        assert toolchains(records) == []


class TestVariableOverrides:
    def test_parallel_matrix_gives_one_record_per_value(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            test:
              image: golang:${GO_VERSION}-bookworm
              parallel:
                matrix:
                  - GO_VERSION: ["1.22.5", "1.23.1"]
                    GOARCH: [amd64, arm64]
                  - GO_VERSION: "1.21.13"
              script: go test ./...
            """,
        )
        assert summary(records) == [
            (5, PinKind.EXACT, "1.22.5", '"{version}"'),
            (5, PinKind.EXACT, "1.23.1", '"{version}"'),
            (7, PinKind.EXACT, "1.21.13", 'GO_VERSION: "{version}"'),
        ]
        assert records[0].note == "variable GO_VERSION (parallel:matrix of job test), used in image at line 2"

    def test_matrix_entry_without_the_variable_keeps_the_job_value(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            variables:
              GO_VERSION: "1.22.5"
            test:
              image: golang:$GO_VERSION
              parallel:
                matrix:
                  - GO_VERSION: ["1.23.1"]
                  - GOARCH: [arm64]
              script: go test ./...
            """,
        )
        assert [(r.line, r.version) for r in records] == [(2, "1.22.5"), (7, "1.23.1")]

    def test_job_rules_and_workflow_rules_variables(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            workflow:
              rules:
                - if: $CI_PIPELINE_SOURCE == "schedule"
                  variables:
                    GO_VERSION: "1.24.0"
                - when: always
            variables:
              GO_VERSION: "1.22.5"
            build:
              image: golang:$GO_VERSION
              rules:
                - if: $CI_COMMIT_TAG
                  variables:
                    GO_VERSION: "1.21.13"
                    GOTOOLCHAIN: go1.23.4
                - when: on_success
              script: go build ./...
            pinned:
              image: golang:$GO_VERSION
              variables:
                GO_VERSION: "1.22.5"
              script: go build ./...
            """,
        )
        images = [(r.line, r.version, r.note) for r in records if r.source is PinSource.GITLAB_CI]
        assert images == [
            (
                5,
                "1.24.0",
                'variable GO_VERSION (workflow:rules[0], if: $CI_PIPELINE_SOURCE == "schedule"), '
                "used in image at line 10",
            ),
            (8, "1.22.5", "variable GO_VERSION (top-level variables), used in image at line 10"),
            (
                14,
                "1.21.13",
                "variable GO_VERSION (rules[0] of job build, if: $CI_COMMIT_TAG), used in image at line 10",
            ),
            (21, "1.22.5", "variable GO_VERSION (variables of job pinned), used in image at line 19"),
        ]
        assert toolchains(records) == [
            (".gitlab-ci.yml", 15, PinKind.GOTOOLCHAIN, "go1.23.4", "1.23.4", "GOTOOLCHAIN: local"),
        ]
        assert records[3].note == "variable GOTOOLCHAIN (rules[0] of job build, if: $CI_COMMIT_TAG)"

    def test_matrix_sets_gotoolchain(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            variables:
              GOTOOLCHAIN: local
            test:
              image: golang:1.22.5
              parallel:
                matrix:
                  - GOTOOLCHAIN: [local, go1.23.4]
              script: go test ./...
            """,
        )
        assert toolchains(records) == [
            (".gitlab-ci.yml", 7, PinKind.GOTOOLCHAIN, "local", None, "local"),
            (".gitlab-ci.yml", 7, PinKind.GOTOOLCHAIN, "go1.23.4", "1.23.4", "local"),
        ]
