//! What every format does with its rows: validate them, hand them to the
//! site's checks in batches, store them in the open transaction, and keep
//! the account of every problem.
//!
//! Rows are stored as they come, so that memory stays flat whatever the
//! file's size; the first problem stops the storing (nothing of the file
//! will be kept) but not the reading, so that every problem is reported.
//! The transaction is committed only if no problem was found.

use em_core::statistics::{FieldError, Record, Validator};
use em_store::{ImportWriter, Inserted, StoreError};

use crate::check::RecordCheck;
use crate::report::{Capped, ImportReport, Location, Outcome, Problem, Severity};
use crate::row::{CellProblem, Layout};

/// Records handed to the checks at a time.
const BATCH: usize = 1024;

pub(crate) struct Pipeline<'a, 's, 'c> {
    file: String,
    sha256: String,
    validator: Validator<'a>,
    checks: &'a mut [&'c mut dyn RecordCheck],
    writer: ImportWriter<'s>,
    layout: Option<Layout>,
    batch: Vec<Record>,
    batch_locations: Vec<Location>,
    problems: Capped,
    warnings: Capped,
    rows_read: u64,
    rows_refused: u64,
}

impl<'a, 's, 'c> Pipeline<'a, 's, 'c> {
    pub(crate) fn new(
        file: String,
        sha256: String,
        validator: Validator<'a>,
        checks: &'a mut [&'c mut dyn RecordCheck],
        writer: ImportWriter<'s>,
        max_problems: usize,
    ) -> Self {
        Pipeline {
            file,
            sha256,
            validator,
            checks,
            writer,
            layout: None,
            batch: Vec::with_capacity(BATCH),
            batch_locations: Vec::with_capacity(BATCH),
            problems: Capped::new(max_problems),
            warnings: Capped::new(max_problems),
            rows_read: 0,
            rows_refused: 0,
        }
    }

    /// Rows read so far.
    pub(crate) fn rows_read(&self) -> u64 {
        self.rows_read
    }

    /// The header layout the next rows follow; `None` for records that are
    /// not in columns (JSON Lines).
    pub(crate) fn set_layout(&mut self, layout: Option<Layout>) -> Result<(), StoreError> {
        // The batch's findings are placed with the layout of its rows.
        self.flush()?;
        self.layout = layout;
        Ok(())
    }

    pub(crate) fn layout(&self) -> Option<&Layout> {
        self.layout.as_ref()
    }

    /// A problem of the whole file (or of a header), which refuses it.
    pub(crate) fn file_problem(&mut self, location: Option<Location>, p: CellProblem) {
        let problem = self.place(location, p);
        self.problems.push(problem);
    }

    pub(crate) fn warning(&mut self, location: Option<Location>, p: CellProblem) {
        let warning = self.place(location, p);
        self.warnings.push(warning);
    }

    fn place(&self, location: Option<Location>, p: CellProblem) -> Problem {
        Problem {
            file: self.file.clone(),
            location,
            column: p
                .column
                .and_then(|c| self.layout.as_ref().map(|l| l.column_ref(c))),
            field: p.field,
            reason: p.reason,
        }
    }

    /// One data row: its record with the problems of its cells, or the
    /// problems that kept it from making a record.
    pub(crate) fn row(
        &mut self,
        location: Location,
        built: Result<(Record, Vec<CellProblem>), Vec<CellProblem>>,
    ) -> Result<(), StoreError> {
        self.rows_read += 1;
        let (record, mut problems) = match built {
            Ok(built) => built,
            Err(problems) => {
                self.refuse(&location, problems);
                return Ok(());
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
            self.batch.push(record);
            self.batch_locations.push(location);
            if self.batch.len() >= BATCH {
                self.flush()?;
            }
        } else {
            self.refuse(&location, problems);
        }
        Ok(())
    }

    fn refuse(&mut self, location: &Location, problems: Vec<CellProblem>) {
        self.rows_refused += 1;
        for p in problems {
            let problem = self.place(Some(location.clone()), p);
            self.problems.push(problem);
        }
    }

    /// Runs the checks on the batch and stores what they let through.
    fn flush(&mut self) -> Result<(), StoreError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        let locations = std::mem::take(&mut self.batch_locations);
        let mut refused = vec![false; batch.len()];
        let mut found: Vec<(Location, CellProblem, Severity)> = Vec::new();
        let mut failures = Vec::new();
        for check in self.checks.iter_mut() {
            match check.check(&batch) {
                Ok(findings) => {
                    for f in findings {
                        let Some(location) = locations.get(f.index) else {
                            failures.push(format!(
                                "check `{}` named record {} of a batch of {}",
                                check.name(),
                                f.index,
                                batch.len()
                            ));
                            continue;
                        };
                        if f.severity == Severity::Error {
                            refused[f.index] = true;
                        }
                        let column = f.field.as_deref().and_then(|field| {
                            self.layout.as_ref().and_then(|l| l.column_of(field))
                        });
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
            self.file_problem(
                None,
                CellProblem {
                    column: None,
                    field: None,
                    reason,
                },
            );
        }
        self.rows_refused += refused.iter().filter(|r| **r).count() as u64;
        for (location, p, severity) in found {
            let placed = self.place(Some(location), p);
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
        for ((record, location), refused) in batch.into_iter().zip(locations).zip(refused) {
            if refused {
                continue;
            }
            if let Inserted::Conflict { stored } = self.writer.insert(&record)? {
                self.rows_refused += 1;
                let reference = match stored.as_ref() {
                    Record::Visit(v) => v.reference.clone(),
                    Record::SurveyAnswer(s) => s.reference.clone(),
                    Record::Event(e) => e.reference.clone(),
                };
                let p = CellProblem {
                    column: self.layout.as_ref().and_then(|l| l.column_of("reference")),
                    field: Some("reference".into()),
                    reason: format!(
                        "site `{}` already has a different record under reference `{}`: a reference names one record",
                        record.site(),
                        reference.unwrap_or_default()
                    ),
                };
                let placed = self.place(Some(location), p);
                self.problems.push(placed);
            }
        }
        Ok(())
    }

    /// Commits if the file had no problem, rolls back otherwise.
    pub(crate) fn finish(mut self) -> Result<ImportReport, StoreError> {
        self.flush()?;
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
