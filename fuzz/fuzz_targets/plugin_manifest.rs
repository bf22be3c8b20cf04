//! Fuzzes the plugin manifest (`plugins.toml`): any text gives checked
//! plugins within their bounds, or every violation with its line, column,
//! field and reason, never a panic. Seed corpus:
//! `fuzz/corpus/plugin_manifest/`, replayed as plain tests by
//! `cli/tests/plugin_manifest_corpus.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../cli/tests/plugin_manifest/mod.rs"]
mod plugin_manifest;

fuzz_target!(|data: &[u8]| {
    plugin_manifest::check(data);
});
