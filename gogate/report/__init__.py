"""Reporters: pure functions from a :class:`~gogate.results.GateResult` to the text of one report.

Why pure: the CLI does all I/O (files, stdout, ``$GITHUB_STEP_SUMMARY``), so one run can write
several reports, and every reporter is tested with plain strings. No reporter reads the
environment or the clock; whatever it needs (colour, caps, size limits) is passed in.
"""

from __future__ import annotations

from gogate.report.codequality import render_codequality
from gogate.report.github import render_github_annotations
from gogate.report.json_report import render_json, report_json_schema
from gogate.report.junit import render_junit
from gogate.report.markdown import STEP_SUMMARY_LIMIT_BYTES, fit_step_summary, render_markdown
from gogate.report.terminal import render_terminal

__all__ = [
    "STEP_SUMMARY_LIMIT_BYTES",
    "fit_step_summary",
    "render_codequality",
    "render_github_annotations",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_terminal",
    "report_json_schema",
]
