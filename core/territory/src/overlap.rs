//! Catchment overlap: how much of a candidate site's catchment would be taken
//! from the catchments of existing sites — the figure the labelling check
//! compares with the ruleset's largest allowed share.
//!
//! Catchments proper (communes nearer to a site than to any other) cover the
//! whole territory, so any new site takes all of its catchment from others.
//! The measure therefore bounds catchments by a reach, the ruleset's
//! `catchment_overlap_radius_km`: the candidate's catchment is the communes
//! within that reach of it and at least as near to it as to any existing site;
//! the part taken is the population of those that are today within the same
//! reach of their nearest site. A candidate in open country takes little; one
//! next door to an existing site takes nearly all. A commune equally near to
//! the candidate and to an existing site counts as taken: the two sites would
//! compete for it.

use serde::Serialize;

use crate::explain::{communes, km, people, percent, share};
use crate::geo::metres;
use crate::rules::TerritoryRules;
use crate::territory::Territory;
use crate::whatif::{SiteShare, WhatIfError};

/// The overlap of a candidate site with existing catchments.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatchmentOverlap {
    /// INSEE code of the candidate's commune.
    pub commune: String,
    /// Its name.
    pub commune_name: String,
    /// The reach used, km.
    pub radius_km: f64,
    /// Communes of the candidate's catchment.
    pub catchment_communes: usize,
    /// Their population.
    pub catchment_population: u64,
    /// The part of that population within the reach of an existing site.
    pub taken_population: u64,
    /// `taken_population / catchment_population` (0 for an empty catchment).
    pub share: f64,
    /// The largest share the ruleset allows.
    pub max_share: f64,
    /// Whether the share is at most the allowed one.
    pub within_limit: bool,
    /// The taken population by the existing site it is taken from.
    pub taken_from: Vec<SiteShare>,
    /// The figures and the verdict in a sentence.
    pub explanation: String,
}

impl Territory {
    /// The overlap of a site opened in commune `code` with the catchments of
    /// the existing sites, judged against the rules in force.
    pub fn catchment_overlap(
        &self,
        rules: &TerritoryRules,
        code: &str,
    ) -> Result<CatchmentOverlap, WhatIfError> {
        let _span = tracing::info_span!("territory_catchment_overlap", commune = code).entered();
        let at = *self
            .commune_index
            .get(code)
            .ok_or_else(|| WhatIfError::UnknownCommune(code.to_owned()))?;
        let reach = metres(rules.catchment_overlap_radius_km);
        let (mut catchment, mut population, mut taken) = (0usize, 0u64, 0u64);
        let mut per_site = vec![(0usize, 0u64); self.sites.len()];
        let kept = self.nearest_sites_kept();
        self.commune_grid.within(
            self.centres[at],
            rules.catchment_overlap_radius_km,
            |c, d| {
                let c = c as usize;
                let nearest = kept[c];
                let current = nearest.map_or(u64::MAX, |(_, e)| metres(e));
                if metres(d) > current {
                    return;
                }
                let pop = u64::from(self.communes[c].population);
                catchment += 1;
                population += pop;
                if let Some((s, _)) = nearest
                    && current <= reach
                {
                    taken += pop;
                    per_site[s as usize].0 += 1;
                    per_site[s as usize].1 += pop;
                }
            },
        );
        let taken_from: Vec<SiteShare> = per_site
            .iter()
            .enumerate()
            .filter(|(_, (n, _))| *n > 0)
            .map(|(s, &(communes, population))| SiteShare {
                site: self.sites[s].id.clone(),
                communes,
                population,
            })
            .collect();
        let ratio = share(taken, population);
        let within_limit = ratio <= rules.max_catchment_overlap_share;
        let commune = &self.communes[at];
        let from_text: Vec<String> = taken_from
            .iter()
            .map(|t| format!("{} from {}", people(t.population), self.site_name(&t.site)))
            .collect();
        let explanation = format!(
            "A site in {} ({}) would serve {} ({} inhabitants) within {} that are nearer to \
             it than to any existing site; {} of them ({}) already live within {} of an \
             existing site{}; the ruleset allows at most {}, so the overlap is {}.",
            commune.name,
            commune.code,
            communes(catchment),
            people(population),
            km(rules.catchment_overlap_radius_km),
            people(taken),
            percent(ratio),
            km(rules.catchment_overlap_radius_km),
            if from_text.is_empty() {
                String::new()
            } else {
                format!(" ({})", from_text.join(", "))
            },
            percent(rules.max_catchment_overlap_share),
            if within_limit {
                "acceptable"
            } else {
                "too large"
            }
        );
        Ok(CatchmentOverlap {
            commune: commune.code.clone(),
            commune_name: commune.name.clone(),
            radius_km: rules.catchment_overlap_radius_km,
            catchment_communes: catchment,
            catchment_population: population,
            taken_population: taken,
            share: ratio,
            max_share: rules.max_catchment_overlap_share,
            within_limit,
            taken_from,
            explanation,
        })
    }
}
