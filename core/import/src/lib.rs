//! `em-import`: the sites' files into the store — CSV as French spreadsheets
//! write it, XLSX workbooks, and JSON Lines.
//!
//! An import reads a file once to fingerprint it (a file already imported is
//! recognised and adds nothing) and once to parse it. Each row becomes a
//! record through the column [`Mapping`], is checked with em-core's
//! `Validator` and the site's own [`RecordCheck`]s, and is stored in the
//! file's open transaction. Every bad row is reported with its file, line
//! (or sheet and row), column and reason, all at once; a file with any
//! problem stores nothing. Memory stays flat whatever the file's size: rows
//! are read and checked on a worker thread and stored in small batches as
//! they come (see the `pipeline` module).
//!
//! ```no_run
//! use em_core::{Registry, Ruleset};
//! use em_import::{ImportOptions, Importer, Mapping};
//! use em_store::Store;
//!
//! let (ruleset, registry) = (Ruleset::champagne_ardenne(), Registry::champagne_ardenne());
//! let importer = Importer::new(&ruleset, &registry, &Mapping::default_fr()).unwrap();
//! let mut store = Store::open("em.sqlite").unwrap();
//! let report = importer
//!     .import_file(&mut store, "visites-sedan-2009.csv".as_ref(), ImportOptions::default())
//!     .unwrap();
//! for problem in &report.problems {
//!     eprintln!("{problem}");
//! }
//! ```

mod check;
mod csv_import;
pub mod fuzzing;
mod jsonl_import;
mod mapping;
mod pipeline;
mod report;
mod row;
mod source;
pub mod text;
mod xlsx_import;

use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use em_core::statistics::{RecordKind, Validator};
use em_core::{Registry, Ruleset};
use em_store::{BeginImport, Store, StoreError};

pub use check::{Finding, RecordCheck};
pub use csv_import::MAX_RECORD_BYTES;
pub use jsonl_import::MAX_LINE_BYTES;
pub use mapping::{Compiled, DEFAULT_FR, Mapping, MappingError};
pub use report::{ColumnRef, ImportReport, Location, Outcome, Problem, Severity};
pub use source::Encoding;
pub use xlsx_import::HEADER_SEARCH_ROWS;

/// The formats a file can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Delimited text (`.csv`, `.txt`).
    Csv,
    /// An Excel workbook (`.xlsx`, `.xlsm`).
    Xlsx,
    /// One JSON record per line (`.jsonl`, `.ndjson`).
    JsonLines,
}

impl Format {
    /// The format a file name's extension says, if it says one.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" => Some(Format::Csv),
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            _ => None,
        }
    }

    /// The format's name in messages and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::JsonLines => "jsonl",
        }
    }
}

/// Why an import could not be carried out at all. A file with bad rows is
/// not an error: its [`ImportReport`] lists them and says it was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The reason.
        #[source]
        source: io::Error,
    },
    /// The file's name does not say its format and none was given.
    #[error("cannot tell the format of `{}` from its name: use .csv, .xlsx or .jsonl, or name the format", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// The store failed (disk full, locked past the busy timeout, …);
    /// nothing of the file was kept.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ImportError {
    fn io(source: io::Error) -> ImportError {
        ImportError::Io {
            path: PathBuf::new(),
            source,
        }
    }

    fn in_file(self, file: &Path) -> ImportError {
        match self {
            ImportError::Io { source, .. } => ImportError::Io {
                path: file.to_owned(),
                source,
            },
            other => other,
        }
    }
}

/// How far an import has read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Bytes of the file read so far.
    pub bytes_read: u64,
    /// The file's size.
    pub total_bytes: u64,
}

/// The choices of one import.
pub struct ImportOptions<'c> {
    /// The kind of record the file holds; guessed from its headers if `None`.
    pub kind: Option<RecordKind>,
    /// The site of every row of a file without a site column.
    pub site: Option<String>,
    /// The format; taken from the file name's extension if `None`.
    pub format: Option<Format>,
    /// At most this many problems (and as many warnings) are listed; the
    /// rest are counted.
    pub max_problems: usize,
    /// The site's own checks, run on every valid record.
    pub checks: Vec<&'c mut dyn RecordCheck>,
    /// Called as the file is read, for a progress bar.
    pub progress: Option<&'c mut dyn FnMut(Progress)>,
}

impl Default for ImportOptions<'_> {
    fn default() -> Self {
        ImportOptions {
            kind: None,
            site: None,
            format: None,
            max_problems: 1000,
            checks: Vec::new(),
            progress: None,
        }
    }
}

impl std::fmt::Debug for ImportOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportOptions")
            .field("kind", &self.kind)
            .field("site", &self.site)
            .field("format", &self.format)
            .field("max_problems", &self.max_problems)
            .field(
                "checks",
                &self.checks.iter().map(|c| c.name()).collect::<Vec<_>>(),
            )
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// Calls the progress callback every few thousand rows.
pub(crate) struct ProgressTicker<'p> {
    callback: Option<&'p mut dyn FnMut(Progress)>,
    bytes: Arc<AtomicU64>,
    total: u64,
    next_at: u64,
}

impl ProgressTicker<'_> {
    const EVERY_ROWS: u64 = 8192;

    pub(crate) fn tick(&mut self, rows: u64) {
        if rows >= self.next_at {
            self.next_at = rows + Self::EVERY_ROWS;
            self.report(self.bytes.load(Ordering::Relaxed).min(self.total));
        }
    }

    fn report(&mut self, bytes_read: u64) {
        if let Some(callback) = self.callback.as_mut() {
            callback(Progress {
                bytes_read,
                total_bytes: self.total,
            });
        }
    }
}

/// Reads the rows of a file of `format` into `producer`.
fn read_rows<R: Read + Seek>(
    format: Format,
    reader: R,
    encoding: Encoding,
    kind: Option<RecordKind>,
    mapping: &Compiled,
    builder: &mut row::Builder<'_>,
    producer: &mut pipeline::Producer<'_>,
) -> Result<(), ImportError> {
    match format {
        Format::Csv => csv_import::import(
            csv_import::CsvInput {
                reader,
                encoding,
                kind,
            },
            mapping,
            builder,
            producer,
        ),
        Format::Xlsx => {
            // FIXME: calamine 0.38 panics on some malformed workbooks (an
            // overflow on an absurd cell reference, in debug builds). The
            // panic is caught and the file refused; the transaction is
            // rolled back with it.
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                xlsx_import::import(
                    BufReader::with_capacity(64 * 1024, reader),
                    kind,
                    mapping,
                    builder,
                    producer,
                )
            }));
            match read {
                Ok(result) => result,
                Err(_) => {
                    producer.file_problem(
                        None,
                        row::CellProblem {
                            column: None,
                            field: None,
                            reason: "the workbook is malformed: the XLSX reader gave up on it"
                                .into(),
                        },
                    );
                    Ok(())
                }
            }
        }
        Format::JsonLines => jsonl_import::import(reader, kind, producer),
    }
}

/// Imports files into a store under one ruleset, registry and mapping.
#[derive(Debug)]
pub struct Importer<'a> {
    ruleset: &'a Ruleset,
    registry: &'a Registry,
    mapping: Compiled,
    /// Records dated after this day are refused; the clock's day when the
    /// import runs, unless set.
    today: Option<jiff::civil::Date>,
}

impl<'a> Importer<'a> {
    /// An importer; the mapping is checked against the ruleset and registry.
    pub fn new(
        ruleset: &'a Ruleset,
        registry: &'a Registry,
        mapping: &Mapping,
    ) -> Result<Importer<'a>, MappingError> {
        Ok(Importer {
            ruleset,
            registry,
            mapping: mapping.compile(ruleset, registry)?,
            today: None,
        })
    }

    /// Takes `day` as the day of every import, rather than the clock's
    /// (records dated after it are refused): for tests and for re-running
    /// an import as it was on a given day.
    pub fn with_today(mut self, day: jiff::civil::Date) -> Self {
        self.today = Some(day);
        self
    }

    /// Imports the file at `path`.
    pub fn import_file(
        &self,
        store: &mut Store,
        path: &Path,
        options: ImportOptions<'_>,
    ) -> Result<ImportReport, ImportError> {
        let format = match options.format.or_else(|| Format::from_path(path)) {
            Some(format) => format,
            None => return Err(ImportError::UnknownFormat { path: path.into() }),
        };
        let file = File::open(path).map_err(|e| ImportError::io(e).in_file(path))?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        self.import_reader(store, &name, format, file, options)
            .map_err(|e| e.in_file(path))
    }

    /// Imports a file held in memory; `name` stands for the file in the
    /// report and the store. This is the entry point of the fuzz targets.
    pub fn import_bytes(
        &self,
        store: &mut Store,
        name: &str,
        format: Format,
        bytes: &[u8],
        options: ImportOptions<'_>,
    ) -> Result<ImportReport, ImportError> {
        self.import_reader(store, name, format, Cursor::new(bytes), options)
    }

    /// Imports from any reader that can be read twice (rewound once); it
    /// is read on a worker thread.
    pub fn import_reader<R: Read + Seek + Send>(
        &self,
        store: &mut Store,
        name: &str,
        format: Format,
        mut reader: R,
        options: ImportOptions<'_>,
    ) -> Result<ImportReport, ImportError> {
        let span = tracing::info_span!(
            "import",
            file = %name,
            format = format.as_str(),
            kind = tracing::field::Empty,
            rows_read = tracing::field::Empty,
            stored = tracing::field::Empty,
            rows_refused = tracing::field::Empty,
        );
        let _entered = span.enter();
        let ImportOptions {
            kind,
            site,
            format: _,
            max_problems,
            mut checks,
            progress,
        } = options;

        let mut progress = progress;
        let run = Run {
            name,
            format,
            kind,
            site: &site,
            max_problems,
        };
        // A CSV file is read once: its fingerprint and encoding are computed
        // on the writer's thread from the bytes the parser reads (see
        // `pipeline`), instead of in a pass of their own before parsing. A
        // file whose name was imported before is likely the same file
        // again, so it is fingerprinted first, as are workbooks (read with
        // seeks) and files whose site checks see the rows: those are read
        // twice.
        if format == Format::Csv && checks.is_empty() && !store.has_import_named(name)? {
            let mut head = Vec::with_capacity(HEAD);
            (&mut reader)
                .take(HEAD as u64)
                .read_to_end(&mut head)
                .map_err(ImportError::io)?;
            let len = reader.seek(SeekFrom::End(0)).map_err(ImportError::io)?;
            // The head is read again with the rest: a mebibyte more to read
            // once, for a reader that can still seek.
            reader.seek(SeekFrom::Start(0)).map_err(ImportError::io)?;
            let (encoding, settled) = source::sniff(&head, head.len() < HEAD);
            drop(head);
            let input = Input {
                reader: &mut reader,
                encoding,
                len,
                sha256: None,
            };
            match run.go(self, store, input, &mut checks, &mut progress)? {
                Ran::Done(report) => return Ok(report),
                // Only a file that seemed UTF-8 at first and is not, after
                // all, is read again, as Windows-1252; nothing of the first
                // reading was kept.
                Ran::NotUtf8 => {
                    debug_assert!(!settled, "a settled encoding is not read again");
                    tracing::info!("not UTF-8 after all: read again as Windows-1252");
                }
            }
            reader.seek(SeekFrom::Start(0)).map_err(ImportError::io)?;
        }

        let survey = source::survey(BufReader::with_capacity(256 * 1024, &mut reader))
            .map_err(ImportError::io)?;
        // Looked up before taking the write lock, so that a file imported
        // before costs no wait; looked up again under the lock.
        if let Some(info) = store.find_import(&survey.sha256)? {
            tracing::info!("already imported");
            return Ok(already(name, survey.sha256, info));
        }
        reader.seek(SeekFrom::Start(0)).map_err(ImportError::io)?;
        let input = Input {
            reader: &mut reader,
            encoding: survey.encoding,
            len: survey.len,
            sha256: Some(survey.sha256),
        };
        match run.go(self, store, input, &mut checks, &mut progress)? {
            Ran::Done(report) => Ok(report),
            // The encoding was known before reading.
            Ran::NotUtf8 => unreachable!("a surveyed file is not read again"),
        }
    }
}

/// How much of a CSV file read once is looked at to guess its encoding
/// before parsing; the rest confirms the guess as it is read.
const HEAD: usize = 1024 * 1024;

/// The report of a file found imported before.
fn already(name: &str, sha256: String, info: em_store::ImportInfo) -> ImportReport {
    ImportReport {
        file: name.to_owned(),
        sha256,
        outcome: Outcome::AlreadyImported(info),
        rows_read: 0,
        stored: 0,
        already_stored: 0,
        rows_refused: 0,
        problems: Vec::new(),
        problems_not_listed: 0,
        warnings: Vec::new(),
        warnings_not_listed: 0,
    }
}

/// The choices of one import that do not change if it is read again.
struct Run<'r> {
    name: &'r str,
    format: Format,
    kind: Option<RecordKind>,
    site: &'r Option<String>,
    max_problems: usize,
}

/// The bytes to parse and what is known of them before parsing.
struct Input<R> {
    reader: R,
    encoding: Encoding,
    len: u64,
    /// The file's fingerprint if it was computed before; if `None`, it is
    /// computed from the bytes as they are parsed.
    sha256: Option<String>,
}

// One value per import, returned at once: boxing the report would only
// add an allocation.
#[allow(clippy::large_enum_variant)]
enum Ran {
    Done(ImportReport),
    /// The file was parsed as UTF-8 but is not: nothing was kept, and it
    /// is to be read again as Windows-1252.
    NotUtf8,
}

impl Run<'_> {
    fn go<R: Read + Seek + Send>(
        &self,
        importer: &Importer<'_>,
        store: &mut Store,
        input: Input<R>,
        checks: &mut Vec<&mut dyn RecordCheck>,
        progress: &mut Option<&mut dyn FnMut(Progress)>,
    ) -> Result<Ran, ImportError> {
        let Run {
            name,
            format,
            kind,
            site,
            max_problems,
        } = *self;
        let Input {
            reader,
            encoding,
            len,
            sha256,
        } = input;
        let placeholder;
        let source = em_store::ImportSource {
            file_name: name.to_owned(),
            // A file fingerprinted as it is read gets its fingerprint at
            // the end, under the same write lock (see below); the row is
            // never committed with the placeholder.
            sha256: match &sha256 {
                Some(sha256) => sha256.clone(),
                None => {
                    placeholder = format!("reading:{}", std::process::id());
                    placeholder.clone()
                }
            },
        };
        let writer = match store.begin_import(&source)? {
            BeginImport::AlreadyImported(info) => {
                tracing::info!("already imported");
                return Ok(Ran::Done(already(name, source.sha256, info)));
            }
            BeginImport::New(writer) => writer,
        };
        let bytes = Arc::new(AtomicU64::new(0));
        let counted = source::Counting::new(reader, Arc::clone(&bytes));
        let mut ticker = ProgressTicker {
            callback: progress
                .as_mut()
                .map(|p| &mut **p as &mut dyn FnMut(Progress)),
            bytes,
            total: len,
            next_at: 0,
        };
        let (sender, receiver) = std::sync::mpsc::sync_channel(pipeline::QUEUE);
        let (returns, returned) = std::sync::mpsc::sync_channel(pipeline::QUEUE);
        let (spent, spare) = std::sync::mpsc::sync_channel::<Vec<u8>>(pipeline::QUEUE);
        let mut consumer = pipeline::Consumer::new(
            name.to_owned(),
            sha256.clone().unwrap_or_default(),
            checks,
            writer,
            returns,
            max_problems,
        );
        let fingerprinting = sha256.is_none();
        if fingerprinting {
            consumer.fingerprinting(spent);
        }
        // A visit cannot be dated after the day it is imported on.
        let today = importer.today.unwrap_or_else(|| jiff::Zoned::now().date());
        let validator = Validator::new(importer.ruleset, importer.registry).with_today(today);
        let mapping = &importer.mapping;
        // The file is read, parsed and validated on a worker thread while
        // this one, which holds the store, writes (see `pipeline`).
        let (stored, read) = std::thread::scope(|scope| {
            let worker = scope.spawn(move || {
                let bytes_to = sender.clone();
                let mut producer =
                    pipeline::Producer::new(name.to_owned(), validator, sender, returned);
                let mut builder = row::Builder::new(mapping, site.clone());
                let hand = move |piece: &[u8]| {
                    if fingerprinting && !piece.is_empty() {
                        let mut buffer = spare.try_recv().unwrap_or_default();
                        buffer.clear();
                        buffer.extend_from_slice(piece);
                        // A writer gone has failed, and says so itself.
                        let _ = bytes_to.send(pipeline::Piece::Bytes(buffer));
                    }
                };
                let read = read_rows(
                    format,
                    source::Tee::new(counted, hand),
                    encoding,
                    kind,
                    mapping,
                    &mut builder,
                    &mut producer,
                );
                producer.finish();
                read
            });
            let stored = consumer.run(receiver, &mut ticker);
            let read = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (stored, read)
        });
        // On any failure the consumer's writer is dropped unused, which
        // rolls the transaction back.
        stored?;
        read?;
        let mut sha256 = sha256.unwrap_or_default();
        if let Some(survey) = consumer.take_fingerprint() {
            if survey.encoding != encoding {
                consumer.abandon()?;
                return Ok(Ran::NotUtf8);
            }
            // Asked under the write lock taken at the start, so that two
            // processes importing the same file keep it once.
            if let Some(info) = consumer.writer().earlier_import(&survey.sha256)? {
                consumer.abandon()?;
                tracing::info!("already imported");
                return Ok(Ran::Done(already(name, survey.sha256, info)));
            }
            consumer.writer().set_sha256(&survey.sha256)?;
            consumer.set_sha256(survey.sha256.clone());
            sha256 = survey.sha256;
        }
        let report = consumer.finish()?;
        debug_assert_eq!(report.sha256, sha256);
        ticker.report(len);
        let span = tracing::Span::current();
        if let Outcome::Imported(info) = &report.outcome {
            span.record("kind", info.kind.as_str());
        }
        span.record("rows_read", report.rows_read);
        span.record("stored", report.stored);
        span.record("rows_refused", report.rows_refused);
        if report.is_refused() {
            tracing::info!(
                problems = report.problems.len() as u64 + report.problems_not_listed,
                "import refused: nothing stored"
            );
        } else {
            tracing::info!(already_stored = report.already_stored, "import done");
        }
        Ok(Ran::Done(report))
    }
}
