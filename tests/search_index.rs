//! The site search index, built by the real binary and read back: the terms it holds
//! (normalised bigrams and words), the query side (`static/search.js`, run in node by
//! tests/browser/search_query.mjs on the built files) agreeing with it for text written in
//! full-width, half-width, hiragana or katakana, AND of words, phrase confirmation, ranking,
//! the fields searched, drafts left out, `search: false`, and `serve` serving and updating it.
//! Needs node (Node.js 20+) on PATH, as the browser tests do.

mod common;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

const VOL01: &str = "---\ntitle: 連絡会通信 第１号\ndate: 2021-06-30\nnumber: 1\n---\n\n## 相談の傾向\n\nケアマネジャーからの相談が増えている。ＡＣＰ（人生会議）を学ぶ。人々の暮らしとデイサービス。認知症の理解。\n\n```survey\nquestion: 今後の業務に役立つか\nanswers:\n  大いに役立つ: 3\n  役立たない: 1\n```\n";
const VOL02: &str = "---\ntitle: 認知症ケアの報告\ndate: 2021-09-30\nnumber: 2\n---\n\n西成区の取り組みを紹介します。\n";
const VOL03: &str = "---\ntitle: 連絡会通信 第３号\ndate: 2021-12-31\nnumber: 3\n---\n\n認知症の方と西成区の家族。家族の西宮の話。\n";
const EVENT: &str = "---\ntitle: 区別意見交換会\nstatus: postponed\nformat: in-person\nvenue: 市役所本庁舎 第１会議室\nlecturers:\n  - {name: 山田花子, affiliation: 市立大学, role: 教授}\nsessions:\n  - {start: 2021-11-05T14:00, end: 2021-11-05T16:00, label: 東部ブロック, audience: [鶴見区]}\n---\n\n意見交換を行います。\n";
const DRAFT: &str =
    "---\ntitle: 下書きの号\ndate: 2021-10-15\nnumber: 9\ndraft: true\n---\n\nゼブラの秘密。\n";

fn site() -> Fixture {
    Fixture::new(&[
        ("content/newsletters/2021-06-vol01.md", VOL01),
        ("content/newsletters/2021-09-vol02.md", VOL02),
        ("content/newsletters/2021-12-vol03.md", VOL03),
        ("content/events/2021-11-kouryu.md", EVENT),
        ("content/newsletters/2021-10-draft.md", DRAFT),
    ])
}

fn built(f: &Fixture, extra: &[&str]) {
    let mut args = vec!["--no-pdf"];
    args.extend(extra);
    let o = f.run(TODAY, &args);
    assert!(o.status.success(), "build failed: {}", stderr(&o));
}

/// The JSON value a `search/*.js` file assigns.
fn data(text: &str) -> Value {
    let start = text.find("]=").expect("assignment") + 2;
    let json = text[start..].trim_end().trim_end_matches(';');
    serde_json::from_str(json).expect("index file holds JSON")
}

fn index_file(out: &Path, name: &str) -> Value {
    let path = out.join("search").join(name);
    data(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// Every term of every shard.
fn terms(out: &Path) -> BTreeSet<String> {
    let meta = index_file(out, "index-meta.js");
    let shards = meta["shards"].as_u64().expect("shard count");
    let mut all = BTreeSet::new();
    for i in 0..shards {
        let shard = index_file(out, &format!("shard-{i:02x}.js"));
        all.extend(shard.as_object().expect("shard object").keys().cloned());
    }
    all
}

/// Runs the queries through search.js on the built files: query → results.
fn search(out: &Path, queries: &[&str]) -> Vec<Vec<Value>> {
    let o = Command::new("node")
        .arg(repo_root().join("tests/browser/search_query.mjs"))
        .arg(out)
        .args(queries)
        .output()
        .expect("node (Node.js 20+) on PATH");
    assert!(o.status.success(), "search_query.mjs: {}", stderr(&o));
    let answers: Value = serde_json::from_slice(&o.stdout).expect("JSON answers");
    answers
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["results"].as_array().unwrap().clone())
        .collect()
}

fn urls(results: &[Value]) -> Vec<&str> {
    results.iter().map(|r| r["url"].as_str().unwrap()).collect()
}

#[test]
fn the_index_holds_normalised_bigrams_and_words() {
    let f = site();
    built(&f, &[]);
    let t = terms(&f.out());
    for want in [
        "けあ", "あま", "まね", "ねじ", "じゃ", "ゃー", "acp", "人々", "でい", "さー", "西成",
        "成区",
    ] {
        assert!(t.contains(want), "term {want} missing from the index");
    }
    for term in &t {
        assert!(
            !term.chars().any(|c| ('\u{30A1}'..='\u{30F6}').contains(&c)
                || c.is_ascii_uppercase()
                || ('\u{FF01}'..='\u{FF9F}').contains(&c)),
            "term {term:?} is not normalised (katakana, upper case or full/half width)"
        );
        assert!(term.chars().count() <= 2 || term.is_ascii(), "{term:?}");
    }
    // The full-width ＡＣＰ and the half-width forms were folded, not kept beside.
    assert!(!t.contains("ＡＣＰ") && !t.contains("ACP") && !t.contains("ケア"));
}

#[test]
fn a_query_in_any_width_or_kana_finds_the_same_page() {
    let f = site();
    built(&f, &[]);
    let queries = [
        "ケアマネジャー",
        "ｹｱﾏﾈｼﾞｬｰ",
        "けあまねじゃー",
        "ＡＣＰ",
        "acp",
        "人々",
        "ﾃﾞｲｻｰﾋﾞｽ",
        "でいさーびす",
    ];
    let answers = search(&f.out(), &queries);
    for (q, results) in queries.iter().zip(&answers) {
        assert_eq!(
            urls(results),
            ["newsletters/2021-06-vol01.html"],
            "query {q}"
        );
        let marks = results[0]["marks"].as_array().unwrap();
        assert!(!marks.is_empty(), "query {q}: nothing highlighted");
    }
    // The highlight is the text as written, whatever the query's width or kana.
    assert_eq!(answers[1][0]["marks"][0], "ケアマネジャー");
    assert_eq!(answers[3][0]["marks"][0], "ＡＣＰ");
}

#[test]
fn words_are_anded_phrases_confirmed_titles_first_then_newer() {
    let f = site();
    built(&f, &[]);
    let answers = search(
        &f.out(),
        &[
            "認知症 西成区",
            "認知症",
            "家族の西成区",
            "存在しないことば",
        ],
    );
    assert_eq!(
        urls(&answers[0]),
        [
            "newsletters/2021-09-vol02.html",
            "newsletters/2021-12-vol03.html"
        ]
    );
    // Title hit first, then body hits newest first.
    assert_eq!(
        urls(&answers[1]),
        [
            "newsletters/2021-09-vol02.html",
            "newsletters/2021-12-vol03.html",
            "newsletters/2021-06-vol01.html"
        ]
    );
    // Every bigram of 家族の西成区 is in vol03, the phrase is not.
    assert!(answers[2].is_empty(), "{:?}", answers[2]);
    assert!(answers[3].is_empty());
}

#[test]
fn wards_lecturers_and_survey_answers_are_searched() {
    let f = site();
    built(&f, &[]);
    let answers = search(
        &f.out(),
        &["鶴見区", "山田花子", "大いに役立つ", "東部ブロック"],
    );
    for a in [&answers[0], &answers[1], &answers[3]] {
        assert_eq!(urls(a), ["events/2021-11-kouryu.html"]);
        assert_eq!(a[0]["kind"], "研修会");
        assert_eq!(a[0]["status"], "延期");
        assert_eq!(a[0]["date"], "令和３年11月５日");
    }
    assert_eq!(urls(&answers[2]), ["newsletters/2021-06-vol01.html"]);
    assert_eq!(answers[2][0]["kind"], "通信");
    assert_eq!(answers[2][0]["date"], "令和３年６月30日");
    // 鶴見区 is only in the session's audience, not in the page's body.
    assert!(
        !f.read("events/2021-11-kouryu.html")
            .contains("意見交換を行います。鶴見区")
    );
    assert!(!EVENT.split("---").nth(2).unwrap().contains("鶴見区"));
}

#[test]
fn hostile_text_stays_data_in_the_index_files() {
    let title = "\"]);alert(1);//</script><script>alert(2)</script>\\危険な題名";
    let f = Fixture::new(&[(
        "content/newsletters/2021-06-vol01.md",
        &format!(
            "---\ntitle: '{title}'\ndate: 2021-06-30\nnumber: 1\n---\n\n本文の`</script>`と`\"]`。\n"
        ),
    )]);
    built(&f, &[]);
    // search.js loads every file it needs as a script (a syntax error would fail the run).
    let answers = search(&f.out(), &["危険な題名", "script"]);
    assert_eq!(answers[0].len(), 1);
    assert_eq!(answers[0][0]["title"], title);
    assert_eq!(answers[1].len(), 1);
}

#[test]
fn drafts_are_never_indexed() {
    let f = site();
    built(&f, &["--drafts"]);
    assert!(
        f.exists("newsletters/2021-10-draft.html"),
        "--drafts renders the draft"
    );
    let meta = index_file(&f.out(), "index-meta.js");
    let docs: Vec<&str> = meta["docs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d[0].as_str().unwrap())
        .collect();
    assert_eq!(docs.len(), 4, "{docs:?}");
    assert!(!docs.contains(&"newsletters/2021-10-draft.html"));
    let t = terms(&f.out());
    assert!(!t.contains("ぜぶ") && !t.contains("秘密"));
    assert!(search(&f.out(), &["ゼブラ"])[0].is_empty());
}

#[test]
fn search_false_writes_no_box_page_or_index() {
    let on = site();
    built(&on, &[]);
    let home = on.read("index.html");
    assert!(on.exists("search.html") && on.exists("search/index-meta.js"));
    assert!(home.contains("static/search.js"));
    let html = on.html("index.html");
    assert_eq!(
        count(&html, "form[role=search] label[for=site-search-input]"),
        1
    );
    assert_eq!(
        attrs(&html, ".site-search-fallback", "href"),
        ["tags/index.html"]
    );
    assert_eq!(
        attrs(&on.html("events/index.html"), ".site-search", "data-root"),
        ["../"]
    );

    let off = site();
    off.write("site.yaml", &format!("{SITE_YAML}search: false\n"));
    built(&off, &[]);
    assert!(!off.exists("search.html"));
    assert!(!off.exists("search"));
    let home = off.read("index.html");
    assert!(!home.contains("search.js") && !home.contains("role=\"search\""));
}

#[test]
fn search_rejects_a_non_boolean_setting() {
    let f = site();
    f.write("site.yaml", &format!("{SITE_YAML}search: nein\n"));
    let o = f.run(TODAY, &["--no-pdf"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("site.yaml"), "{}", stderr(&o));
}

/// One GET over a fresh connection: (status, head, body).
fn get(addr: &str, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).expect("read reply");
    let text = String::from_utf8_lossy(&all).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("reply head");
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head.to_owned(), body.to_owned())
}

#[test]
fn serve_serves_the_index_and_updates_it_after_an_edit() {
    let f = site();
    let mut server = serve::Running(
        serve::command(&f.root())
            .args(["--no-pdf", "--today", TODAY])
            .stderr(Stdio::null())
            .spawn()
            .expect("start tsushin serve"),
    );
    let addr = serve::address(&mut server.0);
    let (status, head, body) = get(&addr, "/search/index-meta.js");
    assert_eq!(status, 200, "{head}");
    assert!(head.contains("text/javascript"), "{head}");
    assert!(body.contains("2021-06-vol01.html"));
    assert_eq!(get(&addr, "/search.html").0, 200);
    assert_eq!(get(&addr, "/static/search.js").0, 200);
    let shards_hold = |word: &str| {
        let meta = data(&get(&addr, "/search/index-meta.js").2);
        (0..meta["shards"].as_u64().unwrap()).any(|i| {
            let (_, _, body) = get(&addr, &format!("/search/shard-{i:02x}.js"));
            data(&body).get(word).is_some()
        })
    };
    assert!(!shards_hold("ぺん"));
    f.write(
        "content/newsletters/2021-06-vol01.md",
        &VOL01.replace("人々の暮らし", "人々とペンギンの暮らし"),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while !shards_hold("ぺん") {
        assert!(
            Instant::now() < deadline,
            "the served index never got the edit"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
