//! Coverage: for every commune its nearest site and the distance to it; the
//! population within each distance band of a site, per département and for
//! the region; the white zones (communes beyond the threshold), largest
//! population first.
//!
//! Distances run from commune centre to the centre of the site's commune,
//! along a great circle (see [`crate::geo`]). A commune is within a band when
//! that distance, in whole metres, is at most the band's; it is a white zone
//! when it is strictly beyond the threshold.

use serde::Serialize;

use crate::explain::{communes, km, people, percent, share};
use crate::geo::metres;
use crate::rules::TerritoryRules;
use crate::territory::Territory;

/// One commune's place in the coverage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommuneCoverage {
    /// INSEE code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Département code.
    pub departement: String,
    /// Population municipale.
    pub population: u32,
    /// Identifier of the nearest site; `None` when the territory has no site.
    pub nearest_site: Option<String>,
    /// Great-circle distance to the nearest site, km (infinite without site).
    pub distance_km: f64,
    /// The smallest band the commune is within, km; `None` beyond them all.
    pub band_km: Option<f64>,
    /// Whether the commune lies beyond the white-zone threshold.
    pub white_zone: bool,
    /// Why, in a sentence.
    pub explanation: String,
}

/// Population within one distance of a site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandCoverage {
    /// The band's distance, km.
    pub within_km: f64,
    /// Communes whose centre lies within it of a site.
    pub communes: usize,
    /// Their population.
    pub population: u64,
    /// That population as a share (0 to 1) of the area's.
    pub share: f64,
}

/// Coverage of one area: a département or the region.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaCoverage {
    /// Département code, or `None` for the region.
    pub departement: Option<String>,
    /// Display name of the area.
    pub name: String,
    /// Communes of the area.
    pub communes: usize,
    /// Population of the area.
    pub population: u64,
    /// Population within each band, in the rules' order.
    pub bands: Vec<BandCoverage>,
    /// Communes beyond the white-zone threshold.
    pub white_zone_communes: usize,
    /// Their population.
    pub white_zone_population: u64,
    /// The figures in a sentence.
    pub explanation: String,
}

/// A commune beyond the white-zone threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhiteZone {
    /// INSEE code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Département code.
    pub departement: String,
    /// Population municipale.
    pub population: u32,
    /// Distance to the nearest site, km.
    pub distance_km: f64,
    /// Identifier of the nearest site, if any.
    pub nearest_site: Option<String>,
    /// Why it is a white zone, in a sentence.
    pub explanation: String,
}

/// Coverage of the whole territory under a set of rules.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    /// The bands used, km.
    pub bands_km: Vec<f64>,
    /// The white-zone threshold used, km.
    pub white_zone_km: f64,
    /// Every commune, by INSEE code.
    pub communes: Vec<CommuneCoverage>,
    /// Each département, by code.
    pub departements: Vec<AreaCoverage>,
    /// The whole region.
    pub region: AreaCoverage,
    /// Communes beyond the white-zone threshold, largest population first,
    /// then by INSEE code.
    pub white_zones: Vec<WhiteZone>,
    /// The main figures in a sentence.
    pub explanation: String,
}

struct Tally {
    communes: usize,
    population: u64,
    bands: Vec<(usize, u64)>,
    white: (usize, u64),
}

impl Tally {
    fn new(bands: usize) -> Self {
        Tally {
            communes: 0,
            population: 0,
            bands: vec![(0, 0); bands],
            white: (0, 0),
        }
    }

    fn area(
        &self,
        departement: Option<String>,
        name: &str,
        rules: &TerritoryRules,
    ) -> AreaCoverage {
        let bands: Vec<BandCoverage> = rules
            .coverage_bands_km
            .iter()
            .zip(&self.bands)
            .map(|(&within_km, &(communes, population))| BandCoverage {
                within_km,
                communes,
                population,
                share: share(population, self.population),
            })
            .collect();
        let band_text: Vec<String> = bands
            .iter()
            .map(|b| {
                format!(
                    "{} ({}) within {}",
                    people(b.population),
                    percent(b.share),
                    km(b.within_km)
                )
            })
            .collect();
        let explanation = format!(
            "{name}: {} inhabitants in {}; of them {} of a site; {} ({}) in {} beyond {}, \
             the white zones.",
            people(self.population),
            communes(self.communes),
            band_text.join(", "),
            people(self.white.1),
            percent(share(self.white.1, self.population)),
            communes(self.white.0),
            km(rules.white_zone_km),
        );
        AreaCoverage {
            departement,
            name: name.to_owned(),
            communes: self.communes,
            population: self.population,
            bands,
            white_zone_communes: self.white.0,
            white_zone_population: self.white.1,
            explanation,
        }
    }
}

impl Territory {
    /// The coverage of the territory by its sites under `rules`.
    pub fn coverage(&self, rules: &TerritoryRules) -> Coverage {
        let _span = tracing::info_span!("territory_coverage", day = %rules.day).entered();
        let band_metres: Vec<u64> = rules.coverage_bands_km.iter().map(|&b| metres(b)).collect();
        let white_metres = metres(rules.white_zone_km);
        let nearest = self.nearest_sites();

        let mut per_dep: Vec<Tally> = self
            .departements
            .iter()
            .map(|_| Tally::new(band_metres.len()))
            .collect();
        let mut region = Tally::new(band_metres.len());
        let mut list = Vec::with_capacity(self.communes.len());
        let mut white_zones = Vec::new();
        for (position, (c, near)) in self.communes.iter().zip(&nearest).enumerate() {
            let (site, distance_km) = match near {
                Some((s, d)) => (Some(&self.sites[*s as usize]), *d),
                None => (None, f64::INFINITY),
            };
            let m = if distance_km.is_finite() {
                metres(distance_km)
            } else {
                u64::MAX
            };
            let band = band_metres.iter().position(|&b| m <= b);
            let white_zone = m > white_metres;
            let pop = u64::from(c.population);
            let dep = &mut per_dep[self.commune_departement[position]];
            for tally in [dep, &mut region] {
                tally.communes += 1;
                tally.population += pop;
                for (i, slot) in tally.bands.iter_mut().enumerate() {
                    if band.is_some_and(|b| b <= i) {
                        slot.0 += 1;
                        slot.1 += pop;
                    }
                }
                if white_zone {
                    tally.white.0 += 1;
                    tally.white.1 += pop;
                }
            }
            let explanation = match site {
                Some(s) => format!(
                    "{} ({}) is {} from its nearest site, {} (commune {}), great-circle \
                     distance between commune centres{}.",
                    c.name,
                    c.code,
                    km(distance_km),
                    s.name,
                    s.commune,
                    if white_zone {
                        format!(
                            ", beyond the white-zone threshold of {}",
                            km(rules.white_zone_km)
                        )
                    } else {
                        String::new()
                    }
                ),
                None => format!(
                    "{} ({}) has no site to reach: the network has none.",
                    c.name, c.code
                ),
            };
            if white_zone {
                white_zones.push(WhiteZone {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    departement: c.departement.clone(),
                    population: c.population,
                    distance_km,
                    nearest_site: site.map(|s| s.id.clone()),
                    explanation: explanation.clone(),
                });
            }
            list.push(CommuneCoverage {
                code: c.code.clone(),
                name: c.name.clone(),
                departement: c.departement.clone(),
                population: c.population,
                nearest_site: site.map(|s| s.id.clone()),
                distance_km,
                band_km: band.map(|b| rules.coverage_bands_km[b]),
                white_zone,
                explanation,
            });
        }
        // Communes are already in code order, and the sort is stable.
        white_zones.sort_by_key(|w| std::cmp::Reverse(w.population));

        let mut departements: Vec<AreaCoverage> = self
            .departements
            .iter()
            .zip(&per_dep)
            .map(|(d, t)| {
                t.area(
                    Some(d.code.clone()),
                    &format!("{} ({})", d.name, d.code),
                    rules,
                )
            })
            .collect();
        departements.sort_by(|a, b| a.departement.cmp(&b.departement));
        let region = region.area(None, "The region", rules);
        let explanation = format!(
            "{} sites; {} of the population ({}) lives within {} of one; {} in {} \
             beyond {}, the white zones; the largest is {}.",
            self.sites.len(),
            region
                .bands
                .last()
                .map_or_else(|| "none".to_owned(), |b| percent(b.share)),
            region
                .bands
                .last()
                .map_or_else(String::new, |b| people(b.population)),
            rules
                .coverage_bands_km
                .last()
                .map_or_else(String::new, |&b| km(b)),
            people(region.white_zone_population),
            communes(region.white_zone_communes),
            km(rules.white_zone_km),
            white_zones.first().map_or_else(
                || "none".to_owned(),
                |w| format!(
                    "{} ({}, {} inhabitants)",
                    w.name,
                    w.code,
                    people(u64::from(w.population))
                )
            ),
        );
        Coverage {
            bands_km: rules.coverage_bands_km.clone(),
            white_zone_km: rules.white_zone_km,
            communes: list,
            departements,
            region,
            white_zones,
            explanation,
        }
    }
}
