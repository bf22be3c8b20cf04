//! Values that are in force between two days.
//!
//! Every rule of the network changes over time: a nomenclature gains a code, a
//! threshold is raised, a criterion is dropped. A [`Dated`] value says the day
//! it takes effect (`from`) and, where it stops, the last day it is in force
//! (`until`, inclusive). A [`Timeline`] holds the successive values of one rule
//! and answers "what is in force on this day?" — and when nothing is, it says
//! so with an error rather than falling back on a default.

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One value of a rule with the days it is in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dated<T> {
    /// First day the value is in force.
    pub from: Date,
    /// Last day the value is in force (inclusive); absent while it has no end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// The value itself.
    pub value: T,
}

impl<T> Dated<T> {
    /// Whether the value is in force on `day`.
    pub fn in_force(&self, day: Date) -> bool {
        self.from <= day && self.until.is_none_or(|end| day <= end)
    }

    /// Whether the two periods share at least one day.
    pub fn overlaps<U>(&self, other: &Dated<U>) -> bool {
        let ends_before = |a: Option<Date>, start: Date| a.is_some_and(|end| end < start);
        !(ends_before(self.until, other.from) || ends_before(other.until, self.from))
    }
}

/// No value of a rule is in force on the day asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no value of `{rule}` is in force on {day}{}", describe_periods(.periods))]
pub struct NotInForce {
    /// The rule asked for, as a path in the ruleset.
    pub rule: String,
    /// The day asked for.
    pub day: Date,
    /// The periods for which the rule does have a value, to help the reader.
    pub periods: Vec<(Date, Option<Date>)>,
}

fn describe_periods(periods: &[(Date, Option<Date>)]) -> String {
    if periods.is_empty() {
        return " (the rule has no value at all)".to_owned();
    }
    let listed: Vec<String> = periods
        .iter()
        .map(|(from, until)| match until {
            Some(until) => format!("{from} to {until}"),
            None => format!("from {from} on"),
        })
        .collect();
    format!(" (it has values {})", listed.join(", "))
}

/// The successive values of one rule; periods never overlap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Timeline<T>(pub Vec<Dated<T>>);

impl<T> Timeline<T> {
    /// A rule with a single value in force from `from` on.
    pub fn constant(from: Date, value: T) -> Self {
        Timeline(vec![Dated {
            from,
            until: None,
            value,
        }])
    }

    /// The value in force on `day`, or an error naming the rule and its periods.
    pub fn at(&self, rule: &str, day: Date) -> Result<&T, NotInForce> {
        self.0
            .iter()
            .find(|dated| dated.in_force(day))
            .map(|dated| &dated.value)
            .ok_or_else(|| NotInForce {
                rule: rule.to_owned(),
                day,
                periods: self.0.iter().map(|d| (d.from, d.until)).collect(),
            })
    }

    /// Every pair of periods that overlap, and every period that ends before
    /// it starts, as readable problems (index in the list, reason).
    pub fn check(&self) -> Vec<(usize, String)> {
        let mut problems = Vec::new();
        for (i, dated) in self.0.iter().enumerate() {
            if let Some(until) = dated.until
                && until < dated.from
            {
                problems.push((
                    i,
                    format!("ends on {until}, before it starts on {}", dated.from),
                ));
            }
            for (j, other) in self.0.iter().enumerate().skip(i + 1) {
                if dated.overlaps(other) {
                    problems.push((
                        j,
                        format!(
                            "its period (from {}) overlaps the period of value {i} (from {})",
                            other.from, dated.from
                        ),
                    ));
                }
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn timeline() -> Timeline<u32> {
        Timeline(vec![
            Dated {
                from: date(2007, 1, 1),
                until: Some(date(2009, 12, 31)),
                value: 5,
            },
            Dated {
                from: date(2010, 1, 1),
                until: None,
                value: 10,
            },
        ])
    }

    #[test]
    fn the_value_in_force_is_the_one_whose_period_holds_the_day() {
        let t = timeline();
        assert_eq!(t.at("x", date(2009, 12, 31)), Ok(&5));
        assert_eq!(t.at("x", date(2010, 1, 1)), Ok(&10));
        assert_eq!(t.at("x", date(2030, 6, 1)), Ok(&10));
    }

    #[test]
    fn a_day_before_every_period_is_an_error_not_a_default() {
        let t = timeline();
        let err = t.at("publication.threshold", date(2006, 5, 1));
        let err = err.expect_err("2006 is before the first period");
        let text = err.to_string();
        assert!(text.contains("publication.threshold"), "{text}");
        assert!(text.contains("2007-01-01 to 2009-12-31"), "{text}");
    }

    #[test]
    fn overlapping_periods_are_reported() {
        let mut t = timeline();
        t.0[1].from = date(2009, 6, 1);
        let problems = t.check();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, 1);
    }

    #[test]
    fn a_period_that_ends_before_it_starts_is_reported() {
        let mut t = timeline();
        t.0[0].until = Some(date(2006, 1, 1));
        assert_eq!(t.check().len(), 1);
    }
}
