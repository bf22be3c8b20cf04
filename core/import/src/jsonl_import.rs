//! JSON Lines: one record per line, in the serde form of em-core's
//! `Record` (`{"kind": "visit", "site": …}`), strictly — an unknown field
//! is a problem, not something silently dropped. When the caller names the
//! kind of the file's records, a record may leave out its `kind` tag; a tag
//! that says otherwise is a problem.

use std::io::{BufRead, BufReader, Read};

use em_core::statistics::{Record, RecordKind};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::ImportError;
use crate::pipeline::Producer;
use crate::report::Location;
use crate::row::CellProblem;
use crate::text;

/// The longest line accepted; a longer one is refused without being held
/// in memory whole.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// The date fields of the records' serde form. The date library refuses a
/// date in words that name neither the field nor the value, so a refused
/// date gets a sentence of its own.
const DATE_FIELDS: [&str; 3] = ["date", "start_date", "end_date"];

/// Imports the records of a JSON Lines file; `kind` is the kind the caller
/// says they are, if it said.
pub(crate) fn import<R: Read>(
    reader: R,
    kind: Option<RecordKind>,
    pipeline: &mut Producer<'_>,
) -> Result<(), ImportError> {
    let mut reader = BufReader::with_capacity(256 * 1024, reader);
    pipeline.set_layout(None);
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        let n = (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(ImportError::io)?;
        if n == 0 {
            break;
        }
        number += 1;
        if line.len() > MAX_LINE_BYTES && line.last() != Some(&b'\n') {
            pipeline.row(
                Location::Line(number),
                Err(vec![problem(format!(
                    "the line is longer than {} MiB: the file is refused",
                    MAX_LINE_BYTES / (1024 * 1024)
                ))]),
            );
            // What follows the cut is not the start of a line.
            break;
        }
        let mut text: &[u8] = &line;
        if number == 1 {
            text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        }
        while let [rest @ .., b'\n' | b'\r'] = text {
            text = rest;
        }
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        pipeline.row(Location::Line(number), parse(text, kind));
        if pipeline.stopped() {
            break;
        }
    }
    Ok(())
}

/// One line's record. The line is parsed to a JSON value first, then the
/// record of its `kind` is read from the value, so that a refused field is
/// named by its path (`date`, `items.welcome`), which serde loses inside a
/// tagged enum.
fn parse(
    text: &[u8],
    expected: Option<RecordKind>,
) -> Result<(Record, Vec<CellProblem>), Vec<CellProblem>> {
    let value: Value = serde_json::from_slice(text).map_err(|e| vec![problem(syntax(&e))])?;
    let Value::Object(mut object) = value else {
        return Err(vec![problem(
            "the line is not a JSON object: each line holds one record".into(),
        )]);
    };
    let kind_problem = |reason: String| {
        vec![CellProblem {
            column: None,
            field: Some("kind".into()),
            reason,
        }]
    };
    let kind = match (object.remove("kind"), expected) {
        (Some(Value::String(tag)), expected) => {
            let tag = tag.parse::<RecordKind>().map_err(kind_problem)?;
            match expected {
                Some(expected) if expected != tag => {
                    return Err(kind_problem(format!(
                        "the record says it is a `{}` but the file is imported as records \
                         of kind `{}`",
                        tag.as_str(),
                        expected.as_str()
                    )));
                }
                _ => tag,
            }
        }
        (Some(other), _) => {
            return Err(kind_problem(format!(
                "`kind` must be text (visit, survey_answer or event), not {other}"
            )));
        }
        (None, Some(expected)) => expected,
        (None, None) => {
            return Err(kind_problem(
                "a record needs a `kind` (visit, survey_answer or event), or the import \
                 must name the kind of the file's records"
                    .into(),
            ));
        }
    };
    let value = Value::Object(object);
    let record = match kind {
        RecordKind::Visit => read(value).map(Record::Visit),
        RecordKind::SurveyAnswer => read(value).map(Record::SurveyAnswer),
        RecordKind::Event => read(value).map(Record::Event),
    }
    .map_err(|mut problems| {
        for p in &mut problems {
            if let Some(field) = p.field.as_deref().filter(|f| DATE_FIELDS.contains(f)) {
                p.reason = date_reason(text, field, &p.reason);
            }
        }
        problems
    })?;
    Ok((record, Vec::new()))
}

fn read<T: DeserializeOwned>(value: Value) -> Result<T, Vec<CellProblem>> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        vec![CellProblem {
            column: None,
            field: (path != "." && path != "?").then_some(path),
            reason: e.into_inner().to_string(),
        }]
    })
}

/// A refused date, in a sentence naming the field and quoting the value.
/// The value was moved into the record being read, so the line is parsed
/// again: this only happens for a refused line, never on the way of the
/// good ones.
fn date_reason(line: &[u8], field: &str, detail: &str) -> String {
    let value = serde_json::from_slice::<Value>(line)
        .ok()
        .and_then(|mut v| v.get_mut(field).map(Value::take));
    match value {
        Some(Value::String(s)) => match text::parse_date(&s) {
            // The day exists but is written as a spreadsheet would.
            Ok(day) => {
                format!("`{field}` holds `{s}`: JSON Lines dates are written yyyy-mm-dd ({day})")
            }
            Err(_) => {
                format!("`{field}` holds `{s}`, which is not a date written yyyy-mm-dd: {detail}")
            }
        },
        Some(other) => {
            format!("`{field}` must be a date written yyyy-mm-dd, not {other}: {detail}")
        }
        None => format!("`{field}`: {detail}"),
    }
}

/// serde_json's message, with the position inside the line given as a
/// column only (the line is the file's, already in the location).
fn syntax(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let bare = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(head, _)| head);
    format!("{bare} (column {})", e.column())
}

fn problem(reason: String) -> CellProblem {
    CellProblem {
        column: None,
        field: None,
        reason,
    }
}
