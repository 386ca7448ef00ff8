//! The Atom feed of newsletter issues and training announcements.

use atom_syndication::{Entry, Feed, Link, Text};

use crate::config::Config;
use crate::content::{Page, Section};

const MAX_ENTRIES: usize = 30;

fn date_time(d: jiff::civil::Date) -> atom_syndication::FixedDateTime {
    // Dates are Japanese local dates: midnight in Japan time.
    let s = format!("{d}T00:00:00+09:00");
    atom_syndication::FixedDateTime::parse_from_rfc3339(&s).unwrap_or_else(|_| {
        atom_syndication::FixedDateTime::parse_from_rfc3339("1970-01-01T00:00:00+09:00")
            .expect("valid constant")
    })
}

/// Absolute when the site has a `base_url`, else relative to the feed (which sits at the root).
fn url(config: &Config, path: &str) -> String {
    let path = super::links::encode_path(path);
    match &config.base_url {
        Some(base) => format!("{base}{path}"),
        None => path,
    }
}

pub fn render(config: &Config, pages: &[&Page], today: jiff::civil::Date) -> String {
    let mut items: Vec<&&Page> = pages
        .iter()
        .filter(|p| match p.section {
            Section::Newsletter | Section::Event | Section::Handout => true,
            Section::Plain => false,
        })
        .collect();
    items.sort_by_key(|p| std::cmp::Reverse((p.meta.date, p.out_path.clone())));
    let entries: Vec<Entry> = items
        .iter()
        .take(MAX_ENTRIES)
        .map(|p| {
            let href = url(config, &p.out_path);
            let mut e = Entry::default();
            e.set_title(Text::plain(p.meta.title.clone()));
            e.set_id(match &config.base_url {
                Some(_) => href.clone(),
                None => format!("urn:tsushin:{}", p.out_path),
            });
            let mut link = Link::default();
            link.set_href(href);
            link.set_rel("alternate");
            e.set_links(vec![link]);
            e.set_updated(date_time(
                p.meta
                    .date
                    .or_else(|| p.event().and_then(|e| e.first_date()))
                    .unwrap_or(today),
            ));
            if let Some(s) = &p.meta.summary {
                e.set_summary(Some(Text::plain(s.clone())));
            }
            e
        })
        .collect();
    let mut feed = Feed::default();
    feed.set_title(Text::plain(config.title.clone()));
    feed.set_id(
        config
            .base_url
            .clone()
            .unwrap_or_else(|| "urn:tsushin:site".into()),
    );
    feed.set_lang(Some(config.language.clone()));
    let updated = items.first().and_then(|p| p.meta.date).unwrap_or(today);
    feed.set_updated(date_time(updated));
    let mut self_link = Link::default();
    self_link.set_href(url(config, "feed.xml"));
    self_link.set_rel("self");
    let mut home = Link::default();
    home.set_href(url(config, "index.html"));
    feed.set_links(vec![self_link, home]);
    feed.set_entries(entries);
    feed.to_string()
}
