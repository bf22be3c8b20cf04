//! The demo data set from Python: the same seeded files as `em demo` (the
//! eleven sites' visits, survey answers and events, as French CSV, XLSX and
//! JSON Lines), so that examples and notebooks run anywhere.

use std::path::Path;
use std::sync::Arc;

use crate::error::{EmError, Problem};
use crate::registry::Registry;
use crate::ruleset::Ruleset;

/// One file of the demo data set.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DemoFile {
    /// Where it was written.
    pub path: String,
    /// The kind of its records (`visit`, `survey_answer`, `event`).
    pub kind: String,
    /// The site whose records it holds, or none for a network-wide file.
    pub site: Option<String>,
    /// The year of its records.
    pub year: i32,
    /// How many records it holds.
    pub records: u64,
}

/// Writes the demo data set under `directory` and returns its files,
/// visits first.
#[uniffi::export]
pub fn write_demo_files(
    directory: String,
    ruleset: Option<Arc<Ruleset>>,
    registry: Option<Arc<Registry>>,
) -> Result<Vec<DemoFile>, EmError> {
    let _span = tracing::info_span!("binding.write_demo_files").entered();
    let ruleset = ruleset.unwrap_or_else(Ruleset::shipped);
    let registry = registry.unwrap_or_else(Registry::shipped);
    let (_, files) = em_demo::build(ruleset.core(), registry.core(), Path::new(&directory))
        .map_err(|e| EmError::File {
            message: e.to_string(),
            problems: vec![Problem {
                file: Some(directory.clone()),
                ..Problem::reason(e.to_string())
            }],
        })?;
    Ok(files
        .into_iter()
        .map(|f| DemoFile {
            path: f.path.display().to_string(),
            kind: f.kind.as_str().to_owned(),
            site: f.site,
            year: i32::from(f.year),
            records: f.records as u64,
        })
        .collect())
}
