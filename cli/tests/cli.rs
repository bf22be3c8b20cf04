//! End-to-end tests of the `em` command: the binary is run as a user runs
//! it, on files in a temporary folder, and its exit code, its output and the
//! database it leaves are checked.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use em_store::Store;

mod common;
use common::{em, s, text};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn samples(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/data/samples")
        .join(name)
}

fn counts(db: &Path) -> em_store::Counts {
    Store::open(db).unwrap().counts().unwrap()
}

#[test]
fn demo_builds_a_fresh_database_and_writes_the_full_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let run = em(&["demo", "--out", s(&out)]);
    assert!(run.status.success(), "{}", text(&run));
    let stdout = String::from_utf8_lossy(&run.stdout);
    let html = out.join("report/index.html");
    assert!(
        stdout.contains(&format!("report: {}", html.display())),
        "{stdout}"
    );

    let page = fs::read_to_string(&html).unwrap();
    assert!(page.len() > 100_000, "{} bytes", page.len());
    assert!(page.contains("<svg"), "the page has no chart");
    for site in [
        "Charleville-Mézières",
        "Vireux-Molhain",
        "Épernay",
        "Saint-Dizier",
    ] {
        assert!(page.contains(site), "{site} is missing from the page");
    }

    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("report/report.json")).unwrap()).unwrap();
    assert_eq!(json["year"], 2009);
    assert_eq!(json["previous_year"], 2008);
    assert_eq!(json["sites"].as_array().unwrap().len(), 11);

    let governance = fs::read_to_string(out.join("report/governance.html")).unwrap();
    for words in [
        "Comité de pilotage",
        "Arbitrage des propositions",
        "budget régional",
    ] {
        assert!(
            governance.contains(words),
            "`{words}` missing from the governance page"
        );
    }

    let tables: Vec<_> = fs::read_dir(out.join("report/csv")).unwrap().collect();
    assert!(tables.len() > 50, "{} CSV tables", tables.len());

    let first = counts(&out.join("em-demo.sqlite"));
    assert!(first.visits > 50_000, "{first:?}");
    assert!(
        first.survey_answers > 5_000 && first.events > 400,
        "{first:?}"
    );

    // A second run starts afresh instead of adding to the first.
    let again = em(&["demo", "--out", s(&out)]);
    assert!(again.status.success(), "{}", text(&again));
    assert_eq!(counts(&out.join("em-demo.sqlite")), first);
}

/// Every file of `tests/data/bad` is imported with the options of its
/// `.args` file: the command must fail with code 1, name every line of the
/// `.expected` file, and leave the database empty.
#[test]
fn a_bad_file_reports_every_bad_row_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for entry in fs::read_dir(data("bad")).unwrap() {
        let path = entry.unwrap().path();
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        if !matches!(ext, "csv" | "jsonl" | "xlsx") {
            continue;
        }
        let db = dir.path().join(format!("{checked}.sqlite"));
        let options = fs::read_to_string(path.with_extension("args")).unwrap_or_default();
        let mut args = vec!["import", s(&db), s(&path)];
        args.extend(options.split_whitespace());
        let run = em(&args);
        let said = text(&run);
        assert_eq!(run.status.code(), Some(1), "{}: {said}", path.display());
        if let Ok(expected) = fs::read_to_string(path.with_extension("expected")) {
            for line in expected
                .lines()
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
            {
                assert!(
                    said.contains(line),
                    "{}: `{line}` not in:\n{said}",
                    path.display()
                );
            }
        }
        assert_eq!(
            counts(&db),
            em_store::Counts::default(),
            "{}",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 3);
}

/// Spreadsheets save CSV with CRLF line ends; a CRLF file must get the same
/// report as the same file with LF line ends.
#[test]
fn a_crlf_file_names_the_same_problems_as_its_lf_twin() {
    let dir = tempfile::tempdir().unwrap();
    let report = |name: &str| {
        let db = dir.path().join(format!("{name}.sqlite"));
        let path = data("bad").join(name);
        let run = em(&[
            "import",
            s(&db),
            s(&path),
            "--site",
            "sedan",
            "--kind",
            "visit",
        ]);
        String::from_utf8_lossy(&run.stderr)
            .lines()
            .filter(|l| l.contains(", line "))
            .map(|l| {
                l.replacen("-crlf.csv", ".csv", 1)
                    .replacen("-lf.csv", ".csv", 1)
            })
            .collect::<Vec<_>>()
    };
    let crlf = report("visits-sedan-crlf.csv");
    let lf = report("visits-sedan-lf.csv");
    assert_eq!(crlf.len(), 4);
    assert_eq!(crlf, lf);
    assert!(crlf[0].starts_with("visits-sedan.csv, line 3,"), "{crlf:?}");
}

#[test]
fn importing_the_same_file_twice_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("em.sqlite");
    let file = samples("visits-vireux-molhain-2009.csv");
    let import = |path: &Path| {
        em(&[
            "import",
            s(&db),
            s(path),
            "--site",
            "vireux-molhain",
            "--kind",
            "visit",
        ])
    };
    let first = import(&file);
    assert!(first.status.success(), "{}", text(&first));
    assert!(
        text(&first).contains("imported — 5 rows stored, 0 already in the database, 0 with errors"),
        "{}",
        text(&first)
    );
    let after_first = counts(&db);
    assert_eq!(after_first.visits, 5);

    let second = import(&file);
    assert!(second.status.success(), "{}", text(&second));
    assert!(
        text(&second).contains("already imported"),
        "{}",
        text(&second)
    );
    assert_eq!(counts(&db), after_first);

    // The same rows in a file that is not byte for byte the same (saved
    // again, one blank line more) are recognised by their references.
    let resaved = dir.path().join("vireux-molhain-resaved.csv");
    let mut bytes = fs::read(&file).unwrap();
    bytes.extend_from_slice(b"\r\n");
    fs::write(&resaved, bytes).unwrap();
    let third = import(&resaved);
    assert!(third.status.success(), "{}", text(&third));
    assert_eq!(counts(&db).visits, 5, "{}", text(&third));
}

#[test]
fn init_creates_a_database_that_import_and_report_use() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reseau.sqlite");
    let run = em(&["init", s(&db)]);
    assert!(run.status.success(), "{}", text(&run));
    assert!(db.exists());

    let empty = em(&[
        "report",
        s(&db),
        "--year",
        "2009",
        "--out",
        s(&dir.path().join("r")),
    ]);
    assert_eq!(empty.status.code(), Some(1));
    assert!(
        text(&empty).contains("no record of 2009"),
        "{}",
        text(&empty)
    );

    let file = samples("visits-reims-2009.csv");
    let run = em(&["import", s(&db), s(&file), "--site", "reims"]);
    assert!(run.status.success(), "{}", text(&run));
    let out = dir.path().join("report");
    let run = common::report_2009(&[], &db, &out, &["--format", "json"]);
    assert!(run.status.success(), "{}", text(&run));
    assert!(out.join("report.json").exists());
    assert!(!out.join("index.html").exists(), "only JSON was asked for");
}

#[test]
fn a_wrong_command_line_exits_with_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("em.sqlite");
    let file = samples("visits-reims-2009.csv");
    for args in [
        vec!["report", s(&db)],
        vec!["import", s(&db)],
        vec!["import", s(&db), s(&file), "--kind", "meeting"],
        vec!["import", s(&db), s(&file), "--site", "atlantis"],
        vec!["report", s(&db), "--year", "2009", "--meetings", s(&file)],
        vec!["frobnicate"],
    ] {
        let run = em(&args);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {}", text(&run));
    }
    let run = em(&["import", s(&db), s(&file), "--site", "atlantis"]);
    assert!(
        text(&run).contains("saint-dizier"),
        "the known sites are listed"
    );
}

#[test]
fn help_speaks_to_a_coordinator() {
    let run = em(&["--help"]);
    assert!(run.status.success());
    let help = text(&run);
    for words in [
        "activity report",
        "bilan d'activité",
        "em demo",
        "Espaces métiers",
    ] {
        assert!(help.contains(words), "`{words}` missing from:\n{help}");
    }
    let run = em(&["import", "--help"]);
    let help = text(&run);
    for words in [
        "line, column and reason",
        "Windows-1252",
        "--site",
        "--mapping",
    ] {
        assert!(help.contains(words), "`{words}` missing from:\n{help}");
    }
}

#[test]
fn schema_writes_the_published_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let run = em(&["schema", "--out", s(dir.path())]);
    assert!(run.status.success(), "{}", text(&run));
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    for name in ["visit", "survey_answer", "event", "record", "statistics"] {
        let file = format!("{name}.schema.json");
        assert_eq!(
            fs::read_to_string(dir.path().join(&file)).unwrap(),
            fs::read_to_string(committed.join(&file)).unwrap(),
            "{file}"
        );
    }
}

fn governance(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/governance")
        .join(name)
}

#[test]
fn committee_plan_and_calendar_explain_their_answers() {
    let meetings = governance("meetings-2009.json");
    let run = em(&["committee", "compliance", s(&meetings), "--year", "2009"]);
    // The 2009 sample misses meetings: the table is printed, the check fails.
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    let said = text(&run);
    assert!(said.contains("required meetings held"), "{said}");
    assert!(
        said.contains("out_of_window") && said.contains("missing"),
        "{said}"
    );

    let run = em(&[
        "committee",
        "compliance",
        s(&meetings),
        "--year",
        "2009",
        "--json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(json["year"], 2009);

    let roadmap = governance("roadmap-2010.json");
    let proposals = governance("proposals-2010.json");
    let run = em(&[
        "plan",
        "--roadmap",
        s(&roadmap),
        "--proposals",
        s(&proposals),
        "arbitrate",
        "--site",
        "sedan",
    ]);
    assert!(run.status.success(), "{}", text(&run));
    let said = text(&run);
    assert!(said.starts_with("sedan: "), "{said}");
    assert!(
        said.contains("[kept]") && said.contains("[dropped]"),
        "{said}"
    );
    assert!(!said.contains("reims"), "only Sedan was asked for");

    let run = em(&[
        "plan",
        "--roadmap",
        s(&roadmap),
        "--proposals",
        s(&proposals),
        "region",
    ]);
    assert!(run.status.success(), "{}", text(&run));
    assert!(text(&run).contains("regional budget"), "{}", text(&run));

    let dir = tempfile::tempdir().unwrap();
    let ics = dir.path().join("2010.ics");
    let run = em(&[
        "calendar",
        "--year",
        "2010",
        "--site",
        "sedan",
        "--out",
        s(&ics),
    ]);
    assert!(run.status.success(), "{}", text(&run));
    let calendar = fs::read_to_string(&ics).unwrap();
    assert!(calendar.starts_with("BEGIN:VCALENDAR"), "{calendar}");
    assert!(calendar.contains("BEGIN:VEVENT"));
}

#[test]
fn territory_answers_with_sentences_or_json() {
    let run = em(&["territory", "coverage"]);
    assert!(run.status.success(), "{}", text(&run));
    assert!(text(&run).contains("11 sites"), "{}", text(&run));

    // Givet, at the northern tip of the Ardennes.
    let run = em(&["territory", "add", "08190", "--json"]);
    assert!(run.status.success(), "{}", text(&run));
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert!(
        json["explanation"].as_str().unwrap().contains("Givet"),
        "{json}"
    );

    let run = em(&["territory", "close", "atlantis"]);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run));
}

#[test]
fn label_judges_an_application_and_follows_its_steps() {
    let applications = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/applications");
    let run = em(&["label", "check", s(&applications.join("langres-2010.toml"))]);
    assert!(run.status.success(), "{}", text(&run));
    assert!(text(&run).starts_with("Eligible"), "{}", text(&run));
    let run = em(&[
        "label",
        "check",
        s(&applications.join("nogent-2010-incomplete.json")),
    ]);
    assert!(text(&run).starts_with("Not eligible"), "{}", text(&run));

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("em.sqlite");
    // Steps are recorded in an existing database only: a mistyped path
    // must not start a second one.
    let run = em(&["label", "list", s(&db)]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(em(&["init", s(&db)]).status.success());
    let step = |date: &str, role: &str, action: &[&str]| {
        let mut args = vec![
            "label",
            "advance",
            s(&db),
            "langres-2010",
            "--role",
            role,
            "--actor",
            "Pays de Langres",
            "--date",
            date,
        ];
        args.extend_from_slice(action);
        em(&args)
    };
    let file = applications.join("langres-2010.toml");
    let run = step("2010-03-01", "host_structure", &["draft", s(&file)]);
    assert!(run.status.success(), "{}", text(&run));
    let run = step("2010-03-02", "host_structure", &["submit"]);
    assert!(
        text(&run).contains("submitted (eligible)"),
        "{}",
        text(&run)
    );
    // The Region cannot decide before the Commission's opinion.
    let run = step("2010-03-03", "region", &["decide", "--granted"]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));

    let run = em(&["label", "show", s(&db), "langres-2010"]);
    let said = text(&run);
    assert!(said.contains("#1") && said.contains("#2"), "{said}");
    assert!(
        !said.contains("#3"),
        "the refused step is not recorded: {said}"
    );
}

#[test]
fn logs_go_to_standard_error_and_leave_results_alone() {
    let quiet = em(&["territory", "coverage"]);
    let verbose = em(&["-v", "territory", "coverage"]);
    assert!(quiet.status.success() && verbose.status.success());
    assert_eq!(quiet.stdout, verbose.stdout, "-v changed the results");
    assert!(quiet.stderr.is_empty(), "{}", text(&quiet));
    assert!(
        String::from_utf8_lossy(&verbose.stderr).contains("INFO"),
        "{}",
        text(&verbose)
    );
    let filtered = Command::new(env!("CARGO_BIN_EXE_em"))
        .args(["territory", "coverage"])
        .env("EM_LOG", "info")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&filtered.stderr).contains("INFO"));
}

#[test]
fn a_site_with_its_own_headers_imports_through_its_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("em.sqlite");
    let file = data("mapping/own-headers.csv");
    let mapping = data("mapping/own-headers.toml");
    let base = [
        "import",
        s(&db),
        s(&file),
        "--site",
        "chaumont",
        "--kind",
        "visit",
    ];
    let run = em(&base);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    let said = text(&run);
    assert!(said.contains("no column holds `date`"), "{said}");
    assert!(said.contains("column A «Jour de passage»"), "{said}");
    assert_eq!(counts(&db).visits, 0);

    let mut with_mapping = base.to_vec();
    with_mapping.extend(["--mapping", s(&mapping)]);
    let run = em(&with_mapping);
    assert!(run.status.success(), "{}", text(&run));
    assert_eq!(counts(&db).visits, 2);

    // A mapping that names a field records do not have is refused, named.
    let broken = dir.path().join("broken.toml");
    let text_of = fs::read_to_string(&mapping).unwrap();
    fs::write(&broken, text_of.replace("themes = [", "shoe_size = [")).unwrap();
    let mut with_broken = base.to_vec();
    with_broken.extend(["--mapping", s(&broken)]);
    let run = em(&with_broken);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(text(&run).contains("shoe_size"), "{}", text(&run));
}

/// `em import … 2>&1 | head` closes the pipe before em is done: the lines
/// are dropped, never a panic, and the exit code still says the file was
/// refused, for a script under `set -o pipefail`.
#[test]
fn a_closed_pipe_drops_the_lines_but_not_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("em.sqlite");
    let bad = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad/visits-sedan-lf.csv");
    let good = samples("visits-reims-2009.csv");
    for (file, site, code) in [(&bad, "sedan", 1), (&good, "reims", 0)] {
        let (reader, writer) = std::io::pipe().unwrap();
        // Nobody reads: every write meets a closed pipe.
        drop(reader);
        let status = Command::new(env!("CARGO_BIN_EXE_em"))
            .args(["import", s(&db), "--site", site, s(file)])
            .stdout(writer.try_clone().unwrap())
            .stderr(writer)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(code), "{}", file.display());
    }
}
