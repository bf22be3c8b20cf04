#!/usr/bin/env bash
# Builds the `espaces_metiers` wheel with maturin, installs it in a fresh
# virtual environment under target/, then runs the pytest suite of
# tests/python and `mypy --strict` on examples/python from outside the
# source tree, as a user who pip-installed the wheel would.
#
# Usage: scripts/python-tests.sh [pytest arguments...]
# PYTHON picks the interpreter (default python3).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/target/python-tests"
venv="$work/venv"
python=${PYTHON:-python3}

rm -rf "$venv" "$work/wheels"
mkdir -p "$work"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet \
    "maturin>=1.16,<2" pytest mypy pandas pandas-stubs openpyxl types-openpyxl geopy jsonschema highspy icalendar

"$venv/bin/maturin" build --quiet -m "$root/bindings/Cargo.toml" --out "$work/wheels"
"$venv/bin/python" -m pip install --quiet --no-deps "$work"/wheels/espaces_metiers-*.whl

# Run from an empty folder so that nothing of the source tree can shadow the
# installed package.
outside=$(mktemp -d)
trap 'rm -rf "$outside"' EXIT
cd "$outside"
export EM_REPO_ROOT="$root"
"$venv/bin/python" -m pytest -p no:cacheprovider --rootdir "$root/tests/python" \
    "$root/tests/python" "$@"
"$venv/bin/mypy" --strict --no-incremental "$root/examples/python"
