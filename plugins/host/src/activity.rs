//! What a report plugin is given of the activity report: one site's masked
//! tables, under the table ids the plugin interface names them by.
//!
//! Every caller that runs report plugins over an activity report (the `em`
//! command, the Python bindings) goes through
//! [`SiteTables::from_activity_report`], so that a plugin sees the same
//! tables whoever calls it.

use em_core::activity::ActivityReport;
use em_core::report::{Block, Table};
use jiff::civil::Date;

use crate::host::SiteTables;

/// The id a plugin knows a site's table by: the report's id without its
/// scope (`site-sedan.age_band` → `age_band`), and a breakdown of visits
/// named by what it counts (`visits_by_age_band`), as the plugin SDK's
/// sample tables are.
// FIXME: the activity report and the plugin SDK name tables differently;
// this mapping is the contract until the WIT documentation fixes one
// naming for both.
fn plugin_table_id(scoped: &str) -> String {
    let local = scoped.split_once('.').map_or(scoped, |(_, rest)| rest);
    match local {
        "key_figures" | "satisfaction" | "events" => local.to_owned(),
        _ if local.starts_with("visits_by_") => local.to_owned(),
        _ => format!("visits_by_{local}"),
    }
}

impl SiteTables {
    /// The masked tables of `site` in `report`, over the report's year, as
    /// report plugins see them; `None` when the report has no part for the
    /// site.
    pub fn from_activity_report(report: &ActivityReport, site: &str) -> Option<SiteTables> {
        let site_report = report.sites.iter().find(|s| s.report.scope.id == site)?;
        let tables: Vec<Table> = site_report
            .report
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(Table {
                    id: plugin_table_id(&t.id),
                    ..t.clone()
                }),
                _ => None,
            })
            .collect();
        Some(SiteTables {
            site: site.to_owned(),
            period_start: Date::new(report.year, 1, 1).ok()?,
            period_end: Date::new(report.year, 12, 31).ok()?,
            small_count_threshold: report.small_count_threshold,
            tables,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::plugin_table_id;

    #[test]
    fn report_tables_get_the_ids_plugins_ask_for() {
        for (scoped, expected) in [
            ("site-sedan.age_band", "visits_by_age_band"),
            ("site-sedan.arrival_channel", "visits_by_arrival_channel"),
            ("site-saint-dizier.visits_by_month", "visits_by_month"),
            ("site-reims.key_figures", "key_figures"),
            ("site-reims.satisfaction", "satisfaction"),
        ] {
            assert_eq!(plugin_table_id(scoped), expected);
        }
    }
}
