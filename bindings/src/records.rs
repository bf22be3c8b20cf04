//! Records in batches: the other language hands over many records in one
//! text (a JSON array, or JSON Lines), never one call per record.
//!
//! A JSON text is the fastest way across: Python's `json.dumps` runs in C
//! over the whole list, and here each element is parsed straight into the
//! core's record type. Going through uniffi records instead would walk every
//! field of every record in interpreted code on the Python side
//! (`scripts/bench_bindings.py` measures both).

use std::sync::Arc;

use em_core::statistics::{Record, RecordKind, Validator};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::convert;
use crate::error::{EmError, Problem};
use crate::registry::Registry;
use crate::ruleset::Ruleset;

/// The name given to records that come from the caller's memory, not a file.
pub const BATCH: &str = "<batch>";

/// Records parsed from a batch, and every problem met on the way.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    pub records: Vec<Record>,
    pub problems: Vec<Problem>,
}

/// The elements of a JSON array or the lines of a JSON Lines text, each
/// with its 1-based number.
fn elements(text: &str) -> Result<Vec<(u64, &RawValue)>, Box<Problem>> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        let raw: Vec<&RawValue> = serde_json::from_str(trimmed).map_err(|e| {
            Box::new(Problem {
                file: Some(BATCH.to_owned()),
                line: Some(e.line() as u64),
                column: Some(e.column() as u64),
                ..Problem::reason(format!("the batch is not a JSON array: {e}"))
            })
        })?;
        Ok((1u64..).zip(raw).collect())
    } else {
        let mut out = Vec::new();
        for (n, line) in (1u64..).zip(text.lines()) {
            if line.trim().is_empty() {
                continue;
            }
            let raw: &RawValue = serde_json::from_str(line).map_err(|e| {
                Box::new(Problem {
                    file: Some(BATCH.to_owned()),
                    line: Some(n),
                    column: Some(e.column() as u64),
                    ..Problem::reason(format!("line {n} is not JSON: {e}"))
                })
            })?;
            out.push((n, raw));
        }
        Ok(out)
    }
}

/// The field a serde message names (`missing field `site``), if any.
fn field_of_message(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_owned())
}

fn parse_one<T: DeserializeOwned>(raw: &RawValue) -> Result<T, (Option<String>, String)> {
    // Most records are valid: parse them directly, and parse again with path
    // tracking only to explain a failure, which costs nothing on the fast
    // path.
    if let Ok(value) = serde_json::from_str(raw.get()) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_str(raw.get());
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        let field = if path.is_empty() || path == "." {
            if message.starts_with("missing field") || message.starts_with("unknown field") {
                field_of_message(&message)
            } else {
                None
            }
        } else {
            // A path such as `themes[2]` names the field `themes`.
            Some(path.split(['.', '[']).next().unwrap_or(&path).to_owned())
        };
        (field, message)
    })
}

/// Parses and checks a batch of records of one kind. Every problem of every
/// record is collected; records with a problem are left out of `records`.
pub(crate) fn parse_and_check(
    ruleset: &em_core::Ruleset,
    registry: &em_core::Registry,
    kind: RecordKind,
    text: &str,
    source: &str,
) -> Batch {
    let mut batch = Batch::default();
    let elements = match elements(text) {
        Ok(e) => e,
        Err(mut p) => {
            p.file = Some(source.to_owned());
            batch.problems.push(*p);
            return batch;
        }
    };
    // Records dated after the day they are added are refused, as in a
    // file import.
    let validator = Validator::new(ruleset, registry).with_today(jiff::Zoned::now().date());
    batch.records.reserve(elements.len());
    for (n, raw) in elements {
        let parsed = match kind {
            RecordKind::Visit => parse_one(raw).map(Record::Visit),
            RecordKind::SurveyAnswer => parse_one(raw).map(Record::SurveyAnswer),
            RecordKind::Event => parse_one(raw).map(Record::Event),
        };
        let at = |field: Option<String>, reason: String| Problem {
            file: Some(source.to_owned()),
            line: Some(n),
            field,
            ..Problem::reason(reason)
        };
        match parsed {
            Ok(record) => {
                let errors = validator.check(&record);
                if errors.is_empty() {
                    batch.records.push(record);
                } else {
                    batch
                        .problems
                        .extend(errors.into_iter().map(|e| at(Some(e.field), e.reason)));
                }
            }
            Err((field, reason)) => batch.problems.push(at(field, reason)),
        }
    }
    batch
}

/// The error for a batch with problems.
pub(crate) fn records_error(source: &str, problems: Vec<Problem>) -> EmError {
    let first = problems
        .first()
        .map(|p| match (&p.line, &p.field) {
            (Some(l), Some(f)) => format!(" (first: record {l}, `{f}`: {})", p.reason),
            (Some(l), None) => format!(" (first: record {l}: {})", p.reason),
            _ => format!(" (first: {})", p.reason),
        })
        .unwrap_or_default();
    EmError::Records {
        message: format!("{source}: {} problem(s){first}", problems.len()),
        problems,
    }
}

/// Checks a batch of records of `kind` (`visit`, `survey_answer`, `event`)
/// given as a JSON array or JSON Lines; returns every problem, none when the
/// batch is valid.
#[uniffi::export]
pub fn check_records(
    ruleset: Arc<Ruleset>,
    registry: Arc<Registry>,
    kind: String,
    records_json: String,
) -> Result<Vec<Problem>, EmError> {
    let _span = tracing::info_span!("binding.check_records", kind = %kind).entered();
    let kind = convert::kind(&kind)?;
    Ok(parse_and_check(ruleset.core(), registry.core(), kind, &records_json, BATCH).problems)
}

/// The JSON schema of a record kind, as published for the sites' tools.
#[uniffi::export]
pub fn record_schema(kind: String) -> Result<String, EmError> {
    let kind = convert::kind(&kind)?;
    let schema = match kind {
        RecordKind::Visit => schemars::schema_for!(em_core::statistics::Visit),
        RecordKind::SurveyAnswer => schemars::schema_for!(em_core::statistics::SurveyAnswer),
        RecordKind::Event => schemars::schema_for!(em_core::statistics::Event),
    };
    serde_json::to_string_pretty(&schema).map_err(|e| EmError::argument("kind", e.to_string()))
}
