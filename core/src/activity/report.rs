//! The activity report as typed data: per site, per département and for the
//! region, with a summary in French, and its conversion to a
//! [`Document`](crate::report::Document).

use jiff::civil::Date;
use serde::Serialize;

use super::ActivityError;
use super::aggregate::{Aggregates, Scope, ScopeKind};
use super::dimensions::DimensionId;
use super::format;
use super::tables::{Val, Year, Years};
use crate::registry::Registry;
use crate::report::{Block, Cell, ChartKind, Document, Section};
use crate::ruleset::Ruleset;

/// The version of the report's JSON form; bumped when a field changes
/// meaning or disappears.
pub const REPORT_VERSION: u32 = 1;

/// The report of one scope: a summary, then tables and charts in reading
/// order. Every count in it is already masked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScopeReport {
    /// The site, département or region.
    pub scope: Scope,
    /// A few sentences saying what the year was.
    pub summary: String,
    /// Tables and charts, in reading order.
    pub blocks: Vec<Block>,
}

/// A site's report, with the documents its plugins produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteReport {
    /// The site's own report.
    #[serde(flatten)]
    pub report: ScopeReport,
    /// The code of the site's département.
    pub departement: String,
    /// Custom reports of the site's plugins, in the order they ran. Plugins
    /// only ever see masked aggregates, so these hold no personal data.
    pub plugin_documents: Vec<Document>,
}

/// The annual activity report (*bilan d'activité*) of the network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityReport {
    /// Version of this structure's JSON form.
    pub report_version: u32,
    /// The network's name.
    pub network: String,
    /// Version of the ruleset the report was made with.
    pub ruleset_version: String,
    /// The year reported on.
    pub year: i16,
    /// The year compared with, if its aggregates were given.
    pub previous_year: Option<i16>,
    /// Counts strictly below this were masked (the threshold in force on the
    /// last day of the year).
    pub small_count_threshold: u64,
    /// The summary of the region, at the top of the report.
    pub summary: String,
    /// The region.
    pub region: ScopeReport,
    /// The départements, in the registry's order.
    pub departements: Vec<ScopeReport>,
    /// The sites, in the registry's order.
    pub sites: Vec<SiteReport>,
    /// A map of the territory (SVG), drawn by the territory crate.
    pub territory_map_svg: Option<String>,
    /// How the figures were made, in French paragraphs.
    pub method: Vec<String>,
}

impl ActivityReport {
    /// Builds the report of `year` from its aggregates and, for the
    /// comparison, those of the year before.
    pub fn build(
        registry: &Registry,
        ruleset: &Ruleset,
        year: i16,
        current: &Aggregates,
        previous: Option<&Aggregates>,
    ) -> Result<ActivityReport, ActivityError> {
        let _span = tracing::info_span!("activity.report", year).entered();
        check_aggregates(registry, year, current, previous)?;
        let last_day = Date::new(year, 12, 31).map_err(|_| ActivityError::BadYear(year))?;
        // The threshold in force at the end of the year applies to the whole
        // report, the previous year's columns included: one table, one rule.
        let threshold = ruleset
            .statistics
            .small_count_threshold(last_day)
            .map_err(|source| ActivityError::RuleNotInForce { year, source })?;
        let cur = Year::new(current, threshold);
        let prev = previous.map(|p| Year::new(p, threshold));
        let years = Years {
            cur: &cur,
            prev: prev.as_ref(),
        };
        let departements_count = current.departements.len();

        let region_id = "region";
        let mut region_blocks = scope_blocks(&years, 0, region_id, threshold);
        let departement_parts: Vec<(usize, String, String)> = current
            .departements
            .iter()
            .enumerate()
            .map(|(d, c)| (1 + d, c.scope.id.clone(), c.scope.name.clone()))
            .collect();
        let (table, chart) = years.breakdown(
            &departement_parts,
            0,
            &format!("{region_id}.by_departement"),
            "Activité par département",
            threshold,
        );
        region_blocks.insert(1, Block::Table(table));
        region_blocks.insert(2, Block::Chart(chart));
        let site_parts: Vec<(usize, String, String)> = current
            .sites
            .iter()
            .enumerate()
            .map(|(s, c)| {
                (
                    1 + departements_count + s,
                    c.scope.id.clone(),
                    c.scope.name.clone(),
                )
            })
            .collect();
        let (table, chart) = years.breakdown(
            &site_parts,
            0,
            &format!("{region_id}.by_site"),
            "Activité par Espace métiers",
            threshold,
        );
        region_blocks.insert(3, Block::Table(table));
        region_blocks.insert(4, Block::Chart(chart));
        let region_summary = summary(&years, 0, Subject::Region(current.sites.len()), threshold);
        let region = ScopeReport {
            scope: current.region.scope.clone(),
            summary: region_summary.clone(),
            blocks: region_blocks,
        };

        let departements = current
            .departements
            .iter()
            .enumerate()
            .map(|(d, counts)| {
                let scope = 1 + d;
                let id = format!("departement-{}", counts.scope.id);
                let parts: Vec<(usize, String, String)> = current
                    .site_departement
                    .iter()
                    .enumerate()
                    .filter(|(_, sd)| **sd == d)
                    .map(|(s, _)| {
                        let site = &current.sites[s].scope;
                        (
                            1 + departements_count + s,
                            site.id.clone(),
                            site.name.clone(),
                        )
                    })
                    .collect();
                let mut blocks = scope_blocks(&years, scope, &id, threshold);
                let (table, chart) = years.breakdown(
                    &parts,
                    scope,
                    &format!("{id}.by_site"),
                    "Activité par Espace métiers",
                    threshold,
                );
                blocks.insert(1, Block::Table(table));
                blocks.insert(2, Block::Chart(chart));
                ScopeReport {
                    scope: counts.scope.clone(),
                    summary: summary(
                        &years,
                        scope,
                        Subject::Departement(&counts.scope.name, parts.len()),
                        threshold,
                    ),
                    blocks,
                }
            })
            .collect();

        let sites = current
            .sites
            .iter()
            .enumerate()
            .map(|(s, counts)| {
                let scope = 1 + departements_count + s;
                let id = format!("site-{}", counts.scope.id);
                SiteReport {
                    report: ScopeReport {
                        scope: counts.scope.clone(),
                        summary: summary(
                            &years,
                            scope,
                            Subject::Site(&counts.scope.name),
                            threshold,
                        ),
                        blocks: scope_blocks(&years, scope, &id, threshold),
                    },
                    departement: current.departements[current.site_departement[s]]
                        .scope
                        .id
                        .clone(),
                    plugin_documents: Vec::new(),
                }
            })
            .collect();

        tracing::info!(threshold, "built the activity report");
        Ok(ActivityReport {
            report_version: REPORT_VERSION,
            network: ruleset.manifest.name.clone(),
            ruleset_version: ruleset.manifest.version.clone(),
            year,
            previous_year: previous.map(|p| p.year),
            small_count_threshold: threshold,
            summary: region_summary,
            region,
            departements,
            sites,
            territory_map_svg: None,
            method: method(current, threshold),
        })
    }

    /// Attaches a plugin's document to the report of site `site`.
    pub fn add_plugin_document(
        &mut self,
        site: &str,
        document: Document,
    ) -> Result<(), ActivityError> {
        let report = self
            .sites
            .iter_mut()
            .find(|s| s.report.scope.id == site)
            .ok_or_else(|| {
                ActivityError::MismatchedAggregates(format!(
                    "a plugin document was given for site `{site}`, which the report does not have"
                ))
            })?;
        report.plugin_documents.push(document);
        Ok(())
    }

    /// The whole report as one document: the summary, the region, each
    /// département, each site followed by its plugins' documents, and the
    /// method. Section identifiers are `summary`, `region`,
    /// `departement-<code>`, `site-<id>`, `site-<id>-plugin-<n>-<section>`
    /// and `method`.
    pub fn to_document(&self) -> Document {
        let title = format!("Bilan d'activité {} — {}", self.year, self.network);
        let mut sections = vec![Section {
            id: "summary".to_owned(),
            title: "Synthèse".to_owned(),
            blocks: vec![Block::Text {
                text: self.summary.clone(),
            }],
        }];
        let section = |id: String, title: String, report: &ScopeReport| {
            let mut blocks = vec![Block::Text {
                text: report.summary.clone(),
            }];
            blocks.extend(report.blocks.iter().cloned());
            Section { id, title, blocks }
        };
        sections.push(section(
            "region".to_owned(),
            format!("Région — {}", self.network),
            &self.region,
        ));
        for d in &self.departements {
            sections.push(section(
                format!("departement-{}", d.scope.id),
                format!("Département — {} ({})", d.scope.name, d.scope.id),
                d,
            ));
        }
        for s in &self.sites {
            sections.push(section(
                format!("site-{}", s.report.scope.id),
                format!("Espace métiers {}", format::of_place(&s.report.scope.name)),
                &s.report,
            ));
            for (n, document) in s.plugin_documents.iter().enumerate() {
                for plugin_section in &document.sections {
                    let mut blocks = vec![Block::Text {
                        text: format!(
                            "Rapport complémentaire « {} », produit par une extension du site.",
                            document.title
                        ),
                    }];
                    blocks.extend(plugin_section.blocks.iter().cloned());
                    sections.push(Section {
                        id: format!(
                            "site-{}-plugin-{}-{}",
                            s.report.scope.id,
                            n + 1,
                            plugin_section.id
                        ),
                        title: format!(
                            "{} — {} — {}",
                            s.report.scope.name, document.title, plugin_section.title
                        ),
                        blocks,
                    });
                }
            }
        }
        sections.push(Section {
            id: "method".to_owned(),
            title: "Méthode".to_owned(),
            blocks: self
                .method
                .iter()
                .map(|text| Block::Text { text: text.clone() })
                .collect(),
        });
        Document { title, sections }
    }
}

fn check_aggregates(
    registry: &Registry,
    year: i16,
    current: &Aggregates,
    previous: Option<&Aggregates>,
) -> Result<(), ActivityError> {
    if current.year != year {
        return Err(ActivityError::MismatchedAggregates(format!(
            "the report of {year} was given the aggregates of {}",
            current.year
        )));
    }
    if let Some(previous) = previous
        && previous.year != year - 1
    {
        return Err(ActivityError::MismatchedAggregates(format!(
            "the report of {year} compares with the year before, {}, but was given the aggregates of {}",
            year - 1,
            previous.year
        )));
    }
    for aggregates in std::iter::once(current).chain(previous) {
        let same = aggregates.sites.len() == registry.sites.len()
            && aggregates
                .sites
                .iter()
                .zip(&registry.sites)
                .all(|(a, s)| a.scope.id == s.id);
        if !same {
            return Err(ActivityError::MismatchedAggregates(format!(
                "the aggregates of {} were not made with this registry's sites",
                aggregates.year
            )));
        }
    }
    Ok(())
}

/// The tables and charts every scope has.
fn scope_blocks(years: &Years<'_, '_>, scope: usize, id: &str, threshold: u64) -> Vec<Block> {
    let mut blocks = vec![Block::Table(years.key_figures(scope, id, threshold))];
    let (table, chart) = years.months(scope, id, threshold);
    blocks.push(Block::Chart(chart));
    blocks.push(Block::Table(table));
    let charted = [
        (DimensionId::ThemeGroup, ChartKind::HorizontalBar),
        (DimensionId::Status, ChartKind::HorizontalBar),
        (DimensionId::AgeBand, ChartKind::Bar),
        (DimensionId::ArrivalChannel, ChartKind::HorizontalBar),
    ];
    let order = [
        DimensionId::ThemeGroup,
        DimensionId::Theme,
        DimensionId::Service,
        DimensionId::Referral,
        DimensionId::Status,
        DimensionId::AgeBand,
        DimensionId::Sex,
        DimensionId::EducationLevel,
        DimensionId::Residence,
        DimensionId::FirstVisit,
        DimensionId::ArrivalChannel,
        DimensionId::ContactMode,
    ];
    for dim in order {
        if let Some((_, kind)) = charted.iter().find(|(d, _)| *d == dim) {
            blocks.push(Block::Chart(years.dimension_chart(scope, dim, id, *kind)));
        }
        blocks.push(Block::Table(years.dimension(scope, dim, id, threshold)));
    }
    let (table, chart) = years.survey(scope, id, threshold);
    blocks.push(Block::Chart(chart));
    blocks.push(Block::Table(table));
    blocks.push(Block::Table(years.events(scope, id, threshold)));
    blocks
}

enum Subject<'a> {
    Region(usize),
    Departement(&'a str, usize),
    Site(&'a str),
}

fn count_text(value: Val, threshold: u64, one: &str, many: &str) -> String {
    match value {
        Val::Shown(1) => format!("1 {one}"),
        Val::Shown(n) => format!("{} {many}", format::int(n)),
        _ => format!("moins de {threshold} {many}"),
    }
}

/// A few sentences on the year of one scope.
fn summary(years: &Years<'_, '_>, scope: usize, subject: Subject<'_>, threshold: u64) -> String {
    let year = years.cur.aggregates.year;
    let visits = years.cur.visits(scope);
    let visitors = years.cur.visitors(scope);
    let (who, verb) = match subject {
        Subject::Region(_) => ("le réseau".to_owned(), "a reçu"),
        Subject::Departement(name, 1) => (
            format!("dans le département {name}, l'Espace métiers"),
            "a reçu",
        ),
        Subject::Departement(name, n) => (
            format!("dans le département {name}, les {n} Espaces métiers"),
            "ont reçu",
        ),
        Subject::Site(name) => (
            format!("l'Espace métiers {}", format::of_place(name)),
            "a reçu",
        ),
    };
    let mut text = format!(
        "En {year}, {who} {verb} {} de {}",
        count_text(visits, threshold, "visite", "visites"),
        count_text(visitors, threshold, "personne", "personnes"),
    );
    if let Some(prev) = years.prev {
        let p = prev.visits(scope);
        match (super::tables::change(visits, p), p) {
            (Cell::Percent(x), Val::Shown(n)) => text.push_str(&format!(
                ", {} par rapport à {} ({} visites)",
                format::change(x),
                prev.aggregates.year,
                format::int(n)
            )),
            _ => text.push_str(&format!(
                " (pas de comparaison publiable avec {})",
                prev.aggregates.year
            )),
        }
    }
    text.push('.');
    let groups = years.cur.top_theme_groups(scope);
    let shown: Vec<String> = groups
        .iter()
        .filter_map(|(label, cell)| match cell {
            Cell::Percent(p) => Some(format!(
                "{} ({})",
                label.to_lowercase(),
                format::percent(*p)
            )),
            _ => None,
        })
        .collect();
    if shown.len() == groups.len() && !shown.is_empty() {
        text.push_str(&format!(
            " Les demandes portaient sur : {} des personnes ayant exprimé une demande (réponses multiples).",
            shown.join(", ")
        ));
    }
    let (_, _, welcome) = (0..years.cur.aggregates.survey_items.len())
        .map(|i| years.cur.satisfaction(scope, i))
        .next()
        .unwrap_or((Val::Absent, Val::Absent, Cell::Empty));
    if let (Cell::Percent(rate), Some(item)) = (welcome, years.cur.aggregates.survey_items.first())
    {
        text.push_str(&format!(
            " {} des personnes ayant répondu au questionnaire se disent satisfaites pour « {} ».",
            format::percent(rate),
            item.label.to_lowercase()
        ));
    }
    if let (Val::Shown(events), attendance) = (years.cur.events(scope), years.cur.attendance(scope))
    {
        let organiser = match subject {
            Subject::Region(n) => format!("Les {n} Espaces métiers ont"),
            Subject::Departement(_, 1) | Subject::Site(_) => "L'Espace métiers a".to_owned(),
            Subject::Departement(_, n) => format!("Les {n} Espaces métiers ont"),
        };
        if events > 0 {
            text.push_str(&format!(
                " {organiser} organisé {}, qui ont réuni {}.",
                count_text(Val::Shown(events), threshold, "événement", "événements"),
                count_text(attendance, threshold, "participant", "participants"),
            ));
        }
    }
    text
}

/// How the figures were made.
fn method(current: &Aggregates, threshold: u64) -> Vec<String> {
    let mut paragraphs = vec![
        "Visiteurs : une personne est comptée une fois par Espace métiers et par an, d'après \
         l'identifiant que le site lui attribue ; une personne venue dans deux Espaces métiers est \
         comptée dans chacun, si bien que les visiteurs d'un département ou de la région sont la \
         somme de ceux de leurs sites. Une visite sans identifiant compte pour un visiteur."
            .to_owned(),
        "Profil : sexe, âge, statut, niveau de formation, lieu de résidence, première visite et \
         moyen de connaissance d'un visiteur sont ceux de sa première visite de l'année ; ses \
         thèmes, services et orientations sont l'ensemble de ceux de ses visites."
            .to_owned(),
        "Réponses multiples (thèmes, services, orientations) : les pourcentages sont calculés sur \
         les répondants, personnes ou visites ayant donné au moins une réponse ; leur somme dépasse \
         100 %. Les grands thèmes regroupent chaque thème avec ses sous-thèmes."
            .to_owned(),
        "Satisfaction : part des notes 3 et 4 sur l'échelle de 1 à 4, parmi les personnes qui ont \
         répondu à l'item."
            .to_owned(),
        format!(
            "Secret statistique : tout effectif de personnes ou de visites inférieur à {threshold} \
             est masqué (« < {threshold} »), ainsi que les pourcentages et évolutions qui \
             permettraient de le retrouver. D'autres cellules sont masquées pour qu'aucun effectif \
             masqué ne puisse être retrouvé par différence avec les totaux, dans un même tableau \
             comme entre les sites, les départements et la région. Les zéros sont publiés. Le \
             nombre d'événements organisés n'est pas masqué : ce sont des actions publiques des \
             sites, pas des personnes."
        ),
    ];
    // Codes not in force that year (a nomenclature ended in a ruleset given
    // with --ruleset, say) are counted, never dropped; the note says where,
    // so that a reader who misses a row knows the visits are there.
    let stray: Vec<String> = current
        .dimensions
        .iter()
        .zip(&current.region.dimensions)
        .filter(|(dimension, _)| dimension.id != DimensionId::ThemeGroup)
        .filter_map(|(dimension, counts)| {
            let n = counts.visits[dimension.unrecognised()];
            let value = if n >= threshold {
                Val::Shown(n)
            } else {
                Val::Masked
            };
            (n > 0).then(|| {
                let title = dimension.id.title();
                let first = title.chars().next().map_or(0, char::len_utf8);
                format!(
                    "{}{} ({})",
                    title[..first].to_lowercase(),
                    &title[first..],
                    count_text(value, threshold, "visite", "visites")
                )
            })
        })
        .collect();
    if !stray.is_empty() {
        tracing::warn!(
            dimensions = stray.len(),
            "visits hold codes not in force this year"
        );
        paragraphs.push(format!(
            "Codes hors nomenclature : des visites portent des codes qui ne sont pas en vigueur en \
             {} dans les règles appliquées ; elles sont comptées sous « Code hors nomenclature » : \
             {}.",
            current.year,
            stray.join(", ")
        ));
    }
    let skipped = &current.skipped;
    if skipped.outside_year + skipped.unknown_site + skipped.bad_survey_scores > 0 {
        paragraphs.push(format!(
            "Enregistrements écartés : {} hors de l'année, {} d'un site inconnu du registre, {} \
             notes de questionnaire hors de l'échelle ou d'un item inconnu.",
            format::int(skipped.outside_year),
            format::int(skipped.unknown_site),
            format::int(skipped.bad_survey_scores)
        ));
    }
    paragraphs
}

impl ScopeReport {
    /// Whether the scope is a site, a département or the region.
    pub fn kind(&self) -> ScopeKind {
        self.scope.kind
    }
}
