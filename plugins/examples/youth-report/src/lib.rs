//! Report plugin: the profile of the visitors under 26, for a site that
//! reports to its local youth mission (*mission locale*).
//!
//! It reads the activity report's tables by age band and by arrival
//! channel, and draws the share of young visitors, their breakdown by age
//! band (with a chart), and how the young found the site.

use em_plugin_sdk::format;
use em_plugin_sdk::report::{
    self, Cell, Chart, ChartKind, Document, Measure, PluginInfo, ReportPlugin, Row, Section,
    SiteTables, Table,
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
                Some((row.label.clone(), visits(ages, row)))
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
                "{period}, les moins de 26 ans ont fait au moins {} des {} visites \
                 comptées ou plus (les petits effectifs sont masqués).",
                format::count(young),
                format::count(known_total)
            )
        } else if any_masked {
            // The total is known but a young band is masked: the count of
            // the young and their share are lower bounds.
            format!(
                "{period}, les moins de 26 ans ont fait au moins {} des {} visites du site, \
                 soit au moins {} (les petits effectifs sont masqués).",
                format::count(young),
                format::count(known_total),
                format::percent(100.0 * young as f64 / known_total as f64)
            )
        } else {
            format!(
                "{period}, les moins de 26 ans ont fait {} des {} visites du site, soit {}.",
                format::count(young),
                format::count(known_total),
                format::percent(100.0 * young as f64 / known_total as f64)
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
                    arrivals = arrivals.row(&row.label, vec![visits(channels, row)]);
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

/// The visits of a row: its cell in the `visits` column, or its first
/// count-like cell in a table without one.
fn visits(table: &Table, row: &Row) -> Cell {
    let cell = match table.column("visits") {
        Some(c) => row.cells.get(c),
        None => row
            .cells
            .iter()
            .find(|c| matches!(c, Cell::Count(_) | Cell::Masked)),
    };
    match cell {
        Some(c @ (Cell::Count(_) | Cell::Masked)) => c.clone(),
        _ => Cell::Empty,
    }
}

/// The activity report's `Total` row: no code, labelled `Total`.
fn is_total(row: &Row) -> bool {
    row.code.is_none() && row.label == "Total"
}

/// The visits of the whole table, and whether a masked cell makes it a
/// lower bound: the report's `Total` row when it has one and shows it,
/// otherwise the sum of the category rows (those with a code). The total
/// row is never added to the categories: that would count every visit
/// twice.
fn column_total(table: &Table) -> (u64, bool) {
    if let Some(Cell::Count(n)) = table
        .rows
        .iter()
        .find(|r| is_total(r))
        .map(|r| visits(table, r))
    {
        return (n, false);
    }
    let mut total = 0;
    let mut masked = false;
    for row in table.rows.iter().filter(|r| r.code.is_some()) {
        match visits(table, row) {
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

    /// The shares of the profile, read back against the input tables: each
    /// young band's visits over the report's `Total` row, never over a sum
    /// that counts the total row too.
    #[test]
    fn the_shares_are_the_bands_over_the_total_row() {
        let input = testing::sample_site_tables();
        let ages = report::table(&input, AGE_TABLE).unwrap();
        let total_row = ages.rows.iter().find(|r| is_total(r)).unwrap();
        let Cell::Count(total) = total_row.cells[0] else {
            panic!("the sample's total is shown");
        };
        let doc = testing::run_report::<YouthReport>(input.clone()).unwrap();
        let Some(report::Block::Table(profile)) = doc.sections[0].blocks.get(1) else {
            panic!("the profile table comes second");
        };
        let mut young = 0;
        for row in &profile.rows {
            let source = ages.rows.iter().find(|r| r.label == row.label).unwrap();
            assert_eq!(row.cells[0], source.cells[0], "{}", row.label);
            match (&row.cells[0], &row.cells[1]) {
                (Cell::Count(n), Cell::Percent(share)) => {
                    young += n;
                    let expected = 100.0 * *n as f64 / total as f64;
                    assert!((share - expected).abs() < 1e-9, "{}: {share}", row.label);
                    // The report's own share column says the same.
                    let Cell::Percent(reported) = source.cells[1] else {
                        panic!("the sample shows shares");
                    };
                    assert!((share - reported).abs() < 1e-9, "{}", row.label);
                }
                (Cell::Masked, Cell::Empty) => {}
                other => panic!("{}: {other:?}", row.label),
            }
        }
        // 12 + 214 of 767 visits (the 16-17 band is masked): the sentence
        // gives the share the French way, as the report around it does.
        assert_eq!((young, total), (226, 767));
        let summary = testing::paragraphs(&doc).next().unwrap();
        assert!(
            summary.contains("au moins 226 des 767 visites du site, soit au moins 29,5\u{A0}%"),
            "{summary}"
        );
    }

    #[test]
    fn without_a_total_row_the_categories_are_added_up() {
        let mut input = testing::sample_site_tables();
        for table in &mut input.tables {
            table.rows.retain(|r| !is_total(r));
        }
        let doc = testing::run_report::<YouthReport>(input).unwrap();
        let summary = testing::paragraphs(&doc).next().unwrap();
        // The masked 16-17 band makes the sum a lower bound.
        assert!(
            summary.contains("au moins 226 des 764 visites"),
            "{summary}"
        );
    }

    #[test]
    fn a_site_without_the_age_table_gets_a_sentence() {
        let mut tables = testing::sample_site_tables();
        tables.tables.retain(|t| t.id != AGE_TABLE);
        let err = testing::run_report::<YouthReport>(tables).unwrap_err();
        assert!(err.to_string().contains(AGE_TABLE), "{err}");
    }
}
