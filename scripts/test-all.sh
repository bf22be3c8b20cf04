#!/usr/bin/env bash
# Runs every test of the project, the way CI does: formatting, lints, the
# Rust test suite, the example plugins built for WebAssembly, the Python
# suite against the built wheel (with mypy --strict on the Python examples),
# and a smoke run of `em demo`.
#
# Usage: scripts/test-all.sh
# Needs: a Rust toolchain with the wasm32-wasip2 target, python3 with venv
# (`.ci/run` installs both on a fresh machine).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo test --workspace --locked

if [[ -f plugins/examples/Cargo.toml ]]; then
    step "example plugins for wasm32-wasip2"
    cargo build --target wasm32-wasip2 --release \
        --manifest-path plugins/examples/Cargo.toml
fi

step "Python suite (wheel, pytest, mypy --strict)"
# pytest exits with 5 when it collects no test at all. That must not pass
# unnoticed when test files exist (a broken collection), and must not stop
# the run with a bare "5" when there are none: say which it is.
status=0
scripts/python-tests.sh || status=$?
if [[ $status -eq 5 ]]; then
    if compgen -G "tests/python/test_*.py" > /dev/null; then
        echo "error: pytest collected no test although tests/python has test files" >&2
        exit 1
    fi
    echo "note: no Python test file in tests/python; nothing to run"
elif [[ $status -ne 0 ]]; then
    exit "$status"
fi

step "em demo (smoke run)"
demo=$root/target/demo-smoke
rm -rf "$demo"
cargo run --quiet --locked -p em-cli -- demo --out "$demo"
for file in report/index.html report/report.json report/governance.html; do
    if [[ ! -s "$demo/$file" ]]; then
        echo "error: em demo did not write $demo/$file" >&2
        exit 1
    fi
done
if ! compgen -G "$demo/report/csv/*.csv" > /dev/null; then
    echo "error: em demo wrote no CSV table under $demo/report/csv" >&2
    exit 1
fi

step "all tests passed"
