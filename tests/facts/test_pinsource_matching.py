"""Which files the pin walk reads, and their records arriving in RepoFacts (paths of included files)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gogate.facts import pins
from gogate.facts.model import PinKind, PinSource
from gogate.facts.pinsources import dockerfile, github_workflows, gitlab_ci


@pytest.mark.parametrize(
    "relative",
    [
        "Dockerfile",
        "dockerfile",
        "DOCKERFILE",
        "Dockerfile.CI",
        "dockerfile.dev",
        "build.dockerfile",
        "deploy/Build.Dockerfile",
        "Containerfile",
        "containerfile",
        "x.containerfile",
        "images/Dockerfile-alpine",
    ],
)
def test_dockerfile_names_match_in_any_case(relative: str) -> None:
    assert pins._extractor_for(relative) is dockerfile.extract


@pytest.mark.parametrize(
    "relative",
    [
        "dockerfile.go",
        "Dockerfile.go",
        "Dockerfile.sh",
        "Dockerfile.py",
        "internal/dockerfile/dockerfile_test.go",
        "docs/Dockerfile.md",
        "dockerfile.png",
        "dockerfiles.yml",
    ],
)
def test_names_with_another_files_extension_are_decided_by_content(relative: str) -> None:
    assert pins._extractor_for(relative) is dockerfile.extract_if_dockerfile


@pytest.mark.parametrize(
    "relative",
    ["Dockerfile.dockerignore", "build.Dockerfile.dockerignore", "my-dockerfile", ".dockerignore"],
)
def test_files_only_named_like_dockerfiles_are_not_read(relative: str) -> None:
    assert pins._extractor_for(relative) is None


@pytest.mark.parametrize(
    "relative",
    ["action.yml", "action.yaml", ".github/actions/setup-go/action.yml", ".github/actions/a/b/action.yaml"],
)
def test_local_actions_match(relative: str) -> None:
    assert pins._extractor_for(relative) is github_workflows.extract_action


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("tools/action.yml", None),
        (".github/workflows/action.yml", github_workflows.extract),
        (".github/actions/setup/README.md", None),
        ("ci/go.gitlab-ci.yml", None),
        (".gitlab-ci.yml", gitlab_ci.extract),
    ],
)
def test_other_places(relative: str, expected: object) -> None:
    assert pins._extractor_for(relative) is expected


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def test_gathered_records_include_new_sources(tmp_path: Path) -> None:
    write(tmp_path, "go.version", "1.22.5\n")
    write(tmp_path, "build.dockerfile", "FROM golang:1.21.0 AS build\n")
    write(tmp_path, ".gitlab-ci.yml", "include:\n  - local: ci/go.yml\n  - project: g/templates\n")
    write(tmp_path, "ci/go.yml", "test:\n  image: golang:1.20.1\n")
    write(tmp_path, "ci/unused.yml", "other:\n  image: golang:1.19.1\n")
    write(
        tmp_path,
        ".github/actions/setup/action.yml",
        """
        inputs:
          go-version: {default: '1.22.4'}
        runs:
          using: composite
          steps:
            - uses: actions/setup-go@v5
              with: {go-version: '${{ inputs.go-version }}'}
        """,
    )
    write(tmp_path, ".github/workflows/ci.yml", "on: push\njobs:\n  t:\n    container: golang:1.22.5\n")
    facts = pins.gather_repo_facts(tmp_path)
    # Walk order (root files first); included files follow the file that includes them.
    assert [(r.path, r.line, r.source, r.kind, r.version) for r in facts.records] == [
        (".gitlab-ci.yml", 3, PinSource.GITLAB_CI, PinKind.UNRESOLVED, None),
        ("ci/go.yml", 2, PinSource.GITLAB_CI, PinKind.EXACT, "1.20.1"),
        ("build.dockerfile", 1, PinSource.DOCKERFILE, PinKind.EXACT, "1.21.0"),
        (".github/actions/setup/action.yml", 2, PinSource.SETUP_GO_VERSION, PinKind.EXACT, "1.22.4"),
        (".github/workflows/ci.yml", 4, PinSource.GITHUB_IMAGE, PinKind.EXACT, "1.22.5"),
    ]


def test_ambiguous_dockerfile_names_are_read_by_content(tmp_path: Path) -> None:
    write(tmp_path, "go.version", "1.22.5\n")
    write(
        tmp_path,
        "Dockerfile.go",
        """
        # Build image for the Go services: docker build -f Dockerfile.go .
        ARG GO_VERSION=1.21.3
        FROM golang:${GO_VERSION}-bookworm AS build
        RUN go build ./...
        """,
    )
    write(tmp_path, "Dockerfile.sh", "# syntax=docker/dockerfile:1\nFROM golang:1.20.1\nRUN ./build.sh\n")
    write(
        tmp_path,
        "internal/dockerfile/dockerfile.go",
        """
        // Package dockerfile renders the FROM line.
        package dockerfile

        const From = "FROM golang:1.19.1"
        """,
    )
    write(tmp_path, "scripts/dockerfile.sh", "#!/bin/sh\nset -eu\necho 'FROM golang:1.18.1' > Dockerfile\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "dockerfile.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    (tmp_path / "docs" / "Dockerfile.txt").write_bytes(b"FROM golang:1.17.1 \xe9\n")
    facts = pins.gather_repo_facts(tmp_path)
    assert [(r.path, r.line, r.version) for r in facts.records] == [
        ("Dockerfile.go", 2, "1.21.3"),
        ("Dockerfile.sh", 2, "1.20.1"),
    ]
