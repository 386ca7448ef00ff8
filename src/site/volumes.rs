//! The bound volume (合本) of each fiscal year's issues, for the office's year-end file: which
//! volumes a site has, where they are written and how they are typeset, the same for `build`,
//! the archive page's links and the preview server.
//!
//! A volume is planned after the issue PDFs ([`pdf_paths`]) and kept in `Site::pdf_paths` under
//! a key of its own ([`key`]), so that `--no-pdf` drops it with the other PDFs and serve finds it
//! by its output path like any other PDF.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::loaded::Site;
use super::pdfs;
use super::targets::PageLinks;
use crate::config::Config;
use crate::content::Page;
use crate::diag::Diagnostics;
use crate::japanese::{fiscal_year_label, fiscal_year_start};
use crate::pdf::{PdfContext, volume};

/// Keys of volumes in `Site::pdf_paths`; page keys are Markdown paths (`….md`).
const KEY_PREFIX: &str = "合本:";

/// The `pdf_paths` key of the volume of the fiscal year starting in April of `year`.
pub fn key(year: i16) -> String {
    format!("{KEY_PREFIX}{year}")
}

/// The fiscal year of a `pdf_paths` key, when it is a volume's.
pub fn year_of(key: &str) -> Option<i16> {
    key.strip_prefix(KEY_PREFIX)?.parse().ok()
}

/// The dated issues of each fiscal year, in number order.
pub fn years(pages: &[Page]) -> BTreeMap<i16, Vec<&Page>> {
    let mut years: BTreeMap<i16, Vec<&Page>> = BTreeMap::new();
    for p in pages {
        if let (Some(_), Some(date)) = (p.newsletter(), p.meta.date) {
            years.entry(fiscal_year_start(date)).or_default().push(p);
        }
    }
    for issues in years.values_mut() {
        issues.sort_by_key(|p| (p.newsletter().map(|n| n.number), p.meta.date));
    }
    years
}

/// Output path of every PDF (source path or bound-volume key → path): the pages' PDFs
/// (`pdfs::plan`), then the bound volumes ([`plan`]).
pub fn pdf_paths(pages: &[Page], config: &Config, assets: &[String]) -> HashMap<String, String> {
    let mut out = pdfs::plan(pages, config, assets);
    plan(pages, config, assets, &mut out);
    out
}

/// Plans `newsletters/<name>_令和３年度合本.pdf` for every fiscal year with issues, after the
/// issue PDFs already in `out`: a name taken by one of them or by a file copied from
/// content/ (`assets`), whatever the case, gets `_2`, `_3`….
pub(super) fn plan(
    pages: &[Page],
    config: &Config,
    assets: &[String],
    out: &mut HashMap<String, String>,
) {
    let mut used: HashSet<String> = assets
        .iter()
        .chain(out.values())
        .map(|p| p.to_lowercase())
        .collect();
    let name = pdfs::clean_file_name(&config.newsletter_name);
    for year in years(pages).into_keys() {
        let label = fiscal_year_label(year, config.date_style);
        let stem = pdfs::clean_file_name(&format!("{name}_{label}合本"));
        let stem = if stem.is_empty() {
            format!("{year}")
        } else {
            stem
        };
        let path = std::iter::once(format!("newsletters/{stem}.pdf"))
            .chain((2..).map(|n| format!("newsletters/{stem}_{n}.pdf")))
            .find(|c| used.insert(c.to_lowercase()))
            .unwrap_or_default();
        out.insert(key(year), path);
    }
}

/// The archive's link to the volume of `year`, relative to the page at `from`.
pub fn href(site: &Site, from: &str, year: i16) -> Option<String> {
    site.pdf_paths
        .get(&key(year))
        .map(|p| super::links::href(from, p))
}

/// Typesets the volume of `year` as `build` writes it. Each issue's references and glyphs
/// are checked as for its own PDF; the bytes are `None` when anything is an error.
pub fn render_one(site: &Site, ctx: &PdfContext, year: i16) -> (Option<Vec<u8>>, Diagnostics) {
    let years = years(&site.pages);
    let issues = years.get(&year).map(Vec::as_slice).unwrap_or(&[]);
    let mut d = Diagnostics::new();
    let no_links = PageLinks::default();
    let links: Vec<&PageLinks> = issues
        .iter()
        .map(|p| site.links.get(&p.rel).unwrap_or(&no_links))
        .collect();
    for (page, l) in issues.iter().zip(&links) {
        d.extend(l.problems.iter().filter(|p| p.is_error()).cloned());
        ctx.check_glyphs(page, &site.config, &mut d);
    }
    if d.has_errors() || issues.is_empty() {
        return (None, d);
    }
    let base_url = site.config.base_url.as_deref();
    let resolvers: Vec<_> = issues
        .iter()
        .zip(&links)
        .map(|(p, l)| move |url: &str| l.pdf_link(&p.out_path, base_url, url))
        .collect();
    let files: Vec<_> = links
        .iter()
        .map(|l| move |url: &str| l.image_file(url))
        .collect();
    let list: Vec<volume::Issue> = issues
        .iter()
        .zip(&resolvers)
        .zip(&files)
        .map(|((page, resolve), image_file)| volume::Issue {
            page,
            resolve,
            image_file,
        })
        .collect();
    let label = fiscal_year_label(year, site.config.date_style);
    match volume::render(&label, &list, &site.config, ctx, &site.theme.survey_colors) {
        Ok(bytes) => (Some(bytes), d),
        Err(errors) => {
            d.extend(errors);
            (None, d)
        }
    }
}
