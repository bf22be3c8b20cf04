//! What every end-to-end test of `em` needs: running the binary as a user
//! does, reading what it printed, and naming files of the repository.

// Each test file is its own crate and uses only some of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `em` with `args`, its log level left to the defaults a user has.
pub fn em(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_em"))
        .args(args)
        .env_remove("EM_LOG")
        .output()
        .expect("the em binary runs")
}

/// Standard output then standard error, as a terminal shows them.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A path as the command-line argument it becomes.
pub fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A file of the repository, from its path relative to the repository root.
pub fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

/// A file of the governance examples (`examples/governance/`).
pub fn governance_example(name: &str) -> PathBuf {
    repo_file("examples/governance").join(name)
}

/// A fresh, empty network database in `dir`, made by `em init`.
pub fn fresh_db(dir: &Path) -> PathBuf {
    let db = dir.join("network.sqlite");
    let run = em(&["init", s(&db)]);
    assert!(run.status.success(), "{}", text(&run));
    db
}

/// Runs `em plan --roadmap … --proposals … <rest>` with the 2010 roadmap
/// and proposals of the governance examples.
pub fn plan_2010(rest: &[&str]) -> Output {
    let roadmap = governance_example("roadmap-2010.json");
    let proposals = governance_example("proposals-2010.json");
    let mut args = vec![
        "plan",
        "--roadmap",
        s(&roadmap),
        "--proposals",
        s(&proposals),
    ];
    args.extend_from_slice(rest);
    em(&args)
}

/// How many items a JSON array file holds.
pub fn json_items(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str::<Vec<serde_json::Value>>(&text)
        .unwrap()
        .len()
}

/// A database in `dir` holding Reims' sample visits of 2009, imported by
/// `em import`: one site's file is enough for a report of that year.
pub fn reims_2009_db(dir: &Path) -> PathBuf {
    let db = dir.join("em.sqlite");
    let sample = repo_file("examples/data/samples/visits-reims-2009.csv");
    let run = em(&["import", s(&db), s(&sample), "--site", "reims"]);
    assert!(run.status.success(), "{}", text(&run));
    db
}

/// Runs `em <global> report DB --year 2009 --out OUT <rest>`: the global
/// options (such as `--ruleset`) come before the command, as a user types.
pub fn report_2009(global: &[&str], db: &Path, out: &Path, rest: &[&str]) -> Output {
    let report = ["report", s(db), "--year", "2009", "--out", s(out)];
    em(&[global, &report[..], rest].concat())
}

/// The inputs of a fuzz target's corpus (`fuzz/corpus/<target>/`), sorted;
/// fewer than `at_least` means the corpus is missing.
pub fn fuzz_corpus(target: &str, at_least: usize) -> Vec<PathBuf> {
    let dir = repo_file("fuzz/corpus").join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    inputs.sort();
    assert!(
        inputs.len() >= at_least,
        "the corpus of {target} is missing"
    );
    inputs
}
