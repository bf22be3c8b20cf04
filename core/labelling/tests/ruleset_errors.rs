//! Labelling files a region could get wrong, each refused with the file,
//! the path inside it and the reason — every problem at once.
//!
//! Each case edits the shipped `labelling.toml` and names the problems the
//! loader must report: (path, a word of the reason, line when the TOML
//! parser knows it).

use em_labelling::LabellingRules;

const SHIPPED: &str = include_str!("../../../rulesets/champagne-ardenne/labelling.toml");

struct Case {
    name: &'static str,
    /// (text to find, text to put instead)
    edits: &'static [(&'static str, &'static str)],
    /// (path, words of the reason, line if known)
    expected: &'static [(&'static str, &'static str, Option<usize>)],
}

const RECEPTION_HOURS: &str =
    "condition = { ge = { fact = \"reception_desk.weekly_hours\", value = 15 } }";

fn line_of(needle: &str) -> usize {
    SHIPPED
        .lines()
        .position(|l| l.contains(needle))
        .expect("needle in the shipped file")
        + 1
}

const CASES: &[Case] = &[
    Case {
        name: "unknown_field_in_a_criterion",
        edits: &[(
            "level = \"required\"\nfrom",
            "level = \"required\"\nweight = 2\nfrom",
        )],
        expected: &[(
            "specification.criteria[0].weight",
            "unknown field `weight`",
            None,
        )],
    },
    Case {
        name: "wrong_type_of_a_label",
        edits: &[(
            "id = \"reception_desk\"\nlabel = \"Permanence d'accueil avec des horaires d'ouverture affichés\"",
            "id = \"reception_desk\"\nlabel = 12",
        )],
        expected: &[("specification.criteria[2].label", "invalid type", None)],
    },
    Case {
        name: "unknown_fact_in_a_condition",
        edits: &[(
            RECEPTION_HOURS,
            "condition = { ge = { fact = \"reception_desk.hours\", value = 15 } }",
        )],
        expected: &[(
            "specification.criteria[3].condition.ge.fact",
            "`reception_desk.hours` is not a fact declared",
            None,
        )],
    },
    Case {
        name: "comparison_of_the_wrong_type",
        edits: &[(
            RECEPTION_HOURS,
            "condition = { ge = { fact = \"reception_desk.weekly_hours\", value = \"15\" } }",
        )],
        expected: &[(
            "specification.criteria[3].condition.ge.value",
            "is a number, so the value must be one too",
            None,
        )],
    },
    Case {
        name: "ordering_a_bool",
        edits: &[(
            "condition = { is_true = \"commitments.statistics_tools\" }",
            "condition = { gt = { fact = \"commitments.statistics_tools\", value = true } }",
        )],
        expected: &[(
            "specification.criteria[11].condition.gt.fact",
            "orders numbers, dates and list lengths",
            None,
        )],
    },
    Case {
        name: "is_true_on_a_number_and_contains_on_a_text_in_one_file",
        edits: &[
            (
                RECEPTION_HOURS,
                "condition = { is_true = \"reception_desk.weekly_hours\" }",
            ),
            (
                "{ in = { fact = \"coordinator.employer\", values = [\"host_structure\", \"region\"] } }",
                "{ contains = { fact = \"coordinator.employer\", values = [\"region\"] } }",
            ),
        ],
        expected: &[
            (
                "specification.criteria[3].condition.is_true",
                "`is_true` applies to a bool fact",
                None,
            ),
            (
                "specification.criteria[5].condition.contains.fact",
                "`contains` applies to a list fact",
                None,
            ),
        ],
    },
    Case {
        name: "overlapping_periods_of_one_criterion",
        edits: &[(
            "from = \"2007-04-01\"\ncondition = { ge = { fact = \"reception_desk.weekly_hours\", value = 15 } }",
            "from = \"2007-04-01\"\nuntil = \"2011-12-31\"\ncondition = { ge = { fact = \"reception_desk.weekly_hours\", value = 15 } }\n\n\
             [[specification.criteria]]\nid = \"reception_desk.weekly_hours\"\nlabel = \"Au moins 20 heures\"\n\
             source = \"Réseau EM\"\nlevel = \"required\"\nregional_choice = true\nrationale = \"Relevé en 2011.\"\n\
             from = \"2011-06-01\"\ncondition = { ge = { fact = \"reception_desk.weekly_hours\", value = 20 } }",
        )],
        expected: &[(
            "specification.criteria[4]",
            "overlaps its period of criteria[3]",
            None,
        )],
    },
    Case {
        name: "a_period_that_ends_before_it_starts",
        edits: &[(
            "from = \"2007-04-01\"\ncondition = { ge = { fact = \"reception_desk.weekly_hours\", value = 15 } }",
            "from = \"2007-04-01\"\nuntil = \"2006-12-31\"\ncondition = { ge = { fact = \"reception_desk.weekly_hours\", value = 15 } }",
        )],
        expected: &[("specification.criteria[3].until", "before it starts", None)],
    },
    Case {
        name: "regional_choice_without_rationale",
        edits: &[(
            "rationale = \"Seuil choisi par la région : trois demi-journées",
            "# rationale = \"Seuil choisi par la région : trois demi-journées",
        )],
        expected: &[("specification.criteria[3].rationale", "must say why", None)],
    },
    Case {
        name: "a_fact_declared_twice_and_a_unit_on_a_bool",
        edits: &[(
            "id = \"access.free\"\ntype = \"bool\"",
            "id = \"access.all_publics\"\ntype = \"bool\"\nunit = \"h\"",
        )],
        expected: &[
            (
                "specification.facts[19].unit",
                "only a number has a unit",
                None,
            ),
            ("specification.facts[20].id", "declared twice", None),
            (
                "specification.criteria[13].condition.all[0].is_true",
                "`access.free` is not a fact declared",
                None,
            ),
        ],
    },
    Case {
        name: "an_empty_all_and_a_date_that_is_not_one",
        edits: &[
            (
                "condition = { is_true = \"commitments.communication_charter\" }",
                "condition = { all = [] }",
            ),
            (
                "condition = { is_true = \"commitments.statistics_tools\" }",
                "condition = { lt = { fact = \"regional_charter.signed_on\", value = \"15/06/2010\" } }",
            ),
        ],
        expected: &[
            (
                "specification.criteria[11].condition.lt.value",
                "is not a date written YYYY-MM-DD",
                None,
            ),
            (
                "specification.criteria[12].condition.all",
                "needs at least one condition",
                None,
            ),
        ],
    },
    Case {
        name: "a_zero_validity",
        edits: &[(
            "validity_months = [{ from = \"2007-04-01\", value = 36 }]",
            "validity_months = [{ from = \"2007-04-01\", value = 0 }]",
        )],
        expected: &[("label.validity_months[0].value", "at least 1", None)],
    },
];

#[test]
fn the_shipped_labelling_file_loads() {
    let rules = LabellingRules::parse("labelling.toml", SHIPPED, "champagne-ardenne", "test");
    assert!(rules.is_ok(), "{}", rules.unwrap_err());
}

#[test]
fn every_bad_labelling_file_is_refused_with_file_path_and_reason() {
    for case in CASES {
        let mut text = SHIPPED.to_owned();
        for (find, replace) in case.edits {
            assert!(
                text.contains(find),
                "{}: `{find}` is not in the file",
                case.name
            );
            text = text.replacen(find, replace, 1);
        }
        let errors =
            match LabellingRules::parse("labelling.toml", &text, "champagne-ardenne", "test") {
                Ok(_) => panic!("{}: the file was accepted", case.name),
                Err(errors) => errors,
            };
        let found: Vec<(&str, &str)> = errors
            .0
            .iter()
            .map(|e| (e.path.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(
            errors.0.len(),
            case.expected.len(),
            "{}: expected {:?}, found {found:?}",
            case.name,
            case.expected
        );
        for (error, (path, reason, line)) in errors.0.iter().zip(case.expected) {
            assert_eq!(error.file, "labelling.toml", "{}", case.name);
            assert_eq!(error.path, *path, "{}: {error}", case.name);
            assert!(error.reason.contains(reason), "{}: {error}", case.name);
            if let Some(line) = line {
                assert_eq!(error.line, Some(*line), "{}: {error}", case.name);
            }
            // What the TOML parser finds, it places.
            if error.reason.contains("unknown field") || error.reason.contains("invalid type") {
                assert!(
                    error.line.is_some() && error.column.is_some(),
                    "{}: {error}",
                    case.name
                );
            }
        }
    }
}

#[test]
fn a_syntax_or_type_error_names_its_line_and_column() {
    let text = SHIPPED.replace(
        "renewal_months = [{ from = \"2007-04-01\", value = 12 }]",
        "renewal_months = [{ from = \"2007-04-01\", value = \"twelve\" }]",
    );
    let errors = LabellingRules::parse("labelling.toml", &text, "x", "1").unwrap_err();
    assert_eq!(errors.0.len(), 1);
    let error = &errors.0[0];
    assert_eq!(error.path, "label.renewal_months[0].value");
    assert_eq!(error.line, Some(line_of("renewal_months = [")));
    assert!(error.column.is_some());
    assert!(error.to_string().starts_with("labelling.toml:"), "{error}");
}
