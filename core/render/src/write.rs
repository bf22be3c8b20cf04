//! The activity report written to a folder, the one layout every entry
//! point uses (`em report`, `em demo`, the Python `ActivityReport.write`):
//!
//! - `index.html`: the page to read or print;
//! - `report.json`: the typed report, for programs;
//! - `csv/<table>.csv`: one file per table, for spreadsheets.
//!
//! Each file is written whole and then renamed into place, so a reader
//! never opens half a file and a failed run leaves the previous one's
//! files as they were.
//!
//! ## What a new report removes
//!
//! A folder written again (for another year, or in fewer formats) must hold
//! this report alone, not the new files beside an earlier report's tables.
//! The files em writes are listed in a manifest, `.em-report`, in the
//! folder; a new report removes the files the previous manifest lists and
//! it did not write again, and nothing else. A user's own files in the
//! folder, or in `csv/`, are never removed, and a file the manifest names
//! is removed only if it has a name em writes (`index.html`, `report.json`,
//! `csv/<table>.csv`), so an edited manifest cannot point em at anything
//! else. Swapping in a freshly written folder would have removed the
//! user's files too, and fails on a folder that is a mount point or the
//! current directory.
//!
//! The manifest is first written listing the old files and the new ones
//! together, then the new files, then the manifest of the new files alone,
//! and only then are the old files removed: a run stopped half way leaves
//! a manifest that still names every file em wrote, for the next run.
//! A folder written before the manifest existed has none: its files are
//! overwritten, and a table the new report does not have stays.

use std::fs;
use std::path::{Path, PathBuf};

use em_core::activity::ActivityReport;

use crate::{Options, RenderError, activity_report_to_html, to_csv_files, to_json};

/// A format of the written report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `index.html`.
    Html,
    /// `report.json`.
    Json,
    /// `csv/`, one file per table.
    Csv,
}

impl Format {
    /// Every format, in the order they are written.
    pub const ALL: [Format; 3] = [Format::Html, Format::Json, Format::Csv];

    /// The format named `name` (`html`, `json`, `csv`), if any.
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "html" => Some(Format::Html),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> RenderError + '_ {
    move |source| RenderError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Writes `text` to `path` through a temporary file renamed into place.
fn put(path: PathBuf, text: &str, written: &mut Vec<PathBuf>) -> Result<(), RenderError> {
    let mut temporary = path.clone().into_os_string();
    temporary.push(".part");
    let temporary = PathBuf::from(temporary);
    fs::write(&temporary, text).map_err(io(&temporary))?;
    fs::rename(&temporary, &path).map_err(io(&path))?;
    written.push(path);
    Ok(())
}

/// The manifest of the files em wrote in a report folder.
pub const MANIFEST: &str = ".em-report";

/// The header of the manifest, for a user who opens it.
const MANIFEST_HEADER: &str = "# The files of the activity report em wrote in this folder, one a line.\n\
     # em removes them (and only them) when it writes a new report here.\n";

/// Whether `name` (relative, `/`-separated) is a file em writes in a
/// report folder: the only names a manifest may make it remove.
fn is_report_file(name: &str) -> bool {
    match name.split_once('/') {
        None => name == "index.html" || name == "report.json",
        Some(("csv", table)) => {
            table.ends_with(".csv")
                && table.len() > ".csv".len()
                && !table.starts_with('.')
                && table
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        }
        Some(_) => false,
    }
}

/// The report files the manifest of `out` lists (none without a manifest).
fn listed(out: &Path) -> Result<Vec<String>, RenderError> {
    let path = out.join(MANIFEST);
    match fs::read_to_string(&path) {
        Ok(text) => Ok(text
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with('#') && is_report_file(l))
            .map(str::to_owned)
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(RenderError::Io { path, source: e }),
    }
}

/// Writes the manifest of `out` listing `names`.
fn put_manifest(out: &Path, names: &[String]) -> Result<(), RenderError> {
    let mut text = MANIFEST_HEADER.to_owned();
    for name in names {
        text.push_str(name);
        text.push('\n');
    }
    put(out.join(MANIFEST), &text, &mut Vec::new())
}

/// Writes `report` into the folder `out` (created if needed) in every
/// format of `formats`; returns the paths written, in order. The files of
/// an earlier report em wrote in `out` and this one does not write again
/// are removed; no other file is.
pub fn write_activity_report(
    report: &ActivityReport,
    out: &Path,
    formats: &[Format],
) -> Result<Vec<PathBuf>, RenderError> {
    let _span = tracing::info_span!("render.write", year = report.year).entered();
    fs::create_dir_all(out).map_err(io(out))?;
    // Everything is drawn before anything is written, so that a rendering
    // error leaves the folder as it was.
    let mut drawn: Vec<(String, String)> = Vec::new();
    for format in formats {
        match format {
            Format::Html => drawn.push(("index.html".into(), activity_report_to_html(report)?)),
            Format::Json => drawn.push(("report.json".into(), to_json(report)?)),
            Format::Csv => {
                let files = to_csv_files(&report.to_document(), &Options::for_report(report));
                for file in files {
                    let name = format!("csv/{}", file.name);
                    if !is_report_file(&name) {
                        return Err(RenderError::Io {
                            path: out.join(&name),
                            source: std::io::Error::new(
                                std::io::ErrorKind::InvalidInput,
                                "a table's file name is not one em writes",
                            ),
                        });
                    }
                    drawn.push((name, file.content));
                }
            }
        }
    }
    // A folder standing where a file goes would fail the write half-way:
    // it is refused before anything is written.
    for (name, _) in &drawn {
        let path = out.join(name);
        if path.is_dir() {
            return Err(RenderError::Io {
                path,
                source: std::io::Error::new(
                    std::io::ErrorKind::IsADirectory,
                    "a folder stands where the report writes a file; nothing was written",
                ),
            });
        }
    }
    let old = listed(out)?;
    let new: Vec<String> = drawn.iter().map(|(name, _)| name.clone()).collect();
    let mut both = old.clone();
    both.extend(new.iter().filter(|n| !old.contains(n)).cloned());
    put_manifest(out, &both)?;
    let mut written = Vec::new();
    if new.iter().any(|n| n.starts_with("csv/")) {
        let dir = out.join("csv");
        fs::create_dir_all(&dir).map_err(io(&dir))?;
    }
    // The page a reader opens goes last: a run cut short leaves the earlier
    // page (or none) beside whole files, never a new page whose tables are
    // missing. Each file is itself replaced whole (`put`).
    let (page, parts): (Vec<_>, Vec<_>) = drawn.iter().partition(|(name, _)| name == "index.html");
    for (name, text) in parts.into_iter().chain(page) {
        put(out.join(name), text, &mut written)?;
    }
    // The caller gets the files in the order of the formats asked for.
    written.sort_by_key(|path| drawn.iter().position(|(name, _)| out.join(name) == *path));
    put_manifest(out, &new)?;
    for name in old.iter().filter(|n| !new.contains(n)) {
        let path = out.join(name);
        match fs::remove_file(&path) {
            Ok(()) => tracing::debug!(file = %name, "earlier report file removed"),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(RenderError::Io { path, source: e }),
        }
    }
    // `csv/` goes when em's tables were all it held; a user's file keeps it.
    let csv = out.join("csv");
    if !new.iter().any(|n| n.starts_with("csv/")) && old.iter().any(|n| n.starts_with("csv/")) {
        let _ = fs::remove_dir(&csv);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use em_core::activity::{Aggregator, sample};
    use em_core::{Registry, Ruleset};

    fn report(year: i16) -> ActivityReport {
        let (registry, ruleset) = (Registry::champagne_ardenne(), Ruleset::champagne_ardenne());
        let mut aggregator = Aggregator::new(&registry, &ruleset, year).unwrap();
        for visit in sample::visits(&registry, &ruleset, year, 300, 3) {
            aggregator.add_visit(&visit);
        }
        ActivityReport::build(&registry, &ruleset, year, &aggregator.finish(), None).unwrap()
    }

    /// A fresh folder of its own for one test, removed when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir = std::env::temp_dir().join(format!("em-render-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }

        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_folder_where_a_file_goes_refuses_the_report_before_anything_is_written() {
        let dir = Scratch::new("folder-in-the-way");
        let out = dir.path().join("report");
        fs::create_dir_all(out.join("report.json")).unwrap();
        let refused = write_activity_report(&report(2009), &out, &Format::ALL).unwrap_err();
        assert!(refused.to_string().contains("report.json"), "{refused}");
        let mut left: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        left.sort();
        assert_eq!(
            left,
            ["report.json"],
            "nothing written beside the folder in the way"
        );
    }

    #[test]
    fn the_report_goes_to_index_html_report_json_and_csv() {
        let report = report(2009);
        let dir = Scratch::new("layout");
        let out = dir.path().join("report");
        let written = write_activity_report(&report, &out, &Format::ALL).unwrap();
        assert_eq!(written[0], out.join("index.html"));
        assert_eq!(written[1], out.join("report.json"));
        assert!(
            written[2..]
                .iter()
                .all(|p| p.parent() == Some(&out.join("csv")))
        );
        assert!(written.iter().all(|p| p.is_file()), "{written:?}");
        assert_eq!(
            fs::read_to_string(out.join("report.json")).unwrap(),
            to_json(&report).unwrap()
        );
        assert_eq!(
            names(&out),
            [MANIFEST, "csv", "index.html", "report.json"],
            "no temporary file left"
        );
        let manifest = fs::read_to_string(out.join(MANIFEST)).unwrap();
        let listed: Vec<_> = manifest.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(listed.len(), written.len(), "{manifest}");
    }

    /// The fault a new user found: a folder written again for another year
    /// kept the earlier report's files beside the new ones.
    #[test]
    fn a_new_report_removes_the_files_of_the_earlier_one_and_never_a_users_file() {
        let dir = Scratch::new("rewrite");
        let out = dir.path().join("report");
        write_activity_report(&report(2009), &out, &Format::ALL).unwrap();
        // A table of the earlier report that the new one does not have,
        // and the user's own files beside em's.
        fs::write(out.join("csv").join("old_table.csv"), "stale").unwrap();
        let mut manifest = fs::read_to_string(out.join(MANIFEST)).unwrap();
        manifest.push_str("csv/old_table.csv\n../outside.txt\nnotes.txt\n");
        fs::write(out.join(MANIFEST), manifest).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        fs::write(out.join("csv").join("my_sums.csv"), "mine").unwrap();
        fs::write(dir.path().join("outside.txt"), "mine").unwrap();

        let written = write_activity_report(&report(2010), &out, &[Format::Html]).unwrap();
        assert_eq!(written, [out.join("index.html")]);
        assert_eq!(names(&out), [MANIFEST, "csv", "index.html", "notes.txt"]);
        assert_eq!(names(&out.join("csv")), ["my_sums.csv"]);
        assert!(dir.path().join("outside.txt").is_file());
        assert!(
            fs::read_to_string(out.join("index.html"))
                .unwrap()
                .contains("2010")
        );

        // With the user's file gone, an empty csv/ goes too.
        fs::remove_file(out.join("csv").join("my_sums.csv")).unwrap();
        write_activity_report(&report(2010), &out, &Format::ALL).unwrap();
        write_activity_report(&report(2011), &out, &[Format::Json]).unwrap();
        assert_eq!(names(&out), [MANIFEST, "notes.txt", "report.json"]);
    }

    #[test]
    fn only_names_em_writes_may_be_removed() {
        for name in ["index.html", "report.json", "csv/visits_by_month.csv"] {
            assert!(is_report_file(name), "{name}");
        }
        for name in [
            "notes.txt",
            "../index.html",
            "csv/../x.csv",
            "csv/.csv",
            "csv/a/b.csv",
            "/etc/passwd",
            "csv/x.txt",
            "",
        ] {
            assert!(!is_report_file(name), "{name}");
        }
    }
}
