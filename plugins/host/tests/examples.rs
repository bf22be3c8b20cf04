//! The example plugins through the whole host: manifest, compilation,
//! cache, sandboxed calls and the checks of what they return.

mod common;

use common::{Plugin, host, install, troyes, wasm};
use em_core::report::{Block, Cell};
use em_core::statistics::Visit;
use em_plugin_host::{PluginError, PluginKind, Severity};

fn visit(site: &str, education_level: Option<&str>, themes: &[&str]) -> Visit {
    Visit {
        site: site.to_owned(),
        date: jiff::civil::date(2024, 3, 12),
        reference: Some("R-1".to_owned()),
        visitor: Some("card-0042".to_owned()),
        contact_mode: "in_person".to_owned(),
        sex: None,
        age_band: Some("18_25".to_owned()),
        status: None,
        education_level: education_level.map(str::to_owned),
        commune: None,
        first_visit: Some(false),
        arrival_channel: None,
        themes: themes.iter().map(|t| (*t).to_owned()).collect(),
        services: Vec::new(),
        referrals: Vec::new(),
    }
}

fn local_rule(sites: &'static [&'static str]) -> Plugin<'static> {
    Plugin {
        name: "local-rule",
        kind: "rules",
        bytes: wasm("local_rule"),
        sites,
        extra: "",
    }
}

#[test]
fn the_youth_report_draws_its_section_with_a_chart() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = install(
        dir.path(),
        &[Plugin::report("youth-report", wasm("youth_report"))],
    );
    let mut host = host(dir.path());
    let outcome = host.load_manifest(&manifest).unwrap();
    assert_eq!(outcome.loaded, ["youth-report"]);
    let (_, info) = host.plugins().next().unwrap();
    assert_eq!(info.interface_version, "0.1.0");
    assert_eq!(
        info.needs,
        ["visits_by_age_band", "visits_by_arrival_channel"]
    );

    let doc = host.run_report("youth-report", &troyes()).unwrap();
    assert_eq!(doc.title, "Les jeunes de moins de 26 ans");
    let profile = &doc.sections[0];
    let Block::Table(table) = &profile.blocks[1] else {
        panic!("expected the profile table, got {:?}", profile.blocks[1]);
    };
    // The masked 16-17 band stays masked, and the others are counted.
    let counts: Vec<&Cell> = table.rows.iter().map(|r| &r.cells[0]).collect();
    assert_eq!(counts, [&Cell::Count(12), &Cell::Masked, &Cell::Count(214)]);
    let Block::Chart(chart) = &profile.blocks[2] else {
        panic!("expected a chart, got {:?}", profile.blocks[2]);
    };
    assert_eq!(chart.series[0].values, [Some(12.0), None, Some(214.0)]);
    let Block::Text { text } = &profile.blocks[0] else {
        panic!("expected the summary");
    };
    assert!(text.contains("au moins 226 des 471 visites"), "{text}");
}

#[test]
fn the_local_rule_refuses_a_visit_without_education_level() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = install(dir.path(), &[local_rule(&["epernay"])]);
    let mut host = host(dir.path());
    assert!(host.load_manifest(&manifest).unwrap().failed.is_empty());
    let visits = [
        visit("epernay", Some("level_4"), &["guidance"]),
        // Another site's visit is never shown to Épernay's plugin.
        visit("sedan", None, &[]),
        visit("epernay", None, &["local.viticulture"]),
        visit("epernay", Some("level_5"), &["local.vitculture"]),
    ];
    let findings = host.run_rules("local-rule", &visits).unwrap();
    let got: Vec<(usize, &str, Severity)> = findings
        .iter()
        .map(|f| (f.visit, f.field.as_str(), f.severity))
        .collect();
    assert_eq!(
        got,
        [
            (2, "education_level", Severity::Error),
            (3, "themes", Severity::Error)
        ]
    );
    assert!(findings[0].reason.contains("mandatory"));
}

#[test]
fn a_plugin_enabled_for_a_site_it_does_not_serve_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = install(dir.path(), &[local_rule(&["epernay", "sedan"])]);
    let mut outcome = host(dir.path()).load_manifest(&manifest).unwrap();
    let err = outcome.failed.pop().unwrap().error;
    assert!(
        matches!(&err, PluginError::Description { reason, .. } if reason.contains("sedan")),
        "{err:?}"
    );
}

#[test]
fn a_plugin_whose_name_differs_from_its_manifest_entry_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = install(dir.path(), &[Plugin::report("young", wasm("youth_report"))]);
    let mut outcome = host(dir.path()).load_manifest(&manifest).unwrap();
    let err = outcome.failed.pop().unwrap().error;
    assert!(matches!(&err, PluginError::Description { .. }), "{err:?}");
}

#[test]
fn a_report_plugin_declared_as_rules_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let plugin = Plugin {
        kind: "rules",
        ..Plugin::report("youth-report", wasm("youth_report"))
    };
    let manifest = install(dir.path(), &[plugin]);
    let mut outcome = host(dir.path()).load_manifest(&manifest).unwrap();
    let err = outcome.failed.pop().unwrap().error;
    assert!(
        matches!(&err, PluginError::WrongWorld { expected: PluginKind::Rules, found, .. }
            if found == &["espaces-metiers:plugin/reporter@0.1.0"]),
        "{err:?}"
    );
}

#[test]
fn calls_name_unknown_plugins_wrong_kinds_and_sites_not_enabled() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = install(
        dir.path(),
        &[
            Plugin::report("youth-report", wasm("youth_report")),
            local_rule(&["epernay"]),
        ],
    );
    let mut host = host(dir.path());
    let outcome = host.load_manifest(&manifest).unwrap();
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    let mut sedan = troyes();
    sedan.site = "sedan".to_owned();
    assert!(matches!(
        host.run_report("youth-report", &sedan),
        Err(PluginError::NotEnabled { site, .. }) if site == "sedan"
    ));
    assert!(matches!(
        host.run_report("local-rule", &troyes()),
        Err(PluginError::WrongKind {
            actual: PluginKind::Rules,
            ..
        })
    ));
    assert!(matches!(
        host.run_rules("nobody", &[]),
        Err(PluginError::Unknown { .. })
    ));
    assert_eq!(
        host.enabled_for("epernay", PluginKind::Rules),
        ["local-rule"]
    );
    assert!(host.enabled_for("epernay", PluginKind::Report).is_empty());
}

#[test]
fn a_second_host_loads_the_compiled_plugin_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = install(
        dir.path(),
        &[Plugin::report("youth-report", wasm("youth_report"))],
    );
    let outcome = host(dir.path()).load_manifest(&manifest).unwrap();
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    let artifacts = || {
        std::fs::read_dir(dir.path().join("cache"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "cwasm")
            })
            .count()
    };
    assert_eq!(artifacts(), 1);
    let mut second = host(dir.path());
    assert_eq!(
        second.load_manifest(&manifest).unwrap().loaded,
        ["youth-report"]
    );
    assert!(second.run_report("youth-report", &troyes()).is_ok());
    assert_eq!(artifacts(), 1);
}

#[test]
fn a_report_run_gives_each_site_what_a_fresh_call_gives() {
    let dir = tempfile::tempdir().unwrap();
    let plugin = Plugin {
        sites: &["troyes", "sedan"],
        ..Plugin::report("youth-report", wasm("youth_report"))
    };
    let manifest = install(dir.path(), &[plugin]);
    let mut host = host(dir.path());
    let outcome = host.load_manifest(&manifest).unwrap();
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    let troyes = troyes();
    let mut sedan = troyes.clone();
    sedan.site = "sedan".to_owned();
    for table in &mut sedan.tables {
        for row in &mut table.rows {
            for cell in &mut row.cells {
                if let Cell::Count(n) = cell {
                    *n += 7;
                }
            }
        }
    }
    let mut run = host.report_run();
    // Sites in turn, each twice, in the instance the run keeps: what one
    // site leaves in memory must not show in the next one's document.
    for tables in [&troyes, &sedan, &troyes, &sedan] {
        let kept = run.run_report("youth-report", tables).unwrap();
        let fresh = host.run_report("youth-report", tables).unwrap();
        assert_eq!(kept, fresh, "{}", tables.site);
    }
    let err = run.run_report("youth-report", &{
        let mut other = troyes.clone();
        other.site = "reims".to_owned();
        other
    });
    assert!(
        matches!(err, Err(PluginError::NotEnabled { .. })),
        "{err:?}"
    );
}

#[test]
fn a_rules_run_keeps_one_instance_and_finds_what_fresh_calls_find() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = install(dir.path(), &[local_rule(&["epernay"])]);
    let mut host = host(dir.path());
    assert!(host.load_manifest(&manifest).unwrap().failed.is_empty());
    let batches = [
        vec![
            visit("epernay", None, &["local.viticulture"]),
            visit("epernay", Some("level_4"), &["guidance"]),
        ],
        vec![visit("epernay", Some("level_5"), &["local.vitculture"])],
        vec![visit("sedan", None, &[])],
    ];
    let mut run = host.rules_run();
    for batch in &batches {
        assert_eq!(
            run.run_rules("local-rule", batch).unwrap(),
            host.run_rules("local-rule", batch).unwrap()
        );
    }
    assert_eq!(run.run_rules("local-rule", &batches[0]).unwrap().len(), 1);
}

#[test]
fn a_plugin_naming_a_site_the_registry_does_not_know_is_left_out_alone() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = install(
        dir.path(),
        &[
            local_rule(&["epernay", "atlantis"]),
            Plugin::report("youth-report", wasm("youth_report")),
        ],
    );
    let mut host = host(dir.path());
    let outcome = host
        .load_manifest_for_sites(&manifest, &["epernay", "troyes"])
        .unwrap();
    assert_eq!(outcome.loaded, ["youth-report"]);
    let [failure] = &outcome.failed[..] else {
        panic!("one plugin left out: {:?}", outcome.failed);
    };
    // The failure points at the unknown site's line, and keeps the entry
    // (kind and known sites) so that a caller can refuse that site's work.
    assert_eq!(failure.entry.name, "local-rule");
    assert_eq!(failure.entry.kind, PluginKind::Rules);
    assert_eq!(failure.entry.sites, ["epernay"]);
    let text = std::fs::read_to_string(&manifest).unwrap();
    let site_line = text.lines().position(|l| l.contains("atlantis")).unwrap() + 1;
    assert_eq!(failure.line, site_line);
    let said = failure.to_string();
    assert!(
        said.starts_with(&format!("{}:{site_line}: ", manifest.display())),
        "{said}"
    );
    assert!(
        matches!(&failure.error, PluginError::UnknownSite { plugin, violations }
            if plugin == "local-rule" && violations[0].field == "plugin[0].sites[1]"),
        "{said}"
    );
    assert!(
        said.contains("`atlantis` is not a site of the registry"),
        "{said}"
    );
    assert!(host.enabled_for("epernay", PluginKind::Rules).is_empty());
    assert!(host.run_report("youth-report", &troyes()).is_ok());
}

#[test]
fn a_plugin_that_fails_to_load_is_placed_at_its_entry_in_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = install(
        dir.path(),
        &[
            Plugin::report("youth-report", wasm("youth_report")),
            Plugin::report("young", wasm("youth_report")),
        ],
    );
    let outcome = host(dir.path()).load_manifest(&manifest).unwrap();
    let [failure] = &outcome.failed[..] else {
        panic!("one plugin left out: {:?}", outcome.failed);
    };
    let text = std::fs::read_to_string(&manifest).unwrap();
    let name_line = text.lines().position(|l| l == "name = \"young\"").unwrap() + 1;
    assert_eq!((failure.entry.line, failure.line), (name_line, name_line));
    assert!(
        failure
            .to_string()
            .contains(&format!(":{name_line}: plugin `young`"))
    );
}
