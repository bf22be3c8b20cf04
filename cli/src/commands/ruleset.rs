//! The ruleset a command reads, and `em ruleset check`.
//!
//! A region editing its rules wants to know, before anyone imports or
//! reports, whether the folder is sound. Each area reads its own file —
//! the core `ruleset.toml` and `statistics.toml` (and every number against
//! its sane range), `em-labelling` its `labelling.toml`, `em-territory` its
//! `territory.toml`, `em-governance` its `governance.toml` — and every
//! problem of every file is listed with its file, path, line and reason.
//! Each file is checked on its own, so a broken statistics file (or one that
//! is not UTF-8) does not hide a problem of the governance file.
//!
//! Every command that reads rules takes them from [`current`]: the folder of
//! the global `--ruleset` option (or of `EM_RULESET`), checked by the very
//! same check before use, or else the ruleset compiled into `em`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use em_core::Ruleset;
use em_core::ruleset::{RulesArea, RulesetError, problems_of_folder};
use em_governance::GOVERNANCE_AREA;
use em_labelling::LABELLING_AREA;
use em_territory::TERRITORY_AREA;

use crate::error::CliError;

/// The areas that read a file of their own, beside the core's.
pub const AREAS: [RulesArea; 3] = [LABELLING_AREA, TERRITORY_AREA, GOVERNANCE_AREA];

/// The folder of `--ruleset`, set once by [`select`] before the command runs.
static FOLDER: OnceLock<Option<PathBuf>> = OnceLock::new();

/// The ruleset of this run, loaded and checked at its first use.
static LOADED: OnceLock<Result<Ruleset, String>> = OnceLock::new();

/// Chooses the ruleset folder of this run (`None`: the compiled-in one).
pub fn select(folder: Option<PathBuf>) {
    // Set once, from `main`, before any command reads the rules.
    let _ = FOLDER.set(folder);
}

/// The ruleset the command reads: the `--ruleset` folder, checked in every
/// area as `em ruleset check` checks it, or the ruleset compiled into `em`.
/// A folder with a problem is refused with every problem's file, line and
/// reason, before anything is read or written with it.
pub fn current() -> Result<Ruleset, CliError> {
    LOADED
        .get_or_init(|| match FOLDER.get().cloned().flatten() {
            Some(dir) => load(&dir).map_err(|e| e.to_string()),
            None => Ok(Ruleset::champagne_ardenne()),
        })
        .clone()
        .map_err(CliError::Input)
}

/// Loads the ruleset folder `dir` once the whole check passes.
pub fn load(dir: &Path) -> Result<Ruleset, CliError> {
    let _span = tracing::info_span!("ruleset_load").entered();
    let raw = read_folder(dir)?;
    Ruleset::from_folder_files(raw, &AREAS)
        .inspect(|r| {
            tracing::info!(id = %r.manifest.id, version = %r.manifest.version, "ruleset loaded");
        })
        .map_err(|errors| {
            let mut message = format!(
                "the ruleset {} is refused: {} problem{}; `em ruleset check {}` lists them too",
                dir.display(),
                errors.0.len(),
                if errors.0.len() == 1 { "" } else { "s" },
                dir.display()
            );
            for problem in &errors.0 {
                message.push_str("\n  ");
                message.push_str(&problem_line(dir, problem));
            }
            CliError::Input(message)
        })
}

/// Reads every `.toml` file of `dir` as bytes, by file name; the check
/// decodes them, so that a file that is not UTF-8 is one problem among the
/// others rather than the end of the check.
pub fn read_folder(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, CliError> {
    if !dir.is_dir() {
        return Err(CliError::Input(format!(
            "{} is not a folder: a ruleset is a folder of TOML files (like rulesets/champagne-ardenne)",
            dir.display()
        )));
    }
    let entries = std::fs::read_dir(dir).map_err(|e| CliError::io(dir, e))?;
    let mut files = BTreeMap::new();
    for entry in entries {
        let path = entry.map_err(|e| CliError::io(dir, e))?.path();
        if path.extension().is_some_and(|x| x == "toml") {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes = std::fs::read(&path).map_err(|e| CliError::io(&path, e))?;
            files.insert(name, bytes);
        }
    }
    Ok(files)
}

/// Runs `em ruleset check [DIR]`: prints every problem, or that the folder
/// is sound; a folder with problems is a failure (exit code 1). Without a
/// folder, checks the one of `--ruleset`, or else the compiled-in ruleset.
pub fn check(dir: Option<&Path>) -> Result<(), CliError> {
    let _span = tracing::info_span!("ruleset_check").entered();
    let selected = FOLDER.get().cloned().flatten();
    let (label, files) = match dir.or(selected.as_deref()) {
        Some(dir) => (dir.to_owned(), read_folder(dir)?),
        None => {
            let shipped = Ruleset::champagne_ardenne();
            let files = shipped
                .file_names()
                .filter_map(|n| Some((n.to_owned(), shipped.file(n)?.as_bytes().to_vec())))
                .collect();
            (PathBuf::from("(the ruleset built into em)"), files)
        }
    };
    let names = files.keys().cloned().collect::<Vec<_>>();
    let found = problems_of_folder(files, &AREAS);
    if found.is_empty() {
        crate::output::say(format_args!(
            "{}: the ruleset is sound ({} files checked: {})",
            label.display(),
            names.len(),
            names.join(", ")
        ));
        return Ok(());
    }
    for problem in &found {
        crate::output::warn(format_args!("{}", problem_line(&label, problem)));
    }
    Err(CliError::Input(format!(
        "{}: the ruleset has {} problem{} (listed above); fix them before using it",
        label.display(),
        found.len(),
        if found.len() == 1 { "" } else { "s" }
    )))
}

fn problem_line(dir: &Path, problem: &RulesetError) -> String {
    format!("{}", dir.join(problem.file.as_str()).display())
        + &problem.to_string()[problem.file.len()..]
}
