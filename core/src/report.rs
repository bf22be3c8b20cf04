//! Reports as typed data: sections of text, tables and charts.
//!
//! The activity report, a plugin's custom report and every other output of
//! the library are built from these few types, so that one renderer per
//! format (JSON, CSV, HTML with SVG charts) draws them all. A cell holding a
//! small count is [`Cell::Masked`] before it ever reaches a renderer.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A document: a title and its sections, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Document {
    /// Title of the document.
    pub title: String,
    /// Sections, in reading order.
    pub sections: Vec<Section>,
}

/// One section of a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Section {
    /// Stable identifier, used for anchors and file names.
    pub id: String,
    /// Heading.
    pub title: String,
    /// Content, in reading order.
    pub blocks: Vec<Block>,
}

/// A piece of content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph of plain text.
    Text {
        /// The paragraph.
        text: String,
    },
    /// A table.
    Table(Table),
    /// A chart.
    Chart(Chart),
}

/// A table with labelled rows and columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Table {
    /// Stable identifier, e.g. `visits_by_status`.
    pub id: String,
    /// Title shown above the table.
    pub title: String,
    /// The columns (the row label column is implied).
    pub columns: Vec<Column>,
    /// The rows.
    pub rows: Vec<Row>,
    /// A note shown under the table (e.g. "multiple answers: percentages
    /// over respondents, they add up to more than 100 %").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Table {
    /// Whether column `column` holds percentages, rates or changes rather
    /// than counts: see [`holds_shares`].
    pub fn holds_shares(&self, column: usize) -> bool {
        holds_shares(&self.columns, &self.rows, column)
    }
}

/// Whether column `column` of a table holds percentages, rates or changes
/// rather than counts: a reader takes it so when its heading says "%" or
/// "points", or when a cell of it is a percentage or another number. A
/// masked cell there is drawn with its own mark, since the mark of a
/// masked count ("< 5") would read as "less than 5 %".
pub fn holds_shares(columns: &[Column], rows: &[Row], column: usize) -> bool {
    let Some(heading) = columns.get(column) else {
        return false;
    };
    heading.label.contains('%')
        || heading.label.contains("points")
        || rows.iter().any(|row| {
            matches!(
                row.cells.get(column),
                Some(Cell::Percent(_) | Cell::Number(_))
            )
        })
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Column {
    /// Stable identifier, e.g. `visits`.
    pub id: String,
    /// Label shown to people.
    pub label: String,
}

/// One row of a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Row {
    /// The code the row stands for, where it stands for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Label shown to people.
    pub label: String,
    /// One cell per column.
    pub cells: Vec<Cell>,
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Cell {
    /// A count of people, visits or events.
    Count(u64),
    /// A count hidden because it is small, or because it would reveal one.
    Masked,
    /// A percentage (0–100).
    Percent(f64),
    /// Any other number (an amount, a mean).
    Number(f64),
    /// Text.
    Text(String),
    /// Nothing to show (no data, or not applicable).
    Empty,
}

/// The kind of chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// Vertical bars, one group per category.
    Bar,
    /// Horizontal bars, for long category labels.
    HorizontalBar,
    /// Lines, for a series over time.
    Line,
}

/// A chart of one or more series over categories.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Chart {
    /// Stable identifier.
    pub id: String,
    /// Title.
    pub title: String,
    /// Kind of chart.
    pub kind: ChartKind,
    /// The category labels (x axis, or y axis for horizontal bars).
    pub categories: Vec<String>,
    /// The series; each has one value per category (`None` when masked or
    /// missing).
    pub series: Vec<Series>,
    /// The unit of the values, e.g. `visites` or `%`.
    pub unit: String,
}

/// One series of a chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Series {
    /// Label of the series (legend).
    pub label: String,
    /// One value per category.
    pub values: Vec<Option<f64>>,
}
