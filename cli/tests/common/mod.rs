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
