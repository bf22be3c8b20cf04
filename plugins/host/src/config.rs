//! How the host is set up: where compiled code is cached, and the limits a
//! plugin gets when its manifest entry does not set its own.

use std::path::PathBuf;
use std::time::Duration;

/// What one plugin may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most linear memory the plugin may hold, in bytes.
    pub memory_bytes: u64,
    /// The wall-clock time one call may take, instantiation included.
    pub deadline: Duration,
    /// The most a plugin may return (a document or findings), counted as
    /// the bytes of its text plus eight per number.
    pub output_bytes: u64,
}

impl Default for Limits {
    /// 64 MiB of memory, one second per call, 1 MiB of output.
    fn default() -> Self {
        Limits {
            memory_bytes: 64 << 20,
            deadline: Duration::from_secs(1),
            output_bytes: 1 << 20,
        }
    }
}

/// The host's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostConfig {
    /// Folder of compiled plugins; `None` compiles every plugin at load.
    pub cache_dir: Option<PathBuf>,
    /// File holding the key that authenticates the cache's artifacts.
    /// `None` keeps it as `host.key` in the cache folder. Keeping it
    /// elsewhere means that someone who can write the cache folder cannot
    /// forge an artifact even by reading that folder.
    pub cache_key_file: Option<PathBuf>,
    /// Limits of a plugin whose manifest entry sets none.
    pub defaults: Limits,
    /// How often the deadline clock ticks: deadlines are enforced to within
    /// one tick.
    pub tick: Duration,
}

impl Default for HostConfig {
    fn default() -> Self {
        HostConfig {
            cache_dir: None,
            cache_key_file: None,
            defaults: Limits::default(),
            tick: Duration::from_millis(10),
        }
    }
}

impl HostConfig {
    /// The default settings with compiled code cached in `dir`.
    pub fn with_cache(dir: impl Into<PathBuf>) -> Self {
        HostConfig {
            cache_dir: Some(dir.into()),
            ..HostConfig::default()
        }
    }
}
