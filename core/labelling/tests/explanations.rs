//! The explanations and their JSON, pinned byte for byte by golden files.
//!
//! An evaluation is stored in the journal as JSON and the journal's chain
//! hashes it, so its form must not drift when the way it is computed
//! changes. The shipped applications are pinned whole (`tests/golden/*.json`);
//! the generated specification, which uses every operator, is pinned by its
//! sentences, one line per criterion (`tests/golden/generated.txt`).
//!
//! After an intended change of wording, rewrite the goldens with
//! `EM_BLESS=1 cargo test -p em-labelling --test explanations` and read the
//! diff.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use em_labelling::{ApplicationDocument, Evaluation, Format, Labelling, LabellingRules};
use jiff::civil::date;

#[path = "support/generated.rs"]
mod generated;

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Compares `actual` with the golden file `name`, or writes it when
/// `EM_BLESS` is set.
fn check(name: &str, actual: &str) {
    let path = golden(name);
    if std::env::var_os("EM_BLESS").is_some() {
        fs::write(&path, actual).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        expected == actual,
        "{name} differs from its golden file; first differing line: {:?}",
        expected
            .lines()
            .zip(actual.lines())
            .find(|(a, b)| a != b)
            .or(Some(("(length)", "(length)")))
    );
}

#[test]
fn the_shipped_applications_serialise_as_their_golden_json() {
    let labelling = Labelling::from_ruleset(
        &em_core::Ruleset::champagne_ardenne(),
        &em_core::Registry::champagne_ardenne(),
    )
    .unwrap();
    for (name, text, format) in [
        (
            "langres-2010.json",
            include_str!("../../../examples/applications/langres-2010.toml"),
            Format::Toml,
        ),
        (
            "nogent-2010-incomplete.json",
            include_str!("../../../examples/applications/nogent-2010-incomplete.json"),
            Format::Json,
        ),
    ] {
        let evaluation = labelling
            .check_application(text, format)
            .unwrap()
            .evaluation;
        let json = serde_json::to_string_pretty(&evaluation).unwrap() + "\n";
        check(name, &json);
        // What is stored reads back equal, and serialises to the same bytes.
        let back: Evaluation = serde_json::from_str(&json).unwrap();
        assert_eq!(back, evaluation, "{name}");
        assert_eq!(
            serde_json::to_string_pretty(&back).unwrap() + "\n",
            json,
            "{name}"
        );
    }
}

#[test]
fn an_empty_application_serialises_as_its_golden_json() {
    let rules = LabellingRules::from_ruleset(&em_core::Ruleset::champagne_ardenne()).unwrap();
    let in_force = rules.specification.in_force(date(2010, 3, 15)).unwrap();
    let empty = vec![None; rules.specification.facts.len()];
    let json = serde_json::to_string_pretty(&in_force.evaluate(&empty)).unwrap() + "\n";
    check("empty-2010.json", &json);
}

#[test]
fn the_generated_specification_explains_as_its_golden_sentences() {
    let rules = LabellingRules::parse("labelling.toml", &generated::specification(50), "g", "1")
        .expect("the generated specification loads");
    let in_force = rules.specification.in_force(date(2010, 3, 15)).unwrap();
    let mut rng = generated::Lcg(2010);
    let mut out = String::new();
    for a in 0..8 {
        let text = generated::application(&mut rng);
        let facts = ApplicationDocument::parse(&text, Format::Json)
            .and_then(|d| d.facts_for(&rules.specification))
            .unwrap();
        let evaluation = in_force.evaluate(facts.slots());
        let _ = writeln!(out, "# application {a}: {}", evaluation.summary);
        out.push_str(&evaluation.to_text());
        // The JSON carries the same sentences as the text.
        let json = serde_json::to_value(&evaluation).unwrap();
        for (c, criterion) in json["criteria"].as_array().unwrap().iter().enumerate() {
            // The text opens with the summary and the counts.
            let line = evaluation.to_text().lines().nth(c + 2).unwrap().to_owned();
            let sentence = criterion["explanation"].as_str().unwrap();
            assert!(line.ends_with(sentence), "{line} / {sentence}");
        }
    }
    check("generated.txt", &out);
}
