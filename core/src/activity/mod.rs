//! The annual activity report (*bilan d'activité*): aggregation of a year's
//! records, masking of small counts, and the report as typed data.
//!
//! The work goes in three steps, each pure:
//!
//! 1. an [`Aggregator`] is fed the year's visits, survey answers and events
//!    one by one (the store scans them) and [`Aggregator::finish`]es into
//!    [`Aggregates`]: counts per site, per département and for the region,
//!    by every dimension of the statistics schema and by month;
//! 2. [`ActivityReport::build`] takes the aggregates of the year and of the
//!    year before, masks every small count so that it can be neither read
//!    nor recovered from the totals ([`mask`]), and writes the tables, the
//!    charts and a short summary in French;
//! 3. [`ActivityReport::to_document`] turns the report into a
//!    [`crate::report::Document`], which any renderer draws.
//!
//! Raw aggregates are never serialised: only the masked report is.
//!
//! ```
//! use em_core::activity::{ActivityReport, Aggregator, sample};
//! use em_core::{Registry, Ruleset};
//!
//! let registry = Registry::champagne_ardenne();
//! let ruleset = Ruleset::champagne_ardenne();
//! let mut aggregates = Vec::new();
//! for year in [2008, 2009] {
//!     let mut aggregator = Aggregator::new(&registry, &ruleset, year).unwrap();
//!     for visit in sample::visits(&registry, &ruleset, year, 2_000, 7) {
//!         aggregator.add_visit(&visit);
//!     }
//!     aggregates.push(aggregator.finish());
//! }
//! let report = ActivityReport::build(
//!     &registry, &ruleset, 2009, &aggregates[1], Some(&aggregates[0]),
//! ).unwrap();
//! assert!(report.summary.starts_with("En 2009, le réseau a reçu 2"));
//! let document = report.to_document();
//! assert!(!document.sections.is_empty());
//! ```

mod aggregate;
mod dimensions;
mod fields;
pub mod format;
pub mod mask;
mod report;
pub mod sample;
mod tables;
#[cfg(test)]
mod tests;

pub use aggregate::{
    Aggregates, Aggregator, DimensionCounts, EventCounts, Scope, ScopeCounts, ScopeKind, Skipped,
    SurveyCounts,
};
pub use dimensions::{Category, CategoryKind, Dimension, DimensionId};
pub use fields::{Codes, VisitFields};
pub use report::{ActivityReport, ScopeReport, SiteReport};

use crate::dated::NotInForce;

/// Why an aggregation or a report cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActivityError {
    /// A rule the report needs is not in force for the year.
    #[error("the activity report of {year} needs a rule that is not in force: {source}")]
    RuleNotInForce {
        /// The year of the report.
        year: i16,
        /// The rule and the periods it does have.
        source: NotInForce,
    },
    /// The ruleset lacks a nomenclature the statistics schema needs.
    #[error("the ruleset has no nomenclature `{0}`, which the activity report needs")]
    MissingNomenclature(String),
    /// A nomenclature has more codes than the aggregation can hold.
    #[error(
        "nomenclature `{nomenclature}` has {codes} codes in force in {year}; the activity report \
         counts at most {limit} codes per nomenclature"
    )]
    TooManyCodes {
        /// The nomenclature.
        nomenclature: String,
        /// The year.
        year: i16,
        /// How many codes it has in force that year.
        codes: usize,
        /// The most the aggregation holds.
        limit: usize,
    },
    /// The network has more sites than the aggregation can hold.
    #[error("the registry has {0} sites; the activity report counts at most 255")]
    TooManySites(usize),
    /// The year is outside the calendar the library handles.
    #[error("{0} is not a year the activity report can be made for")]
    BadYear(i16),
    /// The aggregates handed to the report are not those of the year asked
    /// for, or not of the same network.
    #[error("{0}")]
    MismatchedAggregates(String),
}
