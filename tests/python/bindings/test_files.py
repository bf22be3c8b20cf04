"""Files in and out: the sites' CSV, XLSX and JSON Lines files imported all
or nothing with every problem's place, and the activity report written in
every format."""

from __future__ import annotations

import csv
import json
import pathlib
import sys

import pytest

import espaces_metiers as em
from conftest import make_visits


@pytest.fixture
def network(tmp_path: pathlib.Path) -> em.Network:
    return em.Network.open(tmp_path / "network.db", create=True)


def write_jsonl(path: pathlib.Path, rows: list[dict[str, object]]) -> pathlib.Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_json_lines_file_is_imported_once(network: em.Network, tmp_path: pathlib.Path) -> None:
    # JSON Lines records say their kind, as the published schema has it.
    path = write_jsonl(
        tmp_path / "visites-2009.jsonl", [dict(v, kind="visit") for v in make_visits(300)]
    )
    result = network.import_file(path)
    assert (result.stored, result.rows_read, result.already_imported) == (300, 300, False)
    assert result.file == "visites-2009.jsonl"
    again = network.import_file(path)
    assert again.already_imported and network.counts().visits == 300
    # Records without a `kind` tag take the kind the caller names.
    untagged = write_jsonl(tmp_path / "untagged.jsonl", make_visits(5, seed=9))
    assert network.import_file(untagged, kind="visit").stored == 5
    assert network.counts().visits == 305
    # A tag that says otherwise is refused, naming the line and the field.
    mixed = write_jsonl(
        tmp_path / "mixed.jsonl",
        [make_visits(1, seed=11)[0], dict(make_visits(1, seed=12)[0], kind="event")],
    )
    with pytest.raises(em.ImportFileError) as caught:
        network.import_file(mixed, kind="visit")
    assert (caught.value.line, caught.value.field) == (2, "kind")
    assert "imported as records of kind `visit`" in caught.value.reason
    assert network.counts().visits == 305


def test_a_json_lines_date_error_names_the_field(
    network: em.Network, tmp_path: pathlib.Path
) -> None:
    path = write_jsonl(tmp_path / "dates.jsonl", [dict(make_visits(1)[0], date="12/03/2009")])
    with pytest.raises(em.ImportFileError) as caught:
        network.import_file(path, kind="visit")
    assert (caught.value.line, caught.value.field) == (1, "date")
    assert "`date` holds `12/03/2009`" in caught.value.reason


def test_a_french_csv_file_is_imported_with_its_own_headers(
    network: em.Network, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "sedan.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["Date", "Référence", "Mode de contact", "Sexe", "Thèmes"])
        writer.writerow(["15/03/2009", "s-1", "Sur place", "Femme", "Orientation|Emploi"])
        writer.writerow(["16/03/2009", "s-2", "Téléphone", "Homme", "Formation"])
    result = network.import_file(path, kind="visit", site="sedan")
    assert result.stored == 2
    [first, _] = network.records("visit")
    assert first["site"] == "sedan" and first["themes"] == ["guidance", "employment"]


def test_a_file_already_imported_under_one_site_is_refused_under_another(
    network: em.Network, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "visites.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["Date", "Référence", "Mode de contact", "Sexe", "Thèmes"])
        writer.writerow(["15/03/2009", "v-1", "Sur place", "Femme", "Emploi"])
    with pytest.raises(em.ArgumentError) as unknown:
        network.import_file(path, kind="visit", site="paris")
    assert "paris" in str(unknown.value) and network.counts().visits == 0
    assert network.import_file(path, kind="visit", site="reims").stored == 1
    assert network.import_file(path, kind="visit", site="reims").already_imported
    with pytest.raises(em.ImportFileError) as moved:
        network.import_file(path, kind="visit", site="troyes")
    assert "under site reims" in str(moved.value) and "not troyes" in str(moved.value)
    [row] = network.records("visit")
    assert row["site"] == "reims"


def test_an_xlsx_workbook_is_imported(network: em.Network, tmp_path: pathlib.Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Site", "Date", "Mode de contact", "Thèmes"])
    sheet.append(["Reims", "2009-05-02", "in_person", "guidance"])
    path = tmp_path / "reims.xlsx"
    workbook.save(path)
    assert network.import_file(path).stored == 1


def test_a_file_with_bad_rows_is_refused_whole_with_line_column_and_field(
    network: em.Network, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "Site;Date;Mode de contact;Thèmes\n"
        "sedan;2009-01-05;in_person;guidance\n"
        "sedan;2009-01-06;carrier pigeon;guidance\n",
        encoding="utf-8",
    )
    with pytest.raises(em.ImportFileError) as caught:
        network.import_file(path)
    err = caught.value
    assert (err.file, err.line, err.column, err.field) == ("bad.csv", 3, 3, "contact_mode")
    assert "carrier pigeon" in err.reason
    assert network.counts().visits == 0


def test_an_unreadable_or_unnamed_file_is_refused(network: em.Network, tmp_path: pathlib.Path) -> None:
    with pytest.raises(em.FileAccessError):
        network.import_file(tmp_path / "absent.csv")
    odd = tmp_path / "visites.dat"
    odd.write_text("x", encoding="utf-8")
    with pytest.raises(em.ArgumentError):
        network.import_file(odd)
    with pytest.raises(em.ArgumentError):
        network.import_file(odd, format="pdf")


def test_a_broken_mapping_is_a_ruleset_error(network: em.Network, tmp_path: pathlib.Path) -> None:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text("list_separator = 3\n", encoding="utf-8")
    path = write_jsonl(tmp_path / "v.jsonl", make_visits(1))
    with pytest.raises(em.RulesetError) as caught:
        network.import_file(path, mapping=mapping)
    assert caught.value.file == "mapping.toml"


def test_the_activity_report_is_written_in_every_format(
    network: em.Network, tmp_path: pathlib.Path
) -> None:
    network.add_records(make_visits(3000))
    report = network.activity_report(2009, compare=False)
    out = tmp_path / "out"
    written = report.write(out, em.FORMATS)
    names = {p.name for p in written}
    assert {"report.json", "document.json", "index.html", "report.xlsx"} <= names
    csv_files = [p for p in written if p.suffix == ".csv"]
    assert csv_files and all(p.parent == out / "csv" for p in csv_files)
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["year"] == 2009
    assert (out / "index.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.load_workbook(out / "report.xlsx")
    assert len(workbook.sheetnames) == len(csv_files)


def test_by_default_the_report_is_written_as_em_report_writes_it(
    network: em.Network, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The default needs nothing beyond the package: without openpyxl the
    # README's example still writes index.html, report.json and csv/.
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    network.add_records(make_visits(2000))
    report = network.activity_report(2009, compare=False)
    out = tmp_path / "default"
    written = report.write(out)
    names = {str(p.relative_to(out)) for p in written}
    assert {"index.html", "report.json"} <= names
    assert all(n in ("index.html", "report.json") or n.startswith("csv/") for n in names)
    # Beside the report, only the manifest of the files em wrote.
    on_disk = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert on_disk == sorted(names | {".em-report"})


def test_xlsx_without_openpyxl_is_refused_before_anything_is_written(
    network: em.Network, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    network.add_records(make_visits(500))
    report = network.activity_report(2009, compare=False)
    out = tmp_path / "asked"
    with pytest.raises(em.ArgumentError) as caught:
        report.write(out, ["html", "json", "csv", "xlsx"])
    assert caught.value.field == "formats"
    assert "openpyxl" in str(caught.value)
    assert not out.exists()


def test_python_and_em_report_write_the_same_layout_and_bytes(
    network: em.Network, tmp_path: pathlib.Path
) -> None:
    # One writer in the library serves both: the files the package writes
    # are, name for name and byte for byte, what the library renders.
    network.add_records(make_visits(2000))
    report = network.activity_report(2009, compare=False)
    out = tmp_path / "shared"
    (out / "csv").mkdir(parents=True)
    # A table an earlier run wrote, listed in its manifest of em's files.
    (out / "csv" / "stale.csv").write_text("old", encoding="utf-8")
    (out / ".em-report").write_text("csv/stale.csv\n", encoding="utf-8")
    written = report.write(out, ["html", "json", "csv"])
    on_disk = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert on_disk == sorted([".em-report"] + [str(p.relative_to(out)) for p in written])
    assert "csv/stale.csv" not in on_disk, "an earlier run's tables do not linger"
    assert (out / "index.html").read_bytes() == report.render("html")[0].content.encode("utf-8")
    assert (out / "report.json").read_bytes() == report.render("json")[0].content.encode("utf-8")
    for file in report.render("csv"):
        assert (out / "csv" / file.name).read_bytes() == file.content.encode("utf-8")
    with pytest.raises(em.ArgumentError) as caught:
        report.write(out, ["pdf"])
    assert caught.value.field == "formats"


def test_rendering_in_an_unknown_format_is_an_argument_error(network: em.Network) -> None:
    network.add_records(make_visits(100))
    with pytest.raises(em.ArgumentError) as caught:
        network.activity_report(2009, compare=False).render("pdf")
    assert caught.value.field == "format"
