//! The application as its recorded steps made it, and the machine that
//! takes a step: [`Application::decide`] checks a command against the state
//! and the role and says what to record; [`Application::apply`] folds a
//! recorded event into the state.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use super::{ApplicationState, Command, Decision, Event, LabelPeriod};
use crate::application::{ApplicationDocument, CheckError, Format};
use crate::evaluation::{Evaluation, Outcome};
use crate::labelling::Labelling;
use crate::roles::{Context, Opinion, OpinionKind, TransitionError, guard};

/// An application and its label, as the recorded steps made them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Application {
    /// Identifier, e.g. `langres-2010`.
    pub id: String,
    /// Where it stands.
    pub state: ApplicationState,
    /// The latest draft, in the JSON form of an application file.
    pub document: Option<serde_json::Value>,
    /// The evaluation of the latest submission.
    pub evaluation: Option<Evaluation>,
    /// The Commission's opinion.
    pub opinion: Option<Opinion>,
    /// The label's period, once granted.
    pub label: Option<LabelPeriod>,
    /// The years whose activity report renewed the label.
    pub reported_years: Vec<i16>,
    /// The day of the latest step.
    pub last_day: Option<Date>,
}

/// A refused step on an application.
pub type ApplicationStepError = TransitionError<ApplicationState>;

impl Application {
    /// An application with nothing recorded yet.
    pub fn new(id: impl Into<String>) -> Application {
        Application {
            id: id.into(),
            state: ApplicationState::New,
            document: None,
            evaluation: None,
            opinion: None,
            label: None,
            reported_years: Vec::new(),
            last_day: None,
        }
    }

    /// Whether the label is in force on `day`: granted (not suspended or
    /// withdrawn) and within its period.
    pub fn label_in_force(&self, day: Date) -> bool {
        self.state == ApplicationState::Granted
            && self.label.is_some_and(|l| l.from <= day && day <= l.until)
    }

    /// Where the application stands on `day`, in a sentence.
    pub fn status_on(&self, day: Date) -> String {
        match (self.state, self.label) {
            (ApplicationState::Granted, Some(l)) if day > l.until => {
                format!("granted, expired on {}", l.until)
            }
            (ApplicationState::Granted, Some(l)) => format!("granted, valid until {}", l.until),
            (ApplicationState::Suspended, Some(l)) => {
                format!("suspended (label period until {})", l.until)
            }
            (state, _) => match &self.evaluation {
                Some(e)
                    if matches!(
                        state,
                        ApplicationState::Submitted
                            | ApplicationState::Complete
                            | ApplicationState::OpinionGiven
                    ) =>
                {
                    format!("{state} ({})", outcome_word(e.outcome))
                }
                _ => state.to_string(),
            },
        }
    }

    /// Checks a step and returns the event to record. Nothing changes until
    /// the event is applied. A submission is judged by `labelling`, its
    /// derived facts (the catchment overlap) computed in its territory.
    pub fn decide(
        &self,
        ctx: &Context,
        command: &Command,
        labelling: &Labelling,
    ) -> Result<Event, ApplicationStepError> {
        let rules = labelling.rules();
        let action = command.action();
        let (roles, states) = command.allowed();
        guard(action, ctx.role, self.state, roles, states)?;
        if let Some(previous) = self.last_day
            && ctx.day < previous
        {
            return Err(TransitionError::Backdated {
                day: ctx.day,
                previous,
            });
        }
        let needs_reason = |why: &'static str| {
            if ctx.reason.trim().is_empty() {
                Err(TransitionError::ReasonRequired { action, why })
            } else {
                Ok(())
            }
        };
        let day = ctx.day;
        Ok(match command {
            Command::Draft { document } => {
                let parsed = parse_json_document(document)?;
                parsed.facts_for(&rules.specification)?;
                Event::Drafted {
                    day,
                    document: parsed.to_json(),
                }
            }
            Command::Submit => {
                let document = self
                    .document
                    .as_ref()
                    .map(parse_json_document)
                    .transpose()?
                    .ok_or(TransitionError::WrongState {
                        action,
                        state: self.state,
                        allowed: vec![ApplicationState::Draft],
                    })?;
                let checked = labelling.judge(&document, day).map_err(|e| match e {
                    CheckError::Application(errors) => TransitionError::Document(errors),
                    other => TransitionError::NotInForce(other.to_string()),
                })?;
                Event::Submitted {
                    day,
                    evaluation: checked.evaluation,
                    derived: checked.overlap.map(|o| o.explanation).into_iter().collect(),
                }
            }
            Command::SendBack => {
                needs_reason("say what the application lacks")?;
                Event::SentBack { day }
            }
            Command::DeclareComplete => {
                let missing: Vec<String> = self
                    .evaluation
                    .as_ref()
                    .map(|e| {
                        e.missing_required_facts()
                            .iter()
                            .map(ToString::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                if !missing.is_empty() {
                    return Err(TransitionError::Incomplete { missing });
                }
                Event::DeclaredComplete { day }
            }
            Command::GiveOpinion { opinion } => {
                if let Some(problem) = opinion.problem() {
                    return Err(TransitionError::Opinion(problem));
                }
                Event::OpinionGiven {
                    day,
                    opinion: opinion.clone(),
                }
            }
            Command::Decide { decision } => {
                // The Region takes the final decision, but a decision
                // against the Commission's opinion must say why, so the
                // Commission and the applicant can read it.
                let opinion = self.opinion.as_ref().map(|o| o.kind);
                let against = match decision {
                    Decision::Granted => opinion == Some(OpinionKind::Unfavourable),
                    Decision::Refused => opinion != Some(OpinionKind::Unfavourable),
                };
                if against {
                    needs_reason("the decision goes against the Commission's opinion")?;
                }
                match decision {
                    Decision::Refused => Event::Refused { day },
                    Decision::Granted => {
                        let months = rules
                            .label
                            .validity_months
                            .at("label.validity_months", day)
                            .map_err(|e| TransitionError::NotInForce(e.to_string()))?;
                        Event::Granted {
                            day,
                            label: LabelPeriod {
                                from: day,
                                until: add_months(day, *months).yesterday().unwrap_or(day),
                            },
                        }
                    }
                }
            }
            Command::SubmitActivityReport { year } => {
                let label = self.label.ok_or(TransitionError::WrongState {
                    action,
                    state: self.state,
                    allowed: vec![ApplicationState::Granted],
                })?;
                if day > label.until {
                    return Err(TransitionError::LabelExpired { until: label.until });
                }
                if *year >= day.year() {
                    return Err(TransitionError::ActivityReport {
                        year: *year,
                        why: "the year is not over yet",
                    });
                }
                if *year < label.from.year() {
                    return Err(TransitionError::ActivityReport {
                        year: *year,
                        why: "the year ended before the label was granted",
                    });
                }
                if self.reported_years.contains(year) {
                    return Err(TransitionError::ActivityReport {
                        year: *year,
                        why: "this year's report has already renewed the label",
                    });
                }
                let months = rules
                    .label
                    .renewal_months
                    .at("label.renewal_months", day)
                    .map_err(|e| TransitionError::NotInForce(e.to_string()))?;
                Event::Renewed {
                    day,
                    year: *year,
                    label: LabelPeriod {
                        from: label.from,
                        until: add_months(label.until, *months),
                    },
                }
            }
            Command::Suspend => {
                needs_reason("a suspension says what the site must put right")?;
                Event::Suspended { day }
            }
            Command::Reinstate => Event::Reinstated { day },
            Command::Withdraw => {
                needs_reason("a withdrawal says why the label is lost")?;
                Event::Withdrawn { day }
            }
            Command::Abandon => Event::Abandoned { day },
        })
    }

    /// Folds a recorded event into the application.
    pub fn apply(&mut self, event: &Event) {
        use ApplicationState as S;
        self.last_day = Some(event.day());
        match event {
            Event::Drafted { document, .. } => {
                self.document = Some(document.clone());
                self.state = S::Draft;
            }
            Event::Submitted { evaluation, .. } => {
                self.evaluation = Some(evaluation.clone());
                self.state = S::Submitted;
            }
            Event::SentBack { .. } => self.state = S::SentBack,
            Event::DeclaredComplete { .. } => self.state = S::Complete,
            Event::OpinionGiven { opinion, .. } => {
                self.opinion = Some(opinion.clone());
                self.state = S::OpinionGiven;
            }
            Event::Granted { label, .. } => {
                self.label = Some(*label);
                self.state = S::Granted;
            }
            Event::Refused { .. } => self.state = S::Refused,
            Event::Renewed { year, label, .. } => {
                self.label = Some(*label);
                self.reported_years.push(*year);
            }
            Event::Suspended { .. } => self.state = S::Suspended,
            Event::Reinstated { .. } => self.state = S::Granted,
            Event::Withdrawn { .. } => self.state = S::Withdrawn,
            Event::Abandoned { .. } => self.state = S::Abandoned,
        }
    }
}

fn outcome_word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Eligible => "eligible",
        Outcome::NotEligible => "not eligible",
        Outcome::Incomplete => "incomplete",
    }
}

fn parse_json_document(
    document: &serde_json::Value,
) -> Result<ApplicationDocument, crate::application::ApplicationErrors> {
    ApplicationDocument::parse(&document.to_string(), Format::Json)
}

/// `day` plus `months`, clamped to the end of a shorter month; the far
/// future saturates at the last representable day.
fn add_months(day: Date, months: u32) -> Date {
    day.checked_add(i64::from(months).months())
        .unwrap_or(Date::MAX)
}
