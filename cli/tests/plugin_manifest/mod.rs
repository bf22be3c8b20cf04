//! What the plugin manifest parser promises of any text, shared by the
//! `plugin_manifest` fuzz target and the replay of its corpus
//! (`cli/tests/plugin_manifest_corpus.rs`): a manifest of checked plugins,
//! or every violation with its line, column, field and reason — never a
//! panic.

use std::path::Path;
use std::time::Duration;

use em_plugin_host::{Limits, Manifest, is_plugin_name};

/// The folder the manifest's files are resolved against; nothing is read
/// from it, since parsing does not open the plugins.
const BASE: &str = "/nonexistent-manifest-folder";

/// Parses `data` as a manifest and checks the result.
pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let defaults = Limits::default();
    match Manifest::parse(text, Path::new(BASE), defaults) {
        Ok(manifest) => {
            let lines = text.lines().count().max(1);
            let mut names = Vec::new();
            for plugin in &manifest.plugins {
                assert!(is_plugin_name(&plugin.name), "{:?}", plugin.name);
                assert!(!names.contains(&plugin.name), "{} twice", plugin.name);
                names.push(plugin.name.clone());
                assert!(!plugin.sites.is_empty(), "{} has no site", plugin.name);
                assert!(plugin.sites.iter().all(|s| !s.trim().is_empty()));
                assert!((1..=lines).contains(&plugin.line), "line {}", plugin.line);
                assert!(plugin.file.starts_with(BASE) || plugin.file.is_absolute());
                // The bounds the manifest may set: 4 GiB of memory, a
                // minute per call, 64 MiB of output.
                let limits = plugin.limits;
                assert!(limits.memory_bytes >= 1 << 20 || limits == defaults);
                assert!(limits.memory_bytes <= 4096 << 20);
                assert!(limits.deadline <= Duration::from_secs(60));
                assert!(limits.deadline >= Duration::from_millis(1));
                assert!(limits.output_bytes <= (64 * 1024) << 10);
            }
        }
        Err(violations) => {
            assert!(!violations.is_empty(), "refused without a violation");
            let lines = text.lines().count().max(1);
            for v in &violations {
                assert!(!v.reason.is_empty(), "a violation without a reason: {v}");
                assert!(!v.field.is_empty(), "a violation without a field: {v}");
                assert!(
                    (1..=lines + 1).contains(&v.line),
                    "line {} of {lines}: {v}",
                    v.line
                );
                assert!(v.column >= 1, "{v}");
            }
        }
    }
}
