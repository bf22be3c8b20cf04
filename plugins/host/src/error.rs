//! What can go wrong with a plugin, each case naming the plugin and what
//! happened, so a report can print it in place of the plugin's section and
//! go on with the others.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::document::OutputViolation;
use crate::manifest::{PluginKind, Violation};

/// The moment of a plugin's life a failure happened in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Compiling the component, or reading it back from the cache.
    Compilation,
    /// Creating the instance, its memory and running its start-up code.
    Instantiation,
    /// The call to `describe`.
    Describe,
    /// The call to `render` of a report plugin.
    Render,
    /// The call to `check` of a rules plugin.
    Check,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Compilation => "compilation",
            Phase::Instantiation => "instantiation",
            Phase::Describe => "describe",
            Phase::Render => "render",
            Phase::Check => "check",
        })
    }
}

/// A plugin failed; the host and the other plugins are unaffected.
#[derive(Debug, thiserror::Error)]
pub enum PluginError {
    /// No plugin of that name was loaded.
    #[error("plugin `{plugin}` is not loaded (is it in the manifest, and did it load?)")]
    Unknown { plugin: String },

    /// The manifest enables the plugin for sites the registry does not
    /// know; it is left out rather than enabled for no one.
    #[error(
        "plugin `{plugin}`: {}",
        violations
            .iter()
            .map(|v| format!("{} (line {}, column {}): {}", v.field, v.line, v.column, v.reason))
            .collect::<Vec<_>>()
            .join("; ")
    )]
    UnknownSite {
        plugin: String,
        violations: Vec<Violation>,
    },

    /// The plugin's file could not be read.
    #[error("plugin `{plugin}`: cannot read {}: {source}", path.display())]
    Io {
        plugin: String,
        path: PathBuf,
        source: std::io::Error,
    },

    /// The file is not the one the manifest pins.
    #[error(
        "plugin `{plugin}`: {} has SHA-256 {actual} but the manifest pins {expected}; \
         the file was changed after it was installed",
        path.display()
    )]
    HashMismatch {
        plugin: String,
        path: PathBuf,
        expected: String,
        actual: String,
    },

    /// The file is not a WebAssembly component this engine can compile, or
    /// a cached artifact could not be read back.
    #[error("plugin `{plugin}`: {} is not a valid WebAssembly component: {reason}", path.display())]
    Corrupt {
        plugin: String,
        path: PathBuf,
        reason: String,
    },

    /// A cached compiled artifact was not written by this host.
    #[error(
        "plugin `{plugin}`: the cached compiled code {} was not written by this host \
         (its authentication code does not match), so it was not loaded; it was moved \
         to {} and the plugin will be compiled again on the next load",
        path.display(),
        set_aside.display()
    )]
    Tampered {
        plugin: String,
        path: PathBuf,
        set_aside: PathBuf,
    },

    /// The code cache could not be written or read.
    #[error("plugin `{plugin}`: code cache {}: {source}", path.display())]
    Cache {
        plugin: String,
        path: PathBuf,
        source: std::io::Error,
    },

    /// The plugin was built for an interface version this host does not
    /// speak.
    #[error(
        "plugin `{plugin}` was built for interface version {plugin_version}, \
         this host speaks {host_version}"
    )]
    InterfaceVersion {
        plugin: String,
        plugin_version: String,
        host_version: String,
    },

    /// The component does not export the interface of its kind.
    #[error(
        "plugin `{plugin}` is declared as a {expected} plugin but does not export \
         `{wanted}`; it exports: {}",
        if found.is_empty() { "nothing".to_owned() } else { found.join(", ") }
    )]
    WrongWorld {
        plugin: String,
        expected: PluginKind,
        wanted: String,
        found: Vec<String>,
    },

    /// The plugin's self-description contradicts its manifest entry.
    #[error("plugin `{plugin}`: {reason}")]
    Description { plugin: String, reason: String },

    /// The plugin was asked to run as the other kind.
    #[error("plugin `{plugin}` is a {actual} plugin, not a {asked} plugin")]
    WrongKind {
        plugin: String,
        actual: PluginKind,
        asked: PluginKind,
    },

    /// The manifest does not enable the plugin for that site.
    #[error("plugin `{plugin}` is not enabled for site `{site}` in the manifest")]
    NotEnabled { plugin: String, site: String },

    /// The plugin ran into a WebAssembly trap (a panic, an out-of-bounds
    /// access, `unreachable`...).
    #[error("plugin `{plugin}` crashed during {phase}: {message}")]
    Trap {
        plugin: String,
        phase: Phase,
        message: String,
    },

    /// The plugin called an import the host does not give (a file, a
    /// socket, a clock...).
    #[error(
        "plugin `{plugin}` called `{import}` during {phase}, which the host does not \
         give to plugins"
    )]
    Forbidden {
        plugin: String,
        phase: Phase,
        import: String,
    },

    /// The plugin ran past its wall-clock deadline and was stopped.
    #[error(
        "plugin `{plugin}` ran past its deadline of {deadline:?} during {phase} and was stopped"
    )]
    Timeout {
        plugin: String,
        phase: Phase,
        deadline: Duration,
    },

    /// The plugin tried to grow its memory past its cap.
    #[error(
        "plugin `{plugin}` asked for {requested} bytes of memory during {phase}, \
         past its cap of {cap} bytes"
    )]
    MemoryCap {
        plugin: String,
        phase: Phase,
        requested: u64,
        cap: u64,
    },

    /// The plugin returned more than its output limit.
    #[error("plugin `{plugin}` returned about {size} bytes, past its limit of {limit} bytes")]
    OutputTooLarge {
        plugin: String,
        size: u64,
        limit: u64,
    },

    /// The plugin returned a malformed document or malformed findings.
    #[error(
        "plugin `{plugin}` returned invalid output: {}",
        violations.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    )]
    InvalidOutput {
        plugin: String,
        violations: Vec<OutputViolation>,
    },

    /// The plugin declined, with its own sentence.
    #[error("plugin `{plugin}` declined: {message}")]
    Refused { plugin: String, message: String },

    /// The engine failed for a reason none of the above names.
    #[error("plugin `{plugin}`: engine failure during {phase}: {message}")]
    Engine {
        plugin: String,
        phase: Phase,
        message: String,
    },
}

impl PluginError {
    /// The name of the plugin the error is about.
    pub fn plugin(&self) -> &str {
        match self {
            PluginError::Unknown { plugin }
            | PluginError::UnknownSite { plugin, .. }
            | PluginError::Io { plugin, .. }
            | PluginError::HashMismatch { plugin, .. }
            | PluginError::Corrupt { plugin, .. }
            | PluginError::Tampered { plugin, .. }
            | PluginError::Cache { plugin, .. }
            | PluginError::InterfaceVersion { plugin, .. }
            | PluginError::WrongWorld { plugin, .. }
            | PluginError::Description { plugin, .. }
            | PluginError::WrongKind { plugin, .. }
            | PluginError::NotEnabled { plugin, .. }
            | PluginError::Trap { plugin, .. }
            | PluginError::Forbidden { plugin, .. }
            | PluginError::Timeout { plugin, .. }
            | PluginError::MemoryCap { plugin, .. }
            | PluginError::OutputTooLarge { plugin, .. }
            | PluginError::InvalidOutput { plugin, .. }
            | PluginError::Refused { plugin, .. }
            | PluginError::Engine { plugin, .. } => plugin,
        }
    }
}

/// The host itself could not start.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// The WebAssembly engine refused its configuration.
    #[error("cannot configure the WebAssembly engine: {0}")]
    Engine(String),
    /// The code cache folder or its key could not be set up.
    #[error("code cache {}: {source}", path.display())]
    Cache {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The cache key file exists but is not a key this host wrote.
    #[error("code cache key {} must hold exactly 32 bytes, it holds {len}", path.display())]
    CacheKey { path: PathBuf, len: usize },
    /// The clock thread that enforces deadlines could not start.
    #[error("cannot start the deadline thread: {0}")]
    Ticker(std::io::Error),
}
