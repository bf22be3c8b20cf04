//! Reading the governance inputs — meetings, roadmaps, action proposals,
//! committee decisions — from JSON, with every error naming the file, the
//! path inside it, the line and the column.

use serde::de::DeserializeOwned;

/// A JSON input that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}{}: {reason}", if .path.is_empty() || .path == "." { String::new() } else { format!(" at `{}`", .path) })]
pub struct InputError {
    /// The file's name, as the caller gave it.
    pub file: String,
    /// The path inside the document (`[3].attendees.state`).
    pub path: String,
    /// Line (1-based).
    pub line: usize,
    /// Column (1-based).
    pub column: usize,
    /// Why.
    pub reason: String,
}

/// Parses `text` (the content of `file`) as `T`, refusing unknown fields.
pub fn from_json<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, InputError> {
    let _span = tracing::debug_span!("governance_input", file).entered();
    let error = |path: String, inner: serde_json::Error| InputError {
        file: file.to_owned(),
        path,
        line: inner.line(),
        column: inner.column(),
        reason: strip_position(&inner.to_string()),
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        error(path, e.into_inner())
    })?;
    // Trailing text after the document is an error too, at its place.
    deserializer.end().map_err(|e| error(String::new(), e))?;
    Ok(value)
}

/// serde_json appends " at line L column C" to its messages; the position
/// is reported in fields of its own.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meeting::Meeting;

    #[test]
    fn a_misspelt_field_names_its_path_line_and_column() {
        let text = "[\n  {\"id\": \"m1\", \"body\": \"commission\", \"date\": \"2009-06-18\",\n   \"atendees\": {}}\n]";
        let err = from_json::<Vec<Meeting>>("meetings.json", text).unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        assert!(err.path.starts_with("[0]"), "{err}");
        assert!(err.reason.contains("atendees"), "{err}");
    }

    #[test]
    fn a_bad_date_names_its_field() {
        let text = r#"[{"id": "m1", "body": "commission", "date": "2009-02-30", "attendees": {}}]"#;
        let err = from_json::<Vec<Meeting>>("meetings.json", text).unwrap_err();
        assert_eq!(err.path, "[0].date", "{err}");
    }
}
