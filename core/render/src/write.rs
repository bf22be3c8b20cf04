//! The activity report written to a folder, the one layout every entry
//! point uses (`em report`, `em demo`, the Python `ActivityReport.write`):
//!
//! - `index.html`: the page to read or print;
//! - `report.json`: the typed report, for programs;
//! - `csv/<table>.csv`: one file per table, for spreadsheets.
//!
//! Each file is written whole and then renamed into place, so a reader
//! never opens half a file and a failed run leaves the previous one's
//! files as they were. The `csv/` folder is replaced as a whole: tables
//! an earlier run had and this one has not do not linger beside the new.

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

/// Writes `report` into the folder `out` (created if needed) in every
/// format of `formats`; returns the paths written, in order.
pub fn write_activity_report(
    report: &ActivityReport,
    out: &Path,
    formats: &[Format],
) -> Result<Vec<PathBuf>, RenderError> {
    let _span = tracing::info_span!("render.write", year = report.year).entered();
    fs::create_dir_all(out).map_err(io(out))?;
    let mut written = Vec::new();
    for format in formats {
        match format {
            Format::Html => {
                let html = activity_report_to_html(report)?;
                put(out.join("index.html"), &html, &mut written)?;
            }
            Format::Json => {
                let json = to_json(report)?;
                put(out.join("report.json"), &json, &mut written)?;
            }
            Format::Csv => {
                // The tables are drawn first and written into a fresh
                // folder, which then replaces the old one: an error half
                // way leaves the previous tables whole.
                let files = to_csv_files(&report.to_document(), &Options::for_report(report));
                let dir = out.join("csv");
                let fresh = out.join("csv.part");
                if fresh.exists() {
                    fs::remove_dir_all(&fresh).map_err(io(&fresh))?;
                }
                fs::create_dir_all(&fresh).map_err(io(&fresh))?;
                for file in &files {
                    let path = fresh.join(&file.name);
                    fs::write(&path, &file.content).map_err(io(&path))?;
                }
                if dir.exists() {
                    fs::remove_dir_all(&dir).map_err(io(&dir))?;
                }
                fs::rename(&fresh, &dir).map_err(io(&dir))?;
                written.extend(files.iter().map(|f| dir.join(&f.name)));
            }
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use em_core::activity::{Aggregator, sample};
    use em_core::{Registry, Ruleset};

    #[test]
    fn the_report_goes_to_index_html_report_json_and_csv() {
        let (registry, ruleset) = (Registry::champagne_ardenne(), Ruleset::champagne_ardenne());
        let mut aggregator = Aggregator::new(&registry, &ruleset, 2009).unwrap();
        for visit in sample::visits(&registry, &ruleset, 2009, 300, 3) {
            aggregator.add_visit(&visit);
        }
        let report =
            ActivityReport::build(&registry, &ruleset, 2009, &aggregator.finish(), None).unwrap();
        let out = std::env::temp_dir().join(format!("em-render-write-{}", std::process::id()));
        let _ = fs::remove_dir_all(&out);
        fs::create_dir_all(out.join("csv")).unwrap();
        fs::write(out.join("csv").join("stale.csv"), "old").unwrap();
        let written = write_activity_report(&report, &out, &Format::ALL).unwrap();
        assert_eq!(written[0], out.join("index.html"));
        assert_eq!(written[1], out.join("report.json"));
        assert!(
            written[2..]
                .iter()
                .all(|p| p.parent() == Some(&out.join("csv")))
        );
        assert!(written.iter().all(|p| p.is_file()), "{written:?}");
        assert!(!out.join("csv").join("stale.csv").exists());
        assert_eq!(
            fs::read_to_string(out.join("report.json")).unwrap(),
            to_json(&report).unwrap()
        );
        let names: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 3, "no temporary file left: {names:?}");
        fs::remove_dir_all(&out).unwrap();
    }
}
