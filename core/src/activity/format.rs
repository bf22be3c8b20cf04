//! French formatting for the reports' sentences and pages: `12 345`,
//! `54,2 %`, `+4,2 %`, `12 345 €`, `1er juin 2009`. The activity report
//! and the governance page both write their numbers and days through here.

use jiff::civil::Date;

use em_format::NBSP;
// Counts and percentages come from `em-format`, which the plugin SDK shares
// so that a plugin's sentences read like the report's; the report's code
// calls a count `int`.
pub use em_format::{count as int, percent};

/// An amount in euros: `12 345 €` (a no-break space before the sign).
pub fn euros(amount: u64) -> String {
    format!("{}{NBSP}€", int(amount))
}

/// French names of the months, for days written out.
const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// The French name of a month (1–12; out-of-range months are clamped).
pub fn month(month: u8) -> &'static str {
    MONTHS[usize::from(month.clamp(1, 12)) - 1]
}

/// A day written out: `12 juin 2009`, `1er juin 2009`.
pub fn date(day: Date) -> String {
    let number = if day.day() == 1 {
        "1er".to_owned()
    } else {
        day.day().to_string()
    };
    format!("{number} {} {}", month(day.month() as u8), day.year())
}

/// A signed change in percent: `+4,2 %`, `−3 %`.
pub fn change(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    if rounded > 0.0 {
        format!("+{}", percent(rounded))
    } else if rounded < 0.0 {
        format!("\u{2212}{}", percent(-rounded))
    } else {
        format!("0{NBSP}%")
    }
}

/// "de Sedan", "d'Épernay": the French preposition before a place name.
pub fn of_place(name: &str) -> String {
    let elides = name
        .chars()
        .next()
        .is_some_and(|c| "AEIOUYÉÈÊÂÎÔaeiouyéèêâîô".contains(c));
    if elides {
        format!("d'{name}")
    } else {
        format!("de {name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_the_french_way() {
        let cases: &[(u64, &str)] = &[
            (0, "0"),
            (999, "999"),
            (1000, "1\u{202F}000"),
            (1_234_567, "1\u{202F}234\u{202F}567"),
        ];
        for (n, text) in cases {
            assert_eq!(int(*n), *text);
        }
        assert_eq!(percent(54.24), "54,2\u{A0}%");
        assert_eq!(percent(100.0), "100\u{A0}%");
        assert_eq!(change(4.16), "+4,2\u{A0}%");
        assert_eq!(change(-3.0), "\u{2212}3\u{A0}%");
        assert_eq!(of_place("Épernay"), "d'Épernay");
        assert_eq!(of_place("Sedan"), "de Sedan");
        assert_eq!(euros(3200), "3\u{202F}200\u{A0}€");
        assert_eq!(date(jiff::civil::date(2009, 6, 12)), "12 juin 2009");
        assert_eq!(date(jiff::civil::date(2009, 6, 1)), "1er juin 2009");
        assert_eq!(month(12), "décembre");
    }
}
