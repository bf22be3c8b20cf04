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
