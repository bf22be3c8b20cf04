//! Entry point of the `governance_input` fuzz target (and of the
//! regression corpus its test replays): arbitrary bytes read as each of the
//! governance JSON files a person hands `em` — meetings (`em committee
//! record`), a roadmap and action proposals (`em plan`), committee
//! decisions (`em plan decide --decisions`).
//!
//! It must return, never panic, whatever the bytes, and it checks what the
//! library promises of every input:
//! - a file that does not read gives an error naming the file, a line and
//!   column inside the text, and a reason;
//! - meetings that read are each recorded or refused with at least one
//!   named breach, and the compliance table has one line per requirement
//!   and site whatever they hold;
//! - a roadmap or proposals that read are arbitrated, or refused with the
//!   problems named; a recommendation keeps only proposals it was given
//!   and gives every proposal its reasons, in English and in French;
//! - decisions that read give a plan with one item per proposal, or are
//!   refused with every problem named.

use std::sync::OnceLock;

use em_core::Registry;

use crate::arbitration::{ArbitrationError, Recommendation, arbitrate, outcome_sentence};
use crate::input::{InputError, from_json};
use crate::meeting::{Meeting, record_all};
use crate::plan::{CommitteeDecision, PlanError, decide};
use crate::roadmap::{ActionProposal, Roadmap};
use crate::rules::GovernanceRuleset;

/// The most proposals a fuzzed list is arbitrated with: the solver is exact,
/// so a long list would spend the fuzzer's time in the search rather than
/// in the parsers and checks this target is for.
const MAX_FUZZED_PROPOSALS: usize = 16;

/// The shipped rules, registry and examples, read once.
struct Shipped {
    rules: GovernanceRuleset,
    sites: Vec<String>,
    roadmap: Roadmap,
    proposals: Vec<ActionProposal>,
    recommendation: Recommendation,
}

fn shipped() -> &'static Shipped {
    static SHIPPED: OnceLock<Shipped> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        // The shipped ruleset and examples are checked by the test suite; a
        // failure here is a build defect, not an input's.
        let rules = GovernanceRuleset::champagne_ardenne();
        let registry = Registry::champagne_ardenne();
        let roadmap: Roadmap = from_json(
            "roadmap-2010.json",
            include_str!("../../../examples/governance/roadmap-2010.json"),
        )
        .expect("the example roadmap reads");
        let all: Vec<ActionProposal> = from_json(
            "proposals-2010.json",
            include_str!("../../../examples/governance/proposals-2010.json"),
        )
        .expect("the example proposals read");
        let proposals: Vec<ActionProposal> = all
            .into_iter()
            .filter(|p| p.site == "sedan")
            .take(MAX_FUZZED_PROPOSALS)
            .collect();
        let recommendation =
            arbitrate(&rules, &roadmap, "sedan", &proposals).expect("the example arbitrates");
        Shipped {
            rules,
            sites: registry.sites.iter().map(|s| s.id.clone()).collect(),
            roadmap,
            proposals,
            recommendation,
        }
    })
}

/// Reads `data` as each governance file and checks what the library
/// promises of it (see the module's documentation).
pub fn governance_inputs(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let shipped = shipped();
    let sites: Vec<&str> = shipped.sites.iter().map(String::as_str).collect();

    match from_json::<Vec<Meeting>>("meetings.json", text) {
        Ok(meetings) => check_meetings(shipped, &sites, meetings),
        Err(e) => check_error(&e, "meetings.json", text),
    }
    match from_json::<Roadmap>("roadmap.json", text) {
        Ok(roadmap) => {
            let result = arbitrate(&shipped.rules, &roadmap, "sedan", &shipped.proposals);
            check_arbitration(&shipped.proposals, result);
        }
        Err(e) => check_error(&e, "roadmap.json", text),
    }
    match from_json::<Vec<ActionProposal>>("proposals.json", text) {
        Ok(mut proposals) => {
            proposals.truncate(MAX_FUZZED_PROPOSALS);
            let site = proposals
                .first()
                .map_or_else(|| "sedan".to_owned(), |p| p.site.clone());
            let result = arbitrate(&shipped.rules, &shipped.roadmap, &site, &proposals);
            check_arbitration(&proposals, result);
        }
        Err(e) => check_error(&e, "proposals.json", text),
    }
    match from_json::<Vec<CommitteeDecision>>("decisions.json", text) {
        Ok(decisions) => check_decisions(shipped, &decisions),
        Err(e) => check_error(&e, "decisions.json", text),
    }
}

/// An input error names its file, a place inside the text, and a reason.
fn check_error(e: &InputError, file: &str, text: &str) {
    assert_eq!(e.file, file, "{e}");
    assert!(!e.reason.is_empty(), "an error without a reason: {e}");
    let lines = text.lines().count().max(1);
    // serde_json reports the line after the last one at the very end of a
    // text that ends with a newline.
    assert!(
        (1..=lines + 1).contains(&e.line),
        "line {} of a text of {lines}: {e}",
        e.line
    );
    let message = e.to_string();
    assert!(message.starts_with(file), "{message}");
}

fn check_meetings(shipped: &Shipped, sites: &[&str], meetings: Vec<Meeting>) {
    let given = meetings.len();
    let years: Vec<i16> = meetings.iter().map(|m| m.date.year()).collect();
    let checked = record_all(&shipped.rules, sites, meetings);
    assert_eq!(checked.recorded.len() + checked.refused.len(), given);
    for (index, refused) in &checked.refused {
        assert!(*index < given);
        assert!(!refused.breaches.is_empty(), "refused without a breach");
        for breach in &refused.breaches {
            assert!(!breach.reason.is_empty() && !breach.rule.is_empty());
        }
    }
    let accepted = checked.accepted();
    for year in years.into_iter().take(3) {
        let report = crate::compliance::compliance(&shipped.rules, sites, &accepted, year);
        let empty = crate::compliance::compliance(&shipped.rules, sites, &[], year);
        assert_eq!(
            report.lines.len(),
            empty.lines.len(),
            "lines depend on meetings"
        );
        for line in &report.lines {
            assert!(line.months[0] >= 1 && line.months[1] <= 12);
            assert!(!line.explanation.is_empty());
        }
        let _ = crate::page::document(
            &Registry::champagne_ardenne(),
            &report,
            &[],
            &crate::plan::region_view(&shipped.rules, 2010, sites, &[])
                .expect("the shipped arbitration rules are in force in 2010"),
        );
    }
}

fn check_arbitration(
    proposals: &[ActionProposal],
    result: Result<Recommendation, ArbitrationError>,
) {
    match result {
        Ok(r) => {
            for kept in &r.kept {
                assert!(
                    proposals.iter().any(|p| &p.id == kept),
                    "kept `{kept}`, never proposed"
                );
            }
            for o in &r.outcomes {
                assert!(!o.reasons.is_empty(), "{} has no reason", o.proposal);
                assert_eq!(o.explanation, outcome_sentence(o.kept, &o.reasons));
                assert!(!crate::page::outcome(o.kept, &o.reasons).is_empty());
            }
            assert!(r.kept.len() <= proposals.len());
        }
        Err(ArbitrationError::Invalid(problems)) => {
            assert!(!problems.is_empty(), "refused without a problem");
            for p in &problems {
                assert!(!p.reason.is_empty(), "a problem without a reason");
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

fn check_decisions(shipped: &Shipped, decisions: &[CommitteeDecision]) {
    match decide(
        &shipped.rules,
        &shipped.roadmap,
        &shipped.proposals,
        &shipped.recommendation,
        decisions,
        Some("steering_committee"),
    ) {
        Ok((plan, _record)) => {
            assert_eq!(plan.items.len(), shipped.recommendation.outcomes.len());
        }
        Err(PlanError::Invalid(problems)) => {
            assert!(!problems.is_empty(), "refused without a problem");
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}
