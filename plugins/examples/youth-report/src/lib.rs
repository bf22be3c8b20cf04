//! Report plugin: the profile of the visitors under 26, for a site that
//! reports to its local youth mission (*mission locale*).
//!
//! It reads the activity report's tables by age band and by arrival
//! channel, and draws the share of young visitors, their breakdown by age
//! band (with a chart), and how the young found the site.

use em_plugin_sdk::report::{
    self, Cell, Chart, ChartKind, Document, Measure, PluginInfo, ReportPlugin, Section, SiteTables,
    Table,
};

/// The plugin.
pub struct YouthReport;

/// The age bands under 26 in the regional nomenclature.
const YOUNG_BANDS: [&str; 3] = ["under_16", "16_17", "18_25"];
/// Arrival channels a youth mission follows most closely.
const YOUTH_CHANNELS: [&str; 3] = ["mission_locale", "school", "word_of_mouth"];

const AGE_TABLE: &str = "visits_by_age_band";
const CHANNEL_TABLE: &str = "visits_by_arrival_channel";

impl ReportPlugin for YouthReport {
    fn describe() -> PluginInfo {
        let mut info = report::info(
            "youth-report",
            env!("CARGO_PKG_VERSION"),
            "Profile of the visitors under 26, for the local youth mission.",
        );
        info.needs = vec![AGE_TABLE.to_owned(), CHANNEL_TABLE.to_owned()];
        info
    }

    fn render(tables: SiteTables) -> Result<Document, String> {
        let ages = report::table(&tables, AGE_TABLE)
            .ok_or_else(|| format!("the activity report has no table `{AGE_TABLE}`"))?;
        let bands: Vec<(String, Cell)> = YOUNG_BANDS
            .iter()
            .filter_map(|code| {
                let row = ages.row_by_code(code)?;
                Some((row.label.clone(), first_count(&row.cells)))
            })
            .collect();
        let young: u64 = bands.iter().filter_map(|(_, c)| c.as_count()).sum();
        let any_masked = bands.iter().any(|(_, c)| matches!(c, Cell::Masked));
        let total = column_total(ages);

        let mut profile = Table::new(
            "youth_by_age_band",
            "Visites des moins de 26 ans par tranche d'âge",
            &[("visits", "Visites"), ("share", "Part des visites")],
        );
        for (label, cell) in &bands {
            let share = match (cell.as_count(), total) {
                (Some(n), (t, false)) if t > 0 => Cell::Percent(100.0 * n as f64 / t as f64),
                _ => Cell::Empty,
            };
            profile = profile.row(label, vec![cell.clone(), share]);
        }
        if any_masked {
            profile = profile.note("Les petits effectifs sont masqués.");
        }

        let chart = Chart::new(
            "youth_by_age_band_chart",
            "Moins de 26 ans par tranche d'âge",
            ChartKind::Bar,
            Measure::Count,
            "visites",
        )
        .categories(&bands.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>())
        .series(
            "Visites",
            bands
                .iter()
                .map(|(_, c)| c.as_count().map(|n| n as f64))
                .collect(),
        );

        let (known_total, total_masked) = total;
        let period = format!(
            "Du {} au {}",
            date(&tables.period_start),
            date(&tables.period_end)
        );
        let summary = if known_total == 0 && !total_masked {
            format!("{period}, aucune visite n'est comptée.")
        } else if total_masked {
            // A masked row hides a small count: the totals are lower bounds
            // and a share would be a guess.
            format!(
                "{period}, les moins de 26 ans ont fait au moins {young} des {known_total} visites \
                 comptées ou plus (les petits effectifs sont masqués)."
            )
        } else {
            format!(
                "{period}, les moins de 26 ans ont fait {young} des {known_total} visites du \
                 site, soit {:.1} %.",
                100.0 * young as f64 / known_total as f64
            )
        };

        let mut doc = Document::new("Les jeunes de moins de 26 ans").section(
            Section::new("youth_profile", "Profil des jeunes accueillis")
                .paragraph(summary)
                .table(profile)
                .chart(chart),
        );

        if let Some(channels) = report::table(&tables, CHANNEL_TABLE) {
            let mut arrivals = Table::new(
                "youth_arrival_channels",
                "Comment le public a connu l'Espace métiers (canaux suivis par la mission locale)",
                &[("visits", "Visites")],
            );
            for code in YOUTH_CHANNELS {
                if let Some(row) = channels.row_by_code(code) {
                    arrivals = arrivals.row(&row.label, vec![first_count(&row.cells)]);
                }
            }
            doc = doc.section(
                Section::new("youth_arrivals", "Canaux d'arrivée")
                    .paragraph(
                        "Les visites arrivées par la mission locale, l'école ou le bouche à \
                         oreille, tous âges confondus.",
                    )
                    .table(arrivals),
            );
        }
        Ok(doc)
    }
}

/// The first count-like cell of a row: its visits.
fn first_count(cells: &[Cell]) -> Cell {
    cells
        .iter()
        .find(|c| matches!(c, Cell::Count(_) | Cell::Masked))
        .cloned()
        .unwrap_or(Cell::Empty)
}

/// The sum of the first count column, and whether a masked cell makes it a
/// lower bound.
fn column_total(table: &Table) -> (u64, bool) {
    let mut total = 0;
    let mut masked = false;
    for row in &table.rows {
        match first_count(&row.cells) {
            Cell::Count(n) => total += n,
            Cell::Masked => masked = true,
            _ => {}
        }
    }
    (total, masked)
}

fn date(d: &report::Date) -> String {
    format!("{:02}/{:02}/{}", d.day, d.month, d.year)
}

em_plugin_sdk::report::export_report!(YouthReport);

#[cfg(test)]
mod tests {
    use super::*;
    use em_plugin_sdk::testing;

    #[test]
    fn the_sample_site_gets_a_profile_with_a_chart() {
        let doc = testing::run_report::<YouthReport>(testing::sample_site_tables()).unwrap();
        assert_eq!(doc.sections[0].id, "youth_profile");
        assert_eq!(doc.sections[0].blocks.len(), 3);
        assert!(testing::paragraphs(&doc).any(|p| p.contains("moins de 26 ans")));
    }

    #[test]
    fn a_site_without_the_age_table_gets_a_sentence() {
        let mut tables = testing::sample_site_tables();
        tables.tables.retain(|t| t.id != AGE_TABLE);
        let err = testing::run_report::<YouthReport>(tables).unwrap_err();
        assert!(err.to_string().contains(AGE_TABLE), "{err}");
    }
}
