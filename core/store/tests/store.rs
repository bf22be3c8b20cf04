//! The store's promises, each pinned by a test: round trips, idempotence,
//! all-or-nothing, references, date ranges.

use std::collections::BTreeMap;

use em_store::{
    BeginImport, Event, ImportOutcome, ImportSource, Inserted, Record, Store, SurveyAnswer, Visit,
};
use jiff::civil::{Date, date};

fn visit(site: &str, day: Date, reference: Option<&str>) -> Visit {
    Visit {
        site: site.into(),
        date: day,
        reference: reference.map(Into::into),
        visitor: Some("card-17".into()),
        contact_mode: "in_person".into(),
        sex: Some("female".into()),
        age_band: None,
        status: Some("job_seeker".into()),
        education_level: None,
        commune: Some("08105".into()),
        first_visit: Some(true),
        arrival_channel: None,
        themes: vec!["guidance".into(), "training.cif".into()],
        services: vec![],
        referrals: vec!["pole_emploi".into()],
    }
}

fn source(name: &str, sha: &str) -> ImportSource {
    ImportSource {
        file_name: name.into(),
        sha256: sha.into(),
    }
}

fn all_visits(store: &Store) -> Vec<Visit> {
    let mut out = Vec::new();
    store
        .scan_visits(date(1900, 1, 1), date(2100, 1, 1), |v| out.push(v.clone()))
        .unwrap();
    out
}

#[test]
fn every_kind_round_trips_through_the_store() {
    let mut store = Store::open_in_memory().unwrap();
    let v = visit("sedan", date(2009, 3, 2), Some("F-1"));
    let s = SurveyAnswer {
        site: "sedan".into(),
        date: date(2009, 3, 2),
        reference: None,
        items: BTreeMap::from([("welcome".into(), 4), ("answer".into(), 2)]),
        would_recommend: Some(true),
    };
    let e = Event {
        site: "troyes".into(),
        reference: Some("E-9".into()),
        title: "Forum des métiers; édition 2009".into(),
        start_date: date(2009, 12, 30),
        end_date: date(2010, 1, 2),
        event_type: "forum".into(),
        themes: vec!["employment".into()],
        partners: vec!["cci".into(), "greta".into()],
        attendance: 120,
        respondents: Some(40),
        satisfied: Some(35),
    };
    let records = vec![
        Record::Visit(v.clone()),
        Record::SurveyAnswer(s.clone()),
        Record::Event(e.clone()),
    ];
    let outcome = store
        .import_records(&source("mix.jsonl", "aa"), records)
        .unwrap();
    let ImportOutcome::Imported(info) = outcome else {
        panic!("not imported: {outcome:?}")
    };
    assert_eq!(info.rows, 3);
    assert_eq!(info.kind, "event+survey_answer+visit");
    assert_eq!(info.site, None, "two sites");
    assert_eq!(all_visits(&store), vec![v]);
    let mut answers = Vec::new();
    store
        .scan_survey_answers(date(2009, 1, 1), date(2009, 12, 31), |a| {
            answers.push(a.clone())
        })
        .unwrap();
    assert_eq!(answers, vec![s]);
    let mut events = Vec::new();
    let n = store
        .scan_events(date(2009, 1, 1), date(2009, 12, 31), |e| {
            events.push(e.clone())
        })
        .unwrap();
    assert_eq!((n, events), (1, vec![e]));
    let n = store
        .scan_events(date(2010, 1, 1), date(2010, 12, 31), |_| {})
        .unwrap();
    assert_eq!(n, 0, "an event is counted in the year it starts");
}

#[test]
fn the_same_file_twice_adds_nothing_and_names_the_first_import() {
    let mut store = Store::open_in_memory().unwrap();
    let records = || vec![Record::Visit(visit("sedan", date(2009, 1, 5), None))];
    let first = store
        .import_records(&source("a.csv", "h1"), records())
        .unwrap();
    let ImportOutcome::Imported(first) = first else {
        panic!("{first:?}")
    };
    assert_eq!(first.site.as_deref(), Some("sedan"));
    let again = store
        .import_records(&source("copy-of-a.csv", "h1"), records())
        .unwrap();
    assert_eq!(again, ImportOutcome::AlreadyImported(first));
    assert_eq!(store.counts().unwrap().visits, 1);
    assert_eq!(store.imports().unwrap().len(), 1);
}

#[test]
fn a_dropped_writer_leaves_no_record_and_no_import_row() {
    let mut store = Store::open_in_memory().unwrap();
    {
        let BeginImport::New(mut writer) = store.begin_import(&source("a.csv", "h")).unwrap()
        else {
            panic!("new file")
        };
        for day in 1..=20 {
            let v = visit("sedan", date(2009, 1, day), None);
            assert_eq!(writer.insert(&Record::Visit(v)).unwrap(), Inserted::Stored);
        }
        assert_eq!(writer.stored(), 20);
    }
    assert_eq!(store.counts().unwrap(), Default::default());
    // The content was not recorded either: the file can be imported later.
    assert!(store.find_import("h").unwrap().is_none());
}

#[test]
fn a_record_under_a_stored_reference_is_skipped_if_equal_and_a_conflict_if_not() {
    let mut store = Store::open_in_memory().unwrap();
    let v = visit("sedan", date(2009, 1, 5), Some("F-1"));
    store
        .import_records(&source("a.csv", "h1"), vec![Record::Visit(v.clone())])
        .unwrap();
    let BeginImport::New(mut writer) = store.begin_import(&source("b.csv", "h2")).unwrap() else {
        panic!("new file")
    };
    assert_eq!(
        writer.insert(&Record::Visit(v.clone())).unwrap(),
        Inserted::AlreadyStored
    );
    // The same reference at another site is another visit.
    let elsewhere = visit("troyes", date(2009, 1, 5), Some("F-1"));
    assert_eq!(
        writer.insert(&Record::Visit(elsewhere)).unwrap(),
        Inserted::Stored
    );
    let mut changed = v.clone();
    changed.status = Some("student".into());
    assert_eq!(
        writer.insert(&Record::Visit(changed)).unwrap(),
        Inserted::Conflict {
            stored: Box::new(Record::Visit(v))
        }
    );
    let info = writer.commit().unwrap();
    assert_eq!(info.rows, 1);
    assert_eq!(store.counts().unwrap().visits, 2);
}

#[test]
fn import_records_refuses_the_whole_file_on_a_conflict() {
    let mut store = Store::open_in_memory().unwrap();
    let v = visit("sedan", date(2009, 1, 5), Some("F-1"));
    store
        .import_records(&source("a.csv", "h1"), vec![Record::Visit(v.clone())])
        .unwrap();
    let mut changed = v;
    changed.sex = Some("male".into());
    let outcome = store
        .import_records(
            &source("b.csv", "h2"),
            vec![
                Record::Visit(visit("sedan", date(2009, 2, 1), None)),
                Record::Visit(changed),
            ],
        )
        .unwrap();
    assert_eq!(outcome, ImportOutcome::Conflict { index: 1 });
    assert_eq!(store.counts().unwrap().visits, 1);
    assert_eq!(store.counts().unwrap().imports, 1);
}

#[test]
fn scans_keep_only_the_days_asked_for_both_ends_included() {
    let mut store = Store::open_in_memory().unwrap();
    let days = [
        date(2008, 12, 31),
        date(2009, 1, 1),
        date(2009, 12, 31),
        date(2010, 1, 1),
    ];
    let records = days
        .iter()
        .map(|d| Record::Visit(visit("sedan", *d, None)))
        .collect::<Vec<_>>();
    store
        .import_records(&source("a.csv", "h"), records)
        .unwrap();
    let mut seen = Vec::new();
    store
        .scan_visits(date(2009, 1, 1), date(2009, 12, 31), |v| seen.push(v.date))
        .unwrap();
    assert_eq!(seen, vec![date(2009, 1, 1), date(2009, 12, 31)]);
}

#[test]
fn a_reused_scan_buffer_never_leaks_a_field_of_the_previous_row() {
    let mut store = Store::open_in_memory().unwrap();
    let full = visit("sedan", date(2009, 1, 1), Some("R"));
    let sparse = Visit {
        reference: None,
        visitor: None,
        sex: None,
        status: None,
        commune: None,
        first_visit: None,
        themes: vec!["employment".into()],
        referrals: vec![],
        ..full.clone()
    };
    let records = vec![Record::Visit(full.clone()), Record::Visit(sparse.clone())];
    store
        .import_records(&source("a.csv", "h"), records)
        .unwrap();
    assert_eq!(all_visits(&store), vec![full, sparse]);
}

#[test]
fn a_database_of_another_application_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite");
    let other = rusqlite::Connection::open(&path).unwrap();
    other
        .execute_batch("CREATE TABLE x (a INTEGER); INSERT INTO x VALUES (1); CREATE TABLE b (c);")
        .unwrap();
    drop(other);
    let before = std::fs::read(&path).unwrap();

    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(&err, em_store::StoreError::ForeignDatabase { tables, .. } if tables == "b, x"),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "{} is a SQLite database of another application (tables: b, x), not an em network database; nothing was written to it",
            path.display()
        )
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file was written"
    );
    assert!(!dir.path().join("other.sqlite-wal").exists());
    assert!(!dir.path().join("other.sqlite-journal").exists());
    // Refused again the second time: the first attempt left no em schema.
    assert!(matches!(
        Store::open(&path).unwrap_err(),
        em_store::StoreError::ForeignDatabase { .. }
    ));
}

#[test]
fn a_database_with_a_version_but_without_the_em_tables_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("versioned.sqlite");
    let other = rusqlite::Connection::open(&path).unwrap();
    other
        .execute_batch("CREATE TABLE notes (t TEXT); PRAGMA user_version = 2;")
        .unwrap();
    drop(other);
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(&err, em_store::StoreError::ForeignDatabase { tables, .. } if tables == "notes"),
        "{err}"
    );
}

#[test]
fn an_empty_file_and_an_em_database_still_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("em.sqlite");
    std::fs::write(&path, b"").unwrap();
    drop(Store::open(&path).unwrap());
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        em_store::migrations::latest_version()
    );
    let mode: String = store
        .connection()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}
