"""``gogate snapshot create | verify | sign`` end to end, with real Go cross-compiling for amd64 and arm64.

One repository per test module (creating a snapshot builds everything twice per platform); each
test works on its own copy of it.
"""

from __future__ import annotations

import io
import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from signing.local_sigstore import LocalSigstore

from gogate.cli import main
from gogate.lockfile import render_lock
from gogate.signing import generate_key_pair
from snapshot.snapshot_support import GoProject, make_lock, tidy, write_app


@dataclass
class Result:
    code: int
    out: str
    err: str


def _gogate(project: GoProject, *argv: str, env: Mapping[str, str] | None = None) -> Result:
    out, err = io.StringIO(), io.StringIO()
    environ = {
        **project.env,
        "PATH": f"{project.go.parent}:/usr/bin:/bin",
        # Warm build caches kept between test sessions (still two separate ones per platform).
        "GOGATE_SNAPSHOT_BUILD_CACHE": str(project.cache_root),
        **(env or {}),
    }
    code = main(list(argv), environ=environ, stdout=out, stderr=err)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def created(project: GoProject, go_version: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository with gogate.lock and a snapshot made by `gogate snapshot create`."""
    repo = write_app(project, tmp_path_factory.mktemp("commands") / "app")
    (repo / "gogate.lock").write_text(render_lock(make_lock(go_version.removeprefix("go"))))
    result = _gogate(project, "snapshot", "create", str(repo))
    assert result.code == 0, result.out + result.err
    assert "wrote gogate.snapshot.json" in result.out
    return repo


@pytest.fixture
def repo(created: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "app"
    shutil.copytree(created, copy)
    return copy


def test_create_then_verify_passes_for_both_architectures(
    project: GoProject, repo: Path, tmp_path: Path
) -> None:
    junit = tmp_path / "snapshot.xml"
    result = _gogate(project, "snapshot", "verify", str(repo), "--junit", str(junit))
    assert result.code == 0, result.out + result.err
    assert "snapshot verified" in result.out
    suites = [suite.get("name") for suite in ET.parse(junit).getroot().iter("testsuite")]
    assert suites == ["linux/amd64", "linux/arm64", "cross-platform"]
    # A second create with nothing changed reports so and rewrites nothing.
    before = (repo / "gogate.snapshot.json").read_bytes()
    again = _gogate(project, "snapshot", "create", str(repo))
    assert again.code == 0 and "up to date" in again.out
    assert (repo / "gogate.snapshot.json").read_bytes() == before


def test_changed_go_sum_line_fails_naming_it_and_the_platforms(project: GoProject, repo: Path) -> None:
    gosum = repo / "go.sum"
    lines = gosum.read_text().splitlines(keepends=True)
    lines[0] = lines[0].rstrip("\n")[:-2] + ("A=" if not lines[0].rstrip().endswith("A=") else "B=") + "\n"
    gosum.write_text("".join(lines))
    result = _gogate(project, "snapshot", "verify", str(repo))
    assert result.code == 1
    assert "FAIL linux/amd64" in result.out and "FAIL linux/arm64" in result.out
    assert lines[0].split()[0] in result.out


def test_changed_pin_fails(project: GoProject, repo: Path, go_version: str) -> None:
    version = go_version.removeprefix("go")
    major, minor, patch = version.split(".")
    older = f"{major}.{minor}.{int(patch) - 1}"
    (repo / "gogate.lock").write_text(render_lock(make_lock(older)))
    result = _gogate(project, "snapshot", "verify", str(repo))
    assert result.code == 1
    assert older in result.out


def test_arm64_only_dependency_change_fails_on_arm64_only(project: GoProject, repo: Path) -> None:
    arm_only = "example.com/armonly"  # required only under //go:build arm64 (snapshot_support)
    gomod = repo / "go.mod"
    gomod.write_text(gomod.read_text().replace(f"{arm_only} v1.0.0", f"{arm_only} v1.1.0"))
    tidy(project, repo)
    result = _gogate(project, "snapshot", "verify", str(repo))
    assert result.code == 1
    failures = [line for line in result.out.splitlines() if line.startswith("FAIL")]
    assert any(line.startswith("FAIL linux/arm64") and arm_only in line for line in failures)
    assert not any(line.startswith("FAIL linux/amd64") and "binary" in line for line in failures)


def test_key_signed_snapshot_verifies_and_tampering_fails(
    project: GoProject, repo: Path, tmp_path: Path
) -> None:
    private, public = generate_key_pair(b"pw")
    (tmp_path / "cosign.key").write_bytes(private)
    (tmp_path / "cosign.pub").write_bytes(public)
    signed = _gogate(
        project,
        "snapshot",
        "sign",
        str(repo),
        "--key",
        str(tmp_path / "cosign.key"),
        env={"COSIGN_PASSWORD": "pw"},
    )
    assert signed.code == 0, signed.out + signed.err
    ok = _gogate(project, "snapshot", "verify", str(repo), "--key", str(tmp_path / "cosign.pub"))
    assert ok.code == 0, ok.out
    # A signed snapshot without a policy is refused rather than silently trusted.
    assert _gogate(project, "snapshot", "verify", str(repo)).code == 2
    # Changed after signing: the signature no longer covers it.
    snapshot = repo / "gogate.snapshot.json"
    snapshot.write_text(snapshot.read_text().replace('"generated_by": "', '"generated_by": "x', 1))
    tampered = _gogate(project, "snapshot", "verify", str(repo), "--key", str(tmp_path / "cosign.pub"))
    assert tampered.code == 1
    assert "FAIL signature" in tampered.out
    # Another key's signature fails too.
    _, other_public = generate_key_pair(b"other")
    (tmp_path / "other.pub").write_bytes(other_public)
    assert _gogate(project, "snapshot", "verify", str(repo), "--key", str(tmp_path / "other.pub")).code == 1


def test_missing_lock_and_missing_snapshot_are_input_errors(project: GoProject, tmp_path: Path) -> None:
    bare = write_app(project, tmp_path / "bare")
    created = _gogate(project, "snapshot", "create", str(bare))
    assert created.code == 2 and "gogate.lock" in created.err
    verified = _gogate(project, "snapshot", "verify", str(bare))
    assert verified.code == 2 and "gogate.snapshot.json" in verified.err


def test_sigstore_bundle_from_the_right_identity_only(project: GoProject, repo: Path, tmp_path: Path) -> None:
    """Keyless: a bundle from a test-made Sigstore instance (its own Fulcio CA, CT log and Rekor)."""
    instance = LocalSigstore()
    root = tmp_path / "trusted_root.json"
    root.write_bytes(instance.trusted_root_json())
    workflow = "https://github.com/acme/app/.github/workflows/nightly.yml@refs/heads/main"
    issuer = "https://token.actions.githubusercontent.com"
    snapshot = repo / "gogate.snapshot.json"
    signed = instance.sign(snapshot.read_bytes(), identity=workflow, issuer=issuer)
    (repo / "gogate.snapshot.json.sigstore.json").write_bytes(signed.bundle_json)

    def verify(identity: str) -> Result:
        return _gogate(
            project,
            "snapshot",
            "verify",
            str(repo),
            "--certificate-identity",
            identity,
            "--certificate-oidc-issuer",
            issuer,
            "--trusted-root",
            str(root),
        )

    assert verify(workflow).code == 0
    wrong = verify(workflow.replace("nightly.yml", "evil.yml"))
    assert wrong.code == 1 and "FAIL signature" in wrong.out
    snapshot.write_text(snapshot.read_text().replace('"generated_by": "', '"generated_by": "x', 1))
    assert verify(workflow).code == 1


def test_signing_policy_comes_from_the_pipeline_config_never_the_repository(
    project: GoProject, repo: Path, tmp_path: Path
) -> None:
    private, public = generate_key_pair(b"")
    (tmp_path / "cosign.key").write_bytes(private)
    (tmp_path / "cosign.pub").write_bytes(public)
    assert _gogate(project, "snapshot", "sign", str(repo), "--key", str(tmp_path / "cosign.key")).code == 0
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text(f"snapshot_signature:\n  key: {tmp_path / 'cosign.pub'}\n")
    assert _gogate(project, "snapshot", "verify", str(repo), env={"GOGATE_CONFIG": str(pipeline)}).code == 0
    # The repository's own config may not name who signs: verify ignores it, check refuses it.
    (repo / ".gogate.yaml").write_text(f"snapshot_signature:\n  key: {tmp_path / 'cosign.pub'}\n")
    assert _gogate(project, "snapshot", "verify", str(repo)).code == 2
    refused = _gogate(project, "check", str(repo), "--only", "pins")
    assert refused.code == 2 and "snapshot_signature" in refused.err
    # A malformed policy is a usage error naming it.
    pipeline.write_text("snapshot_signature:\n  identity: someone\n")
    bad = _gogate(project, "snapshot", "verify", str(repo), env={"GOGATE_CONFIG": str(pipeline)})
    assert bad.code == 2 and "snapshot_signature" in bad.err


def test_a_platform_deleted_from_the_snapshot_is_still_audited(project: GoProject, repo: Path) -> None:
    snapshot = repo / "gogate.snapshot.json"
    document = json.loads(snapshot.read_text())
    del document["platforms"]["linux/arm64"]
    snapshot.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    result = _gogate(project, "snapshot", "verify", str(repo))
    assert result.code == 1
    assert "FAIL linux/arm64" in result.out


def test_bad_arguments_are_usage_errors_not_crashes(project: GoProject, repo: Path, tmp_path: Path) -> None:
    missing_key = _gogate(project, "snapshot", "sign", str(repo), "--key", str(tmp_path / "none.key"))
    assert missing_key.code == 2 and "none.key" in missing_key.err
    bad_junit = _gogate(project, "snapshot", "verify", str(repo), "--junit", str(tmp_path / "no" / "x.xml"))
    assert bad_junit.code == 2 and "does not exist" in bad_junit.err


def test_main_given_as_a_pattern_is_keyed_by_import_path(project: GoProject, repo: Path) -> None:
    created = _gogate(project, "snapshot", "create", str(repo), "--main", ".")
    assert created.code == 0, created.out + created.err
    document = json.loads((repo / "gogate.snapshot.json").read_text())
    assert set(document["platforms"]["linux/amd64"]["builds"]) == {"example.com/app"}
    result = _gogate(project, "snapshot", "verify", str(repo))
    assert result.code == 0, result.out
