//! `em-labelling`: the labelling of Espaces métiers as a library.
//!
//! A territory applies for the Espace métiers label with an application
//! (*dossier de candidature*); the application is judged against the
//! regional specification (*cahier des charges*) in force on the day it was
//! submitted; the regional coordination checks it is complete; the
//! Commission gives its opinion; the Region decides; a granted label lives on
//! (renewed by each year's activity report, suspended, withdrawn). The
//! Commission, sitting as recruitment committee, also gives its opinion on the
//! candidates for a territorial coordinator (CTEM) post.
//!
//! The rules are data: [`LabellingRules`] reads `labelling.toml` from the
//! ruleset. Everything here is pure — no clock, no disk: callers hand in the
//! texts, the days and the journal entries. The one exception is the
//! `applications` module, behind the `store` feature.
//!
//! - [`facts`] and [`condition`]: what an application states, and the
//!   conditions of the criteria over it;
//! - [`specification`]: the labelling file, checked at load;
//! - [`evaluation`]: verdicts with their explanations;
//! - [`application`]: application files and [`check_application`];
//! - [`roles`] and [`lifecycle`]: who takes which step, the application's
//!   life and its label's;
//! - [`recruitment`]: a CTEM candidate before the recruitment committee;
//! - `applications` (feature `store`, on by default): the edge that keeps
//!   applications and candidacies in the store's hash-chained journal;
//! - `territory` (feature `territory`, on by default): the facts derived
//!   from the site's commune (its catchment overlap), and
//!   `territory::check_application` which judges a file with them.
//!
//! # The `em label` subcommands through the API
//!
//! | command | call |
//! | --- | --- |
//! | `check FILE` | [`check_application`]`(&rules, &text, Format::from_extension(ext))`, then [`Evaluation::to_text`] or `serde_json` |
//! | `list` | `applications::Applications::new(&mut store, &rules).list(today)` |
//! | `show ID` | `Applications::show(id)`: the application and its history |
//! | `advance ID ACTION` | `Applications::advance(id, &Context { role, actor, day, reason }, now, &command)`; a draft is [`Command::draft_from_text`] |
//! | `verify` | `Applications::verify()`: the journal's chain |
//!
//! where `rules` is `LabellingRules::from_ruleset(&ruleset)`. Judging a file:
//!
//! ```
//! use em_labelling::{check_application, Format, LabellingRules, Outcome};
//!
//! let rules = LabellingRules::from_ruleset(&em_core::Ruleset::champagne_ardenne())?;
//! let text = r#"
//!     applicant = "Maison de l'emploi"
//!     site = "Langres"
//!     submitted = "2010-03-15"
//!     [facts.reception_desk]
//!     open = true
//!     weekly_hours = 10
//! "#;
//! let evaluation = check_application(&rules, text, Format::Toml)?;
//! assert_eq!(evaluation.outcome, Outcome::NotEligible);
//! let hours = evaluation.failures().find(|c| c.id() == "reception_desk.weekly_hours");
//! assert!(hours.unwrap().explanation().contains("is 10 h/semaine, but must be at least 15"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod application;
#[cfg(feature = "store")]
pub mod applications;
mod compiled;
pub mod condition;
mod criterion_result;
pub mod evaluation;
mod explain;
pub mod facts;
pub mod fuzz;
pub mod lifecycle;
pub mod recruitment;
pub mod roles;
pub mod specification;
#[cfg(feature = "territory")]
pub mod territory;

pub use application::{
    ApplicationDocument, ApplicationError, ApplicationErrors, CheckError, Facts, Format,
    check_application,
};
pub use condition::{Condition, Verdict};
pub use evaluation::{CriterionResult, Evaluation, Judgement, Outcome, UsedValue};
pub use facts::{FactDecl, FactType, FactValue};
pub use lifecycle::{Application, ApplicationState, Command, Decision, Event, LabelPeriod};
pub use recruitment::{Candidacy, CandidacyCommand, CandidacyEvent, CandidacyState};
pub use roles::{Context, Opinion, OpinionKind, Role, TransitionError};
pub use specification::{
    Criterion, InForce, LabelRules, LabellingRules, Level, Pin, Specification,
};
