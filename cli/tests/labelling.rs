//! End-to-end tests of `em label` and `em recruitment`: exit codes that tell
//! an eligible application from one that is not, the counts by level, the
//! catchment overlap judged in every path, and a CTEM candidacy taken
//! through the recruitment committee in the database's journal.

use std::fs;
use std::path::{Path, PathBuf};

mod common;
use common::{em, s, text};

fn application(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/applications")
        .join(name)
}

#[test]
fn label_check_exits_zero_only_for_an_eligible_application_and_counts_by_level() {
    let run = em(&["label", "check", s(&application("langres-2010.toml"))]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    let said = text(&run);
    assert!(
        said.contains(
            "required: 15 met, 0 not met, 0 unknown; recommended: 2 met, 0 not met, 0 unknown"
        ),
        "{said}"
    );
    assert!(said.contains("[met, required]"), "{said}");

    let run = em(&[
        "label",
        "check",
        s(&application("nogent-2010-incomplete.json")),
    ]);
    assert_eq!(run.status.code(), Some(3), "{}", text(&run));
    let said = text(&run);
    assert!(said.starts_with("Not eligible"), "{said}");
    assert!(
        said.contains(
            "required: 7 met, 6 not met, 2 unknown; recommended: 0 met, 0 not met, 2 unknown"
        ),
        "{said}"
    );
    assert!(
        said.contains("error: the application is not eligible"),
        "{said}"
    );

    // The JSON form says the same and exits the same way.
    let run = em(&[
        "label",
        "check",
        "--json",
        s(&application("nogent-2010-incomplete.json")),
    ]);
    assert_eq!(run.status.code(), Some(3), "{}", text(&run));
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(json["outcome"], "not_eligible");
}

#[test]
fn label_check_of_a_site_next_to_reims_fails_the_overlap_with_the_figures() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tinqueux.toml");
    let original = fs::read_to_string(application("langres-2010.toml")).unwrap();
    fs::write(&file, original.replace("\"51507\"", "\"51573\"")).unwrap();
    let run = em(&["label", "check", s(&file)]);
    assert_eq!(run.status.code(), Some(3), "{}", text(&run));
    let said = text(&run);
    assert!(
        said.contains("required: 14 met, 1 not met, 0 unknown"),
        "{said}"
    );
    assert!(said.contains("A site in Tinqueux (51573)"), "{said}");
    assert!(said.contains("[not_met, required]"), "{said}");

    // The same application stored and submitted is judged the same way.
    let db = dir.path().join("em.sqlite");
    assert!(em(&["init", s(&db)]).status.success());
    let step = |date: &str, action: &[&str]| {
        let mut args = vec![
            "label",
            "advance",
            s(&db),
            "tinqueux",
            "--role",
            "host_structure",
            "--actor",
            "Maison de l'emploi",
            "--date",
            date,
        ];
        args.extend_from_slice(action);
        em(&args)
    };
    let run = step("2010-03-01", &["draft", s(&file)]);
    assert!(run.status.success(), "{}", text(&run));
    let run = step("2010-03-15", &["submit"]);
    assert!(run.status.success(), "{}", text(&run));
    assert!(
        text(&run).contains("submitted (not eligible)"),
        "{}",
        text(&run)
    );
    let run = em(&["label", "show", s(&db), "tinqueux"]);
    assert!(
        text(&run).contains("A site in Tinqueux (51573)"),
        "{}",
        text(&run)
    );
}

const CANDIDATE: &str = r#"
applicant = "candidature-2010-03"
site = "Langres"
submitted = "2010-09-01"
[facts]
"post.employer" = "host_structure"
"post.working_time" = 1.0
"candidate.qualification_level" = 5
"candidate.experience_years" = 4
"candidate.skills" = ["project_management", "partnership_facilitation"]
"candidate.knows_territory" = true
"candidate.driving_licence" = true
"#;

#[test]
fn a_ctem_candidate_is_checked_and_goes_before_the_recruitment_committee() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("candidate.toml");
    fs::write(&file, CANDIDATE).unwrap();
    let run = em(&["recruitment", "check", s(&file)]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    assert!(
        text(&run).contains("required: 4 met, 0 not met, 0 unknown"),
        "{}",
        text(&run)
    );
    let junior = dir.path().join("junior.toml");
    fs::write(
        &junior,
        CANDIDATE.replace("experience_years\" = 4", "experience_years\" = 1"),
    )
    .unwrap();
    let run = em(&["recruitment", "check", s(&junior)]);
    assert_eq!(run.status.code(), Some(3), "{}", text(&run));
    assert!(
        text(&run).contains("the candidate is not eligible"),
        "{}",
        text(&run)
    );

    let db = dir.path().join("em.sqlite");
    assert!(em(&["init", s(&db)]).status.success());
    let step = |role: &str, action: &[&str], reason: Option<&str>| {
        let mut args = vec![
            "recruitment",
            "advance",
            s(&db),
            "ctem-langres-1",
            "--role",
            role,
            "--actor",
            "Pays de Langres",
            "--date",
            "2010-09-01",
        ];
        if let Some(reason) = reason {
            args.extend_from_slice(&["--reason", reason]);
        }
        args.extend_from_slice(action);
        em(&args)
    };
    let run = step("host_structure", &["propose", s(&file)], None);
    assert!(run.status.success(), "{}", text(&run));
    assert!(
        text(&run).contains("ctem-langres-1: proposed"),
        "{}",
        text(&run)
    );
    // Only the Commission gives the recruitment committee's opinion.
    let opinion = [
        "give-opinion",
        "--opinion",
        "favourable",
        "--because",
        "Expérience solide de l'animation territoriale.",
    ];
    let run = step("region", &opinion, None);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(text(&run).contains("commission"), "{}", text(&run));
    let run = step("commission", &opinion, None);
    assert!(run.status.success(), "{}", text(&run));
    // Declining needs a reason; hiring by the employer who proposed.
    let run = step("host_structure", &["decline"], None);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    let run = step("host_structure", &["hire"], None);
    assert!(run.status.success(), "{}", text(&run));
    assert!(text(&run).contains("hired"), "{}", text(&run));

    let run = em(&["recruitment", "list", s(&db)]);
    assert!(
        text(&run).contains("ctem-langres-1")
            && text(&run).contains("hired (meets the job profile)"),
        "{}",
        text(&run)
    );
    let run = em(&["recruitment", "show", s(&db), "ctem-langres-1"]);
    let said = text(&run);
    assert!(
        said.contains("#1") && said.contains("#3") && !said.contains("#4"),
        "{said}"
    );
    assert!(
        said.contains("give_opinion by Pays de Langres (commission)"),
        "{said}"
    );
    // The opinion the step recorded is printed under it, indented as the
    // derived facts under a submission in `em label show`.
    assert!(
        said.contains("\n      opinion: {") && said.contains("Expérience solide"),
        "{said}"
    );
    // The candidacy shares the labelling applications' journal.
    let run = em(&["label", "list", s(&db)]);
    assert!(text(&run).contains("no application"), "{}", text(&run));
}

#[test]
fn a_step_dated_after_today_or_by_no_actor_is_refused_naming_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("em.sqlite");
    assert!(em(&["init", s(&db)]).status.success());
    let langres = application("langres-2010.toml");
    let candidate = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/recruitment")
        .join("ctem-candidate-2010.toml");
    let advance = |command: &str, actor: &str, date: &str, action: &[&str]| {
        let mut args = vec![
            command,
            "advance",
            s(&db),
            "z2",
            "--role",
            "host_structure",
            "--actor",
            actor,
            "--date",
            date,
        ];
        args.extend_from_slice(action);
        em(&args)
    };
    for (command, action) in [
        ("label", ["draft", s(&langres)]),
        ("recruitment", ["propose", s(&candidate)]),
    ] {
        let run = advance(command, "a", "9999-12-31", &action);
        assert_eq!(run.status.code(), Some(1), "{}", text(&run));
        let said = text(&run);
        assert!(
            said.contains("--date: the step is dated 9999-12-31, after today"),
            "{said}"
        );
        let run = advance(command, " ", "2010-03-01", &action);
        assert_eq!(run.status.code(), Some(1), "{}", text(&run));
        assert!(
            text(&run).contains("--actor: the actor is empty"),
            "{}",
            text(&run)
        );
        // Nothing was recorded: the real step is taken.
        let run = advance(command, "a", "2010-03-01", &action);
        assert!(run.status.success(), "{}", text(&run));
    }
    // The shipped candidate file is the example the README points to.
    let run = em(&["recruitment", "check", s(&candidate)]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
}
