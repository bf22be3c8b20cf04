#!/usr/bin/env python3
"""The peer of em-import in the import benchmark: pandas reads the same
French CSV of visits, maps its French labels to the ruleset's codes the same
way (sites by name, dates dd/mm/yyyy, oui/non, '|'-separated lists), and
writes the rows to SQLite with to_sql.

Usage: bench_import_pandas.py VISITS.csv STORE.sqlite
"""

import sqlite3
import sys
import tomllib
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = {
    "Site": "site",
    "Date": "date",
    "N° de fiche": "reference",
    "Mode de contact": "contact_mode",
    "Sexe": "sex",
    "Tranche d'âge": "age_band",
    "Statut": "status",
    "Niveau de formation": "education_level",
    "Commune": "commune",
    "Première visite": "first_visit",
    "Connu par": "arrival_channel",
    "Thèmes": "themes",
    "Services rendus": "services",
    "Orientation vers": "referrals",
}
SINGLE = {
    "contact_mode": "contact_mode",
    "sex": "sex",
    "age_band": "age_band",
    "status": "status",
    "education_level": "education_level",
    "arrival_channel": "arrival_channel",
}
MULTI = {"themes": "theme", "services": "service", "referrals": "partner"}


def main(csv_path, db_path):
    with open(ROOT / "rulesets/champagne-ardenne/statistics.toml", "rb") as f:
        rules = tomllib.load(f)
    with open(ROOT / "data/registry.toml", "rb") as f:
        registry = tomllib.load(f)
    codes = {}
    for n in rules["nomenclatures"]:
        table = {c["code"]: c["code"] for c in n["codes"]}
        table.update({c["label"]: c["code"] for c in n["codes"]})
        codes[n["id"]] = table
    sites = {s["name"]: s["id"] for s in registry["sites"]}
    sites.update({s["id"]: s["id"] for s in registry["sites"]})

    df = pd.read_csv(csv_path, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    df = df.rename(columns=COLUMNS)
    unknown = 0
    df["site"] = df["site"].map(sites)
    unknown += int(df["site"].isna().sum())
    day = pd.to_datetime(df["date"], format="%d/%m/%Y", errors="coerce")
    unknown += int(day.isna().sum())
    df["date"] = day.dt.strftime("%Y-%m-%d")
    for field, nomenclature in SINGLE.items():
        written = df[field]
        mapped = written.map(codes[nomenclature])
        unknown += int((mapped.isna() & (written != "")).sum())
        df[field] = mapped
    df["first_visit"] = df["first_visit"].map({"oui": 1, "non": 0})
    for field, nomenclature in MULTI.items():
        table = codes[nomenclature]

        def join(cell, table=table):
            if not cell:
                return ""
            return ";".join(table[part] for part in cell.split("|"))

        df[field] = df[field].map(join)
    if unknown:
        sys.exit(f"{unknown} values are not codes or labels")
    con = sqlite3.connect(db_path)
    df.to_sql("visits", con, index=False, if_exists="append")
    con.commit()
    con.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
