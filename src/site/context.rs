//! What templates see: plain serialisable views of the site and its pages (docs/design.md).
//! What a reader reads (labels, dates, colours) comes from `crate::view`; this adds the links,
//! relative to the page being rendered.

use jiff::civil::Date;
use serde::Serialize;
use tera::Context;

use super::links;
use super::loaded::Site;
use crate::content::Page;
pub use crate::view::{EventView, Masthead, SessionView, SiteView};

#[derive(Serialize, Clone)]
pub struct TagLink {
    pub name: String,
    pub url: String,
}

#[derive(Serialize, Clone)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A page as templates see it; `url` is relative to the page being rendered.
#[derive(Serialize, Clone)]
pub struct PageView {
    pub title: String,
    pub date: Option<String>,
    /// The date as readers read it (令和３年６月30日（水）).
    pub date_label: Option<String>,
    pub summary: Option<String>,
    pub url: String,
    pub kind: &'static str,
    pub tags: Vec<TagLink>,
    pub pdf_url: Option<String>,
    /// The training's calendar file (.ics), relative to the page being rendered.
    pub ics_url: Option<String>,
    pub number: Option<u32>,
    pub author: Option<String>,
    pub recipients: Vec<String>,
    /// A newsletter's masthead (題字, 第１号, 発行日 …).
    pub masthead: Option<Masthead>,
    /// A handout's meeting (its `number` is the 資料番号).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting: Option<String>,
    pub event: Option<EventView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toc: Option<Vec<TocEntry>>,
}

pub fn page_view(page: &Page, from: &str, site: &Site) -> PageView {
    let config = &site.config;
    use crate::content::Kind;
    let kind = page.section.spec().name;
    let masthead = page.newsletter().map(|n| Masthead::new(page, n, config));
    let (number, author, recipients, meeting) = match (&page.meta.kind, &masthead) {
        (Kind::Newsletter(n), Some(m)) => {
            (Some(n.number), n.author.clone(), m.recipients.clone(), None)
        }
        (Kind::Handout(h), _) => (Some(h.number), None, Vec::new(), Some(h.meeting.clone())),
        (Kind::Newsletter(_) | Kind::Event(_) | Kind::Plain, _) => (None, None, Vec::new(), None),
    };
    let event = page.event().map(|e| EventView::new(e, config.date_style));
    PageView {
        title: page.meta.title.clone(),
        date: page.meta.date.map(|d| d.to_string()),
        date_label: page.meta.date.map(|d| crate::view::date_label(d, config)),
        summary: page.meta.summary.clone(),
        url: links::href(from, &page.out_path),
        kind,
        tags: page
            .meta
            .tags
            .iter()
            .map(|t| TagLink {
                name: t.clone(),
                url: links::href(from, &site.tag_files[t]),
            })
            .collect(),
        pdf_url: site.pdf_paths.get(&page.rel).map(|p| links::href(from, p)),
        ics_url: site.ics_paths.get(&page.rel).map(|p| links::href(from, p)),
        number,
        author,
        recipients,
        masthead,
        meeting,
        event,
        content: None,
        toc: None,
    }
}

/// The page's headings as its table of contents, the top level written as level 2 (`##`)
/// whatever level the author used (the page title is the h1).
pub fn toc(page: &Page) -> (Vec<TocEntry>, u8) {
    let headings = page.doc.headings();
    let top = headings
        .iter()
        .map(|(level, _, _)| *level)
        .min()
        .unwrap_or(2);
    let heading_shift = 2u8.saturating_sub(top);
    let entries = headings
        .into_iter()
        .map(|(level, id, text)| TocEntry {
            level: (level + heading_shift).min(6),
            id,
            text,
        })
        .collect();
    (entries, heading_shift)
}

/// Whether the site has meeting handouts: every page's navigation then links to 会議資料, so
/// the first handout added or the last removed changes every page.
pub fn has_handouts(site: &Site) -> bool {
    site.pages
        .iter()
        .any(|p| p.section == crate::content::Section::Handout)
}

/// What every template gets: `site`, `root`, `current` and `generated` (docs/design.md).
pub fn base_context(site: &Site, out_path: &str, current: &str, today: Date) -> Context {
    let mut ctx = Context::new();
    ctx.insert("site", &SiteView::new(&site.config));
    // Navigation to the kinds that are not on every site.
    ctx.insert("has_handouts", &has_handouts(site));
    ctx.insert("root", &links::root_prefix(out_path));
    ctx.insert("current", current);
    ctx.insert("generated", &today.to_string());
    ctx
}
