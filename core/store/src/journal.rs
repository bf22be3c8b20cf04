//! The journal: an append-only log of decisions, chained by hashes.
//!
//! Every decision a body takes through the library — an application
//! submitted, an opinion given, a label granted, an action plan transmitted —
//! is one entry: who (role and actor), when, what (the transition), why, and
//! the transition's data as JSON, about one `subject` (`application:<id>`,
//! `candidacy:<id>`, `plan:<id>`…). Entries are numbered 1, 2, 3… in one
//! chain for the whole store; each holds the hash of the one before and its
//! own hash, a SHA-256 over its canonical fields.
//!
//! The table refuses UPDATE and DELETE. Someone who edits the file by hand
//! can get around that, and [`verify`] is what then tells: an edited entry
//! no longer matches its hash, a deleted one leaves a gap, an inserted or
//! moved one breaks the chain of the entry after it. The first bad entry is
//! named. Two things a chain alone cannot tell are said here rather than
//! promised: cutting entries off the end leaves a shorter, valid chain, and
//! someone who rewrites every hash after an edit makes a new valid chain.
//! Both are caught by comparing with a head hash kept elsewhere (printed in
//! a report, sent to the Region): [`verify_with_head`].

use std::fmt::Write as _;

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::StoreError;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry to append: everything but its place in the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEntry {
    /// What the entry is about, e.g. `application:langres-2010`.
    pub subject: String,
    /// The role acting, in snake_case (`host_structure`, `region`, ...).
    pub role: String,
    /// The actor within the role: a body or a service, never a private
    /// person's name.
    pub actor: String,
    /// When.
    pub at: Timestamp,
    /// The transition, in snake_case (`submit`, `give_opinion`, ...).
    pub action: String,
    /// Why, in the actor's words; empty when none was asked for.
    pub reason: String,
    /// The transition's data.
    pub payload: Value,
}

/// An entry of the journal.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Position in the chain, from 1.
    pub seq: u64,
    /// What the entry is about.
    pub subject: String,
    /// The role acting.
    pub role: String,
    /// The actor within the role.
    pub actor: String,
    /// When.
    pub at: Timestamp,
    /// The transition.
    pub action: String,
    /// Why.
    pub reason: String,
    /// The transition's data.
    pub payload: Value,
    /// Hash of the entry before (hex), [`GENESIS`] for the first.
    pub prev_hash: String,
    /// This entry's hash (hex).
    pub hash: String,
}

/// What is wrong with the first bad entry of a journal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Tamper {
    /// The entry's fields do not match its hash: it was edited.
    #[error("journal entry {seq} was edited: its content no longer matches its hash")]
    Edited {
        /// The entry.
        seq: u64,
    },
    /// Entries are missing before this one: deleted.
    #[error("journal entries {expected} to {} are missing: deleted before entry {seq}", .seq - 1)]
    Missing {
        /// The first missing position.
        expected: u64,
        /// The entry found after the gap.
        seq: u64,
    },
    /// The entry does not follow the one before it: an entry was inserted,
    /// moved or deleted and the chain renumbered.
    #[error(
        "journal entry {seq} does not follow entry {}: an entry was inserted, moved or removed before it",
        .seq - 1
    )]
    BrokenLink {
        /// The entry.
        seq: u64,
    },
    /// A stored value cannot be read back.
    #[error("journal entry {seq} is unreadable: {reason}")]
    Unreadable {
        /// The entry.
        seq: u64,
        /// Why.
        reason: String,
    },
    /// The chain is valid but does not end where the kept head says.
    #[error(
        "the journal ends at entry {entries} with hash {found}, not at the kept head {expected}: entries were cut off or the chain rewritten"
    )]
    WrongHead {
        /// Entries in the journal.
        entries: u64,
        /// The head hash kept elsewhere.
        expected: String,
        /// The head hash found.
        found: String,
    },
}

/// Why the journal could not be verified or written.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// The chain is broken.
    #[error(transparent)]
    Tampered(#[from] Tamper),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for JournalError {
    fn from(e: rusqlite::Error) -> Self {
        JournalError::Store(StoreError::Sqlite(e))
    }
}

/// A verified journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// How many entries it holds.
    pub entries: u64,
    /// The hash of its last entry ([`GENESIS`] when empty): keep it to
    /// detect later truncation or rewriting.
    pub head: String,
}

/// Writes `value` as canonical JSON: object keys sorted, no spaces, strings
/// and numbers as serde_json writes them. The hash must not depend on the
/// order a map happened to be built in.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => {
            let _ = write!(out, "{scalar}");
        }
    }
}

/// The hash of an entry: SHA-256 over a version tag and every field,
/// each preceded by its length so that no two different entries write the
/// same bytes.
fn entry_hash(seq: u64, e: &StoredFields<'_>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"em-journal-v1");
    let seq_text = seq.to_string();
    for field in [
        seq_text.as_str(),
        e.subject,
        e.role,
        e.actor,
        e.at,
        e.action,
        e.reason,
        e.payload,
        e.prev_hash,
    ] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The fields as stored, in text.
struct StoredFields<'a> {
    subject: &'a str,
    role: &'a str,
    actor: &'a str,
    at: &'a str,
    action: &'a str,
    reason: &'a str,
    payload: &'a str,
    prev_hash: &'a str,
}

/// The last entry's position and hash, or 0 and [`GENESIS`].
fn head(conn: &Connection) -> Result<(u64, String), StoreError> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(last.map_or((0, GENESIS.to_owned()), |(seq, hash)| {
        (seq.unsigned_abs(), hash)
    }))
}

/// Appends an entry inside the caller's write transaction and returns it
/// as stored. The caller reads, decides and appends in the same
/// transaction, so that no other writer slips an entry in between.
pub fn append(tx: &Transaction<'_>, entry: &NewEntry) -> Result<Entry, StoreError> {
    let (last, prev_hash) = head(tx)?;
    let seq = last + 1;
    let at = entry.at.to_string();
    let payload = canonical_json(&entry.payload);
    let hash = entry_hash(
        seq,
        &StoredFields {
            subject: &entry.subject,
            role: &entry.role,
            actor: &entry.actor,
            at: &at,
            action: &entry.action,
            reason: &entry.reason,
            payload: &payload,
            prev_hash: &prev_hash,
        },
    );
    let seq_sql = i64::try_from(seq).map_err(|_| StoreError::Unstorable {
        field: "seq",
        reason: "the journal is full".into(),
    })?;
    tx.execute(
        "INSERT INTO journal (seq, subject, role, actor, at, action, reason, payload, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            seq_sql,
            entry.subject,
            entry.role,
            entry.actor,
            at,
            entry.action,
            entry.reason,
            payload,
            prev_hash,
            hash
        ],
    )?;
    tracing::info!(seq, action = %entry.action, role = %entry.role, "journal entry appended");
    Ok(Entry {
        seq,
        subject: entry.subject.clone(),
        role: entry.role.clone(),
        actor: entry.actor.clone(),
        at: entry.at,
        action: entry.action.clone(),
        reason: entry.reason.clone(),
        payload: entry.payload.clone(),
        prev_hash,
        hash,
    })
}

const COLUMNS: &str = "seq, subject, role, actor, at, action, reason, payload, prev_hash, hash";

/// A row as text, before its values are read.
struct Row {
    seq: i64,
    subject: String,
    role: String,
    actor: String,
    at: String,
    action: String,
    reason: String,
    payload: String,
    prev_hash: String,
    hash: String,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        seq: r.get(0)?,
        subject: r.get(1)?,
        role: r.get(2)?,
        actor: r.get(3)?,
        at: r.get(4)?,
        action: r.get(5)?,
        reason: r.get(6)?,
        payload: r.get(7)?,
        prev_hash: r.get(8)?,
        hash: r.get(9)?,
    })
}

impl Row {
    fn into_entry(self) -> Result<Entry, Tamper> {
        let seq = self.seq.unsigned_abs();
        let at = self
            .at
            .parse::<Timestamp>()
            .map_err(|e| Tamper::Unreadable {
                seq,
                reason: format!("time `{}`: {e}", self.at),
            })?;
        let payload = serde_json::from_str(&self.payload).map_err(|e| Tamper::Unreadable {
            seq,
            reason: format!("payload: {e}"),
        })?;
        Ok(Entry {
            seq,
            subject: self.subject,
            role: self.role,
            actor: self.actor,
            at,
            action: self.action,
            reason: self.reason,
            payload,
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }

    fn expected_hash(&self) -> String {
        entry_hash(
            self.seq.unsigned_abs(),
            &StoredFields {
                subject: &self.subject,
                role: &self.role,
                actor: &self.actor,
                at: &self.at,
                action: &self.action,
                reason: &self.reason,
                payload: &self.payload,
                prev_hash: &self.prev_hash,
            },
        )
    }
}

/// The entries about `subject`, oldest first.
pub fn entries(conn: &Connection, subject: &str) -> Result<Vec<Entry>, JournalError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM journal WHERE subject = ?1 ORDER BY seq"
    ))?;
    let rows = stmt.query_map([subject], row)?;
    let mut out = Vec::new();
    for r in rows {
        out.push(r?.into_entry()?);
    }
    Ok(out)
}

/// The subjects starting with `prefix` (e.g. `application:`), each once,
/// in the order of their first entry.
pub fn subjects(conn: &Connection, prefix: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT subject FROM journal WHERE substr(subject, 1, length(?1)) = ?1
         GROUP BY subject ORDER BY min(seq)",
    )?;
    let rows = stmt.query_map([prefix], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Walks the whole chain and names the first bad entry, if any.
pub fn verify(conn: &Connection) -> Result<Verified, JournalError> {
    let _span = tracing::info_span!("journal_verify").entered();
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM journal ORDER BY seq"))?;
    let rows = stmt.query_map([], row)?;
    let mut expected_seq = 1u64;
    let mut prev = GENESIS.to_owned();
    for r in rows {
        let r = r?;
        let seq = r.seq.unsigned_abs();
        if r.seq < 1 || seq < expected_seq {
            return Err(Tamper::BrokenLink { seq }.into());
        }
        if seq > expected_seq {
            return Err(Tamper::Missing {
                expected: expected_seq,
                seq,
            }
            .into());
        }
        if r.prev_hash != prev {
            return Err(Tamper::BrokenLink { seq }.into());
        }
        if r.expected_hash() != r.hash {
            return Err(Tamper::Edited { seq }.into());
        }
        prev = r.hash;
        expected_seq += 1;
    }
    Ok(Verified {
        entries: expected_seq - 1,
        head: prev,
    })
}

/// [`verify`], and checks that the chain ends at `head`, a hash kept
/// outside the store.
pub fn verify_with_head(conn: &Connection, head: &str) -> Result<Verified, JournalError> {
    let verified = verify(conn)?;
    if verified.head != head {
        return Err(Tamper::WrongHead {
            entries: verified.entries,
            expected: head.to_owned(),
            found: verified.head,
        }
        .into());
    }
    Ok(verified)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use serde_json::json;

    fn entry(subject: &str, action: &str, payload: Value) -> NewEntry {
        NewEntry {
            subject: subject.into(),
            role: "region".into(),
            actor: "service formation".into(),
            at: "2010-06-15T09:30:00Z".parse().unwrap(),
            action: action.into(),
            reason: String::new(),
            payload,
        }
    }

    fn store_with(n: usize) -> Store {
        let mut store = Store::open_in_memory().unwrap();
        for i in 0..n {
            store
                .write(|tx| {
                    append(
                        tx,
                        &entry(&format!("application:a{}", i % 2), "step", json!({"i": i})),
                    )
                })
                .unwrap();
        }
        store
    }

    /// Removes the triggers, as someone editing the file by hand would.
    fn unprotect(store: &Store) {
        store
            .connection()
            .execute_batch("DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete;")
            .unwrap();
    }

    #[test]
    fn appended_entries_chain_and_verify() {
        let store = store_with(5);
        let verified = verify(store.connection()).unwrap();
        assert_eq!(verified.entries, 5);
        let a0 = entries(store.connection(), "application:a0").unwrap();
        assert_eq!(a0.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 3, 5]);
        assert_eq!(a0[0].prev_hash, GENESIS);
        assert_eq!(a0[2].hash, verified.head);
        assert_eq!(
            subjects(store.connection(), "application:").unwrap(),
            ["application:a0", "application:a1"]
        );
    }

    #[test]
    fn the_table_refuses_update_and_delete() {
        let store = store_with(2);
        for sql in [
            "UPDATE journal SET reason = 'x' WHERE seq = 1",
            "DELETE FROM journal WHERE seq = 2",
        ] {
            let err = store.connection().execute_batch(sql).unwrap_err();
            assert!(err.to_string().contains("append-only"), "{err}");
        }
    }

    #[test]
    fn each_kind_of_tampering_names_the_first_bad_entry() {
        let cases: [(&str, Tamper); 4] = [
            (
                "UPDATE journal SET reason = 'backdated' WHERE seq = 3",
                Tamper::Edited { seq: 3 },
            ),
            (
                "DELETE FROM journal WHERE seq = 2",
                Tamper::Missing { expected: 2, seq: 3 },
            ),
            (
                // Delete then renumber, to hide the gap.
                "DELETE FROM journal WHERE seq = 2; UPDATE journal SET seq = seq - 1 WHERE seq > 2",
                Tamper::BrokenLink { seq: 2 },
            ),
            (
                // Swap the contents of entries 2 and 3.
                "UPDATE journal SET seq = 100 WHERE seq = 2; UPDATE journal SET seq = 2 WHERE seq = 3;
                 UPDATE journal SET seq = 3 WHERE seq = 100",
                Tamper::BrokenLink { seq: 2 },
            ),
        ];
        for (sql, expected) in cases {
            let store = store_with(5);
            unprotect(&store);
            store.connection().execute_batch(sql).unwrap();
            match verify(store.connection()) {
                Err(JournalError::Tampered(found)) => assert_eq!(found, expected, "{sql}"),
                other => panic!("{sql}: expected {expected}, got {other:?}"),
            }
        }
    }

    #[test]
    fn cutting_off_the_last_entry_is_caught_against_the_kept_head() {
        let store = store_with(4);
        let head = verify(store.connection()).unwrap().head;
        unprotect(&store);
        store
            .connection()
            .execute_batch("DELETE FROM journal WHERE seq = 4")
            .unwrap();
        assert_eq!(verify(store.connection()).unwrap().entries, 3);
        let err = verify_with_head(store.connection(), &head).unwrap_err();
        assert!(
            matches!(
                err,
                JournalError::Tampered(Tamper::WrongHead { entries: 3, .. })
            ),
            "{err}"
        );
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let a = json!({"b": 1, "a": {"d": [1, {"f": true, "e": null}], "c": "x"}});
        assert_eq!(
            canonical_json(&a),
            r#"{"a":{"c":"x","d":[1,{"e":null,"f":true}]},"b":1}"#
        );
    }
}
