//! The index as JavaScript files: each file assigns one JSON value to
//! `globalThis.TSUSHIN_SEARCH[<file name>]`, which is all a `<script>` tag can hand over from
//! `file://`. The files are few and compact, because in the browser each `<script>` costs
//! more than its bytes: postings are short strings (decoded only for the terms a query looks
//! up), shards and text files are sized in bytes, and `index-meta.js` lists the files worth
//! loading as soon as the reader focuses the search box (`preload`).

use serde_json::{Value, json};

use super::{DIR, Index, Posting};
use crate::japanese::search_text;

/// Bytes of postings a shard aims at. A query needs the shards of its terms' first characters,
/// so a small site has one shard and every query one file.
const SHARD_BYTES: usize = 192 * 1024;
/// Bytes of stored text a text file aims at, and the fewest documents it holds.
const TEXT_BYTES: usize = 128 * 1024;
const TEXT_MIN_DOCS: usize = 8;
/// The text files a site aims at when its texts are small: the header box then loads a few of
/// them, the search page all.
const TEXT_FILES: usize = 8;
/// Index files (shards first, then texts, newest first) up to this many bytes in all are
/// loaded when the reader focuses the search box, before the first keystroke.
const PRELOAD_BYTES: usize = 2 * 1024 * 1024;

/// The 64 digits of the posting strings (base64url: nothing to escape in JSON or JavaScript).
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The shard of a term: a hash of its first character, so that every term starting with a
/// character (the prefix a one-character query or a half-typed word looks for) is in one shard.
/// `search.js` computes the same (`Math.imul`).
pub fn shard_of(term: &str, shards: usize) -> usize {
    let cp = term.chars().next().map_or(0, |c| c as u32);
    (cp.wrapping_mul(0x9E37_79B1) as usize) % shards
}

/// Appends `v` as 5-bit groups, lowest first: a digit ≥ 32 means more follow.
fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 32 {
        out.push(DIGITS[32 + (v & 31) as usize]);
        v >>= 5;
    }
    out.push(DIGITS[v as usize]);
}

/// A posting list as a string: per document, (document − previous document) × 8 + where.
fn encode(list: &[(u32, u8)], out: &mut Vec<u8>) {
    let mut prev = 0u32;
    for &(doc, mask) in list {
        push_varint(out, u64::from(doc - prev) * 8 + u64::from(mask));
        prev = doc;
    }
}

/// The start of a file assigning a value to `TSUSHIN_SEARCH[name]`; `js_end` closes it.
fn js_start(name: &str, capacity: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(capacity + 80);
    out.extend_from_slice(b"(globalThis.TSUSHIN_SEARCH=globalThis.TSUSHIN_SEARCH||{})[\"");
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\"]=");
    out
}

fn js_end(mut out: Vec<u8>) -> Vec<u8> {
    out.extend_from_slice(b";\n");
    out
}

/// Output path → bytes of every index file.
pub fn files(index: &Index) -> Vec<(String, Vec<u8>)> {
    // Each posting list encoded once, into one buffer: (term, start, end).
    let mut codes = Vec::with_capacity(index.postings.len() * 8);
    let spans: Vec<(usize, usize)> = index
        .postings
        .iter()
        .map(|(_, list)| {
            let start = codes.len();
            encode(list, &mut codes);
            (start, codes.len())
        })
        .collect();
    let total: usize = index
        .postings
        .iter()
        .zip(&spans)
        .map(|((t, _), (a, b))| t.len() + b - a + 6)
        .sum();
    let shards = total
        .div_ceil(SHARD_BYTES)
        .max(1)
        .next_power_of_two()
        .min(256);
    let mut parts: Vec<Vec<(&Posting, &[u8])>> = vec![Vec::new(); shards];
    for (posting, &(a, b)) in index.postings.iter().zip(&spans) {
        parts[shard_of(&posting.0, shards)].push((posting, &codes[a..b]));
    }
    let mut out = Vec::with_capacity(shards + 16);
    // Terms stay sorted within each shard, so that builds are reproducible.
    for (i, part) in parts.iter().enumerate() {
        let name = format!("shard-{i:02x}");
        out.push((name.clone(), shard_js(&name, part)));
    }
    let chunk = text_chunk(index);
    for (i, docs) in index.docs.chunks(chunk).enumerate() {
        let texts: Vec<(&str, &str)> = docs.iter().map(|d| (&*d.meta, &*d.body)).collect();
        let name = format!("text-{i:02x}");
        let size = docs.iter().map(|d| d.meta.len() + d.body.len() + 16).sum();
        let mut file = js_start(&name, size);
        // Writing into a Vec cannot fail; tuples of strings always serialise.
        let _ = serde_json::to_writer(&mut file, &texts);
        out.push((name, js_end(file)));
    }
    let mut budget = PRELOAD_BYTES;
    let preload: Vec<&str> = out
        .iter()
        .take_while(|(_, bytes)| match budget.checked_sub(bytes.len()) {
            Some(left) => {
                budget = left;
                true
            }
            None => false,
        })
        .map(|(name, _)| name.as_str())
        .collect();
    let meta = meta_js(index, shards, chunk, &preload);
    let mut files = vec![(format!("{DIR}index-meta.js"), meta)];
    files.extend(
        out.into_iter()
            .map(|(name, bytes)| (format!("{DIR}{name}.js"), bytes)),
    );
    files
}

/// Documents per text file: about `TEXT_BYTES` of text, at least `TEXT_MIN_DOCS`, and no more
/// than it takes to fill `TEXT_FILES` files.
fn text_chunk(index: &Index) -> usize {
    let docs = index.docs.len().max(1);
    let bytes: usize = index.docs.iter().map(|d| d.meta.len() + d.body.len()).sum();
    let per_file = TEXT_BYTES / (bytes / docs).max(1);
    per_file.min(docs.div_ceil(TEXT_FILES)).max(TEXT_MIN_DOCS)
}

/// `index-meta.js`: the documents (url, title, kind, wareki date, status label and key,
/// order), the text rules, the shard count, documents per text file, the files to preload.
fn meta_js(index: &Index, shards: usize, chunk: usize, preload: &[&str]) -> Vec<u8> {
    let docs: Vec<Value> = index
        .docs
        .iter()
        .map(|d| {
            json!([
                d.url,
                d.title,
                d.kind,
                d.date,
                d.status_label,
                d.status,
                d.order
            ])
        })
        .collect();
    let rules: Value = serde_json::from_str(&search_text::rules_js()).unwrap_or(Value::Null);
    let meta = json!({
        "v": 2,
        "rules": rules,
        "shards": shards,
        "chunk": chunk,
        "preload": preload,
        "docs": docs,
    })
    .to_string();
    let mut out = js_start("index-meta", meta.len());
    out.extend_from_slice(meta.as_bytes());
    js_end(out)
}

/// One shard: `{"term":"postings",…}` (see `encode`). Terms are kanji/kana or letters and
/// digits only, so they need no escaping.
fn shard_js(name: &str, part: &[(&Posting, &[u8])]) -> Vec<u8> {
    let size = part.iter().map(|((t, _), c)| t.len() + c.len() + 6).sum();
    let mut file = js_start(name, size);
    file.push(b'{');
    for (n, ((term, _), code)) in part.iter().enumerate() {
        if n > 0 {
            file.push(b',');
        }
        debug_assert!(!term.contains(['"', '\\']));
        file.push(b'"');
        file.extend_from_slice(term.as_bytes());
        file.extend_from_slice(b"\":\"");
        file.extend_from_slice(code);
        file.push(b'"');
    }
    file.push(b'}');
    js_end(file)
}
