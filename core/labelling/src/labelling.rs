//! [`Labelling`]: what judges an application — the labelling rules and the
//! territory its derived facts are computed in.
//!
//! Some facts of the specification are not stated by the applicant but
//! follow from the site's commune (its catchment overlap with the existing
//! sites). Every way of judging an application — a file checked with
//! [`Labelling::check_application`], a submission recorded by
//! [`Application::decide`](crate::Application::decide) and the store's
//! `Applications` service — takes a [`Labelling`], so that no path can judge
//! an application without its territory and leave those facts unknown.

use em_core::ruleset::RulesetErrors;
use em_core::{Registry, Ruleset};
use em_territory::{CatchmentOverlap, Territory, TerritoryErrors, TerritoryRuleset};
use jiff::civil::Date;

use crate::application::{ApplicationDocument, CheckError, Facts, Format};
use crate::evaluation::Evaluation;
use crate::specification::LabellingRules;
use crate::territory;

/// Why the labelling could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum LabellingError {
    /// A ruleset file is refused, or the labelling and territory files
    /// disagree.
    #[error(transparent)]
    Ruleset(#[from] RulesetErrors),
    /// The registry's communes and sites cannot be placed.
    #[error(transparent)]
    Territory(#[from] TerritoryErrors),
}

/// The labelling rules of a ruleset with the territory of a registry.
#[derive(Debug, Clone)]
pub struct Labelling {
    rules: LabellingRules,
    territory: Territory,
    territory_rules: TerritoryRuleset,
}

/// An application judged, with the figures of its derived facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// Every criterion in force with its explanation.
    pub evaluation: Evaluation,
    /// The catchment overlap of the site's commune, when the application
    /// names one and the specification asks for it.
    pub overlap: Option<CatchmentOverlap>,
}

impl Labelling {
    /// The labelling of `ruleset` (its `labelling.toml` and
    /// `territory.toml`) in the territory of `registry`.
    pub fn from_ruleset(
        ruleset: &Ruleset,
        registry: &Registry,
    ) -> Result<Labelling, LabellingError> {
        let _span = tracing::debug_span!("labelling_setup").entered();
        let rules = LabellingRules::from_ruleset(ruleset)?;
        let territory_rules = TerritoryRuleset::from_ruleset(ruleset)?;
        let territory = Territory::from_registry(registry)?;
        Ok(Labelling::new(rules, territory, territory_rules)?)
    }

    /// The labelling of rules already loaded; refuses rules whose ceiling
    /// on the catchment overlap disagrees with the territory's.
    pub fn new(
        rules: LabellingRules,
        territory: Territory,
        territory_rules: TerritoryRuleset,
    ) -> Result<Labelling, RulesetErrors> {
        let problems = territory::check_agreement(&rules.specification, &territory_rules);
        if !problems.is_empty() {
            return Err(RulesetErrors(problems));
        }
        Ok(Labelling {
            rules,
            territory,
            territory_rules,
        })
    }

    /// The labelling rules.
    pub fn rules(&self) -> &LabellingRules {
        &self.rules
    }

    /// The territory the derived facts are computed in.
    pub fn territory(&self) -> &Territory {
        &self.territory
    }

    /// The territory's rules.
    pub fn territory_rules(&self) -> &TerritoryRuleset {
        &self.territory_rules
    }

    /// The facts of `document` typed by the specification, with the facts
    /// derived from its place computed by the territory rules in force on
    /// `day`. A commune the territory does not know is an error on the
    /// commune's fact; territory rules missing that day, when the
    /// specification asks for derived facts, are an error too rather than
    /// a criterion silently left unknown.
    pub fn facts(
        &self,
        document: &ApplicationDocument,
        day: Date,
    ) -> Result<(Facts, Option<CatchmentOverlap>), CheckError> {
        let specification = &self.rules.specification;
        let mut facts = document.facts_for(specification)?;
        if !territory::declares_derived_facts(specification) {
            return Ok((facts, None));
        }
        let rules =
            self.territory_rules
                .at(day)
                .map_err(|missing| CheckError::TerritoryNotInForce {
                    day,
                    rules: missing.into_iter().map(|m| m.rule).collect(),
                })?;
        let overlap = territory::derive_facts(&self.territory, &rules, specification, &mut facts)?;
        Ok((facts, overlap))
    }

    /// Judges `document` against the specification in force on `day`, its
    /// derived facts computed first.
    pub fn judge(&self, document: &ApplicationDocument, day: Date) -> Result<Checked, CheckError> {
        let in_force = self.rules.specification.in_force(day)?;
        let (facts, overlap) = self.facts(document, day)?;
        let evaluation = in_force.evaluate(facts.slots());
        Ok(Checked {
            evaluation,
            overlap,
        })
    }

    /// Reads an application file and judges it against the specification
    /// in force on its submission day.
    pub fn check_application(&self, text: &str, format: Format) -> Result<Checked, CheckError> {
        let _span = tracing::info_span!("check_application", ?format).entered();
        let document = ApplicationDocument::parse(text, format)?;
        let day = document.submitted.ok_or(CheckError::NotSubmitted)?;
        let checked = self.judge(&document, day)?;
        tracing::info!(outcome = ?checked.evaluation.outcome, %day, "application judged");
        Ok(checked)
    }
}
