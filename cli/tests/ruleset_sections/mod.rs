//! The body of the `ruleset_sections` fuzz target, shared with its corpus
//! test so that the corpus replays exactly what the fuzzer runs.

use std::collections::BTreeMap;

use em_core::Ruleset;
use em_core::ruleset::{RulesetError, bounds, parse_section};
use em_governance::{GOVERNANCE_FILE, GovernanceRuleset};
use em_territory::{TERRITORY_FILE, TerritoryRuleset};

fn named(errors: &[RulesetError], file: &str) {
    assert!(!errors.is_empty(), "{file}: refused without a reason");
    for e in errors {
        assert!(!e.file.is_empty() && !e.reason.is_empty(), "{file}: {e:?}");
    }
}

/// Puts `data` (as text) in place of each area file of the shipped
/// ruleset in turn and checks it the ways the library does.
pub fn check(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let shipped = Ruleset::champagne_ardenne();
    for file in [TERRITORY_FILE, GOVERNANCE_FILE, "statistics.toml"] {
        let bad = bounds::check(file, &text);
        for e in &bad {
            assert_eq!(e.file, file);
            assert!(e.line.is_some() && !e.path.is_empty(), "{e:?}");
        }
        let mut files: BTreeMap<String, String> = shipped
            .file_names()
            .filter_map(|n| Some((n.to_owned(), shipped.file(n)?.to_owned())))
            .collect();
        files.insert(file.to_owned(), text.clone().into_owned());
        match Ruleset::from_files(files) {
            Ok(ruleset) => {
                // A ruleset that loads has its numbers in range.
                assert!(bad.is_empty(), "{bad:?}");
                if file == TERRITORY_FILE {
                    let _ = TerritoryRuleset::from_ruleset(&ruleset).map_err(|e| named(&e.0, file));
                }
                if file == GOVERNANCE_FILE {
                    let _ =
                        GovernanceRuleset::from_ruleset(&ruleset).map_err(|e| named(&e.0, file));
                }
            }
            Err(errors) => named(&errors.0, file),
        }
    }
    match parse_section::<TerritoryRuleset>(TERRITORY_FILE, &text) {
        Ok(rules) => {
            let _ = rules.check();
        }
        Err(e) => named(&[e], TERRITORY_FILE),
    }
    match parse_section::<GovernanceRuleset>(GOVERNANCE_FILE, &text) {
        Ok(rules) => {
            let _ = rules.check();
        }
        Err(e) => named(&[e], GOVERNANCE_FILE),
    }
}
