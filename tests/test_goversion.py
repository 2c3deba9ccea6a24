"""gogate.goversion: unit tables, then the real go command as the oracle for ordering and names."""

from __future__ import annotations

from pathlib import Path

import pytest
from goenv_support import hermetic_go_env, run_go, write_module

from gogate import goversion
from gogate.goversion import GoVersion

# --- unit tables -------------------------------------------------------------------------------

_INVALID = GoVersion()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", GoVersion("1", "0", "0")),
        ("1.20", GoVersion("1", "20", "0")),
        ("1.20.0", GoVersion("1", "20", "0")),
        ("1.21", GoVersion("1", "21", "")),
        ("1.21.0", GoVersion("1", "21", "0")),
        ("1.21.13", GoVersion("1", "21", "13")),
        ("1.21rc1", GoVersion("1", "21", "", "rc", "1")),
        ("1.21rc", GoVersion("1", "21", "", "rc", "")),
        ("1.20beta2", GoVersion("1", "20", "", "beta", "2")),
        ("1.99999999999", GoVersion("1", "99999999999", "")),
        ("2.0", GoVersion("2", "0", "0")),
        ("1.0", GoVersion("1", "0", "0")),
        # invalid: all-empty, as gover.Parse
        ("", _INVALID),
        ("go1.21", _INVALID),
        ("v1.21.0", _INVALID),
        ("01.21", _INVALID),
        ("1.021", _INVALID),
        ("1.21.01", _INVALID),
        ("1.21.3rc1", _INVALID),
        ("1.21.0rc1", _INVALID),
        ("1.21rc01", _INVALID),
        ("1.21RC1", _INVALID),
        ("1.21-rc1", _INVALID),
        ("1.22.x", _INVALID),
        ("1.2.3.4", _INVALID),
        ("1.", _INVALID),
        ("1..2", _INVALID),
        ("1.2.", _INVALID),
        (" 1.2", _INVALID),
        ("1.2 ", _INVALID),
        ("1.21rc1x", _INVALID),
        ("1.2\u0663", _INVALID),  # non-ASCII digit
    ],
)
def test_parse(text: str, expected: GoVersion) -> None:
    parsed = goversion.parse(text)
    assert parsed == expected
    assert parsed.valid is (expected != _INVALID)
    assert goversion.is_valid(text) is (expected != _INVALID)


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("1.21", "1.21rc1", -1),
        ("1.21rc1", "1.21rc2", -1),
        ("1.21rc2", "1.21rc10", -1),
        ("1.21rc", "1.21rc1", -1),
        ("1.21rc2", "1.21.0", -1),
        ("1.21.0", "1.21.1", -1),
        ("1.21", "1.21.0", -1),
        ("1.20rc1", "1.20", -1),
        ("1.20", "1.20.0", 0),
        ("1.20.0", "1.20.1", -1),
        ("1", "1.0", 0),
        ("1", "1.0.0", 0),
        ("1.21alpha1", "1.21beta1", -1),
        ("1.21beta1", "1.21rc1", -1),
        ("1.20beta1", "1.20rc1", -1),
        ("1.9", "1.10", -1),
        ("1.9.9", "1.10", -1),
        ("1.20.99", "1.21", -1),
        ("1.99999999999", "1.100000000000", -1),
        ("2", "1.99", 1),
        ("1.22.5", "1.22.5", 0),
        # malformed versions sort before all valid ones and equal each other
        ("junk", "1.0", -1),
        ("1.21.3rc1", "1", -1),
        ("junk", "other", 0),
        ("", "1.21", -1),
    ],
)
def test_compare(left: str, right: str, expected: int) -> None:
    assert goversion.compare(left, right) == expected
    assert goversion.compare(right, left) == -expected


def test_compare_is_a_total_order_on_a_sample() -> None:
    ordered = [
        "1",
        "1.0.1",
        "1.9",
        "1.19.13",
        "1.20rc1",
        "1.20",
        "1.20.1",
        "1.21",
        "1.21alpha1",
        "1.21beta1",
        "1.21beta2",
        "1.21rc1",
        "1.21rc2",
        "1.21.0",
        "1.21.1",
        "1.21.10",
        "1.22",
        "1.22.0",
        "2.0.0",
    ]
    for i, left in enumerate(ordered):
        for j, right in enumerate(ordered):
            assert goversion.compare(left, right) == (i > j) - (i < j), (left, right)


@pytest.mark.parametrize(
    ("text", "lang_ok", "release_ok"),
    [
        ("1.21", True, False),
        ("1.22", True, False),
        ("1.21rc1", False, True),
        ("1.21.0", False, True),
        ("1.22.5", False, True),
        ("1.20", False, True),  # before 1.21 a missing patch means .0: a release
        ("1", False, True),
        ("1.21rc", False, True),
        ("1.21.3rc1", False, False),
        ("", False, False),
        ("go1.22", False, False),
    ],
)
def test_is_lang_and_is_release(text: str, lang_ok: bool, release_ok: bool) -> None:
    assert goversion.is_lang(text) is lang_ok
    assert goversion.is_release(text) is release_ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.21.3", "1.21"),
        ("1.21rc1", "1.21"),
        ("1.21", "1.21"),
        ("1.20", "1.20"),
        ("1.2.3", "1.2"),
        ("1", "1"),
        ("1.0", "1"),
        ("1.0.5", "1"),
        ("2.0.1", "2.0"),
        ("junk", ""),
    ],
)
def test_lang(text: str, expected: str) -> None:
    assert goversion.lang(text) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("go1.22.5", "1.22.5"),
        ("go1.22", "1.22"),
        ("go1.21rc1", "1.21rc1"),
        ("go1.22.5-bigcorp", "1.22.5"),
        ("go1.20.3-gccgo", "1.20.3"),
        ("go1.22.5 linux/amd64", ""),  # a path separator anywhere makes the name invalid
        ("go1.22.5 custom", "1.22.5"),
        ("go1.22.5\tcustom", "1.22.5"),
        ("go1.22.5-x/y", ""),
        ("go1.22.5\\x", ""),
        # cmd/go's FromToolchain only knows the "go" prefix: a gccgo-style "-go" infix is no version
        ("gccgo-go1.2", ""),
        ("bigcorp-go1.22.5", ""),
        ("1.22.5", ""),
        ("go", ""),
        ("go1.21.3rc1", ""),
        ("golang1.22", ""),
        ("Go1.22.5", ""),
        ("", ""),
    ],
)
def test_from_toolchain(name: str, expected: str) -> None:
    assert goversion.from_toolchain(name) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.22.5", "1.22.5"),
        ("go1.22.5", "1.22.5"),
        ("1.22", "1.22"),
        ("go1.21rc1", "1.21rc1"),
        ("v1.22.5", ""),
        (" 1.22.5", ""),
        ("1.22.5\n", ""),
        ("go1.22.5-bigcorp", ""),
        ("gogo1.22", ""),
        ("1.22.x", ""),
        ("", ""),
        ("go", ""),
    ],
)
def test_normalize_user_version(text: str, expected: str) -> None:
    assert goversion.normalize_user_version(text) == expected


def test_patterns_match_x_mod() -> None:
    assert goversion.GO_LINE_PATTERN.match("1.21.3rc1")  # the go.mod regexp is looser than gover
    assert not goversion.GO_LINE_PATTERN.match("1.22.x")
    assert goversion.TOOLCHAIN_LINE_PATTERN.match("go1.22.5-bigcorp")
    assert goversion.TOOLCHAIN_LINE_PATTERN.match("default")
    assert not goversion.TOOLCHAIN_LINE_PATTERN.match("1.22.5")
    assert not goversion.TOOLCHAIN_LINE_PATTERN.match("go2.0")


# --- oracle: the go command's own ordering --------------------------------------------------------


def _relative_versions(running: str) -> dict[str, str]:
    """Go versions placed around the running toolchain's version."""
    parsed = goversion.parse(running)
    major, minor = parsed.major, int(parsed.minor)
    cases = {
        "local": running,
        "local-lang": f"{major}.{minor}",
        "local-lang-rc1": f"{major}.{minor}rc1",
        "next-minor-release": f"{major}.{minor + 1}.0",
        "next-lang": f"{major}.{minor + 1}",
        "next-lang-rc1": f"{major}.{minor + 1}rc1",
        "previous-lang": f"{major}.{minor - 1}",
    }
    if parsed.patch:
        cases["next-patch"] = f"{major}.{minor}.{int(parsed.patch) + 1}"
        # gover rejects prereleases of patch releases, so the go command treats this as "too old".
        cases["next-patch-rc1"] = f"{major}.{minor}.{int(parsed.patch) + 1}rc1"
    if parsed.patch not in ("", "0"):
        cases["previous-patch"] = f"{major}.{minor}.{int(parsed.patch) - 1}"
    return cases


_FIXED = ["1.21", "1.21rc1", "1.21.0", "1.21.13", "1.20", "1.20rc1", "1.16", "1.99.0", "1.99", "2.0.0"]
_RELATIVE = [
    "local",
    "local-lang",
    "local-lang-rc1",
    "next-patch",
    "next-patch-rc1",
    "previous-patch",
    "next-minor-release",
    "next-lang",
    "next-lang-rc1",
    "previous-lang",
]


@pytest.mark.parametrize("case", _FIXED + _RELATIVE)
def test_go_refuses_exactly_the_newer_go_lines(
    case: str, go_bin: Path, go_version: str, go_env: dict[str, str], tmp_path: Path
) -> None:
    running = goversion.from_toolchain(go_version)
    assert running, f"cannot read the version of {go_version!r}"
    version = case if case in _FIXED else _relative_versions(running).get(case)
    if version is None:
        pytest.skip(f"{case} does not apply to {go_version}")
    module = write_module(tmp_path / "m", f"module example.com/m\n\ngo {version}\n", main=True)
    result = run_go(go_bin, ["list", "./..."], cwd=module, env=go_env)
    refused = "requires go >=" in result.stderr
    assert refused is (goversion.compare(version, running) > 0), (version, running, result.stderr)
    if not refused and goversion.is_valid(version):
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "example.com/m"


@pytest.mark.parametrize(
    "name",
    [
        "go1.99.1",
        "go1.99",
        "go1.99rc1",
        "go1.99.1-bigcorp",
        "go1.99.1 custom",
        "gccgo-go1.99.1",
        "bigcorp-go1.99.1",
        "go1.99.1rc1",
        "go1.99/x",
        "go1.99\\x",
        "1.99.1",
        "go01.99",
        "go1.99.x",
    ],
)
def test_go_reads_toolchain_names_like_from_toolchain(name: str, go_bin: Path, tmp_path: Path) -> None:
    """GOTOOLCHAIN=<name>+path: Go calls the minimum invalid exactly when FromToolchain finds no version."""
    env = hermetic_go_env(tmp_path / "gohome", GOTOOLCHAIN=f"{name}+path")
    result = run_go(go_bin, ["env", "GOVERSION"], cwd=tmp_path, env=env)
    invalid = "invalid minimum toolchain" in result.stderr
    assert invalid is (goversion.from_toolchain(name) == ""), result.stderr
    if not invalid:
        assert f'cannot find "{name}" in PATH' in result.stderr
