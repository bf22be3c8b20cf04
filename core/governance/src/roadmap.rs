//! The Commission's Roadmap (the regional orientations of a year, with their
//! priorities) and the technical committees' ActionProposals, with the checks
//! that make them fit for arbitration and the value the arbitration weighs.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::body::ServiceArea;
use crate::rules::{ArbitrationRules, MAX_EUROS};

/// The regional orientations decided by the June Commission for a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roadmap {
    /// The year the orientations are for.
    pub year: i16,
    /// The meeting of the Commission that decided it, when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    /// The orientations (axes).
    pub orientations: Vec<Orientation>,
}

/// One regional orientation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Orientation {
    /// Its number in the roadmap (1, 2, …), cited in explanations.
    pub number: u32,
    /// Title, in French.
    pub title: String,
    /// Priority, 1 being the highest.
    pub priority: u32,
}

impl Roadmap {
    /// The orientation numbered `number`.
    pub fn orientation(&self, number: u32) -> Option<&Orientation> {
        self.orientations.iter().find(|o| o.number == number)
    }

    /// Every problem of the roadmap under the arbitration rules: numbers
    /// repeated, priorities without a weight.
    pub fn check(&self, rules: &ArbitrationRules) -> Vec<InputProblem> {
        let mut problems = Vec::new();
        for (i, o) in self.orientations.iter().enumerate() {
            if self.orientations[..i].iter().any(|p| p.number == o.number) {
                problems.push(InputProblem::new(
                    format!("orientations[{i}].number"),
                    format!("orientation {} is listed twice", o.number),
                ));
            }
            if o.priority == 0 || o.priority as usize > rules.priority_weights.len() {
                problems.push(InputProblem::new(
                    format!("orientations[{i}].priority"),
                    format!(
                        "priority {} has no weight: governance.toml arbitration.priority_weights gives priorities 1 to {}",
                        o.priority,
                        rules.priority_weights.len()
                    ),
                ));
            }
        }
        problems
    }
}

/// An action proposed by a site's technical committee for its action plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionProposal {
    /// Identifier, unique among the proposals of a site and year.
    pub id: String,
    /// The site proposing it.
    pub site: String,
    /// The plan's year.
    pub year: i16,
    /// Title.
    pub title: String,
    /// Numbers of the roadmap orientations it serves.
    pub orientations: Vec<u32>,
    /// Service areas it serves.
    pub themes: Vec<ServiceArea>,
    /// The publics it addresses (job seekers, pupils…).
    #[serde(default)]
    pub publics: Vec<String>,
    /// Partner identifiers taking part.
    #[serde(default)]
    pub partners: Vec<String>,
    /// Expected participants.
    pub expected_participants: u32,
    /// Total cost, euros.
    pub cost_eur: u64,
    /// Funding asked of the Region, euros.
    pub region_funding_eur: u64,
    /// Funding from everyone else (host structure, partners), euros.
    pub cofunding_eur: u64,
}

/// One problem of an input (a roadmap, a proposal, a decision), with where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct InputProblem {
    /// Path inside the input (`proposals[3].cost_eur`).
    pub path: String,
    /// Why.
    pub reason: String,
}

impl InputProblem {
    pub(crate) fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        InputProblem {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

/// The weight of each orientation a proposal serves, and its value:
/// participants × the sum of the weights.
pub fn proposal_value(
    proposal: &ActionProposal,
    roadmap: &Roadmap,
    rules: &ArbitrationRules,
) -> (u64, Vec<(u32, u64)>) {
    let mut weights = Vec::new();
    let distinct: BTreeSet<u32> = proposal.orientations.iter().copied().collect();
    for number in distinct {
        if let Some(o) = roadmap.orientation(number) {
            let weight = rules
                .priority_weights
                .get(o.priority as usize - 1)
                .copied()
                .unwrap_or(0);
            weights.push((number, weight));
        }
    }
    let sum: u64 = weights.iter().map(|w| w.1).sum();
    (u64::from(proposal.expected_participants) * sum, weights)
}

/// Every problem of the proposals of one site and year, with its path.
pub fn check_proposals(
    proposals: &[ActionProposal],
    roadmap: &Roadmap,
    site: &str,
) -> Vec<InputProblem> {
    let mut problems = Vec::new();
    for (i, p) in proposals.iter().enumerate() {
        let at = |field: &str| format!("proposals[{i}].{field}");
        if proposals[..i].iter().any(|q| q.id == p.id) {
            problems.push(InputProblem::new(
                at("id"),
                format!("proposal `{}` is listed twice", p.id),
            ));
        }
        if p.site != site {
            problems.push(InputProblem::new(
                at("site"),
                format!("`{}` is not the site arbitrated (`{site}`)", p.site),
            ));
        }
        if p.year != roadmap.year {
            problems.push(InputProblem::new(
                at("year"),
                format!(
                    "the proposal is for {}, the roadmap for {}",
                    p.year, roadmap.year
                ),
            ));
        }
        for (j, number) in p.orientations.iter().enumerate() {
            if roadmap.orientation(*number).is_none() {
                problems.push(InputProblem::new(
                    at(&format!("orientations[{j}]")),
                    format!("the {} roadmap has no orientation {number}", roadmap.year),
                ));
            }
        }
        if p.themes.is_empty() {
            problems.push(InputProblem::new(
                at("themes"),
                "an action serves at least one of guidance, training, employment",
            ));
        }
        if p.region_funding_eur == 0 {
            // An action that asks the Region nothing has nothing to be
            // arbitrated; it also keeps every kept action's cost positive,
            // which the arbitration's tie-break relies on.
            problems.push(InputProblem::new(
                at("region_funding_eur"),
                "an action proposed for arbitration asks the Region at least 1 euro",
            ));
        }
        if p.cost_eur > MAX_EUROS {
            problems.push(InputProblem::new(
                at("cost_eur"),
                format!("amounts are limited to {MAX_EUROS} euros"),
            ));
        } else if p.region_funding_eur.checked_add(p.cofunding_eur) != Some(p.cost_eur) {
            problems.push(InputProblem::new(
                at("cost_eur"),
                format!(
                    "the cost ({} €) is not the Region's funding ({} €) plus the co-funding ({} €)",
                    p.cost_eur, p.region_funding_eur, p.cofunding_eur
                ),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::GovernanceRuleset;

    fn roadmap() -> Roadmap {
        Roadmap {
            year: 2010,
            decided_by: None,
            orientations: vec![
                Orientation {
                    number: 1,
                    title: "Jeunes".to_owned(),
                    priority: 1,
                },
                Orientation {
                    number: 2,
                    title: "Seniors".to_owned(),
                    priority: 3,
                },
            ],
        }
    }

    fn proposal() -> ActionProposal {
        ActionProposal {
            id: "p1".to_owned(),
            site: "sedan".to_owned(),
            year: 2010,
            title: "Forum".to_owned(),
            orientations: vec![1, 2, 2],
            themes: vec![ServiceArea::Employment],
            publics: vec![],
            partners: vec![],
            expected_participants: 100,
            cost_eur: 10_000,
            region_funding_eur: 6_000,
            cofunding_eur: 4_000,
        }
    }

    #[test]
    fn the_value_counts_each_orientation_once_with_its_priority_weight() {
        let rules = GovernanceRuleset::champagne_ardenne()
            .arbitration_for(2010)
            .unwrap();
        let (value, weights) = proposal_value(&proposal(), &roadmap(), &rules);
        assert_eq!(weights, vec![(1, 3), (2, 1)]);
        assert_eq!(value, 400);
    }

    #[test]
    fn every_problem_of_a_proposal_is_reported_with_its_path() {
        let mut p = proposal();
        p.orientations = vec![7];
        p.themes.clear();
        p.region_funding_eur = 0;
        p.year = 2011;
        let problems = check_proposals(&[p.clone(), p], &roadmap(), "sedan");
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert!(paths.contains(&"proposals[0].orientations[0]"), "{paths:?}");
        assert!(paths.contains(&"proposals[0].themes"));
        assert!(paths.contains(&"proposals[0].region_funding_eur"));
        assert!(paths.contains(&"proposals[0].cost_eur"));
        assert!(paths.contains(&"proposals[0].year"));
        assert!(paths.contains(&"proposals[1].id"));
    }
}
