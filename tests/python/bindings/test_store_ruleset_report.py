"""What a new user found, seen from Python: a database of another
application migrated into, a ruleset loaded with only some areas checked,
a ruleset check stopping at a file that is not UTF-8, and a report folder
keeping an earlier report's files."""

from __future__ import annotations

import json
import pathlib
import sqlite3

import pytest

import espaces_metiers as em
from conftest import make_visits


def test_a_database_of_another_application_is_refused_untouched(tmp_path: pathlib.Path) -> None:
    other = tmp_path / "contacts.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('a')")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    with pytest.raises(em.StoreError) as caught:
        em.Network.open(other)
    assert "another application (tables: contacts)" in str(caught.value)
    assert caught.value.problems[0].file == str(other)
    assert other.read_bytes() == before


def test_load_checks_every_area_at_once(ruleset_copy: pathlib.Path) -> None:
    # Problems in two areas the core does not read itself: before, load
    # accepted them and the first use of the area failed.
    governance = ruleset_copy / "governance.toml"
    governance.write_text(
        'colour = "blue"\n' + governance.read_text(encoding="utf-8"), encoding="utf-8"
    )
    labelling = ruleset_copy / "labelling.toml"
    labelling.write_text(
        labelling.read_text(encoding="utf-8") + 'shoe_size = 44\n', encoding="utf-8"
    )
    with pytest.raises(em.RulesetError) as caught:
        em.Ruleset.load(ruleset_copy)
    places = {(p.file, p.line) for p in caught.value.problems}
    assert ("governance.toml", 1) in places
    assert any(f == "labelling.toml" and line is not None for f, line in places)
    assert caught.value.problems == em.validate_ruleset(ruleset_copy)
    with pytest.raises(em.RulesetError):
        em.Ruleset.from_files(
            {p.name: p.read_text(encoding="utf-8") for p in ruleset_copy.glob("*.toml")}
        )


def test_a_file_that_is_not_utf8_is_one_problem_and_the_others_are_checked(
    ruleset_copy: pathlib.Path,
) -> None:
    (ruleset_copy / "territory.toml").write_bytes(b"# Territoire\n# R\xe9gion\n")
    stats = ruleset_copy / "statistics.toml"
    stats.write_text(
        stats.read_text(encoding="utf-8").replace("schema_version = 1", 'schema_version = "one"'),
        encoding="utf-8",
    )
    problems = em.validate_ruleset(ruleset_copy)
    assert [(p.file, p.line) for p in problems] == [
        ("statistics.toml", 5),
        ("territory.toml", 2),
    ]
    assert "byte offset 16" in problems[1].reason
    with pytest.raises(em.RulesetError) as caught:
        em.Ruleset.load(ruleset_copy)
    assert caught.value.problems == problems


def test_a_report_folder_written_again_holds_that_report_alone(tmp_path: pathlib.Path) -> None:
    network = em.Network.open(tmp_path / "reseau.sqlite", create=True)
    network.add_records(make_visits(200, year=2009))
    network.add_records(make_visits(200, year=2010, seed=8))
    out = tmp_path / "report"
    network.activity_report(2009).write(out, ["html", "json", "csv"])
    assert (out / "csv").is_dir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    network.activity_report(2010).write(out, ["json"])
    assert sorted(p.name for p in out.iterdir()) == [".em-report", "notes.txt", "report.json"]
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["year"] == 2010
