//! From a row of cells to a record: the header layout of a table and the
//! reading of each cell as the field its column holds.
//!
//! Both tabular formats (CSV and XLSX) come through here, so a value is read
//! the same way whatever file it is in. What a cell cannot say (an unknown
//! label, an impossible date) is a [`CellProblem`]; what the statistics
//! schema refuses is left to em-core's `Validator` afterwards.

use std::collections::{BTreeMap, HashMap};

use em_core::statistics::{Event, Record, RecordKind, SurveyAnswer, Visit};
use jiff::civil::Date;

use crate::mapping::{Compiled, Field};
use crate::report::ColumnRef;
use crate::text::{excel_serial_date, parse_count, parse_date};

/// One cell, as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell<'a> {
    Empty,
    Text(&'a str),
    Float(f64),
    Int(i64),
    Bool(bool),
    Date(Date),
    /// A cell the spreadsheet itself marks as wrong (`#REF!`, `#DIV/0!`).
    Invalid(String),
}

/// A row of cells, from whichever format.
pub(crate) trait Row {
    fn len(&self) -> usize;
    fn cell(&self, index: usize) -> Cell<'_>;
}

/// A problem of one row found while reading its cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CellProblem {
    pub(crate) column: Option<usize>,
    pub(crate) field: Option<String>,
    pub(crate) reason: String,
}

/// Which column holds which field, from a table's header row.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub(crate) kind: RecordKind,
    columns: Vec<Option<Field>>,
    headers: Vec<String>,
    by_field: HashMap<String, usize>,
}

/// What [`Layout::new`] found wrong with a header row.
#[derive(Debug, Default)]
pub(crate) struct HeaderReport {
    pub(crate) problems: Vec<CellProblem>,
    pub(crate) warnings: Vec<CellProblem>,
}

impl Layout {
    /// The kind a header row is for: the one whose distinctive fields it
    /// names most, if exactly one kind is best.
    pub(crate) fn detect_kind(headers: &[String], mapping: &Compiled) -> Option<RecordKind> {
        let mut scores: Vec<(usize, RecordKind)> = RecordKind::ALL
            .into_iter()
            .map(|kind| {
                let score = headers
                    .iter()
                    .filter_map(|h| mapping.field(kind, h))
                    .filter(|f| f.is_distinctive())
                    .count();
                (score, kind)
            })
            .collect();
        scores.sort_by_key(|s| std::cmp::Reverse(s.0));
        (scores[0].0 > 0 && scores[0].0 > scores[1].0).then_some(scores[0].1)
    }

    /// How many of `headers` are fields of `kind`, and whether one of them
    /// is distinctive: how a workbook's header row is told from a title.
    pub(crate) fn header_score(
        headers: &[String],
        kind: RecordKind,
        mapping: &Compiled,
    ) -> (usize, bool) {
        let fields: Vec<Field> = headers
            .iter()
            .filter_map(|h| mapping.field(kind, h))
            .collect();
        (fields.len(), fields.iter().any(|f| f.is_distinctive()))
    }

    /// The layout of a header row for `kind`, with the header's problems
    /// (a column named twice, a needed column missing) and warnings
    /// (columns ignored).
    pub(crate) fn new(
        kind: RecordKind,
        headers: Vec<String>,
        mapping: &Compiled,
        has_default_site: bool,
    ) -> (Layout, HeaderReport) {
        let mut report = HeaderReport::default();
        let mut columns = Vec::with_capacity(headers.len());
        let mut by_field: HashMap<String, usize> = HashMap::new();
        for (i, header) in headers.iter().enumerate() {
            if header.trim().is_empty() {
                columns.push(None);
                continue;
            }
            match mapping.field(kind, header) {
                Some(field) => {
                    let name = field.name(&mapping.items);
                    if let Some(&first) = by_field.get(&name) {
                        report.problems.push(CellProblem {
                            column: Some(i),
                            field: Some(name.clone()),
                            reason: format!(
                                "this column and column {} «{}» both hold `{name}`: keep one",
                                crate::text::column_letter(first),
                                headers[first]
                            ),
                        });
                        columns.push(None);
                    } else {
                        by_field.insert(name, i);
                        columns.push(Some(field));
                    }
                }
                None => {
                    report.warnings.push(CellProblem {
                        column: Some(i),
                        field: None,
                        reason: format!(
                            "not a field of a {} record in the mapping: the column is ignored and nothing of it is stored",
                            kind.as_str()
                        ),
                    });
                    columns.push(None);
                }
            }
        }
        let needed: &[&str] = match kind {
            RecordKind::Visit => &["site", "date", "contact_mode"],
            RecordKind::SurveyAnswer => &["site", "date"],
            RecordKind::Event => &["site", "title", "start_date", "event_type", "attendance"],
        };
        for field in needed {
            if *field == "site" && has_default_site {
                continue;
            }
            if !by_field.contains_key(*field) {
                report.problems.push(CellProblem {
                    column: None,
                    field: Some((*field).to_owned()),
                    reason: format!(
                        "no column holds `{field}`, which every {} record needs{}",
                        kind.as_str(),
                        if *field == "site" {
                            " (or give the site of the whole file)"
                        } else {
                            ""
                        }
                    ),
                });
            }
        }
        (
            Layout {
                kind,
                columns,
                headers,
                by_field,
            },
            report,
        )
    }

    /// The column that holds `field` (a schema field name), if any.
    pub(crate) fn column_of(&self, field: &str) -> Option<usize> {
        self.by_field.get(field).copied()
    }

    /// The field the column at `index` holds, if any.
    pub(crate) fn field_at(&self, index: usize) -> Option<String> {
        self.by_field
            .iter()
            .find(|(_, column)| **column == index)
            .map(|(field, _)| field.clone())
    }

    /// The column at `index`, as a person finds it.
    pub(crate) fn column_ref(&self, index: usize) -> ColumnRef {
        let header = self.headers.get(index).map_or("", String::as_str);
        ColumnRef::new(header, index)
    }
}

/// Reads rows into records; holds the buffers it reuses.
#[derive(Debug)]
pub(crate) struct Builder<'m> {
    mapping: &'m Compiled,
    default_site: Option<String>,
    buf: String,
    number: String,
}

/// The fields of a row as read, before they make a record.
#[derive(Debug, Default)]
struct Fields {
    site: Option<String>,
    date: Option<Date>,
    reference: Option<String>,
    visitor: Option<String>,
    contact_mode: Option<String>,
    sex: Option<String>,
    age_band: Option<String>,
    status: Option<String>,
    education_level: Option<String>,
    commune: Option<String>,
    first_visit: Option<bool>,
    arrival_channel: Option<String>,
    themes: Vec<String>,
    services: Vec<String>,
    referrals: Vec<String>,
    items: BTreeMap<String, u8>,
    would_recommend: Option<bool>,
    title: Option<String>,
    start_date: Option<Date>,
    end_date: Option<Date>,
    event_type: Option<String>,
    partners: Vec<String>,
    attendance: Option<u32>,
    respondents: Option<u32>,
    satisfied: Option<u32>,
}

impl<'m> Builder<'m> {
    pub(crate) fn new(mapping: &'m Compiled, default_site: Option<String>) -> Self {
        Builder {
            mapping,
            default_site,
            buf: String::new(),
            number: String::new(),
        }
    }

    /// Whether the whole file's site was given, for files without a site
    /// column.
    pub(crate) fn has_default_site(&self) -> bool {
        self.default_site.is_some()
    }

    /// The record of a row with the problems of its cells (the record is
    /// to be validated still, and refused if there are any), `Ok(None)` for
    /// a blank row, or `Err` with every problem when a field every record
    /// needs is missing or unreadable.
    pub(crate) fn build(
        &mut self,
        layout: &Layout,
        row: &impl Row,
    ) -> Result<Option<(Record, Vec<CellProblem>)>, Vec<CellProblem>> {
        let mut fields = Fields::default();
        let mut problems = Vec::new();
        let mut blank = true;
        for i in 0..row.len() {
            let cell = row.cell(i);
            if is_blank(&cell) {
                continue;
            }
            blank = false;
            match layout.columns.get(i) {
                Some(Some(field)) => {
                    if let Err(reason) = self.read(&mut fields, *field, &cell) {
                        problems.push(CellProblem {
                            column: Some(i),
                            field: Some(field.name(&self.mapping.items)),
                            reason,
                        });
                    }
                }
                Some(None) => {}
                None => problems.push(CellProblem {
                    column: Some(i),
                    field: None,
                    reason: "a value beyond the last column of the header row".into(),
                }),
            }
        }
        if blank {
            return Ok(None);
        }
        if fields.site.is_none() {
            fields.site.clone_from(&self.default_site);
        }
        let needed: &[(&str, bool)] = match layout.kind {
            RecordKind::Visit => &[
                ("site", fields.site.is_none()),
                ("date", fields.date.is_none()),
                ("contact_mode", fields.contact_mode.is_none()),
            ],
            RecordKind::SurveyAnswer => &[
                ("site", fields.site.is_none()),
                ("date", fields.date.is_none()),
            ],
            RecordKind::Event => &[
                ("site", fields.site.is_none()),
                ("start_date", fields.start_date.is_none()),
                ("event_type", fields.event_type.is_none()),
                ("attendance", fields.attendance.is_none()),
            ],
        };
        let mut buildable = true;
        for (name, absent) in needed {
            if *absent {
                buildable = false;
                if !problems.iter().any(|p| p.field.as_deref() == Some(*name)) {
                    problems.push(CellProblem {
                        column: layout.column_of(name),
                        field: Some((*name).to_owned()),
                        reason: "empty, and every record needs it".into(),
                    });
                }
            }
        }
        if !buildable {
            return Err(problems);
        }
        // Every field unwrapped below was checked present just above.
        let site = fields.site.unwrap_or_default();
        let record = match layout.kind {
            RecordKind::Visit => Record::Visit(Visit {
                site,
                date: fields.date.unwrap_or(Date::MIN),
                reference: fields.reference,
                visitor: fields.visitor,
                contact_mode: fields.contact_mode.unwrap_or_default(),
                sex: fields.sex,
                age_band: fields.age_band,
                status: fields.status,
                education_level: fields.education_level,
                commune: fields.commune,
                first_visit: fields.first_visit,
                arrival_channel: fields.arrival_channel,
                themes: fields.themes,
                services: fields.services,
                referrals: fields.referrals,
            }),
            RecordKind::SurveyAnswer => Record::SurveyAnswer(SurveyAnswer {
                site,
                date: fields.date.unwrap_or(Date::MIN),
                reference: fields.reference,
                items: fields.items,
                would_recommend: fields.would_recommend,
            }),
            RecordKind::Event => {
                let start_date = fields.start_date.unwrap_or(Date::MIN);
                Record::Event(Event {
                    site,
                    reference: fields.reference,
                    title: fields.title.unwrap_or_default(),
                    start_date,
                    // A one-day event may leave its last day blank.
                    end_date: fields.end_date.unwrap_or(start_date),
                    event_type: fields.event_type.unwrap_or_default(),
                    themes: fields.themes,
                    partners: fields.partners,
                    attendance: fields.attendance.unwrap_or_default(),
                    respondents: fields.respondents,
                    satisfied: fields.satisfied,
                })
            }
        };
        Ok(Some((record, problems)))
    }

    fn read(&mut self, f: &mut Fields, field: Field, cell: &Cell<'_>) -> Result<(), String> {
        if let Cell::Invalid(reason) = cell {
            return Err(reason.clone());
        }
        match field {
            Field::Site => {
                let site = match cell {
                    Cell::Text(t) => self
                        .mapping
                        .site(t.trim(), &mut self.buf)
                        .map(str::to_owned),
                    _ => None,
                };
                // An unknown site is kept as written: the validator names it.
                f.site = Some(match site {
                    Some(id) => id,
                    None => self.text(cell)?,
                });
            }
            Field::Date => f.date = Some(date(cell)?),
            Field::StartDate => f.start_date = Some(date(cell)?),
            Field::EndDate => f.end_date = Some(date(cell)?),
            Field::Reference => f.reference = Some(self.text(cell)?),
            Field::Visitor => f.visitor = Some(self.text(cell)?),
            Field::Title => f.title = Some(self.text(cell)?),
            Field::Commune => f.commune = Some(self.commune(cell)?),
            Field::FirstVisit => f.first_visit = Some(self.boolean(cell)?),
            Field::WouldRecommend => f.would_recommend = Some(self.boolean(cell)?),
            Field::Attendance => f.attendance = Some(count(cell)?),
            Field::Respondents => f.respondents = Some(count(cell)?),
            Field::Satisfied => f.satisfied = Some(count(cell)?),
            Field::Item(i) => {
                let score = self.score(cell)?;
                f.items.insert(self.mapping.items[i].clone(), score);
            }
            Field::ContactMode => f.contact_mode = Some(self.code(field, cell)?),
            Field::Sex => f.sex = Some(self.code(field, cell)?),
            Field::AgeBand => f.age_band = Some(self.code(field, cell)?),
            Field::Status => f.status = Some(self.code(field, cell)?),
            Field::EducationLevel => f.education_level = Some(self.code(field, cell)?),
            Field::ArrivalChannel => f.arrival_channel = Some(self.code(field, cell)?),
            Field::EventType => f.event_type = Some(self.code(field, cell)?),
            Field::Themes => f.themes = self.codes(field, cell)?,
            Field::Services => f.services = self.codes(field, cell)?,
            Field::Referrals => f.referrals = self.codes(field, cell)?,
            Field::Partners => f.partners = self.codes(field, cell)?,
        }
        Ok(())
    }

    /// A cell as text: numbers as a spreadsheet shows them.
    fn text(&mut self, cell: &Cell<'_>) -> Result<String, String> {
        Ok(match cell {
            Cell::Text(t) => t.trim().to_owned(),
            Cell::Int(n) => n.to_string(),
            Cell::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{x:.0}"),
            Cell::Float(x) => x.to_string(),
            Cell::Bool(b) => if *b { "oui" } else { "non" }.to_owned(),
            Cell::Date(d) => d.to_string(),
            Cell::Empty => String::new(),
            Cell::Invalid(reason) => return Err(reason.clone()),
        })
    }

    /// A commune's INSEE code. A spreadsheet that took `08105` for a number
    /// shows `8105`: four digits get their leading zero back.
    fn commune(&mut self, cell: &Cell<'_>) -> Result<String, String> {
        let text = self.text(cell)?;
        Ok(
            if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) {
                format!("0{text}")
            } else {
                text
            },
        )
    }

    fn boolean(&mut self, cell: &Cell<'_>) -> Result<bool, String> {
        match cell {
            Cell::Bool(b) => Ok(*b),
            Cell::Int(0) => Ok(false),
            Cell::Int(1) => Ok(true),
            _ => {
                let text = self.text(cell)?;
                self.mapping
                    .boolean(&text, &mut self.buf)
                    .ok_or_else(|| format!("`{text}` is neither yes nor no: write oui or non"))
            }
        }
    }

    fn score(&mut self, cell: &Cell<'_>) -> Result<u8, String> {
        let text = self.text(cell)?;
        if let Some(score) = self.mapping.score(&text, &mut self.buf) {
            return Ok(score);
        }
        // Out-of-scale numbers pass, for the validator to name the scale.
        match parse_count(&text) {
            Ok(n) => u8::try_from(n)
                .map_err(|_| format!("score {n} is outside the 4-point scale (1 to 4)")),
            Err(_) => Err(format!(
                "`{text}` is not a score: write 1 to 4, or Pas du tout satisfait, Peu satisfait, Satisfait, Très satisfait"
            )),
        }
    }

    fn code(&mut self, field: Field, cell: &Cell<'_>) -> Result<String, String> {
        let Some((nomenclature, values)) = self.mapping.values_of(field) else {
            return self.text(cell);
        };
        let written: &str = match cell {
            Cell::Text(t) => t.trim(),
            _ => {
                self.number = self.text(cell)?;
                &self.number
            }
        };
        match values.code(written, &mut self.buf) {
            Some(code) => Ok(code.to_owned()),
            None => Err(unknown_value(written, nomenclature, &values.labels)),
        }
    }

    fn codes(&mut self, field: Field, cell: &Cell<'_>) -> Result<Vec<String>, String> {
        let Some((nomenclature, values)) = self.mapping.values_of(field) else {
            return self.text(cell).map(|t| vec![t]);
        };
        let owned;
        let text: &str = match cell {
            Cell::Text(t) => t,
            _ => {
                owned = self.text(cell)?;
                &owned
            }
        };
        let mut codes = Vec::new();
        let mut unknown = Vec::new();
        for part in text.split(self.mapping.list_separator) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            if let Some(code) = values.code(part, &mut self.buf) {
                codes.push(code.to_owned());
                continue;
            }
            // Labels hold commas, so a comma only separates values when
            // the whole part is not a value and every piece is one.
            let pieces: Option<Vec<String>> = part
                .split(',')
                .map(|p| values.code(p.trim(), &mut self.buf).map(str::to_owned))
                .collect();
            match pieces {
                Some(pieces) if part.contains(',') => codes.extend(pieces),
                _ => unknown.push(part),
            }
        }
        if unknown.is_empty() {
            Ok(codes)
        } else {
            Err(unknown
                .iter()
                .map(|u| unknown_value(u, nomenclature, &values.labels))
                .collect::<Vec<_>>()
                .join("; "))
        }
    }
}

fn unknown_value(written: &str, nomenclature: &str, labels: &[String]) -> String {
    const SHOWN: usize = 12;
    let mut listed = labels
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if labels.len() > SHOWN {
        listed.push_str(", …");
    }
    let shown: String = written.chars().take(80).collect();
    let cut = if shown.len() < written.len() {
        "…"
    } else {
        ""
    };
    format!(
        "`{shown}{cut}` is neither a code nor a label of `{nomenclature}` (expected one of: {listed})"
    )
}

fn is_blank(cell: &Cell<'_>) -> bool {
    match cell {
        Cell::Empty => true,
        Cell::Text(t) => t.trim().is_empty(),
        _ => false,
    }
}

fn date(cell: &Cell<'_>) -> Result<Date, String> {
    match cell {
        Cell::Date(d) => Ok(*d),
        Cell::Text(t) => parse_date(t),
        Cell::Float(x) => excel_serial_date(*x),
        Cell::Int(n) => excel_serial_date(*n as f64),
        Cell::Bool(_) | Cell::Empty => Err("not a date".into()),
        Cell::Invalid(reason) => Err(reason.clone()),
    }
}

fn count(cell: &Cell<'_>) -> Result<u32, String> {
    match cell {
        Cell::Text(t) => parse_count(t),
        Cell::Int(n) if *n < 0 => Err(format!("{n} is negative: a count is 0 or more")),
        Cell::Int(n) => u32::try_from(*n).map_err(|_| format!("{n} is too large for a count")),
        Cell::Float(x) if x.fract() == 0.0 && *x >= 0.0 && *x <= f64::from(u32::MAX) => {
            Ok(*x as u32)
        }
        Cell::Float(x) if *x < 0.0 => Err(format!("{x} is negative: a count is 0 or more")),
        Cell::Float(x) => Err(format!("{x} is not a whole number a count can be")),
        Cell::Bool(_) | Cell::Date(_) | Cell::Empty => Err("not a whole number".into()),
        Cell::Invalid(reason) => Err(reason.clone()),
    }
}
