//! What an import tells its user: where each problem is and why, and what
//! was stored.

use std::fmt;

use em_store::ImportInfo;

/// Where in a file a row is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A line of a text file (CSV, JSON Lines), from 1.
    Line(u64),
    /// A row of a workbook's sheet, from 1 as the spreadsheet shows it.
    Cell {
        /// The sheet's name.
        sheet: String,
        /// The row.
        row: u32,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(line) => write!(f, "line {line}"),
            Location::Cell { sheet, row } => write!(f, "sheet «{sheet}» row {row}"),
        }
    }
}

/// A column of a file, as a person finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnRef {
    /// Its header as written in the file.
    pub header: String,
    /// Its position, from 0.
    pub index: usize,
    /// Its spreadsheet letter (`A`, `B`, …, `AA`).
    pub letter: String,
}

impl ColumnRef {
    pub(crate) fn new(header: &str, index: usize) -> ColumnRef {
        ColumnRef {
            header: header.to_owned(),
            index,
            letter: crate::text::column_letter(index),
        }
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The row is refused, and with it the file.
    Error,
    /// Reported; the row is stored.
    Warning,
}

/// One problem (or warning) of a file, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file's name.
    pub file: String,
    /// The row, if the problem is a row's; `None` for the whole file.
    pub location: Option<Location>,
    /// The column, if one is to blame.
    pub column: Option<ColumnRef>,
    /// The record's field, if one is to blame (`status`, `items.welcome`).
    pub field: Option<String>,
    /// Why, in a sentence.
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(location) = &self.location {
            write!(f, ", {location}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {} «{}»", column.letter, column.header)?;
        }
        if let Some(field) = &self.field {
            write!(f, " (`{field}`)")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// What became of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every row is stored (records already in the store excepted).
    Imported(ImportInfo),
    /// A file with the same content was imported before; nothing was added.
    AlreadyImported(ImportInfo),
    /// The file has problems: nothing of it is stored.
    Refused,
}

/// The account of one import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// The file's name.
    pub file: String,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// What became of it.
    pub outcome: Outcome,
    /// Data rows read (blank rows and headers excluded).
    pub rows_read: u64,
    /// Records stored.
    pub stored: u64,
    /// Records skipped because the store already held them (same site,
    /// same reference, same content).
    pub already_stored: u64,
    /// Rows refused, each counted once.
    pub rows_refused: u64,
    /// The problems, at most [`crate::ImportOptions::max_problems`].
    pub problems: Vec<Problem>,
    /// Problems found beyond those listed.
    pub problems_not_listed: u64,
    /// Warnings (ignored columns, skipped sheets, checks' warnings).
    pub warnings: Vec<Problem>,
    /// Warnings found beyond those listed.
    pub warnings_not_listed: u64,
}

impl ImportReport {
    /// Whether the file was refused.
    pub fn is_refused(&self) -> bool {
        self.outcome == Outcome::Refused
    }
}

/// A list of problems kept to a cap, counting the rest.
#[derive(Debug)]
pub(crate) struct Capped {
    pub(crate) listed: Vec<Problem>,
    pub(crate) not_listed: u64,
    cap: usize,
}

impl Capped {
    pub(crate) fn new(cap: usize) -> Capped {
        Capped {
            listed: Vec::new(),
            not_listed: 0,
            cap,
        }
    }

    pub(crate) fn push(&mut self, problem: Problem) {
        if self.listed.len() < self.cap {
            self.listed.push(problem);
        } else {
            self.not_listed += 1;
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.listed.is_empty() && self.not_listed == 0
    }
}
