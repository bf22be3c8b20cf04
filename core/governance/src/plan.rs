//! From the recommendation to the plan the Region receives.
//!
//! The steering committee decides: it may keep or drop any proposal against
//! the recommendation, each time with a reason. The plan it arbitrates is
//! checked again against every rule — the committee may knowingly break
//! one, and the plan then says so — and is transmitted to the Region. Each
//! step is a transition of the plan's state, returned as a
//! [`JournalRecord`] for the store to append to its hash-chained journal
//! under the subject `plan:<site>:<year>`.
//!
//! The region's view adds up every site's plan against the regional budget.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::arbitration::{
    ArbitrationError, Recommendation, RecommendationStatus, RuleCheck, check_plan, format_eur,
};
use crate::roadmap::{ActionProposal, InputProblem, Roadmap};
use crate::rules::GovernanceRuleset;

/// The steering committee's word on one proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitteeDecision {
    /// The proposal's id.
    pub proposal: String,
    /// Kept or dropped.
    pub keep: bool,
    /// Why; required when the decision goes against the recommendation.
    #[serde(default)]
    pub reason: String,
}

/// Where a plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanState {
    /// Arbitrated by the steering committee.
    Arbitrated,
    /// Transmitted to the Region.
    Transmitted,
}

impl PlanState {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanState::Arbitrated => "arbitrated",
            PlanState::Transmitted => "transmitted",
        }
    }

    /// The state in French, for pages and tables people read.
    pub fn label(self) -> &'static str {
        match self {
            PlanState::Arbitrated => "arbitré",
            PlanState::Transmitted => "transmis à la Région",
        }
    }
}

/// One proposal in the arbitrated plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanItem {
    /// The proposal's id.
    pub proposal: String,
    /// Its title.
    pub title: String,
    /// What the recommendation said.
    pub recommended: bool,
    /// What the committee decided.
    pub kept: bool,
    /// Region funding asked.
    pub region_funding_eur: u64,
    /// Value of the proposal.
    pub value: u64,
    /// Why: the committee's reason when it overrode the recommendation, the
    /// recommendation's explanation otherwise.
    pub explanation: String,
}

/// A site's arbitrated action plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionPlan {
    /// The site.
    pub site: String,
    /// The plan's year.
    pub year: i16,
    /// Where it stands.
    pub state: PlanState,
    /// The steering committee meeting that arbitrated it, when recorded.
    pub decided_by: Option<String>,
    /// Every proposal, in the order given.
    pub items: Vec<PlanItem>,
    /// The site's envelope.
    pub envelope_eur: u64,
    /// Value of the kept proposals.
    pub value: u64,
    /// Region funding of the kept proposals.
    pub region_funding_eur: u64,
    /// Every rule, checked on the plan as decided.
    pub rules: Vec<RuleCheck>,
    /// How many decisions went against the recommendation.
    pub overrides: usize,
    /// The day it was transmitted.
    pub transmitted_on: Option<Date>,
    /// One paragraph.
    pub explanation: String,
}

impl ActionPlan {
    /// The journal subject of the plan.
    pub fn subject(&self) -> String {
        plan_subject(&self.site, self.year)
    }

    /// The ids of the kept proposals.
    pub fn kept(&self) -> impl Iterator<Item = &str> {
        self.items
            .iter()
            .filter(|i| i.kept)
            .map(|i| i.proposal.as_str())
    }
}

/// `plan:<site>:<year>`, the journal subject of a site's plan.
pub fn plan_subject(site: &str, year: i16) -> String {
    format!("plan:{site}:{year}")
}

/// A transition to log in the store's journal (the store adds the time and
/// the chain).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalRecord {
    /// `plan:<site>:<year>`.
    pub subject: String,
    /// The role acting, in snake_case.
    pub role: String,
    /// The body acting.
    pub actor: String,
    /// The transition (`arbitrate`, `transmit`).
    pub action: String,
    /// Why.
    pub reason: String,
    /// The transition's data.
    pub payload: serde_json::Value,
}

/// Why a plan could not be decided or transmitted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The decisions are not acceptable.
    #[error("the committee's decisions are refused: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<InputProblem>),
    /// The arbitration's inputs are not acceptable.
    #[error(transparent)]
    Arbitration(#[from] ArbitrationError),
    /// The transition is not possible from the plan's state.
    #[error("plan {subject} is {state} and cannot be {action}")]
    State {
        /// The plan's subject.
        subject: String,
        /// Its state.
        state: &'static str,
        /// What was asked.
        action: &'static str,
    },
    /// The plan was transmitted already.
    #[error("the plan of {site} for {year} was already transmitted to the Region on {on}")]
    AlreadyTransmitted {
        /// The plan's site.
        site: String,
        /// The plan's year.
        year: i16,
        /// The day it was transmitted.
        on: Date,
    },
    /// The day given cannot be the plan's transmission day.
    #[error("the plan of {site} for {year} cannot be transmitted on {day}: {reason}")]
    Day {
        /// The plan's site.
        site: String,
        /// The plan's year.
        year: i16,
        /// The day given.
        day: Date,
        /// Why not, in a sentence.
        reason: String,
    },
}

/// One site's plan as its steering committee decides it, with the
/// recommendation it was decided on.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteDecision {
    /// The recommendation for the site's proposals.
    pub recommendation: Recommendation,
    /// The plan the committee arbitrated.
    pub plan: ActionPlan,
    /// The journal record of the decision.
    pub record: JournalRecord,
}

/// Why one site's plan could not be decided.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("plan of {site}: {source}")]
pub struct SitePlanError {
    /// The site.
    pub site: String,
    /// Why (an arbitration error when its proposals cannot be arbitrated).
    #[source]
    pub source: PlanError,
}

/// Every proposal whose site is not one of `site_ids`, as a problem at
/// `proposals[i].site`. [`recommend_network`] refuses such proposals; a
/// caller that keeps one site's proposals only runs it first, so that a
/// proposal of an unknown site is refused rather than filtered out.
///
/// One problem per unknown site, at its first proposal, with how many
/// proposals name it: a file of another network would otherwise give one
/// line per proposal.
pub fn check_proposal_sites(site_ids: &[&str], proposals: &[ActionProposal]) -> Vec<InputProblem> {
    let mut first: Vec<(&str, usize, usize)> = Vec::new();
    for (i, p) in proposals.iter().enumerate() {
        if site_ids.contains(&p.site.as_str()) {
            continue;
        }
        match first.iter_mut().find(|(site, _, _)| *site == p.site) {
            Some(entry) => entry.2 += 1,
            None => first.push((p.site.as_str(), i, 1)),
        }
    }
    first
        .into_iter()
        .map(|(site, i, count)| {
            let others = match count {
                1 => String::new(),
                n => format!(", and {} more proposal(s) of that site", n - 1),
            };
            InputProblem::new(
                format!("proposals[{i}].site"),
                format!(
                    "`{site}` is not a site of the network (proposal `{}`{others})",
                    proposals[i].id
                ),
            )
        })
        .collect()
}

/// The recommendation for every site of `site_ids` with proposals, in the
/// registry's order. A proposal of no site of `site_ids` is refused with
/// its place (`proposals[i].site`): left out, it would vanish from every
/// plan without a word.
pub fn recommend_network(
    rules: &GovernanceRuleset,
    site_ids: &[&str],
    roadmap: &Roadmap,
    proposals: &[ActionProposal],
) -> Result<Vec<Recommendation>, SitePlanError> {
    let problems = check_proposal_sites(site_ids, proposals);
    if let Some(first) = problems.first() {
        let site = proposals
            .iter()
            .find(|p| !site_ids.contains(&p.site.as_str()))
            .map_or_else(|| first.path.clone(), |p| p.site.clone());
        return Err(SitePlanError {
            site,
            source: PlanError::Arbitration(ArbitrationError::Invalid(problems)),
        });
    }
    let mut out = Vec::new();
    for (site, result) in crate::arbitration::arbitrate_network(rules, roadmap, site_ids, proposals)
    {
        if !proposals.iter().any(|p| p.site == site) {
            continue;
        }
        out.push(result.map_err(|e| SitePlanError {
            site,
            source: PlanError::Arbitration(e),
        })?);
    }
    Ok(out)
}

/// Each site's plan as its steering committee decides it on its
/// recommendation: followed unless one of `decisions` says otherwise.
pub fn decide_recommended(
    rules: &GovernanceRuleset,
    roadmap: &Roadmap,
    proposals: &[ActionProposal],
    recommendations: Vec<Recommendation>,
    decisions: &[CommitteeDecision],
) -> Result<Vec<SiteDecision>, SitePlanError> {
    // A decision on a proposal that none of the plans holds (a typo, or a
    // proposal of another site) would otherwise be ignored without a word.
    let unknown: Vec<InputProblem> = decisions
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            !recommendations
                .iter()
                .any(|r| r.outcomes.iter().any(|o| o.proposal == d.proposal))
        })
        .map(|(i, d)| {
            let of = match recommendations.as_slice() {
                [one] => one.site.clone(),
                _ => "the sites arbitrated".to_owned(),
            };
            InputProblem::new(
                format!("decisions[{i}].proposal"),
                format!("{} is not a proposal of {of}", d.proposal),
            )
        })
        .collect();
    if !unknown.is_empty() {
        let site = match recommendations.as_slice() {
            [one] => one.site.clone(),
            _ => "the region".to_owned(),
        };
        return Err(SitePlanError {
            site,
            source: PlanError::Invalid(unknown),
        });
    }
    let mut out = Vec::with_capacity(recommendations.len());
    for recommendation in recommendations {
        let own: Vec<ActionProposal> = proposals
            .iter()
            .filter(|p| p.site == recommendation.site)
            .cloned()
            .collect();
        let own_decisions: Vec<CommitteeDecision> = decisions
            .iter()
            .filter(|d| own.iter().any(|p| p.id == d.proposal))
            .cloned()
            .collect();
        let (plan, record) = decide(
            rules,
            roadmap,
            &own,
            &recommendation,
            &own_decisions,
            Some("steering_committee"),
        )
        .map_err(|source| SitePlanError {
            site: recommendation.site.clone(),
            source,
        })?;
        out.push(SiteDecision {
            recommendation,
            plan,
            record,
        });
    }
    Ok(out)
}

/// Every site's plan of the roadmap's year, as its steering committee
/// decides it: the recommendation for the site's proposals
/// ([`recommend_network`]), followed unless one of `decisions` says
/// otherwise ([`decide_recommended`]). Sites without proposals have no
/// plan. This is the one path from proposals to plans, for `em plan`, the
/// governance page, the store and the bindings.
pub fn decide_network(
    rules: &GovernanceRuleset,
    site_ids: &[&str],
    roadmap: &Roadmap,
    proposals: &[ActionProposal],
    decisions: &[CommitteeDecision],
) -> Result<Vec<SiteDecision>, SitePlanError> {
    let _span = tracing::info_span!("decide_network", year = roadmap.year).entered();
    let recommendations = recommend_network(rules, site_ids, roadmap, proposals)?;
    decide_recommended(rules, roadmap, proposals, recommendations, decisions)
}

/// The committee's decision on `recommendation`: the arbitrated plan and
/// its journal record. Every decision against the recommendation needs a
/// reason; every problem is reported at once.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    rules: &GovernanceRuleset,
    roadmap: &Roadmap,
    proposals: &[ActionProposal],
    recommendation: &Recommendation,
    decisions: &[CommitteeDecision],
    decided_by: Option<&str>,
) -> Result<(ActionPlan, JournalRecord), PlanError> {
    let site = recommendation.site.as_str();
    let _span = tracing::info_span!("decide_plan", site, year = recommendation.year).entered();
    let mut problems = Vec::new();
    if recommendation.year != roadmap.year {
        problems.push(InputProblem::new(
            "recommendation.year",
            format!(
                "the recommendation is for {}, the roadmap for {}",
                recommendation.year, roadmap.year
            ),
        ));
    }
    let mut by_id: BTreeMap<&str, &CommitteeDecision> = BTreeMap::new();
    for (i, d) in decisions.iter().enumerate() {
        let Some(outcome) = recommendation
            .outcomes
            .iter()
            .find(|o| o.proposal == d.proposal)
        else {
            problems.push(InputProblem::new(
                format!("decisions[{i}].proposal"),
                format!("`{}` is not a proposal of this arbitration", d.proposal),
            ));
            continue;
        };
        if by_id.insert(d.proposal.as_str(), d).is_some() {
            problems.push(InputProblem::new(
                format!("decisions[{i}].proposal"),
                format!("`{}` is decided twice", d.proposal),
            ));
        }
        if d.keep != outcome.kept && d.reason.trim().is_empty() {
            problems.push(InputProblem::new(
                format!("decisions[{i}].reason"),
                format!(
                    "{} `{}` against the recommendation needs a reason",
                    if d.keep { "keeping" } else { "dropping" },
                    d.proposal
                ),
            ));
        }
    }
    if recommendation.status != RecommendationStatus::Optimal
        && recommendation.kept.is_empty()
        && decisions.is_empty()
    {
        problems.push(InputProblem::new(
            "decisions",
            "no plan meets every rule: the committee has to decide each proposal it keeps",
        ));
    }
    if !problems.is_empty() {
        return Err(PlanError::Invalid(problems));
    }
    let items: Vec<PlanItem> = recommendation
        .outcomes
        .iter()
        .map(|o| {
            let decision = by_id.get(o.proposal.as_str());
            let kept = decision.map_or(o.kept, |d| d.keep);
            let explanation = match decision {
                Some(d) if d.keep != o.kept => format!(
                    "{} by the steering committee against the recommendation: {}",
                    if d.keep { "kept" } else { "dropped" },
                    d.reason.trim()
                ),
                _ => o.explanation.clone(),
            };
            PlanItem {
                proposal: o.proposal.clone(),
                title: o.title.clone(),
                recommended: o.kept,
                kept,
                region_funding_eur: o.region_funding_eur,
                value: o.value,
                explanation,
            }
        })
        .collect();
    let keep: Vec<bool> = items.iter().map(|i| i.kept).collect();
    let checks = check_plan(rules, roadmap, site, proposals, &keep)?;
    let overrides = items.iter().filter(|i| i.kept != i.recommended).count();
    let value = items.iter().filter(|i| i.kept).map(|i| i.value).sum();
    let funding = items
        .iter()
        .filter(|i| i.kept)
        .map(|i| i.region_funding_eur)
        .sum();
    let broken: Vec<RuleCheck> = checks.iter().filter(|c| !c.met).cloned().collect();
    let mut explanation = format!(
        "Plan of {site} for {} arbitrated by the steering committee: {} action(s) kept, value {value}, {} asked of the Region ({} envelope); {overrides} decision(s) against the recommendation.",
        recommendation.year,
        keep.iter().filter(|k| **k).count(),
        format_eur(funding),
        format_eur(recommendation.envelope_eur),
    );
    if broken.is_empty() {
        explanation.push_str(" Every rule is met.");
    } else {
        explanation.push_str(&format!(
            " The committee's plan breaks {} rule(s): {}.",
            broken.len(),
            broken
                .iter()
                .map(|c| c.explanation.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    let plan = ActionPlan {
        site: site.to_owned(),
        year: recommendation.year,
        state: PlanState::Arbitrated,
        decided_by: decided_by.map(str::to_owned),
        items,
        envelope_eur: recommendation.envelope_eur,
        value,
        region_funding_eur: funding,
        rules: checks,
        overrides,
        transmitted_on: None,
        explanation,
    };
    let record = JournalRecord {
        subject: plan.subject(),
        role: "steering_committee".to_owned(),
        actor: format!("steering_committee:{site}"),
        action: "arbitrate".to_owned(),
        reason: plan.explanation.clone(),
        payload: json!({
            "kept": plan.kept().collect::<Vec<_>>(),
            "recommended": recommendation.kept,
            "overrides": plan.items.iter().filter(|i| i.kept != i.recommended).map(|i| json!({
                "proposal": i.proposal, "keep": i.kept, "reason": i.explanation,
            })).collect::<Vec<_>>(),
            "value": plan.value,
            "region_funding_eur": plan.region_funding_eur,
            "envelope_eur": plan.envelope_eur,
            "rules_broken": broken.iter().map(|c| c.path.clone()).collect::<Vec<_>>(),
            "decided_by": plan.decided_by,
        }),
    };
    Ok((plan, record))
}

/// Transmits an arbitrated plan to the Region on `day`.
pub fn transmit(mut plan: ActionPlan, day: Date) -> Result<(ActionPlan, JournalRecord), PlanError> {
    if let (PlanState::Transmitted, Some(on)) = (plan.state, plan.transmitted_on) {
        return Err(PlanError::AlreadyTransmitted {
            site: plan.site,
            year: plan.year,
            on,
        });
    }
    // A plan for a year is arbitrated by the steering committee at the end
    // of the year before and goes to the Region before its own year ends:
    // a day outside those two years is a slip of the keyboard.
    let (from, to) = (Date::new(plan.year - 1, 1, 1), Date::new(plan.year, 12, 31));
    if let (Ok(from), Ok(to)) = (from, to)
        && !(from..=to).contains(&day)
    {
        return Err(PlanError::Day {
            reason: format!(
                "a plan for {} is transmitted between {from} and {to}",
                plan.year
            ),
            site: plan.site,
            year: plan.year,
            day,
        });
    }
    if plan.state != PlanState::Arbitrated {
        return Err(PlanError::State {
            subject: plan.subject(),
            state: plan.state.as_str(),
            action: "transmitted",
        });
    }
    plan.state = PlanState::Transmitted;
    plan.transmitted_on = Some(day);
    let reason = format!(
        "Plan of {} for {} transmitted to the Region on {day}: {} asked for {} action(s).",
        plan.site,
        plan.year,
        format_eur(plan.region_funding_eur),
        plan.kept().count()
    );
    let record = JournalRecord {
        subject: plan.subject(),
        role: "steering_committee".to_owned(),
        actor: format!("steering_committee:{}", plan.site),
        action: "transmit".to_owned(),
        reason,
        payload: json!({
            "day": day.to_string(),
            "kept": plan.kept().collect::<Vec<_>>(),
            "region_funding_eur": plan.region_funding_eur,
        }),
    };
    Ok((plan, record))
}

/// One site in the region's view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SitePlanLine {
    /// The site.
    pub site: String,
    /// Its plan's state, or none when no plan was arbitrated.
    pub state: Option<PlanState>,
    /// Its envelope.
    pub envelope_eur: u64,
    /// Region funding of its plan.
    pub region_funding_eur: u64,
    /// Actions kept.
    pub actions: usize,
    /// Value of its plan.
    pub value: u64,
    /// Why, for a person.
    pub explanation: String,
}

/// Every site's plan against the regional budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionView {
    /// The year.
    pub year: i16,
    /// The regional budget.
    pub regional_budget_eur: u64,
    /// One line per site, in the order given.
    pub sites: Vec<SitePlanLine>,
    /// Region funding of all plans.
    pub region_funding_eur: u64,
    /// Of which transmitted.
    pub transmitted_eur: u64,
    /// Whether the plans fit in the regional budget.
    pub within_budget: bool,
    /// One paragraph.
    pub explanation: String,
}

/// The region's view of `year`: the plans of `site_ids` against the
/// regional budget.
pub fn region_view(
    rules: &GovernanceRuleset,
    year: i16,
    site_ids: &[&str],
    plans: &[ActionPlan],
) -> Result<RegionView, em_core::dated::NotInForce> {
    let arbitration = rules.arbitration_for(year)?;
    let mut sites = Vec::new();
    for site in site_ids {
        let envelope = arbitration.site_envelope_eur.of(site);
        let plan = plans.iter().find(|p| p.site == *site && p.year == year);
        sites.push(match plan {
            Some(p) => SitePlanLine {
                site: (*site).to_owned(),
                state: Some(p.state),
                envelope_eur: envelope,
                region_funding_eur: p.region_funding_eur,
                actions: p.kept().count(),
                value: p.value,
                explanation: format!(
                    "{site}: {} plan, {} of its {} envelope for {} action(s){}",
                    p.state.as_str(),
                    format_eur(p.region_funding_eur),
                    format_eur(envelope),
                    p.kept().count(),
                    if p.region_funding_eur > envelope {
                        format!(
                            ", over the envelope by {}",
                            format_eur(p.region_funding_eur - envelope)
                        )
                    } else {
                        String::new()
                    }
                ),
            },
            None => SitePlanLine {
                site: (*site).to_owned(),
                state: None,
                envelope_eur: envelope,
                region_funding_eur: 0,
                actions: 0,
                value: 0,
                explanation: format!("{site}: no plan arbitrated for {year}"),
            },
        });
    }
    let total: u64 = sites.iter().map(|s| s.region_funding_eur).sum();
    let transmitted: u64 = sites
        .iter()
        .filter(|s| s.state == Some(PlanState::Transmitted))
        .map(|s| s.region_funding_eur)
        .sum();
    let budget = arbitration.regional_budget_eur;
    let within = total <= budget;
    let missing = sites.iter().filter(|s| s.state.is_none()).count();
    let explanation = format!(
        "{year}: the plans of {} site(s) ask {} of a regional budget of {} ({}); {} transmitted; {missing} site(s) without a plan.",
        sites.len() - missing,
        format_eur(total),
        format_eur(budget),
        if within {
            format!("{} left", format_eur(budget - total))
        } else {
            format!("over by {}", format_eur(total - budget))
        },
        format_eur(transmitted),
    );
    Ok(RegionView {
        year,
        regional_budget_eur: budget,
        sites,
        region_funding_eur: total,
        transmitted_eur: transmitted,
        within_budget: within,
        explanation,
    })
}
