"""Check ``lock`` on hand-made facts: no lock skips, a stale lock fails, missing platforms warn."""

from __future__ import annotations

import base64

import pytest

from gogate.checks.interface import Facts, Mode, Need
from gogate.checks.lock import LockCheck
from gogate.facts.model import PinKind, PinRecord, PinSource, RepoFacts
from gogate.lockfile import GogateLock, LockFacts, archive_filename, module_version
from gogate.results import Status


def _pin(raw: str = "1.22.5", version: str | None = "1.22.5", kind: PinKind = PinKind.EXACT) -> PinRecord:
    return PinRecord(
        source=PinSource.GO_VERSION_FILE, kind=kind, path="go.version", line=2, raw=raw, version=version
    )


def _lock(version: str, platforms: tuple[str, ...]) -> GogateLock:
    return GogateLock.model_validate(
        {
            "schema_version": 1,
            "go_version": version,
            "generated_by": "gogate 0.1.0",
            "platforms": {
                platform: {
                    "archive": {
                        "filename": archive_filename(version, platform),
                        "size": 1000 + n,
                        "sha256": f"{n:02x}" * 32,
                        "blake3": f"{n + 50:02x}" * 32,
                    },
                    "module": {
                        "path": "golang.org/toolchain",
                        "version": module_version(version, platform),
                        "h1": "h1:" + base64.b64encode(bytes([n]) * 32).decode(),
                    },
                }
                for n, platform in enumerate(platforms)
            },
        }
    )


DEFAULT = ("linux/amd64", "linux/arm64")
LINES = {"schema_version": 5, "go_version": 3, "platforms": 4}


def _facts(lock: GogateLock | None, pin: PinRecord | None = None) -> Facts:
    pin = pin or _pin()
    return Facts(
        repo=RepoFacts(root="/r", pin=pin, records=(pin,)),
        lock=LockFacts(lock=lock, lines=LINES if lock is not None else {}),
    )


def test_declaration() -> None:
    check = LockCheck()
    assert check.id == "lock"
    assert check.needs == {Need.REPO, Need.LOCK}
    assert check.modes == {Mode.MINIMAL, Mode.FULL}
    assert check.configurable == {"lock.platforms"}
    assert set(check.rules) == {"lock.ok", "lock.stale", "lock.platforms"}


def test_no_lock_is_skipped_never_passed() -> None:
    report = LockCheck().run(_facts(None))
    assert report.skip_reason == "no gogate.lock (create one with `gogate lock`)"
    assert not report.findings


def test_facts_not_gathered_is_an_error() -> None:
    pin = _pin()
    report = LockCheck().run(Facts(repo=RepoFacts(root="/r", pin=pin, records=(pin,))))
    assert report.error is not None


def test_loose_pin_is_left_to_the_pins_check() -> None:
    report = LockCheck().run(_facts(_lock("1.22.5", DEFAULT), _pin("1.22", "1.22", PinKind.FLOATING)))
    assert report.skip_reason is not None and "not an exact release" in report.skip_reason


@pytest.mark.parametrize(
    ("version", "platforms", "expected"),
    [
        ("1.22.5", DEFAULT, [("lock.ok", Status.PASS), ("lock.ok", Status.PASS)]),
        ("1.22.5", (*DEFAULT, "darwin/arm64"), [("lock.ok", Status.PASS), ("lock.ok", Status.PASS)]),
        ("1.22.4", DEFAULT, [("lock.stale", Status.FAIL), ("lock.ok", Status.PASS)]),
        ("1.23rc1", DEFAULT, [("lock.stale", Status.FAIL), ("lock.ok", Status.PASS)]),
        ("1.22.5", ("linux/amd64",), [("lock.ok", Status.PASS), ("lock.platforms", Status.WARN)]),
        ("1.22.5", ("darwin/arm64",), [("lock.ok", Status.PASS), ("lock.platforms", Status.WARN)]),
        ("1.22.4", ("linux/arm64",), [("lock.stale", Status.FAIL), ("lock.platforms", Status.WARN)]),
    ],
)
def test_rule_table(version: str, platforms: tuple[str, ...], expected: list[tuple[str, Status]]) -> None:
    report = LockCheck().run(_facts(_lock(version, platforms)))
    assert [(f.rule, f.status) for f in report.findings] == expected
    assert all(f.path == "gogate.lock" for f in report.findings)
    assert len({f.subject for f in report.findings}) == len(report.findings)


def test_stale_names_line_pin_and_command() -> None:
    report = LockCheck().run(_facts(_lock("1.22.4", DEFAULT)))
    stale = report.findings[0]
    assert stale.location == "gogate.lock:3"
    assert (stale.expected, stale.found) == ("1.22.5", "1.22.4")
    assert stale.remediation == "run `gogate lock` to refresh gogate.lock for 1.22.5"
    assert "go.version:2" in stale.message
    assert "stale" in report.summary


def test_missing_platforms_say_which_and_how() -> None:
    report = LockCheck().run(_facts(_lock("1.22.5", ("linux/amd64", "windows/amd64"))))
    warning = report.findings[1]
    assert warning.location == "gogate.lock:4"
    assert "linux/arm64" in warning.message and "linux/amd64," not in warning.message.split("(")[0]
    assert warning.remediation == (
        "run `gogate lock --platform linux/amd64 --platform linux/arm64 --platform windows/amd64`"
    )
    assert "missing linux/arm64" in report.summary


def test_pass_summary_lists_platforms() -> None:
    report = LockCheck().run(_facts(_lock("1.22.5", ("linux/arm64", "linux/amd64"))))
    assert report.summary == "gogate.lock for Go 1.22.5: linux/amd64, linux/arm64"
    assert report.findings[0].location == "gogate.lock:3"
