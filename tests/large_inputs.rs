//! Large and hostile inputs finish quickly: each is either checked in bounded time or refused
//! at once with an error at its `file:line:column` that names the limit. The bound here is
//! generous (a loaded CI machine); bench/large_inputs.py measures the real figures.

mod common;

use std::process::Output;
use std::time::{Duration, Instant};

use common::{Fixture, newsletter, stderr};

/// Far above what these take (well under a second); before the fixes they took 3–60 s.
const BOUND: Duration = Duration::from_secs(5);

const PAGE: &str = "content/newsletters/2021-06-vol01.md";

/// A site with one issue (front matter lines `extra`, body `body`) and content/about.md.
fn site(extra: &str, body: &str) -> Fixture {
    let page = format!("---\ntitle: 第１号\ndate: 2021-06-30\nnumber: 1\n{extra}---\n\n{body}\n");
    Fixture::new(&[
        (PAGE, &page),
        (
            "content/about.md",
            "---\ntitle: このサイトについて\n---\n\n本文です。\n",
        ),
    ])
}

fn timed(f: &Fixture, args: &[&str]) -> (Output, Duration) {
    let root = f.root();
    let mut all = vec![
        args[0],
        "--root",
        root.to_str().unwrap(),
        "--today",
        "2021-10-01",
    ];
    let out = f.out();
    if args[0] == "build" {
        all.extend(["--output", out.to_str().unwrap()]);
    }
    all.extend(&args[1..]);
    let started = Instant::now();
    let output = common::run_bin(&all, f.dir.path());
    (output, started.elapsed())
}

/// The start of a long output, for assertion messages.
fn head(text: &str) -> String {
    text.chars().take(3000).collect()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `tsushin check` passes (warnings allowed) within the bound.
fn check_ok(f: &Fixture, what: &str) {
    let (o, took) = timed(f, &["check"]);
    assert!(
        o.status.success(),
        "{what}: check failed:\n{}",
        head(&stdout(&o))
    );
    assert!(took < BOUND, "{what}: check took {took:?}");
}

/// `tsushin check` fails within the bound with an error at `at` (`file:line:column`) whose
/// message contains `message`.
fn check_refused(f: &Fixture, what: &str, at: &str, message: &str) {
    let (o, took) = timed(f, &["check"]);
    let text = stdout(&o);
    assert!(!o.status.success(), "{what}: check passed");
    let expected = format!("{at}: error: ");
    let line = text
        .lines()
        .find(|l| l.starts_with(&expected))
        .unwrap_or_else(|| panic!("{what}: no error at {at}:\n{}", head(&text)));
    assert!(line.contains(message), "{what}: {line}");
    assert!(text.contains("fix:"), "{what}: no help:\n{text}");
    assert!(took < BOUND, "{what}: refusing took {took:?}");
}

#[test]
fn four_thousand_tags_are_refused_at_the_tags_key() {
    let tags: Vec<String> = (0..4000).map(|i| format!("タグ{i}")).collect();
    let f = site(&format!("tags: [{}]\n", tags.join(", ")), "本文です。");
    check_refused(&f, "4,000 tags", &format!("{PAGE}:5:1"), "at most 100");
}

#[test]
fn a_hundred_tags_are_fine() {
    let tags: Vec<String> = (0..100).map(|i| format!("タグ{i}")).collect();
    let f = site(&format!("tags: [{}]\n", tags.join(", ")), "本文です。");
    check_ok(&f, "100 tags");
}

#[test]
fn thirty_two_thousand_footnote_references() {
    let f = site(
        "",
        &format!("本文{}\n\n[^1]: 注です。", "[^1]".repeat(32_000)),
    );
    check_ok(&f, "32,000 footnote references");
}

#[test]
fn thirty_two_thousand_unclosed_strong_markers() {
    let f = site("", &"**a".repeat(32_000));
    check_ok(&f, "`**a` x 32,000");
}

#[test]
fn a_paragraph_of_thirty_two_thousand_links() {
    let links = vec!["[資料](../about.md)"; 32_000].join(" ");
    assert!(links.len() > 570_000);
    let f = site("", &links);
    check_ok(&f, "32,000 links in one paragraph");
}

#[test]
fn a_broken_link_deep_in_a_long_line_is_located_by_character() {
    // Columns count characters; 資料 is 2 characters but 6 bytes.
    let mut links = vec!["[資料](../about.md)"; 2_000];
    links.push("[壊れた](missing.md)");
    let f = site("", &links.join(" "));
    // Line 7 of the file; each link is 17 characters and a space.
    let column = 2_000 * 18 + 1;
    check_refused(
        &f,
        "broken link at the end of a long line",
        &format!("{PAGE}:7:{column}"),
        "no such page",
    );
}

#[test]
fn thirty_two_thousand_nested_divs_are_refused() {
    let f = site("", &format!("{}\n\n本文です。", "<div>".repeat(32_000)));
    // The 101st <div> starts at character 501 of line 7.
    check_refused(
        &f,
        "32,000 nested <div>",
        &format!("{PAGE}:7:501"),
        "at most 100",
    );
}

#[test]
fn divs_one_a_line_are_refused_at_the_line_that_crosses_the_limit() {
    let f = site("", &format!("{}\n本文です。", "<div>\n".repeat(32_000)));
    check_refused(
        &f,
        "<div> lines",
        &format!("{PAGE}:107:1"),
        "raw HTML nests",
    );
}

#[test]
fn twenty_thousand_nested_quotes_are_refused() {
    let f = site("", &format!("{} 引用です。", ">".repeat(20_000)));
    check_refused(&f, "20,000 `>`", &format!("{PAGE}:7:5001"), "at most 5000");
}

#[test]
fn quotes_and_lists_nested_thousands_deep_are_fine() {
    // Lazy continuation lines below a deep quote must not walk the whole nesting each.
    let f = site(
        "",
        &format!(
            "{} 引用です。\n{}\n\n{}項目",
            "> ".repeat(2500),
            "続き\n".repeat(20_000),
            "- ".repeat(2500)
        ),
    );
    check_ok(&f, "2,500 quotes and lists");
}

#[test]
fn a_title_of_128000_characters_is_refused() {
    let page = newsletter(1, "2021-06-30", &"あ".repeat(128_000), "本文です。");
    let f = Fixture::new(&[(PAGE, &page)]);
    check_refused(
        &f,
        "128,000-character title",
        &format!("{PAGE}:2:8"),
        "at most 200",
    );
}

#[test]
fn eight_thousand_unknown_keys_are_warned_about_quickly() {
    let keys: String = (0..8000).map(|i| format!("key{i}: 値\n")).collect();
    let f = site(&keys, "本文です。");
    let (o, took) = timed(&f, &["check"]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("8000 warnings"), "{}", stdout(&o));
    assert!(took < BOUND, "check took {took:?}");
    // `build` prints every warning (with a source excerpt for the first ones).
    let (o, took) = timed(&f, &["build", "--no-pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("unknown key `key7999`"));
    assert!(took < BOUND, "build took {took:?}");
}

#[test]
fn a_markdown_file_over_one_megabyte_is_refused() {
    let f = site("", &"これは長い段落です。".repeat(40_000));
    check_refused(&f, "1.1 MB file", &format!("{PAGE}:1:1"), "at most 1024 KB");
}

#[test]
fn pdf_build_of_long_paragraphs_and_a_long_title_is_bounded() {
    // A page near the limits a real author might reach: a 200-character title and paragraphs
    // of 20,000 characters each, about 250 KB.
    let body = vec!["これは長い段落です。".repeat(2_000); 4].join("\n\n");
    let page = newsletter(1, "2021-06-30", &"題".repeat(200), &body);
    let f = Fixture::new(&[(PAGE, &page)]);
    let (o, took) = timed(&f, &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdfs = common::snapshot(&f.out())
        .into_keys()
        .filter(|p| p.ends_with(".pdf") && !p.ends_with("合本.pdf"))
        .count();
    assert_eq!(pdfs, 1, "{}", stderr(&o));
    assert!(took < BOUND * 4, "build with PDF took {took:?}");
}

#[test]
fn pdf_build_of_eight_thousand_footnotes_is_bounded() {
    // Each page looked every footnote anchor up in the list of all notes: 32,000 notes took
    // 14 s of CPU; 8,000 now take a fraction of a second of layout.
    let refs: String = (0..8000).map(|i| format!("[^{i}]")).collect();
    let defs: Vec<String> = (0..8000).map(|i| format!("[^{i}]: 注{i}。")).collect();
    let f = site("", &format!("本文{refs}\n\n{}", defs.join("\n")));
    let (o, took) = timed(&f, &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The issue is typeset three times (its PDF, and twice for its year's bound volume), each
    // with its structure tree: about 3 s of CPU for the issue alone, linear in the notes.
    assert!(took < BOUND * 6, "build with PDF took {took:?}");
}
