//! Japanese in the rendered pages: 和暦 dates, 午前/午後 times, issue numbers, the digit style,
//! emphasis next to Japanese brackets, soft line breaks, and files saved on Windows.

mod common;

use common::*;

fn newsletter_text(f: &Fixture, rel: &str) -> String {
    page_text(&f.html(rel))
}

#[test]
fn newsletter_dates_are_wareki_with_weekday() {
    let f = Fixture::new(&[
        (
            "content/newsletters/a.md",
            &newsletter(12, "2021-08-23", "第12号のタイトル", "本文"),
        ),
        (
            "content/newsletters/b.md",
            &newsletter(2, "2019-05-01", "令和最初の号", "本文"),
        ),
        (
            "content/newsletters/c.md",
            &newsletter(1, "2019-04-30", "平成最後の号", "本文"),
        ),
    ]);
    f.build_ok();
    let a = newsletter_text(&f, "newsletters/a.html");
    assert!(a.contains("令和３年８月23日（月）"), "{a}");
    assert!(a.contains("第12号"), "{a}");
    let b = newsletter_text(&f, "newsletters/b.html");
    assert!(b.contains("令和元年５月１日（水）"), "{b}");
    assert!(b.contains("第２号"), "{b}");
    let c = newsletter_text(&f, "newsletters/c.html");
    assert!(c.contains("平成31年４月30日（火）"), "{c}");
    assert!(c.contains("第１号"), "{c}");

    // The machine-readable date stays ISO.
    let html = f.html("newsletters/a.html");
    assert!(attrs(&html, "time", "datetime").contains(&"2021-08-23".to_owned()));

    // Listings use the same forms.
    let list = page_text(&f.html("newsletters/index.html"));
    for s in [
        "令和３年８月23日（月）",
        "令和元年５月１日（水）",
        "第１号",
        "第２号",
        "第12号",
        "令和３年度",
    ] {
        assert!(list.contains(s), "{s} missing from the archive: {list}");
    }
    let home = page_text(&f.html("index.html"));
    assert!(
        home.contains("令和３年８月23日（月）") && home.contains("第12号"),
        "latest issue on the home page: {home}"
    );
}

#[test]
fn event_sessions_show_japanese_time_ranges() {
    let f = Fixture::new(&[
        (
            "content/events/tabunya.md",
            &event(
                "多職種研修会",
                "scheduled",
                "2021-08-23T14:15",
                "2021-08-23T16:15",
                "本文",
            ),
        ),
        (
            "content/events/gozen.md",
            &event(
                "午前から午後まで",
                "scheduled",
                "2021-09-01T10:00",
                "2021-09-01T15:30",
                "本文",
            ),
        ),
    ]);
    f.build_ok_with("2021-08-01", false);
    let t = newsletter_text(&f, "events/tabunya.html");
    assert!(t.contains("令和３年８月23日（月）"), "{t}");
    assert!(t.contains("午後２時15分～４時15分"), "{t}");
    let g = newsletter_text(&f, "events/gozen.html");
    assert!(g.contains("午前10時～午後３時30分"), "{g}");
    // Listings show the same.
    let list = page_text(&f.html("events/index.html"));
    assert!(list.contains("午後２時15分～４時15分"), "{list}");
    let home = page_text(&f.html("index.html"));
    assert!(home.contains("午後２時15分～４時15分"), "{home}");
}

#[test]
fn event_details_are_shown_in_japanese() {
    let text = "---
title: 多職種研修会
status: postponed
format: hybrid
venue: 天王寺区民センター
target: 区役所実務者
lecturers:
  - {name: 杉本百合子, affiliation: 同志社女子大学 看護学部, role: 准教授}
sessions:
  - start: 2021-08-23T14:15
    end: 2021-08-23T16:15
    label: 西部・南部
    audience: [福島区, 此花区]
apply_by: 2021-08-10
capacity: 100
---

本文
";
    let f = Fixture::new(&[("content/events/tabunya.md", text)]);
    f.build_ok();
    let t = newsletter_text(&f, "events/tabunya.html");
    for s in [
        "延期",
        "ハイブリッド",
        "天王寺区民センター",
        "区役所実務者",
        "杉本百合子",
        "准教授",
        "西部・南部",
        "福島区、此花区",
        "令和３年８月10日（火）",
        "100名",
    ] {
        assert!(t.contains(s), "{s} missing: {t}");
    }
}

#[test]
fn plain_date_style_uses_half_width_digits() {
    let f = Fixture::new(&[
        ("site.yaml", "title: テスト用サイト\ndate_style: plain\n"),
        (
            "content/newsletters/a.md",
            &newsletter(1, "2021-08-23", "第一号", "本文"),
        ),
        (
            "content/events/e.md",
            &event(
                "研修会",
                "scheduled",
                "2021-08-23T14:15",
                "2021-08-23T16:15",
                "本文",
            ),
        ),
    ]);
    f.build_ok();
    let a = newsletter_text(&f, "newsletters/a.html");
    assert!(a.contains("令和3年8月23日"), "{a}");
    assert!(!a.contains("令和３年８月23日"), "{a}");
    assert!(a.contains("第1号") && !a.contains("第１号"), "{a}");
    let e = newsletter_text(&f, "events/e.html");
    assert!(e.contains("午後2時15分～4時15分"), "{e}");
    let list = page_text(&f.html("newsletters/index.html"));
    assert!(list.contains("令和3年度"), "{list}");
}

#[test]
fn emphasis_next_to_japanese_brackets() {
    let f = Fixture::new(&[(
        "content/about.md",
        &page(
            "強調のテスト",
            "これは**「重要」**です。\n\n会場は**天王寺区民センター**（予定）です。",
        ),
    )]);
    f.build_ok();
    let raw = f.read("about.html");
    assert!(
        raw.contains("これは<strong>「重要」</strong>です。"),
        "{raw}"
    );
    assert!(
        raw.contains("<strong>天王寺区民センター</strong>（予定）"),
        "{raw}"
    );
    assert!(!raw.contains("**"), "no literal asterisks left");
}

#[test]
fn soft_line_breaks_between_japanese_lines_add_no_space() {
    let f = Fixture::new(&[(
        "content/about.md",
        &page(
            "改行のテスト",
            "このサイトは、区役所の担当者と\nコーディネーターの皆さまに向けたサイトです。\n\nThis line is\nin English.\n\n『通信』を\n年４回発行します。",
        ),
    )]);
    f.build_ok();
    let html = f.html("about.html");
    let paragraphs: Vec<String> = {
        let sel = scraper::Selector::parse(".prose p, main p").unwrap();
        html.select(&sel)
            .map(|p| p.text().collect::<String>())
            .collect()
    };
    assert!(
        paragraphs
            .iter()
            .any(|p| p
                == "このサイトは、区役所の担当者とコーディネーターの皆さまに向けたサイトです。"),
        "{paragraphs:#?}"
    );
    assert!(
        paragraphs
            .iter()
            .any(|p| p == "『通信』を年４回発行します。"),
        "{paragraphs:#?}"
    );
    assert!(
        paragraphs
            .iter()
            .any(|p| normalize(p) == "This line is in English."),
        "{paragraphs:#?}"
    );
}

#[test]
fn japanese_tags_get_pages() {
    let f = Fixture::new(&[(
        "content/newsletters/a.md",
        "---\ntitle: 第１号\ndate: 2021-06-30\nnumber: 1\ntags: [連絡会, 新任]\n---\n\n本文\n",
    )]);
    f.build_ok();
    assert!(f.exists("tags/連絡会.html"));
    let t = page_text(&f.html("tags/連絡会.html"));
    assert!(t.contains("連絡会") && t.contains("第１号"), "{t}");
    let idx = page_text(&f.html("tags/index.html"));
    assert!(idx.contains("連絡会") && idx.contains("新任"), "{idx}");
}

// ---------------------------------------------------------------------------------------------
// Files saved on Windows

const WINDOWS_PAGE: &str = "---
title: 第２号
date: 2021-09-30
number: 2
tags: [連絡会, アンケート]
---

## はじめに

皆さま、いつもお世話になっております。
第２号では、連絡会の結果をお届けします。

- 日時：令和３年７月26日（月）
- 形式：参集

```survey
question: 今後の業務に活用できるか
answers:
  活かせる: 7
  やや活かせる: 3
```

| 職種 | 人数 |
|:-----|-----:|
| 事務職 | 16名 |
";

#[test]
fn bom_and_crlf_build_identically_to_lf() {
    let lf = Fixture::new(&[("content/newsletters/vol02.md", WINDOWS_PAGE)]);
    lf.build_ok();
    let windows = Fixture::new(&[]);
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(WINDOWS_PAGE.replace('\n', "\r\n").as_bytes());
    windows.write_bytes("content/newsletters/vol02.md", &bytes);
    let site_yaml = format!("\u{feff}{}", SITE_YAML.replace('\n', "\r\n"));
    windows.write("site.yaml", &site_yaml);
    let report = windows.build_ok();
    assert!(
        report.diagnostics.is_empty(),
        "BOM and CRLF need no warning: {}",
        describe(&report)
    );
    let (a, b) = (snapshot(&lf.out()), snapshot(&windows.out()));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(
            bytes == &b[name],
            "{name} differs between the LF and the BOM+CRLF build"
        );
    }
    assert!(!String::from_utf8_lossy(&b["newsletters/vol02.html"]).contains('\r'));
}

#[test]
fn crlf_file_locates_errors_on_the_right_line() {
    let f = Fixture::new(&[]);
    let text =
        "\u{feff}---\r\ntitle: 第１号\r\ndate: 2021-02-30\r\nnumber: 1\r\n---\r\n\r\n本文\r\n";
    f.write("content/newsletters/a.md", text);
    let report = f.build();
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{}", describe(&report));
    assert_eq!(
        place(&errs[0]),
        ("content/newsletters/a.md".to_owned(), 3, 7)
    );
}

#[test]
fn shift_jis_page_builds_with_a_warning_and_no_mojibake() {
    let text = "---\ntitle: 研修会のご案内（第１回）\nsummary: 区役所・相談支援室の皆さまへ\n---\n\n## 概要\n\n令和３年度　在宅医療・介護連携の研修会を開催します。～ソ表能～\n";
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture must not be valid UTF-8"
    );
    let f = Fixture::new(&[]);
    f.write_bytes("content/annai.md", &bytes);
    let report = f.build_ok();
    let w = warnings(&report);
    assert_eq!(w.len(), 1, "{}", describe(&report));
    assert!(w[0].message.contains("Shift_JIS"), "{}", w[0]);
    assert_eq!(place(&w[0]).0, "content/annai.md");
    let out = f.read("annai.html");
    assert!(
        !out.contains('\u{FFFD}'),
        "replacement characters in the output"
    );
    let t = page_text(&f.html("annai.html"));
    assert!(t.contains("研修会のご案内（第１回）"), "{t}");
    assert!(
        out.contains("令和３年度　在宅医療・介護連携の研修会を開催します。～ソ表能～"),
        "{out}"
    );
    assert!(page_text(&f.html("index.html")).contains("区役所・相談支援室の皆さまへ"));

    // Through the binary: success, the warning names the file.
    let o = f.run(TODAY, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("content/annai.md"), "{}", stderr(&o));
}

#[test]
fn invalid_bytes_are_a_located_error_through_the_binary() {
    let f = Fixture::new(&[]);
    f.write_bytes(
        "content/about.md",
        b"---\ntitle: ok\n---\n\nline\nab\xFF\xFE\xFD\n",
    );
    let o = f.run(TODAY, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("content/about.md:6:3"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!f.out().exists());
}
