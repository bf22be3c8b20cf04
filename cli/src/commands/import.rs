//! `em import`: the sites' files into a database, all or nothing per file.
//!
//! Every file is imported on its own: a refused file stores nothing and the
//! others are still imported. One line per file, in one shape whatever
//! became of it (imported, already imported, refused, with its rows stored,
//! already in the database and with errors), goes to standard output, and a
//! total line ends a batch of several files. Every problem of a refused file
//! is printed on standard error with its file, line (or sheet and row),
//! column and reason; the command then exits with code 1.

use std::path::{Path, PathBuf};

use em_core::Registry;
use em_core::statistics::RecordKind;
use em_import::{ImportError, ImportOptions, ImportReport, Importer, Mapping, Outcome};
use em_store::Store;
use indicatif::{ProgressBar, ProgressStyle};

use crate::commands::plugins::{PluginCheck, SitePlugins};

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

/// What became of a batch of files, added up over its files.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Files imported now.
    pub imported: usize,
    /// Files found already imported.
    pub already_imported: usize,
    /// Files refused.
    pub refused: usize,
    /// Rows stored.
    pub stored: u64,
    /// Rows found already in the database.
    pub already_stored: u64,
    /// Rows with errors (in refused files).
    pub rows_with_errors: u64,
}

impl Summary {
    fn files(&self) -> usize {
        self.imported + self.already_imported + self.refused
    }
}

/// `n` followed by `one` or `many`, as a person writes it.
fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The row counts that end every line about a file and the total line, in
/// one shape so that a coordinator reads them the same way every time.
fn rows(stored: u64, already: u64, with_errors: u64) -> String {
    format!(
        "{} stored, {already} already in the database, {with_errors} with errors",
        count(stored, "row", "rows")
    )
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
    registry
        .require_site(site)
        .map(|_| ())
        .map_err(|e| CliError::Usage(e.to_string()))
}

/// Imports `files` one by one, printing one line about each (and a total
/// line); refused files' problems go to standard error. A file that cannot
/// be read is refused like a file with bad rows and the others go on; only
/// a failing database stops the batch.
pub fn import_files(
    store: &mut Store,
    importer: &Importer<'_>,
    files: &[FileToImport],
    plugins: Option<&SitePlugins>,
) -> Result<Summary, CliError> {
    let mut summary = Summary::default();
    for file in files {
        if let Some(why) = plugins.and_then(|p| rules_left_out(p, file)) {
            summary.refused += 1;
            crate::output::warn(format_args!("{why}"));
            crate::output::say(format_args!(
                "{}: refused — {}; a rules plugin of its site could not be loaded; nothing of this file was stored",
                file.path.display(),
                rows(0, 0, 0)
            ));
            continue;
        }
        match import_one(store, importer, file, plugins) {
            Ok(report) => account(&report, file, &mut summary),
            Err(ImportError::Store(e)) => {
                return Err(CliError::Input(format!(
                    "{}: the database failed, nothing of this file was stored: {e}{}",
                    file.path.display(),
                    if summary.files() > 0 {
                        " (the files listed above are as they say)"
                    } else {
                        ""
                    }
                )));
            }
            Err(e) => {
                summary.refused += 1;
                crate::output::warn(format_args!("{e}"));
                crate::output::say(format_args!(
                    "{}: refused — {}; the file could not be read",
                    file.path.display(),
                    rows(0, 0, 0)
                ));
            }
        }
    }
    if files.len() > 1 {
        crate::output::say(format_args!(
            "{}: {} imported, {} already imported, {} refused — {}",
            count(files.len() as u64, "file", "files"),
            summary.imported,
            summary.already_imported,
            summary.refused,
            rows(
                summary.stored,
                summary.already_stored,
                summary.rows_with_errors
            )
        ));
    }
    Ok(summary)
}

/// Why `file` cannot be imported when a rules plugin enabled for its site
/// failed to load: its rows would be stored without the site's own rules,
/// and a later import with the plugin fixed would find the file already
/// imported and never check them.
fn rules_left_out(plugins: &SitePlugins, file: &FileToImport) -> Option<String> {
    let left_out = plugins.rules_left_out(file.site.as_deref());
    if left_out.is_empty() {
        return None;
    }
    let whose = match &file.site {
        Some(site) => format!("enabled for {site}"),
        None => "of a site its rows may name (the file has no --site)".to_owned(),
    };
    let reasons: Vec<String> = left_out
        .iter()
        .map(|(entry, e)| {
            format!(
                "rules plugin `{}` {whose} could not be loaded: {e}",
                entry.name
            )
        })
        .collect();
    Some(format!(
        "{}: refused, nothing stored: {}",
        file.path.display(),
        reasons.join("; ")
    ))
}

fn import_one(
    store: &mut Store,
    importer: &Importer<'_>,
    file: &FileToImport,
    plugins: Option<&SitePlugins>,
) -> Result<ImportReport, ImportError> {
    let size = std::fs::metadata(&file.path)
        .map_err(|source| ImportError::Io {
            path: file.path.clone(),
            source,
        })?
        .len();
    let bar = ProgressBar::new(size).with_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(file.path.display().to_string());
    let mut on_progress = |p: em_import::Progress| bar.set_position(p.bytes_read);
    let mut checks = plugins
        .map(|plugins| PluginCheck::for_site(&plugins.host, file.site.as_deref()))
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
    result
}

fn account(report: &ImportReport, entry: &FileToImport, summary: &mut Summary) {
    let path = entry.path.as_path();
    for warning in &report.warnings {
        crate::output::warn(format_args!("warning: {warning}"));
    }
    if report.warnings_not_listed > 0 {
        crate::output::warn(format_args!(
            "warning: {}: … and {} more not listed",
            path.display(),
            count(report.warnings_not_listed, "warning", "warnings")
        ));
    }
    let file = path.display();
    match &report.outcome {
        Outcome::Imported(_) => {
            summary.imported += 1;
            summary.stored += report.stored;
            summary.already_stored += report.already_stored;
            crate::output::say(format_args!(
                "{file}: imported — {}",
                rows(report.stored, report.already_stored, 0)
            ));
        }
        Outcome::AlreadyImported(info) => {
            // The stored rows keep the site they were imported under, so a
            // `--site` that names another one cannot be done: that is a
            // refusal (the run fails), not a quiet "nothing added".
            if let (Some(stored), Some(given)) = (&info.site, entry.site.as_deref())
                && stored != given
            {
                summary.refused += 1;
                crate::output::say(format_args!(
                    "{file}: refused — already imported on {} (as {}) under site {stored}; \
                     its rows stay under {stored}, not {given} as given now",
                    info.imported_at, info.file_name
                ));
                return;
            }
            summary.already_imported += 1;
            summary.already_stored += info.rows;
            let stored_under = match &info.site {
                Some(stored) => format!(", under site {stored}"),
                None if info.rows > 0 => ", under several sites".to_owned(),
                None => String::new(),
            };
            crate::output::say(format_args!(
                "{file}: already imported on {} (as {}{stored_under}) — {}; nothing added",
                info.imported_at,
                info.file_name,
                rows(0, info.rows, 0)
            ));
        }
        Outcome::Refused => {
            summary.refused += 1;
            summary.rows_with_errors += report.rows_refused;
            for problem in &report.problems {
                crate::output::warn(format_args!("{problem}"));
            }
            if report.problems_not_listed > 0 {
                crate::output::warn(format_args!(
                    "{file}: … and {} more not listed",
                    count(report.problems_not_listed, "problem", "problems")
                ));
            }
            let why = if report.rows_refused > 0 {
                format!(
                    "{} of {} read have errors (listed above)",
                    count(report.rows_refused, "row", "rows"),
                    report.rows_read
                )
            } else {
                "the file itself has errors (listed above)".to_owned()
            };
            crate::output::say(format_args!(
                "{file}: refused — {}; {why}; nothing of this file was stored",
                rows(0, 0, report.rows_refused)
            ));
        }
    }
}

/// Runs `em import`.
pub fn run(args: &ImportArgs) -> Result<(), CliError> {
    let ruleset = crate::commands::ruleset::current()?;
    let registry = Registry::champagne_ardenne();
    for site in &args.site {
        check_site(&registry, site)?;
    }
    if let Some(site) = args.site_without_files() {
        return Err(CliError::Usage(format!(
            "no file follows `--site {site}`: with several --site options, each one names the site of the files written after it"
        )));
    }
    let mapping = mapping(args.mapping.as_deref())?;
    let importer =
        Importer::new(&ruleset, &registry, &mapping).map_err(|e| CliError::Input(e.to_string()))?;
    let files: Vec<FileToImport> = args
        .files
        .iter()
        .zip(args.file_sites())
        .map(|(path, site)| FileToImport {
            path: path.clone(),
            site,
            kind: args.kind.map(RecordKind::from),
        })
        .collect();
    let host = match &args.plugins {
        Some(manifest) => Some(crate::commands::plugins::host(manifest)?),
        None => None,
    };
    let mut store = crate::commands::init::create(&args.db)?;
    let summary = import_files(&mut store, &importer, &files, host.as_ref())?;
    if summary.refused > 0 {
        return Err(CliError::Input(format!(
            "{} of {} refused (see above); {}",
            summary.refused,
            count(files.len() as u64, "file", "files"),
            if summary.refused == files.len() {
                "nothing was imported"
            } else {
                "the other files were imported"
            }
        )));
    }
    Ok(())
}
