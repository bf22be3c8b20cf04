//! `em territory`: how well the sites cover the region (*mailler le
//! territoire*), each answer with its explanation, and the map the activity
//! report shows.

use em_core::{Registry, Ruleset};
use em_territory::{MapOptions, Territory, TerritoryRules, TerritoryRuleset, VisitorResidence};
use jiff::civil::Date;

use crate::args::{TerritoryArgs, TerritoryCommand};
use crate::error::CliError;

/// The territory rules in force on `day`.
pub fn rules(ruleset: &Ruleset, day: Date) -> Result<TerritoryRules, CliError> {
    let all =
        TerritoryRuleset::from_ruleset(ruleset).map_err(|e| CliError::Input(e.to_string()))?;
    all.at(day).map_err(|errors| {
        CliError::Input(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })
}

fn territory(registry: &Registry) -> Result<Territory, CliError> {
    Territory::from_registry(registry).map_err(|e| CliError::Input(e.to_string()))
}

/// The coverage map (SVG) on `day`, for the activity report.
pub fn map_svg(registry: &Registry, ruleset: &Ruleset, day: Date) -> Result<String, CliError> {
    let territory = territory(registry)?;
    let rules = rules(ruleset, day)?;
    let coverage = territory.coverage(&rules);
    let options = MapOptions {
        title: "Distance de chaque commune à l'Espace métiers le plus proche".to_owned(),
        ..MapOptions::default()
    };
    Ok(territory.map_svg(&coverage, &options))
}

/// Where each site's visitors of `year` live, counted out of the store:
/// aggregates only, no person leaves the store's edge.
pub fn visitor_residences(
    store: &em_store::Store,
    year: i16,
) -> Result<Vec<VisitorResidence>, CliError> {
    em_territory::residences::visitor_residences(store, year).map_err(|e| match e {
        em_territory::residences::ResidenceError::BadYear(_) => CliError::Usage(e.to_string()),
        other => CliError::Input(other.to_string()),
    })
}

fn print<T: serde::Serialize>(json: bool, value: &T, explanation: &str) -> Result<(), CliError> {
    if json {
        let text =
            serde_json::to_string_pretty(value).map_err(|e| CliError::Input(e.to_string()))?;
        crate::output::say(format_args!("{text}"));
    } else {
        crate::output::say(format_args!("{explanation}"));
    }
    Ok(())
}

/// Runs `em territory …`.
pub fn run(args: &TerritoryArgs) -> Result<(), CliError> {
    let _span = tracing::info_span!("territory").entered();
    let ruleset = crate::commands::ruleset::current()?;
    let registry = Registry::champagne_ardenne();
    let day = args.date;
    let territory = territory(&registry)?;
    let rules = rules(&ruleset, day)?;
    let json = args.json;
    let what_if = |e: em_territory::WhatIfError| CliError::Input(e.to_string());
    match &args.command {
        TerritoryCommand::Coverage => {
            let coverage = territory.coverage(&rules);
            print(json, &coverage, &coverage.explanation)
        }
        TerritoryCommand::Map { out } => {
            let svg = map_svg(&registry, &ruleset, day)?;
            std::fs::write(out, svg).map_err(|e| CliError::io(out, e))?;
            crate::output::say(format_args!("map written: {}", out.display()));
            Ok(())
        }
        TerritoryCommand::Catchments { db, year } => {
            let store = crate::commands::init::open(db)?;
            let residences = visitor_residences(&store, year.get())?;
            let catchments = territory
                .catchments(&residences)
                .map_err(|e| CliError::Input(e.to_string()))?;
            let text = catchments
                .iter()
                .map(|c| c.explanation.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            print(json, &catchments, &text)
        }
        TerritoryCommand::Add { commune } => {
            let addition = territory.site_addition(&rules, commune).map_err(what_if)?;
            print(json, &addition, &addition.explanation)
        }
        TerritoryCommand::Close { site } => {
            crate::commands::import::check_site(&registry, site)?;
            let closure = territory.site_closure(&rules, site).map_err(what_if)?;
            print(json, &closure, &closure.explanation)
        }
        TerritoryCommand::BestNext => {
            let best = territory.best_next_site(&rules);
            print(json, &best, &best.explanation)
        }
        TerritoryCommand::Overlap { commune } => {
            let overlap = territory
                .catchment_overlap(&rules, commune)
                .map_err(what_if)?;
            print(json, &overlap, &overlap.explanation)
        }
    }
}
