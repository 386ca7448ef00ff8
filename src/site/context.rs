//! What templates see: plain serialisable views of the site and its pages (docs/design.md).

use jiff::civil::Date;
use serde::Serialize;
use tera::Context;

use super::links;
use crate::config::Config;
use crate::content::Page;

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub language: &'a str,
    pub base_url: Option<&'a str>,
    pub newsletter_name: &'a str,
    pub recipients: &'a [String],
    /// Whether the site has a search (`search: false` in site.yaml turns it off).
    pub search: bool,
}

impl<'a> SiteView<'a> {
    pub fn new(c: &'a Config) -> Self {
        SiteView {
            title: &c.title,
            language: &c.language,
            base_url: c.base_url.as_deref(),
            newsletter_name: &c.newsletter_name,
            recipients: &c.recipients,
            search: c.search,
        }
    }
}

#[derive(Serialize, Clone)]
pub struct TagLink {
    pub name: String,
    pub url: String,
}

#[derive(Serialize, Clone)]
pub struct SessionView {
    pub date: String,
    pub start: String,
    pub end: String,
    pub end_date: String,
    pub label: Option<String>,
    pub audience: Vec<String>,
    /// 対象区 for a list of wards, else 対象.
    pub audience_label: &'static str,
}

#[derive(Serialize, Clone)]
pub struct EventView {
    pub status: &'static str,
    pub status_label: &'static str,
    pub format: Option<&'static str>,
    pub format_label: Option<&'static str>,
    pub venue: Option<String>,
    pub target: Option<String>,
    pub apply_by: Option<String>,
    pub capacity: Option<u32>,
    pub lecturers: Vec<crate::content::event::Lecturer>,
    pub sessions: Vec<SessionView>,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
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
    pub event: Option<EventView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toc: Option<Vec<TocEntry>>,
}

fn hm(t: jiff::civil::DateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

pub fn page_view(page: &Page, from: &str, site: &super::Site) -> PageView {
    let config = &site.config;
    let (kind, number, author, recipients) = match page.newsletter() {
        Some(n) => (
            "newsletter",
            Some(n.number),
            n.author.clone(),
            if n.recipients.is_empty() {
                config.recipients.clone()
            } else {
                n.recipients.clone()
            },
        ),
        None if page.event().is_some() => ("event", None, None, Vec::new()),
        None => ("page", None, None, Vec::new()),
    };
    let event = page.event().map(|e| EventView {
        status: e.status.key(),
        status_label: e.status.label(),
        format: e.format.map(|f| f.key()),
        format_label: e.format.map(|f| f.label()),
        venue: e.venue.clone(),
        target: e.target.clone(),
        apply_by: e.apply_by.map(|d| d.to_string()),
        capacity: e.capacity,
        lecturers: e.lecturers.clone(),
        sessions: e
            .sessions
            .iter()
            .map(|s| SessionView {
                date: s.start.date().to_string(),
                start: hm(s.start),
                end: hm(s.end),
                end_date: s.end.date().to_string(),
                label: s.label.clone(),
                audience: s.audience.clone(),
                audience_label: crate::content::event::audience_label(&s.audience),
            })
            .collect(),
        first_date: e.first_date().map(|d| d.to_string()),
        last_date: e.last_date().map(|d| d.to_string()),
    });
    PageView {
        title: page.meta.title.clone(),
        date: page.meta.date.map(|d| d.to_string()),
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

/// What every template gets: `site`, `root`, `current` and `generated` (docs/design.md).
pub fn base_context(site: &super::Site, out_path: &str, current: &str, today: Date) -> Context {
    let mut ctx = Context::new();
    ctx.insert("site", &SiteView::new(&site.config));
    ctx.insert("root", &links::root_prefix(out_path));
    ctx.insert("current", current);
    ctx.insert("generated", &today.to_string());
    ctx
}
