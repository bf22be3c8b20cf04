-- Migration 0002: the journal, an append-only log of decisions chained by
-- hashes.
--
-- One chain for the whole store: every entry holds the hash of the entry
-- before it (`prev_hash`, 64 zeros for the first) and its own `hash`, a
-- SHA-256 over its canonical fields (see `journal.rs`). `subject` names what
-- the entry is about (`application:<id>`, `candidacy:<id>`, `plan:<id>`),
-- so one module's history is one indexed range.
--
-- The triggers refuse UPDATE and DELETE: the library never changes an
-- entry. Someone editing the file by hand can drop them; the chain is what
-- then tells (`journal::verify`).

CREATE TABLE journal (
    -- Position in the chain: 1, 2, 3… without gaps.
    seq INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    -- Who: the role acting (`region`, `commission`, ...) and a label of the
    -- actor within it (a body or a service, not a private person's name).
    role TEXT NOT NULL,
    actor TEXT NOT NULL,
    -- When the entry was written (RFC 3339, UTC).
    at TEXT NOT NULL,
    -- What: the transition's name.
    action TEXT NOT NULL,
    -- Why, in the actor's words; empty when none was asked for.
    reason TEXT NOT NULL,
    -- The transition's data, as canonical JSON (keys sorted, no spaces).
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);

CREATE INDEX journal_subject ON journal (subject, seq);

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only: an entry is never changed');
END;

CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only: an entry is never deleted');
END;
