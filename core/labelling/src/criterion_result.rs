//! The verdict on one criterion, with everything that explains it.
//!
//! A result judged here keeps a pointer to the compiled criteria and to the
//! application's facts as judged — no label copied, no sentence written —
//! and writes its sentence when it is read ([`CriterionResult::explanation`],
//! `Display`) or serialised. Judging ten thousand applications thus costs
//! the verdicts, not half a million sentences nobody reads; the sentence a
//! reader gets is the same either way.
//!
//! A result read back from JSON (an evaluation stored in the journal) has no
//! compiled criterion behind it: it keeps the texts it was stored with, and
//! serialises to the same bytes.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::compiled::Judging;
use crate::condition::Verdict;
use crate::facts::FactValue;
use crate::specification::{Criterion, Level};

/// A fact a criterion read, with its value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsedValue {
    /// The fact's id.
    pub fact: Arc<str>,
    /// The fact's French label.
    pub label: Arc<str>,
    /// The unit of a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Arc<str>>,
    /// The value stated; absent when the application does not state it.
    #[serde(default)]
    pub value: Option<FactValue>,
}

/// The verdict on one criterion, with its explanation.
#[derive(Clone)]
pub struct CriterionResult {
    /// Met, not met or unknown.
    pub verdict: Verdict,
    basis: Basis,
}

/// What a result explains itself from.
#[derive(Clone)]
enum Basis {
    /// Judged here: the criterion at `at` of the compiled criteria, on the
    /// facts of the application.
    Judged { judged: Arc<Judged>, at: usize },
    /// Read back from JSON.
    Stored(Box<Stored>),
}

/// One application judged: the compiled criteria and the facts they read,
/// shared by every result of the evaluation.
#[derive(Debug)]
pub(crate) struct Judged {
    pub(crate) judging: Arc<Judging>,
    pub(crate) facts: Box<[Option<FactValue>]>,
}

/// A result as JSON holds it: the field order is the JSON's.
#[derive(Clone, Serialize, Deserialize)]
struct Stored {
    id: Arc<str>,
    label: Arc<str>,
    source: Arc<str>,
    level: Level,
    regional_choice: bool,
    verdict: Verdict,
    explanation: String,
    values: Vec<UsedValue>,
}

/// A result written as JSON, borrowing what it can.
#[derive(Serialize)]
struct Wire<'a> {
    id: &'a str,
    label: &'a str,
    source: &'a str,
    level: Level,
    regional_choice: bool,
    verdict: Verdict,
    explanation: String,
    values: Vec<UsedValue>,
}

impl CriterionResult {
    /// A result judged on `judged`, for the criterion at `at`.
    pub(crate) fn judged(judged: Arc<Judged>, at: usize, verdict: Verdict) -> CriterionResult {
        CriterionResult {
            verdict,
            basis: Basis::Judged { judged, at },
        }
    }

    /// The criterion that judged, when the result was judged here rather
    /// than read back from JSON.
    pub fn criterion(&self) -> Option<&Criterion> {
        match &self.basis {
            Basis::Judged { judged, at } => Some(&judged.judging.criteria[*at]),
            Basis::Stored(_) => None,
        }
    }

    /// The criterion's id.
    pub fn id(&self) -> &str {
        match &self.basis {
            Basis::Judged { judged, at } => &judged.judging.criteria[*at].id,
            Basis::Stored(stored) => &stored.id,
        }
    }

    /// What the criterion asks, in French.
    pub fn label(&self) -> &str {
        match &self.basis {
            Basis::Judged { judged, at } => &judged.judging.criteria[*at].label,
            Basis::Stored(stored) => &stored.label,
        }
    }

    /// Where the criterion comes from.
    pub fn source(&self) -> &str {
        match &self.basis {
            Basis::Judged { judged, at } => &judged.judging.criteria[*at].source,
            Basis::Stored(stored) => &stored.source,
        }
    }

    /// Required or recommended.
    pub fn level(&self) -> Level {
        match &self.basis {
            Basis::Judged { judged, at } => judged.judging.criteria[*at].level,
            Basis::Stored(stored) => stored.level,
        }
    }

    /// Whether the criterion's threshold is a regional choice.
    pub fn regional_choice(&self) -> bool {
        match &self.basis {
            Basis::Judged { judged, at } => judged.judging.criteria[*at].regional_choice,
            Basis::Stored(stored) => stored.regional_choice,
        }
    }

    /// Why, in a sentence, e.g. "Not met: « Heures d'ouverture » is 10
    /// h/semaine, but must be at least 15 h/semaine."
    pub fn explanation(&self) -> String {
        let mut out = String::with_capacity(160);
        self.write_explanation(&mut out);
        out
    }

    /// Writes the sentence of [`CriterionResult::explanation`] into `out`.
    pub fn write_explanation(&self, out: &mut String) {
        match &self.basis {
            Basis::Judged { judged, at } => {
                out.push_str(match self.verdict {
                    Verdict::Met => "Met: ",
                    Verdict::NotMet => "Not met: ",
                    Verdict::Unknown => "Cannot be judged: ",
                });
                judged.judging.criteria[*at].condition.explain(
                    self.verdict,
                    &judged.facts,
                    &judged.judging.facts,
                    out,
                );
                out.push('.');
            }
            Basis::Stored(stored) => out.push_str(&stored.explanation),
        }
    }

    /// The facts the criterion read, in the order it read them, with their
    /// values.
    pub fn values(&self) -> Vec<UsedValue> {
        match &self.basis {
            Basis::Judged { judged, at } => judged.judging.reads[*at]
                .iter()
                .map(|&i| {
                    let decl = &judged.judging.facts[i];
                    UsedValue {
                        fact: decl.id.clone(),
                        label: decl.label.clone(),
                        unit: decl.unit.clone(),
                        value: judged.facts.get(i).cloned().flatten(),
                    }
                })
                .collect(),
            Basis::Stored(stored) => stored.values.clone(),
        }
    }

    /// The ids of the facts the criterion read that the application does
    /// not state.
    pub fn missing_facts(&self) -> Vec<Arc<str>> {
        match &self.basis {
            Basis::Judged { judged, at } => judged.judging.reads[*at]
                .iter()
                .filter(|&&i| judged.facts.get(i).is_none_or(Option::is_none))
                .map(|&i| judged.judging.facts[i].id.clone())
                .collect(),
            Basis::Stored(stored) => stored
                .values
                .iter()
                .filter(|v| v.value.is_none())
                .map(|v| v.fact.clone())
                .collect(),
        }
    }
}

/// The explanation sentence.
impl fmt::Display for CriterionResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.explanation())
    }
}

impl fmt::Debug for CriterionResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CriterionResult")
            .field("id", &self.id())
            .field("level", &self.level())
            .field("verdict", &self.verdict)
            .field("explanation", &self.explanation())
            .field("values", &self.values())
            .finish_non_exhaustive()
    }
}

/// Two results are equal when they read the same: a result judged here
/// equals itself read back from JSON.
impl PartialEq for CriterionResult {
    fn eq(&self, other: &CriterionResult) -> bool {
        self.verdict == other.verdict
            && self.id() == other.id()
            && self.label() == other.label()
            && self.source() == other.source()
            && self.level() == other.level()
            && self.regional_choice() == other.regional_choice()
            && self.values() == other.values()
            && self.explanation() == other.explanation()
    }
}

impl Serialize for CriterionResult {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Wire {
            id: self.id(),
            label: self.label(),
            source: self.source(),
            level: self.level(),
            regional_choice: self.regional_choice(),
            verdict: self.verdict,
            explanation: self.explanation(),
            values: self.values(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for CriterionResult {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = Stored::deserialize(deserializer)?;
        Ok(CriterionResult {
            verdict: stored.verdict,
            basis: Basis::Stored(Box::new(stored)),
        })
    }
}
