//! The life of an application and of a candidacy through the store-backed
//! service: every step journaled, wrong roles and states refused with what
//! would have been allowed, the label renewed, suspended and withdrawn, an
//! application never re-judged by a later specification, and a submission
//! judged with its territory (the catchment overlap).

use em_core::{Registry, Ruleset};
use em_labelling::applications::{Applications, ServiceError};
use em_labelling::{
    ApplicationState, CandidacyCommand, CandidacyState, Command, Context, Decision, Event, Format,
    LabelPeriod, Labelling, LabellingRules, Opinion, OpinionKind, Outcome, Role, TransitionError,
    Verdict,
};
use em_store::Store;
use em_territory::{Territory, TerritoryRuleset};
use jiff::Timestamp;
use jiff::civil::{Date, date};

const COMPLETE: &str = include_str!("../../../examples/applications/langres-2010.toml");
const INCOMPLETE: &str = include_str!("../../../examples/applications/nogent-2010-incomplete.json");
const CANDIDATE: &str = include_str!("../../../examples/recruitment/ctem-candidate-2010.toml");

/// The shipped labelling rules in the shipped territory, or `rules` in it.
fn labelling_with(rules: Option<LabellingRules>) -> Labelling {
    let ruleset = Ruleset::champagne_ardenne();
    let rules = rules.unwrap_or_else(|| LabellingRules::from_ruleset(&ruleset).unwrap());
    Labelling::new(
        rules,
        Territory::from_registry(&Registry::champagne_ardenne()).unwrap(),
        TerritoryRuleset::from_ruleset(&ruleset).unwrap(),
    )
    .expect("shipped labelling loads")
}

/// A fresh store with the shipped labelling; `service()` opens the
/// applications over them.
struct Bench {
    store: Store,
    labelling: Labelling,
}

impl Bench {
    fn new() -> Bench {
        Bench {
            store: Store::open_in_memory().unwrap(),
            labelling: labelling_with(None),
        }
    }

    fn service(&mut self) -> Applications<'_> {
        Applications::new(&mut self.store, &self.labelling)
    }
}

fn ctx(role: Role, day: Date, reason: &str) -> Context {
    Context {
        role,
        actor: format!("{role} (test)"),
        day,
        reason: reason.to_owned(),
    }
}

fn at(day: Date) -> Timestamp {
    day.at(10, 0, 0, 0).in_tz("UTC").unwrap().timestamp()
}

fn opinion(kind: OpinionKind) -> Opinion {
    Opinion {
        kind,
        reasons: vec!["Offre de services complète, partenariat solide.".into()],
        conditions: if kind == OpinionKind::FavourableWithReservations {
            vec!["Étendre la permanence au samedi matin.".into()]
        } else {
            vec![]
        },
    }
}

/// One step: who, when, why, what.
type Step = (Role, Date, &'static str, Command);

fn draft(text: &str, format: Format) -> Command {
    Command::draft_from_text(text, format).unwrap()
}

/// The host structure drafts on the first day and submits on the second.
fn to_submission(draft: &Command, days: [Date; 2]) -> Vec<Step> {
    vec![
        (Role::HostStructure, days[0], "", draft.clone()),
        (Role::HostStructure, days[1], "", Command::Submit),
    ]
}

/// The procedure up to the Commission's opinion: the host structure drafts
/// and submits, the regional coordination declares the application
/// complete, the Commission gives its opinion, on the four days given.
fn to_opinion(draft: &Command, days: [Date; 4], kind: OpinionKind) -> Vec<Step> {
    let mut steps = to_submission(draft, [days[0], days[1]]);
    steps.push((
        Role::RegionalCoordination,
        days[2],
        "",
        Command::DeclareComplete,
    ));
    steps.push((
        Role::Commission,
        days[3],
        "",
        Command::GiveOpinion {
            opinion: opinion(kind),
        },
    ));
    steps
}

/// The procedure up to the label granted on the fifth day.
fn to_label(draft: &Command, days: [Date; 5], kind: OpinionKind) -> Vec<Step> {
    let mut steps = to_opinion(draft, [days[0], days[1], days[2], days[3]], kind);
    steps.push((
        Role::Region,
        days[4],
        "",
        Command::Decide {
            decision: Decision::Granted,
        },
    ));
    steps
}

/// Takes the steps and returns the application's state after each.
fn run(service: &mut Applications<'_>, id: &str, steps: &[Step]) -> Vec<ApplicationState> {
    steps
        .iter()
        .map(|(role, day, reason, command)| {
            service
                .advance(id, &ctx(*role, *day, reason), at(*day), command)
                .unwrap_or_else(|e| panic!("{}: {e}", command.action()))
                .state
        })
        .collect()
}

#[test]
fn an_application_goes_from_draft_to_a_renewed_label_and_every_step_is_journaled() {
    let mut bench = Bench::new();
    let mut service = bench.service();
    use ApplicationState as S;
    let mut steps = to_label(
        &draft(COMPLETE, Format::Toml),
        [
            date(2010, 3, 1),
            date(2010, 3, 15),
            date(2010, 3, 22),
            date(2010, 6, 15),
            date(2010, 7, 2),
        ],
        OpinionKind::FavourableWithReservations,
    );
    steps.push((
        Role::HostStructure,
        date(2011, 2, 20),
        "",
        Command::SubmitActivityReport { year: 2010 },
    ));
    let states = run(&mut service, "langres-2010", &steps);
    assert_eq!(
        states,
        [
            S::Draft,
            S::Submitted,
            S::Complete,
            S::OpinionGiven,
            S::Granted,
            S::Granted
        ]
    );
    let (application, history) = service.show("langres-2010").unwrap();
    // Granted for 36 months from 2 July 2010, then 12 more for the 2010 report.
    assert_eq!(
        application.label,
        Some(LabelPeriod {
            from: date(2010, 7, 2),
            until: date(2014, 7, 1),
        })
    );
    assert_eq!(
        application.evaluation.as_ref().unwrap().outcome,
        Outcome::Eligible
    );
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "draft",
            "submit",
            "declare_complete",
            "give_opinion",
            "decide",
            "submit_activity_report"
        ]
    );
    assert_eq!(history[3].role, "commission");
    assert!(matches!(
        history[5].event,
        Event::Renewed { year: 2010, .. }
    ));
    assert_eq!(service.verify().unwrap().entries, 6);

    let list = service.list(date(2015, 1, 1)).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].status, "granted, expired on 2014-07-01");
}

#[test]
fn a_step_by_the_wrong_role_or_from_the_wrong_state_says_what_is_allowed() {
    let mut bench = Bench::new();
    let mut service = bench.service();
    let day = date(2010, 3, 1);
    run(
        &mut service,
        "a",
        &[(Role::HostStructure, day, "", draft(COMPLETE, Format::Toml))],
    );

    let err = service
        .advance(
            "a",
            &ctx(Role::Commission, day, ""),
            at(day),
            &Command::Submit,
        )
        .unwrap_err();
    match err {
        ServiceError::Application(TransitionError::WrongRole {
            action,
            role,
            allowed,
        }) => {
            assert_eq!(
                (action, role, allowed),
                ("submit", Role::Commission, vec![Role::HostStructure])
            );
        }
        other => panic!("expected a wrong role, got {other}"),
    }

    let decide = Command::Decide {
        decision: Decision::Granted,
    };
    let err = service
        .advance("a", &ctx(Role::Region, day, ""), at(day), &decide)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`decide` cannot be taken when it is draft; it starts from: opinion_given"
    );
    // Refused steps leave nothing in the journal.
    assert_eq!(service.verify().unwrap().entries, 1);
}

#[test]
fn an_incomplete_application_is_sent_back_and_cannot_be_declared_complete() {
    let mut bench = Bench::new();
    let mut service = bench.service();
    let d = date(2010, 4, 2);
    let steps = to_submission(&draft(INCOMPLETE, Format::Json), [d; 2]);
    run(&mut service, "nogent", &steps);
    let err = service
        .advance(
            "nogent",
            &ctx(Role::RegionalCoordination, d, ""),
            at(d),
            &Command::DeclareComplete,
        )
        .unwrap_err();
    assert!(
        matches!(&err, ServiceError::Application(TransitionError::Incomplete { missing })
            if missing == &["catchment_overlap.share", "commitments.communication_charter"]),
        "{err}"
    );
    let err = service
        .advance(
            "nogent",
            &ctx(Role::RegionalCoordination, d, " "),
            at(d),
            &Command::SendBack,
        )
        .unwrap_err();
    assert!(err.to_string().contains("needs a reason"), "{err}");
    let app = service
        .advance(
            "nogent",
            &ctx(
                Role::RegionalCoordination,
                d,
                "Engagement sur la charte de communication manquant.",
            ),
            at(d),
            &Command::SendBack,
        )
        .unwrap();
    assert_eq!(app.state, ApplicationState::SentBack);
    let (_, history) = service.show("nogent").unwrap();
    assert_eq!(
        history[2].reason,
        "Engagement sur la charte de communication manquant."
    );
}

#[test]
fn the_region_deciding_against_the_opinion_must_say_why() {
    let mut bench = Bench::new();
    let mut service = bench.service();
    let d = date(2010, 3, 15);
    let steps = to_opinion(
        &draft(COMPLETE, Format::Toml),
        [d; 4],
        OpinionKind::Favourable,
    );
    run(&mut service, "x", &steps);
    let refuse = Command::Decide {
        decision: Decision::Refused,
    };
    let err = service
        .advance("x", &ctx(Role::Region, d, ""), at(d), &refuse)
        .unwrap_err();
    assert!(
        err.to_string().contains("against the Commission's opinion"),
        "{err}"
    );
    let app = service
        .advance(
            "x",
            &ctx(Role::Region, d, "Budget régional épuisé pour 2010."),
            at(d),
            &refuse,
        )
        .unwrap();
    assert_eq!(app.state, ApplicationState::Refused);
}

#[test]
fn a_label_is_suspended_reinstated_withdrawn_and_an_expired_one_is_not_renewed() {
    let mut bench = Bench::new();
    let mut service = bench.service();
    let d = date(2010, 3, 15);
    use ApplicationState as S;
    let granted = to_label(
        &draft(COMPLETE, Format::Toml),
        [d; 5],
        OpinionKind::Favourable,
    );
    run(&mut service, "a", &granted);
    let states = run(
        &mut service,
        "a",
        &[
            (
                Role::Region,
                date(2011, 1, 10),
                "Permanence fermée depuis trois mois.",
                Command::Suspend,
            ),
            (Role::Region, date(2011, 4, 1), "", Command::Reinstate),
            (
                Role::Region,
                date(2012, 1, 5),
                "Plus de coordinateur depuis un an.",
                Command::Withdraw,
            ),
        ],
    );
    assert_eq!(states, [S::Suspended, S::Granted, S::Withdrawn]);

    run(&mut service, "b", &granted);
    let late = date(2013, 3, 16);
    let err = service
        .advance(
            "b",
            &ctx(Role::HostStructure, late, ""),
            at(late),
            &Command::SubmitActivityReport { year: 2012 },
        )
        .unwrap_err();
    assert!(err.to_string().contains("expired on 2013-03-14"), "{err}");
    let early = date(2010, 12, 1);
    let err = service
        .advance(
            "b",
            &ctx(Role::HostStructure, early, ""),
            at(early),
            &Command::SubmitActivityReport { year: 2010 },
        )
        .unwrap_err();
    assert!(err.to_string().contains("not over yet"), "{err}");
    let back = date(2010, 1, 1);
    let err = service
        .advance(
            "b",
            &ctx(Role::Region, back, "x"),
            at(back),
            &Command::Suspend,
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("before the previous step"),
        "{err}"
    );
    assert_eq!(service.verify().unwrap().entries, 13);
}

#[test]
fn a_later_specification_does_not_re_judge_a_submitted_application() {
    // The application is judged in 2010 with the 15-hour rule; the region
    // then raises the threshold to 25 hours from 2012 on.
    let shipped = Ruleset::champagne_ardenne();
    let text = shipped.file("labelling.toml").unwrap();
    let raised = text.replacen(
        "from = \"2007-04-01\"\ncondition = { ge = { fact = \"reception_desk.weekly_hours\", value = 15 } }",
        "from = \"2007-04-01\"\nuntil = \"2011-12-31\"\ncondition = { ge = { fact = \"reception_desk.weekly_hours\", value = 15 } }\n\n\
         [[specification.criteria]]\nid = \"reception_desk.weekly_hours\"\nlabel = \"Permanence d'accueil ouverte au moins 25 heures par semaine\"\n\
         source = \"Réseau EM\"\nlevel = \"required\"\nregional_choice = true\nrationale = \"Relevé en 2012.\"\n\
         from = \"2012-01-01\"\ncondition = { ge = { fact = \"reception_desk.weekly_hours\", value = 25 } }",
        1,
    );
    assert_ne!(raised, text);
    let mut bench = Bench::new();
    let new_labelling = labelling_with(Some(
        LabellingRules::parse("labelling.toml", &raised, "champagne-ardenne", "2012.1").unwrap(),
    ));
    let draft = draft(COMPLETE, Format::Toml);
    let d = date(2010, 3, 15);
    let submitted = to_submission(&draft, [d; 2]);
    run(&mut bench.service(), "langres", &submitted);
    let mut service = Applications::new(&mut bench.store, &new_labelling);
    let (application, _) = service.show("langres").unwrap();
    let evaluation = application.evaluation.unwrap();
    assert_eq!(evaluation.outcome, Outcome::Eligible);
    assert_eq!(evaluation.pin.ruleset_version, "2026.1");
    // Judged again by the new file, the day of 2010 still has the 15-hour
    // rule: the pinned digest matches.
    let again = new_labelling.rules().specification.in_force(d).unwrap();
    assert_eq!(again.pin.digest, evaluation.pin.digest);

    // The same file submitted in 2012 meets the 25-hour rule and fails.
    let d2 = date(2012, 3, 15);
    let submitted = to_submission(&draft, [d2; 2]);
    run(&mut service, "langres-2012", &submitted);
    let (later, _) = service.show("langres-2012").unwrap();
    let later = later.evaluation.unwrap();
    assert_eq!(later.outcome, Outcome::NotEligible);
    assert_ne!(later.pin.digest, evaluation.pin.digest);
    assert_eq!(
        service
            .list(d2)
            .unwrap()
            .iter()
            .map(|s| s.outcome)
            .collect::<Vec<_>>(),
        [Some(Outcome::Eligible), Some(Outcome::NotEligible)]
    );
}

#[test]
fn a_ctem_candidate_goes_before_the_recruitment_committee_in_the_same_journal() {
    let mut bench = Bench::new();
    let mut service = bench.service();
    let candidate = r#"
        applicant = "candidature-2010-03"
        site = "Langres"
        [facts]
        "post.employer" = "host_structure"
        "post.working_time" = 1.0
        "candidate.qualification_level" = 5
        "candidate.experience_years" = 4
        "candidate.skills" = ["project_management", "partnership_facilitation"]
        "candidate.knows_territory" = true
    "#;
    let propose = CandidacyCommand::propose_from_text(candidate, Format::Toml).unwrap();
    let d = date(2010, 9, 1);
    let proposed = service
        .advance_candidacy(
            "ctem-langres-1",
            &ctx(Role::HostStructure, d, ""),
            at(d),
            &propose,
        )
        .unwrap();
    assert_eq!(proposed.state, CandidacyState::Proposed);
    let evaluation = proposed.evaluation.unwrap();
    assert_eq!(
        evaluation.outcome,
        Outcome::Eligible,
        "{}",
        evaluation.to_text()
    );
    assert_eq!(
        evaluation.unknowns().map(|c| c.id()).collect::<Vec<_>>(),
        ["mobility"]
    );

    // The Region did not propose this candidate: it does not hire.
    let give = CandidacyCommand::GiveOpinion {
        opinion: opinion(OpinionKind::Favourable),
    };
    service
        .advance_candidacy(
            "ctem-langres-1",
            &ctx(Role::Commission, d, ""),
            at(d),
            &give,
        )
        .unwrap();
    let err = service
        .advance_candidacy(
            "ctem-langres-1",
            &ctx(Role::Region, d, ""),
            at(d),
            &CandidacyCommand::Hire,
        )
        .unwrap_err();
    assert!(
        matches!(&err, ServiceError::Candidacy(TransitionError::WrongRole { allowed, .. })
            if allowed == &[Role::HostStructure]),
        "{err}"
    );
    let hired = service
        .advance_candidacy(
            "ctem-langres-1",
            &ctx(Role::HostStructure, d, ""),
            at(d),
            &CandidacyCommand::Hire,
        )
        .unwrap();
    assert_eq!(hired.state, CandidacyState::Hired);
    let (_, history) = service.show_candidacy("ctem-langres-1").unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(service.list_candidacies().unwrap().len(), 1);
    assert!(service.list(d).unwrap().is_empty());
    assert_eq!(service.verify().unwrap().entries, 3);
}

#[test]
fn unknown_ids_and_bad_ids_are_refused() {
    let mut bench = Bench::new();
    let mut service = bench.service();
    assert!(matches!(
        service.show("nothing"),
        Err(ServiceError::Unknown { .. })
    ));
    let d = date(2010, 1, 1);
    let err = service
        .advance(
            "a b",
            &ctx(Role::HostStructure, d, ""),
            at(d),
            &Command::Submit,
        )
        .unwrap_err();
    assert!(matches!(err, ServiceError::BadId(_)), "{err}");
}

#[test]
fn a_stored_submission_is_judged_with_its_territory_and_keeps_the_figures() {
    let mut bench = Bench::new();
    let mut service = bench.service();
    let d = date(2010, 3, 15);
    // The same application, for a site in Tinqueux, next to Reims.
    let next_to_reims = COMPLETE.replace("commune = \"51507\"", "commune = \"51573\"");
    assert_ne!(next_to_reims, COMPLETE);
    let steps = to_submission(&draft(&next_to_reims, Format::Toml), [d; 2]);
    run(&mut service, "tinqueux", &steps);
    let (application, history) = service.show("tinqueux").unwrap();
    let evaluation = application.evaluation.unwrap();
    assert_eq!(
        evaluation.outcome,
        Outcome::NotEligible,
        "{}",
        evaluation.summary
    );
    let overlap = evaluation
        .criteria
        .iter()
        .find(|c| c.id() == "catchment_overlap")
        .unwrap();
    assert_eq!(overlap.verdict, Verdict::NotMet);
    assert!(
        overlap.explanation().contains("must be at most 50 %"),
        "{overlap:?}"
    );
    let Event::Submitted { derived, .. } = &history[1].event else {
        panic!("the second step is the submission");
    };
    assert_eq!(derived.len(), 1);
    assert!(
        derived[0].contains("Tinqueux") && derived[0].contains("too large"),
        "{derived:?}"
    );

    // Without a commune, the coordination cannot declare it complete: the
    // overlap is required and cannot be worked out.
    let no_commune = COMPLETE.replace("commune = \"51507\"", "");
    let steps = to_submission(&draft(&no_commune, Format::Toml), [d; 2]);
    run(&mut service, "nowhere", &steps);
    let err = service
        .advance(
            "nowhere",
            &ctx(Role::RegionalCoordination, d, ""),
            at(d),
            &Command::DeclareComplete,
        )
        .unwrap_err();
    assert!(
        matches!(&err, ServiceError::Application(TransitionError::Incomplete { missing })
            if missing == &["catchment_overlap.share".to_owned()]),
        "{err}"
    );
}

#[test]
fn a_step_dated_after_today_or_without_an_actor_is_refused_and_nothing_is_written() {
    let mut bench = Bench::new();
    let today = date(2010, 6, 1);
    let mut service = bench.service().with_today(today);
    let draft = Command::draft_from_text(COMPLETE, Format::Toml).unwrap();
    let tomorrow = date(2010, 6, 2);
    let err = service
        .advance(
            "langres",
            &ctx(Role::HostStructure, tomorrow, ""),
            at(tomorrow),
            &draft,
        )
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::FutureStep { day, today: t } if day == tomorrow && t == today),
        "{err}"
    );
    assert!(
        err.to_string().contains("after today (2010-06-01)"),
        "{err}"
    );
    // Nothing was recorded, so the application can still be drafted today.
    assert!(matches!(
        service.show("langres"),
        Err(ServiceError::Unknown { .. })
    ));
    let mut blank = ctx(Role::HostStructure, today, "");
    blank.actor = " \t".into();
    let err = service
        .advance("langres", &blank, at(today), &draft)
        .unwrap_err();
    assert!(matches!(err, ServiceError::BlankActor), "{err}");
    let drafted = service
        .advance(
            "langres",
            &ctx(Role::HostStructure, today, ""),
            at(today),
            &draft,
        )
        .unwrap();
    assert_eq!(drafted.state, ApplicationState::Draft);
    assert_eq!(service.verify().unwrap().entries, 1);

    // The same rules hold for a candidacy.
    let propose = CandidacyCommand::propose_from_text(CANDIDATE, Format::Toml).unwrap();
    let err = service
        .advance_candidacy(
            "ctem-1",
            &ctx(Role::HostStructure, tomorrow, ""),
            at(tomorrow),
            &propose,
        )
        .unwrap_err();
    assert!(matches!(err, ServiceError::FutureStep { .. }), "{err}");
    let err = service
        .advance_candidacy("ctem-1", &blank, at(today), &propose)
        .unwrap_err();
    assert!(matches!(err, ServiceError::BlankActor), "{err}");
    assert!(service.list_candidacies().unwrap().is_empty());
}

#[test]
fn an_id_too_long_is_refused_with_the_maximum_length() {
    let mut bench = Bench::new();
    let mut service = bench.service();
    let d = date(2010, 1, 1);
    let long = "a".repeat(100_000);
    let err = service
        .advance(
            &long,
            &ctx(Role::HostStructure, d, ""),
            at(d),
            &Command::Submit,
        )
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::IdTooLong { length: 100_000 }),
        "{err}"
    );
    let message = err.to_string();
    assert!(message.contains("at most 128"), "{message}");
    // The message does not echo the whole id back.
    assert!(message.len() < 200, "{message}");
}

#[test]
fn the_shipped_candidate_file_meets_the_job_profile() {
    let labelling = labelling_with(None);
    let evaluation =
        em_labelling::Candidacy::check_candidate(labelling.rules(), CANDIDATE, Format::Toml)
            .unwrap();
    assert_eq!(
        evaluation.outcome,
        Outcome::Eligible,
        "{}",
        evaluation.to_text()
    );
}

#[test]
fn a_negative_share_and_a_number_beyond_2_53_are_refused_with_their_field() {
    let labelling = labelling_with(None);
    let negative = COMPLETE.replace("region_share = 60", "region_share = -50");
    let err = labelling
        .check_application(&negative, Format::Toml)
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("facts.financial_plan.region_share")
            && message.contains("cannot be negative"),
        "{message}"
    );
    let huge = INCOMPLETE.replace(
        "\"weekly_hours\": 6",
        "\"weekly_hours\": 18446744073709551616",
    );
    assert_ne!(huge, INCOMPLETE);
    let message = labelling
        .check_application(&huge, Format::Json)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("facts.reception_desk.weekly_hours")
            && message.contains("too large: at most 9007199254740992"),
        "{message}"
    );
    assert!(!message.contains("e19"), "{message}");
}
