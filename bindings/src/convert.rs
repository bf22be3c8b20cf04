//! Conversions of plain values at the edge: dates, years and record kinds
//! arrive as text from the other language and are checked here once.

use em_core::statistics::RecordKind;
use jiff::civil::Date;

use crate::error::EmError;

/// Parses an ISO date (`2009-06-15`) given for the argument `field`.
pub fn date(field: &str, text: &str) -> Result<Date, EmError> {
    text.parse::<Date>().map_err(|e| {
        EmError::argument(
            field,
            format!("`{text}` is not a date written YYYY-MM-DD ({e})"),
        )
    })
}

/// Checks a year given for the argument `field`.
pub fn year(field: &str, year: i32) -> Result<i16, EmError> {
    i16::try_from(year)
        .ok()
        .filter(|y| (1900..=2200).contains(y))
        .ok_or_else(|| EmError::argument(field, format!("{year} is not a plausible year")))
}

/// Parses a record kind (`visit`, `survey_answer`, `event`).
pub fn kind(text: &str) -> Result<RecordKind, EmError> {
    text.parse::<RecordKind>()
        .map_err(|reason| EmError::argument("kind", reason))
}
