//! What the site search does to answer fast, on sites built by the real binary: a small
//! index is one shard of compact posting strings (decoded here and checked against the pages
//! that hold each term), `index-meta.js` lists the files to load when the reader focuses the
//! box and Chromium loads them before the first keystroke, and the search page shows a long
//! result list twenty at a time. The timings themselves are measured by bench/search.sh.
//! The browser part needs `npm ci` and /usr/bin/chromium, like tests/search_browser.rs.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;
use serde_json::Value;

/// 45 issues: every one has 連絡会 in its title; every third has 西成区 in its body, every
/// fifth 西成区 in its summary; the others 東成区.
fn site() -> Fixture {
    let mut files: Vec<(String, String)> = Vec::new();
    for n in 1..=45u32 {
        let year = 2015 + (n - 1) / 4;
        let month = [6, 9, 12, 11][(n as usize - 1) % 4];
        let summary = match n % 5 {
            0 => "summary: 西成区の報告。\n",
            _ => "",
        };
        let body = match n % 3 {
            0 => "西成区の家族の集いを開きました。",
            _ => "東成区の家族の集いを開きました。",
        };
        files.push((
            format!("content/newsletters/{year}-{month:02}-vol{n:02}.md"),
            format!(
                "---\ntitle: 連絡会通信 第{n}号\ndate: {year}-{month:02}-20\nnumber: {n}\n{summary}---\n\n{body}\n"
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    Fixture::new(&refs)
}

fn built() -> Fixture {
    let f = site();
    let o = f.run("2026-11-23", &["--no-pdf"]);
    assert!(o.status.success(), "build failed: {}", stderr(&o));
    f
}

/// The JSON value a `search/*.js` file assigns.
fn index_file(out: &Path, name: &str) -> Value {
    let path = out.join("search").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let start = text.find("]=").expect("assignment") + 2;
    serde_json::from_str(text[start..].trim_end().trim_end_matches(';')).expect("JSON")
}

/// A posting string as document number → where bits: base64url digits, 5 bits each lowest
/// first, a digit ≥ 32 saying more follow; per document (document − previous) × 8 + where.
fn decode(code: &str) -> BTreeMap<u64, u64> {
    const DIGITS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = BTreeMap::new();
    let (mut doc, mut v, mut shift) = (0u64, 0u64, 0u32);
    for c in code.chars() {
        let d = DIGITS
            .find(c)
            .unwrap_or_else(|| panic!("{c:?} is no digit")) as u64;
        v |= (d & 31) << shift;
        if d >= 32 {
            shift += 5;
            continue;
        }
        doc += v / 8;
        out.insert(doc, v % 8);
        (v, shift) = (0, 0);
    }
    out
}

#[test]
fn a_small_index_is_one_shard_of_compact_postings() {
    let f = built();
    let meta = index_file(&f.out(), "index-meta.js");
    assert_eq!(meta["shards"], 1, "a small site has one shard");
    let docs: Vec<u32> = meta["docs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let url = d[0].as_str().unwrap();
            url[url.len() - 7..url.len() - 5].parse().unwrap()
        })
        .collect();
    assert_eq!(docs.len(), 45);
    let shard = index_file(&f.out(), "shard-00.js");
    let postings = |term: &str| {
        decode(
            shard[term]
                .as_str()
                .unwrap_or_else(|| panic!("{term}: a string")),
        )
        .into_iter()
        .map(|(d, mask)| (docs[d as usize], mask))
        .collect::<BTreeMap<u32, u64>>()
    };
    // 西成: in the body (4) of every third issue, in the summary (2) of every fifth.
    let want: BTreeMap<u32, u64> = (1..=45)
        .map(|n| (n, (u64::from(n % 3 == 0) * 4) | (u64::from(n % 5 == 0) * 2)))
        .filter(|&(_, mask)| mask != 0)
        .collect();
    assert_eq!(postings("西成"), want);
    // 連絡: in every title (1).
    assert_eq!(postings("連絡"), (1..=45).map(|n| (n, 1)).collect());
    // Numbers are words: 第12号 gives the word 12, in one title.
    assert_eq!(postings("12"), BTreeMap::from([(12, 1)]));
}

#[test]
fn the_small_index_is_listed_for_preloading_and_focus_loads_it() {
    prerequisites();
    let f = built();
    let meta = index_file(&f.out(), "index-meta.js");
    let chunk = meta["chunk"].as_u64().unwrap();
    let texts = 45u64.div_ceil(chunk);
    let mut files = vec!["shard-00".to_owned()];
    files.extend((0..texts).map(|i| format!("text-{i:02x}")));
    assert_eq!(meta["preload"], serde_json::json!(files), "{meta}");

    let base = format!("file://{}/", f.out().display());
    let stdout = browser::run_script(
        "search speed check",
        "search_speed.mjs",
        &[base.as_str(), "連絡会"],
        "",
    );
    let r: Value = serde_json::from_str(&stdout).expect("JSON answer");
    assert_eq!(r["errors"], serde_json::json!([]), "{r}");
    assert_eq!(
        r["before"],
        serde_json::json!([]),
        "nothing before the focus: {r}"
    );
    // The focus alone (no keystroke) loads index-meta and every file it lists.
    let mut all = files.clone();
    all.push("index-meta".to_owned());
    all.sort();
    assert_eq!(r["focused"], serde_json::json!(all), "{r}");

    // The search page: the exact count, 20 results, a button for the next 20.
    let page = &r["page"];
    assert!(page["status"].as_str().unwrap().contains("45件"), "{r}");
    assert!(!page["status"].as_str().unwrap().contains('約'), "{r}");
    assert_eq!(page["shown"], 20, "{r}");
    assert_eq!(page["button"], "さらに表示（残り25件）", "{r}");
    let after = &page["after"];
    assert_eq!(after["shown"], 40, "{r}");
    assert_eq!(
        after["focusedNext"], true,
        "the focus moves to the first new result: {r}"
    );
    assert_eq!(after["button"], "さらに表示（残り5件）", "{r}");
}

/// Node and Chromium, as tests/search_browser.rs needs them.
fn prerequisites() {
    browser::require("search speed check", &["playwright-core/package.json"]);
}
