//! The network's registry from Python: the region, its départements, sites
//! and communes, as plain records.

use std::sync::Arc;

use crate::error::EmError;

/// One site (*Espace métiers*) with its place and host.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SiteInfo {
    /// Identifier used in records, e.g. `sedan`.
    pub id: String,
    /// Name.
    pub name: String,
    /// INSEE code of its commune.
    pub commune: String,
    /// Its commune's name.
    pub commune_name: String,
    /// Its département's code.
    pub departement: String,
    /// Its département's name.
    pub departement_name: String,
    /// The host structure's identifier.
    pub host_structure: String,
    /// The host structure's name.
    pub host_structure_name: String,
    /// Who employs the coordinator (CTEM): `host_structure` or `region`.
    pub coordinator_employer: String,
    /// The coordinator's working time (1.0 = full time).
    pub coordinator_working_time: f64,
}

/// A département.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DepartementInfo {
    /// INSEE code, e.g. `08`.
    pub code: String,
    /// Name.
    pub name: String,
}

/// A commune of the region.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CommuneInfo {
    /// INSEE code.
    pub code: String,
    /// Official name.
    pub name: String,
    /// Département code.
    pub departement: String,
    /// Population.
    pub population: u32,
    /// Latitude of its centre (WGS84).
    pub latitude: f64,
    /// Longitude of its centre (WGS84).
    pub longitude: f64,
}

/// The region, its coordination and its départements.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RegionInfo {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// The body that runs the regional coordination.
    pub regional_coordination: String,
    /// The départements.
    pub departements: Vec<DepartementInfo>,
}

/// The network: region, départements, sites, communes.
#[derive(Debug, uniffi::Object)]
pub struct Registry {
    pub(crate) inner: em_core::Registry,
}

impl Registry {
    pub(crate) fn core(&self) -> &em_core::Registry {
        &self.inner
    }

    fn site_info(&self, site: &em_core::registry::Site) -> SiteInfo {
        let r = &self.inner;
        let commune = r.commune(&site.commune);
        let departement = r.site_departement(site);
        let host = r.host_structure(site);
        SiteInfo {
            id: site.id.clone(),
            name: site.name.clone(),
            commune: site.commune.clone(),
            commune_name: commune.map(|c| c.name.clone()).unwrap_or_default(),
            departement: departement.map(|d| d.code.clone()).unwrap_or_default(),
            departement_name: departement.map(|d| d.name.clone()).unwrap_or_default(),
            host_structure: site.host_structure.clone(),
            host_structure_name: host.map(|h| h.name.clone()).unwrap_or_default(),
            coordinator_employer: match site.coordinator.employer {
                em_core::registry::Employer::HostStructure => "host_structure",
                em_core::registry::Employer::Region => "region",
            }
            .to_owned(),
            coordinator_working_time: site.coordinator.working_time,
        }
    }
}

#[uniffi::export]
impl Registry {
    /// The network of Champagne-Ardenne at the end of 2009, shipped.
    #[uniffi::constructor]
    pub fn shipped() -> Arc<Registry> {
        Arc::new(Registry {
            inner: em_core::Registry::champagne_ardenne(),
        })
    }

    /// Loads a registry from a `registry.toml` and a `communes.csv`.
    #[uniffi::constructor]
    pub fn load(registry_toml: String, communes_csv: String) -> Result<Arc<Registry>, EmError> {
        let _span = tracing::info_span!("binding.registry_load").entered();
        let read = |p: &str| std::fs::read_to_string(p).map_err(|e| EmError::file(p, &e));
        let inner = em_core::Registry::from_sources(&read(&registry_toml)?, &read(&communes_csv)?)?;
        Ok(Arc::new(Registry { inner }))
    }

    /// The region and its départements.
    pub fn region(&self) -> RegionInfo {
        let r = &self.inner;
        RegionInfo {
            id: r.region.id.clone(),
            name: r.region.name.clone(),
            regional_coordination: r.region.regional_coordination.clone(),
            departements: r
                .departements
                .iter()
                .map(|d| DepartementInfo {
                    code: d.code.clone(),
                    name: d.name.clone(),
                })
                .collect(),
        }
    }

    /// Every site, in the registry's order.
    pub fn sites(&self) -> Vec<SiteInfo> {
        self.inner.sites.iter().map(|s| self.site_info(s)).collect()
    }

    /// The site `id`.
    pub fn site(&self, id: String) -> Result<SiteInfo, EmError> {
        self.inner
            .site(&id)
            .map(|s| self.site_info(s))
            .ok_or_else(|| {
                EmError::not_found("site", format!("`{id}` is not a site of the registry"))
            })
    }

    /// The commune with INSEE code `code`.
    pub fn commune(&self, code: String) -> Result<CommuneInfo, EmError> {
        self.inner
            .commune(&code)
            .map(|c| CommuneInfo {
                code: c.code.clone(),
                name: c.name.clone(),
                departement: c.departement.clone(),
                population: c.population,
                latitude: c.latitude,
                longitude: c.longitude,
            })
            .ok_or_else(|| {
                EmError::not_found(
                    "commune",
                    format!("`{code}` is not a commune of the region"),
                )
            })
    }

    /// How many communes the region has.
    pub fn commune_count(&self) -> u64 {
        self.inner.communes.len() as u64
    }
}
