//! `em label`: the labelling of Espaces métiers (*labellisation*) — judge an
//! application file against the specification (*cahier des charges*) in
//! force on its submission day, and follow applications through their steps
//! in the database's journal.
//!
//! Every judgement — `check` and the submission recorded by `advance` — is
//! made by one [`Labelling`]: the shipped rules with the shipped registry's
//! territory, which gives the facts derived from the site's commune (its
//! catchment overlap with the existing sites).

use std::path::Path;

use em_core::Registry;
use em_labelling::applications::{Applications, HistoryEntry, ServiceError};
use em_labelling::{
    Command, Context, Decision, Evaluation, Event, Format, Labelling, Opinion, OpinionKind,
    Outcome, Role,
};

use crate::args::{LabelAction, LabelArgs, LabelCommand};
use crate::error::CliError;
use crate::output::say;

/// The labelling of the rules in use (`--ruleset`, or the shipped ones) and
/// the territory.
pub(crate) fn labelling() -> Result<Labelling, CliError> {
    Labelling::from_ruleset(
        &crate::commands::ruleset::current()?,
        &Registry::champagne_ardenne(),
    )
    .map_err(|e| CliError::Input(e.to_string()))
}

/// A role by its name.
pub(crate) fn role(name: &str) -> Result<Role, CliError> {
    name.parse::<Role>()
        .map_err(|e| CliError::Usage(e.to_string()))
}

/// An opinion from the command line's words.
pub(crate) fn opinion(
    kind: &str,
    reasons: &[String],
    conditions: &[String],
) -> Result<Opinion, CliError> {
    Ok(Opinion {
        kind: match kind {
            "favourable" => OpinionKind::Favourable,
            "favourable_with_reservations" => OpinionKind::FavourableWithReservations,
            "unfavourable" => OpinionKind::Unfavourable,
            other => {
                return Err(CliError::Usage(format!(
                    "`{other}` is not an opinion (favourable, favourable_with_reservations, unfavourable)"
                )));
            }
        },
        reasons: reasons.to_vec(),
        conditions: conditions.to_vec(),
    })
}

/// Prints an evaluation — its summary, the counts by level, then each
/// criterion (or the whole as JSON) — and turns a negative verdict into the
/// exit code scripts read: `what` names the judged ("the application").
pub(crate) fn report(
    evaluation: &Evaluation,
    as_json: bool,
    notes: &[&str],
    what: &str,
) -> Result<(), CliError> {
    if as_json {
        json(evaluation)?;
    } else {
        say(&evaluation.summary);
        say(format_args!("  {}", evaluation.counts()));
        for note in notes {
            say(format_args!("  {note}"));
        }
        // The criteria are read through the evaluation's published JSON
        // form, which the labelling crate pins with golden files.
        let value = serde_json::to_value(evaluation).map_err(|e| CliError::Input(e.to_string()))?;
        let criteria = value["criteria"].as_array().cloned().unwrap_or_default();
        for criterion in criteria {
            let field = |name: &str| criterion[name].as_str().unwrap_or_default().to_owned();
            say(format_args!(
                "  [{}, {}] {} — {}",
                field("verdict"),
                field("level"),
                field("label"),
                field("explanation")
            ));
        }
    }
    match evaluation.outcome {
        Outcome::Eligible => Ok(()),
        Outcome::NotEligible => Err(CliError::Verdict(format!(
            "{what} is not eligible ({})",
            evaluation.counts()
        ))),
        Outcome::Incomplete => Err(CliError::Verdict(format!(
            "{what} is incomplete: required criteria cannot be judged ({})",
            evaluation.counts()
        ))),
    }
}

/// Prints the summary and counts of a case's evaluation, if it has one,
/// under its state line.
pub(crate) fn print_evaluation(evaluation: Option<&Evaluation>) {
    if let Some(evaluation) = evaluation {
        say(format_args!("  {}", evaluation.summary));
        say(format_args!("  {}", evaluation.counts()));
    }
}

/// Prints a case's history, one line a step (its place in the journal,
/// when, what, by whom in which role, and why), each followed by the lines
/// `details` draws from what the step recorded. `em label show` and `em
/// recruitment show` print their journals alike, so that a reader of one
/// reads the other.
pub(crate) fn print_history<E>(history: &[HistoryEntry<E>], details: impl Fn(&E) -> Vec<String>) {
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
        for line in details(&step.event) {
            say(format_args!("      {line}"));
        }
    }
}

/// A refused step as the command line reports it: a date after today or an
/// empty actor names the option that gave it.
pub(crate) fn step_error(e: ServiceError) -> CliError {
    let option = match e {
        ServiceError::FutureStep { .. } => "--date: ",
        ServiceError::BlankActor => "--actor: ",
        ServiceError::IdTooLong { .. } | ServiceError::BadId(_) => "ID: ",
        _ => "",
    };
    CliError::Input(format!("{option}{e}"))
}

/// Reads an application or candidate file; its extension gives the format.
pub(crate) fn read_application(path: &Path) -> Result<(String, Format), CliError> {
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

pub(crate) fn json<T: serde::Serialize>(value: &T) -> Result<(), CliError> {
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
            opinion: kind,
            reasons,
            conditions,
        } => Command::GiveOpinion {
            opinion: opinion(kind, reasons, conditions)?,
        },
        LabelAction::Decide { granted } => Command::Decide {
            decision: if *granted {
                Decision::Granted
            } else {
                Decision::Refused
            },
        },
        LabelAction::SubmitActivityReport { year } => {
            Command::SubmitActivityReport { year: year.get() }
        }
        LabelAction::Suspend => Command::Suspend,
        LabelAction::Reinstate => Command::Reinstate,
        LabelAction::Withdraw => Command::Withdraw,
        LabelAction::Abandon => Command::Abandon,
    })
}

/// Runs `em label …`.
pub fn run(args: &LabelArgs) -> Result<(), CliError> {
    let _span = tracing::info_span!("label").entered();
    let labelling = labelling()?;
    match &args.command {
        LabelCommand::Check {
            file,
            json: as_json,
        } => {
            let (text, format) = read_application(file)?;
            let checked = labelling
                .check_application(&text, format)
                .map_err(|e| CliError::Input(format!("{}: {e}", file.display())))?;
            // The overlap's sentence gives the figures behind the derived
            // fact the catchment criterion reads.
            let notes: Vec<&str> = checked
                .overlap
                .iter()
                .map(|o| o.explanation.as_str())
                .collect();
            report(&checked.evaluation, *as_json, &notes, "the application")
        }
        LabelCommand::List { db, date } => {
            let mut store = crate::commands::init::open(db)?;
            let service = Applications::new(&mut store, &labelling);
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
            let service = Applications::new(&mut store, &labelling);
            let (application, history) = service
                .show(id)
                .map_err(|e| CliError::Input(e.to_string()))?;
            say(format_args!(
                "{}: {}",
                application.id,
                application.state.as_str()
            ));
            print_evaluation(application.evaluation.as_ref());
            print_history(&history, |event| match event {
                Event::Submitted { derived, .. } => derived.clone(),
                _ => Vec::new(),
            });
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
            let role = self::role(role)?;
            let command = command(action)?;
            let mut store = crate::commands::init::open(db)?;
            let mut service = Applications::new(&mut store, &labelling);
            let context = Context {
                role,
                actor: actor.clone(),
                day: *date,
                reason: reason.clone().unwrap_or_default(),
            };
            let application = service
                .advance(id, &context, jiff::Timestamp::now(), &command)
                .map_err(step_error)?;
            say(format_args!(
                "{}: {} — {}",
                application.id,
                application.state.as_str(),
                application.status_on(*date)
            ));
            print_evaluation(application.evaluation.as_ref());
            Ok(())
        }
    }
}
