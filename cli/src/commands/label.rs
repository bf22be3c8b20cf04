//! `em label`: the labelling of Espaces métiers (*labellisation*) — judge an
//! application file against the specification (*cahier des charges*) in
//! force on its submission day, and follow applications through their steps
//! in the database's journal.

use std::path::Path;

use em_core::{Registry, Ruleset};
use em_labelling::applications::Applications;
use em_labelling::{
    Command, Context, Decision, Format, LabellingRules, Opinion, OpinionKind, Role,
};
use em_territory::{Territory, TerritoryRuleset};

use crate::args::{LabelAction, LabelArgs, LabelCommand};
use crate::error::CliError;
use crate::output::say;

fn rules(ruleset: &Ruleset) -> Result<LabellingRules, CliError> {
    LabellingRules::from_ruleset(ruleset).map_err(|e| CliError::Input(e.to_string()))
}

fn read_application(path: &Path) -> Result<(String, Format), CliError> {
    let format = path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(Format::from_extension)
        .ok_or_else(|| {
            CliError::Usage(format!(
                "{}: an application file is .toml or .json",
                path.display()
            ))
        })?;
    let text = std::fs::read_to_string(path).map_err(|e| CliError::io(path, e))?;
    Ok((text, format))
}

fn json<T: serde::Serialize>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| CliError::Input(e.to_string()))?;
    say(text);
    Ok(())
}

fn command(action: &LabelAction) -> Result<Command, CliError> {
    Ok(match action {
        LabelAction::Draft { file } => {
            let (text, format) = read_application(file)?;
            Command::draft_from_text(&text, format)
                .map_err(|e| CliError::Input(format!("{}: {e}", file.display())))?
        }
        LabelAction::Submit => Command::Submit,
        LabelAction::SendBack => Command::SendBack,
        LabelAction::DeclareComplete => Command::DeclareComplete,
        LabelAction::GiveOpinion {
            opinion,
            reasons,
            conditions,
        } => Command::GiveOpinion {
            opinion: Opinion {
                kind: match opinion.as_str() {
                    "favourable" => OpinionKind::Favourable,
                    "favourable_with_reservations" => OpinionKind::FavourableWithReservations,
                    "unfavourable" => OpinionKind::Unfavourable,
                    other => {
                        return Err(CliError::Usage(format!(
                            "`{other}` is not an opinion (favourable, favourable_with_reservations, unfavourable)"
                        )));
                    }
                },
                reasons: reasons.clone(),
                conditions: conditions.clone(),
            },
        },
        LabelAction::Decide { granted } => Command::Decide {
            decision: if *granted {
                Decision::Granted
            } else {
                Decision::Refused
            },
        },
        LabelAction::SubmitActivityReport { year } => Command::SubmitActivityReport { year: *year },
        LabelAction::Suspend => Command::Suspend,
        LabelAction::Reinstate => Command::Reinstate,
        LabelAction::Withdraw => Command::Withdraw,
        LabelAction::Abandon => Command::Abandon,
    })
}

/// Runs `em label …`.
pub fn run(args: &LabelArgs) -> Result<(), CliError> {
    let _span = tracing::info_span!("label").entered();
    let ruleset = Ruleset::champagne_ardenne();
    let rules = rules(&ruleset)?;
    match &args.command {
        LabelCommand::Check {
            file,
            json: as_json,
        } => {
            let (text, format) = read_application(file)?;
            // The site's place in the territory gives the derived facts
            // (catchment overlap) that the specification judges.
            let territory = Territory::from_registry(&Registry::champagne_ardenne())
                .map_err(|e| CliError::Input(e.to_string()))?;
            let territory_ruleset = TerritoryRuleset::from_ruleset(&ruleset)
                .map_err(|e| CliError::Input(e.to_string()))?;
            let (evaluation, overlap) = em_labelling::territory::check_application(
                &rules,
                &territory,
                &territory_ruleset,
                &text,
                format,
            )
            .map_err(|e| CliError::Input(format!("{}: {e}", file.display())))?;
            if *as_json {
                return json(&evaluation);
            }
            say(&evaluation.summary);
            if let Some(overlap) = &overlap {
                say(format_args!("  {}", overlap.explanation));
            }
            // The criteria are read through the evaluation's published JSON
            // form, which the labelling crate pins with golden files.
            let value =
                serde_json::to_value(&evaluation).map_err(|e| CliError::Input(e.to_string()))?;
            let criteria = value["criteria"].as_array().cloned().unwrap_or_default();
            for criterion in criteria {
                let field = |name: &str| criterion[name].as_str().unwrap_or_default().to_owned();
                say(format_args!(
                    "  [{}] {} — {}",
                    field("verdict"),
                    field("label"),
                    field("explanation")
                ));
            }
            Ok(())
        }
        LabelCommand::List { db, date } => {
            let mut store = crate::commands::init::open(db)?;
            let service = Applications::new(&mut store, &rules);
            let list = service
                .list(*date)
                .map_err(|e| CliError::Input(e.to_string()))?;
            if list.is_empty() {
                say("no application in this database");
            }
            for summary in list {
                say(format_args!("{:<24} {}", summary.id, summary.status));
            }
            Ok(())
        }
        LabelCommand::Show { db, id } => {
            let mut store = crate::commands::init::open(db)?;
            let service = Applications::new(&mut store, &rules);
            let (application, history) = service
                .show(id)
                .map_err(|e| CliError::Input(e.to_string()))?;
            say(format_args!(
                "{}: {}",
                application.id,
                application.state.as_str()
            ));
            if let Some(evaluation) = &application.evaluation {
                say(format_args!("  {}", evaluation.summary));
            }
            for step in history {
                say(format_args!(
                    "  #{} {} {} by {} ({}){}",
                    step.seq,
                    step.at,
                    step.action,
                    step.actor,
                    step.role,
                    if step.reason.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", step.reason)
                    }
                ));
            }
            Ok(())
        }
        LabelCommand::Advance {
            db,
            id,
            role,
            actor,
            date,
            reason,
            action,
        } => {
            let role = Role::ALL
                .into_iter()
                .find(|r| r.as_str() == role)
                .ok_or_else(|| {
                    CliError::Usage(format!(
                        "`{role}` is not a role (host_structure, regional_coordination, commission, region)"
                    ))
                })?;
            let command = command(action)?;
            let mut store = crate::commands::init::open(db)?;
            let mut service = Applications::new(&mut store, &rules);
            let context = Context {
                role,
                actor: actor.clone(),
                day: *date,
                reason: reason.clone().unwrap_or_default(),
            };
            let application = service
                .advance(id, &context, jiff::Timestamp::now(), &command)
                .map_err(|e| CliError::Input(e.to_string()))?;
            say(format_args!(
                "{}: {} — {}",
                application.id,
                application.state.as_str(),
                application.status_on(*date)
            ));
            if let Some(evaluation) = &application.evaluation {
                say(format_args!("  {}", evaluation.summary));
            }
            Ok(())
        }
    }
}
