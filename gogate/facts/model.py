"""Immutable fact models: what gogate learned about the repository and the environment.

Facts are gathered once per run (files parsed, ``go env`` run) and then only read by checks, so
two checks can never see two different versions of the world.
"""

from __future__ import annotations

import enum

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "EffectiveToolchain",
    "GoEnv",
    "GoToolchainFacts",
    "PinKind",
    "PinRecord",
    "PinSource",
    "RepoFacts",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class PinSource(enum.StrEnum):
    """Where a Go version was stated."""

    GO_VERSION_FILE = "go.version"
    DOT_GO_VERSION = ".go-version"
    TOOL_VERSIONS = ".tool-versions"
    GO_MOD_GO = "go.mod go line"
    GO_MOD_TOOLCHAIN = "go.mod toolchain line"
    GO_WORK_GO = "go.work go line"
    GO_WORK_TOOLCHAIN = "go.work toolchain line"
    DOCKERFILE = "Dockerfile FROM golang"
    GITLAB_CI = "GitLab CI image"
    SETUP_GO_VERSION = "setup-go go-version"
    SETUP_GO_VERSION_FILE = "setup-go go-version-file"
    GITHUB_IMAGE = "GitHub Actions golang image"
    DOCKERFILE_GOTOOLCHAIN = "Dockerfile GOTOOLCHAIN"
    GITHUB_GOTOOLCHAIN = "GitHub Actions GOTOOLCHAIN"
    GITLAB_GOTOOLCHAIN = "GitLab CI GOTOOLCHAIN"


class PinKind(enum.StrEnum):
    """How precisely a location states the version."""

    EXACT = "exact"
    """One release, e.g. 1.22.5, golang:1.22.5-bookworm, toolchain go1.22.5."""
    MINIMUM = "minimum"
    """A go.mod/go.work ``go`` line: the minimum Go the module needs."""
    FLOATING = "floating"
    """Moves over time: golang:1.22, golang:latest, go-version: stable, 1.22.x, a language version."""
    DEFAULT = "default"
    """``toolchain default``: no toolchain switching requested."""
    REFERENCE = "reference"
    """Points at another file (setup-go go-version-file)."""
    UNRESOLVED = "unresolved"
    """Cannot be known statically: a CI expression, an unknown variable, a digest without a tag."""
    GOTOOLCHAIN = "gotoolchain"
    """A GOTOOLCHAIN value set for a build (Dockerfile ENV/ARG/RUN, CI variables); ``raw`` is the value."""


class PinRecord(BaseModel):
    """One place the repository states a Go version."""

    model_config = _FROZEN

    source: PinSource
    kind: PinKind
    path: str = Field(description="Repository-relative path with '/' separators.")
    line: int
    raw: str = Field(description="The value as written, e.g. 'golang:1.22-bookworm'.")
    version: str | None = Field(
        default=None, description="Bare Go version ('1.22.5', '1.22'), when the value contains one."
    )
    fix_template: str | None = Field(
        default=None,
        description="What to write instead, with '{version}' standing for the pinned version.",
    )
    range_spec: str | None = Field(
        default=None,
        description="For a FLOATING value read as a version range by its consumer (setup-go, asdf): the "
        "range as written, e.g. '1.22.x', '^1.22.3', '>=1.23'. The pins check fails it when it can never "
        "select the pin.",
    )
    note: str | None = None
    shadowed: bool = Field(
        default=False, description="Ignored by its consumer (e.g. a go-version-file overridden)."
    )


class RepoFacts(BaseModel):
    """Everything read from the repository tree for the pin checks."""

    model_config = _FROZEN

    root: str
    pin: PinRecord | None = Field(description="The source of truth: go.version, else the fallbacks.")
    pin_fallback_used: bool = False
    records: tuple[PinRecord, ...] = Field(description="Every version statement found, in path order.")
    module_files: tuple[str, ...] = Field(
        default=(),
        description="Every go.mod and go.work outside vendor/, testdata/ and module caches, in path order.",
    )


class GoEnv(BaseModel):
    """What ``GOTOOLCHAIN=local go env -json`` reported, plus the job's configured GOTOOLCHAIN."""

    model_config = _FROZEN

    goversion: str = Field(description="e.g. 'go1.22.5'")
    goroot: str
    goos: str
    goarch: str
    gotoolchain: str = Field(
        description="The job's GOTOOLCHAIN as Go resolves it (env, go env file, go.env)."
    )
    settings: dict[str, str] = Field(
        default_factory=dict, description="Selected go env values (GOSUMDB, GOPROXY, GOFLAGS, ...)."
    )


class EffectiveToolchain(BaseModel):
    """What cmd/go's toolchain selection would run (predicted, never executed)."""

    model_config = _FROZEN

    toolchain: str = Field(description="e.g. 'go1.22.5'; the installed one when nothing switches.")
    switches: bool
    path_only: bool = Field(description="GOTOOLCHAIN ...+path: a switch never downloads.")
    reason: str
    on_path: str | None = Field(default=None, description="Where a switch target was found on PATH.")


class GoToolchainFacts(BaseModel):
    """The ``go`` command the job would run, or why there is none."""

    model_config = _FROZEN

    go_path: str | None = None
    env: GoEnv | None = None
    error: str | None = Field(default=None, description="Why go could not be found or `go env` failed.")
    process_env: dict[str, str] = Field(
        default_factory=dict,
        description="Relevant variables of the job's environment that `go env` does not report.",
    )
    effective: EffectiveToolchain | None = Field(
        default=None, description="The toolchain the go command would run with the job's GOTOOLCHAIN."
    )
    effective_error: str | None = Field(
        default=None, description="The go command's error when GOTOOLCHAIN or a toolchain line is invalid."
    )
