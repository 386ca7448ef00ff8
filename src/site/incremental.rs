//! Serve's incremental rebuild over the build plan (`plan.rs`).
//!
//! `Live` keeps a loaded site and its rendered files in memory and, when files change, works
//! out what the edit touched (`plan::Touched`) and re-runs only the plan's jobs that depend on
//! it: an edited issue re-renders its own page, the listing pages, the tag pages it is (or
//! was) on, the feed, and the pages whose links to it changed — not the whole site. Changes to
//! `site.yaml`, the theme, `templates/` or `static/` reload everything. The jobs are the ones
//! `build` runs, so the bytes are the same as `build` writes; a test renders a site both ways
//! and compares. `check` is the plan run without writing (`plan::check`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;

use super::context::page_view;
use super::loaded::Site;
use super::plan::{self, Job, Pdfs, Touched};
use crate::content::{self, Page};
use crate::diag::{Diagnostic, Diagnostics};

pub use super::plan::{CheckReport, check};

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
    /// Problems of the HTML jobs, by output path.
    render_diags: BTreeMap<String, Vec<Diagnostic>>,
    /// Problems of the PDF jobs (run as checks), by PDF path.
    pdf_diags: BTreeMap<String, Vec<Diagnostic>>,
    /// Rendered output: path → bytes.
    files: BTreeMap<String, Arc<[u8]>>,
    /// Output path → source path of the page rendered there.
    owners: HashMap<String, String>,
    /// Each page as listings, tag pages and the feed see it (its summary view), by source path.
    views: HashMap<String, String>,
}

/// What a scan of content/ found changed since the last update.
struct Scan {
    sources: Vec<String>,
    assets: Vec<String>,
    /// Markdown files to read again (touched or new).
    reparse: Vec<String>,
    /// Markdown files gone.
    removed: Vec<String>,
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
        let Some(mut site) = super::load::load(&self.opts.root, self.opts.drafts, &mut diags)
        else {
            self.failed = diags.into_iter().collect();
            return Vec::new();
        };
        if !self.opts.pdf {
            site.pdf_paths.clear();
        }
        let content_dir = self.opts.root.join("content");
        let mut scan_diags = Diagnostics::new();
        let sources = rels(super::load::scan(&content_dir, &mut scan_diags).0);
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
        let views = site
            .pages
            .iter()
            .map(|p| (p.rel.clone(), summary_view(&site, p)))
            .collect();
        let mut state = State {
            site,
            today,
            sources,
            file_diags,
            other_diags,
            unique_diags,
            render_diags: BTreeMap::new(),
            pdf_diags: BTreeMap::new(),
            files: BTreeMap::new(),
            owners: HashMap::new(),
            views,
        };
        let rendered = state.render(Touched::All);
        self.state = Some(state);
        rendered
    }

    /// Applies the changes the watcher saw and re-runs the jobs that depend on them.
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
            d.extend(s.render_diags.values().flatten().cloned());
            // As `plan::collect` reports them: a problem several PDF jobs share, once.
            let mut seen: Vec<&Diagnostic> = Vec::new();
            for e in s.pdf_diags.values().flatten() {
                if !seen.contains(&e) {
                    seen.push(e);
                }
            }
            d.extend(seen.into_iter().cloned());
        }
        d
    }

    /// Typesets the PDF at output path `out` with the plan's PDF job (as `build` writes it);
    /// `None` when no page has that PDF.
    pub fn render_pdf(&mut self, out: &str) -> Option<Result<Vec<u8>, Diagnostics>> {
        let state = self.state.as_mut()?;
        let (rel, _) = state.site.pdf_paths.iter().find(|(_, p)| *p == out)?;
        Some(match plan::pdf(&state.site, rel)? {
            (Some(bytes), d) if !d.has_errors() => Ok(bytes),
            (_, d) => Err(d),
        })
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
    super::load::check_unique(&site.pages, &site.content_files, &mut d);
    super::names::check_outputs(&site.pages, &site.assets, &mut d);
    d.into_iter().collect()
}

/// The bound volumes among the planned PDFs: key → path.
fn volumes(paths: &HashMap<String, String>) -> BTreeMap<&String, &String> {
    paths
        .iter()
        .filter(|(k, _)| super::volumes::year_of(k).is_some())
        .collect()
}

impl State {
    /// Scans content/ and compares with what is loaded; `None` when the scan had problems
    /// (a full load reports them).
    fn scan(&self, opts: &LiveOptions, touched: &BTreeSet<String>) -> Option<Scan> {
        let mut scan_diags = Diagnostics::new();
        let (sources, assets) = super::load::scan(&opts.root.join("content"), &mut scan_diags);
        if !scan_diags.is_empty() {
            return None;
        }
        let sources = rels(sources);
        let known: HashSet<&String> = self.sources.iter().collect();
        let now: HashSet<&String> = sources.iter().collect();
        let reparse = sources
            .iter()
            .filter(|r| under(touched, r) || !known.contains(r))
            .cloned()
            .collect();
        let removed = self
            .sources
            .iter()
            .filter(|r| !now.contains(r))
            .cloned()
            .collect();
        Some(Scan {
            sources,
            assets,
            reparse,
            removed,
        })
    }

    /// Re-reads the changed files under content/; `None` when a full load is needed.
    fn update_content(&mut self, opts: &LiveOptions, touched: &BTreeSet<String>) -> Option<Update> {
        let scan = self.scan(opts, touched)?;
        let assets_changed = scan.assets != self.site.content_files;
        if scan.reparse.is_empty() && scan.removed.is_empty() && !assets_changed {
            let asset_touched = scan.assets.iter().any(|a| under(touched, a))
                || self.site.content_files.iter().any(|a| under(touched, a));
            return Some(Update {
                changed: asset_touched,
                ..Update::default()
            });
        }
        // A `build` since the last update may have recorded new calendar SEQUENCE numbers: then
        // every calendar file is made again (an unreadable file needs the full load's report).
        let sequences = super::ics::Sequences::load(&opts.root).ok()?;
        let order_before: Vec<String> = self.site.pages.iter().map(|p| p.rel.clone()).collect();
        let nav_before = super::context::has_handouts(&self.site);
        let mut changed: BTreeSet<String> = BTreeSet::new();
        if sequences != self.site.ics_sequences {
            self.site.ics_sequences = sequences;
            changed.extend(self.site.ics_paths.keys().cloned());
        }
        let mut tags = self.reread(opts, scan, &mut changed);
        let (tags_renamed, volumes_changed) = self.replan(opts, &mut changed, &mut tags);

        // Listings, tag pages and the feed see pages only through their summary view: when
        // no view changed and no page came or went (the usual edit, in the body), they cannot
        // have changed. (Tag file names depend on every tag: when they change, all is redone.)
        let same_pages = order_before
            .iter()
            .eq(self.site.pages.iter().map(|p| &p.rel));
        let views_changed = self.redo_views(&changed, tags_renamed);

        let before: HashSet<String> = self.files.keys().cloned().collect();
        // Every page's navigation changes with the first handout or the last.
        let nav_changed = nav_before != super::context::has_handouts(&self.site);
        let rendered = self.render(match tags_renamed || nav_changed {
            true => Touched::All,
            false => Touched::Some {
                pages: changed,
                tags,
                listings: views_changed || !same_pages || volumes_changed,
            },
        });
        let removed = before
            .into_iter()
            .filter(|f| !self.files.contains_key(f))
            .collect();
        Some(Update {
            full: false,
            rendered,
            removed,
            changed: true,
        })
    }

    /// Reads the new and touched Markdown files again and drops the removed ones; adds the
    /// pages read to `changed`; returns the tags of every page read or removed, before and
    /// after.
    fn reread(
        &mut self,
        opts: &LiveOptions,
        scan: Scan,
        changed: &mut BTreeSet<String>,
    ) -> BTreeSet<String> {
        let content_dir = opts.root.join("content");
        // The groups `recipients:` may name, as `load` checks them.
        let groups = super::book::group_names(&opts.root);
        let parsed: Vec<(String, Option<Page>, Diagnostics)> = scan
            .reparse
            .par_iter()
            .map(|rel| {
                let mut d = Diagnostics::new();
                let page = content::load(&content_dir.join(rel), rel, &mut d);
                if let (Some(p), Some(names)) = (&page, &groups)
                    && (opts.drafts || !p.meta.draft)
                {
                    super::book::check_page(p, names, &mut d);
                }
                (rel.clone(), page, d)
            })
            .collect();
        let mut old: HashMap<String, Page> = std::mem::take(&mut self.site.pages)
            .into_iter()
            .map(|p| (p.rel.clone(), p))
            .collect();
        let mut tags: BTreeSet<String> = BTreeSet::new();
        for rel in &scan.removed {
            self.forget(rel);
            if let Some(p) = old.remove(rel) {
                tags.extend(p.meta.tags);
            }
        }
        let mut fresh: HashMap<String, Page> = HashMap::new();
        for (rel, page, d) in parsed {
            self.forget(&rel);
            self.file_diags.insert(rel.clone(), d.into_iter().collect());
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
        self.site.pages = scan
            .sources
            .iter()
            .filter_map(|rel| fresh.remove(rel).or_else(|| old.remove(rel)))
            .collect();
        self.sources = scan.sources;
        self.site.content_files = scan.assets;
        self.site.assets = super::resolve::published(&self.site.pages, &self.site.content_files);
        self.unique_diags = unique(&self.site);
        tags
    }

    /// Drops what was known of the Markdown file `rel`.
    fn forget(&mut self, rel: &str) {
        self.file_diags.remove(rel);
        self.site.links.remove(rel);
        self.site.drafts.remove(rel);
    }

    /// Plans the tag pages, PDF and calendar names again; a page whose names changed is
    /// `changed`. Returns whether tag file names changed and whether a bound volume came, went
    /// or was renamed (the archive links each fiscal year's volume).
    fn replan(
        &mut self,
        opts: &LiveOptions,
        changed: &mut BTreeSet<String>,
        tags: &mut BTreeSet<String>,
    ) -> (bool, bool) {
        let site = &mut self.site;
        let tag_files = super::links::tag_files(site.pages.iter().flat_map(|p| &p.meta.tags));
        let tags_renamed = tag_files != site.tag_files;
        site.tag_files = tag_files;
        // The calendar files are named after the PDFs and made with or without them.
        let pdf_plan = super::volumes::pdf_paths(&site.pages, &site.config, &site.assets);
        let ics_plan = super::ics::plan(&site.pages, &pdf_plan);
        for p in &site.pages {
            if (opts.pdf && pdf_plan.get(&p.rel) != site.pdf_paths.get(&p.rel))
                || ics_plan.get(&p.rel) != site.ics_paths.get(&p.rel)
            {
                changed.insert(p.rel.clone());
                tags.extend(p.meta.tags.iter().cloned());
            }
        }
        let volumes_changed = opts.pdf && volumes(&pdf_plan) != volumes(&site.pdf_paths);
        if opts.pdf {
            site.pdf_paths = pdf_plan;
        }
        site.ics_paths = ics_plan;
        (tags_renamed, volumes_changed)
    }

    /// Makes the summary views of the `changed` pages (of all, when tag names changed) again;
    /// whether any differs from before.
    fn redo_views(&mut self, changed: &BTreeSet<String>, all: bool) -> bool {
        let mut views_changed = false;
        for p in &self.site.pages {
            if all || changed.contains(&p.rel) {
                let view = summary_view(&self.site, p);
                views_changed |= self.views.get(&p.rel) != Some(&view);
                self.views.insert(p.rel.clone(), view);
            }
        }
        let present: HashSet<&String> = self.site.pages.iter().map(|p| &p.rel).collect();
        self.views.retain(|k, _| present.contains(k));
        views_changed
    }

    /// Runs the jobs of the plan that `touched` reaches, plus those of every page whose links
    /// now resolve differently or whose output another page had taken; drops files no longer
    /// produced. Returns the output files made.
    fn render(&mut self, mut touched: Touched) -> Vec<String> {
        // Links are resolved for every page (cheap): a page is rendered again when its links
        // now point elsewhere, and its link problems are always up to date.
        let resolved = super::load::resolve_links(&self.site);
        let before = std::mem::replace(&mut self.site.links, resolved);
        for (rel, now) in &self.site.links {
            if before.get(rel).is_none_or(|old| !old.same_targets(now)) {
                touched.add_page(rel);
            }
        }
        // A page whose output another page had taken (duplicate slugs) is rendered again too.
        for p in &self.site.pages {
            if self.owners.get(&p.out_path) != Some(&p.rel) {
                touched.add_page(&p.rel);
            }
        }
        let site = &self.site;
        let inputs = plan::Inputs::new(site, self.today, &site.links);
        let mut all = inputs.html_jobs();
        all.extend(plan::pdf_jobs(site));
        let jobs: Vec<Job> = all
            .iter()
            .filter(|j| j.touched_by(&touched))
            .copied()
            .collect();
        let made = plan::run(&inputs, &jobs, Pdfs::Check, None);
        let mut expected: HashSet<String> = all.iter().filter_map(|j| j.path(site)).collect();
        let owners: Vec<(String, String)> = jobs
            .iter()
            .filter_map(|j| match j {
                Job::Page(p) => Some((p.out_path.clone(), p.rel.clone())),
                _ => None,
            })
            .collect();
        let search_ran = jobs.iter().any(|j| matches!(j, Job::Search));
        if !search_ran {
            expected.extend(self.files.keys().filter(|k| is_search_file(k)).cloned());
        }
        drop(inputs);
        self.owners.extend(owners);
        let mut rendered = self.store(made, &mut expected);
        self.files.retain(|k, _| expected.contains(k));
        self.render_diags.retain(|k, _| expected.contains(k));
        self.pdf_diags.retain(|k, _| expected.contains(k));
        self.owners.retain(|k, _| expected.contains(k));
        rendered.sort();
        rendered.dedup();
        rendered
    }

    /// Keeps what the jobs made (a failed job leaves nothing at its path, as in `build`);
    /// adds the paths made to `expected`; returns the HTML files made, without the search
    /// index files whose bytes did not change.
    fn store(&mut self, made: Vec<plan::Made>, expected: &mut HashSet<String>) -> Vec<String> {
        let mut rendered = Vec::new();
        for m in made {
            expected.insert(m.path.clone());
            let diags = match m.pdf {
                true => &mut self.pdf_diags,
                false => &mut self.render_diags,
            };
            if m.diags.is_empty() {
                diags.remove(&m.path);
            } else {
                diags.insert(m.path.clone(), m.diags);
            }
            if m.pdf {
                continue;
            }
            let same = matches!((&m.bytes, self.files.get(&m.path)),
                (Some(new), Some(old)) if new[..] == old[..]);
            if !(same && is_search_file(&m.path)) {
                rendered.push(m.path.clone());
            }
            match m.bytes {
                Some(bytes) => self.files.insert(m.path, bytes.into()),
                None => self.files.remove(&m.path),
            };
        }
        rendered
    }
}

/// Whether `rel` is one of the `touched` paths or under one (a renamed or moved folder
/// touches everything under it).
fn under(touched: &BTreeSet<String>, rel: &String) -> bool {
    touched.contains(rel)
        || touched
            .iter()
            .any(|t| rel.starts_with(t.as_str()) && rel[t.len()..].starts_with('/'))
}

/// The search page and index files (`site::search`).
fn is_search_file(path: &str) -> bool {
    path == super::search::PAGE || path.starts_with(super::search::DIR)
}
