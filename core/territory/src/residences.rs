//! Where each site's visitors of a year live, counted out of the store: the
//! counts per (site, commune of residence) that [`Territory::catchments`]
//! compares with the catchments.
//!
//! This is the crate's one edge, behind the `store` feature. Visitor
//! identifiers are read only to count distinct visitors; what leaves this
//! module is counts, never a person.
//!
//! [`Territory::catchments`]: crate::Territory::catchments

use std::collections::{HashMap, HashSet};

use em_store::{Store, StoreError};
use jiff::civil::Date;

use crate::catchment::VisitorResidence;

/// Why the counts could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ResidenceError {
    /// The year has no calendar days.
    #[error("{0} is not a year")]
    BadYear(i16),
    /// The store failed.
    #[error("reading the store: {0}")]
    Store(#[from] StoreError),
}

/// The visitors and visits of `year` per site and commune of residence,
/// sorted by site then commune. A visit without a visitor identifier counts
/// as one visitor of its own: it cannot be matched with another.
pub fn visitor_residences(
    store: &Store,
    year: i16,
) -> Result<Vec<VisitorResidence>, ResidenceError> {
    let _span = tracing::info_span!("territory_visitor_residences", year).entered();
    let from = Date::new(year, 1, 1).map_err(|_| ResidenceError::BadYear(year))?;
    let to = Date::new(year, 12, 31).map_err(|_| ResidenceError::BadYear(year))?;
    type Key = (String, Option<String>);
    let mut counts: HashMap<Key, (HashSet<String>, u64)> = HashMap::new();
    let mut anonymous = 0u64;
    store.scan_visits(from, to, |v| {
        let entry = counts
            .entry((v.site.clone(), v.commune.clone()))
            .or_default();
        entry.1 += 1;
        match &v.visitor {
            Some(id) => {
                entry.0.insert(id.clone());
            }
            None => {
                anonymous += 1;
                entry.0.insert(format!("\u{0}anonymous-{anonymous}"));
            }
        }
    })?;
    let mut residences: Vec<VisitorResidence> = counts
        .into_iter()
        .map(|((site, commune), (visitors, visits))| VisitorResidence {
            site,
            commune,
            visitors: visitors.len() as u64,
            visits,
        })
        .collect();
    residences.sort_by(|a, b| (&a.site, &a.commune).cmp(&(&b.site, &b.commune)));
    tracing::debug!(rows = residences.len(), "visitor residences counted");
    Ok(residences)
}
