//! Checking the findings a rules plugin returns.

use std::fmt;

use em_core::statistics::VISIT_FIELDS;

use crate::bindings::wit;
use crate::document::{OutputError, OutputViolation};

/// Whether a finding refuses its visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The visit is refused at import.
    Error,
    /// The visit is kept; the importer is told.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// What a rules plugin says about one visit of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The plugin that said it.
    pub plugin: String,
    /// Index of the visit in the batch given to [`crate::PluginHost::run_rules`].
    pub visit: usize,
    /// The schema field it is about (`education_level`, `themes`...).
    pub field: String,
    /// Whether it refuses the visit.
    pub severity: Severity,
    /// Why, in a sentence.
    pub reason: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "visit {}: {}: {} ({} from plugin `{}`)",
            self.visit, self.field, self.reason, self.severity, self.plugin
        )
    }
}

/// Checks a plugin's findings against the batch it was given: each points
/// at a visit of the batch and a field of the schema, and says why.
pub fn findings_from_plugin(
    plugin: &str,
    findings: Vec<wit::Finding>,
    batch_len: usize,
    max_bytes: u64,
) -> Result<Vec<Finding>, OutputError> {
    let size: u64 = findings
        .iter()
        .map(|f| (f.field.len() + f.reason.len()) as u64 + 8)
        .sum();
    if size > max_bytes {
        return Err(OutputError::TooLarge {
            size,
            limit: max_bytes,
        });
    }
    let mut violations = Vec::new();
    let mut out = Vec::with_capacity(findings.len());
    for (i, f) in findings.into_iter().enumerate() {
        let mut refuse = |reason: String| {
            violations.push(OutputViolation {
                path: format!("findings[{i}]"),
                reason,
            })
        };
        let visit = f.visit as usize;
        if visit >= batch_len {
            refuse(format!(
                "points at visit {visit}, the batch has {batch_len}"
            ));
        }
        if !VISIT_FIELDS.contains(&f.field.as_str()) {
            refuse(format!("`{}` is not a field of a visit", f.field));
        }
        if f.reason.trim().is_empty() {
            refuse("a finding must say why".to_owned());
        } else if f.reason.chars().any(char::is_control) {
            refuse("the reason holds a control character".to_owned());
        }
        out.push(Finding {
            plugin: plugin.to_owned(),
            visit,
            field: f.field,
            severity: match f.severity {
                wit::Severity::Error => Severity::Error,
                wit::Severity::Warning => Severity::Warning,
            },
            reason: f.reason,
        });
    }
    if violations.is_empty() {
        Ok(out)
    } else {
        Err(OutputError::Invalid(violations))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(visit: u32, field: &str, reason: &str) -> wit::Finding {
        wit::Finding {
            visit,
            field: field.into(),
            severity: wit::Severity::Error,
            reason: reason.into(),
        }
    }

    #[test]
    fn findings_pointing_outside_the_batch_or_schema_are_refused() {
        let got = findings_from_plugin(
            "p",
            vec![
                finding(0, "education_level", "mandatory at this site"),
                finding(2, "education_level", "out of batch"),
                finding(1, "shoe_size", "not a field"),
                finding(1, "themes", " "),
            ],
            2,
            1 << 20,
        );
        let Err(OutputError::Invalid(v)) = got else {
            panic!("expected violations, got {got:?}");
        };
        let paths: Vec<&str> = v.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(paths, ["findings[1]", "findings[2]", "findings[3]"]);
    }

    #[test]
    fn valid_findings_keep_their_order() {
        let got = findings_from_plugin(
            "p",
            vec![finding(1, "themes", "b"), finding(0, "sex", "a")],
            2,
            1 << 20,
        )
        .unwrap();
        assert_eq!(got[0].visit, 1);
        assert_eq!(got[1].field, "sex");
        assert_eq!(got[1].plugin, "p");
    }
}
