//! The life of an application and of the label it may win, as a state
//! machine.
//!
//! ```text
//!  new ─draft→ draft ─submit→ submitted ─declare_complete→ complete
//!                ↑              │                            │ give_opinion
//!                └─draft── sent_back ←─send_back─┘           ▼
//!                                                      opinion_given
//!                                          decide: refused ↙    ↘ granted
//!                                                            granted ⇄ suspended
//!                                  submit_activity_report ↺ │        │
//!                                                           └─withdraw┘→ withdrawn
//! ```
//!
//! A step is a [`Command`] taken by a role in a [`Context`];
//! [`Application::decide`] checks it and returns the [`Event`] to record, and
//! [`Application::apply`] folds a recorded event into the state. The event
//! holds everything the step computed — the evaluation of a submission, the
//! period of a label — so replaying the journal never consults the rules
//! again: a later specification does not re-judge an application.

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::application::{ApplicationDocument, Format};
use crate::evaluation::Evaluation;
use crate::roles::{Opinion, Role};

mod machine;

pub use machine::{Application, ApplicationStepError};

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationState {
    /// Nothing recorded yet.
    New,
    /// Being drafted by the host structure.
    Draft,
    /// Submitted, waiting for the regional coordination's check.
    Submitted,
    /// Sent back to the host structure to be completed.
    SentBack,
    /// Declared complete by the regional coordination, waiting for the
    /// Commission.
    Complete,
    /// The Commission has given its opinion; the Region decides.
    OpinionGiven,
    /// The label is granted.
    Granted,
    /// The Region refused the label.
    Refused,
    /// The label is suspended.
    Suspended,
    /// The label is withdrawn.
    Withdrawn,
    /// The host structure abandoned its application.
    Abandoned,
}

impl ApplicationState {
    /// The state's snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationState::New => "new",
            ApplicationState::Draft => "draft",
            ApplicationState::Submitted => "submitted",
            ApplicationState::SentBack => "sent_back",
            ApplicationState::Complete => "complete",
            ApplicationState::OpinionGiven => "opinion_given",
            ApplicationState::Granted => "granted",
            ApplicationState::Refused => "refused",
            ApplicationState::Suspended => "suspended",
            ApplicationState::Withdrawn => "withdrawn",
            ApplicationState::Abandoned => "abandoned",
        }
    }
}

impl fmt::Display for ApplicationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The Region's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The label is granted.
    Granted,
    /// The label is refused.
    Refused,
}

/// A step asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Command {
    /// The host structure writes (or rewrites) its application.
    Draft {
        /// The application document, in the JSON form of an application
        /// file.
        document: serde_json::Value,
    },
    /// The host structure submits the draft; it is judged on the day.
    Submit,
    /// The regional coordination sends the application back (reason
    /// required).
    SendBack,
    /// The regional coordination declares the application complete.
    DeclareComplete,
    /// The Commission gives its opinion.
    GiveOpinion {
        /// The opinion.
        opinion: Opinion,
    },
    /// The Region decides.
    Decide {
        /// Granted or refused.
        decision: Decision,
    },
    /// The host structure submits a year's activity report, renewing the
    /// label.
    SubmitActivityReport {
        /// The year reported on.
        year: i16,
    },
    /// The Region suspends the label (reason required).
    Suspend,
    /// The Region lifts a suspension.
    Reinstate,
    /// The Region withdraws the label (reason required).
    Withdraw,
    /// The host structure abandons its application.
    Abandon,
}

impl Command {
    /// A draft from the text of an application file.
    pub fn draft_from_text(
        text: &str,
        format: Format,
    ) -> Result<Command, crate::application::ApplicationErrors> {
        let document = ApplicationDocument::parse(text, format)?;
        Ok(Command::Draft {
            document: document.to_json(),
        })
    }

    /// The step's snake_case name, as recorded in the journal.
    pub fn action(&self) -> &'static str {
        match self {
            Command::Draft { .. } => "draft",
            Command::Submit => "submit",
            Command::SendBack => "send_back",
            Command::DeclareComplete => "declare_complete",
            Command::GiveOpinion { .. } => "give_opinion",
            Command::Decide { .. } => "decide",
            Command::SubmitActivityReport { .. } => "submit_activity_report",
            Command::Suspend => "suspend",
            Command::Reinstate => "reinstate",
            Command::Withdraw => "withdraw",
            Command::Abandon => "abandon",
        }
    }

    /// The roles that may take the step and the states it starts from.
    pub fn allowed(&self) -> (&'static [Role], &'static [ApplicationState]) {
        use ApplicationState as S;
        match self {
            Command::Draft { .. } => (&[Role::HostStructure], &[S::New, S::Draft, S::SentBack]),
            Command::Submit => (&[Role::HostStructure], &[S::Draft, S::SentBack]),
            Command::SendBack | Command::DeclareComplete => {
                (&[Role::RegionalCoordination], &[S::Submitted])
            }
            Command::GiveOpinion { .. } => (&[Role::Commission], &[S::Complete]),
            Command::Decide { .. } => (&[Role::Region], &[S::OpinionGiven]),
            Command::SubmitActivityReport { .. } => (&[Role::HostStructure], &[S::Granted]),
            Command::Suspend => (&[Role::Region], &[S::Granted]),
            Command::Reinstate => (&[Role::Region], &[S::Suspended]),
            Command::Withdraw => (&[Role::Region], &[S::Granted, S::Suspended]),
            Command::Abandon => (
                &[Role::HostStructure],
                &[S::Draft, S::Submitted, S::SentBack, S::Complete],
            ),
        }
    }
}

/// The days a label is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelPeriod {
    /// First day.
    pub from: Date,
    /// Last day.
    pub until: Date,
}

/// A step recorded: what happened, with everything it computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The application was (re)drafted.
    Drafted {
        /// Day.
        day: Date,
        /// The document, in the JSON form of an application file.
        document: serde_json::Value,
    },
    /// The application was submitted and judged by the rules of the day.
    Submitted {
        /// Day (the submission day whose rules judged).
        day: Date,
        /// The evaluation, pinned to the rules that made it.
        evaluation: Evaluation,
        /// How the facts not stated but derived from the site's place were
        /// computed (the catchment overlap's figures), in sentences.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        derived: Vec<String>,
    },
    /// Sent back for completion.
    SentBack {
        /// Day.
        day: Date,
    },
    /// Declared complete.
    DeclaredComplete {
        /// Day.
        day: Date,
    },
    /// The Commission's opinion.
    OpinionGiven {
        /// Day.
        day: Date,
        /// The opinion.
        opinion: Opinion,
    },
    /// The label was granted for a period.
    Granted {
        /// Day of the decision.
        day: Date,
        /// The label's period.
        label: LabelPeriod,
    },
    /// The label was refused.
    Refused {
        /// Day.
        day: Date,
    },
    /// A year's activity report extended the label.
    Renewed {
        /// Day.
        day: Date,
        /// The year reported on.
        year: i16,
        /// The label's new period.
        label: LabelPeriod,
    },
    /// The label was suspended.
    Suspended {
        /// Day.
        day: Date,
    },
    /// The suspension was lifted.
    Reinstated {
        /// Day.
        day: Date,
    },
    /// The label was withdrawn.
    Withdrawn {
        /// Day.
        day: Date,
    },
    /// The application was abandoned.
    Abandoned {
        /// Day.
        day: Date,
    },
}

impl Event {
    /// The day the step took effect.
    pub fn day(&self) -> Date {
        match self {
            Event::Drafted { day, .. }
            | Event::Submitted { day, .. }
            | Event::SentBack { day }
            | Event::DeclaredComplete { day }
            | Event::OpinionGiven { day, .. }
            | Event::Granted { day, .. }
            | Event::Refused { day }
            | Event::Renewed { day, .. }
            | Event::Suspended { day }
            | Event::Reinstated { day }
            | Event::Withdrawn { day }
            | Event::Abandoned { day } => *day,
        }
    }
}
