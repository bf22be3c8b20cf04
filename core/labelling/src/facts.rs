//! The facts an application states, as a specification declares them.
//!
//! A specification lists its facts — id, type, French label, unit — and every
//! criterion refers to them by id. Declaring them is what lets the loader
//! refuse a criterion that names a fact nobody states, or compares a date
//! with a number, before any application is judged.

use std::fmt;
use std::sync::Arc;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The type of a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FactType {
    /// Yes or no.
    Bool,
    /// A number, with the unit the declaration gives.
    Number,
    /// A text, often a code such as `maison_de_l_emploi`.
    Text,
    /// A calendar day.
    Date,
    /// A list of texts (codes), such as the partners committed.
    List,
}

impl FactType {
    /// The type's name as the ruleset writes it.
    pub fn name(self) -> &'static str {
        match self {
            FactType::Bool => "bool",
            FactType::Number => "number",
            FactType::Text => "text",
            FactType::Date => "date",
            FactType::List => "list",
        }
    }
}

impl fmt::Display for FactType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One fact a specification declares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactDecl {
    /// Dotted identifier, e.g. `reception_desk.weekly_hours`.
    pub id: Arc<str>,
    /// The fact's type.
    #[serde(rename = "type")]
    pub fact_type: FactType,
    /// What the fact is, in French, as a Commission member reads it.
    pub label: Arc<str>,
    /// Unit of a number, e.g. `h/semaine`, `ETP`, `€`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Arc<str>>,
}

/// The value of one fact in an application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FactValue {
    /// Yes or no.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A calendar day (written `YYYY-MM-DD`). Listed before texts so that a
    /// day read back from JSON stays a day.
    Date(Date),
    /// A text. Shared, so that an evaluation quoting it copies no text.
    Text(Arc<str>),
    /// A list of texts, shared likewise.
    List(Arc<[String]>),
}

impl FactValue {
    /// The type of the value.
    pub fn fact_type(&self) -> FactType {
        match self {
            FactValue::Bool(_) => FactType::Bool,
            FactValue::Number(_) => FactType::Number,
            FactValue::Text(_) => FactType::Text,
            FactValue::Date(_) => FactType::Date,
            FactValue::List(_) => FactType::List,
        }
    }

    /// The value as a reader sees it, with the unit of a number.
    pub fn display(&self, unit: Option<&str>) -> String {
        let mut out = String::new();
        self.write_display(unit, &mut out);
        out
    }

    pub(crate) fn write_display(&self, unit: Option<&str>, out: &mut String) {
        use fmt::Write as _;
        match self {
            FactValue::Bool(true) => out.push_str("yes"),
            FactValue::Bool(false) => out.push_str("no"),
            FactValue::Number(n) => {
                // Writing into a String cannot fail.
                let _ = write!(out, "{n}");
                if let Some(unit) = unit {
                    out.push(' ');
                    out.push_str(unit);
                }
            }
            FactValue::Text(t) => {
                out.push('“');
                out.push_str(t);
                out.push('”');
            }
            FactValue::Date(d) => {
                let _ = write!(out, "{d}");
            }
            FactValue::List(items) if items.is_empty() => out.push_str("(none)"),
            FactValue::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(item);
                }
            }
        }
    }
}

/// A calendar day written `YYYY-MM-DD`, and nothing else: a date-time is
/// refused rather than cut to its day, since the cut could move an event
/// across midnight without anyone seeing it.
pub fn parse_day(text: &str) -> Option<Date> {
    if text.len() != 10 {
        return None;
    }
    text.parse::<Date>().ok()
}

/// A value as read from an application file, before it is checked against
/// the declaration of its fact.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawValue {
    Bool(bool),
    Integer(i64),
    Float(f64),
    Text(String),
    /// A TOML date or date-time, as written.
    Datetime(String),
    Array(Vec<RawValue>),
    /// JSON `null`: the applicant says the fact is not known.
    Null,
}

impl RawValue {
    fn kind(&self) -> &'static str {
        match self {
            RawValue::Bool(_) => "a boolean",
            RawValue::Integer(_) | RawValue::Float(_) => "a number",
            RawValue::Text(_) => "a text",
            RawValue::Datetime(_) => "a date",
            RawValue::Array(_) => "a list",
            RawValue::Null => "null",
        }
    }

    /// The value typed as `decl` says, or why it cannot be. `Ok(None)` is a
    /// fact explicitly left unknown (`null`).
    pub(crate) fn typed(&self, decl: &FactDecl) -> Result<Option<FactValue>, String> {
        let wrong = || {
            format!(
                "fact `{}` is a {}, but the application gives {}",
                decl.id,
                decl.fact_type,
                self.kind()
            )
        };
        let value = match (decl.fact_type, self) {
            (_, RawValue::Null) => return Ok(None),
            (FactType::Bool, RawValue::Bool(b)) => FactValue::Bool(*b),
            // Integers above 2^53 lose precision as f64; they are refused
            // below as too large, so the comparison stays exact and total.
            #[allow(clippy::cast_precision_loss)]
            (FactType::Number, RawValue::Integer(i)) => number(decl, *i as f64)?,
            (FactType::Number, RawValue::Float(x)) if x.is_finite() => number(decl, *x)?,
            (FactType::Number, RawValue::Float(_)) => {
                return Err(format!("fact `{}` must be a finite number", decl.id));
            }
            (FactType::Text, RawValue::Text(t)) => FactValue::Text(t.as_str().into()),
            (FactType::Date, RawValue::Text(t) | RawValue::Datetime(t)) => {
                FactValue::Date(parse_day(t).ok_or_else(|| {
                    format!(
                        "fact `{}` is a date (YYYY-MM-DD), but the application gives “{t}”",
                        decl.id
                    )
                })?)
            }
            (FactType::List, RawValue::Array(items)) => {
                let mut texts = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item {
                        RawValue::Text(t) => texts.push(t.clone()),
                        other => {
                            return Err(format!(
                                "fact `{}` is a list of texts, but element {i} is {}",
                                decl.id,
                                other.kind()
                            ));
                        }
                    }
                }
                FactValue::List(texts.into())
            }
            _ => return Err(wrong()),
        };
        Ok(Some(value))
    }
}

/// The largest number a fact may hold: above 2^53 an `f64` no longer holds
/// every integer, so a comparison with a threshold could silently round.
pub const MAX_NUMBER: f64 = 9_007_199_254_740_992.0;

/// A number fact's value, or why it is impossible. Every number a
/// specification declares is a quantity — hours, FTE, euros, a share in
/// percent, years — so a negative value is a mistake in the file, not a
/// fact a criterion should weigh: judging it would let a negative share
/// pass an "at most" threshold.
fn number(decl: &FactDecl, x: f64) -> Result<FactValue, String> {
    if x < 0.0 {
        return Err(format!(
            "fact `{}` is a quantity and cannot be negative (the application gives {x})",
            decl.id
        ));
    }
    if x > MAX_NUMBER {
        return Err(format!(
            "fact `{}` is too large: at most 9007199254740992 (2^53)",
            decl.id
        ));
    }
    Ok(FactValue::Number(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl(fact_type: FactType) -> FactDecl {
        FactDecl {
            id: "x".into(),
            fact_type,
            label: "X".into(),
            unit: None,
        }
    }

    #[test]
    fn raw_values_are_typed_by_their_declaration() {
        let cases = [
            (
                FactType::Number,
                RawValue::Integer(15),
                Ok(Some(FactValue::Number(15.0))),
            ),
            (
                FactType::Bool,
                RawValue::Bool(true),
                Ok(Some(FactValue::Bool(true))),
            ),
            (
                FactType::Date,
                RawValue::Text("2010-03-15".into()),
                Ok(Some(FactValue::Date(jiff::civil::date(2010, 3, 15)))),
            ),
            (FactType::Text, RawValue::Null, Ok(None)),
        ];
        for (fact_type, raw, expected) in cases {
            assert_eq!(raw.typed(&decl(fact_type)), expected, "{raw:?}");
        }
        let errors = [
            (FactType::Number, RawValue::Text("15".into()), "is a number"),
            (
                FactType::Date,
                RawValue::Text("15/03/2010".into()),
                "YYYY-MM-DD",
            ),
            (
                FactType::List,
                RawValue::Array(vec![RawValue::Integer(1)]),
                "element 0",
            ),
            (FactType::Number, RawValue::Float(f64::NAN), "finite"),
            (
                FactType::Number,
                RawValue::Float(-50.0),
                "cannot be negative",
            ),
            (
                FactType::Number,
                RawValue::Integer(-1),
                "cannot be negative",
            ),
            (
                FactType::Number,
                RawValue::Float(18_446_744_073_709_551_616.0),
                "too large: at most 9007199254740992",
            ),
            (
                FactType::Number,
                RawValue::Integer(i64::MAX),
                "too large: at most",
            ),
        ];
        for (fact_type, raw, needle) in errors {
            let err = raw.typed(&decl(fact_type)).unwrap_err();
            assert!(err.contains(needle), "{err}");
        }
    }

    #[test]
    fn a_value_reads_with_its_unit() {
        assert_eq!(
            FactValue::Number(15.0).display(Some("h/semaine")),
            "15 h/semaine"
        );
        assert_eq!(FactValue::Number(0.8).display(None), "0.8");
        assert_eq!(
            FactValue::List(vec!["state".to_owned(), "region".to_owned()].into()).display(None),
            "state, region"
        );
    }
}
