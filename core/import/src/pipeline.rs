//! What every format does with its rows, on two threads.
//!
//! The [`Producer`] runs beside the format's reader on a worker thread: it
//! validates each row with em-core's `Validator`, places every problem
//! (file, line or sheet and row, column, field) and sends the valid records
//! in batches through a bounded channel. The [`Consumer`], on the thread
//! that holds the store, hands each batch to the site's checks and stores
//! it in the file's open transaction. Reading and validating on one core
//! while SQLite writes on the other roughly halves an import's time; the
//! channel holds a few batches only, so memory stays flat whatever the
//! file's size.
//!
//! The first problem stops the storing (nothing of the file will be kept)
//! but not the reading, so that every problem is reported. The transaction
//! is committed only if no problem was found.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender};

use em_core::statistics::{FieldError, Record, Validator};
use em_store::{ImportWriter, Inserted, StoreError};

use crate::ProgressTicker;
use crate::check::RecordCheck;
use crate::report::{Capped, ImportReport, Location, Outcome, Problem, Severity};
use crate::row::{CellProblem, Layout};
use crate::source::{Fingerprint, Survey};

/// Records per batch handed from the reader to the writer and the checks.
const BATCH: usize = 1024;
/// Pieces (batches, or the file's bytes to fingerprint) waiting in the
/// channel at most.
pub(crate) const QUEUE: usize = 16;

/// What the reader's thread hands to the writer's.
#[derive(Debug)]
pub(crate) enum Piece {
    /// Rows read and validated.
    Batch(Batch),
    /// The next bytes of the file, for the writer's thread to fingerprint
    /// while the reader parses them (see [`Consumer::fingerprinting`]).
    Bytes(Vec<u8>),
}

/// A batch of rows, read and validated.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    /// The header layout of the batch's rows, to place the checks' findings.
    layout: Option<Arc<Layout>>,
    records: Vec<Record>,
    locations: Vec<Location>,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
    rows_read: u64,
    rows_refused: u64,
}

/// The reader's side: validates rows and sends them on in batches.
pub(crate) struct Producer<'a> {
    file: String,
    validator: Validator<'a>,
    layout: Option<Arc<Layout>>,
    batch: Batch,
    sender: SyncSender<Piece>,
    /// The consumer sends the records of each batch back once stored, so
    /// that they are freed on the thread that allocated them: glibc frees
    /// another thread's memory slowly, and the writer is the busier thread.
    returned: Receiver<Vec<Record>>,
    /// Set when the consumer has gone (it met a store error): reading on
    /// would be wasted.
    stopped: bool,
}

impl<'a> Producer<'a> {
    pub(crate) fn new(
        file: String,
        validator: Validator<'a>,
        sender: SyncSender<Piece>,
        returned: Receiver<Vec<Record>>,
    ) -> Self {
        Producer {
            file,
            validator,
            layout: None,
            batch: Batch::default(),
            sender,
            returned,
            stopped: false,
        }
    }

    /// Whether the writer has stopped listening; the reader may stop too.
    pub(crate) fn stopped(&self) -> bool {
        self.stopped
    }

    /// The header layout the next rows follow; `None` for records that are
    /// not in columns (JSON Lines).
    pub(crate) fn set_layout(&mut self, layout: Option<Layout>) {
        // A batch's findings are placed with the layout of its rows.
        self.send();
        self.layout = layout.map(Arc::new);
        self.batch.layout = self.layout.clone();
    }

    pub(crate) fn layout(&self) -> Option<&Layout> {
        self.layout.as_deref()
    }

    /// The field the column at `index` holds, once the header is read.
    pub(crate) fn field_of_column(&self, index: usize) -> Option<String> {
        self.layout.as_deref().and_then(|l| l.field_at(index))
    }

    /// A problem of the whole file (or of a header), which refuses it.
    pub(crate) fn file_problem(&mut self, location: Option<Location>, p: CellProblem) {
        let problem = place(&self.file, self.layout.as_deref(), location, p);
        self.batch.problems.push(problem);
    }

    pub(crate) fn warning(&mut self, location: Option<Location>, p: CellProblem) {
        let warning = place(&self.file, self.layout.as_deref(), location, p);
        self.batch.warnings.push(warning);
    }

    /// One data row: its record with the problems of its cells, or the
    /// problems that kept it from making a record.
    pub(crate) fn row(
        &mut self,
        location: Location,
        built: Result<(Record, Vec<CellProblem>), Vec<CellProblem>>,
    ) {
        self.batch.rows_read += 1;
        let (record, mut problems) = match built {
            Ok(built) => built,
            Err(problems) => {
                self.refuse(location, problems);
                return;
            }
        };
        for FieldError { field, reason } in self.validator.check(&record) {
            // A field whose cell was already unreadable is not blamed twice.
            if !problems
                .iter()
                .any(|p| p.field.as_deref() == Some(field.as_str()))
            {
                let column = self.layout.as_ref().and_then(|l| l.column_of(&field));
                problems.push(CellProblem {
                    column,
                    field: Some(field),
                    reason,
                });
            }
        }
        if problems.is_empty() {
            self.batch.records.push(record);
            self.batch.locations.push(location);
            if self.batch.records.len() >= BATCH {
                self.send();
            }
        } else {
            self.refuse(location, problems);
        }
    }

    fn refuse(&mut self, location: Location, problems: Vec<CellProblem>) {
        self.batch.rows_refused += 1;
        for p in problems {
            let problem = place(
                &self.file,
                self.layout.as_deref(),
                Some(location.clone()),
                p,
            );
            self.batch.problems.push(problem);
        }
    }

    fn send(&mut self) {
        let mut records = Vec::new();
        while let Ok(mut stored) = self.returned.try_recv() {
            stored.clear();
            records = stored;
        }
        records.reserve(BATCH);
        let batch = std::mem::replace(
            &mut self.batch,
            Batch {
                layout: self.layout.clone(),
                records,
                locations: Vec::with_capacity(BATCH),
                ..Batch::default()
            },
        );
        let empty = batch.records.is_empty()
            && batch.problems.is_empty()
            && batch.warnings.is_empty()
            && batch.rows_read == 0;
        if !empty && !self.stopped && self.sender.send(Piece::Batch(batch)).is_err() {
            self.stopped = true;
        }
    }

    /// Sends what is left; the reader is done.
    pub(crate) fn finish(mut self) {
        self.send();
    }
}

fn place(
    file: &str,
    layout: Option<&Layout>,
    location: Option<Location>,
    p: CellProblem,
) -> Problem {
    Problem {
        file: file.to_owned(),
        location,
        column: p.column.and_then(|c| layout.map(|l| l.column_ref(c))),
        field: p.field,
        reason: p.reason,
    }
}

/// The writer's side: runs the checks and stores the records.
pub(crate) struct Consumer<'a, 's, 'c> {
    file: String,
    sha256: String,
    checks: &'a mut [&'c mut dyn RecordCheck],
    writer: ImportWriter<'s>,
    returns: Option<SyncSender<Vec<Record>>>,
    /// The file's fingerprint, when it is computed from the bytes the
    /// reader hands over, and where their buffers go back to.
    fingerprint: Option<(Fingerprint, SyncSender<Vec<u8>>)>,
    problems: Capped,
    warnings: Capped,
    rows_read: u64,
    rows_refused: u64,
}

impl<'a, 's, 'c> Consumer<'a, 's, 'c> {
    pub(crate) fn new(
        file: String,
        sha256: String,
        checks: &'a mut [&'c mut dyn RecordCheck],
        writer: ImportWriter<'s>,
        returns: SyncSender<Vec<Record>>,
        max_problems: usize,
    ) -> Self {
        Consumer {
            file,
            sha256,
            checks,
            writer,
            returns: Some(returns),
            fingerprint: None,
            problems: Capped::new(max_problems),
            warnings: Capped::new(max_problems),
            rows_read: 0,
            rows_refused: 0,
        }
    }

    /// Fingerprints the bytes the reader hands over, sending their buffers
    /// back through `spent`: the file is then read once, its SHA-256 and
    /// encoding computed on this thread while the other parses.
    pub(crate) fn fingerprinting(&mut self, spent: SyncSender<Vec<u8>>) {
        self.fingerprint = Some((Fingerprint::new(), spent));
    }

    /// What the bytes handed over came to, once the reader is done.
    pub(crate) fn take_fingerprint(&mut self) -> Option<Survey> {
        self.fingerprint.take().map(|(f, _)| f.finish())
    }

    /// The writer, to settle the file's fingerprint before committing.
    pub(crate) fn writer(&mut self) -> &mut ImportWriter<'s> {
        &mut self.writer
    }

    /// Takes every batch until the reader is done.
    pub(crate) fn run(
        &mut self,
        pieces: Receiver<Piece>,
        progress: &mut ProgressTicker<'_>,
    ) -> Result<(), StoreError> {
        for piece in pieces {
            match piece {
                Piece::Batch(batch) => {
                    self.take(batch)?;
                    progress.tick(self.rows_read);
                }
                Piece::Bytes(bytes) => {
                    if let Some((fingerprint, spent)) = &mut self.fingerprint {
                        fingerprint.update(&bytes);
                        // A full queue only means the buffer is freed here.
                        let _ = spent.try_send(bytes);
                    }
                }
            }
        }
        // The producer is done: records now are freed here.
        self.returns = None;
        Ok(())
    }

    /// A problem found outside the reader (the reader itself failing).
    pub(crate) fn file_problem(&mut self, reason: String) {
        self.problems.push(Problem {
            file: self.file.clone(),
            location: None,
            column: None,
            field: None,
            reason,
        });
    }

    fn take(&mut self, batch: Batch) -> Result<(), StoreError> {
        let Batch {
            layout,
            records,
            locations,
            problems,
            warnings,
            rows_read,
            rows_refused,
        } = batch;
        self.rows_read += rows_read;
        self.rows_refused += rows_refused;
        for p in problems {
            self.problems.push(p);
        }
        for w in warnings {
            self.warnings.push(w);
        }
        if records.is_empty() {
            return Ok(());
        }
        let layout = layout.as_deref();
        let column_of = |field: &str| layout.and_then(|l| l.column_of(field));
        let mut refused = vec![false; records.len()];
        let mut found: Vec<(Location, CellProblem, Severity)> = Vec::new();
        let mut failures = Vec::new();
        for check in self.checks.iter_mut() {
            match check.check(&records) {
                Ok(findings) => {
                    for f in findings {
                        let Some(location) = locations.get(f.index) else {
                            failures.push(format!(
                                "check `{}` named record {} of a batch of {}",
                                check.name(),
                                f.index,
                                records.len()
                            ));
                            continue;
                        };
                        if f.severity == Severity::Error {
                            refused[f.index] = true;
                        }
                        let column = f.field.as_deref().and_then(column_of);
                        found.push((
                            location.clone(),
                            CellProblem {
                                column,
                                field: f.field,
                                reason: format!("{} (check `{}`)", f.reason, check.name()),
                            },
                            f.severity,
                        ));
                    }
                }
                Err(reason) => failures.push(format!(
                    "check `{}` failed, so the file could not be checked: {reason}",
                    check.name()
                )),
            }
        }
        for reason in failures {
            self.file_problem(reason);
        }
        self.rows_refused += refused.iter().filter(|r| **r).count() as u64;
        for (location, p, severity) in found {
            let placed = place(&self.file, layout, Some(location), p);
            match severity {
                Severity::Error => self.problems.push(placed),
                Severity::Warning => self.warnings.push(placed),
            }
        }
        // Once the file has a problem nothing of it will be kept, so
        // storing more would be wasted work.
        if !self.problems.is_empty() {
            return Ok(());
        }
        for ((record, location), refused) in records.iter().zip(&locations).zip(refused) {
            if refused {
                continue;
            }
            if let Inserted::Conflict { stored } = self.writer.insert(record)? {
                self.rows_refused += 1;
                let reference = match stored.as_ref() {
                    Record::Visit(v) => v.reference.clone(),
                    Record::SurveyAnswer(s) => s.reference.clone(),
                    Record::Event(e) => e.reference.clone(),
                };
                let p = CellProblem {
                    column: column_of("reference"),
                    field: Some("reference".into()),
                    reason: format!(
                        "site `{}` already has a different record under reference `{}`: a reference names one record",
                        record.site(),
                        reference.unwrap_or_default()
                    ),
                };
                let placed = place(&self.file, layout, Some(location.clone()), p);
                self.problems.push(placed);
            }
        }
        if let Some(returns) = &self.returns {
            // A full return queue only means the records are freed here.
            let _ = returns.try_send(records);
        }
        Ok(())
    }

    /// The file's fingerprint, once known (see [`Consumer::fingerprinting`]).
    pub(crate) fn set_sha256(&mut self, sha256: String) {
        self.sha256 = sha256;
    }

    /// Rolls back everything: the file is not to be kept, whatever its rows.
    pub(crate) fn abandon(self) -> Result<(), StoreError> {
        self.writer.rollback()
    }

    /// Commits if the file had no problem, rolls back otherwise.
    pub(crate) fn finish(self) -> Result<ImportReport, StoreError> {
        let refused = !self.problems.is_empty();
        let stored = self.writer.stored();
        let already_stored = self.writer.already_stored();
        let outcome = if refused {
            self.writer.rollback()?;
            Outcome::Refused
        } else {
            Outcome::Imported(self.writer.commit()?)
        };
        Ok(ImportReport {
            file: self.file,
            sha256: self.sha256,
            outcome,
            rows_read: self.rows_read,
            stored: if refused { 0 } else { stored },
            already_stored: if refused { 0 } else { already_stored },
            rows_refused: self.rows_refused,
            problems: self.problems.listed,
            problems_not_listed: self.problems.not_listed,
            warnings: self.warnings.listed,
            warnings_not_listed: self.warnings.not_listed,
        })
    }
}
