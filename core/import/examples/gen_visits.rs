//! Writes a CSV of visits as a site's French spreadsheet would save it —
//! `;` separator, Windows-1252, dd/mm/yyyy dates, French labels — for the
//! import benchmark. Seeded: the same arguments give the same file.
//!
//! `cargo run --release -p em-import --example gen_visits -- ROWS OUT.csv`

use std::io::{BufWriter, Write};

use em_core::{Registry, Ruleset};
use jiff::civil::date;

/// A small deterministic generator (xorshift64*), enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &'a [String]) -> &'a str {
        &items[self.below(items.len())]
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let rows: usize = args.next().ok_or("ROWS missing")?.parse()?;
    let out = args.next().ok_or("OUT.csv missing")?;
    let ruleset = Ruleset::champagne_ardenne();
    let registry = Registry::champagne_ardenne();
    let labels = |id: &str| -> Vec<String> {
        ruleset
            .statistics
            .nomenclature(id)
            .map(|n| n.codes.iter().map(|c| c.label.clone()).collect())
            .unwrap_or_default()
    };
    let (modes, sexes, ages, statuses, levels, channels, themes, services, partners) = (
        labels("contact_mode"),
        labels("sex"),
        labels("age_band"),
        labels("status"),
        labels("education_level"),
        labels("arrival_channel"),
        labels("theme"),
        labels("service"),
        labels("partner"),
    );
    let sites: Vec<String> = registry.sites.iter().map(|s| s.name.clone()).collect();
    let communes: Vec<String> = registry.communes.iter().map(|c| c.code.clone()).collect();
    let start = date(2009, 1, 1);

    let mut text = String::with_capacity(256);
    let mut file = BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    let mut emit = |text: &str| -> std::io::Result<()> {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
        file.write_all(&bytes)
    };
    emit(
        "Site;Date;N° de fiche;Mode de contact;Sexe;Tranche d'âge;Statut;Niveau de formation;Commune;Première visite;Connu par;Thèmes;Services rendus;Orientation vers\r\n",
    )?;
    let mut rng = Rng(0x5EED_2009);
    for n in 0..rows {
        text.clear();
        let day = start
            .checked_add(jiff::Span::new().days(rng.below(365) as i64))
            .expect("a day of 2009");
        let optional = |rng: &mut Rng, items: &[String]| -> String {
            if rng.below(10) == 0 {
                String::new()
            } else {
                rng.pick(items).to_owned()
            }
        };
        let several = |rng: &mut Rng, items: &[String], most: usize| -> String {
            let count = rng.below(most + 1);
            let mut picked: Vec<&str> = Vec::new();
            for _ in 0..count {
                let item = rng.pick(items);
                if !picked.contains(&item) {
                    picked.push(item);
                }
            }
            picked.join("|")
        };
        let mut theme_list = several(&mut rng, &themes, 3);
        if theme_list.is_empty() {
            theme_list = themes[0].clone();
        }
        // Labels with a `;` would need quotes; the shipped ones have none.
        text.push_str(&format!(
            "{};{:02}/{:02}/{};F-{n};{};{};{};{};{};{};{};{};{};{};{}\r\n",
            rng.pick(&sites),
            day.day(),
            day.month(),
            day.year(),
            rng.pick(&modes),
            optional(&mut rng, &sexes),
            optional(&mut rng, &ages),
            optional(&mut rng, &statuses),
            optional(&mut rng, &levels),
            rng.pick(&communes),
            if rng.below(3) == 0 { "oui" } else { "non" },
            optional(&mut rng, &channels),
            theme_list,
            several(&mut rng, &services, 2),
            several(&mut rng, &partners, 2),
        ));
        emit(&text)?;
    }
    Ok(())
}
