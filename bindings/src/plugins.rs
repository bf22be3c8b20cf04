//! The sites' WebAssembly plugins from Python: load a manifest, list and
//! check the plugins, run a report plugin on a site of an activity report,
//! run a rules plugin on visits.
//!
//! The host is `em-plugin-host`'s, with its sandbox and limits; this module
//! only converts at the edge. A plugin's failure crosses as
//! [`EmError::Plugin`] with the plugin's name and one word for what happened
//! (`failure`), so that a script can tell a timeout from a tampered cache
//! without reading sentences.

use std::path::Path;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use em_core::statistics::{Record, RecordKind, Visit};
use em_plugin_host::{
    HostConfig, HostError, LoadFailure, ManifestError, PluginEntry, PluginError, PluginKind,
    RulesCheck, SiteTables,
};

use crate::activity::ActivityReport;
use crate::error::{EmError, Problem};
use crate::json;
use crate::records::{self, BATCH};
use crate::registry::Registry;
use crate::ruleset::Ruleset;

/// One word for each way a plugin can fail, as Python sees it in
/// `PluginError.failure`.
fn failure_of(e: &PluginError) -> &'static str {
    match e {
        PluginError::Unknown { .. } => "unknown",
        PluginError::UnknownSite { .. } => "unknown_site",
        PluginError::Io { .. } => "io",
        PluginError::HashMismatch { .. } => "hash_mismatch",
        PluginError::Corrupt { .. } => "corrupt",
        PluginError::Tampered { .. } => "tampered",
        PluginError::Cache { .. } => "cache",
        PluginError::InterfaceVersion { .. } => "interface_version",
        PluginError::WrongWorld { .. } => "wrong_world",
        PluginError::Description { .. } => "description",
        PluginError::WrongKind { .. } => "wrong_kind",
        PluginError::NotEnabled { .. } => "not_enabled",
        PluginError::Trap { .. } => "trap",
        PluginError::Forbidden { .. } => "forbidden",
        PluginError::Timeout { .. } => "timeout",
        PluginError::MemoryCap { .. } => "memory_cap",
        PluginError::OutputTooLarge { .. } => "output_too_large",
        PluginError::InvalidOutput { .. } => "invalid_output",
        PluginError::Refused { .. } => "refused",
        PluginError::Engine { .. } => "engine",
    }
}

/// One plugin's failure, as a record (for the failures of a load, which
/// are listed rather than raised).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PluginFailure {
    /// The plugin's name.
    pub plugin: String,
    /// What happened, one word (see [`EmError::Plugin`]).
    pub failure: String,
    /// The moment it happened in, where known.
    pub phase: Option<String>,
    /// A sentence for people, naming the plugin.
    pub message: String,
    /// Every problem: one, or one per part of an invalid output.
    pub problems: Vec<Problem>,
}

impl From<&PluginError> for PluginFailure {
    fn from(e: &PluginError) -> Self {
        let message = e.to_string();
        let file = match e {
            PluginError::Io { path, .. }
            | PluginError::HashMismatch { path, .. }
            | PluginError::Corrupt { path, .. }
            | PluginError::Tampered { path, .. }
            | PluginError::Cache { path, .. } => Some(path.display().to_string()),
            _ => None,
        };
        let phase = match e {
            PluginError::Trap { phase, .. }
            | PluginError::Forbidden { phase, .. }
            | PluginError::Timeout { phase, .. }
            | PluginError::MemoryCap { phase, .. }
            | PluginError::Engine { phase, .. } => Some(phase.to_string()),
            _ => None,
        };
        let problems = match e {
            PluginError::InvalidOutput { violations, .. } => violations
                .iter()
                .map(|v| Problem {
                    path: Some(v.path.clone()),
                    ..Problem::reason(v.reason.clone())
                })
                .collect(),
            _ => vec![Problem {
                file,
                ..Problem::reason(message.clone())
            }],
        };
        PluginFailure {
            plugin: e.plugin().to_owned(),
            failure: failure_of(e).to_owned(),
            phase,
            message,
            problems,
        }
    }
}

impl From<&LoadFailure> for PluginFailure {
    /// A plugin left out of a manifest: every problem is placed in the
    /// manifest (file, line, and for an unknown site its column and field),
    /// where whoever fixes it will look.
    fn from(f: &LoadFailure) -> Self {
        let manifest = Some(f.manifest.display().to_string());
        let problems = match &f.error {
            PluginError::UnknownSite { violations, .. } => violations
                .iter()
                .map(|v| Problem {
                    file: manifest.clone(),
                    line: Some(v.line as u64),
                    column: Some(v.column as u64),
                    field: Some(v.field.clone()),
                    ..Problem::reason(v.reason.clone())
                })
                .collect(),
            error => vec![Problem {
                file: manifest,
                line: Some(f.line as u64),
                ..Problem::reason(error.to_string())
            }],
        };
        PluginFailure {
            message: f.to_string(),
            problems,
            ..PluginFailure::from(&f.error)
        }
    }
}

impl From<PluginFailure> for EmError {
    fn from(f: PluginFailure) -> Self {
        EmError::Plugin {
            message: f.message,
            problems: f.problems,
            plugin: Some(f.plugin),
            failure: f.failure,
            phase: f.phase,
        }
    }
}

impl From<PluginError> for EmError {
    fn from(e: PluginError) -> Self {
        PluginFailure::from(&e).into()
    }
}

impl From<ManifestError> for EmError {
    fn from(e: ManifestError) -> Self {
        let problems = match &e {
            ManifestError::Io { path, source } => vec![Problem {
                file: Some(path.display().to_string()),
                ..Problem::reason(source.to_string())
            }],
            ManifestError::Invalid { path, violations } => violations
                .iter()
                .map(|v| Problem {
                    file: Some(path.display().to_string()),
                    line: Some(v.line as u64),
                    column: Some(v.column as u64),
                    field: Some(v.field.clone()),
                    ..Problem::reason(v.reason.clone())
                })
                .collect(),
        };
        EmError::Plugin {
            message: e.to_string(),
            problems,
            plugin: None,
            failure: "manifest".to_owned(),
            phase: None,
        }
    }
}

impl From<HostError> for EmError {
    fn from(e: HostError) -> Self {
        EmError::Plugin {
            message: e.to_string(),
            problems: vec![Problem::reason(e.to_string())],
            plugin: None,
            failure: "host".to_owned(),
            phase: None,
        }
    }
}

/// A loaded plugin: its manifest entry and what it says about itself.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PluginInfo {
    /// Its name.
    pub name: String,
    /// `report` or `rules`.
    pub kind: String,
    /// Its own version.
    pub version: String,
    /// The interface version it was built for.
    pub interface_version: String,
    /// What it is for, in a sentence.
    pub description: String,
    /// The sites the manifest enables it for.
    pub sites: Vec<String>,
    /// The sites it says it serves; empty means any.
    pub serves: Vec<String>,
    /// The tables (report) or fields (rules) it reads.
    pub needs: Vec<String>,
    /// Its file.
    pub file: String,
    /// The SHA-256 the manifest pins it by, in hex.
    pub sha256: String,
    /// Its memory cap, in bytes.
    pub memory_bytes: u64,
    /// Its deadline per call, in milliseconds.
    pub deadline_ms: u64,
    /// The most it may return, in bytes.
    pub output_bytes: u64,
}

fn info(entry: &PluginEntry, info: &em_plugin_host::PluginInfo) -> PluginInfo {
    PluginInfo {
        name: info.name.clone(),
        kind: entry.kind.to_string(),
        version: info.version.clone(),
        interface_version: info.interface_version.clone(),
        description: info.description.clone(),
        sites: entry.sites.clone(),
        serves: info.sites.clone(),
        needs: info.needs.clone(),
        file: entry.file.display().to_string(),
        sha256: hex::encode(entry.sha256),
        memory_bytes: entry.limits.memory_bytes,
        deadline_ms: u64::try_from(entry.limits.deadline.as_millis()).unwrap_or(u64::MAX),
        output_bytes: entry.limits.output_bytes,
    }
}

/// What loading a manifest gave.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LoadOutcome {
    /// The plugins now loaded, by name.
    pub loaded: Vec<String>,
    /// One failure per plugin that did not load; the others did.
    pub failed: Vec<PluginFailure>,
}

/// What a rules plugin says about one record of a batch.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Finding {
    /// The plugin that said it.
    pub plugin: String,
    /// The record's position in the batch (0-based).
    pub index: u64,
    /// The field it is about.
    pub field: String,
    /// `error` (the record would be refused at import) or `warning`.
    pub severity: String,
    /// Why, in a sentence.
    pub reason: String,
}

fn kind(text: &str) -> Result<PluginKind, EmError> {
    match text {
        "report" => Ok(PluginKind::Report),
        "rules" => Ok(PluginKind::Rules),
        other => Err(EmError::argument(
            "kind",
            format!("`{other}` is not a plugin kind (report, rules)"),
        )),
    }
}

/// The plugin host: plugins loaded from manifests, run in a sandbox.
///
/// Loading takes the host for itself; runs share it, so several Python
/// threads can run plugins at once.
#[derive(Debug, uniffi::Object)]
pub struct PluginHost {
    inner: RwLock<em_plugin_host::PluginHost>,
    /// The rules plugins that the manifests named but that did not load,
    /// with why: a file of their sites is refused at import, as `em
    /// import` refuses it, rather than stored without the site's rules by
    /// a caller that caught the load error and went on.
    rules_left_out: RwLock<Vec<(PluginEntry, String)>>,
}

/// A rules plugin that did not load, as a check that refuses the file: its
/// rows cannot be checked by the site's own rules.
struct LeftOutRules {
    name: String,
    reason: String,
}

impl em_import::RecordCheck for LeftOutRules {
    fn name(&self) -> &str {
        &self.name
    }

    fn check(&mut self, _: &[Record]) -> Result<Vec<em_import::Finding>, String> {
        Err(format!(
            "the rules plugin could not be loaded, so the site's own rules cannot check this file: {}",
            self.reason
        ))
    }
}

impl PluginHost {
    fn read(&self) -> RwLockReadGuard<'_, em_plugin_host::PluginHost> {
        // The host's state changes only inside `load`, which replaces a
        // plugin in one step: a panic elsewhere leaves it usable.
        self.inner.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, em_plugin_host::PluginHost> {
        self.inner.write().unwrap_or_else(|p| p.into_inner())
    }
}

impl PluginHost {
    /// Runs `f` with the importer's checks of the rules plugins `site`
    /// enables (every rules plugin, for a file whose rows name their own
    /// site), each keeping one instance for the whole import.
    pub(crate) fn with_rules_checks<T>(
        &self,
        site: Option<&str>,
        f: impl FnOnce(Vec<&mut dyn em_import::RecordCheck>) -> T,
    ) -> T {
        let host = self.read();
        let mut checks = RulesCheck::for_site(&host, site);
        // For a file whose rows name their own site, every rules plugin
        // left out, since any row may be of its sites.
        let mut left_out: Vec<LeftOutRules> = self
            .rules_left_out
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|(entry, _)| site.is_none_or(|site| entry.sites.iter().any(|s| s == site)))
            .map(|(entry, reason)| LeftOutRules {
                name: entry.name.clone(),
                reason: reason.clone(),
            })
            .collect();
        let _span = tracing::info_span!(
            "binding.import_rules_plugins",
            plugins = checks.len(),
            left_out = left_out.len()
        )
        .entered();
        f(checks
            .iter_mut()
            .map(|c| c as &mut dyn em_import::RecordCheck)
            .chain(
                left_out
                    .iter_mut()
                    .map(|c| c as &mut dyn em_import::RecordCheck),
            )
            .collect())
    }
}

#[uniffi::export]
impl PluginHost {
    /// A host whose compiled plugins are cached in `cache_dir` (none:
    /// every plugin is compiled at each load).
    #[uniffi::constructor]
    pub fn new(cache_dir: Option<String>) -> Result<Arc<PluginHost>, EmError> {
        let _span = tracing::info_span!("binding.plugin_host").entered();
        let config = match cache_dir {
            Some(dir) => HostConfig::with_cache(dir),
            None => HostConfig::default(),
        };
        Ok(Arc::new(PluginHost {
            inner: RwLock::new(em_plugin_host::PluginHost::new(config)?),
            rules_left_out: RwLock::new(Vec::new()),
        }))
    }

    /// Loads every plugin of the manifest at `path`, checking their sites
    /// against `registry` (the shipped one when not given). A manifest that
    /// cannot be read or has problems is an error; a plugin that does not
    /// load, or names a site the registry does not know, is listed in
    /// `failed` with its place in the manifest, and the others load.
    ///
    /// As in Rust, where the outcome cannot be dropped unread, the Python
    /// wrapper raises when `failed` is not empty.
    pub fn load_manifest(
        &self,
        path: String,
        registry: Option<Arc<Registry>>,
    ) -> Result<LoadOutcome, EmError> {
        let _span = tracing::info_span!("binding.plugin_load_manifest").entered();
        let registry = registry.unwrap_or_else(Registry::shipped);
        let known = registry.core().site_ids();
        let outcome = self
            .write()
            .load_manifest_for_sites(Path::new(&path), &known)?;
        // A plugin loaded now is no longer left out; one that failed now is,
        // whatever an earlier manifest said.
        let mut left_out = self
            .rules_left_out
            .write()
            .unwrap_or_else(|p| p.into_inner());
        left_out.retain(|(entry, _)| {
            !outcome.loaded.contains(&entry.name)
                && !outcome.failed.iter().any(|f| f.entry.name == entry.name)
        });
        left_out.extend(
            outcome
                .failed
                .iter()
                .filter(|f| f.entry.kind == PluginKind::Rules)
                .map(|f| (f.entry.clone(), f.to_string())),
        );
        drop(left_out);
        Ok(LoadOutcome {
            loaded: outcome.loaded,
            failed: outcome.failed.iter().map(PluginFailure::from).collect(),
        })
    }

    /// Loads the manifest at `path` as [`PluginHost::load_manifest`] does
    /// and returns its plugins; an error listing every plugin that did not
    /// load, if one did not.
    pub fn check_manifest(
        &self,
        path: String,
        registry: Option<Arc<Registry>>,
    ) -> Result<Vec<PluginInfo>, EmError> {
        let outcome = self.load_manifest(path.clone(), registry)?;
        if outcome.failed.is_empty() {
            let host = self.read();
            return Ok(host
                .plugins()
                .filter(|(entry, _)| outcome.loaded.contains(&entry.name))
                .map(|(entry, i)| info(entry, i))
                .collect());
        }
        let count = outcome.failed.len();
        let mut failed = outcome.failed.into_iter();
        let first = failed.next().expect("at least one failure");
        let mut problems = first.problems.clone();
        problems.extend(failed.flat_map(|f| f.problems));
        Err(EmError::Plugin {
            message: format!(
                "{path}: {count} plugin(s) did not load (first: {})",
                first.message
            ),
            problems,
            plugin: Some(first.plugin),
            failure: first.failure,
            phase: first.phase,
        })
    }

    /// The loaded plugins, by name.
    pub fn plugins(&self) -> Vec<PluginInfo> {
        self.read().plugins().map(|(e, i)| info(e, i)).collect()
    }

    /// The loaded plugins of `kind` (`report`, `rules`) enabled for `site`.
    pub fn enabled_for(&self, site: String, kind: String) -> Result<Vec<String>, EmError> {
        let kind = self::kind(&kind)?;
        Ok(self
            .read()
            .enabled_for(&site, kind)
            .into_iter()
            .map(str::to_owned)
            .collect())
    }

    /// Runs report plugin `plugin` on the masked tables of `site` in
    /// `report` and returns its document as JSON (title, sections of text,
    /// tables and charts), checked and masked by the host.
    pub fn run_report(
        &self,
        plugin: String,
        report: Arc<ActivityReport>,
        site: String,
    ) -> Result<String, EmError> {
        let _span =
            tracing::info_span!("binding.plugin_report", plugin = %plugin, site = %site).entered();
        let tables = SiteTables::from_activity_report(&report.inner, &site).ok_or_else(|| {
            EmError::not_found(
                "site",
                format!(
                    "the report of {} has no part for `{site}`",
                    report.inner.year
                ),
            )
        })?;
        let document = self.read().run_report(&plugin, &tables)?;
        json::write(&document)
    }

    /// Runs rules plugin `plugin` on a batch of visits (JSON array or JSON
    /// Lines), checked first against `ruleset` and `registry` (the shipped
    /// ones when not given); returns its findings, each pointing at a visit
    /// by its position in the batch.
    pub fn run_rules(
        &self,
        plugin: String,
        records: String,
        ruleset: Option<Arc<Ruleset>>,
        registry: Option<Arc<Registry>>,
    ) -> Result<Vec<Finding>, EmError> {
        let _span = tracing::info_span!("binding.plugin_rules", plugin = %plugin).entered();
        let ruleset = ruleset.unwrap_or_else(Ruleset::shipped);
        let registry = registry.unwrap_or_else(Registry::shipped);
        let batch = records::parse_and_check(
            ruleset.core(),
            registry.core(),
            RecordKind::Visit,
            &records,
            BATCH,
        );
        if !batch.problems.is_empty() {
            return Err(records::records_error(BATCH, batch.problems));
        }
        let visits: Vec<Visit> = batch
            .records
            .into_iter()
            .filter_map(|r| match r {
                Record::Visit(v) => Some(v),
                _ => None,
            })
            .collect();
        let findings = self.read().run_rules(&plugin, &visits)?;
        Ok(findings
            .into_iter()
            .map(|f| Finding {
                plugin: f.plugin,
                index: f.visit as u64,
                field: f.field,
                severity: f.severity.to_string(),
                reason: f.reason,
            })
            .collect())
    }
}
