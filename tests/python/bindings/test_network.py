"""A network database from Python: batches in, all or nothing, idempotent,
records back out, statistics as rows, the activity report."""

from __future__ import annotations

import datetime
import pathlib
import sqlite3

import pytest

import espaces_metiers as em
from conftest import make_visits


@pytest.fixture
def network(tmp_path: pathlib.Path) -> em.Network:
    return em.Network.open(tmp_path / "network.db", create=True)


def test_a_new_network_is_empty_and_keeps_its_path(tmp_path: pathlib.Path) -> None:
    net = em.open_network(tmp_path / "n.db", create=True)
    assert net.counts() == em.Counts(visits=0, survey_answers=0, events=0, imports=0)
    assert net.path.endswith("n.db")
    assert net.imports() == []
    assert net.ruleset.info.id == "champagne-ardenne"
    assert len(net.registry.sites()) == 11
    assert "n.db" in repr(net)


def test_a_batch_of_visits_is_stored_once_and_read_back(network: em.Network) -> None:
    visits = make_visits(500)
    summary = network.add_records(visits, source="janvier.json")
    assert not summary.already_imported
    assert summary.info.rows == 500
    again = network.add_records(visits, source="janvier.json")
    assert again.already_imported
    assert network.counts().visits == 500
    [info] = network.imports()
    assert info.file_name == "janvier.json"
    assert len(info.sha256) == 64


def test_records_round_trip_except_the_visitor_who_never_leaves_the_store(
    network: em.Network,
) -> None:
    visits = make_visits(50)
    network.add_records(visits)
    back = network.records("visit", datetime.date(2009, 1, 1), "2009-12-31")
    assert len(back) == 50
    expected = sorted((dict(v, visitor=None) for v in visits), key=lambda v: v["reference"])
    got = sorted(back, key=lambda v: v["reference"])
    for want, have in zip(expected, got):
        want.pop("visitor")
        # Lists left out come back empty: the schema's default.
        want.setdefault("referrals", [])
        assert have == want


def test_survey_answers_and_events_round_trip(network: em.Network) -> None:
    answers = [
        {"site": "reims", "date": "2009-05-04", "reference": "q1", "items": {"welcome": 4}},
        {"site": "sedan", "date": "2009-06-04", "would_recommend": True},
    ]
    events = [
        {
            "site": "troyes",
            "reference": "e1",
            "title": "Forum des métiers",
            "start_date": "2009-03-10",
            "end_date": "2009-03-11",
            "event_type": "forum",
            "themes": ["training"],
            "partners": ["greta"],
            "attendance": 120,
            "respondents": 40,
            "satisfied": 35,
        }
    ]
    network.add_records(answers, kind="survey_answer")
    network.add_records(events, kind="event")
    assert network.records("survey_answer")[0] == answers[0]
    assert network.records("event") == events
    counts = network.counts()
    assert (counts.survey_answers, counts.events, counts.imports) == (2, 1, 2)


def test_a_batch_with_one_bad_record_stores_nothing_and_names_every_problem(
    network: em.Network,
) -> None:
    visits = make_visits(100)
    visits[41]["status"] = "astronaut"
    visits[97]["date"] = "2009-02-30"
    with pytest.raises(em.RecordError) as caught:
        network.add_records(visits)
    err = caught.value
    assert [(p.line, p.field) for p in err.problems] == [(42, "status"), (98, "date")]
    assert (err.line, err.field, err.file) == (42, "status", "<batch>")
    assert "astronaut" in err.reason
    assert network.counts().visits == 0


def test_a_record_conflicting_with_a_stored_one_is_an_import_error_and_stores_nothing(
    network: em.Network,
) -> None:
    visits = make_visits(10)
    network.add_records(visits)
    changed = make_visits(10, seed=8)
    changed[3] = dict(visits[3], contact_mode="email" if visits[3]["contact_mode"] != "email" else "phone")
    with pytest.raises(em.ImportFileError) as caught:
        network.add_records(changed, source="février.json")
    assert (caught.value.line, caught.value.field) == (4, "reference")
    assert caught.value.file == "février.json"
    assert network.counts().visits == 10


def test_a_database_that_is_not_one_is_a_store_error(tmp_path: pathlib.Path) -> None:
    bogus = tmp_path / "not-a-db.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(em.StoreError) as caught:
        em.Network.open(bogus)
    assert caught.value.file is not None and caught.value.file.endswith("not-a-db.db")


def test_the_database_is_plain_sqlite_readable_by_other_tools(tmp_path: pathlib.Path) -> None:
    net = em.Network.open(tmp_path / "n.db", create=True)
    net.add_records(make_visits(20))
    del net
    with sqlite3.connect(tmp_path / "n.db") as conn:
        (n,) = conn.execute("select count(*) from visits").fetchone()
    assert n == 20


def test_an_in_memory_network_takes_a_given_ruleset_and_registry() -> None:
    net = em.Network.in_memory(em.Ruleset.shipped(), em.Registry.shipped())
    assert net.path == ":memory:"
    net.add_records(make_visits(5))
    assert net.counts().visits == 5


def test_statistics_are_rows_ready_for_a_data_frame(network: em.Network) -> None:
    network.add_records(make_visits(2000))
    rows = network.statistics(2009)
    assert rows
    keys = set(rows[0])
    assert {"scope_kind", "scope", "table", "label", "column", "value", "masked"} <= keys
    assert all(set(r) == keys for r in rows)
    assert {r["scope_kind"] for r in rows} == {"region", "departement", "site"}
    masked = [r for r in rows if r["masked"]]
    assert all(r["value"] is None for r in masked)
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(rows)
    assert len(frame) == len(rows)


def test_the_activity_report_is_built_masked_and_round_trips_as_json(network: em.Network) -> None:
    network.add_records(make_visits(1500, year=2008, seed=3))
    network.add_records(make_visits(2000))
    report = network.activity_report(2009)
    assert report.year == 2009
    assert report.small_count_threshold == 5
    assert report.summary.startswith("En 2009")
    data = report.to_dict()
    assert data["year"] == 2009 and data["previous_year"] == 2008
    assert len(data["sites"]) == 11
    assert report.document()["sections"]
    assert report.rows()
    alone = network.activity_report(2009, compare=False).to_dict()
    assert alone["previous_year"] is None
    assert "ActivityReport(year=2009)" == repr(report)


def test_an_implausible_year_is_an_argument_error(network: em.Network) -> None:
    with pytest.raises(em.ArgumentError) as caught:
        network.activity_report(20090)
    assert caught.value.field == "year"
    with pytest.raises(em.ArgumentError):
        network.records("visit", "yesterday")


def test_a_report_for_a_year_before_the_rules_existed_is_a_report_error(
    network: em.Network,
) -> None:
    with pytest.raises(em.ReportError) as caught:
        network.activity_report(1990, compare=False)
    assert "1990" in caught.value.reason


def test_a_missing_database_is_refused_unless_asked_to_create_it(tmp_path: pathlib.Path) -> None:
    mistyped = tmp_path / "reseau-typo.sqlite"
    with pytest.raises(em.StoreError) as caught:
        em.Network.open(mistyped)
    assert caught.value.file is not None and caught.value.file.endswith("reseau-typo.sqlite")
    assert "create=True" in str(caught.value)
    assert not mistyped.exists()
    created = em.Network.open(mistyped, create=True)
    assert created.counts().visits == 0
    assert em.Network.open(mistyped).counts().visits == 0
