//! Live reload in headless Chromium: starts `tsushin serve` on a copy of the example site (on a
//! free loopback port) and runs `node tests/browser/reload.mjs <page> <file>`, which opens the
//! newest issue, edits its Markdown file and checks that the page reloads by itself, that a
//! broken edit shows the error overlay, and that fixing the file brings the page back.
//!
//! Needs `npm ci` (playwright-core) and /usr/bin/chromium, like tests/browser.rs; `bash .ci/run`
//! installs both. A missing prerequisite is a failure, never a silent skip.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";
const HOW_TO_SET_UP: &str = "run `npm ci` in the repository root and `apt-get install chromium` \
     (or run `bash .ci/run`, which does both)";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

#[test]
fn served_page_reloads_itself_after_an_edit() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    if !repo
        .join("node_modules/playwright-core/package.json")
        .is_file()
    {
        missing.push("node_modules/playwright-core");
    }
    if !Path::new(CHROMIUM).is_file() {
        missing.push(CHROMIUM);
    }
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("node (Node.js 20+ on PATH)");
    }
    assert!(
        missing.is_empty(),
        "browser reload check cannot run, missing: {}.\nTo fix: {HOW_TO_SET_UP}.",
        missing.join(", ")
    );

    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::copy(repo.join("site.yaml"), site.join("site.yaml")).unwrap();
    copy_dir(&repo.join("content"), &site.join("content"));

    let mut child = Command::new(env!("CARGO_BIN_EXE_tsushin"))
        .args(["serve", "--port", "0", "--today", "2026-11-23", "--root"])
        .arg(&site)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start tsushin serve");
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let line = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("serve printed its address");
    let base = line
        .strip_prefix("Serving the site at ")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_owned();

    let file = site.join("content/newsletters/2022-03-vol04.md");
    let check = Command::new("node")
        .arg(repo.join("tests/browser/reload.mjs"))
        .arg(format!("{base}newsletters/2022-03-vol04.html"))
        .arg(&file)
        .current_dir(repo)
        .output()
        .expect("run node tests/browser/reload.mjs");
    drop(server);
    let out = String::from_utf8_lossy(&check.stdout);
    let err = String::from_utf8_lossy(&check.stderr);
    println!("{out}");
    if !err.trim().is_empty() {
        eprintln!("{err}");
    }
    assert!(
        check.status.success(),
        "browser reload check failed ({}): {}\n(If node_modules or Chromium is missing: {HOW_TO_SET_UP}.)",
        check.status,
        out.lines().last().unwrap_or("no output")
    );
}
