//! Every internal link works wherever the output folder is copied: each `href`/`src` of every
//! HTML file (and each relative link of the feed) names a file that exists in the output, and
//! none starts with `/`.

mod common;

use common::*;

#[track_caller]
fn assert_links_resolve(out: &std::path::Path) {
    let problems = broken_links(out);
    assert!(
        problems.is_empty(),
        "{} broken link(s):\n{}",
        problems.len(),
        problems
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn example_site_links_resolve() {
    let out = example_output();
    assert!(out.join("index.html").is_file());
    assert_links_resolve(out);
}

#[test]
fn example_site_has_no_root_relative_links() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let report = tsushin::site::build(&tsushin::site::BuildOptions {
        root: repo_root(),
        output: out.clone(),
        drafts: true,
        pdf: true,
        today: "2026-11-23".parse().unwrap(),
    });
    assert!(!report.diagnostics.has_errors(), "{}", describe(&report));
    let bad: Vec<_> = all_urls(&out)
        .into_iter()
        .filter(|(_, u)| u.starts_with('/'))
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
}

/// A site with Japanese tags, images next to content files, attachments and links between
/// pages in different folders.
fn linked_site() -> Fixture {
    let f = Fixture::new(&[
        (
            "content/newsletters/2021-06-vol01.md",
            "---
title: コーディネーター連絡会通信 第１号
date: 2021-06-30
number: 1
tags: [連絡会, 新任, 多職種 連携, ACP/人生会議, \"C#\"]
---

## はじめに

研修会は[多職種研修会のご案内](../events/2021-08-tabunya.md#申込方法)をご覧ください。
第２号は[こちら](2021-09-vol02.md)、サイトの説明は[このサイトについて](../about.md)です。
手引きは[はじめての方へ](../guide/hajimete.md)を、資料は[配布資料](files/資料%20第１回.pdf)をご覧ください。
[はじめに](#はじめに)へ戻る。問い合わせは<mailto:zaitaku@example.jp>、[市のサイト](https://www.example.city.lg.jp/)も。

![連絡会の様子](images/写真%201.png)
![会場の地図](<images/会場 地図.png> \"地図\")
",
        ),
        (
            "content/newsletters/2021-09-vol02.md",
            "---
title: コーディネーター連絡会通信 第２号
date: 2021-09-30
number: 2
tags: [連絡会, アンケート]
---

[前号](2021-06-vol01.md#はじめに)の続きです。
![グラフ](../images/共通ロゴ.png)
",
        ),
        (
            "content/events/2021-08-tabunya.md",
            "---
title: 多職種研修会
tags: [研修会, 多職種 連携]
status: postponed
sessions:
  - {start: 2021-08-23T14:15, end: 2021-08-23T16:15}
---

## 申込方法

[第１号](../newsletters/2021-06-vol01.md)で報告しました。![会場](map.png)
",
        ),
        (
            "content/about.md",
            "---
title: このサイトについて
tags: [案内]
---

創刊号は[第１号](newsletters/2021-06-vol01.md)です。![ロゴ](images/共通ロゴ.png)
",
        ),
        (
            "content/guide/hajimete.md",
            "---
title: はじめての方へ
---

[サイトの説明](../about.md)と[研修会](../events/2021-08-tabunya.md)。
",
        ),
    ]);
    for (path, bytes) in [
        ("content/newsletters/images/写真 1.png", tiny_png(10)),
        ("content/newsletters/images/会場 地図.png", tiny_png(20)),
        (
            "content/newsletters/files/資料 第１回.pdf",
            b"%PDF-1.4".to_vec(),
        ),
        ("content/events/map.png", tiny_png(30)),
        ("content/images/共通ロゴ.png", tiny_png(40)),
    ] {
        f.write_bytes(path, &bytes);
    }
    f
}

#[test]
fn fixture_links_resolve() {
    let f = linked_site();
    let report = f.build_ok();
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("anchor")),
        "anchors to Japanese headings resolve: {}",
        describe(&report)
    );
    // Files next to the content keep their place.
    for asset in [
        "newsletters/images/写真 1.png",
        "newsletters/images/会場 地図.png",
        "newsletters/files/資料 第１回.pdf",
        "events/map.png",
        "images/共通ロゴ.png",
    ] {
        assert!(f.exists(asset), "{asset} was not copied");
    }
    assert!(f.exists("guide/hajimete.html"));
    assert_links_resolve(&f.out());
    let bad: Vec<_> = all_urls(&f.out())
        .into_iter()
        .filter(|(_, u)| u.starts_with('/'))
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
}

#[test]
fn links_between_pages_point_at_the_html_files() {
    let f = linked_site();
    f.build_ok();
    let html = f.html("newsletters/2021-06-vol01.html");
    let hrefs = attrs(&html, "main a[href]", "href");
    // Where each link leads, as a path in the output folder (or the external URL itself).
    let from = "newsletters/2021-06-vol01.html";
    let targets: Vec<String> = hrefs
        .iter()
        .map(|h| {
            let fragment = h
                .split_once('#')
                .map(|(_, f)| {
                    format!(
                        "#{}",
                        percent_encoding::percent_decode_str(f).decode_utf8_lossy()
                    )
                })
                .unwrap_or_default();
            match resolve(from, h) {
                Ok(Some(path)) => format!("{path}{fragment}"),
                _ => h.clone(),
            }
        })
        .collect();
    for want in [
        "events/2021-08-tabunya.html#申込方法",
        "newsletters/2021-09-vol02.html",
        "about.html",
        "guide/hajimete.html",
        "newsletters/files/資料 第１回.pdf",
        "mailto:zaitaku@example.jp",
        "https://www.example.city.lg.jp/",
    ] {
        assert!(
            targets.iter().any(|t| t == want),
            "no link to {want} in {targets:#?}"
        );
    }
    assert!(
        !hrefs
            .iter()
            .any(|h| h.ends_with(".md") || h.contains(".md#")),
        "{hrefs:?}"
    );
    let srcs = attrs(&html, "main img", "src");
    assert_eq!(srcs.len(), 2, "{srcs:?}");
    // The anchor on the target page exists.
    let target = f.html("events/2021-08-tabunya.html");
    assert!(attrs(&target, "[id]", "id").contains(&"申込方法".to_owned()));
}

#[test]
fn tag_pages_exist_for_every_tag_link() {
    let f = linked_site();
    f.build_ok();
    let idx = f.html("tags/index.html");
    let names = texts(&idx, "main a[href*='tags/'], main a.tag");
    for tag in [
        "連絡会",
        "新任",
        "多職種 連携",
        "ACP/人生会議",
        "C#",
        "研修会",
        "案内",
    ] {
        assert!(
            names.iter().any(|n| n.contains(tag)),
            "tag {tag} not listed: {names:?}"
        );
    }
    assert_links_resolve(&f.out());
}

#[test]
fn site_works_from_a_copied_folder() {
    // Relative links only: the output still works when moved elsewhere.
    let f = linked_site();
    f.build_ok();
    let moved = f.dir.path().join("copied").join("deeper");
    std::fs::create_dir_all(&moved).unwrap();
    for (rel, bytes) in snapshot(&f.out()) {
        let p = moved.join(&rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    assert_links_resolve(&moved);
}

#[test]
fn tags_that_clean_to_the_same_file_name_do_not_collide() {
    // `A/B` and `A-B` would both become tags/A-B.html: either they get different files or the
    // build says so; silently losing one tag's page is wrong.
    let f = Fixture::new(&[
        (
            "content/a.md",
            "---\ntitle: ページＡ\ntags: [\"A/B\"]\n---\n\n本文\n",
        ),
        (
            "content/b.md",
            "---\ntitle: ページＢ\ntags: [A-B]\n---\n\n本文\n",
        ),
    ]);
    let report = f.build();
    if report
        .diagnostics
        .iter()
        .any(|d| d.message.contains("A/B") && d.message.contains("A-B"))
    {
        return;
    }
    assert!(!report.diagnostics.has_errors(), "{}", describe(&report));
    let idx = f.html("tags/index.html");
    let mut urls = attrs(&idx, "main a[href*='tags/'], main a.tag", "href");
    urls.sort();
    urls.dedup();
    assert_eq!(urls.len(), 2, "two tags, two pages: {urls:?}");
}

#[test]
fn tag_named_index_does_not_replace_the_tag_list() {
    let f = Fixture::new(&[(
        "content/a.md",
        "---\ntitle: ページＡ\ntags: [index, 研修会]\n---\n\n本文\n",
    )]);
    let report = f.build();
    if report.diagnostics.has_errors() {
        // Refusing the tag with a located error is fine too.
        assert!(
            errors(&report).iter().all(|d| place(d).0 == "content/a.md"),
            "{}",
            describe(&report)
        );
        return;
    }
    let html = f.html("tags/index.html");
    let h1 = texts(&html, "h1");
    assert_eq!(
        h1,
        vec!["タグ一覧".to_owned()],
        "tags/index.html is no longer the tag list"
    );
    let listed = texts(&html, "main a[href*='tags/'], main a.tag");
    assert!(
        listed.iter().any(|t| t.contains("研修会")) && listed.iter().any(|t| t.contains("index")),
        "{listed:?}"
    );
    assert_links_resolve(&f.out());
}

#[test]
fn content_file_that_collides_with_a_generated_page_is_reported() {
    // content/about.html (an attachment) and content/about.md (a page) both want about.html.
    let f = Fixture::new(&[("content/about.md", &page("このサイトについて", "本文"))]);
    f.write("content/about.html", "<p>古い手作りのページ</p>");
    let report = f.build();
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("about.html")),
        "one of the two files is silently lost: {}",
        describe(&report)
    );
}
