//! The sites' plugins through the `em` command: the example plugins are
//! built for `wasm32-wasip2`, installed with a manifest, and run by
//! `em import` (rules) and `em report` (report sections) — a failing report
//! plugin is named and the rest of the report is complete; a rules plugin
//! that cannot load refuses the files of its sites.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

mod common;
use common::{em, repo_file, s, text};

/// The folder of the built example plugins, built on first use with the
/// same command and target folder as the plugin host's own tests.
fn built() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let target = repo_file("target/plugin-examples");
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--release", "--target", "wasm32-wasip2"])
            .arg("--manifest-path")
            .arg(repo_file("plugins/examples/Cargo.toml"))
            .arg("--target-dir")
            .arg(&target)
            .status()
            .expect("cargo runs");
        assert!(
            status.success(),
            "building the example plugins failed (`rustup target add wasm32-wasip2`?)"
        );
        target.join("wasm32-wasip2/release")
    })
}

/// Installs plugins (name, kind, crate, sites) in `dir` with their manifest.
fn install(dir: &Path, plugins: &[(&str, &str, &str, &[&str])]) -> PathBuf {
    let mut manifest = String::new();
    for (name, kind, krate, sites) in plugins {
        let bytes = fs::read(built().join(format!("{krate}.wasm"))).unwrap();
        let file = format!("{krate}.wasm");
        fs::write(dir.join(&file), &bytes).unwrap();
        let sites: Vec<String> = sites.iter().map(|s| format!("\"{s}\"")).collect();
        manifest.push_str(&format!(
            "[[plugin]]\nname = \"{name}\"\nkind = \"{kind}\"\nfile = \"{file}\"\nsha256 = \"{}\"\nsites = [{}]\ndeadline_ms = 2000\n\n",
            hex::encode(Sha256::digest(&bytes)),
            sites.join(", ")
        ));
    }
    let path = dir.join("plugins.toml");
    fs::write(&path, manifest).unwrap();
    path
}

#[test]
fn report_plugins_add_their_section_and_a_failing_one_leaves_the_rest_complete() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = install(
        dir.path(),
        &[
            ("youth-report", "report", "youth_report", &["reims"]),
            ("hostile-trap", "report", "hostile_trap", &["reims"]),
        ],
    );
    let run = em(&["plugins", "list", s(&manifest)]);
    assert!(run.status.success(), "{}", text(&run));
    assert!(text(&run).contains("youth-report"), "{}", text(&run));

    let db = common::reims_2009_db(dir.path());
    let out = dir.path().join("report");
    let run = common::report_2009(&[], &db, &out, &["--plugins", s(&manifest)]);
    // The report is written whole, and the command says at its end that a
    // plugin was left out, with exit code 3.
    let said = text(&run);
    assert_eq!(run.status.code(), Some(3), "{said}");
    assert!(said.contains("hostile-trap"), "the failing plugin is named");
    assert!(said.contains("1 plugin(s) were left out"), "{said}");
    let page = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        page.contains("moins de 26 ans"),
        "the youth section is missing"
    );
    assert!(
        page.contains("Espace métiers de Reims"),
        "the site's part is missing"
    );
}

#[test]
fn a_rules_plugin_refuses_a_file_at_import_naming_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = install(
        dir.path(),
        &[("local-rule", "rules", "local_rule", &["epernay"])],
    );
    let file = dir.path().join("epernay.csv");
    fs::write(
        &file,
        "Date;Mode de contact;Niveau de formation;Première visite;Comment a-t-il connu l'Espace métiers;Thèmes\n\
         05/01/2009;Sur place;Niveau IV (Bac);Oui;Bouche à oreille;Emploi\n\
         06/01/2009;Sur place;;Non;;Formation\n",
    )
    .unwrap();
    let db = dir.path().join("em.sqlite");
    let run = em(&[
        "import",
        s(&db),
        s(&file),
        "--site",
        "epernay",
        "--kind",
        "visit",
        "--plugins",
        s(&manifest),
    ]);
    let said = text(&run);
    assert_eq!(run.status.code(), Some(1), "{said}");
    assert!(said.contains("epernay.csv, line 3, column C"), "{said}");
    assert!(said.contains("local-rule"), "{said}");
    // Without the plugin the same file is fine.
    let run = em(&[
        "import",
        s(&db),
        s(&file),
        "--site",
        "epernay",
        "--kind",
        "visit",
    ]);
    assert!(run.status.success(), "{}", text(&run));
}

#[test]
fn a_rules_plugin_that_cannot_load_refuses_its_sites_files_only() {
    let dir = tempfile::tempdir().unwrap();
    let good = install(
        dir.path(),
        &[("local-rule", "rules", "local_rule", &["epernay"])],
    );
    let manifest_text = fs::read_to_string(&good).unwrap();
    let bad = dir.path().join("rules_bad.toml");
    let hash = manifest_text
        .lines()
        .find_map(|l| l.strip_prefix("sha256 = \""))
        .unwrap()
        .trim_end_matches('"');
    fs::write(&bad, manifest_text.replace(hash, &"0".repeat(64))).unwrap();
    let epernay = dir.path().join("ep.csv");
    fs::write(
        &epernay,
        "Date;Mode de contact;Niveau de formation;Première visite;Comment a-t-il connu l'Espace métiers;Thèmes\n\
         06/01/2009;Sur place;;Non;;Formation\n",
    )
    .unwrap();
    let reims = repo_file("examples/data/samples/visits-reims-2009.csv");
    let db = dir.path().join("e2.db");
    let run = em(&[
        "import",
        s(&db),
        "--site",
        "epernay",
        s(&epernay),
        "--site",
        "reims",
        s(&reims),
        "--kind",
        "visit",
        "--plugins",
        s(&bad),
    ]);
    let said = text(&run);
    assert_eq!(run.status.code(), Some(1), "{said}");
    assert!(
        said.contains("ep.csv: refused, nothing stored: rules plugin `local-rule` enabled for epernay could not be loaded"),
        "{said}"
    );
    assert!(said.contains("visits-reims-2009.csv: imported"), "{said}");
    // The failure is printed once, not also as a log line.
    assert_eq!(said.matches("plugin left out").count(), 1, "{said}");
    assert!(!said.contains("WARN"), "{said}");
    // Nothing of the refused file was stored: with the right manifest the
    // plugin now checks it and refuses its row.
    let run = em(&[
        "import",
        s(&db),
        s(&epernay),
        "--site",
        "epernay",
        "--kind",
        "visit",
        "--plugins",
        s(&good),
    ]);
    let said = text(&run);
    assert_eq!(run.status.code(), Some(1), "{said}");
    assert!(said.contains("ep.csv, line 2, column C"), "{said}");
    assert!(!said.contains("already imported"), "{said}");
}

#[test]
fn plugins_check_leaves_out_a_plugin_naming_a_site_not_in_the_registry_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = install(
        dir.path(),
        &[
            (
                "youth-report",
                "report",
                "youth_report",
                &["reims", "atlantis"],
            ),
            ("local-rule", "rules", "local_rule", &["epernay"]),
        ],
    );
    let run = em(&["plugins", "check", s(&manifest)]);
    let said = text(&run);
    // The other plugin of the manifest loads; the verdict counts the one
    // left out.
    assert_eq!(run.status.code(), Some(3), "{said}");
    assert!(said.contains("1 plugin(s) loaded and checked"), "{said}");
    assert!(said.contains("1 plugin(s) failed their check"), "{said}");
    assert!(
        said.contains("plugins.toml:6:") && said.contains("plugin[0].sites[1]"),
        "{said}"
    );
    assert!(
        said.contains("`atlantis` is not a site of the registry"),
        "{said}"
    );
}

#[test]
fn plugins_check_exits_non_zero_when_a_plugin_fails_its_check() {
    let dir = tempfile::tempdir().unwrap();
    let good = install(
        dir.path(),
        &[("youth-report", "report", "youth_report", &["reims"])],
    );
    let run = em(&["plugins", "check", s(&good)]);
    assert!(run.status.success(), "{}", text(&run));
    assert!(
        text(&run).contains("1 plugin(s) loaded and checked"),
        "{}",
        text(&run)
    );

    let mixed = install(
        dir.path(),
        &[
            ("youth-report", "report", "youth_report", &["reims"]),
            ("future", "report", "hostile_other_version", &["reims"]),
        ],
    );
    let run = em(&["plugins", "check", s(&mixed)]);
    assert_eq!(run.status.code(), Some(3), "{}", text(&run));
    let said = text(&run);
    // The plugin that loaded is listed; the one that failed is named with
    // both interface versions, and the verdict counts it.
    assert!(said.contains("youth-report"), "{said}");
    assert!(
        said.contains("future") && said.contains("0.2.0") && said.contains("0.1.0"),
        "{said}"
    );
    assert!(said.contains("1 plugin(s) failed their check"), "{said}");
    assert_eq!(said.matches("plugin left out").count(), 1, "{said}");
    // Listing is not checking: the same manifest lists what loaded.
    let run = em(&["plugins", "list", s(&mixed)]);
    assert!(run.status.success(), "{}", text(&run));
}

#[test]
fn em_demo_with_failing_plugins_writes_the_rest_and_exits_3_naming_each() {
    let dir = tempfile::tempdir().unwrap();
    let plugins = dir.path().join("plugins");
    fs::create_dir(&plugins).unwrap();
    let manifest = install(
        &plugins,
        &[
            ("youth-report", "report", "youth_report", &["troyes"]),
            // Traps when it renders: its section is left out.
            ("hostile-trap", "report", "hostile_trap", &["sedan"]),
            // Names a site the registry does not know: left out at load,
            // and the files of its known site (Épernay) are refused rather
            // than stored unchecked.
            (
                "local-rule",
                "rules",
                "local_rule",
                &["epernay", "atlantis"],
            ),
        ],
    );
    let out = dir.path().join("demo");
    let run = em(&["demo", "--out", s(&out), "--plugins", s(&manifest)]);
    let said = text(&run);
    assert_eq!(run.status.code(), Some(3), "{said}");
    // Each failing plugin is named, the unknown site with its manifest line.
    assert!(
        said.contains("plugins.toml:22:") && said.contains("`atlantis` is not a site"),
        "{said}"
    );
    assert!(
        said.contains("plugin `hostile-trap` for sedan left out"),
        "{said}"
    );
    assert!(
        said.contains("1 plugin(s) could not be loaded, 1 plugin run(s) failed"),
        "{said}"
    );
    // Everything else is written: the report with the working plugin's
    // section, its JSON and CSV tables, and the governance page.
    let page = fs::read_to_string(out.join("report/index.html")).unwrap();
    assert!(
        page.contains("moins de 26 ans"),
        "the youth section is missing"
    );
    assert!(
        page.contains("Espace métiers de Troyes"),
        "Troyes' part is missing"
    );
    for file in [
        "report/report.json",
        "report/governance.html",
        "em-demo.sqlite",
    ] {
        assert!(out.join(file).is_file(), "{file} was not written");
    }
}
