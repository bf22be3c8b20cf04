//! Who acts on an application or a candidacy, and what the actor gives
//! with each step.
//!
//! The roles are the bodies of the labelling procedure: the host structure
//! (the applicant, or the employer proposing a coordinator), the regional
//! coordination, the Commission and the Region. A transition attempted by a
//! role not allowed to take it, or from a state it does not start from, is
//! refused with a [`TransitionError`] that names what would have been
//! allowed.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::application::ApplicationErrors;

/// A body acting in the labelling procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The host structure (*structure porteuse*): drafts and submits the
    /// application, reports each year, employs or proposes a coordinator.
    HostStructure,
    /// The regional coordination: checks an application is complete.
    RegionalCoordination,
    /// The Regional Commission of the Espaces métiers: gives opinions on
    /// applications and, as recruitment committee, on candidates.
    Commission,
    /// The Region (Regional Council): decides, suspends, withdraws.
    Region,
}

impl Role {
    /// Every role, in the order of the procedure.
    pub const ALL: [Role; 4] = [
        Role::HostStructure,
        Role::RegionalCoordination,
        Role::Commission,
        Role::Region,
    ];

    /// The role's snake_case name, as stored and typed on a command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::HostStructure => "host_structure",
            Role::RegionalCoordination => "regional_coordination",
            Role::Commission => "commission",
            Role::Region => "region",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is none of [`Role::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a role; the roles are host_structure, regional_coordination, commission, region"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Role, UnknownRole> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// Who takes a step, on which day, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The role acting.
    pub role: Role,
    /// The actor within the role: a body or a service (e.g. "Commission
    /// régionale, séance du 15 juin 2010"), never a private person's name.
    pub actor: String,
    /// The day the step takes effect (a decision's date).
    pub day: Date,
    /// Why, in the actor's words; some steps require it.
    pub reason: String,
}

/// The Commission's opinion (*avis*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpinionKind {
    /// Favourable.
    Favourable,
    /// Favourable, on conditions that must be met.
    FavourableWithReservations,
    /// Unfavourable.
    Unfavourable,
}

/// An opinion with its reasons and conditions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opinion {
    /// Favourable, with reservations, or unfavourable.
    pub kind: OpinionKind,
    /// Why: at least one reason.
    pub reasons: Vec<String>,
    /// The conditions (reservations) attached; at least one when the
    /// opinion is favourable with reservations.
    #[serde(default)]
    pub conditions: Vec<String>,
}

impl Opinion {
    /// Why the opinion is not well formed, if it is not.
    pub fn problem(&self) -> Option<&'static str> {
        if self.reasons.iter().all(|r| r.trim().is_empty()) {
            Some("an opinion gives at least one reason")
        } else if self.kind == OpinionKind::FavourableWithReservations
            && self.conditions.iter().all(|c| c.trim().is_empty())
        {
            Some("a favourable opinion with reservations states at least one condition")
        } else {
            None
        }
    }
}

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TransitionError<S: fmt::Debug + fmt::Display> {
    /// The role may not take this step.
    #[error("`{action}` cannot be taken by the {role}; allowed: {}", list(.allowed))]
    WrongRole {
        /// The step.
        action: &'static str,
        /// The role that tried.
        role: Role,
        /// The roles that may.
        allowed: Vec<Role>,
    },
    /// The step does not start from the current state.
    #[error("`{action}` cannot be taken when it is {state}; it starts from: {}", list(.allowed))]
    WrongState {
        /// The step.
        action: &'static str,
        /// The current state.
        state: S,
        /// The states it may start from.
        allowed: Vec<S>,
    },
    /// The step needs a reason and none was given.
    #[error("`{action}` needs a reason: {why}")]
    ReasonRequired {
        /// The step.
        action: &'static str,
        /// Why this step needs one.
        why: &'static str,
    },
    /// The step is dated before the previous one.
    #[error("the step is dated {day}, before the previous step of {previous}")]
    Backdated {
        /// The day given.
        day: Date,
        /// The day of the previous step.
        previous: Date,
    },
    /// The opinion is not well formed.
    #[error("the opinion is refused: {0}")]
    Opinion(&'static str),
    /// The document is malformed or does not fit the specification.
    #[error(transparent)]
    Document(#[from] ApplicationErrors),
    /// No rule is in force on the day of the step.
    #[error("{0}")]
    NotInForce(String),
    /// The application cannot be declared complete: facts are missing.
    #[error("the application is not complete: required criteria cannot be judged without {}", .missing.join(", "))]
    Incomplete {
        /// The missing facts.
        missing: Vec<String>,
    },
    /// The label is no longer in force.
    #[error("the label expired on {until}: a new application is needed")]
    LabelExpired {
        /// Its last day.
        until: Date,
    },
    /// The activity report is not one the label can be renewed with.
    #[error("the activity report of {year} cannot renew the label: {why}")]
    ActivityReport {
        /// The report's year.
        year: i16,
        /// Why not.
        why: &'static str,
    },
}

fn list<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks the role and the state of a step against what it allows.
pub(crate) fn guard<S: Copy + PartialEq + fmt::Debug + fmt::Display>(
    action: &'static str,
    role: Role,
    state: S,
    roles: &[Role],
    states: &[S],
) -> Result<(), TransitionError<S>> {
    if !roles.contains(&role) {
        return Err(TransitionError::WrongRole {
            action,
            role,
            allowed: roles.to_vec(),
        });
    }
    if !states.contains(&state) {
        return Err(TransitionError::WrongState {
            action,
            state,
            allowed: states.to_vec(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_back_from_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        let err = "president".parse::<Role>().unwrap_err();
        assert!(err.to_string().contains("host_structure"), "{err}");
    }

    #[test]
    fn an_opinion_needs_reasons_and_reservations_need_conditions() {
        let opinion = |kind, reasons: &[&str], conditions: &[&str]| Opinion {
            kind,
            reasons: reasons.iter().map(|s| (*s).to_owned()).collect(),
            conditions: conditions.iter().map(|s| (*s).to_owned()).collect(),
        };
        assert!(
            opinion(OpinionKind::Favourable, &[], &[])
                .problem()
                .is_some()
        );
        assert!(
            opinion(OpinionKind::FavourableWithReservations, &["ok"], &[" "])
                .problem()
                .is_some()
        );
        assert_eq!(
            opinion(OpinionKind::Unfavourable, &["no partners"], &[]).problem(),
            None
        );
    }
}
