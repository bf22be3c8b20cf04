//! Which rules conflict when no plan can meet them all.
//!
//! A deletion filter over the rules: starting from all of them, each rule in
//! turn is lifted, and stays lifted if the others still admit no plan. What
//! remains is a set of rules that cannot be met together although any
//! smaller part of it can — the conflict a steering committee has to
//! resolve, named rule by rule.

use super::explain::format_eur;
use super::{ArbitrationRule, Model, solver};

/// A smallest set of the `active` rules that no plan meets together.
pub(super) fn conflicting_rules(model: &Model, active: &[ArbitrationRule]) -> Vec<ArbitrationRule> {
    let _span = tracing::debug_span!("arbitration_diagnosis", rules = active.len()).entered();
    let mut kept: Vec<ArbitrationRule> = active.to_vec();
    // The envelope is tried last so that, when a conflict can be told with
    // or without it, the told one names the money.
    let mut candidates: Vec<ArbitrationRule> = active.to_vec();
    candidates.reverse();
    for rule in candidates {
        let without: Vec<ArbitrationRule> = kept.iter().copied().filter(|r| *r != rule).collect();
        // A search that stops unproven keeps the rule: the conflict named
        // may then be larger than the smallest, never wrong.
        if solver::solve(&model.problem(&without)) == solver::Outcome::Infeasible {
            kept = without;
        }
    }
    kept
}

/// The rule, said with the figures of this arbitration.
pub(super) fn describe(model: &Model, rule: ArbitrationRule) -> String {
    let r = &model.rules;
    let text = match rule {
        ArbitrationRule::Envelope => format!("the envelope of {}", format_eur(model.envelope)),
        ArbitrationRule::ServiceArea(area) => {
            let cheapest = model
                .proposals
                .iter()
                .filter(|p| p.themes.contains(&area))
                .map(|p| p.region_funding_eur)
                .min();
            match cheapest {
                None => format!("at least one action in {area}, but no proposal serves {area}"),
                Some(c) => format!(
                    "at least one action in {area} (the cheapest asks {})",
                    format_eur(c)
                ),
            }
        }
        ArbitrationRule::Cofunding => {
            let best = model
                .proposals
                .iter()
                .filter(|p| p.cost_eur > 0)
                .map(|p| (p.cofunding_eur * 100 / p.cost_eur, p))
                .max_by_key(|(share, _)| *share)
                .map(|(share, _)| share);
            match best {
                Some(share) => format!(
                    "co-funding of at least {} % of the cost (the best-co-funded proposal reaches {share} %)",
                    r.min_cofunding_percent
                ),
                None => format!(
                    "co-funding of at least {} % of the cost",
                    r.min_cofunding_percent
                ),
            }
        }
        ArbitrationRule::OrientationCount(o) => format!(
            "at most {} kept actions serving orientation {o}",
            r.max_actions_per_orientation
        ),
        ArbitrationRule::OrientationShare(o) => format!(
            "the actions of orientation {o} asking at most {} % of the envelope ({})",
            r.max_orientation_share_percent,
            format_eur(
                (u128::from(model.envelope) * u128::from(r.max_orientation_share_percent) / 100)
                    as u64
            )
        ),
    };
    format!("{text} ({})", rule.path())
}
