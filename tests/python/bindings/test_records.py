"""Batches of records checked in one call: every problem with its record
number and field."""

from __future__ import annotations

import datetime
import json

import pytest

import espaces_metiers as em
from conftest import make_visits


def test_a_valid_batch_has_no_problem() -> None:
    assert em.check_records(make_visits(200)) == []


def test_a_batch_accepts_dates_as_date_objects_and_text_as_json_lines() -> None:
    visits = make_visits(3)
    visits[0]["date"] = datetime.date(2009, 3, 2)
    assert em.check_records(visits) == []
    lines = "\n".join(json.dumps(v) for v in make_visits(3))
    assert em.check_records(lines) == []


def test_every_problem_of_every_record_is_named_with_record_number_and_field() -> None:
    visits = make_visits(5)
    visits[1]["age_band"] = "ninety"
    visits[1]["site"] = "atlantis"
    visits[3]["themes"] = []
    del visits[4]["contact_mode"]
    problems = em.check_records(visits)
    by_place = {(p.line, p.field) for p in problems}
    assert by_place == {(2, "age_band"), (2, "site"), (4, "themes"), (5, "contact_mode")}
    assert all(p.file == "<batch>" for p in problems)
    assert any("ninety" in p.reason for p in problems)


def test_a_wrongly_typed_field_is_named() -> None:
    visits = make_visits(1)
    visits[0]["themes"] = "guidance"
    [problem] = em.check_records(visits)
    assert problem.field == "themes"


def test_survey_answers_and_events_are_checked_by_kind() -> None:
    answers = [{"site": "reims", "date": "2009-05-04", "items": {"welcome": 4, "premises": 9}}]
    [problem] = em.check_records(answers, kind="survey_answer")
    assert problem.field == "items.premises"
    events = [
        {
            "site": "troyes",
            "title": "Forum",
            "start_date": "2009-03-10",
            "end_date": "2009-03-09",
            "event_type": "forum",
            "attendance": 10,
        }
    ]
    [problem] = em.check_records(events, kind="event")
    assert problem.field == "end_date"


def test_text_that_is_not_json_names_its_line() -> None:
    [problem] = em.check_records('{"site": "reims"}\n{oops')
    assert problem.line == 2


def test_an_unknown_kind_is_an_argument_error() -> None:
    with pytest.raises(em.ArgumentError) as caught:
        em.check_records([], kind="visitor")
    assert caught.value.field == "kind"


def test_the_schema_of_each_kind_is_published() -> None:
    for kind in ["visit", "survey_answer", "event"]:
        schema = json.loads(em.record_schema(kind))
        assert schema["type"] == "object"
    assert "contact_mode" in json.loads(em.record_schema("visit"))["properties"]
