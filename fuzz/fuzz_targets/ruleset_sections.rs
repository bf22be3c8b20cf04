//! Fuzzes the area files of a ruleset that have no target of their own —
//! `territory.toml` and `governance.toml` — and the sane-range check every
//! file goes through: any text, put in place of each file of the shipped
//! ruleset, gives a ruleset or problems that name their file and reason,
//! never a panic. Seed corpus: `fuzz/corpus/ruleset_sections/`, replayed
//! as plain tests by `cli/tests/ruleset_corpus.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../cli/tests/ruleset_sections/mod.rs"]
mod ruleset_sections;

fuzz_target!(|data: &[u8]| {
    ruleset_sections::check(data);
});
