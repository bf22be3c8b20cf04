//! How figures are written in explanations: populations with a space every
//! three digits as in the published French tables, distances to 0.1 km,
//! shares as percentages to 0.1.

/// `1307747` → `1 307 747`.
pub(crate) fn people(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

/// `12.345` → `12.3 km`.
pub(crate) fn km(d: f64) -> String {
    format!("{d:.1} km")
}

/// `0.5234` → `52.3 %`.
pub(crate) fn percent(share: f64) -> String {
    format!("{:.1} %", share * 100.0)
}

/// `part / whole`, or 0 when the whole is empty.
pub(crate) fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// "1 commune" / "3 communes".
pub(crate) fn communes(n: usize) -> String {
    if n == 1 {
        "1 commune".to_owned()
    } else {
        format!("{} communes", people(n as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_in_the_published_tables() {
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1000, "1 000"),
            (1_307_747, "1 307 747"),
        ] {
            assert_eq!(people(n), text);
        }
        assert_eq!(km(12.345), "12.3 km");
        assert_eq!(percent(0.5234), "52.3 %");
        assert_eq!(share(1, 0), 0.0);
        assert_eq!(communes(1), "1 commune");
        assert_eq!(communes(1914), "1 914 communes");
    }
}
