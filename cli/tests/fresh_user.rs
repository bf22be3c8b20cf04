//! Regression tests of the faults a fresh user found in the `em` command,
//! each named after the fault it pins: a read-only command that created a
//! database, a `--site` that could not tell files of several sites apart,
//! import lines of different shapes, a ruleset that was only half
//! checked, a demo that replaced a user's files, and a year that overflowed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use em_store::Store;

mod common;
use common::{em, s, text};

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn samples(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/data/samples")
        .join(name)
}

fn shipped_ruleset() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../rulesets/champagne-ardenne")
}

/// Visits stored per site, in site order.
fn visits_by_site(db: &Path) -> Vec<(String, i64)> {
    let store = Store::open(db).unwrap();
    let mut statement = store
        .connection()
        .prepare("SELECT site, count(*) FROM visits GROUP BY site ORDER BY site")
        .unwrap();
    statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn read_only_commands_on_a_missing_database_create_nothing_and_say_em_init() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("typo.sqlite");
    let out = dir.path().join("report");
    for args in [
        vec!["report", s(&db), "--year", "2009", "--out", s(&out)],
        vec!["label", "list", s(&db)],
        vec!["label", "show", s(&db), "langres-2010"],
        vec!["territory", "catchments", s(&db), "--year", "2009"],
    ] {
        let run = em(&args);
        let said = text(&run);
        assert_eq!(run.status.code(), Some(1), "{args:?}: {said}");
        assert!(
            said.contains(&format!("no network database at {}", db.display())),
            "{args:?}: {said}"
        );
        assert!(said.contains("em init"), "{args:?}: {said}");
        assert!(!db.exists(), "{args:?} created the database");
        for suffix in ["-wal", "-shm"] {
            assert!(!dir.path().join(format!("typo.sqlite{suffix}")).exists());
        }
    }
    assert!(!out.exists(), "a report folder was made for nothing");

    // A folder is not a database either.
    let run = em(&["report", s(dir.path()), "--year", "2009", "--out", s(&out)]);
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run).contains("is a folder"), "{}", text(&run));
}

#[test]
fn one_import_takes_files_of_several_sites_each_with_its_own_site() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("em.sqlite");
    let reims = samples("visits-reims-2009.csv");
    let vireux = samples("visits-vireux-molhain-2009.csv");
    let run = em(&[
        "import",
        s(&db),
        "--site",
        "reims",
        s(&reims),
        "--site",
        "vireux-molhain",
        s(&vireux),
    ]);
    assert!(run.status.success(), "{}", text(&run));
    let stored = visits_by_site(&db);
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert_eq!(stored[0].0, "reims");
    assert_eq!(stored[1], ("vireux-molhain".to_owned(), 5));

    // A single --site is still the site of every file, wherever written.
    let db = dir.path().join("one.sqlite");
    let run = em(&["import", s(&db), s(&vireux), "--site", "vireux-molhain"]);
    assert!(run.status.success(), "{}", text(&run));
    assert_eq!(visits_by_site(&db), [("vireux-molhain".to_owned(), 5)]);
}

#[test]
fn with_several_sites_a_file_before_the_first_names_its_own_site() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("em.sqlite");
    let reims = samples("visits-reims-2009.csv");
    let vireux = samples("visits-vireux-molhain-2009.csv");
    // The Reims file names no site and comes before the first --site: it
    // is refused (its rows have no site), the Vireux-Molhain file is not.
    let run = em(&[
        "import",
        s(&db),
        s(&reims),
        "--site",
        "vireux-molhain",
        s(&vireux),
        "--site",
        "reims",
        s(&samples("events.jsonl")),
    ]);
    let said = text(&run);
    assert_eq!(run.status.code(), Some(1), "{said}");
    assert!(said.contains("give the site of the whole file"), "{said}");
    assert!(
        said.contains(&format!("{}: refused", reims.display())),
        "{said}"
    );
    assert_eq!(visits_by_site(&db), [("vireux-molhain".to_owned(), 5)]);

    // A --site that no file follows is a slip of the command line.
    let run = em(&[
        "import",
        s(&db),
        "--site",
        "reims",
        s(&reims),
        "--site",
        "sedan",
    ]);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run));
    assert!(
        text(&run).contains("no file follows `--site sedan`"),
        "{}",
        text(&run)
    );
}

#[test]
fn every_import_line_has_the_same_shape_and_a_batch_ends_with_a_total() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("em.sqlite");
    let vireux = samples("visits-vireux-molhain-2009.csv");
    let bad = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad/visits-sedan-lf.csv");
    let missing = dir.path().join("absent.csv");
    let first = em(&["import", s(&db), "--site", "vireux-molhain", s(&vireux)]);
    assert!(first.status.success(), "{}", text(&first));
    assert_eq!(
        stdout(&first),
        format!(
            "{}: imported — 5 rows stored, 0 already in the database, 0 with errors\n",
            vireux.display()
        )
    );

    // The same file under another site is refused, naming the site its
    // rows are stored under; they stay there.
    let again = em(&["import", s(&db), "--site", "sedan", s(&vireux)]);
    assert!(!again.status.success(), "{}", text(&again));
    assert!(
        text(&again).contains(
            "under site vireux-molhain; its rows stay under vireux-molhain, not sedan as given now"
        ),
        "{}",
        text(&again)
    );
    let same = em(&["import", s(&db), "--site", "vireux-molhain", s(&vireux)]);
    assert!(same.status.success(), "{}", text(&same));
    assert!(
        stdout(&same)
            .contains("under site vireux-molhain) — 0 rows stored, 5 already in the database"),
        "{}",
        text(&same)
    );

    let run = em(&[
        "import",
        s(&db),
        "--site",
        "vireux-molhain",
        s(&vireux),
        "--site",
        "sedan",
        s(&bad),
        s(&missing),
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    let lines: Vec<String> = stdout(&run).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(
        lines[0].starts_with(&format!("{}: already imported on ", vireux.display()))
            && lines[0].ends_with(
                "— 0 rows stored, 5 already in the database, 0 with errors; nothing added"
            ),
        "{lines:?}"
    );
    assert_eq!(
        lines[1],
        format!(
            "{}: refused — 0 rows stored, 0 already in the database, 3 with errors; 3 rows of 6 read have errors (listed above); nothing of this file was stored",
            bad.display()
        )
    );
    assert_eq!(
        lines[2],
        format!(
            "{}: refused — 0 rows stored, 0 already in the database, 0 with errors; the file could not be read",
            missing.display()
        )
    );
    assert_eq!(
        lines[3],
        "3 files: 0 imported, 1 already imported, 2 refused — 0 rows stored, 5 already in the database, 3 with errors"
    );
    let errors = String::from_utf8_lossy(&run.stderr);
    assert!(
        errors.contains("2 of 3 files refused (see above); the other files were imported"),
        "{errors}"
    );
}

/// Copies the shipped ruleset into a temporary folder, with `edit` applied
/// to the text of `file`.
fn ruleset_with(dir: &Path, edits: &[(&str, &str, &str)]) -> PathBuf {
    let copy = dir.join("ruleset");
    fs::create_dir_all(&copy).unwrap();
    for entry in fs::read_dir(shipped_ruleset()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let mut text = fs::read_to_string(&path).unwrap();
        for (file, find, put) in edits {
            if *file == name {
                assert!(text.contains(find), "`{find}` is not in {file}");
                text = text.replacen(find, put, 1);
            }
        }
        fs::write(copy.join(name), text).unwrap();
    }
    copy
}

#[test]
fn the_shipped_ruleset_checks_sound() {
    let run = em(&["ruleset", "check", s(&shipped_ruleset())]);
    assert!(run.status.success(), "{}", text(&run));
    let said = stdout(&run);
    assert!(
        said.contains("the ruleset is sound (5 files checked"),
        "{said}"
    );
}

#[test]
fn a_masking_threshold_of_zero_is_refused_with_file_path_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let folder = ruleset_with(
        dir.path(),
        &[(
            "statistics.toml",
            "small_count_threshold = [{ from = \"2007-01-01\", value = 5 }]",
            "small_count_threshold = [{ from = \"2007-01-01\", value = 0 }]",
        )],
    );
    let run = em(&["ruleset", "check", s(&folder)]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    let said = text(&run);
    let file = folder.join("statistics.toml");
    assert!(
        said.contains(&format!("{}:11:", file.display()))
            && said.contains("at `publication.small_count_threshold[0].value`: 0 is below the smallest sane value, 2"),
        "{said}"
    );
    assert!(said.contains("1 problem (listed above)"), "{said}");
}

#[test]
fn every_area_of_the_ruleset_is_checked_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let folder = ruleset_with(
        dir.path(),
        &[
            // A statistics file that does not even parse must not hide the
            // problems of the other files.
            (
                "statistics.toml",
                "schema_version = 1",
                "schema_version = \"one\"",
            ),
            ("territory.toml", "value = 0.5", "value = 1.5"),
            ("territory.toml", "value = 30.0", "value = 900.0"),
            ("governance.toml", "value = 30\n", "value = 130\n"),
            ("labelling.toml", "value = 36 }", "value = 0 }"),
        ],
    );
    fs::write(folder.join("labeling.toml"), "# a misspelt copy\n").unwrap();
    let run = em(&["ruleset", "check", s(&folder)]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    let said = text(&run);
    for (file, path) in [
        ("statistics.toml", "schema_version"),
        ("territory.toml", "max_catchment_overlap_share[0].value"),
        ("territory.toml", "white_zone_km[0].value"),
        (
            "governance.toml",
            "arbitration.min_cofunding_percent[0].value",
        ),
        ("labelling.toml", "label.validity_months[0].value"),
    ] {
        let place = folder.join(file);
        assert!(
            said.lines()
                .any(|l| l.starts_with(&place.display().to_string())
                    && l.contains(&format!("at `{path}`"))),
            "{file} {path} not named in:\n{said}"
        );
    }
    assert!(
        said.contains("labeling.toml: no area of the rules reads this file"),
        "{said}"
    );
}

#[test]
fn a_ruleset_path_that_is_not_a_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let run = em(&["ruleset", "check", s(&dir.path().join("absent"))]);
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run).contains("is not a folder"), "{}", text(&run));
}

#[test]
fn demo_refuses_a_folder_of_the_users_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("data/mine.txt");
    fs::create_dir_all(mine.parent().unwrap()).unwrap();
    fs::write(&mine, "my own notes").unwrap();

    let run = em(&["demo", "--out", s(dir.path())]);
    let said = text(&run);
    assert_eq!(run.status.code(), Some(2), "{said}");
    assert!(said.contains(&dir.path().display().to_string()), "{said}");
    assert!(said.contains("--out"), "{said}");
    assert_eq!(fs::read_to_string(&mine).unwrap(), "my own notes");
    let left: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("data")]);
    assert_eq!(fs::read_dir(dir.path().join("data")).unwrap().count(), 1);

    // A plain file given as the folder is refused too, and left as it was.
    let file = dir.path().join("data/mine.txt");
    let run = em(&["demo", "--out", s(&file)]);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run));
    assert_eq!(fs::read_to_string(&file).unwrap(), "my own notes");
}

#[test]
fn demo_runs_in_an_empty_folder_and_again_over_its_own_earlier_run() {
    let dir = tempfile::tempdir().unwrap();
    let first = em(&["demo", "--out", s(dir.path())]);
    assert!(first.status.success(), "{}", text(&first));
    assert!(dir.path().join(".em-demo").is_file());
    assert!(dir.path().join("report/index.html").is_file());

    let again = em(&["demo", "--out", s(dir.path())]);
    assert!(again.status.success(), "{}", text(&again));
    let db = dir.path().join("em-demo.sqlite");
    assert!(db.is_file());

    // The demo database holds the meetings its governance page counts:
    // 18 of the 23 required held in their window, 5 not as the rules ask.
    let page = fs::read_to_string(dir.path().join("report/governance.html")).unwrap();
    assert!(
        page.contains("18 réunions obligatoires sur 23 tenues dans leur période"),
        "the page's count"
    );
    let compliance = em(&["committee", "compliance", "--db", s(&db), "--year", "2009"]);
    assert!(
        text(&compliance).contains("5 required meeting(s) of 2009 not held as the rules ask"),
        "{}",
        text(&compliance)
    );
}

#[test]
fn a_year_out_of_range_is_a_usage_error_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("network.sqlite");
    for year in ["-32768", "1989", "2101", "32767"] {
        let year = format!("--year={year}");
        for args in [
            vec!["report", s(&db), &year],
            vec!["territory", "catchments", s(&db), &year],
        ] {
            let run = em(&args);
            let said = text(&run);
            assert_eq!(run.status.code(), Some(2), "{args:?}: {said}");
            assert!(said.contains("--year"), "{args:?}: {said}");
            assert!(!said.contains("panicked"), "{args:?}: {said}");
        }
    }
    assert!(!db.exists());
}
