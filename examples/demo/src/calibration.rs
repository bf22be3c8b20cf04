//! The generator's parameters, read from `calibration.toml`.
//!
//! The parameters are data, each with its source in the file, so that a
//! reader can see which figures are published and which are assumptions, and
//! change them without touching the simulation. They are checked against the
//! ruleset on load: a code the nomenclatures do not know is an error, not a
//! silently empty share.

use std::collections::BTreeMap;

use em_core::{Registry, Ruleset};
use jiff::civil::Date;
use serde::Deserialize;

use crate::DemoError;

/// The optional fields of a visit the generator may leave blank.
pub const OPTIONAL_FIELDS: &[&str] = &[
    "sex",
    "age_band",
    "status",
    "education_level",
    "commune",
    "arrival_channel",
];

/// The shipped parameters.
pub const SHIPPED: &str = include_str!("../calibration.toml");

/// A table of codes and their weights.
pub type Weights = BTreeMap<String, f64>;

/// Every parameter of the generator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    /// The seed of the whole simulation.
    pub seed: u64,
    /// How many visits each site gets.
    pub volume: Volume,
    /// Where visitors live.
    pub residence: Residence,
    /// Who comes.
    pub people: People,
    /// What a visit is about.
    pub visit: VisitShares,
    /// Adjustments for one site.
    #[serde(default)]
    pub site_overrides: Vec<SiteOverride>,
    /// The satisfaction survey.
    pub survey: Survey,
    /// Events.
    pub events: Events,
    /// Which files each site keeps.
    pub files: Vec<SiteFiles>,
}

/// Visit volumes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    /// The site whose published count sets the rate.
    pub reference_site: String,
    /// Its published count of visits.
    pub reference_visits: f64,
    /// Over how many months.
    pub reference_months: f64,
    /// Yearly factor on the reference rate, by year.
    pub years: BTreeMap<String, f64>,
    /// Share of visits that are a first visit.
    pub first_visit_share: f64,
    /// Weight of each month, January first.
    pub month_weights: [f64; 12],
}

/// The gravity model of residence.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Residence {
    /// Distance over which a commune's weight falls by a factor e.
    pub distance_scale_km: f64,
    /// Communes farther than this are left out.
    pub max_distance_km: f64,
    /// Factor on communes nearer to another site.
    pub outside_catchment: f64,
}

/// Who comes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct People {
    /// Sex shares.
    pub sex: Weights,
    /// Age band shares.
    pub age_band: Weights,
    /// Education shares of adults.
    pub education_level: Weights,
    /// Education shares below 18.
    pub education_level_minors: Weights,
    /// Share of blanks in optional fields.
    pub missing_share: f64,
    /// Status shares by age band.
    pub status_by_age: BTreeMap<String, Weights>,
}

/// What a visit is about.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitShares {
    /// Contact mode shares.
    pub contact_mode: Weights,
    /// Arrival channel shares.
    pub arrival_channel: Weights,
    /// Top-level theme shares.
    pub theme: Weights,
    /// Probability of a second theme.
    pub second_theme_share: f64,
    /// Factors on theme weights, by status.
    #[serde(default)]
    pub theme_factor_by_status: BTreeMap<String, Weights>,
    /// Sub-theme shares (a top-level code stands for "no sub-theme").
    pub sub_theme: Weights,
    /// Probability of each service.
    pub services: Weights,
    /// Share of visits with a referral.
    pub referral_share: f64,
    /// Partner shares by theme or sub-theme.
    pub referrals: BTreeMap<String, Weights>,
}

/// Adjustments for one site.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteOverride {
    /// The site.
    pub site: String,
    /// Share of visits about business creation.
    pub business_creation_share: Option<f64>,
    /// Optional fields the site never leaves blank.
    #[serde(default)]
    pub always_filled: Vec<String>,
}

/// The satisfaction survey.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Survey {
    /// Share of visits followed by an answer.
    pub response_share: f64,
    /// Score shares, by score.
    pub scores: BTreeMap<String, f64>,
    /// Share of items left blank.
    pub item_blank_share: f64,
    /// Share of "yes" to would-recommend.
    pub would_recommend: f64,
    /// Share of blank would-recommend.
    pub recommend_blank_share: f64,
}

/// Events.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Events {
    /// One event per this many visits.
    pub visits_per_event: f64,
    /// At least this many events a year per site.
    pub min_events: u32,
    /// Share of attendees answering the satisfaction question.
    pub satisfaction_respondent_share: f64,
    /// Share of respondents satisfied.
    pub satisfied_share: f64,
    /// Event types.
    pub types: Vec<EventType>,
    /// How many partners an event has, low and high.
    pub event_partner_count: [u32; 2],
    /// Partner shares of events.
    pub event_partners: Weights,
}

/// One event type's parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventType {
    /// Code (nomenclature `event_type`).
    pub code: String,
    /// Share of events.
    pub weight: f64,
    /// Attendance, low and high.
    pub attendance: [u32; 2],
    /// Length in days.
    pub days: u32,
}

/// How a site keeps its visits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteFiles {
    /// The site.
    pub site: String,
    /// `csv` or `xlsx`.
    pub visits: VisitFormat,
    /// For CSV: the text encoding.
    #[serde(default)]
    pub encoding: Encoding,
    /// For CSV: whether the file starts with a `sep=;` line.
    #[serde(default)]
    pub sep_line: bool,
    /// Headers the site writes in place of the regional template's, by
    /// field (`sex = "Genre"`).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// How the site keeps its survey answers.
    #[serde(default)]
    pub survey_answers: SurveyFormat,
}

/// The format of a site's survey answer file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurveyFormat {
    /// JSON Lines from the web form.
    #[default]
    Jsonl,
    /// A French CSV keyed in from paper forms, scores written as words.
    Csv,
}

/// The format of a site's visit file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitFormat {
    /// French-convention CSV.
    Csv,
    /// A spreadsheet with a title row.
    Xlsx,
}

/// The text encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum Encoding {
    /// UTF-8 without a byte-order mark.
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    /// UTF-8 with a byte-order mark, as Excel writes "CSV UTF-8".
    #[serde(rename = "utf-8-bom")]
    Utf8Bom,
    /// Windows-1252, as older spreadsheets write "CSV".
    #[serde(rename = "windows-1252")]
    Windows1252,
}

impl Calibration {
    /// The shipped parameters, checked against the ruleset and registry.
    pub fn shipped(ruleset: &Ruleset, registry: &Registry) -> Result<Calibration, DemoError> {
        Calibration::parse(SHIPPED, ruleset, registry)
    }

    /// Parameters from a TOML text, checked against the ruleset and registry;
    /// every unknown code or site is reported at once.
    pub fn parse(
        text: &str,
        ruleset: &Ruleset,
        registry: &Registry,
    ) -> Result<Calibration, DemoError> {
        let calibration: Calibration = em_core::ruleset::parse_section("calibration.toml", text)
            .map_err(|e| DemoError::Calibration(vec![e.to_string()]))?;
        let problems = calibration.check(ruleset, registry);
        if problems.is_empty() {
            Ok(calibration)
        } else {
            Err(DemoError::Calibration(problems))
        }
    }

    fn check(&self, ruleset: &Ruleset, registry: &Registry) -> Vec<String> {
        // Codes are checked on the first day of the earliest simulated year.
        let day = self
            .years()
            .first()
            .map_or(Date::constant(2009, 1, 1), |y| Date::constant(*y, 1, 1));
        let stats = &ruleset.statistics;
        let mut problems = Vec::new();
        let mut codes = |path: &str, nomenclature: &str, table: &Weights| {
            for code in table.keys() {
                if stats.code(nomenclature, code, day).is_err() {
                    problems.push(format!(
                        "calibration.toml: {path}: `{code}` is not a code of nomenclature `{nomenclature}` on {day}"
                    ));
                }
            }
        };
        codes("people.sex", "sex", &self.people.sex);
        codes("people.age_band", "age_band", &self.people.age_band);
        codes(
            "people.education_level",
            "education_level",
            &self.people.education_level,
        );
        codes(
            "people.education_level_minors",
            "education_level",
            &self.people.education_level_minors,
        );
        for (age, table) in &self.people.status_by_age {
            codes(&format!("people.status_by_age.{age}"), "status", table);
        }
        codes(
            "visit.contact_mode",
            "contact_mode",
            &self.visit.contact_mode,
        );
        codes(
            "visit.arrival_channel",
            "arrival_channel",
            &self.visit.arrival_channel,
        );
        codes("visit.theme", "theme", &self.visit.theme);
        codes("visit.sub_theme", "theme", &self.visit.sub_theme);
        for (status, table) in &self.visit.theme_factor_by_status {
            codes(
                &format!("visit.theme_factor_by_status.{status}"),
                "theme",
                table,
            );
        }
        codes("visit.services", "service", &self.visit.services);
        for (theme, table) in &self.visit.referrals {
            codes(&format!("visit.referrals.{theme}"), "partner", table);
        }
        codes(
            "events.event_partners",
            "partner",
            &self.events.event_partners,
        );
        let types: Weights = self
            .events
            .types
            .iter()
            .map(|t| (t.code.clone(), t.weight))
            .collect();
        codes("events.types", "event_type", &types);
        for age in self.people.age_band.keys() {
            if !self.people.status_by_age.contains_key(age) {
                problems.push(format!(
                    "calibration.toml: people.status_by_age: age band `{age}` has no status table"
                ));
            }
        }
        for site in &registry.sites {
            if !self.files.iter().any(|f| f.site == site.id) {
                problems.push(format!(
                    "calibration.toml: files: site `{}` has no file layout",
                    site.id
                ));
            }
        }
        let known_site = |id: &str| registry.site(id).is_some();
        for (i, f) in self.files.iter().enumerate() {
            for field in f.headers.keys() {
                if !crate::write::VISIT_COLUMNS
                    .iter()
                    .any(|(_, name)| name == field)
                {
                    problems.push(format!(
                        "calibration.toml: files[{i}].headers: `{field}` is not a column of a visit file"
                    ));
                }
            }
            if !known_site(&f.site) {
                problems.push(format!(
                    "calibration.toml: files[{i}].site: `{}` is not a site of the registry",
                    f.site
                ));
            }
        }
        if !known_site(&self.volume.reference_site) {
            problems.push(format!(
                "calibration.toml: volume.reference_site: `{}` is not a site of the registry",
                self.volume.reference_site
            ));
        }
        for (i, o) in self.site_overrides.iter().enumerate() {
            if !known_site(&o.site) {
                problems.push(format!(
                    "calibration.toml: site_overrides[{i}].site: `{}` is not a site of the registry",
                    o.site
                ));
            }
            for field in &o.always_filled {
                if !OPTIONAL_FIELDS.contains(&field.as_str()) {
                    problems.push(format!(
                        "calibration.toml: site_overrides[{i}].always_filled: `{field}` is not an optional field of a visit ({})",
                        OPTIONAL_FIELDS.join(", ")
                    ));
                }
            }
        }
        if self.years().is_empty() {
            problems.push("calibration.toml: volume.years: no year to simulate".to_owned());
        }
        for key in self.volume.years.keys() {
            if key.parse::<i16>().is_err() {
                problems.push(format!(
                    "calibration.toml: volume.years: `{key}` is not a year"
                ));
            }
        }
        problems
    }

    /// The simulated years, in order.
    pub fn years(&self) -> Vec<i16> {
        let mut years: Vec<i16> = self
            .volume
            .years
            .keys()
            .filter_map(|k| k.parse().ok())
            .collect();
        years.sort_unstable();
        years
    }

    /// The layout of a site's files.
    pub fn files_of(&self, site: &str) -> Option<&SiteFiles> {
        self.files.iter().find(|f| f.site == site)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_calibration_matches_the_shipped_ruleset_and_registry() {
        let ruleset = Ruleset::champagne_ardenne();
        let registry = Registry::champagne_ardenne();
        let calibration = Calibration::shipped(&ruleset, &registry).unwrap();
        assert_eq!(calibration.years(), vec![2008, 2009]);
    }

    #[test]
    fn an_unknown_code_and_an_unknown_site_are_both_reported() {
        let ruleset = Ruleset::champagne_ardenne();
        let registry = Registry::champagne_ardenne();
        let text = SHIPPED
            .replace("female = 52", "femme = 52")
            .replace("site = \"nogent\"", "site = \"nogent-sur-seine\"");
        let DemoError::Calibration(problems) =
            Calibration::parse(&text, &ruleset, &registry).unwrap_err()
        else {
            panic!("expected a calibration error");
        };
        assert!(
            problems.iter().any(|p| p.contains("`femme`")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("`nogent-sur-seine`")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("site `nogent` has no file layout")),
            "{problems:?}"
        );
    }
}
