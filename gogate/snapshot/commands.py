"""``gogate snapshot create | verify | sign``: the commands around gogate.snapshot.json.

Why commands of their own (not only a check): creating and signing write files, which ``gogate
check`` never does; ``verify`` is the nightly audit and prints one verdict per recorded item, with
a JUnit report of one testsuite per platform plus one for the cross-platform comparison.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from gogate import __version__
from gogate.commands import Outcome
from gogate.errors import InputError, UsageError
from gogate.exitcodes import ExitCode
from gogate.lockfile import LOCK_FILE_NAME, GogateLock, gather_lock_facts
from gogate.redact import redact
from gogate.snapshot.model import SNAPSHOT_FILE_NAME

if TYPE_CHECKING:
    from gogate.signing import SigningPolicy
    from gogate.snapshot.model import Snapshot

__all__ = [
    "SNAPSHOT_FILE_NAME",
    "signing_policy",
    "run_create",
    "run_sign",
    "run_verify",
]

KEY_SIGNATURE_SUFFIX = ".sig"
BUNDLE_SUFFIX = ".sigstore.json"
CROSS_PLATFORM_SUITE = "cross-platform"


def _go(go: str | None, environ: Mapping[str, str]) -> str:
    found = go or shutil.which("go", path=environ.get("PATH", ""))
    if not found:
        raise UsageError("no go command: put the pinned Go on PATH or pass --go")
    return found


def build_cache(environ: Mapping[str, str]) -> Path | None:
    """GOGATE_SNAPSHOT_BUILD_CACHE keeps the two build caches per platform between runs (faster
    nightly audits; the builds still run twice, in separate caches). Default: fresh caches."""
    value = environ.get("GOGATE_SNAPSHOT_BUILD_CACHE")
    return Path(value) if value else None


def audited_platforms(recorded: Iterable[str], lock: GogateLock) -> list[str]:
    """Every platform the snapshot or gogate.lock names: deleting one from the snapshot file must not
    drop it from the audit (it is then measured, found unrecorded, and fails)."""
    return sorted(set(recorded) | set(lock.platforms))


def recorded_main_packages(recorded: Snapshot) -> list[str] | None:
    """The main packages the snapshot built (None: it built none, so the default applies again)."""
    packages = sorted({package for entry in recorded.platforms.values() for package in entry.builds})
    return packages or None


def _lock(root: Path) -> GogateLock:
    lock = gather_lock_facts(root).lock
    if lock is None:
        raise InputError(
            LOCK_FILE_NAME,
            "is missing: the snapshot records the toolchain hashes gogate.lock pins",
            remediation="run `gogate lock` first",
        )
    return lock


def run_create(
    root: Path,
    platforms: Sequence[str],
    *,
    go: str | None,
    environ: Mapping[str, str],
    main_packages: Sequence[str] | None = None,
) -> Outcome:
    """Measure every platform and write gogate.snapshot.json; nothing is written if one failed."""
    from gogate.snapshot.gather import gather_snapshot
    from gogate.snapshot.model import write_snapshot

    gathering = gather_snapshot(
        root,
        platforms,
        go=_go(go, environ),
        environ=environ,
        lock=_lock(root),
        main_packages=main_packages,
        cache_root=build_cache(environ),
    )
    if gathering.errors:
        lines = [f"{SNAPSHOT_FILE_NAME} not written: a platform could not be measured"]
        for platform, error in sorted(gathering.errors.items()):
            lines.append(f"  {platform}: {error.stage}: {error.message}")
            if error.remediation:
                lines.append(f"    fix: {error.remediation}")
        return Outcome(ExitCode.GATE_FAILED, lines)
    try:
        changes = write_snapshot(
            root / SNAPSHOT_FILE_NAME, gathering.snapshot(generated_by=f"gogate {__version__}")
        )
    except OSError as error:
        raise InputError(SNAPSHOT_FILE_NAME, f"cannot be written: {error.strerror or error}") from error
    notes = [
        f"note: {platform}: no main package was built, so binary hashes cannot show changes "
        "(pass --main PKG to record one)"
        for platform, measured in sorted(gathering.platforms.items())
        if not measured.builds
    ]
    if not changes:
        return Outcome(
            ExitCode.PASSED, [f"{SNAPSHOT_FILE_NAME} is up to date ({', '.join(platforms)})", *notes]
        )
    lines = [f"wrote {SNAPSHOT_FILE_NAME}:", *(f"  {line}" for line in changes), *notes]
    return Outcome(ExitCode.PASSED, lines)


def signing_policy(
    *,
    key: str | None,
    identity: str | None,
    issuer: str | None,
    trusted_root: str | None,
    config_file: str | None,
) -> SigningPolicy | None:
    """Who may sign: the flags, else ``snapshot_signature`` in a config file the pipeline names.

    Never the repository's own .gogate.yaml: whoever can change the snapshot in a merge request could
    then also name the key that signed it.
    """
    from gogate.signing import SigningPolicy

    given = {"key": key, "identity": identity, "issuer": issuer, "trusted_root": trusted_root}
    try:
        if any(value is not None for value in given.values()):
            return SigningPolicy.model_validate(
                {name: value for name, value in given.items() if value is not None}
            )
        if config_file is None:
            return None
        from gogate.config import load_file_config

        path = Path(config_file)
        settings = load_file_config(path.parent, path.name).snapshot_signature
        return None if settings is None else SigningPolicy.model_validate(settings)
    except ValidationError as error:
        problem = error.errors()[0]
        where = f"{config_file}: snapshot_signature" if config_file and not any(given.values()) else "flags"
        raise UsageError(f"{where}: {problem['msg']}") from None


def _verify_signature(root: Path, data: bytes, policy: SigningPolicy | None) -> list[tuple[str, bool, str]]:
    """(testcase name, passed, message) for the signature, or nothing when none is involved."""
    from gogate.signing import SignatureError, verify_blob, verify_bundle_policy
    from gogate.signing.keyless import TrustConfig

    key_signature = root / f"{SNAPSHOT_FILE_NAME}{KEY_SIGNATURE_SUFFIX}"
    bundle = root / f"{SNAPSHOT_FILE_NAME}{BUNDLE_SUFFIX}"
    if policy is None:
        present = [path.name for path in (key_signature, bundle) if path.exists()]
        if present:
            raise UsageError(
                f"{', '.join(present)} present but no verification policy given",
                remediation="pass --key PUBLIC.pem, or --certificate-identity and --certificate-oidc-issuer, "
                "or snapshot_signature in a config file the pipeline names (--config, GOGATE_CONFIG)",
            )
        return []
    try:
        if policy.key is not None:
            if not key_signature.is_file():
                return [("signature", False, f"{key_signature.name} is missing: the snapshot is not signed")]
            verify_blob(data, key_signature.read_bytes(), policy.key.read_bytes())
            return [("signature", True, f"signed by the key {policy.key}")]
        if not bundle.is_file():
            return [("signature", False, f"{bundle.name} is missing: the snapshot is not signed")]
        trust = (
            TrustConfig(trusted_root_json=policy.trusted_root.read_bytes())
            if policy.trusted_root is not None
            else None
        )
        identity = policy.certificate_identity()
        verify_bundle_policy(data, bundle.read_bytes(), identity, trust=trust)
        signer = policy.identity or f"/{policy.identity_regexp}/"
        return [("signature", True, f"signed by {signer} ({policy.issuer or policy.issuer_regexp})")]
    except SignatureError as error:
        return [("signature", False, f"the signature does not verify: {error}")]
    except OSError as error:
        raise InputError(str(error.filename or ""), f"cannot be read: {error.strerror or error}") from error


def run_verify(
    root: Path,
    *,
    go: str | None,
    environ: Mapping[str, str],
    signature: SigningPolicy | None,
    junit: Path | None = None,
) -> Outcome:
    """The nightly audit: the signature, then every platform re-measured and compared."""
    from gogate.snapshot.compare import compare_snapshot
    from gogate.snapshot.gather import gather_snapshot
    from gogate.snapshot.model import read_snapshot

    recorded = read_snapshot(root, SNAPSHOT_FILE_NAME)
    if recorded is None:
        raise InputError(SNAPSHOT_FILE_NAME, "is missing", remediation="run `gogate snapshot create`")
    if junit is not None and not junit.parent.is_dir():
        raise UsageError(f"--junit {junit}: the directory {junit.parent} does not exist")
    lock = _lock(root)
    signed = _verify_signature(root, (root / SNAPSHOT_FILE_NAME).read_bytes(), signature)
    gathering = gather_snapshot(
        root,
        audited_platforms(recorded.platforms, lock),
        go=_go(go, environ),
        environ=environ,
        lock=lock,
        main_packages=recorded_main_packages(recorded),
        cache_root=build_cache(environ),
    )
    items = compare_snapshot(recorded, gathering)
    lines: list[str] = []
    failed = any(not passed for _, passed, _ in signed)
    for name, passed, message in signed:
        lines.append(f"{'ok' if passed else 'FAIL'} {name}: {message}")
    for item in items:
        if item.severity in ("fail", "error"):
            failed = True
            where = item.platform or CROSS_PLATFORM_SUITE
            lines.append(f"FAIL {where}: {item.message}")
            if item.expected is not None or item.found is not None:
                lines.append(f"    expected: {item.expected}  found: {item.found}")
            if item.hint:
                lines.append(f"    hint: {item.hint}")
    passed_items = sum(1 for item in items if item.severity not in ("fail", "error"))
    lines.append(
        f"snapshot {'FAILED' if failed else 'verified'}: {len(items)} item(s) over "
        f"{len(recorded.platforms)} platform(s), {passed_items} as recorded"
    )
    if junit is not None:
        junit.write_text(redact(_junit(items, signed)), encoding="utf-8")  # Go's errors may quote GOPROXY
    return Outcome(ExitCode.GATE_FAILED if failed else ExitCode.PASSED, lines)


def _junit(items: Sequence[object], signed: Sequence[tuple[str, bool, str]]) -> str:
    """One testsuite per platform, one for the cross-platform comparison (and the signature)."""
    from junit_xml import TestCase, TestSuite, to_xml_report_string

    from gogate.snapshot.compare import SnapshotItem

    suites: dict[str, list[TestCase]] = {}
    names: dict[str, set[str]] = {}
    for item in items:
        assert isinstance(item, SnapshotItem)
        suite = item.platform or CROSS_PLATFORM_SUITE
        base = f"{item.kind} {item.subject}"
        taken = names.setdefault(suite, set())
        name, number = base, 1
        while name in taken:
            number += 1
            name = f"{base} ({number})"
        taken.add(name)
        case = TestCase(name, classname=f"snapshot.{suite}", elapsed_sec=0.0)
        if item.severity == "fail":
            case.add_failure_info(message=item.message, output=item.hint or "")
        elif item.severity == "error":
            case.add_error_info(message=item.message)
        suites.setdefault(suite, []).append(case)
    for name, passed, message in signed:
        case = TestCase(name, classname=f"snapshot.{CROSS_PLATFORM_SUITE}", elapsed_sec=0.0)
        if not passed:
            case.add_failure_info(message=message)
        suites.setdefault(CROSS_PLATFORM_SUITE, []).append(case)
    ordered = sorted(suites.items(), key=lambda entry: (entry[0] == CROSS_PLATFORM_SUITE, entry[0]))
    return str(to_xml_report_string([TestSuite(name, cases) for name, cases in ordered]))


def run_sign(root: Path, *, key: Path | None, password: bytes | None, identity_token: str | None) -> Outcome:
    """Sign gogate.snapshot.json with a cosign-compatible key, or keyless with Sigstore (CI's OIDC)."""
    path = root / SNAPSHOT_FILE_NAME
    if not path.is_file():
        raise InputError(SNAPSHOT_FILE_NAME, "is missing", remediation="run `gogate snapshot create`")
    data = path.read_bytes()
    if key is not None:
        from gogate.signing import sign_blob

        target = root / f"{SNAPSHOT_FILE_NAME}{KEY_SIGNATURE_SUFFIX}"
        try:
            private_key = key.read_bytes()
        except OSError as error:
            raise UsageError(f"--key {key}: cannot be read: {error.strerror or error}") from error
        target.write_bytes(sign_blob(data, private_key, password) + b"\n")
        return Outcome(ExitCode.PASSED, [f"wrote {target.name} (cosign-compatible, key {key})"])
    if identity_token is None:
        raise UsageError("snapshot sign: pass --key PRIVATE.key, or run in CI with an OIDC identity token")
    from gogate.signing import sign_keyless

    target = root / f"{SNAPSHOT_FILE_NAME}{BUNDLE_SUFFIX}"
    target.write_bytes(sign_keyless(data, identity_token=identity_token))
    return Outcome(ExitCode.PASSED, [f"wrote {target.name} (Sigstore bundle)"])
