//! XLSX workbooks, read cell by cell with `calamine` so that a large sheet
//! is never held in memory whole.
//!
//! In each sheet the header row is the first of its first
//! [`HEADER_SEARCH_ROWS`] rows that names fields of a record kind: title
//! rows and blank rows above it are skipped. A sheet without such a row (a
//! notice, a chart) is skipped with a warning; a workbook where no sheet has
//! one is refused. Every sheet may hold its own kind of record.

use std::io::{Read, Seek};

use calamine::{DataRef, Reader, SheetType, Xlsx};
use em_core::statistics::RecordKind;
use jiff::civil::Date;

use crate::ImportError;
use crate::csv_import::MAX_RECORD_BYTES;
use crate::mapping::Compiled;
use crate::pipeline::Producer;
use crate::report::Location;
use crate::row::{Builder, Cell, CellProblem, Layout, Row};

/// How many rows from a sheet's top the header row is looked for in.
pub const HEADER_SEARCH_ROWS: usize = 30;

/// The last row a sheet can have; a file claiming more is not a workbook
/// Excel wrote, and reading it is stopped there.
const MAX_ROWS: u32 = 1_048_576;
/// The last column a sheet can have.
const MAX_COLUMNS: u32 = 16_384;

struct XlsxRow<'r, 'a>(&'r [DataRef<'a>]);

impl Row for XlsxRow<'_, '_> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn cell(&self, index: usize) -> Cell<'_> {
        match self.0.get(index) {
            None | Some(DataRef::Empty) => Cell::Empty,
            Some(DataRef::String(s)) => Cell::Text(s),
            Some(DataRef::SharedString(s)) => Cell::Text(s),
            Some(DataRef::DateTimeIso(s)) | Some(DataRef::DurationIso(s)) => Cell::Text(s),
            Some(DataRef::Int(n)) => Cell::Int(*n),
            Some(DataRef::Float(x)) => Cell::Float(*x),
            Some(DataRef::Bool(b)) => Cell::Bool(*b),
            // A date cell holding a day number before day 1 has no day:
            // calamine would still count back from 1899 and hand out a
            // day of 1899, which the checks would then blame on the
            // codes in force rather than on the date.
            Some(DataRef::DateTime(dt)) if dt.is_datetime() && dt.as_f64() < 1.0 => {
                Cell::Invalid(crate::text::not_a_date_serial(dt.as_f64()))
            }
            Some(DataRef::DateTime(dt)) if dt.is_datetime() => {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                match (i16::try_from(y), i8::try_from(m), i8::try_from(d)) {
                    (Ok(y), Ok(m), Ok(d)) => Date::new(y, m, d)
                        .map(Cell::Date)
                        .unwrap_or_else(|_| Cell::Invalid(format!("{y}-{m}-{d} is not a date"))),
                    _ => Cell::Invalid("the date is out of range".into()),
                }
            }
            Some(DataRef::DateTime(dt)) => Cell::Float(dt.as_f64()),
            Some(DataRef::Error(e)) => Cell::Invalid(format!("the cell shows the error {e}")),
        }
    }
}

fn header_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            s.trim().to_owned()
        }
        DataRef::SharedString(s) => s.trim().to_owned(),
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(x) => x.to_string(),
        _ => String::new(),
    }
}

pub(crate) fn import<RS: Read + Seek>(
    reader: RS,
    kind: Option<RecordKind>,
    mapping: &Compiled,
    builder: &mut Builder<'_>,
    pipeline: &mut Producer<'_>,
) -> Result<(), ImportError> {
    let mut workbook: Xlsx<RS> = match Xlsx::new(reader) {
        Ok(w) => w,
        Err(e) => {
            pipeline.file_problem(None, whole(format!("not a readable XLSX workbook: {e}")));
            return Ok(());
        }
    };
    let sheets: Vec<String> = workbook
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    let mut sheets_read = 0;
    for sheet in sheets {
        if read_sheet(&mut workbook, &sheet, kind, mapping, builder, pipeline)? {
            sheets_read += 1;
        }
    }
    if sheets_read == 0 {
        pipeline.file_problem(
            None,
            whole(format!(
                "no sheet has a header row naming the fields of a record in its first {HEADER_SEARCH_ROWS} rows"
            )),
        );
    }
    Ok(())
}

/// Reads one sheet; `false` if it had no header row and was skipped.
fn read_sheet<RS: Read + Seek>(
    workbook: &mut Xlsx<RS>,
    sheet: &str,
    kind: Option<RecordKind>,
    mapping: &Compiled,
    builder: &mut Builder<'_>,
    pipeline: &mut Producer<'_>,
) -> Result<bool, ImportError> {
    let at = |row: u32| Location::Cell {
        sheet: sheet.to_owned(),
        row: row + 1,
    };
    let mut cells = match workbook.worksheet_cells_reader(sheet) {
        Ok(cells) => cells,
        Err(e) => {
            pipeline.file_problem(None, whole(format!("sheet «{sheet}» cannot be read: {e}")));
            // Counted as read: the workbook is refused for it already.
            return Ok(true);
        }
    };
    let mut row: Vec<DataRef<'_>> = Vec::new();
    let mut row_number: Option<u32> = None;
    let mut rows_seen = 0usize;
    let mut header_found = false;
    while !pipeline.stopped() {
        let next = match cells.next_cell() {
            Ok(next) => next,
            Err(e) => {
                let location = row_number.map(at);
                pipeline.file_problem(location, whole(format!("sheet «{sheet}» is damaged: {e}")));
                return Ok(true);
            }
        };
        let position = next.as_ref().map(|c| c.get_position());
        let ends_row = match (position, row_number) {
            (Some((r, _)), Some(current)) => r != current,
            (None, Some(_)) => true,
            _ => false,
        };
        if ends_row && let Some(current) = row_number {
            // A whole row is in `row`: it is a header candidate until the
            // header is found, and a data row after.
            if header_found {
                if let Some(layout) = pipeline.layout() {
                    match builder.build(layout, &XlsxRow(&row)) {
                        Ok(None) => {}
                        Ok(Some(built)) => pipeline.row(at(current), Ok(built)),
                        Err(problems) => pipeline.row(at(current), Err(problems)),
                    }
                }
            } else {
                rows_seen += 1;
                let headers: Vec<String> = row.iter().map(header_text).collect();
                if let Some(found) = header_kind(&headers, kind, mapping) {
                    header_found = true;
                    let (layout, report) =
                        Layout::new(found, headers, mapping, builder.has_default_site());
                    pipeline.set_layout(Some(layout));
                    for p in report.warnings {
                        pipeline.warning(Some(at(current)), p);
                    }
                    let header_ok = report.problems.is_empty();
                    for p in report.problems {
                        pipeline.file_problem(Some(at(current)), p);
                    }
                    if !header_ok {
                        return Ok(true);
                    }
                } else if rows_seen >= HEADER_SEARCH_ROWS {
                    break;
                }
            }
            row.clear();
        }
        let Some(cell) = next else {
            break;
        };
        let (r, c) = cell.get_position();
        if r >= MAX_ROWS || c >= MAX_COLUMNS {
            pipeline.file_problem(
                Some(at(r)),
                whole(format!(
                    "sheet «{sheet}» claims a cell beyond the last row or column a sheet can have"
                )),
            );
            return Ok(true);
        }
        // FIXME: calamine has already read the cell whole (and a shared
        // string with the whole shared-strings table, at `Xlsx::new`), so
        // this check keeps such a cell out of the rows and the store but
        // does not bound the memory of reading it. Bounding it needs a
        // pass before calamine: stream-decompress `xl/sharedStrings.xml`
        // and each `xl/worksheets/*.xml` (zip's declared sizes can lie, so
        // the bytes themselves are counted) and refuse a text node over
        // MAX_RECORD_BYTES, or a shared-strings table over a total limit;
        // that pass costs a second decompression of every sheet and names
        // the zip entry rather than the sheet, row and column given here.
        let size = cell_bytes(cell.get_value());
        if size as u64 > MAX_RECORD_BYTES {
            pipeline.file_problem(
                Some(at(r)),
                CellProblem {
                    column: Some(c as usize),
                    field: None,
                    reason: format!(
                        "sheet «{sheet}» row {}, column {}: the cell holds {size} bytes, more than {} MiB: the file is refused",
                        r + 1,
                        column_letters(c),
                        MAX_RECORD_BYTES / (1024 * 1024)
                    ),
                },
            );
            return Ok(true);
        }
        row_number = Some(r);
        let c = c as usize;
        if row.len() <= c {
            row.resize(c + 1, DataRef::Empty);
        }
        row[c] = cell.get_value().clone();
    }
    if !header_found {
        pipeline.warning(
            None,
            whole(format!(
                "sheet «{sheet}» has no header row naming the fields of a record in its first {HEADER_SEARCH_ROWS} rows: it is skipped"
            )),
        );
    }
    Ok(header_found)
}

/// The kind a row is the header of, if it is one: at least two fields of
/// the kind, one of them distinctive (a title row names none).
fn header_kind(
    headers: &[String],
    kind: Option<RecordKind>,
    mapping: &Compiled,
) -> Option<RecordKind> {
    let candidate = kind.or_else(|| Layout::detect_kind(headers, mapping))?;
    let (count, distinctive) = Layout::header_score(headers, candidate, mapping);
    (count >= 2 && distinctive).then_some(candidate)
}

/// The bytes of a cell's text; a number, a date or a boolean is small.
fn cell_bytes(cell: &DataRef<'_>) -> usize {
    match cell {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.len(),
        DataRef::SharedString(s) => s.len(),
        _ => 0,
    }
}

/// A column's letters as Excel shows them: 0 is `A`, 26 is `AA`.
fn column_letters(index: u32) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

fn whole(reason: String) -> CellProblem {
    CellProblem {
        column: None,
        field: None,
        reason,
    }
}
