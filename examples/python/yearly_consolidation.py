"""The yearly consolidation: every site's key figures and themes of the
year, with their département and the region, into a spreadsheet.

    python examples/python/yearly_consolidation.py --year 2009 --out bilan-2009.csv

The output's extension chooses its form: ``.csv`` (the key figures, opened
by any spreadsheet), ``.json`` (every sheet), or ``.xlsx`` (every sheet, a
workbook), which needs the extra package openpyxl (``pip install openpyxl``).
Small counts come masked from the library (shown as "< 5"): the output
can be sent to the Commission as it is.
"""

from __future__ import annotations

import argparse
import csv
import json
import pathlib
import sys
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Tuple

import espaces_metiers as em
from _network import add_database_argument, open_network

KEY_FIGURES = ["visits", "visitors", "survey_answers", "events", "attendance"]

Table = List[List[object]]


def consolidate(rows: Sequence[em.Row], threshold: int) -> Dict[str, Table]:
    """The sheets of the workbook, from the statistics rows of one year."""
    masked = f"< {threshold}"
    figures: Dict[Tuple[str, str, str], Dict[str, object]] = defaultdict(dict)
    labels: Dict[str, str] = {}
    themes: Dict[Tuple[str, str, str], Dict[str, object]] = defaultdict(dict)
    theme_labels: Dict[str, str] = {}
    for row in rows:
        scope = (str(row["scope_kind"]), str(row["scope"]), str(row["scope_name"]))
        value: object = masked if row["masked"] else row["value"]
        code = str(row["code"])
        if row["table_kind"] == "key_figures" and code in KEY_FIGURES:
            figures[scope][code] = value
            labels[code] = str(row["label"])
        elif row["table_kind"] == "theme_group" and row["column"] == "visits" and row["code"]:
            themes[scope][code] = value
            theme_labels[code] = str(row["label"])
    order = {"region": 0, "departement": 1, "site": 2}

    def sheet(data: Dict[Tuple[str, str, str], Dict[str, object]], columns: Dict[str, str]) -> Table:
        header: List[object] = ["Périmètre", "Identifiant", "Nom"]
        header.extend(columns.values())
        table: Table = [header]
        for scope in sorted(data, key=lambda s: (order[s[0]], s[1])):
            line: List[object] = list(scope)
            line.extend(data[scope].get(code) for code in columns)
            table.append(line)
        return table

    key_columns = {code: labels[code] for code in KEY_FIGURES if code in labels}
    return {
        "Chiffres clés": sheet(figures, key_columns),
        "Thèmes": sheet(themes, theme_labels),
    }


FORMATS = (".csv", ".json", ".xlsx")


def has_openpyxl() -> bool:
    """Whether the extra package openpyxl, needed for .xlsx only, is installed."""
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        return False
    return True


def output_problem(path: pathlib.Path) -> Optional[str]:
    """Why ``path`` cannot be written, checked before any work is done."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        return f"--out {path}: the extension must be one of {', '.join(FORMATS)}"
    if suffix == ".xlsx" and not has_openpyxl():
        return (
            f"--out {path}: writing .xlsx needs the package openpyxl, which is not installed "
            "(pip install openpyxl); or write --out with .csv or .json"
        )
    return None


def write_workbook(sheets: Dict[str, Table], path: pathlib.Path) -> None:
    """Writes one sheet per table; ``.csv`` writes the first table only."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f, delimiter=";").writerows(next(iter(sheets.values())))
        return
    if suffix == ".json":
        with path.open("w", encoding="utf-8") as f:
            json.dump(sheets, f, ensure_ascii=False, indent=1)
            f.write("\n")
        return
    # Imported here, and only for .xlsx: the other forms need no extra package.
    import openpyxl

    workbook = openpyxl.Workbook()
    first = True
    for title, table in sheets.items():
        sheet = workbook.active if first and workbook.active is not None else workbook.create_sheet()
        first = False
        sheet.title = title
        for line in table:
            sheet.append(line)
    workbook.save(path)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add_database_argument(parser)
    parser.add_argument("--year", type=int, default=2009)
    parser.add_argument(
        "--out",
        type=pathlib.Path,
        default=pathlib.Path("consolidation.csv"),
        help="output file: .csv, .json, or .xlsx (needs openpyxl)",
    )
    args = parser.parse_args(argv)
    problem = output_problem(args.out)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    try:
        network = open_network(args.db)
        rows = network.statistics(args.year)
        threshold = network.ruleset.small_count_threshold(f"{args.year}-12-31")
    except (em.EmError, OSError) as error:
        print(f"{args.db}: cannot consolidate {args.year}: {error}", file=sys.stderr)
        return 1
    sheets = consolidate(rows, threshold)
    try:
        write_workbook(sheets, args.out)
    except OSError as error:
        print(f"--out {args.out}: cannot be written: {error.strerror or error}", file=sys.stderr)
        return 1
    sites = sum(1 for line in sheets["Chiffres clés"][1:] if line[0] == "site")
    print(f"{args.out}: {sites} sites, {len(rows)} figures of {args.year}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
