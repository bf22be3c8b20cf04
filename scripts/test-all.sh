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

# Doctests and linkers write their binaries under TMPDIR. On machines where
# /tmp is a small memory-backed file system, a full /tmp kills the linker
# with a bus error, so temporary files go next to the build instead.
export TMPDIR="$root/target/tmp"
mkdir -p "$TMPDIR"

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo test --workspace --locked

# The same command and target folder as the plugin host's tests, so that
# the build is shared.
plugins_built=$root/target/plugin-examples/wasm32-wasip2/release
step "example plugins for wasm32-wasip2"
cargo build --quiet --release --target wasm32-wasip2 \
    --manifest-path plugins/examples/Cargo.toml --target-dir target/plugin-examples
cargo test --quiet --manifest-path plugins/examples/Cargo.toml \
    --target-dir target/plugin-examples

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

step "em demo (smoke run, with the example plugins installed)"
demo=$root/target/demo-smoke
# The plugins sit beside the demo's folder: em demo writes only into a
# folder that is new, empty or an earlier demo's.
installed=$root/target/demo-smoke-plugins
rm -rf "$demo" "$installed"
mkdir -p "$installed"
cp "$plugins_built/youth_report.wasm" "$plugins_built/local_rule.wasm" "$installed/"
sha() { sha256sum "$1" | cut -d' ' -f1; }
cat > "$installed/plugins.toml" << EOF
[[plugin]]
name = "youth-report"
kind = "report"
file = "youth_report.wasm"
sha256 = "$(sha "$installed/youth_report.wasm")"
sites = ["troyes", "sedan", "reims"]

[[plugin]]
name = "local-rule"
kind = "rules"
file = "local_rule.wasm"
sha256 = "$(sha "$installed/local_rule.wasm")"
sites = ["epernay"]
EOF
cargo run --quiet --locked -p em-cli -- demo --out "$demo" --plugins "$installed/plugins.toml"
if ! grep -q "moins de 26 ans" "$demo/report/index.html"; then
    echo "error: the youth-report plugin's section is missing from the demo report" >&2
    exit 1
fi
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

step "Rust embedding example (examples/rust)"
cargo run --quiet --locked -p em-examples --example annual_report -- "$root/target/example-report"
test -s "$root/target/example-report/index.html"

step "all tests passed"
