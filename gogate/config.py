"""Configuration: flags, then ``GOGATE_*`` variables, then ``.gogate.yaml``, then defaults.

The file is validated with pydantic: an unknown key or a wrong type is a ConfigError (exit 2)
naming the key and its line. Engine code only ever sees the frozen :class:`Config`.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from gogate.checks.interface import Mode
from gogate.checks.registry import CHECKS, all_rules, configurable_keys
from gogate.errors import ConfigError
from gogate.facts.textfile import read_text_file
from gogate.results import Severity

__all__ = [
    "CONFIG_FILE_NAMES",
    "Color",
    "Config",
    "FileConfig",
    "ReportPaths",
    "build_config",
    "default_mode",
]

CONFIG_FILE_NAMES = (".gogate.yaml", ".gogate.yml")


class Color(enum.StrEnum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


class ReportPaths(BaseModel):
    """Report files to write; None means not written."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    junit: str | None = None
    json_report: str | None = None
    markdown: str | None = None
    codequality: str | None = None


class _FileReports(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    junit: str | None = None
    json_report: str | None = Field(default=None, alias="json")
    markdown: str | None = None
    codequality: str | None = None


class FileConfig(BaseModel):
    """The schema of ``.gogate.yaml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Mode | None = None
    pin_file: str | None = None
    only: list[str] | None = None
    skip: list[str] | None = None
    severity: dict[str, Severity] = {}
    fail_on_warnings: bool | None = None
    go: str | None = None
    color: Color | None = None
    reports: _FileReports | None = None
    archives: list[str] | None = None
    download_archives: bool | None = None
    snapshot_signature: dict[str, str] | None = Field(
        default=None,
        description="Who may sign gogate.snapshot.json (gogate snapshot verify): {key: PUBLIC.pem} or "
        "{identity|identity_regexp, issuer|issuer_regexp, trusted_root?}. Only from a config file the "
        "pipeline names, never the repository's own.",
    )

    @field_validator("severity", mode="before")
    @classmethod
    def _unquoted_off(cls, value: Any) -> Any:
        """YAML 1.1 reads an unquoted ``off`` as false; in a severity it can only mean "off"."""
        if isinstance(value, dict):
            return {key: "off" if item is False else item for key, item in value.items()}
        return value


@dataclass(frozen=True)
class Config:
    """Everything one run needs to know, resolved from all sources."""

    root: Path
    mode: Mode
    pin_file: str
    checks: tuple[str, ...]
    """Selected check ids, in registry order."""
    deselected: tuple[str, ...]
    severity: Mapping[str, Severity]
    fail_on_warnings: bool
    go: str | None
    color: Color
    reports: ReportPaths
    config_file: str | None = None
    mode_reason: str = ""
    archives: tuple[str, ...] = ()
    """Local release archives the toolchain-archive check verifies."""
    download_archives: bool = False
    """Full mode: download every platform gogate.lock lists and verify it too."""


def default_mode(environ: Mapping[str, str]) -> tuple[Mode, str]:
    """Nightly (scheduled) pipelines default to full mode, everything else to minimal."""
    if environ.get("CI_PIPELINE_SOURCE") == "schedule":
        return Mode.FULL, "scheduled GitLab pipeline"
    if environ.get("GITHUB_EVENT_NAME") == "schedule":
        return Mode.FULL, "scheduled GitHub workflow"
    return Mode.MINIMAL, "default"


def _key_lines(node: yaml.Node, relative: str, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], int]:
    """Line of every key; a key given twice is an error (YAML loaders silently keep the last one)."""
    lines: dict[tuple[str, ...], int] = {}
    if len(prefix) > 8:
        # gogate's configuration is at most three levels deep; deeper (or alias-looped) is not ours.
        raise ConfigError(
            f"{relative}:{node.start_mark.line + 1}: nested too deeply for a gogate configuration"
        )
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = (*prefix, str(key.value))
            if path in lines:
                raise ConfigError(
                    f"{relative}:{key.start_mark.line + 1}: key {'.'.join(path)!r} is given twice "
                    f"(first at line {lines[path]})"
                )
            lines[path] = key.start_mark.line + 1
            lines.update(_key_lines(value, relative, path))
    return lines


def load_file_config(root: Path, relative: str) -> FileConfig:
    """Parse and validate a config file; raise ConfigError naming the key and line."""
    text = read_text_file(root, relative, allow_crlf=True).text
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        suffix = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{relative}{suffix}: invalid YAML: {getattr(error, 'problem', error)}") from error
    except RecursionError as error:
        raise ConfigError(f"{relative}: is nested too deeply to be a gogate configuration") from error
    if data is None:
        return FileConfig()
    if not isinstance(data, dict):
        raise ConfigError(f"{relative}:1: expected a mapping of settings, found {type(data).__name__}")
    lines = _key_lines(node, relative) if node is not None else {}
    try:
        return FileConfig.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        location = tuple(str(part) for part in problem["loc"])
        key_line = next(
            (lines[location[:n]] for n in range(len(location), 0, -1) if location[:n] in lines), None
        )
        key = ".".join(location)
        where = f"{relative}:{key_line}" if key_line else relative
        if problem["type"] == "extra_forbidden":
            allowed = ", ".join(FileConfig.model_fields)
            raise ConfigError(
                f"{where}: unknown key {key!r}", remediation=f"known keys: {allowed}"
            ) from error
        raise ConfigError(f"{where}: {key}: {problem['msg']}") from error


_GATE_CHECKS = (
    "pins",
    "toolchain",
    "lock",
    "goroot",
    "toolchain-archive",
    "gosum",
    "modcache",
    "vendor",
    "sumdb",
    "snapshot",
)


def _refuse_waiving_gate_checks(config_file: str | None, deselected: Sequence[str]) -> None:
    """A repository's own file may narrow advisory checks, never turn off the ones that decide the gate."""
    waived = [check_id for check_id in _GATE_CHECKS if check_id in deselected]
    if waived:
        raise ConfigError(
            f"{config_file}: only/skip: {', '.join(waived)} decide the gate and cannot be turned off by a "
            "file in the repository under review",
            remediation="use --only/--skip or GOGATE_ONLY/GOGATE_SKIP in the pipeline definition",
        )


def _inside(path: str) -> bool:
    pure = PurePosixPath(path)
    return not pure.is_absolute() and ".." not in pure.parts and bool(pure.parts)


def _split_ids(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _bool_env(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"{name}={value!r}: expected true or false")


_E = TypeVar("_E", bound=enum.Enum)


def _enum_value(kind: type[_E], value: str, origin: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(str(member.value) for member in kind)
        raise ConfigError(f"{origin}: {value!r} is not one of {choices}") from None


def _validate_ids(ids: Sequence[str], origin: str) -> None:
    unknown = [check_id for check_id in ids if check_id not in CHECKS]
    if unknown:
        raise ConfigError(
            f"{origin}: unknown check {unknown[0]!r}", remediation=f"checks: {', '.join(CHECKS)}"
        )


def build_config(
    *,
    root: Path,
    flags: Mapping[str, Any],
    environ: Mapping[str, str],
) -> Config:
    """Resolve the configuration; ``flags`` holds only the options given on the command line.

    Raises ConfigError (exit 2) for any invalid value, naming where it came from.
    """
    config_path = flags.get("config") or environ.get("GOGATE_CONFIG")
    config_file: str | None = None
    # A file named by the pipeline (--config, GOGATE_CONFIG) is trusted; one found in the repository
    # is part of the change under review, so it cannot choose what is verified or switch gate checks off.
    repository_file = not config_path
    if config_path:
        candidate = Path(config_path)
        config_root = candidate.parent if candidate.is_absolute() else Path.cwd() / candidate.parent
        if not candidate.is_file():
            raise ConfigError(f"{config_path}: config file not found")
        file_config = load_file_config(config_root, candidate.name)
        config_file = str(config_path)
    else:
        file_config = FileConfig()
        for name in CONFIG_FILE_NAMES:
            if (root / name).exists():
                file_config = load_file_config(root, name)
                config_file = name
                break

    def pick(flag: str, env_name: str, file_value: Any) -> tuple[Any, str]:
        if flags.get(flag) is not None:
            return flags[flag], f"--{flag.replace('_', '-')}"
        if environ.get(env_name):
            return environ[env_name], env_name
        return file_value, config_file or "default"

    mode_value, origin = pick("mode", "GOGATE_MODE", file_config.mode)
    if mode_value is None:
        mode, mode_reason = default_mode(environ)
    else:
        mode, mode_reason = _enum_value(Mode, str(mode_value), origin), origin

    # Selection is taken whole from one place: flags/environment when they say anything, else the file.
    selection_given = any(flags.get(name) is not None for name in ("only", "skip")) or any(
        environ.get(name) for name in ("GOGATE_ONLY", "GOGATE_SKIP")
    )
    if selection_given:
        only_value, only_origin = pick("only", "GOGATE_ONLY", None)
        skip_value, skip_origin = pick("skip", "GOGATE_SKIP", None)
    else:
        only_value, only_origin = pick("only", "GOGATE_ONLY", file_config.only)
        skip_value, skip_origin = pick("skip", "GOGATE_SKIP", file_config.skip)
    if isinstance(only_value, str) and not _split_ids(only_value):
        raise ConfigError(f"{only_origin}: empty list of checks", remediation=f"checks: {', '.join(CHECKS)}")
    only = _split_ids(only_value) if isinstance(only_value, str) else list(only_value or [])
    skip = _split_ids(skip_value) if isinstance(skip_value, str) else list(skip_value or [])
    _validate_ids(only, only_origin)
    _validate_ids(skip, skip_origin)
    selected = tuple(c for c in CHECKS if (not only or c in only) and c not in skip)
    deselected = tuple(c for c in CHECKS if c not in selected)
    if not selected:
        # Running no check would report "passed" having verified nothing.
        raise ConfigError(
            f"{skip_origin if skip else only_origin}: no check left to run",
            remediation=f"select at least one of {', '.join(CHECKS)}",
        )
    if repository_file and not selection_given:
        _refuse_waiving_gate_checks(config_file, deselected)

    rules, configurable = all_rules(), configurable_keys()
    for key in file_config.severity:
        if key not in rules and key not in CHECKS:
            raise ConfigError(
                f"{config_file}: severity: unknown rule {key!r}",
                remediation=f"configurable: {', '.join(sorted(configurable))}",
            )
        if key not in configurable:
            raise ConfigError(
                f"{config_file}: severity: {key!r} decides the gate and cannot be re-weighted",
                remediation=f"configurable: {', '.join(sorted(configurable))}; "
                "to leave a whole check out, use skip (reported as skipped)",
            )

    fail_value, fail_origin = pick(
        "fail_on_warnings", "GOGATE_FAIL_ON_WARNINGS", file_config.fail_on_warnings
    )
    fail_on_warnings = _bool_env(fail_origin, fail_value) if isinstance(fail_value, str) else bool(fail_value)

    color_value, color_origin = pick("color", "GOGATE_COLOR", file_config.color)
    color = Color.AUTO if color_value is None else _enum_value(Color, str(color_value), color_origin)

    pin_value, pin_origin = pick("pin_file", "GOGATE_PIN_FILE", file_config.pin_file)
    pin_file = str(pin_value or "go.version")
    pin_parts = PurePosixPath(pin_file).parts
    if PurePosixPath(pin_file).is_absolute() or ".." in pin_parts or not pin_parts:
        # The pin is the repository's own statement; gogate never reads files outside the repository.
        raise ConfigError(
            f"{pin_origin}: pin file {pin_file!r} must be a path inside the repository",
            remediation="give it relative to the repository root, e.g. go.version or build/go.version",
        )
    if repository_file and file_config.snapshot_signature is not None:
        raise ConfigError(
            f"{config_file}: snapshot_signature: who may sign the snapshot can only be set in a config "
            "file the pipeline names (--config, GOGATE_CONFIG)",
            remediation="move snapshot_signature to the pipeline's own config file",
        )
    if repository_file and file_config.go is not None:
        # Otherwise a merge request could ship a wrapper script and have gogate verify that instead.
        raise ConfigError(
            f"{config_file}: go: the go command to verify can only be chosen by --go or GOGATE_GO",
            remediation="remove `go:` from the repository's configuration",
        )
    go = pick("go", "GOGATE_GO", file_config.go)[0]
    file_reports = file_config.reports or _FileReports()
    reports = ReportPaths(
        junit=pick("junit", "GOGATE_JUNIT", file_reports.junit)[0],
        json_report=pick("json", "GOGATE_JSON", file_reports.json_report)[0],
        markdown=pick("markdown", "GOGATE_MARKDOWN", file_reports.markdown)[0],
        codequality=pick("codequality", "GOGATE_CODEQUALITY", file_reports.codequality)[0],
    )
    if repository_file:
        for name, value in file_reports.model_dump().items():
            if value is not None and value != "-" and not _inside(value):
                raise ConfigError(
                    f"{config_file}: reports.{name.removesuffix('_report')}: {value!r} must be a relative "
                    "path inside the working directory",
                )
    to_stdout = [name for name, value in reports.model_dump().items() if value == "-"]
    if len(to_stdout) > 1:
        raise ConfigError(
            f"reports {', '.join(to_stdout)} are all set to '-': only one can be written to standard output"
        )
    archive_value = flags.get("archive") or (
        environ["GOGATE_ARCHIVES"].split(os.pathsep) if environ.get("GOGATE_ARCHIVES") else None
    )
    if archive_value is None and file_config.archives:
        archive_value = [str(root / path) for path in file_config.archives]
    archives = tuple(str(path) for path in archive_value or ())
    download_value, download_origin = pick(
        "download_archives", "GOGATE_DOWNLOAD_ARCHIVES", file_config.download_archives
    )
    download_archives = (
        _bool_env(download_origin, download_value)
        if isinstance(download_value, str)
        else bool(download_value)
    )
    return Config(
        download_archives=download_archives,
        archives=archives,
        root=root,
        mode=mode,
        pin_file=pin_file,
        checks=selected,
        deselected=deselected,
        severity=dict(file_config.severity),
        fail_on_warnings=fail_on_warnings,
        go=go,
        color=color,
        reports=reports,
        config_file=config_file,
        mode_reason=mode_reason,
    )
