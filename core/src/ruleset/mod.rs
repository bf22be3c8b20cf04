//! The network's rules as versioned data.
//!
//! A ruleset is a folder of TOML files (`rulesets/champagne-ardenne/` is the
//! shipped one): `ruleset.toml` names it and gives its version, and each area
//! of the rules has a file of its own — `statistics.toml` here, and the
//! labelling, governance and territory files read by the crates that own
//! those areas through [`Ruleset::section`]. The core never reads a disk: it
//! is handed the files' texts, and the shipped ruleset is compiled in.
//!
//! Every value is dated (see [`crate::dated`]), so that a region changing a
//! threshold edits a file, adds a period, and keeps the past judgeable.
//! Every number of every file is also held to a sane range ([`bounds`]): a
//! masking threshold of 0 or a label valid for a century is refused with
//! its file, path, line and the reason.

pub mod bounds;
mod error;
pub mod statistics;

pub use error::{RulesetError, RulesetErrors};
pub use statistics::{Code, Nomenclature, NomenclatureId, Publication, StatisticsRules};

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The ruleset's identity: which network, which version of its rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Short identifier, e.g. `champagne-ardenne`.
    pub id: String,
    /// Version of the rules, bumped by the region at each change.
    pub version: String,
    /// Display name, in French.
    pub name: String,
    /// The region that sponsors the network.
    pub region: String,
}

/// The files of the ruleset shipped with the library, compiled in.
const SHIPPED: &[(&str, &str)] = &[
    (
        "ruleset.toml",
        include_str!("../../../rulesets/champagne-ardenne/ruleset.toml"),
    ),
    (
        "statistics.toml",
        include_str!("../../../rulesets/champagne-ardenne/statistics.toml"),
    ),
    (
        "territory.toml",
        include_str!("../../../rulesets/champagne-ardenne/territory.toml"),
    ),
    (
        "labelling.toml",
        include_str!("../../../rulesets/champagne-ardenne/labelling.toml"),
    ),
    (
        "governance.toml",
        include_str!("../../../rulesets/champagne-ardenne/governance.toml"),
    ),
];

/// A loaded and checked ruleset.
#[derive(Debug, Clone)]
pub struct Ruleset {
    /// Identity and version.
    pub manifest: Manifest,
    /// The statistics nomenclatures and publication rules.
    pub statistics: StatisticsRules,
    /// The texts of every file, by file name, for the areas that parse their
    /// own section (labelling, governance, territory, plugins).
    files: BTreeMap<String, String>,
}

impl Ruleset {
    /// The Champagne-Ardenne ruleset shipped with the library.
    pub fn champagne_ardenne() -> Ruleset {
        let files = SHIPPED
            .iter()
            .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
            .collect();
        // The shipped files are checked by the test suite, so a failure here
        // is a build defect, not a user's mistake.
        Ruleset::from_files(files).expect("the shipped ruleset is valid")
    }

    /// Builds a ruleset from its files' texts (file name → text). Every
    /// problem of every file the core owns is reported at once.
    pub fn from_files(files: BTreeMap<String, String>) -> Result<Ruleset, RulesetErrors> {
        let mut errors = Vec::new();
        let manifest = match files.get("ruleset.toml") {
            Some(text) => parse_section::<Manifest>("ruleset.toml", text)
                .map_err(|e| errors.push(e))
                .ok(),
            None => {
                errors.push(RulesetError::missing_file("ruleset.toml"));
                None
            }
        };
        let statistics = match files.get("statistics.toml") {
            Some(text) => match parse_section::<StatisticsRules>("statistics.toml", text) {
                Ok(mut rules) => {
                    errors.extend(rules.check("statistics.toml"));
                    rules.index();
                    Some(rules)
                }
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
            None => {
                errors.push(RulesetError::missing_file("statistics.toml"));
                None
            }
        };
        // Every file's numbers against their sane ranges, the areas' files
        // included: a ruleset is refused as a whole. A place already named
        // (a negative count the parser refused) is not named twice.
        for (name, text) in &files {
            for error in bounds::check(name, text) {
                if !errors
                    .iter()
                    .any(|e| e.file == error.file && e.path == error.path)
                {
                    errors.push(error);
                }
            }
        }
        match (manifest, statistics) {
            (Some(manifest), Some(statistics)) if errors.is_empty() => Ok(Ruleset {
                manifest,
                statistics,
                files,
            }),
            _ => Err(RulesetErrors(errors)),
        }
    }

    /// Parses the area file `file` (e.g. `labelling.toml`) as `T`, for the
    /// crates that own the other areas of the rules.
    pub fn section<T: DeserializeOwned>(&self, file: &str) -> Result<T, RulesetError> {
        let text = self
            .files
            .get(file)
            .ok_or_else(|| RulesetError::missing_file(file))?;
        parse_section(file, text)
    }

    /// The text of one file of the ruleset, if it has it.
    pub fn file(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(String::as_str)
    }

    /// The names of the ruleset's files.
    pub fn file_names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}

/// Parses one TOML file of a ruleset, refusing unknown fields and naming the
/// file, the path inside it, the line and the column of the first problem.
pub fn parse_section<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, RulesetError> {
    let deserializer = toml::Deserializer::parse(text)
        .map_err(|e| RulesetError::from_toml(file, text, String::new(), &e))?;
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        RulesetError::from_toml(file, text, path, e.inner())
    })
}

/// One area of the rules that reads a file of its own in a ruleset folder
/// (labelling, territory, governance…), described so that a check of the
/// whole folder can run every area without knowing its types.
#[derive(Debug, Clone, Copy)]
pub struct RulesArea {
    /// The file the area reads.
    pub file: &'static str,
    /// Every problem of the area's file, given its text and the ruleset's
    /// manifest id and version.
    pub problems: fn(text: &str, id: &str, version: &str) -> Vec<RulesetError>,
}

/// Every problem of the ruleset made of `files` (file name → text): the
/// core's own files first, then each of `areas` on its own file's text, so
/// that a broken statistics file does not hide a problem of another area.
/// A problem the core and an area both find (a missing file) is kept once.
pub fn problems_of_areas(
    files: &BTreeMap<String, String>,
    areas: &[RulesArea],
) -> Vec<RulesetError> {
    let mut found = Vec::new();
    let (id, version) = match Ruleset::from_files(files.clone()) {
        Ok(ruleset) => (ruleset.manifest.id, ruleset.manifest.version),
        Err(errors) => {
            found.extend(errors.0);
            // Areas name their ruleset in what they produce; a broken
            // manifest must not stop their own file's check.
            ("unknown".to_owned(), "unknown".to_owned())
        }
    };
    for area in areas {
        match files.get(area.file) {
            Some(text) => found.extend((area.problems)(text, &id, &version)),
            None => found.push(RulesetError::at(
                area.file,
                "",
                "the ruleset has no such file",
            )),
        }
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|e| seen.insert((e.file.clone(), e.path.clone(), e.reason.clone())));
    found
}

/// The files of a ruleset folder as read from disk (file name → bytes)
/// turned into texts, with one problem for each file that is not UTF-8
/// text: its name, the line and the byte offset of the first byte that is
/// not UTF-8. The other files are decoded all the same, so that a check of
/// the folder goes on with them.
pub fn decode_files(
    raw: BTreeMap<String, Vec<u8>>,
) -> (BTreeMap<String, String>, Vec<RulesetError>) {
    let mut texts = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, bytes) in raw {
        match String::from_utf8(bytes) {
            Ok(text) => {
                texts.insert(name, text);
            }
            Err(e) => {
                let bytes = e.as_bytes();
                let offset = e.utf8_error().valid_up_to();
                let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
                let (line, column) = error::line_column(valid, offset);
                problems.push(RulesetError {
                    file: name,
                    path: String::new(),
                    line: Some(line),
                    column: Some(column),
                    reason: format!(
                        "the file is not UTF-8 text: byte 0x{:02X} at byte offset {offset} is not \
                         valid UTF-8 (save the file as UTF-8)",
                        bytes[offset]
                    ),
                });
            }
        }
    }
    (texts, problems)
}

/// Every problem of a ruleset folder read from disk (file name → bytes),
/// the check `em ruleset check` makes and every loading of a folder makes
/// before use: a file that is not UTF-8, the core's files, each of `areas`
/// on its own file, and the files no area reads; sorted by file and line.
/// Each file is checked on its own, so one broken file hides nothing of the
/// others.
pub fn problems_of_folder(
    raw: BTreeMap<String, Vec<u8>>,
    areas: &[RulesArea],
) -> Vec<RulesetError> {
    let (texts, mut found) = decode_files(raw);
    let undecoded: Vec<String> = found.iter().map(|e| e.file.clone()).collect();
    // A file that is not UTF-8 is named once, for that reason, and not again
    // as missing.
    found.extend(
        problems_of_areas(&texts, areas)
            .into_iter()
            .filter(|e| !undecoded.contains(&e.file)),
    );
    let known: Vec<&str> = CORE_FILES
        .iter()
        .copied()
        .chain(areas.iter().map(|a| a.file))
        .collect();
    for name in texts.keys().chain(&undecoded) {
        if !known.contains(&name.as_str()) {
            found.push(RulesetError::at(
                name,
                "",
                format!(
                    "no area of the rules reads this file (they read {})",
                    known.join(", ")
                ),
            ));
        }
    }
    found.sort_by(|a, b| a.file.cmp(&b.file).then(a.line.cmp(&b.line)));
    found
}

/// The files the core itself reads in a ruleset folder.
pub const CORE_FILES: [&str; 2] = ["ruleset.toml", "statistics.toml"];

impl Ruleset {
    /// Loads a ruleset folder read from disk (file name → bytes) after the
    /// whole check of [`problems_of_folder`] — every area, not only the
    /// core's — so that a ruleset in use is one `em ruleset check` accepts;
    /// every problem of every file is returned at once.
    pub fn from_folder_files(
        raw: BTreeMap<String, Vec<u8>>,
        areas: &[RulesArea],
    ) -> Result<Ruleset, RulesetErrors> {
        let found = problems_of_folder(raw.clone(), areas);
        if !found.is_empty() {
            return Err(RulesetErrors(found));
        }
        let (texts, _) = decode_files(raw);
        Ruleset::from_files(texts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn shipped_files() -> BTreeMap<String, String> {
        SHIPPED
            .iter()
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
            .collect()
    }

    /// The shipped core files, the only ones a check with no areas reads.
    fn shipped_bytes() -> BTreeMap<String, Vec<u8>> {
        shipped_files()
            .into_iter()
            .filter(|(n, _)| CORE_FILES.contains(&n.as_str()))
            .map(|(n, t)| (n, t.into_bytes()))
            .collect()
    }

    #[test]
    fn a_file_that_is_not_utf8_is_one_problem_with_its_line_and_offset_and_the_others_are_checked()
    {
        let mut raw = shipped_bytes();
        // Windows-1252 "é" on line 3 of the manifest.
        raw.insert(
            "ruleset.toml".into(),
            b"id = \"x\"\nversion = \"1\"\nname = \"R\xe9gion\"\n".to_vec(),
        );
        let stats = String::from_utf8(raw["statistics.toml"].clone()).unwrap();
        raw.insert(
            "statistics.toml".into(),
            stats
                .replace("schema_version = 1", "schema_version = \"one\"")
                .into_bytes(),
        );
        raw.insert("notes.toml".into(), vec![0xff, b'\n']);
        let found = problems_of_folder(raw.clone(), &[]);
        let places: Vec<_> = found
            .iter()
            .map(|e| (e.file.as_str(), e.line, e.column))
            .collect();
        assert_eq!(
            places,
            [
                ("notes.toml", None, None),
                ("notes.toml", Some(1), Some(1)),
                ("ruleset.toml", Some(3), Some(10)),
                ("statistics.toml", Some(5), Some(18)),
            ],
            "{found:?}"
        );
        assert!(found[0].reason.contains("no area"), "{found:?}");
        assert!(found[1].reason.contains("byte offset 0"), "{found:?}");
        assert!(
            found[2].reason.contains("byte 0xE9 at byte offset 32"),
            "{}",
            found[2]
        );
        let err = Ruleset::from_folder_files(raw, &[]).unwrap_err();
        assert_eq!(err.0, found);
    }

    #[test]
    fn a_folder_is_loaded_only_when_every_area_passes() {
        fn picky(text: &str, _: &str, _: &str) -> Vec<RulesetError> {
            if text.contains("bad") {
                vec![RulesetError::at("area.toml", "x", "bad value")]
            } else {
                Vec::new()
            }
        }
        let area = RulesArea {
            file: "area.toml",
            problems: picky,
        };
        let mut raw = shipped_bytes();
        raw.insert("area.toml".into(), b"x = \"bad\"\n".to_vec());
        let err = Ruleset::from_folder_files(raw.clone(), &[area]).unwrap_err();
        assert_eq!(err.0.len(), 1, "{err}");
        assert_eq!(err.0[0].reason, "bad value");
        raw.insert("area.toml".into(), b"x = \"good\"\n".to_vec());
        let ruleset = Ruleset::from_folder_files(raw, &[area]).unwrap();
        assert_eq!(ruleset.manifest.id, "champagne-ardenne");
    }

    #[test]
    fn the_shipped_ruleset_loads_and_answers_for_2009() {
        let ruleset = Ruleset::champagne_ardenne();
        assert_eq!(ruleset.manifest.id, "champagne-ardenne");
        let stats = &ruleset.statistics;
        assert_eq!(stats.small_count_threshold(date(2009, 6, 1)), Ok(5));
        assert_eq!(
            stats.label("status", "job_seeker", date(2009, 6, 1)),
            Some("Demandeur d'emploi")
        );
        let theme = stats
            .code("theme", "guidance.vae", date(2009, 6, 1))
            .unwrap();
        assert_eq!(theme.parent.as_deref(), Some("guidance"));
        assert!(
            stats
                .code("theme", "guidance.vae", date(2006, 6, 1))
                .is_err()
        );
    }

    #[test]
    fn a_threshold_asked_for_before_the_rules_existed_is_an_error() {
        let ruleset = Ruleset::champagne_ardenne();
        let err = ruleset
            .statistics
            .small_count_threshold(date(2005, 1, 1))
            .unwrap_err();
        assert!(err.to_string().contains("2005-01-01"));
    }

    #[test]
    fn overlapping_periods_of_one_code_are_refused_with_their_path() {
        let mut files = shipped_files();
        let stats = files.get_mut("statistics.toml").unwrap();
        *stats = stats.replace(
            "{ code = \"female\", label = \"Femme\", from = \"2007-01-01\" },",
            "{ code = \"female\", label = \"Femme\", from = \"2007-01-01\" },\n  { code = \"female\", label = \"F\", from = \"2008-01-01\" },",
        );
        let err = Ruleset::from_files(files).unwrap_err();
        assert_eq!(err.0.len(), 1, "{err}");
        assert_eq!(err.0[0].file, "statistics.toml");
        assert!(
            err.0[0].path.starts_with("nomenclatures[1].codes[1]"),
            "{err}"
        );
    }

    #[test]
    fn an_unknown_field_and_a_wrong_type_name_their_place() {
        let mut files = shipped_files();
        let stats = files.get_mut("statistics.toml").unwrap();
        *stats = stats.replace("schema_version = 1", "schema_version = \"one\"");
        let err = Ruleset::from_files(files).unwrap_err();
        assert_eq!(err.0[0].line, Some(5), "{err}");
        assert!(err.0[0].path.contains("schema_version"), "{err}");

        let mut files = shipped_files();
        let manifest = files.get_mut("ruleset.toml").unwrap();
        manifest.push_str("colour = \"blue\"\n");
        let err = Ruleset::from_files(files).unwrap_err();
        assert!(err.0[0].reason.contains("colour"), "{err}");
    }

    /// The fault a fresh user found: a masking threshold of 0 was accepted
    /// and every small count was published.
    #[test]
    fn a_masking_threshold_of_zero_or_below_is_refused_with_file_path_and_reason() {
        for (value, words) in [("0", "0 is below the smallest sane value, 2"), ("-3", "-3")] {
            let mut files = shipped_files();
            let stats = files.get_mut("statistics.toml").unwrap();
            *stats = stats.replace(
                "small_count_threshold = [{ from = \"2007-01-01\", value = 5 }]",
                &format!("small_count_threshold = [{{ from = \"2007-01-01\", value = {value} }}]"),
            );
            let err = Ruleset::from_files(files).unwrap_err();
            assert_eq!(err.0.len(), 1, "{err}");
            let e = &err.0[0];
            assert_eq!(e.file, "statistics.toml");
            assert_eq!(
                e.path, "publication.small_count_threshold[0].value",
                "{err}"
            );
            assert!(e.line.is_some(), "{err}");
            assert!(e.reason.contains(words), "{err}");
        }
    }

    #[test]
    fn an_absurd_number_in_an_area_file_is_refused_by_the_whole_ruleset() {
        let mut files = shipped_files();
        let territory = files.get_mut("territory.toml").unwrap();
        *territory = territory.replace("value = 30.0", "value = 5000.0");
        let err = Ruleset::from_files(files).unwrap_err();
        let paths: Vec<(&str, &str)> = err
            .0
            .iter()
            .map(|e| (e.file.as_str(), e.path.as_str()))
            .collect();
        assert_eq!(
            paths,
            [
                ("territory.toml", "white_zone_km[0].value"),
                ("territory.toml", "catchment_overlap_radius_km[0].value")
            ],
            "{err}"
        );
        assert!(err.0[0].reason.contains("300 km"), "{err}");
    }

    #[test]
    fn a_required_field_that_a_visit_does_not_have_is_refused() {
        let mut files = shipped_files();
        let stats = files.get_mut("statistics.toml").unwrap();
        *stats = stats.replace(
            "value = [\"contact_mode\", \"themes\"]",
            "value = [\"contact_mode\", \"shoe_size\"]",
        );
        let err = Ruleset::from_files(files).unwrap_err();
        assert!(err.0[0].reason.contains("shoe_size"), "{err}");
        assert_eq!(err.0[0].path, "visit_required_fields[0].value[1]");
    }
}
