//! One PDF per newsletter issue, training announcement and meeting handout, next to its HTML page, with a file
//! name a recipient recognises in an e-mail attachment list.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use super::Site;
use super::targets::PageLinks;
use crate::config::Config;
use crate::content::Page;
use crate::diag::{Diagnostic, Diagnostics};
use crate::pdf::{self, PdfContext};

pub(super) use crate::view::names::clean_file_name;

/// Output path of every page that gets a PDF (rel → path), unique within the site even where
/// Windows ignores case, and never the path of a file copied from content/ (`assets`). When
/// the name from the title is taken, the page's slug is added, then a number. A training's
/// `.ics` name (the same with `.ics`) is kept free too. The bound volume of each fiscal year
/// (`volumes::plan`) comes last, under its own key.
pub fn plan(pages: &[Page], config: &Config, assets: &[String]) -> HashMap<String, String> {
    let mut used: HashSet<String> = assets.iter().map(|a| a.to_lowercase()).collect();
    let mut out = HashMap::new();
    for p in pages {
        let Some((dir, stem)) = crate::view::names::pdf_stem(p, config) else {
            continue;
        };
        let slug = super::names::make_safe(p.slug(), "page");
        // A title of only dots or symbols leaves no name: the slug is the name then.
        let stem = if stem.is_empty() { slug.clone() } else { stem };
        // A training's calendar file takes the same name with `.ics` (`ics::plan`): both
        // names must be free.
        let with_ics = p.event().is_some();
        let path = std::iter::once(format!("{dir}/{stem}.pdf"))
            .chain(std::iter::once(format!("{dir}/{stem}_{slug}.pdf")))
            .chain((2..).map(|n| format!("{dir}/{stem}_{slug}_{n}.pdf")))
            .find(|c| {
                let pdf = c.to_lowercase();
                let ics = with_ics
                    .then(|| crate::view::names::ics_path(&pdf))
                    .flatten();
                if used.contains(&pdf) || ics.as_ref().is_some_and(|i| used.contains(i)) {
                    return false;
                }
                used.extend(ics);
                used.insert(pdf)
            })
            .unwrap_or_default();
        out.insert(p.rel.clone(), path);
    }
    super::volumes::plan(pages, config, &mut used, &mut out);
    out
}

/// Typesets one page's PDF exactly as `build` writes it. This is the only path from a page to
/// PDF bytes: `build`, `tsushin pdf`, serve's PDF route and `tsushin mail` all call it, so a
/// mailed attachment is byte for byte the file on the site. The diagnostics hold the page's
/// reference and glyph problems (warnings too); the bytes are `None` when any is an error.
pub fn render_one(site: &Site, ctx: &PdfContext, page: &Page) -> (Option<Vec<u8>>, Diagnostics) {
    let mut d = Diagnostics::new();
    let no_links = PageLinks::default();
    let links = site.links.get(&page.rel).unwrap_or(&no_links);
    // A page whose links or images are refused or point nowhere gets no PDF (`build` and
    // `tsushin pdf` stopped at the problems already: the preview's PDF route says them).
    if links.has_errors() {
        d.extend(links.problems.iter().filter(|p| p.is_error()).cloned());
        return (None, d);
    }
    ctx.check_glyphs(page, &site.config, &mut d);
    if d.has_errors() {
        return (None, d);
    }
    let base_url = site.config.base_url.as_deref();
    let resolve = |url: &str| links.pdf_link(&page.out_path, base_url, url);
    let image_file = |url: &str| links.image_file(url);
    match pdf::render(
        page,
        &site.config,
        ctx,
        &site.theme.survey_colors,
        &resolve,
        &image_file,
    ) {
        Ok(bytes) => (Some(bytes), d),
        Err(errors) => {
            d.extend(errors);
            (None, d)
        }
    }
}

/// Checks glyph coverage, then typesets every planned PDF in parallel: the bound volumes
/// first, as they take longest.
pub fn render(site: &Site, ctx: &PdfContext, diags: &mut Diagnostics) -> BTreeMap<String, Vec<u8>> {
    let progress = crate::progress::phase("PDFs", site.pdf_paths.len());
    let mut volumes: Vec<(i16, &String)> = site
        .pdf_paths
        .iter()
        .filter_map(|(k, path)| super::volumes::year_of(k).map(|y| (y, path)))
        .collect();
    volumes.sort();
    let jobs: Vec<(Option<&Page>, i16, &String)> = volumes
        .into_iter()
        .map(|(y, path)| (None, y, path))
        .chain(site.pages.iter().filter_map(|page| {
            site.pdf_paths
                .get(&page.rel)
                .map(|path| (Some(page), 0, path))
        }))
        .collect();
    let results: Vec<(String, Option<Vec<u8>>, Diagnostics)> = jobs
        .par_iter()
        .map(|&(page, year, path)| {
            let (bytes, d) = match page {
                Some(page) => render_one(site, ctx, page),
                None => super::volumes::render_one(site, ctx, year),
            };
            progress.inc();
            (path.clone(), bytes, d)
        })
        .collect();
    let mut files = BTreeMap::new();
    // The same mistake in a shared header template fails every PDF: report it once.
    let mut seen: Vec<Diagnostic> = Vec::new();
    for (path, bytes, d) in results {
        for e in d {
            if !seen.contains(&e) {
                seen.push(e);
            }
        }
        if let Some(bytes) = bytes {
            files.insert(path, bytes);
        }
    }
    diags.extend(seen);
    files
}

/// The PDF of the page at `rel` (or of the bound volume with that `pdf_paths` key), as
/// `build` writes it: `None` when there is no such PDF.
pub fn render_page(site: &Site, rel: &str) -> Option<Result<Vec<u8>, Diagnostics>> {
    site.pdf_paths.get(rel)?;
    let ctx = site.pdf.as_ref()?;
    let result = match super::volumes::year_of(rel) {
        Some(year) => super::volumes::render_one(site, ctx, year),
        None => render_one(site, ctx, site.pages.iter().find(|p| p.rel == rel)?),
    };
    Some(match result {
        (Some(bytes), d) if !d.has_errors() => Ok(bytes),
        (_, d) => Err(d),
    })
}

/// The image checks of `render` (for `tsushin check`): every image of every page that gets
/// a PDF is read and decoded as the PDF would, in parallel within the decoding budget.
pub fn check_images(site: &Site, diags: &mut Diagnostics) {
    let Some(ctx) = &site.pdf else { return };
    let no_links = PageLinks::default();
    let found: Vec<Vec<Diagnostic>> = site
        .pages
        .par_iter()
        .filter(|p| site.pdf_paths.contains_key(&p.rel))
        .map(|p| {
            let links = site.links.get(&p.rel).unwrap_or(&no_links);
            let image_file = |url: &str| links.image_file(url);
            pdf::check_images(p, ctx, &image_file)
        })
        .collect();
    diags.extend(found.into_iter().flatten());
}

/// The checks of `render` that need no PDF written (for `tsushin check`): every character
/// each PDF would typeset must be in the PDF fonts, and the running header and footer render.
pub fn check(site: &Site, diags: &mut Diagnostics) {
    let Some(ctx) = &site.pdf else { return };
    let found: Vec<(Diagnostics, Diagnostics)> = site
        .pages
        .par_iter()
        .filter(|p| site.pdf_paths.contains_key(&p.rel))
        .map(|page| {
            let mut glyphs = Diagnostics::new();
            ctx.check_glyphs(page, &site.config, &mut glyphs);
            let mut margins = Diagnostics::new();
            ctx.check_margins(page, &site.config, &mut margins);
            (glyphs, margins)
        })
        .collect();
    // A mistake in a header template concerns every page: once is enough.
    let mut margins: Vec<Diagnostic> = Vec::new();
    for (glyphs, m) in found {
        diags.extend(glyphs);
        for e in m {
            if !margins.contains(&e) {
                margins.push(e);
            }
        }
    }
    diags.extend(margins);
}

/// The nearest folder above `file` that has a site.yaml.
pub fn find_root(file: &std::path::Path) -> Option<std::path::PathBuf> {
    let abs = std::path::absolute(file).ok()?;
    abs.ancestors()
        .skip(1)
        .find(|d| d.join(crate::config::FILE_NAME).is_file())
        .map(std::path::Path::to_path_buf)
}

/// `tsushin pdf FILE.md`: typesets one page of the site, drafts included, into `out` (default:
/// its usual file name in the current folder). Returns the path written.
pub fn single(
    root: Option<&std::path::Path>,
    file: &std::path::Path,
    out: Option<&std::path::Path>,
    diags: &mut Diagnostics,
) -> Option<std::path::PathBuf> {
    use crate::diag::Location;
    let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let root = match root {
        Some(r) => r.to_path_buf(),
        None => match find_root(file) {
            Some(r) => r,
            None => {
                diags.push(
                    Diagnostic::error(
                        Location::file(file),
                        "no site.yaml found in this file's folder or above it",
                    )
                    .help("run the command inside the site, or pass --root DIR"),
                );
                return None;
            }
        },
    };
    let root_abs = std::path::absolute(&root).unwrap_or_else(|_| root.clone());
    let Some(rel) = abs
        .strip_prefix(root_abs.join("content"))
        .ok()
        .and_then(|r| r.to_str())
        .map(|r| r.replace('\\', "/"))
    else {
        diags.push(
            Diagnostic::error(
                Location::file(file),
                "the file is not inside the site's content/ folder",
            )
            .help(
                "give the path of a page under content/, e.g. content/newsletters/2021-06-vol01.md",
            ),
        );
        return None;
    };
    // Problems of other pages do not stop this one: keep only this file's and the site's own.
    let mut all = Diagnostics::new();
    let site = super::load(&root, true, &mut all);
    let this = std::path::Path::new("content").join(&rel);
    diags.extend(
        all.into_iter()
            .filter(|d| d.location.file == this || !d.location.file.starts_with("content")),
    );
    let site = site?;
    let Some(page) = site.pages.iter().find(|p| p.rel == rel) else {
        if !diags.has_errors() {
            diags.push(
                Diagnostic::error(Location::file(file), "this file is not a page of the site")
                    .help("PDFs are made from Markdown files (.md) under content/"),
            );
        }
        return None;
    };
    let ctx = site.pdf.as_ref()?;
    if diags.has_errors() {
        return None;
    }
    let bytes = match render_one(&site, ctx, page) {
        (Some(b), d) if !d.has_errors() => {
            diags.extend(d);
            b
        }
        (_, d) => {
            diags.extend(d);
            return None;
        }
    };
    let target = match out {
        Some(o) => o.to_path_buf(),
        None => {
            let name = plan(std::slice::from_ref(page), &site.config, &[])
                .remove(&page.rel)
                .and_then(|p| p.rsplit('/').next().map(str::to_owned))
                .unwrap_or_else(|| format!("{}.pdf", page.slug()));
            std::path::PathBuf::from(name)
        }
    };
    // Written beside the target and renamed, so a reader never opens half a file.
    let tmp = target.with_extension("pdf.part");
    if let Err(e) = std::fs::write(&tmp, &bytes).and_then(|_| std::fs::rename(&tmp, &target)) {
        let _ = std::fs::remove_file(&tmp);
        diags.push(Diagnostic::error(
            Location::file(&target),
            format!("cannot write: {e}"),
        ));
        return None;
    }
    Some(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_for_windows() {
        assert_eq!(
            clean_file_name("研修会: 第1回 / 案内?"),
            "研修会__第1回___案内_"
        );
        assert_eq!(clean_file_name("  ..通信.. "), "通信");
    }
}
