"""Governance from Python: meetings checked against the rules, compliance,
the calendar, and arbitration through to the transmitted plan."""

from __future__ import annotations

import json
import pathlib
from typing import Any, Dict, List

import pytest

import espaces_metiers as em


@pytest.fixture
def samples(repo_root: pathlib.Path) -> Dict[str, Any]:
    folder = repo_root / "examples" / "governance"
    return {
        name: json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        for name in ["meetings-2009", "proposals-2010", "roadmap-2010"]
    }


def test_a_sample_meeting_is_recorded_with_its_explanation(samples: Dict[str, Any]) -> None:
    recorded = em.Governance().record_meeting(samples["meetings-2009"][0])
    assert recorded["meeting"]["id"] == samples["meetings-2009"][0]["id"]
    assert recorded["explanation"]


def test_a_meeting_breaking_rules_is_refused_with_every_breach(samples: Dict[str, Any]) -> None:
    meeting = dict(samples["meetings-2009"][0], attendees={})
    with pytest.raises(em.GovernanceError) as caught:
        em.Governance().record_meeting(meeting)
    assert caught.value.field == "attendees"
    assert all(p.reason for p in caught.value.problems)


def test_a_malformed_meeting_names_its_path(samples: Dict[str, Any]) -> None:
    meeting = dict(samples["meetings-2009"][0], date="12/03/2009")
    with pytest.raises(em.ArgumentError) as caught:
        em.Governance().record_meeting(meeting)
    assert caught.value.path == "date"
    assert caught.value.file == "meeting"


def test_compliance_lists_every_required_meeting_with_a_status(samples: Dict[str, Any]) -> None:
    report = em.Governance(em.Ruleset.shipped(), em.Registry.shipped()).compliance(
        samples["meetings-2009"], 2009
    )
    lines: List[Dict[str, Any]] = report["lines"]
    assert lines
    assert {line["status"] for line in lines} <= {"held", "out_of_window", "missing", "too_many"}
    assert any(line["status"] == "held" for line in lines)
    sites = {line["site"] for line in lines if line["site"]}
    assert len(sites) == 11


def test_the_calendar_comes_as_data_and_as_icalendar(samples: Dict[str, Any]) -> None:
    governance = em.Governance()
    calendar = governance.calendar(2010, site="sedan")
    assert calendar["year"] == 2010 and calendar["items"]
    ics = governance.calendar_ics(2010, meetings=samples["meetings-2009"][:1])
    assert ics.startswith("BEGIN:VCALENDAR")
    with pytest.raises(em.NotFoundError):
        governance.calendar(2010, site="atlantis")


def test_arbitration_keeps_proposals_with_explanations_then_plans_are_decided_and_transmitted(
    samples: Dict[str, Any],
) -> None:
    governance = em.Governance()
    roadmap = samples["roadmap-2010"]
    proposals = [p for p in samples["proposals-2010"] if p["site"] == "sedan"]
    recommendation = governance.arbitrate(roadmap, "sedan", proposals)
    assert recommendation["kept"]
    assert all(o["explanation"] for o in recommendation["outcomes"])
    step = governance.decide(roadmap, proposals, recommendation, [], decided_by="copil-sedan-2009")
    assert step["plan"]["state"] == "arbitrated"
    sent = governance.transmit(step["plan"], "2009-12-20")
    assert sent["plan"]["state"] == "transmitted"
    with pytest.raises(em.GovernanceError):
        governance.transmit(sent["plan"], "2009-12-21")
    view = governance.region_view(2010, [sent["plan"]])
    assert view


def test_the_whole_network_is_arbitrated_in_one_call(samples: Dict[str, Any]) -> None:
    rows = em.Governance().arbitrate_network(samples["roadmap-2010"], samples["proposals-2010"])
    assert len(rows) == 11
    assert all(r["recommendation"] or r["error"] for r in rows)


def test_invalid_proposals_are_a_governance_error_naming_each_path(samples: Dict[str, Any]) -> None:
    proposals = [dict(p, orientations=[99]) for p in samples["proposals-2010"] if p["site"] == "reims"]
    with pytest.raises(em.GovernanceError) as caught:
        em.Governance().arbitrate(samples["roadmap-2010"], "reims", proposals)
    assert caught.value.path is not None


# Meetings and plans kept in a network database, through a fresh file that
# is closed and opened again, as a coordinator's script would.


def _ids(meetings: List[Dict[str, Any]]) -> List[str]:
    return [m["id"] for m in meetings]


def test_recorded_meetings_come_back_after_the_database_is_reopened(
    samples: Dict[str, Any], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "network.db"
    meetings = samples["meetings-2009"]
    recorded = em.Network.open(path, create=True).governance.record_meetings(meetings)
    assert _ids([r["meeting"] for r in recorded]) == _ids(meetings)
    assert all(r["explanation"] for r in recorded)

    reopened = em.Network.open(path, create=True).governance
    stored = reopened.meetings(2009)
    assert sorted(_ids(stored)) == sorted(_ids(meetings))
    assert [m["date"] for m in stored] == sorted(m["date"] for m in meetings)
    assert reopened.meetings(2010) == []

    # The table from the stored meetings says what the same meetings given
    # in memory say.
    def statuses(report: Dict[str, Any]) -> List[Any]:
        return sorted(
            (line["requirement"], line["site"] or "", line["status"]) for line in report["lines"]
        )

    from_store = reopened.compliance(2009)
    assert statuses(from_store) == statuses(em.Governance().compliance(meetings, 2009))
    assert any(line["status"] == "held" for line in from_store["lines"])

    # The same file twice is refused as a whole, and nothing is doubled.
    with pytest.raises(em.StoreError) as caught:
        reopened.record_meetings(meetings)
    assert "already stored" in str(caught.value)
    assert len(reopened.meetings(2009)) == len(meetings)


def test_a_meetings_file_with_a_refused_meeting_stores_nothing(
    samples: Dict[str, Any], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "network.db"
    good, second = samples["meetings-2009"][0], samples["meetings-2009"][1]
    bad = dict(second, attendees={})
    with pytest.raises(em.GovernanceError) as caught:
        em.Network.open(path, create=True).governance.record_meetings([good, bad])
    problems = caught.value.problems
    assert problems, "every breach is listed"
    assert {p.line for p in problems} == {2}
    assert "attendees" in {p.field for p in problems}
    assert all(p.path and p.reason for p in problems)
    assert "none recorded" in str(caught.value)
    assert em.Network.open(path, create=True).governance.meetings(2009) == []


def test_plans_are_decided_transmitted_and_never_decided_again(
    samples: Dict[str, Any], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "network.db"
    roadmap, proposals = samples["roadmap-2010"], samples["proposals-2010"]
    decided = em.Network.open(path, create=True).governance.decide_plans(roadmap, proposals)
    sites = sorted({p["site"] for p in proposals})
    assert sorted(d["plan"]["site"] for d in decided) == sites
    assert {d["journal_record"]["action"] for d in decided} == {"arbitrate"}

    governance = em.Network.open(path, create=True).governance
    step = governance.transmit_plan("sedan", 2010, "2009-12-15")
    assert step["plan"]["state"] == "transmitted"
    assert step["journal_record"]["action"] == "transmit"

    with pytest.raises(em.GovernanceError) as caught:
        governance.decide_plans(roadmap, proposals)
    message = str(caught.value)
    assert "sedan" in message and "2010" in message and "2009-12-15" in message

    stored = {row["plan"]["site"]: row for row in em.Network.open(path, create=True).governance.plans(2010)}
    assert sorted(stored) == sites
    sedan = stored["sedan"]
    assert sedan["plan"] == step["plan"]
    assert [entry["action"] for entry in sedan["history"]] == ["arbitrate", "transmit"]
    seqs = [entry["seq"] for entry in sedan["history"]]
    assert seqs == sorted(seqs)
    # The refused decision added nothing: every other plan has its one entry.
    assert all(
        [entry["action"] for entry in row["history"]] == ["arbitrate"]
        for site, row in stored.items()
        if site != "sedan"
    )
    assert em.Network.open(path, create=True).applications.verify_journal() == len(sites) + 1


def test_transmitting_a_plan_never_decided_is_not_found(tmp_path: pathlib.Path) -> None:
    governance = em.Network.open(tmp_path / "network.db", create=True).governance
    with pytest.raises(em.NotFoundError):
        governance.transmit_plan("sedan", 2010, "2009-12-15")
    assert governance.plans(2010) == []


def _timed(meeting_id: str, day: str, start: str, minutes: int) -> Dict[str, Any]:
    """A technical committee of Sedan, timed, with its quorum."""
    return {
        "id": meeting_id,
        "body": "technical_committee",
        "site": "sedan",
        "date": day,
        "start": start,
        "duration_minutes": minutes,
        "attendees": {},
    }


def test_a_meeting_of_absurd_length_is_a_governance_error_not_a_crash() -> None:
    meetings = [_timed("huge", "2009-06-02", "10:00:00", 4294967295)]
    with pytest.raises(em.GovernanceError) as caught:
        em.Governance().calendar_ics(2009, meetings=meetings)
    assert isinstance(caught.value, em.EmError)
    assert "[0].duration_minutes" in str(caught.value)
    with pytest.raises(em.GovernanceError) as refused:
        em.Governance().record_meeting(meetings[0])
    assert any(p.field == "duration_minutes" for p in refused.value.problems)


def test_two_meetings_with_one_id_cannot_share_a_calendar() -> None:
    one = _timed("m1", "2009-06-02", "10:00:00", 60)
    with pytest.raises(em.GovernanceError) as caught:
        em.Governance().calendar_ics(2009, meetings=[one, dict(one)])
    assert "[1].id" in str(caught.value)


def test_every_exception_the_package_raises_is_an_em_error() -> None:
    from espaces_metiers import _native
    from espaces_metiers._errors import raise_from_native

    exported = [getattr(em, name) for name in em.__all__]
    errors = [c for c in exported if isinstance(c, type) and issubclass(c, BaseException)]
    assert em.InternalError in errors
    assert all(issubclass(c, em.EmError) for c in errors), errors
    # A panic caught at the native boundary comes as the native layer's own
    # InternalError, which the wrappers raise again as em.InternalError.
    with pytest.raises(em.InternalError) as caught:
        raise_from_native(_native.InternalError("a bug"))
    assert isinstance(caught.value, em.EmError)
    assert "a bug" in str(caught.value)


def test_a_meeting_across_the_clock_change_lasts_its_real_minutes() -> None:
    import icalendar  # installed with the test suite (scripts/python-tests.sh)
    from datetime import datetime, timedelta, timezone

    governance = em.Governance()
    ics = governance.calendar_ics(
        2009, site="sedan", meetings=[_timed("tc-night", "2009-10-25", "01:30:00", 180)]
    )
    calendar = icalendar.Calendar.from_ical(ics)
    event = next(e for e in calendar.walk("VEVENT") if "tc-night" in str(e["UID"]))
    start, end = event["DTSTART"].dt, event["DTEND"].dt
    # Local times as written: 01:30 (summer time) to 03:30 (winter time)...
    assert (start.hour, start.minute) == (1, 30)
    assert (end.hour, end.minute) == (3, 30)
    # ...and three real hours apart.
    assert end.astimezone(timezone.utc) - start.astimezone(timezone.utc) == timedelta(hours=3)
    assert start.astimezone(timezone.utc) == datetime(2009, 10, 24, 23, 30, tzinfo=timezone.utc)
    # 02:30 on 29 March 2009 does not exist in Europe/Paris: refused.
    with pytest.raises(em.GovernanceError) as caught:
        governance.calendar_ics(
            2009, meetings=[_timed("tc-gap", "2009-03-29", "02:30:00", 60)]
        )
    assert "[0].start" in str(caught.value)
    assert "does not exist" in str(caught.value)
