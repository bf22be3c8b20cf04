//! Meetings of the bodies, and the checks made when one is recorded.
//!
//! A meeting is recorded only if its quorum is met (every required member
//! category present, the June extension included) and every decision it took
//! is within its body's competence: a meeting that fails either is refused,
//! with every rule it breaks. A meeting held outside its window is recorded
//! all the same, since it did take place, with a warning naming the
//! requirement whose window it misses.
//!
//! Attendees are counted by category, never named: a meeting record holds no
//! personal data.

use std::collections::BTreeMap;

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::body::{Body, DecisionKind, Scope};
use crate::rules::{BodySpec, GOVERNANCE_FILE, GovernanceRuleset, describe_window, in_months};

/// One meeting of a body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    /// Identifier chosen by whoever records it, unique in the store.
    pub id: String,
    /// Which body met.
    pub body: Body,
    /// The site, for a site's committees; absent for the Commission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// The day it was held.
    pub date: Date,
    /// Local start time (Europe/Paris), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Time>,
    /// Length in minutes, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_minutes: Option<u32>,
    /// How many people of each member category attended.
    pub attendees: BTreeMap<String, u32>,
    /// The items of the agenda.
    #[serde(default)]
    pub agenda: Vec<String>,
    /// What it decided.
    #[serde(default)]
    pub decisions: Vec<Decision>,
}

/// One decision of a meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// What kind of decision.
    pub kind: DecisionKind,
    /// What it is about (an application, a plan, a proposal…).
    pub subject: String,
    /// What was decided, in the body's words.
    pub outcome: String,
}

/// A rule a meeting breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breach {
    /// The rule, as `governance.toml` and its path inside the file.
    pub rule: String,
    /// Where in the meeting (`attendees`, `decisions[1].kind`, `date`…).
    pub field: String,
    /// Why, for a person.
    pub reason: String,
}

impl std::fmt::Display for Breach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.field, self.rule, self.reason)
    }
}

/// A meeting that could not be recorded, with every rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("meeting `{meeting}` is refused: {}", .breaches.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct MeetingRefused {
    /// The meeting's id.
    pub meeting: String,
    /// Every rule it breaks.
    pub breaches: Vec<Breach>,
}

/// A meeting accepted for recording, with its warnings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedMeeting {
    /// The meeting as recorded.
    pub meeting: Meeting,
    /// Rules it breaks without being refused (a window missed).
    pub warnings: Vec<Breach>,
    /// One sentence for the minutes.
    pub explanation: String,
}

/// A list of meetings checked against their bodies' rules: those that pass,
/// and those refused, each with its place in the list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckedMeetings {
    /// The meetings that pass, in the order given, with their warnings.
    pub recorded: Vec<RecordedMeeting>,
    /// The refused ones: the meeting's index in the list (from 0) and every
    /// rule it breaks.
    pub refused: Vec<(usize, MeetingRefused)>,
}

impl CheckedMeetings {
    /// The meetings that pass, without their warnings.
    pub fn accepted(&self) -> Vec<Meeting> {
        self.recorded.iter().map(|r| r.meeting.clone()).collect()
    }
}

/// The shortest and longest meeting a record may state, in minutes.
///
/// A meeting is one sitting of a body within a day: one minute to one day
/// is the bound the ruleset already puts on the coordination's meetings.
/// A value outside it is a slip (minutes typed as seconds, a placeholder
/// such as 4294967295) and is refused where the meeting is read, rather
/// than carried into the compliance table and the calendar.
pub const MEETING_MINUTES: std::ops::RangeInclusive<u32> = 1..=24 * 60;

/// What is wrong with a meeting's time: a duration outside
/// [`MEETING_MINUTES`], or a start that does not exist in the ruleset's time
/// zone on that day (the hour skipped when the clocks go forward).
///
/// A start in the skipped hour is refused rather than moved: a meeting
/// record is the secretary's word, and any guess (the hour after, the hour
/// before) would put into the calendar a time nobody wrote.
pub fn time_breaches(rules: &GovernanceRuleset, meeting: &Meeting) -> Vec<Breach> {
    let mut breaches = Vec::new();
    if let Some(minutes) = meeting.duration_minutes
        && !MEETING_MINUTES.contains(&minutes)
    {
        breaches.push(Breach {
            rule: "meeting duration (1 minute to 24 hours)".to_owned(),
            field: "duration_minutes".to_owned(),
            reason: format!(
                "{minutes} minutes is not the length of a meeting (from {} to {} minutes)",
                MEETING_MINUTES.start(),
                MEETING_MINUTES.end()
            ),
        });
    }
    if let Some(start) = meeting.start
        && let Ok(zone) = rules.time_zone_on(meeting.date)
        && let Ok(tz) = jiff::tz::TimeZone::get(zone)
    {
        let local = meeting.date.to_datetime(start);
        if let jiff::tz::AmbiguousOffset::Gap { before, after } =
            tz.to_ambiguous_zoned(local).offset()
        {
            breaches.push(Breach {
                rule: format!("{GOVERNANCE_FILE} time_zone ({zone})"),
                field: "start".to_owned(),
                reason: format!(
                    "{local} does not exist in {zone}: the clocks go from UTC{before} to UTC{after} in that hour"
                ),
            });
        }
    }
    breaches
}

/// Checks every meeting of a list with [`record`]. The command line, the
/// bindings and the governance page all read a file of meetings this way,
/// so a meeting is judged by one function whoever asks.
pub fn record_all(
    rules: &GovernanceRuleset,
    site_ids: &[&str],
    meetings: Vec<Meeting>,
) -> CheckedMeetings {
    let _span = tracing::info_span!("record_meetings_check", meetings = meetings.len()).entered();
    let mut checked = CheckedMeetings::default();
    // An id names one meeting: two meetings of one list with the same id
    // are both refused, each naming the other's place, since which one the
    // secretary meant cannot be told.
    let ids: Vec<String> = meetings.iter().map(|m| m.id.clone()).collect();
    for (index, meeting) in meetings.into_iter().enumerate() {
        let twins: Vec<usize> = (0..ids.len())
            .filter(|&j| j != index && ids[j] == meeting.id)
            .collect();
        let result = record(rules, site_ids, meeting.clone());
        if twins.is_empty() {
            match result {
                Ok(recorded) => checked.recorded.push(recorded),
                Err(refused) => checked.refused.push((index, refused)),
            }
            continue;
        }
        let mut breaches = match result {
            Ok(_) => Vec::new(),
            Err(refused) => refused.breaches,
        };
        breaches.insert(
            0,
            Breach {
                rule: "meeting ids are unique".to_owned(),
                field: "id".to_owned(),
                reason: format!(
                    "`{}` is the id of meetings [{index}] and {} of the same list",
                    meeting.id,
                    twins
                        .iter()
                        .map(|j| format!("[{j}]"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
        );
        checked.refused.push((
            index,
            MeetingRefused {
                meeting: meeting.id,
                breaches,
            },
        ));
    }
    checked
}

/// Checks `meeting` against the rules and the network's sites; it is either
/// recorded (maybe with warnings) or refused with every rule it breaks.
pub fn record(
    rules: &GovernanceRuleset,
    site_ids: &[&str],
    meeting: Meeting,
) -> Result<RecordedMeeting, MeetingRefused> {
    let _span = tracing::debug_span!("record_meeting", meeting = %meeting.id, body = %meeting.body)
        .entered();
    let mut breaches = Vec::new();
    let (spec, path) = match body_in_force(rules, meeting.body, meeting.date) {
        Some(found) => found,
        None => {
            return Err(MeetingRefused {
                meeting: meeting.id.clone(),
                breaches: vec![Breach {
                    rule: format!("{GOVERNANCE_FILE} bodies"),
                    field: "date".to_owned(),
                    reason: format!(
                        "no composition of the {} is in force on {}",
                        meeting.body, meeting.date
                    ),
                }],
            });
        }
    };
    check_scope(spec, &path, site_ids, &meeting, &mut breaches);
    breaches.extend(time_breaches(rules, &meeting));
    let month = meeting.date.month() as u8;
    for (category, count) in &meeting.attendees {
        if rules.member_categories.iter().all(|m| &m.id != category) {
            breaches.push(Breach {
                rule: format!("{GOVERNANCE_FILE} member_categories"),
                field: format!("attendees.{category}"),
                reason: format!("`{category}` is not a member category"),
            });
        } else if *count > 0 && !spec.admits(category, month) {
            breaches.push(Breach {
                rule: format!("{path}.required/optional"),
                field: format!("attendees.{category}"),
                reason: format!(
                    "{} does not sit in the {} in {}",
                    rules.category_label(category),
                    spec.label,
                    crate::rules::month_name(month)
                ),
            });
        }
    }
    for (category, extension) in spec.required_in(month) {
        if meeting.attendees.get(category).copied().unwrap_or(0) == 0 {
            let (rule, why) = match extension {
                Some(ext) => (format!("{path}.extensions"), format!(" ({})", ext.reason)),
                None => (format!("{path}.required"), String::new()),
            };
            breaches.push(Breach {
                rule,
                field: "attendees".to_owned(),
                reason: format!(
                    "no quorum: {} is a required member and was absent{why}",
                    rules.category_label(category)
                ),
            });
        }
    }
    for (i, decision) in meeting.decisions.iter().enumerate() {
        if !spec.competences.contains(&decision.kind) {
            breaches.push(Breach {
                rule: format!("{path}.competences"),
                field: format!("decisions[{i}].kind"),
                reason: format!(
                    "the {} is not competent for `{}` (it decides: {})",
                    spec.label,
                    decision.kind,
                    spec.competences
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
    if !breaches.is_empty() {
        tracing::debug!(count = breaches.len(), "meeting refused");
        return Err(MeetingRefused {
            meeting: meeting.id.clone(),
            breaches,
        });
    }
    let warnings = window_warnings(rules, &meeting);
    let explanation = if warnings.is_empty() {
        format!(
            "{} of {} meets the rules: quorum met, every decision within its competence, held in its window.",
            spec.label, meeting.date
        )
    } else {
        format!(
            "{} of {} meets the rules, with {} warning(s): {}.",
            spec.label,
            meeting.date,
            warnings.len(),
            warnings
                .iter()
                .map(|w| w.reason.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        )
    };
    Ok(RecordedMeeting {
        meeting,
        warnings,
        explanation,
    })
}

/// The requirements whose window the meeting misses, as warnings.
pub(crate) fn window_warnings(rules: &GovernanceRuleset, meeting: &Meeting) -> Vec<Breach> {
    let month = meeting.date.month() as u8;
    let mut warnings = Vec::new();
    for (r, rule) in rules.requirements.iter().enumerate() {
        let Some((p, period)) = rule
            .periods
            .0
            .iter()
            .enumerate()
            .find(|(_, d)| d.in_force(meeting.date))
        else {
            continue;
        };
        let spec = &period.value;
        let counts = spec.body == meeting.body
            && spec
                .decision
                .is_none_or(|kind| meeting.decisions.iter().any(|d| d.kind == kind));
        if counts && !in_months(spec.months, month) {
            warnings.push(Breach {
                rule: format!(
                    "{GOVERNANCE_FILE} requirements[{r}].periods[{p}].value.months ({})",
                    rule.id
                ),
                field: "date".to_owned(),
                reason: format!(
                    "held on {}, outside the window of \"{}\" ({})",
                    meeting.date,
                    spec.label,
                    describe_window(spec.months)
                ),
            });
        }
    }
    warnings
}

fn check_scope(
    spec: &BodySpec,
    path: &str,
    site_ids: &[&str],
    meeting: &Meeting,
    breaches: &mut Vec<Breach>,
) {
    match (spec.scope, &meeting.site) {
        (Scope::Region, Some(site)) => breaches.push(Breach {
            rule: format!("{path}.scope"),
            field: "site".to_owned(),
            reason: format!(
                "the {} is a regional body; the meeting names site `{site}`",
                spec.label
            ),
        }),
        (Scope::Site, None) => breaches.push(Breach {
            rule: format!("{path}.scope"),
            field: "site".to_owned(),
            reason: format!("each site has its own {}: say which site met", spec.label),
        }),
        (Scope::Site, Some(site)) if !site_ids.contains(&site.as_str()) => {
            breaches.push(Breach {
                rule: "registry sites".to_owned(),
                field: "site".to_owned(),
                reason: format!("`{site}` is not a site of the network"),
            });
        }
        _ => {}
    }
}

/// The composition of `body` on `day` and its path in the file.
pub(crate) fn body_in_force(
    rules: &GovernanceRuleset,
    body: Body,
    day: Date,
) -> Option<(&BodySpec, String)> {
    let (b, rule) = rules
        .bodies
        .iter()
        .enumerate()
        .find(|(_, r)| r.body == body)?;
    let (p, period) = rule
        .periods
        .0
        .iter()
        .enumerate()
        .find(|(_, d)| d.in_force(day))?;
    Some((
        &period.value,
        format!("{GOVERNANCE_FILE} bodies[{b}].periods[{p}].value"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const SITES: &[&str] = &["sedan", "reims"];

    fn commission(day: Date, extended: bool) -> Meeting {
        let mut attendees: BTreeMap<String, u32> = [
            ("regional_coordination", 2),
            ("state", 1),
            ("region", 2),
            ("opca", 1),
        ]
        .into_iter()
        .map(|(c, n)| (c.to_owned(), n))
        .collect();
        if extended {
            attendees.insert("coordinator".to_owned(), 11);
            attendees.insert("host_structure".to_owned(), 9);
        }
        Meeting {
            id: "commission-2009-06".to_owned(),
            body: Body::Commission,
            site: None,
            date: day,
            start: None,
            duration_minutes: None,
            attendees,
            agenda: vec!["Feuille de route 2010".to_owned()],
            decisions: vec![Decision {
                kind: DecisionKind::Roadmap,
                subject: "roadmap-2010".to_owned(),
                outcome: "adoptée".to_owned(),
            }],
        }
    }

    #[test]
    fn a_june_commission_with_its_extension_is_recorded_without_warning() {
        let rules = GovernanceRuleset::champagne_ardenne();
        let recorded = record(&rules, SITES, commission(date(2009, 6, 18), true)).unwrap();
        assert!(recorded.warnings.is_empty(), "{:?}", recorded.warnings);
        assert!(recorded.explanation.contains("quorum met"));
    }

    #[test]
    fn a_duration_beyond_a_day_and_a_start_in_the_skipped_hour_are_refused() {
        let rules = GovernanceRuleset::champagne_ardenne();
        let mut m = commission(date(2009, 6, 18), true);
        m.duration_minutes = Some(u32::MAX);
        let err = record(&rules, SITES, m.clone()).unwrap_err();
        assert_eq!(err.breaches.len(), 1, "{err}");
        assert_eq!(err.breaches[0].field, "duration_minutes");
        assert!(err.breaches[0].reason.contains("4294967295"), "{err}");
        m.duration_minutes = Some(0);
        assert!(record(&rules, SITES, m.clone()).is_err());
        m.duration_minutes = Some(24 * 60);
        assert!(record(&rules, SITES, m.clone()).is_ok());
        // 29 March 2009: Europe/Paris goes from 02:00 straight to 03:00.
        m.date = date(2009, 3, 29);
        m.start = Some(jiff::civil::time(2, 30, 0, 0));
        let err = record(&rules, SITES, m.clone()).unwrap_err();
        let start = err.breaches.iter().find(|b| b.field == "start").unwrap();
        assert!(
            start.reason.contains("does not exist in Europe/Paris"),
            "{err}"
        );
        m.start = Some(jiff::civil::time(3, 30, 0, 0));
        assert!(time_breaches(&rules, &m).is_empty());
    }

    #[test]
    fn two_meetings_with_one_id_are_both_refused_naming_both_places() {
        let rules = GovernanceRuleset::champagne_ardenne();
        let m = commission(date(2009, 6, 18), true);
        let checked = record_all(&rules, SITES, vec![m.clone(), m]);
        assert!(checked.recorded.is_empty());
        assert_eq!(checked.refused.len(), 2);
        let (index, refusal) = &checked.refused[1];
        assert_eq!(*index, 1);
        assert_eq!(refusal.breaches[0].field, "id");
        assert!(
            refusal.breaches[0].reason.contains("[1] and [0]"),
            "{refusal}"
        );
    }

    #[test]
    fn a_june_commission_without_the_coordinators_lacks_its_quorum() {
        let rules = GovernanceRuleset::champagne_ardenne();
        let err = record(&rules, SITES, commission(date(2009, 6, 18), false)).unwrap_err();
        assert_eq!(err.breaches.len(), 2, "{err}");
        assert!(err.breaches[0].rule.ends_with(".extensions"), "{err}");
        assert!(err.breaches[0].reason.contains("CTEM"), "{err}");
    }

    #[test]
    fn a_roadmap_decided_in_september_is_recorded_with_a_warning_naming_the_rule() {
        let rules = GovernanceRuleset::champagne_ardenne();
        let recorded = record(&rules, SITES, commission(date(2009, 9, 10), false)).unwrap();
        assert_eq!(recorded.warnings.len(), 1);
        assert!(recorded.warnings[0].rule.contains("commission_roadmap"));
        assert!(recorded.warnings[0].reason.contains("in June"));
    }

    #[test]
    fn a_technical_committee_arbitrating_is_refused_for_competence() {
        let rules = GovernanceRuleset::champagne_ardenne();
        let meeting = Meeting {
            id: "tc-sedan-1".to_owned(),
            body: Body::TechnicalCommittee,
            site: Some("sedan".to_owned()),
            date: date(2009, 10, 6),
            start: None,
            duration_minutes: None,
            attendees: [("coordinator", 1), ("host_structure", 1)]
                .into_iter()
                .map(|(c, n)| (c.to_owned(), n))
                .collect(),
            agenda: vec![],
            decisions: vec![
                Decision {
                    kind: DecisionKind::ActionProposal,
                    subject: "p1".to_owned(),
                    outcome: "proposée".to_owned(),
                },
                Decision {
                    kind: DecisionKind::Arbitration,
                    subject: "plan".to_owned(),
                    outcome: "arbitré".to_owned(),
                },
            ],
        };
        let err = record(&rules, SITES, meeting).unwrap_err();
        assert_eq!(err.breaches.len(), 1, "{err}");
        assert_eq!(err.breaches[0].field, "decisions[1].kind");
        assert!(err.breaches[0].rule.ends_with(".competences"));
    }

    #[test]
    fn a_site_committee_of_an_unknown_site_and_an_unknown_category_are_both_refused() {
        let rules = GovernanceRuleset::champagne_ardenne();
        let mut meeting = commission(date(2009, 6, 18), true);
        meeting.body = Body::SteeringCommittee;
        meeting.site = Some("paris".to_owned());
        meeting.decisions.clear();
        meeting.attendees.insert("mayor".to_owned(), 1);
        let err = record(&rules, SITES, meeting).unwrap_err();
        let fields: Vec<&str> = err.breaches.iter().map(|b| b.field.as_str()).collect();
        assert!(fields.contains(&"site"), "{err}");
        assert!(fields.contains(&"attendees.mayor"), "{err}");
    }
}
