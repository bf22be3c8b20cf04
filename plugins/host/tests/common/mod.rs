//! Shared by the host's integration tests: builds the example and hostile
//! plugins for `wasm32-wasip2` (once per test binary), and installs them
//! with a manifest in a temporary folder.

#![allow(dead_code)] // Each test binary uses its own part of this module.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use em_core::report::{Cell, Column, Row, Table};
use em_plugin_host::{HostConfig, PluginHost, SiteTables};
use sha2::{Digest, Sha256};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The folder holding the built plugins, building them on first use.
pub fn built() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let target = workspace().join("target/plugin-examples");
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--release", "--target", "wasm32-wasip2"])
            .arg("--manifest-path")
            .arg(workspace().join("plugins/examples/Cargo.toml"))
            .arg("--target-dir")
            .arg(&target)
            .status()
            .expect("cargo runs");
        assert!(
            status.success(),
            "building the example plugins failed (is the wasm32-wasip2 target installed? \
             `rustup target add wasm32-wasip2`)"
        );
        target.join("wasm32-wasip2/release")
    })
}

/// The bytes of a built plugin, by crate name (`youth_report`).
pub fn wasm(crate_name: &str) -> Vec<u8> {
    let path = built().join(format!("{crate_name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The plugin that loops in its start function, assembled from its text.
pub fn loop_at_start() -> Vec<u8> {
    let path = workspace().join("plugins/examples/hostile-loop-at-start/component.wat");
    wat::parse_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One plugin to install.
pub struct Plugin<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub bytes: Vec<u8>,
    pub sites: &'a [&'a str],
    /// Extra manifest lines (`memory_mib = 16`).
    pub extra: &'a str,
}

impl<'a> Plugin<'a> {
    pub fn report(name: &'a str, bytes: Vec<u8>) -> Self {
        Plugin {
            name,
            kind: "report",
            bytes,
            sites: &["troyes"],
            extra: "",
        }
    }
}

/// Writes the plugins and their manifest into `dir`; returns the
/// manifest's path.
pub fn install(dir: &Path, plugins: &[Plugin<'_>]) -> PathBuf {
    let mut manifest = String::new();
    for p in plugins {
        let file = format!("{}.wasm", p.name);
        std::fs::write(dir.join(&file), &p.bytes).unwrap();
        let sites: Vec<String> = p.sites.iter().map(|s| format!("\"{s}\"")).collect();
        manifest += &format!(
            "[[plugin]]\nname = \"{}\"\nkind = \"{}\"\nfile = \"{file}\"\nsha256 = \"{}\"\n\
             sites = [{}]\n{}\n\n",
            p.name,
            p.kind,
            hex::encode(Sha256::digest(&p.bytes)),
            sites.join(", "),
            p.extra
        );
    }
    let path = dir.join("plugins.toml");
    std::fs::write(&path, manifest).unwrap();
    path
}

/// A host with its cache in `dir/cache`.
pub fn host(dir: &Path) -> PluginHost {
    PluginHost::new(HostConfig::with_cache(dir.join("cache"))).unwrap()
}

fn table(id: &str, rows: &[(&str, &str, Cell)]) -> Table {
    Table {
        id: id.to_owned(),
        title: id.to_owned(),
        columns: vec![Column {
            id: "visits".to_owned(),
            label: "Visites".to_owned(),
        }],
        rows: rows
            .iter()
            .map(|(code, label, cell)| Row {
                code: Some((*code).to_owned()),
                label: (*label).to_owned(),
                cells: vec![cell.clone()],
            })
            .collect(),
        note: None,
    }
}

/// The tables of one year at Troyes, with one masked count.
pub fn troyes() -> SiteTables {
    SiteTables {
        site: "troyes".to_owned(),
        period_start: jiff::civil::date(2024, 1, 1),
        period_end: jiff::civil::date(2024, 12, 31),
        small_count_threshold: 5,
        tables: vec![
            table(
                "visits_by_age_band",
                &[
                    ("under_16", "Moins de 16 ans", Cell::Count(12)),
                    ("16_17", "16-17 ans", Cell::Masked),
                    ("18_25", "18-25 ans", Cell::Count(214)),
                    ("26_34", "26-34 ans", Cell::Count(198)),
                    ("55_plus", "55 ans et plus", Cell::Count(47)),
                ],
            ),
            table(
                "visits_by_arrival_channel",
                &[
                    (
                        "mission_locale",
                        "Orientée par la Mission locale",
                        Cell::Count(96),
                    ),
                    ("school", "Établissement scolaire, CIO", Cell::Count(58)),
                ],
            ),
            table(
                "visits_by_status",
                &[("job_seeker", "Demandeur d'emploi", Cell::Count(402))],
            ),
        ],
    }
}
