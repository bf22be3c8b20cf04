//! `em committee`, `em calendar`, `em plan`: the governance of the network —
//! meetings checked against their body's rules, the year's compliance table,
//! the calendar, and the arbitration of the sites' action proposals — and
//! the governance page of the report, which `em_governance::page` writes in
//! French and the same renderers draw.
//!
//! Meetings, roadmaps, proposals and committee decisions are read from JSON
//! files (the forms `em_governance::from_json` reads).

use std::path::{Path, PathBuf};

use em_core::report::Document;
use em_core::{Registry, Ruleset};
use em_governance::{
    ActionPlan, ActionProposal, CheckedMeetings, CommitteeDecision, ComplianceStatus,
    GovernanceRuleset, Meeting, Recommendation, Roadmap,
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
    registry.site_ids()
}

fn json<T: serde::Serialize>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| CliError::Input(e.to_string()))?;
    say(text);
    Ok(())
}

/// Checks every meeting of a file against its body's rules; each refused
/// one is printed on standard error with every rule it breaks, at its place
/// in `source` (the file or the database it was read from).
fn check_meetings(
    rules: &GovernanceRuleset,
    registry: &Registry,
    source: &Path,
    meetings: Vec<Meeting>,
) -> CheckedMeetings {
    let checked = em_governance::record_all(rules, &site_ids(registry), meetings);
    for (index, refusal) in &checked.refused {
        for breach in &refusal.breaches {
            crate::output::warn(format_args!(
                "{}: [{index}].{} (meeting `{}`, {}): {}",
                source.display(),
                breach.field,
                refusal.meeting,
                breach.rule,
                breach.reason
            ));
        }
    }
    checked
}

/// The recommendation for every site with proposals.
fn recommendations(
    rules: &GovernanceRuleset,
    registry: &Registry,
    roadmap: &Roadmap,
    proposals: &[ActionProposal],
) -> Result<Vec<Recommendation>, CliError> {
    em_governance::recommend_network(rules, &site_ids(registry), roadmap, proposals)
        .map_err(|e| CliError::Input(e.to_string()))
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
    /// Records in `store` the meetings the rules accept (a refused one is
    /// left out, as the governance page leaves it out), all at once; the
    /// number recorded.
    pub fn record_meetings(
        &self,
        store: &mut em_store::Store,
        ruleset: &Ruleset,
        registry: &Registry,
    ) -> Result<usize, CliError> {
        let (name, text) = &self.meetings;
        let meetings: Vec<Meeting> = parse(name, text)?;
        let checked = em_governance::record_all(&rules(ruleset)?, &site_ids(registry), meetings);
        em_store::governance::record_meetings(store, &checked.recorded)
            .map_err(|e| CliError::Input(format!("{name}: {e}")))?;
        Ok(checked.recorded.len())
    }
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

/// Builds the governance page of `year` (meetings of that year) and of
/// the roadmap's year (proposals), in French; meetings refused by their
/// body's rules are printed on standard error and left out.
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
    let page =
        em_governance::governance_page(&rules, registry, year, meetings, &roadmap, &proposals)
            .map_err(|e| CliError::Input(e.to_string()))?;
    for (_, refusal) in &page.refused {
        crate::output::warn(format_args!("{refusal}"));
    }
    Ok(page.document)
}

/// Runs `em committee …`.
pub fn committee(args: &CommitteeArgs) -> Result<(), CliError> {
    let ruleset = crate::commands::ruleset::current()?;
    let registry = Registry::champagne_ardenne();
    let rules = rules(&ruleset)?;
    match &args.command {
        CommitteeCommand::Check { meetings } => {
            let list: Vec<Meeting> = read(meetings)?;
            let checked = check_meetings(&rules, &registry, meetings, list);
            let refused = checked.refused.len();
            for r in &checked.recorded {
                say(&r.explanation);
                for warning in &r.warnings {
                    say(format_args!("  warning: {warning}"));
                }
            }
            if refused > 0 {
                return Err(CliError::Input(format!(
                    "{refused} meeting(s) of {} refused; nothing stored (check only)",
                    meetings.display()
                )));
            }
            // A check stores nothing: say so, lest "valid" be read as
            // "recorded".
            say(format_args!(
                "{} meeting(s) valid: they would be recorded by `em committee record`; nothing stored",
                checked.recorded.len()
            ));
            Ok(())
        }
        CommitteeCommand::Record { db, meetings } => {
            let _span = tracing::info_span!("committee_record").entered();
            let list: Vec<Meeting> = read(meetings)?;
            let checked = check_meetings(&rules, &registry, meetings, list);
            let (recorded, refused) = (checked.recorded, checked.refused.len());
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
            let source = meetings
                .as_deref()
                .or(db.as_deref())
                .unwrap_or(Path::new(""));
            let list: Vec<Meeting> = match (meetings, db) {
                (Some(path), _) => read(path)?,
                (None, Some(db)) => {
                    let store = crate::commands::init::open(db)?;
                    em_store::governance::meetings(store.connection(), Some(year.get()))
                        .map_err(|e| CliError::Input(format!("{}: {e}", db.display())))?
                }
                (None, None) => {
                    return Err(CliError::Usage(
                        "give a meetings file or --db with recorded meetings".to_owned(),
                    ));
                }
            };
            let accepted = check_meetings(&rules, &registry, source, list).accepted();
            let report =
                em_governance::compliance(&rules, &site_ids(&registry), &accepted, year.get());
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
        args.year.get(),
        args.site.as_deref(),
        &meetings,
    )
    .map_err(|e| match (&e, &args.meetings) {
        // A meeting the calendar cannot place is named in its file.
        (em_governance::CalendarError::Meeting { .. }, Some(path)) => {
            CliError::Input(format!("{}: {e}", path.display()))
        }
        _ => CliError::Input(e.to_string()),
    })?;
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
        let list: Vec<ActionProposal> = read(proposals)?;
        // Before any command keeps one site's proposals: a proposal of a
        // site the network lacks is refused, never filtered out.
        let problems = em_governance::check_proposal_sites(&site_ids(&registry), &list);
        if !problems.is_empty() {
            return Err(CliError::Input(format!(
                "{}: {}",
                proposals.display(),
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            )));
        }
        Ok((read(roadmap)?, list))
    };
    // Decisions the library refuses (`PlanError::Invalid`) are named in the
    // decisions file; other errors stand on their own.
    let in_decisions = |path: &Option<PathBuf>, refused_decisions: bool, message: String| match path
    {
        Some(path) if refused_decisions => {
            CliError::Input(format!("{}: {message}", path.display()))
        }
        _ => CliError::Input(message),
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
            let recommendations = recommendations(&rules, &registry, &roadmap, &proposals)?;
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
            let decisions_path = decisions;
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
            .map_err(|e| {
                let refused = matches!(
                    e,
                    em_store::governance::GovernanceError::Plan {
                        source: em_governance::PlanError::Invalid(_),
                        ..
                    }
                );
                in_decisions(decisions_path, refused, e.to_string())
            })?;
            let mut store = crate::commands::init::open(db)?;
            em_store::governance::save_decided_plans(&mut store, &decided, jiff::Timestamp::now())
                .map_err(|e| CliError::Input(format!("{}: {e}; no plan recorded", db.display())))?;
            for d in &decided {
                say(format_args!("{}: {}", d.plan.site, d.plan.explanation));
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
            let _span = tracing::info_span!("plan_transmit", site, year = year.get()).entered();
            crate::commands::import::check_site(&registry, site)?;
            let mut store = crate::commands::init::open(db)?;
            let (_plan, record) = em_store::governance::transmit_plan(
                &mut store,
                site,
                year.get(),
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
            let plans = em_store::governance::plans(conn, year.get())
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
            let decisions_path = decisions;
            let (roadmap, proposals) = inputs()?;
            let decisions: Vec<CommitteeDecision> = match decisions {
                Some(path) => read(path)?,
                None => Vec::new(),
            };
            let plans: Vec<ActionPlan> = em_governance::decide_network(
                &rules,
                &site_ids(&registry),
                &roadmap,
                &proposals,
                &decisions,
            )
            .map_err(|e| {
                let refused = matches!(e.source, em_governance::PlanError::Invalid(_));
                in_decisions(decisions_path, refused, e.to_string())
            })?
            .into_iter()
            .map(|d| d.plan)
            .collect();
            let view =
                em_governance::region_view(&rules, roadmap.year, &site_ids(&registry), &plans)
                    .map_err(|e| CliError::Input(e.to_string()))?;
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
