//! A report plugin written in Python (`plugins/examples/python-status-report`),
//! built with componentize-py and run through the whole host: CPython
//! starts on the host's deterministic randomness and frozen clocks, with no
//! file or network.
//!
//! componentize-py is not part of the project's toolchain (CI does not
//! install it), so the test runs only where `componentize-py` is on the
//! `PATH`, and says on standard error when it does not. The compiled
//! component (about 18 MB, CPython included) is cached under `target/`
//! across runs: compiling it takes minutes in a debug build.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Plugin, install, troyes};
use em_core::report::{Block, Cell};
use em_plugin_host::{HostConfig, PluginHost};

#[test]
fn a_python_report_plugin_runs_in_the_host() {
    let Ok(version) = Command::new("componentize-py").arg("--version").output() else {
        eprintln!("componentize-py is not installed: the Python plugin is not built here");
        return;
    };
    assert!(version.status.success(), "componentize-py --version failed");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let source = root.join("plugins/examples/python-status-report");
    let out = root.join("target/plugin-examples/python");
    std::fs::create_dir_all(&out).unwrap();
    let wasm = out.join("status_report.wasm");
    // componentize-py's output differs from one build to the next, and a
    // new hash means a new compilation: the component is rebuilt only when
    // its source or the interface changed.
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let stale = [source.join("app.py"), root.join("plugins/wit/plugin.wit")]
        .iter()
        .any(|input| modified(input) > modified(&wasm));
    if stale {
        let status = Command::new("componentize-py")
            .current_dir(&source)
            .arg("-d")
            .arg(root.join("plugins/wit"))
            .args(["-w", "report", "componentize", "app", "-o"])
            .arg(&wasm)
            .status()
            .unwrap();
        assert!(status.success(), "componentize-py failed");
    }

    let dir = tempfile::tempdir().unwrap();
    let manifest = install(
        dir.path(),
        &[Plugin {
            // Start-up unpacks CPython's heap: more than the default second
            // on a slow debug build.
            extra: "deadline_ms = 20000\nmemory_mib = 256",
            ..Plugin::report("python-status-report", std::fs::read(&wasm).unwrap())
        }],
    );
    let mut host = PluginHost::new(HostConfig::with_cache(out.join("cache"))).unwrap();
    let outcome = host.load_manifest(&manifest).unwrap();
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);

    let tables = troyes();
    let doc = host.run_report("python-status-report", &tables).unwrap();
    assert_eq!(doc.title, "Statuts des visiteurs");
    let Block::Table(ranking) = &doc.sections[0].blocks[0] else {
        panic!(
            "expected the ranking table, got {:?}",
            doc.sections[0].blocks[0]
        );
    };
    assert_eq!(ranking.rows[0].label, "Demandeur d'emploi");
    assert_eq!(ranking.rows[0].cells, [Cell::Count(402)]);
    // Randomness and clocks are fixed: a second call, fresh, gives the
    // same document, and so does a report run.
    assert_eq!(
        host.run_report("python-status-report", &tables).unwrap(),
        doc
    );
    let mut run = host.report_run();
    assert_eq!(
        run.run_report("python-status-report", &tables).unwrap(),
        doc
    );
}
