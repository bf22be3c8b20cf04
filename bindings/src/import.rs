//! Importing the sites' files (CSV, XLSX, JSON Lines) from Python, through
//! the same importer as the command line: one file, one transaction, every
//! problem with its line (or sheet and row), column and field.

use std::path::Path;
use std::sync::Arc;

use em_import::{Format, ImportError, ImportOptions, Importer, Location, Mapping, MappingError};

use crate::convert;
use crate::error::{EmError, Problem};
use crate::network::{ImportInfo, Network};
use crate::plugins::PluginHost;

/// What a file import did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FileImport {
    /// The file's name.
    pub file: String,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
    /// True when the same content had been imported before (nothing added).
    pub already_imported: bool,
    /// Data rows read.
    pub rows_read: u64,
    /// Records stored.
    pub stored: u64,
    /// Records skipped because the network already held them.
    pub already_stored: u64,
    /// Warnings (ignored columns, skipped sheets); the file was imported.
    pub warnings: Vec<Problem>,
    /// The import's row.
    pub info: ImportInfo,
}

fn problem(p: &em_import::Problem) -> Problem {
    let (line, path) = match &p.location {
        Some(Location::Line(line)) => (Some(*line), None),
        Some(Location::Cell { sheet, row }) => {
            (Some(u64::from(*row)), Some(format!("sheet «{sheet}»")))
        }
        None => (None, None),
    };
    Problem {
        file: Some(p.file.clone()),
        path,
        line,
        column: p.column.as_ref().map(|c| c.index as u64 + 1),
        field: p.field.clone(),
        reason: match &p.column {
            Some(c) => format!("{} (column {} «{}»)", p.reason, c.letter, c.header),
            None => p.reason.clone(),
        },
    }
}

fn mapping_error(e: MappingError) -> EmError {
    match e {
        MappingError::Parse(e) => e.into(),
        MappingError::Invalid { file, problems } => EmError::Ruleset {
            message: format!("mapping `{file}` has {} problem(s)", problems.len()),
            problems: problems
                .into_iter()
                .map(|reason| Problem {
                    file: Some(file.clone()),
                    ..Problem::reason(reason)
                })
                .collect(),
        },
    }
}

fn parse_format(format: &str) -> Result<Format, EmError> {
    match format {
        "csv" => Ok(Format::Csv),
        "xlsx" => Ok(Format::Xlsx),
        "jsonl" | "json_lines" => Ok(Format::JsonLines),
        other => Err(EmError::argument(
            "format",
            format!("`{other}` is not a file format (csv, xlsx or jsonl)"),
        )),
    }
}

#[uniffi::export]
impl Network {
    /// Imports the file at `path` (CSV, XLSX or JSON Lines, from its
    /// extension unless `format` is given), all or nothing. `kind` is
    /// guessed from the headers when not given; `site` fills the site of a
    /// file without a site column; `mapping` is a column-mapping TOML file
    /// (the shipped French one when not given); `plugins`, a plugin host
    /// whose rules plugins for the file's site check its visits, as
    /// `em import --plugins` does. A refused file raises an import error
    /// listing every problem.
    pub fn import_file(
        &self,
        path: String,
        kind: Option<String>,
        site: Option<String>,
        format: Option<String>,
        mapping: Option<String>,
        plugins: Option<Arc<PluginHost>>,
    ) -> Result<FileImport, EmError> {
        let _span = tracing::info_span!("binding.import_file").entered();
        let mapping = match mapping {
            None => Mapping::default_fr(),
            Some(m) => {
                let text = std::fs::read_to_string(&m).map_err(|e| EmError::file(&m, &e))?;
                let name = Path::new(&m)
                    .file_name()
                    .map_or(m.clone(), |n| n.to_string_lossy().into_owned());
                Mapping::from_toml(&name, &text).map_err(mapping_error)?
            }
        };
        let importer = Importer::new(self.ruleset.core(), self.registry.core(), &mapping)
            .map_err(mapping_error)?;
        let kind = kind.as_deref().map(convert::kind).transpose()?;
        let format = format.as_deref().map(parse_format).transpose()?;
        if let Some(id) = site.as_deref() {
            self.registry
                .core()
                .require_site(id)
                .map_err(|e| EmError::argument("site", e.to_string()))?;
        }
        let checked_site = site.clone();
        let mut store = self.store();
        let import = |checks: Vec<&mut dyn em_import::RecordCheck>| {
            let options = ImportOptions {
                kind,
                site,
                format,
                checks,
                ..ImportOptions::default()
            };
            importer.import_file(&mut store, Path::new(&path), options)
        };
        let report = match &plugins {
            Some(host) => host.with_rules_checks(checked_site.as_deref(), import),
            None => import(Vec::new()),
        }
        .map_err(|e| match e {
            ImportError::Io { source, .. } => EmError::file(&path, &source),
            ImportError::UnknownFormat { .. } => EmError::argument("format", e.to_string()),
            ImportError::Store(s) => s.into(),
        })?;
        let (info, already_imported) = match report.outcome {
            em_import::Outcome::Imported(info) => (info, false),
            em_import::Outcome::AlreadyImported(info) => {
                // The stored rows keep their site: a `site` naming another
                // one cannot be done, and is refused as `em import` does.
                if let (Some(stored), Some(given)) = (info.site.as_deref(), checked_site.as_deref())
                    && stored != given
                {
                    let reason = format!(
                        "already imported on {} (as {}) under site {stored}; its rows stay under \
                         {stored}, not {given} as given now",
                        info.imported_at, info.file_name
                    );
                    return Err(EmError::Import {
                        message: format!("{}: refused — {reason}", report.file),
                        problems: vec![Problem {
                            file: Some(report.file.clone()),
                            ..Problem::reason(reason)
                        }],
                    });
                }
                (info, true)
            }
            em_import::Outcome::Refused => {
                let listed = report.problems.len() as u64;
                let more = report.problems_not_listed;
                let mut problems: Vec<Problem> = report.problems.iter().map(problem).collect();
                if more > 0 {
                    problems.push(Problem {
                        file: Some(report.file.clone()),
                        ..Problem::reason(format!("{more} more problem(s) not listed"))
                    });
                }
                let first = problems
                    .first()
                    .map(|p| p.reason.clone())
                    .unwrap_or_default();
                return Err(EmError::Import {
                    message: format!(
                        "{}: refused, {} problem(s), nothing stored (first: {first})",
                        report.file,
                        listed + more
                    ),
                    problems,
                });
            }
        };
        tracing::info!(stored = report.stored, "file imported");
        Ok(FileImport {
            file: report.file,
            sha256: report.sha256,
            already_imported,
            rows_read: report.rows_read,
            stored: report.stored,
            already_stored: report.already_stored,
            warnings: report.warnings.iter().map(problem).collect(),
            info: info.into(),
        })
    }
}
