//! Browser check: builds the example site (the repository root) and runs
//! `node tests/browser/check.mjs <output>` — headless Debian Chromium, screenshots at 375 px and
//! 1280 px, axe-core (serious/critical violations fail), horizontal overflow, broken images and
//! console errors. See tests/browser/check.mjs.
//!
//! Needs `npm ci` (playwright-core, axe-core in node_modules) and /usr/bin/chromium
//! (`apt-get install chromium`); `bash .ci/run` installs both. A missing prerequisite is a
//! failure, never a silent skip.

mod common;

use std::path::Path;
use std::process::Command;

use common::browser;

#[test]
fn example_site_passes_browser_check() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));

    browser::require(
        "browser check",
        &["playwright-core/package.json", "axe-core/axe.min.js"],
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

    browser::run_script(
        "browser check",
        "check.mjs",
        &[&out],
        "; screenshots are in tests/browser/screenshots/",
    );
}
