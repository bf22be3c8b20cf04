//! The recruitment of a territorial coordinator (CTEM): a candidate judged
//! against the standard job profile, the Commission's opinion as recruitment
//! committee, the employer's decision.
//!
//! ```text
//!  new ─propose→ proposed ─give_opinion→ opinion_given ─hire→ hired
//!                   │                         └──decline→ declined
//!                   └──────────── withdraw ───────→ withdrawn
//! ```
//!
//! The employer — the host structure or the Region, the two employers the
//! source names — proposes a candidate and takes the decision; the
//! Commission only gives its opinion. The candidate is described by a
//! reference and facts of the job profile, never by name: the facts stay in
//! the store, with the same journal as applications.

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::application::{ApplicationDocument, CheckError, Format};
use crate::evaluation::Evaluation;
use crate::roles::{Context, Opinion, OpinionKind, Role, TransitionError, guard};
use crate::specification::LabellingRules;

/// Where a candidacy stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidacyState {
    /// Nothing recorded yet.
    New,
    /// Proposed by the employer, judged against the job profile.
    Proposed,
    /// The Commission has given its opinion.
    OpinionGiven,
    /// The employer hired the candidate.
    Hired,
    /// The employer declined the candidate.
    Declined,
    /// The employer withdrew the candidacy.
    Withdrawn,
}

impl fmt::Display for CandidacyState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CandidacyState::New => "new",
            CandidacyState::Proposed => "proposed",
            CandidacyState::OpinionGiven => "opinion_given",
            CandidacyState::Hired => "hired",
            CandidacyState::Declined => "declined",
            CandidacyState::Withdrawn => "withdrawn",
        })
    }
}

/// A step of a candidacy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum CandidacyCommand {
    /// The employer proposes a candidate for a post.
    Propose {
        /// The candidate file, in the JSON form of an application file:
        /// `applicant` is the candidate's reference (not a name), `site` the
        /// post's site, `facts` the job profile's facts.
        candidate: serde_json::Value,
    },
    /// The Commission, as recruitment committee, gives its opinion.
    GiveOpinion {
        /// The opinion.
        opinion: Opinion,
    },
    /// The employer hires the candidate.
    Hire,
    /// The employer declines the candidate (reason required).
    Decline,
    /// The employer withdraws the candidacy.
    Withdraw,
}

impl CandidacyCommand {
    /// A proposal from the text of a candidate file.
    pub fn propose_from_text(
        text: &str,
        format: Format,
    ) -> Result<CandidacyCommand, crate::application::ApplicationErrors> {
        let document = ApplicationDocument::parse(text, format)?;
        Ok(CandidacyCommand::Propose {
            candidate: document.to_json(),
        })
    }

    /// The step's snake_case name.
    pub fn action(&self) -> &'static str {
        match self {
            CandidacyCommand::Propose { .. } => "propose",
            CandidacyCommand::GiveOpinion { .. } => "give_opinion",
            CandidacyCommand::Hire => "hire",
            CandidacyCommand::Decline => "decline",
            CandidacyCommand::Withdraw => "withdraw",
        }
    }

    /// The roles that may take the step (for the employer's steps: either
    /// employer, checked further against the one that proposed) and the
    /// states it starts from.
    pub fn allowed(&self) -> (&'static [Role], &'static [CandidacyState]) {
        use CandidacyState as S;
        const EMPLOYERS: &[Role] = &[Role::HostStructure, Role::Region];
        match self {
            CandidacyCommand::Propose { .. } => (EMPLOYERS, &[S::New]),
            CandidacyCommand::GiveOpinion { .. } => (&[Role::Commission], &[S::Proposed]),
            CandidacyCommand::Hire | CandidacyCommand::Decline => (EMPLOYERS, &[S::OpinionGiven]),
            CandidacyCommand::Withdraw => (EMPLOYERS, &[S::Proposed, S::OpinionGiven]),
        }
    }
}

/// A recorded step of a candidacy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum CandidacyEvent {
    /// Proposed, and judged against the job profile of the day.
    Proposed {
        /// Day.
        day: Date,
        /// Who employs the post.
        employer: Role,
        /// The candidate file.
        candidate: serde_json::Value,
        /// The candidate against the job profile, pinned.
        evaluation: Evaluation,
    },
    /// The recruitment committee's opinion.
    OpinionGiven {
        /// Day.
        day: Date,
        /// The opinion.
        opinion: Opinion,
    },
    /// Hired.
    Hired {
        /// Day.
        day: Date,
    },
    /// Declined.
    Declined {
        /// Day.
        day: Date,
    },
    /// Withdrawn.
    Withdrawn {
        /// Day.
        day: Date,
    },
}

impl CandidacyEvent {
    fn day(&self) -> Date {
        match self {
            CandidacyEvent::Proposed { day, .. }
            | CandidacyEvent::OpinionGiven { day, .. }
            | CandidacyEvent::Hired { day }
            | CandidacyEvent::Declined { day }
            | CandidacyEvent::Withdrawn { day } => *day,
        }
    }
}

/// A candidacy, as its recorded steps made it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidacy {
    /// Identifier, e.g. `ctem-langres-2010-1`.
    pub id: String,
    /// Where it stands.
    pub state: CandidacyState,
    /// The employer who proposed the candidate.
    pub employer: Option<Role>,
    /// The candidate against the job profile.
    pub evaluation: Option<Evaluation>,
    /// The recruitment committee's opinion.
    pub opinion: Option<Opinion>,
    /// The day of the latest step.
    pub last_day: Option<Date>,
}

/// A refused step on a candidacy.
pub type CandidacyStepError = TransitionError<CandidacyState>;

impl Candidacy {
    /// A candidacy with nothing recorded yet.
    pub fn new(id: impl Into<String>) -> Candidacy {
        Candidacy {
            id: id.into(),
            state: CandidacyState::New,
            employer: None,
            evaluation: None,
            opinion: None,
            last_day: None,
        }
    }

    /// Reads a candidate file (in the form of an application file:
    /// `applicant` the candidate's reference, `site` the post's site,
    /// `submitted` the day of the candidacy, `facts` the job profile's) and
    /// judges it against the job profile in force that day, as a proposal
    /// would, without recording anything.
    pub fn check_candidate(
        rules: &LabellingRules,
        text: &str,
        format: Format,
    ) -> Result<Evaluation, CheckError> {
        let _span = tracing::info_span!("check_candidate", ?format).entered();
        let document = ApplicationDocument::parse(text, format)?;
        let day = document.submitted.ok_or(CheckError::NotSubmitted)?;
        let facts = document.facts_for(&rules.job_profile)?;
        let evaluation = rules.job_profile.in_force(day)?.evaluate(facts.slots());
        tracing::info!(outcome = ?evaluation.outcome, %day, "candidate judged");
        Ok(evaluation)
    }

    /// Checks a step and returns the event to record.
    pub fn decide(
        &self,
        ctx: &Context,
        command: &CandidacyCommand,
        rules: &LabellingRules,
    ) -> Result<CandidacyEvent, CandidacyStepError> {
        let action = command.action();
        let (roles, states) = command.allowed();
        // Once proposed, only the employer who proposed takes the
        // employer's steps.
        let roles: Vec<Role> = match (command, self.employer) {
            (CandidacyCommand::GiveOpinion { .. }, _) | (_, None) => roles.to_vec(),
            (_, Some(employer)) => vec![employer],
        };
        guard(action, ctx.role, self.state, &roles, states)?;
        if let Some(previous) = self.last_day
            && ctx.day < previous
        {
            return Err(TransitionError::Backdated {
                day: ctx.day,
                previous,
            });
        }
        let day = ctx.day;
        Ok(match command {
            CandidacyCommand::Propose { candidate } => {
                let document = ApplicationDocument::parse(&candidate.to_string(), Format::Json)?;
                let facts = document.facts_for(&rules.job_profile)?;
                let in_force = rules
                    .job_profile
                    .in_force(day)
                    .map_err(|e| TransitionError::NotInForce(e.to_string()))?;
                CandidacyEvent::Proposed {
                    day,
                    employer: ctx.role,
                    candidate: document.to_json(),
                    evaluation: in_force.evaluate(facts.slots()),
                }
            }
            CandidacyCommand::GiveOpinion { opinion } => {
                if let Some(problem) = opinion.problem() {
                    return Err(TransitionError::Opinion(problem));
                }
                CandidacyEvent::OpinionGiven {
                    day,
                    opinion: opinion.clone(),
                }
            }
            CandidacyCommand::Hire => {
                let unfavourable = self
                    .opinion
                    .as_ref()
                    .is_some_and(|o| o.kind == OpinionKind::Unfavourable);
                if unfavourable && ctx.reason.trim().is_empty() {
                    return Err(TransitionError::ReasonRequired {
                        action,
                        why: "hiring against the recruitment committee's opinion",
                    });
                }
                CandidacyEvent::Hired { day }
            }
            CandidacyCommand::Decline => {
                if ctx.reason.trim().is_empty() {
                    return Err(TransitionError::ReasonRequired {
                        action,
                        why: "the candidate is told why",
                    });
                }
                CandidacyEvent::Declined { day }
            }
            CandidacyCommand::Withdraw => CandidacyEvent::Withdrawn { day },
        })
    }

    /// Folds a recorded event into the candidacy.
    pub fn apply(&mut self, event: &CandidacyEvent) {
        self.last_day = Some(event.day());
        match event {
            CandidacyEvent::Proposed {
                employer,
                evaluation,
                ..
            } => {
                self.employer = Some(*employer);
                self.evaluation = Some(evaluation.clone());
                self.state = CandidacyState::Proposed;
            }
            CandidacyEvent::OpinionGiven { opinion, .. } => {
                self.opinion = Some(opinion.clone());
                self.state = CandidacyState::OpinionGiven;
            }
            CandidacyEvent::Hired { .. } => self.state = CandidacyState::Hired,
            CandidacyEvent::Declined { .. } => self.state = CandidacyState::Declined,
            CandidacyEvent::Withdrawn { .. } => self.state = CandidacyState::Withdrawn,
        }
    }
}
