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

/// Brings the database up to [`latest_version`].
///
/// The check of the current version and the migrations run in one
/// `BEGIN IMMEDIATE` transaction, so two processes opening a fresh file at
/// once apply each migration exactly once: the second waits for the write
/// lock, then sees the version the first recorded.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current: u32 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
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
