//! Rules plugins as checks of the importer (feature `import`): every
//! caller that imports files with a site's rules plugins (the `em` command,
//! the Python bindings) goes through [`RulesCheck`], so that a plugin
//! checks the same visits whoever imports them.

use em_core::statistics::{Record, Visit};
use em_import::{Finding, RecordCheck, Severity};

use crate::host::{PluginHost, RulesRun};
use crate::manifest::PluginKind;

/// One rules plugin as one of the importer's record checks. It keeps one
/// instance of the plugin for the whole import (a [`RulesRun`]): the
/// batches of a file are checked one after the other in it, and a call
/// that fails drops it, so the next batch gets a fresh one.
pub struct RulesCheck<'h> {
    run: RulesRun<'h>,
    name: String,
}

impl std::fmt::Debug for RulesCheck<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RulesCheck")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl<'h> RulesCheck<'h> {
    /// The checks of every rules plugin `site` enables; without a site (a
    /// file whose rows name their own), every rules plugin, since the host
    /// shows each plugin only the visits of its own sites.
    pub fn for_site(host: &'h PluginHost, site: Option<&str>) -> Vec<RulesCheck<'h>> {
        let names: Vec<String> = match site {
            Some(site) => host
                .enabled_for(site, PluginKind::Rules)
                .into_iter()
                .map(str::to_owned)
                .collect(),
            None => host
                .plugins()
                .filter(|(entry, _)| entry.kind == PluginKind::Rules)
                .map(|(entry, _)| entry.name.clone())
                .collect(),
        };
        names
            .into_iter()
            .map(|name| RulesCheck {
                run: host.rules_run(),
                name,
            })
            .collect()
    }
}

impl RecordCheck for RulesCheck<'_> {
    fn name(&self) -> &str {
        &self.name
    }

    fn check(&mut self, batch: &[Record]) -> Result<Vec<Finding>, String> {
        // Rules plugins check visits; `positions` maps the visits back to
        // the batch.
        let (positions, visits): (Vec<usize>, Vec<Visit>) = batch
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match r {
                Record::Visit(v) => Some((i, v.clone())),
                _ => None,
            })
            .unzip();
        if visits.is_empty() {
            return Ok(Vec::new());
        }
        let findings = self
            .run
            .run_rules(&self.name, &visits)
            .map_err(|e| e.to_string())?;
        Ok(findings
            .into_iter()
            .map(|f| Finding {
                index: positions[f.visit],
                severity: match f.severity {
                    crate::Severity::Error => Severity::Error,
                    crate::Severity::Warning => Severity::Warning,
                },
                field: Some(f.field),
                // The importer names the check (the plugin) after the reason.
                reason: f.reason,
            })
            .collect())
    }
}
