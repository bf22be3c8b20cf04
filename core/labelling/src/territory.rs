//! Facts an application does not state but its place in the territory
//! gives: from the site's commune (`site.commune`, an INSEE code), the share
//! of its catchment the new site would take from existing sites
//! (`catchment_overlap.share`, in %), computed with `em-territory` before the
//! application is judged, so that the criterion over it reads the figure like
//! any stated fact and stays unknown when no commune is given.
//!
//! The largest share allowed is written twice, on purpose: as the
//! criterion's ceiling in `labelling.toml` (what judges an application) and
//! as `max_catchment_overlap_share` in `territory.toml` (what `em territory
//! overlap` reports against). [`check_agreement`] refuses a ruleset where the
//! two differ on any day, so that the Commission and the territory analysis
//! never give two answers about one site.

use em_core::ruleset::RulesetError;
use em_territory::{
    CatchmentOverlap, TERRITORY_FILE, Territory, TerritoryRules, TerritoryRuleset, WhatIfError,
};
use jiff::civil::Date;

use crate::application::{ApplicationError, ApplicationErrors, Facts};
use crate::condition::{Condition, Op};
use crate::facts::FactValue;
use crate::specification::{FILE, Specification};

/// The fact holding the site's commune (INSEE code).
pub const COMMUNE_FACT: &str = "site.commune";
/// The derived fact: the catchment overlap share, in %.
pub const OVERLAP_SHARE_FACT: &str = "catchment_overlap.share";

/// Whether `specification` declares facts this module derives: then an
/// application cannot be judged without the territory.
pub fn declares_derived_facts(specification: &Specification) -> bool {
    specification.fact_position(OVERLAP_SHARE_FACT).is_some()
}

/// Computes the derived facts into `facts` (typed by `specification`) with
/// the territory's rules in force: the catchment overlap of a site in the
/// application's commune. Returns the overlap, whose explanation gives every
/// figure, or `None` when the application states no commune or the
/// specification declares no derived fact (the criteria over it are then
/// unknown). A commune the territory does not know is an error on
/// `facts.site.commune`.
pub fn derive_facts(
    territory: &Territory,
    rules: &TerritoryRules,
    specification: &Specification,
    facts: &mut Facts,
) -> Result<Option<CatchmentOverlap>, ApplicationErrors> {
    let (Some(commune_at), Some(share_at)) = (
        specification.fact_position(COMMUNE_FACT),
        specification.fact_position(OVERLAP_SHARE_FACT),
    ) else {
        return Ok(None);
    };
    let Some(FactValue::Text(commune)) = &facts.slots()[commune_at] else {
        return Ok(None);
    };
    let overlap = territory.catchment_overlap(rules, commune).map_err(|e| {
        let reason = match e {
            WhatIfError::UnknownCommune(code) => {
                format!("“{code}” is not the INSEE code of a commune of the region")
            }
            other => other.to_string(),
        };
        ApplicationErrors(vec![ApplicationError {
            path: format!("facts.{COMMUNE_FACT}"),
            line: None,
            column: None,
            reason,
        }])
    })?;
    let mut slots = facts.slots().to_vec();
    slots[share_at] = Some(FactValue::Number(share_percent(overlap.share)));
    *facts = Facts::from_slots(slots);
    Ok(Some(overlap))
}

/// A share (0 to 1) in % to one decimal, as a Commission member reads it;
/// the criterion's ceiling is written in the same unit.
pub fn share_percent(share: f64) -> f64 {
    (share * 1000.0).round() / 10.0
}

/// Every ceiling (`le` or `lt`) a condition puts on the overlap share.
fn ceilings(condition: &Condition, out: &mut Vec<f64>) {
    match condition {
        Condition::All(parts) | Condition::Any(parts) => {
            parts.iter().for_each(|p| ceilings(p, out));
        }
        Condition::Not(part) => ceilings(part, out),
        Condition::Compare {
            op: Op::Le | Op::Lt,
            fact,
            value: FactValue::Number(x),
        } if fact.id == OVERLAP_SHARE_FACT => out.push(*x),
        _ => {}
    }
}

/// Checks that every ceiling the specification's criteria put on the
/// overlap share (in %) equals the territory's `max_catchment_overlap_share`
/// (0 to 1) on every day both are in force. Returns one problem per
/// disagreement, on the criterion's condition in `labelling.toml`, naming
/// the territory value it disagrees with.
pub fn check_agreement(
    specification: &Specification,
    territory: &TerritoryRuleset,
) -> Vec<RulesetError> {
    let mut problems = Vec::new();
    let overlaps = |a: (Date, Option<Date>), b: (Date, Option<Date>)| {
        a.1.is_none_or(|end| b.0 <= end) && b.1.is_none_or(|end| a.0 <= end)
    };
    for (i, criterion) in specification.criteria.iter().enumerate() {
        let mut found = Vec::new();
        ceilings(&criterion.condition, &mut found);
        for ceiling in found {
            for (j, dated) in territory.max_catchment_overlap_share.0.iter().enumerate() {
                let both = overlaps((criterion.from, criterion.until), (dated.from, dated.until));
                let percent = dated.value * 100.0;
                if both && (ceiling - percent).abs() > 1e-9 {
                    problems.push(RulesetError::at(
                        FILE,
                        format!("specification.criteria[{i}].condition"),
                        format!(
                            "criterion `{}` allows a catchment overlap of at most {ceiling} %, \
                             but {TERRITORY_FILE} gives max_catchment_overlap_share[{j}] = {} \
                             ({percent} %) from {}: the two must agree on every day",
                            criterion.id, dated.value, dated.from
                        ),
                    ));
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use em_core::{Registry, Ruleset};

    use super::*;
    use crate::application::{CheckError, Format};
    use crate::evaluation::Evaluation;
    use crate::labelling::{Checked, Labelling};
    use crate::specification::LabellingRules;
    use crate::{Level, Outcome, Verdict};

    fn labelling() -> Labelling {
        Labelling::from_ruleset(
            &Ruleset::champagne_ardenne(),
            &Registry::champagne_ardenne(),
        )
        .unwrap()
    }

    fn judge(text: &str) -> Checked {
        labelling().check_application(text, Format::Toml).unwrap()
    }

    fn example() -> String {
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/applications/langres-2010.toml"
        ))
        .unwrap()
    }

    fn overlap_result(evaluation: &Evaluation) -> &crate::CriterionResult {
        evaluation
            .criteria
            .iter()
            .find(|c| c.id() == "catchment_overlap")
            .unwrap()
    }

    #[test]
    fn the_overlap_criterion_is_required_in_the_shipped_specification() {
        let checked = judge(&example());
        assert_eq!(overlap_result(&checked.evaluation).level(), Level::Required);
    }

    #[test]
    fn complete_example_application_meets_the_overlap_criterion() {
        let checked = judge(&example());
        let overlap = checked.overlap.unwrap();
        assert!(overlap.within_limit, "{}", overlap.explanation);
        assert_eq!(overlap_result(&checked.evaluation).verdict, Verdict::Met);
        assert_eq!(
            checked.evaluation.outcome,
            Outcome::Eligible,
            "{}",
            checked.evaluation.summary
        );
    }

    #[test]
    fn site_next_to_reims_is_not_eligible_with_the_overlap_figures() {
        let text = example().replace("commune = \"51507\"", "commune = \"51573\"");
        let checked = judge(&text);
        let overlap = checked.overlap.unwrap();
        assert!(!overlap.within_limit);
        let result = overlap_result(&checked.evaluation);
        assert_eq!(result.verdict, Verdict::NotMet);
        assert_eq!(checked.evaluation.outcome, Outcome::NotEligible);
        let sentence = result.explanation();
        let percent = share_percent(overlap.share);
        assert!(
            sentence.contains(&format!("is {percent} %, but must be at most 50 %")),
            "{sentence}"
        );
    }

    #[test]
    fn application_without_commune_is_incomplete_for_the_overlap() {
        let text = example().replace("commune = \"51507\"", "");
        let checked = judge(&text);
        assert!(checked.overlap.is_none());
        assert_eq!(
            overlap_result(&checked.evaluation).verdict,
            Verdict::Unknown
        );
        assert_eq!(checked.evaluation.outcome, Outcome::Incomplete);
    }

    #[test]
    fn unknown_commune_is_an_error_on_the_commune_fact() {
        let text = example().replace("commune = \"51507\"", "commune = \"99999\"");
        let Err(CheckError::Application(errors)) =
            labelling().check_application(&text, Format::Toml)
        else {
            panic!("an unknown commune must be refused");
        };
        assert_eq!(errors.0[0].path, "facts.site.commune");
        assert!(errors.0[0].reason.contains("99999"));
    }

    #[test]
    fn a_ceiling_that_disagrees_with_the_territory_is_refused_at_load() {
        let ruleset = Ruleset::champagne_ardenne();
        let text = ruleset.file(FILE).unwrap().replace(
            "{ le = { fact = \"catchment_overlap.share\", value = 50 } }",
            "{ le = { fact = \"catchment_overlap.share\", value = 60 } }",
        );
        let rules = LabellingRules::parse(FILE, &text, "test", "0").unwrap();
        let territory = TerritoryRuleset::from_ruleset(&ruleset).unwrap();
        let problems = check_agreement(&rules.specification, &territory);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let problem = &problems[0];
        assert_eq!(problem.file, FILE);
        assert!(problem.path.ends_with(".condition"), "{problem:?}");
        assert!(
            problem.reason.contains("at most 60 %")
                && problem
                    .reason
                    .contains("max_catchment_overlap_share[0] = 0.5"),
            "{problem:?}"
        );
        let err = Labelling::new(
            rules,
            Territory::from_registry(&Registry::champagne_ardenne()).unwrap(),
            territory,
        )
        .unwrap_err();
        assert!(err.to_string().contains("must agree"), "{err}");
    }

    #[test]
    fn the_shipped_ceilings_agree() {
        let ruleset = Ruleset::champagne_ardenne();
        let rules = LabellingRules::from_ruleset(&ruleset).unwrap();
        let territory = TerritoryRuleset::from_ruleset(&ruleset).unwrap();
        assert!(check_agreement(&rules.specification, &territory).is_empty());
    }
}
