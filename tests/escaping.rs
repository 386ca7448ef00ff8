//! Hostile text in front matter and Markdown never becomes markup: the theme has no JavaScript,
//! so the output must contain no `<script>` element, no event-handler attribute and no script
//! URL — while `allow_raw_html: true` keeps harmless author HTML.

mod common;

use common::*;
use scraper::{Html, Selector};

const SCRIPT: &str = "<script>alert(1)</script>";

fn hostile_site(site_yaml: &str) -> Fixture {
    let front = format!(
        "---\ntitle: \"{SCRIPT}第１号\"\ndate: 2021-06-30\nnumber: 1\nsummary: \"{SCRIPT}概要\"\ntags: [\"{SCRIPT}\", 通常タグ]\nauthor: \"<img src=x onerror=alert(1)>\"\n---\n"
    );
    let body = format!(
        "## 見出し{SCRIPT}

本文 {SCRIPT} 続き <img src=x onerror=alert(2)> 終わり。

<script>alert(3)</script>

<div onclick=\"alert(4)\">クリック</div>

<a href=\"javascript:alert(5)\">生のリンク</a>

[リンク](javascript:alert(6)) [大文字](JaVaScRiPt:alert(7)) [データ](data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==)
[制御文字](java&#x09;script:alert(9)) [実体](&#106;avascript:alert(12)) <javascript:alert(10)>

<iframe src=\"https://evil.example/\"></iframe>

`{SCRIPT}` はコードです。

```html
{SCRIPT}
```
"
    );
    let event = format!(
        "---\ntitle: 研修会\nvenue: \"{SCRIPT}会場\"\ntarget: \"{SCRIPT}\"\nlecturers:\n  - {{name: \"{SCRIPT}\", affiliation: \"<b>所属</b>\", role: 講師}}\nsessions:\n  - start: 2021-11-05T14:00\n    end: 2021-11-05T16:00\n    label: \"{SCRIPT}\"\n    audience: [\"{SCRIPT}\"]\n---\n\n本文\n"
    );
    Fixture::new(&[
        ("site.yaml", site_yaml),
        ("content/newsletters/vol01.md", &format!("{front}\n{body}")),
        ("content/events/kenshu.md", &event),
        (
            "content/about.md",
            // A plain page has no PDF, so a script "image" only meets the HTML sanitiser (in a
            // page with a PDF it is an error: the PDF cannot show it).
            &format!("---\ntitle: \"{SCRIPT}\"\n---\n\n本文\n\n![画像](javascript:alert(11))\n"),
        ),
    ])
}

/// Every way the output could run script.
fn script_problems(out: &std::path::Path) -> Vec<String> {
    let all = Selector::parse("*").unwrap();
    let mut problems = Vec::new();
    for (rel, bytes) in snapshot(out) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = Html::parse_document(&String::from_utf8_lossy(&bytes));
        // The one script a page may have: the theme's own search script, empty, by its path.
        let search_js = format!("{}static/search.js", "../".repeat(rel.matches('/').count()));
        for el in html.select(&all) {
            let name = el.value().name();
            let theme_script = name == "script"
                && el.value().attr("src") == Some(search_js.as_str())
                && el.value().attrs().all(|(a, _)| a == "src" || a == "defer")
                && el.text().next().is_none();
            if matches!(name, "script" | "iframe" | "object" | "embed") && !theme_script {
                problems.push(format!("{rel}: <{name}> element"));
            }
            for (attr, value) in el.value().attrs() {
                if attr.to_ascii_lowercase().starts_with("on") {
                    problems.push(format!("{rel}: <{name} {attr}=…>"));
                }
                if matches!(attr, "href" | "src" | "action" | "formaction") {
                    let v: String = value
                        .chars()
                        .filter(|c| !c.is_whitespace() && !c.is_control())
                        .collect::<String>()
                        .to_ascii_lowercase();
                    if v.starts_with("javascript:")
                        || v.starts_with("vbscript:")
                        || v.starts_with("data:text")
                    {
                        problems.push(format!("{rel}: {attr}=\"{value}\""));
                    }
                }
            }
        }
    }
    problems
}

#[test]
fn script_in_front_matter_and_body_never_runs() {
    let f = hostile_site(SITE_YAML);
    let report = f.build();
    assert!(!report.diagnostics.has_errors(), "{}", describe(&report));
    let problems = script_problems(&f.out());
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // Front matter text is shown as text, not dropped.
    let page = f.html("newsletters/vol01.html");
    let h1 = texts(&page, "h1");
    assert!(
        h1.iter()
            .any(|t| t.contains("<script>alert(1)</script>第１号")),
        "{h1:?}"
    );
    let raw = f.read("newsletters/vol01.html");
    assert!(raw.contains("&lt;script&gt;"), "title escaped");
    // The body: the link text stays, the script URL goes.
    let text = page_text(&page);
    assert!(text.contains("リンク") && text.contains("大文字"), "{text}");
    // Code shows the markup as text.
    let code = texts(&page, "code");
    assert!(
        code.iter()
            .filter(|c| c.contains("<script>alert(1)</script>"))
            .count()
            >= 2,
        "{code:?}"
    );

    // Tags with markup get a working page whose title shows the text.
    let tags = f.html("tags/index.html");
    assert!(page_text(&tags).contains("<script>alert(1)</script>"));
    // (`<img src=x>` from the raw HTML is the author's own broken image; tag links must work.)
    let broken: Vec<String> = broken_links(&f.out())
        .into_iter()
        .filter(|p| !p.contains("`x`"))
        .collect();
    assert!(broken.is_empty(), "{broken:?}");

    // Listing pages and the event page too.
    for rel in [
        "index.html",
        "newsletters/index.html",
        "events/index.html",
        "events/kenshu.html",
        "about.html",
    ] {
        let t = f.read(rel);
        assert!(!t.contains("<script>"), "{rel} has a raw <script>");
    }
    assert!(page_text(&f.html("events/kenshu.html")).contains("<script>alert(1)</script>会場"));
}

#[test]
fn feed_escapes_markup() {
    let f = hostile_site(SITE_YAML);
    f.build_ok();
    let xml = f.read("feed.xml");
    assert!(!xml.contains("<script>"), "{xml}");
    let feed: atom_syndication::Feed = xml.parse().expect("feed parses");
    assert!(
        feed.entries()
            .iter()
            .any(|e| e.title().as_str() == "<script>alert(1)</script>第１号")
    );
}

#[test]
fn raw_html_allowed_keeps_harmless_markup() {
    let f = Fixture::new(&[
        ("site.yaml", "title: テスト用サイト\nallow_raw_html: true\n"),
        (
            "content/about.md",
            "---\ntitle: 生のHTML\n---\n\n文中の<span class=\"x\">強調</span>です。\n\n<div class=\"note\">\n<p>お知らせ</p>\n</div>\n\n[危険](javascript:alert(1))\n",
        ),
    ]);
    f.build_ok();
    let html = f.html("about.html");
    assert_eq!(texts(&html, "span.x"), vec!["強調".to_owned()]);
    assert_eq!(texts(&html, "div.note p"), vec!["お知らせ".to_owned()]);
    // Markdown links still never carry a script URL.
    assert!(
        script_problems(&f.out()).is_empty(),
        "{:?}",
        script_problems(&f.out())
    );
}

#[test]
fn raw_html_sanitised_by_default_keeps_the_text() {
    let f = Fixture::new(&[(
        "content/about.md",
        "---\ntitle: 生のHTML\n---\n\n文中の<span class=\"x\">強調</span>です。<b>太字</b>\n",
    )]);
    f.build_ok();
    let html = f.html("about.html");
    let text = page_text(&html);
    assert!(text.contains("文中の強調です。太字"), "{text}");
    assert!(script_problems(&f.out()).is_empty());
}

#[test]
fn site_title_with_markup_is_escaped() {
    let f = Fixture::new(&[
        (
            "site.yaml",
            "title: \"<script>alert(1)</script>連絡会\"\nnewsletter:\n  name: \"<b>通信</b>\"\n",
        ),
        (
            "content/newsletters/vol01.md",
            &newsletter(1, "2021-06-30", "第１号", "本文"),
        ),
    ]);
    f.build_ok();
    assert!(
        script_problems(&f.out()).is_empty(),
        "{:?}",
        script_problems(&f.out())
    );
    assert!(page_text(&f.html("index.html")).contains("<script>alert(1)</script>連絡会"));
    let xml = f.read("feed.xml");
    assert!(xml.parse::<atom_syndication::Feed>().is_ok());
}
