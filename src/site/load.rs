//! Loading a site: config, theme and every page of content/, checked together (numbers and
//! output paths used twice, names a file share cannot hold, the address book) and with every
//! link resolved, into a [`Site`]. It stands below the build plan, the incremental rebuild and
//! `tsushin pdf`, which all start from a loaded site, and above the modules that each describe
//! one part of it (PDF and calendar paths, tag pages, link targets).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;

use super::loaded::Site;
use super::names::RESERVED;
use super::sequences::Sequences;
use super::targets::{PageLinks, Targets};
use super::{book, ics, links, names, resolve, volumes};
use crate::config;
use crate::content::{self, Page};
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::theme;

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
    let pdf_paths = volumes::pdf_paths(&pages, &config, &assets);
    let ics_paths = ics::plan(&pages, &pdf_paths);
    let ics_sequences = Sequences::load(root).unwrap_or_else(|e| {
        diags.push(e);
        Sequences::default()
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
    site.links = resolve_links(&site);
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
pub(super) fn scan(
    content_dir: &Path,
    diags: &mut Diagnostics,
) -> (Vec<(PathBuf, String)>, Vec<String>) {
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

pub(super) fn check_unique(pages: &[Page], assets: &[String], diags: &mut Diagnostics) {
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

/// What the pages of `site` may link to: its pages, the generated pages and every file it
/// publishes.
fn link_targets(site: &Site) -> Targets<'_> {
    let mut files: HashSet<String> = RESERVED.iter().map(|s| s.to_string()).collect();
    files.extend(site.assets.iter().cloned());
    files.extend(site.theme.static_files.keys().cloned());
    files.extend(site.tag_files.values().cloned());
    Targets {
        pages: site.pages.iter().map(|p| (p.rel.as_str(), p)).collect(),
        drafts: &site.drafts,
        files,
        content_dir: site.root.join("content"),
    }
}

/// Resolves the links and images of every page of `site` (`targets::resolve_page`), by
/// source path.
pub(super) fn resolve_links(site: &Site) -> HashMap<String, PageLinks> {
    let targets = link_targets(site);
    site.pages
        .par_iter()
        .map(|p| (p.rel.clone(), super::targets::resolve_page(p, &targets)))
        .collect()
}
