//! The `plugin_manifest` fuzz target's corpus (`fuzz/corpus/plugin_manifest/`)
//! replayed as plain tests: every input gives checked plugins or violations
//! that name their line, column, field and reason, never a panic.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

mod common;
mod plugin_manifest;

#[test]
fn the_plugin_manifest_corpus_gives_plugins_or_placed_violations_never_panics() {
    let inputs = common::fuzz_corpus("plugin_manifest", 10);
    let mut failures = Vec::new();
    let mut accepted = 0;
    for path in &inputs {
        let bytes = std::fs::read(path).unwrap();
        if let Ok(text) = std::str::from_utf8(&bytes)
            && em_plugin_host::Manifest::parse(
                text,
                Path::new("/nonexistent"),
                em_plugin_host::Limits::default(),
            )
            .is_ok()
        {
            accepted += 1;
        }
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| plugin_manifest::check(&bytes))) {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            failures.push(format!("{}: {message}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Some inputs pass the parser, so the checks on accepted manifests run.
    assert!(
        accepted >= 2,
        "only {accepted} manifest(s) of the corpus read"
    );
}
