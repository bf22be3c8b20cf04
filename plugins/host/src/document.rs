//! Checking what a plugin returns and turning it into the core's report
//! types, which the renderers draw.
//!
//! Everything a plugin returns is untrusted: this module is the one place
//! that reads it, and it is what the fuzz target exercises through
//! [`crate::fuzzing`]. It measures the output before anything else, rejects
//! malformed tables and charts with every violation and its path, and masks
//! small counts again, since a plugin can compute a small count from
//! published ones (a total minus the other rows).

use std::collections::BTreeSet;
use std::fmt;

use em_core::report as core;

use crate::bindings::wit;

/// One problem in a plugin's output, with its path inside the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputViolation {
    /// Where, e.g. `sections[1].blocks[0].table.rows[3]`.
    pub path: String,
    /// Why it is refused.
    pub reason: String,
}

impl fmt::Display for OutputViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// Why a plugin's output was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OutputError {
    /// The output is larger than the plugin's limit.
    #[error("the output holds about {size} bytes, past the limit of {limit}")]
    TooLarge { size: u64, limit: u64 },
    /// The output is malformed; every violation is listed.
    #[error("{} violation(s), first: {}", .0.len(), .0[0])]
    Invalid(Vec<OutputViolation>),
}

/// How a plugin's output is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputRules {
    /// The most the output may weigh (see [`crate::Limits::output_bytes`]).
    pub max_bytes: u64,
    /// Counts strictly below this, other than zero, are masked; it comes
    /// from the ruleset's `small_count_threshold`.
    pub small_count_threshold: u64,
}

/// The longest a title, label or identifier may be, in bytes.
const MAX_LABEL: usize = 500;

/// The rough weight of a document: its text plus eight bytes per number.
/// It is computed before any other check so that a huge output costs one
/// pass and nothing more.
pub fn document_size(doc: &wit::Document) -> u64 {
    let mut size = doc.title.len() as u64;
    for section in &doc.sections {
        size += (section.id.len() + section.title.len()) as u64;
        for block in &section.blocks {
            size += match block {
                wit::Block::Paragraph(text) => text.len() as u64,
                wit::Block::Table(table) => table_size(table),
                wit::Block::Chart(chart) => {
                    let mut s = (chart.id.len() + chart.title.len() + chart.unit.len()) as u64;
                    s += chart
                        .categories
                        .iter()
                        .map(|c| c.len() as u64 + 8)
                        .sum::<u64>();
                    for series in &chart.series {
                        s += series.label.len() as u64 + 8 * series.values.len() as u64;
                    }
                    s
                }
            } + 8;
        }
    }
    size
}

fn table_size(table: &wit::Table) -> u64 {
    let mut size = (table.id.len() + table.title.len()) as u64;
    size += table.note.as_ref().map_or(0, |n| n.len() as u64);
    size += table
        .columns
        .iter()
        .map(|c| (c.id.len() + c.label.len()) as u64)
        .sum::<u64>();
    for row in &table.rows {
        size += row.label.len() as u64 + row.code.as_ref().map_or(0, |c| c.len() as u64);
        size += row
            .cells
            .iter()
            .map(|c| match c {
                wit::Cell::Text(t) => t.len() as u64 + 8,
                _ => 8,
            })
            .sum::<u64>();
    }
    size
}

/// Checks a plugin's document and converts it; on success every count
/// below the threshold is masked and every table and chart is
/// well-formed.
pub fn document_from_plugin(
    doc: wit::Document,
    rules: &OutputRules,
) -> Result<core::Document, OutputError> {
    let size = document_size(&doc);
    if size > rules.max_bytes {
        return Err(OutputError::TooLarge {
            size,
            limit: rules.max_bytes,
        });
    }
    let mut check = Checker {
        violations: Vec::new(),
        ids: BTreeSet::new(),
        rules: *rules,
    };
    check.label(At::root("title", None), &doc.title, true);
    if doc.sections.is_empty() {
        check.violation(
            At::root("sections", None),
            "a document needs at least one section",
        );
    }
    let mut sections = Vec::with_capacity(doc.sections.len());
    for (i, section) in doc.sections.into_iter().enumerate() {
        let path = At::root("sections", Some(i));
        check.id(path.field("id"), &section.id);
        check.label(path.field("title"), &section.title, true);
        let mut blocks = Vec::with_capacity(section.blocks.len());
        for (j, block) in section.blocks.into_iter().enumerate() {
            let path = path.item("blocks", j);
            blocks.push(match block {
                wit::Block::Paragraph(text) => {
                    check.text(path.field("paragraph"), &text);
                    core::Block::Text { text }
                }
                wit::Block::Table(table) => {
                    core::Block::Table(check.table(path.field("table"), table))
                }
                wit::Block::Chart(chart) => {
                    core::Block::Chart(check.chart(path.field("chart"), chart))
                }
            });
        }
        sections.push(core::Section {
            id: section.id,
            title: section.title,
            blocks,
        });
    }
    if check.violations.is_empty() {
        Ok(core::Document {
            title: doc.title,
            sections,
        })
    } else {
        Err(OutputError::Invalid(check.violations))
    }
}

/// Where a value sits in a plugin's output (`sections[1].blocks[0].table`),
/// spelled out only when a violation names it: writing the path of every
/// cell up front cost more than checking the cells.
#[derive(Clone, Copy)]
struct At<'a> {
    parent: Option<&'a At<'a>>,
    name: &'static str,
    index: Option<usize>,
}

impl<'a> At<'a> {
    fn root(name: &'static str, index: Option<usize>) -> At<'static> {
        At {
            parent: None,
            name,
            index,
        }
    }

    fn field(&'a self, name: &'static str) -> At<'a> {
        At {
            parent: Some(self),
            name,
            index: None,
        }
    }

    fn item(&'a self, name: &'static str, index: usize) -> At<'a> {
        At {
            parent: Some(self),
            name,
            index: Some(index),
        }
    }
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            write!(f, "{parent}.")?;
        }
        f.write_str(self.name)?;
        match self.index {
            Some(i) => write!(f, "[{i}]"),
            None => Ok(()),
        }
    }
}

struct Checker {
    violations: Vec<OutputViolation>,
    ids: BTreeSet<String>,
    rules: OutputRules,
}

impl Checker {
    fn violation(&mut self, path: At<'_>, reason: impl Into<String>) {
        self.violations.push(OutputViolation {
            path: path.to_string(),
            reason: reason.into(),
        });
    }

    /// Text of a paragraph or a cell: line breaks allowed, no other
    /// control character, since renderers write CSV and HTML.
    fn text(&mut self, path: At<'_>, text: &str) {
        if let Some(c) = text
            .chars()
            .find(|c| c.is_control() && *c != '\n' && *c != '\t')
        {
            self.violation(path, format!("control character U+{:04X}", u32::from(c)));
        }
    }

    fn label(&mut self, path: At<'_>, text: &str, required: bool) {
        if required && text.trim().is_empty() {
            self.violation(path, "must not be empty");
        } else if text.len() > MAX_LABEL {
            self.violation(path, format!("longer than {MAX_LABEL} bytes"));
        } else if text.chars().any(char::is_control) {
            self.violation(path, "a label holds no control character or line break");
        }
    }

    /// Identifiers become HTML anchors and file names, and must be unique
    /// in the document.
    fn id(&mut self, path: At<'_>, id: &str) {
        let valid = !id.is_empty()
            && id.len() <= 64
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid {
            self.violation(
                path,
                format!("`{id}` is not an identifier: 1 to 64 ASCII letters, digits, `_` or `-`"),
            );
        } else if !self.ids.insert(id.to_owned()) {
            self.violation(path, format!("identifier `{id}` is used twice"));
        }
    }

    fn table(&mut self, path: At<'_>, table: wit::Table) -> core::Table {
        self.id(path.field("id"), &table.id);
        self.label(path.field("title"), &table.title, true);
        if let Some(note) = &table.note {
            self.text(path.field("note"), note);
        }
        if table.columns.is_empty() {
            self.violation(path.field("columns"), "a table needs at least one column");
        }
        let mut column_ids = BTreeSet::new();
        for (c, column) in table.columns.iter().enumerate() {
            if !column_ids.insert(column.id.as_str()) {
                self.violation(
                    path.item("columns", c).field("id"),
                    format!("column `{}` appears twice", column.id),
                );
            }
            self.label(path.item("columns", c).field("label"), &column.label, false);
        }
        let width = table.columns.len();
        let rows = table
            .rows
            .into_iter()
            .enumerate()
            .map(|(r, row)| {
                let path = path.item("rows", r);
                self.label(path.field("label"), &row.label, false);
                if row.cells.len() != width {
                    self.violation(
                        path,
                        format!("{} cell(s) for {width} column(s)", row.cells.len()),
                    );
                }
                let cells = row
                    .cells
                    .into_iter()
                    .enumerate()
                    .map(|(c, cell)| self.cell(path.item("cells", c), cell))
                    .collect();
                core::Row {
                    code: row.code,
                    label: row.label,
                    cells,
                }
            })
            .collect();
        core::Table {
            id: table.id,
            title: table.title,
            columns: table
                .columns
                .into_iter()
                .map(|c| core::Column {
                    id: c.id,
                    label: c.label,
                })
                .collect(),
            rows,
            note: table.note,
        }
    }

    fn cell(&mut self, path: At<'_>, cell: wit::Cell) -> core::Cell {
        match cell {
            wit::Cell::Count(n) if n > 0 && n < self.rules.small_count_threshold => {
                core::Cell::Masked
            }
            wit::Cell::Count(n) => core::Cell::Count(n),
            wit::Cell::Masked => core::Cell::Masked,
            wit::Cell::Percent(p) => {
                if !p.is_finite() {
                    self.violation(path, "a percentage must be a finite number");
                }
                core::Cell::Percent(p)
            }
            wit::Cell::Number(x) => {
                if !x.is_finite() {
                    self.violation(path, "a number must be finite");
                }
                core::Cell::Number(x)
            }
            wit::Cell::Text(t) => {
                self.text(path, &t);
                core::Cell::Text(t)
            }
            wit::Cell::Empty => core::Cell::Empty,
        }
    }

    fn chart(&mut self, path: At<'_>, chart: wit::Chart) -> core::Chart {
        self.id(path.field("id"), &chart.id);
        self.label(path.field("title"), &chart.title, true);
        self.label(path.field("unit"), &chart.unit, false);
        if chart.categories.is_empty() {
            self.violation(
                path.field("categories"),
                "a chart needs at least one category",
            );
        }
        for (c, category) in chart.categories.iter().enumerate() {
            self.label(path.item("categories", c), category, false);
        }
        if chart.series.is_empty() {
            self.violation(path.field("series"), "a chart needs at least one series");
        }
        let width = chart.categories.len();
        let threshold = self.rules.small_count_threshold as f64;
        let series = chart
            .series
            .into_iter()
            .enumerate()
            .map(|(s, series)| {
                let path = path.item("series", s);
                self.label(path.field("label"), &series.label, false);
                if series.values.len() != width {
                    self.violation(
                        path.field("values"),
                        format!("{} value(s) for {width} categories", series.values.len()),
                    );
                }
                let values = series
                    .values
                    .into_iter()
                    .enumerate()
                    .map(|(v, value)| {
                        let x = value?;
                        if !x.is_finite() {
                            self.violation(
                                path.item("values", v),
                                "a chart value must be a finite number",
                            );
                            return None;
                        }
                        // A count drawn as a bar reveals as much as a count
                        // in a cell, so it is masked the same way.
                        let small = x > 0.0 && x < threshold;
                        if chart.measure == wit::Measure::Count && small {
                            None
                        } else {
                            Some(x)
                        }
                    })
                    .collect();
                core::Series {
                    label: series.label,
                    values,
                }
            })
            .collect();
        core::Chart {
            id: chart.id,
            title: chart.title,
            kind: match chart.kind {
                wit::ChartKind::Bar => core::ChartKind::Bar,
                wit::ChartKind::HorizontalBar => core::ChartKind::HorizontalBar,
                wit::ChartKind::Line => core::ChartKind::Line,
            },
            categories: chart.categories,
            series,
            unit: chart.unit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: OutputRules = OutputRules {
        max_bytes: 1 << 20,
        small_count_threshold: 5,
    };

    fn table(cells: Vec<wit::Cell>) -> wit::Table {
        wit::Table {
            id: "t".into(),
            title: "T".into(),
            columns: vec![
                wit::Column {
                    id: "a".into(),
                    label: "A".into(),
                },
                wit::Column {
                    id: "b".into(),
                    label: "B".into(),
                },
            ],
            rows: vec![wit::Row {
                code: None,
                label: "r".into(),
                cells,
            }],
            note: None,
        }
    }

    fn doc(blocks: Vec<wit::Block>) -> wit::Document {
        wit::Document {
            title: "Doc".into(),
            sections: vec![wit::Section {
                id: "s".into(),
                title: "S".into(),
                blocks,
            }],
        }
    }

    #[test]
    fn small_counts_are_masked_again() {
        let d = doc(vec![wit::Block::Table(table(vec![
            wit::Cell::Count(3),
            wit::Cell::Count(0),
        ]))]);
        let out = document_from_plugin(d, &RULES).unwrap();
        let core::Block::Table(t) = &out.sections[0].blocks[0] else {
            panic!("expected a table, got {:?}", out.sections[0].blocks[0]);
        };
        assert_eq!(t.rows[0].cells, [core::Cell::Masked, core::Cell::Count(0)]);
    }

    #[test]
    fn small_counts_in_charts_are_masked_but_percentages_are_kept() {
        let chart = |measure| wit::Chart {
            id: "c".into(),
            title: "C".into(),
            kind: wit::ChartKind::Bar,
            measure,
            unit: "visites".into(),
            categories: vec!["x".into(), "y".into()],
            series: vec![wit::Series {
                label: "s".into(),
                values: vec![Some(2.0), Some(40.0)],
            }],
        };
        for (measure, expected) in [
            (wit::Measure::Count, [None, Some(40.0)]),
            (wit::Measure::Percent, [Some(2.0), Some(40.0)]),
        ] {
            let out =
                document_from_plugin(doc(vec![wit::Block::Chart(chart(measure))]), &RULES).unwrap();
            let core::Block::Chart(c) = &out.sections[0].blocks[0] else {
                panic!("expected a chart");
            };
            assert_eq!(c.series[0].values, expected, "{measure:?}");
        }
    }

    #[test]
    fn every_violation_is_reported_with_its_path() {
        let mut bad = table(vec![wit::Cell::Percent(f64::NAN)]);
        bad.id = "s".into();
        let d = wit::Document {
            title: " ".into(),
            sections: vec![wit::Section {
                id: "s".into(),
                title: "S".into(),
                blocks: vec![
                    wit::Block::Paragraph("a\u{0}b".into()),
                    wit::Block::Table(bad),
                ],
            }],
        };
        let Err(OutputError::Invalid(v)) = document_from_plugin(d, &RULES) else {
            panic!("expected violations");
        };
        let paths: Vec<&str> = v.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "title",
                "sections[0].blocks[0].paragraph",
                "sections[0].blocks[1].table.id",
                "sections[0].blocks[1].table.rows[0]",
                "sections[0].blocks[1].table.rows[0].cells[0]",
            ]
        );
    }

    #[test]
    fn an_output_past_the_limit_is_refused_before_it_is_read() {
        let d = doc(vec![wit::Block::Paragraph("x".repeat(2000))]);
        let rules = OutputRules {
            max_bytes: 1000,
            ..RULES
        };
        assert!(matches!(
            document_from_plugin(d, &rules),
            Err(OutputError::TooLarge { limit: 1000, .. })
        ));
    }
}
