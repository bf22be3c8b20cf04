//! The entry points of the fuzz targets (`fuzz/`) and of the regression
//! corpus test: each feeds outside input to a parser and checks the
//! promises every input must keep, panicking when one is broken so that the
//! fuzzer reports it.

use em_core::{Registry, Ruleset};
use em_store::Store;

use crate::{Format, ImportOptions, Importer, Mapping, Outcome};

/// Imports `data` as a file of `format` into a fresh store in memory, then
/// checks: a refused file or an error left nothing stored; an imported file
/// stored exactly what it reports; importing it again adds nothing.
pub fn import_once(format: Format, data: &[u8]) {
    let ruleset = Ruleset::champagne_ardenne();
    let registry = Registry::champagne_ardenne();
    let importer = Importer::new(&ruleset, &registry, &Mapping::default_fr())
        .expect("the shipped mapping compiles");
    let mut store = Store::open_in_memory().expect("a store in memory");
    let result = importer.import_bytes(&mut store, "fuzz", format, data, ImportOptions::default());
    let counts = store.counts().expect("counts");
    let records = counts.visits + counts.survey_answers + counts.events;
    match result {
        Err(_) => assert_eq!(
            (records, counts.imports),
            (0, 0),
            "an error stored something"
        ),
        Ok(report) => match &report.outcome {
            Outcome::Refused => {
                assert_eq!(
                    (records, counts.imports),
                    (0, 0),
                    "a refused file stored something"
                );
                assert!(
                    !report.problems.is_empty() || report.problems_not_listed > 0,
                    "refused without a problem"
                );
            }
            Outcome::Imported(info) => {
                assert!(report.problems.is_empty(), "imported with problems");
                assert_eq!(records, report.stored, "stored other than reported");
                assert_eq!(info.rows, report.stored);
                let again = importer
                    .import_bytes(
                        &mut store,
                        "fuzz-again",
                        format,
                        data,
                        ImportOptions::default(),
                    )
                    .expect("a second import of the same bytes");
                assert!(
                    matches!(again.outcome, Outcome::AlreadyImported(_)),
                    "the same bytes imported twice"
                );
                let after = store.counts().expect("counts");
                assert_eq!(after, counts, "a second import changed the store");
            }
            Outcome::AlreadyImported(_) => panic!("a fresh store already had the file"),
        },
    }
}

/// Loads `data` as the ruleset's `statistics.toml` and as a column
/// mapping: each gives a value or an error naming where, never a panic.
pub fn ruleset_and_mapping(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut files = std::collections::BTreeMap::new();
    let shipped = Ruleset::champagne_ardenne();
    for name in shipped.file_names() {
        if let Some(content) = shipped.file(name) {
            files.insert(name.to_owned(), content.to_owned());
        }
    }
    files.insert("statistics.toml".to_owned(), text.clone());
    if let Err(errors) = Ruleset::from_files(files) {
        assert!(!errors.0.is_empty(), "a refused ruleset without a reason");
        assert!(
            errors.0.iter().all(|e| !e.to_string().is_empty()),
            "an empty reason"
        );
    }
    match Mapping::from_toml("fuzz.toml", &text) {
        Ok(mapping) => {
            // A mapping that parses is checked against the shipped rules.
            let _ = mapping.compile(&shipped, &Registry::champagne_ardenne());
        }
        Err(e) => assert!(e.to_string().contains("fuzz.toml"), "{e}"),
    }
}
