"""Labelling from Python: an application judged with its explanations, the
steps of its life recorded and replayed, and refusals as exceptions."""

from __future__ import annotations

import json
import pathlib

import pytest

import espaces_metiers as em


@pytest.fixture
def applications_dir(repo_root: pathlib.Path) -> pathlib.Path:
    return repo_root / "examples" / "applications"


def test_a_complete_application_is_eligible_with_an_explanation_per_criterion(
    applications_dir: pathlib.Path,
) -> None:
    evaluation = em.Labelling().check_application_file(applications_dir / "langres-2010.toml")
    assert evaluation["outcome"] == "eligible"
    assert evaluation["criteria"]
    assert all(c["explanation"] for c in evaluation["criteria"])


def test_an_application_failing_criteria_says_which_and_why(applications_dir: pathlib.Path) -> None:
    text = (applications_dir / "nogent-2010-incomplete.json").read_text(encoding="utf-8")
    labelling = em.Labelling(em.Ruleset.shipped())
    evaluation = labelling.check_application(text, "json")
    assert evaluation["outcome"] != "eligible"
    failing = [c for c in evaluation["criteria"] if c["verdict"] != "met"]
    assert failing and all(c["explanation"] for c in failing)
    assert evaluation["summary"] in labelling.explain_application(text, "json")


def test_a_malformed_application_is_a_labelling_error_with_line_and_column() -> None:
    text = 'applicant = "X"\nsite = "Y"\nsubmitted = "2010-03-15"\n[facts.reception_desk]\nweekly_hours = "many"\n'
    with pytest.raises(em.LabellingError) as caught:
        em.Labelling().check_application(text, "toml")
    err = caught.value
    assert err.problems
    assert any(p.line == 5 for p in err.problems), err.problems
    assert any("weekly_hours" in (p.path or "") for p in err.problems)


def test_an_application_without_submission_day_names_the_field() -> None:
    with pytest.raises(em.LabellingError) as caught:
        em.Labelling().check_application('applicant = "X"\nsite = "Y"\n[facts]\n', "toml")
    assert caught.value.field == "submitted"


def test_an_unknown_format_is_an_argument_error(tmp_path: pathlib.Path) -> None:
    with pytest.raises(em.ArgumentError):
        em.Labelling().check_application("", "xml")
    with pytest.raises(em.ArgumentError):
        em.Labelling().check_application_file(tmp_path / "dossier.pdf")
    with pytest.raises(em.FileAccessError):
        em.Labelling().check_application_file(tmp_path / "absent.toml")


def test_an_application_goes_through_its_life_and_its_history_is_journalled(
    tmp_path: pathlib.Path, applications_dir: pathlib.Path
) -> None:
    import tomllib

    document = tomllib.loads((applications_dir / "langres-2010.toml").read_text(encoding="utf-8"))
    net = em.Network.open(tmp_path / "n.db", create=True)
    apps = net.applications
    host = dict(role="host_structure", actor="Maison de l'emploi du Pays de Langres")
    json_document = json.loads(json.dumps(document, default=str))
    apps.advance("langres-2010", {"action": "draft", "document": json_document}, day="2010-03-01", **host)
    after = apps.advance("langres-2010", {"action": "submit"}, day="2010-03-15", **host)
    assert after["state"] == "submitted"
    after = apps.advance(
        "langres-2010",
        {"action": "declare_complete"},
        role="regional_coordination",
        actor="GIP Arifor",
        day="2010-04-01",
    )
    assert after["state"] == "complete"
    shown = apps.show("langres-2010")
    assert [h["action"] for h in shown["history"]] == ["draft", "submit", "declare_complete"]
    [row] = apps.list("2010-05-01")
    assert row["id"] == "langres-2010" and row["state"] == "complete"
    assert apps.verify_journal() == 3


def test_a_step_by_the_wrong_role_is_refused_and_nothing_is_recorded(tmp_path: pathlib.Path) -> None:
    apps = em.Network.open(tmp_path / "n.db", create=True).applications
    with pytest.raises(em.LabellingError) as caught:
        apps.advance("x-2010", {"action": "submit"}, role="region", actor="Région", day="2010-01-01")
    assert "submit" in caught.value.reason
    assert apps.list("2010-01-02") == []
    with pytest.raises(em.NotFoundError):
        apps.show("x-2010")
    with pytest.raises(em.ArgumentError):
        apps.advance("x", {"action": "submit"}, role="mayor", actor="?", day="2010-01-01")
    with pytest.raises(em.ArgumentError):
        apps.advance("bad id!", {"action": "submit"}, role="region", actor="?", day="2010-01-01")


def test_a_step_dated_after_today_or_by_no_actor_is_refused_and_nothing_is_recorded(
    tmp_path: pathlib.Path,
) -> None:
    apps = em.Network.open(tmp_path / "n.db", create=True).applications
    draft = {"action": "draft", "document": {"applicant": "A", "site": "B", "facts": {}}}
    with pytest.raises(em.ArgumentError) as caught:
        apps.advance("z2", draft, role="host_structure", actor="a", day="9999-12-31")
    assert "dated 9999-12-31, after today" in str(caught.value)
    with pytest.raises(em.ArgumentError) as caught:
        apps.advance("z2", draft, role="host_structure", actor="  ", day="2010-01-01")
    assert "actor is empty" in str(caught.value)
    candidate = {"action": "propose", "candidate": {"applicant": "c", "site": "s", "facts": {}}}
    with pytest.raises(em.ArgumentError):
        apps.advance_candidacy("c1", candidate, role="host_structure", actor="a", day="9999-12-31")
    with pytest.raises(em.ArgumentError) as caught:
        apps.advance("a" * 100_000, draft, role="host_structure", actor="a", day="2010-01-01")
    assert "at most 128" in str(caught.value)
    assert apps.list("2010-01-02") == [] and apps.candidacies() == []
    apps.advance("z2", draft, role="host_structure", actor="a", day="2010-01-01")
    assert apps.verify_journal() == 1


def test_a_candidacy_is_proposed_and_listed(tmp_path: pathlib.Path) -> None:
    apps = em.Network.open(tmp_path / "n.db", create=True).applications
    candidate = {
        "applicant": "candidat-017",
        "site": "sedan",
        "submitted": "2010-02-01",
        "facts": {},
    }
    after = apps.advance_candidacy(
        "sedan-ctem-2010",
        {"action": "propose", "candidate": candidate},
        role="host_structure",
        actor="Maison de l'emploi",
        day="2010-02-01",
    )
    assert after["id"] == "sedan-ctem-2010"
    assert apps.show_candidacy("sedan-ctem-2010")["history"][0]["action"] == "propose"
    assert [c["id"] for c in apps.candidacies()] == ["sedan-ctem-2010"]


def test_the_check_gives_counts_by_level_and_the_overlap_figures(
    applications_dir: pathlib.Path,
) -> None:
    labelling = em.Labelling(em.Ruleset.shipped(), em.Registry.shipped())
    evaluation = labelling.check_application_file(applications_dir / "langres-2010.toml")
    required = evaluation["counts"]["required"]
    assert required["not_met"] == 0 and required["unknown"] == 0 and required["met"] > 0
    assert evaluation["overlap"]["within_limit"] is True
    assert evaluation["overlap"]["explanation"]
    assert "required: " in evaluation["text"]
    # A site next to Reims overlaps its catchment: the required criterion
    # fails with the figures, and the application is not eligible.
    text = (applications_dir / "langres-2010.toml").read_text(encoding="utf-8")
    evaluation = labelling.check_application(text.replace('"51507"', '"51573"'))
    assert evaluation["outcome"] == "not_eligible"
    [overlap] = [c for c in evaluation["criteria"] if c["id"] == "catchment_overlap"]
    assert overlap["level"] == "required" and overlap["verdict"] == "not_met"
    assert "must be at most 50 %" in overlap["explanation"]
    assert evaluation["counts"]["required"]["not_met"] == 1
    assert evaluation["overlap"]["within_limit"] is False


def test_a_stored_submission_is_judged_in_its_territory(
    tmp_path: pathlib.Path, applications_dir: pathlib.Path
) -> None:
    import tomllib

    text = (applications_dir / "langres-2010.toml").read_text(encoding="utf-8")
    document = tomllib.loads(text.replace('"51507"', '"51573"'))
    apps = em.Network.open(tmp_path / "n.db", create=True).applications
    host = dict(role="host_structure", actor="Maison de l'emploi")
    json_document = json.loads(json.dumps(document, default=str))
    apps.advance("tinqueux", {"action": "draft", "document": json_document}, day="2010-03-01", **host)
    after = apps.advance("tinqueux", {"action": "submit"}, day="2010-03-15", **host)
    assert after["evaluation"]["outcome"] == "not_eligible"
    submitted = apps.show("tinqueux")["history"][1]["event"]
    assert submitted["derived"] and "Tinqueux" in submitted["derived"][0]


def test_a_candidate_is_checked_against_the_job_profile() -> None:
    candidate = (
        'applicant = "candidature-2010-03"\nsite = "Langres"\nsubmitted = "2010-09-01"\n'
        "[facts]\n"
        '"post.employer" = "host_structure"\n"post.working_time" = 1.0\n'
        '"candidate.qualification_level" = 5\n"candidate.experience_years" = 1\n'
        '"candidate.skills" = ["project_management", "partnership_facilitation"]\n'
    )
    evaluation = em.Labelling().check_candidate(candidate)
    assert evaluation["outcome"] == "not_eligible"
    assert [c["id"] for c in evaluation["criteria"] if c["verdict"] == "not_met"] == ["experience"]
    assert evaluation["counts"]["recommended"]["unknown"] == 2
    assert evaluation["overlap"] is None
    with pytest.raises(em.LabellingError) as caught:
        em.Labelling().check_candidate(candidate.replace('submitted = "2010-09-01"\n', ""))
    assert caught.value.field == "submitted"
