//! A network database from Python: open it, put records in (in batches or
//! from files), read them back, and count.
//!
//! A [`Network`] holds the store (one SQLite file), the registry and the
//! ruleset it is judged by. Calls from several Python threads are
//! serialised on the store's lock: SQLite writes one at a time anyway.

use std::sync::{Arc, Mutex, MutexGuard};

use em_core::statistics::{Record, RecordKind};
use em_store::{ImportOutcome, ImportSource, Store, StoreError};
use sha2::{Digest, Sha256};

use crate::convert;
use crate::error::{EmError, Problem};
use crate::records::{self, BATCH};
use crate::registry::Registry;
use crate::ruleset::Ruleset;

/// How many records of each kind a network holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Counts {
    /// Visits.
    pub visits: u64,
    /// Survey answers.
    pub survey_answers: u64,
    /// Events.
    pub events: u64,
    /// Files and batches imported.
    pub imports: u64,
}

/// One file or batch imported into a network.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportInfo {
    /// The import's id.
    pub id: i64,
    /// The file's name (or the batch's source name).
    pub file_name: String,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// The record kinds it held, `+`-joined.
    pub kind: String,
    /// The site of every record, when there was only one.
    pub site: Option<String>,
    /// Records stored.
    pub rows: u64,
    /// When it was committed (RFC 3339, UTC).
    pub imported_at: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportSummary {
    /// True when the same content had been imported before: nothing was
    /// written and `import` is the earlier one.
    pub already_imported: bool,
    /// The import.
    pub info: ImportInfo,
}

impl From<em_store::ImportInfo> for ImportInfo {
    fn from(i: em_store::ImportInfo) -> Self {
        ImportInfo {
            id: i.id,
            file_name: i.file_name,
            sha256: i.sha256,
            kind: i.kind,
            site: i.site,
            rows: i.rows,
            imported_at: i.imported_at,
        }
    }
}

impl From<StoreError> for EmError {
    fn from(e: StoreError) -> Self {
        let problem = match &e {
            StoreError::Open { path, .. } | StoreError::ForeignDatabase { path, .. } => Problem {
                file: Some(path.display().to_string()),
                ..Problem::reason(e.to_string())
            },
            StoreError::Unstorable { field, reason } => Problem::field(*field, reason.clone()),
            _ => Problem::reason(e.to_string()),
        };
        EmError::Store {
            message: e.to_string(),
            problems: vec![problem],
        }
    }
}

/// An open network database.
#[derive(Debug, uniffi::Object)]
pub struct Network {
    pub(crate) path: String,
    pub(crate) ruleset: Arc<Ruleset>,
    pub(crate) registry: Arc<Registry>,
    store: Mutex<Store>,
}

impl Network {
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock leaves SQLite's own state consistent
        // (its transaction rolls back on drop), so the store stays usable.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn new(
        path: String,
        store: Store,
        ruleset: Option<Arc<Ruleset>>,
        registry: Option<Arc<Registry>>,
    ) -> Arc<Network> {
        Arc::new(Network {
            path,
            ruleset: ruleset.unwrap_or_else(Ruleset::shipped),
            registry: registry.unwrap_or_else(Registry::shipped),
            store: Mutex::new(store),
        })
    }

    /// Stores checked records as one import of `source`.
    pub(crate) fn store_records(
        &self,
        source: &str,
        sha256: String,
        records: Vec<Record>,
    ) -> Result<ImportSummary, EmError> {
        let source_info = ImportSource {
            file_name: source.to_owned(),
            sha256,
        };
        let mut store = self.store();
        match store.import_records(&source_info, records)? {
            ImportOutcome::Imported(info) => Ok(ImportSummary {
                already_imported: false,
                info: info.into(),
            }),
            ImportOutcome::AlreadyImported(info) => Ok(ImportSummary {
                already_imported: true,
                info: info.into(),
            }),
            ImportOutcome::Conflict { index } => {
                let problem = Problem {
                    file: Some(source.to_owned()),
                    line: Some(index as u64 + 1),
                    field: Some("reference".to_owned()),
                    ..Problem::reason(
                        "the network already holds a different record of this site under this reference",
                    )
                };
                Err(EmError::Import {
                    message: format!(
                        "{source}: record {} conflicts with a stored record; nothing was imported",
                        index + 1
                    ),
                    problems: vec![problem],
                })
            }
        }
    }
}

/// Hex SHA-256 of a text.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[uniffi::export]
impl Network {
    /// Opens the network database at `path`, judged by `ruleset` and
    /// `registry` (the shipped ones when not given). A missing file is
    /// made only when `create` is true, so that a mistyped path is an error
    /// rather than a new, empty network.
    #[uniffi::constructor]
    pub fn open(
        path: String,
        ruleset: Option<Arc<Ruleset>>,
        registry: Option<Arc<Registry>>,
        create: bool,
    ) -> Result<Arc<Network>, EmError> {
        let _span = tracing::info_span!("binding.network_open", create).entered();
        // SQLite's own names (`:memory:`, `file:` URIs) are not files to look for.
        let named_file = path != ":memory:" && !path.starts_with("file:");
        if !create && named_file && !std::path::Path::new(&path).exists() {
            let reason = "no network database here; pass create=True to make a new one \
                          (or run `em init`)";
            return Err(EmError::Store {
                message: format!("{path}: {reason}"),
                problems: vec![Problem {
                    file: Some(path.clone()),
                    ..Problem::reason(reason.to_owned())
                }],
            });
        }
        let store = Store::open(&path)?;
        Ok(Network::new(path, store, ruleset, registry))
    }

    /// A network held in memory, gone when dropped: for tests and one-off
    /// checks.
    #[uniffi::constructor]
    pub fn in_memory(
        ruleset: Option<Arc<Ruleset>>,
        registry: Option<Arc<Registry>>,
    ) -> Result<Arc<Network>, EmError> {
        let store = Store::open_in_memory()?;
        Ok(Network::new(
            ":memory:".to_owned(),
            store,
            ruleset,
            registry,
        ))
    }

    /// The database's path (`:memory:` for one in memory).
    pub fn path(&self) -> String {
        self.path.clone()
    }

    /// The ruleset the network is judged by.
    pub fn ruleset(&self) -> Arc<Ruleset> {
        Arc::clone(&self.ruleset)
    }

    /// The network's registry.
    pub fn registry(&self) -> Arc<Registry> {
        Arc::clone(&self.registry)
    }

    /// How many records of each kind the network holds.
    pub fn counts(&self) -> Result<Counts, EmError> {
        let c = self.store().counts()?;
        Ok(Counts {
            visits: c.visits,
            survey_answers: c.survey_answers,
            events: c.events,
            imports: c.imports,
        })
    }

    /// Every file and batch imported, oldest first.
    pub fn imports(&self) -> Result<Vec<ImportInfo>, EmError> {
        Ok(self
            .store()
            .imports()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Checks and stores a batch of records of `kind` given as a JSON array
    /// or JSON Lines, all or nothing: one problem anywhere and nothing is
    /// stored, and the error lists every problem. The same batch twice is
    /// stored once (`already_imported` says so).
    pub fn add_records(
        &self,
        kind: String,
        records_json: String,
        source: Option<String>,
    ) -> Result<ImportSummary, EmError> {
        let _span = tracing::info_span!("binding.add_records", kind = %kind).entered();
        let kind = convert::kind(&kind)?;
        let source = source.unwrap_or_else(|| BATCH.to_owned());
        let batch = records::parse_and_check(
            self.ruleset.core(),
            self.registry.core(),
            kind,
            &records_json,
            &source,
        );
        if !batch.problems.is_empty() {
            return Err(records::records_error(&source, batch.problems));
        }
        let sha = sha256_hex(records_json.as_bytes());
        let summary = self.store_records(&source, sha, batch.records)?;
        tracing::info!(rows = summary.info.rows, "records added");
        Ok(summary)
    }

    /// The records of `kind` dated from `from_date` to `to_date` (both
    /// included; events by their first day), as a JSON array, in the order
    /// they were stored. The pseudonymous `visitor` is left out: it never
    /// leaves the store.
    pub fn records_json(
        &self,
        kind: String,
        from_date: String,
        to_date: String,
    ) -> Result<String, EmError> {
        let _span = tracing::info_span!("binding.records", kind = %kind).entered();
        let kind = convert::kind(&kind)?;
        let from = convert::date("from_date", &from_date)?;
        let to = convert::date("to_date", &to_date)?;
        let store = self.store();
        let mut out = Vec::with_capacity(1 << 16);
        out.push(b'[');
        let mut first = true;
        let mut push = |value: &dyn erased::Json| {
            if !first {
                out.push(b',');
            }
            first = false;
            value.write(&mut out);
        };
        match kind {
            RecordKind::Visit => store.scan_visits(from, to, |v| {
                let mut v = v.clone();
                v.visitor = None;
                push(&v);
            })?,
            RecordKind::SurveyAnswer => store.scan_survey_answers(from, to, |a| push(a))?,
            RecordKind::Event => store.scan_events(from, to, |e| push(e))?,
        };
        out.push(b']');
        String::from_utf8(out).map_err(|e| EmError::Store {
            message: e.to_string(),
            problems: vec![Problem::reason(e.to_string())],
        })
    }
}

mod erased {
    //! One serialisation entry point for the three record types, so that a
    //! scan can write any of them into the same buffer.

    /// A value written as JSON into a byte buffer.
    pub trait Json {
        /// Appends the value's JSON.
        fn write(&self, out: &mut Vec<u8>);
    }

    impl<T: serde::Serialize> Json for T {
        fn write(&self, out: &mut Vec<u8>) {
            // Records are plain data (strings, numbers, dates, maps with
            // string keys): serialising them cannot fail.
            let _ = serde_json::to_writer(&mut *out, self);
        }
    }
}
