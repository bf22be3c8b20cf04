//! What-if: how coverage would change if a site opened in a commune or an
//! existing site closed, and which commune a new site would serve best.
//!
//! "Best" means the greatest population brought within the white-zone
//! threshold of a site that is beyond it today: the network's first goal is to
//! cover the whole territory, so a site that mostly serves people already
//! served counts for little here (see [`crate::overlap`] for that side).

use serde::Serialize;

use crate::explain::{communes, km, people};
use crate::geo::{great_circle_km, metres};
use crate::grid::SphereGrid;
use crate::rules::TerritoryRules;
use crate::territory::Territory;

/// A what-if question that names something the territory does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WhatIfError {
    /// No commune has this INSEE code.
    #[error("commune `{0}` is not in the territory")]
    UnknownCommune(String),
    /// No site has this identifier.
    #[error("site `{0}` is not in the territory")]
    UnknownSite(String),
}

/// Population within one band before and after a change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandChange {
    /// The band's distance, km.
    pub within_km: f64,
    /// Population within it of a site today.
    pub population_before: u64,
    /// Population within it after the change.
    pub population_after: u64,
}

/// Communes and population that change site, counted per site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteShare {
    /// The site's identifier.
    pub site: String,
    /// Communes concerned.
    pub communes: usize,
    /// Their population.
    pub population: u64,
}

/// Effect of opening a site in a commune.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteAddition {
    /// INSEE code of the commune the site would open in.
    pub commune: String,
    /// Its name.
    pub commune_name: String,
    /// Population within each band before and after.
    pub bands: Vec<BandChange>,
    /// Population in white zones before.
    pub white_zone_population_before: u64,
    /// Population in white zones after.
    pub white_zone_population_after: u64,
    /// Communes whose nearest site would become the new one, by the site
    /// they leave, in site order.
    pub taken_from: Vec<SiteShare>,
    /// The effect in a sentence.
    pub explanation: String,
}

/// Effect of closing a site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteClosure {
    /// The site's identifier.
    pub site: String,
    /// Population within each band before and after.
    pub bands: Vec<BandChange>,
    /// Population in white zones before.
    pub white_zone_population_before: u64,
    /// Population in white zones after.
    pub white_zone_population_after: u64,
    /// Where the site's catchment would go, by receiving site, in site order.
    pub reassigned_to: Vec<SiteShare>,
    /// The effect in a sentence.
    pub explanation: String,
}

/// A commune considered for a new site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// INSEE code.
    pub commune: String,
    /// Name.
    pub name: String,
    /// Département code.
    pub departement: String,
    /// Population that is beyond the white-zone threshold today and would be
    /// within it of the new site.
    pub population_gained: u64,
    /// The communes of that population.
    pub communes_gained: usize,
}

/// The best commune for a new site, with the runners-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BestNextSite {
    /// The threshold used, km.
    pub white_zone_km: f64,
    /// The best commune; `None` when no commune is a white zone.
    pub best: Option<Candidate>,
    /// The next best communes, best first (at most four).
    pub runners_up: Vec<Candidate>,
    /// The choice in a sentence.
    pub explanation: String,
}

/// How many runners-up a best-next answer lists.
const RUNNERS_UP: usize = 4;

/// Distance in whole metres from each commune to its nearest site, and that
/// site's position; `u64::MAX` and `None` without site.
pub(crate) struct Nearest {
    pub(crate) metres: Vec<u64>,
    pub(crate) site: Vec<Option<u32>>,
}

impl Territory {
    pub(crate) fn nearest_metres(&self) -> Nearest {
        let near = self.nearest_sites();
        Nearest {
            metres: near
                .iter()
                .map(|n| n.map_or(u64::MAX, |(_, d)| metres(d)))
                .collect(),
            site: near.iter().map(|n| n.map(|(s, _)| s)).collect(),
        }
    }

    fn band_changes(
        &self,
        rules: &TerritoryRules,
        before: &[u64],
        after: &[u64],
    ) -> Vec<BandChange> {
        rules
            .coverage_bands_km
            .iter()
            .map(|&b| {
                let limit = metres(b);
                let within = |m: &[u64]| -> u64 {
                    self.communes
                        .iter()
                        .zip(m)
                        .filter(|(_, d)| **d <= limit)
                        .map(|(c, _)| u64::from(c.population))
                        .sum()
                };
                BandChange {
                    within_km: b,
                    population_before: within(before),
                    population_after: within(after),
                }
            })
            .collect()
    }

    fn white_population(&self, rules: &TerritoryRules, m: &[u64]) -> u64 {
        let limit = metres(rules.white_zone_km);
        self.communes
            .iter()
            .zip(m)
            .filter(|(_, d)| **d > limit)
            .map(|(c, _)| u64::from(c.population))
            .sum()
    }

    fn shares(&self, moved: &[(usize, u32)]) -> Vec<SiteShare> {
        let mut per = vec![(0usize, 0u64); self.sites.len()];
        for &(c, s) in moved {
            per[s as usize].0 += 1;
            per[s as usize].1 += u64::from(self.communes[c].population);
        }
        per.iter()
            .enumerate()
            .filter(|(_, (n, _))| *n > 0)
            .map(|(s, &(communes, population))| SiteShare {
                site: self.sites[s].id.clone(),
                communes,
                population,
            })
            .collect()
    }

    /// What opening a site in the commune `code` would change. A commune as
    /// far from the new site as from its current one, to the metre, stays
    /// with its current site.
    pub fn site_addition(
        &self,
        rules: &TerritoryRules,
        code: &str,
    ) -> Result<SiteAddition, WhatIfError> {
        let _span = tracing::info_span!("territory_site_addition", commune = code).entered();
        let at = *self
            .commune_index
            .get(code)
            .ok_or_else(|| WhatIfError::UnknownCommune(code.to_owned()))?;
        let here = self.centres[at];
        let before = self.nearest_metres();
        let mut after = before.metres.clone();
        let mut moved = Vec::new();
        for (c, centre) in self.centres.iter().enumerate() {
            let d = metres(great_circle_km(here, *centre));
            if d < after[c] {
                after[c] = d;
                if let Some(s) = before.site[c] {
                    moved.push((c, s));
                }
            }
        }
        let bands = self.band_changes(rules, &before.metres, &after);
        let white_before = self.white_population(rules, &before.metres);
        let white_after = self.white_population(rules, &after);
        let taken_from = self.shares(&moved);
        let commune = &self.communes[at];
        let band_text: Vec<String> = bands
            .iter()
            .map(|b| {
                format!(
                    "{} more inhabitants within {}",
                    people(b.population_after - b.population_before),
                    km(b.within_km)
                )
            })
            .collect();
        let taken_text: Vec<String> = taken_from
            .iter()
            .map(|t| format!("{} from {}", people(t.population), self.site_name(&t.site)))
            .collect();
        let explanation = format!(
            "A site in {} ({}) would bring {} of a site, taking {} inhabitants out of the \
             white zones (beyond {}); its catchment would take {} from existing sites' \
             catchments{}.",
            commune.name,
            commune.code,
            band_text.join(", "),
            people(white_before - white_after),
            km(rules.white_zone_km),
            communes(moved.len()),
            if taken_text.is_empty() {
                String::new()
            } else {
                format!(" (inhabitants: {})", taken_text.join(", "))
            }
        );
        Ok(SiteAddition {
            commune: commune.code.clone(),
            commune_name: commune.name.clone(),
            bands,
            white_zone_population_before: white_before,
            white_zone_population_after: white_after,
            taken_from,
            explanation,
        })
    }

    /// What closing the site `id` would change: its communes go to their
    /// next nearest site (same tie rule as catchments).
    pub fn site_closure(
        &self,
        rules: &TerritoryRules,
        id: &str,
    ) -> Result<SiteClosure, WhatIfError> {
        let _span = tracing::info_span!("territory_site_closure", site = id).entered();
        let closing = self
            .site_position(id)
            .ok_or_else(|| WhatIfError::UnknownSite(id.to_owned()))? as u32;
        let before = self.nearest_metres();
        let mut after = before.metres.clone();
        let mut moved = Vec::new();
        for (c, centre) in self.centres.iter().enumerate() {
            if before.site[c] != Some(closing) {
                continue;
            }
            match self.site_grid.nearest(*centre, |s| s == closing) {
                Some((s, d)) => {
                    after[c] = metres(d);
                    moved.push((c, s));
                }
                None => after[c] = u64::MAX,
            }
        }
        let bands = self.band_changes(rules, &before.metres, &after);
        let white_before = self.white_population(rules, &before.metres);
        let white_after = self.white_population(rules, &after);
        let reassigned_to = self.shares(&moved);
        let site = &self.sites[closing as usize];
        let band_text: Vec<String> = bands
            .iter()
            .map(|b| {
                format!(
                    "{} fewer inhabitants within {}",
                    people(b.population_before - b.population_after),
                    km(b.within_km)
                )
            })
            .collect();
        let to_text: Vec<String> = reassigned_to
            .iter()
            .map(|t| format!("{} to {}", people(t.population), self.site_name(&t.site)))
            .collect();
        let explanation = format!(
            "Closing {} would leave {} of a site and put {} more inhabitants in the white \
             zones (beyond {}); its catchment's inhabitants would go {}.",
            site.name,
            band_text.join(", "),
            people(white_after - white_before),
            km(rules.white_zone_km),
            if to_text.is_empty() {
                "to no site: it is the last one".to_owned()
            } else {
                to_text.join(", ")
            }
        );
        Ok(SiteClosure {
            site: site.id.clone(),
            bands,
            white_zone_population_before: white_before,
            white_zone_population_after: white_after,
            reassigned_to,
            explanation,
        })
    }

    /// The commune where a new site would bring the most white-zone
    /// population within the threshold; ties go to the lower INSEE code.
    ///
    /// Only white-zone communes can be gained, so they alone are indexed, in
    /// cells about the threshold's size: each candidate looks at a few cells
    /// around it instead of at every commune.
    pub fn best_next_site(&self, rules: &TerritoryRules) -> BestNextSite {
        let _span = tracing::info_span!("territory_best_next_site").entered();
        let limit = metres(rules.white_zone_km);
        let nearest = self.nearest_metres();
        let white: Vec<usize> = (0..self.communes.len())
            .filter(|&c| nearest.metres[c] > limit)
            .collect();
        let white_points: Vec<_> = white.iter().map(|&c| self.centres[c]).collect();
        let grid = SphereGrid::new(&white_points, rules.white_zone_km);

        let mut ranked: Vec<Candidate> = Vec::new();
        let worst_kept = |ranked: &Vec<Candidate>| -> Option<(u64, String)> {
            (ranked.len() > RUNNERS_UP).then(|| {
                let last = ranked.last().expect("non-empty");
                (last.population_gained, last.commune.clone())
            })
        };
        for (c, centre) in self.centres.iter().enumerate() {
            let (mut population, mut count) = (0u64, 0usize);
            grid.within(*centre, rules.white_zone_km, |i, _| {
                population += u64::from(self.communes[white[i as usize]].population);
                count += 1;
            });
            if population == 0 {
                continue;
            }
            // Communes come in code order, so an equal gain never displaces
            // a candidate already kept: ties go to the lower code.
            if worst_kept(&ranked).is_some_and(|(p, _)| population <= p) {
                continue;
            }
            let commune = &self.communes[c];
            ranked.push(Candidate {
                commune: commune.code.clone(),
                name: commune.name.clone(),
                departement: commune.departement.clone(),
                population_gained: population,
                communes_gained: count,
            });
            ranked.sort_by(|a, b| {
                b.population_gained
                    .cmp(&a.population_gained)
                    .then_with(|| a.commune.cmp(&b.commune))
            });
            ranked.truncate(RUNNERS_UP + 1);
        }
        let mut ranked = ranked.into_iter();
        let best = ranked.next();
        let runners_up: Vec<Candidate> = ranked.collect();
        let explanation = match &best {
            None => format!(
                "Every commune is within {} of a site: no new site would bring anyone within \
                 reach.",
                km(rules.white_zone_km)
            ),
            Some(b) => {
                let others: Vec<String> = runners_up
                    .iter()
                    .map(|r| format!("{} ({})", r.name, people(r.population_gained)))
                    .collect();
                format!(
                    "{} ({}, {}) is the best commune for a new site: {} inhabitants of {}, \
                     now farther than {} from every site, would be within {} of it, more \
                     than from any other commune{}.",
                    b.name,
                    b.commune,
                    self.departement_name(&b.departement),
                    people(b.population_gained),
                    communes(b.communes_gained),
                    km(rules.white_zone_km),
                    km(rules.white_zone_km),
                    if others.is_empty() {
                        String::new()
                    } else {
                        format!("; next come {}", others.join(", "))
                    }
                )
            }
        };
        BestNextSite {
            white_zone_km: rules.white_zone_km,
            best,
            runners_up,
            explanation,
        }
    }
}
