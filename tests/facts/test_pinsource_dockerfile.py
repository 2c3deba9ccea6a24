"""Dockerfile FROM golang extraction: tags, registries, ARG substitution and Dockerfile syntax."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gogate.errors import InputError
from gogate.facts.model import PinKind, PinRecord, PinSource
from gogate.facts.pinsources import dockerfile

DIGEST = "sha256:" + "0123456789abcdef" * 4


def extract(tmp_path: Path, text: str, name: str = "Dockerfile") -> list[PinRecord]:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return dockerfile.extract(tmp_path, name)


class TestLiteralTags:
    def test_multi_stage_service_reports_only_the_golang_stage(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            # syntax=docker/dockerfile:1.7
            FROM golang:1.22.5-alpine3.20 AS build
            WORKDIR /src
            COPY go.mod go.sum ./
            RUN go mod download
            COPY . .
            RUN CGO_ENABLED=0 go build -o /out/server ./cmd/server

            FROM gcr.io/distroless/static-debian12:nonroot
            COPY --from=build /out/server /server
            ENTRYPOINT ["/server"]
            """,
            name="build/Dockerfile.server",
        )
        assert records == [
            PinRecord(
                source=PinSource.DOCKERFILE,
                kind=PinKind.EXACT,
                path="build/Dockerfile.server",
                line=2,
                raw="golang:1.22.5-alpine3.20",
                version="1.22.5",
                fix_template="golang:{version}-alpine3.20",
            )
        ]

    @pytest.mark.parametrize(
        ("image", "kind", "version", "fix"),
        [
            ("golang:1.22-bookworm", PinKind.FLOATING, "1.22", "golang:{version}-bookworm"),
            ("golang:1", PinKind.FLOATING, None, "golang:{version}"),
            ("golang:1-alpine", PinKind.FLOATING, None, "golang:{version}-alpine"),
            ("golang:latest", PinKind.FLOATING, None, "golang:{version}"),
            ("golang:alpine", PinKind.FLOATING, None, "golang:{version}-alpine"),
            ("golang:bookworm", PinKind.FLOATING, None, "golang:{version}-bookworm"),
            ("golang", PinKind.FLOATING, None, "golang:{version}"),
            ("golang:tip-bookworm", PinKind.FLOATING, None, "golang:{version}-bookworm"),
            ("golang:1.23rc1-bookworm", PinKind.EXACT, "1.23rc1", "golang:{version}-bookworm"),
            (
                "golang:1.22.5-windowsservercore-ltsc2022",
                PinKind.EXACT,
                "1.22.5",
                "golang:{version}-windowsservercore-ltsc2022",
            ),
        ],
    )
    def test_tag_kinds(
        self, tmp_path: Path, image: str, kind: PinKind, version: str | None, fix: str
    ) -> None:
        (record,) = extract(tmp_path, f"FROM {image} AS build\nRUN go version\n")
        assert (record.kind, record.version, record.fix_template, record.line) == (kind, version, fix, 1)
        assert record.raw == image

    def test_floating_series_tag_explains_itself(self, tmp_path: Path) -> None:
        (record,) = extract(tmp_path, "FROM golang:1.22-alpine\n")
        assert record.note == "golang:1.22-alpine moves to each new 1.22.x patch release"

    def test_tag_with_digest_is_exact_by_tag_and_fix_drops_the_digest(self, tmp_path: Path) -> None:
        (record,) = extract(tmp_path, f"FROM golang:1.22.5-bookworm@{DIGEST} AS build\n")
        assert record.kind is PinKind.EXACT
        assert record.version == "1.22.5"
        assert record.raw == f"golang:1.22.5-bookworm@{DIGEST}"
        assert record.fix_template == "golang:{version}-bookworm"
        assert record.note is not None and record.note.startswith("digest-pinned")

    def test_digest_without_tag_is_unresolved(self, tmp_path: Path) -> None:
        (record,) = extract(tmp_path, f"FROM golang@{DIGEST}\n")
        assert (record.kind, record.version) == (PinKind.UNRESOLVED, None)
        assert record.fix_template == "golang:{version}"
        assert record.note is not None and "digest-only" in record.note


class TestRepositories:
    @pytest.mark.parametrize(
        "repository",
        [
            "library/golang",
            "docker.io/golang",
            "docker.io/library/golang",
            "index.docker.io/library/golang",
            "mirror.gcr.io/library/golang",
            "registry.example.com/library/golang",
            "harbor.example.com/dockerhub-proxy/library/golang",
            "localhost:5000/golang",
        ],
    )
    def test_official_image_behind_any_registry(self, tmp_path: Path, repository: str) -> None:
        (record,) = extract(tmp_path, f"FROM --platform=linux/amd64 {repository}:1.21.13 AS build\n")
        assert (record.kind, record.version) == (PinKind.EXACT, "1.21.13")
        assert record.fix_template == f"{repository}:{{version}}"

    @pytest.mark.parametrize(
        "image", ["someone/golang:1.22.5", "ghcr.io/acme/golang:1.22.5", "golangci/golangci-lint"]
    )
    def test_other_images_are_ignored(self, tmp_path: Path, image: str) -> None:
        assert extract(tmp_path, f"FROM {image}\n") == []

    def test_from_an_earlier_stage_named_golang_is_not_an_image(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            FROM golang:1.22.5 AS golang
            RUN go install golang.org/x/tools/cmd/stringer@v0.24.0
            FROM golang AS generate
            RUN go generate ./...
            """,
        )
        assert [record.line for record in records] == [1]


class TestArgSubstitution:
    def test_global_arg_is_reported_on_its_own_line(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            ARG GO_VERSION=1.22.5
            ARG ALPINE_VERSION=3.20

            FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine${ALPINE_VERSION} AS build
            ARG TARGETOS TARGETARCH
            RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .

            FROM golang:$GO_VERSION AS test
            RUN go test ./...
            """,
        )
        assert [(r.line, r.kind, r.version, r.raw, r.fix_template) for r in records] == [
            (1, PinKind.EXACT, "1.22.5", "1.22.5", "ARG GO_VERSION={version}"),
            (1, PinKind.EXACT, "1.22.5", "1.22.5", "ARG GO_VERSION={version}"),
        ]
        assert [r.note for r in records] == [
            "ARG GO_VERSION, used in FROM at line 4",
            "ARG GO_VERSION, used in FROM at line 8",
        ]

    def test_quoted_arg_keeps_its_quotes_in_the_fix(self, tmp_path: Path) -> None:
        (record,) = extract(tmp_path, 'ARG GO_VERSION="1.21"\nFROM golang:${GO_VERSION}-bookworm\n')
        assert (record.line, record.kind, record.version) == (1, PinKind.FLOATING, "1.21")
        assert record.fix_template == 'ARG GO_VERSION="{version}"'

    def test_arg_holding_the_whole_image(self, tmp_path: Path) -> None:
        (record,) = extract(tmp_path, "ARG BASE_IMAGE=golang:1.21.3-bullseye\nFROM ${BASE_IMAGE} AS base\n")
        assert (record.line, record.kind, record.raw) == (1, PinKind.EXACT, "golang:1.21.3-bullseye")
        assert record.fix_template == "ARG BASE_IMAGE=golang:{version}-bullseye"

    def test_arg_without_default_is_unresolved_at_the_arg(self, tmp_path: Path) -> None:
        (record,) = extract(tmp_path, "# Set with --build-arg\nARG GO_VERSION\nFROM golang:${GO_VERSION}\n")
        assert (record.kind, record.line, record.version) == (PinKind.UNRESOLVED, 2, None)
        assert record.fix_template == "ARG GO_VERSION={version}"
        assert record.note is not None and "used in FROM at line 3" in record.note

    def test_inline_default_is_used_when_the_arg_has_none(self, tmp_path: Path) -> None:
        (record,) = extract(tmp_path, "ARG GO_VERSION\nFROM golang:${GO_VERSION:-1.22.5}-alpine AS build\n")
        assert (record.kind, record.line, record.version) == (PinKind.EXACT, 2, "1.22.5")
        assert record.fix_template == "golang:${GO_VERSION:-{version}}-alpine"

    def test_stage_scoped_arg_is_not_visible_to_later_from(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            FROM alpine:3.20 AS tools
            ARG GO_VERSION=1.22.5
            FROM golang:${GO_VERSION} AS build
            """,
        )
        assert [(r.kind, r.line) for r in records] == [(PinKind.UNRESOLVED, 3)]
        assert records[0].fix_template == "golang:{version}"


class TestDockerfileSyntax:
    def test_continued_from_reports_the_line_of_the_image(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            FROM --platform=$BUILDPLATFORM \\
                 # the builder runs natively
                 golang:1.22.5-bookworm \\
                 AS build
            """,
        )
        assert [(r.line, r.raw, r.kind) for r in records] == [(3, "golang:1.22.5-bookworm", PinKind.EXACT)]

    def test_backtick_escape_directive_for_windows_images(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            # escape=`
            FROM golang:1.22.5-windowsservercore-ltsc2022 `
                AS build
            RUN go build -o C:\\app\\server.exe .
            FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
            """,
        )
        assert [(r.line, r.version) for r in records] == [(2, "1.22.5")]

    def test_comments_heredocs_and_lowercase_keywords(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            # FROM golang:1.19 was the old builder
            from golang:1.22.5 as build
            RUN <<EOF
            FROM golang:1.0
            EOF
            COPY <<-"SCRIPT" /usr/local/bin/entry
            \tFROM golang:1.1
            \tSCRIPT
            """,
            name="Containerfile",
        )
        assert [(r.line, r.version) for r in records] == [(2, "1.22.5")]

    def test_crlf_and_bom_are_accepted(self, tmp_path: Path) -> None:
        (tmp_path / "Dockerfile").write_bytes(
            b"\xef\xbb\xbfARG GO_VERSION=1.22.5\r\nFROM golang:$GO_VERSION\r\n"
        )
        (record,) = dockerfile.extract(tmp_path, "Dockerfile")
        assert (record.line, record.version, record.raw) == (1, "1.22.5", "1.22.5")

    def test_binary_file_is_an_input_error(self, tmp_path: Path) -> None:
        (tmp_path / "Dockerfile").write_bytes(b"FROM golang:1.22.5\n\x00\x01")
        with pytest.raises(InputError, match=r"^Dockerfile:2: contains binary data"):
            dockerfile.extract(tmp_path, "Dockerfile")

    def test_exponential_arg_references_end_in_an_input_error(self, tmp_path: Path) -> None:
        # Each ARG repeats the previous one 20 times: 20**8 pieces for a naive expansion.
        lines = ["ARG V0=1.22.5"] + [f"ARG V{n}=" + f"${{V{n - 1}}}" * 20 for n in range(1, 9)]
        (tmp_path / "Dockerfile").write_text("\n".join(lines) + "\nFROM golang:$V8\n", encoding="utf-8")
        with pytest.raises(InputError, match=r"^Dockerfile: uses too many"):
            dockerfile.extract(tmp_path, "Dockerfile")


def toolchains(records: list[PinRecord]) -> list[tuple[int, PinKind, str, str | None, str | None]]:
    return [
        (r.line, r.kind, r.raw, r.version, r.fix_template)
        for r in records
        if r.source is PinSource.DOCKERFILE_GOTOOLCHAIN
    ]


class TestGotoolchain:
    def test_env_arg_and_run_forms(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            # syntax=docker/dockerfile:1
            ARG GOTOOLCHAIN=go1.28.0+auto
            FROM golang:1.22.5-bookworm AS build
            ENV CGO_ENABLED=0 GOTOOLCHAIN=go1.28.0
            ENV GOTOOLCHAIN local
            ARG GOTOOLCHAIN="go1.27.3"
            WORKDIR /src
            RUN go mod download && \\
                GOTOOLCHAIN=go1.26.1 go build -o /out/app ./cmd/app
            RUN export GOTOOLCHAIN='go1.25.0+path'; go test ./...
            RUN go env -w GOTOOLCHAIN=auto
            """,
        )
        assert toolchains(records) == [
            (2, PinKind.GOTOOLCHAIN, "go1.28.0+auto", "1.28.0", "ARG GOTOOLCHAIN=local"),
            (4, PinKind.GOTOOLCHAIN, "go1.28.0", "1.28.0", "ENV GOTOOLCHAIN=local"),
            (5, PinKind.GOTOOLCHAIN, "local", None, "ENV GOTOOLCHAIN local"),
            (6, PinKind.GOTOOLCHAIN, "go1.27.3", "1.27.3", 'ARG GOTOOLCHAIN="local"'),
            (9, PinKind.GOTOOLCHAIN, "go1.26.1", "1.26.1", "GOTOOLCHAIN=local"),
            (10, PinKind.GOTOOLCHAIN, "go1.25.0+path", "1.25.0", "export GOTOOLCHAIN='local'"),
            (11, PinKind.GOTOOLCHAIN, "auto", None, "GOTOOLCHAIN=local"),
        ]
        assert records[0].note is not None and "global ARG" in records[0].note
        # The FROM record is still there.
        assert [(r.line, r.version) for r in records if r.source is PinSource.DOCKERFILE] == [(3, "1.22.5")]

    def test_value_through_a_variable_is_reported_where_written(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            FROM golang:1.22.5 AS build
            ARG TOOLCHAIN=go1.28.0
            ENV GOTOOLCHAIN=${TOOLCHAIN}
            RUN GOTOOLCHAIN=$TOOLCHAIN go build ./...
            """,
        )
        assert toolchains(records) == [
            (2, PinKind.GOTOOLCHAIN, "go1.28.0", "1.28.0", "ARG TOOLCHAIN=local"),
            (2, PinKind.GOTOOLCHAIN, "go1.28.0", "1.28.0", "ARG TOOLCHAIN=local"),
        ]
        assert records[1].note == "ARG TOOLCHAIN, used in ENV GOTOOLCHAIN at line 3"
        assert records[2].note == "ARG TOOLCHAIN, used in RUN at line 4"

    def test_unknown_variable_is_unresolved(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            FROM golang:1.22.5
            ARG TOOLCHAIN
            ENV GOTOOLCHAIN=$TOOLCHAIN
            RUN GOTOOLCHAIN=$(cat .toolchain) go build ./...
            """,
        )
        unresolved = [r for r in records if r.source is PinSource.DOCKERFILE_GOTOOLCHAIN]
        assert [(r.line, r.kind, r.raw) for r in unresolved] == [
            (3, PinKind.UNRESOLVED, "$TOOLCHAIN"),
            (4, PinKind.UNRESOLVED, "$(cat .toolchain)"),
        ]

    def test_dockerfile_without_gotoolchain_has_no_such_records(self, tmp_path: Path) -> None:
        records = extract(tmp_path, "FROM golang:1.22.5\nENV GOFLAGS=-mod=readonly\nRUN go build ./...\n")
        assert toolchains(records) == []

    def test_empty_value_is_reported_as_unset(self, tmp_path: Path) -> None:
        records = extract(tmp_path, "FROM golang:1.22.5\nRUN GOTOOLCHAIN= go build ./...\n")
        assert toolchains(records) == [(2, PinKind.GOTOOLCHAIN, "", None, "GOTOOLCHAIN=local")]
        assert records[1].note is not None and "an empty GOTOOLCHAIN is unset" in records[1].note

    def test_heredoc_script_is_read_and_go_env_read_is_not_an_assignment(self, tmp_path: Path) -> None:
        records = extract(
            tmp_path,
            """
            FROM golang:1.22.5
            RUN <<EOS
            set -eu
            GOTOOLCHAIN=go1.27.1 go build ./...
            EOS
            RUN go env GOTOOLCHAIN && go version
            COPY <<EOF /etc/profile.d/go.sh
            export GOTOOLCHAIN=go1.20.1
            EOF
            """,
        )
        assert toolchains(records) == [(4, PinKind.GOTOOLCHAIN, "go1.27.1", "1.27.1", "GOTOOLCHAIN=local")]
