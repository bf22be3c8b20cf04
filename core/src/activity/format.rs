//! French formatting of numbers for the report's sentences: `12 345`,
//! `54,2 %`, `+4,2 %`.

/// Narrow no-break space, the French thousands separator.
const THIN: char = '\u{202F}';
/// No-break space, before a percent sign.
const NBSP: char = '\u{A0}';

/// An integer with French thousands separators.
pub(crate) fn int(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(THIN);
        }
        out.push(ch);
    }
    out
}

/// A percentage with one decimal if it has one: `54,2 %`, `100 %`.
pub(crate) fn percent(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    let text = if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    };
    format!("{}{NBSP}%", text.replace('.', ","))
}

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
