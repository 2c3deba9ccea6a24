"""The check registry: adding a check is one module and one line here.

Order is report order. The CLI's --only/--skip choices and the README's checks table come from it.
"""

from __future__ import annotations

from gogate.checks.goenv import GoEnvCheck
from gogate.checks.interface import Check
from gogate.checks.pins import PinsCheck
from gogate.checks.toolchain import ToolchainCheck

__all__ = ["CHECKS", "all_rules"]

CHECKS: dict[str, Check] = {
    check.id: check
    for check in (
        PinsCheck(),
        ToolchainCheck(),
        GoEnvCheck(),
    )
}


def all_rules() -> dict[str, str]:
    """Every rule id a severity can be configured for, with its description."""
    return {rule: text for check in CHECKS.values() for rule, text in check.rules.items()}
