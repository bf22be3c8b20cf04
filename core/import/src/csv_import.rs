//! CSV as French spreadsheets write it: `;` between fields (or what a
//! `sep=` first line says), Windows-1252 or UTF-8, quotes doubled inside
//! quoted fields.

use std::io::{self, BufRead, BufReader, Read};

use em_core::statistics::RecordKind;

use crate::ImportError;
use crate::mapping::Compiled;
use crate::pipeline::Producer;
use crate::report::Location;
use crate::row::{Builder, Cell, CellProblem, Layout, Row};
use crate::source::{Decode, Encoding};

/// The longest record accepted. A file with a longer one (an unclosed quote
/// swallowing the rest of the file, or a hostile field) is refused before it
/// can fill the memory.
pub const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

pub(crate) struct CsvInput<R> {
    pub(crate) reader: R,
    pub(crate) encoding: Encoding,
    pub(crate) kind: Option<RecordKind>,
}

/// A CSV record whose text was checked once, as a whole: its fields are
/// slices of it (the separators are ASCII, so every field boundary is a
/// character boundary).
struct TextRow<'r> {
    record: &'r csv::ByteRecord,
    text: Option<&'r str>,
}

impl<'r> TextRow<'r> {
    fn new(record: &'r csv::ByteRecord) -> Self {
        TextRow {
            record,
            text: std::str::from_utf8(record.as_slice()).ok(),
        }
    }
}

impl Row for TextRow<'_> {
    fn len(&self) -> usize {
        self.record.len()
    }

    fn cell(&self, index: usize) -> Cell<'_> {
        let (Some(text), Some(range)) = (self.text, self.record.range(index)) else {
            // The text was checked or decoded to UTF-8 before parsing, so
            // this is only reached through a defect; it is reported, not
            // guessed at.
            return match self.record.get(index) {
                None => Cell::Empty,
                Some(_) => Cell::Invalid("the cell is not valid text".into()),
            };
        };
        match text.get(range) {
            Some("") => Cell::Empty,
            Some(cell) => Cell::Text(cell),
            None => Cell::Invalid("the cell is not valid text".into()),
        }
    }
}

pub(crate) fn import<R: Read>(
    input: CsvInput<R>,
    mapping: &Compiled,
    builder: &mut Builder<'_>,
    pipeline: &mut Producer<'_>,
) -> Result<(), ImportError> {
    let CsvInput {
        reader,
        encoding,
        kind,
    } = input;
    let text: Box<dyn Read + '_> = match encoding {
        Encoding::Utf8 => Box::new(reader),
        Encoding::Utf8Bom => {
            let mut reader = reader;
            let mut bom = [0u8; 3];
            reader.read_exact(&mut bom).map_err(ImportError::io)?;
            Box::new(reader)
        }
        Encoding::Windows1252 => Box::new(Decode::new(reader, encoding_rs::WINDOWS_1252)),
        Encoding::Utf16Le => Box::new(Decode::new(reader, encoding_rs::UTF_16LE)),
        Encoding::Utf16Be => Box::new(Decode::new(reader, encoding_rs::UTF_16BE)),
    };
    // The head of the text tells the separator before the reading starts,
    // so that the record guard knows it (to name the column of a quote
    // never closed). Reads past this small buffer go straight through it.
    let mut text = BufReader::with_capacity(64 * 1024, text);

    // An optional `sep=;` first line, as Excel writes and reads it.
    let (delimiter, line_offset) = {
        let head = text.fill_buf().map_err(ImportError::io)?;
        let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
        let first_line = line.strip_suffix(b"\r").unwrap_or(line);
        match first_line {
            [s, e, p, b'=', d] if [s, e, p].map(u8::to_ascii_lowercase) == [b's', b'e', b'p'] => {
                let d = *d;
                let at = (line.len() + 1).min(head.len());
                // A sep line with an unusable separator is refused below.
                text.consume(at);
                (Some(d), 1)
            }
            _ => (None, 0),
        }
    };
    let delimiter = match delimiter {
        Some(d) if d.is_ascii() && !matches!(d, b'"' | b'\n' | b'\r') => d,
        Some(d) => {
            pipeline.file_problem(
                Some(Location::Line(1)),
                CellProblem {
                    column: None,
                    field: None,
                    reason: format!(
                        "the `sep=` line names `{}`, which cannot separate fields",
                        d.escape_ascii()
                    ),
                },
            );
            return Ok(());
        }
        None => guess_delimiter(text.fill_buf().map_err(ImportError::io)?),
    };
    let buffered = BufReader::with_capacity(
        256 * 1024,
        RecordGuard::new(CrlfAsLf::new(text), delimiter, 1 + line_offset),
    );

    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(buffered);
    let mut record = csv::ByteRecord::new();
    let line = |csv: &csv::Reader<_>, record: &csv::ByteRecord| {
        first_line(csv.position().line(), record) + line_offset
    };

    if !read(&mut csv, &mut record, pipeline)? {
        pipeline.file_problem(
            None,
            CellProblem {
                column: None,
                field: None,
                reason: "the file has no header line".into(),
            },
        );
        return Ok(());
    }
    let header_line = line(&csv, &record);
    let headers: Vec<String> = record
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_owned())
        .collect();
    let Some(kind) = kind.or_else(|| Layout::detect_kind(&headers, mapping)) else {
        pipeline.file_problem(
            Some(Location::Line(header_line)),
            CellProblem {
                column: None,
                field: None,
                reason: format!(
                    "cannot tell from the header line which kind of record the file holds (found {} columns separated by `{}`): name the kind, or check the separator and the headers",
                    headers.len(),
                    delimiter.escape_ascii()
                ),
            },
        );
        return Ok(());
    };
    let (layout, header) = Layout::new(kind, headers, mapping, builder.has_default_site());
    pipeline.set_layout(Some(layout));
    for p in header.warnings {
        pipeline.warning(Some(Location::Line(header_line)), p);
    }
    let header_ok = header.problems.is_empty();
    for p in header.problems {
        pipeline.file_problem(Some(Location::Line(header_line)), p);
    }
    if !header_ok {
        return Ok(());
    }

    while !pipeline.stopped() && read(&mut csv, &mut record, pipeline)? {
        let location = Location::Line(line(&csv, &record));
        let Some(layout) = pipeline.layout() else {
            break;
        };
        match builder.build(layout, &TextRow::new(&record)) {
            Ok(None) => {}
            Ok(Some(built)) => pipeline.row(location, Ok(built)),
            Err(problems) => pipeline.row(location, Err(problems)),
        }
    }
    Ok(())
}

/// Reads one record; `false` at the end. A record the CSV reader cannot
/// make (it is not text) is reported and skipped; a failing disk is an
/// error.
fn read<R: Read>(
    csv: &mut csv::Reader<R>,
    record: &mut csv::ByteRecord,
    pipeline: &mut Producer<'_>,
) -> Result<bool, ImportError> {
    loop {
        match csv.read_byte_record(record) {
            Ok(more) => return Ok(more),
            Err(e) => {
                let line = e.position().map(|p| p.line());
                match e.into_kind() {
                    csv::ErrorKind::Io(io) if io.kind() == io::ErrorKind::InvalidData => {
                        // The record guard's refusal: nothing after it can
                        // be trusted to start where it seems to. It says
                        // where the record or the quote at fault starts.
                        let (line, column) =
                            match io.get_ref().and_then(|e| e.downcast_ref::<Refusal>()) {
                                Some(refusal) => (Some(refusal.line), refusal.column),
                                None => (line, None),
                            };
                        let field = column.and_then(|c| pipeline.field_of_column(c));
                        pipeline.file_problem(
                            line.map(Location::Line),
                            CellProblem {
                                column,
                                field,
                                reason: io.to_string(),
                            },
                        );
                        return Ok(false);
                    }
                    csv::ErrorKind::Io(io) => return Err(ImportError::io(io)),
                    other => pipeline.file_problem(
                        line.map(Location::Line),
                        CellProblem {
                            column: None,
                            field: None,
                            reason: format!("unreadable record: {other:?}"),
                        },
                    ),
                }
            }
        }
    }
}

/// The line a record starts on, from the line the reader reached after it.
///
/// The CSV reader gives a record the position where it started looking for
/// it, which is the first of the blank lines before it, if any: a row right
/// after a blank line would be named one line early. Every record ends with
/// an LF (see [`CrlfAsLf`]), so the reader stands on the line after the
/// record's last one, and the record spans as many more lines as its
/// quoted fields hold line breaks.
fn first_line(line_after: u64, record: &csv::ByteRecord) -> u64 {
    let breaks = memchr::memchr_iter(b'\n', record.as_slice()).count() as u64;
    line_after.saturating_sub(1 + breaks).max(1)
}

/// The separator of a file without a `sep=` line: `;` if the header line
/// has one, else a tab, else a comma.
fn guess_delimiter(head: &[u8]) -> u8 {
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    [b';', b'\t', b',']
        .into_iter()
        .find(|d| line.contains(d))
        .unwrap_or(b';')
}

/// Turns every CRLF into LF, so that lines are counted the same in a file
/// saved by a spreadsheet (CRLF) as in its LF twin, and ends the text with
/// a newline if the file does not.
///
/// The CSV reader ends a CRLF record at its CR and reads the LF as the
/// start of the next record, whose position is then taken one line early.
/// A lone CR (old Mac files) is left as it is, and still ends a record.
/// With every record ended by an LF, a record's first line is the line
/// the reader reached after it, less one, less the line breaks inside its
/// quoted fields (see `first_line`).
///
/// The bytes are read straight into the caller's buffer and the CRs of
/// CRLFs removed there, in place: a file without them (LF, or already
/// converted) is not copied once more.
struct CrlfAsLf<R> {
    inner: R,
    /// A CR that ended the previous read: it may be the first half of a
    /// CRLF, so it is decided with the next byte.
    held_cr: bool,
    /// The last byte handed out, to end the text with a newline.
    last: Option<u8>,
    eof: bool,
    /// Bytes made for a read smaller than [`SMALL_READ`] and not yet
    /// handed out.
    spill: Vec<u8>,
    spill_at: usize,
}

/// Reads smaller than this go through the adapter's spill buffer (a held
/// CR and the byte after it need room together); the CSV reader's are far
/// larger.
const SMALL_READ: usize = 64;

impl<R> CrlfAsLf<R> {
    fn new(inner: R) -> Self {
        CrlfAsLf {
            inner,
            held_cr: false,
            last: None,
            eof: false,
            spill: Vec::new(),
            spill_at: 0,
        }
    }
}

impl<R: Read> Read for CrlfAsLf<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        if self.spill_at == self.spill.len() && out.len() >= SMALL_READ {
            return self.read_large(out);
        }
        if self.spill_at == self.spill.len() {
            let mut stage = [0u8; SMALL_READ];
            let n = self.read_large(&mut stage)?;
            self.spill.clear();
            self.spill.extend_from_slice(&stage[..n]);
            self.spill_at = 0;
        }
        let k = out.len().min(self.spill.len() - self.spill_at);
        out[..k].copy_from_slice(&self.spill[self.spill_at..self.spill_at + k]);
        self.spill_at += k;
        Ok(k)
    }
}

impl<R: Read> CrlfAsLf<R> {
    /// A read into a buffer of at least two bytes.
    fn read_large(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.eof {
                // The text ends with a newline, so that its last record
                // is ended like every other.
                if matches!(self.last, Some(b) if b != b'\n' && b != b'\r') {
                    out[0] = b'\n';
                    self.last = Some(b'\n');
                    return Ok(1);
                }
                return Ok(0);
            }
            let start = usize::from(self.held_cr);
            if self.held_cr {
                out[0] = b'\r';
                self.held_cr = false;
            }
            let n = loop {
                match self.inner.read(&mut out[start..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            if n == 0 {
                self.eof = true;
                if start == 1 {
                    // A CR at the very end of the file stays a CR.
                    self.last = Some(b'\r');
                    return Ok(1);
                }
                continue;
            }
            let written = self.squeeze(&mut out[..start + n]);
            if written > 0 {
                self.last = Some(out[written - 1]);
                return Ok(written);
            }
            // Only a CR, held for the next byte: read on.
        }
    }

    /// Removes, in place, every CR of `buf` followed by an LF; a CR at the
    /// very end is held for the next read. Returns the bytes kept.
    fn squeeze(&mut self, buf: &mut [u8]) -> usize {
        let total = buf.len();
        let (mut read, mut written) = (0, 0);
        while let Some(at) = memchr::memchr(b'\r', &buf[read..]) {
            let cr = read + at;
            buf.copy_within(read..cr, written);
            written += cr - read;
            if cr + 1 == total {
                self.held_cr = true;
                return written;
            }
            if buf[cr + 1] != b'\n' {
                buf[written] = b'\r';
                written += 1;
            }
            read = cr + 1;
        }
        buf.copy_within(read..total, written);
        written + (total - read)
    }
}

/// Why the [`RecordGuard`] stopped the reading, and where: carried inside
/// the `InvalidData` error it returns, for the problem that names the line
/// and the column.
#[derive(Debug)]
struct Refusal {
    /// The line of the quote never closed, or of the record's start.
    line: u64,
    /// The column (from 0) of the quoted field, if known.
    column: Option<usize>,
    reason: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Refusal {}

/// Refuses, as `InvalidData` carrying a [`Refusal`], a record longer than
/// [`MAX_RECORD_BYTES`] and a quote still open at the end of the file.
///
/// The guard follows quotes as the CSV reader does: a quote opens a quoted
/// field only at the start of a field (a quote inside an unquoted field is
/// a character like any other), and a doubled quote inside a quoted field
/// stands for one quote. A record ends at a newline outside quotes. It
/// counts lines and, when a quote opens, the separators before it in its
/// record, so that a quote never closed is reported where it opened,
/// rather than where the reader gave up (the end of the file).
struct RecordGuard<R> {
    inner: R,
    delimiter: u8,
    in_quotes: bool,
    /// The last byte of the previous read; a newline stands for the start.
    prev: u8,
    /// Whether that byte closed a quoted field (a quote right after it is
    /// a doubled quote, which opens the field again).
    prev_closed: bool,
    since_record_start: u64,
    /// Line of the next byte (the first line is `first_line`).
    line: u64,
    record_line: u64,
    /// Separators outside quotes in the record so far, up to the start of
    /// this read (or of the segment after the last quoted field).
    separators: usize,
    /// Line and column where the quote now open was opened.
    opened: (u64, usize),
}

impl<R> RecordGuard<R> {
    fn new(inner: R, delimiter: u8, first_line: u64) -> Self {
        RecordGuard {
            inner,
            delimiter,
            in_quotes: false,
            prev: b'\n',
            prev_closed: false,
            since_record_start: 0,
            line: first_line,
            record_line: first_line,
            separators: 0,
            opened: (first_line, 0),
        }
    }

    fn refuse(&self, reason: String) -> io::Error {
        let (line, column) = if self.in_quotes {
            (self.opened.0, Some(self.opened.1))
        } else {
            (self.record_line, None)
        };
        io::Error::new(
            io::ErrorKind::InvalidData,
            Refusal {
                line,
                column,
                reason,
            },
        )
    }
}

impl<R: Read> Read for RecordGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            if self.in_quotes && !buf.is_empty() {
                return Err(self.refuse(
                    "the quote that opens this field is never closed, so the rest of the file would be one field: close it, or double a quote meant inside the field (\"\")".into(),
                ));
            }
            return Ok(0);
        }
        let bytes = &buf[..n];
        let delimiter = self.delimiter;
        let count = |part: &[u8]| memchr::memchr_iter(delimiter, part).count();
        let mut record_start = 0;
        // Where the current stretch outside quotes started in this read.
        let mut segment = 0;
        let mut longest = 0;
        // The position right after the last quote that closed a field.
        let mut closed_at = None;
        for i in memchr::memchr2_iter(b'"', b'\n', bytes) {
            let (prev, prev_closed) = if i == 0 {
                (self.prev, self.prev_closed)
            } else {
                (bytes[i - 1], closed_at == Some(i))
            };
            if bytes[i] == b'"' {
                if self.in_quotes {
                    self.in_quotes = false;
                    segment = i + 1;
                    closed_at = Some(i + 1);
                } else if prev_closed {
                    // A doubled quote inside a quoted field.
                    self.in_quotes = true;
                } else if prev == delimiter || prev == b'\n' || prev == b'\r' {
                    self.separators += count(&bytes[segment..i]);
                    self.opened = (self.line, self.separators);
                    self.in_quotes = true;
                }
            } else {
                self.line += 1;
                if !self.in_quotes {
                    longest = longest.max(self.since_record_start + (i - record_start) as u64);
                    self.since_record_start = 0;
                    self.separators = 0;
                    self.record_line = self.line;
                    record_start = i + 1;
                    segment = i + 1;
                }
            }
        }
        if !self.in_quotes {
            self.separators += count(&bytes[segment..]);
        }
        self.prev = bytes[n - 1];
        self.prev_closed = closed_at == Some(n);
        self.since_record_start += (n - record_start) as u64;
        if longest.max(self.since_record_start) > MAX_RECORD_BYTES {
            return Err(self.refuse(format!(
                "a record longer than {} MiB starts here (an unclosed quote, or a field too long): the file is refused",
                MAX_RECORD_BYTES / (1024 * 1024)
            )));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_separator_is_guessed_from_the_header_line() {
        assert_eq!(guess_delimiter(b"site;date;contact\n1,2;3"), b';');
        assert_eq!(guess_delimiter(b"site\tdate\n"), b'\t');
        assert_eq!(guess_delimiter(b"site,date\n"), b',');
        assert_eq!(guess_delimiter(b"site\n"), b';');
    }

    #[test]
    fn crlf_becomes_lf_whatever_the_size_of_the_reads() {
        let input = b"a;b\r\n\r\nc\rd\r\n\"e\r\nf\"\r";
        let expected = b"a;b\n\nc\rd\n\"e\nf\"\r".to_vec();
        // One byte at a time from the source, and into one-byte reads, so
        // that every CR falls on the edge of a read.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let Some((first, rest)) = self.0.split_first() else {
                    return Ok(0);
                };
                buf[0] = *first;
                self.0 = rest;
                Ok(1)
            }
        }
        let mut whole = Vec::new();
        CrlfAsLf::new(&input[..]).read_to_end(&mut whole).unwrap();
        assert_eq!(whole, expected);
        let mut adapter = CrlfAsLf::new(Trickle(input));
        let mut small = Vec::new();
        let mut byte = [0u8; 1];
        while adapter.read(&mut byte).unwrap() == 1 {
            small.push(byte[0]);
        }
        assert_eq!(small, expected);
        // Every byte from its own read of the source, into large reads: a
        // CR ends nearly every read and is held for the next.
        let mut adapter = CrlfAsLf::new(Trickle(input));
        let mut large = Vec::new();
        let mut buf = [0u8; 256];
        loop {
            let n = adapter.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            large.extend_from_slice(&buf[..n]);
        }
        assert_eq!(large, expected);
    }

    #[test]
    fn a_text_without_a_final_newline_gets_one() {
        for (input, expected) in [
            (&b"a;b\r\nc;d"[..], &b"a;b\nc;d\n"[..]),
            (b"a;b\n", b"a;b\n"),
            (b"a;b\r\n", b"a;b\n"),
            (b"", b""),
        ] {
            let mut out = Vec::new();
            CrlfAsLf::new(input).read_to_end(&mut out).unwrap();
            assert_eq!(out, expected, "{}", input.escape_ascii());
        }
    }

    #[test]
    fn the_record_guard_counts_newlines_inside_quotes_as_part_of_the_record() {
        let long_quoted = format!("\"{}\n{}\"\n", "a".repeat(9_000_000), "b".repeat(9_000_000));
        let mut out = Vec::new();
        let err = RecordGuard::new(long_quoted.as_bytes(), b';', 1)
            .read_to_end(&mut out)
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        let many_short = "\"a\"\"b\";c\n".repeat(3_000_000);
        let mut out = Vec::new();
        RecordGuard::new(many_short.as_bytes(), b';', 1)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out.len(), many_short.len());
    }
}
