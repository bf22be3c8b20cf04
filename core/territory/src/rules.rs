//! The territory's rules, read from the ruleset's `territory.toml`: the
//! distance bands coverage is counted in, the distance beyond which a commune
//! is a white zone, and how much of existing sites' catchments a new site may
//! take. Each value is dated; the analyses use the values in force on a day.

use em_core::dated::{NotInForce, Timeline};
use em_core::ruleset::{Ruleset, RulesetError, RulesetErrors};
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The ruleset file this module reads.
pub const TERRITORY_FILE: &str = "territory.toml";

/// The territory area of a ruleset folder, for a check of the whole folder.
pub const TERRITORY_AREA: em_core::ruleset::RulesArea = em_core::ruleset::RulesArea {
    file: TERRITORY_FILE,
    problems: |text, _, _| match em_core::ruleset::parse_section::<TerritoryRuleset>(
        TERRITORY_FILE,
        text,
    ) {
        Ok(rules) => rules.check(),
        Err(e) => vec![e],
    },
};

/// The territory section of the ruleset, every value with its periods; its
/// JSON Schema is published as `schemas/territory.schema.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TerritoryRuleset {
    /// Distances (km) within which coverage is counted, e.g. 10, 20, 30.
    pub coverage_bands_km: Timeline<Vec<f64>>,
    /// A commune farther than this (km) from every site is a white zone; a
    /// new site "brings a commune within reach" when it comes this close.
    pub white_zone_km: Timeline<f64>,
    /// The reach (km) of a site's catchment when measuring how much of it a
    /// new site would take.
    pub catchment_overlap_radius_km: Timeline<f64>,
    /// The largest share (0 to 1) of a new site's catchment population that
    /// may be taken from existing sites' catchments.
    pub max_catchment_overlap_share: Timeline<f64>,
}

/// The territory's rules in force on one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TerritoryRules {
    /// The day the values are in force on.
    pub day: Date,
    /// Distance bands (km), increasing.
    pub coverage_bands_km: Vec<f64>,
    /// White-zone threshold (km).
    pub white_zone_km: f64,
    /// Catchment reach for the overlap figure (km).
    pub catchment_overlap_radius_km: f64,
    /// Largest allowed overlap share (0 to 1).
    pub max_catchment_overlap_share: f64,
}

impl TerritoryRuleset {
    /// Reads and checks `territory.toml` of `ruleset`, reporting every
    /// problem with its path in the file.
    pub fn from_ruleset(ruleset: &Ruleset) -> Result<TerritoryRuleset, RulesetErrors> {
        let rules: TerritoryRuleset = ruleset
            .section(TERRITORY_FILE)
            .map_err(|e| RulesetErrors(vec![e]))?;
        let problems = rules.check();
        if problems.is_empty() {
            Ok(rules)
        } else {
            Err(RulesetErrors(problems))
        }
    }

    /// Every problem of the section: overlapping periods, bands that are
    /// not positive and increasing, distances that are not positive, shares
    /// outside 0 to 1.
    pub fn check(&self) -> Vec<RulesetError> {
        let mut problems = Vec::new();
        let mut periods = |name: &str, found: Vec<(usize, String)>| {
            for (i, reason) in found {
                problems.push(RulesetError::at(
                    TERRITORY_FILE,
                    format!("{name}[{i}]"),
                    reason,
                ));
            }
        };
        periods("coverage_bands_km", self.coverage_bands_km.check());
        periods("white_zone_km", self.white_zone_km.check());
        periods(
            "catchment_overlap_radius_km",
            self.catchment_overlap_radius_km.check(),
        );
        periods(
            "max_catchment_overlap_share",
            self.max_catchment_overlap_share.check(),
        );
        for (i, dated) in self.coverage_bands_km.0.iter().enumerate() {
            let bands = &dated.value;
            let increasing = bands.windows(2).all(|w| w[0] < w[1]);
            let positive = bands.iter().all(|b| b.is_finite() && *b > 0.0);
            if bands.is_empty() || !increasing || !positive {
                problems.push(RulesetError::at(
                    TERRITORY_FILE,
                    format!("coverage_bands_km[{i}].value"),
                    "bands must be at least one positive distance, in increasing order",
                ));
            }
        }
        for (name, timeline) in [
            ("white_zone_km", &self.white_zone_km),
            (
                "catchment_overlap_radius_km",
                &self.catchment_overlap_radius_km,
            ),
        ] {
            for (i, dated) in timeline.0.iter().enumerate() {
                if !(dated.value.is_finite() && dated.value > 0.0) {
                    problems.push(RulesetError::at(
                        TERRITORY_FILE,
                        format!("{name}[{i}].value"),
                        "a distance must be a positive number of kilometres",
                    ));
                }
            }
        }
        for (i, dated) in self.max_catchment_overlap_share.0.iter().enumerate() {
            if !(0.0..=1.0).contains(&dated.value) {
                problems.push(RulesetError::at(
                    TERRITORY_FILE,
                    format!("max_catchment_overlap_share[{i}].value"),
                    "a share must lie between 0 and 1",
                ));
            }
        }
        problems
    }

    /// The values in force on `day`, or every rule that has none.
    pub fn at(&self, day: Date) -> Result<TerritoryRules, Vec<NotInForce>> {
        let bands = self.coverage_bands_km.at("coverage_bands_km", day);
        let white = self.white_zone_km.at("white_zone_km", day);
        let radius = self
            .catchment_overlap_radius_km
            .at("catchment_overlap_radius_km", day);
        let share = self
            .max_catchment_overlap_share
            .at("max_catchment_overlap_share", day);
        match (bands, white, radius, share) {
            (Ok(b), Ok(w), Ok(r), Ok(s)) => Ok(TerritoryRules {
                day,
                coverage_bands_km: b.clone(),
                white_zone_km: *w,
                catchment_overlap_radius_km: *r,
                max_catchment_overlap_share: *s,
            }),
            (b, w, r, s) => Err([b.err(), w.err(), r.err(), s.err()]
                .into_iter()
                .flatten()
                .collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const SAMPLE: &str = r#"
[[coverage_bands_km]]
from = "2007-01-01"
value = [10.0, 20.0, 30.0]

[[white_zone_km]]
from = "2007-01-01"
until = "2010-12-31"
value = 30.0

[[white_zone_km]]
from = "2011-01-01"
value = 25.0

[[catchment_overlap_radius_km]]
from = "2007-01-01"
value = 30.0

[[max_catchment_overlap_share]]
from = "2007-01-01"
value = 0.5
"#;

    fn parse(text: &str) -> TerritoryRuleset {
        em_core::ruleset::parse_section(TERRITORY_FILE, text).unwrap()
    }

    #[test]
    fn the_value_in_force_on_the_day_is_used() {
        let rules = parse(SAMPLE);
        assert!(rules.check().is_empty());
        assert_eq!(rules.at(date(2009, 6, 1)).unwrap().white_zone_km, 30.0);
        assert_eq!(rules.at(date(2011, 1, 1)).unwrap().white_zone_km, 25.0);
    }

    #[test]
    fn a_day_before_every_rule_names_each_missing_rule() {
        let missing = parse(SAMPLE).at(date(2006, 1, 1)).unwrap_err();
        assert_eq!(missing.len(), 4);
        assert_eq!(missing[1].rule, "white_zone_km");
    }

    #[test]
    fn bad_values_are_all_reported_with_their_path() {
        let text = SAMPLE
            .replace("[10.0, 20.0, 30.0]", "[20.0, 10.0]")
            .replace("value = 0.5", "value = 1.5")
            .replace("until = \"2010-12-31\"", "until = \"2011-06-30\"");
        let problems = parse(&text).check();
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "white_zone_km[1]",
                "coverage_bands_km[0].value",
                "max_catchment_overlap_share[0].value"
            ],
            "{problems:?}"
        );
    }

    #[test]
    fn an_unknown_rule_is_refused_with_its_line() {
        let err = em_core::ruleset::parse_section::<TerritoryRuleset>(
            TERRITORY_FILE,
            &format!("{SAMPLE}\n[[walking_minutes]]\nfrom = \"2007-01-01\"\nvalue = 3\n"),
        )
        .unwrap_err();
        assert!(err.reason.contains("walking_minutes"), "{err}");
        assert!(err.line.is_some());
    }
}
