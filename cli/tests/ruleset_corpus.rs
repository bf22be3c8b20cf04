//! The `ruleset_sections` fuzz target's corpus (`fuzz/corpus/ruleset_sections/`)
//! replayed as plain tests: every input gives a ruleset or problems that
//! name their file and reason, never a panic.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

mod ruleset_sections;

#[test]
fn the_ruleset_sections_corpus_gives_rules_or_named_problems_never_panics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/ruleset_sections");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 8, "the corpus is missing");
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
