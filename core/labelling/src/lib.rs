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
//! ruleset. Some facts are not stated by the applicant but derived from the
//! site's commune (its catchment overlap with the existing sites), so an
//! application is always judged by a [`Labelling`]: the rules with the
//! territory of a registry. Everything here is pure — no clock, no disk:
//! callers hand in the texts, the days and the journal entries. The one
//! exception is the `applications` module, behind the `store` feature.
//!
//! - [`facts`] and [`condition`]: what an application states, and the
//!   conditions of the criteria over it;
//! - [`specification`]: the labelling file, checked at load;
//! - [`territory`]: the facts derived from the site's commune, and the check
//!   that `labelling.toml` and `territory.toml` agree on the largest overlap;
//! - [`Labelling`]: judges an application file, or a document on a day;
//! - [`evaluation`]: verdicts with their explanations;
//! - [`application`]: application files;
//! - [`roles`] and [`lifecycle`]: who takes which step, the application's
//!   life and its label's;
//! - [`recruitment`]: a CTEM candidate before the recruitment committee;
//! - `applications` (feature `store`, on by default): the edge that keeps
//!   applications and candidacies in the store's hash-chained journal.
//!
//! # The `em label` and `em recruitment` subcommands through the API
//!
//! | command | call |
//! | --- | --- |
//! | `label check FILE` | [`Labelling::check_application`]`(&text, format)`, then [`Evaluation::to_text`] or `serde_json` |
//! | `label list` | `applications::Applications::new(&mut store, &labelling).list(today)` |
//! | `label show ID` | `Applications::show(id)`: the application and its history |
//! | `label advance ID ACTION` | `Applications::advance(id, &Context { role, actor, day, reason }, now, &command)`; a draft is [`Command::draft_from_text`] |
//! | `label verify` | `Applications::verify()`: the journal's chain |
//! | `recruitment check FILE` | [`Candidacy::check_candidate`]`(labelling.rules(), &text, format)` |
//! | `recruitment list`, `show ID` | `Applications::list_candidacies()`, `Applications::show_candidacy(id)` |
//! | `recruitment advance ID ACTION` | `Applications::advance_candidacy(id, &context, now, &command)`; a proposal is [`CandidacyCommand::propose_from_text`] |
//!
//! where `labelling` is `Labelling::from_ruleset(&ruleset, &registry)`.
//! Judging a file:
//!
//! ```
//! use em_labelling::{Format, Labelling, Outcome};
//!
//! let labelling = Labelling::from_ruleset(
//!     &em_core::Ruleset::champagne_ardenne(),
//!     &em_core::Registry::champagne_ardenne(),
//! )?;
//! let text = r#"
//!     applicant = "Maison de l'emploi"
//!     site = "Langres"
//!     submitted = "2010-03-15"
//!     [facts.reception_desk]
//!     open = true
//!     weekly_hours = 10
//! "#;
//! let evaluation = labelling.check_application(text, Format::Toml)?.evaluation;
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
mod labelling;
pub mod lifecycle;
pub mod recruitment;
pub mod roles;
pub mod specification;
pub mod territory;

pub use application::{
    ApplicationDocument, ApplicationError, ApplicationErrors, CheckError, Facts, Format,
};
pub use condition::{Condition, Verdict};
pub use evaluation::{
    Counts, CriterionResult, Evaluation, Judgement, LevelCounts, Outcome, UsedValue,
};
pub use facts::{FactDecl, FactType, FactValue};
pub use labelling::{Checked, Labelling, LabellingError};
pub use lifecycle::{Application, ApplicationState, Command, Decision, Event, LabelPeriod};
pub use recruitment::{Candidacy, CandidacyCommand, CandidacyEvent, CandidacyState};
pub use roles::{Context, Opinion, OpinionKind, Role, TransitionError};
pub use specification::{
    Criterion, InForce, LABELLING_AREA, LabelRules, LabellingRules, Level, Pin, Specification,
};
