//! Rules plugin: the local rules of the Épernay site.
//!
//! - The education level, optional in the regional schema, is mandatory
//!   here: the site's funder asks for it. A visit without it is refused.
//! - The site follows one theme of its own, `local.viticulture` (jobs of
//!   the wine trade), beside the regional themes. Any other `local.` theme
//!   is a typo, so it is refused; the import itself still checks the
//!   regional themes.
//! - A first visit with no arrival channel gets a warning: the site wants
//!   to know how newcomers heard of it, without refusing the visit.

use em_plugin_sdk::rules::{self, Finding, PluginInfo, RulesPlugin, Visit};

/// The plugin.
pub struct LocalRule;

/// The local themes of the site, beside the regional nomenclature.
const LOCAL_THEMES: [&str; 1] = ["local.viticulture"];

impl RulesPlugin for LocalRule {
    fn describe() -> PluginInfo {
        let mut info = rules::info(
            "local-rule",
            env!("CARGO_PKG_VERSION"),
            "Épernay: education level mandatory, local theme `local.viticulture`.",
        );
        info.sites = vec!["epernay".to_owned()];
        info.needs = vec![
            "education_level".to_owned(),
            "themes".to_owned(),
            "first_visit".to_owned(),
            "arrival_channel".to_owned(),
        ];
        info
    }

    fn check(visits: Vec<Visit>) -> Result<Vec<Finding>, String> {
        let mut findings = Vec::new();
        for (i, visit) in visits.iter().enumerate() {
            if visit.education_level.as_deref().is_none_or(str::is_empty) {
                findings.push(Finding::error(
                    i,
                    "education_level",
                    "the education level is mandatory at Épernay (asked by the site's funder)",
                ));
            }
            for theme in &visit.themes {
                if theme.starts_with("local.") && !LOCAL_THEMES.contains(&theme.as_str()) {
                    findings.push(Finding::error(
                        i,
                        "themes",
                        format!(
                            "`{theme}` is not a local theme of Épernay; the local themes are: {}",
                            LOCAL_THEMES.join(", ")
                        ),
                    ));
                }
            }
            if visit.first_visit == Some(true) && visit.arrival_channel.is_none() {
                findings.push(Finding::warning(
                    i,
                    "arrival_channel",
                    "a first visit should say how the person heard of the site",
                ));
            }
        }
        Ok(findings)
    }
}

em_plugin_sdk::rules::export_rules!(LocalRule);

#[cfg(test)]
mod tests {
    use super::*;
    use em_plugin_sdk::rules::Severity;
    use em_plugin_sdk::testing;

    #[test]
    fn the_missing_level_is_refused_and_the_local_theme_accepted() {
        let findings = testing::run_rules::<LocalRule>(testing::sample_visits()).unwrap();
        let got: Vec<(u32, &str, Severity)> = findings
            .iter()
            .map(|f| (f.visit, f.field.as_str(), f.severity))
            .collect();
        assert_eq!(got, [(1, "education_level", Severity::Error)]);
    }

    #[test]
    fn an_unknown_local_theme_is_refused() {
        let mut visits = testing::sample_visits();
        visits[0].themes = vec!["local.viticultur".to_owned()];
        let findings = testing::run_rules::<LocalRule>(visits).unwrap();
        assert!(findings.iter().any(|f| f.visit == 0 && f.field == "themes"));
    }
}
