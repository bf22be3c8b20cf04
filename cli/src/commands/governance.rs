//! `em committee`, `em calendar`, `em plan`: the governance of the network —
//! meetings checked against their body's rules, the year's compliance table,
//! the calendar, and the arbitration of the sites' action proposals — and
//! the governance part of the report (a document of its own, drawn by the
//! same renderers).
//!
//! Meetings, roadmaps, proposals and committee decisions are read from JSON
//! files (the forms `em_governance::from_json` reads).

use std::path::{Path, PathBuf};

use em_core::report::{Block, Cell, Column, Document, Row, Section, Table};
use em_core::{Registry, Ruleset};
use em_governance::{
    ActionPlan, ActionProposal, Body, CommitteeDecision, ComplianceReport, ComplianceStatus,
    GovernanceRuleset, Meeting, Recommendation, RegionView, Roadmap,
};
use serde::de::DeserializeOwned;

use crate::args::{
    CalendarArgs, CommitteeArgs, CommitteeCommand, FormatArg, PlanArgs, PlanCommand,
};
use crate::error::CliError;
use crate::output::say;

/// Reads one of the governance JSON files.
pub fn read<T: DeserializeOwned>(path: &Path) -> Result<T, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| CliError::io(path, e))?;
    parse(&path.display().to_string(), &text)
}

/// Parses one of the governance JSON texts; `name` stands for the file.
pub fn parse<T: DeserializeOwned>(name: &str, text: &str) -> Result<T, CliError> {
    em_governance::from_json(name, text).map_err(|e| CliError::Input(e.to_string()))
}

fn rules(ruleset: &Ruleset) -> Result<GovernanceRuleset, CliError> {
    GovernanceRuleset::from_ruleset(ruleset).map_err(|e| CliError::Input(e.to_string()))
}

fn site_ids(registry: &Registry) -> Vec<&str> {
    registry.sites.iter().map(|s| s.id.as_str()).collect()
}

fn json<T: serde::Serialize>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| CliError::Input(e.to_string()))?;
    say(text);
    Ok(())
}

/// The meetings that pass their body's rules; the others are printed on
/// standard error with every breach, and counted.
pub fn accepted_meetings(
    rules: &GovernanceRuleset,
    registry: &Registry,
    meetings: Vec<Meeting>,
) -> (Vec<Meeting>, usize) {
    let ids = site_ids(registry);
    let mut accepted = Vec::new();
    let mut refused = 0;
    for meeting in meetings {
        match em_governance::record(rules, &ids, meeting) {
            Ok(recorded) => {
                // A meeting out of its period is kept: the compliance table
                // is where a person reads that, so the log only notes it.
                for warning in &recorded.warnings {
                    tracing::info!("{}: {warning}", recorded.meeting.id);
                }
                accepted.push(recorded.meeting);
            }
            Err(refusal) => {
                eprintln!("{refusal}");
                refused += 1;
            }
        }
    }
    (accepted, refused)
}

/// The recommendation for every site with proposals, then each site's plan
/// as its steering committee decides it (following the recommendation
/// unless `decisions` says otherwise), and the region's view of the plans.
pub fn arbitrate_all(
    rules: &GovernanceRuleset,
    registry: &Registry,
    roadmap: &Roadmap,
    proposals: &[ActionProposal],
    decisions: &[CommitteeDecision],
) -> Result<(Vec<Recommendation>, Vec<ActionPlan>, RegionView), CliError> {
    let ids = site_ids(registry);
    let mut recommendations = Vec::new();
    let mut plans = Vec::new();
    for (site, result) in em_governance::arbitrate_network(rules, roadmap, &ids, proposals) {
        let own: Vec<ActionProposal> = proposals
            .iter()
            .filter(|p| p.site == site)
            .cloned()
            .collect();
        if own.is_empty() {
            continue;
        }
        let recommendation =
            result.map_err(|e| CliError::Input(format!("arbitration of {site}: {e}")))?;
        let own_decisions: Vec<CommitteeDecision> = decisions
            .iter()
            .filter(|d| own.iter().any(|p| p.id == d.proposal))
            .cloned()
            .collect();
        let (plan, _journal) = em_governance::decide(
            rules,
            roadmap,
            &own,
            &recommendation,
            &own_decisions,
            Some("steering_committee"),
        )
        .map_err(|e| CliError::Input(format!("plan of {site}: {e}")))?;
        recommendations.push(recommendation);
        plans.push(plan);
    }
    let view = em_governance::region_view(rules, roadmap.year, &ids, &plans)
        .map_err(|e| CliError::Input(e.to_string()))?;
    Ok((recommendations, plans, view))
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

fn status_label(status: ComplianceStatus) -> &'static str {
    match status {
        ComplianceStatus::Held => "tenue",
        ComplianceStatus::OutOfWindow => "hors période",
        ComplianceStatus::Missing => "non tenue",
        ComplianceStatus::TooMany => "trop de réunions",
    }
}

fn body_label(body: Body) -> &'static str {
    match body {
        Body::Commission => "Commission régionale",
        Body::TechnicalCommittee => "Comité technique local de programmation",
        Body::SteeringCommittee => "Comité de pilotage",
    }
}

fn euros(amount: u64) -> Cell {
    Cell::Number(amount as f64)
}

/// The governance part of the report: compliance of the year's meetings,
/// the arbitration of the proposals, and the plans against the regional
/// budget. It holds no personal data: meetings, proposals and plans only.
pub fn document(
    registry: &Registry,
    compliance: &ComplianceReport,
    recommendations: &[Recommendation],
    view: &RegionView,
) -> Document {
    let site_name = |id: &Option<String>| match id {
        Some(id) => registry
            .site(id)
            .map_or_else(|| id.clone(), |s| s.name.clone()),
        None => "Région".to_owned(),
    };
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
                label: format!("{} — {}", site_name(&l.site), l.label),
                cells: vec![
                    text(body_label(l.body)),
                    text(status_label(l.status)),
                    Cell::Count(l.in_window.len() as u64),
                    Cell::Count(l.out_of_window.len() as u64),
                    text(&l.explanation),
                ],
            })
            .collect(),
        note: None,
    };
    let mut compliance_blocks = vec![Block::Text {
        text: compliance.explanation.clone(),
    }];
    compliance_blocks.push(Block::Table(compliance_table));

    let mut arbitration_blocks = Vec::new();
    for r in recommendations {
        arbitration_blocks.push(Block::Text {
            text: format!("{} : {}", site_name(&Some(r.site.clone())), r.explanation),
        });
        arbitration_blocks.push(Block::Table(Table {
            id: format!("governance.arbitration_{}_{}", r.site, r.year),
            title: format!(
                "Propositions d'actions {} — {}",
                r.year,
                site_name(&Some(r.site.clone()))
            ),
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
                        Cell::Number(o.value as f64),
                        euros(o.region_funding_eur),
                        text(&o.explanation),
                    ],
                })
                .collect(),
            note: Some(r.tie_break.clone()),
        }));
    }

    let budget_table = Table {
        id: format!("governance.region_view_{}", view.year),
        title: format!("Plans d'actions {} et budget régional", view.year),
        columns: columns(&[
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
                label: site_name(&Some(l.site.clone())),
                cells: vec![
                    euros(l.envelope_eur),
                    euros(l.region_funding_eur),
                    Cell::Count(l.actions as u64),
                    text(&l.explanation),
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
                blocks: compliance_blocks,
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
                        text: view.explanation.clone(),
                    },
                    Block::Table(budget_table),
                ],
            },
        ],
    }
}

/// The governance files a report can include.
#[derive(Debug, Clone)]
pub struct GovernanceInputs {
    /// The meetings of the report's year (JSON text and its name).
    pub meetings: (String, String),
    /// The roadmap of the plans' year.
    pub roadmap: (String, String),
    /// The sites' action proposals.
    pub proposals: (String, String),
}

impl GovernanceInputs {
    /// Reads the three files.
    pub fn from_files(meetings: &Path, roadmap: &Path, proposals: &Path) -> Result<Self, CliError> {
        let read = |p: &Path| {
            std::fs::read_to_string(p)
                .map(|t| (p.display().to_string(), t))
                .map_err(|e| CliError::io(p, e))
        };
        Ok(GovernanceInputs {
            meetings: read(meetings)?,
            roadmap: read(roadmap)?,
            proposals: read(proposals)?,
        })
    }
}

/// Builds the governance document of `year` (meetings of that year) and of
/// the roadmap's year (proposals).
pub fn report_document(
    ruleset: &Ruleset,
    registry: &Registry,
    year: i16,
    inputs: &GovernanceInputs,
) -> Result<Document, CliError> {
    let _span = tracing::info_span!("governance_report", year).entered();
    let rules = rules(ruleset)?;
    let meetings: Vec<Meeting> = parse(&inputs.meetings.0, &inputs.meetings.1)?;
    let roadmap: Roadmap = parse(&inputs.roadmap.0, &inputs.roadmap.1)?;
    let proposals: Vec<ActionProposal> = parse(&inputs.proposals.0, &inputs.proposals.1)?;
    let (accepted, refused) = accepted_meetings(&rules, registry, meetings);
    if refused > 0 {
        tracing::warn!(
            refused,
            "meetings refused by their body's rules are left out"
        );
    }
    let compliance = em_governance::compliance(&rules, &site_ids(registry), &accepted, year);
    let (recommendations, _plans, view) =
        arbitrate_all(&rules, registry, &roadmap, &proposals, &[])?;
    Ok(document(registry, &compliance, &recommendations, &view))
}

/// Runs `em committee …`.
pub fn committee(args: &CommitteeArgs) -> Result<(), CliError> {
    let ruleset = crate::commands::ruleset::current()?;
    let registry = Registry::champagne_ardenne();
    let rules = rules(&ruleset)?;
    match &args.command {
        CommitteeCommand::Check { meetings } => {
            let list: Vec<Meeting> = read(meetings)?;
            let (recorded, refused) = check_meetings(&rules, &registry, list);
            for r in &recorded {
                say(&r.explanation);
                for warning in &r.warnings {
                    say(format_args!("  warning: {warning}"));
                }
            }
            if refused > 0 {
                return Err(CliError::Input(format!("{refused} meeting(s) refused")));
            }
            Ok(())
        }
        CommitteeCommand::Record { db, meetings } => {
            let _span = tracing::info_span!("committee_record").entered();
            let list: Vec<Meeting> = read(meetings)?;
            let (recorded, refused) = check_meetings(&rules, &registry, list);
            // All or nothing: a file half recorded would leave the
            // coordinator guessing which meetings to send again.
            if refused > 0 {
                return Err(CliError::Input(format!(
                    "{refused} meeting(s) refused; none of {} recorded",
                    meetings.display()
                )));
            }
            let mut store = crate::commands::init::open(db)?;
            em_store::governance::record_meetings(&mut store, &recorded).map_err(|e| {
                CliError::Input(format!(
                    "{}: {e}; none of {} recorded",
                    db.display(),
                    meetings.display()
                ))
            })?;
            for r in &recorded {
                say(&r.explanation);
                for warning in &r.warnings {
                    say(format_args!("  warning: {warning}"));
                }
            }
            say(format_args!(
                "{} meeting(s) recorded in {}",
                recorded.len(),
                db.display()
            ));
            Ok(())
        }
        CommitteeCommand::Compliance {
            meetings,
            db,
            year,
            json: as_json,
        } => {
            let list: Vec<Meeting> = match (meetings, db) {
                (Some(path), _) => read(path)?,
                (None, Some(db)) => {
                    let store = crate::commands::init::open(db)?;
                    em_store::governance::meetings(store.connection(), Some(*year))
                        .map_err(|e| CliError::Input(format!("{}: {e}", db.display())))?
                }
                (None, None) => {
                    return Err(CliError::Usage(
                        "give a meetings file or --db with recorded meetings".to_owned(),
                    ));
                }
            };
            let (accepted, _) = accepted_meetings(&rules, &registry, list);
            let report = em_governance::compliance(&rules, &site_ids(&registry), &accepted, *year);
            if *as_json {
                json(&report)?;
            } else {
                say(&report.explanation);
                for line in &report.lines {
                    say(compliance_line(&registry, line));
                }
            }
            let failing = report
                .lines
                .iter()
                .filter(|l| l.status != ComplianceStatus::Held)
                .count();
            if failing > 0 {
                return Err(CliError::Input(format!(
                    "{failing} required meeting(s) of {year} not held as the rules ask"
                )));
            }
            Ok(())
        }
    }
}

/// Each meeting checked against its body's rules: the recorded ones, and
/// how many were refused (each printed on standard error with its
/// breaches).
fn check_meetings(
    rules: &GovernanceRuleset,
    registry: &Registry,
    meetings: Vec<Meeting>,
) -> (Vec<em_governance::RecordedMeeting>, usize) {
    let ids = site_ids(registry);
    let mut recorded = Vec::new();
    let mut refused = 0;
    for meeting in meetings {
        match em_governance::record(rules, &ids, meeting) {
            Ok(r) => recorded.push(r),
            Err(refusal) => {
                eprintln!("{refusal}");
                refused += 1;
            }
        }
    }
    (recorded, refused)
}

/// One line of the compliance table: the site by its name (and its
/// identifier, which the other commands take), or the region.
fn compliance_line(registry: &Registry, line: &em_governance::ComplianceLine) -> String {
    let whose = match &line.site {
        Some(id) => match registry.site(id) {
            Some(site) => format!("{} ({id})", site.name),
            None => id.clone(),
        },
        None => "Région".to_owned(),
    };
    format!(
        "{whose:<34} {:<18} {}",
        line.status.as_str(),
        line.explanation
    )
}

/// Runs `em calendar`.
pub fn calendar(args: &CalendarArgs) -> Result<(), CliError> {
    let ruleset = crate::commands::ruleset::current()?;
    let registry = Registry::champagne_ardenne();
    let rules = rules(&ruleset)?;
    if let Some(site) = &args.site {
        crate::commands::import::check_site(&registry, site)?;
    }
    let meetings: Vec<Meeting> = match &args.meetings {
        Some(path) => read(path)?,
        None => Vec::new(),
    };
    let calendar = em_governance::calendar(
        &rules,
        &registry,
        args.year,
        args.site.as_deref(),
        &meetings,
    )
    .map_err(|e| CliError::Input(e.to_string()))?;
    match &args.out {
        Some(path) => {
            let ics = em_governance::to_ics(&calendar, jiff::Timestamp::now())
                .map_err(|e| CliError::Input(e.to_string()))?;
            std::fs::write(path, ics).map_err(|e| CliError::io(path, e))?;
            say(format_args!(
                "{} item(s) written to {} (iCalendar)",
                calendar.items.len(),
                path.display()
            ));
        }
        None => {
            for item in &calendar.items {
                let when = match &item.when {
                    em_governance::When::AllDay { first, last } if first == last => {
                        first.to_string()
                    }
                    em_governance::When::AllDay { first, last } => format!("{first} → {last}"),
                    em_governance::When::Timed { start, .. } => start.to_string(),
                };
                say(format_args!("{when:<24} {}", item.summary));
            }
        }
    }
    Ok(())
}

/// Runs `em plan …`.
pub fn plan(args: &PlanArgs) -> Result<(), CliError> {
    let ruleset = crate::commands::ruleset::current()?;
    let registry = Registry::champagne_ardenne();
    let rules = rules(&ruleset)?;
    // The roadmap and the proposals, for the subcommands that arbitrate.
    let inputs = || -> Result<(Roadmap, Vec<ActionProposal>), CliError> {
        let missing = |flag: &str| {
            CliError::Usage(format!("{flag} is needed to arbitrate or decide the plans"))
        };
        let roadmap = args
            .roadmap
            .as_deref()
            .ok_or_else(|| missing("--roadmap"))?;
        let proposals = args
            .proposals
            .as_deref()
            .ok_or_else(|| missing("--proposals"))?;
        Ok((read(roadmap)?, read(proposals)?))
    };
    match &args.command {
        PlanCommand::Arbitrate {
            site,
            json: as_json,
        } => {
            let (roadmap, mut proposals) = inputs()?;
            if let Some(site) = site {
                crate::commands::import::check_site(&registry, site)?;
                proposals.retain(|p| &p.site == site);
            }
            let (recommendations, _, _) =
                arbitrate_all(&rules, &registry, &roadmap, &proposals, &[])?;
            if *as_json {
                return json(&recommendations);
            }
            for r in &recommendations {
                say(format_args!("{}: {}", r.site, r.explanation));
                for o in &r.outcomes {
                    say(format_args!(
                        "  [{}] {} — {}",
                        if o.kept { "kept" } else { "dropped" },
                        o.proposal,
                        o.explanation
                    ));
                }
            }
            Ok(())
        }
        PlanCommand::Decide {
            db,
            site,
            decisions,
        } => {
            let _span = tracing::info_span!("plan_decide").entered();
            let (roadmap, mut proposals) = inputs()?;
            if let Some(site) = site {
                crate::commands::import::check_site(&registry, site)?;
                proposals.retain(|p| &p.site == site);
            }
            let decisions: Vec<CommitteeDecision> = match decisions {
                Some(path) => read(path)?,
                None => Vec::new(),
            };
            let decided = em_store::governance::decide_plans(
                &rules,
                &site_ids(&registry),
                &roadmap,
                &proposals,
                &decisions,
            )
            .map_err(|e| CliError::Input(e.to_string()))?;
            let mut store = crate::commands::init::open(db)?;
            em_store::governance::save_decided_plans(&mut store, &decided, jiff::Timestamp::now())
                .map_err(|e| CliError::Input(format!("{}: {e}; no plan recorded", db.display())))?;
            for (plan, _) in &decided {
                say(format_args!("{}: {}", plan.site, plan.explanation));
            }
            say(format_args!(
                "{} plan(s) recorded in {}",
                decided.len(),
                db.display()
            ));
            Ok(())
        }
        PlanCommand::Transmit {
            db,
            site,
            year,
            date,
        } => {
            let _span = tracing::info_span!("plan_transmit", site, year).entered();
            crate::commands::import::check_site(&registry, site)?;
            let mut store = crate::commands::init::open(db)?;
            let (_plan, record) = em_store::governance::transmit_plan(
                &mut store,
                site,
                *year,
                *date,
                jiff::Timestamp::now(),
            )
            .map_err(|e| match e {
                // The library does not know the command that decides; the
                // CLI names it.
                em_store::governance::GovernanceError::NoPlan { .. } => {
                    CliError::Input(format!("{}: {e} with `em plan decide`", db.display()))
                }
                other => CliError::Input(format!("{}: {other}", db.display())),
            })?;
            say(&record.reason);
            Ok(())
        }
        PlanCommand::Show { db, year } => {
            let store = crate::commands::init::open(db)?;
            let conn = store.connection();
            let plans = em_store::governance::plans(conn, *year)
                .map_err(|e| CliError::Input(format!("{}: {e}", db.display())))?;
            if plans.is_empty() {
                say(format_args!("no plan recorded for {year}"));
            }
            for plan in &plans {
                let name = registry
                    .site(&plan.site)
                    .map_or_else(|| plan.site.clone(), |s| s.name.clone());
                say(format_args!(
                    "{name} ({}): {} — {}",
                    plan.site,
                    plan.state.as_str(),
                    plan.explanation
                ));
                let history = em_store::journal::entries(conn, &plan.subject())
                    .map_err(|e| CliError::Input(format!("{}: {e}", db.display())))?;
                for entry in history {
                    say(format_args!(
                        "  {} {} by {} ({}): {}",
                        entry.at, entry.action, entry.actor, entry.role, entry.reason
                    ));
                }
            }
            Ok(())
        }
        PlanCommand::Region {
            decisions,
            json: as_json,
        } => {
            let (roadmap, proposals) = inputs()?;
            let decisions: Vec<CommitteeDecision> = match decisions {
                Some(path) => read(path)?,
                None => Vec::new(),
            };
            let (_, _, view) = arbitrate_all(&rules, &registry, &roadmap, &proposals, &decisions)?;
            if *as_json {
                return json(&view);
            }
            say(&view.explanation);
            for line in &view.sites {
                say(format_args!("  {:<22} {}", line.site, line.explanation));
            }
            Ok(())
        }
    }
}

/// Writes the governance document beside the activity report, in the
/// formats asked for.
pub fn write(
    document: &Document,
    out: &Path,
    threshold: u64,
    formats: &[FormatArg],
) -> Result<Vec<PathBuf>, CliError> {
    let options = em_render::Options::for_threshold(threshold);
    let mut written = Vec::new();
    for format in formats {
        match format {
            FormatArg::Html => {
                let path = out.join("governance.html");
                std::fs::write(&path, em_render::to_html(document, &options))
                    .map_err(|e| CliError::io(&path, e))?;
                written.push(path);
            }
            FormatArg::Json => {
                let path = out.join("governance.json");
                let text =
                    em_render::to_json(document).map_err(|e| CliError::Input(e.to_string()))?;
                std::fs::write(&path, text).map_err(|e| CliError::io(&path, e))?;
                written.push(path);
            }
            FormatArg::Csv => {
                let dir = out.join("csv");
                std::fs::create_dir_all(&dir).map_err(|e| CliError::io(&dir, e))?;
                for file in em_render::to_csv_files(document, &options) {
                    let path = dir.join(&file.name);
                    std::fs::write(&path, &file.content).map_err(|e| CliError::io(&path, e))?;
                    written.push(path);
                }
            }
        }
    }
    Ok(written)
}
