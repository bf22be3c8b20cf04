//! The store's errors.

use std::path::PathBuf;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened or set up.
    #[error("cannot open the store `{path}`: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// SQLite's reason.
        #[source]
        source: rusqlite::Error,
    },
    /// The file is a SQLite database of another application: it holds
    /// tables but no em schema version. Nothing was written to it.
    #[error(
        "{path} is a SQLite database of another application (tables: {tables}), not an em network database; nothing was written to it"
    )]
    ForeignDatabase {
        /// The file.
        path: PathBuf,
        /// Its tables, comma-separated, in name order.
        tables: String,
    },
    /// The file was written by a newer version of the library.
    #[error(
        "the store is at schema version {found}, newer than this program knows ({known}): upgrade the program"
    )]
    NewerSchema {
        /// The version recorded in the file.
        found: u32,
        /// The newest version this program knows.
        known: u32,
    },
    /// A migration failed; nothing of it was applied.
    #[error("migration {version} failed: {source}")]
    Migration {
        /// The migration's number.
        version: u32,
        /// SQLite's reason.
        #[source]
        source: rusqlite::Error,
    },
    /// A stored value cannot be read back as a record.
    #[error("row {row_id} of `{table}` is damaged: {reason}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// The row's id.
        row_id: i64,
        /// What is wrong with it.
        reason: String,
    },
    /// A record holds a value the store cannot keep as it is.
    #[error("field `{field}` cannot be stored: {reason}")]
    Unstorable {
        /// The record's field.
        field: &'static str,
        /// Why.
        reason: String,
    },
    /// Any other SQLite failure (I/O, busy past the timeout, ...).
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}
