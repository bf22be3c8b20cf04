//! `em import`: the sites' files into a database, all or nothing per file.
//!
//! Every file is imported on its own: a refused file stores nothing and the
//! others are still imported. Every problem of a refused file is printed on
//! standard error with its file, line (or sheet and row), column and reason;
//! the command then exits with code 1.

use std::path::{Path, PathBuf};

use em_core::statistics::RecordKind;
use em_core::{Registry, Ruleset};
use em_import::{ImportOptions, ImportReport, Importer, Mapping, Outcome};
use em_plugin_host::PluginHost;
use em_store::Store;
use indicatif::{ProgressBar, ProgressStyle};

use crate::commands::plugins::PluginCheck;

use crate::args::{ImportArgs, KindArg};
use crate::error::CliError;

impl From<KindArg> for RecordKind {
    fn from(kind: KindArg) -> RecordKind {
        match kind {
            KindArg::Visit => RecordKind::Visit,
            KindArg::SurveyAnswer => RecordKind::SurveyAnswer,
            KindArg::Event => RecordKind::Event,
        }
    }
}

/// One file to import and what the command line says about it.
#[derive(Debug, Clone)]
pub struct FileToImport {
    /// The file.
    pub path: PathBuf,
    /// Its site, for files without a site column.
    pub site: Option<String>,
    /// The kind of records it holds, if known.
    pub kind: Option<RecordKind>,
}

/// What became of a batch of files.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Records stored.
    pub stored: u64,
    /// Files imported now.
    pub imported: usize,
    /// Files found already imported.
    pub already_imported: usize,
    /// Files refused.
    pub refused: usize,
}

/// Reads a column mapping, the shipped one when `path` is `None`.
pub fn mapping(path: Option<&Path>) -> Result<Mapping, CliError> {
    let Some(path) = path else {
        return Ok(Mapping::default_fr());
    };
    let text = std::fs::read_to_string(path).map_err(|e| CliError::io(path, e))?;
    let name = path.display().to_string();
    Mapping::from_toml(&name, &text).map_err(|e| CliError::Input(e.to_string()))
}

/// Checks that `site` is a site of the registry, naming the known ones if not.
pub fn check_site(registry: &Registry, site: &str) -> Result<(), CliError> {
    if registry.site(site).is_some() {
        return Ok(());
    }
    let known: Vec<&str> = registry.sites.iter().map(|s| s.id.as_str()).collect();
    Err(CliError::Usage(format!(
        "`{site}` is not a site of the registry; the sites are: {}",
        known.join(", ")
    )))
}

/// Imports `files` one by one, printing what became of each; refused files'
/// problems go to standard error.
pub fn import_files(
    store: &mut Store,
    importer: &Importer<'_>,
    files: &[FileToImport],
    plugins: Option<&PluginHost>,
) -> Result<Summary, CliError> {
    let mut summary = Summary::default();
    for file in files {
        let size = std::fs::metadata(&file.path)
            .map_err(|e| CliError::io(&file.path, e))?
            .len();
        let bar = ProgressBar::new(size).with_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} ({eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(file.path.display().to_string());
        let mut on_progress = |p: em_import::Progress| bar.set_position(p.bytes_read);
        let mut checks = plugins
            .map(|host| PluginCheck::for_site(host, file.site.as_deref()))
            .unwrap_or_default();
        let options = ImportOptions {
            kind: file.kind,
            site: file.site.clone(),
            progress: Some(&mut on_progress),
            checks: checks
                .iter_mut()
                .map(|c| c as &mut dyn em_import::RecordCheck)
                .collect(),
            ..ImportOptions::default()
        };
        let result = importer.import_file(store, &file.path, options);
        bar.finish_and_clear();
        let report = result.map_err(|e| CliError::Input(e.to_string()))?;
        account(&report, &file.path, &mut summary);
    }
    Ok(summary)
}

fn account(report: &ImportReport, path: &Path, summary: &mut Summary) {
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    if report.warnings_not_listed > 0 {
        eprintln!(
            "warning: {}: … and {} more warning(s) not listed",
            path.display(),
            report.warnings_not_listed
        );
    }
    match &report.outcome {
        Outcome::Imported(_) => {
            summary.imported += 1;
            summary.stored += report.stored;
            let mut line = format!("{}: {} record(s) stored", path.display(), report.stored);
            if report.already_stored > 0 {
                line.push_str(&format!(
                    ", {} already in the database",
                    report.already_stored
                ));
            }
            crate::output::say(format_args!("{line}"));
        }
        Outcome::AlreadyImported(info) => {
            summary.already_imported += 1;
            crate::output::say(format_args!(
                "{}: already imported on {} (as {}); nothing added",
                path.display(),
                info.imported_at,
                info.file_name
            ));
        }
        Outcome::Refused => {
            summary.refused += 1;
            for problem in &report.problems {
                eprintln!("{problem}");
            }
            if report.problems_not_listed > 0 {
                eprintln!(
                    "{}: … and {} more problem(s) not listed",
                    path.display(),
                    report.problems_not_listed
                );
            }
            if report.rows_refused > 0 {
                eprintln!(
                    "{}: refused — {} of {} row(s) have problems; nothing of this file was stored",
                    path.display(),
                    report.rows_refused,
                    report.rows_read
                );
            } else {
                eprintln!(
                    "{}: refused — the file itself has problems (see above); nothing of it was stored",
                    path.display()
                );
            }
        }
    }
}

/// Runs `em import`.
pub fn run(args: &ImportArgs) -> Result<(), CliError> {
    let ruleset = Ruleset::champagne_ardenne();
    let registry = Registry::champagne_ardenne();
    if let Some(site) = &args.site {
        check_site(&registry, site)?;
    }
    let mapping = mapping(args.mapping.as_deref())?;
    let importer =
        Importer::new(&ruleset, &registry, &mapping).map_err(|e| CliError::Input(e.to_string()))?;
    let mut store = crate::commands::init::open(&args.db)?;
    let files: Vec<FileToImport> = args
        .files
        .iter()
        .map(|path| FileToImport {
            path: path.clone(),
            site: args.site.clone(),
            kind: args.kind.map(RecordKind::from),
        })
        .collect();
    let host = match &args.plugins {
        Some(manifest) => Some(crate::commands::plugins::host(manifest)?),
        None => None,
    };
    let summary = import_files(&mut store, &importer, &files, host.as_ref())?;
    if summary.refused > 0 {
        return Err(CliError::Input(format!(
            "{} of {} file(s) refused (see the problems above); the other files were imported",
            summary.refused,
            files.len()
        )));
    }
    Ok(())
}
