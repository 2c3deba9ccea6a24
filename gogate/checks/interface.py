"""What a check is: an id, the modes it runs in, the facts it needs, and ``run(facts)``.

Why this shape: adding a check must cost one module, one registry line and one test file. A check
never does I/O; it turns facts into findings. The engine applies configured severities, times the
check and turns an unexpected exception into an internal error.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from gogate.facts.archives import ArchiveFacts
from gogate.facts.goroot import GorootFacts
from gogate.facts.model import GoToolchainFacts, RepoFacts
from gogate.lockfile import LockFacts
from gogate.results import Finding, Status

if TYPE_CHECKING:
    # Only for annotations: importing the dependency facts costs start-up time that a
    # pins-only merge-request run should not pay.
    from gogate.facts.deps import CompletenessFacts, DepsFacts, ModcacheFacts, SumdbFacts, VendorContentFacts
    from gogate.facts.snapshot import SnapshotFacts

__all__ = ["Check", "CheckReport", "Facts", "Mode", "Need"]


class Mode(enum.StrEnum):
    """How thorough a run is."""

    MINIMAL = "minimal"
    """Merge requests: fast; the network only for vendored modules' zips that no cache holds."""
    FULL = "full"
    """Nightly: every check, network allowed."""


class Need(enum.StrEnum):
    """Fact groups a check reads; only the groups some selected check needs are gathered."""

    REPO = "repo"
    TOOLCHAIN = "toolchain"
    LOCK = "lock"
    GOROOT = "goroot"
    ARCHIVES = "archives"
    DEPS = "deps"
    """Every module's go.mod, go.sum and vendor/modules.txt, parsed."""
    COMPLETENESS = "completeness"
    """Go's own verdict on which go.sum lines are needed (runs go)."""
    MODCACHE = "modcache"
    """The module cache re-hashed against go.sum."""
    VENDOR_CONTENT = "vendor-content"
    """Vendored files compared with the verified module zips."""
    SUMDB = "sumdb"
    """go.sum lines looked up in the checksum database (network)."""
    SNAPSHOT = "snapshot"
    """gogate.snapshot.json re-measured on every recorded platform (runs go builds)."""


@dataclass(frozen=True, slots=True)
class Facts:
    """The facts gathered for one run; a group not needed by any selected check is None."""

    repo: RepoFacts
    toolchain: GoToolchainFacts | None = None
    lock: LockFacts | None = None
    goroot: GorootFacts | None = None
    archives: ArchiveFacts | None = None
    deps: DepsFacts | None = None
    completeness: CompletenessFacts | None = None
    modcache: ModcacheFacts | None = None
    vendor_content: VendorContentFacts | None = None
    sumdb: SumdbFacts | None = None
    snapshot: SnapshotFacts | None = None


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What ``Check.run`` returns: the items it looked at and a one-line summary."""

    findings: Sequence[Finding] = field(default_factory=tuple)
    summary: str = ""
    skip_reason: str | None = None
    """Set when the check had nothing to verify; reported as skipped, never as passed."""
    error: str | None = None
    """Set when the check could not run (the gate cannot say "passed": exit 3 unless something failed)."""


class Check(abc.ABC):
    """A gate check. Subclasses set the class attributes and implement :meth:`run`."""

    id: ClassVar[str]
    title: ClassVar[str]
    modes: ClassVar[frozenset[Mode]] = frozenset({Mode.MINIMAL, Mode.FULL})
    needs: ClassVar[frozenset[Need]] = frozenset({Need.REPO})
    rules: ClassVar[dict[str, str]] = {}
    """Rule id -> one-line description of every rule the check reports."""
    configurable: ClassVar[frozenset[str]] = frozenset()
    """Rule ids whose severity a configuration may change. Rules that decide the gate (a pin that
    disagrees, the wrong toolchain) are left out on purpose: a .gogate.yaml added by the very merge
    request under review must not be able to wave it through."""

    @abc.abstractmethod
    def run(self, facts: Facts) -> CheckReport:  # pragma: no cover - abstract
        """Turn facts into findings. Must not do I/O."""

    def finding(
        self,
        rule: str,
        status: Status,
        subject: str,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        expected: str | None = None,
        found: str | None = None,
        remediation: str | None = None,
    ) -> Finding:
        """Build a Finding for this check; ``rule`` is given without the check id prefix."""
        return Finding(
            check_id=self.id,
            rule=f"{self.id}.{rule}",
            status=status,
            subject=subject,
            message=message,
            path=path,
            line=line,
            expected=expected,
            found=found,
            remediation=remediation,
        )
