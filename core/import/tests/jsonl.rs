//! JSON Lines: the serde form of em-core's records, strictly.

use em_core::statistics::RecordKind;
use em_core::{Registry, Ruleset};
use em_import::{Format, ImportOptions, ImportReport, Importer, Mapping, Outcome};
use em_store::Store;

fn import(store: &mut Store, text: &str) -> ImportReport {
    let (ruleset, registry) = (Ruleset::champagne_ardenne(), Registry::champagne_ardenne());
    Importer::new(&ruleset, &registry, &Mapping::default_fr())
        .unwrap()
        .import_bytes(
            store,
            "records.jsonl",
            Format::JsonLines,
            text.as_bytes(),
            ImportOptions::default(),
        )
        .unwrap()
}

const GOOD: &str = r#"{"kind":"visit","site":"sedan","date":"2009-03-12","contact_mode":"in_person","themes":["guidance"]}

{"kind":"survey_answer","site":"sedan","date":"2009-03-12","items":{"welcome":4},"would_recommend":true}
{"kind":"event","site":"reims","title":"Forum","start_date":"2009-10-15","end_date":"2009-10-15","event_type":"forum","attendance":120}
"#;

#[test]
fn records_of_every_kind_are_imported_and_blank_lines_skipped() {
    let mut store = Store::open_in_memory().unwrap();
    let report = import(&mut store, GOOD);
    let Outcome::Imported(info) = &report.outcome else {
        panic!("{report:#?}")
    };
    assert_eq!(info.kind, "event+survey_answer+visit");
    let counts = store.counts().unwrap();
    assert_eq!(
        (counts.visits, counts.survey_answers, counts.events),
        (1, 1, 1)
    );
}

#[test]
fn every_bad_line_is_reported_with_its_field_and_nothing_is_stored() {
    let text = format!(
        "{GOOD}{}\n{}\n{}\n{}\n",
        r#"{"kind":"visit","site":"sedan","date":"2009-03-12","contact_mode":"in_person","themes":["guidance"],"name":"Dupont"}"#,
        r#"{"kind":"visit","site":"sedan","date":"2009-02-31","contact_mode":"in_person"}"#,
        r#"{"kind":"visit","site":"sedan","date":"2009-03-12","contact_mode":"carrier_pigeon","themes":["guidance"]}"#,
        r#"{"kind":"visit","site":"sedan""#,
    );
    let mut store = Store::open_in_memory().unwrap();
    let report = import(&mut store, &text);
    assert!(report.is_refused());
    let all = report
        .problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    for piece in [
        "records.jsonl, line 5 (`name`): unknown field `name`",
        "records.jsonl, line 6 (`date`): ",
        "records.jsonl, line 8: EOF while parsing an object (column 30)",
        "records.jsonl, line 7 (`contact_mode`): `carrier_pigeon` is not a code",
    ] {
        assert!(all.contains(piece), "expected: {piece}\nfound:\n{all}");
    }
    assert_eq!(store.counts().unwrap(), Default::default());
}

#[test]
fn trailing_content_after_a_record_is_refused() {
    let mut store = Store::open_in_memory().unwrap();
    let line = r#"{"kind":"event","site":"reims","title":"F","start_date":"2009-10-15","end_date":"2009-10-15","event_type":"forum","attendance":1} {"#;
    let report = import(&mut store, line);
    assert!(report.is_refused());
    assert!(
        report.problems[0].reason.contains("trailing"),
        "{report:#?}"
    );
}

fn import_as(store: &mut Store, text: &str, kind: Option<RecordKind>) -> ImportReport {
    let (ruleset, registry) = (Ruleset::champagne_ardenne(), Registry::champagne_ardenne());
    Importer::new(&ruleset, &registry, &Mapping::default_fr())
        .unwrap()
        .import_bytes(
            store,
            "records.jsonl",
            Format::JsonLines,
            text.as_bytes(),
            ImportOptions {
                kind,
                ..ImportOptions::default()
            },
        )
        .unwrap()
}

fn all_problems(report: &ImportReport) -> String {
    report
        .problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn records_without_a_kind_tag_take_the_kind_the_caller_names() {
    let untagged = concat!(
        r#"{"site":"sedan","date":"2009-03-12","contact_mode":"in_person","themes":["guidance"]}"#,
        "\n",
        r#"{"kind":"visit","site":"reims","date":"2009-03-13","contact_mode":"phone","themes":["guidance"]}"#,
        "\n",
    );
    let mut store = Store::open_in_memory().unwrap();
    let report = import_as(&mut store, untagged, Some(RecordKind::Visit));
    assert!(
        matches!(report.outcome, Outcome::Imported(_)),
        "{report:#?}"
    );
    assert_eq!(store.counts().unwrap().visits, 2);

    // Without the caller's kind, an untagged record is refused.
    let mut store = Store::open_in_memory().unwrap();
    let report = import_as(&mut store, untagged, None);
    assert!(report.is_refused());
    assert!(
        all_problems(&report).contains("records.jsonl, line 1 (`kind`): a record needs a `kind`"),
        "{}",
        all_problems(&report)
    );
}

#[test]
fn a_kind_tag_that_disagrees_with_the_caller_is_refused_with_its_line() {
    let text = concat!(
        r#"{"site":"sedan","date":"2009-03-12","contact_mode":"in_person","themes":["guidance"]}"#,
        "\n",
        r#"{"kind":"event","site":"reims","title":"Forum","start_date":"2009-10-15","end_date":"2009-10-15","event_type":"forum","attendance":120}"#,
        "\n",
        r#"{"kind":7,"site":"sedan","date":"2009-03-12","contact_mode":"in_person","themes":["guidance"]}"#,
        "\n",
    );
    let mut store = Store::open_in_memory().unwrap();
    let report = import_as(&mut store, text, Some(RecordKind::Visit));
    assert!(report.is_refused());
    let all = all_problems(&report);
    for piece in [
        "records.jsonl, line 2 (`kind`): the record says it is a `event` but the file is imported as records of kind `visit`",
        "records.jsonl, line 3 (`kind`): `kind` must be text",
    ] {
        assert!(all.contains(piece), "expected: {piece}\nfound:\n{all}");
    }
    assert_eq!(store.counts().unwrap(), Default::default());
}

#[test]
fn a_refused_date_names_its_field_and_quotes_its_value() {
    let text = concat!(
        r#"{"kind":"visit","site":"sedan","date":"12/03/2009","contact_mode":"in_person","themes":["guidance"]}"#,
        "\n",
        r#"{"kind":"visit","site":"sedan","date":"2009-02-31","contact_mode":"in_person","themes":["guidance"]}"#,
        "\n",
        r#"{"kind":"visit","site":"sedan","date":null,"contact_mode":"in_person","themes":["guidance"]}"#,
        "\n",
        r#"{"kind":"event","site":"reims","title":"Forum","start_date":"2009-10-15","end_date":"15 oct.","event_type":"forum","attendance":120}"#,
        "\n",
    );
    let mut store = Store::open_in_memory().unwrap();
    let report = import(&mut store, text);
    let all = all_problems(&report);
    for piece in [
        "line 1 (`date`): `date` holds `12/03/2009`: JSON Lines dates are written yyyy-mm-dd (2009-03-12)",
        "line 2 (`date`): `date` holds `2009-02-31`, which is not a date written yyyy-mm-dd: ",
        "line 3 (`date`): `date` must be a date written yyyy-mm-dd, not null: ",
        "line 4 (`end_date`): `end_date` holds `15 oct.`, which is not a date written yyyy-mm-dd: ",
    ] {
        assert!(all.contains(piece), "expected: {piece}\nfound:\n{all}");
    }
}
