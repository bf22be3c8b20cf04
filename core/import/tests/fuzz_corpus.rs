//! The fuzz targets' regression corpus (`fuzz/corpus/<target>/`), run as
//! plain tests: every hostile input gives a report or an error — never a
//! panic, never a partial import. This is the gate while `cargo fuzz`
//! (which needs a nightly toolchain) cannot run here.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use em_import::Format;
use em_import::fuzzing::{import_once, ruleset_and_mapping};

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 5, "the {target} corpus is missing");
    files
}

/// Runs `run` on every input, collecting the inputs that broke a promise.
fn check_all(inputs: Vec<(String, Vec<u8>)>, run: impl Fn(&[u8])) {
    let mut failures = Vec::new();
    for (name, bytes) in &inputs {
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| run(bytes))) {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            failures.push(format!("{name}: {message}"));
        }
    }
    assert!(
        failures.is_empty(),
        "inputs that broke a promise:\n{}",
        failures.join("\n")
    );
}

fn files(target: &str) -> Vec<(String, Vec<u8>)> {
    corpus(target)
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

#[test]
fn csv_corpus_gives_reports_never_panics_nor_partial_imports() {
    let mut inputs = files("csv_import");
    // Inputs too large to keep in the repository, made here.
    let header = "Site;Date;Référence;Mode de contact;Statut;Thèmes;Commune\n";
    inputs.push((
        "generated: a 10 MB field".into(),
        format!(
            "{header}Sedan;12/03/2009;R1;Sur place;{};Emploi;\n",
            "x".repeat(10_000_000)
        )
        .into_bytes(),
    ));
    inputs.push((
        "generated: an unclosed quote over 17 MB".into(),
        format!("{header}Sedan;\"{}\n", "y;\n".repeat(6_000_000)).into_bytes(),
    ));
    check_all(inputs, |bytes| import_once(Format::Csv, bytes));
}

#[test]
fn xlsx_corpus_gives_reports_never_panics_nor_partial_imports() {
    check_all(files("xlsx_import"), |bytes| {
        import_once(Format::Xlsx, bytes)
    });
}

#[test]
fn jsonl_corpus_gives_reports_never_panics_nor_partial_imports() {
    let mut inputs = files("jsonl_import");
    inputs.push((
        "generated: a line over 16 MiB".into(),
        format!(
            "{{\"kind\":\"visit\",\"site\":\"{}\"}}\n",
            "z".repeat(17 * 1024 * 1024)
        )
        .into_bytes(),
    ));
    check_all(inputs, |bytes| import_once(Format::JsonLines, bytes));
}

#[test]
fn ruleset_corpus_gives_values_or_located_errors_never_panics() {
    check_all(files("ruleset"), ruleset_and_mapping);
}

#[test]
fn the_good_seeds_of_the_corpus_do_import() {
    // The corpus is only useful if its seeds reach the parsers' far ends.
    use em_core::{Registry, Ruleset};
    use em_import::{ImportOptions, Importer, Mapping, Outcome};
    let (ruleset, registry) = (Ruleset::champagne_ardenne(), Registry::champagne_ardenne());
    let importer = Importer::new(&ruleset, &registry, &Mapping::default_fr()).unwrap();
    for (target, name, format) in [
        ("csv_import", "good.csv", Format::Csv),
        ("csv_import", "good_windows_1252_sep_line.csv", Format::Csv),
        ("xlsx_import", "good_inline_strings.xlsx", Format::Xlsx),
        ("jsonl_import", "good.jsonl", Format::JsonLines),
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fuzz/corpus")
            .join(target)
            .join(name);
        let bytes = std::fs::read(&path).unwrap();
        let mut store = em_store::Store::open_in_memory().unwrap();
        let report = importer
            .import_bytes(&mut store, name, format, &bytes, ImportOptions::default())
            .unwrap();
        assert!(
            matches!(report.outcome, Outcome::Imported(_)),
            "{name}: {report:#?}"
        );
        assert_eq!(report.stored, 1, "{name}");
    }
}
