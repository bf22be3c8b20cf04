//! Properties that must hold for any specification, any application and
//! any sequence of steps:
//!
//! - the evaluation never depends on the order of the criteria in the file
//!   or of the facts in the application;
//! - whatever steps are tried, accepted or refused, the journal verifies and
//!   replays to the state the steps produced;
//! - an edited, deleted, inserted or swapped entry is detected, and the
//!   first bad entry is named.

use em_core::{Registry, Ruleset};
use em_labelling::applications::Applications;
use em_labelling::{
    ApplicationDocument, CandidacyCommand, Command, Context, Decision, Format, Labelling,
    LabellingRules, Opinion, OpinionKind, Role,
};
use em_store::Store;
use em_store::journal::{self, JournalError, Tamper};
use jiff::civil::{Date, date};
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// Order independence.
// ---------------------------------------------------------------------------

/// The facts of the generated specifications: (id, type, unit).
const FACTS: &[(&str, &str)] = &[
    ("n0", "number"),
    ("n1", "number"),
    ("n2", "number"),
    ("b0", "bool"),
    ("b1", "bool"),
    ("t0", "text"),
    ("t1", "text"),
    ("l0", "list"),
    ("d0", "date"),
];

fn leaf() -> impl Strategy<Value = String> {
    let op = prop::sample::select(vec!["eq", "ne", "ge", "le", "gt", "lt"]);
    prop_oneof![
        (op.clone(), 0..3usize, 0..100i64)
            .prop_map(|(op, n, v)| format!("{{ {op} = {{ fact = \"n{n}\", value = {v} }} }}")),
        (0..2usize).prop_map(|b| format!("{{ is_true = \"b{b}\" }}")),
        (
            0..2usize,
            prop::sample::subsequence(vec!["a", "b", "c"], 1..=3)
        )
            .prop_map(|(t, vs)| {
                let vs: Vec<String> = vs.iter().map(|v| format!("\"{v}\"")).collect();
                format!(
                    "{{ in = {{ fact = \"t{t}\", values = [{}] }} }}",
                    vs.join(", ")
                )
            }),
        (0..2usize).prop_map(|t| format!("{{ eq = {{ fact = \"t{t}\", value = \"a\" }} }}")),
        prop::sample::subsequence(vec!["x", "y"], 1..=2).prop_map(|vs| {
            let vs: Vec<String> = vs.iter().map(|v| format!("\"{v}\"")).collect();
            format!(
                "{{ contains = {{ fact = \"l0\", values = [{}] }} }}",
                vs.join(", ")
            )
        }),
        (op, 0..4i64).prop_map(|(op, n)| format!("{{ {op} = {{ fact = \"l0\", value = {n} }} }}")),
        Just("{ lt = { fact = \"d0\", value = \"2010-01-01\" } }".to_owned()),
        prop::sample::select(FACTS.to_vec())
            .prop_map(|(id, _)| format!("{{ present = \"{id}\" }}")),
    ]
}

fn condition() -> impl Strategy<Value = String> {
    leaf().prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..=3)
                .prop_map(|parts| format!("{{ all = [{}] }}", parts.join(", "))),
            prop::collection::vec(inner.clone(), 1..=3)
                .prop_map(|parts| format!("{{ any = [{}] }}", parts.join(", "))),
            inner.prop_map(|c| format!("{{ not = {c} }}")),
        ]
    })
}

/// (id, level, condition) of each criterion.
type Criteria = Vec<(String, &'static str, String)>;

fn specification_text(facts: &[(&str, &str)], criteria: &Criteria) -> String {
    let mut s = String::from(
        "[label]\nvalidity_months = [{ from = \"2007-01-01\", value = 36 }]\n\
         renewal_months = [{ from = \"2007-01-01\", value = 12 }]\n\
         [specification]\nid = \"p\"\ntitle = \"P\"\nsource = \"test\"\n",
    );
    for (id, fact_type) in facts {
        let unit = if *fact_type == "number" {
            "unit = \"h\"\n"
        } else {
            ""
        };
        s.push_str(&format!(
            "[[specification.facts]]\nid = \"{id}\"\ntype = \"{fact_type}\"\n{unit}label = \"Fait {id}\"\n"
        ));
    }
    for (id, level, condition) in criteria {
        s.push_str(&format!(
            "[[specification.criteria]]\nid = \"{id}\"\nlabel = \"Critère {id}\"\nsource = \"test\"\n\
             level = \"{level}\"\nfrom = \"2007-01-01\"\ncondition = {condition}\n"
        ));
    }
    s.push_str(
        "[job_profile]\nid = \"j\"\ntitle = \"J\"\nsource = \"test\"\n\
         [[job_profile.facts]]\nid = \"x\"\ntype = \"bool\"\nlabel = \"X\"\n\
         [[job_profile.criteria]]\nid = \"x\"\nlabel = \"X\"\nsource = \"test\"\nlevel = \"required\"\n\
         from = \"2007-01-01\"\ncondition = { is_true = \"x\" }\n",
    );
    s
}

/// An application's facts, as TOML lines; absent facts are left out.
fn fact_lines() -> impl Strategy<Value = Vec<String>> {
    (
        prop::collection::vec(prop::option::of(0..100i64), 3),
        prop::collection::vec(prop::option::of(any::<bool>()), 2),
        prop::collection::vec(
            prop::option::of(prop::sample::select(vec!["a", "b", "z"])),
            2,
        ),
        prop::option::of(prop::collection::vec(
            prop::sample::select(vec!["x", "y", "w"]),
            0..4,
        )),
        prop::option::of(prop::sample::select(vec!["2009-06-30", "2011-02-01"])),
    )
        .prop_map(|(numbers, bools, texts, list, day)| {
            let mut lines = Vec::new();
            for (i, n) in numbers.iter().enumerate() {
                if let Some(n) = n {
                    lines.push(format!("n{i} = {n}"));
                }
            }
            for (i, b) in bools.iter().enumerate() {
                if let Some(b) = b {
                    lines.push(format!("b{i} = {b}"));
                }
            }
            for (i, t) in texts.iter().enumerate() {
                if let Some(t) = t {
                    lines.push(format!("t{i} = \"{t}\""));
                }
            }
            if let Some(items) = list {
                let items: Vec<String> = items.iter().map(|v| format!("\"{v}\"")).collect();
                lines.push(format!("l0 = [{}]", items.join(", ")));
            }
            if let Some(day) = day {
                lines.push(format!("d0 = \"{day}\""));
            }
            lines
        })
}

fn criteria() -> impl Strategy<Value = Criteria> {
    prop::collection::vec(
        (
            prop::sample::select(vec!["required", "recommended"]),
            condition(),
        ),
        1..10,
    )
    .prop_map(|cs| {
        cs.into_iter()
            .enumerate()
            .map(|(i, (level, c))| (format!("c{i}"), level, c))
            .collect()
    })
}

fn evaluate(spec: &str, facts: &[String]) -> em_labelling::Evaluation {
    let rules =
        LabellingRules::parse("labelling.toml", spec, "test", "1").expect("generated spec loads");
    let application = format!(
        "applicant = \"A\"\nsite = \"S\"\nsubmitted = \"2010-06-01\"\n[facts]\n{}\n",
        facts.join("\n")
    );
    let facts = ApplicationDocument::parse(&application, Format::Toml)
        .and_then(|d| d.facts_for(&rules.specification))
        .expect("generated application reads");
    rules
        .specification
        .in_force(date(2010, 6, 1))
        .expect("criteria in force")
        .evaluate(facts.slots())
}

proptest! {
    #[test]
    fn the_evaluation_does_not_depend_on_the_order_of_criteria_or_facts(
        (criteria, shuffled_criteria) in criteria().prop_flat_map(|c| (Just(c.clone()), Just(c).prop_shuffle())),
        (facts, shuffled_facts) in fact_lines().prop_flat_map(|f| (Just(f.clone()), Just(f).prop_shuffle())),
        shuffled_decls in Just(FACTS.to_vec()).prop_shuffle(),
    ) {
        let first = evaluate(&specification_text(FACTS, &criteria), &facts);
        let second = evaluate(&specification_text(&shuffled_decls, &shuffled_criteria), &shuffled_facts);
        prop_assert_eq!(first, second);
    }
}

// ---------------------------------------------------------------------------
// Any sequence of steps.
// ---------------------------------------------------------------------------

const COMPLETE: &str = include_str!("../../../examples/applications/langres-2010.toml");
const INCOMPLETE: &str = include_str!("../../../examples/applications/nogent-2010-incomplete.json");

fn shipped_labelling() -> &'static Labelling {
    static LABELLING: std::sync::OnceLock<Labelling> = std::sync::OnceLock::new();
    LABELLING.get_or_init(|| {
        Labelling::from_ruleset(
            &Ruleset::champagne_ardenne(),
            &Registry::champagne_ardenne(),
        )
        .expect("shipped labelling loads")
    })
}

fn commands() -> Vec<Command> {
    let opinion = |kind| Opinion {
        kind,
        reasons: vec!["motif".into()],
        conditions: vec!["condition".into()],
    };
    vec![
        Command::draft_from_text(COMPLETE, Format::Toml).expect("sample reads"),
        Command::draft_from_text(INCOMPLETE, Format::Json).expect("sample reads"),
        Command::Submit,
        Command::SendBack,
        Command::DeclareComplete,
        Command::GiveOpinion {
            opinion: opinion(OpinionKind::Favourable),
        },
        Command::GiveOpinion {
            opinion: opinion(OpinionKind::Unfavourable),
        },
        Command::Decide {
            decision: Decision::Granted,
        },
        Command::Decide {
            decision: Decision::Refused,
        },
        Command::SubmitActivityReport { year: 2010 },
        Command::SubmitActivityReport { year: 2011 },
        Command::Suspend,
        Command::Reinstate,
        Command::Withdraw,
        Command::Abandon,
    ]
}

/// One attempted step: which application, role, command, days after the
/// previous step, whether a reason is given, and whether the role is forced
/// to one the command allows (so that long lives are reached, not only
/// refusals).
type Step = (usize, usize, usize, u16, bool, bool);

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        (
            0..2usize,
            0..4usize,
            0..15usize,
            0..200u16,
            any::<bool>(),
            prop::bool::weighted(0.8),
        ),
        0..40,
    )
}

/// Runs the steps on a fresh store; returns it with the states the
/// accepted steps left each application in.
fn play(steps: &[Step]) -> (Store, [Option<em_labelling::Application>; 2]) {
    let labelling = shipped_labelling();
    let commands = commands();
    let mut store = Store::open_in_memory().expect("in-memory store");
    let mut last: [Option<em_labelling::Application>; 2] = [None, None];
    {
        let mut service = Applications::new(&mut store, labelling);
        let mut day: Date = date(2010, 1, 4);
        for &(app, role, command, days, reason, allowed_role) in steps {
            day = day
                .checked_add(jiff::Span::new().days(i64::from(days)))
                .expect("day in range");
            let role = if allowed_role {
                commands[command].allowed().0[0]
            } else {
                Role::ALL[role]
            };
            let ctx = Context {
                role,
                actor: "test".into(),
                day,
                reason: if reason {
                    "motif".into()
                } else {
                    String::new()
                },
            };
            let at = day.at(12, 0, 0, 0).in_tz("UTC").expect("UTC").timestamp();
            if let Ok(application) =
                service.advance(&format!("app-{app}"), &ctx, at, &commands[command])
            {
                last[app] = Some(application);
            }
            // A candidacy step now and then, in the same journal.
            if command == 0 && app == 1 {
                let propose = CandidacyCommand::propose_from_text(
                    "applicant = \"c\"\nsite = \"s\"\n[facts]\n\"candidate.experience_years\" = 3\n",
                    Format::Toml,
                )
                .expect("candidate reads");
                let ctx = Context {
                    role: Role::HostStructure,
                    ..ctx
                };
                let _ = service.advance_candidacy(&format!("c-{days}"), &ctx, at, &propose);
            }
        }
    }
    (store, last)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_sequence_of_steps_leaves_a_journal_that_verifies_and_replays(steps in steps()) {
        let (mut store, last) = play(&steps);
        let verified = journal::verify(store.connection()).expect("journal verifies");
        let service = Applications::new(&mut store, shipped_labelling());
        let mut replayed_entries = 0;
        for (i, expected) in last.iter().enumerate() {
            match (service.show(&format!("app-{i}")), expected) {
                (Ok((application, history)), Some(expected)) => {
                    prop_assert_eq!(&application, expected);
                    replayed_entries += history.len();
                }
                (Err(_), None) => {}
                (found, expected) => prop_assert!(false, "app-{}: {:?} vs {:?}", i, found.map(|f| f.0.state), expected.as_ref().map(|e| e.state)),
            }
        }
        let candidacy_entries: usize = service
            .list_candidacies()
            .expect("candidacies list")
            .iter()
            .map(|c| service.show_candidacy(&c.id).expect("candidacy shows").1.len())
            .sum();
        prop_assert_eq!(verified.entries as usize, replayed_entries + candidacy_entries);
    }

    #[test]
    fn a_tampered_journal_is_detected_at_its_first_bad_entry(
        steps in steps(),
        pick in any::<prop::sample::Index>(),
        kind in 0..4usize,
        field in prop::sample::select(vec!["subject", "role", "actor", "at", "action", "reason", "payload"]),
    ) {
        let (store, _) = play(&steps);
        let conn = store.connection();
        let entries = journal::verify(conn).expect("journal verifies").entries;
        // Swapping and deleting need an entry after the one picked.
        prop_assume!(entries >= 2);
        let k = pick.index(usize::try_from(entries - 1).expect("small")) as u64 + 1;
        conn.execute_batch("DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete;")
            .expect("drop triggers");
        let sql = match kind {
            0 => format!("UPDATE journal SET {field} = {field} || ' ' WHERE seq = {k}"),
            1 => format!("DELETE FROM journal WHERE seq = {k}"),
            2 => format!(
                "UPDATE journal SET seq = -1 WHERE seq = {k}; \
                 UPDATE journal SET seq = {k} WHERE seq = {k} + 1; \
                 UPDATE journal SET seq = {k} + 1 WHERE seq = -1"
            ),
            _ => format!(
                "UPDATE journal SET seq = -seq - 1 WHERE seq >= {k}; \
                 UPDATE journal SET seq = -seq WHERE seq < 0; \
                 INSERT INTO journal (seq, subject, role, actor, at, action, reason, payload, prev_hash, hash) \
                 SELECT {k}, subject, role, actor, at, action, 'inserted', payload, prev_hash, \
                 substr(hash, 2) || '0' \
                 FROM journal WHERE seq = {k} + 1"
            ),
        };
        conn.execute_batch(&sql).expect("tamper");
        let tamper = match journal::verify(conn) {
            Err(JournalError::Tampered(t)) => t,
            other => return Err(TestCaseError::fail(format!("not detected: {other:?}"))),
        };
        let named = match tamper {
            Tamper::Edited { seq } | Tamper::BrokenLink { seq } => seq,
            Tamper::Missing { expected, .. } => expected,
            other => return Err(TestCaseError::fail(format!("unexpected {other}"))),
        };
        prop_assert!(named == k || (kind == 3 && named == k + 1), "{} named entry {} for a change at {}", tamper, named, k);
    }
}
