//! A native test harness: runs a plugin's functions in a plain `cargo test`,
//! against sample data shaped like the host's, and checks what they return
//! the way the host does (the host's checks are the reference; these catch
//! the common mistakes before a plugin is ever built for WebAssembly).
//!
//! ```text
//! #[test]
//! fn renders_the_sample_site() {
//!     let doc = em_plugin_sdk::testing::run_report::<MyReport>(
//!         em_plugin_sdk::testing::sample_site_tables(),
//!     )
//!     .unwrap();
//!     assert_eq!(doc.sections.len(), 1);
//! }
//! ```

/// Why a plugin failed under the harness.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HarnessError {
    /// `describe` returned something the host would refuse.
    #[error("describe: {0}")]
    Description(String),
    /// The plugin returned its own error.
    #[error("the plugin declined: {0}")]
    Refused(String),
    /// The output is malformed; every problem is listed with its path.
    #[error("invalid output: {}", .0.join("; "))]
    Invalid(Vec<String>),
}

/// Checks the parts of a self-description the host checks.
fn check_info(name: &str, interface_version: &str, version: &str) -> Result<(), HarnessError> {
    let mut chars = name.chars();
    let valid_name = name.len() <= 64
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid_name {
        return Err(HarnessError::Description(format!(
            "`{name}` is not a plugin name: lowercase letters, digits and dashes"
        )));
    }
    if interface_version != crate::INTERFACE_VERSION {
        return Err(HarnessError::Description(format!(
            "interface version {interface_version}, the SDK is {}",
            crate::INTERFACE_VERSION
        )));
    }
    if version.trim().is_empty() {
        return Err(HarnessError::Description("the version is empty".to_owned()));
    }
    Ok(())
}

#[cfg(feature = "report")]
pub use self::report_harness::*;

#[cfg(feature = "report")]
mod report_harness {
    use std::collections::BTreeSet;

    use super::{HarnessError, check_info};
    use crate::report::{
        Block, Cell, Column, Date, Document, ReportPlugin, Row, SiteTables, Table,
    };

    /// Runs `P` on `tables` as the host would: `describe`, then `render`
    /// with only the tables the plugin needs, then the checks of the output.
    pub fn run_report<P: ReportPlugin>(mut tables: SiteTables) -> Result<Document, HarnessError> {
        let info = P::describe();
        check_info(&info.name, &info.interface_version, &info.version)?;
        if !info.needs.is_empty() {
            tables.tables.retain(|t| info.needs.contains(&t.id));
        }
        let doc = P::render(tables).map_err(HarnessError::Refused)?;
        check_document(&doc)?;
        Ok(doc)
    }

    /// The structural checks the host applies to a document.
    pub fn check_document(doc: &Document) -> Result<(), HarnessError> {
        let mut problems = Vec::new();
        let mut ids = BTreeSet::new();
        let mut id = |path: String, id: &str, problems: &mut Vec<String>| {
            let valid = !id.is_empty()
                && id.len() <= 64
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !valid {
                problems.push(format!("{path}: `{id}` is not an identifier"));
            } else if !ids.insert(id.to_owned()) {
                problems.push(format!("{path}: identifier `{id}` is used twice"));
            }
        };
        if doc.title.trim().is_empty() {
            problems.push("title: must not be empty".to_owned());
        }
        if doc.sections.is_empty() {
            problems.push("sections: a document needs at least one section".to_owned());
        }
        for (i, section) in doc.sections.iter().enumerate() {
            id(format!("sections[{i}].id"), &section.id, &mut problems);
            for (j, block) in section.blocks.iter().enumerate() {
                let path = format!("sections[{i}].blocks[{j}]");
                match block {
                    Block::Paragraph(_) => {}
                    Block::Table(t) => {
                        id(format!("{path}.table.id"), &t.id, &mut problems);
                        for (r, row) in t.rows.iter().enumerate() {
                            if row.cells.len() != t.columns.len() {
                                problems.push(format!(
                                    "{path}.table.rows[{r}]: {} cell(s) for {} column(s)",
                                    row.cells.len(),
                                    t.columns.len()
                                ));
                            }
                            for (c, cell) in row.cells.iter().enumerate() {
                                if let Cell::Percent(x) | Cell::Number(x) = cell
                                    && !x.is_finite()
                                {
                                    problems.push(format!(
                                        "{path}.table.rows[{r}].cells[{c}]: not a finite number"
                                    ));
                                }
                            }
                        }
                    }
                    Block::Chart(c) => {
                        id(format!("{path}.chart.id"), &c.id, &mut problems);
                        if c.categories.is_empty() || c.series.is_empty() {
                            problems
                                .push(format!("{path}.chart: a chart needs categories and series"));
                        }
                        for (s, series) in c.series.iter().enumerate() {
                            if series.values.len() != c.categories.len() {
                                problems.push(format!(
                                    "{path}.chart.series[{s}]: {} value(s) for {} categories",
                                    series.values.len(),
                                    c.categories.len()
                                ));
                            }
                        }
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(HarnessError::Invalid(problems))
        }
    }

    /// The text of every paragraph of a document, in order.
    pub fn paragraphs(doc: &Document) -> impl Iterator<Item = &str> {
        doc.sections
            .iter()
            .flat_map(|s| &s.blocks)
            .filter_map(|b| match b {
                Block::Paragraph(p) => Some(p.as_str()),
                _ => None,
            })
    }

    /// A year of a mid-sized site, in the shape of the activity report's
    /// tables: visits by age band, by status and by arrival channel, each
    /// with its `Total` row, small counts already masked (threshold 5).
    pub fn sample_site_tables() -> SiteTables {
        SiteTables {
            site: "troyes".to_owned(),
            period_start: Date {
                year: 2024,
                month: 1,
                day: 1,
            },
            period_end: Date {
                year: 2024,
                month: 12,
                day: 31,
            },
            tables: vec![
                sample_table(
                    "visits_by_age_band",
                    "Visites par tranche d'âge",
                    &[
                        ("under_16", "Moins de 16 ans", 12),
                        ("16_17", "16-17 ans", 3),
                        ("18_25", "18-25 ans", 214),
                        ("26_34", "26-34 ans", 198),
                        ("35_44", "35-44 ans", 171),
                        ("45_54", "45-54 ans", 122),
                        ("55_plus", "55 ans et plus", 47),
                    ],
                ),
                sample_table(
                    "visits_by_status",
                    "Visites par statut",
                    &[
                        ("job_seeker", "Demandeur d'emploi", 402),
                        ("employee", "Salarié(e)", 188),
                        ("pupil", "Collégien(ne), lycéen(ne)", 61),
                        ("student", "Étudiant(e)", 70),
                        ("retired", "Retraité(e)", 2),
                    ],
                ),
                sample_table(
                    "visits_by_arrival_channel",
                    "Comment la personne a connu l'Espace métiers",
                    &[
                        ("word_of_mouth", "Bouche à oreille", 233),
                        ("pole_emploi", "Orientée par Pôle emploi", 241),
                        ("mission_locale", "Orientée par la Mission locale", 96),
                        ("school", "Établissement scolaire, CIO", 58),
                        ("press", "Presse, radio", 4),
                    ],
                ),
            ],
        }
    }

    /// A breakdown shaped like the activity report's: a visits column and
    /// its share, one row per category (its code, its label), then a
    /// `Total` row without a code, as the report prints it. Counts below
    /// 5 are masked.
    fn sample_table(id: &str, title: &str, rows: &[(&str, &str, u64)]) -> Table {
        let total: u64 = rows.iter().map(|r| r.2).sum();
        let mut table_rows: Vec<Row> = rows
            .iter()
            .map(|(code, label, n)| Row {
                code: Some((*code).to_owned()),
                label: (*label).to_owned(),
                cells: if *n < 5 {
                    vec![Cell::Masked, Cell::Masked]
                } else {
                    vec![
                        Cell::Count(*n),
                        Cell::Percent(100.0 * *n as f64 / total as f64),
                    ]
                },
            })
            .collect();
        table_rows.push(Row {
            code: None,
            label: "Total".to_owned(),
            cells: vec![Cell::Count(total), Cell::Percent(100.0)],
        });
        Table {
            id: id.to_owned(),
            title: title.to_owned(),
            columns: vec![
                Column {
                    id: "visits".to_owned(),
                    label: "Visites 2024".to_owned(),
                },
                Column {
                    id: "visits_share".to_owned(),
                    label: "%".to_owned(),
                },
            ],
            rows: table_rows,
            note: None,
        }
    }
}

#[cfg(feature = "rules")]
pub use self::rules_harness::*;

#[cfg(feature = "rules")]
mod rules_harness {
    use super::{HarnessError, check_info};
    use crate::rules::{Date, Finding, RulesPlugin, Visit};

    /// Runs `P` on `visits` as the host would, and checks that every
    /// finding points at a visit of the batch and says why.
    pub fn run_rules<P: RulesPlugin>(visits: Vec<Visit>) -> Result<Vec<Finding>, HarnessError> {
        let info = P::describe();
        check_info(&info.name, &info.interface_version, &info.version)?;
        let len = visits.len();
        let findings = P::check(visits).map_err(HarnessError::Refused)?;
        let problems: Vec<String> = findings
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                if f.visit as usize >= len {
                    Some(format!(
                        "findings[{i}]: visit {} of a batch of {len}",
                        f.visit
                    ))
                } else if f.field.is_empty() || f.reason.trim().is_empty() {
                    Some(format!(
                        "findings[{i}]: a finding names its field and says why"
                    ))
                } else {
                    None
                }
            })
            .collect();
        if problems.is_empty() {
            Ok(findings)
        } else {
            Err(HarnessError::Invalid(problems))
        }
    }

    /// Three visits of one day at Épernay: complete, without education
    /// level, and with a local theme.
    pub fn sample_visits() -> Vec<Visit> {
        let day = Date {
            year: 2024,
            month: 3,
            day: 12,
        };
        let mut complete = Visit::sample("epernay", day, "in_person");
        complete.age_band = Some("18_25".to_owned());
        complete.education_level = Some("level_4".to_owned());
        complete.themes = vec!["guidance.discovery".to_owned()];
        let mut no_level = complete.clone();
        no_level.education_level = None;
        let mut local = complete.clone();
        local.themes = vec!["local.viticulture".to_owned()];
        vec![complete, no_level, local]
    }
}
