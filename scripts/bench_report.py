#!/usr/bin/env python3
"""The annual activity report over 1,000,000 visits: em (Rust) beside pandas
and DuckDB computing the same tables, in one run.

The Rust example `bench_report` writes the generated visits of 2009 (the
criterion benchmark's data, same seed) to a CSV and times the full report on
them: counting, masking, building the document, drawing HTML and JSON. This
script then loads the same CSV into pandas and into DuckDB — loading is not
timed, as the Rust side starts from records in memory too — and times each
computing the report's tables: visits and distinct visitors by every
dimension (the person described by their first visit of the year), by month,
the multi-valued answers counted over people, for every site, département and
the region, then the small-count masking with the one-cell rule.

It checks that the three agree on the region's visits and visitors, and
prints a Markdown table for BENCHMARKS.md, with medians of the runs. Given
the JSON that hyperfine wrote for `em report` (EM_HYPERFINE), it adds the
end-to-end figure from the SQLite store; scripts/bench-report.sh runs it all.

Usage: python3 scripts/bench_report.py [visits]
       python3 scripts/bench_report.py --jsonl   # the CSV's rows as JSON Lines,
                                                 # for `em import`
It makes a virtual environment under target/bench-venv with pandas and
duckdb the first time.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "target" / "bench-venv"
WORK = ROOT / "target" / "bench-report"
THRESHOLD = 5

SINGLE = ["contact_mode", "sex", "age_band", "status", "education_level",
          "first_visit", "arrival_channel", "residence"]
MULTI = {"themes": "theme", "services": "service", "referrals": "referral"}


def ensure_venv():
    try:
        import duckdb  # noqa: F401
        import pandas  # noqa: F401
        return
    except ImportError:
        pass
    python = VENV / "bin" / "python"
    # A venv's python is a link to the interpreter it was made from, so the
    # prefix, not the resolved executable, tells whether this is the venv.
    if Path(sys.prefix).resolve() == VENV.resolve():
        sys.exit("pandas and duckdb are not importable in the benchmark's venv")
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    # The venv is shared with the import benchmark, which installs only
    # pandas: ask pip for both, which adds what is missing.
    check = subprocess.run([str(python), "-c", "import duckdb, pandas"], capture_output=True)
    if check.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "pandas", "duckdb"],
                       check=True)
    os.execv(str(python), [str(python), *sys.argv])


def run_rust(visits):
    command = ["cargo", "run", "--quiet", "--release", "-p", "em-render", "--example",
               "bench_report", "--", str(WORK), str(visits)]
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def mask(counts, group_keys):
    """Primary masking below the threshold (zeros shown), then in any group
    with exactly one masked cell the next smallest is masked too."""
    masked = (counts > 0) & (counts < THRESHOLD)
    if group_keys:
        for _, index in counts.groupby(level=group_keys).groups.items():
            group = counts.loc[index]
            hidden = masked.loc[index]
            if hidden.sum() == 1 and len(group) > 1:
                masked.loc[group[~hidden].idxmin()] = True
    return counts.mask(masked)


def pandas_report(df, sites, communes):
    import numpy as np
    import pandas as pd

    tables = {}
    df = df.assign(
        departement=df["site"].map(sites.set_index("site")["departement"]),
        month=df["date"].str.slice(5, 7),
    )
    residence = df["commune"].map(communes.set_index("code_insee")["dep_code"])
    df["residence"] = np.where(df["commune"] == "", "", residence.fillna("outside_region"))
    anonymous = df["visitor"] == ""
    df["person"] = np.where(anonymous, "#" + pd.Series(np.arange(len(df)), index=df.index).astype(str),
                            df["site"] + "|" + df["visitor"])
    first = df.sort_values("date", kind="stable").drop_duplicates("person")
    levels = [["site"], ["departement"], []]
    for dim in SINGLE:
        for level in levels:
            keys = level + [dim]
            tables[(dim, tuple(level), "visits")] = mask(df.groupby(keys).size(), level)
            tables[(dim, tuple(level), "visitors")] = mask(first.groupby(keys).size(), level)
    per_month = df.drop_duplicates(["person", "month"])
    for level in levels:
        keys = level + ["month"]
        tables[("month", tuple(level), "visits")] = mask(df.groupby(keys).size(), level)
        tables[("month", tuple(level), "visitors")] = mask(per_month.groupby(keys).size(), [])
    for column, name in MULTI.items():
        exploded = df[["site", "departement", "person", column]].assign(
            code=df[column].str.split("|")).explode("code")
        exploded = exploded[exploded["code"] != ""]
        frames = {name: exploded}
        if name == "theme":
            groups = exploded.assign(code=exploded["code"].str.split(".").str[0])
            frames["theme_group"] = groups.reset_index().drop_duplicates(["index", "code"])
        for label, frame in frames.items():
            people = frame.drop_duplicates(["person", "code"])
            for level in levels:
                keys = level + ["code"]
                tables[(label, tuple(level), "visits")] = mask(frame.groupby(keys).size(), [])
                tables[(label, tuple(level), "visitors")] = mask(people.groupby(keys).size(), [])
    region = (len(df), df["person"].nunique())
    return tables, region


def duckdb_report(con):
    tables = {}
    con.execute("""
        CREATE OR REPLACE TEMP TABLE w AS
        SELECT v.*, s.departement, substr(CAST(v.date AS VARCHAR), 6, 2) AS month,
               CASE WHEN v.commune = '' THEN ''
                    ELSE coalesce(c.dep_code, 'outside_region') END AS residence,
               CASE WHEN v.visitor = '' THEN '#' || CAST(v.rid AS VARCHAR)
                    ELSE v.site || '|' || v.visitor END AS person
        FROM visits v JOIN sites s USING (site)
        LEFT JOIN communes c ON c.code_insee = v.commune
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE first AS
        SELECT * FROM w QUALIFY row_number() OVER (PARTITION BY person ORDER BY date, rid) = 1
    """)
    import pandas as pd

    def grouped(source, dim, level_cols):
        sets = ", ".join(f"({', '.join(cols + [dim])})" for cols in level_cols)
        return con.execute(
            f"SELECT site, departement, {dim} AS code, count(*) AS n FROM {source} "
            f"GROUP BY GROUPING SETS ({sets})").df()

    levels = [["site", "departement"], ["departement"], []]

    def split(frame, kind, label):
        for level, key in ((["site"], "site"), (["departement"], "departement"), ([], None)):
            if key == "site":
                part = frame[frame["site"].notna()]
            elif key == "departement":
                part = frame[frame["site"].isna() & frame["departement"].notna()]
            else:
                part = frame[frame["site"].isna() & frame["departement"].isna()]
            series = part.set_index(level + ["code"])["n"]
            additive = level if kind != "multi" else []
            tables[(label[0], tuple(level), label[1])] = mask(series, additive)

    for dim in SINGLE:
        split(grouped("w", dim, levels), "single", (dim, "visits"))
        split(grouped("first", dim, levels), "single", (dim, "visitors"))
    split(grouped("w", "month", levels), "single", ("month", "visits"))
    split(grouped("(SELECT DISTINCT site, departement, person, month FROM w)", "month", levels),
          "multi", ("month", "visitors"))
    for column, name in MULTI.items():
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE x AS
            SELECT rid, site, departement, person, unnest(string_split({column}, '|')) AS code
            FROM w WHERE {column} <> ''
        """)
        split(grouped("x", "code", levels), "multi", (name, "visits"))
        split(grouped("(SELECT DISTINCT site, departement, person, code FROM x)", "code", levels),
              "multi", (name, "visitors"))
        if name == "theme":
            con.execute("""CREATE OR REPLACE TEMP TABLE g AS SELECT DISTINCT rid, site, departement,
                           person, split_part(code, '.', 1) AS code FROM x""")
            split(grouped("g", "code", levels), "multi", ("theme_group", "visits"))
            split(grouped("(SELECT DISTINCT site, departement, person, code FROM g)", "code",
                          levels), "multi", ("theme_group", "visitors"))
    region = con.execute("SELECT count(*), count(DISTINCT person) FROM w").fetchone()
    return tables, tuple(region)


def write_jsonl(csv_path, jsonl_path):
    """Writes the visits of the CSV as JSON Lines records, the form `em
    import` reads, so that the store holds exactly the rows pandas and DuckDB
    read. Needs only the standard library."""
    import csv

    lists = ("themes", "services", "referrals")
    with open(csv_path, newline="", encoding="utf-8") as src, \
            open(jsonl_path, "w", encoding="utf-8") as out:
        for row in csv.DictReader(src):
            record = {"kind": "visit"}
            record.update((key, value) for key, value in row.items() if value != "")
            for key in lists:
                record[key] = row[key].split("|") if row[key] else []
            if "first_visit" in record:
                record["first_visit"] = record["first_visit"] == "yes"
            out.write(json.dumps(record, separators=(",", ":")))
            out.write("\n")


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--jsonl":
        write_jsonl(WORK / "visits-2009.csv", WORK / "visits-2009.jsonl")
        return
    ensure_venv()
    import duckdb
    import pandas as pd

    visits = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    print(f"generating {visits} visits and timing em (Rust)…", file=sys.stderr)
    rust = json.loads(os.environ["EM_RUST"]) if "EM_RUST" in os.environ else run_rust(visits)

    csv_path = WORK / "visits-2009.csv"
    read = dict(dtype=str, keep_default_na=False)
    df = pd.read_csv(csv_path, **read)
    sites = pd.read_csv(WORK / "sites.csv", **read)
    communes = pd.read_csv(ROOT / "data" / "communes.csv", **read)[["code_insee", "dep_code"]]

    runs = int(os.environ.get("EM_BENCH_RUNS", "3"))
    pandas_wall, pandas_cpu = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        pandas_tables, pandas_region = pandas_report(df, sites, communes)
        pandas_wall.append(time.perf_counter() - start)
        pandas_cpu.append(time.process_time() - cpu)

    con = duckdb.connect()
    con.execute(f"""CREATE TABLE visits AS SELECT row_number() OVER () AS rid, *
                    FROM read_csv('{csv_path}', all_varchar = true, header = true,
                                  nullstr = '#NULL#')""")
    con.register("sites_df", sites)
    con.register("communes_df", communes)
    con.execute("CREATE TABLE sites AS SELECT * FROM sites_df")
    con.execute("CREATE TABLE communes AS SELECT * FROM communes_df")
    duck_wall, duck_cpu = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        duck_tables, duck_region = duckdb_report(con)
        duck_wall.append(time.perf_counter() - start)
        duck_cpu.append(time.process_time() - cpu)

    expected = (rust["region_visits"], rust["region_visitors"])
    for name, region in (("pandas", pandas_region), ("DuckDB", duck_region)):
        if tuple(int(x) for x in region) != expected:
            sys.exit(f"{name} counts {region} visits and visitors, em counts {expected}")
    if len(pandas_tables) != len(duck_tables):
        sys.exit(f"pandas made {len(pandas_tables)} tables, DuckDB {len(duck_tables)}")

    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    ms = lambda s: f"{s * 1000:,.0f} ms".replace(",", " ")
    median = statistics.median
    print(f"| what ({visits:,} visits, median of {runs}) | wall time | CPU time |")
    print("|---|---:|---:|")
    if "EM_HYPERFINE" in os.environ:
        result = json.loads(Path(os.environ["EM_HYPERFINE"]).read_text())["results"][0]
        print(f"| `em report` end to end from the SQLite store — open, scan, count, mask, "
              f"document, HTML + JSON + CSV files (median of {len(result['times'])}) | "
              f"{ms(result['median'])} | {ms(result['user'] + result['system'])} (mean) |")
    print(f"| em in memory: records handed out by the generator + counted | "
          f"{ms(rust['rust_aggregate_s'])} (best) | |")
    print(f"| em in memory: full report — records, counting, masking, document, HTML + JSON | "
          f"{ms(rust['rust_full_report_s'])} (best) | {ms(rust['rust_full_report_cpu_s'])} |")
    print(f"| pandas {pd.__version__}: the same tables + masking, rows already in a "
          f"DataFrame | {ms(median(pandas_wall))} | {ms(median(pandas_cpu))} |")
    print(f"| DuckDB {duckdb.__version__} ({threads} threads): the same tables + masking, "
          f"rows already in a table | {ms(median(duck_wall))} | {ms(median(duck_cpu))} |")
    print(f"\nregion: {expected[0]:,} visits, {expected[1]:,} visitors — all three agree; "
          f"{len(pandas_tables)} tables each in pandas and DuckDB")

if __name__ == "__main__":
    main()
