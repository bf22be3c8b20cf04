//! Conditions over an application's facts: typed comparisons combined with
//! all / any / not, as the ruleset writes them and as they are judged.
//!
//! A condition is written in the ruleset as a small tree
//! ([`ConditionSpec`]) and compiled against the specification's fact
//! declarations into a [`Condition`] whose every leaf points at a declared
//! fact and holds a value of that fact's type. Compilation reports every
//! problem with its path; a compiled condition cannot meet a type error.
//!
//! Judging uses three values: met, not met, and unknown when a fact the
//! answer depends on is missing. `all` is not met as soon as one part is not
//! met, `any` is met as soon as one part is met, whatever the order of the
//! parts; only then does a missing fact make the answer unknown.

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::facts::{FactDecl, FactType, FactValue, parse_day};

/// A condition as the ruleset writes it.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ConditionSpec {
    /// Every part holds.
    All(Vec<ConditionSpec>),
    /// At least one part holds.
    Any(Vec<ConditionSpec>),
    /// The part does not hold.
    Not(Box<ConditionSpec>),
    /// The fact equals the value (a list: its number of elements).
    Eq(ComparisonSpec),
    /// The fact differs from the value.
    Ne(ComparisonSpec),
    /// The fact is at least the value.
    Ge(ComparisonSpec),
    /// The fact is at most the value.
    Le(ComparisonSpec),
    /// The fact is more than the value.
    Gt(ComparisonSpec),
    /// The fact is less than the value.
    Lt(ComparisonSpec),
    /// The fact is one of the values.
    In(MembershipSpec),
    /// The list fact holds every one of the values.
    Contains(MembershipSpec),
    /// The yes/no fact is yes.
    IsTrue(String),
    /// The fact is stated, whatever its value.
    Present(String),
}

/// A fact compared with one value.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComparisonSpec {
    /// The fact's id.
    pub fact: String,
    /// The value, of the fact's type (a count for a list).
    #[schemars(with = "SpecValue")]
    pub value: toml::Value,
}

/// A fact checked against a set of values.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipSpec {
    /// The fact's id.
    pub fact: String,
    /// The values.
    #[schemars(with = "Vec<SpecValue>")]
    pub values: Vec<toml::Value>,
}

/// What a value in a condition may be, for the published JSON Schema: the
/// condition is read as TOML, whose values are typed against the fact at
/// load, so the schema only says which shapes can be written.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum SpecValue {
    /// A yes/no fact's value.
    Bool(bool),
    /// A number, or a count of a list's elements.
    Number(f64),
    /// A text, a code or a day written `YYYY-MM-DD`.
    Text(String),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Greater or equal.
    Ge,
    /// Less or equal.
    Le,
    /// Greater.
    Gt,
    /// Less.
    Lt,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::Ge => "ge",
            Op::Le => "le",
            Op::Gt => "gt",
            Op::Lt => "lt",
        }
    }

    pub(crate) fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Op::Eq => ordering == Equal,
            Op::Ne => ordering != Equal,
            Op::Ge => ordering != Less,
            Op::Le => ordering != Greater,
            Op::Gt => ordering == Greater,
            Op::Lt => ordering == Less,
        }
    }

    /// The requirement in words, e.g. "at least".
    pub(crate) fn words(self) -> &'static str {
        match self {
            Op::Eq => "exactly",
            Op::Ne => "anything but",
            Op::Ge => "at least",
            Op::Le => "at most",
            Op::Gt => "more than",
            Op::Lt => "less than",
        }
    }
}

/// The answer to a condition or a criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The condition holds.
    Met,
    /// The condition does not hold.
    NotMet,
    /// A fact the answer depends on is missing.
    Unknown,
}

/// A reference to a declared fact, by position in the specification.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct FactRef {
    #[serde(skip)]
    pub(crate) index: usize,
    /// The fact's id.
    pub id: String,
}

/// A condition checked against the fact declarations.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Every part holds.
    All(Vec<Condition>),
    /// At least one part holds.
    Any(Vec<Condition>),
    /// The part does not hold.
    Not(Box<Condition>),
    /// The fact compared with a value of its type; on a list, its length
    /// compared with a count.
    Compare {
        /// The operator.
        op: Op,
        /// The fact.
        fact: FactRef,
        /// The value.
        value: FactValue,
    },
    /// The fact is one of the values.
    In {
        /// The fact.
        fact: FactRef,
        /// The accepted values.
        values: Vec<FactValue>,
    },
    /// The list fact holds every one of the values.
    Contains {
        /// The fact.
        fact: FactRef,
        /// The values it must hold.
        values: Vec<String>,
    },
    /// The yes/no fact is yes.
    IsTrue(FactRef),
    /// The fact is stated.
    Present(FactRef),
}

/// The facts of one application, by position of their declaration.
pub type FactSlots = [Option<FactValue>];

impl ConditionSpec {
    /// Compiles the condition against the declarations, pushing every
    /// problem (path inside the condition, reason) into `problems`.
    pub(crate) fn compile(
        &self,
        facts: &[FactDecl],
        index: &HashMap<&str, usize>,
        path: &str,
        problems: &mut Vec<(String, String)>,
    ) -> Option<Condition> {
        let resolve =
            |id: &str, at: String, problems: &mut Vec<(String, String)>| match index.get(id) {
                Some(&i) => Some((
                    FactRef {
                        index: i,
                        id: id.to_owned(),
                    },
                    &facts[i],
                )),
                None => {
                    problems.push((
                        at,
                        format!("`{id}` is not a fact declared by this specification"),
                    ));
                    None
                }
            };
        match self {
            ConditionSpec::All(parts) | ConditionSpec::Any(parts) => {
                let word = if matches!(self, ConditionSpec::All(_)) {
                    "all"
                } else {
                    "any"
                };
                if parts.is_empty() {
                    problems.push((
                        format!("{path}.{word}"),
                        format!("`{word}` needs at least one condition"),
                    ));
                    return None;
                }
                let compiled: Vec<Option<Condition>> = parts
                    .iter()
                    .enumerate()
                    .map(|(i, p)| p.compile(facts, index, &format!("{path}.{word}[{i}]"), problems))
                    .collect();
                let compiled: Option<Vec<Condition>> = compiled.into_iter().collect();
                let compiled = compiled?;
                Some(if word == "all" {
                    Condition::All(compiled)
                } else {
                    Condition::Any(compiled)
                })
            }
            ConditionSpec::Not(inner) => inner
                .compile(facts, index, &format!("{path}.not"), problems)
                .map(|c| Condition::Not(Box::new(c))),
            ConditionSpec::Eq(c) => compile_comparison(Op::Eq, c, path, problems, resolve),
            ConditionSpec::Ne(c) => compile_comparison(Op::Ne, c, path, problems, resolve),
            ConditionSpec::Ge(c) => compile_comparison(Op::Ge, c, path, problems, resolve),
            ConditionSpec::Le(c) => compile_comparison(Op::Le, c, path, problems, resolve),
            ConditionSpec::Gt(c) => compile_comparison(Op::Gt, c, path, problems, resolve),
            ConditionSpec::Lt(c) => compile_comparison(Op::Lt, c, path, problems, resolve),
            ConditionSpec::In(m) => {
                let at = format!("{path}.in");
                let (fact, decl) = resolve(&m.fact, format!("{at}.fact"), problems)?;
                if matches!(decl.fact_type, FactType::Bool | FactType::List) {
                    problems.push((
                        format!("{at}.fact"),
                        format!(
                            "`in` applies to a text, number or date fact; `{}` is a {}",
                            decl.id, decl.fact_type
                        ),
                    ));
                    return None;
                }
                if m.values.is_empty() {
                    problems.push((
                        format!("{at}.values"),
                        "`in` needs at least one value".into(),
                    ));
                    return None;
                }
                let mut values = Vec::with_capacity(m.values.len());
                let mut ok = true;
                for (i, v) in m.values.iter().enumerate() {
                    match typed_constant(v, decl.fact_type, &decl.id) {
                        Ok(v) => values.push(v),
                        Err(reason) => {
                            problems.push((format!("{at}.values[{i}]"), reason));
                            ok = false;
                        }
                    }
                }
                ok.then_some(Condition::In { fact, values })
            }
            ConditionSpec::Contains(m) => {
                let at = format!("{path}.contains");
                let (fact, decl) = resolve(&m.fact, format!("{at}.fact"), problems)?;
                if decl.fact_type != FactType::List {
                    problems.push((
                        format!("{at}.fact"),
                        format!(
                            "`contains` applies to a list fact; `{}` is a {}",
                            decl.id, decl.fact_type
                        ),
                    ));
                    return None;
                }
                if m.values.is_empty() {
                    problems.push((
                        format!("{at}.values"),
                        "`contains` needs at least one value".into(),
                    ));
                    return None;
                }
                let mut values = Vec::with_capacity(m.values.len());
                let mut ok = true;
                for (i, v) in m.values.iter().enumerate() {
                    match v.as_str() {
                        Some(s) => values.push(s.to_owned()),
                        None => {
                            problems.push((
                                format!("{at}.values[{i}]"),
                                format!("a list holds texts, not {}", v.type_str()),
                            ));
                            ok = false;
                        }
                    }
                }
                ok.then_some(Condition::Contains { fact, values })
            }
            ConditionSpec::IsTrue(id) => {
                let at = format!("{path}.is_true");
                let (fact, decl) = resolve(id, at.clone(), problems)?;
                if decl.fact_type != FactType::Bool {
                    problems.push((
                        at,
                        format!(
                            "`is_true` applies to a bool fact; `{}` is a {}",
                            decl.id, decl.fact_type
                        ),
                    ));
                    return None;
                }
                Some(Condition::IsTrue(fact))
            }
            ConditionSpec::Present(id) => {
                let (fact, _) = resolve(id, format!("{path}.present"), problems)?;
                Some(Condition::Present(fact))
            }
        }
    }
}

fn compile_comparison<'a>(
    op: Op,
    spec: &ComparisonSpec,
    path: &str,
    problems: &mut Vec<(String, String)>,
    resolve: impl Fn(&str, String, &mut Vec<(String, String)>) -> Option<(FactRef, &'a FactDecl)>,
) -> Option<Condition> {
    let at = format!("{path}.{}", op.name());
    let (fact, decl) = resolve(&spec.fact, format!("{at}.fact"), problems)?;
    let ordered = matches!(op, Op::Ge | Op::Le | Op::Gt | Op::Lt);
    if ordered && matches!(decl.fact_type, FactType::Bool | FactType::Text) {
        problems.push((
            format!("{at}.fact"),
            format!(
                "`{}` orders numbers, dates and list lengths; `{}` is a {}",
                op.name(),
                decl.id,
                decl.fact_type
            ),
        ));
        return None;
    }
    let value = if decl.fact_type == FactType::List {
        // A list is compared by its number of elements.
        match spec.value.as_integer() {
            #[allow(clippy::cast_precision_loss)]
            Some(n) if n >= 0 => FactValue::Number(n as f64),
            _ => {
                problems.push((
                    format!("{at}.value"),
                    format!(
                        "`{}` is a list: it is compared by its number of elements, a whole \
                         number of 0 or more, not {}",
                        decl.id,
                        spec.value.type_str()
                    ),
                ));
                return None;
            }
        }
    } else {
        match typed_constant(&spec.value, decl.fact_type, &decl.id) {
            Ok(v) => v,
            Err(reason) => {
                problems.push((format!("{at}.value"), reason));
                return None;
            }
        }
    };
    Some(Condition::Compare { op, fact, value })
}

/// A constant of the ruleset, typed as the fact it is compared with.
fn typed_constant(
    value: &toml::Value,
    fact_type: FactType,
    fact: &str,
) -> Result<FactValue, String> {
    let wrong = || {
        format!(
            "`{fact}` is a {fact_type}, so the value must be one too, not {}",
            value.type_str()
        )
    };
    match (fact_type, value) {
        (FactType::Bool, toml::Value::Boolean(b)) => Ok(FactValue::Bool(*b)),
        #[allow(clippy::cast_precision_loss)]
        (FactType::Number, toml::Value::Integer(i)) => Ok(FactValue::Number(*i as f64)),
        (FactType::Number, toml::Value::Float(x)) if x.is_finite() => Ok(FactValue::Number(*x)),
        (FactType::Text, toml::Value::String(s)) => Ok(FactValue::Text(s.as_str().into())),
        (FactType::Date, toml::Value::String(s)) => parse_day(s)
            .map(FactValue::Date)
            .ok_or_else(|| format!("`{s}` is not a date written YYYY-MM-DD")),
        (FactType::Date, toml::Value::Datetime(d)) => parse_day(&d.to_string())
            .map(FactValue::Date)
            .ok_or_else(|| format!("`{d}` is not a calendar day (YYYY-MM-DD)")),
        _ => Err(wrong()),
    }
}

/// Compares two values of one fact type; `None` when they cannot be
/// ordered (which compilation rules out).
fn compare(actual: &FactValue, expected: &FactValue) -> Option<std::cmp::Ordering> {
    match (actual, expected) {
        (FactValue::Number(a), FactValue::Number(b)) => a.partial_cmp(b),
        (FactValue::Date(a), FactValue::Date(b)) => Some(a.cmp(b)),
        (FactValue::Text(a), FactValue::Text(b)) => Some(a.cmp(b)),
        (FactValue::Bool(a), FactValue::Bool(b)) => Some(a.cmp(b)),
        #[allow(clippy::cast_precision_loss)]
        (FactValue::List(items), FactValue::Number(n)) => (items.len() as f64).partial_cmp(n),
        _ => None,
    }
}

/// The value of the fact at `index`; a slot beyond the facts is missing.
pub(crate) fn slot(facts: &FactSlots, index: usize) -> Option<&FactValue> {
    facts.get(index).and_then(Option::as_ref)
}

/// The verdict of a comparison of the stated value (if any) with `value`.
pub(crate) fn compare_verdict(op: Op, actual: Option<&FactValue>, value: &FactValue) -> Verdict {
    match actual {
        None => Verdict::Unknown,
        Some(actual) => compare(actual, value).map_or(Verdict::NotMet, |o| from_bool(op.holds(o))),
    }
}

/// The verdict of `in`: the stated value is one of `values`.
pub(crate) fn in_verdict(actual: Option<&FactValue>, values: &[FactValue]) -> Verdict {
    match actual {
        None => Verdict::Unknown,
        Some(actual) => from_bool(values.contains(actual)),
    }
}

/// The verdict of `contains`: the stated list holds every one of `values`.
pub(crate) fn contains_verdict(actual: Option<&FactValue>, values: &[String]) -> Verdict {
    match actual {
        Some(FactValue::List(items)) => from_bool(values.iter().all(|v| items.contains(v))),
        Some(_) => Verdict::NotMet,
        None => Verdict::Unknown,
    }
}

/// The verdict of `is_true`: the stated yes/no is yes.
pub(crate) fn is_true_verdict(actual: Option<&FactValue>) -> Verdict {
    match actual {
        Some(FactValue::Bool(b)) => from_bool(*b),
        Some(_) => Verdict::NotMet,
        None => Verdict::Unknown,
    }
}

pub(crate) fn from_bool(b: bool) -> Verdict {
    if b { Verdict::Met } else { Verdict::NotMet }
}

impl Condition {
    /// The verdict of the condition on the facts, without its explanation.
    pub fn judge(&self, facts: &FactSlots) -> Verdict {
        match self {
            Condition::All(parts) => {
                let mut unknown = false;
                for part in parts {
                    match part.judge(facts) {
                        Verdict::NotMet => return Verdict::NotMet,
                        Verdict::Unknown => unknown = true,
                        Verdict::Met => {}
                    }
                }
                if unknown {
                    Verdict::Unknown
                } else {
                    Verdict::Met
                }
            }
            Condition::Any(parts) => {
                let mut unknown = false;
                for part in parts {
                    match part.judge(facts) {
                        Verdict::Met => return Verdict::Met,
                        Verdict::Unknown => unknown = true,
                        Verdict::NotMet => {}
                    }
                }
                if unknown {
                    Verdict::Unknown
                } else {
                    Verdict::NotMet
                }
            }
            Condition::Not(inner) => match inner.judge(facts) {
                Verdict::Met => Verdict::NotMet,
                Verdict::NotMet => Verdict::Met,
                Verdict::Unknown => Verdict::Unknown,
            },
            Condition::Compare { op, fact, value } => {
                compare_verdict(*op, slot(facts, fact.index), value)
            }
            Condition::In { fact, values } => in_verdict(slot(facts, fact.index), values),
            Condition::Contains { fact, values } => {
                contains_verdict(slot(facts, fact.index), values)
            }
            Condition::IsTrue(fact) => is_true_verdict(slot(facts, fact.index)),
            Condition::Present(fact) => from_bool(slot(facts, fact.index).is_some()),
        }
    }

    /// Every fact the condition reads, in the order it reads them, once.
    pub fn facts(&self, out: &mut Vec<usize>) {
        match self {
            Condition::All(parts) | Condition::Any(parts) => {
                for part in parts {
                    part.facts(out);
                }
            }
            Condition::Not(inner) => inner.facts(out),
            Condition::Compare { fact, .. }
            | Condition::In { fact, .. }
            | Condition::Contains { fact, .. }
            | Condition::IsTrue(fact)
            | Condition::Present(fact) => {
                if !out.contains(&fact.index) {
                    out.push(fact.index);
                }
            }
        }
    }
}
