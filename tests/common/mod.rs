//! Shared helpers for the integration tests: write a fixture site into a temporary folder,
//! build it (through the library or the real binary), and look at the output.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use percent_encoding::percent_decode_str;
use scraper::{Html, Selector};
use tsushin::diag::{Diagnostic, Severity};
use tsushin::site::{BuildOptions, BuildReport, build};

/// The `site.yaml` written when a fixture does not bring its own (no `base_url`, so the feed
/// links are relative and can be checked against the output folder).
pub const SITE_YAML: &str = "title: テスト用 連絡会サイト\nnewsletter:\n  name: コーディネーター連絡会通信\n  recipients: [受託法人, 相談支援室]\n";

/// "Today" used by fixtures unless a test sets its own.
pub const TODAY: &str = "2021-10-01";

/// A site in a temporary folder: the site is `<tmp>/site`, the output `<tmp>/out`, so that
/// anything a build leaves beside the output is visible in `<tmp>`.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// Writes `files` (path relative to the site root, text). A `site.yaml` is added unless
    /// one is given.
    pub fn new(files: &[(&str, &str)]) -> Fixture {
        let f = Fixture::empty();
        if !files.iter().any(|(p, _)| *p == "site.yaml") {
            f.write("site.yaml", SITE_YAML);
        }
        for (path, text) in files {
            f.write(path, text);
        }
        f
    }

    /// A fixture with nothing in the site folder (not even site.yaml).
    pub fn empty() -> Fixture {
        let dir = tempfile::Builder::new()
            .prefix("tsushin-test-")
            .tempdir()
            .expect("tempdir");
        std::fs::create_dir_all(dir.path().join("site")).unwrap();
        Fixture { dir }
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.root().join(rel)).unwrap();
    }

    pub fn options(&self, today: &str, drafts: bool) -> BuildOptions {
        BuildOptions {
            root: self.root(),
            output: self.out(),
            drafts,
            pdf: true,
            today: today.parse().expect("valid test date"),
        }
    }

    /// Builds with `TODAY`, without drafts.
    pub fn build(&self) -> BuildReport {
        self.build_with(TODAY, false)
    }

    pub fn build_with(&self, today: &str, drafts: bool) -> BuildReport {
        build(&self.options(today, drafts))
    }

    /// Builds and fails the test on any error.
    pub fn build_ok(&self) -> BuildReport {
        self.build_ok_with(TODAY, false)
    }

    pub fn build_ok_with(&self, today: &str, drafts: bool) -> BuildReport {
        let report = self.build_with(today, drafts);
        assert!(
            !report.diagnostics.has_errors(),
            "build failed:\n{}",
            describe(&report)
        );
        report
    }

    /// The text of an output file.
    pub fn read(&self, rel: &str) -> String {
        let path = self.out().join(rel);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    pub fn html(&self, rel: &str) -> Html {
        Html::parse_document(&self.read(rel))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.out().join(rel).exists()
    }

    /// Entries of the temporary folder other than `site` and `out` (staging leftovers).
    pub fn leftovers(&self) -> Vec<String> {
        leftovers_beside(&self.out())
    }

    /// Runs the real binary: `tsushin build --root <site> --output <out> --today <today> [extra]`.
    pub fn run(&self, today: &str, extra: &[&str]) -> Output {
        let root = self.root();
        let out = self.out();
        let mut args: Vec<&str> = vec![
            "build",
            "--root",
            root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
            "--today",
            today,
        ];
        args.extend(extra);
        run_bin(&args, self.dir.path())
    }
}

/// Files and folders beside `output` whose name shows they are a build's temporary folders.
pub fn leftovers_beside(output: &Path) -> Vec<String> {
    let parent = output.parent().unwrap();
    let mut found: Vec<String> = std::fs::read_dir(parent)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with(".tsushin") || n.contains("tsushin-build") || n.contains("tsushin-old")
        })
        .collect();
    found.sort();
    found
}

pub fn run_bin(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tsushin"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "400")
        .output()
        .expect("run tsushin")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// All diagnostics, one per line, for assertion messages.
pub fn describe(report: &BuildReport) -> String {
    report
        .diagnostics
        .iter()
        .map(|d| format!("{d}"))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn errors(report: &BuildReport) -> Vec<Diagnostic> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect()
}

pub fn warnings(report: &BuildReport) -> Vec<Diagnostic> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .cloned()
        .collect()
}

/// `(file, line, column)` of a diagnostic, file with `/` separators.
pub fn place(d: &Diagnostic) -> (String, usize, usize) {
    (
        d.location.file.to_string_lossy().replace('\\', "/"),
        d.location.line,
        d.location.column,
    )
}

/// Every file under `dir` (relative path with `/`) → its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return files;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    files
}

/// A cheap content hash (FNV-1a 64) for readable before/after comparisons.
pub fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

pub fn hashes(dir: &Path) -> BTreeMap<String, (usize, u64)> {
    snapshot(dir)
        .into_iter()
        .map(|(k, v)| (k, (v.len(), fnv(&v))))
        .collect()
}

/// Selects and returns the whitespace-normalised text of every match.
pub fn texts(html: &Html, selector: &str) -> Vec<String> {
    let sel =
        Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e:?}"));
    html.select(&sel)
        .map(|e| normalize(&e.text().collect::<String>()))
        .collect()
}

pub fn count(html: &Html, selector: &str) -> usize {
    let sel = Selector::parse(selector).unwrap();
    html.select(&sel).count()
}

pub fn attrs(html: &Html, selector: &str, attr: &str) -> Vec<String> {
    let sel = Selector::parse(selector).unwrap();
    html.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}

/// Collapses whitespace runs to one space and trims.
pub fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text of the whole document, whitespace-normalised.
pub fn page_text(html: &Html) -> String {
    normalize(&html.root_element().text().collect::<String>())
}

/// Whether `url` is left alone by the link check (external or not a file).
fn is_external(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    ["http://", "https://", "mailto:", "tel:", "//"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// Resolves `url` (relative, from output file `from`) to a path relative to the output root;
/// `Err` with the reason when it cannot point at a file.
pub fn resolve(from: &str, url: &str) -> Result<Option<String>, String> {
    if is_external(url) {
        return Ok(None);
    }
    if url.starts_with('/') {
        return Err("starts with `/`".into());
    }
    let path = url.split(['#', '?']).next().unwrap_or("");
    if path.is_empty() {
        return Ok(None); // same-page fragment
    }
    if url.contains(':') && !url.contains('/') && url.find(':') < url.find('.') {
        return Err("has a scheme that is not http(s), mailto or tel".into());
    }
    let decoded = percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| "percent-decodes to invalid UTF-8".to_string())?;
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("leaves the output folder".into());
                }
            }
            s => parts.push(s),
        }
    }
    Ok(Some(parts.join("/")))
}

/// Every problem with the internal links of the output folder: each `href`/`src` of every HTML
/// file, and the links of the feed (relative to feed.xml), must name an existing file.
pub fn broken_links(out: &Path) -> Vec<String> {
    let files = snapshot(out);
    let names: BTreeSet<&str> = files.keys().map(String::as_str).collect();
    let mut problems = Vec::new();
    let check = |from: &str, url: &str, problems: &mut Vec<String>| match resolve(from, url) {
        Ok(None) => {}
        Ok(Some(target)) => {
            if !names.contains(target.as_str()) {
                problems.push(format!("{from}: `{url}` → {target} does not exist"));
            }
        }
        Err(why) => problems.push(format!("{from}: `{url}` {why}")),
    };
    let sel = Selector::parse("[href], [src]").unwrap();
    for (rel, bytes) in &files {
        if rel.ends_with(".html") {
            let html = Html::parse_document(&String::from_utf8_lossy(bytes));
            for el in html.select(&sel) {
                for attr in ["href", "src"] {
                    if let Some(url) = el.value().attr(attr) {
                        check(rel, url, &mut problems);
                    }
                }
            }
        }
    }
    if let Some(feed) = files.get("feed.xml") {
        let text = String::from_utf8_lossy(feed);
        for piece in text.split("href=\"").skip(1) {
            let url = piece.split('"').next().unwrap_or("");
            let url = url.replace("&amp;", "&");
            check("feed.xml", &url, &mut problems);
        }
    }
    problems
}

/// All `href` and `src` values of every HTML file in `out`, with the file they are in.
pub fn all_urls(out: &Path) -> Vec<(String, String)> {
    let sel = Selector::parse("[href], [src]").unwrap();
    let mut urls = Vec::new();
    for (rel, bytes) in snapshot(out) {
        if rel.ends_with(".html") {
            let html = Html::parse_document(&String::from_utf8_lossy(&bytes));
            for el in html.select(&sel) {
                for attr in ["href", "src"] {
                    if let Some(url) = el.value().attr(attr) {
                        urls.push((rel.clone(), url.to_owned()));
                    }
                }
            }
        }
    }
    urls
}

/// The repository root (the example site).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------------------------
// Content builders

/// A newsletter issue file.
pub fn newsletter(number: u32, date: &str, title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\nnumber: {number}\n---\n\n{body}\n")
}

/// A training announcement with one session.
pub fn event(title: &str, status: &str, start: &str, end: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\nstatus: {status}\nformat: in-person\nvenue: 天王寺区民センター\nsessions:\n  - start: {start}\n    end: {end}\n---\n\n{body}\n"
    )
}

/// A plain page.
pub fn page(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\n---\n\n{body}\n")
}

/// The whitespace-normalised text of each `<section>` whose first heading contains `heading`.
pub fn sections_headed(html: &Html, heading: &str) -> Vec<String> {
    let sections = Selector::parse("section").unwrap();
    let headings = Selector::parse("h1, h2, h3, h4").unwrap();
    html.select(&sections)
        .filter(|s| {
            s.select(&headings)
                .next()
                .is_some_and(|h| h.text().collect::<String>().contains(heading))
        })
        .map(|s| normalize(&s.text().collect::<String>()))
        .collect()
}

/// The one section headed `heading`; fails the test when there is none or several.
#[track_caller]
pub fn section_headed(html: &Html, heading: &str) -> String {
    let found = sections_headed(html, heading);
    assert_eq!(
        found.len(),
        1,
        "expected one section headed {heading:?}, found {}",
        found.len()
    );
    found.into_iter().next().unwrap()
}
