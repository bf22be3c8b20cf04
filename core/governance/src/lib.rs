//! `em-governance`: the bodies that steer the network of Espaces métiers,
//! when they must meet, what they may decide, the yearly calendar, and the
//! arbitration of the sites' action proposals — as rules the library applies
//! and explains.
//!
//! Pure Rust, no I/O: it is handed the ruleset (`governance.toml`), the
//! registry and the records, and answers with typed results that each carry
//! a sentence explaining them. The store persists meetings and plans and
//! logs the plans' transitions in its journal; the CLI and the bindings call
//! the functions below.
//!
//! | job | `em` subcommand | functions |
//! |---|---|---|
//! | record a meeting (quorum, competence, window) | `em committee record` | [`record`] |
//! | the year's compliance table | `em committee compliance` | [`compliance`] |
//! | the calendar, as iCalendar | `em calendar` | [`calendar`], [`to_ics`] |
//! | arbitrate a site's proposals | `em plan arbitrate` | [`arbitrate`], [`arbitrate_network`] |
//! | the steering committee decides, the plan is transmitted | `em plan decide`, `em plan transmit` | [`decide`], [`transmit`] |
//! | every plan against the regional budget | `em plan region` | [`region_view`] |
//! | decide every site's plan from its recommendation | `em plan decide`, `em plan region` | [`decide_network`] |
//! | the governance page, in French | `em report`, `em demo` (`governance.html`) | [`governance_page`], [`page::document`] |
//! | read meetings, roadmaps, proposals, decisions from JSON | — | [`from_json`] |
//!
//! ```
//! use em_governance::{GovernanceRuleset, arbitrate, from_json, Roadmap, ActionProposal};
//!
//! let rules = GovernanceRuleset::champagne_ardenne();
//! let roadmap: Roadmap = from_json("roadmap.json", r#"{"year": 2010, "orientations": [
//!     {"number": 1, "title": "Jeunes", "priority": 1}]}"#).unwrap();
//! let proposals: Vec<ActionProposal> = from_json("proposals.json", r#"[
//!   {"id": "a", "site": "sedan", "year": 2010, "title": "Forum", "orientations": [1],
//!    "themes": ["guidance", "training", "employment"], "expected_participants": 200,
//!    "cost_eur": 20000, "region_funding_eur": 12000, "cofunding_eur": 8000}]"#).unwrap();
//! let recommendation = arbitrate(&rules, &roadmap, "sedan", &proposals).unwrap();
//! assert_eq!(recommendation.kept, vec!["a".to_owned()]);
//! println!("{}", recommendation.outcomes[0].explanation);
//! ```

pub mod arbitration;
pub mod body;
pub mod calendar;
pub mod compliance;
pub mod fuzzing;
pub mod ics;
pub mod input;
pub mod meeting;
pub mod page;
pub mod plan;
pub mod roadmap;
pub mod rules;
pub mod synthetic;

pub use arbitration::{
    ArbitrationError, ArbitrationRule, OutcomeReason, ProposalOutcome, Recommendation,
    RecommendationStatus, RuleCheck, arbitrate, arbitrate_network, check_plan,
};
pub use body::{Body, DecisionKind, Scope, ServiceArea};
pub use calendar::{Calendar, CalendarError, CalendarItem, When, calendar};
pub use compliance::{ComplianceLine, ComplianceReport, ComplianceStatus, compliance};
pub use ics::{IcsError, to_ics};
pub use input::{InputError, from_json};
pub use meeting::{
    Breach, CheckedMeetings, Decision, Meeting, MeetingRefused, RecordedMeeting, record, record_all,
};
pub use page::{GovernancePage, PageError, governance_page};
pub use plan::{
    ActionPlan, CommitteeDecision, JournalRecord, PlanError, PlanItem, PlanState, RegionView,
    SiteDecision, SitePlanError, SitePlanLine, check_proposal_sites, decide, decide_network,
    decide_recommended, plan_subject, recommend_network, region_view, transmit,
};
pub use roadmap::{ActionProposal, InputProblem, Orientation, Roadmap};
pub use rules::{ArbitrationRules, GOVERNANCE_AREA, GOVERNANCE_FILE, GovernanceRuleset};
