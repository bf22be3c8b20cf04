//! Governance from Python: record a meeting against the rules, the year's
//! compliance table, the calendar (as data or iCalendar), and the
//! arbitration of action proposals up to the plan's transmission.
//!
//! Inputs (meetings, roadmaps, proposals, decisions, plans) come as JSON
//! text in the shapes of `examples/governance/`; results go out as JSON.

use std::sync::Arc;

use em_governance::{
    ActionPlan, ActionProposal, CommitteeDecision, GovernanceRuleset, InputProblem, Meeting,
    PlanError, Recommendation, Roadmap,
};
use serde::Serialize;

use crate::convert;
use crate::error::{EmError, Problem};
use crate::json;
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

impl Governance {
    fn site_ids(&self) -> Vec<&str> {
        self.registry
            .core()
            .sites
            .iter()
            .map(|s| s.id.as_str())
            .collect()
    }
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
        match em_governance::record(&self.rules, &self.site_ids(), meeting) {
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
            &self.site_ids(),
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
        let rows: Vec<SiteRecommendation> =
            em_governance::arbitrate_network(&self.rules, &roadmap, &self.site_ids(), &proposals)
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

    /// Every site's plan of `year` against its envelope and the regional
    /// budget, as JSON.
    pub fn region_view(&self, year: i32, plans_json: String) -> Result<String, EmError> {
        let year = convert::year("year", year)?;
        let plans: Vec<ActionPlan> = json::parse("plans", &plans_json)?;
        let view = em_governance::region_view(&self.rules, year, &self.site_ids(), &plans)
            .map_err(|e| governance_error(e.to_string(), vec![Problem::reason(e.to_string())]))?;
        json::write(&view)
    }
}

impl Governance {
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
