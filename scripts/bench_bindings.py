"""Measures the Python bindings side by side with their peers, on one run:

1. importing a 1,000,000-visit file from Python (``Network.import_file``)
   against the same import from Rust (the ``import_baseline`` example);
2. 100,000 visits built in Python and stored through the batch API
   (``Network.add_records``), and the same batch handed over as uniffi
   records would cost in interpreted code (lowering only, no storing);
3. a single small query across the boundary (``Ruleset.small_count_threshold``,
   ``Registry.site``) against a plain Python function call;
4. the yearly consolidation (key figures per site, département and region,
   and visits per theme group) through the bindings against the same
   consolidation written in pandas on the same SQLite file.

Run it with the wheel built in release mode installed:

    maturin build --release -m bindings/Cargo.toml && pip install target/wheels/espaces_metiers-*.whl
    cargo build --release -p em-bindings --example import_baseline
    python scripts/bench_bindings.py [--visits 1000000] [--out target/bench-bindings]

Prints one line per measure and a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import random
import sqlite3
import statistics
import subprocess
import sys
import time
import timeit
from typing import Any, Callable, Dict, List, Tuple

import espaces_metiers as em

ROOT = pathlib.Path(__file__).resolve().parent.parent
SITES = [s.id for s in em.Registry.shipped().sites()]
THEMES = ["guidance", "guidance.vae", "training.offer", "employment.cv", "employment.job_search"]
STATUSES = ["job_seeker", "employee", "student", "pupil", "retired", "apprentice"]
AGES = ["16_17", "18_25", "26_34", "35_44", "45_54", "55_plus"]


def visits(n: int, year: int, seed: int) -> List[Dict[str, Any]]:
    """``n`` valid visits of ``year`` spread over the sites."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        site = SITES[i % len(SITES)]
        out.append(
            {
                "site": site,
                "date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "reference": f"{seed}-{i}",
                "visitor": f"p{rng.randint(1, n // 3 + 1)}",
                "contact_mode": rng.choice(["in_person", "phone", "email"]),
                "sex": rng.choice(["female", "male"]),
                "age_band": rng.choice(AGES),
                "status": rng.choice(STATUSES),
                "themes": rng.sample(THEMES, 2),
                "services": ["information"],
            }
        )
    return out


def best_of(runs: int, f: Callable[[], Any]) -> Tuple[float, Any]:
    """The fastest of ``runs`` runs of ``f`` (seconds) and its last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = f()
        times.append(time.perf_counter() - start)
    return min(times), result


def bench_import(work: pathlib.Path, n: int, runs: int) -> Dict[str, float]:
    path = work / f"visits-{n}.jsonl"
    if not path.exists():
        with path.open("w", encoding="utf-8") as f:
            for chunk in range(0, n, 100_000):
                batch = visits(min(100_000, n - chunk), 2009, chunk)
                f.write("".join(json.dumps(dict(v, kind="visit")) + "\n" for v in batch))
    baseline = ROOT / "target" / "release" / "examples" / "import_baseline"
    rust, python = [], []
    for run in range(runs):
        db = work / f"rust-{run}.db"
        db.unlink(missing_ok=True)
        out = subprocess.run([str(baseline), str(path), str(db)], check=True, capture_output=True, text=True)
        rust.append(json.loads(out.stdout)["seconds"])
        db = work / f"python-{run}.db"
        db.unlink(missing_ok=True)
        network = em.Network.open(db, create=True)
        start = time.perf_counter()
        result = network.import_file(path)
        python.append(time.perf_counter() - start)
        assert result.stored == n, result
        del network
    return {"rust_s": min(rust), "python_s": min(python), "ratio": min(python) / min(rust)}


def bench_batch(work: pathlib.Path, runs: int) -> Dict[str, float]:
    batch = visits(100_000, 2009, 7)

    def store() -> em.ImportSummary:
        network = em.Network.in_memory()
        return network.add_records(batch)

    seconds, summary = best_of(runs, store)
    assert summary.info.rows == 100_000
    # CPU time too: on a machine shared with other work the wall time
    # measures the machine's load as much as the code.
    cpu = []
    for _ in range(runs):
        started = time.process_time()
        store()
        cpu.append(time.process_time() - started)
    dumps, _ = best_of(runs, lambda: em._convert.records_json(batch))

    # What handing the same batch over as uniffi records would cost: the
    # generated code writes every field of every record in Python.
    from espaces_metiers._native import em_bindings as native

    sites = [native.SiteInfo(id=v["site"], name=v["site"], commune="08409", commune_name="x", departement="08",
                             departement_name="x", host_structure="h", host_structure_name="h",
                             coordinator_employer="region", coordinator_working_time=1.0) for v in batch]
    converter = native._UniffiFfiConverterSequenceTypeSiteInfo  # type: ignore[attr-defined]
    lowering, _ = best_of(1, lambda: converter.lower(sites))
    return {
        "batch_s": seconds,
        "batch_cpu_s": min(cpu),
        "json_dumps_s": dumps,
        "uniffi_records_lowering_s": lowering,
    }


def bench_small_query() -> Dict[str, float]:
    ruleset = em.Ruleset.shipped()
    registry = em.Registry.shipped()
    n = 20_000

    def per_call(stmt: Callable[[], Any]) -> float:
        return min(timeit.repeat(stmt, number=n, repeat=5)) / n * 1e6

    def plain() -> int:
        return 5

    return {
        "small_count_threshold_us": per_call(lambda: ruleset.small_count_threshold("2009-06-01")),
        "registry_site_us": per_call(lambda: registry.site("sedan")),
        "plain_python_call_us": per_call(plain),
    }


def consolidate_bindings(network: em.Network, year: int) -> Dict[Tuple[str, str], Any]:
    out: Dict[Tuple[str, str], Any] = {}
    for row in network.statistics(year):
        if row["table_kind"] in ("key_figures", "theme_group") and row["column"] in ("value", "visits"):
            out[(row["scope"], f"{row['table_kind']}.{row['code']}")] = row["value"]
    return out


def consolidate_pandas(db: pathlib.Path, year: int) -> Dict[Tuple[str, str], Any]:
    import pandas as pd

    registry = em.Registry.shipped()
    departement = {s.id: s.departement for s in registry.sites()}
    with sqlite3.connect(db) as conn:
        frame = pd.read_sql_query(
            "SELECT site, date, visitor, themes FROM visits WHERE date BETWEEN ? AND ?",
            conn,
            params=(f"{year}-01-01", f"{year}-12-31"),
        )
    frame["departement"] = frame["site"].map(departement)
    # A visitor identifier is the site's own card number: the same number
    # at two sites is two people, as the library counts them.
    frame["person"] = frame["site"] + "/" + frame["visitor"]
    out: Dict[Tuple[str, str], Any] = {}
    # One row per (visit, theme group) it names, each group once per visit:
    # the same rule as the library's theme_group table.
    themes = frame["themes"].str.split(";").explode()
    groups = themes.str.split(".", n=1).str[0]
    named = (
        pd.DataFrame({"visit": groups.index, "group": groups.to_numpy()})
        .drop_duplicates()
        .join(frame[["site", "departement"]], on="visit")
    )
    for scope_col in ("site", "departement", None):
        if scope_col:
            visits_of = frame.groupby(scope_col).size()
            visitors_of = frame.groupby(scope_col)["person"].nunique()
            per_group = named.groupby([scope_col, "group"]).size()
        else:
            visits_of = pd.Series({"region": len(frame)})
            visitors_of = pd.Series({"region": frame["person"].nunique()})
            per_group = named.groupby(["group"]).size()
            per_group.index = pd.MultiIndex.from_product([["region"], per_group.index])
        for scope, count in visits_of.items():
            out[(str(scope), "key_figures.visits")] = int(count)
        for scope, count in visitors_of.items():
            out[(str(scope), "key_figures.visitors")] = int(count)
        for (scope, group), count in per_group.items():
            out[(str(scope), f"theme_group.{group}")] = int(count)
    return out


def bench_consolidation(work: pathlib.Path, n: int, runs: int) -> Dict[str, float]:
    db = work / f"consolidation-{n}.db"
    if not db.exists():
        network = em.Network.open(db, create=True)
        for chunk in range(0, n, 100_000):
            network.add_records(visits(min(100_000, n - chunk), 2009, 10_000_000 + chunk))
        del network
    network = em.Network.open(db, create=True)
    bindings, ours = best_of(runs, lambda: consolidate_bindings(network, 2009))
    pandas, theirs = best_of(runs, lambda: consolidate_pandas(db, 2009))
    # Both must say the same where neither is masked.
    same = [k for k in ours if k in theirs and ours[k] is not None]
    disagree = [k for k in same if ours[k] != theirs[k]]
    assert len(same) > 50 and not disagree, f"bindings and pandas disagree on {disagree[:5]}"
    return {"bindings_s": bindings, "pandas_s": pandas, "speedup": pandas / bindings}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "target" / "bench-bindings")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results = {
        "import": bench_import(args.out, args.visits, args.runs),
        "batch_100k": bench_batch(args.out, args.runs),
        "small_query": bench_small_query(),
        "consolidation": bench_consolidation(args.out, args.visits, args.runs),
    }
    print(json.dumps(results, indent=2))
    r = results
    print()
    print("| measure | bindings | peer | target |")
    print("|---|---|---|---|")
    print(f"| import {args.visits:,} visits (JSON Lines) | Python {r['import']['python_s']:.2f} s | Rust {r['import']['rust_s']:.2f} s (×{r['import']['ratio']:.3f}) | ≤ 1.1× |")
    print(f"| 100,000 visits through `add_records` | {r['batch_100k']['batch_s']:.3f} s wall, {r['batch_100k']['batch_cpu_s']:.3f} s CPU (`json.dumps` {r['batch_100k']['json_dumps_s']:.3f} s) | uniffi records, lowering alone {r['batch_100k']['uniffi_records_lowering_s']:.3f} s | < 1 s |")
    print(f"| small query `small_count_threshold` | {r['small_query']['small_count_threshold_us']:.1f} µs | plain Python call {r['small_query']['plain_python_call_us']:.2f} µs | < 50 µs |")
    print(f"| small query `Registry.site` | {r['small_query']['registry_site_us']:.1f} µs | | < 50 µs |")
    print(f"| yearly consolidation, {args.visits:,} visits | {r['consolidation']['bindings_s']:.2f} s | pandas {r['consolidation']['pandas_s']:.2f} s (bindings ×{r['consolidation']['speedup']:.1f} faster) | faster than pandas |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
