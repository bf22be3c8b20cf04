#!/usr/bin/env bash
# The import benchmark of BENCHMARKS.md ("## Import"), side by side in one
# run: em-import vs the sqlite3 shell's .import of the same file into a bare
# table vs pandas read_csv + to_sql doing the same mapping; then each one's
# peak memory.
#
# Needs hyperfine, sqlite3 and GNU time (apt-get install -y hyperfine
# sqlite3 time) and python3 with venv; pandas is installed into a venv under
# target/. ROWS (default 1000000) sets the size of the generated file.
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${ROWS:-1000000}
out=target/bench-import
csv=$out/visits-$rows.csv
mkdir -p "$out"

# SKIP_BUILD=1 reuses the examples already built (when another build holds
# cargo's lock, say).
if [ -z "${SKIP_BUILD:-}" ]; then
    cargo build --release -p em-import --examples
fi
if [ ! -f "$csv" ]; then
    target/release/examples/gen_visits "$rows" "$csv"
fi
if [ ! -x target/bench-venv/bin/python ]; then
    python3 -m venv target/bench-venv
    target/bench-venv/bin/pip install --quiet pandas
fi

ours="target/release/examples/import_file $out/ours.sqlite $csv"
shell="sqlite3 $out/shell.sqlite '.mode csv' '.separator ;' '.import $csv visits'"
pandas="target/bench-venv/bin/python scripts/bench_import_pandas.py $csv $out/pandas.sqlite"

echo "== $rows visits, $(du -h "$csv" | cut -f1) of Windows-1252 CSV; load: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine --runs "${RUNS:-3}" --export-markdown "$out/results.md" \
    --prepare "rm -f $out/ours.sqlite $out/ours.sqlite-wal $out/ours.sqlite-shm" -n "em-import" "$ours" \
    --prepare "rm -f $out/shell.sqlite" -n "sqlite3 .import (bare table)" "$shell" \
    --prepare "rm -f $out/pandas.sqlite" -n "pandas read_csv + to_sql" "$pandas"

echo "== peak memory (maximum resident set size)"
for name in ours shell pandas; do
    rm -f "$out"/*.sqlite "$out"/*.sqlite-wal "$out"/*.sqlite-shm
    /usr/bin/time -f "$name: %M KiB, %e s wall, %U s user, %S s sys" bash -c "${!name}" >/dev/null
done
