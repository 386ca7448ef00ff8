//! The site search: an index written as plain JavaScript files that `<script>` tags load, so
//! that searching works from a file share (`file://`) as well as from a web server, with
//! nothing fetched from outside. `search/index-meta.js` holds the documents (title, kind,
//! wareki date, status), the text rules and the files to preload; `search/shard-XX.js` the
//! postings of the terms whose first character hashes to XX (one shard for a small site);
//! `search/text-XX.js` the stored texts used to confirm a phrase and cut a snippet. The
//! browser loads them only when the reader starts searching (`themes/default/static/search.js`;
//! sizes and encoding in `write`). The text rules live in `japanese::search_text`.

mod text;
mod write;

use jiff::civil::Date;
use rayon::prelude::*;

use super::loaded::Site;
use crate::content::Page;
use crate::diag::Diagnostic;
use crate::japanese::{self, search_text};

/// Where a term was found in a document: bits of the posting.
pub const IN_TITLE: u8 = 1;
pub const IN_META: u8 = 2;
pub const IN_BODY: u8 = 4;

/// The search page, written at the output root.
pub const PAGE: &str = super::names::SEARCH_PAGE;
/// The folder of the index files.
pub const DIR: &str = "search/";

/// One searchable page.
pub struct Doc {
    /// Output path relative to the site root.
    pub url: String,
    pub title: String,
    /// 通信, 研修会 or ページ.
    pub kind: &'static str,
    /// The date in the site's wareki style, or "" when the page has none.
    pub date: String,
    /// A training's status label and key (for the badge), else "".
    pub status_label: &'static str,
    pub status: &'static str,
    /// The date as YYYYMMDD for ordering, newest first; 0 when none.
    pub order: i64,
    pub meta: String,
    pub body: String,
}

/// A term and the documents holding it: (document number, where), in ascending order.
pub type Posting = (String, Vec<(u32, u8)>);

/// The whole index in memory.
pub struct Index {
    pub docs: Vec<Doc>,
    /// Sorted by term.
    pub postings: Vec<Posting>,
}

/// The search page and index files of the site, or nothing when `search: false`.
pub fn files(site: &Site, today: Date) -> Vec<(String, Result<Vec<u8>, Diagnostic>)> {
    if !site.config.search {
        return Vec::new();
    }
    let mut out = Vec::new();
    let ctx = super::context::base_context(site, PAGE, "search", today);
    out.push((
        PAGE.to_owned(),
        site.theme.render(PAGE, &ctx).map(String::into_bytes),
    ));
    let index = build_index(site);
    out.extend(
        write::files(&index)
            .into_iter()
            .map(|(path, bytes)| (path, Ok(bytes))),
    );
    out
}

/// The distinct terms of one document with where they occur: kanji/kana terms as
/// `search_text::cjk_key` integers, words as text; both sorted.
struct DocTerms {
    cjk: Vec<(u64, u8)>,
    words: Vec<(String, u8)>,
}

/// Indexes every published page except drafts (even when `--drafts` renders them).
pub fn build_index(site: &Site) -> Index {
    let pages: Vec<&Page> = site.pages.iter().filter(|p| !p.meta.draft).collect();
    let progress = crate::progress::phase("search index", pages.len());
    let mut docs_terms: Vec<(Doc, DocTerms)> = pages
        .par_iter()
        .map(|p| {
            let doc = doc(site, p);
            let terms = doc_terms(&doc);
            progress.inc();
            (doc, terms)
        })
        .collect();
    // Newest first, so that the first results (newer before older) share text files.
    docs_terms.sort_by(|(a, _), (b, _)| b.order.cmp(&a.order).then_with(|| a.url.cmp(&b.url)));
    let mut docs = Vec::with_capacity(docs_terms.len());
    let mut cjk: Vec<(u64, u32, u8)> = Vec::new();
    let mut words: Vec<(String, u32, u8)> = Vec::new();
    for (i, (doc, terms)) in docs_terms.into_iter().enumerate() {
        docs.push(doc);
        cjk.extend(terms.cjk.into_iter().map(|(k, m)| (k, i as u32, m)));
        words.extend(terms.words.into_iter().map(|(t, m)| (t, i as u32, m)));
    }
    // Sorted by term, then document: the postings come out grouped and in order.
    cjk.par_sort_unstable();
    words.par_sort_unstable();
    let mut postings = group(cjk.into_iter(), search_text::cjk_term);
    postings.extend(group(words.into_iter(), |t| t));
    postings.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Index { docs, postings }
}

/// Postings from (term, document, where) sorted by term then document.
fn group<K: PartialEq>(
    sorted: impl Iterator<Item = (K, u32, u8)>,
    name: impl Fn(K) -> String,
) -> Vec<Posting> {
    let mut out: Vec<(K, Vec<(u32, u8)>)> = Vec::new();
    for (term, doc, mask) in sorted {
        match out.last_mut() {
            Some((t, list)) if *t == term => list.push((doc, mask)),
            _ => out.push((term, vec![(doc, mask)])),
        }
    }
    out.into_iter().map(|(k, list)| (name(k), list)).collect()
}

/// The distinct terms of a document with where they occur (sorted, without hashing).
fn doc_terms(doc: &Doc) -> DocTerms {
    let texts = [
        (search_text::normalize(&doc.title), IN_TITLE),
        (search_text::normalize(&doc.meta), IN_META),
        (search_text::normalize(&doc.body), IN_BODY),
    ];
    // Kanji/kana terms packed with their bit (a key uses at most 50 bits): one sort of plain
    // integers instead of pairs.
    let mut cjk: Vec<u64> = Vec::with_capacity(doc.body.len() / 3 + 64);
    let mut words: Vec<(&str, u8)> = Vec::new();
    for (text, bit) in &texts {
        search_text::for_each_term(text, |t| match search_text::cjk_key(t) {
            Some(k) => cjk.push((k << 3) | u64::from(*bit)),
            None => words.push((t, *bit)),
        });
    }
    cjk.sort_unstable();
    let mut merged: Vec<(u64, u8)> = Vec::with_capacity(cjk.len() / 4);
    for packed in cjk {
        let (key, bit) = (packed >> 3, (packed & 7) as u8);
        match merged.last_mut() {
            Some((last, mask)) if *last == key => *mask |= bit,
            _ => merged.push((key, bit)),
        }
    }
    DocTerms {
        cjk: merged,
        words: merge_masks(words)
            .into_iter()
            .map(|(t, m)| (t.to_owned(), m))
            .collect(),
    }
}

/// Sorts (term, where) pairs and merges the repeats of a term into one with every bit.
fn merge_masks<T: Ord + Copy>(mut found: Vec<(T, u8)>) -> Vec<(T, u8)> {
    found.sort_unstable();
    let mut out: Vec<(T, u8)> = Vec::with_capacity(found.len() / 2);
    for (t, bit) in found {
        match out.last_mut() {
            Some((last, mask)) if *last == t => *mask |= bit,
            _ => out.push((t, bit)),
        }
    }
    out
}

fn doc(site: &Site, p: &Page) -> Doc {
    let style = site.config.date_style;
    let kind = p.section.spec().label;
    let (date, status_label, status) = match &p.meta.kind {
        crate::content::Kind::Event(e) => (
            e.first_date().or(p.meta.date),
            e.status.label(),
            e.status.key(),
        ),
        crate::content::Kind::Newsletter(_)
        | crate::content::Kind::Handout(_)
        | crate::content::Kind::Plain => (p.meta.date, "", ""),
    };
    let date = date.and_then(|d| japanese::check_era(d).ok());
    Doc {
        url: p.out_path.clone(),
        title: p.meta.title.clone(),
        kind,
        date: date
            .map(|d| japanese::wareki_date(d, style, false))
            .unwrap_or_default(),
        status_label,
        status,
        order: date.map_or(0, |d| {
            i64::from(d.year()) * 10000 + i64::from(d.month()) * 100 + i64::from(d.day())
        }),
        meta: text::meta(p),
        body: text::body(p),
    }
}
