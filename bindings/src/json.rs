//! JSON at the edge: structured inputs (meetings, roadmaps, commands) come
//! in as JSON text and results go out as JSON text, which the Python layer
//! turns into dicts in one C call.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{EmError, Problem};

/// Parses `text`, given for the argument `what`, naming the path, line and
/// column of the first problem.
pub fn parse<T: DeserializeOwned>(what: &str, text: &str) -> Result<T, EmError> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let problem = Problem {
            file: Some(what.to_owned()),
            path: (!path.is_empty() && path != ".").then_some(path),
            line: Some(inner.line() as u64),
            column: Some(inner.column() as u64),
            field: None,
            reason: inner.to_string(),
        };
        EmError::Argument {
            message: format!("`{what}` is not acceptable: {inner}"),
            problems: vec![problem],
        }
    })
}

/// Writes `value` as JSON.
pub fn write<T: Serialize>(value: &T) -> Result<String, EmError> {
    serde_json::to_string(value).map_err(|e| EmError::Report {
        message: e.to_string(),
        problems: vec![Problem::reason(e.to_string())],
    })
}
