//! Arbitration of a site's action proposals: the plan the steering committee
//! is recommended to keep.
//!
//! The recommendation is the exact optimum of the rules in force on
//! 1 January of the plan's year (`governance.toml`, `[arbitration]`):
//!
//! - **value** of a proposal: expected participants × the sum of the
//!   weights of the roadmap orientations it serves (weight by priority);
//!   the plan's value is the sum over the kept proposals;
//! - **envelope**: the kept proposals ask the Region at most the site's
//!   envelope, to the euro;
//! - **service areas**: at least one kept action in each required area
//!   (guidance, training, employment);
//! - **co-funding**: the kept actions' co-funding is at least the minimum
//!   share of their total cost;
//! - **orientations**: at most so many kept actions serve any one
//!   orientation, and they ask at most a share of the envelope.
//!
//! **Tie-break**, when several plans reach the best value: the one asking the
//! Region the least; then, reading the proposals from the highest value per
//! euro asked to the lowest (equal ratios in the order they are listed), the
//! plan that keeps the first proposal on which the plans differ.
//!
//! Every proposal gets a sentence saying why it is kept or dropped, every
//! rule a sentence saying whether the plan meets it, and when no plan can
//! meet them all, the recommendation names a smallest set of rules that
//! conflict (see [`diagnose`]).

mod cuts;
mod diagnose;
mod dual;
mod explain;
mod lp;
mod relaxation;
pub mod solver;

use serde::{Deserialize, Serialize};

use crate::body::ServiceArea;
use crate::roadmap::{ActionProposal, InputProblem, Roadmap, check_proposals, proposal_value};
use crate::rules::{ArbitrationRules, GovernanceRuleset};
pub use explain::{format_eur, outcome_sentence};

/// One rule of the arbitration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "rule", content = "of", rename_all = "snake_case")]
pub enum ArbitrationRule {
    /// The site's envelope.
    Envelope,
    /// At least one kept action in this service area.
    ServiceArea(ServiceArea),
    /// The minimum co-funding share.
    Cofunding,
    /// The most kept actions serving this orientation.
    OrientationCount(u32),
    /// The largest share of the envelope asked by this orientation's actions.
    OrientationShare(u32),
}

impl ArbitrationRule {
    /// Where the rule lives in the ruleset.
    pub fn path(&self) -> &'static str {
        match self {
            ArbitrationRule::Envelope => "governance.toml arbitration.site_envelope_eur",
            ArbitrationRule::ServiceArea(_) => "governance.toml arbitration.required_service_areas",
            ArbitrationRule::Cofunding => "governance.toml arbitration.min_cofunding_percent",
            ArbitrationRule::OrientationCount(_) => {
                "governance.toml arbitration.max_actions_per_orientation"
            }
            ArbitrationRule::OrientationShare(_) => {
                "governance.toml arbitration.max_orientation_share_percent"
            }
        }
    }
}

/// Whether a plan meets one rule, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCheck {
    /// The rule.
    pub rule: ArbitrationRule,
    /// Its path in the ruleset.
    pub path: String,
    /// Whether the plan meets it.
    pub met: bool,
    /// Why, for a person.
    pub explanation: String,
}

/// What the recommendation says of one proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalOutcome {
    /// The proposal's id.
    pub proposal: String,
    /// Its title.
    pub title: String,
    /// Kept in the recommended plan.
    pub kept: bool,
    /// Its value.
    pub value: u64,
    /// Region funding it asks.
    pub region_funding_eur: u64,
    /// Why it is kept or dropped, as data (a recommendation written before
    /// the reasons were kept as data reads with none).
    #[serde(default)]
    pub reasons: Vec<OutcomeReason>,
    /// Why it is kept or dropped, in English, written from `reasons`.
    pub explanation: String,
}

/// One reason why a proposal is kept or dropped. The English sentence of a
/// [`ProposalOutcome`] is written from these, and the governance page
/// writes them in French, so both say the same thing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum OutcomeReason {
    /// Kept: it serves these orientations of the roadmap.
    ServesOrientations {
        /// The orientations' numbers.
        orientations: Vec<u32>,
        /// Its value.
        value: u64,
        /// Its expected participants.
        participants: u32,
        /// The sum of the orientations' weights.
        weight: u64,
    },
    /// Kept although it serves no orientation (value 0).
    ServesNoOrientation,
    /// Kept: the plan's only action in a required service area.
    OnlyActionInArea {
        /// The area.
        area: ServiceArea,
    },
    /// Dropped: keeping it would exceed the site's envelope.
    EnvelopeExceeded {
        /// By how much (euros).
        by_eur: u64,
    },
    /// Dropped: keeping it would bring the co-funding share below the
    /// minimum.
    CofundingTooLow {
        /// The share it would fall to, in tenths of a percent.
        share_permille: u64,
        /// The minimum share, in percent.
        min_percent: u32,
    },
    /// Dropped: an orientation it serves already has the most kept actions
    /// allowed.
    OrientationFull {
        /// The orientation's number.
        orientation: u32,
        /// The most actions allowed per orientation.
        max_actions: u32,
    },
    /// Dropped: the actions of an orientation it serves would ask more than
    /// their share of the envelope.
    OrientationShareExceeded {
        /// The orientation's number.
        orientation: u32,
        /// What its actions would ask (euros).
        asked_eur: u64,
        /// The most they may ask (euros).
        cap_eur: u64,
        /// That cap as a percentage of the envelope.
        max_percent: u32,
    },
    /// Dropped: it serves no orientation, so it would add no value.
    AddsNoValue,
    /// Dropped: keeping it would not improve the plan.
    NoImprovement,
    /// Dropped: room for it means dropping kept actions worth more.
    DisplacesMoreValue {
        /// Its own value.
        value: u64,
    },
    /// Dropped: no plan meets every rule.
    NoFeasiblePlan,
}

/// Whether a plan meeting every rule exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecommendationStatus {
    /// The recommended plan is the optimum.
    Optimal,
    /// No plan meets every rule; see `conflicts`.
    Infeasible,
    /// The search stopped at its limit of nodes: the plan, if any, meets
    /// every rule but is not proven optimal. Possible on adversarial
    /// instances: the problem is NP-hard (see `solver::MAX_NODES`).
    Unproven,
}

/// The recommendation for one site and year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    /// The site.
    pub site: String,
    /// The plan's year.
    pub year: i16,
    /// The site's envelope (euros).
    pub envelope_eur: u64,
    /// Optimal or infeasible.
    pub status: RecommendationStatus,
    /// Ids of the kept proposals, in the order the proposals were given.
    pub kept: Vec<String>,
    /// The plan's value.
    pub value: u64,
    /// Region funding asked by the kept proposals.
    pub region_funding_eur: u64,
    /// Co-funding of the kept proposals.
    pub cofunding_eur: u64,
    /// Total cost of the kept proposals.
    pub cost_eur: u64,
    /// One line per proposal, in the order given.
    pub outcomes: Vec<ProposalOutcome>,
    /// Every rule, met or not by the plan.
    pub rules: Vec<RuleCheck>,
    /// When infeasible: a smallest set of rules that cannot all be met.
    pub conflicts: Vec<RuleCheck>,
    /// One paragraph summing up.
    pub explanation: String,
    /// The tie-break, stated.
    pub tie_break: String,
    /// Branch-and-bound nodes explored.
    pub nodes: u64,
}

/// The tie-break, in words.
pub const TIE_BREAK: &str = "among plans of equal value, the one asking the Region the least; then, reading the proposals from the highest value per euro asked to the lowest (equal ratios in the order they were listed), the plan that keeps the first proposal on which the plans differ";

/// Errors of an arbitration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArbitrationError {
    /// The rules are not in force for the year.
    #[error(transparent)]
    NotInForce(#[from] em_core::dated::NotInForce),
    /// The roadmap or the proposals are not fit for arbitration.
    #[error("the proposals cannot be arbitrated: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<InputProblem>),
    /// Too many proposals for one arbitration.
    #[error("{0} proposals in one arbitration; at most {MAX_PROPOSALS}")]
    TooMany(usize),
}

/// The most proposals one arbitration takes.
pub const MAX_PROPOSALS: usize = 2_000;

/// The arbitration as a solver problem, with the rule behind each row.
#[derive(Debug, Clone)]
pub(crate) struct Model {
    pub rules: ArbitrationRules,
    pub envelope: u64,
    pub values: Vec<u64>,
    pub weights: Vec<Vec<(u32, u64)>>,
    pub proposals: Vec<ActionProposal>,
    pub orientations: Vec<u32>,
}

impl Model {
    /// The solver problem for the rules in `active`.
    pub fn problem(&self, active: &[ArbitrationRule]) -> solver::Problem {
        let n = self.proposals.len();
        let costs: Vec<u64> = self
            .proposals
            .iter()
            .map(|p| p.region_funding_eur)
            .collect();
        let budget = if active.contains(&ArbitrationRule::Envelope) {
            self.envelope
        } else {
            costs.iter().sum()
        };
        let mut rows = Vec::new();
        let mut covers = Vec::new();
        for rule in active {
            match *rule {
                ArbitrationRule::Envelope => {}
                ArbitrationRule::ServiceArea(area) => {
                    covers.push(
                        self.proposals
                            .iter()
                            .map(|p| p.themes.contains(&area))
                            .collect(),
                    );
                }
                ArbitrationRule::Cofunding => {
                    let pct = i64::from(self.rules.min_cofunding_percent);
                    rows.push(solver::Row {
                        coefs: self
                            .proposals
                            .iter()
                            .map(|p| pct * p.cost_eur as i64 - 100 * p.cofunding_eur as i64)
                            .collect(),
                        rhs: 0,
                    });
                }
                ArbitrationRule::OrientationCount(o) => rows.push(solver::Row {
                    coefs: (0..n).map(|i| i64::from(self.serves(i, o))).collect(),
                    rhs: i64::from(self.rules.max_actions_per_orientation),
                }),
                ArbitrationRule::OrientationShare(o) => rows.push(solver::Row {
                    coefs: (0..n)
                        .map(|i| {
                            if self.serves(i, o) {
                                100 * self.proposals[i].region_funding_eur as i64
                            } else {
                                0
                            }
                        })
                        .collect(),
                    rhs: (self.envelope * u64::from(self.rules.max_orientation_share_percent))
                        as i64,
                }),
            }
        }
        solver::Problem {
            values: self.values.clone(),
            costs,
            budget,
            rows,
            covers,
        }
    }

    /// Every rule of the arbitration, in a stable order.
    pub fn all_rules(&self) -> Vec<ArbitrationRule> {
        let mut all = vec![ArbitrationRule::Envelope];
        all.extend(
            self.rules
                .required_service_areas
                .iter()
                .map(|a| ArbitrationRule::ServiceArea(*a)),
        );
        all.push(ArbitrationRule::Cofunding);
        for &o in &self.orientations {
            all.push(ArbitrationRule::OrientationCount(o));
            all.push(ArbitrationRule::OrientationShare(o));
        }
        all
    }

    pub fn serves(&self, i: usize, orientation: u32) -> bool {
        self.weights[i].iter().any(|(o, _)| *o == orientation)
    }
}

/// Checks the proposals and builds the model of one arbitration.
fn model(
    rules: &GovernanceRuleset,
    roadmap: &Roadmap,
    site: &str,
    proposals: &[ActionProposal],
) -> Result<Model, ArbitrationError> {
    if proposals.len() > MAX_PROPOSALS {
        return Err(ArbitrationError::TooMany(proposals.len()));
    }
    let arbitration = rules.arbitration_for(roadmap.year)?;
    let mut problems = roadmap.check(&arbitration);
    problems.extend(check_proposals(proposals, roadmap, site));
    if !problems.is_empty() {
        return Err(ArbitrationError::Invalid(problems));
    }
    let envelope = arbitration.site_envelope_eur.of(site);
    let (values, weights): (Vec<u64>, Vec<Vec<(u32, u64)>>) = proposals
        .iter()
        .map(|p| proposal_value(p, roadmap, &arbitration))
        .unzip();
    let mut orientations: Vec<u32> = roadmap.orientations.iter().map(|o| o.number).collect();
    orientations.sort_unstable();
    Ok(Model {
        rules: arbitration,
        envelope,
        values,
        weights,
        proposals: proposals.to_vec(),
        orientations,
    })
}

/// Recommends the plan of `site` for `roadmap.year` among `proposals`.
pub fn arbitrate(
    rules: &GovernanceRuleset,
    roadmap: &Roadmap,
    site: &str,
    proposals: &[ActionProposal],
) -> Result<Recommendation, ArbitrationError> {
    let _span = tracing::info_span!(
        "arbitrate",
        site,
        year = roadmap.year,
        proposals = proposals.len()
    )
    .entered();
    let model = model(rules, roadmap, site, proposals)?;
    let all = model.all_rules();
    let problem = model.problem(&all);
    let recommendation = match solver::solve(&problem) {
        solver::Outcome::Optimal(solution) => {
            explain::optimal(&model, roadmap.year, site, &solution)
        }
        solver::Outcome::Infeasible => {
            let conflicts = diagnose::conflicting_rules(&model, &all);
            explain::infeasible(&model, roadmap.year, site, &conflicts)
        }
        solver::Outcome::Stopped(found) => {
            tracing::warn!(
                site,
                nodes = solver::MAX_NODES,
                "arbitration search stopped unproven"
            );
            let mut recommendation = match &found {
                Some(solution) => explain::optimal(&model, roadmap.year, site, solution),
                None => explain::infeasible(&model, roadmap.year, site, &[]),
            };
            recommendation.status = RecommendationStatus::Unproven;
            recommendation.explanation = match found {
                Some(_) => format!(
                    "The search stopped after {} nodes without proving this plan optimal: it is the best plan found, meeting every rule, value {}.",
                    solver::MAX_NODES,
                    recommendation.value
                ),
                None => format!(
                    "The search stopped after {} nodes without finding a plan that meets every rule, nor proving that none exists.",
                    solver::MAX_NODES
                ),
            };
            recommendation
        }
    };
    tracing::info!(
        status = ?recommendation.status,
        kept = recommendation.kept.len(),
        nodes = recommendation.nodes,
        "arbitration done"
    );
    Ok(recommendation)
}

/// Every rule checked on an arbitrary selection (`keep[i]` for
/// `proposals[i]`), e.g. the plan a steering committee decided.
pub fn check_plan(
    rules: &GovernanceRuleset,
    roadmap: &Roadmap,
    site: &str,
    proposals: &[ActionProposal],
    keep: &[bool],
) -> Result<Vec<RuleCheck>, ArbitrationError> {
    let model = model(rules, roadmap, site, proposals)?;
    assert_eq!(keep.len(), proposals.len(), "one keep flag per proposal");
    Ok(model
        .all_rules()
        .into_iter()
        .map(|rule| explain::check_rule(&model, keep, rule))
        .collect())
}

/// Arbitrates every site of `site_ids` on its own proposals among
/// `proposals` (the region's yearly arbitration), in the order of
/// `site_ids`.
///
/// The sites are independent: they are arbitrated on two threads (sites
/// taken in turn), and each answer is the one a lone call gives, so the
/// result does not depend on the threads.
pub fn arbitrate_network(
    rules: &GovernanceRuleset,
    roadmap: &Roadmap,
    site_ids: &[&str],
    proposals: &[ActionProposal],
) -> Vec<(String, Result<Recommendation, ArbitrationError>)> {
    let _span = tracing::info_span!("arbitrate_network", year = roadmap.year).entered();
    let one = |site: &str| {
        let own: Vec<ActionProposal> = proposals
            .iter()
            .filter(|p| p.site == site)
            .cloned()
            .collect();
        (site.to_owned(), arbitrate(rules, roadmap, site, &own))
    };
    if site_ids.len() < 2 {
        return site_ids.iter().map(|s| one(s)).collect();
    }
    let span = tracing::Span::current();
    let (odd, even) = std::thread::scope(|scope| {
        let helper = scope.spawn(|| {
            let _entered = span.enter();
            site_ids
                .iter()
                .skip(1)
                .step_by(2)
                .map(|s| one(s))
                .collect::<Vec<_>>()
        });
        let even: Vec<_> = site_ids.iter().step_by(2).map(|s| one(s)).collect();
        let odd = helper
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (odd, even)
    });
    let mut odd = odd.into_iter();
    let mut even = even.into_iter();
    (0..site_ids.len())
        .map(|k| if k % 2 == 0 { even.next() } else { odd.next() }.expect("one answer per site"))
        .collect()
}
