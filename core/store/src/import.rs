//! The import writer: one file's records stored in one transaction.
//!
//! [`Store::begin_import`] takes the write lock, checks that the file's
//! content was not imported before and opens the file's `imports` row; the
//! [`ImportWriter`] then inserts records one by one and either commits them
//! all with the row count, or rolls everything back — explicitly, or by
//! being dropped.
//!
//! The writer prepares each insert statement once and keeps it for the
//! whole file: a million rows then cost a million bind-and-step calls and
//! no look-up of the statement in rusqlite's cache (which hashes and
//! compares the SQL text every time).

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, Row, Statement, ToSql, params};

use crate::codec::{join_codes, join_items, write_date};
use crate::{Event, Record, Store, StoreError, SurveyAnswer, Visit, scan};

/// The file an import comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSource {
    /// The file's name as the user gave it (no directory needed).
    pub file_name: String,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// One row of the `imports` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportInfo {
    /// The import's id.
    pub id: i64,
    /// The file's name.
    pub file_name: String,
    /// Hex SHA-256 of the file's content.
    pub sha256: String,
    /// The record kinds the file held, `+`-joined in alphabetical order
    /// (`visit`, `event+visit`); empty for a file without records.
    pub kind: String,
    /// The site of every record, or `None` when there were several.
    pub site: Option<String>,
    /// Records stored by this import.
    pub rows: u64,
    /// When it was committed (RFC 3339, UTC).
    pub imported_at: String,
}

pub(crate) const IMPORT_COLUMNS: &str = "id, file_name, sha256, kind, site, rows, imported_at";

pub(crate) fn import_info(row: &Row<'_>) -> rusqlite::Result<ImportInfo> {
    Ok(ImportInfo {
        id: row.get(0)?,
        file_name: row.get(1)?,
        sha256: row.get(2)?,
        kind: row.get(3)?,
        site: row.get(4)?,
        rows: row.get::<_, i64>(5)?.unsigned_abs(),
        imported_at: row.get(6)?,
    })
}

pub(crate) fn find_import(
    conn: &Connection,
    sha256: &str,
) -> Result<Option<ImportInfo>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {IMPORT_COLUMNS} FROM imports WHERE sha256 = ?1"),
            [sha256],
            import_info,
        )
        .optional()?)
}

/// What [`Store::begin_import`] found.
#[derive(Debug)]
// One value of this enum exists per imported file, so its size does not
// matter, and boxing the writer would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum BeginImport<'s> {
    /// The file is new: write its records.
    New(ImportWriter<'s>),
    /// A file with the same content was imported before; nothing is written.
    AlreadyImported(ImportInfo),
}

/// What became of one record handed to [`ImportWriter::insert`].
#[derive(Debug, Clone, PartialEq)]
pub enum Inserted {
    /// Stored.
    Stored,
    /// The store already holds this very record under its site and
    /// reference: nothing was added.
    AlreadyStored,
    /// The store holds a *different* record under the same site and
    /// reference; the record was not stored. The caller decides whether
    /// that refuses the file (the importers do).
    Conflict {
        /// The record already stored.
        stored: Box<Record>,
    },
}

/// Writes one file's records in one `BEGIN IMMEDIATE` transaction.
///
/// Dropping the writer without [`ImportWriter::commit`] rolls everything
/// back, the file's `imports` row included.
#[derive(Debug)]
pub struct ImportWriter<'s> {
    // The transaction is opened and closed by hand rather than held as a
    // rusqlite `Transaction`: the prepared statements below borrow the
    // connection for as long as the writer lives, which a `Transaction`
    // owned by the same struct would not allow.
    conn: &'s Connection,
    open: bool,
    visits: Option<Statement<'s>>,
    survey_answers: Option<Statement<'s>>,
    events: Option<Statement<'s>>,
    import_id: i64,
    stored: u64,
    already_stored: u64,
    kinds: BTreeSet<&'static str>,
    site: SiteSeen,
    // Buffers reused from record to record so that an insert allocates
    // nothing once they have grown.
    date: String,
    end_date: String,
    list_a: String,
    list_b: String,
    list_c: String,
}

#[derive(Debug)]
enum SiteSeen {
    None,
    One(String),
    Several,
}

impl Store {
    /// Starts importing the file `source`: takes the write lock (waiting up
    /// to the busy timeout for another writer), and returns
    /// [`BeginImport::AlreadyImported`] if a file with the same content was
    /// imported before.
    pub fn begin_import(&mut self, source: &ImportSource) -> Result<BeginImport<'_>, StoreError> {
        let conn = &self.conn;
        conn.execute_batch("BEGIN IMMEDIATE")?;
        // From here on, dropping the writer (or this early guard) rolls back.
        let mut writer = ImportWriter {
            conn,
            open: true,
            visits: None,
            survey_answers: None,
            events: None,
            import_id: 0,
            stored: 0,
            already_stored: 0,
            kinds: BTreeSet::new(),
            site: SiteSeen::None,
            date: String::new(),
            end_date: String::new(),
            list_a: String::new(),
            list_b: String::new(),
            list_c: String::new(),
        };
        // Checked inside the write transaction: a second process importing the
        // same file at the same time waits here, then sees the first's row.
        if let Some(info) = find_import(conn, &source.sha256)? {
            writer.rollback()?;
            return Ok(BeginImport::AlreadyImported(info));
        }
        // The row is opened with rows = -1 and completed at commit; a
        // rolled-back import leaves no trace of it.
        conn.execute(
            "INSERT INTO imports (file_name, sha256, kind, site, rows, imported_at)
             VALUES (?1, ?2, '', NULL, -1, '')",
            params![source.file_name, source.sha256],
        )?;
        writer.import_id = conn.last_insert_rowid();
        Ok(BeginImport::New(writer))
    }

    /// Whether a file named `file_name` was imported before (whatever its
    /// content): an importer then fingerprints a file before parsing it,
    /// since it is likely the same file again.
    pub fn has_import_named(&self, file_name: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM imports WHERE file_name = ?1 LIMIT 1",
                [file_name],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Imports `records` from `source` in one transaction: all of them, or
    /// none if any fails to store or conflicts with a stored record.
    ///
    /// Returns the import's row, or the earlier import of the same content.
    /// The importers of `em-import` use [`Store::begin_import`] directly, to
    /// check and report rows while they write.
    pub fn import_records<I>(
        &mut self,
        source: &ImportSource,
        records: I,
    ) -> Result<ImportOutcome, StoreError>
    where
        I: IntoIterator<Item = Record>,
    {
        match self.begin_import(source)? {
            BeginImport::AlreadyImported(info) => Ok(ImportOutcome::AlreadyImported(info)),
            BeginImport::New(mut writer) => {
                for (index, record) in records.into_iter().enumerate() {
                    if let Inserted::Conflict { .. } = writer.insert(&record)? {
                        return Ok(ImportOutcome::Conflict { index });
                    }
                }
                Ok(ImportOutcome::Imported(writer.commit()?))
            }
        }
    }
}

/// What [`Store::import_records`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// The records are stored.
    Imported(ImportInfo),
    /// The same content was imported before; nothing was written.
    AlreadyImported(ImportInfo),
    /// Record number `index` (from 0) conflicts with a stored record under
    /// the same site and reference; nothing was written.
    Conflict {
        /// Which record.
        index: usize,
    },
}

impl ImportWriter<'_> {
    /// Stores one record (within the open transaction).
    pub fn insert(&mut self, record: &Record) -> Result<Inserted, StoreError> {
        let changed = match record {
            Record::Visit(v) => self.insert_visit(v)?,
            Record::SurveyAnswer(s) => self.insert_survey_answer(s)?,
            Record::Event(e) => self.insert_event(e)?,
        };
        if changed == 1 {
            self.stored += 1;
            self.kinds.insert(record.kind().as_str());
            self.site = match std::mem::replace(&mut self.site, SiteSeen::None) {
                SiteSeen::None => SiteSeen::One(record.site().to_owned()),
                SiteSeen::One(s) if s == record.site() => SiteSeen::One(s),
                _ => SiteSeen::Several,
            };
            return Ok(Inserted::Stored);
        }
        // Nothing inserted: the partial unique index on (site, reference)
        // refused it, so the record has a reference and a stored twin.
        let reference = match record {
            Record::Visit(v) => v.reference.as_deref(),
            Record::SurveyAnswer(s) => s.reference.as_deref(),
            Record::Event(e) => e.reference.as_deref(),
        }
        .unwrap_or_default();
        let stored = scan::by_reference(self.conn, record.kind(), record.site(), reference)?;
        if stored.as_ref() == Some(record) {
            self.already_stored += 1;
            Ok(Inserted::AlreadyStored)
        } else {
            Ok(Inserted::Conflict {
                stored: Box::new(stored.ok_or_else(|| StoreError::Corrupt {
                    table: "imports",
                    row_id: self.import_id,
                    reason: "an insert was refused but no record has its reference".into(),
                })?),
            })
        }
    }

    fn insert_visit(&mut self, v: &Visit) -> Result<usize, StoreError> {
        write_date(&mut self.date, v.date);
        join_codes(&mut self.list_a, "themes", &v.themes)?;
        join_codes(&mut self.list_b, "services", &v.services)?;
        join_codes(&mut self.list_c, "referrals", &v.referrals)?;
        let stmt = prepared(
            self.conn,
            &mut self.visits,
            "INSERT INTO visits (import_id, site, date, reference, visitor, contact_mode, sex,
                age_band, status, education_level, commune, first_visit, arrival_channel,
                themes, services, referrals)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
             ON CONFLICT DO NOTHING",
        )?;
        execute(
            stmt,
            &[
                &self.import_id,
                &v.site,
                &self.date,
                &v.reference,
                &v.visitor,
                &v.contact_mode,
                &v.sex,
                &v.age_band,
                &v.status,
                &v.education_level,
                &v.commune,
                &v.first_visit,
                &v.arrival_channel,
                &self.list_a,
                &self.list_b,
                &self.list_c,
            ],
        )
    }

    fn insert_survey_answer(&mut self, s: &SurveyAnswer) -> Result<usize, StoreError> {
        write_date(&mut self.date, s.date);
        join_items(&mut self.list_a, &s.items)?;
        let stmt = prepared(
            self.conn,
            &mut self.survey_answers,
            "INSERT INTO survey_answers (import_id, site, date, reference, items, would_recommend)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT DO NOTHING",
        )?;
        execute(
            stmt,
            &[
                &self.import_id,
                &s.site,
                &self.date,
                &s.reference,
                &self.list_a,
                &s.would_recommend,
            ],
        )
    }

    fn insert_event(&mut self, e: &Event) -> Result<usize, StoreError> {
        write_date(&mut self.date, e.start_date);
        write_date(&mut self.end_date, e.end_date);
        join_codes(&mut self.list_a, "themes", &e.themes)?;
        join_codes(&mut self.list_b, "partners", &e.partners)?;
        let stmt = prepared(
            self.conn,
            &mut self.events,
            "INSERT INTO events (import_id, site, reference, title, start_date, end_date,
                event_type, themes, partners, attendance, respondents, satisfied)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT DO NOTHING",
        )?;
        execute(
            stmt,
            &[
                &self.import_id,
                &e.site,
                &e.reference,
                &e.title,
                &self.date,
                &self.end_date,
                &e.event_type,
                &self.list_a,
                &self.list_b,
                &e.attendance,
                &e.respondents,
                &e.satisfied,
            ],
        )
    }

    /// The import of an earlier file with the content `sha256`, looked up
    /// inside this writer's transaction (so under the write lock): for an
    /// import that learns its file's fingerprint only once it has read the
    /// whole file, in the same pass as its rows.
    pub fn earlier_import(&self, sha256: &str) -> Result<Option<ImportInfo>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {IMPORT_COLUMNS} FROM imports WHERE sha256 = ?1 AND id <> ?2"),
                params![sha256, self.import_id],
                import_info,
            )
            .optional()?)
    }

    /// Sets the fingerprint of the file being imported, which
    /// [`Store::begin_import`] was given as a placeholder; see
    /// [`ImportWriter::earlier_import`], to be asked first.
    pub fn set_sha256(&mut self, sha256: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE imports SET sha256 = ?2 WHERE id = ?1",
            params![self.import_id, sha256],
        )?;
        Ok(())
    }

    /// Records stored so far.
    pub fn stored(&self) -> u64 {
        self.stored
    }

    /// Records skipped so far because the store already held them.
    pub fn already_stored(&self) -> u64 {
        self.already_stored
    }

    /// Commits every record and completes the file's `imports` row.
    pub fn commit(mut self) -> Result<ImportInfo, StoreError> {
        let kind = self.kinds.iter().copied().collect::<Vec<_>>().join("+");
        let site = match &self.site {
            SiteSeen::One(s) => Some(s.as_str()),
            SiteSeen::None | SiteSeen::Several => None,
        };
        let rows = i64::try_from(self.stored).unwrap_or(i64::MAX);
        let now = jiff::Timestamp::now().to_string();
        self.conn.execute(
            "UPDATE imports SET kind = ?2, site = ?3, rows = ?4, imported_at = ?5 WHERE id = ?1",
            params![self.import_id, kind, site, rows, now],
        )?;
        let info = self.conn.query_row(
            &format!("SELECT {IMPORT_COLUMNS} FROM imports WHERE id = ?1"),
            [self.import_id],
            import_info,
        )?;
        self.finish("COMMIT")?;
        tracing::info!(
            import_id = info.id,
            kind = %info.kind,
            rows = info.rows,
            already_stored = self.already_stored,
            "import committed"
        );
        Ok(info)
    }

    /// Drops every record written so far; the store is as before.
    pub fn rollback(mut self) -> Result<(), StoreError> {
        self.finish("ROLLBACK")
    }

    /// Ends the transaction with `COMMIT` or `ROLLBACK`, the statements
    /// finalised first so that nothing of the file holds the connection.
    fn finish(&mut self, end: &str) -> Result<(), StoreError> {
        self.visits = None;
        self.survey_answers = None;
        self.events = None;
        // Marked closed before trying: a failed COMMIT is rolled back by
        // SQLite itself or by the explicit ROLLBACK below, never twice.
        self.open = false;
        match self.conn.execute_batch(end) {
            Ok(()) => Ok(()),
            Err(e) => {
                if !self.conn.is_autocommit() {
                    let _ = self.conn.execute_batch("ROLLBACK");
                }
                Err(e.into())
            }
        }
    }
}

impl Drop for ImportWriter<'_> {
    fn drop(&mut self) {
        if self.open {
            // Dropped without a commit (an error, a refused file): nothing
            // of the file is kept. A failing rollback leaves the
            // transaction to SQLite, which rolls it back when the
            // connection closes.
            let _ = self.finish("ROLLBACK");
        }
    }
}

/// The statement in `slot`, prepared on first use.
fn prepared<'a, 's>(
    conn: &'s Connection,
    slot: &'a mut Option<Statement<'s>>,
    sql: &str,
) -> Result<&'a mut Statement<'s>, StoreError> {
    let stmt = match slot.take() {
        Some(stmt) => stmt,
        None => conn.prepare(sql)?,
    };
    Ok(slot.insert(stmt))
}

/// Binds `values` to `stmt` in order and runs it; the number of rows
/// changed.
fn execute(stmt: &mut Statement<'_>, values: &[&dyn ToSql]) -> Result<usize, StoreError> {
    for (i, value) in values.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, *value)?;
    }
    Ok(stmt.raw_execute()?)
}
