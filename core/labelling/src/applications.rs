//! Applications and candidacies kept in the store: each step checked,
//! recorded in the journal, and read back by replaying it.
//!
//! This is the edge of the crate: the only module that touches the store
//! (and only with the `store` feature). An application is the journal
//! subject `application:<id>`, a candidacy `candidacy:<id>`; their state is
//! never stored apart from the journal, so it cannot drift from it. Each
//! step reads the subject's entries, replays them, checks the step and
//! appends its event in one write transaction: two people advancing the
//! same application at once are serialised, the second seeing the first's
//! step.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde::de::DeserializeOwned;

use em_store::journal::{self, Entry, JournalError, NewEntry, Verified};
use em_store::{Store, StoreError};

use crate::evaluation::Outcome;
use crate::labelling::Labelling;
use crate::lifecycle::{
    Application, ApplicationState, ApplicationStepError, Command, Event, LabelPeriod,
};
use crate::recruitment::{
    Candidacy, CandidacyCommand, CandidacyEvent, CandidacyState, CandidacyStepError,
};
use crate::roles::Context;

const APPLICATION: &str = "application:";
const CANDIDACY: &str = "candidacy:";

/// Why a step or a read failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The step on an application is refused.
    #[error(transparent)]
    Application(#[from] ApplicationStepError),
    /// The step on a candidacy is refused.
    #[error(transparent)]
    Candidacy(#[from] CandidacyStepError),
    /// No application or candidacy has this id.
    #[error("there is no {kind} `{id}`")]
    Unknown {
        /// `application` or `candidacy`.
        kind: &'static str,
        /// The id asked for.
        id: String,
    },
    /// The id cannot name a subject.
    #[error("`{0}` is not a valid id: use letters, digits, `-`, `_` and `.`")]
    BadId(String),
    /// The id is longer than an id may be.
    #[error("the id is {length} characters long; an id has at most {MAX_ID_LENGTH}")]
    IdTooLong {
        /// The id's length, in characters.
        length: usize,
    },
    /// The step is dated after today.
    #[error(
        "the step is dated {day}, after today ({today}): a step is recorded once it has \
         happened, since no later step could be dated before it"
    )]
    FutureStep {
        /// The day given.
        day: Date,
        /// Today.
        today: Date,
    },
    /// No actor is named.
    #[error(
        "the actor is empty: name the body or service taking the step \
         (e.g. \"Commission régionale, séance du 15 juin 2010\")"
    )]
    BlankActor,
    /// A journal entry cannot be read back as a step.
    #[error("journal entry {seq} cannot be read back: {reason}")]
    Replay {
        /// The entry.
        seq: u64,
        /// Why.
        reason: String,
    },
    /// The journal failed or is tampered with.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One step of a history, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEntry<E> {
    /// Position in the journal.
    pub seq: u64,
    /// The role acting.
    pub role: String,
    /// The actor.
    pub actor: String,
    /// When it was recorded.
    pub at: Timestamp,
    /// The step.
    pub action: String,
    /// Why.
    pub reason: String,
    /// What it recorded.
    pub event: E,
    /// The entry's hash.
    pub hash: String,
}

/// One line of the list of applications.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApplicationSummary {
    /// The id.
    pub id: String,
    /// Where it stands.
    pub state: ApplicationState,
    /// Where it stands on the day asked, in words.
    pub status: String,
    /// The outcome of its latest evaluation.
    pub outcome: Option<Outcome>,
    /// The label's period, once granted.
    pub label: Option<LabelPeriod>,
    /// The day of its latest step.
    pub last_day: Option<Date>,
}

/// One line of the list of candidacies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidacySummary {
    /// The id.
    pub id: String,
    /// Where it stands.
    pub state: CandidacyState,
    /// The outcome of the candidate against the job profile.
    pub outcome: Option<Outcome>,
    /// The day of its latest step.
    pub last_day: Option<Date>,
}

/// The applications and candidacies of a store, judged by a
/// [`Labelling`]: its rules, with the territory the derived facts of a
/// submission are computed in.
#[derive(Debug)]
pub struct Applications<'a> {
    store: &'a mut Store,
    labelling: &'a Labelling,
    /// The day steps may not be dated after; the clock's when `None`.
    today: Option<Date>,
}

/// The longest id of an application or a candidacy, in characters.
pub const MAX_ID_LENGTH: usize = 128;

fn check_id(id: &str) -> Result<(), ServiceError> {
    let length = id.chars().count();
    if length > MAX_ID_LENGTH {
        return Err(ServiceError::IdTooLong { length });
    }
    let ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(ServiceError::BadId(id.to_owned()))
    }
}

fn history<E: DeserializeOwned>(entries: Vec<Entry>) -> Result<Vec<HistoryEntry<E>>, ServiceError> {
    entries
        .into_iter()
        .map(|e| {
            let event = serde_json::from_value(e.payload).map_err(|err| ServiceError::Replay {
                seq: e.seq,
                reason: err.to_string(),
            })?;
            Ok(HistoryEntry {
                seq: e.seq,
                role: e.role,
                actor: e.actor,
                at: e.at,
                action: e.action,
                reason: e.reason,
                event,
                hash: e.hash,
            })
        })
        .collect()
}

fn new_entry<E: Serialize>(
    subject: String,
    ctx: &Context,
    at: Timestamp,
    action: &str,
    event: &E,
) -> Result<NewEntry, ServiceError> {
    let payload = serde_json::to_value(event).map_err(|e| ServiceError::Replay {
        seq: 0,
        reason: e.to_string(),
    })?;
    Ok(NewEntry {
        subject,
        role: ctx.role.as_str().to_owned(),
        actor: ctx.actor.clone(),
        at,
        action: action.to_owned(),
        reason: ctx.reason.trim().to_owned(),
        payload,
    })
}

impl<'a> Applications<'a> {
    /// The service over `store`, judging by `labelling`.
    pub fn new(store: &'a mut Store, labelling: &'a Labelling) -> Applications<'a> {
        Applications {
            store,
            labelling,
            today: None,
        }
    }

    /// Takes `day` as today rather than the clock's day (steps dated after
    /// it are refused): for tests and for replaying a procedure as it was.
    pub fn with_today(mut self, day: Date) -> Self {
        self.today = Some(day);
        self
    }

    /// Checks what every step gives, whatever its subject: an actor, and a
    /// day that has come. A step dated in the future would be recorded for
    /// good in the hash-chained journal, and every real step after it
    /// refused as backdated, so it is refused before anything is written.
    fn check_step(&self, ctx: &Context) -> Result<(), ServiceError> {
        if ctx.actor.trim().is_empty() {
            return Err(ServiceError::BlankActor);
        }
        let today = self.today.unwrap_or_else(|| jiff::Zoned::now().date());
        if ctx.day > today {
            return Err(ServiceError::FutureStep {
                day: ctx.day,
                today,
            });
        }
        Ok(())
    }

    /// Takes a step on application `id` (a `draft` creates it) at time
    /// `at`, records it and returns the application after it.
    pub fn advance(
        &mut self,
        id: &str,
        ctx: &Context,
        at: Timestamp,
        command: &Command,
    ) -> Result<Application, ServiceError> {
        check_id(id)?;
        self.check_step(ctx)?;
        let _span =
            tracing::info_span!("label_advance", action = command.action(), role = %ctx.role)
                .entered();
        let labelling = self.labelling;
        self.store.write(|tx| {
            let subject = format!("{APPLICATION}{id}");
            let mut application = replay_application(id, journal::entries(tx, &subject)?)?;
            let event = application.decide(ctx, command, labelling)?;
            journal::append(tx, &new_entry(subject, ctx, at, command.action(), &event)?)?;
            application.apply(&event);
            Ok(application)
        })
    }

    /// Application `id` and its history.
    pub fn show(&self, id: &str) -> Result<(Application, Vec<HistoryEntry<Event>>), ServiceError> {
        check_id(id)?;
        let entries = journal::entries(self.store.connection(), &format!("{APPLICATION}{id}"))?;
        if entries.is_empty() {
            return Err(ServiceError::Unknown {
                kind: "application",
                id: id.to_owned(),
            });
        }
        let history: Vec<HistoryEntry<Event>> = history(entries)?;
        let mut application = Application::new(id);
        for step in &history {
            application.apply(&step.event);
        }
        Ok((application, history))
    }

    /// Every application, in the order they were created, with where each
    /// stands on `day`.
    pub fn list(&self, day: Date) -> Result<Vec<ApplicationSummary>, ServiceError> {
        let conn = self.store.connection();
        journal::subjects(conn, APPLICATION)?
            .into_iter()
            .map(|subject| {
                let id = &subject[APPLICATION.len()..];
                let application = replay_application(id, journal::entries(conn, &subject)?)?;
                Ok(ApplicationSummary {
                    status: application.status_on(day),
                    id: application.id,
                    state: application.state,
                    outcome: application.evaluation.map(|e| e.outcome),
                    label: application.label,
                    last_day: application.last_day,
                })
            })
            .collect()
    }

    /// Takes a step on candidacy `id` (a `propose` creates it).
    pub fn advance_candidacy(
        &mut self,
        id: &str,
        ctx: &Context,
        at: Timestamp,
        command: &CandidacyCommand,
    ) -> Result<Candidacy, ServiceError> {
        check_id(id)?;
        self.check_step(ctx)?;
        let _span =
            tracing::info_span!("recruitment_advance", action = command.action(), role = %ctx.role)
                .entered();
        let rules = self.labelling.rules();
        self.store.write(|tx| {
            let subject = format!("{CANDIDACY}{id}");
            let mut candidacy = replay_candidacy(id, journal::entries(tx, &subject)?)?;
            let event = candidacy.decide(ctx, command, rules)?;
            journal::append(tx, &new_entry(subject, ctx, at, command.action(), &event)?)?;
            candidacy.apply(&event);
            Ok(candidacy)
        })
    }

    /// Candidacy `id` and its history.
    pub fn show_candidacy(
        &self,
        id: &str,
    ) -> Result<(Candidacy, Vec<HistoryEntry<CandidacyEvent>>), ServiceError> {
        check_id(id)?;
        let entries = journal::entries(self.store.connection(), &format!("{CANDIDACY}{id}"))?;
        if entries.is_empty() {
            return Err(ServiceError::Unknown {
                kind: "candidacy",
                id: id.to_owned(),
            });
        }
        let history: Vec<HistoryEntry<CandidacyEvent>> = history(entries)?;
        let mut candidacy = Candidacy::new(id);
        for step in &history {
            candidacy.apply(&step.event);
        }
        Ok((candidacy, history))
    }

    /// Every candidacy, in the order they were proposed.
    pub fn list_candidacies(&self) -> Result<Vec<CandidacySummary>, ServiceError> {
        let conn = self.store.connection();
        journal::subjects(conn, CANDIDACY)?
            .into_iter()
            .map(|subject| {
                let id = &subject[CANDIDACY.len()..];
                let candidacy = replay_candidacy(id, journal::entries(conn, &subject)?)?;
                Ok(CandidacySummary {
                    id: candidacy.id,
                    state: candidacy.state,
                    outcome: candidacy.evaluation.map(|e| e.outcome),
                    last_day: candidacy.last_day,
                })
            })
            .collect()
    }

    /// Checks the whole journal's chain.
    pub fn verify(&self) -> Result<Verified, JournalError> {
        journal::verify(self.store.connection())
    }
}

fn replay_application(id: &str, entries: Vec<Entry>) -> Result<Application, ServiceError> {
    let mut application = Application::new(id);
    for step in history::<Event>(entries)? {
        application.apply(&step.event);
    }
    Ok(application)
}

fn replay_candidacy(id: &str, entries: Vec<Entry>) -> Result<Candidacy, ServiceError> {
    let mut candidacy = Candidacy::new(id);
    for step in history::<CandidacyEvent>(entries)? {
        candidacy.apply(&step.event);
    }
    Ok(candidacy)
}
