//! The network's yearly calendar, generated from the ruleset: the tasks of
//! the cycle (activity report, programme review, preparation, transmission),
//! the windows in which each body must meet, the coordination's monthly
//! meetings with the coordinators, and, when given, the meetings recorded.
//!
//! Windows are all-day items spanning whole months; meetings are timed items
//! in the ruleset's time zone. Every item carries a UID derived from the
//! ruleset's id, the year, the obligation and the site, so that exporting the
//! calendar again yields the same UIDs and calendar software updates its
//! copy instead of adding a second one. [`crate::ics`] writes it out.

use em_core::Registry;
use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize};

use crate::body::Scope;
use crate::meeting::Meeting;
use crate::rules::{GovernanceRuleset, describe_window};

/// When a calendar item happens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum When {
    /// Whole days, from `first` to `last` included.
    AllDay {
        /// First day.
        first: Date,
        /// Last day (included; the iCalendar export makes it exclusive).
        last: Date,
    },
    /// A local time span in the calendar's time zone.
    Timed {
        /// Local start.
        start: DateTime,
        /// Local end.
        end: DateTime,
    },
}

/// One item of the calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarItem {
    /// Stable identifier (the iCalendar UID).
    pub uid: String,
    /// The obligation, requirement or meeting it comes from.
    pub source: String,
    /// The site, or none for the region.
    pub site: Option<String>,
    /// Short title.
    pub summary: String,
    /// What it is and which rule asks for it.
    pub description: String,
    /// When.
    pub when: When,
}

/// A year's calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calendar {
    /// The ruleset's identifier.
    pub ruleset_id: String,
    /// The year.
    pub year: i16,
    /// The IANA time zone of the timed items.
    pub time_zone: String,
    /// Items, in date order (ties in generation order).
    pub items: Vec<CalendarItem>,
}

/// Errors building a calendar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The ruleset has no time zone in force for the year.
    #[error(transparent)]
    NotInForce(#[from] em_core::dated::NotInForce),
    /// A site asked for is not in the registry.
    #[error("`{0}` is not a site of the network")]
    UnknownSite(String),
    /// A meeting given cannot be placed in the calendar.
    #[error("[{index}].{field}: {reason}")]
    Meeting {
        /// The meeting's place in the list (from 0).
        index: usize,
        /// The field at fault (`duration_minutes`, `start`, `id`).
        field: String,
        /// Why.
        reason: String,
    },
    /// The ruleset's time zone is not one the time zone database knows.
    #[error("the time zone `{0}` is unknown")]
    UnknownTimeZone(String),
}

/// The calendar of `year`: the region's items and those of every site, or
/// of `site` only (with the region's items) when given. Recorded `meetings`
/// of that year are added as items of their own.
pub fn calendar(
    rules: &GovernanceRuleset,
    registry: &Registry,
    year: i16,
    site: Option<&str>,
    meetings: &[Meeting],
) -> Result<Calendar, CalendarError> {
    let _span = tracing::info_span!("governance_calendar", year).entered();
    let first_day = Date::new(year, 1, 1).expect("1 January exists every year");
    let time_zone = rules.time_zone_on(first_day)?.to_owned();
    let tz = jiff::tz::TimeZone::get(&time_zone)
        .map_err(|_| CalendarError::UnknownTimeZone(time_zone.clone()))?;
    check_meetings(rules, meetings)?;
    if let Some(id) = site
        && registry.site(id).is_none()
    {
        return Err(CalendarError::UnknownSite(id.to_owned()));
    }
    let sites: Vec<(&str, &str)> = registry
        .sites
        .iter()
        .filter(|s| site.is_none_or(|wanted| wanted == s.id))
        .map(|s| (s.id.as_str(), s.name.as_str()))
        .collect();
    let uid = |source: &str, who: Option<&str>| {
        format!(
            "em-{}-{year}-{source}-{}",
            rules.ruleset_id,
            who.unwrap_or("region")
        )
    };
    let mut items = Vec::new();
    let push_window = |source: &str,
                       label: &str,
                       scope: Scope,
                       months: [u8; 2],
                       why: String,
                       items: &mut Vec<CalendarItem>| {
        let when = month_window(year, months);
        let targets: Vec<Option<(&str, &str)>> = match scope {
            Scope::Region => vec![None],
            Scope::Site => sites.iter().copied().map(Some).collect(),
        };
        for target in targets {
            let summary = match target {
                Some((_, name)) => format!("{label} — {name}"),
                None => label.to_owned(),
            };
            items.push(CalendarItem {
                uid: uid(source, target.map(|t| t.0)),
                source: source.to_owned(),
                site: target.map(|t| t.0.to_owned()),
                summary,
                description: why.clone(),
                when: when.clone(),
            });
        }
    };
    for (id, spec) in rules.obligations_on(first_day) {
        let why = format!(
            "Task of the yearly cycle, {} (governance.toml, obligation `{id}`).",
            describe_window(spec.months)
        );
        push_window(id, &spec.label, spec.scope, spec.months, why, &mut items);
        if let Some(meeting) = &spec.coordination_meeting {
            let day = nth_weekday(year, spec.months[0], meeting.weekday.weekday(), meeting.nth);
            let start = day.to_datetime(meeting.start);
            let end = local_end(&tz, start, meeting.duration_minutes).ok_or_else(|| {
                CalendarError::Meeting {
                    index: 0,
                    field: format!("obligations.{id}.coordination_meeting"),
                    reason: format!("the meeting of {start} cannot be placed in {time_zone}"),
                }
            })?;
            items.push(CalendarItem {
                uid: uid(&format!("{id}-coordination"), None),
                source: id.to_owned(),
                site: None,
                summary: format!("Réunion coordination – CTEM : {}", spec.label),
                description: format!(
                    "Monthly meeting of the regional coordination with the coordinators (CTEM) (governance.toml, obligation `{id}`, coordination_meeting)."
                ),
                when: When::Timed { start, end },
            });
        }
    }
    for (id, spec) in rules.requirements_on(first_day) {
        let scope = rules
            .body(spec.body, first_day)
            .map_or(Scope::Site, |b| b.scope);
        let mut why = format!(
            "{}: at least {} meeting(s) {} (governance.toml, requirement `{id}`).",
            spec.label,
            spec.min,
            describe_window(spec.months)
        );
        if let Some(choice) = &spec.regional_choice {
            why.push_str(&format!(" Regional choice: {choice}."));
        }
        push_window(id, &spec.label, scope, spec.months, why, &mut items);
    }
    for (index, meeting) in meetings
        .iter()
        .enumerate()
        .filter(|(_, m)| m.date.year() == year)
    {
        if site.is_some() && meeting.site.is_some() && meeting.site.as_deref() != site {
            continue;
        }
        let label = rules
            .body(meeting.body, meeting.date)
            .map_or_else(|_| meeting.body.to_string(), |b| b.label.clone());
        let when = match meeting.start {
            Some(start) => {
                let start = meeting.date.to_datetime(start);
                let minutes = meeting.duration_minutes.unwrap_or(120);
                let end = local_end(&tz, start, minutes).ok_or_else(|| CalendarError::Meeting {
                    index,
                    field: "duration_minutes".to_owned(),
                    reason: format!(
                        "a meeting of {minutes} minutes from {start} ends outside the calendar"
                    ),
                })?;
                When::Timed { start, end }
            }
            None => When::AllDay {
                first: meeting.date,
                last: meeting.date,
            },
        };
        let summary = match meeting.site.as_deref().and_then(|s| registry.site(s)) {
            Some(s) => format!("{label} — {}", s.name),
            None => label,
        };
        items.push(CalendarItem {
            uid: format!("em-{}-meeting-{}", rules.ruleset_id, sanitise(&meeting.id)),
            source: format!("meeting:{}", meeting.id),
            site: meeting.site.clone(),
            summary,
            description: if meeting.agenda.is_empty() {
                "Recorded meeting.".to_owned()
            } else {
                format!("Agenda: {}.", meeting.agenda.join("; "))
            },
            when,
        });
    }
    items.sort_by_key(|item| match &item.when {
        When::AllDay { first, .. } => first.to_datetime(jiff::civil::Time::midnight()),
        When::Timed { start, .. } => *start,
    });
    Ok(Calendar {
        ruleset_id: rules.ruleset_id.clone(),
        year,
        time_zone,
        items,
    })
}

/// Refuses the meetings the calendar cannot place: the same id twice (the
/// UIDs would collide, and calendar software would keep one of the two), a
/// duration outside [`crate::meeting::MEETING_MINUTES`], a start in the hour
/// the clocks skip.
fn check_meetings(rules: &GovernanceRuleset, meetings: &[Meeting]) -> Result<(), CalendarError> {
    for (index, meeting) in meetings.iter().enumerate() {
        if let Some(first) = meetings[..index].iter().position(|m| m.id == meeting.id) {
            return Err(CalendarError::Meeting {
                index,
                field: "id".to_owned(),
                reason: format!(
                    "`{}` is also the id of meeting [{first}]; an id names one meeting",
                    meeting.id
                ),
            });
        }
        if let Some(breach) = crate::meeting::time_breaches(rules, meeting)
            .into_iter()
            .next()
        {
            return Err(CalendarError::Meeting {
                index,
                field: breach.field,
                reason: breach.reason,
            });
        }
    }
    Ok(())
}

/// The local end of a meeting of `minutes` real minutes from the local
/// `start`: the duration is added in absolute time and the end read back
/// on the zone's clock, so a meeting across a clock change lasts what it
/// says (01:30 + 180 minutes on the night the clocks go back ends at 03:30).
/// A start in the repeated hour is taken at its first occurrence. `None`
/// when the end falls outside the time zone's range.
fn local_end(tz: &jiff::tz::TimeZone, start: DateTime, minutes: u32) -> Option<DateTime> {
    let zoned = tz.to_ambiguous_zoned(start).earlier().ok()?;
    let end = zoned
        .timestamp()
        .checked_add(jiff::SignedDuration::from_mins(i64::from(minutes)))
        .ok()?;
    Some(end.to_zoned(tz.clone()).datetime())
}

/// The whole months `[first, last]` of `year` as an all-day item.
fn month_window(year: i16, months: [u8; 2]) -> When {
    let first = Date::new(year, months[0] as i8, 1).expect("checked: months are 1–12");
    let last = Date::new(year, months[1] as i8, 1)
        .expect("checked: months are 1–12")
        .last_of_month();
    When::AllDay { first, last }
}

/// The `nth` `weekday` of `month` in `year`.
fn nth_weekday(year: i16, month: u8, weekday: jiff::civil::Weekday, nth: u8) -> Date {
    let first = Date::new(year, month as i8, 1).expect("checked: months are 1–12");
    first
        .nth_weekday_of_month(nth as i8, weekday)
        .expect("checked: nth is 1–4, which every month has")
}

/// Keeps the characters safe in a UID.
fn sanitise(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_calendar_of_2010_has_every_obligation_for_every_site_with_stable_uids() {
        let rules = GovernanceRuleset::champagne_ardenne();
        let registry = Registry::champagne_ardenne();
        let cal = calendar(&rules, &registry, 2010, None, &[]).unwrap();
        // Site-scope windows: 3 tasks + 2 committees, for 11 sites; region:
        // the transmission, the Commission, and 3 coordination meetings.
        assert_eq!(cal.items.len(), 5 * 11 + 2 + 3);
        let again = calendar(&rules, &registry, 2010, None, &[]).unwrap();
        assert_eq!(cal, again);
        let report = cal
            .items
            .iter()
            .find(|i| i.uid == "em-champagne-ardenne-2010-activity_report-sedan")
            .unwrap();
        assert_eq!(
            report.when,
            When::AllDay {
                first: date(2010, 1, 1),
                last: date(2010, 2, 28)
            }
        );
        let steering = cal
            .items
            .iter()
            .find(|i| i.uid == "em-champagne-ardenne-2010-steering_committee_arbitration-reims")
            .unwrap();
        assert!(steering.description.contains("Regional choice"));
        let meeting = cal
            .items
            .iter()
            .find(|i| i.uid == "em-champagne-ardenne-2010-activity_report-coordination-region")
            .unwrap();
        assert_eq!(
            meeting.when,
            When::Timed {
                start: date(2010, 1, 12).at(9, 30, 0, 0),
                end: date(2010, 1, 12).at(12, 30, 0, 0)
            }
        );
    }

    fn timed_meeting(id: &str, day: Date, start: jiff::civil::Time, minutes: u32) -> Meeting {
        Meeting {
            id: id.to_owned(),
            body: crate::body::Body::TechnicalCommittee,
            site: Some("sedan".to_owned()),
            date: day,
            start: Some(start),
            duration_minutes: Some(minutes),
            attendees: Default::default(),
            agenda: vec![],
            decisions: vec![],
        }
    }

    #[test]
    fn a_meeting_across_the_autumn_change_lasts_its_real_minutes() {
        let rules = GovernanceRuleset::champagne_ardenne();
        let registry = Registry::champagne_ardenne();
        let m = timed_meeting(
            "m1",
            date(2009, 10, 25),
            jiff::civil::time(1, 30, 0, 0),
            180,
        );
        let cal = calendar(&rules, &registry, 2009, Some("sedan"), &[m]).unwrap();
        let item = cal.items.iter().find(|i| i.source == "meeting:m1").unwrap();
        // 01:30 CEST is 23:30 UTC; three hours later is 02:30 UTC, 03:30 CET.
        assert_eq!(
            item.when,
            When::Timed {
                start: date(2009, 10, 25).at(1, 30, 0, 0),
                end: date(2009, 10, 25).at(3, 30, 0, 0)
            }
        );
    }

    #[test]
    fn meetings_the_calendar_cannot_place_are_refused_with_their_place() {
        let rules = GovernanceRuleset::champagne_ardenne();
        let registry = Registry::champagne_ardenne();
        let at = |h| jiff::civil::time(h, 30, 0, 0);
        let huge = timed_meeting("m1", date(2009, 6, 2), at(10), u32::MAX);
        let err = calendar(&rules, &registry, 2009, None, &[huge]).unwrap_err();
        assert!(
            err.to_string().starts_with("[0].duration_minutes:"),
            "{err}"
        );
        let gap = timed_meeting("m1", date(2009, 3, 29), at(2), 60);
        let err = calendar(&rules, &registry, 2009, None, &[gap]).unwrap_err();
        assert!(err.to_string().starts_with("[0].start:"), "{err}");
        let one = timed_meeting("m1", date(2009, 6, 2), at(10), 60);
        let err = calendar(&rules, &registry, 2009, None, &[one.clone(), one]).unwrap_err();
        assert!(err.to_string().starts_with("[1].id:"), "{err}");
        assert!(err.to_string().contains("[0]"), "{err}");
    }

    #[test]
    fn a_site_calendar_keeps_the_site_and_the_region_only() {
        let rules = GovernanceRuleset::champagne_ardenne();
        let registry = Registry::champagne_ardenne();
        let cal = calendar(&rules, &registry, 2010, Some("sedan"), &[]).unwrap();
        assert!(
            cal.items
                .iter()
                .all(|i| i.site.as_deref().is_none_or(|s| s == "sedan"))
        );
        assert_eq!(cal.items.len(), 5 + 2 + 3);
        let err = calendar(&rules, &registry, 2010, Some("paris"), &[]).unwrap_err();
        assert_eq!(err, CalendarError::UnknownSite("paris".to_owned()));
    }
}
