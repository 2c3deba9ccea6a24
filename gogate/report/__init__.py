"""Reporters: pure functions from a :class:`~gogate.results.GateResult` to the text of one report.

Why pure: the CLI does all I/O (files, stdout, ``$GITHUB_STEP_SUMMARY``), so one run can write
several reports, and every reporter is tested with plain strings. No reporter reads the
environment or the clock; whatever it needs (colour, caps, size limits) is passed in.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gogate.report.codequality import render_codequality
    from gogate.report.github import render_github_annotations, render_github_outputs
    from gogate.report.json_report import render_json, report_json_schema
    from gogate.report.junit import render_junit
    from gogate.report.markdown import STEP_SUMMARY_LIMIT_BYTES, fit_step_summary, render_markdown
    from gogate.report.terminal import render_terminal

# Each reporter loads on first use: a merge-request run that writes only the terminal report
# never pays for pydantic's JSON models or the junit-xml package.
_MODULE_OF = {
    "render_codequality": "codequality",
    "render_github_annotations": "github",
    "render_github_outputs": "github",
    "render_json": "json_report",
    "report_json_schema": "json_report",
    "render_junit": "junit",
    "STEP_SUMMARY_LIMIT_BYTES": "markdown",
    "fit_step_summary": "markdown",
    "render_markdown": "markdown",
    "render_terminal": "terminal",
}


def __getattr__(name: str) -> Any:
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_MODULE_OF[name]}"), name)


__all__ = [
    "STEP_SUMMARY_LIMIT_BYTES",
    "fit_step_summary",
    "render_codequality",
    "render_github_annotations",
    "render_github_outputs",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_terminal",
    "report_json_schema",
]
