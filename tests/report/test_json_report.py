"""JSON report: validates against its own schema, and round-trips through the report model."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType

import pytest

from gogate.report import render_json, report_json_schema
from gogate.report.json_report import GateReportModel
from gogate.results import CheckResult, GateResult, Status

from .factory import ROOT, make_result, passing_result


def _jsonschema() -> ModuleType:
    """jsonschema is a declared test dependency: validation must never be skipped silently."""
    import jsonschema

    return jsonschema


def test_schema_header() -> None:
    schema = report_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:gogate:report-schema:1"
    assert schema["title"] == "gogate report"
    required = schema["required"]
    assert isinstance(required, list)
    assert "schema_version" in required


@pytest.mark.parametrize("build", [make_result, passing_result])
def test_output_validates_against_schema(build: Callable[[], GateResult]) -> None:
    jsonschema = _jsonschema()
    schema = report_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    document = json.loads(render_json(build()))
    jsonschema.Draft202012Validator(schema).validate(document)


def test_schema_rejects_drift() -> None:
    jsonschema = _jsonschema()
    document = json.loads(render_json(make_result()))
    document["checks"][0]["unexpected"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(report_json_schema()).validate(document)


def test_keys_match_schema_properties(result: GateResult) -> None:
    """A jsonschema-free check of the same contract: every object has exactly the schema's properties."""
    schema = report_json_schema()
    defs = schema["$defs"]
    assert isinstance(defs, dict)
    document = json.loads(render_json(result))

    def assert_keys(obj: dict[str, object], object_schema: dict[str, object]) -> None:
        properties = object_schema["properties"]
        required = object_schema["required"]
        assert isinstance(properties, dict)
        assert isinstance(required, list)
        assert set(obj) == set(properties) == set(required)
        assert object_schema["additionalProperties"] is False

    assert_keys(document, schema)
    for check in document["checks"]:
        assert_keys(check, defs["CheckReportModel"])
        for item in check["findings"]:
            assert_keys(item, defs["FindingReportModel"])


def test_round_trip_through_model(result: GateResult) -> None:
    text = render_json(result)
    model = GateReportModel.model_validate_json(text)
    assert model.model_dump_json(indent=2) + "\n" == text


def test_content(result: GateResult) -> None:
    document = json.loads(render_json(result))
    assert document["schema_version"] == "1"
    assert (document["passed"], document["failed"], document["undecided"]) == (False, True, True)
    assert document["status"] == "fail"
    assert document["pinned_version"] == "1.22.5"
    assert [check["id"] for check in document["checks"]] == [
        "pins",
        "toolchain",
        "gosum",
        "sumdb",
        "vendor",
        "env",
    ]
    first = document["checks"][0]["findings"][0]
    assert first["location"] == ".github/workflows/ci.yml:17"
    assert first["message"].endswith("ünïcødé ✓")
    assert document["checks"][3]["error"] == "sum.golang.org: connection timed out after 10s"
    assert "ünïcødé" in render_json(result)  # readable, not \\u-escaped


def test_decision_booleans() -> None:
    assert json.loads(render_json(passing_result()))["passed"] is True
    errored = CheckResult(check_id="sumdb", title="t", status=Status.ERROR, error="timeout")
    undecided = GateResult(gogate_version="0", root=ROOT, mode="full", results=(errored,))
    document = json.loads(render_json(undecided))
    assert (document["passed"], document["failed"], document["undecided"]) == (False, False, True)
    warned = json.loads(render_json(make_result(fail_on_warnings=True)))
    assert warned["fail_on_warnings"] is True
