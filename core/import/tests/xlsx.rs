//! XLSX workbooks end to end: real dates from serial numbers, title and
//! blank rows above the header, several sheets of several kinds, problems
//! placed by sheet, row and column.

use em_core::{Registry, Ruleset};
use em_import::{Format, ImportOptions, ImportReport, Importer, Mapping, Outcome};
use em_store::Store;
use jiff::civil::date;
use rust_xlsxwriter::{Format as CellFormat, Workbook, Worksheet};

fn import(store: &mut Store, bytes: &[u8]) -> ImportReport {
    let (ruleset, registry) = (Ruleset::champagne_ardenne(), Registry::champagne_ardenne());
    Importer::new(&ruleset, &registry, &Mapping::default_fr())
        .unwrap()
        .import_bytes(
            store,
            "bilan.xlsx",
            Format::Xlsx,
            bytes,
            ImportOptions::default(),
        )
        .unwrap()
}

/// Excel's day number of a date (1900 system), as a date cell stores it.
fn serial(y: i16, m: i8, d: i8) -> f64 {
    let days = date(y, m, d).since(date(1899, 12, 30)).unwrap().get_days();
    f64::from(days)
}

fn row(sheet: &mut Worksheet, r: u32, cells: &[&str]) {
    for (c, text) in cells.iter().enumerate() {
        if !text.is_empty() {
            sheet.write_string(r, c as u16, *text).unwrap();
        }
    }
}

fn workbook_with_three_sheets() -> Vec<u8> {
    let mut book = Workbook::new();
    let day = CellFormat::new().set_num_format("dd/mm/yyyy");
    let notice = book.add_worksheet().set_name("Notice").unwrap();
    notice
        .write_string(0, 0, "Remplir une ligne par visite.")
        .unwrap();

    let visits = book.add_worksheet().set_name("Visites 2009").unwrap();
    visits
        .write_string(0, 0, "Statistiques du centre de ressources — Sedan, 2009")
        .unwrap();
    // Row 2 is left blank, the header is on row 3 (index 2).
    row(
        visits,
        2,
        &[
            "Site",
            "Date",
            "N° de fiche",
            "Mode de contact",
            "Commune",
            "Première visite",
            "Thèmes",
        ],
    );
    for (i, (d, commune)) in [(serial(2009, 3, 12), 8409.0), (serial(2009, 3, 13), 8105.0)]
        .into_iter()
        .enumerate()
    {
        let r = 3 + i as u32;
        visits.write_string(r, 0, "Sedan").unwrap();
        visits.write_number_with_format(r, 1, d, &day).unwrap();
        visits.write_number(r, 2, (i + 1) as f64).unwrap();
        visits.write_string(r, 3, "Sur place").unwrap();
        visits.write_number(r, 4, commune).unwrap();
        visits.write_boolean(r, 5, i == 0).unwrap();
        visits
            .write_string(r, 6, "Orientation | Formation")
            .unwrap();
    }

    let events = book.add_worksheet().set_name("Animations").unwrap();
    row(
        events,
        0,
        &[
            "Site",
            "Intitulé",
            "Date de début",
            "Type d'animation",
            "Participants",
        ],
    );
    events.write_string(1, 0, "Sedan").unwrap();
    events.write_string(1, 1, "Forum des métiers").unwrap();
    events
        .write_number_with_format(1, 2, serial(2009, 10, 15), &day)
        .unwrap();
    events.write_string(1, 3, "forum").unwrap();
    events.write_number(1, 4, 180.0).unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn a_workbook_with_a_title_a_notice_and_two_kinds_of_sheet_is_imported() {
    let mut store = Store::open_in_memory().unwrap();
    let report = import(&mut store, &workbook_with_three_sheets());
    let Outcome::Imported(info) = &report.outcome else {
        panic!("{report:#?}")
    };
    assert_eq!(info.kind, "event+visit");
    assert_eq!(info.site.as_deref(), Some("sedan"));
    assert_eq!(report.stored, 3);
    assert!(
        report.warnings[0].to_string().contains("sheet «Notice»"),
        "{:?}",
        report.warnings
    );
    let mut visits = Vec::new();
    store
        .scan_visits(date(2009, 1, 1), date(2009, 12, 31), |v| {
            visits.push(v.clone())
        })
        .unwrap();
    assert_eq!(visits[0].date, date(2009, 3, 12));
    assert_eq!(visits[0].reference.as_deref(), Some("1"));
    assert_eq!(visits[0].commune.as_deref(), Some("08409"));
    assert_eq!(visits[0].first_visit, Some(true));
    assert_eq!(visits[0].themes, ["guidance", "training"]);
    assert_eq!(visits[1].commune.as_deref(), Some("08105"));
    let mut events = Vec::new();
    store
        .scan_events(date(2009, 1, 1), date(2009, 12, 31), |e| {
            events.push(e.clone())
        })
        .unwrap();
    assert_eq!(events[0].start_date, date(2009, 10, 15));
    assert_eq!(events[0].attendance, 180);
}

#[test]
fn bad_cells_are_placed_by_sheet_row_and_column_and_nothing_is_stored() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Visites").unwrap();
    row(sheet, 0, &["Titre du tableau"]);
    row(sheet, 1, &["Site", "Date", "Mode de contact", "Thèmes"]);
    row(sheet, 2, &["Sedan", "12/03/2009", "Sur place", "Emploi"]);
    row(sheet, 3, &["Sedan", "31/02/2009", "Sur place", "Emploi"]);
    sheet.write_string(4, 0, "Sedan").unwrap();
    sheet.write_formula(4, 1, "=1/0").unwrap();
    row(sheet, 4, &["", "", "Pigeon voyageur", "Emploi"]);
    sheet.write_string(5, 0, "Sedan").unwrap();
    sheet.write_number(5, 1, -5.0).unwrap();
    row(sheet, 5, &["", "", "Sur place", "Emploi"]);
    // A negative day number in a cell formatted as a date.
    let day = CellFormat::new().set_num_format("dd/mm/yyyy");
    sheet.write_string(6, 0, "Sedan").unwrap();
    sheet.write_number_with_format(6, 1, -3.0, &day).unwrap();
    row(sheet, 6, &["", "", "Sur place", "Emploi"]);
    let bytes = book.save_to_buffer().unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let report = import(&mut store, &bytes);
    assert!(report.is_refused(), "{report:#?}");
    let found: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    let all = found.join("\n");
    for piece in [
        "bilan.xlsx, sheet «Visites» row 4, column B «Date» (`date`): `31/02/2009` is not a day of the calendar",
        "sheet «Visites» row 5, column B «Date» (`date`)",
        "sheet «Visites» row 5, column C «Mode de contact» (`contact_mode`): `Pigeon voyageur`",
        "sheet «Visites» row 6, column B «Date» (`date`): date serial -5 is not a date",
        "bilan.xlsx, sheet «Visites» row 7, column B «Date» (`date`): date serial -3 is not a date (Excel counts days from 1, 1 January 1900, to 2958465, 31 December 9999)",
    ] {
        assert!(all.contains(piece), "expected: {piece}\nfound:\n{all}");
    }
    assert_eq!(store.counts().unwrap(), Default::default());
}

#[test]
fn a_workbook_where_no_sheet_has_a_header_is_refused() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    row(sheet, 0, &["Rien", "à", "voir"]);
    let bytes = book.save_to_buffer().unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let report = import(&mut store, &bytes);
    assert!(report.is_refused());
    assert!(
        report.problems[0]
            .reason
            .contains("no sheet has a header row")
    );
}

#[test]
fn a_file_that_is_not_a_workbook_is_refused_not_a_panic() {
    let mut store = Store::open_in_memory().unwrap();
    for bytes in [&b""[..], b"PK\x03\x04 truncated", b"site;date\n"] {
        let report = import(&mut store, bytes);
        assert!(report.is_refused(), "{report:#?}");
        assert!(
            report.problems[0]
                .reason
                .contains("not a readable XLSX workbook")
        );
    }
}

/// A workbook whose shared string `marker` is replaced by `text`, through
/// the zip archive, since Excel (and so rust_xlsxwriter) refuses a cell over
/// 32,767 characters.
fn with_shared_string(bytes: &[u8], marker: &str, text: &str) -> Vec<u8> {
    use std::io::{Cursor, Read, Write};
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut replaced = false;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        if name == "xl/sharedStrings.xml" {
            let xml = String::from_utf8(content).unwrap();
            assert!(xml.contains(marker), "{xml}");
            content = xml.replace(marker, text).into_bytes();
            replaced = true;
        }
        out.start_file(name, options).unwrap();
        out.write_all(&content).unwrap();
    }
    assert!(replaced, "the workbook has no shared strings");
    out.finish().unwrap().into_inner()
}

#[test]
fn a_cell_over_the_field_limit_is_refused_by_sheet_row_and_column_and_nothing_is_stored() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Visites").unwrap();
    row(sheet, 0, &["Site", "Date", "Mode de contact", "Thèmes"]);
    row(sheet, 1, &["Sedan", "12/03/2009", "Sur place", "Emploi"]);
    row(sheet, 2, &["Sedan", "13/03/2009", "Sur place", "MARQUEUR"]);
    let over = "a".repeat(em_import::MAX_RECORD_BYTES as usize + 1);
    let bytes = with_shared_string(&book.save_to_buffer().unwrap(), "MARQUEUR", &over);
    // The repeated letter compresses: the workbook stays small on disk.
    assert!(bytes.len() < 256 * 1024, "{} bytes", bytes.len());
    let mut store = Store::open_in_memory().unwrap();
    let report = import(&mut store, &bytes);
    assert!(report.is_refused(), "{report:#?}");
    let all: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    let all = all.join("\n");
    let expected = format!(
        "sheet «Visites» row 3, column D: the cell holds {} bytes, more than 16 MiB: the file is refused",
        over.len()
    );
    assert!(
        all.contains(&expected),
        "expected: {expected}\nfound:\n{all}"
    );
    assert_eq!(store.counts().unwrap(), Default::default());
}
