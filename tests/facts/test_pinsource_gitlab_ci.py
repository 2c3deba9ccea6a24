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
