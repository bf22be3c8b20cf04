//! The statistics part of the ruleset: nomenclatures and publication rules.
//!
//! Every coded field of a record takes its codes from a nomenclature here.
//! Codes are dated one by one, so that a theme added in 2010 is refused on a
//! 2009 visit, and a label can change without changing the code.

use std::collections::HashMap;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::RulesetError;
use crate::dated::{NotInForce, Timeline};

/// The identifier of a nomenclature, e.g. `theme` or `age_band`.
pub type NomenclatureId = String;

/// One code of a nomenclature, with its French label and its period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Code {
    /// The code as it is written in records, e.g. `job_seeker`.
    pub code: String,
    /// The label shown to people, in French.
    pub label: String,
    /// For a sub-code, the code it belongs to (a sub-theme's theme).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// First day the code may be used.
    pub from: Date,
    /// Last day the code may be used (inclusive); absent while it has no end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
}

impl Code {
    /// Whether the code may be used on `day`.
    pub fn in_force(&self, day: Date) -> bool {
        self.from <= day && self.until.is_none_or(|end| day <= end)
    }
}

/// A list of codes for one coded field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Nomenclature {
    /// Identifier used by the statistics schema, e.g. `status`.
    pub id: NomenclatureId,
    /// Display name, in French.
    pub label: String,
    /// The codes, in display order.
    pub codes: Vec<Code>,
}

/// Rules about what may be published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    /// Counts strictly below this number are masked in any published output.
    pub small_count_threshold: Timeline<u64>,
}

/// The statistics section of the ruleset (`statistics.toml`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatisticsRules {
    /// Version of the statistics schema the nomenclatures are for.
    pub schema_version: u32,
    /// What may be published.
    pub publication: Publication,
    /// Fields a visit must fill in, by period (field names of the schema).
    pub visit_required_fields: Timeline<Vec<String>>,
    /// The nomenclatures, one per coded field.
    pub nomenclatures: Vec<Nomenclature>,
    /// Where each (nomenclature, code) is, for quick look-ups; built on load.
    #[serde(skip)]
    #[schemars(skip)]
    index: HashMap<String, HashMap<String, Vec<usize>>>,
    #[serde(skip)]
    #[schemars(skip)]
    by_id: HashMap<String, usize>,
}

/// The nomenclatures the statistics schema v1 needs, checked at load.
pub const REQUIRED_NOMENCLATURES: &[&str] = &[
    "contact_mode",
    "sex",
    "age_band",
    "status",
    "education_level",
    "arrival_channel",
    "theme",
    "service",
    "partner",
    "survey_item",
    "event_type",
];

/// Why a code is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeProblem {
    /// The nomenclature has no such code at all.
    Unknown,
    /// The code exists but is not in force on that day.
    NotInForce {
        /// The periods the code is in force.
        periods: Vec<(Date, Option<Date>)>,
    },
}

impl StatisticsRules {
    /// Problems that the types cannot catch: duplicate nomenclatures, codes
    /// whose periods overlap, unknown parents, missing nomenclatures.
    pub(crate) fn check(&self, file: &str) -> Vec<RulesetError> {
        let mut errors = Vec::new();
        for (i, problem) in self.publication.small_count_threshold.check() {
            errors.push(RulesetError::at(
                file,
                format!("publication.small_count_threshold[{i}]"),
                problem,
            ));
        }
        for (i, problem) in self.visit_required_fields.check() {
            errors.push(RulesetError::at(
                file,
                format!("visit_required_fields[{i}]"),
                problem,
            ));
        }
        for (i, period) in self.visit_required_fields.0.iter().enumerate() {
            for (j, field) in period.value.iter().enumerate() {
                if !crate::statistics::VISIT_FIELDS.contains(&field.as_str()) {
                    errors.push(RulesetError::at(
                        file,
                        format!("visit_required_fields[{i}].value[{j}]"),
                        format!("`{field}` is not a field of a visit"),
                    ));
                }
            }
        }
        for required in REQUIRED_NOMENCLATURES {
            if !self.nomenclatures.iter().any(|n| n.id == *required) {
                errors.push(RulesetError::at(
                    file,
                    "nomenclatures",
                    format!("the statistics schema needs a nomenclature `{required}`"),
                ));
            }
        }
        for (n, nomenclature) in self.nomenclatures.iter().enumerate() {
            if self.nomenclatures[..n]
                .iter()
                .any(|other| other.id == nomenclature.id)
            {
                errors.push(RulesetError::at(
                    file,
                    format!("nomenclatures[{n}].id"),
                    format!("nomenclature `{}` is defined twice", nomenclature.id),
                ));
            }
            for (c, code) in nomenclature.codes.iter().enumerate() {
                let path = format!("nomenclatures[{n}].codes[{c}]");
                if let Some(until) = code.until
                    && until < code.from
                {
                    errors.push(RulesetError::at(
                        file,
                        format!("{path}.until"),
                        format!("ends on {until}, before it starts on {}", code.from),
                    ));
                }
                for earlier in &nomenclature.codes[..c] {
                    let ends_before =
                        |a: Option<Date>, start: Date| a.is_some_and(|end| end < start);
                    if earlier.code == code.code
                        && !(ends_before(earlier.until, code.from)
                            || ends_before(code.until, earlier.from))
                    {
                        errors.push(RulesetError::at(
                            file,
                            path.clone(),
                            format!(
                                "code `{}` of `{}` has two periods that overlap",
                                code.code, nomenclature.id
                            ),
                        ));
                    }
                }
                if let Some(parent) = &code.parent
                    && !nomenclature.codes.iter().any(|p| &p.code == parent)
                {
                    errors.push(RulesetError::at(
                        file,
                        format!("{path}.parent"),
                        format!("parent `{parent}` is not a code of `{}`", nomenclature.id),
                    ));
                }
            }
        }
        errors
    }

    pub(crate) fn index(&mut self) {
        self.index.clear();
        self.by_id.clear();
        for (n, nomenclature) in self.nomenclatures.iter().enumerate() {
            self.by_id.insert(nomenclature.id.clone(), n);
            for (c, code) in nomenclature.codes.iter().enumerate() {
                self.index
                    .entry(nomenclature.id.clone())
                    .or_default()
                    .entry(code.code.clone())
                    .or_default()
                    .push(c);
            }
        }
    }

    /// The nomenclature `id`, if the ruleset has it.
    pub fn nomenclature(&self, id: &str) -> Option<&Nomenclature> {
        self.by_id.get(id).map(|&n| &self.nomenclatures[n])
    }

    /// The code `code` of nomenclature `id` in force on `day`.
    pub fn code(&self, id: &str, code: &str, day: Date) -> Result<&Code, CodeProblem> {
        let nomenclature = self.nomenclature(id).ok_or(CodeProblem::Unknown)?;
        let positions = self
            .index
            .get(id)
            .and_then(|codes| codes.get(code))
            .ok_or(CodeProblem::Unknown)?;
        positions
            .iter()
            .map(|&c| &nomenclature.codes[c])
            .find(|c| c.in_force(day))
            .ok_or_else(|| CodeProblem::NotInForce {
                periods: positions
                    .iter()
                    .map(|&c| (nomenclature.codes[c].from, nomenclature.codes[c].until))
                    .collect(),
            })
    }

    /// The French label of a code in force on `day`, or of its latest period.
    pub fn label(&self, id: &str, code: &str, day: Date) -> Option<&str> {
        match self.code(id, code, day) {
            Ok(c) => Some(c.label.as_str()),
            Err(_) => self
                .nomenclature(id)?
                .codes
                .iter()
                .rev()
                .find(|c| c.code == code)
                .map(|c| c.label.as_str()),
        }
    }

    /// The codes of nomenclature `id` in force at some day of `[start, end]`,
    /// in display order and without repeats.
    pub fn codes_between(&self, id: &str, start: Date, end: Date) -> Vec<&Code> {
        let Some(nomenclature) = self.nomenclature(id) else {
            return Vec::new();
        };
        let mut seen = std::collections::HashSet::new();
        nomenclature
            .codes
            .iter()
            .filter(|c| c.from <= end && c.until.is_none_or(|u| u >= start))
            .filter(|c| seen.insert(c.code.as_str()))
            .collect()
    }

    /// The small-count threshold in force on `day`.
    pub fn small_count_threshold(&self, day: Date) -> Result<u64, NotInForce> {
        self.publication
            .small_count_threshold
            .at("publication.small_count_threshold", day)
            .copied()
    }

    /// The fields a visit must fill in on `day`.
    pub fn visit_required_fields(&self, day: Date) -> Result<&[String], NotInForce> {
        self.visit_required_fields
            .at("visit_required_fields", day)
            .map(Vec::as_slice)
    }
}
