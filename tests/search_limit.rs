//! The query side of the site search on a site with many matching pages: the header box
//! (which shows the first results only) confirms the phrase and loads the stored texts for
//! those results only, counts the rest from the index, and still shows exactly the first
//! results the full search (the search page) ranks first. Runs `static/search.js` in node
//! (tests/browser/search_limit.mjs) on the files the binary wrote. Needs node on PATH.

mod common;

use std::process::Command;

use common::*;
use serde_json::Value;

/// The header box's `data-limit`.
const LIMIT: usize = 8;

/// 40 issues, newest last: the oldest has 研修会 in its title, the second oldest in its
/// summary, the four newest have the bigrams 研修 and 修会 but not the phrase, the others
/// have it in the body.
fn site() -> Fixture {
    let mut files: Vec<(String, String)> = Vec::new();
    for n in 1..=40u32 {
        let (year, month) = (2016 + (n - 1) / 4, [6, 9, 12, 3][(n as usize - 1) % 4]);
        let year = if month == 3 { year + 1 } else { year };
        let title = match n {
            1 => "研修会の特集号".to_owned(),
            _ => format!("連絡会通信 第{n}号"),
        };
        let summary = match n {
            2 => "summary: 研修会の案内を載せました。\n",
            _ => "",
        };
        let body = match n {
            37..=40 => "研修と修会は別のものです。",
            1 | 2 => "今号の話題です。",
            _ => "地域の研修会を開きました。",
        };
        files.push((
            format!("content/newsletters/{year}-{month:02}-vol{n:02}.md"),
            format!("---\ntitle: {title}\ndate: {year}-{month:02}-20\nnumber: {n}\n{summary}---\n\n{body}\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    Fixture::new(&refs)
}

fn run(f: &Fixture, query: &str) -> Value {
    let o = f.run("2026-11-23", &["--no-pdf"]);
    assert!(o.status.success(), "build failed: {}", stderr(&o));
    let o = Command::new("node")
        .arg(repo_root().join("tests/browser/search_limit.mjs"))
        .arg(f.out())
        .arg(LIMIT.to_string())
        .arg(query)
        .output()
        .expect("node (Node.js 20+) on PATH");
    assert!(o.status.success(), "search_limit.mjs: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("JSON answer")
}

fn urls(v: &Value) -> Vec<String> {
    v["urls"]
        .as_array()
        .expect("urls")
        .iter()
        .map(|u| u.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn header_box_confirms_and_loads_only_the_first_results() {
    let f = site();
    let a = run(&f, "研修会");
    let (limited, all) = (&a["limited"], &a["all"]);

    // The full search: 36 pages hold the phrase (not the four with 研修 and 修会 only); the
    // title hit first, then the summary hit, then newer before older.
    let every = urls(all);
    assert_eq!(all["total"], 36, "{a}");
    assert_eq!(all["estimated"], false, "{a}");
    assert!(
        every[0].contains("vol01") && every[1].contains("vol02"),
        "{every:?}"
    );
    assert!(
        every[2].contains("vol36") && every[3].contains("vol35"),
        "{every:?}"
    );

    // The header box shows the same first results, confirmed against the text.
    assert_eq!(urls(limited), every[..LIMIT], "{a}");
    // Only the texts of the candidates looked at are loaded, not all of them.
    let loaded = limited["texts"].as_array().unwrap().len();
    let files = a["textFiles"].as_u64().unwrap() as usize;
    assert!(loaded < files, "loaded {loaded} of {files} text files: {a}");
    // The rest is counted from the postings: an upper bound, said to be one.
    assert_eq!(limited["estimated"], true, "{a}");
    let total = limited["total"].as_u64().unwrap();
    assert!((36..=40).contains(&total), "{a}");
}

#[test]
fn few_candidates_are_all_confirmed_and_counted_exactly() {
    let f = site();
    // Two pages hold both words: both confirmed, the count exact, title hit first.
    let a = run(&f, "研修会 今号");
    assert_eq!(a["limited"]["total"], 2, "{a}");
    assert_eq!(a["limited"]["estimated"], false, "{a}");
    let got = urls(&a["limited"]);
    assert!(got[0].contains("vol01") && got[1].contains("vol02"), "{a}");
}
