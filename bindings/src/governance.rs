//! Governance from Python: record a meeting against the rules, the year's
//! compliance table, the calendar (as data or iCalendar), and the
//! arbitration of action proposals up to the plan's transmission.
//!
//! Inputs (meetings, roadmaps, proposals, decisions, plans) come as JSON
//! text in the shapes of `examples/governance/`; results go out as JSON.
//!
//! [`Governance`] works in memory; the methods it adds to [`Network`] keep
//! meetings and plans in the network database (with the plans' transitions
//! in its hash-chained journal), through the same store functions as
//! `em committee record` and `em plan decide|transmit|show`.

use std::sync::Arc;

use em_governance::{
    ActionPlan, ActionProposal, CommitteeDecision, GovernanceRuleset, InputProblem, Meeting,
    PlanError, Recommendation, Roadmap,
};
use serde::Serialize;

use crate::convert;
use crate::error::{EmError, Problem};
use crate::json;
use crate::network::Network;
use crate::registry::Registry;
use crate::ruleset::Ruleset;

fn governance_error(message: String, problems: Vec<Problem>) -> EmError {
    EmError::Governance { message, problems }
}

fn input_problems(what: &str, problems: &[InputProblem]) -> Vec<Problem> {
    problems
        .iter()
        .map(|p| Problem {
            file: Some(what.to_owned()),
            path: Some(p.path.clone()),
            ..Problem::reason(p.reason.clone())
        })
        .collect()
}

/// The problems of a refused meeting, one per breach: `line` is the
/// meeting's number in its list (from 1), `field` the meeting's field,
/// `path` the rule.
fn breach_problems(line: Option<u64>, refused: &em_governance::MeetingRefused) -> Vec<Problem> {
    refused
        .breaches
        .iter()
        .map(|b| Problem {
            line,
            path: Some(b.rule.clone()),
            field: Some(b.field.clone()),
            ..Problem::reason(format!("meeting {}: {}", refused.meeting, b.reason))
        })
        .collect()
}

fn arbitration_error(e: em_governance::ArbitrationError) -> EmError {
    let problems = match &e {
        em_governance::ArbitrationError::Invalid(problems) => input_problems("proposals", problems),
        _ => vec![Problem::reason(e.to_string())],
    };
    governance_error(e.to_string(), problems)
}

fn plan_error(e: PlanError) -> EmError {
    match e {
        PlanError::Arbitration(a) => arbitration_error(a),
        PlanError::Invalid(problems) => {
            let message = format!(
                "the committee's decisions are refused: {} problem(s)",
                problems.len()
            );
            governance_error(message, input_problems("decisions", &problems))
        }
        other => governance_error(other.to_string(), vec![Problem::reason(other.to_string())]),
    }
}

#[derive(Serialize)]
struct PlanStep {
    plan: ActionPlan,
    journal_record: em_governance::JournalRecord,
}

#[derive(Serialize)]
struct SiteRecommendation {
    site: String,
    recommendation: Option<Recommendation>,
    error: Option<String>,
}

/// The governance rules of a ruleset over a registry's sites.
#[derive(Debug, uniffi::Object)]
pub struct Governance {
    rules: GovernanceRuleset,
    registry: Arc<Registry>,
}

#[uniffi::export]
impl Governance {
    /// The governance rules of `ruleset` over the sites of `registry` (the
    /// shipped ones when not given).
    #[uniffi::constructor]
    pub fn new(
        ruleset: Option<Arc<Ruleset>>,
        registry: Option<Arc<Registry>>,
    ) -> Result<Arc<Governance>, EmError> {
        let ruleset = ruleset.unwrap_or_else(Ruleset::shipped);
        Ok(Arc::new(Governance {
            rules: GovernanceRuleset::from_ruleset(ruleset.core())?,
            registry: registry.unwrap_or_else(Registry::shipped),
        }))
    }

    /// Checks one meeting (JSON) against the rules: returns the recorded
    /// meeting with its warnings and explanation, or refuses it listing
    /// every rule it breaks (each problem's `field` is the meeting's field,
    /// its `path` the rule).
    pub fn record_meeting(&self, meeting_json: String) -> Result<String, EmError> {
        let _span = tracing::info_span!("binding.record_meeting").entered();
        let meeting: Meeting = json::parse("meeting", &meeting_json)?;
        match em_governance::record(&self.rules, &self.registry.core().site_ids(), meeting) {
            Ok(recorded) => json::write(&recorded),
            Err(refused) => Err(governance_error(
                refused.to_string(),
                refused
                    .breaches
                    .iter()
                    .map(|b| Problem {
                        path: Some(b.rule.clone()),
                        field: Some(b.field.clone()),
                        ..Problem::reason(b.reason.clone())
                    })
                    .collect(),
            )),
        }
    }

    /// The compliance table of `year` for the meetings given (JSON array):
    /// for each required meeting of each body and site, whether it was
    /// held in its window.
    pub fn compliance(&self, meetings_json: String, year: i32) -> Result<String, EmError> {
        let _span = tracing::info_span!("binding.compliance", year).entered();
        let year = convert::year("year", year)?;
        let meetings: Vec<Meeting> = json::parse("meetings", &meetings_json)?;
        json::write(&em_governance::compliance(
            &self.rules,
            &self.registry.core().site_ids(),
            &meetings,
            year,
        ))
    }

    /// The calendar of `year` (of one `site`, with the region's items, when
    /// given), with the recorded meetings added, as JSON.
    pub fn calendar(
        &self,
        year: i32,
        site: Option<String>,
        meetings_json: String,
    ) -> Result<String, EmError> {
        json::write(&self.build_calendar(year, site, &meetings_json)?)
    }

    /// The same calendar as an iCalendar text.
    pub fn calendar_ics(
        &self,
        year: i32,
        site: Option<String>,
        meetings_json: String,
    ) -> Result<String, EmError> {
        let calendar = self.build_calendar(year, site, &meetings_json)?;
        em_governance::to_ics(&calendar, jiff::Timestamp::now())
            .map_err(|e| governance_error(e.to_string(), vec![Problem::reason(e.to_string())]))
    }

    /// The recommended plan of `site` among its proposals, against the
    /// roadmap: every proposal kept or dropped with its explanation.
    pub fn arbitrate(
        &self,
        roadmap_json: String,
        site: String,
        proposals_json: String,
    ) -> Result<String, EmError> {
        let _span = tracing::info_span!("binding.arbitrate").entered();
        let roadmap: Roadmap = json::parse("roadmap", &roadmap_json)?;
        let proposals: Vec<ActionProposal> = json::parse("proposals", &proposals_json)?;
        let recommendation = em_governance::arbitrate(&self.rules, &roadmap, &site, &proposals)
            .map_err(arbitration_error)?;
        json::write(&recommendation)
    }

    /// Every site's recommendation (proposals of all sites in one array),
    /// as JSON rows `{site, recommendation, error}`.
    pub fn arbitrate_network(
        &self,
        roadmap_json: String,
        proposals_json: String,
    ) -> Result<String, EmError> {
        let _span = tracing::info_span!("binding.arbitrate_network").entered();
        let roadmap: Roadmap = json::parse("roadmap", &roadmap_json)?;
        let proposals: Vec<ActionProposal> = json::parse("proposals", &proposals_json)?;
        let rows: Vec<SiteRecommendation> = em_governance::arbitrate_network(
            &self.rules,
            &roadmap,
            &self.registry.core().site_ids(),
            &proposals,
        )
        .into_iter()
        .map(|(site, result)| match result {
            Ok(r) => SiteRecommendation {
                site,
                recommendation: Some(r),
                error: None,
            },
            Err(e) => SiteRecommendation {
                site,
                recommendation: None,
                error: Some(e.to_string()),
            },
        })
        .collect();
        json::write(&rows)
    }

    /// The steering committee's decision on a recommendation: returns
    /// `{plan, journal_record}`. Every decision against the recommendation
    /// needs a reason.
    pub fn decide(
        &self,
        roadmap_json: String,
        proposals_json: String,
        recommendation_json: String,
        decisions_json: String,
        decided_by: Option<String>,
    ) -> Result<String, EmError> {
        let _span = tracing::info_span!("binding.decide_plan").entered();
        let roadmap: Roadmap = json::parse("roadmap", &roadmap_json)?;
        let proposals: Vec<ActionProposal> = json::parse("proposals", &proposals_json)?;
        let recommendation: Recommendation = json::parse("recommendation", &recommendation_json)?;
        let decisions: Vec<CommitteeDecision> = json::parse("decisions", &decisions_json)?;
        let (plan, journal_record) = em_governance::decide(
            &self.rules,
            &roadmap,
            &proposals,
            &recommendation,
            &decisions,
            decided_by.as_deref(),
        )
        .map_err(plan_error)?;
        json::write(&PlanStep {
            plan,
            journal_record,
        })
    }

    /// Transmits an arbitrated plan to the Region on `day`: returns
    /// `{plan, journal_record}`.
    pub fn transmit(&self, plan_json: String, day: String) -> Result<String, EmError> {
        let plan: ActionPlan = json::parse("plan", &plan_json)?;
        let day = convert::date("day", &day)?;
        let (plan, journal_record) = em_governance::transmit(plan, day).map_err(plan_error)?;
        json::write(&PlanStep {
            plan,
            journal_record,
        })
    }

    /// The governance page in French, as a self-contained HTML page (what
    /// `em report` and `em demo` write as `governance.html`): the
    /// compliance of `year` for the meetings given (refused ones left
    /// out), the arbitration of the proposals against the roadmap, and the
    /// plans against the regional budget.
    pub fn page_html(
        &self,
        year: i32,
        meetings_json: String,
        roadmap_json: String,
        proposals_json: String,
    ) -> Result<String, EmError> {
        let _span = tracing::info_span!("binding.governance_page_html", year).entered();
        let page = self.page(year, &meetings_json, &roadmap_json, &proposals_json)?;
        // The page has no masked cell: no threshold to state.
        Ok(em_render::to_html(
            &page.document,
            &em_render::Options::default(),
        ))
    }

    /// The same page as a document (JSON: title, sections of text and
    /// tables), for other renderers.
    pub fn page_document(
        &self,
        year: i32,
        meetings_json: String,
        roadmap_json: String,
        proposals_json: String,
    ) -> Result<String, EmError> {
        let _span = tracing::info_span!("binding.governance_page_document", year).entered();
        let page = self.page(year, &meetings_json, &roadmap_json, &proposals_json)?;
        json::write(&page.document)
    }

    /// Every site's plan of `year` against its envelope and the regional
    /// budget, as JSON.
    pub fn region_view(&self, year: i32, plans_json: String) -> Result<String, EmError> {
        let year = convert::year("year", year)?;
        let plans: Vec<ActionPlan> = json::parse("plans", &plans_json)?;
        let view =
            em_governance::region_view(&self.rules, year, &self.registry.core().site_ids(), &plans)
                .map_err(|e| {
                    governance_error(e.to_string(), vec![Problem::reason(e.to_string())])
                })?;
        json::write(&view)
    }
}

impl Governance {
    fn page(
        &self,
        year: i32,
        meetings_json: &str,
        roadmap_json: &str,
        proposals_json: &str,
    ) -> Result<em_governance::GovernancePage, EmError> {
        let year = convert::year("year", year)?;
        let meetings: Vec<Meeting> = json::parse("meetings", meetings_json)?;
        let roadmap: Roadmap = json::parse("roadmap", roadmap_json)?;
        let proposals: Vec<ActionProposal> = json::parse("proposals", proposals_json)?;
        em_governance::governance_page(
            &self.rules,
            self.registry.core(),
            year,
            meetings,
            &roadmap,
            &proposals,
        )
        .map_err(|e| match e {
            em_governance::PageError::Plan(e) => {
                let mut error = plan_error(e.source);
                if let EmError::Governance { message, .. } = &mut error {
                    *message = format!("plan of {}: {message}", e.site);
                }
                error
            }
            other => governance_error(other.to_string(), vec![Problem::reason(other.to_string())]),
        })
    }

    fn build_calendar(
        &self,
        year: i32,
        site: Option<String>,
        meetings_json: &str,
    ) -> Result<em_governance::Calendar, EmError> {
        let _span = tracing::info_span!("binding.calendar", year).entered();
        let year = convert::year("year", year)?;
        let meetings: Vec<Meeting> = json::parse("meetings", meetings_json)?;
        em_governance::calendar(
            &self.rules,
            self.registry.core(),
            year,
            site.as_deref(),
            &meetings,
        )
        .map_err(|e| match e {
            em_governance::CalendarError::UnknownSite(_) => {
                EmError::not_found("site", e.to_string())
            }
            other => governance_error(other.to_string(), vec![Problem::reason(other.to_string())]),
        })
    }
}

/// One transition of a stored plan, as its journal recorded it.
#[derive(Serialize)]
struct PlanHistoryEntry {
    seq: u64,
    role: String,
    actor: String,
    at: jiff::Timestamp,
    action: String,
    reason: String,
    payload: serde_json::Value,
    hash: String,
}

/// A stored plan and every transition of it.
#[derive(Serialize)]
struct StoredPlan {
    plan: ActionPlan,
    history: Vec<PlanHistoryEntry>,
}

fn stored_error(e: em_store::governance::GovernanceError) -> EmError {
    use em_store::governance::GovernanceError as E;
    match e {
        E::Store(e) => e.into(),
        E::Arbitration { site, source } => {
            let mut error = arbitration_error(source);
            if let EmError::Governance { message, .. } = &mut error {
                *message = format!("arbitration of {site}: {message}");
            }
            error
        }
        E::Plan { site, source } => {
            let mut error = plan_error(source);
            if let EmError::Governance { message, .. } = &mut error {
                *message = format!("plan of {site}: {message}");
            }
            error
        }
        E::Transition(source) => plan_error(source),
        other @ (E::NoProposal | E::AlreadyTransmitted { .. }) => {
            governance_error(other.to_string(), vec![Problem::reason(other.to_string())])
        }
        other @ E::NoPlan { .. } => EmError::not_found("plan", other.to_string()),
    }
}

impl Network {
    fn governance_rules(&self) -> Result<GovernanceRuleset, EmError> {
        Ok(GovernanceRuleset::from_ruleset(self.ruleset.core())?)
    }
}

#[uniffi::export]
impl Network {
    /// Checks every meeting of `meetings_json` (a JSON array) against its
    /// body's rules and stores them all, or none: one meeting refused and
    /// the error lists every breach of every refused meeting (`line` is the
    /// meeting's number in the list); a meeting already stored refuses the
    /// whole list too. Returns the recorded meetings (with their warnings
    /// and explanations) as JSON.
    pub fn record_meetings(&self, meetings_json: String) -> Result<String, EmError> {
        let _span = tracing::info_span!("binding.record_meetings").entered();
        let rules = self.governance_rules()?;
        let meetings: Vec<Meeting> = json::parse("meetings", &meetings_json)?;
        let checked = em_governance::record_all(&rules, &self.registry.core().site_ids(), meetings);
        if !checked.refused.is_empty() {
            let problems = checked
                .refused
                .iter()
                .flat_map(|(index, refusal)| breach_problems(Some(*index as u64 + 1), refusal))
                .collect();
            return Err(governance_error(
                format!(
                    "{} meeting(s) refused; none recorded",
                    checked.refused.len()
                ),
                problems,
            ));
        }
        let recorded = checked.recorded;
        em_store::governance::record_meetings(&mut self.store(), &recorded)?;
        tracing::info!(meetings = recorded.len(), "meetings recorded");
        json::write(&recorded)
    }

    /// The stored meetings held in `year`, by date, as a JSON array.
    pub fn meetings(&self, year: i32) -> Result<String, EmError> {
        let year = convert::year("year", year)?;
        let store = self.store();
        json::write(&stored_meetings(&store, year)?)
    }

    /// The compliance table of `year` for the stored meetings, as JSON (as
    /// `em committee compliance --db`).
    pub fn meeting_compliance(&self, year: i32) -> Result<String, EmError> {
        let _span = tracing::info_span!("binding.meeting_compliance", year).entered();
        let year = convert::year("year", year)?;
        let rules = self.governance_rules()?;
        let ids = self.registry.core().site_ids();
        let stored = stored_meetings(&self.store(), year)?;
        // The stored meetings passed the rules when they were recorded; a
        // ruleset changed since may refuse some, which then count as not
        // held, as the CLI counts them.
        let accepted = em_governance::record_all(&rules, &ids, stored).accepted();
        json::write(&em_governance::compliance(&rules, &ids, &accepted, year))
    }

    /// Every site's plan of the roadmap's year, as its steering committee
    /// decides it (the recommendation, unless `decisions_json` says
    /// otherwise), stored with its journal record, all or nothing: a plan
    /// already transmitted to the Region is refused, naming its site, year
    /// and day. Returns `[{plan, journal_record}]` as JSON.
    pub fn decide_plans(
        &self,
        roadmap_json: String,
        proposals_json: String,
        decisions_json: Option<String>,
    ) -> Result<String, EmError> {
        let _span = tracing::info_span!("binding.decide_plans").entered();
        let rules = self.governance_rules()?;
        let roadmap: Roadmap = json::parse("roadmap", &roadmap_json)?;
        let proposals: Vec<ActionProposal> = json::parse("proposals", &proposals_json)?;
        let decisions: Vec<CommitteeDecision> = match decisions_json {
            Some(text) => json::parse("decisions", &text)?,
            None => Vec::new(),
        };
        let decided = em_store::governance::decide_plans(
            &rules,
            &self.registry.core().site_ids(),
            &roadmap,
            &proposals,
            &decisions,
        )
        .map_err(stored_error)?;
        em_store::governance::save_decided_plans(
            &mut self.store(),
            &decided,
            jiff::Timestamp::now(),
        )
        .map_err(stored_error)?;
        let steps: Vec<PlanStep> = decided
            .into_iter()
            .map(|d| PlanStep {
                plan: d.plan,
                journal_record: d.record,
            })
            .collect();
        json::write(&steps)
    }

    /// Transmits the stored plan of `site` for `year` to the Region on
    /// `day`, and stores it with the transition in the journal. Returns
    /// `{plan, journal_record}` as JSON.
    pub fn transmit_plan(&self, site: String, year: i32, day: String) -> Result<String, EmError> {
        let _span = tracing::info_span!("binding.transmit_plan", year).entered();
        let year = convert::year("year", year)?;
        let day = convert::date("day", &day)?;
        if self.registry.core().site(&site).is_none() {
            return Err(EmError::not_found(
                "site",
                format!("no site `{site}` in the registry"),
            ));
        }
        let (plan, journal_record) = em_store::governance::transmit_plan(
            &mut self.store(),
            &site,
            year,
            day,
            jiff::Timestamp::now(),
        )
        .map_err(stored_error)?;
        json::write(&PlanStep {
            plan,
            journal_record,
        })
    }

    /// The stored plans of `year`, by site, each with its journal history
    /// (`[{plan, history}]`, as `em plan show`), as JSON.
    pub fn plans(&self, year: i32) -> Result<String, EmError> {
        let year = convert::year("year", year)?;
        let store = self.store();
        let conn = store.connection();
        let mut out = Vec::new();
        for plan in em_store::governance::plans(conn, year)? {
            let history = em_store::journal::entries(conn, &plan.subject())
                .map_err(|e| governance_error(e.to_string(), vec![Problem::reason(e.to_string())]))?
                .into_iter()
                .map(|e| PlanHistoryEntry {
                    seq: e.seq,
                    role: e.role,
                    actor: e.actor,
                    at: e.at,
                    action: e.action,
                    reason: e.reason,
                    payload: e.payload,
                    hash: e.hash,
                })
                .collect();
            out.push(StoredPlan { plan, history });
        }
        json::write(&out)
    }
}

fn stored_meetings(store: &em_store::Store, year: i16) -> Result<Vec<Meeting>, EmError> {
    Ok(em_store::governance::meetings(
        store.connection(),
        Some(year),
    )?)
}
