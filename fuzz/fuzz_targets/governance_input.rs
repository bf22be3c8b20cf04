//! Fuzzes the governance JSON files a person hands `em` — meetings,
//! roadmap, action proposals, committee decisions: any bytes, read as each,
//! give what they read (checked against the rules, arbitrated, decided) or
//! an error naming file, line, column and reason, never a panic. Seed
//! corpus: `fuzz/corpus/governance_input/`, replayed as plain tests by
//! `core/governance/tests/fuzz_corpus.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    em_governance::fuzzing::governance_inputs(data);
});
