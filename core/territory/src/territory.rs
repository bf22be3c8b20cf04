//! The territory: communes with their centre and population, and the sites
//! placed in them, checked and indexed once for every later question.

use std::collections::HashMap;

use em_core::registry::{Commune, Departement, Registry};
use serde::Serialize;

use crate::geo::GeoPoint;
use crate::grid::SphereGrid;

/// A site as the territory sees it: where it is and what it is called. A
/// site stands at the centre of its commune, since no site address is known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacedSite {
    /// The site's identifier, e.g. `sedan`.
    pub id: String,
    /// The site's name, e.g. `Sedan`.
    pub name: String,
    /// INSEE code of the site's commune.
    pub commune: String,
}

/// One reason a territory cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TerritoryError {
    /// Two communes share an INSEE code.
    #[error("communes[{index}]: commune {code} is listed twice (first at communes[{first}])")]
    DuplicateCommune {
        /// Position of the second listing.
        index: usize,
        /// Position of the first listing.
        first: usize,
        /// The INSEE code.
        code: String,
    },
    /// A commune's centre is not a point of the Earth.
    #[error("communes[{index}] ({code}): {reason}")]
    BadCentre {
        /// Position of the commune.
        index: usize,
        /// The INSEE code.
        code: String,
        /// What is wrong with the coordinates.
        reason: String,
    },
    /// A commune names a département that is not given.
    #[error("communes[{index}] ({code}): département `{departement}` is not in the territory")]
    UnknownDepartement {
        /// Position of the commune.
        index: usize,
        /// The INSEE code.
        code: String,
        /// The département code.
        departement: String,
    },
    /// Two sites share an identifier.
    #[error("sites[{index}]: site `{id}` is listed twice")]
    DuplicateSite {
        /// Position of the second listing.
        index: usize,
        /// The identifier.
        id: String,
    },
    /// A site's commune is not one of the territory's.
    #[error("sites[{index}] (`{id}`): commune `{commune}` is not in the territory")]
    UnknownSiteCommune {
        /// Position of the site.
        index: usize,
        /// The site's identifier.
        id: String,
        /// The commune code given.
        commune: String,
    },
}

/// Every reason a territory cannot be built, found together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the territory has {} problem(s): {}", .0.len(), list(.0))]
pub struct TerritoryErrors(pub Vec<TerritoryError>);

fn list(errors: &[TerritoryError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Communes and sites, checked and indexed.
///
/// Communes are kept sorted by INSEE code and sites by identifier; that order
/// is the order of every list this crate returns unless it says otherwise,
/// and the site order is the tie-break rule for equal distances.
#[derive(Debug, Clone)]
pub struct Territory {
    pub(crate) departements: Vec<Departement>,
    pub(crate) communes: Vec<Commune>,
    pub(crate) centres: Vec<GeoPoint>,
    pub(crate) commune_index: HashMap<String, usize>,
    pub(crate) sites: Vec<PlacedSite>,
    /// For each site, the position of its commune.
    pub(crate) site_commune: Vec<usize>,
    /// For each commune, the position of its département.
    pub(crate) commune_departement: Vec<usize>,
    pub(crate) site_grid: SphereGrid,
    pub(crate) commune_grid: SphereGrid,
    /// Each commune's nearest site and its distance, worked out on first
    /// use: the catchment overlap of every application judged reads it for
    /// each commune within reach, and the sites do not move.
    pub(crate) nearest: std::sync::OnceLock<Vec<Option<(u32, f64)>>>,
}

impl Territory {
    /// The territory of a network registry: its départements, communes and
    /// sites.
    pub fn from_registry(registry: &Registry) -> Result<Territory, TerritoryErrors> {
        let _span = tracing::debug_span!("territory_from_registry").entered();
        let sites = registry
            .sites
            .iter()
            .map(|s| PlacedSite {
                id: s.id.clone(),
                name: s.name.clone(),
                commune: s.commune.clone(),
            })
            .collect();
        Territory::new(
            registry.departements.clone(),
            registry.communes.clone(),
            sites,
        )
    }

    /// A territory from its parts, checking that every commune has a valid
    /// centre and a known département, that codes and identifiers are unique
    /// and that every site stands in a commune of the territory.
    pub fn new(
        departements: Vec<Departement>,
        mut communes: Vec<Commune>,
        mut sites: Vec<PlacedSite>,
    ) -> Result<Territory, TerritoryErrors> {
        let mut errors = Vec::new();
        let mut first_seen: HashMap<&str, usize> = HashMap::new();
        for (index, c) in communes.iter().enumerate() {
            if let Some(&first) = first_seen.get(c.code.as_str()) {
                errors.push(TerritoryError::DuplicateCommune {
                    index,
                    first,
                    code: c.code.clone(),
                });
            } else {
                first_seen.insert(&c.code, index);
            }
            if let Some(reason) = GeoPoint::new(c.latitude, c.longitude).problem() {
                errors.push(TerritoryError::BadCentre {
                    index,
                    code: c.code.clone(),
                    reason,
                });
            }
            if !departements.iter().any(|d| d.code == c.departement) {
                errors.push(TerritoryError::UnknownDepartement {
                    index,
                    code: c.code.clone(),
                    departement: c.departement.clone(),
                });
            }
        }
        let mut seen_sites: HashMap<&str, usize> = HashMap::new();
        for (index, s) in sites.iter().enumerate() {
            if seen_sites.insert(&s.id, index).is_some() {
                errors.push(TerritoryError::DuplicateSite {
                    index,
                    id: s.id.clone(),
                });
            }
            if !first_seen.contains_key(s.commune.as_str()) {
                errors.push(TerritoryError::UnknownSiteCommune {
                    index,
                    id: s.id.clone(),
                    commune: s.commune.clone(),
                });
            }
        }
        if !errors.is_empty() {
            return Err(TerritoryErrors(errors));
        }

        communes.sort_by(|a, b| a.code.cmp(&b.code));
        sites.sort_by(|a, b| a.id.cmp(&b.id));
        let centres: Vec<GeoPoint> = communes
            .iter()
            .map(|c| GeoPoint::new(c.latitude, c.longitude))
            .collect();
        let commune_index: HashMap<String, usize> = communes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.clone(), i))
            .collect();
        let site_commune: Vec<usize> = sites.iter().map(|s| commune_index[&s.commune]).collect();
        let commune_departement: Vec<usize> = communes
            .iter()
            .map(|c| {
                departements
                    .iter()
                    .position(|d| d.code == c.departement)
                    .expect("checked above")
            })
            .collect();
        let site_points: Vec<GeoPoint> = site_commune.iter().map(|&c| centres[c]).collect();
        let site_grid = SphereGrid::new(&site_points, SphereGrid::cell_for_nearest(&site_points));
        let commune_grid = SphereGrid::new(&centres, SphereGrid::cell_for_nearest(&centres));
        Ok(Territory {
            departements,
            communes,
            centres,
            commune_index,
            sites,
            site_commune,
            commune_departement,
            site_grid,
            commune_grid,
            nearest: std::sync::OnceLock::new(),
        })
    }

    /// The communes, sorted by INSEE code.
    pub fn communes(&self) -> &[Commune] {
        &self.communes
    }

    /// The sites, sorted by identifier.
    pub fn sites(&self) -> &[PlacedSite] {
        &self.sites
    }

    /// The départements, as given.
    pub fn departements(&self) -> &[Departement] {
        &self.departements
    }

    /// The commune with INSEE code `code`.
    pub fn commune(&self, code: &str) -> Option<&Commune> {
        self.commune_index.get(code).map(|&i| &self.communes[i])
    }

    /// The centre of the commune with INSEE code `code`.
    pub fn centre(&self, code: &str) -> Option<GeoPoint> {
        self.commune_index.get(code).map(|&i| self.centres[i])
    }

    /// Great-circle distance in kilometres between the centres of two
    /// communes given by INSEE code, or `None` if either is unknown.
    pub fn distance_km(&self, from: &str, to: &str) -> Option<f64> {
        Some(crate::geo::great_circle_km(
            self.centre(from)?,
            self.centre(to)?,
        ))
    }

    pub(crate) fn site_position(&self, id: &str) -> Option<usize> {
        self.sites.binary_search_by(|s| s.id.as_str().cmp(id)).ok()
    }

    /// The name of the site `id`, or the identifier itself if unknown.
    pub(crate) fn site_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.site_position(id)
            .map_or(id, |s| self.sites[s].name.as_str())
    }

    pub(crate) fn departement_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.departements
            .iter()
            .find(|d| d.code == code)
            .map_or(code, |d| d.name.as_str())
    }

    /// For every commune, in order, the position of its nearest site and the
    /// distance in kilometres; `None` when the territory has no site.
    pub(crate) fn nearest_sites(&self) -> Vec<Option<(u32, f64)>> {
        self.centres
            .iter()
            .map(|&c| self.site_grid.nearest(c, |_| false))
            .collect()
    }

    /// [`Territory::nearest_sites`], computed once and kept.
    pub(crate) fn nearest_sites_kept(&self) -> &[Option<(u32, f64)>] {
        self.nearest.get_or_init(|| self.nearest_sites())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commune(code: &str, dep: &str, lat: f64, lon: f64) -> Commune {
        Commune {
            code: code.into(),
            name: format!("Commune {code}"),
            departement: dep.into(),
            population: 100,
            latitude: lat,
            longitude: lon,
        }
    }

    fn site(id: &str, commune: &str) -> PlacedSite {
        PlacedSite {
            id: id.into(),
            name: id.into(),
            commune: commune.into(),
        }
    }

    #[test]
    fn every_problem_is_reported_at_once_with_its_place() {
        let deps = vec![Departement {
            code: "08".into(),
            name: "Ardennes".into(),
        }];
        let communes = vec![
            commune("08001", "08", 49.0, 4.0),
            commune("08001", "08", 49.1, 4.0),
            commune("08002", "99", 95.0, 4.0),
        ];
        let sites = vec![site("a", "08001"), site("a", "08001"), site("b", "51454")];
        let err = Territory::new(deps, communes, sites).unwrap_err();
        let text = err.to_string();
        assert_eq!(err.0.len(), 5, "{text}");
        assert!(
            text.contains("communes[1]: commune 08001 is listed twice"),
            "{text}"
        );
        assert!(text.contains("communes[2] (08002): latitude 95"), "{text}");
        assert!(text.contains("département `99`"), "{text}");
        assert!(
            text.contains("sites[1]: site `a` is listed twice"),
            "{text}"
        );
        assert!(text.contains("sites[2] (`b`): commune `51454`"), "{text}");
    }

    #[test]
    fn sites_are_ordered_by_identifier_whatever_the_input_order() {
        let deps = vec![Departement {
            code: "08".into(),
            name: "Ardennes".into(),
        }];
        let communes = vec![
            commune("08002", "08", 49.1, 4.0),
            commune("08001", "08", 49.0, 4.0),
        ];
        let t =
            Territory::new(deps, communes, vec![site("z", "08001"), site("a", "08002")]).unwrap();
        let ids: Vec<&str> = t.sites().iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["a", "z"]);
        assert_eq!(t.communes()[0].code, "08001");
        assert_eq!(t.site_position("z"), Some(1));
    }
}
