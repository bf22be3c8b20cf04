"""The published JSON Schemas of the records, checked by an independent
validator (``jsonschema``) against sample records, good and bad.

The samples live in ``schemas/samples/cases.json``; the Rust test suite reads
the same cases through serde, so both sides must agree on every one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest

ROOT = Path(os.environ.get("EM_REPO_ROOT", Path(__file__).resolve().parents[2]))
SCHEMAS = ROOT / "schemas"
CASES: list[dict[str, Any]] = json.loads(
    (SCHEMAS / "samples" / "cases.json").read_text(encoding="utf-8")
)


def load_schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        (SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8")
    )
    return schema


def validator(name: str) -> jsonschema.protocols.Validator:
    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    # Dates are checked too: the schema says `"format": "date"`.
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c['schema']}: {c['case']}" for c in CASES]
)
def test_sample_record(case: dict[str, Any]) -> None:
    errors = list(validator(case["schema"]).iter_errors(case["record"]))
    if case["valid"]:
        assert errors == [], [e.message for e in errors]
    else:
        assert errors, f"{case['case']} was accepted"


def test_every_published_schema_is_a_valid_schema() -> None:
    files = sorted(SCHEMAS.glob("*.schema.json"))
    assert {f.name for f in files} >= {
        "visit.schema.json",
        "survey_answer.schema.json",
        "event.schema.json",
        "record.schema.json",
    }
    for f in files:
        schema = json.loads(f.read_text(encoding="utf-8"))
        jsonschema.validators.validator_for(schema).check_schema(schema)


def test_the_demo_sample_records_are_valid() -> None:
    samples = ROOT / "examples" / "data" / "samples"
    checked = 0
    # The demo's JSON Lines files hold records tagged with their `kind`.
    check = validator("record")
    for name in ["survey_answers.jsonl", "events.jsonl"]:
        for line in (samples / name).read_text(encoding="utf-8").splitlines():
            check.validate(json.loads(line))
            checked += 1
    assert checked > 0


# ---------------------------------------------------------------------------
# The shipped ruleset files against the schemas of their sections.
# ---------------------------------------------------------------------------

RULESET = ROOT / "rulesets" / "champagne-ardenne"
RULE_FILES = ["labelling", "territory", "governance", "statistics", "ruleset"]


def as_json(value: Any) -> Any:
    """A TOML document as JSON reads it: days and times as ISO text."""
    import datetime

    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value


def shipped(name: str) -> Any:
    import tomllib

    return as_json(tomllib.loads((RULESET / f"{name}.toml").read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", RULE_FILES)
def test_the_shipped_ruleset_file_is_valid_against_its_schema(name: str) -> None:
    errors = list(validator(name).iter_errors(shipped(name)))
    assert errors == [], [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_the_rule_file_schemas_refuse_what_the_loader_refuses() -> None:
    labelling = shipped("labelling")
    labelling["specification"]["criteria"][0]["colour"] = "blue"
    assert list(validator("labelling").iter_errors(labelling))
    labelling = shipped("labelling")
    labelling["specification"]["criteria"][0]["condition"] = {"about": {"fact": "x", "value": 1}}
    assert list(validator("labelling").iter_errors(labelling))
    labelling = shipped("labelling")
    labelling["specification"]["criteria"][0]["level"] = "optional"
    assert list(validator("labelling").iter_errors(labelling))
    territory = shipped("territory")
    territory["white_zone_km"][0]["value"] = "thirty"
    assert list(validator("territory").iter_errors(territory))
    territory = shipped("territory")
    del territory["max_catchment_overlap_share"]
    assert list(validator("territory").iter_errors(territory))
    governance = shipped("governance")
    governance["walking_minutes"] = 3
    assert list(validator("governance").iter_errors(governance))
