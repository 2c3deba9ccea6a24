"""Secrets never reach an output: every shape gogate can meet in Go settings and error messages."""

from __future__ import annotations

import pytest

from gogate.redact import REDACTED, redact


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("GOPROXY=https://ci-bot:s3cret@proxy.corp/,direct", "s3cret"),
        ("GOPROXY=https://ci:tok@en9@proxy.corp/", "en9"),
        ("GOPROXY=https://glpat-AbCdEfGh12345678@gitlab.corp/api/v4/packages/go", "glpat-AbCdEfGh12345678"),
        ("https://proxy.corp/?private_token=abc123def", "abc123def"),
        ("https://proxy.corp/go?x=1&access_token=zzz999", "zzz999"),
        (
            "go.mod:4: unknown directive: GITLAB_TOKEN=glpat-0123456789abcdefghij",
            "glpat-0123456789abcdefghij",
        ),
        ("token ghp_0123456789abcdefghijABCDEFGHIJ012345", "ghp_0123456789abcdefghijABCDEFGHIJ012345"),
        ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "github_pat_11ABCDEFG0123456789"),
        ("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvIn0.c2lnbmF0dXJl", "eyJzdWIiOiJyZXBvIn0"),
        ("Authorization: Bearer abcdef0123456789", "abcdef0123456789"),
        ("machine proxy.corp login bot password hunter2", "hunter2"),
        ("AKIAABCDEFGHIJKLMNOP in a message", "AKIAABCDEFGHIJKLMNOP"),
    ],
)
def test_secret_is_removed(text: str, secret: str) -> None:
    cleaned = redact(text)
    assert secret not in cleaned
    assert REDACTED in cleaned


@pytest.mark.parametrize(
    "text",
    [
        "GOPROXY=https://proxy.golang.org,direct",
        "go.mod:3: invalid go version '1.22.x': must match format 1.23.0",
        "golang:1.22.5-bookworm@sha256:" + "ab" * 32,
        "GONOSUMDB=git.corp.example/*",
    ],
)
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert redact(text) == text


def test_host_after_userinfo_is_kept() -> None:
    assert redact("https://u:p@w@proxy.corp/x") == f"https://{REDACTED}@proxy.corp/x"
