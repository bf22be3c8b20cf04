//! The one error type that crosses the boundary, one variant per kind.
//!
//! Every variant carries the same two fields: a sentence for people and the
//! list of every problem found, each with where (file, path, line, column,
//! field) and why. The Python layer turns each variant into an exception
//! class of its own and exposes the first problem's place as attributes.

use em_core::ruleset::{RulesetError, RulesetErrors};

/// Where and why one thing was refused.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Problem {
    /// The file, when the problem is in one (a ruleset file, an imported
    /// file, or `<batch>` for records handed over from Python).
    pub file: Option<String>,
    /// The path inside the file, e.g. `nomenclatures[2].codes[0].from`.
    pub path: Option<String>,
    /// Line (1-based); for a batch of records, the record's number.
    pub line: Option<u64>,
    /// Column (1-based), where known.
    pub column: Option<u64>,
    /// The field of a record or of a form, where the problem is one field's.
    pub field: Option<String>,
    /// Why, in a sentence.
    pub reason: String,
}

impl Problem {
    /// A problem with a reason and no place.
    pub fn reason(reason: impl Into<String>) -> Problem {
        Problem {
            file: None,
            path: None,
            line: None,
            column: None,
            field: None,
            reason: reason.into(),
        }
    }

    /// A problem of one field.
    pub fn field(field: impl Into<String>, reason: impl Into<String>) -> Problem {
        Problem {
            field: Some(field.into()),
            ..Problem::reason(reason)
        }
    }
}

/// Everything that can go wrong in a call from another language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum EmError {
    /// A ruleset or registry file is refused.
    #[error("{message}")]
    Ruleset {
        /// A sentence for people.
        message: String,
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// Records (a batch or a file's rows) break the statistics schema.
    #[error("{message}")]
    Records {
        /// A sentence for people.
        message: String,
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// A file could not be imported as a whole (format, encoding, conflict).
    #[error("{message}")]
    Import {
        /// A sentence for people.
        message: String,
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// The database could not be opened, read or written.
    #[error("{message}")]
    Store {
        /// A sentence for people.
        message: String,
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// A file or folder could not be read or written.
    #[error("{message}")]
    File {
        /// A sentence for people.
        message: String,
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// Something asked for does not exist (a site, a nomenclature, a meeting).
    #[error("{message}")]
    NotFound {
        /// A sentence for people.
        message: String,
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// An argument is malformed (a date, a kind, a format name).
    #[error("{message}")]
    Argument {
        /// A sentence for people.
        message: String,
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// An activity report or a rendering could not be made.
    #[error("{message}")]
    Report {
        /// A sentence for people.
        message: String,
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// A labelling evaluation or step is refused.
    #[error("{message}")]
    Labelling {
        /// A sentence for people.
        message: String,
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// A meeting, a calendar, an arbitration or a plan is refused.
    #[error("{message}")]
    Governance {
        /// A sentence for people.
        message: String,
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// A territory computation is refused.
    #[error("{message}")]
    Territory {
        /// A sentence for people.
        message: String,
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// A plugin could not be loaded or failed while running.
    #[error("{message}")]
    Plugin {
        /// A sentence for people.
        message: String,
        /// Every problem found.
        problems: Vec<Problem>,
        /// The plugin it is about; none for a manifest or the host itself.
        plugin: Option<String>,
        /// What happened, one word per case: `timeout`, `memory_cap`,
        /// `trap`, `interface_version`, `hash_mismatch`, `tampered`,
        /// `manifest`... (the list is in `plugins.rs`).
        failure: String,
        /// The moment of the plugin's life it happened in (`compilation`,
        /// `instantiation`, `describe`, `render`, `check`), where known.
        phase: Option<String>,
    },
}

impl EmError {
    /// An argument error about one field.
    pub fn argument(field: &str, reason: impl Into<String>) -> EmError {
        let problem = Problem::field(field, reason);
        EmError::Argument {
            message: format!("`{field}`: {}", problem.reason),
            problems: vec![problem],
        }
    }

    /// A not-found error about one field.
    pub fn not_found(field: &str, reason: impl Into<String>) -> EmError {
        let problem = Problem::field(field, reason);
        EmError::NotFound {
            message: problem.reason.clone(),
            problems: vec![problem],
        }
    }

    /// A file error about one path.
    pub fn file(path: &str, error: &std::io::Error) -> EmError {
        let problem = Problem {
            file: Some(path.to_owned()),
            ..Problem::reason(error.to_string())
        };
        EmError::File {
            message: format!("{path}: {error}"),
            problems: vec![problem],
        }
    }
}

fn ruleset_problem(e: &RulesetError) -> Problem {
    Problem {
        file: Some(e.file.clone()),
        path: (!e.path.is_empty()).then(|| e.path.clone()),
        line: e.line.map(|l| l as u64),
        column: e.column.map(|c| c as u64),
        field: None,
        reason: e.reason.clone(),
    }
}

impl From<RulesetErrors> for EmError {
    fn from(errors: RulesetErrors) -> Self {
        EmError::Ruleset {
            message: errors.to_string().trim_end().to_owned(),
            problems: errors.0.iter().map(ruleset_problem).collect(),
        }
    }
}

impl From<RulesetError> for EmError {
    fn from(error: RulesetError) -> Self {
        RulesetErrors(vec![error]).into()
    }
}
