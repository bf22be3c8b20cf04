//! Numbers written the French way, as the activity report writes them in
//! its sentences: `12 345` with a narrow no-break space between thousands,
//! `54,2 %` with a decimal comma and a no-break space before the percent
//! sign.
//!
//! A crate of its own, with no dependency, because two very different
//! builds need the same text: the core (`em-core`), and the plugin SDK,
//! which is compiled into every plugin for `wasm32-wasip2` and cannot carry
//! the core's dependencies. A plugin's paragraphs then read like the
//! report around them.

/// Narrow no-break space, the French thousands separator.
pub const THIN: char = '\u{202F}';
/// No-break space, before a percent or currency sign.
pub const NBSP: char = '\u{A0}';

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
/// zero: `54,2 %`, `100 %`.
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
    fn numbers_are_written_the_french_way() {
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1000, "1\u{202F}000"),
            (1_234_567, "1\u{202F}234\u{202F}567"),
        ] {
            assert_eq!(count(n), text);
        }
        for (x, text) in [
            (54.24, "54,2\u{A0}%"),
            (20.25, "20,3\u{A0}%"),
            (100.0, "100\u{A0}%"),
            (0.04, "0\u{A0}%"),
        ] {
            assert_eq!(percent(x), text, "{x}");
        }
    }
}
