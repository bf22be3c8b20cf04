//! What a new user found in `em`: a database of another application
//! migrated into, `--ruleset` missing, `em ruleset check` stopping at the
//! first file that is not UTF-8, and a report folder keeping an earlier
//! report's files. Each is run as a user runs the binary.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{em, repo_file, report_2009, s, text};

fn shipped_ruleset() -> PathBuf {
    repo_file("rulesets/champagne-ardenne")
}

/// A copy of the shipped ruleset in `dir`, with `(file, from, to)` edits.
fn ruleset_with(dir: &Path, edits: &[(&str, &str, &str)]) -> PathBuf {
    let copy = dir.join("rules");
    fs::create_dir_all(&copy).unwrap();
    for entry in fs::read_dir(shipped_ruleset()).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, copy.join(path.file_name().unwrap())).unwrap();
    }
    for (file, from, to) in edits {
        let path = copy.join(file);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no `{from}`");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    copy
}

/// A database holding the Reims sample visits of 2009.
fn database(dir: &Path) -> PathBuf {
    let db = dir.join("reseau.sqlite");
    let file = repo_file("examples/data/samples/visits-reims-2009.csv");
    let run = em(&["import", s(&db), s(&file), "--site", "reims"]);
    assert!(run.status.success(), "{}", text(&run));
    db
}

#[test]
fn a_database_of_another_application_is_refused_by_init_import_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("contacts.sqlite");
    // Another program's file, made through SQLite itself.
    let scratch = em_store::Store::open_in_memory().unwrap();
    scratch
        .connection()
        .execute_batch(&format!(
            "ATTACH DATABASE '{}' AS other; \
             CREATE TABLE other.contacts (name TEXT); \
             INSERT INTO other.contacts VALUES ('a'); DETACH DATABASE other;",
            other.display()
        ))
        .unwrap();
    drop(scratch);
    let before = fs::read(&other).unwrap();
    let file = repo_file("examples/data/samples/visits-reims-2009.csv");
    for args in [
        vec!["init", s(&other)],
        vec!["import", s(&other), s(&file), "--site", "reims"],
        vec![
            "report",
            s(&other),
            "--year",
            "2009",
            "--out",
            s(dir.path()),
        ],
    ] {
        let run = em(&args);
        assert_eq!(run.status.code(), Some(1), "{args:?}: {}", text(&run));
        let said = text(&run);
        assert!(said.contains(s(&other)), "{said}");
        assert!(
            said.contains("another application (tables: contacts)"),
            "{said}"
        );
    }
    assert_eq!(fs::read(&other).unwrap(), before, "the file was written");
}

#[test]
fn ruleset_option_and_variable_choose_the_rules_of_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let stricter = ruleset_with(
        dir.path(),
        &[(
            "statistics.toml",
            "small_count_threshold = [{ from = \"2007-01-01\", value = 5 }]",
            "small_count_threshold = [{ from = \"2007-01-01\", value = 11 }]",
        )],
    );
    let threshold = |out: &Path| -> u64 {
        let json: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
        json["small_count_threshold"].as_u64().unwrap()
    };
    let out = dir.path().join("shipped");
    let run = report_2009(&[], &db, &out, &["--format", "json"]);
    assert!(run.status.success(), "{}", text(&run));
    assert_eq!(threshold(&out), 5);

    let out = dir.path().join("option");
    let run = report_2009(
        &["--ruleset", s(&stricter)],
        &db,
        &out,
        &["--format", "json"],
    );
    assert!(run.status.success(), "{}", text(&run));
    assert_eq!(threshold(&out), 11);

    let out = dir.path().join("variable");
    let run = Command::new(env!("CARGO_BIN_EXE_em"))
        .args(["report", s(&db), "--year", "2009", "--out", s(&out)])
        .args(["--format", "json"])
        .env("EM_RULESET", &stricter)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", text(&run));
    assert_eq!(threshold(&out), 11);
}

#[test]
fn a_ruleset_with_a_problem_in_any_area_is_refused_before_use_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    // A governance problem: the core alone would have accepted the folder.
    let broken = ruleset_with(
        dir.path(),
        &[(
            "governance.toml",
            "# Governance of the network",
            "colour = \"blue\"\n# Governance of the network",
        )],
    );
    let samples = repo_file("examples/data/samples/visits-reims-2009.csv");
    let out = dir.path().join("out");
    for args in [
        vec!["report", s(&db), "--year", "2009", "--out", s(&out)],
        vec!["import", s(&db), s(&samples), "--site", "reims"],
        vec!["calendar", "--year", "2009"],
        vec!["territory", "coverage"],
        vec!["ruleset", "check"],
    ] {
        let mut all = vec!["--ruleset", s(&broken)];
        all.extend(args.iter().copied());
        let run = em(&all);
        let said = text(&run);
        assert_eq!(run.status.code(), Some(1), "{args:?}: {said}");
        let place = format!("{}:1", broken.join("governance.toml").display());
        assert!(said.contains(&place), "{args:?}: {said}");
        assert!(said.contains("colour"), "{args:?}: {said}");
    }
    assert!(!out.exists(), "a report was written with refused rules");

    let absent = dir.path().join("absent");
    let run = em(&["--ruleset", s(&absent), "territory", "coverage"]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(text(&run).contains("is not a folder"), "{}", text(&run));
}

#[test]
fn ruleset_check_without_a_folder_checks_the_built_in_rules() {
    let run = em(&["ruleset", "check"]);
    assert!(run.status.success(), "{}", text(&run));
    assert!(text(&run).contains("the ruleset is sound (5 files checked"));
}

#[test]
fn help_documents_the_ruleset_option_and_its_variable() {
    let run = em(&["--help"]);
    let said = text(&run);
    assert!(said.contains("--ruleset <FOLDER>"), "{said}");
    assert!(said.contains("EM_RULESET"), "{said}");
    let run = em(&["report", "--help"]);
    assert!(text(&run).contains("--ruleset <FOLDER>"), "{}", text(&run));
}

#[test]
fn ruleset_check_reports_every_file_when_one_is_not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let folder = ruleset_with(
        dir.path(),
        &[(
            "statistics.toml",
            "schema_version = 1",
            "schema_version = \"one\"",
        )],
    );
    // A Windows-1252 "é" on line 2 of the labelling file, as a spreadsheet
    // or an old editor saves it.
    fs::write(
        folder.join("labelling.toml"),
        b"# Labellisation\n# R\xe9gion\n".as_slice(),
    )
    .unwrap();
    fs::write(folder.join("territory.toml"), [0xff, 0xfe, b'a']).unwrap();
    let run = em(&["ruleset", "check", s(&folder)]);
    let said = text(&run);
    assert_eq!(run.status.code(), Some(1), "{said}");
    let labelling = format!("{}:2:4", folder.join("labelling.toml").display());
    assert!(said.contains(&labelling), "{said}");
    assert!(said.contains("byte 0xE9 at byte offset 19"), "{said}");
    let territory = format!("{}:1:1", folder.join("territory.toml").display());
    assert!(said.contains(&territory), "{said}");
    let statistics = format!("{}:5", folder.join("statistics.toml").display());
    assert!(said.contains(&statistics), "{said}");
    assert!(said.contains("3 problems"), "{said}");
}

#[test]
fn a_report_folder_written_again_holds_that_report_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let out = dir.path().join("report");
    let run = em(&["report", s(&db), "--year", "2009", "--out", s(&out)]);
    assert!(run.status.success(), "{}", text(&run));
    assert!(out.join("csv").is_dir());
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let run = em(&[
        "report",
        s(&db),
        "--year",
        "2009",
        "--out",
        s(&out),
        "--format",
        "json",
    ]);
    assert!(run.status.success(), "{}", text(&run));
    let mut names: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".em-report", "notes.txt", "report.json"]);
}
