//! `em ruleset check`: every file of a ruleset folder checked at once.
//!
//! A region editing its rules wants to know, before anyone imports or
//! reports, whether the folder is sound. Each area reads its own file —
//! the core `ruleset.toml` and `statistics.toml` (and every number against
//! its sane range), `em-labelling` its `labelling.toml`, `em-territory` its
//! `territory.toml`, `em-governance` its `governance.toml` — and every
//! problem of every file is listed with its file, path, line and reason.
//! Each area is checked on its own text, so a broken statistics file does
//! not hide a problem of the governance file.

use std::collections::BTreeMap;
use std::path::Path;

use em_core::ruleset::{RulesArea, RulesetError, problems_of_areas};
use em_governance::{GOVERNANCE_AREA, GOVERNANCE_FILE};
use em_labelling::LABELLING_AREA;
use em_territory::{TERRITORY_AREA, TERRITORY_FILE};

use crate::error::CliError;

/// The files some area of the library reads.
const KNOWN_FILES: &[&str] = &[
    "ruleset.toml",
    "statistics.toml",
    LABELLING_AREA.file,
    TERRITORY_FILE,
    GOVERNANCE_FILE,
];

/// Reads every `.toml` file of `dir`, by file name.
pub fn read_folder(dir: &Path) -> Result<BTreeMap<String, String>, CliError> {
    let entries = std::fs::read_dir(dir).map_err(|e| CliError::io(dir, e))?;
    let mut files = BTreeMap::new();
    for entry in entries {
        let path = entry.map_err(|e| CliError::io(dir, e))?.path();
        if path.extension().is_some_and(|x| x == "toml") {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&path).map_err(|e| CliError::io(&path, e))?;
            files.insert(name, text);
        }
    }
    Ok(files)
}

/// The areas that read a file of their own, beside the core's.
pub const AREAS: [RulesArea; 3] = [LABELLING_AREA, TERRITORY_AREA, GOVERNANCE_AREA];

/// Every problem of the ruleset made of `files` (file name → text), each
/// place named once, in file order, with the files no area reads.
pub fn problems(files: &BTreeMap<String, String>) -> Vec<RulesetError> {
    let mut found = problems_of_areas(files, &AREAS);
    for name in files.keys() {
        if !KNOWN_FILES.contains(&name.as_str()) {
            found.push(RulesetError::at(
                name,
                "",
                format!(
                    "no area of the rules reads this file (they read {})",
                    KNOWN_FILES.join(", ")
                ),
            ));
        }
    }
    found.sort_by(|a, b| a.file.cmp(&b.file).then(a.line.cmp(&b.line)));
    found
}

/// Runs `em ruleset check DIR`: prints every problem, or that the folder is
/// sound; a folder with problems is a failure (exit code 1).
pub fn check(dir: &Path) -> Result<(), CliError> {
    let _span = tracing::info_span!("ruleset_check").entered();
    if !dir.is_dir() {
        return Err(CliError::Input(format!(
            "{} is not a folder: a ruleset is a folder of TOML files (like rulesets/champagne-ardenne)",
            dir.display()
        )));
    }
    let files = read_folder(dir)?;
    let found = problems(&files);
    if found.is_empty() {
        crate::output::say(format_args!(
            "{}: the ruleset is sound ({} files checked: {})",
            dir.display(),
            files.len(),
            files.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
        return Ok(());
    }
    for problem in &found {
        eprintln!("{}", problem_line(dir, problem));
    }
    Err(CliError::Input(format!(
        "{}: the ruleset has {} problem{} (listed above); fix them before using it",
        dir.display(),
        found.len(),
        if found.len() == 1 { "" } else { "s" }
    )))
}

fn problem_line(dir: &Path, problem: &RulesetError) -> String {
    format!("{}", dir.join(problem.file.as_str()).display())
        + &problem.to_string()[problem.file.len()..]
}
