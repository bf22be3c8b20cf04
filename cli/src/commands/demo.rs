//! `em demo`: the main job on the shipped data, from nothing to a report.
//!
//! Generates the sites' files for the demo years (see `examples/data`),
//! creates a fresh database, imports every file through the same importers
//! as `em import`, and writes the activity report of the last year, compared
//! with the year before.

use std::fs;
use std::path::{Path, PathBuf};

use em_core::Registry;
use em_import::{Importer, Mapping};

use crate::args::FormatArg;
use crate::commands::governance::GovernanceInputs;
use crate::commands::import::{FileToImport, import_files};
use crate::error::CliError;

/// The file `em demo` leaves in its folder, so that a later run knows the
/// folder's `data/`, database and `report/` are its own to replace.
pub const MARKER: &str = ".em-demo";

/// Makes `out` the demo's folder, or refuses without touching anything.
///
/// The demo replaces `data/`, `em-demo.sqlite` and `report/` in its folder;
/// doing that in a folder of the user's (or at the repository root, whose
/// `data/` is shipped) would destroy their files. So only a folder that does
/// not exist, is empty, or holds the marker of an earlier demo is used.
fn claim_folder(out: &Path) -> Result<(), CliError> {
    let marker = out.join(MARKER);
    if out.exists() {
        if !out.is_dir() {
            return Err(CliError::Usage(format!(
                "{} is not a folder; give em demo a new or empty folder with --out",
                out.display()
            )));
        }
        if !marker.is_file() {
            let mut entries = fs::read_dir(out).map_err(|e| CliError::io(out, e))?;
            if entries.next().is_some() {
                return Err(CliError::Usage(format!(
                    "{} already holds files that em demo did not write; it replaces data/, em-demo.sqlite and report/ in its folder, so it only writes into a new or empty folder or one an earlier em demo made. Choose another folder with --out (e.g. --out {}), or empty this one yourself",
                    out.display(),
                    out.join("em-demo").display()
                )));
            }
        }
    }
    fs::create_dir_all(out).map_err(|e| CliError::io(out, e))?;
    fs::write(
        &marker,
        "This folder was written by `em demo`; a later `em demo --out` here replaces its data/, em-demo.sqlite and report/.\n",
    )
    .map_err(|e| CliError::io(&marker, e))
}

/// Runs the demo into `out` and prints where the report is.
pub fn run(out: &Path, plugins: Option<&Path>) -> Result<(), CliError> {
    let _span = tracing::info_span!("demo").entered();
    let ruleset = crate::commands::ruleset::current()?;
    let registry = Registry::champagne_ardenne();
    claim_folder(out)?;
    let data_dir = out.join("data");
    let db = out.join("em-demo.sqlite");
    // A fresh run: the files and database of an earlier demo are replaced,
    // not added to. `claim_folder` made sure that they are the demo's own.
    if data_dir.exists() {
        fs::remove_dir_all(&data_dir).map_err(|e| CliError::io(&data_dir, e))?;
    }
    for suffix in ["", "-wal", "-shm"] {
        let path = PathBuf::from(format!("{}{suffix}", db.display()));
        if path.exists() {
            fs::remove_file(&path).map_err(|e| CliError::io(&path, e))?;
        }
    }

    crate::output::warn(format_args!(
        "1/3 generating the sites' files (records are made up; see examples/data/README.md)"
    ));
    let (data, files) = em_demo::build(&ruleset, &registry, &data_dir)
        .map_err(|e| CliError::Input(e.to_string()))?;
    crate::output::warn(format_args!(
        "    {} visits, {} survey answers, {} events in {} files under {}",
        data.visits.len(),
        data.survey_answers.len(),
        data.events.len(),
        files.len(),
        data_dir.display()
    ));

    crate::output::warn(format_args!("2/3 importing them into {}", db.display()));
    let mut store = crate::commands::init::create(&db)?;
    let importer = Importer::new(&ruleset, &registry, &Mapping::default_fr())
        .map_err(|e| CliError::Input(e.to_string()))?;
    let to_import: Vec<FileToImport> = files
        .iter()
        .map(|f| FileToImport {
            path: f.path.clone(),
            site: f.site.clone(),
            kind: Some(f.kind),
        })
        .collect();
    let host = match plugins {
        Some(manifest) => Some(crate::commands::plugins::host(manifest)?),
        None => None,
    };
    let summary = import_files(&mut store, &importer, &to_import, host.as_ref())?;
    // Without plugins a refused demo file is a fault of the project (the
    // generator and the importers disagree), and the demo stops. With them,
    // a site's rules plugin that could not load, crashed or refused rows
    // refuses that site's files; the demo goes on with the others and says
    // so at the end, as `em report` does for a report plugin left out.
    if summary.refused > 0 && host.is_none() {
        return Err(CliError::Input(format!(
            "{} demo file(s) were refused (problems above): the generator disagrees with the importers",
            summary.refused
        )));
    }

    let year = *data
        .years
        .last()
        .ok_or_else(|| CliError::Input("the demo simulates no year".to_owned()))?;
    crate::output::warn(format_args!(
        "3/3 writing the activity report (bilan d'activité) of {year}"
    ));
    let mut report = crate::commands::report::build(&store, &registry, &ruleset, year)?;
    let mut sections_left_out = 0;
    if let Some(host) = &host {
        let (ran, failed) = crate::commands::plugins::run_report_plugins(host, &mut report);
        crate::output::warn(format_args!(
            "    {ran} site plugin section(s) added to the report, {failed} left out"
        ));
        // `failed` counts the report plugins that could not load too; they
        // are counted once, below, with the others that could not load.
        let not_loaded = host
            .left_out
            .iter()
            .filter(|(entry, _)| entry.kind == em_plugin_host::PluginKind::Report)
            .count();
        sections_left_out = failed - not_loaded;
    }
    let report_dir = out.join("report");
    // The governance sample of the repository: the meetings of the demo
    // year and the next year's roadmap and proposals, compiled in so that
    // the demo runs from any folder.
    let governance = GovernanceInputs {
        meetings: (
            "examples/governance/meetings-2009.json".to_owned(),
            include_str!("../../../examples/governance/meetings-2009.json").to_owned(),
        ),
        roadmap: (
            "examples/governance/roadmap-2010.json".to_owned(),
            include_str!("../../../examples/governance/roadmap-2010.json").to_owned(),
        ),
        proposals: (
            "examples/governance/proposals-2010.json".to_owned(),
            include_str!("../../../examples/governance/proposals-2010.json").to_owned(),
        ),
    };
    // The demo database holds the meetings its governance page counts, so
    // that `em committee compliance --db` on it tells the same story.
    governance.record_meetings(&mut store, &ruleset, &registry)?;
    let written = crate::commands::report::write_all(
        &report,
        &ruleset,
        &registry,
        Some(&governance),
        &report_dir,
        &[FormatArg::Html, FormatArg::Json, FormatArg::Csv],
    )?;
    let html = written
        .html
        .ok_or_else(|| CliError::Input("the HTML report was not written".to_owned()))?;
    crate::output::say(format_args!("report: {}", html.display()));
    crate::output::say(format_args!(
        "        also {} and {}",
        report_dir.join("report.json").display(),
        report_dir.join("csv").display()
    ));
    if let Some(page) = &written.governance {
        crate::output::say(format_args!(
            "governance (committees held, action plans arbitrated): {}",
            page.display()
        ));
    }
    crate::output::say(format_args!("database: {}", db.display()));
    // The demo is written but for what the failing plugins cost; a script
    // must still learn that it is not whole, hence a verdict (exit code 3).
    let plugins_left_out = host.as_ref().map_or(0, |h| h.left_out.len());
    if plugins_left_out + sections_left_out + summary.refused > 0 {
        return Err(CliError::Verdict(format!(
            "demo written in {}, but not whole (each cause is named above): {plugins_left_out} plugin(s) could not be loaded, {sections_left_out} plugin run(s) failed and left their section out of the report, {} site file(s) were refused",
            out.display(),
            summary.refused
        )));
    }
    Ok(())
}
