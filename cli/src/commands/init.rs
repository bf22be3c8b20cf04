//! `em init`: create (or bring up to date) a database, and how the other
//! commands open one.
//!
//! Only the commands that exist to fill a database (`init`, `import`,
//! `demo`) may create its file. Every other command opens an existing one:
//! a mistyped path must not leave behind a new, empty database that the
//! next report would silently read as "no activity".

use std::path::Path;

use em_store::Store;

use crate::error::CliError;

/// Opens the database at `db`, creating it and running its migrations.
pub fn run(db: &Path) -> Result<(), CliError> {
    let _span = tracing::info_span!("init").entered();
    let store = create(db)?;
    let version = store
        .schema_version()
        .map_err(|e| CliError::Input(format!("{}: {e}", db.display())))?;
    crate::output::say(format_args!(
        "database {} ready (layout version {version})",
        db.display()
    ));
    Ok(())
}

/// Opens the database at `db`, creating the file if there is none; for the
/// commands that fill a database.
pub fn create(db: &Path) -> Result<Store, CliError> {
    Store::open(db).map_err(|e| match e {
        // The error names the file and says why it is refused.
        em_store::StoreError::ForeignDatabase { .. } => CliError::Input(e.to_string()),
        e => CliError::Input(format!("cannot open the database {}: {e}", db.display())),
    })
}

/// Opens the existing database at `db` for the commands that read it (or
/// add a step to what it holds); a missing file is an error that says how
/// to make one, and nothing is created.
pub fn open(db: &Path) -> Result<Store, CliError> {
    match std::fs::metadata(db) {
        Ok(meta) if meta.is_dir() => {
            return Err(CliError::Input(format!(
                "{} is a folder, not a network database",
                db.display()
            )));
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(CliError::Input(format!(
                "no network database at {}; create one with `em init {}` (or fill one with `em import`)",
                db.display(),
                db.display()
            )));
        }
        Err(e) => return Err(CliError::io(db, e)),
    }
    create(db)
}
