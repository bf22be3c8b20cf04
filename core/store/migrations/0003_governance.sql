-- Migration 0003: governance — the meetings of the bodies and the sites'
-- action plans (see `governance.rs`).
--
-- A meeting is stored as it was recorded by `em_governance::record`: its
-- checks passed, its warnings kept beside it. Attendees are counts by
-- member category, never names. A plan is one row per site and year, in
-- its latest state; every transition of it is also an entry of the journal
-- under the subject `plan:<site>:<year>`, which is where its history lives.

CREATE TABLE governance_meeting (
    id TEXT PRIMARY KEY,
    -- `commission`, `technical_committee` or `steering_committee`.
    body TEXT NOT NULL,
    -- The site, NULL for the Commission.
    site TEXT,
    -- The day it was held (ISO date).
    date TEXT NOT NULL,
    -- The meeting as JSON (attendees by category, agenda, decisions).
    meeting TEXT NOT NULL,
    -- The warnings it was recorded with (window missed), as JSON.
    warnings TEXT NOT NULL
);

CREATE INDEX governance_meeting_date ON governance_meeting (date);

CREATE TABLE governance_plan (
    site TEXT NOT NULL,
    year INTEGER NOT NULL,
    -- `arbitrated` or `transmitted`.
    state TEXT NOT NULL,
    -- The plan as JSON (items, decisions, rules checked, explanation).
    plan TEXT NOT NULL,
    PRIMARY KEY (site, year)
);
