//! The shipped Champagne-Ardenne specification judging the sample
//! applications of `examples/applications/`: every verdict, the sentences a
//! Commission member reads, and the same as JSON.

use em_core::{Registry, Ruleset};
use em_labelling::{
    CheckError, Evaluation, FactValue, Format, Labelling, LabellingRules, Level, Outcome, Verdict,
};
use jiff::civil::date;

const COMPLETE: &str = include_str!("../../../examples/applications/langres-2010.toml");
const INCOMPLETE: &str = include_str!("../../../examples/applications/nogent-2010-incomplete.json");

fn rules() -> LabellingRules {
    LabellingRules::from_ruleset(&Ruleset::champagne_ardenne()).expect("shipped rules load")
}

fn labelling() -> Labelling {
    Labelling::from_ruleset(
        &Ruleset::champagne_ardenne(),
        &Registry::champagne_ardenne(),
    )
    .expect("shipped labelling loads")
}

/// Judges an application file with the shipped labelling, in its territory.
fn check_application(
    labelling: &Labelling,
    text: &str,
    format: Format,
) -> Result<Evaluation, CheckError> {
    labelling
        .check_application(text, format)
        .map(|checked| checked.evaluation)
}

fn verdict<'e>(evaluation: &'e Evaluation, id: &str) -> &'e em_labelling::CriterionResult {
    evaluation
        .criteria
        .iter()
        .find(|c| c.id() == id)
        .unwrap_or_else(|| panic!("no criterion `{id}`"))
}

#[test]
fn the_shipped_specification_covers_what_the_source_names() {
    let rules = rules();
    let in_force = rules.specification.in_force(date(2010, 3, 15)).unwrap();
    let ids: Vec<&str> = in_force.criteria().iter().map(|c| &*c.id).collect();
    for id in [
        "host_structure",
        "resource_centre",
        "reception_desk",
        "reception_desk.weekly_hours",
        "action_programme",
        "coordinator",
        "coordinator.working_time",
        "partners",
        "regional_charter",
        "financial_plan",
        "financial_plan.region_share",
        "statistics_reporting",
        "communication_charter",
        "open_access",
    ] {
        assert!(
            ids.contains(&id),
            "criterion `{id}` is missing from {ids:?}"
        );
    }
    // Every threshold the source does not give is marked as the region's.
    let regional: Vec<&str> = in_force
        .criteria()
        .iter()
        .filter(|c| c.regional_choice)
        .map(|c| &*c.id)
        .collect();
    assert_eq!(
        regional,
        [
            "catchment_overlap",
            "coordinator.working_time",
            "financial_plan.region_share",
            "partners",
            "reception_desk.weekly_hours",
        ]
    );
    let profile = rules.job_profile.in_force(date(2010, 3, 15)).unwrap();
    assert!(profile.criteria().len() >= 4);
}

#[test]
fn the_complete_application_is_eligible_on_every_criterion() {
    let evaluation = check_application(&labelling(), COMPLETE, Format::Toml).unwrap();
    assert_eq!(
        evaluation.outcome,
        Outcome::Eligible,
        "{}",
        evaluation.to_text()
    );
    // The catchment overlap is worked out from the site's commune.
    assert!(
        evaluation
            .criteria
            .iter()
            .all(|c| c.verdict == Verdict::Met)
    );
    assert_eq!(
        evaluation.counts().to_string(),
        "required: 15 met, 0 not met, 0 unknown; recommended: 2 met, 0 not met, 0 unknown"
    );
    assert_eq!(evaluation.pin.day, date(2010, 3, 15));
    assert_eq!(evaluation.pin.ruleset, "champagne-ardenne");
    let hours = verdict(&evaluation, "reception_desk.weekly_hours");
    assert_eq!(
        hours.explanation(),
        "Met: « Heures d'ouverture hebdomadaires de la permanence d'accueil » is 21 h/semaine \
         (at least 15 h/semaine required)."
    );
    assert_eq!(hours.values()[0].value, Some(FactValue::Number(21.0)));
}

#[test]
fn the_incomplete_application_gets_every_failure_at_once() {
    let evaluation = check_application(&labelling(), INCOMPLETE, Format::Json).unwrap();
    assert_eq!(evaluation.outcome, Outcome::NotEligible);
    let failed: Vec<&str> = evaluation
        .failures()
        .filter(|c| c.level() == Level::Required)
        .map(|c| c.id())
        .collect();
    assert_eq!(
        failed,
        [
            "coordinator.working_time",
            "financial_plan.region_share",
            "partners",
            "reception_desk.weekly_hours",
            "regional_charter",
            "resource_centre",
        ]
    );
    let unknown: Vec<&str> = evaluation.unknowns().map(|c| c.id()).collect();
    assert_eq!(
        unknown,
        [
            "catchment_overlap",
            "communication_charter",
            "steering_committee",
            "technical_committee"
        ]
    );
    // The application names no commune, so its overlap cannot be worked
    // out: a required criterion left unknown.
    assert_eq!(
        evaluation.missing_required_facts(),
        [
            "catchment_overlap.share".into(),
            "commitments.communication_charter".into()
        ]
    );
    assert_eq!(
        evaluation.counts().to_string(),
        "required: 7 met, 6 not met, 2 unknown; recommended: 0 met, 0 not met, 2 unknown"
    );
    let cases = [
        (
            "partners",
            "Not met: « Partenaires engagés (lettres d'engagement) » has 2 entries (state, chamber), \
             but must be at least 3 entries; « Partenaires engagés (lettres d'engagement) » lacks \
             region (it must include region).",
        ),
        (
            "resource_centre",
            "Not met: « Thèmes couverts par le centre de ressources » lacks training (it must \
             include guidance, employment, training).",
        ),
        (
            "regional_charter",
            "Not met: « Charte régionale des Espaces métiers signée » is no, but must be yes; \
             « Date de signature de la charte régionale » is not stated, but must be.",
        ),
        (
            "communication_charter",
            "Cannot be judged: « Engagement à respecter la charte régionale de communication » is \
             not stated; it must be yes.",
        ),
        (
            "financial_plan",
            "Met: « Budget annuel du plan de financement » is 41000 € (more than 0 € required); \
             « Part du Conseil régional dans le plan de financement » is 85 % (more than 0 % \
             required); « Cofinanceurs du plan de financement » has 1 entry (state) (at least 1 \
             entry required).",
        ),
        (
            "financial_plan.region_share",
            "Not met: « Part du Conseil régional dans le plan de financement » is 85 %, but must \
             be at most 80 %.",
        ),
    ];
    for (id, sentence) in cases {
        assert_eq!(verdict(&evaluation, id).explanation(), sentence, "{id}");
    }
    assert!(
        evaluation
            .summary
            .starts_with("Not eligible: 6 of the 15 required criteria not met"),
        "{}",
        evaluation.summary
    );
}

#[test]
fn the_explanation_as_json_reads_back_the_same() {
    let evaluation = check_application(&labelling(), INCOMPLETE, Format::Json).unwrap();
    let json = serde_json::to_value(&evaluation).unwrap();
    assert_eq!(json["outcome"], "not_eligible");
    assert_eq!(json["criteria"][0]["verdict"], "met");
    let partners = json["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "partners")
        .unwrap();
    assert_eq!(
        partners["values"][0]["value"],
        serde_json::json!(["state", "chamber"])
    );
    let back: Evaluation = serde_json::from_value(json).unwrap();
    assert_eq!(back, evaluation);
}

#[test]
fn the_same_application_in_toml_and_json_is_judged_the_same() {
    let labelling = labelling();
    let toml = check_application(&labelling, COMPLETE, Format::Toml).unwrap();
    let document = em_labelling::ApplicationDocument::parse(COMPLETE, Format::Toml).unwrap();
    let json =
        check_application(&labelling, &document.to_json().to_string(), Format::Json).unwrap();
    assert_eq!(toml, json);
}

#[test]
fn an_application_without_a_submission_day_cannot_be_judged() {
    let text = COMPLETE.replace("submitted = \"2010-03-15\"\n", "");
    let err = check_application(&labelling(), &text, Format::Toml).unwrap_err();
    assert_eq!(err, CheckError::NotSubmitted);
}

#[test]
fn an_application_submitted_before_the_specification_existed_is_not_judged() {
    let text = COMPLETE.replace("2010-03-15", "2006-11-30");
    let err = check_application(&labelling(), &text, Format::Toml).unwrap_err();
    assert!(err.to_string().contains("2006-11-30"), "{err}");
}

#[test]
fn every_problem_of_an_application_file_is_reported_with_its_place() {
    let text = COMPLETE
        .replace("weekly_hours = 21", "weekly_hours = \"21\"")
        .replace("signed = true", "signed = true\nsigned_by = \"le maire\"")
        .replace(
            "site = \"Langres\"",
            "site = \"Langres\"\ncolour = \"blue\"",
        );
    let err = match check_application(&labelling(), &text, Format::Toml) {
        Err(CheckError::Application(errors)) => errors,
        other => panic!("expected application errors, got {other:?}"),
    };
    let paths: Vec<&str> = err.0.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        ["colour"],
        "unknown top-level fields stop the reading: {err}"
    );

    let text = COMPLETE
        .replace("weekly_hours = 21", "weekly_hours = \"21\"")
        .replace("signed = true", "signed = true\nsigned_by = \"le maire\"");
    let err = match check_application(&labelling(), &text, Format::Toml) {
        Err(CheckError::Application(errors)) => errors,
        other => panic!("expected application errors, got {other:?}"),
    };
    let found: Vec<(&str, Option<usize>)> =
        err.0.iter().map(|e| (e.path.as_str(), e.line)).collect();
    assert_eq!(
        found,
        [
            ("facts.reception_desk.weekly_hours", Some(29)),
            ("facts.regional_charter.signed_by", Some(44)),
        ],
        "{err}"
    );
    assert!(err.0[0].reason.contains("is a number"), "{err}");
    assert!(err.0[1].reason.contains("not a fact"), "{err}");
}
