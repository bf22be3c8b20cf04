//! iCalendar (RFC 5545) export of a [`Calendar`].
//!
//! Written by hand rather than with a crate because the subset needed is
//! small and its details are the whole point:
//!
//! - timed items carry `TZID=<zone>` local times, and the file holds a
//!   `VTIMEZONE` built from the `jiff` time zone database with one
//!   `STANDARD`/`DAYLIGHT` sub-component per actual transition around the
//!   year, so every client computes the same instants across the clock
//!   changes without needing its own database;
//! - all-day items use `VALUE=DATE` with an *exclusive* `DTEND` (the day
//!   after the last one), as the RFC and every major client expect;
//! - UIDs are the calendar's stable ones, and `DTSTAMP` is given by the
//!   caller (the core reads no clock), so exporting twice gives the same file;
//! - lines end with CRLF and are folded at 75 octets, never inside a UTF-8
//!   character; text values escape `\`, `;`, `,` and newlines.

use std::fmt::Write as _;

use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ToSpan};

use crate::calendar::{Calendar, When};

/// Errors writing a calendar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IcsError {
    /// The calendar's time zone is not in the bundled database.
    #[error("time zone `{0}` is not in the time zone database")]
    UnknownTimeZone(String),
}

/// Writes `calendar` as an iCalendar file; `stamp` is the instant written in
/// every `DTSTAMP` (when the export was made).
pub fn to_ics(calendar: &Calendar, stamp: Timestamp) -> Result<String, IcsError> {
    let _span = tracing::info_span!("calendar_ics", year = calendar.year).entered();
    let tz = TimeZone::get(&calendar.time_zone)
        .map_err(|_| IcsError::UnknownTimeZone(calendar.time_zone.clone()))?;
    let mut out = Lines::default();
    out.line("BEGIN:VCALENDAR");
    out.line("VERSION:2.0");
    out.line("PRODID:-//espaces-metiers//em-governance//FR");
    out.line("CALSCALE:GREGORIAN");
    out.line("METHOD:PUBLISH");
    out.line(&format!(
        "X-WR-CALNAME:{}",
        escape(&format!(
            "Espaces métiers {} — {}",
            calendar.ruleset_id, calendar.year
        ))
    ));
    out.line(&format!("X-WR-TIMEZONE:{}", calendar.time_zone));
    write_vtimezone(&mut out, &calendar.time_zone, &tz, calendar.year);
    let dtstamp = stamp.strftime("%Y%m%dT%H%M%SZ").to_string();
    for item in &calendar.items {
        out.line("BEGIN:VEVENT");
        out.line(&format!("UID:{}", item.uid));
        out.line(&format!("DTSTAMP:{dtstamp}"));
        match &item.when {
            When::AllDay { first, last } => {
                let end = last
                    .checked_add(1.day())
                    .expect("a day of the calendar's year has a next day");
                out.line(&format!("DTSTART;VALUE=DATE:{}", first.strftime("%Y%m%d")));
                out.line(&format!("DTEND;VALUE=DATE:{}", end.strftime("%Y%m%d")));
                // A window of months is a period to work in, not a time the
                // reader is busy.
                out.line("TRANSP:TRANSPARENT");
            }
            When::Timed { start, end } => {
                let zone = &calendar.time_zone;
                out.line(&format!(
                    "DTSTART;TZID={zone}:{}",
                    start.strftime("%Y%m%dT%H%M%S")
                ));
                out.line(&format!(
                    "DTEND;TZID={zone}:{}",
                    end.strftime("%Y%m%dT%H%M%S")
                ));
                out.line("TRANSP:OPAQUE");
            }
        }
        out.line(&format!("SUMMARY:{}", escape(&item.summary)));
        out.line(&format!("DESCRIPTION:{}", escape(&item.description)));
        out.line("SEQUENCE:0");
        out.line("END:VEVENT");
    }
    out.line("END:VCALENDAR");
    Ok(out.text)
}

/// A `VTIMEZONE` with every transition from the one in force on 1 January
/// of the year before to the end of the year after, so items of the year
/// and those recorded around it resolve in any client.
fn write_vtimezone(out: &mut Lines, name: &str, tz: &TimeZone, year: i16) {
    let start = jiff::civil::date(year - 1, 1, 1)
        .at(0, 0, 0, 0)
        .to_zoned(tz.clone())
        .expect("1 January exists in every zone")
        .timestamp();
    let end = jiff::civil::date(year + 2, 1, 1)
        .at(0, 0, 0, 0)
        .to_zoned(tz.clone())
        .expect("1 January exists in every zone")
        .timestamp();
    out.line("BEGIN:VTIMEZONE");
    out.line(&format!("TZID:{name}"));
    let mut transitions: Vec<(Timestamp, Offset, String, bool)> = Vec::new();
    if let Some(t) = tz.preceding(start).next() {
        transitions.push((
            t.timestamp(),
            t.offset(),
            t.abbreviation().to_owned(),
            t.dst().is_dst(),
        ));
    }
    for t in tz.following(start) {
        if t.timestamp() >= end {
            break;
        }
        transitions.push((
            t.timestamp(),
            t.offset(),
            t.abbreviation().to_owned(),
            t.dst().is_dst(),
        ));
    }
    if transitions.is_empty() {
        // A zone without any transition (UTC, or a fixed offset) still
        // needs one sub-component saying its offset.
        let offset = tz.to_offset(start);
        transitions.push((start, offset, String::new(), false));
    }
    for (at, offset, abbreviation, dst) in transitions {
        let before = at
            .checked_sub(jiff::SignedDuration::from_secs(1))
            .map_or(offset, |t| tz.to_offset(t));
        let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
        // DTSTART is the local time of the change as read on the clock
        // before it (in TZOFFSETFROM).
        let local = before.to_datetime(at);
        out.line(&format!("BEGIN:{kind}"));
        out.line(&format!("DTSTART:{}", local.strftime("%Y%m%dT%H%M%S")));
        out.line(&format!("TZOFFSETFROM:{}", format_offset(before)));
        out.line(&format!("TZOFFSETTO:{}", format_offset(offset)));
        if !abbreviation.is_empty() {
            out.line(&format!("TZNAME:{}", escape(&abbreviation)));
        }
        out.line(&format!("END:{kind}"));
    }
    out.line("END:VTIMEZONE");
}

/// `+HHMM`, or `+HHMMSS` when the offset has seconds.
fn format_offset(offset: Offset) -> String {
    let total = offset.seconds();
    let sign = if total < 0 { '-' } else { '+' };
    let abs = total.unsigned_abs();
    let (h, m, s) = (abs / 3600, (abs / 60) % 60, abs % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

/// Escapes a TEXT value (RFC 5545, 3.3.11).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Content lines, folded and CRLF-terminated as they are added.
#[derive(Debug, Default)]
struct Lines {
    text: String,
}

impl Lines {
    fn line(&mut self, content: &str) {
        let mut budget = 75;
        let mut used = 0;
        for c in content.chars() {
            let len = c.len_utf8();
            if used + len > budget {
                self.text.push_str("\r\n ");
                // The leading space of a continuation line counts.
                budget = 74;
                used = 0;
            }
            self.text.push(c);
            used += len;
        }
        let _ = write!(self.text, "\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CalendarItem;
    use jiff::civil::date;

    fn calendar(items: Vec<CalendarItem>) -> Calendar {
        Calendar {
            ruleset_id: "champagne-ardenne".to_owned(),
            year: 2009,
            time_zone: "Europe/Paris".to_owned(),
            items,
        }
    }

    fn unfold(text: &str) -> Vec<String> {
        text.replace("\r\n ", "")
            .split("\r\n")
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn every_line_ends_with_crlf_and_fits_in_75_octets() {
        let long = "Réunion de la coordination avec les CTEM : préparation du comité technique local de programmation, ordre du jour très long; avec, des; séparateurs";
        let cal = calendar(vec![CalendarItem {
            uid: "u1".to_owned(),
            source: "x".to_owned(),
            site: None,
            summary: long.to_owned(),
            description: "é".repeat(100),
            when: When::AllDay {
                first: date(2009, 12, 1),
                last: date(2009, 12, 31),
            },
        }]);
        let text = to_ics(&cal, Timestamp::UNIX_EPOCH).unwrap();
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{line:?} has {} octets", line.len());
            assert!(!line.contains('\n') && !line.contains('\r'));
        }
        let lines = unfold(&text);
        assert!(lines.contains(&format!("SUMMARY:{}", escape(long))));
        assert!(lines.contains(&"DTEND;VALUE=DATE:20100101".to_owned()));
        assert!(lines.contains(&format!("DESCRIPTION:{}", "é".repeat(100))));
    }

    #[test]
    fn the_paris_zone_has_both_changes_of_2009_with_their_local_times() {
        let text = to_ics(&calendar(vec![]), Timestamp::UNIX_EPOCH).unwrap();
        let lines = unfold(&text);
        let joined = lines.join("\n");
        assert!(
            joined.contains("BEGIN:DAYLIGHT\nDTSTART:20090329T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nTZNAME:CEST"),
            "{joined}"
        );
        assert!(
            joined.contains("BEGIN:STANDARD\nDTSTART:20091025T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nTZNAME:CET"),
            "{joined}"
        );
    }

    #[test]
    fn text_values_escape_the_separators() {
        assert_eq!(escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
    }
}
