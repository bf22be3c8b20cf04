//! Hostile plugins: each gets its typed error, and the host, the report and
//! the other plugins carry on.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Plugin, host, install, loop_at_start, troyes, wasm};
use em_plugin_host::{Phase, PluginError};

/// The cached artifacts in `dir`'s cache.
fn artifacts(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir.join("cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cwasm"))
        .collect()
}

/// Installs `hostile` beside the youth report for Troyes, calls `before_load`
/// with the folder (where `plugins.toml` lists both, and the cache holds
/// the youth report's compiled code), loads the manifest in a new host and
/// runs the report as `em report` does: both plugins in one report run, the
/// hostile one first, then again after the youth report.
///
/// Checks that the rest of the report is complete: the youth report loads
/// and gives, after the hostile plugin failed, the very document it gives
/// alone. Returns the hostile plugin's error, at load or at its first call
/// (the second call fails the same way).
fn beside_the_youth_report(hostile: Plugin<'_>, before_load: impl FnOnce(&Path)) -> PluginError {
    let dir = tempfile::tempdir().unwrap();
    let name = hostile.name.to_owned();
    let alone = {
        let manifest = install(
            dir.path(),
            &[Plugin::report("youth-report", wasm("youth_report"))],
        );
        let mut host = host(dir.path());
        assert!(host.load_manifest(&manifest).unwrap().failed.is_empty());
        host.run_report("youth-report", &troyes()).unwrap()
    };
    let manifest = install(
        dir.path(),
        &[
            Plugin::report("youth-report", wasm("youth_report")),
            hostile,
        ],
    );
    before_load(dir.path());
    let mut host = host(dir.path());
    let mut outcome = host.load_manifest(&manifest).unwrap();
    assert_eq!(
        outcome.loaded.first().map(String::as_str),
        Some("youth-report")
    );
    let tables = troyes();
    let mut run = host.report_run();
    let error = match outcome.failed.pop() {
        Some(failure) => {
            assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
            failure.error
        }
        None => run.run_report(&name, &tables).unwrap_err(),
    };
    assert_eq!(error.plugin(), name);
    assert_eq!(
        run.run_report("youth-report", &tables).unwrap(),
        alone,
        "the rest of the report beside {name}"
    );
    if outcome.loaded.contains(&name) {
        let again = run.run_report(&name, &tables).unwrap_err();
        assert_eq!(
            std::mem::discriminant(&again),
            std::mem::discriminant(&error),
            "{again:?} after {error:?}"
        );
    }
    error
}

/// Nothing to do before the load.
fn nothing(_: &Path) {}

#[test]
fn an_endless_loop_is_stopped_at_the_deadline() {
    let plugin = Plugin {
        extra: "deadline_ms = 200",
        ..Plugin::report("hostile-loop", wasm("hostile_loop"))
    };
    let started = Instant::now();
    let err = beside_the_youth_report(plugin, nothing);
    // Generous (two calls, and two loads): the point is that the deadline,
    // not the loop, ended it.
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(
        matches!(
            &err,
            PluginError::Timeout { plugin, phase: Phase::Render, deadline }
                if plugin == "hostile-loop" && *deadline == Duration::from_millis(200)
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("deadline of 200ms"), "{err}");
}

#[test]
fn a_loop_at_start_up_is_stopped_at_the_deadline() {
    let plugin = Plugin {
        extra: "deadline_ms = 200",
        ..Plugin::report("spin-at-start", loop_at_start())
    };
    let err = beside_the_youth_report(plugin, nothing);
    assert!(
        matches!(
            &err,
            PluginError::Timeout {
                phase: Phase::Instantiation,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn memory_growth_past_the_cap_is_stopped() {
    let plugin = Plugin {
        extra: "memory_mib = 16",
        ..Plugin::report("hostile-memory", wasm("hostile_memory"))
    };
    let err = beside_the_youth_report(plugin, nothing);
    assert!(
        matches!(
            &err,
            PluginError::MemoryCap { phase: Phase::Render, cap, requested, .. }
                if *cap == 16 << 20 && *requested > *cap
        ),
        "{err:?}"
    );
}

#[test]
fn a_trap_is_reported_as_a_crash() {
    let err = beside_the_youth_report(
        Plugin::report("hostile-trap", wasm("hostile_trap")),
        nothing,
    );
    assert!(
        matches!(
            &err,
            PluginError::Trap {
                phase: Phase::Render,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_huge_output_is_refused() {
    let plugin = Plugin {
        extra: "output_kib = 256",
        ..Plugin::report("hostile-huge-output", wasm("hostile_huge_output"))
    };
    let err = beside_the_youth_report(plugin, nothing);
    assert!(
        matches!(&err, PluginError::OutputTooLarge { limit, size, .. }
            if *limit == 256 << 10 && *size > 8 << 20),
        "{err:?}"
    );
}

#[test]
fn a_plugin_for_another_interface_version_is_refused_naming_both() {
    let err = beside_the_youth_report(
        Plugin::report("future", wasm("hostile_other_version")),
        nothing,
    );
    assert!(
        matches!(&err, PluginError::InterfaceVersion { plugin_version, host_version, .. }
            if plugin_version == "0.2.0" && host_version == "0.1.0"),
        "{err:?}"
    );
    assert!(err.to_string().contains("0.2.0") && err.to_string().contains("0.1.0"));
}

#[test]
fn a_corrupted_file_is_refused() {
    let mut bytes = wasm("youth_report");
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 64] {
        *b ^= 0x5a;
    }
    // The manifest pins the corrupted file, so the hash check passes and
    // compilation is what refuses it.
    let err = beside_the_youth_report(Plugin::report("corrupted", bytes), nothing);
    assert!(matches!(&err, PluginError::Corrupt { .. }), "{err:?}");

    let truncated = wasm("youth_report")[..100].to_vec();
    let err = beside_the_youth_report(Plugin::report("truncated", truncated), nothing);
    assert!(matches!(&err, PluginError::Corrupt { .. }), "{err:?}");
}

#[test]
fn a_file_changed_after_install_fails_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = install(
        dir.path(),
        &[Plugin::report("youth-report", wasm("youth_report"))],
    );
    let file = dir.path().join("youth-report.wasm");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.push(0);
    std::fs::write(&file, bytes).unwrap();
    let mut outcome = host(dir.path()).load_manifest(&manifest).unwrap();
    let err = outcome.failed.pop().unwrap().error;
    assert!(matches!(&err, PluginError::HashMismatch { .. }), "{err:?}");
}

#[test]
fn a_tampered_cached_artifact_is_not_loaded() {
    let mut tampered = Vec::new();
    let err = beside_the_youth_report(
        Plugin::report("hostile-trap", wasm("hostile_trap")),
        |dir| {
            // A first host compiles and caches the other plugin; its
            // artifact is then changed by one bit.
            let youth = artifacts(dir);
            let outcome = host(dir).load_manifest(&dir.join("plugins.toml")).unwrap();
            assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
            tampered = artifacts(dir);
            tampered.retain(|a| !youth.contains(a));
            assert_eq!(tampered.len(), 1, "one artifact more");
            let mut bytes = std::fs::read(&tampered[0]).unwrap();
            let last = bytes.len() - 1;
            bytes[last] ^= 1;
            std::fs::write(&tampered[0], bytes).unwrap();
        },
    );
    assert!(
        matches!(&err, PluginError::Tampered { path, .. } if *path == tampered[0]),
        "{err:?}"
    );
}

#[test]
fn a_tampered_artifact_is_set_aside_and_compiled_again() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = install(
        dir.path(),
        &[Plugin::report("youth-report", wasm("youth_report"))],
    );
    let outcome = host(dir.path()).load_manifest(&manifest).unwrap();
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    let artifact = artifacts(dir.path()).pop().expect("an artifact was cached");
    let mut bytes = std::fs::read(&artifact).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&artifact, bytes).unwrap();
    let mut outcome = host(dir.path()).load_manifest(&manifest).unwrap();
    assert!(matches!(
        outcome.failed.pop().map(|f| f.error),
        Some(PluginError::Tampered { .. })
    ));
    // The tampered file was set aside: the next load compiles again.
    let outcome = host(dir.path()).load_manifest(&manifest).unwrap();
    assert_eq!(outcome.loaded, ["youth-report"]);
}

#[test]
fn an_artifact_from_another_key_is_not_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = install(
        dir.path(),
        &[Plugin::report("youth-report", wasm("youth_report"))],
    );
    let outcome = host(dir.path()).load_manifest(&manifest).unwrap();
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    // Someone replaces the key: artifacts the host wrote under the old one
    // are no longer its own.
    std::fs::write(dir.path().join("cache/host.key"), [9u8; 32]).unwrap();
    let mut outcome = host(dir.path()).load_manifest(&manifest).unwrap();
    let err = outcome.failed.pop().unwrap().error;
    assert!(matches!(&err, PluginError::Tampered { .. }), "{err:?}");
}

#[test]
fn a_plugin_reaching_for_files_and_clocks_is_denied() {
    let err = beside_the_youth_report(
        Plugin::report("hostile-filesystem", wasm("hostile_filesystem")),
        nothing,
    );
    assert!(
        matches!(&err, PluginError::Forbidden { import, phase: Phase::Render, .. }
            if import.starts_with("wasi:")),
        "{err:?}"
    );
}

#[test]
fn the_report_is_complete_beside_every_hostile_plugin() {
    let dir = tempfile::tempdir().unwrap();
    let limits = "deadline_ms = 200\nmemory_mib = 16\noutput_kib = 256";
    let plugins = [
        Plugin::report("youth-report", wasm("youth_report")),
        Plugin {
            extra: limits,
            ..Plugin::report("hostile-loop", wasm("hostile_loop"))
        },
        Plugin {
            extra: limits,
            ..Plugin::report("spin-at-start", loop_at_start())
        },
        Plugin {
            extra: limits,
            ..Plugin::report("hostile-memory", wasm("hostile_memory"))
        },
        Plugin::report("hostile-trap", wasm("hostile_trap")),
        Plugin {
            extra: limits,
            ..Plugin::report("hostile-huge-output", wasm("hostile_huge_output"))
        },
        Plugin::report("future", wasm("hostile_other_version")),
        Plugin::report("hostile-filesystem", wasm("hostile_filesystem")),
    ];
    let manifest = install(dir.path(), &plugins);
    let mut host = host(dir.path());
    let outcome = host.load_manifest(&manifest).unwrap();
    let mut failed: Vec<&str> = outcome.failed.iter().map(|f| f.error.plugin()).collect();
    failed.sort_unstable();
    assert_eq!(failed, ["future", "spin-at-start"]);

    let tables = troyes();
    let mut sections = Vec::new();
    let mut errors = Vec::new();
    for name in host.enabled_for("troyes", em_plugin_host::PluginKind::Report) {
        match host.run_report(name, &tables) {
            Ok(doc) => sections.push(doc.title),
            Err(e) => errors.push(e.plugin().to_owned()),
        }
    }
    assert_eq!(sections, ["Les jeunes de moins de 26 ans"]);
    assert_eq!(
        errors,
        [
            "hostile-filesystem",
            "hostile-huge-output",
            "hostile-loop",
            "hostile-memory",
            "hostile-trap"
        ]
    );
    // The good plugin still runs after all of that.
    assert!(host.run_report("youth-report", &tables).is_ok());
}

#[test]
fn a_report_run_drops_an_instance_that_failed() {
    let dir = tempfile::tempdir().unwrap();
    let limits = "deadline_ms = 200\nmemory_mib = 16";
    let plugins = [
        Plugin::report("youth-report", wasm("youth_report")),
        Plugin {
            extra: limits,
            ..Plugin::report("hostile-loop", wasm("hostile_loop"))
        },
        Plugin {
            extra: limits,
            ..Plugin::report("hostile-memory", wasm("hostile_memory"))
        },
        Plugin::report("hostile-trap", wasm("hostile_trap")),
    ];
    let manifest = install(dir.path(), &plugins);
    let mut host = host(dir.path());
    assert!(host.load_manifest(&manifest).unwrap().failed.is_empty());
    let tables = troyes();
    let mut run = host.report_run();
    // Twice each: a kept instance that had trapped would fail the second
    // time with another error (or none), and a memory refusal or a spent
    // deadline left over would misname it.
    for _ in 0..2 {
        for (plugin, expected) in [
            ("hostile-loop", "Timeout"),
            ("hostile-memory", "MemoryCap"),
            ("hostile-trap", "Trap"),
        ] {
            let err = run.run_report(plugin, &tables).unwrap_err();
            let kind = match &err {
                PluginError::Timeout {
                    phase: Phase::Render,
                    ..
                } => "Timeout",
                PluginError::MemoryCap {
                    phase: Phase::Render,
                    ..
                } => "MemoryCap",
                PluginError::Trap {
                    phase: Phase::Render,
                    ..
                } => "Trap",
                _ => "other",
            };
            assert_eq!(kind, expected, "{plugin}: {err:?}");
        }
        assert!(run.run_report("youth-report", &tables).is_ok());
    }
}
