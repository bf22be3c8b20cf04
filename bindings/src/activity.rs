//! The annual activity report and the statistics it is made of, from
//! Python.
//!
//! Everything that leaves here is masked: the statistics rows are the cells
//! of the report's tables, where a small count is `None` with `masked` set,
//! never the raw aggregates. The report travels as JSON (its typed form) or
//! rendered in a format by the renderers.

use std::sync::Arc;

use em_core::activity::{Aggregates, Aggregator};
use em_core::report::{Block, Cell};
use jiff::civil::Date;
use serde::Serialize;

use crate::convert;
use crate::error::{EmError, Problem};
use crate::network::Network;

impl From<em_core::activity::ActivityError> for EmError {
    fn from(e: em_core::activity::ActivityError) -> Self {
        EmError::Report {
            message: e.to_string(),
            problems: vec![Problem::reason(e.to_string())],
        }
    }
}

fn serialise<T: Serialize>(value: &T) -> Result<String, EmError> {
    serde_json::to_string(value).map_err(|e| EmError::Report {
        message: e.to_string(),
        problems: vec![Problem::reason(e.to_string())],
    })
}

/// One cell of a table of the report, as a row for a data frame.
#[derive(Debug, Serialize)]
struct StatisticRow<'a> {
    year: i16,
    scope_kind: &'static str,
    scope: &'a str,
    scope_name: &'a str,
    table: &'a str,
    table_kind: &'a str,
    table_title: &'a str,
    code: Option<&'a str>,
    label: &'a str,
    column: &'a str,
    value: Option<Value>,
    unit: &'static str,
    masked: bool,
}

/// A cell's value: counts stay integers in Python, the rest are floats.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Value {
    Count(u64),
    Number(f64),
}

fn scope_kind_name(kind: em_core::activity::ScopeKind) -> &'static str {
    match kind {
        em_core::activity::ScopeKind::Site => "site",
        em_core::activity::ScopeKind::Departement => "departement",
        em_core::activity::ScopeKind::Region => "region",
    }
}

impl Network {
    /// The aggregates of `year`, fed from one scan of each table.
    pub(crate) fn aggregate(&self, year: i16) -> Result<Aggregates, EmError> {
        let _span = tracing::info_span!("binding.aggregate", year).entered();
        let mut aggregator = Aggregator::new(self.registry.core(), self.ruleset.core(), year)?;
        let (from, to) = year_bounds(year)?;
        let store = self.store();
        store.scan_visits(from, to, |v| aggregator.add_visit(v))?;
        store.scan_survey_answers(from, to, |a| aggregator.add_survey_answer(a))?;
        store.scan_events(from, to, |e| aggregator.add_event(e))?;
        Ok(aggregator.finish())
    }

    pub(crate) fn build_report(
        &self,
        year: i32,
        compare: bool,
    ) -> Result<em_core::activity::ActivityReport, EmError> {
        let year = convert::year("year", year)?;
        let current = self.aggregate(year)?;
        let previous = if compare {
            Some(self.aggregate(year - 1)?)
        } else {
            None
        };
        Ok(em_core::activity::ActivityReport::build(
            self.registry.core(),
            self.ruleset.core(),
            year,
            &current,
            previous.as_ref(),
        )?)
    }
}

fn year_bounds(year: i16) -> Result<(Date, Date), EmError> {
    let bad = |_| EmError::argument("year", format!("{year} is not a year"));
    Ok((
        Date::new(year, 1, 1).map_err(bad)?,
        Date::new(year, 12, 31).map_err(bad)?,
    ))
}

/// The rows of every table of a report, one per cell.
fn rows_json(report: &em_core::activity::ActivityReport) -> Result<String, EmError> {
    let scopes = std::iter::once(&report.region)
        .chain(&report.departements)
        .chain(report.sites.iter().map(|s| &s.report));
    let mut rows = Vec::new();
    for scope in scopes {
        for block in &scope.blocks {
            let Block::Table(table) = block else { continue };
            for row in &table.rows {
                for (column, cell) in table.columns.iter().zip(&row.cells) {
                    let (value, unit, masked) = match cell {
                        Cell::Count(n) => (Some(Value::Count(*n)), "count", false),
                        Cell::Masked => (None, "count", true),
                        Cell::Percent(p) => (Some(Value::Number(*p)), "percent", false),
                        Cell::Number(x) => (Some(Value::Number(*x)), "number", false),
                        Cell::Text(_) | Cell::Empty => continue,
                    };
                    rows.push(StatisticRow {
                        year: report.year,
                        scope_kind: scope_kind_name(scope.scope.kind),
                        scope: &scope.scope.id,
                        scope_name: &scope.scope.name,
                        table: &table.id,
                        // The table's id without its scope prefix
                        // (`site-sedan.theme` → `theme`), to group one kind
                        // of table across scopes.
                        table_kind: table.id.split_once('.').map_or(&table.id, |(_, k)| k),
                        table_title: &table.title,
                        code: row.code.as_deref(),
                        label: &row.label,
                        column: &column.id,
                        value,
                        unit,
                        masked,
                    });
                }
            }
        }
    }
    serialise(&rows)
}

/// A built activity report.
#[derive(Debug, uniffi::Object)]
pub struct ActivityReport {
    pub(crate) inner: em_core::activity::ActivityReport,
}

#[uniffi::export]
impl ActivityReport {
    /// The year reported on.
    pub fn year(&self) -> i32 {
        i32::from(self.inner.year)
    }

    /// The region's summary, in French.
    pub fn summary(&self) -> String {
        self.inner.summary.clone()
    }

    /// The small-count threshold the report was masked with.
    pub fn small_count_threshold(&self) -> u64 {
        self.inner.small_count_threshold
    }

    /// The report in its typed JSON form.
    pub fn to_json(&self) -> Result<String, EmError> {
        serialise(&self.inner)
    }

    /// The report as a document (sections, tables, charts) in JSON.
    pub fn document_json(&self) -> Result<String, EmError> {
        serialise(&self.inner.to_document())
    }

    /// Every cell of every table, one row each, as a JSON array.
    pub fn rows_json(&self) -> Result<String, EmError> {
        rows_json(&self.inner)
    }

    /// Writes the report into the folder `directory` (created if needed)
    /// in every format of `formats` (`html`, `json`, `csv`), in the layout
    /// `em report` writes: `index.html`, `report.json`, `csv/<table>.csv`.
    /// Returns the paths written.
    pub fn write(&self, directory: String, formats: Vec<String>) -> Result<Vec<String>, EmError> {
        let _span = tracing::info_span!("binding.write_report", year = self.inner.year).entered();
        let formats = formats
            .iter()
            .map(|name| {
                em_render::Format::parse(name).ok_or_else(|| {
                    EmError::argument(
                        "formats",
                        format!(
                            "`{name}` is not a format the report is written in (html, json, csv)"
                        ),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let written = em_render::write_activity_report(
            &self.inner,
            std::path::Path::new(&directory),
            &formats,
        )
        .map_err(|e| match e {
            em_render::RenderError::Io { path, source } => {
                EmError::file(&path.display().to_string(), &source)
            }
            other => EmError::Report {
                message: other.to_string(),
                problems: vec![Problem::reason(other.to_string())],
            },
        })?;
        Ok(written
            .into_iter()
            .map(|p| p.display().to_string())
            .collect())
    }

    /// The report drawn in `format` — `json` (the typed report), `document`
    /// (the document model as JSON), `html` (one page with SVG charts) or
    /// `csv` (one file per table) — as named files.
    pub fn render(&self, format: String) -> Result<Vec<RenderedFile>, EmError> {
        let _span = tracing::info_span!("binding.render", format = %format).entered();
        let render_error = |e: em_render::RenderError| EmError::Report {
            message: e.to_string(),
            problems: vec![Problem::reason(e.to_string())],
        };
        let one = |name: &str, content: String| {
            vec![RenderedFile {
                name: name.to_owned(),
                content,
            }]
        };
        Ok(match format.as_str() {
            "json" => one(
                "report.json",
                em_render::to_json(&self.inner).map_err(render_error)?,
            ),
            "document" => one(
                "document.json",
                em_render::to_json(&self.inner.to_document()).map_err(render_error)?,
            ),
            "html" => one(
                "index.html",
                em_render::activity_report_to_html(&self.inner).map_err(render_error)?,
            ),
            "csv" => em_render::to_csv_files(
                &self.inner.to_document(),
                &em_render::Options::for_report(&self.inner),
            )
            .into_iter()
            .map(|f| RenderedFile {
                name: f.name,
                content: f.content,
            })
            .collect(),
            other => {
                return Err(EmError::argument(
                    "format",
                    format!("`{other}` is not a report format (json, document, html, csv)"),
                ));
            }
        })
    }
}

/// One file of a rendered report.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RenderedFile {
    /// The file's name, e.g. `index.html` or `region.visits_by_status.csv`.
    pub name: String,
    /// Its text.
    pub content: String,
}

#[uniffi::export]
impl Network {
    /// Builds the activity report of `year`, compared with the year before
    /// when `compare` is true.
    pub fn activity_report(
        &self,
        year: i32,
        compare: bool,
    ) -> Result<Arc<ActivityReport>, EmError> {
        let _span = tracing::info_span!("binding.activity_report", year).entered();
        Ok(Arc::new(ActivityReport {
            inner: self.build_report(year, compare)?,
        }))
    }

    /// The statistics of `year` as rows (JSON array), one per cell of the
    /// activity report's tables, small counts masked.
    pub fn statistics_json(&self, year: i32) -> Result<String, EmError> {
        let _span = tracing::info_span!("binding.statistics", year).entered();
        rows_json(&self.build_report(year, false)?)
    }
}
