//! The manifest: which plugins a host loads, each pinned by the SHA-256 of
//! its file, with the sites it is enabled for and its own limits.
//!
//! ```toml
//! [[plugin]]
//! name = "youth-report"
//! kind = "report"
//! file = "youth_report.wasm"          # relative to the manifest
//! sha256 = "3f5a…"                    # 64 hex digits
//! sites = ["troyes", "romilly-sur-seine"]
//! memory_mib = 32                     # optional, default 64
//! deadline_ms = 500                   # optional, default 1000
//! output_kib = 512                    # optional, default 1024
//! ```
//!
//! [`Manifest::parse`] returns every violation at once, each with its line,
//! column and field.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use crate::config::Limits;
use crate::error::PluginError;

/// Which world a plugin implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PluginKind {
    /// World `report`: adds a section to the activity report.
    Report,
    /// World `rules`: checks visits at import.
    Rules,
}

impl fmt::Display for PluginKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PluginKind::Report => "report",
            PluginKind::Rules => "rules",
        })
    }
}

/// One plugin of the manifest, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginEntry {
    /// The plugin's name; its `describe` must give the same.
    pub name: String,
    /// Its world.
    pub kind: PluginKind,
    /// Its file, resolved against the manifest's folder.
    pub file: PathBuf,
    /// The SHA-256 the file must have.
    pub sha256: [u8; 32],
    /// The sites (registry identifiers) it is enabled for.
    pub sites: Vec<String>,
    /// What it may use.
    pub limits: Limits,
    /// The line of its `name` in the manifest (1-based), for messages that
    /// send the reader to its entry.
    pub line: usize,
}

/// A checked manifest.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Manifest {
    /// The plugins, in the manifest's order.
    pub plugins: Vec<PluginEntry>,
}

/// One problem in a manifest, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The field, e.g. `plugin[1].sha256`.
    pub field: String,
    /// Why it is wrong.
    pub reason: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.line, self.column, self.field, self.reason
        )
    }
}

/// A manifest could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file could not be read.
    #[error("cannot read plugin manifest {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file has problems; every one is listed.
    #[error(
        "plugin manifest {} has {} problem(s):\n{}",
        path.display(),
        violations.len(),
        violations.iter().map(|v| format!("  {}:{v}", path.display())).collect::<Vec<_>>().join("\n")
    )]
    Invalid {
        path: PathBuf,
        violations: Vec<Violation>,
    },
}

/// A plugin of a manifest that was left out, with the place in the
/// manifest a reader should look at: the site the registry does not know,
/// or else the plugin's name.
#[derive(Debug)]
pub struct LoadFailure {
    /// The manifest that lists the plugin.
    pub manifest: PathBuf,
    /// The plugin's entry.
    pub entry: PluginEntry,
    /// 1-based line in the manifest.
    pub line: usize,
    /// What went wrong; it names the plugin.
    pub error: PluginError,
}

impl fmt::Display for LoadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.manifest.display(),
            self.line,
            self.error
        )
    }
}

/// An entry whose sites the registry does not all know, with one violation
/// per unknown site.
struct UnknownSites {
    entry: PluginEntry,
    violations: Vec<Violation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    #[serde(default)]
    plugin: Vec<Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    name: Spanned<String>,
    kind: Spanned<PluginKind>,
    file: Spanned<String>,
    sha256: Spanned<String>,
    sites: Spanned<Vec<Spanned<String>>>,
    memory_mib: Option<Spanned<u64>>,
    deadline_ms: Option<Spanned<u64>>,
    output_kib: Option<Spanned<u64>>,
}

/// Bounds that keep a manifest from giving a plugin the whole machine.
const MAX_MEMORY_MIB: u64 = 4096;
const MAX_DEADLINE_MS: u64 = 60_000;
const MAX_OUTPUT_KIB: u64 = 64 * 1024;

impl Manifest {
    /// Reads and checks the manifest at `path`; files are resolved against
    /// its folder.
    pub fn load(path: &Path, defaults: Limits) -> Result<Manifest, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Io {
            path: path.to_owned(),
            source,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Manifest::parse(&text, base, defaults).map_err(|violations| ManifestError::Invalid {
            path: path.to_owned(),
            violations,
        })
    }

    /// Reads and checks the manifest at `path` like [`Manifest::load`], and
    /// checks each plugin's sites against `known_sites` (the registry's).
    ///
    /// A plugin that names a site the registry does not know is left out,
    /// as a [`LoadFailure`] whose error lists every such site with its line,
    /// column and field, rather than enabled for no one; the manifest's
    /// other plugins are kept. A site can leave the registry while the
    /// manifests that name it stay on disk, and that should not cost the
    /// other sites their plugins. Any other problem refuses the manifest.
    pub fn load_for_sites(
        path: &Path,
        defaults: Limits,
        known_sites: &[&str],
    ) -> Result<(Manifest, Vec<LoadFailure>), ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Io {
            path: path.to_owned(),
            source,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let (manifest, unknown) = Manifest::parse_checked(&text, base, defaults, Some(known_sites))
            .map_err(|violations| ManifestError::Invalid {
                path: path.to_owned(),
                violations,
            })?;
        let failures = unknown
            .into_iter()
            .map(|u| LoadFailure {
                manifest: path.to_owned(),
                line: u.violations.first().map_or(u.entry.line, |v| v.line),
                error: PluginError::UnknownSite {
                    plugin: u.entry.name.clone(),
                    violations: u.violations,
                },
                entry: u.entry,
            })
            .collect();
        Ok((manifest, failures))
    }

    /// Checks manifest text; relative files are resolved against `base`.
    /// Returns every violation found.
    pub fn parse(text: &str, base: &Path, defaults: Limits) -> Result<Manifest, Vec<Violation>> {
        Manifest::parse_checked(text, base, defaults, None).map(|(manifest, _)| manifest)
    }

    fn parse_checked(
        text: &str,
        base: &Path,
        defaults: Limits,
        known_sites: Option<&[&str]>,
    ) -> Result<(Manifest, Vec<UnknownSites>), Vec<Violation>> {
        let at = |span: std::ops::Range<usize>, field: String, reason: String| {
            let (line, column) = line_column(text, span.start);
            Violation {
                line,
                column,
                field,
                reason,
            }
        };
        let raw: RawManifest = toml::from_str(text).map_err(|e| {
            vec![at(
                e.span().unwrap_or(0..0),
                "manifest".to_owned(),
                e.message().trim().to_owned(),
            )]
        })?;

        let mut violations = Vec::new();
        let mut plugins = Vec::new();
        let mut unknown = Vec::new();
        let mut first_seen: BTreeMap<String, usize> = BTreeMap::new();
        for (i, entry) in raw.plugin.into_iter().enumerate() {
            let entry = entry.into_inner();
            let field = |name: &str| format!("plugin[{i}].{name}");

            let name = entry.name.get_ref();
            if !is_plugin_name(name) {
                violations.push(at(
                    entry.name.span(),
                    field("name"),
                    format!(
                        "`{name}` is not a plugin name: use 1 to 64 lowercase letters, digits \
                         and dashes, starting with a letter"
                    ),
                ));
            } else if let Some(first) = first_seen.insert(name.clone(), i) {
                violations.push(at(
                    entry.name.span(),
                    field("name"),
                    format!("`{name}` is already the name of plugin[{first}]"),
                ));
            }

            let sha256 = match parse_sha256(entry.sha256.get_ref()) {
                Some(hash) => hash,
                None => {
                    violations.push(at(
                        entry.sha256.span(),
                        field("sha256"),
                        "expected 64 hexadecimal digits (the output of `sha256sum`)".to_owned(),
                    ));
                    [0; 32]
                }
            };

            if entry.file.get_ref().trim().is_empty() {
                violations.push(at(
                    entry.file.span(),
                    field("file"),
                    "the plugin's file is empty".to_owned(),
                ));
            }

            if entry.sites.get_ref().is_empty() {
                violations.push(at(
                    entry.sites.span(),
                    field("sites"),
                    "list at least one site the plugin is enabled for".to_owned(),
                ));
            }
            let mut sites = Vec::new();
            let mut unknown_sites = Vec::new();
            for (j, site) in entry.sites.get_ref().iter().enumerate() {
                if site.get_ref().trim().is_empty() {
                    violations.push(at(
                        site.span(),
                        format!("plugin[{i}].sites[{j}]"),
                        "a site identifier cannot be empty".to_owned(),
                    ));
                } else if let Some(known) =
                    known_sites.filter(|known| !known.contains(&site.get_ref().as_str()))
                {
                    unknown_sites.push(at(
                        site.span(),
                        format!("plugin[{i}].sites[{j}]"),
                        format!(
                            "`{}` is not a site of the registry; the sites are: {}",
                            site.get_ref(),
                            known.join(", ")
                        ),
                    ));
                } else if sites.contains(site.get_ref()) {
                    violations.push(at(
                        site.span(),
                        format!("plugin[{i}].sites[{j}]"),
                        format!("site `{}` is listed twice", site.get_ref()),
                    ));
                } else {
                    sites.push(site.get_ref().clone());
                }
            }

            let mut bounded = |value: &Option<Spanned<u64>>, name: &str, max: u64, unit: &str| {
                let value = value.as_ref()?;
                let v = *value.get_ref();
                if v == 0 || v > max {
                    violations.push(at(
                        value.span(),
                        field(name),
                        format!("{v} is out of range: use 1 to {max} {unit}"),
                    ));
                    None
                } else {
                    Some(v)
                }
            };
            let memory = bounded(&entry.memory_mib, "memory_mib", MAX_MEMORY_MIB, "MiB");
            let deadline = bounded(&entry.deadline_ms, "deadline_ms", MAX_DEADLINE_MS, "ms");
            let output = bounded(&entry.output_kib, "output_kib", MAX_OUTPUT_KIB, "KiB");
            let limits = Limits {
                memory_bytes: memory.map_or(defaults.memory_bytes, |m| m << 20),
                deadline: deadline.map_or(defaults.deadline, Duration::from_millis),
                output_bytes: output.map_or(defaults.output_bytes, |k| k << 10),
            };

            let plugin = PluginEntry {
                name: name.clone(),
                kind: *entry.kind.get_ref(),
                file: base.join(entry.file.get_ref()),
                sha256,
                sites,
                limits,
                line: line_column(text, entry.name.span().start).0,
            };
            if unknown_sites.is_empty() {
                plugins.push(plugin);
            } else {
                unknown.push(UnknownSites {
                    entry: plugin,
                    violations: unknown_sites,
                });
            }
        }

        if violations.is_empty() {
            Ok((Manifest { plugins }, unknown))
        } else {
            // A manifest refused for its own problems names the unknown
            // sites too, so that one pass fixes everything.
            violations.extend(unknown.into_iter().flat_map(|u| u.violations));
            Err(violations)
        }
    }
}

/// Whether `name` is a plugin name: what the CLI and the reports print.
pub fn is_plugin_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= 64
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The 32 bytes of a SHA-256 written in hexadecimal, either case.
pub fn parse_sha256(text: &str) -> Option<[u8; 32]> {
    let mut hash = [0; 32];
    hex::decode_to_slice(text.trim(), &mut hash).ok()?;
    Some(hash)
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    fn check(text: &str, expected: &[(usize, usize, &str)]) {
        let got = Manifest::parse(text, Path::new("base"), Limits::default());
        let got: Vec<(usize, usize, String)> = match got {
            Ok(_) => Vec::new(),
            Err(v) => v.into_iter().map(|v| (v.line, v.column, v.field)).collect(),
        };
        let expected: Vec<(usize, usize, String)> = expected
            .iter()
            .map(|(l, c, f)| (*l, *c, (*f).to_owned()))
            .collect();
        assert_eq!(got, expected, "for manifest:\n{text}");
    }

    #[test]
    fn a_valid_entry_resolves_its_file_and_limits() {
        let text = format!(
            "[[plugin]]\nname = \"youth-report\"\nkind = \"report\"\nfile = \"y.wasm\"\n\
             sha256 = \"{HASH}\"\nsites = [\"troyes\"]\nmemory_mib = 16\n"
        );
        let m = Manifest::parse(&text, Path::new("base"), Limits::default()).unwrap();
        let p = &m.plugins[0];
        assert_eq!(p.file, Path::new("base/y.wasm"));
        assert_eq!(p.limits.memory_bytes, 16 << 20);
        assert_eq!(p.limits.deadline, Duration::from_secs(1));
        assert_eq!(p.sites, ["troyes"]);
        assert_eq!(p.sha256[1], 0x11);
    }

    #[test]
    fn every_violation_is_reported_with_its_place() {
        let text = format!(
            "[[plugin]]\nname = \"Bad Name\"\nkind = \"report\"\nfile = \"\"\n\
             sha256 = \"xyz\"\nsites = []\ndeadline_ms = 0\n\
             [[plugin]]\nname = \"ok\"\nkind = \"rules\"\nfile = \"a.wasm\"\n\
             sha256 = \"{HASH}\"\nsites = [\"sedan\", \"sedan\"]\nmemory_mib = 100000\n\
             [[plugin]]\nname = \"ok\"\nkind = \"rules\"\nfile = \"b.wasm\"\n\
             sha256 = \"{HASH}\"\nsites = [\"sedan\"]\n"
        );
        check(
            &text,
            &[
                (2, 8, "plugin[0].name"),
                (5, 10, "plugin[0].sha256"),
                (4, 8, "plugin[0].file"),
                (6, 9, "plugin[0].sites"),
                (7, 15, "plugin[0].deadline_ms"),
                (13, 19, "plugin[1].sites[1]"),
                (14, 14, "plugin[1].memory_mib"),
                (16, 8, "plugin[2].name"),
            ],
        );
    }

    #[test]
    fn a_site_outside_the_known_ones_is_refused_with_its_place() {
        let text = format!(
            "[[plugin]]\nname = \"a\"\nkind = \"rules\"\nfile = \"a\"\nsha256 = \"{HASH}\"\n\
             sites = [\"reims\", \"atlantis\"]\n"
        );
        let (manifest, unknown) =
            Manifest::parse_checked(&text, Path::new("."), Limits::default(), Some(&["reims"]))
                .unwrap();
        // The plugin is left out, alone: the manifest itself is fine.
        assert!(manifest.plugins.is_empty());
        let [UnknownSites { entry, violations }] = &unknown[..] else {
            panic!("one plugin left out");
        };
        assert_eq!((entry.name.as_str(), entry.line), ("a", 2));
        assert_eq!(entry.sites, ["reims"]);
        let found: Vec<_> = violations
            .iter()
            .map(|v| (v.line, v.column, v.field.as_str()))
            .collect();
        assert_eq!(found, [(6, 19, "plugin[0].sites[1]")]);
        assert!(violations[0].reason.contains("`atlantis` is not a site"));
        // Without a list of known sites any site is taken.
        assert!(Manifest::parse(&text, Path::new("."), Limits::default()).is_ok());
    }

    #[test]
    fn syntax_and_unknown_fields_are_placed() {
        check("[[plugin]]\nname = \n", &[(2, 8, "manifest")]);
        check(
            &format!(
                "[[plugin]]\nname = \"a\"\nkind = \"report\"\nfile = \"a\"\nsha256 = \"{HASH}\"\n\
                 sites = [\"x\"]\nsite = \"typo\"\n"
            ),
            &[(7, 1, "manifest")],
        );
        check(
            "[[plugin]]\nname = \"a\"\nkind = \"macro\"\n",
            &[(3, 8, "manifest")],
        );
    }

    #[test]
    fn an_empty_manifest_loads_no_plugin() {
        assert_eq!(
            Manifest::parse("", Path::new("."), Limits::default()),
            Ok(Manifest::default())
        );
    }
}
