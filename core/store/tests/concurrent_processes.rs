//! Several real processes importing into one fresh store file at the same
//! time: nothing is lost, nothing is stored twice, and no writer fails with
//! "database is locked" within the busy timeout.
//!
//! The test binary is its own writer: the parent re-runs this very test in
//! child processes with an environment variable saying which writer they are.

use std::process::Command;

use em_store::{ImportOutcome, ImportSource, Record, Store, Visit};
use jiff::civil::date;

const CHILD: &str = "EM_STORE_TEST_WRITER";
const WRITERS: usize = 4;
const FILES_PER_WRITER: usize = 25;
const VISITS_PER_FILE: usize = 40;
const SHARED_VISITS: usize = 10;

fn visit(reference: String, day: i8) -> Visit {
    Visit {
        site: "reims".into(),
        date: date(2009, 5, day),
        reference: Some(reference),
        visitor: None,
        contact_mode: "phone".into(),
        sex: None,
        age_band: Some("18_25".into()),
        status: None,
        education_level: None,
        commune: None,
        first_visit: None,
        arrival_channel: None,
        themes: vec!["employment.cv".into()],
        services: vec!["advice".into()],
        referrals: vec![],
    }
}

/// What one writer process does: its own files, plus the same shared file
/// that every writer imports.
fn write_as_child(db: &str, writer: usize) {
    let mut store = Store::open(db).expect("open");
    let shared = || {
        (0..SHARED_VISITS)
            .map(|j| Record::Visit(visit(format!("shared-{j}"), 1)))
            .collect::<Vec<_>>()
    };
    for file in 0..FILES_PER_WRITER {
        let records = (0..VISITS_PER_FILE)
            .map(|j| Record::Visit(visit(format!("w{writer}-f{file}-v{j}"), (j % 28 + 1) as i8)));
        let source = ImportSource {
            file_name: format!("w{writer}-{file}.csv"),
            sha256: format!("w{writer}-{file}"),
        };
        let outcome = store.import_records(&source, records).expect("import");
        assert!(matches!(outcome, ImportOutcome::Imported(_)), "{outcome:?}");
        if file == FILES_PER_WRITER / 2 {
            let source = ImportSource {
                file_name: "shared.csv".into(),
                sha256: "shared".into(),
            };
            let outcome = store
                .import_records(&source, shared())
                .expect("import shared");
            assert!(
                !matches!(outcome, ImportOutcome::Conflict { .. }),
                "{outcome:?}"
            );
        }
        // Readers run beside the writers without blocking them.
        store.counts().expect("count while others write");
    }
}

#[test]
fn concurrent_writer_processes_lose_nothing_and_store_nothing_twice() {
    if let Ok(spec) = std::env::var(CHILD) {
        let (db, writer) = spec.rsplit_once('|').expect("db|writer");
        write_as_child(db, writer.parse().expect("writer number"));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("em.sqlite");
    let exe = std::env::current_exe().unwrap();
    // The file does not exist yet: the writers also race to create it and to
    // apply the migrations.
    let children: Vec<_> = (0..WRITERS)
        .map(|w| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "concurrent_writer_processes_lose_nothing_and_store_nothing_twice",
                    "--test-threads=1",
                    "--nocapture",
                ])
                .env(CHILD, format!("{}|{w}", db.display()))
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "a writer failed: {output:?}");
    }
    let store = Store::open(&db).unwrap();
    let counts = store.counts().unwrap();
    assert_eq!(
        counts.visits as usize,
        WRITERS * FILES_PER_WRITER * VISITS_PER_FILE + SHARED_VISITS
    );
    assert_eq!(counts.imports as usize, WRITERS * FILES_PER_WRITER + 1);
    let shared: Vec<_> = store
        .imports()
        .unwrap()
        .into_iter()
        .filter(|i| i.sha256 == "shared")
        .collect();
    assert_eq!(shared.len(), 1);
    assert_eq!(shared[0].rows as usize, SHARED_VISITS);
}

const OPENER: &str = "EM_STORE_TEST_OPENER";

/// Many processes creating the same new file at the very same moment: each
/// one checks that it is not another application's database, in the
/// migrations' write transaction, so none of them sees a half-made schema,
/// takes the file for a foreign one, or fails with "database is locked".
#[test]
fn processes_creating_one_new_file_at_once_all_open_it() {
    if let Ok(db) = std::env::var(OPENER) {
        let mut store = Store::open(&db).expect("open");
        let source = ImportSource {
            file_name: "same.csv".into(),
            sha256: "same".into(),
        };
        let records = (0..3).map(|j| Record::Visit(visit(format!("same-{j}"), 2)));
        store.import_records(&source, records).expect("import");
        return;
    }
    let exe = std::env::current_exe().unwrap();
    for round in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join(format!("new-{round}.sqlite"));
        let children: Vec<_> = (0..8)
            .map(|_| {
                Command::new(&exe)
                    .args([
                        "--exact",
                        "processes_creating_one_new_file_at_once_all_open_it",
                        "--test-threads=1",
                        "--nocapture",
                    ])
                    .env(OPENER, &db)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "an opener failed in round {round}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let store = Store::open(&db).unwrap();
        assert_eq!(store.counts().unwrap().visits, 3);
        assert_eq!(store.counts().unwrap().imports, 1);
    }
}
