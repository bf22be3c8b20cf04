//! The sentences of a recommendation: why each proposal is kept or dropped,
//! and whether the plan meets each rule. Every check here is recomputed from
//! the plan itself, independently of the solver, so a sentence can never
//! claim a rule the plan breaks.

use super::solver::Solution;
use super::{
    ArbitrationRule, Model, OutcomeReason, ProposalOutcome, Recommendation, RecommendationStatus,
    RuleCheck, TIE_BREAK,
};

/// `3 200 €`: euros with a space between thousands.
pub fn format_eur(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out.push_str(" €");
    out
}

/// "1", "1 and 3", "1, 2 and 3".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A ratio of integers in tenths of a percent, rounded.
fn permille(part: u64, whole: u64) -> u64 {
    if whole == 0 {
        return 0;
    }
    ((u128::from(part) * 1000 + u128::from(whole) / 2) / u128::from(whole)) as u64
}

/// A percentage with one decimal, from a ratio of integers.
fn percent(part: u64, whole: u64) -> String {
    let tenths = permille(part, whole);
    format!("{}.{} %", tenths / 10, tenths % 10)
}

/// The English sentence of a proposal's outcome, from its reasons.
pub fn outcome_sentence(kept: bool, reasons: &[OutcomeReason]) -> String {
    let parts: Vec<String> = reasons.iter().map(reason_sentence).collect();
    format!(
        "{}: {}",
        if kept { "kept" } else { "dropped" },
        parts.join("; ")
    )
}

/// One reason, in English.
fn reason_sentence(reason: &OutcomeReason) -> String {
    match reason {
        OutcomeReason::ServesOrientations {
            orientations,
            value,
            participants,
            weight,
        } => {
            let numbers: Vec<String> = orientations.iter().map(ToString::to_string).collect();
            format!(
                "serves {} {} (value {value} = {participants} participants × weight {weight})",
                if numbers.len() == 1 {
                    "orientation"
                } else {
                    "orientations"
                },
                and_list(&numbers),
            )
        }
        OutcomeReason::ServesNoOrientation => {
            "serves no orientation of the roadmap (value 0)".to_owned()
        }
        OutcomeReason::OnlyActionInArea { area } => format!("the plan's only action in {area}"),
        OutcomeReason::EnvelopeExceeded { by_eur } => {
            format!("the envelope would be exceeded by {}", format_eur(*by_eur))
        }
        OutcomeReason::CofundingTooLow {
            share_permille,
            min_percent,
        } => format!(
            "co-funding would fall to {}.{} % of the cost, below the {min_percent} % required",
            share_permille / 10,
            share_permille % 10
        ),
        OutcomeReason::OrientationFull {
            orientation,
            max_actions,
        } => format!(
            "orientation {orientation} already has {max_actions} kept actions, the most allowed"
        ),
        OutcomeReason::OrientationShareExceeded {
            orientation,
            asked_eur,
            cap_eur,
            max_percent,
        } => format!(
            "the actions of orientation {orientation} would ask {}, above {} ({max_percent} % of the envelope)",
            format_eur(*asked_eur),
            format_eur(*cap_eur),
        ),
        OutcomeReason::AddsNoValue => {
            "serves no orientation of the roadmap: it would add no value and cost the Region"
                .to_owned()
        }
        OutcomeReason::NoImprovement => "keeping it would not improve the plan".to_owned(),
        OutcomeReason::DisplacesMoreValue { value } => format!(
            "keeping it would mean dropping kept actions worth more than its value of {value}"
        ),
        OutcomeReason::NoFeasiblePlan => {
            "no plan meets every rule (see the conflicting rules)".to_owned()
        }
    }
}

/// Totals of a selection.
struct Totals {
    funding: u64,
    cofunding: u64,
    cost: u64,
}

fn totals(model: &Model, keep: &[bool]) -> Totals {
    let mut t = Totals {
        funding: 0,
        cofunding: 0,
        cost: 0,
    };
    for (p, _) in model.proposals.iter().zip(keep).filter(|(_, k)| **k) {
        t.funding += p.region_funding_eur;
        t.cofunding += p.cofunding_eur;
        t.cost += p.cost_eur;
    }
    t
}

/// Whether `keep` meets `rule`, and why.
pub(super) fn check_rule(model: &Model, keep: &[bool], rule: ArbitrationRule) -> RuleCheck {
    let t = totals(model, keep);
    let r = &model.rules;
    let kept = || model.proposals.iter().enumerate().filter(|(i, _)| keep[*i]);
    let (met, explanation) = match rule {
        ArbitrationRule::Envelope => (
            t.funding <= model.envelope,
            format!(
                "the kept actions ask the Region {} of an envelope of {}",
                format_eur(t.funding),
                format_eur(model.envelope)
            ),
        ),
        ArbitrationRule::ServiceArea(area) => {
            let count = kept().filter(|(_, p)| p.themes.contains(&area)).count();
            (
                count >= 1,
                format!("{count} kept action(s) in {area} (at least 1)"),
            )
        }
        ArbitrationRule::Cofunding => {
            let pct = u128::from(r.min_cofunding_percent);
            (
                u128::from(t.cofunding) * 100 >= pct * u128::from(t.cost),
                format!(
                    "co-funding is {} of the kept actions' cost ({} of {}), at least {} % required",
                    percent(t.cofunding, t.cost),
                    format_eur(t.cofunding),
                    format_eur(t.cost),
                    r.min_cofunding_percent
                ),
            )
        }
        ArbitrationRule::OrientationCount(o) => {
            let count = kept().filter(|(i, _)| model.serves(*i, o)).count() as u32;
            (
                count <= r.max_actions_per_orientation,
                format!(
                    "orientation {o}: {count} kept action(s), at most {}",
                    r.max_actions_per_orientation
                ),
            )
        }
        ArbitrationRule::OrientationShare(o) => {
            let asked: u64 = kept()
                .filter(|(i, _)| model.serves(*i, o))
                .map(|(_, p)| p.region_funding_eur)
                .sum();
            let pct = u128::from(r.max_orientation_share_percent);
            (
                u128::from(asked) * 100 <= pct * u128::from(model.envelope),
                format!(
                    "orientation {o}: {} asked, at most {} % of the envelope ({})",
                    format_eur(asked),
                    r.max_orientation_share_percent,
                    format_eur(share_cap(model))
                ),
            )
        }
    };
    RuleCheck {
        rule,
        path: rule.path().to_owned(),
        met,
        explanation,
    }
}

/// The largest amount one orientation's actions may ask, to the euro.
fn share_cap(model: &Model) -> u64 {
    (u128::from(model.envelope) * u128::from(model.rules.max_orientation_share_percent) / 100)
        as u64
}

/// The recommendation for a plan the solver found optimal.
pub(super) fn optimal(model: &Model, year: i16, site: &str, solution: &Solution) -> Recommendation {
    let keep = &solution.keep;
    let t = totals(model, keep);
    let rules: Vec<RuleCheck> = model
        .all_rules()
        .into_iter()
        .map(|rule| check_rule(model, keep, rule))
        .collect();
    let outcomes = model
        .proposals
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let reasons = if keep[i] {
                kept_reasons(model, keep, i)
            } else {
                dropped_reasons(model, keep, i, &t)
            };
            ProposalOutcome {
                proposal: p.id.clone(),
                title: p.title.clone(),
                kept: keep[i],
                value: model.values[i],
                region_funding_eur: p.region_funding_eur,
                explanation: outcome_sentence(keep[i], &reasons),
                reasons,
            }
        })
        .collect();
    let kept: Vec<String> = model
        .proposals
        .iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(p, _)| p.id.clone())
        .collect();
    let explanation = format!(
        "Recommended plan for {site} in {year}: {} of {} proposals kept, value {}, {} asked of the Region for an envelope of {}; every rule is met. This is the exact optimum; ties are broken as follows: {TIE_BREAK}.",
        kept.len(),
        model.proposals.len(),
        solution.value,
        format_eur(t.funding),
        format_eur(model.envelope)
    );
    Recommendation {
        site: site.to_owned(),
        year,
        envelope_eur: model.envelope,
        status: RecommendationStatus::Optimal,
        kept,
        value: solution.value,
        region_funding_eur: t.funding,
        cofunding_eur: t.cofunding,
        cost_eur: t.cost,
        outcomes,
        rules,
        conflicts: Vec::new(),
        explanation,
        tie_break: TIE_BREAK.to_owned(),
        nodes: solution.nodes,
    }
}

/// The recommendation when no plan meets every rule.
pub(super) fn infeasible(
    model: &Model,
    year: i16,
    site: &str,
    conflicts: &[ArbitrationRule],
) -> Recommendation {
    let none = vec![false; model.proposals.len()];
    let conflicts: Vec<RuleCheck> = conflicts
        .iter()
        .map(|rule| {
            let mut check = check_rule(model, &none, *rule);
            check.explanation = super::diagnose::describe(model, *rule);
            check
        })
        .collect();
    let names: Vec<String> = conflicts.iter().map(|c| c.explanation.clone()).collect();
    let explanation = format!(
        "No plan meets every rule for {site} in {year}: with the proposals made, these rules cannot all be met together — {}. Lifting any one of them (or proposing other actions) makes a plan possible.",
        names.join(" ; ")
    );
    Recommendation {
        site: site.to_owned(),
        year,
        envelope_eur: model.envelope,
        status: RecommendationStatus::Infeasible,
        kept: Vec::new(),
        value: 0,
        region_funding_eur: 0,
        cofunding_eur: 0,
        cost_eur: 0,
        outcomes: model
            .proposals
            .iter()
            .enumerate()
            .map(|(i, p)| ProposalOutcome {
                proposal: p.id.clone(),
                title: p.title.clone(),
                kept: false,
                value: model.values[i],
                region_funding_eur: p.region_funding_eur,
                reasons: vec![OutcomeReason::NoFeasiblePlan],
                explanation: outcome_sentence(false, &[OutcomeReason::NoFeasiblePlan]),
            })
            .collect(),
        rules: model
            .all_rules()
            .into_iter()
            .map(|rule| check_rule(model, &none, rule))
            .collect(),
        conflicts,
        explanation,
        tie_break: TIE_BREAK.to_owned(),
        nodes: 0,
    }
}

fn kept_reasons(model: &Model, keep: &[bool], i: usize) -> Vec<OutcomeReason> {
    let p = &model.proposals[i];
    let mut reasons = Vec::new();
    let weights = &model.weights[i];
    if weights.is_empty() {
        reasons.push(OutcomeReason::ServesNoOrientation);
    } else {
        reasons.push(OutcomeReason::ServesOrientations {
            orientations: weights.iter().map(|(o, _)| *o).collect(),
            value: model.values[i],
            participants: p.expected_participants,
            weight: weights.iter().map(|w| w.1).sum(),
        });
    }
    for area in &model.rules.required_service_areas {
        let others = model
            .proposals
            .iter()
            .enumerate()
            .any(|(j, q)| j != i && keep[j] && q.themes.contains(area));
        if p.themes.contains(area) && !others {
            reasons.push(OutcomeReason::OnlyActionInArea { area: *area });
        }
    }
    reasons
}

fn dropped_reasons(model: &Model, keep: &[bool], i: usize, t: &Totals) -> Vec<OutcomeReason> {
    let p = &model.proposals[i];
    let r = &model.rules;
    let mut reasons = Vec::new();
    let funding = t.funding + p.region_funding_eur;
    if funding > model.envelope {
        reasons.push(OutcomeReason::EnvelopeExceeded {
            by_eur: funding - model.envelope,
        });
    }
    let mut with = keep.to_vec();
    with[i] = true;
    if !check_rule(model, &with, ArbitrationRule::Cofunding).met {
        let cost = t.cost + p.cost_eur;
        let cofunding = t.cofunding + p.cofunding_eur;
        reasons.push(OutcomeReason::CofundingTooLow {
            share_permille: permille(cofunding, cost),
            min_percent: r.min_cofunding_percent,
        });
    }
    for (o, _) in &model.weights[i] {
        if !check_rule(model, &with, ArbitrationRule::OrientationCount(*o)).met {
            reasons.push(OutcomeReason::OrientationFull {
                orientation: *o,
                max_actions: r.max_actions_per_orientation,
            });
        }
        if !check_rule(model, &with, ArbitrationRule::OrientationShare(*o)).met {
            let asked: u64 = model
                .proposals
                .iter()
                .enumerate()
                .filter(|(j, _)| with[*j] && model.serves(*j, *o))
                .map(|(_, q)| q.region_funding_eur)
                .sum();
            reasons.push(OutcomeReason::OrientationShareExceeded {
                orientation: *o,
                asked_eur: asked,
                cap_eur: share_cap(model),
                max_percent: r.max_orientation_share_percent,
            });
        }
    }
    if reasons.is_empty() {
        // The plan is optimal and every proposal has a positive cost, so a
        // proposal that breaks no rule when added adds no value.
        if model.values[i] == 0 {
            reasons.push(OutcomeReason::AddsNoValue);
        } else {
            reasons.push(OutcomeReason::NoImprovement);
        }
    } else if model.values[i] > 0 {
        reasons.push(OutcomeReason::DisplacesMoreValue {
            value: model.values[i],
        });
    }
    reasons
}
