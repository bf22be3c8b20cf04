//! Judging an application's facts against the criteria in force, with the
//! explanation a Commission member reads.
//!
//! Every criterion comes back met, not met or unknown, never only the first
//! failure: the Commission sees the whole application at once. Each result
//! carries a sentence and the values it read, and the whole [`Evaluation`]
//! serialises to JSON with the same content. The evaluation says which rules
//! judged it ([`Pin`]): stored with the application, it is never silently
//! re-judged by a later version of the specification.

use std::fmt::Write as _;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::condition::{FactSlots, Verdict};
use crate::criterion_result::Judged;
pub use crate::criterion_result::{CriterionResult, UsedValue};
use crate::specification::{InForce, Level, Pin};

/// What an application is worth against the required criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every required criterion is met.
    Eligible,
    /// At least one required criterion is not met.
    NotEligible,
    /// No required criterion fails, but some cannot be judged: facts are
    /// missing.
    Incomplete,
}

/// An application judged against a specification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Which rules judged it.
    pub pin: Pin,
    /// Eligible, not eligible or incomplete.
    pub outcome: Outcome,
    /// The outcome in a sentence.
    pub summary: String,
    /// Every criterion in force, sorted by id.
    pub criteria: Vec<CriterionResult>,
}

/// The verdicts alone, for judging many applications fast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// Eligible, not eligible or incomplete.
    pub outcome: Outcome,
    /// One verdict per criterion in force, in the order of
    /// [`InForce::criteria`].
    pub verdicts: Vec<Verdict>,
}

impl Evaluation {
    /// The criteria not met, required first.
    pub fn failures(&self) -> impl Iterator<Item = &CriterionResult> {
        let by_level = |level| {
            self.criteria
                .iter()
                .filter(move |c| c.verdict == Verdict::NotMet && c.level() == level)
        };
        by_level(Level::Required).chain(by_level(Level::Recommended))
    }

    /// The criteria that cannot be judged, a fact being missing.
    pub fn unknowns(&self) -> impl Iterator<Item = &CriterionResult> {
        self.criteria
            .iter()
            .filter(|c| c.verdict == Verdict::Unknown)
    }

    /// The facts whose absence leaves a required criterion unknown, sorted
    /// and once each.
    pub fn missing_required_facts(&self) -> Vec<Arc<str>> {
        let mut missing: Vec<Arc<str>> = self
            .unknowns()
            .filter(|c| c.level() == Level::Required)
            .flat_map(|c| c.missing_facts())
            .collect();
        missing.sort();
        missing.dedup();
        missing
    }

    /// The whole evaluation as a text for a reader: the summary, then one
    /// line per criterion.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} — rules of {} (ruleset {} {}), {}",
            self.summary,
            self.pin.day,
            self.pin.ruleset,
            self.pin.ruleset_version,
            self.pin.specification
        );
        for c in &self.criteria {
            let mark = match c.verdict {
                Verdict::Met => "met    ",
                Verdict::NotMet => "NOT MET",
                Verdict::Unknown => "unknown",
            };
            let level = match c.level() {
                Level::Required => "required",
                Level::Recommended => "recommended",
            };
            let _ = write!(out, "  [{mark}] {} ({level}): ", c.id());
            c.write_explanation(&mut out);
            out.push('\n');
        }
        out
    }
}

impl InForce<'_> {
    /// The verdicts on the facts, without explanations.
    pub fn judge(&self, facts: &FactSlots) -> Judgement {
        let judging = &self.judging;
        let mut verdicts = Vec::with_capacity(judging.criteria.len());
        let mut tally = Tally::default();
        for (criterion, program) in judging.criteria.iter().zip(&judging.programs) {
            let verdict = program.judge(facts);
            tally.count(criterion.level, verdict);
            verdicts.push(verdict);
        }
        Judgement {
            outcome: tally.outcome(),
            verdicts,
        }
    }

    /// Every criterion judged on the facts, with what explains it: the
    /// sentence of each is written when it is read or serialised.
    pub fn evaluate(&self, facts: &FactSlots) -> Evaluation {
        let judging = &self.judging;
        // The results share the facts as judged, so that each one can
        // explain itself later without a copy of its own.
        let judged = Arc::new(Judged {
            judging: Arc::clone(judging),
            facts: facts.into(),
        });
        let mut tally = Tally::default();
        let criteria: Vec<CriterionResult> = judging
            .criteria
            .iter()
            .zip(&judging.programs)
            .enumerate()
            .map(|(at, (criterion, program))| {
                let verdict = program.judge(facts);
                debug_assert_eq!(verdict, criterion.condition.judge(facts));
                tally.count(criterion.level, verdict);
                CriterionResult::judged(Arc::clone(&judged), at, verdict)
            })
            .collect();
        let outcome = tally.outcome();
        let summary = summary(outcome, &criteria);
        Evaluation {
            pin: self.pin.clone(),
            outcome,
            summary,
            criteria,
        }
    }
}

#[derive(Default)]
struct Tally {
    required_not_met: usize,
    required_unknown: usize,
}

impl Tally {
    fn count(&mut self, level: Level, verdict: Verdict) {
        if level == Level::Required {
            match verdict {
                Verdict::NotMet => self.required_not_met += 1,
                Verdict::Unknown => self.required_unknown += 1,
                Verdict::Met => {}
            }
        }
    }

    fn outcome(&self) -> Outcome {
        if self.required_not_met > 0 {
            Outcome::NotEligible
        } else if self.required_unknown > 0 {
            Outcome::Incomplete
        } else {
            Outcome::Eligible
        }
    }
}

fn summary(outcome: Outcome, criteria: &[CriterionResult]) -> String {
    let ids = |level: Level, verdict: Verdict| -> Vec<&str> {
        criteria
            .iter()
            .filter(|c| c.level() == level && c.verdict == verdict)
            .map(CriterionResult::id)
            .collect()
    };
    let required = criteria
        .iter()
        .filter(|c| c.level() == Level::Required)
        .count();
    let not_met = ids(Level::Required, Verdict::NotMet);
    let unknown = ids(Level::Required, Verdict::Unknown);
    let recommended_not_met = ids(Level::Recommended, Verdict::NotMet);
    let mut out = match outcome {
        Outcome::Eligible => format!("Eligible: the {required} required criteria are met"),
        Outcome::NotEligible => format!(
            "Not eligible: {} of the {required} required criteria not met ({})",
            not_met.len(),
            not_met.join(", ")
        ),
        Outcome::Incomplete => format!(
            "Incomplete: no required criterion fails, but {} of {required} cannot be judged \
             for missing facts ({})",
            unknown.len(),
            unknown.join(", ")
        ),
    };
    if outcome == Outcome::NotEligible && !unknown.is_empty() {
        let _ = write!(
            out,
            "; {} more cannot be judged for missing facts ({})",
            unknown.len(),
            unknown.join(", ")
        );
    }
    if !recommended_not_met.is_empty() {
        let _ = write!(
            out,
            "; recommended but not met: {}",
            recommended_not_met.join(", ")
        );
    }
    out
}
