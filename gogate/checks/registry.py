"""The check registry: adding a check is one module and one line here.

Order is report order. The CLI's --only/--skip choices and the README's checks table come from it.
"""

from __future__ import annotations

from gogate.checks.goenv import GoEnvCheck
from gogate.checks.goroot import GorootCheck
from gogate.checks.gosum import GosumCheck
from gogate.checks.interface import Check
from gogate.checks.lock import LockCheck
from gogate.checks.modcache import ModcacheCheck
from gogate.checks.pins import PinsCheck
from gogate.checks.snapshot import SnapshotCheck
from gogate.checks.sumdb import SumdbCheck
from gogate.checks.toolchain import ToolchainCheck
from gogate.checks.toolchain_archive import ToolchainArchiveCheck
from gogate.checks.vendor import VendorCheck

__all__ = ["CHECKS", "all_rules", "configurable_keys"]

CHECKS: dict[str, Check] = {
    check.id: check
    for check in (
        PinsCheck(),
        ToolchainCheck(),
        GoEnvCheck(),
        LockCheck(),
        GorootCheck(),
        ToolchainArchiveCheck(),
        GosumCheck(),
        ModcacheCheck(),
        VendorCheck(),
        SumdbCheck(),
        SnapshotCheck(),
    )
}


def all_rules() -> dict[str, str]:
    """Every rule id any check reports, with its description."""
    return {rule: text for check in CHECKS.values() for rule, text in check.rules.items()}


def configurable_keys() -> set[str]:
    """Severity keys a configuration may set: configurable rules, and checks whose rules all are."""
    keys: set[str] = set()
    for check in CHECKS.values():
        keys |= check.configurable
        violations = {rule for rule in check.rules if not rule.endswith(".ok")}
        if violations and violations <= check.configurable:
            keys.add(check.id)
    return keys
