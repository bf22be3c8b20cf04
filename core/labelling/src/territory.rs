//! Facts an application does not state but its place in the territory
//! gives: from the site's commune (`site.commune`, an INSEE code), the share
//! of its catchment the new site would take from existing sites
//! (`catchment_overlap.share`, in %), computed with `em-territory` before the
//! application is judged, so that the criterion over it reads the figure like
//! any stated fact and stays unknown when no commune is given.

use em_territory::{CatchmentOverlap, Territory, TerritoryRules, TerritoryRuleset, WhatIfError};

use crate::application::{
    ApplicationDocument, ApplicationError, ApplicationErrors, CheckError, Facts, Format,
};
use crate::evaluation::Evaluation;
use crate::facts::FactValue;
use crate::specification::{LabellingRules, Specification};

/// The fact holding the site's commune (INSEE code).
pub const COMMUNE_FACT: &str = "site.commune";
/// The derived fact: the catchment overlap share, in %.
pub const OVERLAP_SHARE_FACT: &str = "catchment_overlap.share";

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
    // The share is written in % to one decimal, as a Commission member
    // reads it; the criterion's threshold is written in the same unit.
    let percent = (overlap.share * 1000.0).round() / 10.0;
    let mut slots = facts.slots().to_vec();
    slots[share_at] = Some(FactValue::Number(percent));
    *facts = Facts::from_slots(slots);
    Ok(Some(overlap))
}

/// Reads an application file, derives its territory facts with the rules of
/// `territory_ruleset` in force on its submission day, and judges it against
/// the specification in force that day. Returns the evaluation and the
/// overlap computed, if any.
pub fn check_application(
    rules: &LabellingRules,
    territory: &Territory,
    territory_ruleset: &TerritoryRuleset,
    text: &str,
    format: Format,
) -> Result<(Evaluation, Option<CatchmentOverlap>), CheckError> {
    let _span = tracing::info_span!("check_application_in_territory", ?format).entered();
    let document = ApplicationDocument::parse(text, format)?;
    let day = document.submitted.ok_or(CheckError::NotSubmitted)?;
    let mut facts = document.facts_for(&rules.specification)?;
    let in_force = rules.specification.in_force(day)?;
    let overlap = match territory_ruleset.at(day) {
        Ok(territory_rules) => derive_facts(
            territory,
            &territory_rules,
            &rules.specification,
            &mut facts,
        )?,
        // Without territory rules that day the derived facts stay missing,
        // so the criteria over them are unknown rather than guessed.
        Err(_) => {
            tracing::warn!(%day, "no territory rules in force; derived facts left unknown");
            None
        }
    };
    let evaluation = in_force.evaluate(facts.slots());
    tracing::info!(outcome = ?evaluation.outcome, %day, "application judged in its territory");
    Ok((evaluation, overlap))
}

#[cfg(test)]
mod tests {
    use em_core::{Registry, Ruleset};

    use super::*;
    use crate::{Outcome, Verdict};

    fn judge(text: &str) -> (Evaluation, Option<CatchmentOverlap>) {
        let ruleset = Ruleset::champagne_ardenne();
        let rules = LabellingRules::from_ruleset(&ruleset).unwrap();
        let territory = Territory::from_registry(&Registry::champagne_ardenne()).unwrap();
        let territory_ruleset = TerritoryRuleset::from_ruleset(&ruleset).unwrap();
        check_application(&rules, &territory, &territory_ruleset, text, Format::Toml).unwrap()
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
    fn complete_example_application_meets_the_overlap_criterion() {
        let (evaluation, overlap) = judge(&example());
        let overlap = overlap.unwrap();
        assert!(overlap.within_limit, "{}", overlap.explanation);
        assert_eq!(overlap_result(&evaluation).verdict, Verdict::Met);
        assert_eq!(
            evaluation.outcome,
            Outcome::Eligible,
            "{}",
            evaluation.summary
        );
    }

    #[test]
    fn site_next_to_reims_does_not_meet_the_overlap_criterion_with_figures() {
        let text = example().replace("commune = \"51507\"", "commune = \"51573\"");
        let (evaluation, overlap) = judge(&text);
        let overlap = overlap.unwrap();
        assert!(!overlap.within_limit);
        let result = overlap_result(&evaluation);
        assert_eq!(result.verdict, Verdict::NotMet);
        let percent = (overlap.share * 1000.0).round() / 10.0;
        let sentence = result.explanation();
        assert!(
            sentence.contains(&format!("is {percent} %, but must be at most 50 %")),
            "{sentence}"
        );
    }

    #[test]
    fn application_without_commune_leaves_the_overlap_criterion_unknown() {
        let text = example().replace("commune = \"51507\"", "");
        let (evaluation, overlap) = judge(&text);
        assert!(overlap.is_none());
        assert_eq!(overlap_result(&evaluation).verdict, Verdict::Unknown);
    }

    #[test]
    fn unknown_commune_is_an_error_on_the_commune_fact() {
        let ruleset = Ruleset::champagne_ardenne();
        let rules = LabellingRules::from_ruleset(&ruleset).unwrap();
        let territory = Territory::from_registry(&Registry::champagne_ardenne()).unwrap();
        let territory_ruleset = TerritoryRuleset::from_ruleset(&ruleset).unwrap();
        let text = example().replace("commune = \"51507\"", "commune = \"99999\"");
        let Err(CheckError::Application(errors)) =
            check_application(&rules, &territory, &territory_ruleset, &text, Format::Toml)
        else {
            panic!("an unknown commune must be refused");
        };
        assert_eq!(errors.0[0].path, "facts.site.commune");
        assert!(errors.0[0].reason.contains("99999"));
    }
}
