//! Compliance of a year: for the region and for each site, whether each
//! required meeting was held in its window, held outside it, or not held —
//! the table a coordinator brings to the Commission, one explained line per
//! requirement and site.
//!
//! The requirements are those in force on 1 January of the year, so a year
//! is judged by one set of rules from start to end.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::body::{Body, Scope};
use crate::meeting::Meeting;
use crate::rules::{GovernanceRuleset, describe_window, in_months};

/// The verdict of one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceStatus {
    /// Enough meetings were held in the window, and not too many in the year.
    Held,
    /// Too few meetings were held in the window, but some were held outside.
    OutOfWindow,
    /// Too few meetings were held, and none outside the window either.
    Missing,
    /// More meetings than the requirement allows in a year.
    TooMany,
}

impl ComplianceStatus {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ComplianceStatus::Held => "held",
            ComplianceStatus::OutOfWindow => "out_of_window",
            ComplianceStatus::Missing => "missing",
            ComplianceStatus::TooMany => "too_many",
        }
    }

    /// The verdict in French, for pages and tables people read.
    pub fn label(self) -> &'static str {
        match self {
            ComplianceStatus::Held => "tenue",
            ComplianceStatus::OutOfWindow => "hors période",
            ComplianceStatus::Missing => "non tenue",
            ComplianceStatus::TooMany => "trop de réunions",
        }
    }
}

/// One requirement for the region or for one site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplianceLine {
    /// The requirement's id in `governance.toml`.
    pub requirement: String,
    /// Its label.
    pub label: String,
    /// The body.
    pub body: Body,
    /// The site, or none for the region.
    pub site: Option<String>,
    /// The verdict.
    pub status: ComplianceStatus,
    /// Days of the meetings held in the window.
    pub in_window: Vec<Date>,
    /// Days of the meetings held outside it.
    pub out_of_window: Vec<Date>,
    /// Meetings required in the window.
    pub min: u32,
    /// Meetings allowed in the year.
    pub max: Option<u32>,
    /// The window, months `[first, last]`.
    pub months: [u8; 2],
    /// Why, for a person.
    pub explanation: String,
}

/// The compliance table of a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplianceReport {
    /// The year judged.
    pub year: i16,
    /// Region's lines first, then each site's in the order given.
    pub lines: Vec<ComplianceLine>,
    /// One sentence summing up.
    pub explanation: String,
}

impl ComplianceReport {
    /// The lines of one site (or of the region, with `None`).
    pub fn lines_of<'a>(
        &'a self,
        site: Option<&'a str>,
    ) -> impl Iterator<Item = &'a ComplianceLine> + 'a {
        self.lines.iter().filter(move |l| l.site.as_deref() == site)
    }

    /// How many lines have `status`.
    pub fn count(&self, status: ComplianceStatus) -> usize {
        self.lines.iter().filter(|l| l.status == status).count()
    }
}

/// Judges the `meetings` (of any year; the others are ignored) against the
/// requirements of `year`, for the region and for each of `site_ids`.
pub fn compliance(
    rules: &GovernanceRuleset,
    site_ids: &[&str],
    meetings: &[Meeting],
    year: i16,
) -> ComplianceReport {
    let _span = tracing::info_span!("governance_compliance", year).entered();
    let first_day = Date::new(year, 1, 1).expect("1 January exists every year");
    let mut lines = Vec::new();
    let requirements = rules.requirements_on(first_day);
    let scopes = |body: Body| {
        rules
            .body(body, first_day)
            .map(|b| b.scope)
            .unwrap_or(Scope::Site)
    };
    for (id, spec) in &requirements {
        if scopes(spec.body) == Scope::Region {
            lines.push(line(id, spec, None, meetings, year));
        }
    }
    for site in site_ids {
        for (id, spec) in &requirements {
            if scopes(spec.body) == Scope::Site {
                lines.push(line(id, spec, Some(site), meetings, year));
            }
        }
    }
    let held = lines
        .iter()
        .filter(|l| l.status == ComplianceStatus::Held)
        .count();
    let explanation = format!(
        "{year}: {held} of {} required meetings held in their window; {} missing, {} out of their window, {} too many.",
        lines.len(),
        lines
            .iter()
            .filter(|l| l.status == ComplianceStatus::Missing)
            .count(),
        lines
            .iter()
            .filter(|l| l.status == ComplianceStatus::OutOfWindow)
            .count(),
        lines
            .iter()
            .filter(|l| l.status == ComplianceStatus::TooMany)
            .count(),
    );
    ComplianceReport {
        year,
        lines,
        explanation,
    }
}

fn line(
    id: &str,
    spec: &crate::rules::RequirementSpec,
    site: Option<&str>,
    meetings: &[Meeting],
    year: i16,
) -> ComplianceLine {
    let mut counted: Vec<&Meeting> = meetings
        .iter()
        .filter(|m| {
            m.body == spec.body
                && m.date.year() == year
                && m.site.as_deref() == site
                && spec
                    .decision
                    .is_none_or(|kind| m.decisions.iter().any(|d| d.kind == kind))
        })
        .collect();
    counted.sort_by_key(|m| m.date);
    let (inside, outside): (Vec<&Meeting>, Vec<&Meeting>) = counted
        .iter()
        .partition(|m| in_months(spec.months, m.date.month() as u8));
    let in_window: Vec<Date> = inside.iter().map(|m| m.date).collect();
    let out_of_window: Vec<Date> = outside.iter().map(|m| m.date).collect();
    let total = counted.len() as u32;
    let window = describe_window(spec.months);
    let who = site.map_or_else(|| "the region".to_owned(), |s| format!("site {s}"));
    let days = |d: &[Date]| {
        d.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let required = match spec.max {
        Some(max) if max != spec.min => format!("{} to {max}", spec.min),
        _ => format!("at least {}", spec.min),
    };
    let (status, mut explanation) = if spec.max.is_some_and(|max| total > max) {
        (
            ComplianceStatus::TooMany,
            format!(
                "{total} meeting(s) held for {who} in {year} ({}), at most {} allowed by \"{}\".",
                days(&counted.iter().map(|m| m.date).collect::<Vec<_>>()),
                spec.max.unwrap_or_default(),
                spec.label
            ),
        )
    } else if in_window.len() as u32 >= spec.min {
        (
            ComplianceStatus::Held,
            format!(
                "held {window} for {who} ({}): {required} required.",
                days(&in_window)
            ),
        )
    } else if !out_of_window.is_empty() {
        (
            ComplianceStatus::OutOfWindow,
            format!(
                "{} meeting(s) in the window ({window}) for {who}, {required} required; held outside it on {}.",
                in_window.len(),
                days(&out_of_window)
            ),
        )
    } else {
        (
            ComplianceStatus::Missing,
            format!("no meeting held for {who} in {year}: {required} required {window}."),
        )
    };
    if status == ComplianceStatus::Held && !out_of_window.is_empty() {
        explanation.push_str(&format!(
            " Also held outside the window on {}.",
            days(&out_of_window)
        ));
    }
    if let Some(choice) = &spec.regional_choice {
        explanation.push_str(&format!(" (Regional choice: {choice}.)"));
    }
    ComplianceLine {
        requirement: id.to_owned(),
        label: spec.label.clone(),
        body: spec.body,
        site: site.map(str::to_owned),
        status,
        in_window,
        out_of_window,
        min: spec.min,
        max: spec.max,
        months: spec.months,
        explanation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::DecisionKind;
    use crate::meeting::Decision;
    use jiff::civil::date;

    fn meeting(
        body: Body,
        site: Option<&str>,
        day: Date,
        decision: Option<DecisionKind>,
    ) -> Meeting {
        Meeting {
            id: format!("{body}-{day}"),
            body,
            site: site.map(str::to_owned),
            date: day,
            start: None,
            duration_minutes: None,
            attendees: Default::default(),
            agenda: vec![],
            decisions: decision
                .into_iter()
                .map(|kind| Decision {
                    kind,
                    subject: "x".to_owned(),
                    outcome: "y".to_owned(),
                })
                .collect(),
        }
    }

    /// Each case: the meetings of site `sedan` in 2009, and the expected
    /// status of its technical committee and steering committee lines.
    #[test]
    fn each_site_line_takes_the_status_its_meetings_give() {
        use ComplianceStatus::*;
        let tc = Body::TechnicalCommittee;
        let sc = Body::SteeringCommittee;
        type Case = (Vec<(Body, Date)>, ComplianceStatus, ComplianceStatus);
        let cases: Vec<Case> = vec![
            (
                vec![(tc, date(2009, 6, 9)), (sc, date(2009, 12, 1))],
                Held,
                Held,
            ),
            (vec![], Missing, Missing),
            (
                vec![(tc, date(2009, 3, 3)), (sc, date(2009, 10, 20))],
                OutOfWindow,
                OutOfWindow,
            ),
            (
                vec![
                    (tc, date(2009, 6, 9)),
                    (tc, date(2009, 9, 9)),
                    (tc, date(2009, 11, 9)),
                ],
                TooMany,
                Missing,
            ),
            (
                vec![(tc, date(2008, 6, 9)), (sc, date(2010, 12, 1))],
                Missing,
                Missing,
            ),
        ];
        let rules = GovernanceRuleset::champagne_ardenne();
        for (i, (held, want_tc, want_sc)) in cases.into_iter().enumerate() {
            let meetings: Vec<Meeting> = held
                .into_iter()
                .map(|(b, d)| meeting(b, Some("sedan"), d, None))
                .collect();
            let report = compliance(&rules, &["sedan"], &meetings, 2009);
            let status = |id: &str| {
                report
                    .lines_of(Some("sedan"))
                    .find(|l| l.requirement == id)
                    .unwrap()
                    .status
            };
            assert_eq!(status("technical_committee_meetings"), want_tc, "case {i}");
            assert_eq!(
                status("steering_committee_arbitration"),
                want_sc,
                "case {i}"
            );
        }
    }

    #[test]
    fn only_a_commission_deciding_the_roadmap_counts_for_the_june_requirement() {
        let rules = GovernanceRuleset::champagne_ardenne();
        let c = Body::Commission;
        let meetings = vec![
            meeting(
                c,
                None,
                date(2009, 6, 18),
                Some(DecisionKind::OpinionLabelling),
            ),
            meeting(c, None, date(2009, 7, 2), Some(DecisionKind::Roadmap)),
        ];
        let report = compliance(&rules, &[], &meetings, 2009);
        let line = report.lines_of(None).next().unwrap();
        assert_eq!(line.status, ComplianceStatus::OutOfWindow);
        assert_eq!(line.out_of_window, vec![date(2009, 7, 2)]);
        assert!(
            line.explanation.contains("2009-07-02"),
            "{}",
            line.explanation
        );
    }
}
