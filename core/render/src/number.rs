//! Numbers written the French way for people: `12 345`, `54,2 %`, `1,5`.

/// An integer with thousands separators: the report's own, shared with
/// the core's sentences and the plugin SDK.
pub(crate) use em_format::count;

/// A decimal number with a comma, at most one decimal, grouped thousands.
pub(crate) fn decimal(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let rounded = (x * 10.0).round() / 10.0;
    let negative = rounded < 0.0;
    let magnitude = rounded.abs();
    let whole = count(magnitude.trunc() as u64);
    let tenth = ((magnitude.fract() * 10.0).round() as u64).min(9);
    let mut text = String::new();
    if negative {
        text.push('\u{2212}');
    }
    text.push_str(&whole);
    if tenth > 0 {
        text.push(',');
        text.push_str(&tenth.to_string());
    }
    text
}

/// A decimal number with a comma and no grouping, for spreadsheets.
pub(crate) fn plain_decimal(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let rounded = (x * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}").replace('.', ",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_the_french_way() {
        let cases: &[(f64, &str, &str)] = &[
            (0.0, "0", "0"),
            (54.24, "54,2", "54,2"),
            (1234.5, "1\u{202F}234,5", "1234,5"),
            (-3.0, "\u{2212}3", "-3"),
            (99.96, "100", "100"),
        ];
        for (x, human, sheet) in cases {
            assert_eq!(decimal(*x), *human, "{x}");
            assert_eq!(plain_decimal(*x), *sheet, "{x}");
        }
        assert_eq!(count(1_000_000), "1\u{202F}000\u{202F}000");
    }
}
