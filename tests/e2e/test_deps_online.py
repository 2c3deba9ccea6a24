"""The dependency checks on real, popular modules from the Go module proxy, verified against the real
checksum database (sum.golang.org, read through proxy.golang.org/sumdb/ as cmd/go does).

Module content is downloaded once into the shared test cache and then served to each test from
there as a ``file://`` GOPROXY into a private module cache, so tampering never touches the shared
copy and repeated runs need the network only for the checksum-database lookups.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from goenv_support import cache_dir, run_go

from tests.e2e.conftest import Gate

pytestmark = pytest.mark.online

PROXY = "https://proxy.golang.org"
REQUIRES = {
    "golang.org/x/text": "v0.21.0",
    "github.com/google/uuid": "v1.6.0",
    "gopkg.in/yaml.v3": "v3.0.1",
}
MAIN_GO = """package main

import (
\t"fmt"

\t"github.com/google/uuid"
\t"golang.org/x/text/language"
\t"gopkg.in/yaml.v3"
)

func main() {
\tout, _ := yaml.Marshal(map[string]string{"id": uuid.NewString()})
\tfmt.Println(language.English, string(out))
}
"""


def _proxy_unreachable() -> str | None:
    try:
        with urllib.request.urlopen(f"{PROXY}/sumdb/sum.golang.org/supported", timeout=15) as response:
            response.read(1)
    except (urllib.error.URLError, OSError) as error:
        return f"the Go module proxy {PROXY} is unreachable: {error}"
    return None


@pytest.fixture
def online_repo(gate: Gate) -> Gate:
    unreachable = _proxy_unreachable()
    if unreachable:
        pytest.skip(unreachable)
    shared = cache_dir() / "deps-online-modcache"
    requires = "".join(f"\t{path} {version}\n" for path, version in REQUIRES.items())
    gate.write(
        {
            "go.mod": f"module example.com/app\n\ngo 1.22.0\n\ntoolchain go{gate.running}\n\n"
            f"require (\n{requires})\n",
            "main.go": MAIN_GO,
        }
    )
    # Fill the shared cache once, from the real proxy and checksum database (Go verifies both).
    filler = {**gate.env, "GOMODCACHE": str(shared), "GOPROXY": PROXY, "GOFLAGS": "-modcacherw -mod=mod"}
    result = run_go(gate.go, ["mod", "tidy"], cwd=gate.repo, env=filler)
    assert result.returncode == 0, result.stderr
    # Each test then gets a private cache filled from the shared one (no network), and the gate
    # reads the checksum database through the real proxy.
    gate.env.update(
        {
            "GOMODCACHE": str(gate.repo.parent / "modcache"),
            "GOPROXY": f"{(shared / 'cache' / 'download').as_uri()},{PROXY}",
            "GOFLAGS": "-modcacherw",
            "GOGATE_CACHE_DIR": str(gate.repo.parent / "gogate-cache"),
        }
    )
    for command in (["mod", "download"], ["mod", "vendor"]):
        result = run_go(gate.go, command, cwd=gate.repo, env=gate.env)
        assert result.returncode == 0, result.stderr
    return gate


def _check(gate: Gate, *args: str) -> tuple[int, dict[str, object], str]:
    report = gate.repo.parent / "online.json"
    run = gate.run("--mode", "full", "--only", "gosum,modcache,vendor,sumdb", "--json", str(report), *args)
    return run.code, json.loads(report.read_text()), run.out + run.err


def _checks(document: dict[str, object]) -> dict[str, dict[str, object]]:
    checks = document["checks"]
    assert isinstance(checks, list)
    return {check["id"]: check for check in checks}


def test_real_modules_pass_every_dependency_check(online_repo: Gate) -> None:
    code, document, output = _check(online_repo)
    assert code == 0, output
    checks = _checks(document)
    assert {checks[name]["status"] for name in ("gosum", "modcache", "vendor", "sumdb")} == {"pass"}
    gosum_lines = (online_repo.repo / "go.sum").read_text().splitlines()
    verified = [f for f in checks["sumdb"]["findings"] if f["rule"] == "sumdb.ok"]
    assert len(verified) == len(gosum_lines)


def test_real_modules_tampered_fail_the_right_checks(online_repo: Gate) -> None:
    vendored = online_repo.repo / "vendor" / "golang.org" / "x" / "text" / "language" / "language.go"
    vendored.write_text(vendored.read_text() + "\n// hand edit\n")
    gosum = online_repo.repo / "go.sum"
    lines = gosum.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("github.com/google/uuid v1.6.0 h1:"))
    digest = lines[index].rstrip("\n").rpartition("h1:")[2]
    lines[index] = f"github.com/google/uuid v1.6.0 h1:{'A' if digest[0] != 'A' else 'B'}{digest[1:]}\n"
    gosum.write_text("".join(lines))
    code, document, output = _check(online_repo)
    assert code == 1, output
    checks = _checks(document)
    failing = {
        name: [f for f in check["findings"] if f["status"] == "fail"] for name, check in checks.items()
    }
    assert any(
        f["rule"] == "vendor.modified" and "vendor/golang.org/x/text/language/language.go" in f["message"]
        for f in failing["vendor"]
    )
    assert any(
        f["rule"] == "sumdb.mismatch" and f["subject"] == "github.com/google/uuid@v1.6.0"
        for f in failing["sumdb"]
    )
