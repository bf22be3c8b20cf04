//! The governance rules, read from the ruleset's `governance.toml`: member
//! categories, the bodies (organisers, chair, members, competences), the
//! meeting requirements with their windows, the calendar's obligations, and
//! the arbitration rules. Every value is dated; the other modules resolve
//! them for a day and cite them by their path in the file.

use std::collections::BTreeMap;

use em_core::dated::{NotInForce, Timeline};
use em_core::ruleset::{Ruleset, RulesetError, RulesetErrors};
use jiff::civil::{Date, Time, Weekday};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::body::{Body, DecisionKind, Scope, ServiceArea};

/// The ruleset file this crate reads.
pub const GOVERNANCE_FILE: &str = "governance.toml";

/// The governance area of a ruleset folder, for a check of the whole folder.
pub const GOVERNANCE_AREA: em_core::ruleset::RulesArea = em_core::ruleset::RulesArea {
    file: GOVERNANCE_FILE,
    problems: |text, _, _| match em_core::ruleset::parse_section::<GovernanceRuleset>(
        GOVERNANCE_FILE,
        text,
    ) {
        Ok(rules) => rules.check(),
        Err(e) => vec![e],
    },
};

/// A category of members (`state`, `coordinator`, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberCategory {
    /// Identifier used by meetings.
    pub id: String,
    /// Label, in French.
    pub label: String,
}

/// A body and its successive compositions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyRule {
    /// Which body.
    pub body: Body,
    /// Its composition and competences over time.
    pub periods: Timeline<BodySpec>,
}

/// What a body is on a day: who runs it, who sits, what it decides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodySpec {
    /// Display name, in French.
    pub label: String,
    /// One for the region, or one per site.
    pub scope: Scope,
    /// Member categories that organise it.
    pub organisers: Vec<String>,
    /// The member category that chairs it.
    pub chair: String,
    /// Categories that must all be present (the quorum).
    pub required: Vec<String>,
    /// Categories that may be present.
    pub optional: Vec<String>,
    /// Extra members in some months (the Commission's June extension).
    #[serde(default)]
    pub extensions: Vec<Extension>,
    /// The decisions it may take.
    pub competences: Vec<DecisionKind>,
}

/// Extra members of a body during some months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    /// First and last month (1–12) the extension applies.
    pub months: [u8; 2],
    /// Categories then also required.
    pub required: Vec<String>,
    /// Categories then also allowed.
    pub optional: Vec<String>,
    /// Why, for the reader.
    pub reason: String,
}

impl BodySpec {
    /// The required categories for a meeting held in `month`, with the
    /// extension that adds each, if any.
    pub fn required_in(&self, month: u8) -> Vec<(&str, Option<&Extension>)> {
        let mut all: Vec<(&str, Option<&Extension>)> =
            self.required.iter().map(|c| (c.as_str(), None)).collect();
        for ext in self
            .extensions
            .iter()
            .filter(|e| in_months(e.months, month))
        {
            all.extend(ext.required.iter().map(|c| (c.as_str(), Some(ext))));
        }
        all
    }

    /// Whether category `category` may attend a meeting held in `month`.
    pub fn admits(&self, category: &str, month: u8) -> bool {
        let listed = |v: &[String]| v.iter().any(|c| c == category);
        listed(&self.required)
            || listed(&self.optional)
            || self
                .extensions
                .iter()
                .filter(|e| in_months(e.months, month))
                .any(|e| listed(&e.required) || listed(&e.optional))
    }
}

/// Whether `month` lies in the window `[first, last]`.
pub fn in_months(window: [u8; 2], month: u8) -> bool {
    window[0] <= month && month <= window[1]
}

/// A requirement on the meetings of a body, over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementRule {
    /// Identifier, cited in warnings and compliance lines.
    pub id: String,
    /// Its successive versions.
    pub periods: Timeline<RequirementSpec>,
}

/// How often, and when, a body must meet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementSpec {
    /// Display name, in French.
    pub label: String,
    /// The body whose meetings count.
    pub body: Body,
    /// When given, only the meetings taking this decision count.
    #[serde(default)]
    pub decision: Option<DecisionKind>,
    /// Meetings required in the window, at least.
    pub min: u32,
    /// Meetings allowed in the year, at most.
    #[serde(default)]
    pub max: Option<u32>,
    /// First and last month (1–12) of the window.
    pub months: [u8; 2],
    /// When the window is the region's choice rather than the source's, why.
    #[serde(default)]
    pub regional_choice: Option<String>,
}

/// A task of the yearly calendar, over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObligationRule {
    /// Identifier, part of the calendar's stable UIDs.
    pub id: String,
    /// Its successive versions.
    pub periods: Timeline<ObligationSpec>,
}

/// A task of the cycle: what, for whom, in which months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObligationSpec {
    /// Display name, in French.
    pub label: String,
    /// Once for the region or once per site.
    pub scope: Scope,
    /// First and last month (1–12).
    pub months: [u8; 2],
    /// The coordination's meeting with the coordinators on this task.
    #[serde(default)]
    pub coordination_meeting: Option<CoordinationMeeting>,
}

/// Where a timed meeting falls: the `nth` `weekday` of the window's first
/// month, from `start` (local time) for `duration_minutes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoordinationMeeting {
    /// Day of the week.
    pub weekday: WeekdayName,
    /// Which one in the month (1–4).
    pub nth: u8,
    /// Local start time.
    pub start: Time,
    /// Length in minutes.
    pub duration_minutes: u32,
}

/// A day of the week, as written in the ruleset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum WeekdayName {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
}

impl WeekdayName {
    /// The `jiff` weekday.
    pub fn weekday(self) -> Weekday {
        match self {
            WeekdayName::Monday => Weekday::Monday,
            WeekdayName::Tuesday => Weekday::Tuesday,
            WeekdayName::Wednesday => Weekday::Wednesday,
            WeekdayName::Thursday => Weekday::Thursday,
            WeekdayName::Friday => Weekday::Friday,
        }
    }
}

/// A site's envelope: a default, and the sites that have another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// Euros for a site not listed in `per_site`.
    pub default: u64,
    /// Euros by site identifier.
    #[serde(default)]
    pub per_site: BTreeMap<String, u64>,
}

impl Envelope {
    /// The envelope of `site`.
    pub fn of(&self, site: &str) -> u64 {
        self.per_site.get(site).copied().unwrap_or(self.default)
    }
}

/// The arbitration rules, each dated on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArbitrationRuleset {
    /// Region funding per site and year (euros).
    pub site_envelope_eur: Timeline<Envelope>,
    /// The Region's budget for all plans of a year (euros).
    pub regional_budget_eur: Timeline<u64>,
    /// Service areas in which every plan keeps at least one action.
    pub required_service_areas: Timeline<Vec<ServiceArea>>,
    /// Smallest co-funding share of the plan's total cost, in percent.
    pub min_cofunding_percent: Timeline<u32>,
    /// Most kept actions serving any one orientation.
    pub max_actions_per_orientation: Timeline<u32>,
    /// Largest share of the envelope the actions of one orientation ask, in
    /// percent.
    pub max_orientation_share_percent: Timeline<u32>,
    /// Weight of an orientation by priority (index 0 = priority 1).
    pub priority_weights: Timeline<Vec<u64>>,
}

/// The arbitration rules in force for one plan year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArbitrationRules {
    /// The day they are in force on (1 January of the plan's year).
    pub day: Date,
    /// Envelopes.
    pub site_envelope_eur: Envelope,
    /// Regional budget.
    pub regional_budget_eur: u64,
    /// Required service areas.
    pub required_service_areas: Vec<ServiceArea>,
    /// Minimum co-funding share (percent).
    pub min_cofunding_percent: u32,
    /// Most actions per orientation.
    pub max_actions_per_orientation: u32,
    /// Largest share of the envelope per orientation (percent).
    pub max_orientation_share_percent: u32,
    /// Weights by priority.
    pub priority_weights: Vec<u64>,
}

/// The whole `governance.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GovernanceRuleset {
    /// Member categories.
    pub member_categories: Vec<MemberCategory>,
    /// The bodies.
    pub bodies: Vec<BodyRule>,
    /// Meeting requirements.
    pub requirements: Vec<RequirementRule>,
    /// The time zone of the calendar's timed items.
    pub time_zone: Timeline<String>,
    /// Calendar tasks.
    pub obligations: Vec<ObligationRule>,
    /// Arbitration rules.
    pub arbitration: ArbitrationRuleset,
    /// The ruleset's identifier, copied from the manifest (used in UIDs).
    #[serde(skip)]
    pub ruleset_id: String,
}

impl GovernanceRuleset {
    /// Reads and checks `governance.toml` of `ruleset`, reporting every
    /// problem with its path in the file.
    pub fn from_ruleset(ruleset: &Ruleset) -> Result<GovernanceRuleset, RulesetErrors> {
        let mut rules: GovernanceRuleset = ruleset
            .section(GOVERNANCE_FILE)
            .map_err(|e| RulesetErrors(vec![e]))?;
        rules.ruleset_id = ruleset.manifest.id.clone();
        let problems = rules.check();
        if problems.is_empty() {
            Ok(rules)
        } else {
            Err(RulesetErrors(problems))
        }
    }

    /// The shipped Champagne-Ardenne governance rules.
    pub fn champagne_ardenne() -> GovernanceRuleset {
        // The shipped file is checked by the test suite: a failure here is a
        // build defect, not a user's mistake.
        GovernanceRuleset::from_ruleset(&Ruleset::champagne_ardenne())
            .expect("the shipped governance.toml is valid")
    }

    /// Every problem of the file: overlapping periods, unknown categories,
    /// a chair outside the required members, a body listed twice or missing,
    /// months outside 1–12, percentages above 100, empty weights.
    pub fn check(&self) -> Vec<RulesetError> {
        let mut problems = Vec::new();
        let mut at = |path: String, reason: String| {
            problems.push(RulesetError::at(GOVERNANCE_FILE, path, reason));
        };
        let known = |c: &str| self.member_categories.iter().any(|m| m.id == c);
        for (i, category) in self.member_categories.iter().enumerate() {
            if self.member_categories[..i]
                .iter()
                .any(|m| m.id == category.id)
            {
                at(
                    format!("member_categories[{i}].id"),
                    format!("category `{}` is listed twice", category.id),
                );
            }
        }
        for body in Body::ALL {
            let count = self.bodies.iter().filter(|b| b.body == body).count();
            if count != 1 {
                at(
                    "bodies".to_owned(),
                    format!("body `{body}` must be described once, it is described {count} times"),
                );
            }
        }
        for (b, rule) in self.bodies.iter().enumerate() {
            for (i, reason) in rule.periods.check() {
                at(format!("bodies[{b}].periods[{i}]"), reason);
            }
            for (p, period) in rule.periods.0.iter().enumerate() {
                let spec = &period.value;
                let base = format!("bodies[{b}].periods[{p}].value");
                let lists = [
                    ("organisers", &spec.organisers),
                    ("required", &spec.required),
                    ("optional", &spec.optional),
                ];
                for (name, list) in lists {
                    for (i, c) in list.iter().enumerate() {
                        if !known(c) {
                            at(
                                format!("{base}.{name}[{i}]"),
                                format!("`{c}` is not a member category"),
                            );
                        }
                    }
                }
                if !spec.required.contains(&spec.chair) {
                    at(
                        format!("{base}.chair"),
                        format!(
                            "the chair `{}` must be a required member, or a meeting could sit without it",
                            spec.chair
                        ),
                    );
                }
                for (e, ext) in spec.extensions.iter().enumerate() {
                    check_months(
                        ext.months,
                        &format!("{base}.extensions[{e}].months"),
                        &mut at,
                    );
                    for (i, c) in ext.required.iter().chain(&ext.optional).enumerate() {
                        if !known(c) {
                            at(
                                format!("{base}.extensions[{e}]"),
                                format!("member {i}: `{c}` is not a member category"),
                            );
                        }
                    }
                }
            }
        }
        for (r, rule) in self.requirements.iter().enumerate() {
            if self.requirements[..r].iter().any(|o| o.id == rule.id) {
                at(
                    format!("requirements[{r}].id"),
                    format!("requirement `{}` is listed twice", rule.id),
                );
            }
            for (i, reason) in rule.periods.check() {
                at(format!("requirements[{r}].periods[{i}]"), reason);
            }
            for (p, period) in rule.periods.0.iter().enumerate() {
                let spec = &period.value;
                let base = format!("requirements[{r}].periods[{p}].value");
                check_months(spec.months, &format!("{base}.months"), &mut at);
                if let Some(max) = spec.max
                    && max < spec.min
                {
                    at(
                        format!("{base}.max"),
                        format!("at most {max} is fewer than the at least {}", spec.min),
                    );
                }
            }
        }
        for (i, reason) in self.time_zone.check() {
            at(format!("time_zone[{i}]"), reason);
        }
        for (i, period) in self.time_zone.0.iter().enumerate() {
            if jiff::tz::TimeZone::get(&period.value).is_err() {
                at(
                    format!("time_zone[{i}].value"),
                    format!("`{}` is not a time zone of the IANA database", period.value),
                );
            }
        }
        for (o, rule) in self.obligations.iter().enumerate() {
            if self.obligations[..o].iter().any(|x| x.id == rule.id)
                || self.requirements.iter().any(|x| x.id == rule.id)
            {
                at(
                    format!("obligations[{o}].id"),
                    format!(
                        "`{}` is already the id of another obligation or requirement",
                        rule.id
                    ),
                );
            }
            for (i, reason) in rule.periods.check() {
                at(format!("obligations[{o}].periods[{i}]"), reason);
            }
            for (p, period) in rule.periods.0.iter().enumerate() {
                let base = format!("obligations[{o}].periods[{p}].value");
                check_months(period.value.months, &format!("{base}.months"), &mut at);
                if let Some(m) = &period.value.coordination_meeting {
                    if !(1..=4).contains(&m.nth) {
                        at(
                            format!("{base}.coordination_meeting.nth"),
                            "every month has a 1st to 4th weekday, not more".to_owned(),
                        );
                    }
                    if m.duration_minutes == 0 || m.duration_minutes > 24 * 60 {
                        at(
                            format!("{base}.coordination_meeting.duration_minutes"),
                            "a meeting lasts between 1 minute and one day".to_owned(),
                        );
                    }
                }
            }
        }
        let a = &self.arbitration;
        let timelines: [(&str, Vec<(usize, String)>); 7] = [
            ("site_envelope_eur", a.site_envelope_eur.check()),
            ("regional_budget_eur", a.regional_budget_eur.check()),
            ("required_service_areas", a.required_service_areas.check()),
            ("min_cofunding_percent", a.min_cofunding_percent.check()),
            (
                "max_actions_per_orientation",
                a.max_actions_per_orientation.check(),
            ),
            (
                "max_orientation_share_percent",
                a.max_orientation_share_percent.check(),
            ),
            ("priority_weights", a.priority_weights.check()),
        ];
        for (name, found) in timelines {
            for (i, reason) in found {
                at(format!("arbitration.{name}[{i}]"), reason);
            }
        }
        let percents = [
            ("min_cofunding_percent", &a.min_cofunding_percent),
            (
                "max_orientation_share_percent",
                &a.max_orientation_share_percent,
            ),
        ];
        for (name, timeline) in percents {
            for (i, p) in timeline.0.iter().enumerate() {
                if p.value > 100 {
                    at(
                        format!("arbitration.{name}[{i}].value"),
                        format!("{} is not a percentage (0 to 100)", p.value),
                    );
                }
            }
        }
        for (i, p) in a.priority_weights.0.iter().enumerate() {
            if p.value.is_empty() {
                at(
                    format!("arbitration.priority_weights[{i}].value"),
                    "at least one priority needs a weight".to_owned(),
                );
            }
        }
        for (i, p) in a.site_envelope_eur.0.iter().enumerate() {
            let too_big = std::iter::once(p.value.default)
                .chain(p.value.per_site.values().copied())
                .any(|v| v > MAX_EUROS);
            if too_big {
                at(
                    format!("arbitration.site_envelope_eur[{i}].value"),
                    format!("envelopes are limited to {MAX_EUROS} euros"),
                );
            }
        }
        problems
    }

    /// The composition of `body` on `day`.
    pub fn body(&self, body: Body, day: Date) -> Result<&BodySpec, NotInForce> {
        let (i, rule) = self
            .bodies
            .iter()
            .enumerate()
            .find(|(_, b)| b.body == body)
            .expect("checked: every body is described");
        rule.periods.at(&format!("bodies[{i}] ({body})"), day)
    }

    /// The label of a member category, or its id when unknown.
    pub fn category_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.member_categories
            .iter()
            .find(|m| m.id == id)
            .map_or(id, |m| m.label.as_str())
    }

    /// The requirements in force on `day`, with their ids.
    pub fn requirements_on(&self, day: Date) -> Vec<(&str, &RequirementSpec)> {
        self.requirements
            .iter()
            .filter_map(|r| r.periods.at(&r.id, day).ok().map(|s| (r.id.as_str(), s)))
            .collect()
    }

    /// The calendar tasks in force on `day`, with their ids.
    pub fn obligations_on(&self, day: Date) -> Vec<(&str, &ObligationSpec)> {
        self.obligations
            .iter()
            .filter_map(|r| r.periods.at(&r.id, day).ok().map(|s| (r.id.as_str(), s)))
            .collect()
    }

    /// The calendar's time zone on `day`.
    pub fn time_zone_on(&self, day: Date) -> Result<&str, NotInForce> {
        self.time_zone.at("time_zone", day).map(String::as_str)
    }

    /// The arbitration rules for plan year `year` (those in force on its
    /// 1 January).
    pub fn arbitration_for(&self, year: i16) -> Result<ArbitrationRules, NotInForce> {
        let day = Date::new(year, 1, 1).expect("1 January exists every year");
        let a = &self.arbitration;
        Ok(ArbitrationRules {
            day,
            site_envelope_eur: a
                .site_envelope_eur
                .at("arbitration.site_envelope_eur", day)?
                .clone(),
            regional_budget_eur: *a
                .regional_budget_eur
                .at("arbitration.regional_budget_eur", day)?,
            required_service_areas: a
                .required_service_areas
                .at("arbitration.required_service_areas", day)?
                .clone(),
            min_cofunding_percent: *a
                .min_cofunding_percent
                .at("arbitration.min_cofunding_percent", day)?,
            max_actions_per_orientation: *a
                .max_actions_per_orientation
                .at("arbitration.max_actions_per_orientation", day)?,
            max_orientation_share_percent: *a
                .max_orientation_share_percent
                .at("arbitration.max_orientation_share_percent", day)?,
            priority_weights: a
                .priority_weights
                .at("arbitration.priority_weights", day)?
                .clone(),
        })
    }
}

/// The largest amount, in euros, the arbitration accepts for an envelope or
/// a proposal: large enough for any regional budget, small enough that every
/// sum of 10 000 proposals stays exact in 64-bit integers.
pub const MAX_EUROS: u64 = 1_000_000_000_000;

fn check_months(months: [u8; 2], path: &str, at: &mut impl FnMut(String, String)) {
    if !(1..=12).contains(&months[0]) || !(1..=12).contains(&months[1]) || months[0] > months[1] {
        at(
            path.to_owned(),
            format!(
                "[{}, {}] is not a window of months: both in 1–12, the first not after the last",
                months[0], months[1]
            ),
        );
    }
}

/// English name of a month, for explanations.
pub fn month_name(month: u8) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES[usize::from(month.clamp(1, 12)) - 1]
}

/// "in June" or "from June to November", for a window of months.
pub fn describe_window(months: [u8; 2]) -> String {
    if months[0] == months[1] {
        format!("in {}", month_name(months[0]))
    } else {
        format!(
            "from {} to {}",
            month_name(months[0]),
            month_name(months[1])
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use std::collections::BTreeMap;

    fn files_with(edit: impl Fn(&str) -> String) -> BTreeMap<String, String> {
        let shipped = Ruleset::champagne_ardenne();
        shipped
            .file_names()
            .map(|n| {
                let text = shipped.file(n).unwrap();
                let text = if n == GOVERNANCE_FILE {
                    edit(text)
                } else {
                    text.to_owned()
                };
                (n.to_owned(), text)
            })
            .collect()
    }

    #[test]
    fn the_shipped_rules_load_and_answer_for_2009() {
        let rules = GovernanceRuleset::champagne_ardenne();
        let commission = rules.body(Body::Commission, date(2009, 6, 10)).unwrap();
        assert_eq!(commission.chair, "regional_coordination");
        let june: Vec<&str> = commission.required_in(6).iter().map(|r| r.0).collect();
        assert!(june.contains(&"coordinator") && june.contains(&"host_structure"));
        let march: Vec<&str> = commission.required_in(3).iter().map(|r| r.0).collect();
        assert!(!march.contains(&"coordinator"));
        assert_eq!(rules.requirements_on(date(2009, 1, 1)).len(), 3);
        let arbitration = rules.arbitration_for(2010).unwrap();
        assert_eq!(arbitration.site_envelope_eur.of("reims"), 90_000);
        assert_eq!(arbitration.site_envelope_eur.of("sedan"), 60_000);
        assert_eq!(rules.time_zone_on(date(2009, 1, 1)), Ok("Europe/Paris"));
    }

    #[test]
    fn an_unknown_category_and_a_chair_outside_the_quorum_are_both_reported() {
        let files = files_with(|t| {
            t.replace(
                "required = [\"coordinator\", \"host_structure\"]\noptional = [\"regional_coordination\"",
                "required = [\"coordinator\", \"hosts\"]\noptional = [\"regional_coordination\"",
            )
            .replace(
                "chair = \"host_structure_director\"",
                "chair = \"local_elected\"",
            )
        });
        let ruleset = Ruleset::from_files(files).unwrap();
        let err = GovernanceRuleset::from_ruleset(&ruleset).unwrap_err();
        assert_eq!(err.0.len(), 2, "{err}");
        assert_eq!(err.0[0].path, "bodies[1].periods[0].value.required[1]");
        assert!(err.0[0].reason.contains("hosts"));
        assert_eq!(err.0[1].path, "bodies[2].periods[0].value.chair");
    }

    #[test]
    fn a_mistyped_field_names_its_line() {
        let files = files_with(|t| t.replace("min = 1\nmax = 2", "min = \"one\"\nmax = 2"));
        let ruleset = Ruleset::from_files(files).unwrap();
        let err = GovernanceRuleset::from_ruleset(&ruleset).unwrap_err();
        assert_eq!(err.0.len(), 1);
        assert!(err.0[0].line.is_some(), "{err}");
        assert!(err.0[0].path.contains("min"), "{err}");
    }

    #[test]
    fn a_window_that_wraps_the_year_is_refused() {
        let files = files_with(|t| t.replace("months = [11, 12]", "months = [11, 1]"));
        let ruleset = Ruleset::from_files(files).unwrap();
        let err = GovernanceRuleset::from_ruleset(&ruleset).unwrap_err();
        assert_eq!(err.0[0].path, "requirements[2].periods[0].value.months");
    }
}
