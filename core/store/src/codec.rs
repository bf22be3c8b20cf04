//! How record values are written as SQLite values and read back.
//!
//! Reading is on the hot path of every report (a million visits a year), so
//! the decoders write into buffers the caller reuses instead of allocating.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::civil::Date;

use crate::StoreError;

/// The separator of multi-valued fields. Codes are identifiers of the
/// ruleset's nomenclatures (`guidance.vae`, `pole_emploi`) and never hold it;
/// [`join_codes`] refuses one that does rather than store it ambiguously.
pub const LIST_SEPARATOR: char = ';';

/// Writes `date` as `YYYY-MM-DD` into `out`, replacing its content.
pub(crate) fn write_date(out: &mut String, date: Date) {
    out.clear();
    // Writing into a String cannot fail.
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}",
        date.year(),
        date.month(),
        date.day()
    );
}

/// Reads a `YYYY-MM-DD` date without going through a general parser.
pub(crate) fn read_date(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &[u8]| -> Option<i32> {
        s.iter().try_fold(0i32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + i32::from(c - b'0'))
        })
    };
    let year = i16::try_from(num(&b[0..4])?).ok()?;
    let month = i8::try_from(num(&b[5..7])?).ok()?;
    let day = i8::try_from(num(&b[8..10])?).ok()?;
    Date::new(year, month, day).ok()
}

/// Joins codes with [`LIST_SEPARATOR`] into `out`, replacing its content.
pub(crate) fn join_codes(
    out: &mut String,
    field: &'static str,
    codes: &[String],
) -> Result<(), StoreError> {
    out.clear();
    for (i, code) in codes.iter().enumerate() {
        if code.is_empty() || code.contains(LIST_SEPARATOR) {
            return Err(StoreError::Unstorable {
                field,
                reason: format!("code `{code}` is empty or holds `{LIST_SEPARATOR}`"),
            });
        }
        if i > 0 {
            out.push(LIST_SEPARATOR);
        }
        out.push_str(code);
    }
    Ok(())
}

/// Splits a joined list into `out`, reusing its strings.
pub(crate) fn split_codes(out: &mut Vec<String>, joined: &str) {
    let mut n = 0;
    if !joined.is_empty() {
        for code in joined.split(LIST_SEPARATOR) {
            match out.get_mut(n) {
                Some(slot) => {
                    slot.clear();
                    slot.push_str(code);
                }
                None => out.push(code.to_owned()),
            }
            n += 1;
        }
    }
    out.truncate(n);
}

/// Writes survey items as `item=score` pairs joined by [`LIST_SEPARATOR`].
pub(crate) fn join_items(out: &mut String, items: &BTreeMap<String, u8>) -> Result<(), StoreError> {
    out.clear();
    for (i, (item, score)) in items.iter().enumerate() {
        if item.is_empty() || item.contains(LIST_SEPARATOR) || item.contains('=') {
            return Err(StoreError::Unstorable {
                field: "items",
                reason: format!("item code `{item}` is empty or holds `{LIST_SEPARATOR}` or `=`"),
            });
        }
        if i > 0 {
            out.push(LIST_SEPARATOR);
        }
        let _ = write!(out, "{item}={score}");
    }
    Ok(())
}

/// Reads survey items written by [`join_items`].
pub(crate) fn split_items(out: &mut BTreeMap<String, u8>, joined: &str) -> Option<()> {
    out.clear();
    if joined.is_empty() {
        return Some(());
    }
    for pair in joined.split(LIST_SEPARATOR) {
        let (item, score) = pair.split_once('=')?;
        out.insert(item.to_owned(), score.parse().ok()?);
    }
    Some(())
}

/// Replaces the content of `slot` with `text`, keeping its allocation.
pub(crate) fn set_str(slot: &mut String, text: &str) {
    slot.clear();
    slot.push_str(text);
}

/// Like [`set_str`] for an optional field.
pub(crate) fn set_opt(slot: &mut Option<String>, text: Option<&str>) {
    match (slot.as_mut(), text) {
        (Some(s), Some(t)) => set_str(s, t),
        (None, Some(t)) => *slot = Some(t.to_owned()),
        (_, None) => *slot = None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn dates_round_trip_and_impossible_days_are_refused() {
        let mut s = String::new();
        for d in [date(2009, 1, 1), date(2008, 2, 29), date(999, 12, 31)] {
            write_date(&mut s, d);
            assert_eq!(read_date(&s), Some(d), "{s}");
        }
        assert_eq!(read_date("2009-02-31"), None);
        assert_eq!(read_date("2009-2-3"), None);
        assert_eq!(read_date("2009-0a-03"), None);
    }

    #[test]
    fn lists_round_trip_reusing_buffers() {
        let mut joined = String::new();
        let codes = vec!["guidance".to_owned(), "training.cif".to_owned()];
        join_codes(&mut joined, "themes", &codes).unwrap();
        assert_eq!(joined, "guidance;training.cif");
        let mut out = vec!["x".to_owned(); 5];
        split_codes(&mut out, &joined);
        assert_eq!(out, codes);
        split_codes(&mut out, "");
        assert!(out.is_empty());
    }

    #[test]
    fn a_code_holding_the_separator_is_refused_not_stored_ambiguously() {
        let mut joined = String::new();
        let err = join_codes(&mut joined, "themes", &["a;b".to_owned()]).unwrap_err();
        assert!(err.to_string().contains("themes"));
    }

    #[test]
    fn survey_items_round_trip() {
        let items: BTreeMap<String, u8> = [("answer".to_owned(), 3), ("welcome".to_owned(), 4)]
            .into_iter()
            .collect();
        let mut joined = String::new();
        join_items(&mut joined, &items).unwrap();
        assert_eq!(joined, "answer=3;welcome=4");
        let mut back = BTreeMap::new();
        split_items(&mut back, &joined).unwrap();
        assert_eq!(back, items);
        assert_eq!(split_items(&mut back, "answer"), None);
    }
}
