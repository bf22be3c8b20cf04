//! Application files (*dossiers de candidature*): reading them and typing
//! their facts by the specification; [`Labelling`](crate::Labelling) judges
//! them.
//!
//! An application file, in TOML or JSON, names the applicant (the host
//! structure) and the proposed site, gives the day it was submitted and
//! states its facts. Facts may be nested tables (`[facts.reception_desk]`
//! then `weekly_hours = 20`) or dotted keys; both give the fact
//! `reception_desk.weekly_hours`. Reading reports every problem at once —
//! syntax, unknown fields, undeclared facts, values of the wrong type — with
//! the path inside the file and, for TOML, its line and column.

use std::collections::BTreeMap;
use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

mod read;

use read::{Node, flatten, read_json, read_toml};

use crate::facts::{FactValue, RawValue, parse_day};
use crate::specification::{NotInForce, Specification};

/// The format of an application file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

impl Format {
    /// The format a file's extension names (`toml`, `json`), if any.
    pub fn from_extension(extension: &str) -> Option<Format> {
        match extension.to_ascii_lowercase().as_str() {
            "toml" => Some(Format::Toml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// One problem of an application file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{}{}: {reason}", if path.is_empty() { "(file)" } else { path }, place(.line, .column))]
pub struct ApplicationError {
    /// Where in the file, e.g. `facts.reception_desk.weekly_hours`.
    pub path: String,
    /// Line (1-based), where known.
    pub line: Option<usize>,
    /// Column (1-based), where known.
    pub column: Option<usize>,
    /// Why the file is refused.
    pub reason: String,
}

fn place(line: &Option<usize>, column: &Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(" (line {l}, column {c})"),
        (Some(l), None) => format!(" (line {l})"),
        _ => String::new(),
    }
}

/// Every problem of an application file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub struct ApplicationErrors(pub Vec<ApplicationError>);

impl fmt::Display for ApplicationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the application has {} problem(s):", self.0.len())?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

/// Why an application file could not be judged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CheckError {
    /// The file is malformed, or its facts do not fit the specification.
    #[error(transparent)]
    Application(#[from] ApplicationErrors),
    /// The file gives no submission day, so no rules can be chosen.
    #[error("the application gives no submission day (`submitted`), so no specification applies")]
    NotSubmitted,
    /// No criterion is in force on the submission day.
    #[error(transparent)]
    NotInForce(#[from] NotInForce),
    /// The specification asks for facts derived from the territory, but
    /// no territory rule is in force on the submission day.
    #[error(
        "the territory rules ({}) are not in force on {day}, so the facts derived from the site's commune cannot be computed",
        .rules.join(", ")
    )]
    TerritoryNotInForce {
        /// The day of the submission.
        day: Date,
        /// The territory rules missing that day.
        rules: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
struct RawFact {
    value: RawValue,
    /// Line and column of the value, for TOML files.
    place: Option<(usize, usize)>,
}

/// An application file once read, before its facts are typed.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationDocument {
    /// The host structure applying.
    pub applicant: String,
    /// The proposed Espace métiers (its name or commune).
    pub site: String,
    /// The day the application was submitted, if it was.
    pub submitted: Option<Date>,
    facts: BTreeMap<String, RawFact>,
}

/// An application's facts typed by one specification, by position of
/// their declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    slots: Vec<Option<FactValue>>,
}

impl Facts {
    /// The values, by position of the specification's declarations.
    pub fn slots(&self) -> &[Option<FactValue>] {
        &self.slots
    }

    /// Facts from values already typed, by position; for generated data.
    pub fn from_slots(slots: Vec<Option<FactValue>>) -> Facts {
        Facts { slots }
    }
}

impl ApplicationDocument {
    /// Reads an application file.
    pub fn parse(text: &str, format: Format) -> Result<ApplicationDocument, ApplicationErrors> {
        let _span =
            tracing::debug_span!("application_parse", ?format, bytes = text.len()).entered();
        let mut errors = Vec::new();
        let top = match format {
            Format::Toml => read_toml(text, &mut errors),
            Format::Json => read_json(text, &mut errors),
        };
        let Some(top) = top else {
            return Err(ApplicationErrors(errors));
        };
        let mut applicant = None;
        let mut site = None;
        let mut submitted = None;
        let mut facts = BTreeMap::new();
        let mut saw_facts = false;
        for (key, node) in top {
            match key.as_str() {
                "applicant" | "site" => match node.value {
                    Node::Leaf(RawValue::Text(t)) if !t.trim().is_empty() => {
                        if key == "applicant" {
                            applicant = Some(t);
                        } else {
                            site = Some(t);
                        }
                    }
                    _ => errors.push(error_at(&key, node.place, "must be a non-empty text")),
                },
                "submitted" => match node.value {
                    Node::Leaf(RawValue::Text(t) | RawValue::Datetime(t)) => match parse_day(&t) {
                        Some(d) => submitted = Some(d),
                        None => errors.push(error_at(
                            &key,
                            node.place,
                            format!("“{t}” is not a day written YYYY-MM-DD"),
                        )),
                    },
                    Node::Leaf(RawValue::Null) => {}
                    _ => errors.push(error_at(
                        &key,
                        node.place,
                        "must be a day written YYYY-MM-DD",
                    )),
                },
                "facts" => {
                    saw_facts = true;
                    match node.value {
                        Node::Table(entries) => flatten("facts", entries, &mut facts, &mut errors),
                        _ => errors.push(error_at(&key, node.place, "must be a table of facts")),
                    }
                }
                other => errors.push(error_at(
                    other,
                    node.place,
                    format!(
                        "unknown field `{other}`; an application has `applicant`, `site`, \
                         `submitted` and `facts`"
                    ),
                )),
            }
        }
        for (name, seen) in [
            ("applicant", applicant.is_some()),
            ("site", site.is_some()),
            ("facts", saw_facts),
        ] {
            if !seen && !errors.iter().any(|e| e.path == name) {
                errors.push(error_at(name, None, format!("missing field `{name}`")));
            }
        }
        match (applicant, site) {
            (Some(applicant), Some(site)) if errors.is_empty() => Ok(ApplicationDocument {
                applicant,
                site,
                submitted,
                facts,
            }),
            _ => Err(ApplicationErrors(errors)),
        }
    }

    /// The ids of the facts the file states, sorted.
    pub fn fact_ids(&self) -> impl Iterator<Item = &str> {
        self.facts.keys().map(String::as_str)
    }

    /// The facts typed by `specification`: every undeclared fact and every
    /// value of the wrong type is reported.
    pub fn facts_for(&self, specification: &Specification) -> Result<Facts, ApplicationErrors> {
        let mut slots = vec![None; specification.facts.len()];
        let mut errors = Vec::new();
        for (id, fact) in &self.facts {
            let path = format!("facts.{id}");
            let Some(position) = specification.fact_position(id) else {
                errors.push(error_at(
                    &path,
                    fact.place,
                    format!(
                        "`{id}` is not a fact of the specification `{}`",
                        specification.id
                    ),
                ));
                continue;
            };
            match fact.value.typed(&specification.facts[position]) {
                Ok(value) => slots[position] = value,
                Err(reason) => errors.push(error_at(&path, fact.place, reason)),
            }
        }
        if errors.is_empty() {
            Ok(Facts { slots })
        } else {
            Err(ApplicationErrors(errors))
        }
    }

    /// The document as JSON, in the form [`ApplicationDocument::parse`]
    /// reads back: facts flat, by their dotted ids.
    pub fn to_json(&self) -> serde_json::Value {
        let facts: serde_json::Map<String, serde_json::Value> = self
            .facts
            .iter()
            .map(|(id, f)| (id.clone(), raw_to_json(&f.value)))
            .collect();
        let mut top = serde_json::Map::new();
        top.insert("applicant".into(), self.applicant.clone().into());
        top.insert("site".into(), self.site.clone().into());
        if let Some(day) = self.submitted {
            top.insert("submitted".into(), day.to_string().into());
        }
        top.insert("facts".into(), facts.into());
        top.into()
    }

    /// The same document with another submission day.
    pub fn submitted_on(mut self, day: Date) -> ApplicationDocument {
        self.submitted = Some(day);
        self
    }
}

fn raw_to_json(value: &RawValue) -> serde_json::Value {
    match value {
        RawValue::Bool(b) => (*b).into(),
        RawValue::Integer(i) => (*i).into(),
        RawValue::Float(x) => {
            serde_json::Number::from_f64(*x).map_or(serde_json::Value::Null, Into::into)
        }
        RawValue::Text(t) | RawValue::Datetime(t) => t.clone().into(),
        RawValue::Array(items) => items.iter().map(raw_to_json).collect(),
        RawValue::Null => serde_json::Value::Null,
    }
}

fn error_at(
    path: &str,
    place: Option<(usize, usize)>,
    reason: impl Into<String>,
) -> ApplicationError {
    ApplicationError {
        path: path.to_owned(),
        line: place.map(|p| p.0),
        column: place.map(|p| p.1),
        reason: reason.into(),
    }
}
