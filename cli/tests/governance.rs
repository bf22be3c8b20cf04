//! End-to-end tests of the governance commands that write to the network
//! database: meetings recorded by `em committee record`, plans decided by
//! `em plan decide` and transmitted by `em plan transmit` are read back by
//! later, separate runs of `em` and by the store itself, with their journal;
//! every check that finds a failure exits non-zero; and the governance page
//! `em report` writes is in French.

use std::fs;
use std::path::Path;

use em_store::Store;

mod common;
use common::{em, fresh_db, governance_example as governance, json_items, plan_2010, s, text};

/// The meetings stored in `db` (of `year`, or all of them), read by the
/// store itself rather than by `em`.
fn stored_meetings(db: &Path, year: Option<i16>) -> usize {
    let store = Store::open(db).unwrap();
    em_store::governance::meetings(store.connection(), year)
        .unwrap()
        .len()
}

#[test]
fn recorded_meetings_are_judged_by_a_later_run_and_kept_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path());
    let meetings = governance("meetings-2009.json");
    let count = json_items(&meetings);

    let run = em(&["committee", "record", s(&db), s(&meetings)]);
    assert!(run.status.success(), "{}", text(&run));
    assert!(
        text(&run).contains(&format!("{count} meeting(s) recorded")),
        "{}",
        text(&run)
    );

    // Another process, the store itself, sees every meeting.
    assert_eq!(stored_meetings(&db, Some(2009)), count);

    // Another run of `em` judges the recorded meetings as it judges the
    // file: the same table, line for line.
    let from_db = em(&["committee", "compliance", "--db", s(&db), "--year", "2009"]);
    let from_file = em(&["committee", "compliance", s(&meetings), "--year", "2009"]);
    assert_eq!(from_db.stdout, from_file.stdout, "{}", text(&from_db));
    assert!(!from_db.stdout.is_empty());

    // Recording the same file again is refused as a whole and adds nothing.
    let again = em(&["committee", "record", s(&db), s(&meetings)]);
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    assert!(text(&again).contains("already stored"), "{}", text(&again));
    assert_eq!(stored_meetings(&db, None), count);
}

#[test]
fn a_refused_meeting_records_nothing_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path());
    let mut meetings: Vec<serde_json::Value> =
        serde_json::from_str(&fs::read_to_string(governance("meetings-2009.json")).unwrap())
            .unwrap();
    // A technical committee cannot arbitrate: that is the steering
    // committee's competence.
    let technical = meetings
        .iter_mut()
        .find(|m| m["body"] == "technical_committee")
        .unwrap();
    technical["decisions"] = serde_json::json!([
        {"kind": "arbitration", "subject": "plan:sedan:2010", "outcome": "arbitré"}
    ]);
    let file = dir.path().join("meetings.json");
    fs::write(&file, serde_json::to_string(&meetings).unwrap()).unwrap();

    let check = em(&["committee", "check", s(&file)]);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check));
    let record = em(&["committee", "record", s(&db), s(&file)]);
    assert_eq!(record.status.code(), Some(1), "{}", text(&record));
    assert!(text(&record).contains("none of"), "{}", text(&record));
    assert_eq!(stored_meetings(&db, None), 0);
}

#[test]
fn compliance_lines_name_the_site_and_a_missing_meeting_fails_the_check() {
    let meetings = governance("meetings-2009.json");
    let run = em(&["committee", "compliance", s(&meetings), "--year", "2009"]);
    let said = String::from_utf8_lossy(&run.stdout).to_string();
    // The 2009 sample misses some meetings: the check fails, after the
    // table is printed in full.
    assert!(said.contains("missing"), "{said}");
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(
        text(&run).contains("not held as the rules ask"),
        "{}",
        text(&run)
    );
    // Each site's line carries its name, not only its identifier.
    assert!(
        said.contains("Charleville-Mézières (charleville-mezieres)"),
        "{said}"
    );
    assert!(said.contains("Bar-sur-Aube (bar-sur-aube)"), "{said}");
    assert!(said.contains("Région"), "{said}");
    for line in said.lines().skip(1) {
        assert!(
            line.starts_with("Région") || line.contains(") "),
            "a line without its site's name: {line}"
        );
    }

    // A year where every required meeting is held passes: only the
    // meetings of the year count, so an empty list fails in the same way.
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("none.json");
    fs::write(&empty, "[]").unwrap();
    let run = em(&[
        "committee",
        "compliance",
        s(&empty),
        "--year",
        "2009",
        "--json",
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert!(
        json["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["status"] == "missing")
    );
}

#[test]
fn a_decided_then_transmitted_plan_is_seen_by_a_later_run_with_its_journal() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path());

    let run = plan_2010(&["decide", s(&db), "--site", "sedan"]);
    assert!(run.status.success(), "{}", text(&run));
    assert!(text(&run).contains("1 plan(s) recorded"), "{}", text(&run));

    let run = em(&[
        "plan",
        "transmit",
        s(&db),
        "--site",
        "sedan",
        "--year",
        "2010",
        "--date",
        "2009-12-15",
    ]);
    assert!(run.status.success(), "{}", text(&run));
    assert!(text(&run).contains("transmitted"), "{}", text(&run));

    // A later run shows the plan and its history from the database.
    let run = em(&["plan", "show", s(&db), "--year", "2010"]);
    assert!(run.status.success(), "{}", text(&run));
    let said = text(&run);
    assert!(said.contains("Sedan (sedan): transmitted"), "{said}");
    assert!(
        said.contains("arbitrate") && said.contains("transmit"),
        "{said}"
    );

    // The store holds the plan in its last state and its transitions in
    // the journal, whose chain is intact.
    let store = Store::open(&db).unwrap();
    let plans = em_store::governance::plans(store.connection(), 2010).unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].site, "sedan");
    assert_eq!(plans[0].state, em_governance::PlanState::Transmitted);
    assert_eq!(
        plans[0].transmitted_on,
        Some(jiff::civil::date(2009, 12, 15))
    );
    let history = em_store::journal::entries(store.connection(), "plan:sedan:2010").unwrap();
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["arbitrate", "transmit"]);
    em_store::journal::verify(store.connection()).unwrap();
    drop(store);

    // A transmitted plan is neither transmitted nor decided again, and the
    // refusals change nothing.
    let run = em(&[
        "plan",
        "transmit",
        s(&db),
        "--site",
        "sedan",
        "--year",
        "2010",
        "--date",
        "2009-12-16",
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    let run = plan_2010(&["decide", s(&db), "--site", "sedan"]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(
        text(&run).contains("cannot be decided again"),
        "{}",
        text(&run)
    );
    let store = Store::open(&db).unwrap();
    assert_eq!(
        em_store::journal::entries(store.connection(), "plan:sedan:2010")
            .unwrap()
            .len(),
        2
    );

    // Transmitting a plan never decided says what to do first.
    let run = em(&[
        "plan",
        "transmit",
        s(&db),
        "--site",
        "reims",
        "--year",
        "2010",
        "--date",
        "2009-12-15",
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(text(&run).contains("em plan decide"), "{}", text(&run));
}

#[test]
fn arbitrate_and_region_follow_one_path_and_agree_with_decide() {
    // The region's view adds the plans `em plan decide` would store; each
    // site's plan asks what its recommendation kept.
    let arbitrate = plan_2010(&["arbitrate", "--json"]);
    assert!(arbitrate.status.success(), "{}", text(&arbitrate));
    let recommendations: Vec<serde_json::Value> =
        serde_json::from_slice(&arbitrate.stdout).unwrap();
    let region = plan_2010(&["region", "--json"]);
    assert!(region.status.success(), "{}", text(&region));
    let view: serde_json::Value = serde_json::from_slice(&region.stdout).unwrap();
    let lines = view["sites"].as_array().unwrap();
    assert_eq!(
        recommendations.len(),
        11,
        "every site of the example proposes"
    );
    for r in &recommendations {
        let line = lines.iter().find(|l| l["site"] == r["site"]).unwrap();
        assert_eq!(
            line["region_funding_eur"], r["region_funding_eur"],
            "{}",
            r["site"]
        );
        assert_eq!(
            line["actions"],
            r["kept"].as_array().unwrap().len(),
            "{}",
            r["site"]
        );
        // Every outcome carries its reasons as data, beside the sentence.
        for o in r["outcomes"].as_array().unwrap() {
            assert!(!o["reasons"].as_array().unwrap().is_empty(), "{o}");
        }
    }
}

#[test]
fn the_governance_page_of_the_report_is_in_french() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::reims_2009_db(dir.path());
    let out = dir.path().join("report");
    let run = common::report_2009(
        &[],
        &db,
        &out,
        &[
            "--format",
            "html",
            "--meetings",
            s(&governance("meetings-2009.json")),
            "--roadmap",
            s(&governance("roadmap-2010.json")),
            "--proposals",
            s(&governance("proposals-2010.json")),
        ],
    );
    assert!(run.status.success(), "{}", text(&run));
    let page = fs::read_to_string(out.join("governance.html")).unwrap();
    assert!(page.contains("<html lang=\"fr\""), "a French page");
    // Statuses, bodies, days, sites and euros the French way.
    for french in [
        "tenue",
        "Comité de pilotage",
        "18 juin 2009",
        "Charleville-Mézières",
        "\u{A0}€",
        "Retenue : sert",
        "Écartée : ",
        "Plan arbitré",
        "Enveloppe du site",
    ] {
        assert!(page.contains(french), "`{french}` missing from the page");
    }
    // None of the English sentences, ISO days or site identifiers the
    // command line prints.
    for english in [
        "held ",
        "missing",
        "kept:",
        "dropped:",
        "arbitrated plan",
        "envelope of",
        "2009-06-18",
        "charleville-mezieres:",
        "for site ",
    ] {
        assert!(!page.contains(english), "`{english}` on the French page");
    }
    // Self-contained: nothing fetched from elsewhere.
    for outside in ["http://", "https://", "src=\"/", "<link"] {
        let rest = page.replace("http://www.w3.org/", "");
        assert!(!rest.contains(outside), "`{outside}` on the page");
    }
}

/// `em calendar --year 2009 --meetings MEETINGS --out ICS`.
fn calendar_2009<'a>(meetings: &'a Path, ics: &'a Path) -> Vec<&'a str> {
    vec![
        "calendar",
        "--year",
        "2009",
        "--meetings",
        s(meetings),
        "--out",
        s(ics),
    ]
}

/// The 2009 sample meetings, as JSON values to alter.
fn sample_meetings() -> Vec<serde_json::Value> {
    serde_json::from_str(&fs::read_to_string(governance("meetings-2009.json")).unwrap()).unwrap()
}

#[test]
fn a_meeting_of_absurd_length_is_refused_by_check_record_and_calendar_without_panic() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path());
    let mut meetings = sample_meetings();
    meetings.truncate(1);
    meetings[0]["duration_minutes"] = serde_json::json!(4294967295u32);
    let file = dir.path().join("huge.json");
    fs::write(&file, serde_json::to_string(&meetings).unwrap()).unwrap();
    let ics = dir.path().join("x.ics");

    for args in [
        vec!["committee", "check", s(&file)],
        vec!["committee", "record", s(&db), s(&file)],
        calendar_2009(&file, &ics),
    ] {
        let run = em(&args);
        let said = text(&run);
        assert_eq!(run.status.code(), Some(1), "{args:?}: {said}");
        assert!(said.contains("huge.json"), "{args:?}: {said}");
        assert!(said.contains("[0].duration_minutes"), "{args:?}: {said}");
        assert!(!said.contains("panicked"), "{args:?}: {said}");
    }
    assert_eq!(stored_meetings(&db, None), 0);
    assert!(!ics.exists());
}

#[test]
fn two_meetings_with_one_id_are_refused_naming_both_places_and_check_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path());
    let mut meetings = sample_meetings();
    meetings.truncate(2);
    meetings[1]["id"] = meetings[0]["id"].clone();
    let file = dir.path().join("twice.json");
    fs::write(&file, serde_json::to_string(&meetings).unwrap()).unwrap();

    let check = em(&["committee", "check", s(&file)]);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check));
    assert!(text(&check).contains("[1] and [0]"), "{}", text(&check));
    let record = em(&["committee", "record", s(&db), s(&file)]);
    assert_eq!(record.status.code(), Some(1), "{}", text(&record));
    assert!(
        !text(&record).contains("already stored"),
        "{}",
        text(&record)
    );
    assert!(text(&record).contains("[0].id"), "{}", text(&record));
    assert_eq!(stored_meetings(&db, None), 0);
    let ics = dir.path().join("x.ics");
    let calendar = em(&calendar_2009(&file, &ics));
    assert_eq!(calendar.status.code(), Some(1), "{}", text(&calendar));
    assert!(text(&calendar).contains("[1].id"), "{}", text(&calendar));

    // A valid file is said valid, not recorded, by a check.
    let good = em(&["committee", "check", s(&governance("meetings-2009.json"))]);
    assert!(good.status.success(), "{}", text(&good));
    let said = text(&good);
    assert!(
        said.contains("valid") && said.contains("nothing stored"),
        "{said}"
    );
    assert!(!said.contains(" recorded:"), "{said}");
}

#[test]
fn a_decision_on_no_proposal_and_a_proposal_of_an_unknown_site_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path());
    let decisions = dir.path().join("d.json");
    fs::write(
        &decisions,
        r#"[{"proposal": "nope-2010-001", "keep": true, "reason": "r"}]"#,
    )
    .unwrap();
    let run = plan_2010(&[
        "decide",
        s(&db),
        "--site",
        "sedan",
        "--decisions",
        s(&decisions),
    ]);
    let said = text(&run);
    assert_eq!(run.status.code(), Some(1), "{said}");
    assert!(said.contains("d.json"), "{said}");
    assert!(
        said.contains("decisions[0].proposal: nope-2010-001 is not a proposal of sedan"),
        "{said}"
    );
    let store = Store::open(&db).unwrap();
    assert!(
        em_store::governance::plans(store.connection(), 2010)
            .unwrap()
            .is_empty()
    );
    drop(store);

    let mut proposals: Vec<serde_json::Value> =
        serde_json::from_str(&fs::read_to_string(governance("proposals-2010.json")).unwrap())
            .unwrap();
    proposals[1]["site"] = serde_json::json!("paris");
    let file = dir.path().join("p.json");
    fs::write(&file, serde_json::to_string(&proposals).unwrap()).unwrap();
    let roadmap = governance("roadmap-2010.json");
    for rest in [
        vec!["arbitrate"],
        vec!["arbitrate", "--site", "sedan"],
        vec!["decide", s(&db), "--site", "sedan"],
        vec!["region"],
    ] {
        let mut args = vec!["plan", "--roadmap", s(&roadmap), "--proposals", s(&file)];
        args.extend_from_slice(&rest);
        let run = em(&args);
        let said = text(&run);
        assert_eq!(run.status.code(), Some(1), "{rest:?}: {said}");
        assert!(said.contains("p.json"), "{rest:?}: {said}");
        assert!(said.contains("proposals[1].site"), "{rest:?}: {said}");
        assert!(said.contains("`paris` is not a site"), "{rest:?}: {said}");
    }
}
