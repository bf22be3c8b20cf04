//! Catchments: the communes nearer to a site than to any other, their
//! population, and where the site's visitors actually live.
//!
//! Tie rule: a commune exactly as far from two sites — to the metre — belongs
//! to the site whose identifier sorts first. The rule is arbitrary but stable:
//! it gives the same catchments on every run and every platform, and it only
//! matters for communes equidistant to the metre, which the real data has not.
//!
//! The visitors' side takes counts per (site, commune of residence) from the
//! store, never individual records: a commune of residence inside the
//! catchment, elsewhere in the region, outside the region, or not recorded.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::explain::{communes, km, people, percent, share};
use crate::territory::Territory;

/// How many visitors of a site, and how many visits, came from one commune
/// of residence. An aggregate: no person appears in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorResidence {
    /// The site's identifier.
    pub site: String,
    /// INSEE code of the commune of residence; `None` when not recorded.
    pub commune: Option<String>,
    /// Distinct visitors.
    pub visitors: u64,
    /// Visits.
    pub visits: u64,
}

/// Where a site's visitors live, relative to its catchment.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VisitorOrigins {
    /// Visitors living in the catchment.
    pub in_catchment: u64,
    /// Visitors living in the region, in another site's catchment.
    pub elsewhere_in_region: u64,
    /// Visitors living in a commune outside the region.
    pub outside_region: u64,
    /// Visitors whose commune of residence was not recorded.
    pub residence_unknown: u64,
    /// Visits made by visitors living in the catchment.
    pub visits_in_catchment: u64,
    /// All visits counted.
    pub visits: u64,
    /// Share of visitors with a known residence who live in the catchment.
    pub share_in_catchment: Option<f64>,
}

impl VisitorOrigins {
    /// Every visitor counted, residence known or not.
    pub fn visitors(&self) -> u64 {
        self.in_catchment + self.elsewhere_in_region + self.outside_region + self.residence_unknown
    }
}

/// One site's catchment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Catchment {
    /// The site's identifier.
    pub site: String,
    /// The site's name.
    pub site_name: String,
    /// INSEE codes of the communes in the catchment, in order.
    pub communes: Vec<String>,
    /// Their population.
    pub population: u64,
    /// Distance to the catchment's farthest commune centre, km.
    pub farthest_km: f64,
    /// Where the site's visitors live; `None` when no count was given for it.
    pub visitors: Option<VisitorOrigins>,
    /// The figures in a sentence.
    pub explanation: String,
}

/// Counts that name a site the territory does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("visitor counts name unknown site(s): {}", list(.0))]
pub struct UnknownSites(pub Vec<(usize, String)>);

fn list(items: &[(usize, String)]) -> String {
    items
        .iter()
        .map(|(i, s)| format!("counts[{i}] `{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Territory {
    /// Each site's catchment, in site order, with where its visitors live
    /// according to `counts` (which may be empty). Every count that names an
    /// unknown site is reported.
    pub fn catchments(&self, counts: &[VisitorResidence]) -> Result<Vec<Catchment>, UnknownSites> {
        let _span = tracing::info_span!("territory_catchments", counts = counts.len()).entered();
        let unknown: Vec<(usize, String)> = counts
            .iter()
            .enumerate()
            .filter(|(_, c)| self.site_position(&c.site).is_none())
            .map(|(i, c)| (i, c.site.clone()))
            .collect();
        if !unknown.is_empty() {
            return Err(UnknownSites(unknown));
        }

        let nearest = self.nearest_sites();
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); self.sites.len()];
        for (c, near) in nearest.iter().enumerate() {
            if let Some((s, _)) = near {
                members[*s as usize].push(c);
            }
        }
        let mut origins: HashMap<usize, VisitorOrigins> = HashMap::new();
        for count in counts {
            let s = self.site_position(&count.site).expect("checked above");
            let o = origins.entry(s).or_default();
            o.visits += count.visits;
            let home = count
                .commune
                .as_deref()
                .map(|code| self.commune_index.get(code));
            match home {
                None => o.residence_unknown += count.visitors,
                Some(None) => o.outside_region += count.visitors,
                Some(Some(&c)) if nearest[c].is_some_and(|(n, _)| n as usize == s) => {
                    o.in_catchment += count.visitors;
                    o.visits_in_catchment += count.visits;
                }
                Some(Some(_)) => o.elsewhere_in_region += count.visitors,
            }
        }

        let result = self
            .sites
            .iter()
            .enumerate()
            .map(|(s, site)| {
                let population: u64 = members[s]
                    .iter()
                    .map(|&c| u64::from(self.communes[c].population))
                    .sum();
                let farthest_km = members[s]
                    .iter()
                    .map(|&c| nearest[c].map_or(0.0, |(_, d)| d))
                    .fold(0.0, f64::max);
                let mut visitors = origins.remove(&s);
                if let Some(o) = visitors.as_mut() {
                    let known = o.in_catchment + o.elsewhere_in_region + o.outside_region;
                    o.share_in_catchment = (known > 0).then(|| share(o.in_catchment, known));
                }
                let visitors_text = match &visitors {
                    None => " No visitor count was given for it.".to_owned(),
                    Some(o) => format!(
                        " Of its {} visitors, {} live in it ({} of those whose commune is \
                         known), {} elsewhere in the region, {} outside the region and {} \
                         did not give their commune.",
                        people(o.visitors()),
                        people(o.in_catchment),
                        o.share_in_catchment
                            .map_or_else(|| "no residence known".to_owned(), percent),
                        people(o.elsewhere_in_region),
                        people(o.outside_region),
                        people(o.residence_unknown),
                    ),
                };
                let explanation = format!(
                    "{} serves the {} nearer to it than to any other site ({} inhabitants, \
                     the farthest {} away).{}",
                    site.name,
                    communes(members[s].len()),
                    people(population),
                    km(farthest_km),
                    visitors_text
                );
                Catchment {
                    site: site.id.clone(),
                    site_name: site.name.clone(),
                    communes: members[s]
                        .iter()
                        .map(|&c| self.communes[c].code.clone())
                        .collect(),
                    population,
                    farthest_km,
                    visitors,
                    explanation,
                }
            })
            .collect();
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use em_core::registry::{Commune, Departement};

    use crate::territory::{PlacedSite, Territory};

    fn commune(code: &str, longitude: f64) -> Commune {
        Commune {
            code: code.into(),
            name: code.into(),
            departement: "51".into(),
            population: 10,
            latitude: 49.0,
            longitude,
        }
    }

    fn territory(sites: Vec<PlacedSite>) -> Territory {
        Territory::new(
            vec![Departement {
                code: "51".into(),
                name: "Marne".into(),
            }],
            vec![
                commune("51001", 3.9),
                commune("51002", 4.0),
                commune("51003", 4.1),
            ],
            sites,
        )
        .unwrap()
    }

    fn site(id: &str, commune: &str) -> PlacedSite {
        PlacedSite {
            id: id.into(),
            name: id.into(),
            commune: commune.into(),
        }
    }

    #[test]
    fn a_commune_equidistant_from_two_sites_goes_to_the_first_identifier() {
        // 51002 lies exactly half-way between 51001 and 51003 (same latitude,
        // symmetric longitudes): the tie rule decides, whatever the order the
        // sites are given in.
        for sites in [
            vec![site("west", "51001"), site("east", "51003")],
            vec![site("east", "51003"), site("west", "51001")],
        ] {
            let catchments = territory(sites).catchments(&[]).unwrap();
            assert_eq!(catchments[0].site, "east");
            assert_eq!(catchments[0].communes, ["51002", "51003"]);
            assert_eq!(catchments[1].communes, ["51001"]);
        }
    }

    #[test]
    fn a_territory_without_site_has_no_catchment() {
        let t = territory(Vec::new());
        assert!(t.catchments(&[]).unwrap().is_empty());
    }
}
