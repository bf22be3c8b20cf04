//! Fuzzes `labelling.toml`: problems named with file, path and reason, or
//! rules that judge an empty application, never a panic. Seed corpus:
//! `core/labelling/tests/corpus/labelling_ruleset/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    em_labelling::fuzz::labelling_ruleset(data);
});
