//! The ruleset from Python: load the shipped one or a folder of TOML files,
//! validate a folder and get every problem, read nomenclatures and dated
//! publication rules.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use crate::convert;
use crate::error::{EmError, Problem};

/// The identity of a ruleset.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RulesetInfo {
    /// Short identifier, e.g. `champagne-ardenne`.
    pub id: String,
    /// Version of the rules.
    pub version: String,
    /// Display name, in French.
    pub name: String,
    /// The sponsoring region.
    pub region: String,
    /// The names of the ruleset's files.
    pub files: Vec<String>,
}

/// One code of a nomenclature, with its period.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CodeInfo {
    /// The code as records write it.
    pub code: String,
    /// The French label.
    pub label: String,
    /// The parent code, for a sub-code.
    pub parent: Option<String>,
    /// First day in force (ISO date).
    pub from_date: String,
    /// Last day in force (ISO date), if it has one.
    pub until_date: Option<String>,
}

/// A loaded and checked ruleset.
#[derive(Debug, uniffi::Object)]
pub struct Ruleset {
    pub(crate) inner: em_core::Ruleset,
}

impl Ruleset {
    pub(crate) fn core(&self) -> &em_core::Ruleset {
        &self.inner
    }
}

/// Reads every `.toml` file of a folder as bytes, by file name; the check
/// decodes them, so that a file that is not UTF-8 is one problem among the
/// others.
fn read_dir(dir: &str) -> Result<BTreeMap<String, Vec<u8>>, EmError> {
    if !Path::new(dir).is_dir() {
        return Err(EmError::file(
            dir,
            &std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder"),
        ));
    }
    let entries = std::fs::read_dir(dir).map_err(|e| EmError::file(dir, &e))?;
    let mut files = BTreeMap::new();
    for entry in entries {
        let entry = entry.map_err(|e| EmError::file(dir, &e))?;
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "toml") {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes =
                std::fs::read(&path).map_err(|e| EmError::file(&path.display().to_string(), &e))?;
            files.insert(name, bytes);
        }
    }
    Ok(files)
}

/// The areas that read a file of their own, beside the core's: the same
/// list as `em ruleset check`'s.
const AREAS: [em_core::ruleset::RulesArea; 3] = [
    em_labelling::LABELLING_AREA,
    em_territory::TERRITORY_AREA,
    em_governance::GOVERNANCE_AREA,
];

#[uniffi::export]
impl Ruleset {
    /// The Champagne-Ardenne ruleset shipped with the library.
    #[uniffi::constructor]
    pub fn shipped() -> Arc<Ruleset> {
        Arc::new(Ruleset {
            inner: em_core::Ruleset::champagne_ardenne(),
        })
    }

    /// Loads the ruleset in folder `dir` (its `.toml` files), once every
    /// area passes the check of `em ruleset check` (labelling, territory and
    /// governance included); every problem is raised at once, with its file,
    /// line and reason.
    #[uniffi::constructor]
    pub fn load(dir: String) -> Result<Arc<Ruleset>, EmError> {
        let _span = tracing::info_span!("binding.ruleset_load").entered();
        let files = read_dir(&dir)?;
        Ok(Arc::new(Ruleset {
            inner: em_core::Ruleset::from_folder_files(files, &AREAS)?,
        }))
    }

    /// Builds a ruleset from file texts (file name → TOML text), checked
    /// in every area as [`Ruleset::load`] checks a folder.
    #[uniffi::constructor]
    pub fn from_files(files: HashMap<String, String>) -> Result<Arc<Ruleset>, EmError> {
        let raw = files
            .into_iter()
            .map(|(name, text)| (name, text.into_bytes()))
            .collect();
        Ok(Arc::new(Ruleset {
            inner: em_core::Ruleset::from_folder_files(raw, &AREAS)?,
        }))
    }

    /// Identity and version.
    pub fn info(&self) -> RulesetInfo {
        let m = &self.inner.manifest;
        RulesetInfo {
            id: m.id.clone(),
            version: m.version.clone(),
            name: m.name.clone(),
            region: m.region.clone(),
            files: self.inner.file_names().map(str::to_owned).collect(),
        }
    }

    /// The text of one file of the ruleset.
    pub fn file(&self, name: String) -> Result<String, EmError> {
        self.inner
            .file(&name)
            .map(str::to_owned)
            .ok_or_else(|| EmError::not_found("name", format!("the ruleset has no file `{name}`")))
    }

    /// The identifiers of the statistics nomenclatures.
    pub fn nomenclatures(&self) -> Vec<String> {
        self.inner
            .statistics
            .nomenclatures
            .iter()
            .map(|n| n.id.clone())
            .collect()
    }

    /// The codes of a nomenclature: all of them, or those in force on `day`.
    pub fn codes(
        &self,
        nomenclature: String,
        day: Option<String>,
    ) -> Result<Vec<CodeInfo>, EmError> {
        let stats = &self.inner.statistics;
        let n = stats.nomenclature(&nomenclature).ok_or_else(|| {
            EmError::not_found(
                "nomenclature",
                format!("the ruleset has no nomenclature `{nomenclature}`"),
            )
        })?;
        let day = day.map(|d| convert::date("day", &d)).transpose()?;
        Ok(n.codes
            .iter()
            .filter(|c| day.is_none_or(|d| c.in_force(d)))
            .map(|c| CodeInfo {
                code: c.code.clone(),
                label: c.label.clone(),
                parent: c.parent.clone(),
                from_date: c.from.to_string(),
                until_date: c.until.map(|u| u.to_string()),
            })
            .collect())
    }

    /// Counts strictly below this number are masked in anything published
    /// about `day`.
    pub fn small_count_threshold(&self, day: String) -> Result<u64, EmError> {
        let day = convert::date("day", &day)?;
        self.inner
            .statistics
            .small_count_threshold(day)
            .map_err(|e| EmError::not_found("day", e.to_string()))
    }

    /// The fields a visit must fill in on `day`.
    pub fn visit_required_fields(&self, day: String) -> Result<Vec<String>, EmError> {
        let day = convert::date("day", &day)?;
        self.inner
            .statistics
            .visit_required_fields(day)
            .map(<[String]>::to_vec)
            .map_err(|e| EmError::not_found("day", e.to_string()))
    }
}

/// Every problem of the ruleset in folder `dir`, in every area — statistics
/// (numbers against their sane ranges included), labelling, territory and
/// governance — each file checked on its own (one that is not UTF-8 is one
/// problem, the others are checked all the same), as `em ruleset check`
/// does; an empty list means it is valid. Only an unreadable folder is an
/// error.
#[uniffi::export]
pub fn validate_ruleset(dir: String) -> Result<Vec<Problem>, EmError> {
    let _span = tracing::info_span!("binding.validate_ruleset").entered();
    let files = read_dir(&dir)?;
    let found = em_core::ruleset::problems_of_folder(files, &AREAS);
    if found.is_empty() {
        return Ok(Vec::new());
    }
    match EmError::from(em_core::ruleset::RulesetErrors(found)) {
        EmError::Ruleset { problems, .. } => Ok(problems),
        other => Err(other),
    }
}
