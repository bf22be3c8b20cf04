//! Labelling from Python: judge an application file against the
//! specification in force on its submission day, in its territory (the
//! facts derived from the site's commune), judge a CTEM candidate against
//! the job profile, and take the steps of an application's and a
//! candidacy's life, recorded in the network's journal.

use std::sync::Arc;

use em_labelling::applications::{Applications, ServiceError};
use em_labelling::{
    ApplicationErrors, Candidacy, CandidacyCommand, CheckError, Command, Context, Counts,
    Evaluation, Format, LabellingError, Role,
};
use em_territory::CatchmentOverlap;
use serde::Serialize;

use crate::convert;
use crate::error::{EmError, Problem};
use crate::json;
use crate::network::Network;
use crate::registry::Registry;
use crate::ruleset::Ruleset;

fn labelling_error(message: String, problems: Vec<Problem>) -> EmError {
    EmError::Labelling { message, problems }
}

fn application_problems(file: &str, errors: &ApplicationErrors) -> Vec<Problem> {
    errors
        .0
        .iter()
        .map(|e| Problem {
            file: Some(file.to_owned()),
            path: (!e.path.is_empty()).then(|| e.path.clone()),
            line: e.line.map(|l| l as u64),
            column: e.column.map(|c| c as u64),
            field: None,
            reason: e.reason.clone(),
        })
        .collect()
}

fn check_error(file: &str, e: CheckError) -> EmError {
    match &e {
        CheckError::Application(errors) => labelling_error(
            e.to_string().trim_end().to_owned(),
            application_problems(file, errors),
        ),
        CheckError::NotSubmitted => labelling_error(
            e.to_string(),
            vec![Problem {
                file: Some(file.to_owned()),
                field: Some("submitted".to_owned()),
                ..Problem::reason(e.to_string())
            }],
        ),
        CheckError::NotInForce(_) | CheckError::TerritoryNotInForce { .. } => labelling_error(
            e.to_string(),
            vec![Problem {
                file: Some(file.to_owned()),
                ..Problem::reason(e.to_string())
            }],
        ),
    }
}

fn service_error(e: ServiceError) -> EmError {
    let message = e.to_string();
    match e {
        ServiceError::Unknown { kind, .. } => EmError::not_found(kind, message),
        ServiceError::BadId(_) | ServiceError::IdTooLong { .. } => EmError::argument("id", message),
        ServiceError::FutureStep { .. } => EmError::argument("date", message),
        ServiceError::BlankActor => EmError::argument("actor", message),
        ServiceError::Store(s) => s.into(),
        ServiceError::Application(em_labelling::roles::TransitionError::Document(errors))
        | ServiceError::Candidacy(em_labelling::roles::TransitionError::Document(errors)) => {
            labelling_error(message, application_problems("document", &errors))
        }
        _ => labelling_error(message.clone(), vec![Problem::reason(message)]),
    }
}

fn parse_format(format: &str) -> Result<Format, EmError> {
    Format::from_extension(format)
        .ok_or_else(|| EmError::argument("format", format!("`{format}` is not `toml` or `json`")))
}

fn setup_error(e: LabellingError) -> EmError {
    match e {
        LabellingError::Ruleset(errors) => errors.into(),
        LabellingError::Territory(errors) => EmError::Territory {
            message: errors.to_string(),
            problems: errors
                .0
                .iter()
                .map(|e| Problem::reason(e.to_string()))
                .collect(),
        },
    }
}

/// The labelling of a ruleset in the territory of a registry.
fn core_labelling(
    ruleset: &Ruleset,
    registry: &Registry,
) -> Result<em_labelling::Labelling, EmError> {
    em_labelling::Labelling::from_ruleset(ruleset.core(), registry.core()).map_err(setup_error)
}

/// What a check returns: the evaluation, its counts by level, the figures
/// of the derived facts, and the whole as a text for a reader.
#[derive(Serialize)]
struct Checked<'a> {
    #[serde(flatten)]
    evaluation: &'a Evaluation,
    counts: Counts,
    overlap: Option<&'a CatchmentOverlap>,
    text: String,
}

fn checked_json(
    evaluation: &Evaluation,
    overlap: Option<&CatchmentOverlap>,
) -> Result<String, EmError> {
    json::write(&Checked {
        evaluation,
        counts: evaluation.counts(),
        overlap,
        text: evaluation.to_text(),
    })
}

/// The labelling rules of a ruleset, with the territory the derived facts
/// (catchment overlap) are computed in.
#[derive(Debug, uniffi::Object)]
pub struct Labelling {
    inner: em_labelling::Labelling,
}

#[uniffi::export]
impl Labelling {
    /// The labelling rules of `ruleset` in the territory of `registry`
    /// (the shipped ones when not given).
    #[uniffi::constructor]
    pub fn new(
        ruleset: Option<Arc<Ruleset>>,
        registry: Option<Arc<Registry>>,
    ) -> Result<Arc<Labelling>, EmError> {
        let _span = tracing::info_span!("binding.labelling").entered();
        let ruleset = ruleset.unwrap_or_else(Ruleset::shipped);
        let registry = registry.unwrap_or_else(Registry::shipped);
        Ok(Arc::new(Labelling {
            inner: core_labelling(&ruleset, &registry)?,
        }))
    }

    /// Judges an application file's text (`format`: `toml` or `json`)
    /// against the specification in force on its submission day, its
    /// derived facts computed in the territory. Returns, as JSON, the
    /// evaluation (every criterion with its explanation), its `counts` by
    /// level, the catchment `overlap` with its figures, and the whole as a
    /// `text` for a reader.
    pub fn check_application(
        &self,
        text: String,
        format: String,
        file_name: Option<String>,
    ) -> Result<String, EmError> {
        let _span = tracing::info_span!("binding.check_application").entered();
        let file = file_name.unwrap_or_else(|| format!("<application.{format}>"));
        let format = parse_format(&format)?;
        let checked = self
            .inner
            .check_application(&text, format)
            .map_err(|e| check_error(&file, e))?;
        checked_json(&checked.evaluation, checked.overlap.as_ref())
    }

    /// Judges a CTEM candidate file's text against the job profile in
    /// force on its day, as the recruitment committee reads it; the same
    /// JSON as `check_application`, without overlap.
    pub fn check_candidate(
        &self,
        text: String,
        format: String,
        file_name: Option<String>,
    ) -> Result<String, EmError> {
        let _span = tracing::info_span!("binding.check_candidate").entered();
        let file = file_name.unwrap_or_else(|| format!("<candidate.{format}>"));
        let format = parse_format(&format)?;
        let evaluation = Candidacy::check_candidate(self.inner.rules(), &text, format)
            .map_err(|e| check_error(&file, e))?;
        checked_json(&evaluation, None)
    }
}

impl Network {
    fn labelling(&self) -> Result<em_labelling::Labelling, EmError> {
        core_labelling(&self.ruleset, &self.registry)
    }
}

fn context(role: &str, actor: String, day: &str, reason: String) -> Result<Context, EmError> {
    Ok(Context {
        role: role
            .parse::<Role>()
            .map_err(|e| EmError::argument("role", e.to_string()))?,
        actor,
        day: convert::date("day", day)?,
        reason,
    })
}

#[derive(Serialize)]
struct Shown<A, H> {
    subject: A,
    history: H,
}

#[uniffi::export]
impl Network {
    /// Takes a step on application `id` — `command_json` is the step, e.g.
    /// `{"action": "submit"}` or `{"action": "draft", "document": {...}}` —
    /// taken by `role` (`host_structure`, `regional_coordination`,
    /// `commission`, `region`) on `day`; records it in the journal and
    /// returns the application after it, as JSON.
    pub fn advance_application(
        &self,
        id: String,
        role: String,
        actor: String,
        day: String,
        reason: String,
        command_json: String,
    ) -> Result<String, EmError> {
        let _span = tracing::info_span!("binding.advance_application").entered();
        let ctx = context(&role, actor, &day, reason)?;
        let command: Command = json::parse("command", &command_json)?;
        let labelling = self.labelling()?;
        let mut store = self.store();
        let application = Applications::new(&mut store, &labelling)
            .advance(&id, &ctx, jiff::Timestamp::now(), &command)
            .map_err(service_error)?;
        json::write(&application)
    }

    /// Application `id` and its history, as JSON
    /// (`{"subject": ..., "history": [...]}`).
    pub fn application(&self, id: String) -> Result<String, EmError> {
        let labelling = self.labelling()?;
        let mut store = self.store();
        let (subject, history) = Applications::new(&mut store, &labelling)
            .show(&id)
            .map_err(service_error)?;
        json::write(&Shown { subject, history })
    }

    /// Every application with where it stands on `day`, as JSON rows.
    pub fn applications(&self, day: String) -> Result<String, EmError> {
        let day = convert::date("day", &day)?;
        let labelling = self.labelling()?;
        let mut store = self.store();
        let list = Applications::new(&mut store, &labelling)
            .list(day)
            .map_err(service_error)?;
        json::write(&list)
    }

    /// Takes a step on the CTEM candidacy `id` (e.g. `{"action":
    /// "propose", "candidate": {...}}`), returns the candidacy as JSON.
    pub fn advance_candidacy(
        &self,
        id: String,
        role: String,
        actor: String,
        day: String,
        reason: String,
        command_json: String,
    ) -> Result<String, EmError> {
        let _span = tracing::info_span!("binding.advance_candidacy").entered();
        let ctx = context(&role, actor, &day, reason)?;
        let command: CandidacyCommand = json::parse("command", &command_json)?;
        let labelling = self.labelling()?;
        let mut store = self.store();
        let candidacy = Applications::new(&mut store, &labelling)
            .advance_candidacy(&id, &ctx, jiff::Timestamp::now(), &command)
            .map_err(service_error)?;
        json::write(&candidacy)
    }

    /// Candidacy `id` and its history, as JSON.
    pub fn candidacy(&self, id: String) -> Result<String, EmError> {
        let labelling = self.labelling()?;
        let mut store = self.store();
        let (subject, history) = Applications::new(&mut store, &labelling)
            .show_candidacy(&id)
            .map_err(service_error)?;
        json::write(&Shown { subject, history })
    }

    /// Every candidacy, as JSON rows.
    pub fn candidacies(&self) -> Result<String, EmError> {
        let labelling = self.labelling()?;
        let mut store = self.store();
        let list = Applications::new(&mut store, &labelling)
            .list_candidacies()
            .map_err(service_error)?;
        json::write(&list)
    }

    /// Checks the journal's hash chain; returns how many entries it holds.
    pub fn verify_journal(&self) -> Result<u64, EmError> {
        let labelling = self.labelling()?;
        let mut store = self.store();
        let verified = Applications::new(&mut store, &labelling)
            .verify()
            .map_err(|e| labelling_error(e.to_string(), vec![Problem::reason(e.to_string())]))?;
        Ok(verified.entries)
    }
}
