//! What the browser tests need, checked and run the same way everywhere: headless Debian
//! Chromium driven by playwright-core from the node scripts in tests/browser/. A missing
//! prerequisite is a failure that says how to set it up, never a silent skip.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use super::repo_root;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const HOW_TO_SET_UP: &str = "run `npm ci` in the repository root and `apt-get install chromium` \
     (or run `bash .ci/run`, which does both)";

/// Fails the test `check` unless node, Chromium and `node_modules` (files under it, such as
/// `playwright-core/package.json`) are there.
pub fn require(check: &str, node_modules: &[&str]) {
    let repo = repo_root();
    let mut missing = Vec::new();
    for m in node_modules {
        if !repo.join("node_modules").join(m).is_file() {
            missing.push(format!("node_modules/{m}"));
        }
    }
    if !Path::new(CHROMIUM).is_file() {
        missing.push(CHROMIUM.to_owned());
    }
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("node (Node.js 20+ on PATH)".to_owned());
    }
    assert!(
        missing.is_empty(),
        "{check} cannot run, missing: {}.\nTo fix: {HOW_TO_SET_UP}.",
        missing.join(", ")
    );
}

/// Runs `node tests/browser/<script> <args>` in the repository, shows its output, and fails
/// the test `check` (with its last line and `see`, where to look) unless it succeeds.
/// Returns its stdout.
pub fn run_script<S: AsRef<OsStr>>(check: &str, script: &str, args: &[S], see: &str) -> String {
    let repo = repo_root();
    let o = Command::new("node")
        .arg(repo.join("tests/browser").join(script))
        .args(args)
        .current_dir(&repo)
        .output()
        .unwrap_or_else(|e| panic!("run node tests/browser/{script}: {e}"));
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&o.stderr);
    println!("{stdout}");
    if !stderr.trim().is_empty() {
        eprintln!("{stderr}");
    }
    assert!(
        o.status.success(),
        "{check} failed ({}): {}\nSee the output above{see}. (If node_modules or Chromium is \
         missing: {HOW_TO_SET_UP}.)",
        o.status,
        stdout.lines().last().unwrap_or("no output")
    );
    stdout
}
