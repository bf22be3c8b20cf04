//! `em init`: create (or bring up to date) a database.

use std::path::Path;

use em_store::Store;

use crate::error::CliError;

/// Opens the database at `db`, creating it and running its migrations.
pub fn run(db: &Path) -> Result<(), CliError> {
    let _span = tracing::info_span!("init").entered();
    let store = open(db)?;
    let version = store
        .schema_version()
        .map_err(|e| CliError::Input(format!("{}: {e}", db.display())))?;
    crate::output::say(format_args!(
        "database {} ready (layout version {version})",
        db.display()
    ));
    Ok(())
}

/// Opens a database for the other commands, with a message naming the file.
pub fn open(db: &Path) -> Result<Store, CliError> {
    Store::open(db)
        .map_err(|e| CliError::Input(format!("cannot open the database {}: {e}", db.display())))
}
