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

/// How many criteria of one level came back met, not met and unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LevelCounts {
    /// Met.
    pub met: usize,
    /// Not met.
    pub not_met: usize,
    /// Unknown, a fact being missing.
    pub unknown: usize,
}

/// The verdicts of an evaluation counted by level, so that a reader sees at
/// a glance how far an application is from the label.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// The required criteria.
    pub required: LevelCounts,
    /// The recommended criteria.
    pub recommended: LevelCounts,
}

/// `required: 13 met, 1 not met, 0 unknown; recommended: 2 met, 0 not met,
/// 0 unknown`.
impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (name, c)) in [
            ("required", self.required),
            ("recommended", self.recommended),
        ]
        .into_iter()
        .enumerate()
        {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(
                f,
                "{name}: {} met, {} not met, {} unknown",
                c.met, c.not_met, c.unknown
            )?;
        }
        Ok(())
    }
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

    /// The verdicts counted by level.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for c in &self.criteria {
            let level = match c.level() {
                Level::Required => &mut counts.required,
                Level::Recommended => &mut counts.recommended,
            };
            match c.verdict {
                Verdict::Met => level.met += 1,
                Verdict::NotMet => level.not_met += 1,
                Verdict::Unknown => level.unknown += 1,
            }
        }
        counts
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

    /// The whole evaluation as a text for a reader: the summary, the counts
    /// by level, then one line per criterion.
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
        let _ = writeln!(out, "  {}", self.counts());
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
        let summary = summary(
            outcome,
            judging
                .criteria
                .iter()
                .zip(&criteria)
                .map(|(c, r)| (&*c.id, c.level, r.verdict)),
        );
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

/// The outcome in a sentence, from each criterion's id, level and verdict.
/// It is written for every evaluation, so it is written straight into one
/// string.
fn summary<'a, I>(outcome: Outcome, criteria: I) -> String
where
    I: Iterator<Item = (&'a str, Level, Verdict)> + Clone,
{
    let matching = move |level: Level, verdict: Verdict| {
        criteria
            .clone()
            .filter(move |c| c.1 == level && c.2 == verdict)
            .map(|c| c.0)
    };
    let list = |out: &mut String, level: Level, verdict: Verdict| {
        for (i, id) in matching(level, verdict).enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(id);
        }
    };
    let required = matching(Level::Required, Verdict::Met).count()
        + matching(Level::Required, Verdict::NotMet).count()
        + matching(Level::Required, Verdict::Unknown).count();
    let not_met = matching(Level::Required, Verdict::NotMet).count();
    let unknown = matching(Level::Required, Verdict::Unknown).count();
    let recommended_not_met = matching(Level::Recommended, Verdict::NotMet).count();
    let mut out = String::with_capacity(128);
    match outcome {
        Outcome::Eligible => {
            let _ = write!(out, "Eligible: the {required} required criteria are met");
        }
        Outcome::NotEligible => {
            let _ = write!(
                out,
                "Not eligible: {not_met} of the {required} required criteria not met ("
            );
            list(&mut out, Level::Required, Verdict::NotMet);
            out.push(')');
        }
        Outcome::Incomplete => {
            let _ = write!(
                out,
                "Incomplete: no required criterion fails, but {unknown} of {required} cannot \
                 be judged for missing facts ("
            );
            list(&mut out, Level::Required, Verdict::Unknown);
            out.push(')');
        }
    }
    if outcome == Outcome::NotEligible && unknown > 0 {
        let _ = write!(out, "; {unknown} more cannot be judged for missing facts (");
        list(&mut out, Level::Required, Verdict::Unknown);
        out.push(')');
    }
    if recommended_not_met > 0 {
        out.push_str("; recommended but not met: ");
        list(&mut out, Level::Recommended, Verdict::NotMet);
    }
    out
}
