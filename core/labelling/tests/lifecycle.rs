//! The life of an application and of a candidacy through the store-backed
//! service: every step journaled, wrong roles and states refused with what
//! would have been allowed, the label renewed, suspended and withdrawn, and
//! an application never re-judged by a later specification.

use em_core::Ruleset;
use em_labelling::applications::{Applications, ServiceError};
use em_labelling::{
    ApplicationState, CandidacyCommand, CandidacyState, Command, Context, Decision, Event, Format,
    LabelPeriod, LabellingRules, Opinion, OpinionKind, Outcome, Role, TransitionError,
};
use em_store::Store;
use jiff::Timestamp;
use jiff::civil::{Date, date};

const COMPLETE: &str = include_str!("../../../examples/applications/langres-2010.toml");
const INCOMPLETE: &str = include_str!("../../../examples/applications/nogent-2010-incomplete.json");

fn rules() -> LabellingRules {
    LabellingRules::from_ruleset(&Ruleset::champagne_ardenne()).expect("shipped rules load")
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

/// Takes the steps and returns the application's state after each.
fn run(
    service: &mut Applications<'_>,
    id: &str,
    steps: &[(Role, Date, &str, Command)],
) -> Vec<ApplicationState> {
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
    let rules = rules();
    let mut store = Store::open_in_memory().unwrap();
    let mut service = Applications::new(&mut store, &rules);
    let draft = Command::draft_from_text(COMPLETE, Format::Toml).unwrap();
    use ApplicationState as S;
    let states = run(
        &mut service,
        "langres-2010",
        &[
            (Role::HostStructure, date(2010, 3, 1), "", draft),
            (Role::HostStructure, date(2010, 3, 15), "", Command::Submit),
            (
                Role::RegionalCoordination,
                date(2010, 3, 22),
                "",
                Command::DeclareComplete,
            ),
            (
                Role::Commission,
                date(2010, 6, 15),
                "",
                Command::GiveOpinion {
                    opinion: opinion(OpinionKind::FavourableWithReservations),
                },
            ),
            (
                Role::Region,
                date(2010, 7, 2),
                "",
                Command::Decide {
                    decision: Decision::Granted,
                },
            ),
            (
                Role::HostStructure,
                date(2011, 2, 20),
                "",
                Command::SubmitActivityReport { year: 2010 },
            ),
        ],
    );
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
    let rules = rules();
    let mut store = Store::open_in_memory().unwrap();
    let mut service = Applications::new(&mut store, &rules);
    let draft = Command::draft_from_text(COMPLETE, Format::Toml).unwrap();
    let day = date(2010, 3, 1);
    service
        .advance("a", &ctx(Role::HostStructure, day, ""), at(day), &draft)
        .unwrap();

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
    let rules = rules();
    let mut store = Store::open_in_memory().unwrap();
    let mut service = Applications::new(&mut store, &rules);
    let draft = Command::draft_from_text(INCOMPLETE, Format::Json).unwrap();
    let d = date(2010, 4, 2);
    run(
        &mut service,
        "nogent",
        &[
            (Role::HostStructure, d, "", draft),
            (Role::HostStructure, d, "", Command::Submit),
        ],
    );
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
            if missing == &["commitments.communication_charter".to_owned()]),
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
    let rules = rules();
    let mut store = Store::open_in_memory().unwrap();
    let mut service = Applications::new(&mut store, &rules);
    let draft = Command::draft_from_text(COMPLETE, Format::Toml).unwrap();
    let d = date(2010, 3, 15);
    run(
        &mut service,
        "x",
        &[
            (Role::HostStructure, d, "", draft),
            (Role::HostStructure, d, "", Command::Submit),
            (Role::RegionalCoordination, d, "", Command::DeclareComplete),
            (
                Role::Commission,
                d,
                "",
                Command::GiveOpinion {
                    opinion: opinion(OpinionKind::Favourable),
                },
            ),
        ],
    );
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
    let rules = rules();
    let mut store = Store::open_in_memory().unwrap();
    let mut service = Applications::new(&mut store, &rules);
    let draft = Command::draft_from_text(COMPLETE, Format::Toml).unwrap();
    let d = date(2010, 3, 15);
    use ApplicationState as S;
    let granted = |id: &str, service: &mut Applications<'_>| {
        run(
            service,
            id,
            &[
                (Role::HostStructure, d, "", draft.clone()),
                (Role::HostStructure, d, "", Command::Submit),
                (Role::RegionalCoordination, d, "", Command::DeclareComplete),
                (
                    Role::Commission,
                    d,
                    "",
                    Command::GiveOpinion {
                        opinion: opinion(OpinionKind::Favourable),
                    },
                ),
                (
                    Role::Region,
                    d,
                    "",
                    Command::Decide {
                        decision: Decision::Granted,
                    },
                ),
            ],
        )
    };
    granted("a", &mut service);
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

    granted("b", &mut service);
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
    let old_rules = rules();
    let new_rules =
        LabellingRules::parse("labelling.toml", &raised, "champagne-ardenne", "2012.1").unwrap();

    let mut store = Store::open_in_memory().unwrap();
    let draft = Command::draft_from_text(COMPLETE, Format::Toml).unwrap();
    let d = date(2010, 3, 15);
    {
        let mut service = Applications::new(&mut store, &old_rules);
        run(
            &mut service,
            "langres",
            &[
                (Role::HostStructure, d, "", draft.clone()),
                (Role::HostStructure, d, "", Command::Submit),
            ],
        );
    }
    let mut service = Applications::new(&mut store, &new_rules);
    let (application, _) = service.show("langres").unwrap();
    let evaluation = application.evaluation.unwrap();
    assert_eq!(evaluation.outcome, Outcome::Eligible);
    assert_eq!(evaluation.pin.ruleset_version, "2026.1");
    // Judged again by the new file, the day of 2010 still has the 15-hour
    // rule: the pinned digest matches.
    let again = new_rules.specification.in_force(d).unwrap();
    assert_eq!(again.pin.digest, evaluation.pin.digest);

    // The same file submitted in 2012 meets the 25-hour rule and fails.
    let d2 = date(2012, 3, 15);
    run(
        &mut service,
        "langres-2012",
        &[
            (Role::HostStructure, d2, "", draft),
            (Role::HostStructure, d2, "", Command::Submit),
        ],
    );
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
    let rules = rules();
    let mut store = Store::open_in_memory().unwrap();
    let mut service = Applications::new(&mut store, &rules);
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
    let rules = rules();
    let mut store = Store::open_in_memory().unwrap();
    let mut service = Applications::new(&mut store, &rules);
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
