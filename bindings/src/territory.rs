//! The territory from Python: coverage of the region by the sites, what-if
//! questions (open, close, best next site), the overlap of a new site's
//! catchment, each site's catchment with where its visitors live (catchments
//! by residence), distances and the SVG map. Results travel as JSON.

use std::sync::Arc;

use em_territory::residences::{ResidenceError, visitor_residences};
use em_territory::{
    MapOptions, Territory as CoreTerritory, TerritoryRules, TerritoryRuleset, VisitorResidence,
};

use crate::convert;
use crate::error::{EmError, Problem};
use crate::json;
use crate::network::Network;
use crate::registry::Registry;
use crate::ruleset::Ruleset;

fn territory_error(message: String) -> EmError {
    EmError::Territory {
        problems: vec![Problem::reason(message.clone())],
        message,
    }
}

fn what_if_error(e: em_territory::WhatIfError) -> EmError {
    match &e {
        em_territory::WhatIfError::UnknownCommune(_) => {
            EmError::not_found("commune", e.to_string())
        }
        em_territory::WhatIfError::UnknownSite(_) => EmError::not_found("site", e.to_string()),
    }
}

/// The communes and sites of a registry, placed, with the territory rules
/// of a ruleset.
#[derive(Debug, uniffi::Object)]
pub struct Territory {
    inner: CoreTerritory,
    rules: TerritoryRuleset,
}

impl Territory {
    fn rules_on(&self, day: &str) -> Result<TerritoryRules, EmError> {
        let day = convert::date("day", day)?;
        self.rules.at(day).map_err(|missing| EmError::Territory {
            message: format!("{} territory rule(s) not in force on {day}", missing.len()),
            problems: missing
                .iter()
                .map(|m| Problem {
                    path: Some(m.rule.clone()),
                    ..Problem::reason(m.to_string())
                })
                .collect(),
        })
    }
}

#[uniffi::export]
impl Territory {
    /// The territory of `registry` under the rules of `ruleset` (the
    /// shipped ones when not given).
    #[uniffi::constructor]
    pub fn new(
        ruleset: Option<Arc<Ruleset>>,
        registry: Option<Arc<Registry>>,
    ) -> Result<Arc<Territory>, EmError> {
        let _span = tracing::info_span!("binding.territory").entered();
        let ruleset = ruleset.unwrap_or_else(Ruleset::shipped);
        let registry = registry.unwrap_or_else(Registry::shipped);
        let inner = CoreTerritory::from_registry(registry.core())
            .map_err(|e| territory_error(e.to_string()))?;
        Ok(Arc::new(Territory {
            inner,
            rules: TerritoryRuleset::from_ruleset(ruleset.core())?,
        }))
    }

    /// Coverage under the rules in force on `day`: nearest site per
    /// commune, population per distance band, white zones; as JSON.
    pub fn coverage(&self, day: String) -> Result<String, EmError> {
        let rules = self.rules_on(&day)?;
        json::write(&self.inner.coverage(&rules))
    }

    /// What opening a site in commune `commune` would change, as JSON.
    pub fn site_addition(&self, day: String, commune: String) -> Result<String, EmError> {
        let rules = self.rules_on(&day)?;
        json::write(
            &self
                .inner
                .site_addition(&rules, &commune)
                .map_err(what_if_error)?,
        )
    }

    /// What closing site `site` would change, as JSON.
    pub fn site_closure(&self, day: String, site: String) -> Result<String, EmError> {
        let rules = self.rules_on(&day)?;
        json::write(
            &self
                .inner
                .site_closure(&rules, &site)
                .map_err(what_if_error)?,
        )
    }

    /// The commune where a new site would bring the most people closest,
    /// with the runners-up, as JSON.
    pub fn best_next_site(&self, day: String) -> Result<String, EmError> {
        let rules = self.rules_on(&day)?;
        json::write(&self.inner.best_next_site(&rules))
    }

    /// The overlap of a site opened in `commune` with the existing
    /// catchments, judged against the ruleset, as JSON.
    pub fn catchment_overlap(&self, day: String, commune: String) -> Result<String, EmError> {
        let rules = self.rules_on(&day)?;
        json::write(
            &self
                .inner
                .catchment_overlap(&rules, &commune)
                .map_err(what_if_error)?,
        )
    }

    /// Each site's catchment (the communes nearer to it than to any other
    /// site, their population) with where its visitors live according to
    /// `counts_json`, a JSON list of `{"site", "commune", "visitors",
    /// "visits"}` counts (`commune` null when not recorded; `[]` for the
    /// catchments alone); as JSON. Counts naming an unknown site are all
    /// refused.
    pub fn catchments(&self, counts_json: String) -> Result<String, EmError> {
        let _span = tracing::info_span!("binding.catchments").entered();
        let counts: Vec<VisitorResidence> = json::parse("counts", &counts_json)?;
        let catchments = self
            .inner
            .catchments(&counts)
            .map_err(|e| EmError::Territory {
                message: e.to_string(),
                problems: e
                    .0
                    .iter()
                    .map(|(i, site)| Problem {
                        path: Some(format!("counts[{i}].site")),
                        ..Problem::reason(format!("`{site}` is not a site of the territory"))
                    })
                    .collect(),
            })?;
        json::write(&catchments)
    }

    /// The great-circle distance in km between two communes' centres.
    pub fn distance_km(&self, from: String, to: String) -> Result<f64, EmError> {
        self.inner.distance_km(&from, &to).ok_or_else(|| {
            EmError::not_found(
                "commune",
                format!("`{from}` or `{to}` is not a commune of the territory"),
            )
        })
    }

    /// An SVG map of the coverage on `day`.
    pub fn map_svg(&self, day: String) -> Result<String, EmError> {
        let rules = self.rules_on(&day)?;
        let coverage = self.inner.coverage(&rules);
        Ok(self.inner.map_svg(&coverage, &MapOptions::default()))
    }
}

#[uniffi::export]
impl Network {
    /// The visitors and visits of `year` per site and commune of residence,
    /// counted out of the store (aggregates only), as the JSON list
    /// `Territory.catchments` reads.
    pub fn visitor_residences(&self, year: i16) -> Result<String, EmError> {
        let _span = tracing::info_span!("binding.visitor_residences", year).entered();
        let store = self.store();
        let residences = visitor_residences(&store, year).map_err(|e| match e {
            ResidenceError::BadYear(_) => EmError::argument("year", e.to_string()),
            ResidenceError::Store(s) => s.into(),
        })?;
        json::write(&residences)
    }
}
