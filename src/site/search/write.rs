//! The index as JavaScript files: each file assigns one JSON value to
//! `globalThis.TSUSHIN_SEARCH[<file name>]`, which is all a `<script>` tag can hand over from
//! `file://`.

use serde_json::{Value, json};

use super::{DIR, Index};
use crate::japanese::search_text;

/// Documents whose stored texts share one `text-XX.js` file.
pub const TEXT_CHUNK: usize = 8;
/// Postings per shard the shard count aims at (a shard of about 50 KB): every file costs
/// the build a file creation, so not too many.
const POSTINGS_PER_SHARD: usize = 12000;

/// The shard of a term: a hash of its first character, so that every term starting with a
/// character (the prefix a one-character query or a half-typed word looks for) is in one shard.
/// `search.js` computes the same (`Math.imul`).
pub fn shard_of(term: &str, shards: usize) -> usize {
    let cp = term.chars().next().map_or(0, |c| c as u32);
    (cp.wrapping_mul(0x9E37_79B1) as usize) % shards
}

fn shard_count(postings: usize) -> usize {
    (postings / POSTINGS_PER_SHARD + 1)
        .next_power_of_two()
        .min(256)
}

/// The start of a file assigning a value to `TSUSHIN_SEARCH[name]`; `end` closes it.
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

fn js(name: &str, json: &str) -> Vec<u8> {
    let mut out = js_start(name, json.len());
    out.extend_from_slice(json.as_bytes());
    js_end(out)
}

/// Output path → bytes of every index file.
pub fn files(index: &Index) -> Vec<(String, Vec<u8>)> {
    let total: usize = index.postings.iter().map(|(_, l)| l.len()).sum();
    let shards = shard_count(total);
    let mut out = Vec::new();
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
        "v": 1,
        "rules": rules,
        "shards": shards,
        "chunk": TEXT_CHUNK,
        "docs": docs,
    });
    out.push((
        format!("{DIR}index-meta.js"),
        js("index-meta", &meta.to_string()),
    ));

    // Terms stay sorted within each shard, so that builds are reproducible.
    let mut parts: Vec<Vec<&super::Posting>> = vec![Vec::new(); shards];
    for posting in &index.postings {
        parts[shard_of(&posting.0, shards)].push(posting);
    }
    for (i, part) in parts.into_iter().enumerate() {
        let name = format!("shard-{i:02x}");
        out.push((format!("{DIR}{name}.js"), shard_js(&name, &part)));
    }
    for (i, chunk) in index.docs.chunks(TEXT_CHUNK).enumerate() {
        let texts: Vec<(&str, &str)> = chunk.iter().map(|d| (&*d.meta, &*d.body)).collect();
        let name = format!("text-{i:02x}");
        let size = chunk.iter().map(|d| d.meta.len() + d.body.len() + 16).sum();
        let mut file = js_start(&name, size);
        // Writing into a Vec cannot fail; tuples of strings always serialise.
        let _ = serde_json::to_writer(&mut file, &texts);
        out.push((format!("{DIR}{name}.js"), js_end(file)));
    }
    out
}

/// One shard: `{"term":[postings…],…}`. Terms are kanji/kana or letters and digits only, so
/// they need no escaping; postings are delta-coded, (document − previous document) × 8 + where.
fn shard_js(name: &str, part: &[&super::Posting]) -> Vec<u8> {
    use std::io::Write;
    let mut file = js_start(name, part.len() * 24);
    file.push(b'{');
    for (n, (term, list)) in part.iter().enumerate() {
        if n > 0 {
            file.push(b',');
        }
        debug_assert!(!term.contains(['"', '\\']));
        file.push(b'"');
        file.extend_from_slice(term.as_bytes());
        file.extend_from_slice(b"\":[");
        let mut prev = 0u32;
        for (k, &(doc, mask)) in list.iter().enumerate() {
            if k > 0 {
                file.push(b',');
            }
            let _ = write!(file, "{}", u64::from(doc - prev) * 8 + u64::from(mask));
            prev = doc;
        }
        file.push(b']');
    }
    file.push(b'}');
    js_end(file)
}
