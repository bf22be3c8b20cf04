//! `em-territory`: how well the Espaces métiers sites cover the territory
//! (*mailler le territoire*), as figures a steering committee can act on.
//!
//! Pure Rust, no I/O: it is handed the registry (communes with centre and
//! population, sites with their commune) and the ruleset, and answers with
//! typed results that each carry a sentence explaining them.
//!
//! - [`geo`]: great-circle (haversine) distance on a sphere of radius
//!   6 371.0088 km, the only distance the crate uses;
//! - [`Territory`]: communes and sites, checked and indexed once;
//! - [`Territory::coverage`]: nearest site per commune, population within
//!   each distance band per département and for the region, white zones;
//! - [`Territory::catchments`]: each site's catchment and where its visitors
//!   live;
//! - [`Territory::site_addition`], [`Territory::site_closure`],
//!   [`Territory::best_next_site`]: what-if questions;
//! - [`Territory::catchment_overlap`]: the figure the labelling check compares
//!   with the ruleset's largest allowed overlap;
//! - [`Territory::map_svg`]: an SVG map of the coverage;
//! - `residences` (feature `store`): where each site's visitors of a year
//!   live, counted out of the store — the edge that feeds
//!   [`Territory::catchments`].
//!
//! Thresholds come from the ruleset's `territory.toml`, read by
//! [`TerritoryRuleset::from_ruleset`] and resolved for a day by
//! [`TerritoryRuleset::at`].
//!
//! ```
//! use em_core::{Registry, Ruleset};
//! use em_territory::{Territory, TerritoryRuleset};
//!
//! let territory = Territory::from_registry(&Registry::champagne_ardenne()).unwrap();
//! let rules = TerritoryRuleset::from_ruleset(&Ruleset::champagne_ardenne())
//!     .unwrap()
//!     .at(jiff::civil::date(2010, 6, 1))
//!     .unwrap();
//! let coverage = territory.coverage(&rules);
//! assert_eq!(coverage.region.population, 1_307_747);
//! println!("{}", coverage.explanation);
//! ```

mod catchment;
mod coverage;
mod explain;
pub mod geo;
mod grid;
mod map;
mod overlap;
#[cfg(feature = "store")]
pub mod residences;
mod rules;
mod territory;
mod whatif;

pub use catchment::{Catchment, UnknownSites, VisitorOrigins, VisitorResidence};
pub use coverage::{AreaCoverage, BandCoverage, CommuneCoverage, Coverage, WhiteZone};
pub use geo::{EARTH_RADIUS_KM, GeoPoint, great_circle_km};
pub use map::MapOptions;
pub use overlap::CatchmentOverlap;
pub use rules::{TERRITORY_AREA, TERRITORY_FILE, TerritoryRules, TerritoryRuleset};
pub use territory::{PlacedSite, Territory, TerritoryError, TerritoryErrors};
pub use whatif::{
    BandChange, BestNextSite, Candidate, SiteAddition, SiteClosure, SiteShare, WhatIfError,
};
