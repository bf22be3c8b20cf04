//! Reading an application file's text, TOML or JSON, into one tree of
//! values with their places, then into its dotted facts: every problem is
//! collected with its path and, for TOML, its line and column.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::ops::Range;

use super::{ApplicationError, RawFact, error_at};
use crate::facts::RawValue;

/// A value of the file: a leaf, or a table of further values.
pub(super) struct Located {
    pub(super) value: Node,
    pub(super) place: Option<(usize, usize)>,
}

pub(super) enum Node {
    Leaf(RawValue),
    Table(Vec<(String, Located)>),
}

pub(super) fn flatten(
    prefix: &str,
    entries: Vec<(String, Located)>,
    out: &mut BTreeMap<String, RawFact>,
    errors: &mut Vec<ApplicationError>,
) {
    for (key, node) in entries {
        let path = format!("{prefix}.{key}");
        match node.value {
            Node::Table(inner) => flatten(&path, inner, out, errors),
            Node::Leaf(value) => {
                let id = path["facts.".len()..].to_owned();
                match out.entry(id) {
                    Entry::Occupied(e) => errors.push(error_at(
                        &path,
                        node.place,
                        format!("fact `{}` is given twice", e.key()),
                    )),
                    Entry::Vacant(e) => {
                        e.insert(RawFact {
                            value,
                            place: node.place,
                        });
                    }
                }
            }
        }
    }
}

/// Line and column (1-based, column in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

pub(super) fn read_toml(
    text: &str,
    errors: &mut Vec<ApplicationError>,
) -> Option<Vec<(String, Located)>> {
    let (table, parse_errors) = toml::de::DeTable::parse_recoverable(text);
    if !parse_errors.is_empty() {
        for e in parse_errors {
            let place = e.span().map(|s| line_column(text, s.start));
            errors.push(error_at("", place, e.message().trim().to_owned()));
        }
        return None;
    }
    fn convert(
        value: &toml::de::DeValue<'_>,
        span: Range<usize>,
        path: &str,
        text: &str,
        errors: &mut Vec<ApplicationError>,
    ) -> Located {
        let place = Some(line_column(text, span.start));
        let leaf = |v| Located {
            value: Node::Leaf(v),
            place,
        };
        match value {
            toml::de::DeValue::String(s) => leaf(RawValue::Text(s.to_string())),
            toml::de::DeValue::Boolean(b) => leaf(RawValue::Bool(*b)),
            toml::de::DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => leaf(RawValue::Integer(n)),
                Err(_) => {
                    errors.push(error_at(
                        path,
                        place,
                        "the number is too large: at most 9007199254740992 (2^53)",
                    ));
                    leaf(RawValue::Null)
                }
            },
            toml::de::DeValue::Float(x) => match x.as_str().parse::<f64>() {
                Ok(n) => leaf(RawValue::Float(n)),
                Err(_) => {
                    errors.push(error_at(path, place, "the number cannot be read"));
                    leaf(RawValue::Null)
                }
            },
            toml::de::DeValue::Datetime(d) => leaf(RawValue::Datetime(d.to_string())),
            toml::de::DeValue::Array(items) => {
                let mut values = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let at = format!("{path}[{i}]");
                    match convert(item.get_ref(), item.span(), &at, text, errors).value {
                        Node::Leaf(v) => values.push(v),
                        Node::Table(_) => {
                            errors.push(error_at(
                                &at,
                                Some(line_column(text, item.span().start)),
                                "a list holds values, not tables",
                            ));
                        }
                    }
                }
                leaf(RawValue::Array(values))
            }
            toml::de::DeValue::Table(t) => Located {
                value: Node::Table(
                    t.iter()
                        .map(|(k, v)| {
                            let key = k.get_ref().to_string();
                            let at = format!("{path}.{key}");
                            (key, convert(v.get_ref(), v.span(), &at, text, errors))
                        })
                        .collect(),
                ),
                place,
            },
        }
    }
    let top = table.get_ref();
    Some(
        top.iter()
            .map(|(k, v)| {
                let key = k.get_ref().to_string();
                let node = convert(v.get_ref(), v.span(), &key, text, errors);
                (key, node)
            })
            .collect(),
    )
}

pub(super) fn read_json(
    text: &str,
    errors: &mut Vec<ApplicationError>,
) -> Option<Vec<(String, Located)>> {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            errors.push(ApplicationError {
                path: String::new(),
                line: Some(e.line()),
                column: Some(e.column()),
                reason: e.to_string(),
            });
            return None;
        }
    };
    fn convert(
        value: serde_json::Value,
        path: &str,
        errors: &mut Vec<ApplicationError>,
    ) -> Located {
        let leaf = |v| Located {
            value: Node::Leaf(v),
            place: None,
        };
        match value {
            serde_json::Value::Null => leaf(RawValue::Null),
            serde_json::Value::Bool(b) => leaf(RawValue::Bool(b)),
            serde_json::Value::Number(n) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => leaf(RawValue::Integer(i)),
                (None, Some(x)) => leaf(RawValue::Float(x)),
                (None, None) => {
                    errors.push(error_at(path, None, "the number cannot be read"));
                    leaf(RawValue::Null)
                }
            },
            serde_json::Value::String(s) => leaf(RawValue::Text(s)),
            serde_json::Value::Array(items) => {
                let mut values = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    let at = format!("{path}[{i}]");
                    match convert(item, &at, errors).value {
                        Node::Leaf(v) => values.push(v),
                        Node::Table(_) => {
                            errors.push(error_at(&at, None, "a list holds values, not tables"))
                        }
                    }
                }
                leaf(RawValue::Array(values))
            }
            serde_json::Value::Object(map) => Located {
                value: Node::Table(
                    map.into_iter()
                        .map(|(k, v)| {
                            let at = format!("{path}.{k}");
                            let node = convert(v, &at, errors);
                            (k, node)
                        })
                        .collect(),
                ),
                place: None,
            },
        }
    }
    match value {
        serde_json::Value::Object(map) => Some(
            map.into_iter()
                .map(|(k, v)| {
                    let node = convert(v, &k, errors);
                    (k, node)
                })
                .collect(),
        ),
        _ => {
            errors.push(error_at("", None, "an application is a JSON object"));
            None
        }
    }
}
