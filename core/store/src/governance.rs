//! Meetings and action plans of the governance crate, kept in the store.
//!
//! A meeting goes in once it has passed `em_governance::record`; a plan is
//! written at each transition the governance crate returns (arbitrated by
//! the steering committee, transmitted to the Region), in the same write
//! transaction as the journal entry that logs the transition, so a plan and
//! its history never disagree.

use em_governance::{ActionPlan, JournalRecord, Meeting, RecordedMeeting};
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::StoreError;
use crate::journal::{self, Entry, NewEntry};

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
        let all: Vec<em_governance::ActionProposal> =
            from_json("proposals-2010.json", PROPOSALS).unwrap();
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

    fn meetings_of(store: &Store, year: Option<i16>) -> Vec<Meeting> {
        meetings(store.connection(), year).unwrap()
    }
}
