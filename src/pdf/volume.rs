//! A bound volume (合本): the issues of one fiscal year as one PDF, for the office's year-end
//! file (年度末の綴り). A cover and a table of contents come first, then every issue as the
//! engine lays out its own PDF (masthead included), its pages numbered through the volume.
//!
//! The pages of all parts are put together into one `draw::Document` before writing, so the
//! fonts are subset once for the whole volume and the writer (outline, metadata, everything
//! it adds to any PDF) treats the volume as any other document. The issues are laid out
//! twice: once to learn where each issue and section starts (the contents need it), then with
//! the volume's page numbers in their footers; images are read once.

use super::layout::volume::{self as front, CONTENTS_LINK, Cover, Entry};
use super::layout::{LayoutContext, Margin, PdfLink};
use super::{ImageCache, ImageFile, PdfContext, Typeset, draw};
use crate::config::Config;
use crate::content::Page;
use crate::diag::Diagnostic;
use crate::japanese::{DigitStyle, issue_number, wareki_date};

/// One issue of the volume, with what its links and images need.
pub struct Issue<'a> {
    pub page: &'a Page,
    pub resolve: &'a dyn Fn(&str) -> Option<PdfLink>,
    pub image_file: &'a ImageFile<'a>,
}

/// Typesets `issues` (in order) as the volume of the fiscal year `year` (令和３年度).
pub fn render(
    year: &str,
    issues: &[Issue],
    config: &Config,
    ctx: &PdfContext,
    survey_colors: &[String],
) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let Some(first_page) = issues.first().map(|i| i.page) else {
        return Err(Vec::new());
    };
    let caches: Vec<ImageCache> = issues.iter().map(|_| ImageCache::default()).collect();
    // Pass 1: the issues' own pages, to learn where everything starts.
    let mut laid = Vec::with_capacity(issues.len());
    let mut errors = Vec::new();
    for (issue, cache) in issues.iter().zip(&caches) {
        match typeset(issue, config, ctx, survey_colors).layout(&|n, c| (n, c), cache) {
            Ok(doc) => laid.push(doc),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let title = format!("{} {year}合本", config.newsletter_name);
    let front_page = front::front_page(&title);
    let heads: Vec<String> = issues.iter().map(|i| issue_head(i.page, config)).collect();
    let cover = Cover {
        publisher: config.title.clone(),
        name: config.newsletter_name.clone(),
        year: format!("{year}合本"),
        issues: issues
            .iter()
            .map(|i| {
                (
                    number_label(i.page, config.date_style),
                    date_label(i.page, config),
                    own_title(i.page, config).unwrap_or_default().to_owned(),
                )
            })
            .collect(),
    };
    let parts = Parts {
        ctx,
        config,
        page: &front_page,
    };
    let cover_pages = parts.lay(0, 1, |l| front::cover(&cover, l)).pages.len();
    let (contents, contents_pages, targets) = contents(&parts, cover_pages, &laid, &heads);
    let starts = starts(cover_pages + contents_pages, &laid);
    let total = cover_pages + contents_pages + laid.iter().map(|d| d.pages.len()).sum::<usize>();
    let cover = parts.lay(0, total, |l| front::cover(&cover, l));

    // Pass 2: the issues with the volume's page numbers.
    let mut volume = draw::Document {
        info: info(&title, issues, config, &laid),
        ..draw::Document::default()
    };
    volume.append(cover);
    let top = volume.pages.first().map_or(0.0, |p| p.height);
    volume
        .outline
        .push(outline_entry(1, "目次", cover_pages, top));
    volume.append(contents);
    for (k, ((issue, cache), start)) in issues.iter().zip(&caches).zip(&starts).enumerate() {
        let offset = start - 1;
        let doc = typeset(issue, config, ctx, survey_colors)
            .layout(&|n, _| (n + offset, total), cache)?;
        volume
            .outline
            .push(outline_entry(1, &heads[k], volume.pages.len(), top));
        // The issue's headings go under its entry, whatever level its top headings have.
        let min = doc.outline.iter().map(|o| o.level).min().unwrap_or(2);
        let mut doc = doc;
        for o in &mut doc.outline {
            o.level = o.level + 2 - min.min(2);
        }
        volume.append(doc);
    }
    link_contents(
        &mut volume,
        cover_pages..cover_pages + contents_pages,
        &targets,
    );
    super::write(&volume, ctx, first_page)
}

fn typeset<'a>(
    issue: &'a Issue<'a>,
    config: &'a Config,
    ctx: &'a PdfContext,
    survey_colors: &'a [String],
) -> Typeset<'a> {
    Typeset {
        page: issue.page,
        config,
        ctx,
        survey_colors,
        resolve: issue.resolve,
        image_file: issue.image_file,
    }
}

/// The contents laid out after `cover_pages` pages, their page count, and the page and y
/// each row links to. The contents' length does not depend on the numbers in it (their width
/// is reserved), but the numbers depend on it: lay out until it holds.
fn contents(
    parts: &Parts,
    cover_pages: usize,
    laid: &[draw::Document],
    heads: &[String],
) -> (draw::Document, usize, Vec<(usize, f32)>) {
    let mut pages = 1;
    loop {
        let starts = starts(cover_pages + pages, laid);
        let (entries, targets) = contents_entries(laid, heads, &starts);
        let total = cover_pages + pages + laid.iter().map(|d| d.pages.len()).sum::<usize>();
        let doc = parts.lay(cover_pages, total, |l| front::contents(&entries, l));
        // More pages than rows would be a layout fault: stop rather than loop.
        if doc.pages.len() == pages || pages > entries.len() + 1 {
            return (doc, pages, targets);
        }
        pages = doc.pages.len();
    }
}

/// Lays out the cover or the contents with a footer numbered through the volume.
struct Parts<'a> {
    ctx: &'a PdfContext,
    config: &'a Config,
    page: &'a Page,
}

impl Parts<'_> {
    fn lay(
        &self,
        offset: usize,
        total: usize,
        draw: impl FnOnce(&LayoutContext) -> draw::Document,
    ) -> draw::Document {
        let ctx = self.ctx;
        // No running header on the cover and contents: the footer only.
        let margin_text = |which: Margin, number: usize, _: usize| -> String {
            match which {
                Margin::Footer => {
                    ctx.margin_text("footer", self.page, self.config, number + offset, total)
                }
                Margin::Header => String::new(),
            }
        };
        let resolve = |_: &str| None;
        let image = |_: &str, _: f32| Err(String::new());
        let l = LayoutContext {
            fonts: &ctx.fonts,
            style: &ctx.style,
            config: self.config,
            regular: &ctx.regular,
            bold: &ctx.bold,
            survey_colors: &[],
            resolve: &resolve,
            image: &image,
            margin_text: &margin_text,
        };
        draw(&l)
    }
}

/// The printed number (1-based) of each issue's first page after `front` pages.
fn starts(front: usize, laid: &[draw::Document]) -> Vec<usize> {
    let mut at = front + 1;
    laid.iter()
        .map(|d| {
            let s = at;
            at += d.pages.len();
            s
        })
        .collect()
}

/// The contents rows and, for each, the 0-based page and y it links to.
fn contents_entries(
    laid: &[draw::Document],
    heads: &[String],
    starts: &[usize],
) -> (Vec<Entry>, Vec<(usize, f32)>) {
    let mut entries = Vec::new();
    let mut targets = Vec::new();
    for ((doc, head), &start) in laid.iter().zip(heads).zip(starts) {
        let top = doc.pages.first().map_or(0.0, |p| p.height);
        entries.push(Entry {
            section: false,
            text: head.clone(),
            page: start,
        });
        targets.push((start - 1, top));
        // The issue's sections: its top-level headings (`##`).
        let min = doc.outline.iter().map(|o| o.level).min();
        for o in doc.outline.iter().filter(|o| Some(o.level) == min) {
            entries.push(Entry {
                section: true,
                text: o.title.clone(),
                page: start + o.page,
            });
            targets.push((start - 1 + o.page, o.y));
        }
    }
    (entries, targets)
}

/// Turns the contents rows' placeholder links into links to their pages.
fn link_contents(
    volume: &mut draw::Document,
    pages: std::ops::Range<usize>,
    targets: &[(usize, f32)],
) {
    for page in volume.pages.get_mut(pages).into_iter().flatten() {
        for link in &mut page.links {
            if let draw::LinkTarget::Uri(u) = &link.target
                && let Some(i) = u.strip_prefix(CONTENTS_LINK)
            {
                let target = i.parse::<usize>().ok().and_then(|i| targets.get(i));
                link.target = match target {
                    Some(&(page, y)) => draw::LinkTarget::Internal { page, y },
                    // Cannot happen: every row has a target. Never a bogus URI.
                    None => draw::LinkTarget::Internal { page: 0, y: 0.0 },
                };
            }
        }
    }
}

fn outline_entry(level: u8, title: &str, page: usize, y: f32) -> draw::OutlineEntry {
    draw::OutlineEntry {
        level,
        title: title.to_owned(),
        page,
        y,
    }
}

fn number_label(page: &Page, style: DigitStyle) -> String {
    page.newsletter()
        .map(|n| issue_number(n.number, style))
        .unwrap_or_default()
}

fn date_label(page: &Page, config: &Config) -> String {
    page.meta
        .date
        .map(|d| wareki_date(d, config.date_style, true))
        .unwrap_or_default()
}

/// An issue's contents row and bookmark: 第１号　令和３年６月30日（水）発行, then its title
/// when it has one of its own.
fn issue_head(page: &Page, config: &Config) -> String {
    let number = number_label(page, config.date_style);
    let mut head = format!("{number}　{}発行", date_label(page, config));
    if let Some(title) = own_title(page, config) {
        head.push('　');
        head.push_str(title);
    }
    head
}

/// The issue's title when it says more than the newsletter's name and the issue number (as
/// the masthead decides).
fn own_title<'a>(page: &'a Page, config: &Config) -> Option<&'a str> {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let title = page.meta.title.trim();
    let n = page.newsletter().map_or(0, |n| n.number);
    let redundant = [DigitStyle::Official, DigitStyle::Plain].iter().any(|s| {
        squash(&format!(
            "{}{}",
            config.newsletter_name,
            issue_number(n, *s)
        )) == squash(title)
    });
    (!redundant && !title.is_empty()).then_some(title)
}

/// The volume's document information: its title, the site as author, the issues as subject,
/// dated as its last issue.
fn info(title: &str, issues: &[Issue], config: &Config, laid: &[draw::Document]) -> draw::Info {
    let first = laid.first().map(|d| d.info.clone()).unwrap_or_default();
    let numbers: Vec<String> = issues
        .iter()
        .map(|i| number_label(i.page, config.date_style))
        .collect();
    draw::Info {
        title: title.to_owned(),
        author: Some(config.title.clone()).filter(|t| !t.trim().is_empty()),
        subject: Some(numbers.join("・")).filter(|s| !s.is_empty()),
        keywords: Vec::new(),
        language: first.language,
        created: laid.last().and_then(|d| d.info.created),
        publisher: Some(config.title.clone()).filter(|t| !t.trim().is_empty()),
    }
}
