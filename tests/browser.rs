//! Browser check: builds the example site (the repository root) and runs
//! `node tests/browser/check.mjs <output>` — headless Debian Chromium, screenshots at 375 px and
//! 1280 px, axe-core (serious/critical violations fail), horizontal overflow, broken images and
//! console errors. See tests/browser/check.mjs.
//!
//! Needs `npm ci` (playwright-core, axe-core in node_modules) and /usr/bin/chromium
//! (`apt-get install chromium`); `bash .ci/run` installs both. A missing prerequisite is a
//! failure, never a silent skip.

use std::path::Path;
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";
const HOW_TO_SET_UP: &str = "run `npm ci` in the repository root and `apt-get install chromium` \
     (or run `bash .ci/run`, which does both)";

#[test]
fn example_site_passes_browser_check() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));

    let mut missing = Vec::new();
    if !repo
        .join("node_modules/playwright-core/package.json")
        .is_file()
    {
        missing.push("node_modules/playwright-core".to_string());
    }
    if !repo.join("node_modules/axe-core/axe.min.js").is_file() {
        missing.push("node_modules/axe-core".to_string());
    }
    if !Path::new(CHROMIUM).is_file() {
        missing.push(CHROMIUM.to_string());
    }
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("node (Node.js 20+ on PATH)".to_string());
    }
    assert!(
        missing.is_empty(),
        "browser check cannot run, missing: {}.\nTo fix: {HOW_TO_SET_UP}.",
        missing.join(", ")
    );

    let tmp = tempfile::tempdir().expect("create temp dir");
    let out = tmp.path().join("site");
    let build = Command::new(env!("CARGO_BIN_EXE_tsushin"))
        .arg("build")
        .arg("--root")
        .arg(repo)
        .arg("--output")
        .arg(&out)
        .args(["--today", "2026-11-23"])
        .output()
        .expect("run tsushin build");
    assert!(
        build.status.success(),
        "building the example site failed ({}):\n{}{}",
        build.status,
        String::from_utf8_lossy(&build.stdout),
        String::from_utf8_lossy(&build.stderr)
    );

    let check = Command::new("node")
        .arg(repo.join("tests/browser/check.mjs"))
        .arg(&out)
        .current_dir(repo)
        .output()
        .expect("run node tests/browser/check.mjs");
    let stdout = String::from_utf8_lossy(&check.stdout);
    let stderr = String::from_utf8_lossy(&check.stderr);
    println!("{stdout}");
    if !stderr.trim().is_empty() {
        eprintln!("{stderr}");
    }
    assert!(
        check.status.success(),
        "browser check failed ({}): {}\nSee the output above; screenshots are in \
         tests/browser/screenshots/. (If node_modules or Chromium is missing: {HOW_TO_SET_UP}.)",
        check.status,
        stdout.lines().last().unwrap_or("no output")
    );
}
