//! The one build plan. Every file of the site is made by one job: a page's HTML, a training's
//! calendar file, a listing page, a tag page, the feed, the search index, a page's PDF and a
//! fiscal year's bound volume. `build` runs every job; `check` runs them all with the PDF jobs
//! checking instead of typesetting, and writes nothing; serve's incremental rebuild runs only
//! the jobs an edit touches (`Touched`, `Job::touched_by`) through the same functions;
//! `tsushin pdf`, serve's PDF route and `tsushin mail` run the PDF job of one page (`pdf`).
//! There is no second copy of any job, so every path gives the bytes `build` writes.
//!
//! A job's inputs are the loaded `Site` and the resolved links of every page (`Links`, made
//! before any job runs: a page's HTML depends on the pages it links to only through them).
//! The document kinds meet the plan in `pages::listings` and `content::kinds`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;
use rayon::prelude::*;

use super::loaded::Site;
use super::pages::{self, Listing};
use super::targets::PageLinks;
use crate::content::Page;
use crate::diag::{Diagnostic, Diagnostics};
use crate::progress::Phase;

/// What the PDF jobs do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pdfs {
    /// Typeset the PDFs (`build`, `tsushin pdf`, `tsushin mail`, serve's PDF route).
    Typeset,
    /// Only the checks that need no PDF written: glyphs, running header and footer, images
    /// (`check`, and serve after each edit).
    Check,
}

/// One job of the plan.
#[derive(Debug, Clone, Copy)]
pub enum Job<'a> {
    Page(&'a Page),
    Calendar(&'a Page),
    Listing(Listing),
    Tag(&'a str),
    Feed,
    Search,
    Pdf(&'a Page),
    Volume(i16),
}

/// A file one job made, or (for a check, or after an error) would have made.
pub struct Made {
    pub path: String,
    /// `None` when nothing is written at `path`: an error, or a PDF job that only checked.
    pub bytes: Option<Vec<u8>>,
    /// The job's problems (warnings too).
    pub diags: Vec<Diagnostic>,
    /// Made by a PDF job: the same mistake in a shared header template fails every PDF, and
    /// is reported once.
    pub pdf: bool,
}

/// Each page's resolved links (`targets::PageLinks`), by source path.
pub type Links = HashMap<String, PageLinks>;

/// Everything the jobs read besides the site.
pub struct Inputs<'a> {
    pub site: &'a Site,
    pub today: Date,
    pub pages: Vec<&'a Page>,
    /// Tag → its pages, newest first.
    pub tags: BTreeMap<String, Vec<&'a Page>>,
    pub links: &'a Links,
}

impl<'a> Inputs<'a> {
    pub fn new(site: &'a Site, today: Date, links: &'a Links) -> Self {
        let pages: Vec<&Page> = site.pages.iter().collect();
        let tags = pages::tag_index(&pages);
        Inputs {
            site,
            today,
            pages,
            tags,
            links,
        }
    }

    /// The HTML jobs of the whole site: the search index first (it takes longest), then every
    /// page and calendar file, the listing pages, the tag pages and the feed.
    pub fn html_jobs(&self) -> Vec<Job<'a>> {
        let mut jobs = vec![Job::Search];
        jobs.extend(self.pages.iter().map(|p| Job::Page(p)));
        jobs.extend(
            self.pages
                .iter()
                .filter(|p| self.site.ics_paths.contains_key(&p.rel))
                .map(|p| Job::Calendar(p)),
        );
        jobs.extend(pages::listings(&self.pages).into_iter().map(Job::Listing));
        let site = self.site;
        jobs.extend(
            site.tag_files
                .keys()
                .filter(|t| self.tags.contains_key(*t))
                .map(|t| Job::Tag(t.as_str())),
        );
        jobs.push(Job::Feed);
        jobs
    }
}

/// The PDF jobs of the whole site (none when PDFs are off or their fonts did not load): the
/// bound volumes first, as they take longest, then every page with a PDF.
pub fn pdf_jobs(site: &Site) -> Vec<Job<'_>> {
    if site.pdf.is_none() {
        return Vec::new();
    }
    let mut years: Vec<i16> = site
        .pdf_paths
        .keys()
        .filter_map(|k| super::volumes::year_of(k))
        .collect();
    years.sort();
    let mut jobs: Vec<Job> = years.into_iter().map(Job::Volume).collect();
    jobs.extend(
        site.pages
            .iter()
            .filter(|p| site.pdf_paths.contains_key(&p.rel))
            .map(Job::Pdf),
    );
    jobs
}

/// What an edit changed, for serve's incremental rebuild.
#[derive(Debug, Clone)]
pub enum Touched {
    /// Everything (a fresh load).
    All,
    Some {
        /// Source paths of pages whose content, links or file names changed.
        pages: BTreeSet<String>,
        /// Tags whose tag page lists one of them.
        tags: BTreeSet<String>,
        /// Whether what listings, tag pages and the feed show of the pages can have changed.
        listings: bool,
    },
}

impl Touched {
    /// Adds a page whose own outputs must be made again.
    pub fn add_page(&mut self, rel: &str) {
        if let Touched::Some { pages, .. } = self {
            pages.insert(rel.to_owned());
        }
    }
}

impl Job<'_> {
    /// Whether the job must run again after `touched`: the dependencies of each job.
    pub fn touched_by(&self, touched: &Touched) -> bool {
        let Touched::Some {
            pages,
            tags,
            listings,
        } = touched
        else {
            return true;
        };
        match self {
            // A page's HTML, calendar file and PDF depend on the page itself and its links.
            Job::Page(p) | Job::Calendar(p) | Job::Pdf(p) => pages.contains(&p.rel),
            // Listings and the feed see pages only through their summaries.
            Job::Listing(_) | Job::Feed | Job::Volume(_) => *listings,
            Job::Tag(tag) => *listings && tags.contains(*tag),
            // The search index holds every page's text.
            Job::Search => *listings || !pages.is_empty(),
        }
    }

    /// The output path of a job that makes one file; `None` for the search index.
    pub fn path(&self, site: &Site) -> Option<String> {
        match self {
            Job::Page(p) => Some(p.out_path.clone()),
            Job::Calendar(p) => site.ics_paths.get(&p.rel).cloned(),
            Job::Listing(l) => Some(l.out.to_owned()),
            Job::Tag(t) => site.tag_files.get(*t).cloned(),
            Job::Feed => Some("feed.xml".to_owned()),
            Job::Search => None,
            Job::Pdf(p) => site.pdf_paths.get(&p.rel).cloned(),
            Job::Volume(y) => site.pdf_paths.get(&super::volumes::key(*y)).cloned(),
        }
    }

    /// Runs the job.
    pub fn run(&self, inputs: &Inputs, pdfs: Pdfs) -> Vec<Made> {
        let site = inputs.site;
        let today = inputs.today;
        let html = |path: String, r: Result<String, Diagnostic>| {
            let (bytes, diags) = match r {
                Ok(s) => (Some(s.into_bytes()), Vec::new()),
                Err(e) => (None, vec![e]),
            };
            vec![Made {
                path,
                bytes,
                diags,
                pdf: false,
            }]
        };
        let path = self.path(site).unwrap_or_default();
        match *self {
            Job::Page(page) => {
                let empty = PageLinks::default();
                let map = inputs.links.get(&page.rel).unwrap_or(&empty);
                html(path, pages::render_page(site, page, map, today))
            }
            Job::Calendar(page) => super::ics::render(site, page)
                .map(|bytes| Made {
                    path,
                    bytes: Some(bytes),
                    diags: Vec::new(),
                    pdf: false,
                })
                .into_iter()
                .collect(),
            Job::Listing(l) => html(
                path,
                pages::render_listing(site, &l, &inputs.pages, &inputs.tags, today),
            ),
            Job::Tag(tag) => {
                let tagged = inputs.tags.get(tag).map(Vec::as_slice).unwrap_or(&[]);
                html(path, pages::render_tag(site, tag, tagged, today))
            }
            Job::Feed => html(
                path,
                Ok(super::feed::render(&site.config, &inputs.pages, today)),
            ),
            Job::Search => super::search::files(site, today)
                .into_iter()
                .map(|(path, r)| {
                    let (bytes, diags) = match r {
                        Ok(b) => (Some(b), Vec::new()),
                        Err(e) => (None, vec![e]),
                    };
                    Made {
                        path,
                        bytes,
                        diags,
                        pdf: false,
                    }
                })
                .collect(),
            Job::Pdf(_) | Job::Volume(_) => self.run_pdf(site, path, pdfs),
        }
    }

    fn run_pdf(&self, site: &Site, path: String, pdfs: Pdfs) -> Vec<Made> {
        let Some(ctx) = site.pdf.as_ref() else {
            return Vec::new();
        };
        let (bytes, diags) = match (*self, pdfs) {
            (Job::Pdf(page), Pdfs::Typeset) => super::pdfs::render_one(site, ctx, page),
            (Job::Pdf(page), Pdfs::Check) => (None, super::pdfs::check_page(site, ctx, page)),
            (Job::Volume(year), Pdfs::Typeset) => super::volumes::render_one(site, ctx, year),
            _ => return Vec::new(),
        };
        vec![Made {
            path,
            bytes,
            diags: diags.into_iter().collect(),
            pdf: true,
        }]
    }
}

/// Runs `jobs` in parallel; `progress` counts the page and PDF jobs.
pub fn run(inputs: &Inputs, jobs: &[Job], pdfs: Pdfs, progress: Option<&Phase>) -> Vec<Made> {
    jobs.par_iter()
        .flat_map_iter(|job| {
            let made = job.run(inputs, pdfs);
            if let Some(p) =
                progress.filter(|_| matches!(job, Job::Page(_) | Job::Pdf(_) | Job::Volume(_)))
            {
                p.inc();
            }
            made
        })
        .collect()
}

/// The files of `made` (path → bytes); their problems go to `diags`, a problem that several
/// PDF jobs share only once.
pub fn collect(made: Vec<Made>, diags: &mut Diagnostics) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut seen: Vec<Diagnostic> = Vec::new();
    for m in made {
        if m.pdf {
            for d in m.diags {
                if !seen.contains(&d) {
                    seen.push(d);
                }
            }
        } else {
            diags.extend(m.diags);
        }
        if let Some(bytes) = m.bytes {
            files.insert(m.path, bytes);
        }
    }
    diags.extend(seen);
    files
}

/// Runs every HTML job of the site (`build`, `check`, `site::render_all`): path → bytes.
pub fn render_html(site: &Site, today: Date, diags: &mut Diagnostics) -> BTreeMap<String, Vec<u8>> {
    // The link problems were reported when the site was loaded (`targets`).
    let inputs = Inputs::new(site, today, &site.links);
    let progress = crate::progress::phase("pages", site.pages.len());
    let made = run(&inputs, &inputs.html_jobs(), Pdfs::Typeset, Some(&progress));
    collect(made, diags)
}

/// Runs every PDF job of the site: the PDFs (`Typeset`, for `build`) or their checks.
pub fn render_pdfs(
    site: &Site,
    today: Date,
    pdfs: Pdfs,
    diags: &mut Diagnostics,
) -> BTreeMap<String, Vec<u8>> {
    let inputs = Inputs::new(site, today, &site.links);
    let jobs = pdf_jobs(site);
    let progress = (pdfs == Pdfs::Typeset).then(|| crate::progress::phase("PDFs", jobs.len()));
    let made = run(&inputs, &jobs, pdfs, progress.as_ref());
    collect(made, diags)
}

/// The PDF job of the page at `rel` (or of the bound volume with that `pdf_paths` key), run
/// alone: what serve's PDF route delivers. `None` when the site has no such PDF; the bytes
/// are `None` when a problem is an error.
pub fn pdf(site: &Site, rel: &str) -> Option<(Option<Vec<u8>>, Diagnostics)> {
    site.pdf_paths.get(rel)?;
    let job = match super::volumes::year_of(rel) {
        Some(year) => Job::Volume(year),
        None => Job::Pdf(site.pages.iter().find(|p| p.rel == rel)?),
    };
    run_alone(site, job)
}

/// The PDF job of `page`, run alone, whether or not the site plans a PDF for it: what
/// `tsushin pdf` and `tsushin mail` deliver. `None` when the PDF fonts did not load.
pub fn page_pdf(site: &Site, page: &Page) -> Option<(Option<Vec<u8>>, Diagnostics)> {
    run_alone(site, Job::Pdf(page))
}

fn run_alone(site: &Site, job: Job) -> Option<(Option<Vec<u8>>, Diagnostics)> {
    let path = job.path(site).unwrap_or_default();
    let mut diags = Diagnostics::new();
    let made = job.run_pdf(site, path, Pdfs::Typeset).pop()?;
    let bytes = made.bytes;
    diags.extend(made.diags);
    let bytes = bytes.filter(|_| !diags.has_errors());
    Some((bytes, diags))
}

/// What `tsushin check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub diagnostics: Diagnostics,
    /// Markdown files read (drafts included).
    pub sources: usize,
    /// Pages that would be published.
    pub pages: usize,
}

/// Everything `build` validates, without writing output: the plan with the PDF jobs checking.
/// site.yaml, the theme and its templates, front matter, Markdown and surveys, duplicate
/// numbers and output paths, links, anchors and images, every template rendered, and the
/// characters the PDF fonts lack.
pub fn check(root: &std::path::Path, drafts: bool, today: Date, pdf: bool) -> CheckReport {
    let mut report = CheckReport::default();
    let mut scan_diags = Diagnostics::new();
    report.sources = super::load::scan(&root.join("content"), &mut scan_diags)
        .0
        .len();
    let Some(mut site) = super::load::load(root, drafts, &mut report.diagnostics) else {
        return report;
    };
    if !pdf {
        site.pdf_paths.clear();
    }
    report.pages = site.pages.len();
    let _ = render_html(&site, today, &mut report.diagnostics);
    let _ = render_pdfs(&site, today, Pdfs::Check, &mut report.diagnostics);
    report
}
