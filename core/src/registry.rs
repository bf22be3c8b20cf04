//! The network registry: the region, its départements, communes, sites, host
//! structures, coordinators (CTEM) and partners.
//!
//! The registry is data, not code: `data/registry.toml` describes the network
//! and `data/communes.csv` the communes (INSEE code, population, centre). The
//! shipped registry — the eleven sites of 2009 — is compiled in; another
//! network is loaded with [`Registry::from_sources`].

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ruleset::{RulesetError, RulesetErrors, parse_section};

/// The region that sponsors the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionInfo {
    /// Short identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// The body running the regional coordination.
    pub regional_coordination: String,
}

/// A département (a legal unit: the French word is kept).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Departement {
    /// INSEE code, e.g. `08`.
    pub code: String,
    /// Name, e.g. `Ardennes`.
    pub name: String,
}

/// The kind of organisation a host structure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HostStructureKind {
    /// A Maison de l'emploi.
    MaisonDeLEmploi,
    /// An association.
    Association,
    /// An *association de pays*.
    AssociationDePays,
    /// A *comité de bassin d'emploi*.
    ComiteDeBassinDEmploi,
    /// A Pôle emploi agency.
    PoleEmploiAgency,
    /// Not stated by any public source.
    Unknown,
}

/// The organisation that hosts a site (*structure porteuse*).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HostStructure {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind of organisation.
    pub kind: HostStructureKind,
    /// Whether a public source names this structure; when false the name is
    /// a description, not the organisation's real name.
    pub public_source: bool,
}

/// Who employs a coordinator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Employer {
    /// The host structure.
    HostStructure,
    /// The Regional Council.
    Region,
}

/// The territorial coordinator's post (CTEM) of a site. A post, not a person:
/// no name is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Coordinator {
    /// Who employs the coordinator (the hierarchical line).
    pub employer: Employer,
    /// Working time as a share of full time (1.0 = full time).
    pub working_time: f64,
}

/// One Espace métiers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Identifier used in records, e.g. `sedan`.
    pub id: String,
    /// Name, e.g. `Sedan`.
    pub name: String,
    /// INSEE code of the commune the site is in.
    pub commune: String,
    /// The host structure's identifier.
    pub host_structure: String,
    /// The coordinator's post.
    pub coordinator: Coordinator,
}

/// A partner of the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind of partner (state, region, chamber, training fund…).
    pub kind: String,
}

/// A commune, from the reference list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Commune {
    /// INSEE code (five characters).
    pub code: String,
    /// Official name.
    pub name: String,
    /// Département code.
    pub departement: String,
    /// Population municipale.
    pub population: u32,
    /// Latitude of the commune's centre (WGS84 degrees).
    pub latitude: f64,
    /// Longitude of the commune's centre (WGS84 degrees).
    pub longitude: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    region: RegionInfo,
    departements: Vec<Departement>,
    host_structures: Vec<HostStructure>,
    sites: Vec<Site>,
    partners: Vec<Partner>,
}

/// The whole network.
#[derive(Debug, Clone)]
pub struct Registry {
    /// The region.
    pub region: RegionInfo,
    /// Its départements.
    pub departements: Vec<Departement>,
    /// Host structures.
    pub host_structures: Vec<HostStructure>,
    /// Sites, in the registry's order.
    pub sites: Vec<Site>,
    /// Partners.
    pub partners: Vec<Partner>,
    /// Communes of the region's départements.
    pub communes: Vec<Commune>,
    site_index: HashMap<String, usize>,
    commune_index: HashMap<String, usize>,
}

const SHIPPED_REGISTRY: &str = include_str!("../../data/registry.toml");
const SHIPPED_COMMUNES: &str = include_str!("../../data/communes.csv");

impl Registry {
    /// The network of Champagne-Ardenne at the end of 2009, compiled in.
    pub fn champagne_ardenne() -> Registry {
        // The shipped files are checked by the test suite.
        Registry::from_sources(SHIPPED_REGISTRY, SHIPPED_COMMUNES)
            .expect("the shipped registry is valid")
    }

    /// Builds a registry from the texts of `registry.toml` and
    /// `communes.csv`, reporting every problem at once.
    pub fn from_sources(
        registry_toml: &str,
        communes_csv: &str,
    ) -> Result<Registry, RulesetErrors> {
        let file: RegistryFile =
            parse_section("registry.toml", registry_toml).map_err(|e| RulesetErrors(vec![e]))?;
        let mut errors = Vec::new();
        let communes = parse_communes(communes_csv, &mut errors);
        let mut registry = Registry {
            region: file.region,
            departements: file.departements,
            host_structures: file.host_structures,
            sites: file.sites,
            partners: file.partners,
            communes,
            site_index: HashMap::new(),
            commune_index: HashMap::new(),
        };
        registry.site_index = registry
            .sites
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        registry.commune_index = registry
            .communes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.clone(), i))
            .collect();
        registry.check(&mut errors);
        if errors.is_empty() {
            Ok(registry)
        } else {
            Err(RulesetErrors(errors))
        }
    }

    fn check(&self, errors: &mut Vec<RulesetError>) {
        let file = "registry.toml";
        for (i, site) in self.sites.iter().enumerate() {
            if self.sites[..i].iter().any(|s| s.id == site.id) {
                errors.push(RulesetError::at(
                    file,
                    format!("sites[{i}].id"),
                    format!("site `{}` is listed twice", site.id),
                ));
            }
            if self.commune(&site.commune).is_none() {
                errors.push(RulesetError::at(
                    file,
                    format!("sites[{i}].commune"),
                    format!("`{}` is not a commune of communes.csv", site.commune),
                ));
            }
            if !self
                .host_structures
                .iter()
                .any(|h| h.id == site.host_structure)
            {
                errors.push(RulesetError::at(
                    file,
                    format!("sites[{i}].host_structure"),
                    format!("`{}` is not a host structure", site.host_structure),
                ));
            }
            if !(site.coordinator.working_time > 0.0 && site.coordinator.working_time <= 1.0) {
                errors.push(RulesetError::at(
                    file,
                    format!("sites[{i}].coordinator.working_time"),
                    "a working time is a share of full time, above 0 and at most 1",
                ));
            }
        }
        for (i, commune) in self.communes.iter().enumerate() {
            if !self
                .departements
                .iter()
                .any(|d| d.code == commune.departement)
            {
                errors.push(RulesetError::at(
                    "communes.csv",
                    format!("line {}", i + 2),
                    format!(
                        "département `{}` of commune {} is not in the registry",
                        commune.departement, commune.code
                    ),
                ));
            }
        }
    }

    /// The site `id`.
    pub fn site(&self, id: &str) -> Option<&Site> {
        self.site_index.get(id).map(|&i| &self.sites[i])
    }

    /// The site `id`, or an error that lists the registry's sites, for
    /// the site a user typed.
    pub fn require_site(&self, id: &str) -> Result<&Site, UnknownSite> {
        self.site(id).ok_or_else(|| UnknownSite {
            id: id.to_owned(),
            known: self.sites.iter().map(|s| s.id.clone()).collect(),
        })
    }

    /// The ids of the sites, in the registry's order.
    pub fn site_ids(&self) -> Vec<&str> {
        self.sites.iter().map(|s| s.id.as_str()).collect()
    }

    /// The commune with INSEE code `code`, if it is in the region.
    pub fn commune(&self, code: &str) -> Option<&Commune> {
        self.commune_index.get(code).map(|&i| &self.communes[i])
    }

    /// The département a site is in.
    pub fn site_departement(&self, site: &Site) -> Option<&Departement> {
        let commune = self.commune(&site.commune)?;
        self.departements
            .iter()
            .find(|d| d.code == commune.departement)
    }

    /// The host structure of a site.
    pub fn host_structure(&self, site: &Site) -> Option<&HostStructure> {
        self.host_structures
            .iter()
            .find(|h| h.id == site.host_structure)
    }
}

#[derive(Deserialize)]
struct CommuneRow {
    code_insee: String,
    nom: String,
    dep_code: String,
    population: u32,
    #[serde(rename = "codes_postaux")]
    _postcodes: String,
    latitude: f64,
    longitude: f64,
}

fn parse_communes(text: &str, errors: &mut Vec<RulesetError>) -> Vec<Commune> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut communes = Vec::new();
    for (i, row) in reader.deserialize::<CommuneRow>().enumerate() {
        match row {
            Ok(r) => communes.push(Commune {
                code: r.code_insee,
                name: r.nom,
                departement: r.dep_code,
                population: r.population,
                latitude: r.latitude,
                longitude: r.longitude,
            }),
            Err(e) => errors.push(RulesetError {
                file: "communes.csv".to_owned(),
                path: String::new(),
                line: Some(e.position().map_or(i + 2, |p| p.line() as usize)),
                column: None,
                reason: e.to_string(),
            }),
        }
    }
    communes
}

/// A site id the registry does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{id}` is not a site of the registry; the sites are: {}", .known.join(", "))]
pub struct UnknownSite {
    /// The id given.
    pub id: String,
    /// The registry's site ids, in its order.
    pub known: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_not_in_the_registry_is_refused_with_the_list_of_sites() {
        let registry = Registry::champagne_ardenne();
        assert_eq!(registry.require_site("sedan").unwrap().id, "sedan");
        let ids = registry.site_ids();
        assert_eq!(ids.len(), 11);
        let err = registry.require_site("paris").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "`paris` is not a site of the registry; the sites are: {}",
                ids.join(", ")
            )
        );
    }

    #[test]
    fn the_shipped_registry_has_the_eleven_sites_of_2009_in_four_departements() {
        let registry = Registry::champagne_ardenne();
        assert_eq!(registry.sites.len(), 11);
        assert_eq!(registry.communes.len(), 1914);
        let per_departement = |code: &str| {
            registry
                .sites
                .iter()
                .filter(|s| registry.site_departement(s).unwrap().code == code)
                .count()
        };
        assert_eq!(per_departement("08"), 3);
        assert_eq!(per_departement("10"), 3);
        assert_eq!(per_departement("51"), 2);
        assert_eq!(per_departement("52"), 3);
        assert_eq!(registry.site("vireux-molhain").unwrap().commune, "08486");
        assert_eq!(registry.site("nogent").unwrap().commune, "52353");
    }

    #[test]
    fn the_communes_add_up_to_the_published_population() {
        let registry = Registry::champagne_ardenne();
        let total: u64 = registry
            .communes
            .iter()
            .map(|c| u64::from(c.population))
            .sum();
        assert_eq!(total, 1_307_747);
    }

    #[test]
    fn a_site_in_an_unknown_commune_is_refused_with_its_path() {
        let text = SHIPPED_REGISTRY.replace("commune = \"08409\"", "commune = \"99999\"");
        let err = Registry::from_sources(&text, SHIPPED_COMMUNES).unwrap_err();
        assert_eq!(err.0.len(), 1);
        assert_eq!(err.0[0].path, "sites[2].commune");
        assert!(err.0[0].reason.contains("99999"));
    }

    #[test]
    fn an_unknown_field_is_refused_with_its_line() {
        let text = SHIPPED_REGISTRY.replace("[region]\n", "[region]\nmotto = \"x\"\n");
        let err = Registry::from_sources(&text, SHIPPED_COMMUNES).unwrap_err();
        assert!(err.0[0].reason.contains("motto"), "{err}");
        assert!(err.0[0].line.is_some());
    }
}
