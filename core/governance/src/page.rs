//! The governance page, in French: the year's meetings against their
//! bodies' rules, the arbitration of the sites' action proposals, and the
//! plans against the regional budget — the document coordinators and the
//! Regional Council read beside the activity report.
//!
//! Everything on it is written here from typed results (statuses, days,
//! amounts, the reasons of each proposal's outcome), never by rewording the
//! English sentences the library gives the command line: numbers, euros and
//! days go through the activity report's French formatting
//! (`em_core::activity::format`), and sites are named from the registry.
//! The page is a [`Document`], so any renderer (HTML, JSON, CSV) draws it.

use em_core::Registry;
use em_core::activity::format::{date, euros, int, month, percent};
use em_core::report::{Block, Cell, Column, Document, Row, Section, Table};
use jiff::civil::Date;

use crate::arbitration::{ArbitrationRule, OutcomeReason, Recommendation, RecommendationStatus};
use crate::compliance::{ComplianceLine, ComplianceReport, ComplianceStatus};
use crate::meeting::{Meeting, MeetingRefused, record_all};
use crate::plan::{
    RegionView, SiteDecision, SitePlanError, decide_recommended, recommend_network, region_view,
};
use crate::roadmap::{ActionProposal, Roadmap};
use crate::rules::GovernanceRuleset;

/// The tie-break of the arbitration, in French (the library states it in
/// English as `arbitration::TIE_BREAK`).
pub const TIE_BREAK_FR: &str = "À valeur égale, le plan qui demande le moins à la Région ; puis, en lisant les propositions de la meilleure valeur par euro demandé à la moins bonne (à rapport égal, dans l'ordre où elles ont été données), le plan qui retient la première proposition sur laquelle les plans diffèrent.";

/// The governance page of a year, with the results it was drawn from.
#[derive(Debug, Clone)]
pub struct GovernancePage {
    /// The page.
    pub document: Document,
    /// The compliance of the meetings' year.
    pub compliance: ComplianceReport,
    /// The recommendation for every site with proposals.
    pub recommendations: Vec<Recommendation>,
    /// Each site's plan, as its steering committee would decide it
    /// following the recommendation (none for a site whose proposals cannot
    /// meet every rule).
    pub decisions: Vec<SiteDecision>,
    /// The plans against the regional budget.
    pub view: RegionView,
    /// The meetings refused by their body's rules (their index in the list
    /// given, from 0), left out of the compliance table.
    pub refused: Vec<(usize, MeetingRefused)>,
}

/// Why the governance page could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    /// A site's proposals cannot be arbitrated or decided.
    #[error(transparent)]
    Plan(#[from] SitePlanError),
    /// The arbitration rules are not in force for the plans' year.
    #[error(transparent)]
    NotInForce(#[from] em_core::dated::NotInForce),
}

/// Draws the governance page: the compliance of `year` for `meetings` (the
/// refused ones left out and returned), the recommendation for every site
/// with proposals, and the plans that follow them against the regional
/// budget of the roadmap's year.
pub fn governance_page(
    rules: &GovernanceRuleset,
    registry: &Registry,
    year: i16,
    meetings: Vec<Meeting>,
    roadmap: &Roadmap,
    proposals: &[ActionProposal],
) -> Result<GovernancePage, PageError> {
    let _span = tracing::info_span!("governance_page", year, plans_year = roadmap.year).entered();
    let ids: Vec<&str> = registry.sites.iter().map(|s| s.id.as_str()).collect();
    let checked = record_all(rules, &ids, meetings);
    if !checked.refused.is_empty() {
        tracing::warn!(
            refused = checked.refused.len(),
            "meetings refused by their body's rules are left out of the page"
        );
    }
    let compliance = crate::compliance::compliance(rules, &ids, &checked.accepted(), year);
    let recommendations = recommend_network(rules, &ids, roadmap, proposals)?;
    // A site whose proposals cannot all meet the rules has no plan until
    // its committee decides one: the page shows its conflicting rules and
    // counts no plan for it, rather than refusing the whole page.
    let decidable: Vec<Recommendation> = recommendations
        .iter()
        .filter(|r| r.status == RecommendationStatus::Optimal || !r.kept.is_empty())
        .cloned()
        .collect();
    let decisions = decide_recommended(rules, roadmap, proposals, decidable, &[])?;
    let plans: Vec<_> = decisions.iter().map(|d| d.plan.clone()).collect();
    let view = region_view(rules, roadmap.year, &ids, &plans)?;
    let document = document(registry, &compliance, &recommendations, &view);
    Ok(GovernancePage {
        document,
        compliance,
        recommendations,
        decisions,
        view,
        refused: checked.refused,
    })
}

/// The governance page of typed results: compliance of the year's
/// meetings, the arbitration of the proposals, and the plans against the
/// regional budget. It holds no personal data: meetings, proposals and
/// plans only.
pub fn document(
    registry: &Registry,
    compliance: &ComplianceReport,
    recommendations: &[Recommendation],
    view: &RegionView,
) -> Document {
    let names = Names(registry);
    let compliance_table = Table {
        id: format!("governance.compliance_{}", compliance.year),
        title: format!("Instances tenues en {}", compliance.year),
        columns: columns(&[
            ("body", "Instance"),
            ("status", "Situation"),
            ("in_window", "Réunions dans la période"),
            ("out_of_window", "Réunions hors période"),
            ("explanation", "Explication"),
        ]),
        rows: compliance
            .lines
            .iter()
            .map(|l| Row {
                code: Some(l.requirement.clone()),
                label: format!("{} — {}", names.scope(l.site.as_deref()), l.label),
                cells: vec![
                    text(l.body.label()),
                    text(l.status.label()),
                    Cell::Count(l.in_window.len() as u64),
                    Cell::Count(l.out_of_window.len() as u64),
                    text(compliance_line(&names, l, compliance.year)),
                ],
            })
            .collect(),
        note: None,
    };

    let mut arbitration_blocks = Vec::new();
    for r in recommendations {
        let site = names.site(&r.site);
        arbitration_blocks.push(Block::Text {
            text: recommendation_summary(&site, r),
        });
        arbitration_blocks.push(Block::Table(Table {
            id: format!("governance.arbitration_{}_{}", r.site, r.year),
            title: format!("Propositions d'actions {} — {site}", r.year),
            columns: columns(&[
                ("kept", "Retenue"),
                ("value", "Valeur"),
                ("region_funding_eur", "Financement régional demandé (€)"),
                ("explanation", "Pourquoi"),
            ]),
            rows: r
                .outcomes
                .iter()
                .map(|o| Row {
                    code: Some(o.proposal.clone()),
                    label: o.title.clone(),
                    cells: vec![
                        text(if o.kept { "oui" } else { "non" }),
                        Cell::Count(o.value),
                        Cell::Number(o.region_funding_eur as f64),
                        text(outcome(o.kept, &o.reasons)),
                    ],
                })
                .collect(),
            note: Some(TIE_BREAK_FR.to_owned()),
        }));
    }
    if recommendations.is_empty() {
        arbitration_blocks.push(Block::Text {
            text: format!("Aucune proposition d'action pour {}.", view.year),
        });
    }

    let budget_table = Table {
        id: format!("governance.region_view_{}", view.year),
        title: format!("Plans d'actions {} et budget régional", view.year),
        columns: columns(&[
            ("state", "Plan"),
            ("envelope_eur", "Enveloppe du site (€)"),
            ("region_funding_eur", "Financement régional demandé (€)"),
            ("actions", "Actions retenues"),
            ("explanation", "Explication"),
        ]),
        rows: view
            .sites
            .iter()
            .map(|l| Row {
                code: Some(l.site.clone()),
                label: names.site(&l.site),
                cells: vec![
                    text(l.state.map_or("aucun", |s| s.label())),
                    Cell::Number(l.envelope_eur as f64),
                    Cell::Number(l.region_funding_eur as f64),
                    Cell::Count(l.actions as u64),
                    text(site_plan_line(l, view.year)),
                ],
            })
            .collect(),
        note: None,
    };

    Document {
        title: format!(
            "Gouvernance {} et plans d'actions {}",
            compliance.year, view.year
        ),
        sections: vec![
            Section {
                id: "governance-compliance".to_owned(),
                title: format!(
                    "Instances {} : Commission, comités techniques, comités de pilotage",
                    compliance.year
                ),
                blocks: vec![
                    Block::Text {
                        text: compliance_summary(compliance),
                    },
                    Block::Table(compliance_table),
                ],
            },
            Section {
                id: "governance-arbitration".to_owned(),
                title: format!("Arbitrage des propositions d'actions {}", view.year),
                blocks: arbitration_blocks,
            },
            Section {
                id: "governance-region".to_owned(),
                title: format!("Plans d'actions {} et budget régional", view.year),
                blocks: vec![
                    Block::Text {
                        text: region_summary(view),
                    },
                    Block::Table(budget_table),
                ],
            },
        ],
    }
}

/// Sites by their registry names.
struct Names<'a>(&'a Registry);

impl Names<'_> {
    /// A site's name, or its identifier when the registry does not know it.
    fn site(&self, id: &str) -> String {
        self.0
            .site(id)
            .map_or_else(|| id.to_owned(), |s| s.name.clone())
    }

    /// A site's name, or "Région" for the region's lines.
    fn scope(&self, site: Option<&str>) -> String {
        site.map_or_else(|| "Région".to_owned(), |id| self.site(id))
    }
}

fn text(t: impl Into<String>) -> Cell {
    Cell::Text(t.into())
}

fn columns(list: &[(&str, &str)]) -> Vec<Column> {
    list.iter()
        .map(|(id, label)| Column {
            id: (*id).to_owned(),
            label: (*label).to_owned(),
        })
        .collect()
}

/// `1 réunion`, `3 réunions`: French plurals (0 and 1 take the singular).
fn count_of(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", int(n), if n <= 1 { one } else { many })
}

/// "1", "1 et 3", "1, 2 et 3".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} et {last}", init.join(", ")),
    }
}

fn days(list: &[Date]) -> String {
    let written: Vec<String> = list.iter().map(|d| date(*d)).collect();
    and_list(&written)
}

/// "en juin", "de juin à novembre".
fn window(months: [u8; 2]) -> String {
    if months[0] == months[1] {
        format!("en {}", month(months[0]))
    } else {
        format!("de {} à {}", month(months[0]), month(months[1]))
    }
}

fn compliance_summary(report: &ComplianceReport) -> String {
    let total = report.lines.len() as u64;
    format!(
        "En {}, {} sur {} tenues dans leur période ; {} non tenues, {} hors période, {} avec trop de réunions.",
        report.year,
        count_of(
            report.count(ComplianceStatus::Held) as u64,
            "réunion obligatoire",
            "réunions obligatoires"
        ),
        int(total),
        int(report.count(ComplianceStatus::Missing) as u64),
        int(report.count(ComplianceStatus::OutOfWindow) as u64),
        int(report.count(ComplianceStatus::TooMany) as u64),
    )
}

/// One compliance line, explained in French from its typed fields.
fn compliance_line(names: &Names<'_>, line: &ComplianceLine, year: i16) -> String {
    let who = match &line.site {
        Some(id) => names.site(id),
        None => "la Région".to_owned(),
    };
    let within = window(line.months);
    let required = match line.max {
        Some(max) if max != line.min => format!("{} à {} requises", int(line.min.into()), max),
        _ if line.min <= 1 => format!("au moins {} requise", int(line.min.into())),
        _ => format!("au moins {} requises", int(line.min.into())),
    };
    let held = line.in_window.len() as u64;
    let mut out = match line.status {
        ComplianceStatus::TooMany => {
            let mut all: Vec<Date> = line
                .in_window
                .iter()
                .chain(&line.out_of_window)
                .copied()
                .collect();
            all.sort();
            format!(
                "{} tenues pour {who} en {year} ({}), au plus {} permises.",
                count_of(all.len() as u64, "réunion", "réunions"),
                days(&all),
                line.max.unwrap_or_default()
            )
        }
        ComplianceStatus::Held => format!(
            "{} {within} pour {who} ({}) : {required}.",
            if held > 1 { "Tenues" } else { "Tenue" },
            days(&line.in_window)
        ),
        ComplianceStatus::OutOfWindow => format!(
            "{} dans la période ({within}) pour {who}, {required} ; tenue hors période le {}.",
            count_of(held, "réunion", "réunions"),
            days(&line.out_of_window)
        ),
        ComplianceStatus::Missing => {
            format!("Aucune réunion tenue pour {who} en {year} : {required} {within}.")
        }
    };
    if line.status == ComplianceStatus::Held && !line.out_of_window.is_empty() {
        out.push_str(&format!(
            " Tenue aussi hors période le {}.",
            days(&line.out_of_window)
        ));
    }
    out
}

/// A rule of the arbitration, named in French.
fn rule_label(rule: ArbitrationRule) -> String {
    match rule {
        ArbitrationRule::Envelope => "l'enveloppe du site".to_owned(),
        ArbitrationRule::ServiceArea(area) => format!("au moins une action en {}", area.label()),
        ArbitrationRule::Cofunding => "la part minimale de cofinancement".to_owned(),
        ArbitrationRule::OrientationCount(o) => {
            format!("le nombre maximal d'actions de l'orientation {o}")
        }
        ArbitrationRule::OrientationShare(o) => {
            format!("la part maximale de l'enveloppe pour l'orientation {o}")
        }
    }
}

fn recommendation_summary(site: &str, r: &Recommendation) -> String {
    let kept = r.kept.len() as u64;
    let given = r.outcomes.len() as u64;
    match r.status {
        RecommendationStatus::Optimal | RecommendationStatus::Unproven => {
            let closing = if r.status == RecommendationStatus::Optimal {
                "toutes les règles sont respectées ; c'est l'optimum exact."
            } else {
                "toutes les règles sont respectées, mais la recherche s'est arrêtée à sa limite : ce plan n'est pas prouvé optimal."
            };
            format!(
                "{site} : {} sur {given}, valeur {}, {} demandés à la Région pour une enveloppe de {} ; {closing}",
                count_of(kept, "proposition retenue", "propositions retenues"),
                int(r.value),
                euros(r.region_funding_eur),
                euros(r.envelope_eur),
            )
        }
        RecommendationStatus::Infeasible => {
            let rules: Vec<String> = r.conflicts.iter().map(|c| rule_label(c.rule)).collect();
            format!(
                "{site} : aucun plan ne respecte toutes les règles avec les propositions faites ; ces règles ne peuvent être tenues ensemble : {}. Lever l'une d'elles (ou proposer d'autres actions) rend un plan possible.",
                and_list(&rules)
            )
        }
    }
}

/// The outcome of a proposal in French, from its typed reasons.
pub fn outcome(kept: bool, reasons: &[OutcomeReason]) -> String {
    let head = if kept { "Retenue" } else { "Écartée" };
    if reasons.is_empty() {
        return head.to_owned();
    }
    let parts: Vec<String> = reasons.iter().map(reason).collect();
    format!("{head} : {}.", parts.join(" ; "))
}

/// One reason, in French.
pub fn reason(reason: &OutcomeReason) -> String {
    match reason {
        OutcomeReason::ServesOrientations {
            orientations,
            value,
            participants,
            weight,
        } => {
            let numbers: Vec<String> = orientations.iter().map(ToString::to_string).collect();
            format!(
                "sert {} {} (valeur {} = {} × poids {weight})",
                if numbers.len() == 1 {
                    "l'orientation"
                } else {
                    "les orientations"
                },
                and_list(&numbers),
                int(*value),
                count_of(u64::from(*participants), "participant", "participants"),
            )
        }
        OutcomeReason::ServesNoOrientation => {
            "ne sert aucune orientation de la feuille de route (valeur 0)".to_owned()
        }
        OutcomeReason::OnlyActionInArea { area } => {
            format!("seule action du plan en {}", area.label())
        }
        OutcomeReason::EnvelopeExceeded { by_eur } => {
            format!("l'enveloppe serait dépassée de {}", euros(*by_eur))
        }
        OutcomeReason::CofundingTooLow {
            share_permille,
            min_percent,
        } => format!(
            "le cofinancement tomberait à {} du coût, sous les {} requis",
            percent(*share_permille as f64 / 10.0),
            percent(f64::from(*min_percent))
        ),
        OutcomeReason::OrientationFull {
            orientation,
            max_actions,
        } => format!(
            "l'orientation {orientation} compte déjà {}, le maximum permis",
            count_of(u64::from(*max_actions), "action retenue", "actions retenues")
        ),
        OutcomeReason::OrientationShareExceeded {
            orientation,
            asked_eur,
            cap_eur,
            max_percent,
        } => format!(
            "les actions de l'orientation {orientation} demanderaient {}, au-delà de {} ({} de l'enveloppe)",
            euros(*asked_eur),
            euros(*cap_eur),
            percent(f64::from(*max_percent))
        ),
        OutcomeReason::AddsNoValue => "ne sert aucune orientation de la feuille de route : elle n'ajouterait aucune valeur et coûterait à la Région".to_owned(),
        OutcomeReason::NoImprovement => "la retenir n'améliorerait pas le plan".to_owned(),
        OutcomeReason::DisplacesMoreValue { value } => format!(
            "la retenir obligerait à écarter des actions retenues valant plus que sa valeur de {}",
            int(*value)
        ),
        OutcomeReason::NoFeasiblePlan => {
            "aucun plan ne respecte toutes les règles (voir les règles en conflit)".to_owned()
        }
    }
}

fn site_plan_line(line: &crate::plan::SitePlanLine, year: i16) -> String {
    match line.state {
        None => format!("Aucun plan arbitré pour {year}."),
        Some(state) => {
            let mut out = format!(
                "Plan {} : {} de l'enveloppe de {} pour {}",
                state.label(),
                euros(line.region_funding_eur),
                euros(line.envelope_eur),
                count_of(line.actions as u64, "action", "actions"),
            );
            if line.region_funding_eur > line.envelope_eur {
                out.push_str(&format!(
                    ", au-delà de l'enveloppe de {}",
                    euros(line.region_funding_eur - line.envelope_eur)
                ));
            }
            out.push('.');
            out
        }
    }
}

fn region_summary(view: &RegionView) -> String {
    let planned = view.sites.iter().filter(|l| l.state.is_some()).count() as u64;
    let balance = if view.within_budget {
        format!(
            "il reste {}",
            euros(view.regional_budget_eur - view.region_funding_eur)
        )
    } else {
        format!(
            "le budget est dépassé de {}",
            euros(view.region_funding_eur - view.regional_budget_eur)
        )
    };
    format!(
        "Plans d'actions {} : {} demandés à la Région par {} pour un budget régional de {} ; {balance}. Déjà transmis à la Région : {}.",
        view.year,
        euros(view.region_funding_eur),
        count_of(planned, "plan", "plans"),
        euros(view.regional_budget_eur),
        euros(view.transmitted_eur),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::from_json;

    const MEETINGS: &str = include_str!("../../../examples/governance/meetings-2009.json");
    const ROADMAP: &str = include_str!("../../../examples/governance/roadmap-2010.json");
    const PROPOSALS: &str = include_str!("../../../examples/governance/proposals-2010.json");

    fn page() -> GovernancePage {
        let rules = GovernanceRuleset::champagne_ardenne();
        let registry = Registry::champagne_ardenne();
        let meetings: Vec<Meeting> = from_json("meetings-2009.json", MEETINGS).unwrap();
        let roadmap: Roadmap = from_json("roadmap-2010.json", ROADMAP).unwrap();
        let proposals: Vec<ActionProposal> = from_json("proposals-2010.json", PROPOSALS).unwrap();
        governance_page(&rules, &registry, 2009, meetings, &roadmap, &proposals).unwrap()
    }

    /// Everything a reader sees on the page (not the identifiers of its
    /// tables and columns).
    fn all_text(document: &Document) -> String {
        let mut out = vec![document.title.clone()];
        for section in &document.sections {
            out.push(section.title.clone());
            for block in &section.blocks {
                match block {
                    Block::Text { text } => out.push(text.clone()),
                    Block::Table(t) => {
                        out.push(t.title.clone());
                        out.extend(t.columns.iter().map(|c| c.label.clone()));
                        out.extend(t.note.clone());
                        for row in &t.rows {
                            out.push(row.label.clone());
                            for cell in &row.cells {
                                if let Cell::Text(text) = cell {
                                    out.push(text.clone());
                                }
                            }
                        }
                    }
                    Block::Chart(c) => out.push(c.title.clone()),
                }
            }
        }
        out.join("\n")
    }

    #[test]
    fn the_page_speaks_french_with_site_names_days_and_euros() {
        let page = page();
        let text = all_text(&page.document);
        for english in [
            "held",
            "missing",
            "out of",
            "kept:",
            "dropped",
            "envelope",
            "arbitrated",
            "required",
            "for site",
            "Regional choice",
        ] {
            assert!(!text.contains(english), "`{english}` on the page");
        }
        // Days written out, never ISO.
        assert!(text.contains("18 juin 2009"), "the Commission's day");
        assert!(
            !text.contains("2009-06-18"),
            "an ISO day is left on the page"
        );
        // Sites by name, not by identifier.
        assert!(text.contains("Charleville-Mézières"));
        assert!(!text.contains("charleville-mezieres:"));
        // Euros with a narrow no-break space and a no-break space before €.
        assert!(text.contains("\u{202F}000\u{A0}€"), "French euros");
        assert!(text.contains("Retenue : sert"), "a kept proposal's reason");
    }

    #[test]
    fn every_outcome_has_typed_reasons_that_read_in_both_languages() {
        let page = page();
        for decision in &page.decisions {
            for o in &decision.recommendation.outcomes {
                assert!(!o.reasons.is_empty(), "{}", o.proposal);
                assert_eq!(
                    o.explanation,
                    crate::arbitration::outcome_sentence(o.kept, &o.reasons)
                );
                let french = outcome(o.kept, &o.reasons);
                assert!(
                    french.starts_with(if o.kept { "Retenue : " } else { "Écartée : " }),
                    "{french}"
                );
            }
        }
    }

    #[test]
    fn a_dropped_proposal_over_the_envelope_says_by_how_much_in_french() {
        let text = outcome(
            false,
            &[
                OutcomeReason::EnvelopeExceeded { by_eur: 3200 },
                OutcomeReason::CofundingTooLow {
                    share_permille: 425,
                    min_percent: 30,
                },
            ],
        );
        assert_eq!(
            text,
            "Écartée : l'enveloppe serait dépassée de 3\u{202F}200\u{A0}€ ; le cofinancement tomberait à 42,5\u{A0}% du coût, sous les 30\u{A0}% requis."
        );
    }

    #[test]
    fn a_compliance_line_names_the_site_and_its_days() {
        let registry = Registry::champagne_ardenne();
        let line = ComplianceLine {
            requirement: "technical_committee".to_owned(),
            label: "Comités techniques".to_owned(),
            body: crate::body::Body::TechnicalCommittee,
            site: Some("sedan".to_owned()),
            status: ComplianceStatus::OutOfWindow,
            in_window: vec![],
            out_of_window: vec![jiff::civil::date(2009, 12, 1)],
            min: 1,
            max: Some(2),
            months: [6, 11],
            explanation: String::new(),
        };
        assert_eq!(
            compliance_line(&Names(&registry), &line, 2009),
            "0 réunion dans la période (de juin à novembre) pour Sedan, 1 à 2 requises ; tenue hors période le 1er décembre 2009."
        );
    }
}
