"""Hermetic module proxy for tests: build module versions from dicts and serve them as Go does.

``ModuleProxy(dir).add("example.com/a", "v1.0.0", {"go.mod": ..., "a.go": ...})`` writes the
GOPROXY protocol layout (``<escaped path>/@v/{list,<v>.info,<v>.mod,<v>.zip}``) under ``dir``;
``url`` is the ``file://`` GOPROXY for it. Go downloads from it and records real ``h1:`` sums in
go.sum, so tests never need the network. Zips follow the module-zip layout: every entry is
``<path>@<version>/<file>``, no directory entries (like the real proxy.golang.org zips).
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from pathlib import Path

from gogate.sumdb.client import escape_module_path, escape_version

__all__ = ["ModuleProxy"]


class ModuleProxy:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return self.directory.resolve().as_uri()

    def version_dir(self, path: str) -> Path:
        return self.directory / escape_module_path(path) / "@v"

    def zip_path(self, path: str, version: str) -> Path:
        return self.version_dir(path) / f"{escape_version(version)}.zip"

    def add(self, path: str, version: str, files: Mapping[str, str | bytes]) -> Path:
        """Publish ``path@version`` with ``files`` (relative names); go.mod defaults to ``module path``."""
        contents = {name: (c.encode() if isinstance(c, str) else c) for name, c in files.items()}
        contents.setdefault("go.mod", f"module {path}\n".encode())
        target = self.version_dir(path)
        target.mkdir(parents=True, exist_ok=True)
        escaped = escape_version(version)
        (target / f"{escaped}.mod").write_bytes(contents["go.mod"])
        (target / f"{escaped}.info").write_text(
            json.dumps({"Version": version, "Time": "2024-01-01T00:00:00Z"}), encoding="utf-8"
        )
        with zipfile.ZipFile(target / f"{escaped}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(contents):
                archive.writestr(f"{path}@{version}/{name}", contents[name])
        listed = target / "list"
        versions = listed.read_text(encoding="utf-8").split() if listed.exists() else []
        if version not in versions:
            versions.append(version)
        listed.write_text("".join(f"{v}\n" for v in versions), encoding="utf-8")
        return target / f"{escaped}.zip"
