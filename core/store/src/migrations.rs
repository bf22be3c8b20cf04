//! The schema's migrations, applied in order at open and recorded in
//! `PRAGMA user_version`.
//!
//! Each migration is a numbered SQL file in `core/store/migrations/`. A
//! module that needs tables of its own adds one line to [`MIGRATIONS`] with
//! the next number; a migration, once released, is never edited.

use rusqlite::{Connection, TransactionBehavior};

use crate::StoreError;

/// Every migration, `(version, sql)`, versions 1, 2, 3… without gaps.
pub const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("../migrations/0001_statistics.sql")),
    (2, include_str!("../migrations/0002_journal.sql")),
    (3, include_str!("../migrations/0003_governance.sql")),
];

/// The schema version this build of the library writes.
pub fn latest_version() -> u32 {
    MIGRATIONS.last().map_or(0, |(v, _)| *v)
}

/// The tables every em database has from its first migration on.
const FIRST_TABLES: &[&str] = &["imports", "visits"];

/// The tables of a database that is not an em database, comma-separated in
/// name order: a file holding tables but no em schema version (`PRAGMA
/// user_version` 0), or one whose version is set but lacks the tables of
/// the first migration. `None` for an empty file or an em database.
fn foreign_tables(conn: &Connection, version: u32) -> Result<Option<String>, rusqlite::Error> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema \
         WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
         ORDER BY name",
    )?;
    let tables = stmt
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    let foreign = if version == 0 {
        !tables.is_empty()
    } else {
        FIRST_TABLES.iter().any(|t| !tables.iter().any(|n| n == t))
    };
    Ok(foreign.then(|| {
        if tables.is_empty() {
            "none".to_owned()
        } else {
            tables.join(", ")
        }
    }))
}

/// Brings the database up to [`latest_version`], after checking that it is
/// an em database or an empty file.
///
/// The check, the reading of the current version and the migrations run in
/// one `BEGIN IMMEDIATE` transaction, so two processes opening a fresh file
/// at once apply each migration exactly once: the second waits for the
/// write lock (within the busy timeout), then sees the version the first
/// recorded. A file of another application is refused before anything is
/// written: the transaction is rolled back having only read.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current: u32 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if let Some(tables) = foreign_tables(&tx, current)? {
        return Err(StoreError::ForeignDatabase {
            path: tx.path().map(Into::into).unwrap_or_default(),
            tables,
        });
    }
    let known = latest_version();
    if current > known {
        return Err(StoreError::NewerSchema {
            found: current,
            known,
        });
    }
    for &(version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        tx.execute_batch(sql)
            .map_err(|source| StoreError::Migration { version, source })?;
        // PRAGMA takes no bound parameters; the version is our own integer.
        tx.execute_batch(&format!("PRAGMA user_version = {version}"))
            .map_err(|source| StoreError::Migration { version, source })?;
        tracing::info!(version, "applied store migration");
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_versions_count_up_from_one_without_gaps() {
        for (i, (version, sql)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*version as usize, i + 1);
            assert!(
                sql.contains(&format!("Migration {version:04}")),
                "migration {version} does not name itself in its header"
            );
        }
    }
}
