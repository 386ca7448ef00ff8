//! The HTML jobs of the build plan (`plan.rs`): a content page, a listing page, a tag page.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;
use tera::Context;

use super::context::{PageView, base_context, page_view};
use super::links;
use super::loaded::Site;
use super::targets::PageLinks;
use crate::content::event::Status;
use crate::content::{Page, Section};
use crate::diag::Diagnostic;
use crate::html::{BodyOptions, render_body};
use crate::japanese;

/// A listing page: output path, template and navigation entry. Where a document kind meets
/// the build plan: `plan.rs` makes one job per listing, and the kinds say which listings exist
/// (`content::kinds`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing {
    pub out: &'static str,
    pub template: &'static str,
    pub current: &'static str,
}

/// The listing pages of the site: the home page, each kind's listing when the kind says so
/// (`Listing::always`) or the site has a page of it, and the tag list.
pub fn listings(pages: &[&Page]) -> Vec<Listing> {
    let mut out = vec![Listing {
        out: "index.html",
        template: "index.html",
        current: "home",
    }];
    for section in Section::ALL {
        if let Some(l) = &section.spec().listing
            && (l.always || pages.iter().any(|p| p.section == section))
        {
            out.push(Listing {
                out: l.out,
                template: l.template,
                current: l.current,
            });
        }
    }
    out.push(Listing {
        out: "tags/index.html",
        template: "tags.html",
        current: "tags",
    });
    out
}

/// A listing page (`listings`) of the whole site.
pub(super) fn render_listing(
    site: &Site,
    listing: &Listing,
    pages: &[&Page],
    tags: &BTreeMap<String, Vec<&Page>>,
    today: Date,
) -> Result<String, Diagnostic> {
    let mut ctx = base_context(site, listing.out, listing.current, today);
    listing_context(&mut ctx, pages, listing.out, today, tags, site);
    site.theme.render(listing.template, &ctx)
}

/// The page of one tag, listing `tagged`; written to `site.tag_files[tag]`.
pub(super) fn render_tag(
    site: &Site,
    tag: &str,
    tagged: &[&Page],
    today: Date,
) -> Result<String, Diagnostic> {
    let out = &site.tag_files[tag];
    let mut ctx = base_context(site, out, "tags", today);
    let views: Vec<PageView> = tagged.iter().map(|p| page_view(p, out, site)).collect();
    ctx.insert(
        "tag",
        &TagView {
            name: tag.to_owned(),
            pages: views,
        },
    );
    site.theme.render("tag.html", &ctx)
}

pub(super) fn render_page(
    site: &Site,
    page: &Page,
    links: &PageLinks,
    today: Date,
) -> Result<String, Diagnostic> {
    let resolve = |url: &str, kind| links.href(&page.out_path, url, kind);
    // The page title is the h1: the body's top heading level becomes h2, whatever the author used.
    let (toc, heading_shift) = super::context::toc(page);
    let opts = BodyOptions {
        allow_raw_html: site.config.allow_raw_html,
        resolve: &resolve,
        survey_colors: &site.theme.survey_colors,
        heading_shift,
    };
    let mut view = page_view(page, &page.out_path, site);
    view.content = Some(render_body(&page.doc, &opts));
    view.toc = Some(toc);
    let spec = page.section.spec();
    let (template, current) = (spec.template, spec.current);
    let mut ctx = base_context(site, &page.out_path, current, today);
    ctx.insert("page", &view);
    site.theme.render(template, &ctx).map_err(|mut e| {
        e.message = format!("{} (while rendering {})", e.message, page.display.display());
        e
    })
}

#[derive(Serialize)]
struct TagView {
    name: String,
    pages: Vec<PageView>,
}

#[derive(Serialize)]
struct TagCount {
    name: String,
    url: String,
    count: usize,
}

#[derive(Serialize)]
struct YearGroup {
    label: String,
    year: i16,
    pages: Vec<PageView>,
    /// Link to the year's bound volume (合本) PDF, when PDFs are made.
    volume: Option<String>,
}

#[derive(Serialize)]
struct StatusGroup {
    status: &'static str,
    status_label: &'static str,
    pages: Vec<PageView>,
}

/// Tag → pages, newest first.
pub(super) fn tag_index<'a>(pages: &[&'a Page]) -> BTreeMap<String, Vec<&'a Page>> {
    let mut tags: BTreeMap<String, Vec<&Page>> = BTreeMap::new();
    for p in pages {
        for t in &p.meta.tags {
            tags.entry(t.clone()).or_default().push(p);
        }
    }
    for list in tags.values_mut() {
        list.sort_by_key(|p| std::cmp::Reverse((sort_date(p), p.out_path.clone())));
        list.dedup_by_key(|p| p.out_path.clone());
    }
    tags
}

/// The date a page is listed under: publication date, else its first session.
fn sort_date(p: &Page) -> Option<Date> {
    match &p.meta.kind {
        crate::content::Kind::Event(e) => e.first_date().or(p.meta.date),
        crate::content::Kind::Newsletter(_)
        | crate::content::Kind::Handout(_)
        | crate::content::Kind::Plain => p.meta.date,
    }
}

pub(super) fn listing_context(
    ctx: &mut Context,
    pages: &[&Page],
    out: &str,
    today: Date,
    tags: &BTreeMap<String, Vec<&Page>>,
    site: &Site,
) {
    let view = |p: &Page| page_view(p, out, site);
    let mut newsletters: Vec<&Page> = pages
        .iter()
        .copied()
        .filter(|p| p.newsletter().is_some())
        .collect();
    newsletters.sort_by_key(|p| std::cmp::Reverse(p.newsletter().map(|n| n.number)));
    let mut events: Vec<&Page> = pages
        .iter()
        .copied()
        .filter(|p| p.event().is_some())
        .collect();
    events.sort_by_key(|p| (sort_date(p), p.out_path.clone()));

    ctx.insert("latest", &newsletters.first().map(|p| view(p)));
    let upcoming: Vec<PageView> = events
        .iter()
        .filter(|p| p.event().is_some_and(|e| e.is_upcoming(today)))
        .map(|p| view(p))
        .collect();
    ctx.insert("upcoming", &upcoming);
    let recent: Vec<PageView> = events
        .iter()
        .rev()
        .filter(|p| p.event().is_some_and(|e| !e.is_upcoming(today)))
        .take(5)
        .map(|p| view(p))
        .collect();
    ctx.insert("recent", &recent);
    let plain: Vec<PageView> = pages
        .iter()
        .filter(|p| p.is_plain())
        .map(|p| view(p))
        .collect();
    ctx.insert("pages", &plain);
    ctx.insert(
        "newsletters",
        &newsletters.iter().map(|p| view(p)).collect::<Vec<_>>(),
    );
    // Meeting handouts, newest meeting first, then by 資料番号.
    let mut handouts: Vec<&Page> = pages
        .iter()
        .copied()
        .filter(|p| p.handout().is_some())
        .collect();
    handouts.sort_by_key(|p| {
        (
            std::cmp::Reverse(p.meta.date),
            p.handout().map(|h| h.number),
            p.out_path.clone(),
        )
    });
    ctx.insert(
        "handouts",
        &handouts.iter().map(|p| view(p)).collect::<Vec<_>>(),
    );

    let mut years: Vec<YearGroup> = Vec::new();
    for p in &newsletters {
        let Some(date) = p.meta.date else { continue };
        let fy = japanese::fiscal_year_start(date);
        match years.iter_mut().find(|y| y.year == fy) {
            Some(y) => y.pages.push(view(p)),
            None => years.push(YearGroup {
                label: japanese::fiscal_year_label(fy, site.config.date_style),
                year: fy,
                pages: vec![view(p)],
                volume: super::volumes::href(site, out, fy),
            }),
        }
    }
    years.sort_by_key(|y| std::cmp::Reverse(y.year));
    ctx.insert("years", &years);

    let groups: Vec<StatusGroup> = Status::ALL
        .iter()
        .filter_map(|st| {
            let mut list: Vec<&Page> = events
                .iter()
                .copied()
                .filter(|p| p.event().is_some_and(|e| e.status == *st))
                .collect();
            if list.is_empty() {
                return None;
            }
            // Past trainings read newest first; coming ones soonest first.
            if matches!(st, Status::Held | Status::Cancelled) {
                list.reverse();
            }
            Some(StatusGroup {
                status: st.key(),
                status_label: st.label(),
                pages: list.iter().map(|p| view(p)).collect(),
            })
        })
        .collect();
    ctx.insert("groups", &groups);

    let tag_counts: Vec<TagCount> = tags
        .iter()
        .map(|(name, list)| TagCount {
            name: name.clone(),
            url: links::href(out, &site.tag_files[name]),
            count: list.len(),
        })
        .collect();
    ctx.insert("tags", &tag_counts);
}
