//! `em-demo`: the demo data set of `em demo`, generated.
//!
//! Visit-level data of real people is not public, so the demo's year of
//! activity is simulated by a seeded generator calibrated on the published
//! figures listed in `calibration.toml` (see `examples/data/README.md`), on
//! the real registry of eleven sites and on the real communes with their
//! populations. The same seed always gives the same files.
//!
//! - [`calibration`]: the generator's parameters, each with its source;
//! - [`generate`]: the simulation of visits, survey answers and events;
//! - [`write`]: the files sites keep — French CSV, XLSX, JSON Lines;
//! - [`rng`]: the seeded pseudo-random generator.

pub mod calibration;
pub mod generate;
pub mod rng;
pub mod write;

use std::path::{Path, PathBuf};

pub use calibration::Calibration;
pub use generate::{DemoData, generate};
pub use write::{DemoFile, write_files};

use em_core::{Registry, Ruleset};

/// Why the demo data could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The parameters are wrong; every problem is listed.
    #[error("the demo calibration is invalid:\n  {}", .0.join("\n  "))]
    Calibration(Vec<String>),
    /// A file could not be written.
    #[error("cannot write {}: {reason}", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// Generates the shipped demo data set and writes its files under `dir`.
pub fn build(
    ruleset: &Ruleset,
    registry: &Registry,
    dir: &Path,
) -> Result<(DemoData, Vec<DemoFile>), DemoError> {
    let calibration = Calibration::shipped(ruleset, registry)?;
    let data = generate(&calibration, registry, ruleset);
    let files = write_files(&data, &calibration, ruleset, dir)?;
    Ok((data, files))
}
