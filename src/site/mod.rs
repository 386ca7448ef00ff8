//! Build orchestration: load and validate everything, render every page, and only then swap
//! the new output in. Every problem of a build is collected and reported together.

pub mod book;
pub mod context;
pub mod feed;
pub mod ics;
pub mod incremental;
pub mod links;
pub mod names;
pub mod output;
mod pages;
pub mod pdfs;
pub mod plan;
pub mod resolve;
pub mod search;
pub mod single;
pub mod targets;
pub mod volumes;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::{self, Config};
use crate::content::{self, Page};
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::theme::{self, Theme};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    pub drafts: bool,
    /// Typeset a PDF of every issue and training announcement (`--no-pdf` turns it off).
    pub pdf: bool,
    /// "Today" for upcoming/past trainings; fixed in tests for reproducible output.
    pub today: Date,
}

#[derive(Debug, Default)]
pub struct BuildReport {
    pub diagnostics: Diagnostics,
    pub pages_written: usize,
    pub pdfs_written: usize,
    pub files_written: usize,
}

/// Everything loaded and checked, ready to render.
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub theme: Theme,
    pub pages: Vec<Page>,
    /// Files copied from content/ (images, attachments), relative to content/: those that a
    /// published page links to or shows (`resolve::published`).
    pub assets: Vec<String>,
    /// Every non-Markdown file under content/ that may be published (no junk, no link out).
    pub content_files: Vec<String>,
    pub drafts: HashSet<String>,
    /// Tag → output file of its page.
    pub tag_files: BTreeMap<String, String>,
    /// Source path → output path of its PDF; empty when PDFs are not made.
    pub pdf_paths: HashMap<String, String>,
    /// Fonts and style of the PDFs, parsed once per build.
    pub pdf: Option<crate::pdf::PdfContext>,
    /// Source path → output path of its calendar file (`ics::plan`); made with or without PDFs.
    pub ics_paths: HashMap<String, String>,
    /// The calendar files' SEQUENCE numbers as the last build left them.
    pub ics_sequences: ics::Sequences,
    /// Every page's links and images resolved (`targets::resolve_site`), by source path:
    /// the HTML and the PDF read their targets here.
    pub links: HashMap<String, targets::PageLinks>,
}

pub fn build(opts: &BuildOptions) -> BuildReport {
    let mut report = BuildReport::default();
    // Checked (and repaired after an interrupted build) before anything else, even if the
    // site has errors.
    let target = match output::prepare(&opts.root, &opts.output) {
        Ok(t) => t,
        Err(e) => {
            report.diagnostics.push(e);
            return report;
        }
    };
    let Some(mut site) = load(&opts.root, opts.drafts, &mut report.diagnostics) else {
        return report;
    };
    if !opts.pdf {
        site.pdf_paths.clear();
    }
    // The build plan: every HTML job, then (when they all succeeded) every PDF job.
    let mut files = plan::render_html(&site, opts.today, &mut report.diagnostics);
    if report.diagnostics.has_errors() {
        return report;
    }
    if opts.pdf {
        let pdfs = plan::render_pdfs(
            &site,
            opts.today,
            plan::Pdfs::Typeset,
            &mut report.diagnostics,
        );
        if report.diagnostics.has_errors() {
            return report;
        }
        report.pdfs_written = pdfs.len();
        files.extend(pdfs);
    }
    match write(&site, target, &files) {
        Ok(()) => {
            // Only once the output is in place: a failed build leaves the numbers as they were.
            if let Err(w) = ics::save(&site) {
                report.diagnostics.push(w);
            }
            report.pages_written = files.iter().filter(|(p, _)| p.ends_with(".html")).count();
            report.files_written = files.len() + site.assets.len() + site.theme.static_files.len();
        }
        Err(e) => report.diagnostics.push(e),
    }
    report
}

/// Which Markdown files of content/ `load_pages` parses.
#[derive(Debug, Clone, Copy)]
pub enum Pages<'a> {
    /// Every page: what build, check, serve and mail load.
    All,
    /// The page at this source path and the pages it links to, which its links need (their
    /// output paths and anchors): all that one page's own outputs read (`tsushin pdf`). The
    /// checks between pages (a number used twice, clashing output paths) see only these.
    Linked(&'a str),
}

/// Loads config, theme and content and checks them; `None` when rendering is impossible.
pub fn load(root: &Path, include_drafts: bool, diags: &mut Diagnostics) -> Option<Site> {
    load_pages(root, include_drafts, Pages::All, diags)
}

/// `load`, parsing only the Markdown files `which` names.
pub fn load_pages(
    root: &Path,
    include_drafts: bool,
    which: Pages,
    diags: &mut Diagnostics,
) -> Option<Site> {
    let config = config::load(root, diags)?;
    let theme = theme::load(root, &config, diags);
    let content_dir = root.join("content");
    let (sources, content_files) = scan(&content_dir, diags);
    let results = match which {
        Pages::All => parse_all(&sources),
        Pages::Linked(rel) => parse_linked(&sources, rel),
    };
    let mut pages = Vec::new();
    let mut drafts = HashSet::new();
    for (page, d) in results {
        diags.extend(d);
        match page {
            Some(p) if p.meta.draft && !include_drafts => {
                drafts.insert(p.rel.clone());
            }
            Some(p) => pages.push(p),
            None => {}
        }
    }
    let assets = resolve::published(&pages, &content_files);
    // Names that clash with a page are reported for every file, published or not.
    check_unique(&pages, &content_files, diags);
    names::check_outputs(&pages, &assets, diags);
    book::check_site(root, &config, &pages, &content_files, diags);
    let theme = theme?;
    let tag_files = links::tag_files(pages.iter().flat_map(|p| &p.meta.tags));
    let pdf_paths = plan::pdf_paths(&pages, &config, &assets);
    let ics_paths = ics::plan(&pages, &pdf_paths);
    let ics_sequences = ics::Sequences::load(root).unwrap_or_else(|e| {
        diags.push(e);
        ics::Sequences::default()
    });
    let pdf = crate::pdf::PdfContext::new(root, &theme, &config, diags);
    let mut site = Site {
        pdf_paths,
        ics_paths,
        ics_sequences,
        pdf,
        root: root.to_path_buf(),
        config,
        theme,
        pages,
        assets,
        content_files,
        drafts,
        tag_files,
        links: HashMap::new(),
    };
    // Resolved once, for every output: each problem is reported here and only here.
    site.links = targets::resolve_site(&site);
    for page in &site.pages {
        diags.extend(site.links[&page.rel].problems.iter().cloned());
    }
    Some(site)
}

fn parse_all(sources: &[(PathBuf, String)]) -> Vec<(Option<Page>, Diagnostics)> {
    sources
        .par_iter()
        .map(|(path, rel)| {
            let mut d = Diagnostics::new();
            let page = content::load(path, rel, &mut d);
            (page, d)
        })
        .collect()
}

/// The page `rel` first, then the pages of `sources` its links name (`a.md`, `../events/b.md#x`).
fn parse_linked(sources: &[(PathBuf, String)], rel: &str) -> Vec<(Option<Page>, Diagnostics)> {
    let Some((path, _)) = sources.iter().find(|(_, r)| r == rel) else {
        return Vec::new();
    };
    let mut first = Diagnostics::new();
    let page = content::load(path, rel, &mut first);
    let linked: HashSet<String> = page
        .iter()
        .flat_map(|p| &p.doc.refs)
        .filter_map(|r| match resolve::classify(rel, &r.url, r.kind) {
            Ok(resolve::Url::Local { target, .. }) if target != rel => Some(target),
            _ => None,
        })
        .collect();
    let others: Vec<(PathBuf, String)> = sources
        .iter()
        .filter(|(_, r)| linked.contains(r))
        .cloned()
        .collect();
    let mut out = vec![(page, first)];
    out.extend(parse_all(&others));
    out
}

/// Markdown files and other files under content/, sorted for reproducible builds.
fn scan(content_dir: &Path, diags: &mut Diagnostics) -> (Vec<(PathBuf, String)>, Vec<String>) {
    let mut sources = Vec::new();
    let mut assets = Vec::new();
    if !content_dir.is_dir() {
        diags.push(
            Diagnostic::warning(
                Location::file("content"),
                "there is no content/ folder; the site has no pages",
            )
            .help("create content/newsletters/ and content/events/ and write pages there"),
        );
        return (sources, assets);
    }
    let walker = walkdir::WalkDir::new(content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::error(
                    Location::file("content"),
                    format!("cannot read content folder: {e}"),
                ));
                continue;
            }
        };
        if entry.file_type().is_symlink() {
            if !linked_file_inside(content_dir, entry.path(), diags) {
                continue;
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        let rel_path = entry
            .path()
            .strip_prefix(content_dir)
            .unwrap_or(entry.path());
        let Some(rel) = rel_path.to_str().map(|s| s.replace('\\', "/")) else {
            diags.push(
                Diagnostic::error(
                    Location::file(entry.path()),
                    "file name is not valid Unicode",
                )
                .help("rename the file"),
            );
            continue;
        };
        if resolve::is_junk(&entry.file_name().to_string_lossy()) {
            continue; // OS and editor files (Thumbs.db, ~$ lock files, backups): never published
        }
        if rel.to_ascii_lowercase().ends_with(".md") {
            sources.push((entry.path().to_path_buf(), rel));
        } else {
            assets.push(rel);
        }
    }
    (sources, assets)
}

/// Whether the symbolic link `path` under content/ leads to a file inside content/; a linked
/// Markdown file that leads out of it is left out with a warning.
fn linked_file_inside(content_dir: &Path, path: &Path, diags: &mut Diagnostics) -> bool {
    let rel = path.strip_prefix(content_dir).unwrap_or(path);
    match resolve::file_in(content_dir, &rel.to_string_lossy().replace('\\', "/")) {
        Ok(_) => true,
        Err(resolve::NotRead::Outside) if rel.extension().is_some_and(|e| e == "md") => {
            diags.push(
                Diagnostic::warning(
                    Location::file(Path::new("content").join(rel)),
                    "this file is a symbolic link to a file outside content/; tsushin leaves it out",
                )
                .help("copy the file into content/ instead of linking to it"),
            );
            false
        }
        Err(_) => false,
    }
}

/// Generated pages that content may not replace.
const RESERVED: &[&str] = &[
    "index.html",
    "newsletters/index.html",
    "events/index.html",
    "handouts/index.html",
    "tags/index.html",
    "feed.xml",
    search::PAGE,
];

fn check_unique(pages: &[Page], assets: &[String], diags: &mut Diagnostics) {
    let mut numbers: HashMap<u32, &Page> = HashMap::new();
    let mut handouts: HashMap<(&str, Option<Date>, u32), Location> = HashMap::new();
    let mut outputs: HashMap<&str, &Page> = HashMap::new();
    let asset_set: HashSet<&str> = assets.iter().map(String::as_str).collect();
    for a in assets {
        if RESERVED.contains(&a.as_str()) || a.starts_with("tags/") || a.starts_with("static/") {
            diags.push(
                Diagnostic::error(
                    Location::file(Path::new("content").join(a)),
                    format!("this file would be copied to {a}, which tsushin generates itself"),
                )
                .help("rename the file or move it into another folder"),
            );
        }
    }
    for p in pages {
        if let Some(n) = p.newsletter() {
            if let Some(other) = numbers.get(&n.number) {
                let first = other
                    .newsletter()
                    .map(|o| o.number_at.clone())
                    .unwrap_or_else(|| Location::file(&other.display));
                diags.push(
                    Diagnostic::error(
                        n.number_at.clone(),
                        format!("issue number {} (第{}号) is used twice", n.number, n.number),
                    )
                    .related(first)
                    .help("give each issue its own `number`"),
                );
            } else {
                numbers.insert(n.number, p);
            }
        }
        if let Some(h) = p.handout() {
            let key = (h.meeting.as_str(), p.meta.date, h.number);
            match handouts.get(&key) {
                Some(first) => diags.push(
                    Diagnostic::error(
                        h.number_at.clone(),
                        format!(
                            "資料{} of {} on {} is used twice",
                            h.number,
                            h.meeting,
                            p.meta.date.map_or_else(String::new, |d| d.to_string())
                        ),
                    )
                    .related(first.clone())
                    .help("give each handout of a meeting its own `number`"),
                ),
                None => {
                    handouts.insert(key, h.number_at.clone());
                }
            }
        }
        let at = p
            .meta
            .slug
            .as_ref()
            .map(|(_, l)| l.clone())
            .unwrap_or_else(|| Location::file(&p.display));
        if RESERVED.contains(&p.out_path.as_str())
            || p.out_path.starts_with("tags/")
            || p.out_path.starts_with("static/")
        {
            diags.push(
                Diagnostic::error(
                    at,
                    format!(
                        "this page would be written to {}, which tsushin generates itself",
                        p.out_path
                    ),
                )
                .help("rename the file or set another `slug`"),
            );
        } else if asset_set.contains(p.out_path.as_str()) {
            diags.push(
                Diagnostic::error(
                    at,
                    format!(
                        "this page would be written to {}, over the file content/{} ",
                        p.out_path, p.out_path
                    ),
                )
                .related(Location::file(Path::new("content").join(&p.out_path)))
                .help("rename the file or give the page another `slug`"),
            );
        } else if let Some(other) = outputs.get(p.out_path.as_str()) {
            diags.push(
                Diagnostic::error(at, format!("two pages would be written to {}", p.out_path))
                    .related(Location::file(&other.display))
                    .help("rename one of the files or give it another `slug`"),
            );
        } else {
            outputs.insert(&p.out_path, p);
        }
    }
}

/// Renders every output file but the PDFs in memory (the HTML jobs of the build plan):
/// output path → bytes.
pub fn render_all(
    site: &Site,
    today: Date,
    diags: &mut Diagnostics,
) -> Option<BTreeMap<String, Vec<u8>>> {
    Some(plan::render_html(site, today, diags))
}

fn write(
    site: &Site,
    target: output::Target,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<(), Diagnostic> {
    let staging = target.stage()?;
    for (rel, bytes) in &site.theme.static_files {
        staging.write(rel, bytes)?;
    }
    let content_dir = site.root.join("content");
    for rel in &site.assets {
        let at = || Location::file(Path::new("content").join(rel));
        let path = resolve::file_in(&content_dir, rel).map_err(|_| {
            Diagnostic::error(
                at(),
                "cannot read: the file is gone or now leads outside content/",
            )
        })?;
        let bytes = std::fs::read(path)
            .map_err(|e| Diagnostic::error(at(), format!("cannot read: {e}")))?;
        staging.write(rel, &bytes)?;
    }
    for (rel, bytes) in files {
        staging.write(rel, bytes)?;
    }
    staging.commit()
}
