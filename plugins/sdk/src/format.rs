//! Numbers written the way the activity report writes them in its
//! sentences (French): `12 345` with a narrow no-break space between
//! thousands, `20,2 %` with a decimal comma and a no-break space before the
//! percent sign, so that a plugin's paragraphs read like the report around
//! them.

/// Narrow no-break space, the French thousands separator.
const THIN: char = '\u{202F}';
/// No-break space, before a percent sign.
const NBSP: char = '\u{A0}';

/// A count with French thousands separators: `12 345`.
pub fn count(n: u64) -> String {
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

/// A percentage rounded to one decimal, the decimal left out when it is
/// zero: `20,2 %`, `100 %`.
pub fn percent(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    let text = if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    };
    format!("{}{NBSP}%", text.replace('.', ","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_in_the_report() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_234_567), "1\u{202F}234\u{202F}567");
        assert_eq!(percent(20.24), "20,2\u{A0}%");
        assert_eq!(percent(100.0), "100\u{A0}%");
        assert_eq!(percent(0.04), "0\u{A0}%");
    }
}
