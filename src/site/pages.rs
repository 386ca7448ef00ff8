//! Rendering: every content page, the listing pages, tag pages and the feed.

use std::collections::BTreeMap;

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use super::Site;
use super::context::{PageView, SiteView, page_view};
use super::links;
use super::targets::PageLinks;
use crate::content::event::Status;
use crate::content::{Page, Section};
use crate::diag::{Diagnostic, Diagnostics};
use crate::html::{BodyOptions, render_body};
use crate::japanese;

type Files = BTreeMap<String, Vec<u8>>;

/// The listing pages of the site: (output path, template, navigation entry). A kind's listing
/// is written when the kind says so (`Listing::always`) or the site has a page of it.
pub(super) fn listings(pages: &[&Page]) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut out = vec![("index.html", "index.html", "home")];
    for section in Section::ALL {
        if let Some(l) = &section.spec().listing
            && (l.always || pages.iter().any(|p| p.section == section))
        {
            out.push((l.out, l.template, l.current));
        }
    }
    out.push(("tags/index.html", "tags.html", "tags"));
    out
}

pub(super) fn base_context(site: &Site, out_path: &str, current: &str, today: Date) -> Context {
    let mut ctx = Context::new();
    ctx.insert("site", &SiteView::new(&site.config));
    // Navigation to the kinds that are not on every site.
    ctx.insert(
        "has_handouts",
        &site.pages.iter().any(|p| p.section == Section::Handout),
    );
    ctx.insert("root", &links::root_prefix(out_path));
    ctx.insert("current", current);
    ctx.insert("generated", &today.to_string());
    ctx
}

pub fn render(site: &Site, today: Date, diags: &mut Diagnostics) -> Option<Files> {
    let pages: Vec<&Page> = site.pages.iter().collect();
    let tags = tag_index(&pages);
    let no_links = PageLinks::default();

    let progress = crate::progress::phase("pages", pages.len());
    // The search index is built beside the pages and the listings (it needs only the parsed
    // pages), so that it runs on a core the serial listings leave idle.
    let (mut files, search_files) = rayon::join(
        || {
            let rendered: Vec<(String, Result<String, Diagnostic>)> = pages
                .par_iter()
                .map(|page| {
                    progress.inc();
                    // The link problems were reported when the site was loaded.
                    let links = site.links.get(&page.rel).unwrap_or(&no_links);
                    (page.out_path.clone(), render_page(site, page, links, today))
                })
                .collect();
            pages_and_listings(site, today, &pages, &tags, rendered, diags)
        },
        || super::search::files(site, today),
    );
    for (path, result) in search_files {
        match result {
            Ok(bytes) => {
                files.insert(path, bytes);
            }
            Err(e) => diags.push(e),
        }
    }
    Some(files)
}

/// The rendered pages, then the listings, tag pages, feed and calendar files.
fn pages_and_listings(
    site: &Site,
    today: Date,
    pages: &[&Page],
    tags: &BTreeMap<String, Vec<&Page>>,
    rendered: Vec<(String, Result<String, Diagnostic>)>,
    diags: &mut Diagnostics,
) -> Files {
    let mut files = Files::new();
    for (path, result) in rendered {
        match result {
            Ok(html) => {
                files.insert(path, html.into_bytes());
            }
            Err(e) => diags.push(e),
        }
    }
    for (out, template, current) in listings(pages) {
        let mut ctx = base_context(site, out, current, today);
        listing_context(&mut ctx, pages, out, today, tags, site);
        emit(site, template, &ctx, out, &mut files, diags);
    }
    for (tag, tagged) in tags {
        let out = site.tag_files[tag].clone();
        let mut ctx = base_context(site, &out, "tags", today);
        let views: Vec<PageView> = tagged.iter().map(|p| page_view(p, &out, site)).collect();
        ctx.insert(
            "tag",
            &TagView {
                name: tag.clone(),
                pages: views,
            },
        );
        emit(site, "tag.html", &ctx, &out, &mut files, diags);
    }
    files.insert(
        "feed.xml".into(),
        super::feed::render(&site.config, pages, today).into_bytes(),
    );
    for page in pages {
        if let (Some(path), Some(bytes)) = (
            site.ics_paths.get(&page.rel),
            super::ics::render(site, page),
        ) {
            files.insert(path.clone(), bytes);
        }
    }
    files
}

fn emit(
    site: &Site,
    template: &str,
    ctx: &Context,
    out: &str,
    files: &mut Files,
    diags: &mut Diagnostics,
) {
    match site.theme.render(template, ctx) {
        Ok(html) => {
            files.insert(out.to_owned(), html.into_bytes());
        }
        Err(e) => diags.push(e),
    }
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
pub(super) struct TagView {
    pub(super) name: String,
    pub(super) pages: Vec<PageView>,
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
