//! Statistics schema v1: the records of the regional statistics tools and
//! their checks against the ruleset and the registry.
//!
//! Three kinds of record come from the sites: a [`Visit`] to the resource
//! centre, a [`SurveyAnswer`] to the satisfaction survey, and an [`Event`]
//! (an *animation*). Coded fields hold codes of the ruleset's dated
//! nomenclatures; [`validate`] returns every problem of a record at once,
//! each naming its field and the reason.

mod records;
mod validate;

pub use records::{Event, Record, RecordKind, SCHEMA_VERSION, SurveyAnswer, Visit};
pub use validate::{FieldError, VISIT_FIELDS, Validator, insee_code_problem, is_insee_code};
