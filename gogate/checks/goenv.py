"""Check ``goenv``: Go settings that weaken verification of what is downloaded and built.

Each setting is reported with why it matters and how to fix it; each rule's severity can be
changed in the configuration (a team that runs a private proxy may accept ``GOPROXY=direct``).
Values come from ``go env`` (so ``go env -w`` settings count too), credentials redacted later.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar

from gogate.checks.interface import Check, CheckReport, Facts, Need
from gogate.deps.patterns import match_prefix_patterns as module_pattern_matches
from gogate.results import Finding, Status

__all__ = ["GoEnvCheck", "matches_everything", "module_pattern_matches"]

# Module paths of different shapes; a pattern list matching all of them disables checks for everything.
_PROBE_PATHS = (
    "github.com/org/repo",
    "golang.org/x/mod",
    "gopkg.in/yaml.v3",
    "k8s.io/api",
    "go.uber.org/zap",
    "example.com/a/b/c",
    "cloud.google.com/go/storage",
)


def matches_everything(patterns: str) -> bool:
    """True when the pattern list matches module paths of every common shape."""
    return bool(patterns.strip()) and all(module_pattern_matches(patterns, p) for p in _PROBE_PATHS)


def goflags(values: dict[str, str]) -> dict[str, str]:
    """GOFLAGS as the go command applies it: ``-name[=value]`` or ``--name[=value]``, last one wins."""
    parsed: dict[str, str] = {}
    for token in values.get("GOFLAGS", "").split():
        if not token.startswith("-"):
            continue
        name, has_value, value = token.lstrip("-").partition("=")
        parsed[name] = value if has_value else "true"
    return parsed


_Rule = tuple[str, str, Callable[[dict[str, str]], str | None], str]


class GoEnvCheck(Check):
    id = "goenv"
    title = "Go settings do not weaken verification"
    needs = frozenset({Need.REPO, Need.TOOLCHAIN})
    configurable = frozenset(
        {
            "goenv.gosumdb-off",
            "goenv.nosumdb-all",
            "goenv.insecure-all",
            "goenv.goflags-mod-mod",
            "goenv.goflags-insecure",
            "goenv.goproxy-off",
            "goenv.goproxy-direct",
            "goenv.go111module-off",
            "goenv.gotoolchain-switch",
        }
    )
    rules: ClassVar[dict[str, str]] = {
        "goenv.ok": "a setting that does not weaken verification",
        "goenv.gosumdb-off": "GOSUMDB=off: downloads are not checked against the checksum database",
        "goenv.nosumdb-all": "GONOSUMDB/GONOSUMCHECK/GOPRIVATE match every module",
        "goenv.insecure-all": "GOINSECURE matches every module",
        "goenv.goflags-mod-mod": "GOFLAGS has -mod=mod: go commands may rewrite go.mod and go.sum",
        "goenv.goflags-insecure": "GOFLAGS has -insecure",
        "goenv.goproxy-off": "GOPROXY=off",
        "goenv.goproxy-direct": "GOPROXY is direct only: no module mirror",
        "goenv.go111module-off": "GO111MODULE=off: GOPATH mode, no go.sum verification",
        "goenv.gotoolchain-switch": "GOTOOLCHAIN allows switching to another toolchain",
    }

    def run(self, facts: Facts) -> CheckReport:
        toolchain = facts.toolchain
        assert toolchain is not None
        if toolchain.env is None:
            # Nothing verified is not "passed": the check reports that it could not run.
            return CheckReport(error=f"go env unavailable: {toolchain.error}")
        values = {**toolchain.env.settings, **toolchain.process_env, "GOTOOLCHAIN": toolchain.env.gotoolchain}
        findings = [self._evaluate(values, *rule) for rule in self._table()]
        bad = [f for f in findings if f.status is not Status.PASS]
        summary = "no risky settings" if not bad else ", ".join(f.subject for f in bad)
        return CheckReport(findings, summary=summary)

    def _evaluate(
        self,
        values: dict[str, str],
        rule: str,
        variable: str,
        test: Callable[[dict[str, str]], str | None],
        remediation: str,
    ) -> Finding:
        problem = test(values)
        shown = f"{variable}={values.get(variable, '')}"
        subject = f"{variable} ({rule})"
        if problem is None:
            return self.finding("ok", Status.PASS, subject, shown)
        return self.finding(
            rule,
            Status.FAIL if rule in _ERRORS else Status.WARN,
            subject,
            f"{shown}: {problem}",
            found=shown,
            remediation=remediation,
        )

    @staticmethod
    def _table() -> list[_Rule]:
        def nosumdb(values: dict[str, str]) -> str | None:
            # `go env GONOSUMDB` already reports the effective list: GOPRIVATE when GONOSUMDB is unset.
            if matches_everything(values.get("GONOSUMDB", "")):
                origin = (
                    " (GONOSUMDB defaults to GOPRIVATE)"
                    if values.get("GONOSUMDB") == values.get("GOPRIVATE")
                    else ""
                )
                return f"matches every module{origin}: no download is checked against the checksum database"
            if matches_everything(values.get("GONOSUMCHECK", "")):
                return "GONOSUMCHECK matches every module: whoever set it meant to skip checksum verification"
            return None

        def goproxy(values: dict[str, str]) -> str | None:
            entries = [e for e in re.split(r"[,|]", values.get("GOPROXY", "")) if e]
            if entries and all(e == "direct" for e in entries):
                return "modules come straight from version control, without the module mirror"
            return None

        def switching(values: dict[str, str]) -> str | None:
            value = values.get("GOTOOLCHAIN", "")
            if value in ("auto", "path") or value.endswith(("+auto", "+path")):
                return "the go command may replace the installed toolchain with another release"
            return None

        return [
            (
                "gosumdb-off",
                "GOSUMDB",
                lambda v: (
                    "module downloads are not verified by the checksum database"
                    if v.get("GOSUMDB", "") == "off"
                    else None
                ),
                "unset GOSUMDB (default sum.golang.org) or point it at your own checksum database",
            ),
            (
                "nosumdb-all",
                "GONOSUMDB",
                nosumdb,
                "list only private module prefixes, e.g. GOPRIVATE=git.example.com/*",
            ),
            (
                "insecure-all",
                "GOINSECURE",
                lambda v: (
                    "every module may be fetched over plain HTTP"
                    if matches_everything(v.get("GOINSECURE", ""))
                    else None
                ),
                "unset GOINSECURE or restrict it to the hosts that need it",
            ),
            (
                "goflags-mod-mod",
                "GOFLAGS",
                lambda v: (
                    "go commands may rewrite go.mod and go.sum" if goflags(v).get("mod") == "mod" else None
                ),
                "remove -mod=mod from GOFLAGS (use -mod=readonly, the default)",
            ),
            (
                "goflags-insecure",
                "GOFLAGS",
                lambda v: (
                    "-insecure allows fetching over plain HTTP"
                    if goflags(v).get("insecure", "false") not in ("false", "0")
                    else None
                ),
                "remove -insecure from GOFLAGS",
            ),
            (
                "goproxy-off",
                "GOPROXY",
                lambda v: "no module downloads at all" if v.get("GOPROXY", "") == "off" else None,
                "set GOPROXY=https://proxy.golang.org,direct or your mirror",
            ),
            (
                "goproxy-direct",
                "GOPROXY",
                goproxy,
                "set GOPROXY=https://proxy.golang.org,direct or your mirror",
            ),
            (
                "go111module-off",
                "GO111MODULE",
                lambda v: (
                    "GOPATH mode: go.mod and go.sum are ignored"
                    if v.get("GO111MODULE", "") == "off"
                    else None
                ),
                "unset GO111MODULE",
            ),
            (
                "gotoolchain-switch",
                "GOTOOLCHAIN",
                switching,
                "set GOTOOLCHAIN=local in the job so the pinned toolchain is the one that runs",
            ),
        ]


_ERRORS = {"gosumdb-off", "nosumdb-all", "insecure-all", "goflags-insecure", "go111module-off"}
