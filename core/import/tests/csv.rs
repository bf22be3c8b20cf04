//! French CSV files end to end: encodings, separators, labels, dates, every
//! problem with its line and column, nothing stored from a bad file.

use em_core::statistics::{Record, RecordKind};
use em_core::{Registry, Ruleset};
use em_import::{
    Finding, Format, ImportOptions, ImportReport, Importer, Mapping, Outcome, Progress,
    RecordCheck, Severity,
};
use em_store::Store;
use jiff::civil::date;

struct Fixture {
    ruleset: Ruleset,
    registry: Registry,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            ruleset: Ruleset::champagne_ardenne(),
            registry: Registry::champagne_ardenne(),
        }
    }

    fn importer(&self) -> Importer<'_> {
        Importer::new(&self.ruleset, &self.registry, &Mapping::default_fr()).unwrap()
    }
}

fn import(store: &mut Store, name: &str, bytes: &[u8]) -> ImportReport {
    let fixture = Fixture::new();
    fixture
        .importer()
        .import_bytes(store, name, Format::Csv, bytes, ImportOptions::default())
        .unwrap()
}

fn visits(store: &Store) -> Vec<em_core::statistics::Visit> {
    let mut out = Vec::new();
    store
        .scan_visits(date(2000, 1, 1), date(2100, 1, 1), |v| out.push(v.clone()))
        .unwrap();
    out
}

fn problems(report: &ImportReport) -> Vec<String> {
    report.problems.iter().map(ToString::to_string).collect()
}

/// Encodes UTF-8 text as Windows-1252, as Excel saves a French CSV.
fn windows_1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

const FRENCH: &str = "sep=;\r\n\
Site;Date;N° de fiche;Mode de contact;Sexe;Tranche d'âge;Statut;Niveau de formation;Commune;Première visite;Connu par;Thèmes;Services rendus;Orientation vers;Nom\r\n\
Sedan;12/03/2009;F-001;Sur place;Femme;26-34 ans;Demandeur d'emploi;Niveau IV (Bac);08409;oui;Bouche à oreille;Orientation | CV, lettre de motivation;Entretien conseil;Pôle emploi|Mission locale;Dupont\r\n\
\r\n\
sedan;2009-03-13;F-002;Téléphone;H;18-25 ans;Étudiant(e);Niveau III (Bac+2);8105;non;;training.offer;;;Martin\r\n\
Charleville-Mézières;1/4/2009;;Courriel;;;;;;;;guidance, training;;;\r\n";

#[test]
fn a_windows_1252_french_csv_with_labels_is_imported_as_codes() {
    let mut store = Store::open_in_memory().unwrap();
    let report = import(&mut store, "sedan.csv", &windows_1252(FRENCH));
    assert!(
        matches!(report.outcome, Outcome::Imported(_)),
        "{:#?}",
        report
    );
    assert_eq!((report.rows_read, report.stored), (3, 3));
    // The personal column "Nom" is not a field: ignored, and said so.
    assert_eq!(report.warnings.len(), 1);
    assert!(report.warnings[0].to_string().contains("column O «Nom»"));
    let stored = visits(&store);
    let first = &stored[0];
    assert_eq!(first.site, "sedan");
    assert_eq!(first.date, date(2009, 3, 12));
    assert_eq!(first.status.as_deref(), Some("job_seeker"));
    assert_eq!(first.education_level.as_deref(), Some("level_4"));
    assert_eq!(first.themes, ["guidance", "employment.cv"]);
    assert_eq!(first.referrals, ["pole_emploi", "mission_locale"]);
    assert_eq!(first.first_visit, Some(true));
    let second = &stored[1];
    assert_eq!(second.sex.as_deref(), Some("male"));
    assert_eq!(
        second.commune.as_deref(),
        Some("08105"),
        "leading zero restored"
    );
    assert_eq!(second.arrival_channel, None);
    assert_eq!(stored[2].site, "charleville-mezieres");
    assert_eq!(stored[2].themes, ["guidance", "training"]);
}

#[test]
fn utf8_with_or_without_bom_reads_the_same_as_windows_1252() {
    for bytes in [
        FRENCH.as_bytes().to_vec(),
        [b"\xEF\xBB\xBF".as_slice(), FRENCH.as_bytes()].concat(),
    ] {
        let mut store = Store::open_in_memory().unwrap();
        let report = import(&mut store, "sedan.csv", &bytes);
        assert_eq!(report.stored, 3, "{:#?}", report.problems);
        assert_eq!(visits(&store)[0].status.as_deref(), Some("job_seeker"));
    }
}

#[test]
fn the_same_file_twice_is_reported_already_imported_and_adds_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    let first = import(&mut store, "sedan.csv", FRENCH.as_bytes());
    let Outcome::Imported(info) = first.outcome else {
        panic!("{first:#?}")
    };
    let again = import(&mut store, "sedan-copy.csv", FRENCH.as_bytes());
    assert_eq!(again.outcome, Outcome::AlreadyImported(info));
    assert_eq!(store.counts().unwrap().visits, 3);
}

#[test]
fn another_file_with_rows_already_stored_skips_them_by_reference() {
    let mut store = Store::open_in_memory().unwrap();
    import(&mut store, "sedan.csv", FRENCH.as_bytes());
    let extended = format!("{FRENCH}Sedan;20/03/2009;F-003;Sur place;;;;;;;;Emploi;;;\r\n");
    let report = import(&mut store, "sedan-v2.csv", extended.as_bytes());
    // The rows without a reference are new rows as far as the store knows.
    assert_eq!(
        (report.stored, report.already_stored),
        (2, 2),
        "{report:#?}"
    );
    assert_eq!(store.counts().unwrap().visits, 5);
}

/// One bad-row case: a CSV body after the header, and the problems expected
/// (each a piece of the problem's text).
const HEADER: &str = "Site;Date;Référence;Mode de contact;Statut;Thèmes;Commune\n";

#[test]
fn every_bad_row_is_reported_with_line_column_and_reason_and_nothing_is_stored() {
    let cases: &[(&str, &[&str])] = &[
        (
            "Sedan;31/02/2009;R1;Sur place;;Emploi;\n",
            &["line 2, column B «Date» (`date`): `31/02/2009` is not a day of the calendar"],
        ),
        (
            "Sedan;12/03/2009;R1;Sur place;Astronaute;Emploi;\n",
            &[
                "line 2, column E «Statut» (`status`): `Astronaute` is neither a code nor a label of `status`",
            ],
        ),
        (
            "Paris;12/03/2009;R1;Sur place;;Emploi;\n",
            &["line 2, column A «Site» (`site`): `Paris` is not a site of the registry"],
        ),
        (
            "Sedan;12/03/2009;R1;Sur place;;;\n",
            &["line 2, column F «Thèmes» (`themes`): this field is required"],
        ),
        (
            "Sedan;;R1;;;Emploi;\n",
            &[
                "line 2, column B «Date» (`date`): empty, and every record needs it",
                "line 2, column D «Mode de contact» (`contact_mode`): empty",
            ],
        ),
        (
            "Sedan;12/03/2009;R1;Sur place;;Emploi;ABCDE\n",
            &["column G «Commune» (`commune`): `ABCDE` is not an INSEE commune code"],
        ),
        (
            "Sedan;12/03/2009;R1;Sur place;;Emploi|Emploi;\n",
            &["(`themes`): `employment` is given twice"],
        ),
        (
            "Sedan;12/03/2009;R1;Sur place;;Emploi;;surplus\n",
            &["line 2, column H «»: a value beyond the last column"],
        ),
        (
            "Sedan;12/03/2009;R1;Sur place;;Emploi;\nSedan;12/03/2009;R1;Téléphone;;Emploi;\n",
            &[
                "line 3, column C «Référence» (`reference`): site `sedan` already has a different record under reference `R1`",
            ],
        ),
        (
            "Sedan;12/03/2006;R1;Sur place;;Emploi;\n",
            &["(`contact_mode`): code `in_person` of `contact_mode` is not in force on 2006-03-12"],
        ),
        (
            "Sedan;=HYPERLINK(\"x\");R1;Sur place;;Emploi;\n",
            &["column B «Date» (`date`): `=HYPERLINK(\"x\")` is not a date"],
        ),
    ];
    for (body, expected) in cases {
        let mut store = Store::open_in_memory().unwrap();
        // A good row first: it must not be stored either.
        let text = format!("{HEADER}Sedan;01/03/2009;OK;Sur place;;Emploi;\n{body}");
        let report = import(&mut store, "bad.csv", text.as_bytes());
        assert!(report.is_refused(), "{body}: {report:#?}");
        assert_eq!(store.counts().unwrap(), Default::default(), "{body}");
        let found = problems(&report).join("\n");
        for piece in *expected {
            // The good row is line 2, so the case's lines are one further.
            let piece = shift_lines(piece);
            assert!(
                found.contains(&piece),
                "{body}\nexpected: {piece}\nfound:\n{found}"
            );
        }
    }
}

fn shift_lines(text: &str) -> String {
    match text.strip_prefix("line ") {
        Some(rest) => {
            let (n, tail) = rest.split_once(',').unwrap();
            format!(
                "line {}, {}",
                n.parse::<u32>().unwrap() + 1,
                tail.trim_start()
            )
        }
        None => text.to_owned(),
    }
}

#[test]
fn all_problems_are_reported_at_once_up_to_the_cap_with_a_count_of_the_rest() {
    let mut body = String::from(HEADER);
    for i in 0..2_500 {
        body.push_str(&format!("Sedan;12/03/2009;R{i};Hélicoptère;;Emploi;\n"));
    }
    let mut store = Store::open_in_memory().unwrap();
    let report = import(&mut store, "many.csv", body.as_bytes());
    assert_eq!(report.problems.len(), 1000);
    assert_eq!(report.problems_not_listed, 1500);
    assert_eq!(report.rows_refused, 2500);
    assert_eq!(store.counts().unwrap().visits, 0);
}

#[test]
fn a_file_without_the_columns_a_record_needs_is_refused_at_its_header() {
    let mut store = Store::open_in_memory().unwrap();
    let report = import(
        &mut store,
        "x.csv",
        b"Site;Statut;Th\xc3\xa8mes\nSedan;DE;Emploi\n",
    );
    let found = problems(&report).join("\n");
    assert!(
        found.contains("line 1 (`date`): no column holds `date`"),
        "{found}"
    );
    assert!(
        found.contains("(`contact_mode`): no column holds"),
        "{found}"
    );
}

#[test]
fn a_file_with_a_comma_separator_and_no_sep_line_is_read() {
    let mut store = Store::open_in_memory().unwrap();
    let report = import(
        &mut store,
        "comma.csv",
        b"site,date,contact_mode,themes\nsedan,2009-05-01,phone,\"guidance|training\"\n",
    );
    assert_eq!(report.stored, 1, "{report:#?}");
}

#[test]
fn a_file_of_the_wrong_separator_is_refused_with_a_hint() {
    let mut store = Store::open_in_memory().unwrap();
    let report = import(
        &mut store,
        "x.csv",
        b"sep=,\nSite;Date;Mode de contact\nSedan;12/03/2009;Sur place\n",
    );
    let found = problems(&report).join("\n");
    assert!(found.contains("check the separator"), "{found}");
}

#[test]
fn the_site_of_a_file_without_a_site_column_can_be_given() {
    let fixture = Fixture::new();
    let mut store = Store::open_in_memory().unwrap();
    let options = ImportOptions {
        site: Some("troyes".into()),
        kind: Some(RecordKind::Visit),
        ..ImportOptions::default()
    };
    let report = fixture
        .importer()
        .import_bytes(
            &mut store,
            "troyes.csv",
            Format::Csv,
            "Date;Mode de contact;Thèmes\n02/01/2009;Sur place;Emploi\n".as_bytes(),
            options,
        )
        .unwrap();
    let Outcome::Imported(info) = report.outcome else {
        panic!("{report:#?}")
    };
    assert_eq!(info.site.as_deref(), Some("troyes"));
}

#[test]
fn events_and_survey_answers_are_told_apart_by_their_headers() {
    let mut store = Store::open_in_memory().unwrap();
    let events = "Site;Titre;Date de début;Date de fin;Type;Thèmes;Partenaires;Participants;Répondants;Satisfaits\n\
        Reims;Forum de l'emploi;15/10/2009;;Forum emploi-formation;Emploi;Pôle emploi|CCI;1 250;300;280\n";
    let report = import(&mut store, "events.csv", events.as_bytes());
    assert_eq!(report.stored, 1, "{report:#?}");
    let mut stored = Vec::new();
    store
        .scan_events(date(2009, 1, 1), date(2009, 12, 31), |e| {
            stored.push(e.clone())
        })
        .unwrap();
    assert_eq!(stored[0].attendance, 1250);
    assert_eq!(stored[0].end_date, date(2009, 10, 15));
    assert_eq!(stored[0].partners, ["pole_emploi", "cci"]);

    let answers = "Site;Date;Qualité de l'accueil;Information;Locaux;Recommanderiez-vous l'Espace métiers\n\
        Reims;15/10/2009;4;Satisfait;;oui\n";
    let report = import(&mut store, "survey.csv", answers.as_bytes());
    assert_eq!(report.stored, 1, "{report:#?}");
    let mut stored = Vec::new();
    store
        .scan_survey_answers(date(2009, 1, 1), date(2009, 12, 31), |a| {
            stored.push(a.clone())
        })
        .unwrap();
    assert_eq!(stored[0].items.get("welcome"), Some(&4));
    assert_eq!(stored[0].items.get("information"), Some(&3));
    assert_eq!(stored[0].would_recommend, Some(true));
}

/// A site rule: refuses visits on Sundays, warns about phone visits.
struct SundayRule {
    batches: usize,
}

impl RecordCheck for SundayRule {
    fn name(&self) -> &str {
        "sunday-rule"
    }

    fn check(&mut self, batch: &[Record]) -> Result<Vec<Finding>, String> {
        self.batches += 1;
        let mut findings = Vec::new();
        for (index, record) in batch.iter().enumerate() {
            let Record::Visit(v) = record else { continue };
            if v.date.weekday() == jiff::civil::Weekday::Sunday {
                findings.push(Finding {
                    index,
                    severity: Severity::Error,
                    field: Some("date".into()),
                    reason: "the site is closed on Sundays".into(),
                });
            }
            if v.contact_mode == "phone" {
                findings.push(Finding {
                    index,
                    severity: Severity::Warning,
                    field: Some("contact_mode".into()),
                    reason: "phone visits are counted apart".into(),
                });
            }
        }
        Ok(findings)
    }
}

#[test]
fn a_site_check_refuses_rows_with_its_errors_and_reports_its_warnings() {
    let fixture = Fixture::new();
    let importer = fixture.importer();
    let mut rule = SundayRule { batches: 0 };
    let body = format!(
        "{HEADER}Sedan;07/03/2009;A;Téléphone;;Emploi;\nSedan;08/03/2009;B;Sur place;;Emploi;\n"
    );
    let mut store = Store::open_in_memory().unwrap();
    let options = ImportOptions {
        checks: vec![&mut rule],
        ..ImportOptions::default()
    };
    let report = importer
        .import_bytes(&mut store, "c.csv", Format::Csv, body.as_bytes(), options)
        .unwrap();
    assert!(report.is_refused());
    assert_eq!(
        problems(&report),
        [
            "c.csv, line 3, column B «Date» (`date`): the site is closed on Sundays (check `sunday-rule`)"
        ]
    );
    assert!(
        report.warnings[0]
            .to_string()
            .contains("line 2, column D «Mode de contact»")
    );
    assert_eq!(rule.batches, 1);
    assert_eq!(store.counts().unwrap().visits, 0);
}

struct FailingCheck;

impl RecordCheck for FailingCheck {
    fn name(&self) -> &str {
        "broken-plugin"
    }

    fn check(&mut self, _batch: &[Record]) -> Result<Vec<Finding>, String> {
        Err("the plugin ran out of fuel".into())
    }
}

#[test]
fn a_check_that_fails_refuses_the_file_since_it_could_not_be_checked() {
    let fixture = Fixture::new();
    let mut check = FailingCheck;
    let mut store = Store::open_in_memory().unwrap();
    let options = ImportOptions {
        checks: vec![&mut check],
        ..ImportOptions::default()
    };
    let body = format!("{HEADER}Sedan;07/03/2009;A;Téléphone;;Emploi;\n");
    let report = fixture
        .importer()
        .import_bytes(&mut store, "c.csv", Format::Csv, body.as_bytes(), options)
        .unwrap();
    assert!(report.is_refused());
    assert!(problems(&report)[0].contains("check `broken-plugin` failed"));
}

#[test]
fn progress_is_reported_up_to_the_whole_file() {
    let fixture = Fixture::new();
    let mut body = String::from(HEADER);
    for i in 0..20_000 {
        body.push_str(&format!("Sedan;12/03/2009;R{i};Sur place;;Emploi;\n"));
    }
    let mut seen: Vec<Progress> = Vec::new();
    let mut record = |p: Progress| seen.push(p);
    let options = ImportOptions {
        progress: Some(&mut record),
        ..ImportOptions::default()
    };
    let mut store = Store::open_in_memory().unwrap();
    let report = fixture
        .importer()
        .import_bytes(&mut store, "p.csv", Format::Csv, body.as_bytes(), options)
        .unwrap();
    assert_eq!(report.stored, 20_000);
    assert!(seen.len() >= 3, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0].bytes_read <= w[1].bytes_read));
    let last = seen.last().unwrap();
    assert_eq!(
        (last.bytes_read, last.total_bytes),
        (body.len() as u64, body.len() as u64)
    );
}

#[test]
fn a_file_from_disk_is_imported_with_its_name_and_format_from_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("visites-sedan-2009.csv");
    std::fs::write(&path, windows_1252(FRENCH)).unwrap();
    let fixture = Fixture::new();
    let mut store = Store::open_in_memory().unwrap();
    let report = fixture
        .importer()
        .import_file(&mut store, &path, ImportOptions::default())
        .unwrap();
    let Outcome::Imported(info) = report.outcome else {
        panic!("{report:#?}")
    };
    assert_eq!(info.file_name, "visites-sedan-2009.csv");
    assert_eq!(info.kind, "visit");
    let missing = fixture.importer().import_file(
        &mut store,
        &dir.path().join("absent.csv"),
        ImportOptions::default(),
    );
    assert!(missing.unwrap_err().to_string().contains("absent.csv"));
}

/// The fault: in a file with CRLF line ends, as every French spreadsheet
/// saves, each row after the header was named one line short (line 3 was
/// "line 2"), because the CSV reader counts a CRLF's LF in the next record.
/// The input: a header, a good row, then bad rows at lines 3, 4 (a quoted
/// cell holding a CRLF of its own, so the row spans lines 4 and 5) and 6.
const CRLF_ROWS_ONE_LINE_SHORT: &str = "Site;Date;Mode de contact;Thèmes\r\n\
sedan;12/03/2009;Sur place;Emploi\r\n\
sedan;31/02/2009;Sur place;Emploi\r\n\
sedan;13/03/2009;\"Par\r\npigeon\";Emploi\r\n\
Paris;14/03/2009;Sur place;Emploi\r\n";

#[test]
fn crlf_rows_were_named_one_line_short() {
    let report = |text: &str| {
        problems(&import(
            &mut Store::open_in_memory().unwrap(),
            "crlf.csv",
            text.as_bytes(),
        ))
    };
    let crlf = report(CRLF_ROWS_ONE_LINE_SHORT);
    assert_eq!(
        crlf,
        report(&CRLF_ROWS_ONE_LINE_SHORT.replace("\r\n", "\n"))
    );
    let places: Vec<&str> = crlf.iter().map(|p| p.split(" «").next().unwrap()).collect();
    assert_eq!(
        places,
        [
            "crlf.csv, line 3, column B",
            "crlf.csv, line 4, column C",
            "crlf.csv, line 6, column A"
        ],
        "{crlf:#?}"
    );
}

#[test]
fn a_row_after_blank_lines_is_named_by_its_own_line() {
    // The CSV reader gives a record the position of the blank lines it
    // skipped before it; the import names the row's own line, with CRLF
    // and LF alike, after one blank line or several, and after a record
    // whose quoted field holds line breaks.
    let cases = [
        (
            "Site;Date;Mode de contact;Thèmes\r\nsedan;12/03/2009;Sur place;Emploi\r\n\r\n\
             sedan;31/02/2009;Sur place;Emploi\r\n",
            4,
        ),
        (
            "Site;Date;Mode de contact;Thèmes\nsedan;12/03/2009;Sur place;Emploi\n\n\n\n\
             sedan;31/02/2009;Sur place;Emploi",
            6,
        ),
        (
            "\r\n\r\nSite;Date;Mode de contact;Thèmes\r\n\
             sedan;12/03/2009;Sur place;\"Emploi|\r\nFormation\"\r\n\r\n\
             sedan;31/02/2009;Sur place;Emploi\r\n",
            7,
        ),
    ];
    for (text, line) in cases {
        let found = problems(&import(
            &mut Store::open_in_memory().unwrap(),
            "blank.csv",
            text.as_bytes(),
        ));
        assert_eq!(found.len(), 1, "{found:#?}");
        let expected = format!("blank.csv, line {line}, column B");
        assert!(found[0].starts_with(&expected), "{expected}: {found:#?}");
    }
}

#[test]
fn a_visit_after_the_import_day_and_an_unknown_commune_of_the_region_are_refused() {
    let fixture = Fixture::new();
    let importer = fixture.importer().with_today(date(2009, 3, 12));
    let text = "Site;Date;Mode de contact;Commune;Thèmes\n\
                sedan;12/03/2009;Sur place;08409;Emploi\n\
                sedan;13/03/2009;Sur place;08409;Emploi\n\
                sedan;12/03/2009;Sur place;08999;Emploi\n\
                sedan;12/03/2009;Sur place;75056;Emploi\n";
    let mut store = Store::open_in_memory().unwrap();
    let report = importer
        .import_bytes(
            &mut store,
            "futur.csv",
            Format::Csv,
            text.as_bytes(),
            ImportOptions::default(),
        )
        .unwrap();
    assert!(report.is_refused(), "{report:#?}");
    assert_eq!(
        problems(&report),
        [
            "futur.csv, line 3, column B «Date» (`date`): 2009-03-13 is after today (2009-03-12): a visit cannot be recorded before it happens",
            "futur.csv, line 4, column D «Commune» (`commune`): `08999` is not a commune of the registry, which lists every commune of the départements 08, 10, 51, 52",
        ]
    );
    assert_eq!(store.counts().unwrap().visits, 0);
}

#[test]
fn an_unclosed_quote_is_reported_where_it_opens_with_its_column() {
    let header = "Site;Date;Mode de contact;Statut;Thèmes\n";
    let good = "Sedan;12/03/2009;Sur place;Salarié(e);Emploi\n";
    // The quote on line 3, in column D, is never closed: the rest of the
    // file would be one field.
    let text =
        format!("{header}{good}Sedan;13/03/2009;Sur place;\"Salarié(e);Emploi\n{good}{good}");
    let mut store = Store::open_in_memory().unwrap();
    let report = import(&mut store, "quote.csv", text.as_bytes());
    assert!(report.is_refused());
    assert_eq!(report.rows_read, 1, "{:?}", problems(&report));
    assert_eq!(
        problems(&report),
        [
            "quote.csv, line 3, column D «Statut» (`status`): the quote that opens this field is never closed, so the rest of the file would be one field: close it, or double a quote meant inside the field (\"\")"
        ]
    );
    assert!(visits(&store).is_empty());

    // A quoted field that holds a separator, a doubled quote and a line
    // break is no unclosed quote; a quote inside an unquoted field is a
    // character like another (csv reads it so), and opens nothing.
    let fine = format!(
        "sep=;\n{header}Sedan;12/03/2009;Sur place;Salarié(e);\"Emploi\"\n{good}Sedan;14/03/2009;Sur place;Salarié(e);Emploi\n"
    );
    let report = import(&mut store, "fine.csv", fine.as_bytes());
    assert!(!report.is_refused(), "{:?}", problems(&report));
    let odd = format!("{header}Sedan;12/03/2009;Sur place;Salarié(e);Emploi\"\n{good}");
    let report = import(&mut store, "odd.csv", odd.as_bytes());
    assert!(
        problems(&report)
            .iter()
            .all(|p| !p.contains("never closed")),
        "{:?}",
        problems(&report)
    );

    // Past 16 MiB, the record is refused where its quote opened, after a
    // sep line (line 1) and three rows, in column E.
    let big = format!(
        "sep=;\n{header}{good}{good}Sedan;12/03/2009;Sur place;Salarié(e);\"a\"\"b;\n{}",
        "y;\n".repeat(6_000_000)
    );
    let report = import(&mut store, "big.csv", big.as_bytes());
    let listed = problems(&report);
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(
        listed[0].starts_with(
            "big.csv, line 5, column E «Thèmes» (`themes`): a record longer than 16 MiB starts here"
        ),
        "{listed:?}"
    );
}

/// UTF-16 text with its byte-order mark, as Excel's "Texte Unicode" saves.
fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    let mut bytes = if little_endian {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    bytes
}

#[test]
fn utf16_unicode_text_from_excel_tab_separated_reads_as_the_utf8_file() {
    let tabbed = FRENCH.replace("sep=;\r\n", "").replace(';', "\t");
    let mut expected_store = Store::open_in_memory().unwrap();
    let expected = import(&mut expected_store, "utf8.txt", tabbed.as_bytes());
    assert!(!expected.is_refused(), "{:?}", problems(&expected));
    for little_endian in [true, false] {
        let mut store = Store::open_in_memory().unwrap();
        let report = import(&mut store, "unicode.txt", &utf16(&tabbed, little_endian));
        assert!(!report.is_refused(), "{:?}", problems(&report));
        assert_eq!((report.rows_read, report.stored), (3, 3));
        assert_eq!(visits(&store), visits(&expected_store));
        assert_eq!(visits(&store)[0].status.as_deref(), Some("job_seeker"));
    }
}

#[test]
fn a_file_utf8_for_its_first_mebibyte_and_windows_1252_after_is_read_as_windows_1252() {
    // Every byte of the first mebibyte is ASCII (valid UTF-8 too; headers
    // are matched without their accents); the last row holds a
    // Windows-1252 é.
    let header = "Site;Date;Mode de contact;Statut;Themes\n";
    let mut bytes = header.as_bytes().to_vec();
    let mut n = 0;
    while bytes.len() < 1_100_000 {
        n += 1;
        bytes.extend_from_slice(b"Sedan;12/03/2009;Sur place;;Emploi\n");
    }
    bytes.extend_from_slice(&windows_1252(
        "Sedan;12/03/2009;Sur place;Salarié(e);Emploi\n",
    ));
    let mut store = Store::open_in_memory().unwrap();
    let report = import(&mut store, "late.csv", &bytes);
    assert!(!report.is_refused(), "{:?}", problems(&report));
    assert_eq!(report.stored, n + 1);
    let stored = visits(&store);
    assert_eq!(stored.last().unwrap().status.as_deref(), Some("employee"));
    // The fingerprint is the file's, whichever way it was read.
    use sha2::Digest;
    assert_eq!(report.sha256, hex::encode(sha2::Sha256::digest(&bytes)));
}

#[test]
fn the_same_content_under_another_name_is_found_already_imported_after_reading() {
    let mut store = Store::open_in_memory().unwrap();
    let bytes = windows_1252(FRENCH);
    let first = import(&mut store, "sedan.csv", &bytes);
    assert!(matches!(first.outcome, Outcome::Imported(_)));
    // A new name is read once, fingerprinted as it is parsed: the earlier
    // import is found at the end, and nothing is added.
    let again = import(&mut store, "sedan-copie.csv", &bytes);
    let Outcome::AlreadyImported(info) = &again.outcome else {
        panic!("{again:#?}");
    };
    assert_eq!(info.file_name, "sedan.csv");
    assert_eq!(info.site.as_deref(), None);
    assert_eq!(again.sha256, first.sha256);
    assert_eq!(visits(&store).len(), 3);
    assert_eq!(store.imports().unwrap().len(), 1);
}

#[test]
fn a_commune_outside_every_french_departement_is_refused_with_its_line_and_column() {
    let text = "Site;Date;Mode de contact;Commune;Thèmes\n\
Sedan;12/03/2009;Sur place;99999;Emploi\n\
Sedan;12/03/2009;Sur place;75056;Emploi\n\
Sedan;12/03/2009;Sur place;97120;Emploi\n";
    let mut store = Store::open_in_memory().unwrap();
    let report = import(&mut store, "communes.csv", text.as_bytes());
    assert_eq!(
        problems(&report),
        [
            "communes.csv, line 2, column D «Commune» (`commune`): `99999` is not an INSEE commune code: `99` is not a French département (01 to 19, 21 to 95, 2A, 2B, or 971 to 976 overseas)"
        ]
    );
}
