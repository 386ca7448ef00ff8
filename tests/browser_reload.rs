//! Live reload in headless Chromium: starts `tsushin serve` on a copy of the example site (on a
//! free loopback port) and runs `node tests/browser/reload.mjs <page> <file>`, which opens the
//! newest issue, edits its Markdown file and checks that the page reloads by itself, that a
//! broken edit shows the error overlay, and that fixing the file brings the page back.
//!
//! Needs `npm ci` (playwright-core) and /usr/bin/chromium, like tests/browser.rs; `bash .ci/run`
//! installs both. A missing prerequisite is a failure, never a silent skip.

mod common;

use std::ffi::OsStr;
use std::process::Stdio;

use common::{browser, copy_example, serve};

#[test]
fn served_page_reloads_itself_after_an_edit() {
    browser::require("browser reload check", &["playwright-core/package.json"]);

    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_example(&site);

    let mut server = serve::Running(
        serve::command(&site)
            .args(["--today", "2026-11-23"])
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start tsushin serve"),
    );
    let base = format!("http://{}/", serve::address(&mut server.0));

    let file = site.join("content/newsletters/2022-03-vol04.md");
    let page = format!("{base}newsletters/2022-03-vol04.html");
    browser::run_script(
        "browser reload check",
        "reload.mjs",
        &[OsStr::new(&page), file.as_os_str()],
        "",
    );
}
