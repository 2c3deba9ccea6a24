"""Configuration precedence and validation: flags > GOGATE_* > .gogate.yaml > defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from gogate.checks.interface import Mode
from gogate.checks.registry import CHECKS
from gogate.config import Color, build_config
from gogate.errors import ConfigError
from gogate.results import Severity


def _config(
    tmp_path: Path,
    *,
    file: str | None = None,
    flags: dict[str, object] | None = None,
    env: dict[str, str] | None = None,
):  # type: ignore[no-untyped-def]
    if file is not None:
        (tmp_path / ".gogate.yaml").write_text(file)
    return build_config(root=tmp_path, flags=flags or {}, environ=env or {})


def test_defaults(tmp_path: Path) -> None:
    config = _config(tmp_path)
    assert (config.mode, config.pin_file, config.color, config.fail_on_warnings) == (
        Mode.MINIMAL,
        "go.version",
        Color.AUTO,
        False,
    )
    assert config.checks == tuple(CHECKS)


@pytest.mark.parametrize(
    ("env", "mode"),
    [
        ({"CI_PIPELINE_SOURCE": "schedule"}, Mode.FULL),
        ({"GITHUB_EVENT_NAME": "schedule"}, Mode.FULL),
        ({"CI_PIPELINE_SOURCE": "merge_request_event"}, Mode.MINIMAL),
    ],
)
def test_scheduled_pipelines_default_to_full(tmp_path: Path, env: dict[str, str], mode: Mode) -> None:
    assert _config(tmp_path, env=env).mode is mode


def test_precedence_flag_over_env_over_file(tmp_path: Path) -> None:
    file = "mode: full\npin_file: pins/go.txt\nskip: [goenv]\n"
    assert _config(tmp_path, file=file).mode is Mode.FULL
    assert _config(tmp_path, file=file, env={"GOGATE_MODE": "minimal"}).mode is Mode.MINIMAL
    assert (
        _config(tmp_path, file=file, env={"GOGATE_MODE": "minimal"}, flags={"mode": "full"}).mode is Mode.FULL
    )
    config = _config(tmp_path, file=file, env={"GOGATE_SKIP": "toolchain"})
    assert config.checks == tuple(c for c in CHECKS if c != "toolchain")
    assert config.pin_file == "pins/go.txt"


def test_only_and_skip(tmp_path: Path) -> None:
    config = _config(tmp_path, flags={"only": "pins,goenv", "skip": "goenv"})
    assert (config.checks, config.deselected) == (("pins",), tuple(c for c in CHECKS if c != "pins"))


def test_severity_and_reports_from_file(tmp_path: Path) -> None:
    config = _config(
        tmp_path, file="severity:\n  pins.floating: error\n  goenv: off\nreports:\n  json: r.json\n"
    )
    assert config.severity == {"pins.floating": Severity.ERROR, "goenv": Severity.OFF}
    assert config.reports.json_report == "r.json"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"env": {"GOGATE_MODE": "fast"}}, "GOGATE_MODE: 'fast' is not one of minimal, full"),
        ({"env": {"GOGATE_ONLY": "pins,nope"}}, "GOGATE_ONLY: unknown check 'nope'"),
        ({"flags": {"skip": "x"}}, "--skip: unknown check 'x'"),
        ({"env": {"GOGATE_FAIL_ON_WARNINGS": "maybe"}}, "GOGATE_FAIL_ON_WARNINGS='maybe'"),
        ({"env": {"GOGATE_COLOR": "rainbow"}}, "GOGATE_COLOR: 'rainbow'"),
        ({"file": "mode: 3\n"}, ".gogate.yaml:1: mode"),
        ({"file": "reports:\n  junit: a\n  html: b\n"}, ".gogate.yaml:3: unknown key 'reports.html'"),
        ({"file": "mode: [\n"}, ".gogate.yaml:2: invalid YAML"),
        ({"flags": {"config": "/nonexistent/gogate.yaml"}}, "config file not found"),
    ],
)
def test_invalid_configuration_names_its_origin(tmp_path: Path, kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ConfigError) as caught:
        _config(tmp_path, **kwargs)
    assert message in caught.value.diagnostics()


def test_selecting_no_check_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--skip: no check left to run"):
        _config(tmp_path, flags={"skip": ",".join(CHECKS)})


@pytest.mark.parametrize("key", ["pins.mismatch", "pins", "toolchain", "toolchain.installed-mismatch"])
def test_gate_deciding_rules_cannot_be_reweighted(tmp_path: Path, key: str) -> None:
    with pytest.raises(ConfigError, match="decides the gate and cannot be re-weighted"):
        _config(tmp_path, file=f"severity:\n  {key}: info\n")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"flags": {"only": " , "}}, "--only: empty list of checks"),
        ({"flags": {"pin_file": "/etc/hostname"}}, "must be a path inside the repository"),
        ({"env": {"GOGATE_PIN_FILE": "../go.version"}}, "GOGATE_PIN_FILE: pin file '../go.version'"),
        ({"file": "mode: full\nskip: [goenv]\nmode: minimal\n"}, ".gogate.yaml:3: key 'mode' is given twice"),
        ({"file": "a: " + "[" * 3000 + "]" * 3000 + "\n"}, "nested too deeply"),
        (
            {
                "file": "a: &a {x: 1}\n"
                + "".join(f"a{n}: &a{n} {{<<: [*a{n - 1 if n > 1 else ''}]}}\n" for n in range(1, 3))
                + "severity: {b: {c: {d: {e: {f: {g: {h: {i: {j: 1}}}}}}}}}\n"
            },
            "nested too deeply",
        ),
    ],
)
def test_hostile_or_odd_configuration_is_refused(tmp_path: Path, kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ConfigError) as caught:
        _config(tmp_path, **kwargs)
    assert message in caught.value.diagnostics()


class TestRepositoryFileCannotWaiveTheGate:
    """A .gogate.yaml found in the repository is part of the change under review."""

    @pytest.mark.parametrize(
        ("file", "message"),
        [
            ("go: tools/go\n", "go: the go command to verify can only be chosen by --go or GOGATE_GO"),
            ("skip: [pins]\n", "only/skip: pins decide the gate"),
            (
                "only: [goenv]\n",
                "only/skip: pins, toolchain, lock, goroot, toolchain-archive, gosum, modcache, vendor, "
                "sumdb, snapshot decide",
            ),
            ("skip: [vendor, modcache]\n", "only/skip: modcache, vendor decide"),
            ("reports: {junit: ../x.xml}\n", "reports.junit: '../x.xml' must be a relative path"),
            ("reports: {json: /tmp/r.json}\n", "reports.json: '/tmp/r.json' must be a relative path"),
        ],
    )
    def test_refused(self, tmp_path: Path, file: str, message: str) -> None:
        with pytest.raises(ConfigError) as caught:
            _config(tmp_path, file=file)
        assert message in caught.value.diagnostics()

    def test_pipeline_named_file_is_trusted(self, tmp_path: Path) -> None:
        trusted = tmp_path / "platform" / "gogate.yaml"
        trusted.parent.mkdir()
        trusted.write_text("go: /opt/go/bin/go\nskip: [pins]\n")
        config = _config(tmp_path, flags={"config": str(trusted)})
        assert (config.go, config.checks) == ("/opt/go/bin/go", tuple(c for c in CHECKS if c != "pins"))

    def test_flags_take_the_selection_whole(self, tmp_path: Path) -> None:
        config = _config(tmp_path, file="skip: [goenv]\n", flags={"only": "goenv"})
        assert config.checks == ("goenv",)
        assert _config(tmp_path, file="skip: [goenv]\n").checks == tuple(c for c in CHECKS if c != "goenv")
