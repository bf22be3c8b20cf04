//! `em-store`: the statistics store, one SQLite file.
//!
//! The store keeps the records of the regional statistics tools (visits,
//! survey answers, events) and the files they came from. Its promises:
//!
//! - **All or nothing per file.** An import is one write transaction
//!   ([`Store::begin_import`]); a file with one bad row stores nothing.
//! - **Idempotent.** A file whose content (SHA-256) was already imported adds
//!   nothing and says so; a record with a `reference` is unique per
//!   `(site, reference)`: the same record again is skipped, a different one
//!   under the same reference is a conflict, reported.
//! - **Concurrent writers lose nothing.** The file is in WAL mode, every
//!   write transaction is `BEGIN IMMEDIATE` (it takes the write lock up front,
//!   so two writers never deadlock upgrading a read lock), and a busy timeout
//!   (30 s by default, [`Options::busy_timeout`]) makes a writer wait for the
//!   other instead of failing with "database is locked".
//! - **Another application's file is refused.** A SQLite file holding
//!   tables but no em schema version is refused with its name and tables,
//!   and nothing is written to it (see [`Store::open_with`]).
//! - **Fast full scans.** [`Store::scan_visits`] reads a year of a million
//!   visits into one reused [`Visit`], without an allocation per row.
//!
//! ## Storage choices
//!
//! Multi-valued fields (themes, services, referrals, partners) are stored as
//! `;`-joined code lists in a column of the record's own row, not in child
//! tables. A report reads every field of every record of a year: one row per
//! record keeps that a single sequential pass over one table, with no join,
//! and the lists are a few short codes that split in place into reused
//! buffers. Integer code ids would save a little space but would tie stored
//! rows to a code table kept in step with the ruleset's dated nomenclatures;
//! the codes themselves are what records, the ruleset and the sqlite3 shell
//! all read. Dates are ISO text, which sorts and compares as dates.
//!
//! There is no index on dates: a report scans whole years, which SQLite does
//! fastest in row order. A date index would slow every import for a gain
//! only on short periods of a store holding many years.
//!
//! Other modules of this crate add their own tables through the numbered
//! [`migrations::MIGRATIONS`] and write through [`Store::write`].

mod codec;
mod error;
pub mod governance;
mod import;
pub mod journal;
pub mod migrations;
mod scan;

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

pub use codec::LIST_SEPARATOR;
pub use em_core::statistics::{Event, Record, RecordKind, SurveyAnswer, Visit};
pub use error::StoreError;
pub use import::{BeginImport, ImportInfo, ImportOutcome, ImportSource, ImportWriter, Inserted};

/// How a store is opened.
#[derive(Debug, Clone)]
pub struct Options {
    /// How long a writer waits for another writer's lock before giving up.
    pub busy_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            busy_timeout: Duration::from_secs(30),
        }
    }
}

/// How many records of each kind the store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Visits.
    pub visits: u64,
    /// Survey answers.
    pub survey_answers: u64,
    /// Events.
    pub events: u64,
    /// Files imported.
    pub imports: u64,
}

/// An open store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating it if needed) the store at `path`, with the default
    /// [`Options`], and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        Store::open_with(path, &Options::default())
    }

    /// Opens the store at `path` with the given options.
    ///
    /// A SQLite file of another application (tables, but no em schema
    /// version) is refused with [`StoreError::ForeignDatabase`] before
    /// anything is written to it; the check runs in the migrations' write
    /// transaction, so processes creating the same new file at once wait
    /// for each other instead of failing.
    pub fn open_with(path: impl AsRef<Path>, options: &Options) -> Result<Store, StoreError> {
        let path = path.as_ref();
        let open_err = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(open_err)?;
        Store::setup(conn, options).map_err(|e| match e {
            StoreError::Sqlite(source) => open_err(source),
            StoreError::ForeignDatabase { tables, .. } => StoreError::ForeignDatabase {
                path: path.to_owned(),
                tables,
            },
            other => other,
        })
    }

    /// A store in memory, for tests and one-off checks.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::setup(Connection::open_in_memory()?, &Options::default())
    }

    /// Sets the connection up and brings the schema up to date.
    ///
    /// The order matters. Nothing is written to the file before the check
    /// that it is not another application's database, and that check runs
    /// in the same `BEGIN IMMEDIATE` transaction as the migrations
    /// ([`migrations::migrate`]): several processes creating the same new
    /// file at once take the write lock one after the other, inside the
    /// busy timeout, and each sees either an empty file or the finished
    /// schema of the first, never half of it. Only then is the file
    /// switched to WAL, which rewrites its header.
    fn setup(mut conn: Connection, options: &Options) -> Result<Store, StoreError> {
        // The timeout comes first: migrating and switching to WAL both need
        // locks that another process may hold at this very moment.
        conn.busy_timeout(options.busy_timeout)?;
        // 16 KiB pages (SQLite's default is 4 KiB) make a year of visits
        // fewer pages to write at import and to walk at report time; the
        // size only applies to a file not yet written, so an existing store
        // (or another application's file) keeps its own, and setting it
        // writes nothing.
        conn.pragma_update(None, "page_size", 16 * 1024)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations::migrate(&mut conn)?;
        // WAL lets readers (reports) run while an import writes, and with
        // synchronous=NORMAL a commit costs no fsync (a power cut may lose the
        // last commits, never corrupt the file).
        switch_to_wal(&conn, options.busy_timeout)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // A page cache of 32 MiB (SQLite's default is 2 MiB) keeps the
        // (site, reference) index of a year in memory while a large file is
        // imported; it is a ceiling, taken only as pages are used.
        conn.pragma_update(None, "cache_size", -32 * 1024)?;
        Ok(Store { conn })
    }

    /// The connection, for read queries of the modules built on the store.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in a write transaction that takes the write lock up front
    /// (`BEGIN IMMEDIATE`), committing if it returns `Ok` and rolling back
    /// otherwise.
    pub fn write<T, E>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| E::from(e.into()))?;
        let value = f(&tx)?;
        tx.commit().map_err(|e| E::from(e.into()))?;
        Ok(value)
    }

    /// The schema version of the file.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// How many records of each kind the store holds.
    pub fn counts(&self) -> Result<Counts, StoreError> {
        let count = |table: &str| -> Result<u64, StoreError> {
            let n: i64 =
                self.conn
                    .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
            Ok(n.unsigned_abs())
        };
        Ok(Counts {
            visits: count("visits")?,
            survey_answers: count("survey_answers")?,
            events: count("events")?,
            imports: count("imports")?,
        })
    }

    /// Every file imported, oldest first.
    pub fn imports(&self) -> Result<Vec<ImportInfo>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {} FROM imports ORDER BY id",
            import::IMPORT_COLUMNS
        ))?;
        let rows = stmt.query_map([], import::import_info)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The import of the file with this content, if there was one.
    pub fn find_import(&self, sha256: &str) -> Result<Option<ImportInfo>, StoreError> {
        import::find_import(&self.conn, sha256)
    }
}

/// Switches the file to WAL, waiting out other processes within `timeout`.
///
/// SQLite switches a file to WAL by reading its header and then upgrading to
/// the write lock; when another process holds a read lock at that moment
/// (it is switching too, or checking the schema), the upgrade fails at once
/// with SQLITE_BUSY without calling the busy handler, since waiting while
/// holding a read lock could deadlock. The statement is then tried again
/// after a short sleep, with no lock held, until the timeout. A file already
/// in WAL is left as it is: the statement reads its header and writes
/// nothing.
fn switch_to_wal(conn: &Connection, timeout: Duration) -> Result<(), StoreError> {
    let deadline = std::time::Instant::now() + timeout;
    let mut pause = Duration::from_millis(1);
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Ok(mode) if mode.eq_ignore_ascii_case("wal") || mode.eq_ignore_ascii_case("memory") => {
                return Ok(());
            }
            // SQLite answers with the mode it kept when it could not switch.
            Ok(_) if std::time::Instant::now() < deadline => {}
            Ok(mode) => {
                return Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                    Some(format!(
                        "the file stayed in journal mode {mode}: another process kept it locked"
                    )),
                )));
            }
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline => {}
            Err(e) => return Err(e.into()),
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_store_is_at_the_latest_schema_and_empty() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(
            store.schema_version().unwrap(),
            migrations::latest_version()
        );
        assert_eq!(store.counts().unwrap(), Counts::default());
        assert!(store.imports().unwrap().is_empty());
    }

    #[test]
    fn a_file_store_is_in_wal_mode_and_reopens_without_migrating_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("em.sqlite");
        drop(Store::open(&path).unwrap());
        let store = Store::open(&path).unwrap();
        let mode: String = store
            .connection()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(
            store.schema_version().unwrap(),
            migrations::latest_version()
        );
    }

    #[test]
    fn a_store_from_a_newer_program_is_refused_not_downgraded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("em.sqlite");
        let store = Store::open(&path).unwrap();
        store
            .connection()
            .execute_batch("PRAGMA user_version = 999")
            .unwrap();
        drop(store);
        let err = Store::open(&path).unwrap_err();
        assert!(
            matches!(err, StoreError::NewerSchema { found: 999, .. }),
            "{err}"
        );
    }
}
