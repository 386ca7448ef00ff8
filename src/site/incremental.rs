//! In-memory builds for `tsushin check` and `tsushin serve`.
//!
//! `check` runs the loading, validation and rendering functions of `build` and keeps the
//! diagnostics, writing nothing. `Live` keeps a loaded site and its rendered files in memory
//! and, when files change, re-renders only what depends on them: an edited issue re-renders its
//! own page, the listing pages, the tag pages it is (or was) on, the feed, and the pages whose
//! links to it changed — not the whole site. Changes to `site.yaml`, the theme, `templates/` or
//! `static/` reload everything. The rendering functions are the ones `build` uses, so the bytes
//! are the same as `build` writes; a test renders a site both ways and compares.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;

use super::Site;
use super::context::page_view;
use super::links;
use super::pages::{self, TagView};
use super::targets::{self, PageLinks};
use crate::content::{self, Page};
use crate::diag::{Diagnostic, Diagnostics};

/// What `tsushin check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub diagnostics: Diagnostics,
    /// Markdown files read (drafts included).
    pub sources: usize,
    /// Pages that would be published.
    pub pages: usize,
}

/// Everything `build` validates, without writing output: site.yaml, the theme and its
/// templates, front matter, Markdown and surveys, duplicate numbers and output paths, links,
/// anchors and images, every template rendered, and the characters the PDF fonts lack.
pub fn check(root: &Path, drafts: bool, today: Date, pdf: bool) -> CheckReport {
    let mut report = CheckReport::default();
    let mut scan_diags = Diagnostics::new();
    report.sources = super::scan(&root.join("content"), &mut scan_diags).0.len();
    let Some(mut site) = super::load(root, drafts, &mut report.diagnostics) else {
        return report;
    };
    if !pdf {
        site.pdf_paths.clear();
    }
    report.pages = site.pages.len();
    let _ = super::render_all(&site, today, &mut report.diagnostics);
    if pdf {
        super::pdfs::check(&site, &mut report.diagnostics);
        super::pdfs::check_images(&site, &mut report.diagnostics);
    }
    report
}

/// How `Live` loads and renders the site.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    pub root: PathBuf,
    pub drafts: bool,
    /// Fixed "today"; `None` follows the clock (a preview left running overnight re-renders).
    pub today: Option<Date>,
    /// Give issues and trainings their PDF link (PDFs themselves are made on request).
    pub pdf: bool,
}

/// Files that changed since the last update, as the watcher saw them.
#[derive(Debug, Default, Clone)]
pub struct Changes {
    /// site.yaml, the theme, templates/ or static/ changed: reload everything.
    pub full: bool,
    /// Paths under content/, relative to it with `/` separators (files or folders).
    pub content: BTreeSet<String>,
}

/// What an update did.
#[derive(Debug, Default, Clone)]
pub struct Update {
    /// Everything was reloaded and rendered.
    pub full: bool,
    /// Output files rendered again (or for the first time).
    pub rendered: Vec<String>,
    /// Output files that no longer exist.
    pub removed: Vec<String>,
    /// A page, image or other file that the site uses changed, so a browser should reload.
    pub changed: bool,
}

/// A site kept in memory for the preview server.
pub struct Live {
    opts: LiveOptions,
    state: Option<State>,
    /// The problems of a load that could not go on (site.yaml or the theme unusable).
    failed: Vec<Diagnostic>,
}

struct State {
    site: Site,
    today: Date,
    /// Markdown files under content/ in build order (drafts and unparsable files included).
    sources: Vec<String>,
    /// Problems found reading and parsing each Markdown file, by source path.
    file_diags: HashMap<String, Vec<Diagnostic>>,
    /// Problems not tied to one Markdown file (site.yaml, theme, fonts, content folder).
    other_diags: Vec<Diagnostic>,
    /// Duplicate issue numbers and output paths.
    unique_diags: Vec<Diagnostic>,
    /// Characters missing from the PDF fonts, by source path.
    glyph_diags: HashMap<String, Vec<Diagnostic>>,
    /// Template errors, by output path.
    render_diags: BTreeMap<String, Vec<Diagnostic>>,
    /// Rendered output: path → bytes.
    files: BTreeMap<String, Arc<[u8]>>,
    /// Output path → source path of the page rendered there.
    owners: HashMap<String, String>,
    /// Each page as listings, tag pages and the feed see it (its summary view), by source path.
    views: HashMap<String, String>,
}

/// What to render.
enum Selection {
    All,
    Some {
        /// Source paths of pages whose own content or summary changed.
        pages: BTreeSet<String>,
        /// Tags whose tag page lists one of them.
        tags: BTreeSet<String>,
        /// Whether the listing pages, tag pages and feed can have changed.
        listings: bool,
    },
}

impl Live {
    /// Loads and renders the whole site.
    pub fn new(opts: LiveOptions) -> Live {
        let mut live = Live {
            opts,
            state: None,
            failed: Vec::new(),
        };
        live.reload();
        live
    }

    fn today(&self) -> Date {
        self.opts
            .today
            .unwrap_or_else(|| jiff::ZonedDateTime::now().date())
    }

    /// Loads everything again; returns the output files rendered.
    fn reload(&mut self) -> Vec<String> {
        let today = self.today();
        let mut diags = Diagnostics::new();
        self.state = None;
        self.failed.clear();
        let Some(mut site) = super::load(&self.opts.root, self.opts.drafts, &mut diags) else {
            self.failed = diags.into_iter().collect();
            return Vec::new();
        };
        if !self.opts.pdf {
            site.pdf_paths.clear();
        }
        let content_dir = self.opts.root.join("content");
        let mut scan_diags = Diagnostics::new();
        let sources = rels(super::scan(&content_dir, &mut scan_diags).0);
        let unique_diags = unique(&site);
        // `load` reported the duplicates and the link problems too: take them out, they are
        // kept apart (the link problems in `site.links`) and redone.
        let mut rest: Vec<Diagnostic> = diags.into_iter().collect();
        let link_diags = site.links.values().flat_map(|l| &l.problems);
        for u in unique_diags.iter().chain(link_diags) {
            if let Some(i) = rest.iter().position(|d| d == u) {
                rest.remove(i);
            }
        }
        let by_display: HashMap<PathBuf, String> = sources
            .iter()
            .map(|rel| (Path::new("content").join(rel), rel.clone()))
            .collect();
        let mut file_diags: HashMap<String, Vec<Diagnostic>> = HashMap::new();
        let mut other_diags = Vec::new();
        for d in rest {
            match by_display.get(&d.location.file) {
                Some(rel) => file_diags.entry(rel.clone()).or_default().push(d),
                None => other_diags.push(d),
            }
        }
        let mut state = State {
            site,
            today,
            sources,
            file_diags,
            other_diags,
            unique_diags,
            glyph_diags: HashMap::new(),
            render_diags: BTreeMap::new(),
            files: BTreeMap::new(),
            owners: HashMap::new(),
            views: HashMap::new(),
        };
        // The PDF checks of `build` (characters missing from the PDF fonts), kept by file so
        // that an edit redoes only its own page's.
        if self.opts.pdf {
            let mut glyphs = Diagnostics::new();
            super::pdfs::check(&state.site, &mut glyphs);
            for d in glyphs {
                match by_display.get(&d.location.file) {
                    Some(rel) => state.glyph_diags.entry(rel.clone()).or_default().push(d),
                    None => state.other_diags.push(d),
                }
            }
        }
        state.views = state
            .site
            .pages
            .iter()
            .map(|p| (p.rel.clone(), summary_view(&state.site, p)))
            .collect();
        let rendered = state.render(Selection::All);
        self.state = Some(state);
        rendered
    }

    /// Applies the changes the watcher saw and re-renders what depends on them.
    pub fn update(&mut self, changes: &Changes) -> Update {
        let today = self.today();
        let needs_full = changes.full
            || self.state.is_none()
            || self.state.as_ref().is_some_and(|s| s.today != today);
        if !needs_full && let Some(state) = self.state.as_mut() {
            // `None`: the content folder changed in a way that needs a full load.
            if let Some(update) = state.update_content(&self.opts, &changes.content) {
                return update;
            }
        }
        let old: HashSet<String> = self
            .state
            .as_ref()
            .map(|s| s.files.keys().cloned().collect())
            .unwrap_or_default();
        let rendered = self.reload();
        let new: HashSet<&String> = self
            .state
            .as_ref()
            .map(|s| s.files.keys().collect())
            .unwrap_or_default();
        Update {
            full: true,
            removed: old.into_iter().filter(|o| !new.contains(o)).collect(),
            rendered,
            changed: true,
        }
    }

    /// The loaded site; `None` when site.yaml or the theme cannot be used.
    pub fn site(&self) -> Option<&Site> {
        self.state.as_ref().map(|s| &s.site)
    }

    /// Rendered output files (pages, listings, tag pages, feed), path → bytes.
    pub fn files(&self) -> BTreeMap<String, Arc<[u8]>> {
        self.state
            .as_ref()
            .map(|s| s.files.clone())
            .unwrap_or_default()
    }

    /// Every problem of the site as it is now, as a build would report it.
    pub fn diagnostics(&self) -> Diagnostics {
        let mut d = Diagnostics::new();
        d.extend(self.failed.iter().cloned());
        if let Some(s) = &self.state {
            d.extend(s.other_diags.iter().cloned());
            d.extend(s.file_diags.values().flatten().cloned());
            d.extend(s.unique_diags.iter().cloned());
            d.extend(s.site.links.values().flat_map(|l| &l.problems).cloned());
            d.extend(s.glyph_diags.values().flatten().cloned());
            d.extend(s.render_diags.values().flatten().cloned());
        }
        d
    }

    /// Typesets the PDF at output path `out` (as `build` would write it); `None` when no page
    /// has that PDF.
    pub fn render_pdf(&mut self, out: &str) -> Option<Result<Vec<u8>, Diagnostics>> {
        let state = self.state.as_mut()?;
        let (rel, _) = state.site.pdf_paths.iter().find(|(_, p)| *p == out)?;
        let rel = rel.clone();
        super::pdfs::render_page(&state.site, &rel)
    }

    /// Output paths of the PDFs the pages link to.
    pub fn pdf_paths(&self) -> HashSet<String> {
        self.state
            .as_ref()
            .map(|s| s.site.pdf_paths.values().cloned().collect())
            .unwrap_or_default()
    }
}

/// A page as listings, tag pages and the feed see it.
fn summary_view(site: &Site, page: &Page) -> String {
    serde_json::to_string(&page_view(page, "index.html", site)).unwrap_or_default()
}

fn rels(sources: Vec<(PathBuf, String)>) -> Vec<String> {
    sources.into_iter().map(|(_, rel)| rel).collect()
}

/// Duplicate issue numbers and output paths, as `load` reports them.
fn unique(site: &Site) -> Vec<Diagnostic> {
    let mut d = Diagnostics::new();
    super::check_unique(&site.pages, &site.content_files, &mut d);
    super::names::check_outputs(&site.pages, &site.assets, &mut d);
    d.into_iter().collect()
}

impl State {
    fn check_glyphs<'a>(&mut self, rels: impl Iterator<Item = &'a String>) {
        let Some(ctx) = self.site.pdf.as_ref() else {
            return;
        };
        for rel in rels {
            self.glyph_diags.remove(rel);
            if !self.site.pdf_paths.contains_key(rel) {
                continue;
            }
            if let Some(page) = self.site.pages.iter().find(|p| &p.rel == rel) {
                let mut d = Diagnostics::new();
                ctx.check_glyphs(page, &self.site.config, &mut d);
                if !d.is_empty() {
                    self.glyph_diags
                        .insert(rel.clone(), d.into_iter().collect());
                }
            }
        }
    }

    /// Re-reads the changed files under content/; `None` when a full load is needed.
    fn update_content(&mut self, opts: &LiveOptions, touched: &BTreeSet<String>) -> Option<Update> {
        let content_dir = opts.root.join("content");
        let mut scan_diags = Diagnostics::new();
        let (sources, assets) = super::scan(&content_dir, &mut scan_diags);
        let sources = rels(sources);
        if !scan_diags.is_empty() {
            return None;
        }
        let known: HashSet<&String> = self.sources.iter().collect();
        let now: HashSet<&String> = sources.iter().collect();
        // A touched folder (renamed, moved) touches everything under it.
        let under = |rel: &String| {
            touched.contains(rel)
                || touched
                    .iter()
                    .any(|t| rel.starts_with(t.as_str()) && rel[t.len()..].starts_with('/'))
        };
        let reparse: Vec<String> = sources
            .iter()
            .filter(|r| under(r) || !known.contains(r))
            .cloned()
            .collect();
        let removed: Vec<String> = self
            .sources
            .iter()
            .filter(|r| !now.contains(r))
            .cloned()
            .collect();
        let old_assets: HashSet<&String> = self.site.content_files.iter().collect();
        let assets_changed = assets != self.site.content_files;
        let asset_touched = assets.iter().any(under) || old_assets.iter().any(|a| under(a));
        if reparse.is_empty() && removed.is_empty() && !assets_changed {
            return Some(Update {
                changed: asset_touched,
                ..Update::default()
            });
        }

        // A `build` since the last update may have recorded new calendar SEQUENCE numbers: then
        // every calendar file is made again (an unreadable file needs the full load's report).
        let sequences = super::ics::Sequences::load(&opts.root).ok()?;
        // The groups `recipients:` may name, as `load` checks them.
        let groups = crate::mail::book::group_names(&opts.root);
        let parsed: Vec<(String, Option<Page>, Diagnostics)> = reparse
            .par_iter()
            .map(|rel| {
                let mut d = Diagnostics::new();
                let page = content::load(&content_dir.join(rel), rel, &mut d);
                if let (Some(p), Some(names)) = (&page, &groups)
                    && (opts.drafts || !p.meta.draft)
                {
                    crate::mail::book::check_page(p, names, &mut d);
                }
                (rel.clone(), page, d)
            })
            .collect();
        let order_before: Vec<String> = self.site.pages.iter().map(|p| p.rel.clone()).collect();
        let mut old: HashMap<String, Page> = std::mem::take(&mut self.site.pages)
            .into_iter()
            .map(|p| (p.rel.clone(), p))
            .collect();
        let mut changed: BTreeSet<String> = BTreeSet::new();
        if sequences != self.site.ics_sequences {
            self.site.ics_sequences = sequences;
            changed.extend(self.site.ics_paths.keys().cloned());
        }
        let mut tags: BTreeSet<String> = BTreeSet::new();
        for rel in &removed {
            self.file_diags.remove(rel);
            self.glyph_diags.remove(rel);
            self.site.links.remove(rel);
            self.site.drafts.remove(rel);
            if let Some(p) = old.remove(rel) {
                tags.extend(p.meta.tags);
            }
        }
        let mut fresh: HashMap<String, Page> = HashMap::new();
        for (rel, page, d) in parsed {
            self.file_diags.insert(rel.clone(), d.into_iter().collect());
            self.glyph_diags.remove(&rel);
            self.site.links.remove(&rel);
            self.site.drafts.remove(&rel);
            if let Some(p) = old.remove(&rel) {
                tags.extend(p.meta.tags);
            }
            match page {
                Some(p) if p.meta.draft && !opts.drafts => {
                    self.site.drafts.insert(rel);
                }
                Some(p) => {
                    tags.extend(p.meta.tags.iter().cloned());
                    changed.insert(rel.clone());
                    fresh.insert(rel, p);
                }
                None => {}
            }
        }
        // Pages in the order `load` gives them (templates list plain pages in this order).
        self.site.pages = sources
            .iter()
            .filter_map(|rel| fresh.remove(rel).or_else(|| old.remove(rel)))
            .collect();
        self.sources = sources;
        self.site.content_files = assets;
        self.site.assets = super::resolve::published(&self.site.pages, &self.site.content_files);
        self.unique_diags = unique(&self.site);

        let tag_files = links::tag_files(self.site.pages.iter().flat_map(|p| &p.meta.tags));
        let tags_renamed = tag_files != self.site.tag_files;
        self.site.tag_files = tag_files;
        // The calendar files are named after the PDFs and made with or without them.
        let plan = super::pdfs::plan(&self.site.pages, &self.site.config, &self.site.assets);
        let ics_plan = super::ics::plan(&self.site.pages, &plan);
        for p in &self.site.pages {
            if (opts.pdf && plan.get(&p.rel) != self.site.pdf_paths.get(&p.rel))
                || ics_plan.get(&p.rel) != self.site.ics_paths.get(&p.rel)
            {
                changed.insert(p.rel.clone());
                tags.extend(p.meta.tags.iter().cloned());
            }
        }
        // The archive links each fiscal year's bound volume: a volume that comes, goes or is
        // renamed changes the listings.
        let volumes = |paths: &HashMap<String, String>| -> BTreeMap<String, String> {
            paths
                .iter()
                .filter(|(k, _)| super::volumes::year_of(k).is_some())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        let volumes_changed = opts.pdf && volumes(&plan) != volumes(&self.site.pdf_paths);
        if opts.pdf {
            self.site.pdf_paths = plan;
        }
        self.site.ics_paths = ics_plan;
        let glyphs: Vec<String> = changed.iter().cloned().collect();
        self.check_glyphs(glyphs.iter());

        // Listings, tag pages and the feed see pages only through their summary view: when
        // no view changed and no page came or went (the usual edit, in the body), they cannot
        // have changed. (Tag file names depend on every tag: when they change, all is redone.)
        let order_now: Vec<&String> = self.site.pages.iter().map(|p| &p.rel).collect();
        let same_pages = order_before.iter().eq(order_now.iter().copied());
        let mut views_changed = false;
        for p in &self.site.pages {
            if tags_renamed || changed.contains(&p.rel) {
                let view = summary_view(&self.site, p);
                views_changed |= self.views.get(&p.rel) != Some(&view);
                self.views.insert(p.rel.clone(), view);
            }
        }
        let present: HashSet<&String> = self.site.pages.iter().map(|p| &p.rel).collect();
        self.views.retain(|k, _| present.contains(k));

        let before: HashSet<String> = self.files.keys().cloned().collect();
        let rendered = if tags_renamed {
            self.render(Selection::All)
        } else {
            self.render(Selection::Some {
                pages: changed,
                tags,
                listings: views_changed || !same_pages || volumes_changed,
            })
        };
        let removed_files = before
            .into_iter()
            .filter(|f| !self.files.contains_key(f))
            .collect();
        Some(Update {
            full: false,
            rendered,
            removed: removed_files,
            changed: true,
        })
    }

    /// Renders the selection (plus every page whose links now resolve differently), the
    /// listing pages and the feed; drops files no longer produced. Mirrors `pages::render`.
    fn render(&mut self, selection: Selection) -> Vec<String> {
        // Links are resolved for every page (cheap): a page is rendered again when its links
        // now point elsewhere, and its link problems are always up to date.
        let resolved = targets::resolve_site(&self.site);
        let before = std::mem::replace(&mut self.site.links, resolved);
        let site = &self.site;
        let today = self.today;
        let mut todo: HashSet<String> = HashSet::new();
        let (all, sel_pages, sel_tags, listings_needed) = match &selection {
            Selection::All => (true, None, None, true),
            Selection::Some {
                pages,
                tags,
                listings,
            } => (false, Some(pages), Some(tags), *listings),
        };
        for (rel, now) in &site.links {
            let differs = before.get(rel).is_none_or(|old| !old.same_targets(now));
            if all || differs || sel_pages.is_some_and(|s| s.contains(rel)) {
                todo.insert(rel.clone());
            }
        }
        // A page whose output another page had taken (duplicate slugs) is rendered again too.
        for p in &site.pages {
            if self.owners.get(&p.out_path) != Some(&p.rel) {
                todo.insert(p.rel.clone());
            }
        }
        let no_links = PageLinks::default();
        let outputs: Vec<(String, String, Result<String, Diagnostic>)> = site
            .pages
            .par_iter()
            .filter(|p| todo.contains(&p.rel))
            .map(|page| {
                let links = site.links.get(&page.rel).unwrap_or(&no_links);
                (
                    page.out_path.clone(),
                    page.rel.clone(),
                    pages::render_page(site, page, links, today),
                )
            })
            .collect();
        let mut rendered = Vec::new();
        let mut files: Vec<(String, Result<Vec<u8>, Diagnostic>)> = Vec::new();
        for (out, rel, result) in outputs {
            self.owners.insert(out.clone(), rel);
            files.push((out, result.map(String::into_bytes)));
        }
        // A training's calendar file depends on nothing but its own page.
        for page in site.pages.iter().filter(|p| todo.contains(&p.rel)) {
            if let (Some(path), Some(bytes)) = (
                site.ics_paths.get(&page.rel),
                super::ics::render(site, page),
            ) {
                files.push((path.clone(), Ok(bytes)));
            }
        }

        // Listing pages, tag pages and the feed, as `pages::render` makes them, in parallel.
        let page_refs: Vec<&Page> = site.pages.iter().collect();
        let tag_index = pages::tag_index(&page_refs);
        let listings = pages::listings(&page_refs);
        enum Job<'a> {
            Listing(&'a str, &'a str, &'a str),
            Tag(&'a String, &'a [&'a Page]),
            Feed,
        }
        let mut jobs: Vec<Job> = Vec::new();
        if listings_needed {
            jobs.extend(listings.iter().map(|(o, t, c)| Job::Listing(o, t, c)));
            jobs.push(Job::Feed);
            for (tag, tagged) in &tag_index {
                if all || sel_tags.is_some_and(|t| t.contains(tag)) {
                    jobs.push(Job::Tag(tag, tagged));
                }
            }
        }
        let rendered_jobs: Vec<(String, Result<Vec<u8>, Diagnostic>)> = jobs
            .par_iter()
            .map(|job| match job {
                Job::Listing(out, template, current) => {
                    let mut ctx = pages::base_context(site, out, current, today);
                    pages::listing_context(&mut ctx, &page_refs, out, today, &tag_index, site);
                    (
                        out.to_string(),
                        site.theme.render(template, &ctx).map(String::into_bytes),
                    )
                }
                Job::Tag(tag, tagged) => {
                    let out = site.tag_files[*tag].clone();
                    let mut ctx = pages::base_context(site, &out, "tags", today);
                    let views = tagged.iter().map(|p| page_view(p, &out, site)).collect();
                    ctx.insert(
                        "tag",
                        &TagView {
                            name: (*tag).clone(),
                            pages: views,
                        },
                    );
                    let html = site.theme.render("tag.html", &ctx).map(String::into_bytes);
                    (out, html)
                }
                Job::Feed => (
                    "feed.xml".to_owned(),
                    Ok(super::feed::render(&site.config, &page_refs, today).into_bytes()),
                ),
            })
            .collect();
        files.extend(rendered_jobs);
        // The search index depends on every page's text: made again whenever a page changed.
        let search_redone = all || listings_needed || !todo.is_empty();
        let search_files = match search_redone {
            true => super::search::files(site, today),
            false => Vec::new(),
        };
        let search_paths: Vec<String> = match search_redone {
            true => search_files.iter().map(|(p, _)| p.clone()).collect(),
            false => self
                .files
                .keys()
                .filter(|k| is_search_file(k))
                .cloned()
                .collect(),
        };
        // Only the index files whose bytes changed count as rendered.
        files.extend(search_files.into_iter().filter(|(path, result)| {
            !matches!((result, self.files.get(path)), (Ok(new), Some(old)) if new[..] == old[..])
        }));

        for (out, result) in files {
            match result {
                Ok(bytes) => {
                    self.render_diags.remove(&out);
                    self.files.insert(out.clone(), bytes.into());
                }
                Err(e) => {
                    // Like `build`, a failed render leaves nothing at that path.
                    self.files.remove(&out);
                    self.render_diags.insert(out.clone(), vec![e]);
                }
            }
            rendered.push(out);
        }

        // Drop what the site no longer produces.
        let mut expected: HashSet<&str> = listings.iter().map(|(o, _, _)| *o).collect();
        expected.insert("feed.xml");
        expected.extend(site.pages.iter().map(|p| p.out_path.as_str()));
        expected.extend(site.tag_files.values().map(String::as_str));
        expected.extend(site.ics_paths.values().map(String::as_str));
        expected.extend(search_paths.iter().map(String::as_str));
        self.files.retain(|k, _| expected.contains(k.as_str()));
        self.render_diags
            .retain(|k, _| expected.contains(k.as_str()));
        self.owners.retain(|k, _| expected.contains(k.as_str()));
        rendered.sort();
        rendered.dedup();
        rendered
    }
}

/// The search page and index files (`site::search`).
fn is_search_file(path: &str) -> bool {
    path == super::search::PAGE || path.starts_with(super::search::DIR)
}
