#!/usr/bin/env bash
# The activity report benchmark of BENCHMARKS.md ("## Activity report"),
# side by side in one run: `em report` end to end on a SQLite store of
# 1,000,000 visits (open, scan, count, mask, build, write HTML + JSON + CSV),
# then pandas and DuckDB computing the same tables from the CSV the store
# was filled from (scripts/bench_report.py).
#
# The inputs are made once and kept under target/bench-report: the seeded
# visits of 2009 as CSV (by the em-render example bench_report), the same
# rows as JSON Lines, and the store, filled by `em import` from them.
#
# Needs hyperfine and python3 with venv (pandas and duckdb are installed
# into a venv under target/ the first time). RUNS (default 5) sets how many
# timed runs of `em report`, PY_RUNS (default 3) of pandas and DuckDB, which
# take far longer; the figures are medians.
set -euo pipefail
cd "$(dirname "$0")/.."

visits=${VISITS:-1000000}
runs=${RUNS:-5}
work=target/bench-report
db=$work/visits-$visits.sqlite
mkdir -p "$work"

cargo build --release -p em-cli -p em-render --examples
em=target/release/em

if [ ! -f "$work/visits-2009.csv" ] || [ ! -f "$work/rust-$visits.json" ]; then
    target/release/examples/bench_report "$work" "$visits" 3 | tail -1 >"$work/rust-$visits.json"
fi
if [ ! -f "$db" ]; then
    python3 scripts/bench_report.py --jsonl
    rm -f "$db" "$db-wal" "$db-shm"
    "$em" import "$db" "$work/visits-2009.jsonl"
fi

echo "== em report over $visits visits; $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine --warmup 1 --runs "$runs" --export-json "$work/hyperfine.json" \
    -n "em report (html,json,csv)" "$em report $db --year 2009 --out $work/out"
# The CPU time of one run, which a loaded machine does not inflate.
/usr/bin/time -f "em report: %e s wall, %U s user, %S s system, %M KiB peak" \
    "$em" report "$db" --year 2009 --out "$work/out"

echo "== pandas and DuckDB on the same rows; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
EM_RUST="$(cat "$work/rust-$visits.json")" EM_HYPERFINE="$work/hyperfine.json" \
    EM_BENCH_RUNS="${PY_RUNS:-3}" python3 scripts/bench_report.py "$visits"
echo "== load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
