//! `em plugins`, and the sites' plugins in `em import` and `em report`.
//!
//! A plugin manifest (TOML) lists each site's WebAssembly plugins, pinned by
//! their SHA-256: *report* plugins add a section to a site's part of the
//! activity report from its masked tables; *rules* plugins check a site's
//! visits at import. A plugin that fails — too slow, too greedy, broken —
//! is reported by name and the rest of the work goes on.

use std::path::Path;

use em_core::activity::ActivityReport;
use em_core::statistics::{Record, Visit};
use em_import::{Finding, RecordCheck, Severity};
use em_plugin_host::{HostConfig, PluginHost, PluginKind, SiteTables};

use crate::args::{PluginsArgs, PluginsCommand};
use crate::error::CliError;
use crate::output::say;

/// A host with the manifest's plugins loaded; plugins that failed to load
/// are printed on standard error and left out.
pub fn host(manifest: &Path) -> Result<PluginHost, CliError> {
    // The compiled-code cache sits beside the manifest, in a folder only its
    // owner may open: a cache in a shared temporary folder could be created
    // first by another local user, who would then choose what code is loaded.
    let cache = manifest
        .parent()
        .unwrap_or(Path::new("."))
        .join(".em-plugin-cache");
    private_dir(&cache)?;
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

/// Creates `dir` readable and writable by its owner only, or checks that an
/// existing one is not open to others.
fn private_dir(dir: &Path) -> Result<(), CliError> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    let refuse = |reason: String| CliError::Input(format!("{}: {reason}", dir.display()));
    if !dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| refuse(format!("cannot create the plugin cache: {e}")))?;
    }
    let mode = std::fs::metadata(dir)
        .map_err(|e| refuse(format!("cannot read the plugin cache: {e}")))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(refuse(format!(
            "the plugin cache is open to other users (mode {:o}); make it private with chmod 700",
            mode & 0o777
        )));
    }
    Ok(())
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
        let Some(tables) = SiteTables::from_activity_report(report, &site) else {
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
            let tables = SiteTables::from_activity_report(&report, site).ok_or_else(|| {
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
