//! One PDF per newsletter issue and training announcement, next to its HTML page, with a file
//! name a recipient recognises in an e-mail attachment list.

use std::collections::{HashMap, HashSet};

use super::Site;
use super::links;
use super::resolve;
use crate::config::Config;
use crate::content::Page;
use crate::diag::Diagnostics;
use crate::japanese::{DigitStyle, digits};
use crate::pdf::layout::PdfLink;
use crate::pdf::{self, PdfContext};

/// Characters Windows forbids in file names, plus those that confuse mail clients.
pub(super) fn clean_file_name(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|#%".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let short: String = cleaned
        .trim()
        .trim_matches('.')
        .replace(char::is_whitespace, "_")
        .chars()
        .take(60)
        .collect();
    // Safe on a Windows share too: no trailing dot, no device name (`CON.pdf`).
    super::names::make_safe(&short, "")
}

/// Output path of every page that gets a PDF (rel → path), unique within the site even where
/// Windows ignores case, and never the path of a file copied from content/ (`assets`). When
/// the name from the title is taken, the page's slug is added, then a number. A training's
/// `.ics` name (the same with `.ics`) is kept free too. The bound volumes are planned after
/// these (`volumes::plan`; both together: `plan::pdf_paths`).
pub fn plan(pages: &[Page], config: &Config, assets: &[String]) -> HashMap<String, String> {
    let mut used: HashSet<String> = assets.iter().map(|a| a.to_lowercase()).collect();
    let mut out = HashMap::new();
    for p in pages {
        let (dir, stem) = if let Some(n) = p.newsletter() {
            let number = digits(i64::from(n.number), DigitStyle::Plain);
            (
                "newsletters",
                format!("{}_第{number}号", clean_file_name(&config.newsletter_name)),
            )
        } else if p.event().is_some() {
            ("events", clean_file_name(&p.meta.title))
        } else {
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
                let ics =
                    with_ics.then(|| format!("{}.ics", pdf.strip_suffix(".pdf").unwrap_or(&pdf)));
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

/// The only schemes a link in a PDF may have.
const PDF_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// The scheme of `url` in lower case, read as a PDF viewer or browser reads it: surrounding
/// spaces and controls dropped, tabs and newlines inside ignored. `None` for a relative URL.
fn scheme_of(url: &str) -> Option<String> {
    let normalized: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(64)
        .collect();
    let (scheme, _) = normalized.split_once(':')?;
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// Where a Markdown link goes in a PDF that travels by e-mail: web addresses stay; pages and
/// files of the site only when the site has a `base_url` to point at.
pub(super) fn resolve_for_pdf(site: &Site, page: &Page, url: &str) -> Option<PdfLink> {
    let url = url.trim();
    if let Some(anchor) = url.strip_prefix('#') {
        return Some(PdfLink::Anchor(anchor.to_owned()));
    }
    if let Some(scheme) = scheme_of(url) {
        // javascript:, data:, file:, … stay plain text, as the HTML drops them.
        return PDF_SCHEMES
            .contains(&scheme.as_str())
            .then(|| PdfLink::Uri(url.to_owned()));
    }
    let base = site.config.base_url.as_ref()?;
    let Ok(resolve::Url::Local {
        target,
        fragment: frag,
    }) = resolve::classify(&page.rel, url)
    else {
        return None;
    };
    let out = match site.pages.iter().find(|p| p.rel == target) {
        Some(p) => p.out_path.clone(),
        None if target.ends_with(".md") => return None,
        None => target,
    };
    let frag = frag.map(|f| format!("#{f}")).unwrap_or_default();
    Some(PdfLink::Uri(format!(
        "{base}{}{frag}",
        links::encode_path(&out)
    )))
}

/// Typesets one page's PDF exactly as `build` writes it: the PDF job of the build plan
/// (`plan::Job::Pdf`), which `build`, `tsushin pdf`, serve's PDF route and `tsushin mail` all
/// run, so a mailed attachment is byte for byte the file on the site. The diagnostics hold the page's
/// reference and glyph problems (warnings too); the bytes are `None` when any is an error.
pub fn render_one(site: &Site, ctx: &PdfContext, page: &Page) -> (Option<Vec<u8>>, Diagnostics) {
    let content_dir = site.root.join("content");
    let mut d = Diagnostics::new();
    d.extend(resolve::check_refs(page, &content_dir));
    ctx.check_glyphs(page, &site.config, &mut d);
    if d.has_errors() {
        return (None, d);
    }
    let resolve = |url: &str| resolve_for_pdf(site, page, url);
    let image_file = |url: &str| resolve::image_file(&content_dir, &page.rel, url);
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
    let content_dir = site.root.join("content");
    let mut d = Diagnostics::new();
    ctx.check_glyphs(page, &site.config, &mut d);
    ctx.check_margins(page, &site.config, &mut d);
    let image_file = |url: &str| resolve::image_file(&content_dir, &page.rel, url);
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

    #[test]
    fn schemes_are_read_as_viewers_read_them() {
        assert_eq!(
            scheme_of(" JavaScript:alert(1)").as_deref(),
            Some("javascript")
        );
        assert_eq!(scheme_of("java\tscript:x").as_deref(), Some("javascript"));
        assert_eq!(scheme_of("https://example.jp/").as_deref(), Some("https"));
        assert_eq!(scheme_of("images/a:b.png"), None);
        assert_eq!(scheme_of("../events/index.html#x"), None);
    }
}
