//! Application files (*dossiers de candidature*): reading them, typing their
//! facts by the specification, and judging them.
//!
//! An application file, in TOML or JSON, names the applicant (the host
//! structure) and the proposed site, gives the day it was submitted and
//! states its facts. Facts may be nested tables (`[facts.reception_desk]`
//! then `weekly_hours = 20`) or dotted keys; both give the fact
//! `reception_desk.weekly_hours`. Reading reports every problem at once —
//! syntax, unknown fields, undeclared facts, values of the wrong type — with
//! the path inside the file and, for TOML, its line and column.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fmt;
use std::ops::Range;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::evaluation::Evaluation;
use crate::facts::{FactValue, RawValue, parse_day};
use crate::specification::{LabellingRules, NotInForce, Specification};

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

/// Reads an application file and judges it against the specification in
/// force on its submission day.
pub fn check_application(
    rules: &LabellingRules,
    text: &str,
    format: Format,
) -> Result<Evaluation, CheckError> {
    let _span = tracing::info_span!("check_application", ?format).entered();
    let document = ApplicationDocument::parse(text, format)?;
    let day = document.submitted.ok_or(CheckError::NotSubmitted)?;
    let facts = document.facts_for(&rules.specification)?;
    let in_force = rules.specification.in_force(day)?;
    let evaluation = in_force.evaluate(facts.slots());
    tracing::info!(outcome = ?evaluation.outcome, %day, "application judged");
    Ok(evaluation)
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

/// A value of the file: a leaf, or a table of further values.
struct Located {
    value: Node,
    place: Option<(usize, usize)>,
}

enum Node {
    Leaf(RawValue),
    Table(Vec<(String, Located)>),
}

fn flatten(
    prefix: &str,
    entries: Vec<(String, Located)>,
    out: &mut BTreeMap<String, RawFact>,
    errors: &mut Vec<ApplicationError>,
) {
    for (key, node) in entries {
        let path = format!("{prefix}.{key}");
        match node.value {
            Node::Table(inner) => flatten(&path, inner, out, errors),
            Node::Leaf(value) => {
                let id = path["facts.".len()..].to_owned();
                match out.entry(id) {
                    Entry::Occupied(e) => errors.push(error_at(
                        &path,
                        node.place,
                        format!("fact `{}` is given twice", e.key()),
                    )),
                    Entry::Vacant(e) => {
                        e.insert(RawFact {
                            value,
                            place: node.place,
                        });
                    }
                }
            }
        }
    }
}

/// Line and column (1-based, column in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn read_toml(text: &str, errors: &mut Vec<ApplicationError>) -> Option<Vec<(String, Located)>> {
    let (table, parse_errors) = toml::de::DeTable::parse_recoverable(text);
    if !parse_errors.is_empty() {
        for e in parse_errors {
            let place = e.span().map(|s| line_column(text, s.start));
            errors.push(error_at("", place, e.message().trim().to_owned()));
        }
        return None;
    }
    fn convert(
        value: &toml::de::DeValue<'_>,
        span: Range<usize>,
        path: &str,
        text: &str,
        errors: &mut Vec<ApplicationError>,
    ) -> Located {
        let place = Some(line_column(text, span.start));
        let leaf = |v| Located {
            value: Node::Leaf(v),
            place,
        };
        match value {
            toml::de::DeValue::String(s) => leaf(RawValue::Text(s.to_string())),
            toml::de::DeValue::Boolean(b) => leaf(RawValue::Bool(*b)),
            toml::de::DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => leaf(RawValue::Integer(n)),
                Err(_) => {
                    errors.push(error_at(path, place, "the number is too large"));
                    leaf(RawValue::Null)
                }
            },
            toml::de::DeValue::Float(x) => match x.as_str().parse::<f64>() {
                Ok(n) => leaf(RawValue::Float(n)),
                Err(_) => {
                    errors.push(error_at(path, place, "the number cannot be read"));
                    leaf(RawValue::Null)
                }
            },
            toml::de::DeValue::Datetime(d) => leaf(RawValue::Datetime(d.to_string())),
            toml::de::DeValue::Array(items) => {
                let mut values = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let at = format!("{path}[{i}]");
                    match convert(item.get_ref(), item.span(), &at, text, errors).value {
                        Node::Leaf(v) => values.push(v),
                        Node::Table(_) => {
                            errors.push(error_at(
                                &at,
                                Some(line_column(text, item.span().start)),
                                "a list holds values, not tables",
                            ));
                        }
                    }
                }
                leaf(RawValue::Array(values))
            }
            toml::de::DeValue::Table(t) => Located {
                value: Node::Table(
                    t.iter()
                        .map(|(k, v)| {
                            let key = k.get_ref().to_string();
                            let at = format!("{path}.{key}");
                            (key, convert(v.get_ref(), v.span(), &at, text, errors))
                        })
                        .collect(),
                ),
                place,
            },
        }
    }
    let top = table.get_ref();
    Some(
        top.iter()
            .map(|(k, v)| {
                let key = k.get_ref().to_string();
                let node = convert(v.get_ref(), v.span(), &key, text, errors);
                (key, node)
            })
            .collect(),
    )
}

fn read_json(text: &str, errors: &mut Vec<ApplicationError>) -> Option<Vec<(String, Located)>> {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            errors.push(ApplicationError {
                path: String::new(),
                line: Some(e.line()),
                column: Some(e.column()),
                reason: e.to_string(),
            });
            return None;
        }
    };
    fn convert(
        value: serde_json::Value,
        path: &str,
        errors: &mut Vec<ApplicationError>,
    ) -> Located {
        let leaf = |v| Located {
            value: Node::Leaf(v),
            place: None,
        };
        match value {
            serde_json::Value::Null => leaf(RawValue::Null),
            serde_json::Value::Bool(b) => leaf(RawValue::Bool(b)),
            serde_json::Value::Number(n) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => leaf(RawValue::Integer(i)),
                (None, Some(x)) => leaf(RawValue::Float(x)),
                (None, None) => {
                    errors.push(error_at(path, None, "the number cannot be read"));
                    leaf(RawValue::Null)
                }
            },
            serde_json::Value::String(s) => leaf(RawValue::Text(s)),
            serde_json::Value::Array(items) => {
                let mut values = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    let at = format!("{path}[{i}]");
                    match convert(item, &at, errors).value {
                        Node::Leaf(v) => values.push(v),
                        Node::Table(_) => {
                            errors.push(error_at(&at, None, "a list holds values, not tables"))
                        }
                    }
                }
                leaf(RawValue::Array(values))
            }
            serde_json::Value::Object(map) => Located {
                value: Node::Table(
                    map.into_iter()
                        .map(|(k, v)| {
                            let at = format!("{path}.{k}");
                            let node = convert(v, &at, errors);
                            (k, node)
                        })
                        .collect(),
                ),
                place: None,
            },
        }
    }
    match value {
        serde_json::Value::Object(map) => Some(
            map.into_iter()
                .map(|(k, v)| {
                    let node = convert(v, &k, errors);
                    (k, node)
                })
                .collect(),
        ),
        _ => {
            errors.push(error_at("", None, "an application is a JSON object"));
            None
        }
    }
}
