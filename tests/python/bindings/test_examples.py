"""The coordinator's example scripts of examples/python, run as a user runs
them, against the demo data set built through the bindings."""

from __future__ import annotations

import csv
import json
import os
import pathlib
import subprocess
import sys

import pytest

import espaces_metiers as em
from conftest import REPO_ROOT

EXAMPLES = REPO_ROOT / "examples" / "python"


def run(script: str, *args: str, cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(EXAMPLES))
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    folder = tmp_path_factory.mktemp("demo")
    database = folder / "network.db"
    em.demo_network(database)
    return database


def test_the_yearly_consolidation_writes_a_workbook_of_every_site(
    demo_db: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "bilan-2009.xlsx"
    done = run("yearly_consolidation.py", "--db", str(demo_db), "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(out)["Chiffres clés"]
    lines = list(sheet.iter_rows(values_only=True))
    assert sum(1 for line in lines if line[0] == "site") == 11
    region = next(line for line in lines if line[0] == "region")
    visits = em.Network.open(demo_db).statistics(2009)
    expected = next(
        r["value"]
        for r in visits
        if r["scope_kind"] == "region" and r["table_kind"] == "key_figures" and r["code"] == "visits"
    )
    assert region[3] == expected


def test_the_yearly_consolidation_also_writes_csv(demo_db: pathlib.Path, tmp_path: pathlib.Path) -> None:
    out = tmp_path / "bilan.csv"
    done = run("yearly_consolidation.py", "--db", str(demo_db), "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0][:3] == ["Périmètre", "Identifiant", "Nom"]
    assert len(rows) == 1 + 1 + 4 + 11


def test_the_yearly_consolidation_writes_every_sheet_as_json_by_its_extension(
    demo_db: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    out = tmp_path / "bilan.json"
    done = run("yearly_consolidation.py", "--db", str(demo_db), "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    sheets = json.loads(out.read_text(encoding="utf-8"))
    assert list(sheets) == ["Chiffres clés", "Thèmes"]
    assert sum(1 for line in sheets["Chiffres clés"] if line[0] == "site") == 11


def test_the_yearly_consolidation_says_what_xlsx_needs_when_openpyxl_is_missing(
    demo_db: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    # openpyxl made unimportable, as on a machine that never installed it.
    script = (
        "import sys, runpy; sys.modules['openpyxl'] = None; "
        f"sys.argv = ['yearly_consolidation.py', '--db', {str(demo_db)!r}, '--out', 'bilan.xlsx']; "
        f"runpy.run_path({str(EXAMPLES / 'yearly_consolidation.py')!r}, run_name='__main__')"
    )
    env = dict(os.environ, PYTHONPATH=str(EXAMPLES))
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "--out bilan.xlsx: writing .xlsx needs the package openpyxl" in done.stderr
    assert not (tmp_path / "bilan.xlsx").exists()


def test_the_example_scripts_end_bad_input_with_a_message_not_a_traceback(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('[\n  {"site": ,}\n]\n', encoding="utf-8")
    done = run("sites_missing_committee.py", "--meetings", str(bad), cwd=tmp_path)
    assert done.returncode == 1
    assert f"{bad}:2:12: not valid JSON" in done.stderr, done.stderr
    for script, args in [
        ("sites_missing_committee.py", ["--meetings", str(tmp_path / "absent.json")]),
        ("labelling_check.py", [str(tmp_path / "absent.toml")]),
        ("yearly_consolidation.py", ["--out", str(tmp_path / "bilan.pdf")]),
    ]:
        done = run(script, *args, cwd=tmp_path)
        assert done.returncode == 1, (script, done.stderr)
        assert "Traceback" not in done.stderr, (script, done.stderr)
        assert done.stderr.strip(), script


def test_the_sites_missing_a_committee_are_listed_from_the_sample_meetings(tmp_path: pathlib.Path) -> None:
    done = run("sites_missing_committee.py", "--year", "2009", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines and all(("missing" in line) or ("out_of_window" in line) for line in lines)
    assert any(line.startswith("Vireux-Molhain") for line in lines)


def test_the_labelling_check_explains_what_an_application_lacks(tmp_path: pathlib.Path) -> None:
    done = run("labelling_check.py", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "langres-2010.toml: eligible" in done.stdout
    assert "nogent-2010-incomplete.json: not_eligible" in done.stdout
    assert "Not met" in done.stdout


def test_the_labelling_check_fails_on_a_malformed_file(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("applicant = \n", encoding="utf-8")
    done = run("labelling_check.py", str(bad), cwd=tmp_path)
    assert done.returncode == 1
    assert "bad.toml: cannot be judged" in done.stderr


def test_the_demo_files_are_the_sites_files_of_two_years(tmp_path: pathlib.Path) -> None:
    files = em.write_demo_files(tmp_path / "demo")
    assert {f.kind for f in files} == {"visit", "survey_answer", "event"}
    assert files[0].kind == "visit"
    assert {f.year for f in files} == {2008, 2009}
    assert all(pathlib.Path(f.path).is_file() and f.records > 0 for f in files)
    assert {f.site for f in files if f.kind == "visit"} == {s.id for s in em.Registry.shipped().sites()}
