"""Command line: the only place that does output I/O and picks the exit code.

Shape: ``main(argv) -> int``; parse flags, build the Config, run the engine, write the reports,
map the result (or the exception) to an exit code. Heavy libraries are never imported here, so
the merge-request path starts fast.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import sys
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from gogate import __version__
from gogate.checks.interface import Mode
from gogate.checks.registry import CHECKS, all_rules
from gogate.config import Color, Config, build_config
from gogate.errors import GogateError, UsageError
from gogate.exitcodes import EXIT_CODE_HELP, ExitCode
from gogate.redact import redact
from gogate.results import GateResult

__all__ = ["entry_point", "exit_code_for", "main"]

_DESCRIPTION = (
    "gogate: a CI gate for Go projects. Is this build using exactly the Go toolchain and the "
    "dependencies the repository pinned?"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gogate",
        description=_DESCRIPTION,
        epilog=EXIT_CODE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"gogate {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    width = max(len(check_id) for check_id in CHECKS)
    checks_table = "\n".join(f"  {check.id:<{width}}  {check.title}" for check in CHECKS.values())
    check = commands.add_parser(
        "check",
        help="run the gate on a repository (read-only)",
        description="Run the gate on PATH. Reads the repository and the module cache and runs `go env` "
        "and `go mod tidy -diff` (full mode downloads only into temporary directories); writes nothing "
        "except the report files asked for.\n\nchecks:\n" + checks_table,
        epilog=EXIT_CODE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("path", nargs="?", default=".", help="repository root (default: .)")
    check.add_argument(
        "--config", metavar="FILE", help="config file (default: PATH/.gogate.yaml) [GOGATE_CONFIG]"
    )
    check.add_argument(
        "--mode",
        choices=[m.value for m in Mode],
        help="minimal: no network, fast (merge requests); full: every check (nightly). "
        "Default: full for scheduled pipelines, else minimal [GOGATE_MODE]",
    )
    check.add_argument(
        "--only", metavar="IDS", help=f"comma-separated checks to run ({', '.join(CHECKS)}) [GOGATE_ONLY]"
    )
    check.add_argument("--skip", metavar="IDS", help="comma-separated checks not to run [GOGATE_SKIP]")
    check.add_argument(
        "--go", metavar="PATH", help="the go command to verify (default: go on PATH) [GOGATE_GO]"
    )
    check.add_argument(
        "--pin-file", metavar="FILE", help="pin file relative to PATH (default: go.version) [GOGATE_PIN_FILE]"
    )
    check.add_argument(
        "--fail-on-warnings",
        action="store_const",
        const=True,
        help="exit 1 on warnings too [GOGATE_FAIL_ON_WARNINGS]",
    )
    check.add_argument(
        "--archive",
        action="append",
        metavar="FILE",
        help="a local release archive the "
        "toolchain-archive check verifies (repeatable) [GOGATE_ARCHIVES, os.pathsep-separated]",
    )
    check.add_argument(
        "--download-archives",
        action="store_const",
        const=True,
        help="full mode: download "
        "every platform gogate.lock lists from the download index and verify it "
        "[GOGATE_DOWNLOAD_ARCHIVES]",
    )
    check.add_argument("--junit", metavar="FILE", help="write a JUnit XML report [GOGATE_JUNIT]")
    check.add_argument(
        "--json", metavar="FILE", help="write a JSON report (schema: gogate schema) [GOGATE_JSON]"
    )
    check.add_argument("--markdown", metavar="FILE", help="write a Markdown report [GOGATE_MARKDOWN]")
    check.add_argument(
        "--codequality", metavar="FILE", help="write a GitLab code-quality report [GOGATE_CODEQUALITY]"
    )
    check.add_argument(
        "--color",
        choices=[c.value for c in Color],
        help="color the terminal report (default auto; NO_COLOR disables auto) [GOGATE_COLOR]",
    )

    toolchain = commands.add_parser(
        "toolchain", help="verify a Go release archive or an installed GOROOT; install the pinned release"
    )
    toolchain_commands = toolchain.add_subparsers(dest="toolchain_command", metavar="COMMAND")
    toolchain_commands.required = True
    verify = toolchain_commands.add_parser(
        "verify",
        help="verify --archive FILE or --goroot DIR against gogate.lock, the download index or the sumdb",
        description="Verify a release archive (SHA-256 and BLAKE3 in one pass, against gogate.lock and the "
        "official download index) or an installed GOROOT (its toolchain-module h1 against --expect, "
        "gogate.lock or the Go checksum database). Read-only.",
        epilog=EXIT_CODE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verify.add_argument("--goroot", metavar="DIR", help="an installed Go tree")
    verify.add_argument(
        "--archive",
        metavar="FILE",
        help="a release archive (with --goroot: the reference used to list the files that differ)",
    )
    verify.add_argument(
        "--expect", metavar="H1", help="with --goroot: the expected h1:… of the toolchain module"
    )
    lock = commands.add_parser(
        "lock",
        help="write gogate.lock for the pinned release (the one writing command)",
        description="Download the pinned release's archives from the download index, verify them against "
        "the official SHA-256, and record SHA-256, BLAKE3 and the toolchain-module h1 per platform in "
        "gogate.lock (written atomically; prints what changed).",
        epilog=EXIT_CODE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    lock.add_argument(
        "--platform",
        action="append",
        metavar="OS/ARCH",
        dest="platforms",
        help="platform to lock (repeatable; default linux/amd64 and linux/arm64)",
    )
    for command in (verify, lock):
        command.add_argument("path", nargs="?", default=".", help="repository root (default: .)")
        command.add_argument(
            "--version",
            dest="go_version",
            metavar="GOVERSION",
            help="the release (default: the repository's pin)",
        )
        command.add_argument("--offline", action="store_true", help="use gogate.lock only; no network")
        command.add_argument(
            "--dl-base",
            metavar="URL",
            help="download index base URL (default "
            "https://go.dev/dl; mirrors such as https://golang.google.cn/dl) [GOGATE_DL_BASE]",
        )
    verify.add_argument("--platform", metavar="OS/ARCH", help="default: from the file name or pkg/tool")
    _add_install_command(toolchain_commands)

    _add_snapshot_commands(commands)
    schema = commands.add_parser(
        "schema", help="print the JSON Schema of a report, .gogate.yaml or gogate.lock"
    )
    schema.add_argument(
        "which", nargs="?", choices=["report", "config", "lock", "snapshot"], default="report"
    )
    commands.add_parser("checks", help="list the checks and their rule ids (for severities)")
    return parser


_CHECK_FLAGS = (
    "archive",
    "download_archives",
    "config",
    "mode",
    "only",
    "skip",
    "go",
    "pin_file",
    "fail_on_warnings",
    "junit",
    "json",
    "markdown",
    "codequality",
    "color",
)


def exit_code_for(result: GateResult) -> ExitCode:
    """A violation blocks (1); otherwise an undecidable check means "could not decide" (3)."""
    if result.failed:
        return ExitCode.GATE_FAILED
    if result.undecided:
        return ExitCode.INFRASTRUCTURE_ERROR
    return ExitCode.PASSED


def _use_color(config: Config, environ: Mapping[str, str], stream: TextIO) -> bool:
    if config.color is Color.ALWAYS:
        return True
    if config.color is Color.NEVER or environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def _write(path: str, text: str, stdout: TextIO) -> None:
    if path == "-":
        stdout.write(text if text.endswith("\n") else text + "\n")
        return
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{path}: cannot write report: {error.strerror or error}") from error


def _emit_reports(
    result: GateResult, config: Config, environ: Mapping[str, str], stdout: TextIO, stderr: TextIO
) -> None:
    from gogate import report

    paths = config.reports
    # A report written to "-" owns standard output; the human-readable text moves to stderr.
    terminal = (
        stderr if "-" in (paths.junit, paths.json_report, paths.codequality, paths.markdown) else stdout
    )
    text = report.render_terminal(result, color=_use_color(config, environ, terminal))
    if environ.get("GITHUB_ACTIONS") == "true":
        # The terminal text quotes repository content; a line in it must never run as a workflow
        # command (::error, ::stop-commands, ...). Only gogate's own annotations below are commands.
        token = secrets.token_hex(16)
        text = f"::stop-commands::{token}\n{text}::{token}::\n"
    terminal.write(text)
    if paths.junit:
        _write(paths.junit, report.render_junit(result), stdout)
    if paths.json_report:
        _write(paths.json_report, report.render_json(result), stdout)
    if paths.codequality:
        _write(paths.codequality, report.render_codequality(result, fallback_path=config.pin_file), stdout)
    markdown = None
    if paths.markdown:
        markdown = report.render_markdown(result)
        _write(paths.markdown, markdown, stdout)
    if environ.get("GITHUB_ACTIONS") == "true":
        annotations = report.render_github_annotations(result)
        if annotations:
            stdout.write(annotations if annotations.endswith("\n") else annotations + "\n")
    if environ.get("GITHUB_ACTIONS") == "true" and environ.get("GITHUB_OUTPUT"):
        outputs = report.render_github_outputs(result, delimiter=f"gogate_{secrets.token_hex(16)}")
        _append(environ["GITHUB_OUTPUT"], outputs, variable="GITHUB_OUTPUT")
    summary_path = environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        text = report.fit_step_summary(markdown or report.render_markdown(result))
        _append(summary_path, text if text.endswith("\n") else text + "\n", variable="GITHUB_STEP_SUMMARY")


def _append(path: str, text: str, *, variable: str) -> None:
    """Append to a file the CI runner handed over (step summary, step outputs)."""
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise UsageError(f"{variable}={path}: cannot append: {error.strerror}") from error


def _run_check(
    args: argparse.Namespace, environ: Mapping[str, str], stdout: TextIO, stderr: TextIO
) -> ExitCode:
    from gogate.engine import run_gate

    flags: dict[str, Any] = {name: getattr(args, name) for name in _CHECK_FLAGS}
    root = Path(args.path).resolve()
    config = build_config(root=root, flags=flags, environ=environ)
    _refuse_overwriting_inputs(config)
    result = run_gate(config, environ)
    code = exit_code_for(result)
    try:
        _emit_reports(result, config, environ, stdout, stderr)
    except BrokenPipeError:
        # The reader went away (`gogate check --json - | head`): the verdict stands in the exit code.
        _discard_stdout(stdout)
    return code


def _refuse_overwriting_inputs(config: Config) -> None:
    """A report path must never land on a file gogate reads (go.mod, a Dockerfile, the pin file...)."""
    from gogate.facts.pins import reads_as_input

    for path in config.reports.model_dump().values():
        if path is None or path == "-":
            continue
        target = Path(path).resolve()
        if target.is_relative_to(config.root):
            relative = target.relative_to(config.root).as_posix()
            if reads_as_input(relative, config.pin_file):
                raise UsageError(
                    f"{path}: refusing to write a report over {relative}, which gogate reads as input",
                    remediation="write reports to their own files, e.g. reports/gogate-junit.xml",
                )


def _discard_stdout(stdout: TextIO) -> None:
    """Point a broken standard output at /dev/null so the interpreter's final flush stays quiet."""
    if stdout is sys.stdout:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _check_dl_base(url: str) -> None:
    """Official checksums come over https; plain http is accepted only on loopback (tests, local mirrors)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    loopback = parts.hostname in ("localhost", "::1") or (parts.hostname or "").startswith("127.")
    if parts.scheme == "https" or (parts.scheme == "http" and loopback):
        return
    raise UsageError(f"--dl-base {redact(url)}: must be an https URL (http only on loopback)")


def _add_install_command(toolchain_commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    install = toolchain_commands.add_parser(
        "install",
        help="download, verify and unpack the pinned release; print its GOROOT",
        description="Provision the pinned Go release where the job has none.\n\n"
        "gogate.lock is required: the official SHA-256 (download index, or the .sha256 file on a\n"
        "mirror without one) must equal the lock's before the archive is downloaded. The archive is\n"
        "checked like `toolchain verify --archive` (SHA-256, BLAKE3, size, go/VERSION, no links or\n"
        "special files) before it is unpacked into DIR/go<version>.<os>-<arch>/go, whose VERSION and\n"
        "toolchain-module h1 are checked again. An install already verified is re-hashed against\n"
        "gogate.lock and reused without the network; any other is replaced.\n\n"
        "Prints the GOROOT as the only line on standard output; logs every change on standard error:\n\n"
        '  GOROOT="$(gogate toolchain install)" && export GOROOT PATH="$GOROOT/bin:$PATH"',
        epilog=EXIT_CODE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    install.add_argument("path", nargs="?", default=".", help="repository root (default: .)")
    install.add_argument(
        "--version",
        dest="go_version",
        metavar="GOVERSION",
        help="the release (default: the repository's pin); gogate.lock must be for it",
    )
    install.add_argument("--platform", metavar="OS/ARCH", help="default: this machine's")
    install.add_argument(
        "--dir",
        metavar="DIR",
        help="where toolchains are kept (default: GOGATE_CACHE_DIR/toolchains, "
        "GOGATE_CACHE_DIR defaulting to ~/.cache/gogate)",
    )
    install.add_argument(
        "--dl-base",
        metavar="URL",
        help="download base URL (default https://go.dev/dl; a mirror such as https://golang.google.cn/dl, "
        "or one holding only the archives and their .sha256 files) [GOGATE_DL_BASE]",
    )


def _add_snapshot_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    snapshot = commands.add_parser(
        "snapshot",
        help="multi-architecture snapshots: create, verify (the nightly audit), sign",
        description="gogate.snapshot.json records, per platform, the pinned toolchain's hashes, the "
        "dependency state, the build list, the package graph and the SHA-256 of reproducible builds.",
        epilog=EXIT_CODE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = snapshot.add_subparsers(dest="snapshot_command", metavar="ACTION")
    actions.required = True
    create = actions.add_parser("create", help="measure every platform and write gogate.snapshot.json")
    create.add_argument(
        "--platform",
        action="append",
        metavar="OS/ARCH",
        dest="platforms",
        help="platform to record (repeatable; default linux/amd64 and linux/arm64)",
    )
    create.add_argument(
        "--main", action="append", metavar="PKG", help="main package to build (default: every one)"
    )
    verify = actions.add_parser("verify", help="re-measure and compare with the snapshot (and its signature)")
    verify.add_argument("--junit", metavar="FILE", help="JUnit XML: one testsuite per platform")
    verify.add_argument("--key", metavar="PUBLIC.pem", help="verify the cosign-compatible signature")
    verify.add_argument("--certificate-identity", metavar="ID", help="verify the Sigstore bundle's signer")
    verify.add_argument("--certificate-oidc-issuer", metavar="URL", help="the signer's OIDC issuer")
    verify.add_argument("--trusted-root", metavar="FILE", help="Sigstore trusted root (default: public)")
    verify.add_argument(
        "--config",
        metavar="FILE",
        help="pipeline config with snapshot_signature: (never the repository's .gogate.yaml) [GOGATE_CONFIG]",
    )
    sign = actions.add_parser("sign", help="sign gogate.snapshot.json (key, or keyless in CI)")
    sign.add_argument("--key", metavar="PRIVATE.key", help="cosign-compatible private key (COSIGN_PASSWORD)")
    for action in (create, verify, sign):
        action.add_argument("path", nargs="?", default=".", help="repository root (default: .)")
    for action in (create, verify):
        action.add_argument("--go", metavar="PATH", help="the go command (default: go on PATH)")


def _run_snapshot_command(args: argparse.Namespace, environ: Mapping[str, str], stdout: TextIO) -> ExitCode:
    from gogate.snapshot import commands as snapshot

    root = Path(args.path).resolve()
    if args.snapshot_command == "create":
        platforms = args.platforms or ["linux/amd64", "linux/arm64"]
        outcome = snapshot.run_create(root, platforms, go=args.go, environ=environ, main_packages=args.main)
    elif args.snapshot_command == "verify":
        signature = snapshot.signing_policy(
            key=args.key,
            identity=args.certificate_identity,
            issuer=args.certificate_oidc_issuer,
            trusted_root=args.trusted_root,
            config_file=args.config or environ.get("GOGATE_CONFIG"),
        )
        junit = Path(args.junit) if args.junit else None
        outcome = snapshot.run_verify(root, go=args.go, environ=environ, signature=signature, junit=junit)
    else:
        password = environ.get("COSIGN_PASSWORD")
        outcome = snapshot.run_sign(
            root,
            key=Path(args.key) if args.key else None,
            password=password.encode() if password is not None else None,
            identity_token=environ.get("SIGSTORE_ID_TOKEN"),
        )
    stdout.write("".join(redact(line) + "\n" for line in outcome.lines))
    return outcome.code


def _run_toolchain_command(
    args: argparse.Namespace, environ: Mapping[str, str], stdout: TextIO, stderr: TextIO
) -> ExitCode:
    from gogate.commands import ToolchainOptions, run_lock, verify_archive_file, verify_goroot
    from gogate.toolchain_reference import cache_dir

    dl_base = args.dl_base or environ.get("GOGATE_DL_BASE") or "https://go.dev/dl"
    _check_dl_base(dl_base)
    if args.command == "toolchain" and args.toolchain_command == "install":
        return _run_toolchain_install(args, dl_base, environ, stdout, stderr)
    if getattr(args, "expect", None) and not re.fullmatch(r"h1:[A-Za-z0-9+/]{43}=", args.expect):
        raise UsageError(f"--expect {args.expect}: not an h1: hash (h1: and 44 base64 characters)")
    options = ToolchainOptions(
        root=Path(args.path).resolve(),
        version=args.go_version,
        platform=getattr(args, "platform", None),
        offline=args.offline,
        dl_base=dl_base,
        gosumdb=environ.get("GOSUMDB"),
        goproxy=environ.get("GOPROXY"),
        cache_dir=cache_dir(environ),
    )
    if args.command == "lock":
        outcome = run_lock(args.platforms or ["linux/amd64", "linux/arm64"], options)
    elif args.goroot:
        archive = Path(args.archive) if args.archive else None
        outcome = verify_goroot(Path(args.goroot), args.expect, archive, options)
    elif args.archive:
        outcome = verify_archive_file(Path(args.archive), options)
    else:
        raise UsageError("toolchain verify: pass --archive FILE or --goroot DIR")
    stdout.write("".join(redact(line) + "\n" for line in outcome.lines))
    return outcome.code


def _run_toolchain_install(
    args: argparse.Namespace, dl_base: str, environ: Mapping[str, str], stdout: TextIO, stderr: TextIO
) -> ExitCode:
    """The GOROOT alone on stdout (for `$(...)`); what was done, line by line, on stderr."""
    from gogate.commands import ToolchainOptions
    from gogate.toolchain_install import install_toolchain
    from gogate.toolchain_reference import cache_dir

    def log(line: str) -> None:
        stderr.write(f"gogate: {redact(line)}\n")
        stderr.flush()

    cache = cache_dir(environ)
    options = ToolchainOptions(
        root=Path(args.path).resolve(),
        version=args.go_version,
        platform=args.platform,
        offline=False,
        dl_base=dl_base,
        gosumdb=environ.get("GOSUMDB"),
        goproxy=environ.get("GOPROXY"),
        cache_dir=cache,
    )
    directory = Path(args.dir).expanduser() if args.dir else cache / "toolchains"
    goroot = install_toolchain(options, directory.absolute(), log)
    stdout.write(f"{goroot}\n")
    return ExitCode.PASSED


def _run_schema(which: str, stdout: TextIO) -> ExitCode:
    if which == "config":
        from gogate.config import FileConfig

        schema: dict[str, Any] = FileConfig.model_json_schema()
    elif which == "lock":
        from gogate.lockfile import lock_json_schema

        schema = dict(lock_json_schema())
    elif which == "snapshot":
        from gogate.snapshot.model import snapshot_json_schema

        schema = dict(snapshot_json_schema())
    else:
        from gogate.report import report_json_schema

        schema = dict(report_json_schema())
    stdout.write(json.dumps(schema, indent=2) + "\n")
    return ExitCode.PASSED


def _run_list(stdout: TextIO) -> ExitCode:
    for check in CHECKS.values():
        modes = ", ".join(sorted(m.value for m in check.modes))
        stdout.write(f"{check.id}: {check.title} (modes: {modes})\n")
        for rule, text in check.rules.items():
            marker = " [severity configurable]" if rule in check.configurable else ""
            stdout.write(f"  {rule}: {text}{marker}\n")
    stdout.write(
        f"\n{len(all_rules())} rules; configurable ones take a severity in .gogate.yaml under `severity:`\n"
    )
    return ExitCode.PASSED


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run gogate; return the exit code. Never raises except SystemExit from argparse (usage, exit 2)."""
    environ = os.environ if environ is None else environ
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            return int(_run_check(args, environ, stdout, stderr))
        if args.command == "schema":
            return int(_run_schema(args.which, stdout))
        if args.command in ("toolchain", "lock"):
            return int(_run_toolchain_command(args, environ, stdout, stderr))
        if args.command == "snapshot":
            return int(_run_snapshot_command(args, environ, stdout))
        return int(_run_list(stdout))
    except GogateError as error:
        stderr.write(f"gogate: error: {redact(error.diagnostics())}\n")
        return int(error.exit_code)
    except KeyboardInterrupt:
        stderr.write("gogate: interrupted\n")
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # `gogate checks | head`: the reader has what it wanted.
        _discard_stdout(stdout)
        return int(ExitCode.PASSED)
    except Exception as error:  # noqa: BLE001 - the last line of defence maps bugs to exit 4
        details = redact("".join(traceback.format_exception(error)))
        stderr.write(
            f"gogate {__version__}: internal error: {type(error).__name__}: {redact(str(error))}\n"
            "This is a bug in gogate, not in your repository. Please report it with this output.\n"
            f"{details}"
        )
        return int(ExitCode.INTERNAL_ERROR)


def entry_point() -> None:
    """Console-script entry: exit with main()'s code."""
    raise SystemExit(main())
