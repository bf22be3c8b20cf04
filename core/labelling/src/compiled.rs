//! The criteria in force on one day, compiled once for judging many
//! applications.
//!
//! Each criterion's condition becomes a flat [`Program`]: its parts laid out
//! in one array in the order they are read, facts named by position, every
//! `all` and `any` knowing where its parts end so that it can stop at the
//! first part that decides. [`Judging`] keeps these programs beside the
//! criteria and the fact declarations they came from, behind one shared
//! pointer, so that an evaluation's results refer to them instead of copying
//! labels or writing sentences: a sentence is written when someone reads it.

use std::sync::Arc;

use crate::condition::{
    Condition, FactSlots, Op, Verdict, compare_verdict, contains_verdict, from_bool, in_verdict,
    is_true_verdict, slot,
};
use crate::facts::{FactDecl, FactValue};
use crate::specification::Criterion;

/// One part of a compiled condition.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// Every part up to `end` (excluded) holds.
    All { end: u32 },
    /// At least one part up to `end` (excluded) holds.
    Any { end: u32 },
    /// The part that follows does not hold.
    Not,
    /// The fact compared with a value.
    Compare { op: Op, fact: u32, value: FactValue },
    /// The fact is one of the values.
    In { fact: u32, values: Box<[FactValue]> },
    /// The list fact holds every one of the values.
    Contains { fact: u32, values: Box<[String]> },
    /// The yes/no fact is yes.
    IsTrue { fact: u32 },
    /// The fact is stated.
    Present { fact: u32 },
}

/// A condition laid out flat, in the order its parts are read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Program {
    steps: Box<[Step]>,
}

/// A fact position as a program holds it. Specifications declare tens of
/// facts; a position beyond `u32` cannot come from a file that loads.
fn position(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

impl Program {
    /// Lays out `condition`.
    pub(crate) fn compile(condition: &Condition) -> Program {
        let mut steps = Vec::new();
        lay_out(condition, &mut steps);
        Program {
            steps: steps.into_boxed_slice(),
        }
    }

    /// The verdict on the facts; the same as [`Condition::judge`] on the
    /// condition it was compiled from.
    pub(crate) fn judge(&self, facts: &FactSlots) -> Verdict {
        self.run(0, facts).0
    }

    /// The verdict of the part at `at`, and where the next part starts.
    fn run(&self, at: usize, facts: &FactSlots) -> (Verdict, usize) {
        let fact = |i: &u32| slot(facts, *i as usize);
        let verdict = match &self.steps[at] {
            Step::All { end } | Step::Any { end } => {
                let end = *end as usize;
                // `all` stops at a part not met, `any` at a part met; a
                // missing fact only counts when nothing decided.
                let (decisive, otherwise) = if matches!(self.steps[at], Step::All { .. }) {
                    (Verdict::NotMet, Verdict::Met)
                } else {
                    (Verdict::Met, Verdict::NotMet)
                };
                let mut unknown = false;
                let mut next = at + 1;
                while next < end {
                    let (verdict, after) = self.run(next, facts);
                    if verdict == decisive {
                        return (decisive, end);
                    }
                    unknown |= verdict == Verdict::Unknown;
                    next = after;
                }
                return (if unknown { Verdict::Unknown } else { otherwise }, end);
            }
            Step::Not => {
                let (verdict, after) = self.run(at + 1, facts);
                let negated = match verdict {
                    Verdict::Met => Verdict::NotMet,
                    Verdict::NotMet => Verdict::Met,
                    Verdict::Unknown => Verdict::Unknown,
                };
                return (negated, after);
            }
            Step::Compare { op, fact: i, value } => compare_verdict(*op, fact(i), value),
            Step::In { fact: i, values } => in_verdict(fact(i), values),
            Step::Contains { fact: i, values } => contains_verdict(fact(i), values),
            Step::IsTrue { fact: i } => is_true_verdict(fact(i)),
            Step::Present { fact: i } => from_bool(fact(i).is_some()),
        };
        (verdict, at + 1)
    }
}

fn lay_out(condition: &Condition, steps: &mut Vec<Step>) {
    match condition {
        Condition::All(parts) | Condition::Any(parts) => {
            let at = steps.len();
            steps.push(Step::Not);
            for part in parts {
                lay_out(part, steps);
            }
            let end = position(steps.len());
            steps[at] = if matches!(condition, Condition::All(_)) {
                Step::All { end }
            } else {
                Step::Any { end }
            };
        }
        Condition::Not(inner) => {
            steps.push(Step::Not);
            lay_out(inner, steps);
        }
        Condition::Compare { op, fact, value } => steps.push(Step::Compare {
            op: *op,
            fact: position(fact.index),
            value: value.clone(),
        }),
        Condition::In { fact, values } => steps.push(Step::In {
            fact: position(fact.index),
            values: values.clone().into_boxed_slice(),
        }),
        Condition::Contains { fact, values } => steps.push(Step::Contains {
            fact: position(fact.index),
            values: values.clone().into_boxed_slice(),
        }),
        Condition::IsTrue(fact) => steps.push(Step::IsTrue {
            fact: position(fact.index),
        }),
        Condition::Present(fact) => steps.push(Step::Present {
            fact: position(fact.index),
        }),
    }
}

/// The criteria in force on one day with their programs, and the fact
/// declarations: what an evaluation's results point to.
#[derive(Debug)]
pub(crate) struct Judging {
    /// The specification's fact declarations.
    pub(crate) facts: Box<[FactDecl]>,
    /// The criteria in force, sorted by id.
    pub(crate) criteria: Box<[Criterion]>,
    /// The program of each criterion, in the same order.
    pub(crate) programs: Box<[Program]>,
    /// The facts each criterion reads, in the order it reads them, once.
    pub(crate) reads: Box<[Box<[usize]>]>,
}

impl Judging {
    /// Compiles the criteria in force (already sorted) over `facts`.
    pub(crate) fn new(facts: &[FactDecl], criteria: &[&Criterion]) -> Arc<Judging> {
        let mut read = Vec::new();
        Arc::new(Judging {
            facts: facts.into(),
            criteria: criteria.iter().map(|&c| c.clone()).collect(),
            programs: criteria
                .iter()
                .map(|c| Program::compile(&c.condition))
                .collect(),
            reads: criteria
                .iter()
                .map(|c| {
                    read.clear();
                    c.condition.facts(&mut read);
                    read.as_slice().into()
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::condition::FactRef;

    fn fact(index: usize) -> FactRef {
        FactRef {
            index,
            id: format!("f{index}"),
        }
    }

    #[test]
    fn a_program_judges_as_its_condition_on_every_combination() {
        // Two numbers and a yes/no, each stated low, high or missing, under
        // nested all / any / not: every three-valued path is taken.
        let ge = |i: usize, n: f64| Condition::Compare {
            op: Op::Ge,
            fact: fact(i),
            value: FactValue::Number(n),
        };
        let conditions = [
            Condition::All(vec![ge(0, 5.0), Condition::IsTrue(fact(2))]),
            Condition::Any(vec![
                ge(0, 5.0),
                Condition::Not(Box::new(Condition::All(vec![
                    ge(1, 3.0),
                    Condition::Present(fact(2)),
                ]))),
            ]),
            Condition::Not(Box::new(Condition::Any(vec![
                Condition::All(vec![ge(1, 3.0), ge(0, 1.0)]),
                Condition::IsTrue(fact(2)),
            ]))),
            Condition::In {
                fact: fact(0),
                values: vec![FactValue::Number(1.0), FactValue::Number(9.0)],
            },
        ];
        let numbers = [
            None,
            Some(FactValue::Number(1.0)),
            Some(FactValue::Number(9.0)),
        ];
        let flags = [
            None,
            Some(FactValue::Bool(false)),
            Some(FactValue::Bool(true)),
        ];
        for condition in &conditions {
            let program = Program::compile(condition);
            for a in &numbers {
                for b in &numbers {
                    for c in &flags {
                        let facts = [a.clone(), b.clone(), c.clone()];
                        assert_eq!(
                            program.judge(&facts),
                            condition.judge(&facts),
                            "{condition:?} on {facts:?}"
                        );
                    }
                }
            }
        }
    }
}
