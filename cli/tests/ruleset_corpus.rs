//! The `ruleset_sections` fuzz target's corpus (`fuzz/corpus/ruleset_sections/`)
//! replayed as plain tests: every input gives a ruleset or problems that
//! name their file and reason, never a panic.

use std::panic::{AssertUnwindSafe, catch_unwind};

mod common;
mod ruleset_sections;

#[test]
fn the_ruleset_sections_corpus_gives_rules_or_named_problems_never_panics() {
    let inputs = common::fuzz_corpus("ruleset_sections", 8);
    let mut failures = Vec::new();
    for path in &inputs {
        let bytes = std::fs::read(path).unwrap();
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| ruleset_sections::check(&bytes))) {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            failures.push(format!("{}: {message}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
