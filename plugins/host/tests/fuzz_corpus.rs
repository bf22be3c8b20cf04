//! The `plugin_output` fuzz target's regression corpus
//! (`plugins/host/fuzz-corpus/plugin_output/`), run as a plain test on
//! stable: each input goes through both entry points the target calls,
//! which panic when a check of the host's output is broken.
//!
//! An input that once broke a promise is added to the folder, named after
//! the fault.

use std::path::Path;

#[test]
fn the_plugin_output_corpus_passes_the_checks() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz-corpus/plugin_output");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "the plugin_output corpus is missing");
    for file in &files {
        let data = std::fs::read(file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy();
        // A panic names the input that caused it.
        let outcome = std::panic::catch_unwind(|| {
            em_plugin_host::fuzzing::document(&data);
            em_plugin_host::fuzzing::findings(&data);
        });
        assert!(outcome.is_ok(), "corpus input `{name}` broke a check");
    }
}
