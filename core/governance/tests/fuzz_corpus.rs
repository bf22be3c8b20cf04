//! The `governance_input` fuzz target's corpus (`fuzz/corpus/governance_input/`)
//! replayed as plain tests: every file, read as meetings, a roadmap, action
//! proposals and committee decisions, gives what it reads or an error
//! naming file, line, column and reason — never a panic, never a broken
//! promise (see `em_governance::fuzzing`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use em_governance::{ActionProposal, CommitteeDecision, Meeting, Roadmap, from_json};

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/governance_input");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    assert!(files.len() >= 20, "the corpus is missing");
    files
}

#[test]
fn the_governance_corpus_reads_or_names_its_errors_never_panics() {
    let mut failures = Vec::new();
    for (name, bytes) in corpus() {
        let run = catch_unwind(AssertUnwindSafe(|| {
            em_governance::fuzzing::governance_inputs(&bytes);
        }));
        if let Err(panic) = run {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            failures.push(format!("{name}: {message}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The corpus reaches past the parsers: each form is read successfully by
/// some file (so the checks after reading run), and refused by others.
#[test]
fn every_governance_form_is_both_read_and_refused_by_the_corpus() {
    let mut read = [0usize; 4];
    let mut refused = [0usize; 4];
    for (_, bytes) in corpus() {
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let results = [
            from_json::<Vec<Meeting>>("m", text).is_ok(),
            from_json::<Roadmap>("r", text).is_ok(),
            from_json::<Vec<ActionProposal>>("p", text).is_ok(),
            from_json::<Vec<CommitteeDecision>>("d", text).is_ok(),
        ];
        for (i, ok) in results.into_iter().enumerate() {
            if ok {
                read[i] += 1;
            } else {
                refused[i] += 1;
            }
        }
    }
    for (i, form) in ["meetings", "roadmap", "proposals", "decisions"]
        .iter()
        .enumerate()
    {
        assert!(read[i] >= 1, "no file of the corpus reads as {form}");
        assert!(
            refused[i] >= 1,
            "no file of the corpus is refused as {form}"
        );
    }
}
