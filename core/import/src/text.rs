//! Reading values as French spreadsheets write them: `dd/mm/yyyy` dates,
//! comma decimals, spaces between thousands, `oui`/`non`.
//!
//! Every parser returns the reason of a refusal as a sentence naming the
//! value, for the row problem that quotes it.

use jiff::civil::Date;

/// Parses a day written `dd/mm/yyyy` (also with `-` or `.`, one-digit day
/// or month), or ISO `yyyy-mm-dd`; a time after the day (`12/03/2009 14:30`,
/// `2009-03-12T14:30:00`) is ignored.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let trimmed = text.trim();
    let day_part = trimmed.split([' ', 'T']).next().unwrap_or_default();
    let parts: Vec<&str> = day_part.split(['/', '-', '.']).collect();
    let refuse =
        || format!("`{trimmed}` is not a date: write it dd/mm/yyyy (12/03/2009) or yyyy-mm-dd");
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || p.len() > 4) {
        return Err(refuse());
    }
    let number = |p: &str| -> Option<i32> {
        p.bytes().try_fold(0i32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + i32::from(c - b'0'))
        })
    };
    let (year_text, month_text, day_text) = if parts[0].len() == 4 {
        (parts[0], parts[1], parts[2])
    } else {
        (parts[2], parts[1], parts[0])
    };
    if year_text.len() != 4 {
        return Err(format!(
            "`{trimmed}` has a year of {} digits: write the year in full (2009)",
            year_text.len()
        ));
    }
    let (Some(year), Some(month), Some(day)) =
        (number(year_text), number(month_text), number(day_text))
    else {
        return Err(refuse());
    };
    if month_text.len() > 2 || day_text.len() > 2 {
        return Err(refuse());
    }
    // Every value is below 10 000 here, so the narrowing cannot fail.
    let (year, month, day) = (year as i16, month as i8, day as i8);
    Date::new(year, month, day).map_err(|_| {
        format!("`{trimmed}` is not a day of the calendar (month {month}, day {day} of {year})")
    })
}

/// The day of an Excel serial number (1900 date system: day 1 is
/// 1900-01-01 and Excel's phantom 1900-02-29 is day 60).
pub fn excel_serial_date(serial: f64) -> Result<Date, String> {
    if !serial.is_finite() || !(1.0..=2_958_465.0).contains(&serial) {
        return Err(not_a_date_serial(serial));
    }
    let days = serial.floor() as i64;
    // From day 61 on, Excel counts a 29 February 1900 that never was.
    let base = if days >= 61 {
        Date::constant(1899, 12, 30)
    } else {
        Date::constant(1899, 12, 31)
    };
    base.checked_add(jiff::Span::new().days(days))
        .map_err(|e| format!("{serial} is not a date: {e}"))
}

/// Why a day number is refused: Excel counts days from 1 (1 January 1900)
/// to 2958465 (31 December 9999), and a date cell holding anything else
/// (a negative number, say) shows `#####` rather than a day.
pub fn not_a_date_serial(serial: f64) -> String {
    let shown = if serial.is_finite() && serial.fract() == 0.0 && serial.abs() < 1e15 {
        format!("{serial:.0}")
    } else {
        serial.to_string()
    };
    format!(
        "date serial {shown} is not a date (Excel counts days from 1, 1 January 1900, to 2958465, 31 December 9999)"
    )
}

/// Parses a count (attendance, respondents): a non-negative integer, with
/// optional spaces between thousands and an optional zero decimal part
/// written with a comma or a dot (`1 234`, `12,0`).
pub fn parse_count(text: &str) -> Result<u32, String> {
    let trimmed = text.trim();
    let mut digits = String::with_capacity(trimmed.len());
    let mut decimals = None;
    for (i, c) in trimmed.char_indices() {
        match c {
            '0'..='9' => digits.push(c),
            // Spreadsheets put a space, a no-break space or a narrow
            // no-break space between thousands.
            ' ' | '\u{a0}' | '\u{202f}' if !digits.is_empty() => {}
            ',' | '.' if !digits.is_empty() => {
                decimals = Some(&trimmed[i + 1..]);
                break;
            }
            '-' if i == 0 && trimmed.len() > 1 => {
                return Err(format!("`{trimmed}` is negative: a count is 0 or more"));
            }
            _ => return Err(format!("`{trimmed}` is not a whole number")),
        }
    }
    if digits.is_empty() {
        return Err(format!("`{trimmed}` is not a whole number"));
    }
    if let Some(decimals) = decimals
        && !decimals.bytes().all(|b| b == b'0')
    {
        return Err(format!("`{trimmed}` is not a whole number"));
    }
    digits.parse().map_err(|_| {
        format!(
            "`{trimmed}` is too large for a count (at most {})",
            u32::MAX
        )
    })
}

/// The key under which names and labels are compared: lower case, accents
/// and punctuation removed, so that `Demandeur d’emploi`, `demandeur
/// d'emploi` and `DEMANDEUR D EMPLOI` meet. Writes into `out`.
pub fn normalize_into(out: &mut String, text: &str) {
    out.clear();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !c.is_ascii() {
            match fold_accent(c) {
                Some(folded) => out.push_str(folded),
                None if c.is_alphanumeric() => out.extend(c.to_lowercase()),
                None => {}
            }
        }
    }
}

/// [`normalize_into`] into a new string.
pub fn normalize(text: &str) -> String {
    let mut out = String::new();
    normalize_into(&mut out, text);
    out
}

fn fold_accent(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'â' | 'ä' | 'á' | 'À' | 'Â' | 'Ä' | 'Á' => "a",
        'ç' | 'Ç' => "c",
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => "e",
        'î' | 'ï' | 'í' | 'Î' | 'Ï' | 'Í' => "i",
        'ô' | 'ö' | 'ó' | 'Ô' | 'Ö' | 'Ó' => "o",
        'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' | 'Ú' => "u",
        'ÿ' | 'Ÿ' => "y",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        '°' | 'º' => "o",
        _ => return None,
    })
}

/// The spreadsheet letter of a column numbered from 0 (`A`, …, `Z`, `AA`).
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn dates_in_every_form_sites_write() {
        let ok = [
            ("12/03/2009", date(2009, 3, 12)),
            ("2/3/2009", date(2009, 3, 2)),
            ("12-03-2009", date(2009, 3, 12)),
            ("12.03.2009", date(2009, 3, 12)),
            (" 2009-03-12 ", date(2009, 3, 12)),
            ("12/03/2009 14:30", date(2009, 3, 12)),
            ("2009-03-12T14:30:00", date(2009, 3, 12)),
            ("29/02/2008", date(2008, 2, 29)),
        ];
        for (text, expected) in ok {
            assert_eq!(parse_date(text), Ok(expected), "{text}");
        }
        let refused = [
            ("31/02/2009", "not a day of the calendar"),
            ("29/02/2009", "not a day of the calendar"),
            ("12/03/09", "year in full"),
            ("2009", "not a date"),
            ("", "not a date"),
            ("12/mars/2009", "not a date"),
            ("-1/03/2009", "not a date"),
            ("12/003/2009", "not a date"),
            ("٣/٣/٢٠٠٩", "not a date"),
        ];
        for (text, reason) in refused {
            let err = parse_date(text).unwrap_err();
            assert!(err.contains(reason), "{text}: {err}");
        }
    }

    #[test]
    fn excel_serials_count_the_phantom_leap_day() {
        assert_eq!(excel_serial_date(1.0), Ok(date(1900, 1, 1)));
        assert_eq!(excel_serial_date(59.0), Ok(date(1900, 2, 28)));
        assert_eq!(excel_serial_date(61.0), Ok(date(1900, 3, 1)));
        assert_eq!(excel_serial_date(39_884.75), Ok(date(2009, 3, 12)));
        assert_eq!(
            excel_serial_date(-3.0).unwrap_err(),
            "date serial -3 is not a date (Excel counts days from 1, 1 January 1900, to 2958465, 31 December 9999)"
        );
        assert!(
            excel_serial_date(0.5)
                .unwrap_err()
                .starts_with("date serial 0.5 is not a date")
        );
        assert!(excel_serial_date(f64::NAN).is_err());
        assert!(excel_serial_date(1e300).is_err());
    }

    #[test]
    fn counts_with_french_separators() {
        for (text, n) in [
            ("12", 12),
            ("1 234", 1234),
            ("1\u{a0}234", 1234),
            ("12,0", 12),
            ("7.00", 7),
        ] {
            assert_eq!(parse_count(text), Ok(n), "{text}");
        }
        for (text, reason) in [
            ("-3", "negative"),
            ("12,5", "whole number"),
            ("abc", "whole number"),
            ("", "whole number"),
            ("99999999999999999999", "too large"),
            ("1e3", "whole number"),
        ] {
            let err = parse_count(text).unwrap_err();
            assert!(err.contains(reason), "{text}: {err}");
        }
    }

    #[test]
    fn labels_meet_whatever_their_case_accents_and_apostrophes() {
        assert_eq!(
            normalize("Demandeur d’emploi"),
            normalize("DEMANDEUR D'EMPLOI")
        );
        assert_eq!(normalize("Étudiant(e)"), "etudiante");
        assert_eq!(normalize("N° de fiche"), "nodefiche");
    }

    #[test]
    fn column_letters_like_a_spreadsheet() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
