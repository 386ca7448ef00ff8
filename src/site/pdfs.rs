//! One PDF per newsletter issue and training announcement, next to its HTML page, with a file
//! name a recipient recognises in an e-mail attachment list.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use super::Site;
use super::links;
use crate::config::Config;
use crate::content::Page;
use crate::diag::{Diagnostic, Diagnostics};
use crate::japanese::{DigitStyle, digits};
use crate::pdf::layout::PdfLink;
use crate::pdf::{self, PdfContext};

/// Characters Windows forbids in file names, plus those that confuse mail clients.
fn clean_file_name(s: &str) -> String {
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
    let trimmed = cleaned
        .trim()
        .trim_matches('.')
        .replace(char::is_whitespace, "_");
    trimmed.chars().take(60).collect()
}

/// Output path of every page that gets a PDF (rel → path), unique within the site.
pub fn plan(pages: &[Page], config: &Config) -> HashMap<String, String> {
    let mut used = HashSet::new();
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
        let mut path = format!("{dir}/{stem}.pdf");
        if !used.insert(path.to_lowercase()) {
            path = format!("{dir}/{stem}_{}.pdf", p.slug());
            used.insert(path.to_lowercase());
        }
        out.insert(p.rel.clone(), path);
    }
    out
}

/// Where a Markdown link goes in a PDF that travels by e-mail: web addresses stay; pages and
/// files of the site only when the site has a `base_url` to point at.
fn resolve_for_pdf(site: &Site, page: &Page, url: &str) -> Option<PdfLink> {
    let url = url.trim();
    if let Some(anchor) = url.strip_prefix('#') {
        return Some(PdfLink::Anchor(anchor.to_owned()));
    }
    if url.contains("://") || url.starts_with("mailto:") || url.starts_with("tel:") {
        return Some(PdfLink::Uri(url.to_owned()));
    }
    let base = site.config.base_url.as_ref()?;
    let (path, frag) = url
        .split_once('#')
        .map(|(p, f)| (p, Some(f)))
        .unwrap_or((url, None));
    let dir = page.rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let target = links::join(dir, &decoded)?;
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

/// One typeset PDF: its output path, its bytes or errors, and its glyph problems.
type Rendered = (String, Result<Vec<u8>, Vec<Diagnostic>>, Diagnostics);

/// Checks glyph coverage, then typesets every planned PDF in parallel.
pub fn render(site: &Site, ctx: &PdfContext, diags: &mut Diagnostics) -> BTreeMap<String, Vec<u8>> {
    check_site_texts(site, ctx, diags);
    let content_dir = site.root.join("content");
    let progress = crate::progress::phase("PDFs", site.pdf_paths.len());
    let results: Vec<Rendered> = site
        .pages
        .par_iter()
        .filter_map(|page| site.pdf_paths.get(&page.rel).map(|path| (page, path)))
        .map(|(page, path)| {
            let mut d = Diagnostics::new();
            ctx.check_glyphs(&page.source, &page.display, &mut d);
            if d.has_errors() {
                return (path.clone(), Ok(Vec::new()), d);
            }
            let resolve = |url: &str| resolve_for_pdf(site, page, url);
            let bytes = pdf::render(
                page,
                &site.config,
                ctx,
                &site.theme.survey_colors,
                &resolve,
                &content_dir,
            );
            progress.inc();
            (path.clone(), bytes, d)
        })
        .collect();
    let mut files = BTreeMap::new();
    for (path, result, d) in results {
        let failed = d.has_errors();
        diags.extend(d);
        match result {
            Ok(bytes) if !failed => {
                files.insert(path, bytes);
            }
            Ok(_) => {}
            Err(e) => diags.extend(e),
        }
    }
    files
}

/// The image checks of `render` (for `tsushin check`): every image of every page that gets
/// a PDF is read and decoded as the PDF would, in parallel within the decoding budget.
pub fn check_images(site: &Site, diags: &mut Diagnostics) {
    let Some(ctx) = &site.pdf else { return };
    let content_dir = site.root.join("content");
    let found: Vec<Vec<Diagnostic>> = site
        .pages
        .par_iter()
        .filter(|p| site.pdf_paths.contains_key(&p.rel))
        .map(|p| pdf::check_images(p, ctx, &content_dir))
        .collect();
    diags.extend(found.into_iter().flatten());
}

/// The checks of `render` that need no typesetting (for `tsushin check`): every character of
/// every page that gets a PDF, and of site.yaml, must be in the PDF fonts.
pub fn check(site: &Site, diags: &mut Diagnostics) {
    let Some(ctx) = &site.pdf else { return };
    check_site_texts(site, ctx, diags);
    for page in site
        .pages
        .iter()
        .filter(|p| site.pdf_paths.contains_key(&p.rel))
    {
        ctx.check_glyphs(&page.source, &page.display, diags);
    }
}

/// site.yaml's texts (title, newsletter name, recipients) appear in every PDF's margins.
fn check_site_texts(site: &Site, ctx: &PdfContext, diags: &mut Diagnostics) {
    let path = site.root.join(crate::config::FILE_NAME);
    if let Ok((source, _)) =
        crate::source::read(&path, std::path::Path::new(crate::config::FILE_NAME))
    {
        // Comments are not printed: blank them out so only values are checked.
        let values: String = source
            .text
            .lines()
            .map(|l| match l.find(" #") {
                Some(i) => &l[..i],
                None if l.trim_start().starts_with('#') => "",
                None => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        ctx.check_glyphs(&values, &source.display, diags);
    }
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
    ctx.check_glyphs(&page.source, &page.display, diags);
    if diags.has_errors() {
        return None;
    }
    let resolve = |url: &str| resolve_for_pdf(&site, page, url);
    let bytes = match pdf::render(
        page,
        &site.config,
        ctx,
        &site.theme.survey_colors,
        &resolve,
        &root.join("content"),
    ) {
        Ok(b) => b,
        Err(e) => {
            diags.extend(e);
            return None;
        }
    };
    let target = match out {
        Some(o) => o.to_path_buf(),
        None => {
            let name = plan(std::slice::from_ref(page), &site.config)
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
