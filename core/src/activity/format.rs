//! French formatting of numbers for the report's sentences: `12 345`,
//! `54,2 %`, `+4,2 %`.

use em_format::NBSP;
// Counts and percentages come from `em-format`, which the plugin SDK shares
// so that a plugin's sentences read like the report's; the report's code
// calls a count `int`.
pub(crate) use em_format::{count as int, percent};

/// A signed change in percent: `+4,2 %`, `−3 %`.
pub(crate) fn change(x: f64) -> String {
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
pub(crate) fn of_place(name: &str) -> String {
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
    }
}
