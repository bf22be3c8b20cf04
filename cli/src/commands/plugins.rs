//! `em plugins`, and the sites' plugins in `em import` and `em report`.
//!
//! A plugin manifest (TOML) lists each site's WebAssembly plugins, pinned by
//! their SHA-256: *report* plugins add a section to a site's part of the
//! activity report from its masked tables; *rules* plugins check a site's
//! visits at import. A report plugin that fails — too slow, too greedy,
//! broken — is reported by name and the rest of the report goes on (and
//! `em report` then exits with code 3). A rules plugin that cannot be loaded
//! refuses the files of its sites: they would otherwise be stored unchecked.

use std::path::Path;

use em_core::activity::ActivityReport;
use em_plugin_host::{HostConfig, PluginEntry, PluginError, PluginHost, PluginKind, SiteTables};

use crate::args::{PluginsArgs, PluginsCommand};
use crate::error::CliError;
use crate::output::say;

/// The manifest's plugins: those loaded in a host, and those left out with
/// why, so that a command can refuse the work a left-out plugin was to
/// check.
pub struct SitePlugins {
    /// The host with the plugins that loaded.
    pub host: PluginHost,
    /// The plugins that failed to load, with their manifest entries.
    pub left_out: Vec<(PluginEntry, PluginError)>,
}

impl std::ops::Deref for SitePlugins {
    type Target = PluginHost;

    fn deref(&self) -> &PluginHost {
        &self.host
    }
}

impl SitePlugins {
    /// The rules plugins enabled for `site` that failed to load; for a file
    /// whose rows name their own site (`None`), every rules plugin left
    /// out, since any of its rows may be of that plugin's sites.
    pub fn rules_left_out(&self, site: Option<&str>) -> Vec<&(PluginEntry, PluginError)> {
        self.left_out
            .iter()
            .filter(|(entry, _)| {
                entry.kind == PluginKind::Rules
                    && site.is_none_or(|site| entry.sites.iter().any(|s| s == site))
            })
            .collect()
    }
}

/// The manifest's plugins loaded in a host; each plugin that fails to load,
/// or names a site that is not in the registry, is printed once on
/// standard error with its place in the manifest, and left out.
pub fn host(manifest: &Path) -> Result<SitePlugins, CliError> {
    let _span = tracing::info_span!("plugins_load").entered();
    // The compiled-code cache sits beside the manifest, in a folder only its
    // owner may open: a cache in a shared temporary folder could be created
    // first by another local user, who would then choose what code is loaded.
    let cache = manifest
        .parent()
        .unwrap_or(Path::new("."))
        .join(".em-plugin-cache");
    private_dir(&cache)?;
    let registry = em_core::Registry::champagne_ardenne();
    let known = registry.site_ids();
    let mut host = PluginHost::new(HostConfig::with_cache(cache))
        .map_err(|e| CliError::Input(e.to_string()))?;
    let outcome = host
        .load_manifest_for_sites(manifest, &known)
        .map_err(|e| CliError::Input(e.to_string()))?;
    let left_out = outcome
        .failed
        .into_iter()
        .map(|failure| {
            crate::output::warn(format_args!("plugin left out: {failure}"));
            (failure.entry, failure.error)
        })
        .collect();
    Ok(SitePlugins { host, left_out })
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
/// the site's part of the report; returns how many ran and how many failed,
/// counting the report plugins that failed to load.
///
/// The plugins run in one report run: each keeps its instance from one site
/// to the next, and a plugin whose call fails gets a fresh one for the next
/// site.
pub fn run_report_plugins(plugins: &SitePlugins, report: &mut ActivityReport) -> (usize, usize) {
    let _span = tracing::info_span!("report_plugins", sites = report.sites.len()).entered();
    let host = &plugins.host;
    let sites: Vec<String> = report
        .sites
        .iter()
        .map(|s| s.report.scope.id.clone())
        .collect();
    let mut run = host.report_run();
    let (mut ran, mut failed) = (0, 0);
    failed += plugins
        .left_out
        .iter()
        .filter(|(entry, _)| entry.kind == PluginKind::Report)
        .count();
    for site in sites {
        let Some(tables) = SiteTables::from_activity_report(report, &site) else {
            continue;
        };
        for plugin in host.enabled_for(&site, PluginKind::Report) {
            match run.run_report(plugin, &tables) {
                Ok(document) => match report.add_plugin_document(&site, document) {
                    Ok(()) => ran += 1,
                    Err(e) => {
                        crate::output::warn(format_args!("plugin `{plugin}` for {site}: {e}"));
                        failed += 1;
                    }
                },
                Err(e) => {
                    // The report goes out without this section; the others
                    // are complete.
                    crate::output::warn(format_args!(
                        "plugin `{plugin}` for {site} left out of the report: {e}"
                    ));
                    failed += 1;
                }
            }
        }
    }
    (ran, failed)
}

/// A rules plugin as one of the importer's record checks, one instance for
/// the whole import.
pub use em_plugin_host::RulesCheck as PluginCheck;

/// Runs `em plugins …`.
pub fn run(args: &PluginsArgs) -> Result<(), CliError> {
    let _span = tracing::info_span!("plugins").entered();
    match &args.command {
        PluginsCommand::List { manifest } | PluginsCommand::Check { manifest } => {
            let plugins = host(manifest)?;
            let failed = plugins.left_out.len();
            let mut count = 0;
            for (entry, info) in plugins.plugins() {
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
                // A check that a plugin failed is a verdict: the failures
                // were printed above, and a script sees the exit code.
                if failed > 0 {
                    return Err(CliError::Verdict(format!(
                        "{}: {failed} plugin(s) failed their check",
                        manifest.display()
                    )));
                }
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
            let ruleset = crate::commands::ruleset::current()?;
            let registry = em_core::Registry::champagne_ardenne();
            crate::commands::import::check_site(&registry, site)?;
            let host = host(manifest)?;
            let store = crate::commands::init::open(db)?;
            let report = crate::commands::report::build(&store, &registry, &ruleset, year.get())?;
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
