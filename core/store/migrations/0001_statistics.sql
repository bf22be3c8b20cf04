-- Migration 0001: the statistics records and the files they came from.
--
-- Dates are ISO 8601 text (`YYYY-MM-DD`): they sort and compare as text,
-- SQLite's date functions read them, and other tools (the sqlite3 shell,
-- DuckDB) see real dates. Multi-valued fields are `;`-joined code lists (see
-- the crate documentation for why).

CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    file_name TEXT NOT NULL,
    -- Hex SHA-256 of the file's bytes: the same content is imported once.
    sha256 TEXT NOT NULL UNIQUE,
    -- The record kinds the file held, `+`-joined alphabetically (`event+visit`).
    kind TEXT NOT NULL,
    -- The site of every record, or NULL when the file held several sites.
    site TEXT,
    -- Records stored by this import (duplicates already stored excluded).
    rows INTEGER NOT NULL,
    -- When the import was committed (RFC 3339, UTC).
    imported_at TEXT NOT NULL
);

CREATE TABLE visits (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    site TEXT NOT NULL,
    date TEXT NOT NULL,
    reference TEXT,
    visitor TEXT,
    contact_mode TEXT NOT NULL,
    sex TEXT,
    age_band TEXT,
    status TEXT,
    education_level TEXT,
    commune TEXT,
    first_visit INTEGER,
    arrival_channel TEXT,
    themes TEXT NOT NULL,
    services TEXT NOT NULL,
    referrals TEXT NOT NULL
);
CREATE UNIQUE INDEX visits_site_reference ON visits(site, reference)
    WHERE reference IS NOT NULL;

CREATE TABLE survey_answers (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    site TEXT NOT NULL,
    date TEXT NOT NULL,
    reference TEXT,
    -- `item=score` pairs, `;`-joined, in item code order.
    items TEXT NOT NULL,
    would_recommend INTEGER
);
CREATE UNIQUE INDEX survey_answers_site_reference ON survey_answers(site, reference)
    WHERE reference IS NOT NULL;

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    site TEXT NOT NULL,
    reference TEXT,
    title TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    event_type TEXT NOT NULL,
    themes TEXT NOT NULL,
    partners TEXT NOT NULL,
    attendance INTEGER NOT NULL,
    respondents INTEGER,
    satisfied INTEGER
);
CREATE UNIQUE INDEX events_site_reference ON events(site, reference)
    WHERE reference IS NOT NULL;
