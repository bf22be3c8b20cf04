//! Sane ranges of a ruleset's numbers, as data (`bounds.toml`).
//!
//! The areas check that their files hang together; this module checks that
//! the numbers in them are ones a region could mean. The ranges are a table
//! compiled in from `bounds.toml`, matched against every file of a ruleset
//! by path, so that a new threshold gets its range by a line of data rather
//! than by code in the area that reads it.

use std::sync::OnceLock;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::RulesetError;
use super::error::line_column;

/// One sane range: a number at `path` of `file` lies in `[min, max]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bound {
    /// The ruleset file, e.g. `statistics.toml`.
    pub file: String,
    /// The path of the number: dotted keys, `[]` for every element of a
    /// list, `*` for every key of a table.
    pub path: String,
    /// The smallest value that makes sense.
    pub min: f64,
    /// The largest value that makes sense.
    pub max: f64,
    /// Why, for the reader of the error.
    pub why: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BoundsFile {
    bound: Vec<Bound>,
}

/// The ranges the library checks, from `bounds.toml`.
pub fn bounds() -> &'static [Bound] {
    static BOUNDS: OnceLock<Vec<Bound>> = OnceLock::new();
    BOUNDS.get_or_init(|| {
        // The table is part of the library and checked by its tests, so a
        // failure here is a build defect, not a user's mistake.
        let file: BoundsFile = toml::from_str(include_str!("bounds.toml"))
            .expect("the library's bounds.toml is valid");
        file.bound
    })
}

/// One step of a bound's path.
#[derive(Debug, PartialEq)]
enum Step<'p> {
    Key(&'p str),
    AnyKey,
    AnyElement,
}

fn steps(path: &str) -> Vec<Step<'_>> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, elements) = match part.find("[]") {
            Some(i) => (&part[..i], part[i..].matches("[]").count()),
            None => (part, 0),
        };
        match key {
            "*" => steps.push(Step::AnyKey),
            "" => {}
            key => steps.push(Step::Key(key)),
        }
        steps.extend(std::iter::repeat_with(|| Step::AnyElement).take(elements));
    }
    steps
}

/// Every number of `text` (the file `file` of a ruleset) outside its range.
/// A file that does not parse, or a value that is not a number, is left to
/// the area that reads the file, which names the problem better.
pub fn check(file: &str, text: &str) -> Vec<RulesetError> {
    let here: Vec<&Bound> = bounds().iter().filter(|b| b.file == file).collect();
    if here.is_empty() {
        return Vec::new();
    }
    let Ok(root) = DeTable::parse(text) else {
        return Vec::new();
    };
    let mut errors = Vec::new();
    for bound in here {
        let mut found = Vec::new();
        walk_table(
            root.get_ref(),
            &steps(&bound.path),
            String::new(),
            &mut found,
        );
        for (path, value) in found {
            let Some(number) = number(value.get_ref()) else {
                continue;
            };
            if (bound.min..=bound.max).contains(&number) {
                continue;
            }
            let side = if number < bound.min {
                format!("below the smallest sane value, {}", show(bound.min))
            } else {
                format!("above the largest sane value, {}", show(bound.max))
            };
            let (line, column) = line_column(text, value.span().start);
            errors.push(RulesetError {
                file: file.to_owned(),
                path,
                line: Some(line),
                column: Some(column),
                reason: format!("{} is {side}: {}", show(number), bound.why),
            });
        }
    }
    errors.sort_by_key(|e| (e.line, e.column));
    errors
}

fn show(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn number(value: &DeValue<'_>) -> Option<f64> {
    match value {
        DeValue::Integer(i) => {
            let digits: String = i.as_str().chars().filter(|c| *c != '_').collect();
            i128::from_str_radix(&digits, i.radix())
                .ok()
                .map(|n| n as f64)
        }
        DeValue::Float(f) => {
            let digits: String = f.as_str().chars().filter(|c| *c != '_').collect();
            digits.parse::<f64>().ok().filter(|n| !n.is_nan())
        }
        _ => None,
    }
}

fn walk_table<'v, 'i>(
    table: &'v DeTable<'i>,
    steps: &[Step<'_>],
    path: String,
    found: &mut Vec<(String, &'v Spanned<DeValue<'i>>)>,
) {
    let Some((step, rest)) = steps.split_first() else {
        return;
    };
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    for (key, value) in table.iter() {
        let key = key.get_ref().as_ref();
        let matches = match step {
            Step::Key(k) => *k == key,
            Step::AnyKey => true,
            Step::AnyElement => false,
        };
        if matches {
            walk_value(value, rest, join(key), found);
        }
    }
}

fn walk_value<'v, 'i>(
    value: &'v Spanned<DeValue<'i>>,
    steps: &[Step<'_>],
    path: String,
    found: &mut Vec<(String, &'v Spanned<DeValue<'i>>)>,
) {
    match (steps.first(), value.get_ref()) {
        (None, _) => found.push((path, value)),
        (Some(Step::AnyElement), DeValue::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                walk_value(item, &steps[1..], format!("{path}[{i}]"), found);
            }
        }
        (Some(_), DeValue::Table(table)) => walk_table(table, steps, path, found),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bound_names_a_file_of_the_shipped_ruleset_and_a_sane_range() {
        let shipped = crate::Ruleset::champagne_ardenne();
        let names: Vec<&str> = shipped.file_names().collect();
        for bound in bounds() {
            assert!(names.contains(&bound.file.as_str()), "{bound:?}");
            assert!(bound.min <= bound.max, "{bound:?}");
            assert!(!bound.why.is_empty(), "{bound:?}");
        }
    }

    #[test]
    fn every_bound_finds_a_number_in_the_shipped_files() {
        // A path that matches nothing would guard nothing: each bound must
        // reach at least one number of the shipped ruleset.
        let shipped = crate::Ruleset::champagne_ardenne();
        for bound in bounds() {
            let text = shipped.file(&bound.file).unwrap();
            let root = DeTable::parse(text).unwrap();
            let mut found = Vec::new();
            walk_table(
                root.get_ref(),
                &steps(&bound.path),
                String::new(),
                &mut found,
            );
            assert!(
                found.iter().any(|(_, v)| number(v.get_ref()).is_some()),
                "{} matches no number in {}",
                bound.path,
                bound.file
            );
        }
    }

    #[test]
    fn the_shipped_files_are_inside_their_bounds() {
        let shipped = crate::Ruleset::champagne_ardenne();
        for name in shipped.file_names() {
            let errors = check(name, shipped.file(name).unwrap());
            assert!(errors.is_empty(), "{errors:?}");
        }
    }

    #[test]
    fn a_number_outside_its_range_names_file_path_line_and_reason() {
        let text = "[arbitration]\n[[arbitration.site_envelope_eur]]\nfrom = \"2007-01-01\"\nvalue = { default = 60000, per_site = { reims = 9_000_000_000 } }\n";
        let errors = check("governance.toml", text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        let e = &errors[0];
        assert_eq!(
            e.path,
            "arbitration.site_envelope_eur[0].value.per_site.reims"
        );
        assert_eq!(e.line, Some(4));
        assert!(e.reason.starts_with("9000000000 is above"), "{e}");
    }

    #[test]
    fn text_and_values_that_are_not_numbers_are_left_to_the_areas() {
        assert!(check("territory.toml", "white_zone_km = [").is_empty());
        let text = "[[white_zone_km]]\nfrom = \"2007-01-01\"\nvalue = \"far\"\n";
        assert!(check("territory.toml", text).is_empty());
        assert!(check("unknown.toml", "x = -1").is_empty());
    }

    #[test]
    fn paths_are_read_into_steps() {
        assert_eq!(
            steps("a.b[].c[][].*"),
            [
                Step::Key("a"),
                Step::Key("b"),
                Step::AnyElement,
                Step::Key("c"),
                Step::AnyElement,
                Step::AnyElement,
                Step::AnyKey
            ]
        );
    }
}
