"""gather_snapshot with the real go command cross-compiling for linux/amd64 and linux/arm64."""

from __future__ import annotations

import hashlib
from pathlib import Path

from goenv_support import run_go

from gogate.snapshot.compare import Kind, compare_snapshot
from gogate.snapshot.gather import gather_platform, gather_snapshot
from gogate.snapshot.model import PlatformSnapshot, Snapshot
from snapshot.snapshot_support import APP_FILES, GoProject, make_lock, write_app


def _tree(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_both_platforms_are_recorded(recorded: Snapshot, app: Path, project: GoProject) -> None:
    assert sorted(recorded.platforms) == ["linux/amd64", "linux/arm64"]
    amd64, arm64 = recorded.platforms["linux/amd64"], recorded.platforms["linux/arm64"]
    sums = {
        line.split()[0]: line.split()[2]
        for line in (app / "go.sum").read_text().splitlines()
        if "/go.mod" not in line
    }
    for platform, snap in recorded.platforms.items():
        assert snap.toolchain == project.lock.platforms[platform]
        assert snap.dependency_digest == recorded.dependencies.digest
        modules = {m.path: (m.version, m.sum) for m in snap.build_list}
        assert modules == {
            "example.com/app": (None, None),
            "example.com/common": ("v1.0.0", sums["example.com/common"]),
            "example.com/armonly": ("v1.0.0", sums["example.com/armonly"]),
        }
        build = snap.builds["example.com/app"]
        assert build.difference is None and build.sha256 == build.second_sha256
        assert snap.package_graph.packages["runtime"] is None
        assert snap.package_graph.packages["example.com/common"] == "example.com/common"
    # The build tag makes the graphs differ; the binaries are different machines' code.
    assert "example.com/armonly" in arm64.package_graph.modules
    assert "example.com/armonly" not in amd64.package_graph.modules
    assert "example.com/armonly" not in amd64.package_graph.packages
    assert amd64.builds["example.com/app"].sha256 != arm64.builds["example.com/app"].sha256
    assert sorted(recorded.dependencies.files) == ["go.mod", "go.sum"]
    assert recorded.dependencies.sum_lines["go.sum"] == sorted((app / "go.sum").read_text().splitlines())


def test_binaries_are_built_for_each_architecture(project: GoProject, tmp_path: Path) -> None:
    """The recorded hash is of a real ELF for that machine (checked on a build gogate's way)."""
    app = write_app(project, tmp_path / "app")
    results = {}
    for platform in ("linux/amd64", "linux/arm64"):
        result = gather_platform(
            app,
            platform,
            go=project.go,
            environ=project.env,
            lock=project.lock,
            cache_root=project.cache_root,
        )
        assert isinstance(result, PlatformSnapshot), result
        results[platform] = result
    import subprocess

    for platform, machine in (("linux/amd64", b"\x3e\x00"), ("linux/arm64", b"\xb7\x00")):
        out = tmp_path / platform.replace("/", "-")
        env = {**project.env, "GOOS": "linux", "GOARCH": platform.split("/")[1], "CGO_ENABLED": "0"}
        env["GOCACHE"] = str(project.cache_root / platform.replace("/", "-") / "build1")
        subprocess.run(
            [str(project.go), "build", "-trimpath", "-buildvcs=false", "-o", str(out), "."],
            cwd=app,
            env=env,
            check=True,
            capture_output=True,
        )
        data = out.read_bytes()
        assert data[:4] == b"\x7fELF" and data[18:20] == machine
        assert hashlib.sha256(data).hexdigest() == results[platform].builds["example.com/app"].sha256


def test_gathering_never_writes_the_repository(project: GoProject, tmp_path: Path) -> None:
    app = write_app(project, tmp_path / "app")
    (app / "go.sum").unlink()  # Go would add it back under -mod=mod; read-only fails instead
    before = _tree(app)
    gathering = gather_snapshot(
        app,
        go=project.go,
        environ={**project.env, "GOFLAGS": "-mod=mod"},
        lock=project.lock,
        cache_root=project.cache_root,
    )
    assert _tree(app) == before
    assert set(gathering.errors) == {"linux/amd64", "linux/arm64"}
    assert all("missing go.sum entry" in error.message for error in gathering.errors.values())


def test_a_failing_platform_does_not_hide_the_others(project: GoProject, tmp_path: Path) -> None:
    files = {
        **APP_FILES,
        "arm64.go": APP_FILES["arm64.go"].replace("func extra() {", "func extra() { undefined();"),
    }
    app = write_app(project, tmp_path / "app", files)
    lock = make_lock(project.lock.go_version, ("linux/amd64", "linux/arm64", "linux/nonsense"))
    platforms = ("linux/amd64", "linux/arm64", "linux/nonsense", "linux/riscv64")
    gathering = gather_snapshot(
        app, platforms, go=project.go, environ=project.env, lock=lock, cache_root=project.cache_root
    )
    assert set(gathering.platforms) == {"linux/amd64"}
    errors = gathering.errors
    assert errors["linux/arm64"].stage == "build"
    assert "undefined: undefined" in errors["linux/arm64"].message
    assert "unsupported GOOS/GOARCH pair linux/nonsense" in errors["linux/nonsense"].message
    assert errors["linux/riscv64"].stage == "lock"
    assert "gogate.lock has no entry for linux/riscv64" in errors["linux/riscv64"].message
    assert errors["linux/riscv64"].remediation == "add it with `gogate lock --platform linux/riscv64`"


def test_missing_go_and_unpinned_go_are_platform_errors(
    project: GoProject, app: Path, tmp_path: Path
) -> None:
    missing = gather_snapshot(app, go=tmp_path / "no-go", environ=project.env, lock=project.lock)
    assert {p: e.stage for p, e in missing.errors.items()} == {"linux/amd64": "go", "linux/arm64": "go"}
    assert "could not be run" in missing.errors["linux/amd64"].message

    other = make_lock("1.27.2")
    unpinned = gather_snapshot(app, go=project.go, environ=project.env, lock=other)
    message = unpinned.errors["linux/arm64"].message
    assert message == "the go command is go1.27.3, but gogate.lock pins Go 1.27.2"


def test_non_reproducible_build_is_caught_with_offsets(
    project: GoProject, app: Path, recorded: Snapshot
) -> None:
    def stamp(build: int) -> list[str]:
        return [f"-ldflags=-X main.when=2024-05-0{build}T10:00:00Z"]

    gathering = gather_snapshot(
        app,
        go=project.go,
        environ=project.env,
        lock=project.lock,
        cache_root=project.cache_root,
        build_flags=stamp,
    )
    for platform, snap in gathering.platforms.items():
        build = snap.builds["example.com/app"]
        assert build.difference is not None, platform
        assert build.sha256 != build.second_sha256
        assert "2024-05-01" in build.difference.first_excerpt
        assert "2024-05-02" in build.difference.second_excerpt
    items = [i for i in compare_snapshot(recorded, gathering) if i.kind == Kind.REPRODUCIBLE]
    assert [(i.platform, i.severity) for i in items] == [("linux/amd64", "fail"), ("linux/arm64", "fail")]
    assert "first at offsets 0x" in items[0].message
    assert items[0].hint is not None and "-ldflags -X" in items[0].hint and "-trimpath" in items[0].hint


def test_vendored_module_offline(project: GoProject, tmp_path: Path) -> None:
    """Go builds from vendor/ by default when it exists; go list -m all is refused there, so the
    build list comes from vendor/modules.txt. No module cache and no proxy are needed."""
    app = write_app(project, tmp_path / "app")
    vendored = run_go(project.go, ["mod", "vendor"], cwd=app, env=project.env)
    assert vendored.returncode == 0, vendored.stderr
    offline = {**project.env, "GOPROXY": "off", "GOMODCACHE": str(tmp_path / "empty-cache")}
    gathering = gather_snapshot(
        app, go=project.go, environ=offline, lock=project.lock, cache_root=project.cache_root
    )
    assert gathering.errors == {}
    assert "vendor/modules.txt" in gathering.dependencies.files
    for snap in gathering.platforms.values():
        assert [(m.path, m.version, m.sum) for m in snap.build_list] == [
            ("example.com/app", None, None),
            ("example.com/armonly", "v1.0.0", None),
            ("example.com/common", "v1.0.0", None),
        ]
        assert snap.builds["example.com/app"].difference is None
    assert not (tmp_path / "empty-cache").exists() or not any((tmp_path / "empty-cache").iterdir())
