//! The command's errors and the exit code each one gives.
//!
//! Exit codes: 0 when all went well, 1 for bad input (a file refused, a
//! database that cannot be opened, a report that cannot be written), 2 for a
//! wrong command line (clap's own code for usage errors), 3 when a check ran
//! and its verdict is negative (an application or a CTEM candidate that is
//! not eligible, or cannot be judged for missing facts).

use std::path::{Path, PathBuf};

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// Some input was refused; the message lists every problem.
    #[error("{0}")]
    Input(String),
    /// The command line is wrong in a way clap cannot see (e.g. an unknown
    /// site identifier).
    #[error("{0}")]
    Usage(String),
    /// A check ran and said no; the verdict itself was printed.
    #[error("{0}")]
    Verdict(String),
}

impl CliError {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> CliError {
        CliError::Io {
            path: path.to_owned(),
            source,
        }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Io { .. } | CliError::Input(_) => 1,
            CliError::Usage(_) => 2,
            CliError::Verdict(_) => 3,
        }
    }
}
