//! [`PluginHost`]: loads the plugins of a manifest and runs them, one fresh
//! sandboxed instance per call, or one per plugin for the successive sites
//! of a [`ReportRun`].

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use em_core::report as core;
use em_core::statistics::Visit;
use jiff::civil::Date;
use sha2::{Digest, Sha256};
use tracing::{debug, info, info_span, warn};
use wasmtime::component::{Component, InstancePre, Linker};
use wasmtime::{Engine, Store, Trap};

use crate::bindings::{
    INTERFACE_VERSION, REPORTER, Reporter, ReporterIndices, VALIDATOR, Validator, ValidatorIndices,
    wit,
};
use crate::cache::{CodeCache, Lookup};
use crate::config::{HostConfig, Limits};
use crate::convert;
use crate::document::{OutputError, OutputRules, document_from_plugin};
use crate::error::{HostError, Phase, PluginError};
use crate::findings::{Finding, findings_from_plugin};
use crate::manifest::{LoadFailure, Manifest, ManifestError, PluginEntry, PluginKind};
use crate::sandbox::{
    Deterministic, ForbiddenImport, MemoryLimiter, Oversized, StoreState, Ticker, deadline_ticks,
    deny_imports,
};

/// What a plugin says about itself, checked against its manifest entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginInfo {
    /// Its name, the same as in the manifest.
    pub name: String,
    /// Its own version.
    pub version: String,
    /// The interface version it was built for.
    pub interface_version: String,
    /// The sites it serves; empty means any.
    pub sites: Vec<String>,
    /// The tables (report) or fields (rules) it reads.
    pub needs: Vec<String>,
    /// What it is for, in a sentence.
    pub description: String,
}

/// The statistics of one site over one period, as the activity report
/// computed them: aggregates only, small counts already masked.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteTables {
    /// The site's identifier in the registry.
    pub site: String,
    /// First day of the period.
    pub period_start: Date,
    /// Last day of the period (inclusive).
    pub period_end: Date,
    /// The ruleset's small-count threshold for the period: the host masks
    /// the plugin's counts below it too.
    pub small_count_threshold: u64,
    /// The report's tables.
    pub tables: Vec<core::Table>,
}

/// What loading a manifest gave: the plugins that loaded, and why the
/// others did not.
///
/// A manifest whose plugins partly load is not an error, since the host
/// and the loaded plugins work; but the failures must not go unseen (a
/// report would silently miss sections, an import would skip a site's
/// rules), so the outcome may not be dropped unread.
#[derive(Debug)]
#[must_use = "the plugins that failed to load are in `failed`; report them"]
pub struct LoadOutcome {
    /// Names of the plugins now loaded.
    pub loaded: Vec<String>,
    /// One failure per plugin that was left out, with its place in the
    /// manifest.
    pub failed: Vec<LoadFailure>,
}

enum Exports {
    Reporter(ReporterIndices),
    Validator(ValidatorIndices),
}

struct Loaded {
    entry: PluginEntry,
    info: PluginInfo,
    pre: InstancePre<StoreState>,
    exports: Exports,
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded")
            .field("entry", &self.entry)
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

/// A plugin's instance with its store, kept between the sites of a
/// [`ReportRun`] (`G` is [`Reporter`]) or the batches of a [`RulesRun`]
/// (`G` is [`Validator`]).
struct Warm<G> {
    store: Store<StoreState>,
    guest: G,
}

/// What the two kinds of plugin have in common for the host: the guest
/// type the bindings generate for their world, found in a new instance.
trait Guest: Sized {
    /// The loaded exports' indices of this kind, if `exports` are of it.
    fn load(
        exports: &Exports,
        store: &mut Store<StoreState>,
        instance: &wasmtime::component::Instance,
    ) -> wasmtime::Result<Self>;
}

impl Guest for Reporter {
    fn load(
        exports: &Exports,
        store: &mut Store<StoreState>,
        instance: &wasmtime::component::Instance,
    ) -> wasmtime::Result<Self> {
        let Exports::Reporter(indices) = exports else {
            unreachable!("a report plugin is loaded with reporter exports");
        };
        indices.load(store, instance)
    }
}

impl Guest for Validator {
    fn load(
        exports: &Exports,
        store: &mut Store<StoreState>,
        instance: &wasmtime::component::Instance,
    ) -> wasmtime::Result<Self> {
        let Exports::Validator(indices) = exports else {
            unreachable!("a rules plugin is loaded with validator exports");
        };
        indices.load(store, instance)
    }
}

impl<G> Warm<G> {
    /// Makes a kept instance ready for its next call: a full deadline, and
    /// no memory refusal left over from the previous one.
    fn ready(&mut self, limits: &Limits, tick: Duration) {
        self.store.data_mut().limiter.refused = None;
        self.store
            .set_epoch_deadline(deadline_ticks(limits.deadline, tick));
    }

    /// Calls the guest; a failure is named after what stopped it.
    fn call<R>(
        &mut self,
        loaded: &Loaded,
        phase: Phase,
        call: impl FnOnce(&G, &mut Store<StoreState>) -> wasmtime::Result<R>,
    ) -> Result<R, PluginError> {
        call(&self.guest, &mut self.store).map_err(|e| classify(e, &self.store, loaded, phase))
    }
}

/// The plugins of one report or one import: each plugin keeps one instance
/// for the successive sites of a report ([`ReportRun`]) or batches of an
/// import ([`RulesRun`]), which saves the cost of a new instance per call
/// (most of a call's time for a small report).
///
/// What a plugin keeps in memory from one call to the next is its own
/// business and stays inside the run: it is only ever given the masked
/// aggregates that the published report shows anyway, or the visits of its
/// own sites, and its output is checked (and masked) as after a fresh
/// start. A call that traps, times out or hits the memory cap drops the
/// instance, and the next call gets a fresh one; the instances go when the
/// run is dropped. For a call that shares nothing with any other, use
/// [`PluginHost::run_report`] or [`PluginHost::run_rules`].
pub struct Run<'h, G> {
    host: &'h PluginHost,
    warm: BTreeMap<String, Warm<G>>,
}

/// The report plugins of one report run; see [`Run`].
pub type ReportRun<'h> = Run<'h, Reporter>;

/// The rules plugins of one import; see [`Run`].
pub type RulesRun<'h> = Run<'h, Validator>;

impl<G> std::fmt::Debug for Run<'_, G> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("warm", &self.warm.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl ReportRun<'_> {
    /// Runs report plugin `plugin` on one site's tables, as
    /// [`PluginHost::run_report`] does, in the plugin's instance of this
    /// run.
    pub fn run_report(
        &mut self,
        plugin: &str,
        tables: &SiteTables,
    ) -> Result<core::Document, PluginError> {
        self.host.report(plugin, tables, Some(&mut self.warm))
    }
}

impl RulesRun<'_> {
    /// Runs rules plugin `plugin` on a batch of visits, as
    /// [`PluginHost::run_rules`] does, in the plugin's instance of this run.
    pub fn run_rules(
        &mut self,
        plugin: &str,
        visits: &[Visit],
    ) -> Result<Vec<Finding>, PluginError> {
        self.host.rules(plugin, visits, Some(&mut self.warm))
    }
}

/// Runs the sites' plugins.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use em_plugin_host::{HostConfig, PluginHost};
/// let mut host = PluginHost::new(HostConfig::with_cache("target/plugin-cache"))?;
/// let outcome = host.load_manifest("plugins.toml".as_ref())?;
/// for failure in &outcome.failed {
///     eprintln!("plugin left out: {failure}");
/// }
/// # Ok(()) }
/// ```
pub struct PluginHost {
    engine: Engine,
    config: HostConfig,
    cache: Option<CodeCache>,
    plugins: BTreeMap<String, Loaded>,
    // Declared last so that it stops after everything that uses the engine.
    _ticker: Ticker,
}

impl std::fmt::Debug for PluginHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginHost")
            .field("config", &self.config)
            .field("plugins", &self.plugins.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl PluginHost {
    /// Starts a host: the engine, its deadline clock and the code cache.
    pub fn new(config: HostConfig) -> Result<PluginHost, HostError> {
        let mut wasm = wasmtime::Config::new();
        wasm.wasm_component_model(true);
        wasm.epoch_interruption(true);
        wasm.cranelift_opt_level(wasmtime::OptLevel::Speed);
        let engine = Engine::new(&wasm).map_err(|e| HostError::Engine(format!("{e:#}")))?;
        let cache = match &config.cache_dir {
            Some(dir) => Some(CodeCache::open(
                dir,
                config.cache_key_file.as_deref(),
                &engine,
            )?),
            None => None,
        };
        let ticker = Ticker::start(&engine, config.tick).map_err(HostError::Ticker)?;
        Ok(PluginHost {
            engine,
            config,
            cache,
            plugins: BTreeMap::new(),
            _ticker: ticker,
        })
    }

    /// Loads every plugin of the manifest at `path`. A plugin that fails to
    /// load is reported in [`LoadOutcome::failed`] and the others load.
    pub fn load_manifest(&mut self, path: &Path) -> Result<LoadOutcome, ManifestError> {
        let manifest = Manifest::load(path, self.config.defaults)?;
        Ok(self.load_all(path, manifest, Vec::new()))
    }

    /// Loads the plugins of the manifest at `path` as
    /// [`PluginHost::load_manifest`] does, and leaves out (in
    /// [`LoadOutcome::failed`]) each plugin that names a site not among
    /// `known_sites`, the registry's; see [`Manifest::load_for_sites`].
    pub fn load_manifest_for_sites(
        &mut self,
        path: &Path,
        known_sites: &[&str],
    ) -> Result<LoadOutcome, ManifestError> {
        let (manifest, unknown) =
            Manifest::load_for_sites(path, self.config.defaults, known_sites)?;
        for failure in &unknown {
            debug!(plugin = %failure.entry.name, error = %failure.error, "plugin not loaded");
        }
        Ok(self.load_all(path, manifest, unknown))
    }

    fn load_all(
        &mut self,
        path: &Path,
        manifest: Manifest,
        failed: Vec<LoadFailure>,
    ) -> LoadOutcome {
        let mut outcome = LoadOutcome {
            loaded: Vec::new(),
            failed,
        };
        for entry in manifest.plugins {
            let name = entry.name.clone();
            match self.load(entry.clone()) {
                Ok(_) => outcome.loaded.push(name),
                Err(error) => {
                    // Logged for debugging only: the failure is the caller's
                    // to report (the outcome cannot be dropped unread), and
                    // a warning here would print it a second time.
                    debug!(plugin = %name, error = %error, "plugin not loaded");
                    outcome.failed.push(LoadFailure {
                        manifest: path.to_owned(),
                        line: entry.line,
                        entry,
                        error,
                    });
                }
            }
        }
        outcome
    }

    /// Loads one plugin: checks its hash, compiles it (or reads it back from
    /// the cache), checks its interface version, and asks it to describe
    /// itself. A plugin of the same name is replaced.
    pub fn load(&mut self, entry: PluginEntry) -> Result<&PluginInfo, PluginError> {
        let span = info_span!("plugin_load", plugin = %entry.name, kind = %entry.kind);
        let _guard = span.enter();
        let started = Instant::now();
        let plugin = entry.name.clone();

        let bytes = std::fs::read(&entry.file).map_err(|source| PluginError::Io {
            plugin: plugin.clone(),
            path: entry.file.clone(),
            source,
        })?;
        let actual: [u8; 32] = Sha256::digest(&bytes).into();
        if actual != entry.sha256 {
            return Err(PluginError::HashMismatch {
                plugin,
                path: entry.file.clone(),
                expected: hex::encode(entry.sha256),
                actual: hex::encode(actual),
            });
        }

        let component = self.compile(&entry, &bytes)?;
        check_exports(&self.engine, &component, &entry)?;

        let mut linker = Linker::new(&self.engine);
        let engine_error = |e: wasmtime::Error| PluginError::Engine {
            plugin: plugin.clone(),
            phase: Phase::Instantiation,
            message: format!("{e:#}"),
        };
        deny_imports(&self.engine, &mut linker, &component).map_err(engine_error)?;
        let pre = linker.instantiate_pre(&component).map_err(engine_error)?;
        let exports = match entry.kind {
            PluginKind::Report => {
                Exports::Reporter(ReporterIndices::new(&pre).map_err(engine_error)?)
            }
            PluginKind::Rules => {
                Exports::Validator(ValidatorIndices::new(&pre).map_err(engine_error)?)
            }
        };

        let loaded = Loaded {
            info: PluginInfo {
                name: String::new(),
                version: String::new(),
                interface_version: String::new(),
                sites: Vec::new(),
                needs: Vec::new(),
                description: String::new(),
            },
            entry,
            pre,
            exports,
        };
        let info = self.describe(&loaded)?;
        check_description(&loaded.entry, &info)?;
        info!(
            plugin = %plugin,
            version = %info.version,
            elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
            "plugin loaded"
        );
        let slot = self
            .plugins
            .entry(plugin)
            .insert_entry(Loaded { info, ..loaded });
        Ok(&slot.into_mut().info)
    }

    /// The loaded plugins, by name, with their manifest entries.
    pub fn plugins(&self) -> impl Iterator<Item = (&PluginEntry, &PluginInfo)> {
        self.plugins.values().map(|l| (&l.entry, &l.info))
    }

    /// The loaded plugins of `kind` enabled for `site`, by name.
    pub fn enabled_for(&self, site: &str, kind: PluginKind) -> Vec<&str> {
        self.plugins
            .values()
            .filter(|l| l.entry.kind == kind && l.entry.sites.iter().any(|s| s == site))
            .map(|l| l.entry.name.as_str())
            .collect()
    }

    /// Runs report plugin `plugin` on one site's tables and returns its
    /// document, checked, with small counts masked. The plugin runs in an
    /// instance of its own, dropped when the call returns; to run plugins
    /// over the sites of a report, [`PluginHost::report_run`] is faster.
    pub fn run_report(
        &self,
        plugin: &str,
        tables: &SiteTables,
    ) -> Result<core::Document, PluginError> {
        self.report(plugin, tables, None)
    }

    /// Starts a report run: the plugins it calls keep their instance from
    /// one site to the next, until the run is dropped or a call fails.
    ///
    /// ```no_run
    /// # fn sites() -> Vec<em_plugin_host::SiteTables> { Vec::new() }
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use em_plugin_host::{HostConfig, PluginHost, PluginKind};
    /// let mut host = PluginHost::new(HostConfig::with_cache("target/plugin-cache"))?;
    /// for failure in host.load_manifest("plugins.toml".as_ref())?.failed {
    ///     eprintln!("plugin left out: {failure}");
    /// }
    /// let mut run = host.report_run();
    /// for tables in sites() {
    ///     for plugin in host.enabled_for(&tables.site, PluginKind::Report) {
    ///         match run.run_report(plugin, &tables) {
    ///             Ok(document) => println!("{}", document.title),
    ///             Err(error) => eprintln!("{error}"),
    ///         }
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn report_run(&self) -> ReportRun<'_> {
        self.run()
    }

    /// One report-plugin call, in a fresh instance or, within a run, in the
    /// plugin's instance kept in `warm`.
    fn report(
        &self,
        plugin: &str,
        tables: &SiteTables,
        warm: Option<&mut BTreeMap<String, Warm<Reporter>>>,
    ) -> Result<core::Document, PluginError> {
        let span = info_span!("plugin_report", plugin = %plugin, site = %tables.site);
        let _guard = span.enter();
        let loaded = self.get(plugin, PluginKind::Report)?;
        if !loaded.entry.sites.contains(&tables.site) {
            return Err(PluginError::NotEnabled {
                plugin: plugin.to_owned(),
                site: tables.site.clone(),
            });
        }
        // A plugin sees only the tables it declared, when it declared some.
        let needed =
            |t: &&core::Table| loaded.info.needs.is_empty() || loaded.info.needs.contains(&t.id);
        let input = wit::SiteTables {
            site: tables.site.clone(),
            period_start: convert::date(tables.period_start),
            period_end: convert::date(tables.period_end),
            tables: tables
                .tables
                .iter()
                .filter(needed)
                .map(convert::table)
                .collect(),
        };
        let started = Instant::now();
        let result = self.call(loaded, warm, |instance: &mut Warm<Reporter>| {
            instance.call(loaded, Phase::Render, |guest, store| {
                guest.call_render(store, &input)
            })
        });
        debug!(
            elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
            "plugin call returned"
        );
        let doc = result?.map_err(|message| refused(plugin, message))?;
        let rules = OutputRules {
            max_bytes: loaded.entry.limits.output_bytes,
            small_count_threshold: tables.small_count_threshold,
        };
        document_from_plugin(doc, &rules).map_err(|e| output_error(plugin, e))
    }

    /// Runs rules plugin `plugin` on a batch of visits and returns its
    /// findings, each pointing at a visit of `visits` by index. Visits of
    /// sites the plugin is not enabled for are not shown to it. The plugin
    /// runs in an instance of its own; for the batches of an import,
    /// [`PluginHost::rules_run`] keeps one.
    pub fn run_rules(&self, plugin: &str, visits: &[Visit]) -> Result<Vec<Finding>, PluginError> {
        self.rules(plugin, visits, None)
    }

    /// Starts the rules run of one import: the plugins it calls keep their
    /// instance from one batch to the next, until the run is dropped or a
    /// call fails.
    pub fn rules_run(&self) -> RulesRun<'_> {
        self.run()
    }

    /// One rules-plugin call, in a fresh instance or, within a run, in the
    /// plugin's instance kept in `warm`.
    fn rules(
        &self,
        plugin: &str,
        visits: &[Visit],
        warm: Option<&mut BTreeMap<String, Warm<Validator>>>,
    ) -> Result<Vec<Finding>, PluginError> {
        let span = info_span!("plugin_rules", plugin = %plugin, visits = visits.len());
        let _guard = span.enter();
        let loaded = self.get(plugin, PluginKind::Rules)?;
        // Only the visits of the plugin's sites cross the boundary; `index`
        // maps the plugin's batch back to the caller's.
        let index: Vec<usize> = visits
            .iter()
            .enumerate()
            .filter(|(_, v)| loaded.entry.sites.contains(&v.site))
            .map(|(i, _)| i)
            .collect();
        if index.is_empty() {
            return Ok(Vec::new());
        }
        let input: Vec<wit::Visit> = index.iter().map(|&i| convert::visit(&visits[i])).collect();
        let result = self.call(loaded, warm, |instance: &mut Warm<Validator>| {
            instance.call(loaded, Phase::Check, |guest, store| {
                guest.call_check(store, &input)
            })
        });
        let findings = result?.map_err(|message| refused(plugin, message))?;
        let mut findings = findings_from_plugin(
            plugin,
            findings,
            input.len(),
            loaded.entry.limits.output_bytes,
        )
        .map_err(|e| output_error(plugin, e))?;
        for f in &mut findings {
            f.visit = index[f.visit];
        }
        Ok(findings)
    }

    /// A new instance of plugin `loaded`, its deadline running.
    fn instance<G: Guest>(&self, loaded: &Loaded) -> Result<Warm<G>, PluginError> {
        let mut store = self.store(&loaded.entry.limits);
        let guest = loaded
            .pre
            .instantiate(&mut store)
            .and_then(|instance| G::load(&loaded.exports, &mut store, &instance))
            .map_err(|e| classify(e, &store, loaded, Phase::Instantiation))?;
        Ok(Warm { store, guest })
    }

    /// Runs `call` in a fresh instance of `loaded` or, within a run, in the
    /// plugin's instance kept in `warm`. A kept instance is kept for the
    /// next call only if this one returned normally: after a trap, a
    /// timeout or a refused growth its memory may be half-written, so the
    /// next call gets a fresh one.
    fn call<G: Guest, T>(
        &self,
        loaded: &Loaded,
        warm: Option<&mut BTreeMap<String, Warm<G>>>,
        call: impl FnOnce(&mut Warm<G>) -> Result<T, PluginError>,
    ) -> Result<T, PluginError> {
        let Some(warm) = warm else {
            return self
                .instance(loaded)
                .and_then(|mut instance| call(&mut instance));
        };
        let plugin = &loaded.entry.name;
        let reused = warm.remove(plugin);
        debug!(reused = reused.is_some(), "kept instance");
        let mut instance = match reused {
            Some(mut instance) => {
                instance.ready(&loaded.entry.limits, self.config.tick);
                instance
            }
            None => self.instance(loaded)?,
        };
        let result = call(&mut instance);
        if result.is_ok() {
            warm.insert(plugin.clone(), instance);
        }
        result
    }

    /// Starts a run of plugins of one kind; see [`Run`].
    fn run<G>(&self) -> Run<'_, G> {
        Run {
            host: self,
            warm: BTreeMap::new(),
        }
    }

    fn get(&self, plugin: &str, kind: PluginKind) -> Result<&Loaded, PluginError> {
        let loaded = self
            .plugins
            .get(plugin)
            .ok_or_else(|| PluginError::Unknown {
                plugin: plugin.to_owned(),
            })?;
        if loaded.entry.kind != kind {
            return Err(PluginError::WrongKind {
                plugin: plugin.to_owned(),
                actual: loaded.entry.kind,
                asked: kind,
            });
        }
        Ok(loaded)
    }

    /// A fresh store with the plugin's memory cap and deadline.
    fn store(&self, limits: &Limits) -> Store<StoreState> {
        let mut store = Store::new(
            &self.engine,
            StoreState {
                limiter: MemoryLimiter {
                    cap: limits.memory_bytes,
                    refused: None,
                },
                random: Deterministic::default(),
            },
        );
        store.limiter(|state| &mut state.limiter);
        store.epoch_deadline_trap();
        store.set_epoch_deadline(deadline_ticks(limits.deadline, self.config.tick));
        store
    }

    fn describe(&self, loaded: &Loaded) -> Result<PluginInfo, PluginError> {
        let mut store = self.store(&loaded.entry.limits);
        let instance = loaded
            .pre
            .instantiate(&mut store)
            .map_err(|e| classify(e, &store, loaded, Phase::Instantiation))?;
        let info = match &loaded.exports {
            Exports::Reporter(i) => i
                .load(&mut store, &instance)
                .and_then(|g| g.call_describe(&mut store)),
            Exports::Validator(i) => i
                .load(&mut store, &instance)
                .and_then(|g| g.call_describe(&mut store)),
        }
        .map_err(|e| classify(e, &store, loaded, Phase::Describe))?;
        Ok(PluginInfo {
            name: info.name,
            version: info.version,
            interface_version: info.interface_version,
            sites: info.sites,
            needs: info.needs,
            description: info.description,
        })
    }

    /// The component for `bytes`, from the cache when this host compiled it
    /// before.
    fn compile(&self, entry: &PluginEntry, bytes: &[u8]) -> Result<Component, PluginError> {
        let plugin = &entry.name;
        let corrupt = |e: wasmtime::Error| PluginError::Corrupt {
            plugin: plugin.clone(),
            path: entry.file.clone(),
            reason: format!("{e:#}"),
        };
        let Some(cache) = &self.cache else {
            return Component::new(&self.engine, bytes).map_err(corrupt);
        };
        let cache_error = |source| PluginError::Cache {
            plugin: plugin.clone(),
            path: cache.path_for(&entry.sha256),
            source,
        };
        match cache.lookup(&entry.sha256).map_err(cache_error)? {
            Lookup::Found(code) => {
                debug!("compiled code read from the cache");
                // SAFETY: `deserialize` trusts its input to be code this
                // engine produced. The bytes are the very ones whose HMAC
                // was just checked under the host's key, read once into
                // memory so the file cannot change between check and use;
                // only `CodeCache::store`, below, writes such artifacts, and
                // the cache key covers the engine's version and settings.
                #[allow(unsafe_code)]
                let component = unsafe { Component::deserialize(&self.engine, &code) };
                component.map_err(|e| PluginError::Corrupt {
                    plugin: plugin.clone(),
                    path: cache.path_for(&entry.sha256),
                    reason: format!("cached code unreadable: {e:#}"),
                })
            }
            Lookup::Tampered { path, set_aside } => {
                warn!(path = %path.display(), "cached compiled code failed authentication");
                Err(PluginError::Tampered {
                    plugin: plugin.clone(),
                    path,
                    set_aside,
                })
            }
            Lookup::Missing => {
                let started = Instant::now();
                let component = Component::new(&self.engine, bytes).map_err(corrupt)?;
                debug!(
                    elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
                    "plugin compiled"
                );
                let code = component.serialize().map_err(corrupt)?;
                cache.store(&entry.sha256, &code).map_err(cache_error)?;
                Ok(component)
            }
        }
    }
}

/// Checks that the component exports its kind's interface at a version
/// compatible with the host's, before any of its code runs.
fn check_exports(
    engine: &Engine,
    component: &Component,
    entry: &PluginEntry,
) -> Result<(), PluginError> {
    let wanted = match entry.kind {
        PluginKind::Report => REPORTER,
        PluginKind::Rules => VALIDATOR,
    };
    let exports: Vec<String> = component
        .component_type()
        .exports(engine)
        .map(|(name, _)| name.to_owned())
        .collect();
    for name in &exports {
        let (interface, version) = name.split_once('@').unwrap_or((name, ""));
        if interface != wanted {
            continue;
        }
        return if compatible(version, INTERFACE_VERSION) {
            Ok(())
        } else {
            Err(PluginError::InterfaceVersion {
                plugin: entry.name.clone(),
                plugin_version: if version.is_empty() {
                    "(none)".to_owned()
                } else {
                    version.to_owned()
                },
                host_version: INTERFACE_VERSION.to_owned(),
            })
        };
    }
    Err(PluginError::WrongWorld {
        plugin: entry.name.clone(),
        expected: entry.kind,
        wanted: format!("{wanted}@{INTERFACE_VERSION}"),
        found: exports,
    })
}

/// Whether a plugin built for interface `plugin` runs on a host of
/// interface `host`: Cargo's caret rule, under which 0.1.0 and 0.1.3 are
/// compatible and 0.1 and 0.2 are not.
pub(crate) fn compatible(plugin: &str, host: &str) -> bool {
    let (Ok(p), Ok(h)) = (semver::Version::parse(plugin), semver::Version::parse(host)) else {
        return false;
    };
    if p.major != h.major {
        false
    } else if p.major > 0 {
        true
    } else if p.minor != h.minor {
        false
    } else {
        p.minor > 0 || p.patch == h.patch
    }
}

fn check_description(entry: &PluginEntry, info: &PluginInfo) -> Result<(), PluginError> {
    let plugin = entry.name.clone();
    if info.name != entry.name {
        return Err(PluginError::Description {
            plugin,
            reason: format!(
                "the plugin calls itself `{}` but the manifest names it `{}`",
                info.name, entry.name
            ),
        });
    }
    if !compatible(&info.interface_version, INTERFACE_VERSION) {
        return Err(PluginError::InterfaceVersion {
            plugin,
            plugin_version: info.interface_version.clone(),
            host_version: INTERFACE_VERSION.to_owned(),
        });
    }
    if !info.sites.is_empty() {
        let unserved: Vec<&str> = entry
            .sites
            .iter()
            .filter(|s| !info.sites.contains(s))
            .map(String::as_str)
            .collect();
        if !unserved.is_empty() {
            return Err(PluginError::Description {
                plugin,
                reason: format!(
                    "the manifest enables it for {} but the plugin serves only {}",
                    unserved.join(", "),
                    info.sites.join(", ")
                ),
            });
        }
    }
    Ok(())
}

/// Names what stopped a plugin call.
fn classify(
    error: wasmtime::Error,
    store: &Store<StoreState>,
    loaded: &Loaded,
    phase: Phase,
) -> PluginError {
    let plugin = loaded.entry.name.clone();
    let limits = &loaded.entry.limits;
    // The limiter's note comes first: a refused growth usually surfaces as
    // an allocation failure and then a generic `unreachable` trap.
    if let Some(requested) = store.data().limiter.refused {
        return PluginError::MemoryCap {
            plugin,
            phase,
            requested,
            cap: limits.memory_bytes,
        };
    }
    if let Some(ForbiddenImport(import)) = error.downcast_ref::<ForbiddenImport>() {
        // Rust's standard library, on the way from a panic to an abort,
        // reads the environment and writes to stderr; other toolchains do
        // the same. Those calls are how a crash looks from here, so they
        // are reported as one, with the import named.
        if import.starts_with("wasi:cli/") {
            return PluginError::Trap {
                plugin,
                phase,
                message: format!(
                    "it stopped while calling `{import}`, which plugins do not get \
                     (this is how a panic or an abort ends)"
                ),
            };
        }
        return PluginError::Forbidden {
            plugin,
            phase,
            import: import.clone(),
        };
    }
    if let Some(oversized) = error.downcast_ref::<Oversized>() {
        return PluginError::Trap {
            plugin,
            phase,
            message: oversized.to_string(),
        };
    }
    match error.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => PluginError::Timeout {
            plugin,
            phase,
            deadline: limits.deadline,
        },
        Some(trap) => PluginError::Trap {
            plugin,
            phase,
            message: trap.to_string(),
        },
        None => PluginError::Engine {
            plugin,
            phase,
            message: format!("{error:#}"),
        },
    }
}

/// A plugin's own error sentence, cut to a length a report can print.
fn refused(plugin: &str, message: String) -> PluginError {
    const MAX: usize = 500;
    let mut message: String = message
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX)
        .collect();
    if message.is_empty() {
        message = "(no reason given)".to_owned();
    }
    PluginError::Refused {
        plugin: plugin.to_owned(),
        message,
    }
}

fn output_error(plugin: &str, error: OutputError) -> PluginError {
    match error {
        OutputError::TooLarge { size, limit } => PluginError::OutputTooLarge {
            plugin: plugin.to_owned(),
            size,
            limit,
        },
        OutputError::Invalid(violations) => PluginError::InvalidOutput {
            plugin: plugin.to_owned(),
            violations,
        },
    }
}

/// How long one tick of the deadline clock is by default; exposed for
/// tests that check deadlines.
pub const DEFAULT_TICK: Duration = Duration::from_millis(10);

#[cfg(test)]
mod tests {
    use super::compatible;

    #[test]
    fn interface_versions_follow_the_caret_rule() {
        for (plugin, host, expected) in [
            ("0.1.0", "0.1.0", true),
            ("0.1.3", "0.1.0", true),
            ("0.2.0", "0.1.0", false),
            ("1.0.0", "0.1.0", false),
            ("1.4.0", "1.0.0", true),
            ("2.0.0", "1.0.0", false),
            ("0.0.1", "0.0.2", false),
            ("garbage", "0.1.0", false),
        ] {
            assert_eq!(compatible(plugin, host), expected, "{plugin} on {host}");
        }
    }
}
