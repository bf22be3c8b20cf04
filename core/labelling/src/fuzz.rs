//! Entry points for the fuzz targets (and the regression corpus the tests
//! replay): arbitrary bytes as an application file, arbitrary bytes as a
//! labelling file.
//!
//! Each function must return, never panic, whatever the bytes, and checks
//! the invariants that hold for every input it accepts: an application
//! read back from its own JSON form states the same facts, and a judged
//! application has one verdict per criterion in force.

use std::sync::OnceLock;

use jiff::civil::date;

use crate::application::{ApplicationDocument, Format};
use crate::labelling::Labelling;
use crate::specification::{FILE, LabellingRules};

fn shipped() -> &'static Labelling {
    static LABELLING: OnceLock<Labelling> = OnceLock::new();
    LABELLING.get_or_init(|| {
        // The shipped ruleset and registry are checked by the test suite; a
        // failure here is a build defect.
        Labelling::from_ruleset(
            &em_core::Ruleset::champagne_ardenne(),
            &em_core::Registry::champagne_ardenne(),
        )
        .expect("the shipped labelling loads")
    })
}

/// Reads `data` as an application file in both formats and judges what
/// reads against the shipped specification, with its derived facts.
pub fn application(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let labelling = shipped();
    let rules = labelling.rules();
    for format in [Format::Toml, Format::Json] {
        if let Ok(checked) = labelling.check_application(text, format) {
            let counts = checked.evaluation.counts();
            let total = counts.required.met
                + counts.required.not_met
                + counts.required.unknown
                + counts.recommended.met
                + counts.recommended.not_met
                + counts.recommended.unknown;
            assert_eq!(total, checked.evaluation.criteria.len());
        }
        let Ok(document) = ApplicationDocument::parse(text, format) else {
            continue;
        };
        let facts = document.facts_for(&rules.specification);
        let again = ApplicationDocument::parse(&document.to_json().to_string(), Format::Json)
            .expect("an application's JSON form reads back");
        let facts_again = again.facts_for(&rules.specification);
        if let (Ok(a), Ok(b)) = (&facts, &facts_again) {
            assert_eq!(a, b, "the JSON form states other facts");
        }
        if let (Ok(facts), Some(day)) = (facts, document.submitted)
            && let Ok(in_force) = rules.specification.in_force(day)
        {
            let evaluation = in_force.evaluate(facts.slots());
            assert_eq!(evaluation.criteria.len(), in_force.criteria().len());
            assert_eq!(evaluation.outcome, in_force.judge(facts.slots()).outcome);
        }
    }
}

/// Reads `data` as a labelling file and, when it loads, judges an empty
/// application against it on a few days.
pub fn labelling_ruleset(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(rules) = LabellingRules::parse(FILE, text, "fuzz", "0") else {
        return;
    };
    for specification in [&rules.specification, &rules.job_profile] {
        let empty = vec![None; specification.facts.len()];
        for day in [date(2007, 4, 1), date(2010, 6, 15), date(2030, 1, 1)] {
            if let Ok(in_force) = specification.in_force(day) {
                let evaluation = in_force.evaluate(&empty);
                assert_eq!(evaluation.criteria.len(), in_force.criteria().len());
            }
        }
    }
}
