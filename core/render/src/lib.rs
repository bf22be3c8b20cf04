//! `em-render`: draws the reports of `em-core` — the activity report and any
//! other [`Document`], plugin reports included — as JSON, as CSV files for
//! French spreadsheets, and as one self-contained HTML page with SVG charts.
//!
//! Renderers take data that is already masked: a [`Cell::Masked`] is drawn
//! as "< 5" (the threshold given in the options) in a column of counts, and
//! as "s" (*secret statistique*) in a column of percentages, rates or
//! changes, where "< 5" would read as "less than 5 %". It is never drawn as
//! a number, and a renderer never sees a count it could leak.
//!
//! ```
//! use em_core::activity::{ActivityReport, Aggregator, sample};
//! use em_core::{Registry, Ruleset};
//!
//! let (registry, ruleset) = (Registry::champagne_ardenne(), Ruleset::champagne_ardenne());
//! let mut aggregator = Aggregator::new(&registry, &ruleset, 2009).unwrap();
//! for visit in sample::visits(&registry, &ruleset, 2009, 500, 1) {
//!     aggregator.add_visit(&visit);
//! }
//! let report =
//!     ActivityReport::build(&registry, &ruleset, 2009, &aggregator.finish(), None).unwrap();
//! let json = em_render::to_json(&report).unwrap();
//! let html = em_render::activity_report_to_html(&report).unwrap();
//! let csv = em_render::to_csv_files(&report.to_document(), &em_render::Options::for_report(&report));
//! assert!(json.contains("\"year\": 2009") && html.starts_with("<!DOCTYPE html>"));
//! assert!(csv.iter().all(|file| file.name.ends_with(".csv")));
//! ```
//!
//! [`Cell::Masked`]: em_core::report::Cell::Masked

mod csv;
mod html;
mod number;
mod svg;
mod write;

pub use csv::{CsvFile, to_csv_files};
pub use html::{Figure, activity_report_to_html, to_html};
pub use write::{Format, write_activity_report};

use em_core::activity::ActivityReport;
use em_core::report::Table;
use serde::Serialize;

/// Why a report cannot be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The value could not be written as JSON.
    #[error("the report cannot be written as JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A file of the report could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An SVG figure handed to the page could fetch or run something.
    #[error("the figure `{figure}` cannot be embedded: {reason}")]
    UnsafeSvg {
        /// The figure's title.
        figure: String,
        /// What was found in it.
        reason: String,
    },
}

/// How masked cells and numbers are shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The text shown in place of a masked count, e.g. `< 5`.
    pub masked_label: String,
    /// The text shown in place of a masked percentage, rate or change
    /// (one worked out from a masked count): `s`.
    pub masked_share_label: String,
    /// The sentence explaining them, shown under the tables that have one.
    pub masked_note: String,
}

impl Options {
    /// Options for data masked below `threshold`.
    pub fn for_threshold(threshold: u64) -> Options {
        Options {
            masked_label: format!("< {threshold}"),
            masked_share_label: SECRET.to_owned(),
            masked_note: format!(
                "< {threshold} : effectif inférieur à {threshold}, ou masqué pour qu'il ne puisse \
                 pas être retrouvé à partir des totaux ; s : pourcentage ou évolution calculé sur \
                 un effectif masqué (secret statistique)."
            ),
        }
    }

    /// Options for the activity report, with its threshold.
    pub fn for_report(report: &ActivityReport) -> Options {
        Options::for_threshold(report.small_count_threshold)
    }
}

impl Default for Options {
    /// For documents whose threshold is not known: masked cells read "s",
    /// the usual mark of statistical secrecy in French tables.
    fn default() -> Options {
        Options {
            masked_label: SECRET.to_owned(),
            masked_share_label: SECRET.to_owned(),
            masked_note: "s : effectif masqué (secret statistique).".to_owned(),
        }
    }
}

/// The usual mark of statistical secrecy in French tables.
const SECRET: &str = "s";

/// The text of a masked cell, per column of `table`.
pub(crate) fn masked_marks<'a>(table: &Table, options: &'a Options) -> Vec<&'a str> {
    (0..table.columns.len())
        .map(|c| {
            if table.holds_shares(c) {
                options.masked_share_label.as_str()
            } else {
                options.masked_label.as_str()
            }
        })
        .collect()
}

/// Any report (the [`ActivityReport`], a [`Document`]) as pretty JSON, with
/// fields in a fixed order so that two runs on the same data give the same
/// bytes.
///
/// [`Document`]: em_core::report::Document
pub fn to_json<T: Serialize>(value: &T) -> Result<String, RenderError> {
    let _span = tracing::info_span!("render.json").entered();
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text)
}
