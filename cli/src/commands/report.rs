//! `em report`: the annual activity report (*bilan d'activité*) of a year.
//!
//! Scans the year's records (and the year before's, for the comparison) out
//! of the store into the core's aggregator, builds the masked report and
//! writes it in the formats asked for.

use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use em_core::activity::{ActivityReport, Aggregates, Aggregator};
use em_core::{Registry, Ruleset};
use em_store::Store;
use jiff::civil::Date;

use crate::args::{FormatArg, ReportArgs};
use crate::commands::governance::GovernanceInputs;
use crate::error::CliError;

/// What `em report` wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// The HTML page, if HTML was asked for.
    pub html: Option<PathBuf>,
    /// The governance page, if its inputs were given.
    pub governance: Option<PathBuf>,
    /// Every file written.
    pub files: Vec<PathBuf>,
}

/// The aggregators of one part of the scan: the year of the report and
/// the year before, with how many visits each got.
struct Years {
    current: Aggregator,
    previous: Aggregator,
    visits: [u64; 2],
}

impl Years {
    fn new(registry: &Registry, ruleset: &Ruleset, year: i16) -> Result<Years, CliError> {
        let new =
            |y| Aggregator::new(registry, ruleset, y).map_err(|e| CliError::Input(e.to_string()));
        Ok(Years {
            current: new(year)?,
            previous: new(year - 1)?,
            visits: [0; 2],
        })
    }

    /// Counts the visits of both years whose row id is in `ids`.
    fn count(
        &mut self,
        store: &Store,
        from: Date,
        to: Date,
        ids: RangeInclusive<i64>,
    ) -> Result<(), CliError> {
        let year = self.current.year();
        store
            .scan_visit_fields(from, to, ids, |v| {
                if v.date.year() == year {
                    self.visits[0] += 1;
                    self.current.add_visit_fields(v);
                } else {
                    self.visits[1] += 1;
                    self.previous.add_visit_fields(v);
                }
            })
            .map_err(store_error)?;
        Ok(())
    }

    fn merge(&mut self, later: Years) -> Result<(), CliError> {
        let mismatch = |e: em_core::activity::ActivityError| CliError::Input(e.to_string());
        self.current.merge(later.current).map_err(mismatch)?;
        self.previous.merge(later.previous).map_err(mismatch)?;
        self.visits[0] += later.visits[0];
        self.visits[1] += later.visits[1];
        Ok(())
    }
}

fn store_error(e: em_store::StoreError) -> CliError {
    CliError::Input(format!("reading the store: {e}"))
}

/// Lets the connection read the file's pages through a memory map rather
/// than copying each into its own cache: a report reads every page of the
/// visits once. Where the system has no memory map SQLite reads as usual,
/// so a refusal changes nothing but speed and is only logged.
fn map_pages(store: &Store) {
    if let Err(e) = store
        .connection()
        .pragma_update(None, "mmap_size", 1i64 << 30)
    {
        tracing::debug!("reading the store without a memory map: {e}");
    }
}

/// Below this many rows a second connection and thread cost more than they
/// save.
const SPLIT_FROM_ROWS: i64 = 50_000;

/// Aggregates `year` and the year before out of the store, each `None` if
/// the store holds no record of it.
///
/// Both years are counted in one pass over the visits, since the table has
/// no date index and each pass reads all of it. On a file store of some
/// size the pass is split in two halves of row ids, read at once by two
/// connections on two threads, and the halves' counts merged: reading and
/// counting a year of a million visits is the whole cost of a report.
fn aggregate(
    store: &Store,
    registry: &Registry,
    ruleset: &Ruleset,
    year: i16,
) -> Result<(Option<Aggregates>, Option<Aggregates>), CliError> {
    let from = Date::new(year - 1, 1, 1).map_err(|_| bad_year(year))?;
    let to = Date::new(year, 12, 31).map_err(|_| bad_year(year))?;
    let mut years = Years::new(registry, ruleset, year)?;
    map_pages(store);
    let path = store.connection().path().filter(|p| !p.is_empty());
    match (store.visit_ids().map_err(store_error)?, path) {
        (Some((low, high)), Some(path)) if high - low >= SPLIT_FROM_ROWS => {
            let middle = low + (high - low) / 2;
            let mut later = Years::new(registry, ruleset, year)?;
            let path = Path::new(path);
            std::thread::scope(|scope| {
                let worker = scope.spawn(|| {
                    let other = crate::commands::init::open(path)?;
                    map_pages(&other);
                    later.count(&other, from, to, middle + 1..=high)
                });
                let counted = years.count(store, from, to, low..=middle);
                let joined = worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                counted.and(joined)
            })?;
            years.merge(later)?;
        }
        (Some((low, high)), _) => years.count(store, from, to, low..=high)?,
        (None, _) => {}
    }
    let Years {
        mut current,
        mut previous,
        visits,
    } = years;
    let mut records = visits;
    let which = |day: Date| usize::from(day.year() != year);
    store
        .scan_survey_answers(from, to, |s| {
            records[which(s.date)] += 1;
            if s.date.year() == year {
                current.add_survey_answer(s);
            } else {
                previous.add_survey_answer(s);
            }
        })
        .map_err(store_error)?;
    store
        .scan_events(from, to, |e| {
            records[which(e.start_date)] += 1;
            if e.start_date.year() == year {
                current.add_event(e);
            } else {
                previous.add_event(e);
            }
        })
        .map_err(store_error)?;
    tracing::info!(
        year,
        records = records[0],
        previous_year_records = records[1],
        "records aggregated"
    );
    Ok((
        (records[0] > 0).then(|| current.finish()),
        (records[1] > 0).then(|| previous.finish()),
    ))
}

/// Builds the activity report of `year`, compared with the year before
/// when the store holds it.
pub fn build(
    store: &Store,
    registry: &Registry,
    ruleset: &Ruleset,
    year: i16,
) -> Result<ActivityReport, CliError> {
    let _span = tracing::info_span!("report", year).entered();
    let (current, previous) = aggregate(store, registry, ruleset, year)?;
    let current = current.ok_or_else(|| {
        CliError::Input(format!(
            "the database holds no record of {year}: import the sites' files first (em import)"
        ))
    })?;
    let mut report = ActivityReport::build(registry, ruleset, year, &current, previous.as_ref())
        .map_err(|e| CliError::Input(e.to_string()))?;
    // The map shows the sites as they stood at the end of the year. Without
    // territory rules in force that day the report goes out without it, and
    // says why in the log.
    let last_day = Date::new(year, 12, 31).map_err(|_| bad_year(year))?;
    match crate::commands::territory::map_svg(registry, ruleset, last_day) {
        Ok(svg) => report.territory_map_svg = Some(svg),
        Err(e) => tracing::warn!("the report has no territory map: {e}"),
    }
    Ok(report)
}

fn bad_year(year: i16) -> CliError {
    CliError::Usage(format!("{year} is not a year the report can cover"))
}

/// Runs `em report`.
pub fn run(args: &ReportArgs) -> Result<Written, CliError> {
    let ruleset = crate::commands::ruleset::current()?;
    let registry = Registry::champagne_ardenne();
    let store = crate::commands::init::open(&args.db)?;
    let mut report = build(&store, &registry, &ruleset, args.year.get())?;
    let mut plugins_failed = 0;
    if let Some(manifest) = &args.plugins {
        let host = crate::commands::plugins::host(manifest)?;
        let (ran, failed) = crate::commands::plugins::run_report_plugins(&host, &mut report);
        tracing::info!(ran, failed, "report plugins run");
        plugins_failed = failed;
    }
    let governance = match (&args.meetings, &args.roadmap, &args.proposals) {
        (Some(meetings), Some(roadmap), Some(proposals)) => {
            Some(GovernanceInputs::from_files(meetings, roadmap, proposals)?)
        }
        _ => None,
    };
    let written = write_all(
        &report,
        &ruleset,
        &registry,
        governance.as_ref(),
        &args.out,
        &args.format,
    )?;
    // The report is written whole but for the failed plugins' sections; a
    // script must still learn that sections are missing, hence a verdict.
    if plugins_failed > 0 {
        return Err(CliError::Verdict(format!(
            "report written in {}, but {plugins_failed} plugin(s) were left out of it (named above): their sections are missing",
            args.out.display()
        )));
    }
    Ok(written)
}

/// Writes the activity report and, when its inputs are given, the
/// governance document beside it.
pub fn write_all(
    report: &ActivityReport,
    ruleset: &Ruleset,
    registry: &Registry,
    governance: Option<&GovernanceInputs>,
    out: &Path,
    formats: &[FormatArg],
) -> Result<Written, CliError> {
    let mut written = write(report, out, formats)?;
    if let Some(inputs) = governance {
        let document =
            crate::commands::governance::report_document(ruleset, registry, report.year, inputs)?;
        let files = crate::commands::governance::write(
            &document,
            out,
            report.small_count_threshold,
            formats,
        )?;
        written.governance = files
            .iter()
            .find(|p| p.extension().is_some_and(|e| e == "html"))
            .cloned();
        written.files.extend(files);
    }
    Ok(written)
}

/// Writes the report into `out` in every format asked for, in the layout
/// the library writes for every entry point (`index.html`, `report.json`,
/// `csv/`).
pub fn write(
    report: &ActivityReport,
    out: &Path,
    formats: &[FormatArg],
) -> Result<Written, CliError> {
    let _span = tracing::info_span!("report_write", year = report.year).entered();
    let formats: Vec<em_render::Format> = formats
        .iter()
        .map(|f| match f {
            FormatArg::Html => em_render::Format::Html,
            FormatArg::Json => em_render::Format::Json,
            FormatArg::Csv => em_render::Format::Csv,
        })
        .collect();
    let files = em_render::write_activity_report(report, out, &formats).map_err(|e| match e {
        em_render::RenderError::Io { path, source } => CliError::io(&path, source),
        other => CliError::Input(other.to_string()),
    })?;
    Ok(Written {
        html: files
            .iter()
            .find(|p| p.extension().is_some_and(|e| e == "html"))
            .cloned(),
        governance: None,
        files,
    })
}
