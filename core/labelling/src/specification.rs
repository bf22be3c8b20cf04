//! The labelling rules as the ruleset's `labelling.toml` gives them: the
//! regional specification (*cahier des charges*), the CTEM's job profile and
//! the life of a granted label.
//!
//! Loading checks everything a reader of the file could get wrong and
//! reports every problem at once, with the file and the path inside it: an
//! unknown field or a wrong type (with line and column, from the TOML
//! parser), a fact declared twice, a condition naming an undeclared fact or
//! comparing it with a value of another type, two periods of one criterion
//! that overlap, a regional choice without its rationale.

use std::collections::HashMap;
use std::sync::Arc;

use em_core::Ruleset;
use em_core::dated::Timeline;
use em_core::ruleset::{RulesetError, RulesetErrors, parse_section};
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::compiled::Judging;
use crate::condition::{Condition, ConditionSpec};
use crate::facts::FactDecl;

/// The name of the labelling file in a ruleset.
pub const FILE: &str = "labelling.toml";

/// The labelling area of a ruleset folder, for a check of the whole folder.
pub const LABELLING_AREA: em_core::ruleset::RulesArea = em_core::ruleset::RulesArea {
    file: FILE,
    problems: |text, id, version| match LabellingRules::parse(FILE, text, id, version) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0,
    },
};

/// Whether a criterion must be met for the label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Not meeting it makes the application ineligible.
    Required,
    /// Reported to the Commission, without blocking.
    Recommended,
}

/// The labelling file as written: the rules of a granted label, the
/// regional specification and the CTEM's job profile.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct LabellingFile {
    /// The life of a granted label.
    label: LabelRules,
    /// The regional specification (*cahier des charges*).
    specification: SpecificationFile,
    /// The standard profile of the territorial coordinator (CTEM).
    job_profile: SpecificationFile,
}

/// A specification as written: its facts and its dated criteria.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct SpecificationFile {
    /// Identifier, e.g. `cahier-des-charges`.
    id: String,
    /// Title, in French.
    title: String,
    /// Where it comes from.
    source: String,
    /// The facts an application states.
    facts: Vec<FactDecl>,
    /// Every period of every criterion.
    criteria: Vec<CriterionFile>,
}

/// One period of one criterion, as written.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CriterionFile {
    /// Identifier, stable across periods.
    id: Arc<str>,
    /// What the criterion asks, in French.
    label: Arc<str>,
    /// Where the criterion comes from.
    source: Arc<str>,
    /// Required or recommended.
    level: Level,
    /// Whether the threshold is the region's own choice.
    #[serde(default)]
    regional_choice: bool,
    /// Why the region chose it; required for a regional choice.
    #[serde(default)]
    rationale: Option<String>,
    /// First day in force.
    from: Date,
    /// Last day in force, if it has one.
    #[serde(default)]
    until: Option<Date>,
    /// The condition over the facts.
    condition: ConditionSpec,
}

/// The JSON Schema of the labelling file (`labelling.toml`), derived from
/// the types that read it.
pub fn file_schema() -> schemars::Schema {
    schemars::schema_for!(LabellingFile)
}

/// The rules of a granted label.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelRules {
    /// Months a label is valid from the Region's decision.
    pub validity_months: Timeline<u32>,
    /// Months the submission of a year's activity report adds to the label,
    /// counted from its current end.
    pub renewal_months: Timeline<u32>,
}

/// One period of one criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criterion {
    /// Identifier, stable across periods.
    pub id: Arc<str>,
    /// What the criterion asks, in French.
    pub label: Arc<str>,
    /// Where the criterion comes from (section of the source document).
    pub source: Arc<str>,
    /// Required or recommended.
    pub level: Level,
    /// Whether the threshold is the region's own choice, the source giving
    /// none.
    pub regional_choice: bool,
    /// Why the region chose this threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    /// First day in force.
    pub from: Date,
    /// Last day in force, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// The condition over the facts.
    pub condition: Condition,
}

impl Criterion {
    /// Whether this period of the criterion is in force on `day`.
    pub fn in_force(&self, day: Date) -> bool {
        self.from <= day && self.until.is_none_or(|end| day <= end)
    }
}

/// A set of criteria over declared facts: the regional specification, or
/// the CTEM's job profile.
#[derive(Debug, Clone)]
pub struct Specification {
    /// Identifier, e.g. `cahier-des-charges`.
    pub id: String,
    /// Title, in French.
    pub title: String,
    /// Where it comes from.
    pub source: String,
    /// The ruleset it belongs to and its version, to pin evaluations.
    pub ruleset: String,
    /// The ruleset's version.
    pub ruleset_version: String,
    /// The facts an application states.
    pub facts: Vec<FactDecl>,
    /// Every period of every criterion, in the file's order.
    pub criteria: Vec<Criterion>,
    fact_index: HashMap<String, usize>,
}

/// Everything `labelling.toml` holds.
#[derive(Debug, Clone)]
pub struct LabellingRules {
    /// The life of a granted label.
    pub label: LabelRules,
    /// The regional specification.
    pub specification: Specification,
    /// The CTEM's job profile.
    pub job_profile: Specification,
}

impl LabellingRules {
    /// Reads the labelling rules of a loaded ruleset.
    pub fn from_ruleset(ruleset: &Ruleset) -> Result<LabellingRules, RulesetErrors> {
        let text = ruleset.file(FILE).ok_or_else(|| {
            RulesetErrors(vec![RulesetError::at(
                FILE,
                "",
                "the ruleset has no such file",
            )])
        })?;
        LabellingRules::parse(FILE, text, &ruleset.manifest.id, &ruleset.manifest.version)
    }

    /// Parses a labelling file's text; `ruleset` and `version` identify the
    /// ruleset it belongs to, so that evaluations say which rules judged.
    pub fn parse(
        file: &str,
        text: &str,
        ruleset: &str,
        version: &str,
    ) -> Result<LabellingRules, RulesetErrors> {
        let _span = tracing::debug_span!("labelling_rules", file, ruleset, version).entered();
        let raw: LabellingFile = parse_section(file, text).map_err(|e| RulesetErrors(vec![e]))?;
        let mut errors = Vec::new();
        for (name, timeline) in [
            ("validity_months", &raw.label.validity_months),
            ("renewal_months", &raw.label.renewal_months),
        ] {
            for (i, reason) in timeline.check() {
                errors.push(RulesetError::at(file, format!("label.{name}[{i}]"), reason));
            }
            for (i, dated) in timeline.0.iter().enumerate() {
                if dated.value == 0 {
                    errors.push(RulesetError::at(
                        file,
                        format!("label.{name}[{i}].value"),
                        "a number of months must be at least 1",
                    ));
                }
            }
        }
        let specification = compile_specification(
            file,
            "specification",
            raw.specification,
            ruleset,
            version,
            &mut errors,
        );
        let job_profile = compile_specification(
            file,
            "job_profile",
            raw.job_profile,
            ruleset,
            version,
            &mut errors,
        );
        if errors.is_empty() {
            Ok(LabellingRules {
                label: raw.label,
                specification,
                job_profile,
            })
        } else {
            Err(RulesetErrors(errors))
        }
    }
}

fn compile_specification(
    file: &str,
    at: &str,
    raw: SpecificationFile,
    ruleset: &str,
    version: &str,
    errors: &mut Vec<RulesetError>,
) -> Specification {
    let mut fact_index: HashMap<String, usize> = HashMap::new();
    for (i, fact) in raw.facts.iter().enumerate() {
        if fact.id.trim().is_empty() {
            errors.push(RulesetError::at(
                file,
                format!("{at}.facts[{i}].id"),
                "a fact needs an id",
            ));
        }
        if fact_index.insert(fact.id.to_string(), i).is_some() {
            errors.push(RulesetError::at(
                file,
                format!("{at}.facts[{i}].id"),
                format!("fact `{}` is declared twice", fact.id),
            ));
        }
        if fact.unit.is_some() && fact.fact_type != crate::facts::FactType::Number {
            errors.push(RulesetError::at(
                file,
                format!("{at}.facts[{i}].unit"),
                format!(
                    "only a number has a unit; `{}` is a {}",
                    fact.id, fact.fact_type
                ),
            ));
        }
    }
    let by_id: HashMap<&str, usize> = fact_index.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let periods: Vec<(usize, Arc<str>, Date, Option<Date>)> = raw
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| (i, c.id.clone(), c.from, c.until))
        .collect();
    let mut criteria = Vec::with_capacity(raw.criteria.len());
    for (i, c) in raw.criteria.into_iter().enumerate() {
        let path = format!("{at}.criteria[{i}]");
        if let Some(until) = c.until
            && until < c.from
        {
            errors.push(RulesetError::at(
                file,
                format!("{path}.until"),
                format!("ends on {until}, before it starts on {}", c.from),
            ));
        }
        if c.regional_choice && c.rationale.as_deref().is_none_or(|r| r.trim().is_empty()) {
            errors.push(RulesetError::at(
                file,
                format!("{path}.rationale"),
                "a regional choice must say why the region chose it (`rationale`)",
            ));
        }
        let mut problems = Vec::new();
        let compiled = c.condition.compile(
            &raw.facts,
            &by_id,
            &format!("{path}.condition"),
            &mut problems,
        );
        for (p, reason) in problems {
            errors.push(RulesetError::at(file, p, reason));
        }
        if let Some(condition) = compiled {
            criteria.push(Criterion {
                id: c.id,
                label: c.label,
                source: c.source,
                level: c.level,
                regional_choice: c.regional_choice,
                rationale: c.rationale,
                from: c.from,
                until: c.until,
                condition,
            });
        }
    }
    // Two periods of one criterion must not share a day: the criterion in
    // force on a day must be a single one.
    let ends_before = |end: Option<Date>, start: Date| end.is_some_and(|e| e < start);
    for (a, (i, id, from, until)) in periods.iter().enumerate() {
        for (j, _, other_from, other_until) in periods[a + 1..].iter().filter(|p| &p.1 == id) {
            if !(ends_before(*until, *other_from) || ends_before(*other_until, *from)) {
                errors.push(RulesetError::at(
                    file,
                    format!("{at}.criteria[{j}]"),
                    format!(
                        "criterion `{id}` from {other_from} overlaps its period of \
                         criteria[{i}] (from {from})"
                    ),
                ));
            }
        }
    }
    Specification {
        id: raw.id,
        title: raw.title,
        source: raw.source,
        ruleset: ruleset.to_owned(),
        ruleset_version: version.to_owned(),
        facts: raw.facts,
        criteria,
        fact_index,
    }
}

/// Nothing of a specification is in force on the day asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no criterion of the specification `{specification}` is in force on {day}")]
pub struct NotInForce {
    /// The specification's id.
    pub specification: String,
    /// The day asked for.
    pub day: Date,
}

/// Which rules judged an evaluation: enough to tell, later, whether the
/// rules for that day were changed since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    /// The specification's id.
    pub specification: String,
    /// The ruleset's id.
    pub ruleset: String,
    /// The ruleset's version.
    pub ruleset_version: String,
    /// The day whose criteria judged (the submission day).
    pub day: Date,
    /// SHA-256 (hex) of the facts declared and the criteria in force that
    /// day (their text, level and condition, not their periods), in a
    /// canonical form.
    pub digest: String,
}

/// The criteria of a specification in force on one day, ready to judge.
#[derive(Debug, Clone)]
pub struct InForce<'s> {
    pub(crate) specification: &'s Specification,
    /// In force that day, sorted by id so that nothing depends on the order
    /// of the file.
    pub(crate) criteria: Vec<&'s Criterion>,
    /// The same criteria compiled, shared with the evaluations they make.
    pub(crate) judging: Arc<Judging>,
    /// Which rules these are.
    pub pin: Pin,
}

impl Specification {
    /// The position of a declared fact.
    pub fn fact_position(&self, id: &str) -> Option<usize> {
        self.fact_index.get(id).copied()
    }

    /// The criteria in force on `day`.
    pub fn in_force(&self, day: Date) -> Result<InForce<'_>, NotInForce> {
        let mut criteria: Vec<&Criterion> =
            self.criteria.iter().filter(|c| c.in_force(day)).collect();
        if criteria.is_empty() {
            return Err(NotInForce {
                specification: self.id.clone(),
                day,
            });
        }
        criteria.sort_by(|a, b| a.id.cmp(&b.id));
        let digest = self.digest(&criteria);
        let judging = Judging::new(&self.facts, &criteria);
        Ok(InForce {
            specification: self,
            criteria,
            judging,
            pin: Pin {
                specification: self.id.clone(),
                ruleset: self.ruleset.clone(),
                ruleset_version: self.ruleset_version.clone(),
                day,
                digest,
            },
        })
    }

    fn digest(&self, criteria: &[&Criterion]) -> String {
        // The digest covers what judges an application on the day — the
        // facts and each criterion's text, level and condition — and not
        // the periods: ending a criterion's period later does not change
        // how the days before were judged.
        #[derive(Serialize)]
        struct Judging<'a> {
            id: &'a str,
            label: &'a str,
            source: &'a str,
            level: Level,
            regional_choice: bool,
            condition: &'a Condition,
        }
        #[derive(Serialize)]
        struct Canonical<'a> {
            id: &'a str,
            facts: Vec<&'a FactDecl>,
            criteria: Vec<Judging<'a>>,
        }
        let mut facts: Vec<&FactDecl> = self.facts.iter().collect();
        facts.sort_by(|a, b| a.id.cmp(&b.id));
        let canonical = Canonical {
            id: &self.id,
            facts,
            criteria: criteria
                .iter()
                .map(|c| Judging {
                    id: &c.id,
                    label: &c.label,
                    source: &c.source,
                    level: c.level,
                    regional_choice: c.regional_choice,
                    condition: &c.condition,
                })
                .collect(),
        };
        // Serialising plain structs and vectors cannot fail.
        let bytes = serde_json::to_vec(&canonical).unwrap_or_default();
        hex::encode(Sha256::digest(&bytes))
    }
}

impl InForce<'_> {
    /// The specification these criteria belong to.
    pub fn specification(&self) -> &Specification {
        self.specification
    }

    /// The criteria in force, sorted by id.
    pub fn criteria(&self) -> &[&Criterion] {
        &self.criteria
    }
}
