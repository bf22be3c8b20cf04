//! `em plugins`, and the sites' plugins in `em import` and `em report`.
//!
//! A plugin manifest (TOML) lists each site's WebAssembly plugins, pinned by
//! their SHA-256: *report* plugins add a section to a site's part of the
//! activity report from its masked tables; *rules* plugins check a site's
//! visits at import. A plugin that fails — too slow, too greedy, broken —
//! is reported by name and the rest of the work goes on.

use std::path::Path;

use em_core::activity::ActivityReport;
use em_core::report::{Block, Table};
use em_core::statistics::{Record, Visit};
use em_import::{Finding, RecordCheck, Severity};
use em_plugin_host::{HostConfig, PluginHost, PluginKind, SiteTables};
use jiff::civil::Date;

use crate::args::{PluginsArgs, PluginsCommand};
use crate::error::CliError;
use crate::output::say;

/// A host with the manifest's plugins loaded; plugins that failed to load
/// are printed on standard error and left out.
pub fn host(manifest: &Path) -> Result<PluginHost, CliError> {
    let cache = std::env::temp_dir().join("em-plugin-cache");
    let mut host = PluginHost::new(HostConfig::with_cache(cache))
        .map_err(|e| CliError::Input(e.to_string()))?;
    let outcome = host
        .load_manifest(manifest)
        .map_err(|e| CliError::Input(e.to_string()))?;
    for failure in &outcome.failed {
        eprintln!("plugin left out: {failure}");
    }
    Ok(host)
}

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

/// A site's masked tables, as report plugins see them.
fn site_tables(report: &ActivityReport, site: &str) -> Option<SiteTables> {
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

/// Runs every report plugin each site enables and attaches its document to
/// the site's part of the report; returns how many ran and how many failed.
pub fn run_report_plugins(host: &PluginHost, report: &mut ActivityReport) -> (usize, usize) {
    let sites: Vec<String> = report
        .sites
        .iter()
        .map(|s| s.report.scope.id.clone())
        .collect();
    let (mut ran, mut failed) = (0, 0);
    for site in sites {
        let Some(tables) = site_tables(report, &site) else {
            continue;
        };
        let plugins: Vec<String> = host
            .enabled_for(&site, PluginKind::Report)
            .into_iter()
            .map(str::to_owned)
            .collect();
        for plugin in plugins {
            match host.run_report(&plugin, &tables) {
                Ok(document) => match report.add_plugin_document(&site, document) {
                    Ok(()) => ran += 1,
                    Err(e) => {
                        eprintln!("plugin `{plugin}` for {site}: {e}");
                        failed += 1;
                    }
                },
                Err(e) => {
                    // The report goes out without this section; the others
                    // are complete.
                    eprintln!("plugin `{plugin}` for {site} left out of the report: {e}");
                    failed += 1;
                }
            }
        }
    }
    (ran, failed)
}

/// A rules plugin as one of the importer's record checks.
pub struct PluginCheck<'h> {
    host: &'h PluginHost,
    name: String,
}

impl std::fmt::Debug for PluginCheck<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginCheck")
            .field("name", &self.name)
            .finish()
    }
}

impl<'h> PluginCheck<'h> {
    /// The checks of every rules plugin `site` enables; without a site (a
    /// file whose rows name their own), every rules plugin, since the host
    /// shows each plugin only the visits of its own sites.
    pub fn for_site(host: &'h PluginHost, site: Option<&str>) -> Vec<PluginCheck<'h>> {
        let names: Vec<String> = match site {
            Some(site) => host
                .enabled_for(site, PluginKind::Rules)
                .into_iter()
                .map(str::to_owned)
                .collect(),
            None => host
                .plugins()
                .filter(|(entry, _)| entry.kind == PluginKind::Rules)
                .map(|(entry, _)| entry.name.clone())
                .collect(),
        };
        names
            .into_iter()
            .map(|name| PluginCheck { host, name })
            .collect()
    }
}

impl RecordCheck for PluginCheck<'_> {
    fn name(&self) -> &str {
        &self.name
    }

    fn check(&mut self, batch: &[Record]) -> Result<Vec<Finding>, String> {
        // Rules plugins check visits; `positions` maps the visits back to
        // the batch.
        let (positions, visits): (Vec<usize>, Vec<Visit>) = batch
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match r {
                Record::Visit(v) => Some((i, v.clone())),
                _ => None,
            })
            .unzip();
        if visits.is_empty() {
            return Ok(Vec::new());
        }
        let findings = self
            .host
            .run_rules(&self.name, &visits)
            .map_err(|e| e.to_string())?;
        Ok(findings
            .into_iter()
            .map(|f| Finding {
                index: positions[f.visit],
                severity: match f.severity {
                    em_plugin_host::Severity::Error => Severity::Error,
                    em_plugin_host::Severity::Warning => Severity::Warning,
                },
                field: Some(f.field),
                // The importer names the check (the plugin) after the reason.
                reason: f.reason,
            })
            .collect())
    }
}

/// Runs `em plugins …`.
pub fn run(args: &PluginsArgs) -> Result<(), CliError> {
    let _span = tracing::info_span!("plugins").entered();
    match &args.command {
        PluginsCommand::List { manifest } | PluginsCommand::Check { manifest } => {
            let host = host(manifest)?;
            let mut count = 0;
            for (entry, info) in host.plugins() {
                count += 1;
                say(format_args!(
                    "{} {} ({:?}, interface {}) for {}: {}",
                    info.name,
                    info.version,
                    entry.kind,
                    info.interface_version,
                    entry.sites.join(", "),
                    info.description
                ));
            }
            if matches!(args.command, PluginsCommand::Check { .. }) {
                say(format_args!("{count} plugin(s) loaded and checked"));
            }
            Ok(())
        }
        PluginsCommand::Run {
            manifest,
            plugin,
            db,
            year,
            site,
        } => {
            let ruleset = em_core::Ruleset::champagne_ardenne();
            let registry = em_core::Registry::champagne_ardenne();
            crate::commands::import::check_site(&registry, site)?;
            let host = host(manifest)?;
            let store = crate::commands::init::open(db)?;
            let report = crate::commands::report::build(&store, &registry, &ruleset, *year)?;
            let tables = site_tables(&report, site).ok_or_else(|| {
                CliError::Input(format!("the report of {year} has no part for {site}"))
            })?;
            let document = host
                .run_report(plugin, &tables)
                .map_err(|e| CliError::Input(e.to_string()))?;
            say(em_render::to_json(&document).map_err(|e| CliError::Input(e.to_string()))?);
            Ok(())
        }
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
