//! `em recruitment`: the recruitment of a territorial coordinator (CTEM) —
//! judge a candidate against the standard job profile in the ruleset, and
//! follow candidacies through their steps (the employer proposes, the
//! Commission sitting as recruitment committee gives its opinion, the
//! employer hires or declines) in the same journal as the applications.
//!
//! A command of its own rather than more `em label` steps: a candidacy is
//! another procedure, with its own subject, roles and steps, and `em label
//! advance … hire` would read as if a label could be hired.

use em_labelling::applications::Applications;
use em_labelling::{Candidacy, CandidacyCommand, CandidacyEvent, Context, Outcome};

use crate::args::{RecruitmentAction, RecruitmentArgs, RecruitmentCommand};
use crate::commands::label::{
    labelling, opinion, print_evaluation, print_history, read_application, report, role, step_error,
};
use crate::error::CliError;
use crate::output::say;

fn command(action: &RecruitmentAction) -> Result<CandidacyCommand, CliError> {
    Ok(match action {
        RecruitmentAction::Propose { file } => {
            let (text, format) = read_application(file)?;
            CandidacyCommand::propose_from_text(&text, format)
                .map_err(|e| CliError::Input(format!("{}: {e}", file.display())))?
        }
        RecruitmentAction::GiveOpinion {
            opinion: kind,
            reasons,
            conditions,
        } => CandidacyCommand::GiveOpinion {
            opinion: opinion(kind, reasons, conditions)?,
        },
        RecruitmentAction::Hire => CandidacyCommand::Hire,
        RecruitmentAction::Decline => CandidacyCommand::Decline,
        RecruitmentAction::Withdraw => CandidacyCommand::Withdraw,
    })
}

/// Runs `em recruitment …`.
pub fn run(args: &RecruitmentArgs) -> Result<(), CliError> {
    let _span = tracing::info_span!("recruitment").entered();
    let labelling = labelling()?;
    match &args.command {
        RecruitmentCommand::Check {
            file,
            json: as_json,
        } => {
            let (text, format) = read_application(file)?;
            let evaluation = Candidacy::check_candidate(labelling.rules(), &text, format)
                .map_err(|e| CliError::Input(format!("{}: {e}", file.display())))?;
            report(&evaluation, *as_json, &[], "the candidate")
        }
        RecruitmentCommand::List { db } => {
            let mut store = crate::commands::init::open(db)?;
            let service = Applications::new(&mut store, &labelling);
            let list = service
                .list_candidacies()
                .map_err(|e| CliError::Input(e.to_string()))?;
            if list.is_empty() {
                say("no candidacy in this database");
            }
            for summary in list {
                let outcome = match summary.outcome {
                    Some(Outcome::Eligible) => " (meets the job profile)",
                    Some(Outcome::NotEligible) => " (does not meet the job profile)",
                    Some(Outcome::Incomplete) => " (job profile cannot be judged)",
                    None => "",
                };
                say(format_args!(
                    "{:<24} {}{outcome}",
                    summary.id, summary.state
                ));
            }
            Ok(())
        }
        RecruitmentCommand::Show { db, id } => {
            let mut store = crate::commands::init::open(db)?;
            let service = Applications::new(&mut store, &labelling);
            let (candidacy, history) = service
                .show_candidacy(id)
                .map_err(|e| CliError::Input(e.to_string()))?;
            say(format_args!("{}: {}", candidacy.id, candidacy.state));
            print_evaluation(candidacy.evaluation.as_ref());
            print_history(&history, |event| match event {
                CandidacyEvent::OpinionGiven { opinion, .. } => vec![format!(
                    "opinion: {}",
                    serde_json::to_string(opinion).unwrap_or_default()
                )],
                _ => Vec::new(),
            });
            Ok(())
        }
        RecruitmentCommand::Advance {
            db,
            id,
            role: role_name,
            actor,
            date,
            reason,
            action,
        } => {
            let command = command(action)?;
            let context = Context {
                role: role(role_name)?,
                actor: actor.clone(),
                day: *date,
                reason: reason.clone().unwrap_or_default(),
            };
            let mut store = crate::commands::init::open(db)?;
            let mut service = Applications::new(&mut store, &labelling);
            let candidacy = service
                .advance_candidacy(id, &context, jiff::Timestamp::now(), &command)
                .map_err(step_error)?;
            say(format_args!("{}: {}", candidacy.id, candidacy.state));
            print_evaluation(candidacy.evaluation.as_ref());
            Ok(())
        }
    }
}
