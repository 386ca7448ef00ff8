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
        // `.tsushin` itself is the site's state folder (logs, calendar sequence numbers).
        .filter(|n| {
            (n.starts_with(".tsushin") && n != ".tsushin")
                || n.contains("tsushin-build")
                || n.contains("tsushin-old")
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

// ---------------------------------------------------------------------------------------------
// PDF helpers (tests/pdf*.rs): the PDFs are read back with the real tools a recipient's
// software is built on — poppler (pdftotext, pdfinfo, pdffonts, pdftoppm), qpdf, MuPDF (mutool)
// — never with tsushin's own code.

/// The Debian package that provides `program`, for "not installed" messages.
fn package_of(program: &str) -> &str {
    match program {
        "pdftotext" | "pdfinfo" | "pdffonts" | "pdftoppm" => "poppler-utils",
        "mutool" => "mupdf-tools",
        "qpdf" => "qpdf",
        "python3" => "python3 (and `pip install pypdfium2`)",
        other => other,
    }
}

/// Runs an external program. A missing program fails the test (never a silent skip) and names
/// the package to install.
pub fn tool<I, S>(program: &str, args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(program)
        .args(args)
        .env("LC_ALL", "C.UTF-8")
        .env("TZ", "UTC")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{program}` ({e}): install the Debian package {} (bash .ci/run does)",
                package_of(program)
            )
        })
}

/// Runs `program` and returns its stdout; fails the test on a non-zero exit.
#[track_caller]
pub fn tool_ok<I, S>(program: &str, args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let args: Vec<std::ffi::OsString> = args
        .into_iter()
        .map(|a| a.as_ref().to_os_string())
        .collect();
    let o = tool(program, &args);
    assert!(
        o.status.success(),
        "`{program} {}` failed ({}):\n{}{}",
        args.iter()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" "),
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("tool output is UTF-8")
}

/// Every `.pdf` under `dir`, sorted.
pub fn pdf_files(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("pdf")))
        .collect();
    found.sort();
    found
}

/// `pdftotext` (reading order, no layout) of the whole file.
pub fn pdftotext(pdf: &Path) -> String {
    tool_ok(
        "pdftotext",
        [
            "-enc".as_ref(),
            "UTF-8".as_ref(),
            pdf.as_os_str(),
            "-".as_ref(),
        ],
    )
}

/// Text as a reader would copy it: lines joined without the line-break artefacts of the
/// typesetting (a break between two Latin letters or digits was a space the line dropped;
/// anywhere else — Japanese — nothing was there), page breaks and blank lines removed, runs
/// of white space collapsed to one space.
pub fn join_pdf_lines(text: &str) -> String {
    let mut out = String::new();
    for line in text.split(['\n', '\x0c']) {
        let line = normalize(line);
        if line.is_empty() {
            continue;
        }
        let prev = out.chars().last();
        let next = line.chars().next();
        if let (Some(p), Some(n)) = (prev, next)
            && p.is_ascii_alphanumeric()
            && n.is_ascii_alphanumeric()
        {
            out.push(' ');
        }
        out.push_str(&line);
    }
    out
}

/// `pdfinfo -isodates` as key → value.
pub fn pdfinfo(pdf: &Path) -> BTreeMap<String, String> {
    tool_ok(
        "pdfinfo",
        [
            "-isodates".as_ref(),
            "-enc".as_ref(),
            "UTF-8".as_ref(),
            pdf.as_os_str(),
        ],
    )
    .lines()
    .filter_map(|l| l.split_once(':'))
    .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
    .collect()
}

/// One character as MuPDF's structured text reports it: its own quad (from the glyph's
/// advance in the font's /W), so line edges can be measured glyph by glyph. Coordinates are
/// MuPDF's: points from the page's top-left corner, y growing downwards.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfChar {
    /// 0-based page index.
    pub page: usize,
    pub font: String,
    pub size: f32,
    pub c: char,
    /// Origin of the glyph on its baseline.
    pub x: f32,
    pub baseline: f32,
    /// Left and right edge of the glyph's box (origin and origin + advance).
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
    pub color: String,
}

/// Every character of `pdf`, from `mutool draw -F stext` (XML).
///
/// Why MuPDF: the writer wraps each glyph run in a `/Span << /ActualText … >>` marked-content
/// sequence (so copy/paste does not invent spaces at the 和欧間 gaps), and poppler's
/// `pdftotext -bbox-layout` then reports a whole run as one "word" with one box — no
/// per-glyph positions. MuPDF's stext XML keeps one `<char quad=… x=… y=… c=…>` per glyph
/// with its own advance-based quad. (`-F stext.json` of mutool 1.21 stops at lines with
/// integer boxes, so the XML is used.) MuPDF adds a synthetic space character where the gap
/// between two glyphs is wide (e.g. a 和欧間); callers skip white space.
pub fn pdf_chars(pdf: &Path) -> Vec<PdfChar> {
    let dir = tempfile::tempdir().unwrap();
    let xml_path = dir.path().join("stext.xml");
    let o = tool(
        "mutool",
        [
            "draw".as_ref(),
            "-q".as_ref(),
            "-F".as_ref(),
            "stext".as_ref(),
            "-o".as_ref(),
            xml_path.as_os_str(),
            pdf.as_os_str(),
        ],
    );
    assert!(
        o.status.success(),
        "mutool draw -F stext {} failed: {}",
        pdf.display(),
        stderr(&o)
    );
    let xml = std::fs::read_to_string(&xml_path).unwrap();
    parse_stext(&xml)
}

/// Parses mutool's stext XML (one element per line, as mutool writes it).
pub fn parse_stext(xml: &str) -> Vec<PdfChar> {
    let mut chars = Vec::new();
    let mut page: Option<usize> = None;
    let (mut font, mut size) = (String::new(), 0.0f32);
    for line in xml.lines() {
        let line = line.trim_start();
        if line.starts_with("<page ") {
            page = Some(page.map_or(0, |p| p + 1));
        } else if line.starts_with("<font ") {
            font = xml_attr(line, "name").unwrap_or_default();
            size = xml_attr(line, "size")
                .and_then(|s| s.parse().ok())
                .unwrap_or(0.0);
        } else if line.starts_with("<char ") {
            let num = |k: &str| -> f32 {
                xml_attr(line, k)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or_else(|| panic!("stext char without {k}: {line}"))
            };
            let quad: Vec<f32> = xml_attr(line, "quad")
                .unwrap_or_default()
                .split_whitespace()
                .map(|v| v.parse().unwrap())
                .collect();
            assert_eq!(quad.len(), 8, "bad quad in {line}");
            let xs = [quad[0], quad[2], quad[4], quad[6]];
            let ys = [quad[1], quad[3], quad[5], quad[7]];
            let c = xml_attr(line, "c").unwrap_or_default();
            let mut cs = c.chars();
            let (Some(ch), None) = (cs.next(), cs.next()) else {
                panic!("stext char is not one character: {line}");
            };
            chars.push(PdfChar {
                page: page.expect("char before any page"),
                font: font.clone(),
                size,
                c: ch,
                x: num("x"),
                baseline: num("y"),
                left: xs.iter().copied().fold(f32::INFINITY, f32::min),
                right: xs.iter().copied().fold(f32::NEG_INFINITY, f32::max),
                top: ys.iter().copied().fold(f32::INFINITY, f32::min),
                bottom: ys.iter().copied().fold(f32::NEG_INFINITY, f32::max),
                color: xml_attr(line, "color").unwrap_or_default(),
            });
        }
    }
    chars
}

/// The decoded value of attribute `name` of one XML start tag.
fn xml_attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = start + tag[start..].find('"')?;
    Some(xml_unescape(&tag[start..end]))
}

fn xml_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find(';') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let entity = &rest[i + 1..i + j];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => out.push(c),
            None => out.push_str(&rest[i..i + j + 1]),
        }
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    out
}

/// Lines of text: characters grouped by page and baseline (within 0.1 pt), each line
/// sorted left to right; lines in page order, top to bottom.
pub fn pdf_lines(chars: &[PdfChar]) -> Vec<Vec<PdfChar>> {
    let mut sorted: Vec<PdfChar> = chars.to_vec();
    sorted.sort_by(|a, b| {
        (a.page, a.baseline, a.x)
            .partial_cmp(&(b.page, b.baseline, b.x))
            .unwrap()
    });
    let mut lines: Vec<Vec<PdfChar>> = Vec::new();
    for ch in sorted {
        match lines.last_mut() {
            Some(l) if l[0].page == ch.page && (l[0].baseline - ch.baseline).abs() < 0.1 => {
                l.push(ch)
            }
            _ => lines.push(vec![ch]),
        }
    }
    lines
}

/// A decoded raster, 8-bit gray (0 black … 255 white), row-major.
pub struct Gray {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

impl Gray {
    /// Reads a PNG (any colour type; RGB is converted with Rec. 601 luma) or a binary PGM.
    pub fn load(path: &Path) -> Gray {
        let bytes =
            std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        if bytes.starts_with(b"P5") {
            return Gray::from_pgm(&bytes);
        }
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().expect("PNG header");
        let mut buf = vec![0; reader.output_buffer_size().expect("PNG size")];
        let info = reader.next_frame(&mut buf).expect("PNG data");
        let (w, h) = (info.width as usize, info.height as usize);
        let channels = info.color_type.samples();
        let mut pixels = Vec::with_capacity(w * h);
        for row in 0..h {
            let line = &buf[row * info.line_size..];
            for col in 0..w {
                let p = &line[col * channels..col * channels + channels];
                let v = match channels {
                    1 | 2 => f32::from(p[0]),
                    _ => {
                        0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2])
                    }
                };
                pixels.push(v.round() as u8);
            }
        }
        Gray {
            width: w,
            height: h,
            pixels,
        }
    }

    fn from_pgm(bytes: &[u8]) -> Gray {
        // "P5\n<w> <h>\n255\n" then the pixels (as tests/pdf/pdfium_check.py writes it).
        let mut fields = Vec::new();
        let mut i = 2;
        while fields.len() < 3 {
            while bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let start = i;
            while !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            fields.push(
                std::str::from_utf8(&bytes[start..i])
                    .unwrap()
                    .parse::<usize>()
                    .unwrap(),
            );
        }
        let (w, h) = (fields[0], fields[1]);
        let pixels = bytes[i + 1..i + 1 + w * h].to_vec();
        Gray {
            width: w,
            height: h,
            pixels,
        }
    }

    /// Fraction of pixels darker than `threshold` in the box (pixels, clamped to the image).
    pub fn dark_fraction(&self, x0: f32, y0: f32, x1: f32, y1: f32, threshold: u8) -> f32 {
        let cx = |v: f32| (v.max(0.0) as usize).min(self.width);
        let cy = |v: f32| (v.max(0.0) as usize).min(self.height);
        let (x0, x1, y0, y1) = (cx(x0.floor()), cx(x1.ceil()), cy(y0.floor()), cy(y1.ceil()));
        let mut dark = 0usize;
        let mut all = 0usize;
        for y in y0..y1 {
            for x in x0..x1 {
                all += 1;
                if self.pixels[y * self.width + x] < threshold {
                    dark += 1;
                }
            }
        }
        if all == 0 {
            0.0
        } else {
            dark as f32 / all as f32
        }
    }
}

/// The example site (the repository root) built once per test binary, with PDFs, for
/// `--today 2026-11-23`, into `target/tmp/<test binary>-example/out`. Returns the output folder.
pub fn example_output() -> &'static Path {
    static OUT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("{}-example", env!("CARGO_CRATE_NAME")));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("out");
        let report = build(&BuildOptions {
            root: repo_root(),
            output: out.clone(),
            drafts: false,
            pdf: true,
            today: "2026-11-23".parse().unwrap(),
        });
        assert!(
            !report.diagnostics.has_errors(),
            "the example site does not build:\n{}",
            describe(&report)
        );
        out
    })
}

/// Bullet points of the programme's meeting handout (/work/shared/seed), the raw material of
/// long Japanese paragraphs: 、。「」『』（）・ー, small kana, katakana words, ACP, ICT.
pub const SEED_BULLETS: &[&str] = &[
    "医療施設等アンケート調査、大阪市高齢者実態調査等より、本事業の評価指標を設定",
    "大阪市在宅医療・介護連携推進事業に関する医療施設等アンケート調査を実施予定",
    "『入退院支援にかかる多職種研修会』を基本保健医療圏毎に開催",
    "『在宅医療・介護連携推進事業 区新任担当者等説明会』の開催",
    "区役所及び相談支援室への個別支援",
    "『区役所実務者、在宅医療・介護連携支援コーディネーター合同研修会』の開催",
    "事務の流れだけでなく、交流を持ちながら進めると、会議がよりスムーズに進むと感じたので今後参考にしたい",
    "他区の取組み等いろいろ話が聞けたので参考になった",
    "コーディネーターや他区とのグループワークの時間をもっとほしい",
    "事例発表の場があればよいと思う",
    "支援者がACPについて理解を深める必要があると思った",
    "介護保険やサービス、訪問看護の点数等を分かりやすく知りたい",
    "相談支援室だけで進めていくのではなく、区役所や他の事業所との連携がいかに大切かがわかった",
    "区役所との連携について具体的に聞けたことは今後の活動での大きなヒントになった",
    "各区の具体的な取組みや目標を聞く機会になった",
    "区役所が中心で協力、連携体制の重要性",
    "コロナ禍であっても歩みを止めないための熱意",
    "現場を知ることで課題を得るという姿勢",
    "ACPについて取り組んでいきたい",
    "ワクチン会場での啓発活動について取り入れてみたいと思った",
    "オンラインでも開催してくれたことで、少人数で顔が見え今後の相談がしやすくなった",
    "新人の方ばかりということで安心感もあり質問しやすい雰囲気でした",
    "ファシリテーターに経験豊富なコーディネーターの方々がご参加いただきましたので心強かった",
    "環境が違う中、他機関との連携を試行錯誤しながら行っており、今回のような些細なことでも相談できる場はありがたい",
    "事業の基礎的な部分についても研修もあればよい",
    "新人ばかりだったので、質問や話がしやすかった",
    "目標の見える化、具体化が参考になった",
    "小さな目標を立ててはいけないと思っていたが、そうではないことがわかった",
    "地域での活動や個別ケースへの対応について具体的な方法を知りたい",
    "区役所との連携方法や会議の運営について知りたい",
    "顔を合わせて話ができたので今まで以上に話がしやすくなった",
    "ファシリテーター初動期の話が聞けて参考になった",
    "初動期の活動を振り返る機会になった（ファシリテーター）",
    "コロナ禍で活動が制限されることが多く、連携がしにくくなった反面、ICTを利用し多職種研修会を開催できた",
    "ICTを利用して研修会を実施したので、今まで参加の少なかった職種（ヘルパー等）の参加が増えた",
    "感染対策など、新型コロナウイルス感染症関連の啓発を実施した",
    "新型コロナウイルス感染症のため面会や退院前カンファレンスができずに、退院するケースが増加",
    "相談支援室への相談について、介護側からの相談と比較して、医療側からの相談が少ない",
    "相談内容が複雑化してきており、困難ケースが増加している",
    "地域での連携がスムーズにできる仕組みづくり、マニュアルづくり、ケアカフェの開催",
    "入退院にかかわるルール（エチケット）ブックの作成",
    "事例検討会",
    "発災時の対応についての研修会",
];

/// A real 2×2 PNG of one grey `shade`: fixtures whose images must be printable in the PDF.
pub fn tiny_png(shade: u8) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 2, 2);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().expect("PNG header");
        w.write_image_data(&[shade; 12]).expect("PNG data");
    }
    out
}

/// `tsushin check --format json` on the fixture: the output and its diagnostics.
pub fn check_json(f: &Fixture, extra: &[&str]) -> (Output, Vec<serde_json::Value>) {
    let root = f.root();
    let mut args = vec![
        "check",
        "--root",
        root.to_str().unwrap(),
        "--today",
        TODAY,
        "--format",
        "json",
    ];
    args.extend(extra);
    let out = run_bin(&args, f.dir.path());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "check printed no JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(&out)
        )
    });
    let diags = json["diagnostics"].as_array().cloned().unwrap_or_default();
    (out, diags)
}

/// `pdf_files` without the bound volumes (合本) the build adds for each fiscal year: the PDFs
/// of the issues and trainings themselves.
pub fn own_pdf_files(dir: &Path) -> Vec<PathBuf> {
    pdf_files(dir)
        .into_iter()
        .filter(|p| !p.to_string_lossy().ends_with("合本.pdf"))
        .collect()
}

/// `pdftotext -layout` of page `n` (1-based) of `pdf`, so a page's footer is its last line.
pub fn pdf_page_text(pdf: &Path, n: usize) -> String {
    let n = n.to_string();
    tool_ok(
        "pdftotext",
        [
            "-layout".as_ref(),
            "-enc".as_ref(),
            "UTF-8".as_ref(),
            "-f".as_ref(),
            n.as_ref(),
            "-l".as_ref(),
            n.as_ref(),
            pdf.as_os_str(),
            "-".as_ref(),
        ],
    )
}

/// Copies the example site (site.yaml and content/) into `dest`.
pub fn copy_example(dest: &Path) {
    let repo = repo_root();
    std::fs::create_dir_all(dest).unwrap();
    std::fs::copy(repo.join("site.yaml"), dest.join("site.yaml")).unwrap();
    for entry in walkdir::WalkDir::new(repo.join("content")) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&repo).unwrap();
        let to = dest.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The preview server and the browser tests

pub mod browser;
pub mod live;
pub mod serve;
