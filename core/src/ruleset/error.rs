//! Errors in ruleset files, with the file, the path inside it and the place.

use std::fmt;

/// One problem in one ruleset file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}{}: {reason}", location(.line, .column), path_suffix(.path))]
pub struct RulesetError {
    /// The file's name within the ruleset, e.g. `statistics.toml`.
    pub file: String,
    /// The path inside the file, e.g. `nomenclatures[2].codes[0].from`.
    pub path: String,
    /// Line (1-based), where known.
    pub line: Option<usize>,
    /// Column (1-based), where known.
    pub column: Option<usize>,
    /// Why the file is refused.
    pub reason: String,
}

fn location(line: &Option<usize>, column: &Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}

fn path_suffix(path: &str) -> String {
    if path.is_empty() || path == "." {
        String::new()
    } else {
        format!(" at `{path}`")
    }
}

impl RulesetError {
    /// A problem found after parsing, at a path with no position.
    pub fn at(file: &str, path: impl Into<String>, reason: impl Into<String>) -> Self {
        RulesetError {
            file: file.to_owned(),
            path: path.into(),
            line: None,
            column: None,
            reason: reason.into(),
        }
    }

    pub(crate) fn missing_file(file: &str) -> Self {
        RulesetError::at(file, "", "the ruleset has no such file")
    }

    pub(crate) fn from_toml(file: &str, text: &str, path: String, e: &toml::de::Error) -> Self {
        let (line, column) = match e.span() {
            Some(span) => {
                let (l, c) = line_column(text, span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        RulesetError {
            file: file.to_owned(),
            path,
            line,
            column,
            reason: e.message().trim().to_owned(),
        }
    }
}

/// Line and column (both 1-based, column in characters) of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Every problem found in a ruleset, reported together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RulesetErrors(pub Vec<RulesetError>);

impl fmt::Display for RulesetErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the ruleset has {} problem(s):", self.0.len())?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}
