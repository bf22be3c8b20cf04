//! Writes the generated records as the files sites really keep.
//!
//! Visits go to one file per site and year, in the site's own format (see the
//! `[[files]]` tables of `calibration.toml`): a CSV as a French spreadsheet
//! writes it — `;` separator, `dd/mm/yyyy` dates, French labels, CRLF line
//! ends, UTF-8 with or without BOM or Windows-1252, sometimes a `sep=;` first
//! line — or an XLSX workbook with a title row above the header. Survey
//! answers are JSON Lines per site and year (the survey is filled in on a web
//! form); events are one JSON Lines file per year, the export of the
//! network's shared event system.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use em_core::Ruleset;
use em_core::statistics::{Record, RecordKind, SurveyAnswer, Visit};
use jiff::civil::Date;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::DemoError;
use crate::calibration::{Calibration, Encoding, SurveyFormat, VisitFormat};
use crate::generate::DemoData;

/// Separator between the values of a multi-valued cell (themes, services,
/// referrals). No French label of the nomenclatures contains it, while many
/// contain commas and slashes.
pub const MULTI_SEPARATOR: &str = " | ";

/// The header of each column of a visit file, in order, with the schema
/// field it holds: the headers of the regional template, which the default
/// column mapping of the importers knows.
pub const VISIT_COLUMNS: [(&str, &str); 14] = [
    ("N° de fiche", "reference"),
    ("Date", "date"),
    ("N° de carte", "visitor"),
    ("Mode de contact", "contact_mode"),
    ("Sexe", "sex"),
    ("Tranche d'âge", "age_band"),
    ("Statut", "status"),
    ("Niveau de formation", "education_level"),
    ("Commune de résidence", "commune"),
    ("Première visite", "first_visit"),
    ("Comment a-t-il connu l'Espace métiers", "arrival_channel"),
    ("Thèmes de la demande", "themes"),
    ("Services rendus", "services"),
    ("Orienté vers", "referrals"),
];

/// One written file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoFile {
    /// Where it is.
    pub path: PathBuf,
    /// What it holds.
    pub kind: RecordKind,
    /// The site whose records it holds; `None` for a network-wide file.
    pub site: Option<String>,
    /// The year of its records.
    pub year: i16,
    /// How many records it holds.
    pub records: usize,
}

/// Writes every file of the demo under `dir` and returns them, visits first.
pub fn write_files(
    data: &DemoData,
    calibration: &Calibration,
    ruleset: &Ruleset,
    dir: &Path,
) -> Result<Vec<DemoFile>, DemoError> {
    let _span = tracing::info_span!("demo_write").entered();
    let mut files = Vec::new();
    for &year in &data.years {
        for layout in &calibration.files {
            let visits: Vec<&Visit> = data
                .visits
                .iter()
                .filter(|v| v.site == layout.site && v.date.year() == year)
                .collect();
            let folder = dir.join("visits").join(year.to_string());
            create_dir(&folder)?;
            let headers: Vec<&str> = VISIT_COLUMNS
                .iter()
                .map(|(header, field)| layout.headers.get(*field).map_or(*header, String::as_str))
                .collect();
            let path = match layout.visits {
                VisitFormat::Csv => {
                    let path = folder.join(format!("{}.csv", layout.site));
                    let text = visits_csv(&visits, ruleset, &headers, layout.sep_line)?;
                    write(&path, &encode(&text, layout.encoding, &path)?)?;
                    path
                }
                VisitFormat::Xlsx => {
                    let path = folder.join(format!("{}.xlsx", layout.site));
                    visits_xlsx(&visits, ruleset, &headers, &layout.site, year, &path)?;
                    path
                }
            };
            files.push(DemoFile {
                path,
                kind: RecordKind::Visit,
                site: Some(layout.site.clone()),
                year,
                records: visits.len(),
            });
        }
        for layout in &calibration.files {
            let folder = dir.join("survey_answers").join(year.to_string());
            create_dir(&folder)?;
            let answers = data
                .survey_answers
                .iter()
                .filter(|s| s.site == layout.site && s.date.year() == year);
            let (path, records) = match layout.survey_answers {
                SurveyFormat::Jsonl => {
                    let path = folder.join(format!("{}.jsonl", layout.site));
                    let records =
                        json_lines(&path, answers.map(|s| Record::SurveyAnswer(s.clone())))?;
                    (path, records)
                }
                SurveyFormat::Csv => {
                    let path = folder.join(format!("{}.csv", layout.site));
                    let answers: Vec<&SurveyAnswer> = answers.collect();
                    let text = survey_csv(&answers, ruleset)?;
                    write(&path, &encode(&text, layout.encoding, &path)?)?;
                    (path, answers.len())
                }
            };
            files.push(DemoFile {
                path,
                kind: RecordKind::SurveyAnswer,
                site: Some(layout.site.clone()),
                year,
                records,
            });
        }
        let folder = dir.join("events");
        create_dir(&folder)?;
        let path = folder.join(format!("events-{year}.jsonl"));
        let events = data
            .events
            .iter()
            .filter(|e| e.start_date.year() == year)
            .map(|e| Record::Event(e.clone()));
        let records = json_lines(&path, events)?;
        files.push(DemoFile {
            path,
            kind: RecordKind::Event,
            site: None,
            year,
            records,
        });
    }
    Ok(files)
}

/// The French date form `dd/mm/yyyy`.
pub fn french_date(date: Date) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), date.month(), date.year())
}

/// The cells of one visit, in the order of [`VISIT_COLUMNS`], with French
/// labels in place of codes.
pub fn visit_cells(visit: &Visit, ruleset: &Ruleset) -> [String; 14] {
    let stats = &ruleset.statistics;
    let day = visit.date;
    let label = |nomenclature: &str, code: &Option<String>| {
        code.as_deref()
            .map(|c| stats.label(nomenclature, c, day).unwrap_or(c).to_owned())
            .unwrap_or_default()
    };
    let labels = |nomenclature: &str, codes: &[String]| {
        codes
            .iter()
            .map(|c| stats.label(nomenclature, c, day).unwrap_or(c))
            .collect::<Vec<_>>()
            .join(MULTI_SEPARATOR)
    };
    [
        visit.reference.clone().unwrap_or_default(),
        french_date(visit.date),
        visit.visitor.clone().unwrap_or_default(),
        label("contact_mode", &Some(visit.contact_mode.clone())),
        label("sex", &visit.sex),
        label("age_band", &visit.age_band),
        label("status", &visit.status),
        label("education_level", &visit.education_level),
        visit.commune.clone().unwrap_or_default(),
        match visit.first_visit {
            Some(true) => "Oui".to_owned(),
            Some(false) => "Non".to_owned(),
            None => String::new(),
        },
        label("arrival_channel", &visit.arrival_channel),
        labels("theme", &visit.themes),
        labels("service", &visit.services),
        labels("partner", &visit.referrals),
    ]
}

fn visits_csv(
    visits: &[&Visit],
    ruleset: &Ruleset,
    headers: &[&str],
    sep_line: bool,
) -> Result<String, DemoError> {
    let mut out = Vec::new();
    if sep_line {
        out.extend_from_slice(b"sep=;\r\n");
    }
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        let csv_error = |e: csv::Error| DemoError::Write {
            path: PathBuf::from("<csv>"),
            reason: e.to_string(),
        };
        writer.write_record(headers).map_err(csv_error)?;
        for visit in visits {
            writer
                .write_record(visit_cells(visit, ruleset))
                .map_err(csv_error)?;
        }
        writer.flush().map_err(|e| DemoError::Write {
            path: PathBuf::from("<csv>"),
            reason: e.to_string(),
        })?;
    }
    // The csv writer only ever writes the UTF-8 it is given.
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Scores as people write them on the paper form (the 4-point scale).
const SCORE_WORDS: [&str; 4] = [
    "Pas du tout satisfait",
    "Peu satisfait",
    "Satisfait",
    "Très satisfait",
];

/// Survey answers as a site keys its paper forms into a spreadsheet: one
/// column per item headed by its French label, scores written as words,
/// would-recommend as Oui/Non.
fn survey_csv(answers: &[&SurveyAnswer], ruleset: &Ruleset) -> Result<String, DemoError> {
    let items: Vec<(String, String)> = ruleset
        .statistics
        .nomenclature("survey_item")
        .map(|n| {
            n.codes
                .iter()
                .map(|c| (c.code.clone(), c.label.clone()))
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        let csv_error = |e: csv::Error| DemoError::Write {
            path: PathBuf::from("<csv>"),
            reason: e.to_string(),
        };
        let mut header = vec!["N° de questionnaire".to_owned(), "Date".to_owned()];
        header.extend(items.iter().map(|(_, label)| label.clone()));
        header.push("Recommanderiez-vous l'Espace métiers".to_owned());
        writer.write_record(&header).map_err(csv_error)?;
        for answer in answers {
            let mut row = vec![
                answer.reference.clone().unwrap_or_default(),
                french_date(answer.date),
            ];
            for (code, _) in &items {
                row.push(
                    answer
                        .items
                        .get(code)
                        .and_then(|score| SCORE_WORDS.get(usize::from(*score).wrapping_sub(1)))
                        .map_or_else(String::new, |w| (*w).to_owned()),
                );
            }
            row.push(match answer.would_recommend {
                Some(true) => "Oui".to_owned(),
                Some(false) => "Non".to_owned(),
                None => String::new(),
            });
            writer.write_record(&row).map_err(csv_error)?;
        }
        writer.flush().map_err(|e| DemoError::Write {
            path: PathBuf::from("<csv>"),
            reason: e.to_string(),
        })?;
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn encode(text: &str, encoding: Encoding, path: &Path) -> Result<Vec<u8>, DemoError> {
    Ok(match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf8Bom => {
            let mut bytes = b"\xEF\xBB\xBF".to_vec();
            bytes.extend_from_slice(text.as_bytes());
            bytes
        }
        Encoding::Windows1252 => {
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
            if unmappable {
                return Err(DemoError::Write {
                    path: path.to_owned(),
                    reason: "a label has a character Windows-1252 cannot hold".to_owned(),
                });
            }
            bytes.into_owned()
        }
    })
}

fn visits_xlsx(
    visits: &[&Visit],
    ruleset: &Ruleset,
    headers: &[&str],
    site: &str,
    year: i16,
    path: &Path,
) -> Result<(), DemoError> {
    let xlsx_error = |e: rust_xlsxwriter::XlsxError| DemoError::Write {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet
        .set_name(format!("Visites {year}"))
        .map_err(xlsx_error)?;
    let bold = Format::new().set_bold();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    // A title row and a blank row above the header, as sites lay out their
    // spreadsheets; the importer has to find the header below them.
    sheet
        .write_string_with_format(
            0,
            0,
            format!("Espace métiers {site} : statistiques du centre de ressources, année {year}"),
            &bold,
        )
        .map_err(xlsx_error)?;
    for (col, header) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(2, col as u16, *header, &bold)
            .map_err(xlsx_error)?;
    }
    for (i, visit) in visits.iter().enumerate() {
        let row = 3 + i as u32;
        let cells = visit_cells(visit, ruleset);
        for (col, cell) in cells.iter().enumerate() {
            let col = col as u16;
            match VISIT_COLUMNS[col as usize].1 {
                // Dates are real spreadsheet dates (serial numbers), not text.
                "date" => {
                    let d = visit.date;
                    let when =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                            .map_err(xlsx_error)?;
                    sheet
                        .write_datetime_with_format(row, col, &when, &date_format)
                        .map_err(xlsx_error)?;
                }
                _ if cell.is_empty() => {}
                _ => {
                    sheet.write_string(row, col, cell).map_err(xlsx_error)?;
                }
            }
        }
    }
    workbook.save(path).map_err(xlsx_error)
}

/// Writes records one JSON object per line, each tagged with its `kind` as
/// the published record schema says.
fn json_lines(path: &Path, records: impl Iterator<Item = Record>) -> Result<usize, DemoError> {
    let mut out = Vec::new();
    let mut count = 0;
    for record in records {
        serde_json::to_writer(&mut out, &record).map_err(|e| DemoError::Write {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        out.push(b'\n');
        count += 1;
    }
    write(path, &out)?;
    Ok(count)
}

fn create_dir(dir: &Path) -> Result<(), DemoError> {
    fs::create_dir_all(dir).map_err(|e| DemoError::Write {
        path: dir.to_owned(),
        reason: e.to_string(),
    })
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), DemoError> {
    fs::File::create(path)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|e| DemoError::Write {
            path: path.to_owned(),
            reason: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::generate;
    use em_core::Registry;

    /// The first `lines` lines of a file, line ends kept.
    fn head(path: &Path, lines: usize) -> Vec<u8> {
        let bytes = fs::read(path).unwrap();
        let mut out = Vec::new();
        for line in bytes.split_inclusive(|b| *b == b'\n').take(lines) {
            out.extend_from_slice(line);
        }
        out
    }

    #[test]
    fn the_committed_samples_are_the_first_lines_of_the_generated_files() {
        let ruleset = Ruleset::champagne_ardenne();
        let registry = Registry::champagne_ardenne();
        let calibration = Calibration::shipped(&ruleset, &registry).unwrap();
        let data = generate(&calibration, &registry, &ruleset);
        let dir = tempfile::tempdir().unwrap();
        let files = write_files(&data, &calibration, &ruleset, dir.path()).unwrap();
        // Two visit files per site plus a survey file per site and an event
        // file per year.
        assert_eq!(files.len(), 2 * (11 + 11 + 1));
        let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/samples");
        let cases = [
            (
                "visits/2009/vireux-molhain.csv",
                "visits-vireux-molhain-2009.csv",
                7,
            ),
            ("visits/2009/reims.csv", "visits-reims-2009.csv", 6),
            (
                "survey_answers/2009/epernay.jsonl",
                "survey_answers.jsonl",
                5,
            ),
            ("events/events-2009.jsonl", "events.jsonl", 5),
        ];
        for (generated, sample, lines) in cases {
            assert!(
                head(&dir.path().join(generated), lines) == fs::read(samples.join(sample)).unwrap(),
                "examples/data/samples/{sample} is not the start of {generated}: \
                 refresh it after changing the generator"
            );
        }
    }

    #[test]
    fn csv_files_follow_their_sites_conventions() {
        let ruleset = Ruleset::champagne_ardenne();
        let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/samples");
        let vireux = fs::read(samples.join("visits-vireux-molhain-2009.csv")).unwrap();
        assert!(vireux.starts_with(b"sep=;\r\n"));
        // "N° de fiche" in Windows-1252: the degree sign is one byte, 0xB0.
        assert!(vireux[7..].starts_with(b"N\xB0 de fiche;Date;"));
        let reims = fs::read(samples.join("visits-reims-2009.csv")).unwrap();
        assert!(reims.starts_with("\u{FEFF}N° de fiche;".as_bytes()));
        let text = String::from_utf8(reims).unwrap();
        let first_row = text.lines().nth(1).unwrap();
        assert!(first_row.contains(";02/01/2009;"), "{first_row}");
        // Labels, not codes, as a person types them in a spreadsheet.
        let visit_labels = ruleset.statistics.nomenclature("contact_mode").unwrap();
        assert!(
            visit_labels
                .codes
                .iter()
                .any(|c| first_row.contains(&format!(";{};", c.label)))
        );
    }
}
