//! One PDF per newsletter issue, training announcement and meeting handout, next to its HTML page, with a file
//! name a recipient recognises in an e-mail attachment list.

use std::collections::{HashMap, HashSet};

use super::loaded::Site;
use super::targets::PageLinks;
use crate::config::Config;
use crate::content::Page;
use crate::diag::Diagnostics;
use crate::pdf::{self, PdfContext};

pub(super) use crate::view::names::clean_file_name;

/// Output path of every page that gets a PDF (rel → path), unique within the site even where
/// Windows ignores case, and never the path of a file copied from content/ (`assets`). When
/// the name from the title is taken, the page's slug is added, then a number. A training's
/// `.ics` name (the same with `.ics`) is kept free too. The bound volumes are planned after
/// these (`volumes::plan`; both together: `volumes::pdf_paths`).
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
    out
}

/// Typesets one page's PDF exactly as `build` writes it: the PDF job of the build plan
/// (`plan::Job::Pdf`), which `build`, `tsushin pdf`, serve's PDF route and `tsushin mail` all
/// run, so a mailed attachment is byte for byte the file on the site. The diagnostics hold the page's
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

/// The checks of the PDF job that need no PDF written (`tsushin check`, serve): every
/// character the PDF would typeset must be in the PDF fonts, the running header and footer
/// render, and every image is read and decoded as the PDF would (within the decoding budget).
pub fn check_page(site: &Site, ctx: &PdfContext, page: &Page) -> Diagnostics {
    let no_links = PageLinks::default();
    let links = site.links.get(&page.rel).unwrap_or(&no_links);
    let mut d = Diagnostics::new();
    ctx.check_glyphs(page, &site.config, &mut d);
    ctx.check_margins(page, &site.config, &mut d);
    let image_file = |url: &str| links.image_file(url);
    d.extend(pdf::check_images(page, ctx, &image_file));
    d
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
