//! `em-plugin-host`: runs the sites' WebAssembly plugins beside the
//! library, in a sandbox.
//!
//! A site extends the network's tools with plugins, WebAssembly components
//! that implement one world of the `espaces-metiers:plugin` WIT package
//! (folder `plugins/wit`): a *report* plugin draws a section of the
//! activity report from a site's aggregated tables, a *rules* plugin checks
//! visits at import. The host:
//!
//! - loads the plugins a [`Manifest`] lists, each pinned by its SHA-256,
//!   and refuses one built for an incompatible interface version, naming
//!   both versions;
//! - gives a plugin no file, network, clock or randomness: every import
//!   beyond the interface fails when called (but an empty environment);
//! - caps each plugin's memory (64 MiB by default) and bounds each call,
//!   start-up included, by a wall-clock deadline (1 s by default);
//! - runs each call in a fresh instance, or, within a [`ReportRun`] (or
//!   a [`RulesRun`]), in one instance per plugin kept from site to site
//!   (from batch to batch) until a call fails;
//! - caches compiled plugins on disk and only loads compiled code it wrote
//!   itself;
//! - checks everything a plugin returns, and masks small counts in it.
//!
//! Every failure is a [`PluginError`] naming the plugin and what happened;
//! the host and the other plugins carry on.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use em_plugin_host::{HostConfig, PluginHost, SiteTables};
//! let mut host = PluginHost::new(HostConfig::with_cache("target/plugin-cache"))?;
//! for failure in host.load_manifest("plugins/plugins.toml".as_ref())?.failed {
//!     eprintln!("plugin left out: {failure}");
//! }
//! let tables = SiteTables {
//!     site: "troyes".into(),
//!     period_start: jiff::civil::date(2024, 1, 1),
//!     period_end: jiff::civil::date(2024, 12, 31),
//!     small_count_threshold: 5,
//!     tables: Vec::new(),
//! };
//! match host.run_report("youth-report", &tables) {
//!     Ok(document) => println!("{}", document.title),
//!     Err(error) => eprintln!("{error}"),
//! }
//! # Ok(()) }
//! ```

mod activity;
mod bindings;
mod cache;
mod config;
mod convert;
mod document;
mod error;
mod findings;
pub mod fuzzing;
mod host;
#[cfg(feature = "import")]
mod import;
mod manifest;
mod sandbox;

pub use bindings::INTERFACE_VERSION;
pub use config::{HostConfig, Limits};
pub use document::{OutputError, OutputRules, OutputViolation};
pub use em_core::report::Document;
pub use error::{HostError, Phase, PluginError};
pub use findings::{Finding, Severity};
pub use host::{
    DEFAULT_TICK, LoadOutcome, PluginHost, PluginInfo, ReportRun, RulesRun, Run, SiteTables,
};
#[cfg(feature = "import")]
pub use import::RulesCheck;
pub use manifest::{
    LoadFailure, Manifest, ManifestError, PluginEntry, PluginKind, Violation, is_plugin_name,
    parse_sha256,
};
