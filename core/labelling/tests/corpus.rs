//! The regression corpus of the fuzz targets, replayed as plain tests.
//!
//! Each file of `tests/corpus/application/` and
//! `tests/corpus/labelling_ruleset/` goes through the same entry point as
//! the fuzz target (which must not panic and checks its own invariants),
//! and its name says whether it must be accepted (`ok-…`) or refused
//! (`bad-…`). A file that once broke a parser stays here, named after the
//! fault.

use std::fs;
use std::path::Path;

use em_labelling::{ApplicationDocument, Format, LabellingRules, fuzz};

fn corpus(folder: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(folder);
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("corpus entry").path();
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            (name, fs::read(&path).expect("corpus file reads"))
        })
        .collect();
    files.sort();
    assert!(files.len() >= 5, "the {folder} corpus is nearly empty");
    files
}

fn expect_ok(name: &str) -> bool {
    assert!(
        name.starts_with("ok-") || name.starts_with("bad-"),
        "corpus file `{name}` must start with ok- or bad-"
    );
    name.starts_with("ok-")
}

#[test]
fn application_corpus_reads_as_its_names_say() {
    let rules = LabellingRules::from_ruleset(&em_core::Ruleset::champagne_ardenne()).unwrap();
    for (name, bytes) in corpus("application") {
        fuzz::application(&bytes);
        let format = if name.ends_with(".json") {
            Format::Json
        } else {
            Format::Toml
        };
        let text = String::from_utf8(bytes).expect("corpus files are UTF-8");
        let read = ApplicationDocument::parse(&text, format)
            .and_then(|d| d.facts_for(&rules.specification));
        assert_eq!(read.is_ok(), expect_ok(&name), "{name}: {read:?}");
        if let Err(errors) = read {
            assert!(!errors.0.is_empty(), "{name}");
            assert!(errors.0.iter().all(|e| !e.reason.is_empty()), "{name}");
        }
    }
}

#[test]
fn labelling_ruleset_corpus_loads_as_its_names_say() {
    for (name, bytes) in corpus("labelling_ruleset") {
        fuzz::labelling_ruleset(&bytes);
        let text = String::from_utf8(bytes).expect("corpus files are UTF-8");
        let loaded = LabellingRules::parse("labelling.toml", &text, "corpus", "1");
        assert_eq!(
            loaded.is_ok(),
            expect_ok(&name),
            "{name}: {:?}",
            loaded.err()
        );
    }
}

#[test]
fn every_list_count_problem_is_reported_not_only_the_first() {
    let text = include_str!("corpus/labelling_ruleset/bad-list-count-negative-and-float.toml");
    let errors = LabellingRules::parse("labelling.toml", text, "corpus", "1").unwrap_err();
    let paths: Vec<&str> = errors.0.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "specification.criteria[0].condition.ge.value",
            "specification.criteria[1].condition.le.value",
            "specification.criteria[2].condition.in.fact",
        ]
    );
}

#[test]
fn the_shipped_labelling_file_passes_the_fuzz_entry_point() {
    fuzz::labelling_ruleset(include_bytes!(
        "../../../rulesets/champagne-ardenne/labelling.toml"
    ));
    fuzz::application(include_bytes!(
        "../../../examples/applications/langres-2010.toml"
    ));
    fuzz::application(include_bytes!(
        "../../../examples/applications/nogent-2010-incomplete.json"
    ));
}
