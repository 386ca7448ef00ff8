//! The index as JavaScript files: each file assigns one JSON value to
//! `globalThis.TSUSHIN_SEARCH[<file name>]`, which is all a `<script>` tag can hand over from
//! `file://`.

use serde_json::{Value, json};

use super::{DIR, Index};
use crate::japanese::search_text;

/// Documents whose stored texts share one `text-XX.js` file.
pub const TEXT_CHUNK: usize = 16;
/// Postings per shard the shard count aims at (a shard of about 30 KB).
const POSTINGS_PER_SHARD: usize = 6000;

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

fn js(name: &str, value: &Value) -> Vec<u8> {
    format!("(globalThis.TSUSHIN_SEARCH=globalThis.TSUSHIN_SEARCH||{{}})[\"{name}\"]={value};\n")
        .into_bytes()
}

/// Output path → bytes of every index file.
pub fn files(index: &Index) -> Vec<(String, Vec<u8>)> {
    let total: usize = index.postings.values().map(Vec::len).sum();
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
    out.push((format!("{DIR}index-meta.js"), js("index-meta", &meta)));

    let mut parts: Vec<serde_json::Map<String, Value>> = vec![Default::default(); shards];
    for (term, list) in &index.postings {
        // Delta-coded: (document − previous document) × 8 + where.
        let mut prev = 0u32;
        let coded: Vec<Value> = list
            .iter()
            .map(|&(doc, mask)| {
                let v = u64::from(doc - prev) * 8 + u64::from(mask);
                prev = doc;
                Value::from(v)
            })
            .collect();
        parts[shard_of(term, shards)].insert(term.clone(), Value::Array(coded));
    }
    for (i, part) in parts.into_iter().enumerate() {
        let name = format!("shard-{i:02x}");
        out.push((format!("{DIR}{name}.js"), js(&name, &Value::Object(part))));
    }
    for (i, chunk) in index.docs.chunks(TEXT_CHUNK).enumerate() {
        let texts: Vec<Value> = chunk.iter().map(|d| json!([d.meta, d.body])).collect();
        let name = format!("text-{i:02x}");
        out.push((format!("{DIR}{name}.js"), js(&name, &Value::Array(texts))));
    }
    out
}
