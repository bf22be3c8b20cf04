//! Meetings and action plans of the governance crate, kept in the store.
//!
//! A meeting goes in once it has passed `em_governance::record`; a plan is
//! written at each transition the governance crate returns (arbitrated by
//! the steering committee, transmitted to the Region), in the same write
//! transaction as the journal entry that logs the transition, so a plan and
//! its history never disagree.
//!
//! Above the row functions sit the writes a command or a binding makes as
//! one whole: a file of meetings recorded all or nothing, the plans of the
//! network decided and stored (never over a plan already transmitted), and
//! a stored plan transmitted to the Region.

use em_governance::{
    ActionPlan, ActionProposal, ArbitrationError, CommitteeDecision, GovernanceRuleset,
    JournalRecord, Meeting, PlanError, PlanState, RecordedMeeting, Roadmap, SiteDecision,
};
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::journal::{self, Entry, NewEntry};
use crate::{Store, StoreError};

/// Why plans could not be decided, stored or transmitted; nothing of the
/// write that failed is kept.
#[derive(Debug, thiserror::Error)]
pub enum GovernanceError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The proposals of a site cannot be arbitrated.
    #[error("arbitration of {site}: {source}")]
    Arbitration {
        /// The site.
        site: String,
        /// Why.
        #[source]
        source: ArbitrationError,
    },
    /// A site's plan cannot be decided, or a plan cannot be transmitted.
    #[error("plan of {site}: {source}")]
    Plan {
        /// The site.
        site: String,
        /// Why.
        #[source]
        source: PlanError,
    },
    /// The stored plan cannot take the transition asked (its message names
    /// the plan).
    #[error(transparent)]
    Transition(PlanError),
    /// No proposal was given (a proposal of a site the registry lacks is
    /// refused as an arbitration error, naming its place).
    #[error("no proposal of a known site: no plan to decide")]
    NoProposal,
    /// The plan was already transmitted to the Region: deciding it again
    /// would rewrite what the Region received.
    #[error(
        "the plan of {site} for {year} was transmitted to the Region on {on}: it cannot be decided again"
    )]
    AlreadyTransmitted {
        /// The site.
        site: String,
        /// The plan's year.
        year: i16,
        /// The day it was transmitted, when the plan says it.
        on: String,
    },
    /// No plan of the site and year is stored.
    #[error("no plan of {site} for {year} is recorded; decide it first")]
    NoPlan {
        /// The site.
        site: String,
        /// The year.
        year: i16,
    },
}

/// Stores every checked meeting in one transaction: one meeting already
/// stored and none is, because a file half recorded would leave the
/// coordinator guessing which meetings to send again.
pub fn record_meetings(store: &mut Store, recorded: &[RecordedMeeting]) -> Result<(), StoreError> {
    let _span = tracing::info_span!("record_meetings", meetings = recorded.len()).entered();
    store.write(|tx| {
        for r in recorded {
            save_meeting(tx, r)?;
        }
        Ok(())
    })
}

/// Every site's plan with its recommendation and journal record, as its
/// steering committee decides it ([`em_governance::decide_network`]);
/// unlike it, no proposal of a known site at all is an error, since there
/// is then nothing to store.
pub fn decide_plans(
    rules: &GovernanceRuleset,
    sites: &[&str],
    roadmap: &Roadmap,
    proposals: &[ActionProposal],
    decisions: &[CommitteeDecision],
) -> Result<Vec<SiteDecision>, GovernanceError> {
    let decided = em_governance::decide_network(rules, sites, roadmap, proposals, decisions)
        .map_err(|e| match e.source {
            PlanError::Arbitration(source) => GovernanceError::Arbitration {
                site: e.site,
                source,
            },
            source => GovernanceError::Plan {
                site: e.site,
                source,
            },
        })?;
    if decided.is_empty() {
        return Err(GovernanceError::NoProposal);
    }
    Ok(decided)
}

/// Stores decided plans with their journal records, at `at`, all or
/// nothing. A plan already transmitted to the Region is refused (naming
/// its site, year and day), and then no plan of `decided` is stored.
pub fn save_decided_plans(
    store: &mut Store,
    decided: &[SiteDecision],
    at: Timestamp,
) -> Result<Vec<Entry>, GovernanceError> {
    let _span = tracing::info_span!("save_decided_plans", plans = decided.len()).entered();
    store.write(|tx| {
        let mut entries = Vec::with_capacity(decided.len());
        for SiteDecision { plan, record, .. } in decided {
            if let Some(stored) = plan_of(tx, &plan.site, plan.year)?
                && stored.state == PlanState::Transmitted
            {
                return Err(GovernanceError::AlreadyTransmitted {
                    site: plan.site.clone(),
                    year: plan.year,
                    on: stored
                        .transmitted_on
                        .map_or_else(String::new, |d| d.to_string()),
                });
            }
            entries.push(save_plan(tx, plan, record, at)?);
        }
        Ok(entries)
    })
}

/// Transmits the stored plan of `site` for `year` to the Region on `day`:
/// the plan in its new state is stored with the journal record of the
/// transition (appended at `at`), which is returned with it.
pub fn transmit_plan(
    store: &mut Store,
    site: &str,
    year: i16,
    day: Date,
    at: Timestamp,
) -> Result<(ActionPlan, JournalRecord), GovernanceError> {
    let _span = tracing::info_span!("transmit_plan", site, year).entered();
    // The day the plan left cannot be after the day it is recorded (in
    // Paris, where the network's days are counted).
    let paris = jiff::tz::TimeZone::get("Europe/Paris").unwrap_or(jiff::tz::TimeZone::UTC);
    let today = at.to_zoned(paris).date();
    if day > today {
        return Err(GovernanceError::Transition(PlanError::Day {
            site: site.to_owned(),
            year,
            day,
            reason: format!("the day is after today ({today})"),
        }));
    }
    store.write(|tx| {
        let plan = plan_of(tx, site, year)?.ok_or_else(|| GovernanceError::NoPlan {
            site: site.to_owned(),
            year,
        })?;
        let (plan, record) =
            em_governance::transmit(plan, day).map_err(GovernanceError::Transition)?;
        save_plan(tx, &plan, &record, at)?;
        Ok((plan, record))
    })
}

/// The stored plan of `site` for `year`, if any.
pub fn plan_of(conn: &Connection, site: &str, year: i16) -> Result<Option<ActionPlan>, StoreError> {
    Ok(plans(conn, year)?.into_iter().find(|p| p.site == site))
}

/// Stores a recorded meeting; a meeting with the same id is refused.
pub fn save_meeting(tx: &Transaction<'_>, recorded: &RecordedMeeting) -> Result<(), StoreError> {
    let m = &recorded.meeting;
    let exists: Option<String> = tx
        .query_row(
            "SELECT id FROM governance_meeting WHERE id = ?1",
            [&m.id],
            |row| row.get(0),
        )
        .optional()?;
    if exists.is_some() {
        return Err(StoreError::Unstorable {
            field: "id",
            reason: format!("meeting `{}` is already stored", m.id),
        });
    }
    tx.execute(
        "INSERT INTO governance_meeting (id, body, site, date, meeting, warnings)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            m.id,
            m.body.as_str(),
            m.site,
            m.date.to_string(),
            json("meeting", serde_json::to_string(m))?,
            json("warnings", serde_json::to_string(&recorded.warnings))?,
        ],
    )?;
    tracing::info!(body = %m.body, "meeting stored");
    Ok(())
}

/// The stored meetings held in `year`, or all of them, by date.
pub fn meetings(conn: &Connection, year: Option<i16>) -> Result<Vec<Meeting>, StoreError> {
    let (from, to) = match year {
        Some(y) => (format!("{y:04}-01-01"), format!("{y:04}-12-31")),
        None => ("0000-01-01".to_owned(), "9999-12-31".to_owned()),
    };
    let mut statement = conn.prepare(
        "SELECT rowid, meeting FROM governance_meeting
         WHERE date BETWEEN ?1 AND ?2 ORDER BY date, id",
    )?;
    let rows = statement.query_map([from, to], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (row_id, text) = row?;
        out.push(
            serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
                table: "governance_meeting",
                row_id,
                reason: e.to_string(),
            })?,
        );
    }
    Ok(out)
}

/// Writes `plan` in its new state and appends `record` (its transition) to
/// the journal, at `at`, in the caller's transaction.
pub fn save_plan(
    tx: &Transaction<'_>,
    plan: &ActionPlan,
    record: &JournalRecord,
    at: Timestamp,
) -> Result<Entry, StoreError> {
    tx.execute(
        "INSERT INTO governance_plan (site, year, state, plan) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (site, year) DO UPDATE SET state = excluded.state, plan = excluded.plan",
        params![
            plan.site,
            plan.year,
            plan.state.as_str(),
            json("plan", serde_json::to_string(plan))?
        ],
    )?;
    journal::append(
        tx,
        &NewEntry {
            subject: record.subject.clone(),
            role: record.role.clone(),
            actor: record.actor.clone(),
            at,
            action: record.action.clone(),
            reason: record.reason.clone(),
            payload: record.payload.clone(),
        },
    )
}

/// The plans of `year`, by site.
pub fn plans(conn: &Connection, year: i16) -> Result<Vec<ActionPlan>, StoreError> {
    let mut statement =
        conn.prepare("SELECT rowid, plan FROM governance_plan WHERE year = ?1 ORDER BY site")?;
    let rows = statement.query_map([year], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (row_id, text) = row?;
        out.push(
            serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
                table: "governance_plan",
                row_id,
                reason: e.to_string(),
            })?,
        );
    }
    Ok(out)
}

fn json(field: &'static str, text: serde_json::Result<String>) -> Result<String, StoreError> {
    text.map_err(|e| StoreError::Unstorable {
        field,
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use em_core::Registry;
    use em_governance::{GovernanceRuleset, arbitrate, decide, from_json, record, transmit};

    const MEETINGS: &str = include_str!("../../../examples/governance/meetings-2009.json");
    const ROADMAP: &str = include_str!("../../../examples/governance/roadmap-2010.json");
    const PROPOSALS: &str = include_str!("../../../examples/governance/proposals-2010.json");

    #[test]
    fn meetings_and_a_transmitted_plan_come_back_with_their_journal() {
        let rules = GovernanceRuleset::champagne_ardenne();
        let registry = Registry::champagne_ardenne();
        let sites: Vec<&str> = registry.sites.iter().map(|s| s.id.as_str()).collect();
        let mut store = Store::open_in_memory().unwrap();
        let meetings: Vec<Meeting> = from_json("meetings-2009.json", MEETINGS).unwrap();
        store
            .write(|tx| {
                for m in &meetings {
                    let recorded = record(&rules, &sites, m.clone()).unwrap();
                    save_meeting(tx, &recorded)?;
                }
                Ok::<_, StoreError>(())
            })
            .unwrap();
        assert_eq!(meetings_of(&store, Some(2009)).len(), meetings.len());
        let again = record(&rules, &sites, meetings[0].clone()).unwrap();
        let err = store.write(|tx| save_meeting(tx, &again)).unwrap_err();
        assert!(err.to_string().contains("already stored"), "{err}");

        let roadmap = from_json("roadmap-2010.json", ROADMAP).unwrap();
        let all: Vec<ActionProposal> = from_json("proposals-2010.json", PROPOSALS).unwrap();
        let own: Vec<_> = all.into_iter().filter(|p| p.site == "sedan").collect();
        let rec = arbitrate(&rules, &roadmap, "sedan", &own).unwrap();
        let (plan, arbitrated) = decide(&rules, &roadmap, &own, &rec, &[], None).unwrap();
        let (plan, transmitted) = transmit(plan, jiff::civil::date(2009, 12, 15)).unwrap();
        let at = Timestamp::UNIX_EPOCH;
        store
            .write(|tx| {
                save_plan(tx, &plan, &arbitrated, at)?;
                save_plan(tx, &plan, &transmitted, at)
            })
            .unwrap();
        let stored = plans(store.connection(), 2010).unwrap();
        assert_eq!(stored, vec![plan.clone()]);
        let history = journal::entries(store.connection(), "plan:sedan:2010").unwrap();
        let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, vec!["arbitrate", "transmit"]);
        journal::verify(store.connection()).unwrap();
    }

    fn decided_2010(rules: &GovernanceRuleset) -> Vec<SiteDecision> {
        let registry = Registry::champagne_ardenne();
        let sites: Vec<&str> = registry.sites.iter().map(|s| s.id.as_str()).collect();
        let roadmap = from_json("roadmap-2010.json", ROADMAP).unwrap();
        let proposals: Vec<ActionProposal> = from_json("proposals-2010.json", PROPOSALS).unwrap();
        decide_plans(rules, &sites, &roadmap, &proposals, &[]).unwrap()
    }

    #[test]
    fn a_meetings_file_with_one_already_stored_records_none_of_it() {
        let rules = GovernanceRuleset::champagne_ardenne();
        let registry = Registry::champagne_ardenne();
        let sites: Vec<&str> = registry.sites.iter().map(|s| s.id.as_str()).collect();
        let meetings: Vec<Meeting> = from_json("meetings-2009.json", MEETINGS).unwrap();
        let recorded: Vec<RecordedMeeting> = meetings
            .iter()
            .map(|m| record(&rules, &sites, m.clone()).unwrap())
            .collect();
        let mut store = Store::open_in_memory().unwrap();
        record_meetings(&mut store, &recorded[..1]).unwrap();
        // The second file holds the first meeting again, after new ones:
        // the new ones must not stay behind.
        let mut again = recorded[1..].to_vec();
        again.push(recorded[0].clone());
        let err = record_meetings(&mut store, &again).unwrap_err();
        assert!(err.to_string().contains("already stored"), "{err}");
        assert_eq!(meetings_of(&store, None), vec![meetings[0].clone()]);
        record_meetings(&mut store, &recorded[1..]).unwrap();
        assert_eq!(meetings_of(&store, Some(2009)).len(), meetings.len());
    }

    #[test]
    fn a_transmitted_plan_cannot_be_decided_again_and_nothing_is_stored() {
        let rules = GovernanceRuleset::champagne_ardenne();
        let decided = decided_2010(&rules);
        assert!(decided.len() > 1, "the example decides several sites");
        let site = decided[0].plan.site.clone();
        let mut store = Store::open_in_memory().unwrap();
        let at: Timestamp = "2009-12-20T10:00:00Z".parse().unwrap();
        let entries = save_decided_plans(&mut store, &decided, at).unwrap();
        assert_eq!(entries.len(), decided.len());
        let journal_decided = journal::verify(store.connection()).unwrap();
        // A day after the day of recording, or outside the plan's two
        // years, is refused, and nothing is journaled.
        for (day, why) in [
            (jiff::civil::date(2009, 12, 21), "after today (2009-12-20)"),
            (
                jiff::civil::date(1990, 1, 1),
                "between 2009-01-01 and 2010-12-31",
            ),
        ] {
            let err = transmit_plan(&mut store, &site, 2010, day, at).unwrap_err();
            assert!(err.to_string().contains(why), "{err}");
        }
        assert_eq!(
            journal::verify(store.connection()).unwrap(),
            journal_decided
        );
        let day = jiff::civil::date(2009, 12, 15);
        let (plan, record) = transmit_plan(&mut store, &site, 2010, day, at).unwrap();
        assert_eq!(plan.state, PlanState::Transmitted);
        assert_eq!(record.action, "transmit");
        assert_eq!(
            plan_of(store.connection(), &site, 2010).unwrap(),
            Some(plan.clone())
        );

        let journal_before = journal::verify(store.connection()).unwrap();
        let err = save_decided_plans(&mut store, &decided, at).unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(err, GovernanceError::AlreadyTransmitted { .. })
                && text.contains(&site)
                && text.contains("2010")
                && text.contains("2009-12-15"),
            "{text}"
        );
        // No plan of the refused write went in, not even the ones before
        // the transmitted plan.
        assert_eq!(journal::verify(store.connection()).unwrap(), journal_before);
        assert_eq!(
            plan_of(store.connection(), &site, 2010).unwrap(),
            Some(plan)
        );

        let err = transmit_plan(&mut store, &site, 2010, day, at).unwrap_err();
        assert!(matches!(err, GovernanceError::Transition(_)), "{err}");
        let err = transmit_plan(&mut store, &site, 2011, day, at).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("no plan of {site} for 2011 is recorded; decide it first")
        );
    }

    #[test]
    fn no_proposal_decides_no_plan_and_a_proposal_of_an_unknown_site_is_refused() {
        let rules = GovernanceRuleset::champagne_ardenne();
        let roadmap = from_json("roadmap-2010.json", ROADMAP).unwrap();
        let err = decide_plans(&rules, &["sedan"], &roadmap, &[], &[]).unwrap_err();
        assert!(matches!(err, GovernanceError::NoProposal), "{err}");
        let proposals: Vec<ActionProposal> = from_json("proposals-2010.json", PROPOSALS).unwrap();
        let err = decide_plans(&rules, &["nowhere"], &roadmap, &proposals, &[]).unwrap_err();
        assert!(matches!(err, GovernanceError::Arbitration { .. }), "{err}");
        assert!(err.to_string().contains("proposals[0].site"), "{err}");
    }

    fn meetings_of(store: &Store, year: Option<i16>) -> Vec<Meeting> {
        meetings(store.connection(), year).unwrap()
    }
}
