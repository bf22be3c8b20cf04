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
