//! Bad inputs: every mistake an author can make must fail the build (or warn) with the exact
//! place, a message that says what is wrong and a help that says how to fix it — never a panic,
//! and never an output folder.

mod common;

use std::time::{Duration, Instant};

use common::*;
use tsushin::diag::Diagnostic;

const NEWSLETTER_OK: &str = "---\ntitle: コーディネーター連絡会通信 第１号\ndate: 2021-06-30\nnumber: 1\n---\n\n## はじめに\n\n本文です。\n";

/// Builds `files` and checks the one error whose message contains every part of `message`:
/// it is at `file:line:column`, its help contains every part of `help`, and the build left no
/// output folder and no temporary folder.
#[track_caller]
fn fails(
    files: &[(&str, &str)],
    at: (&str, usize, usize),
    message: &[&str],
    help: &[&str],
) -> Diagnostic {
    let f = Fixture::new(files);
    fails_in(&f, at, message, help)
}

#[track_caller]
fn fails_in(f: &Fixture, at: (&str, usize, usize), message: &[&str], help: &[&str]) -> Diagnostic {
    let report = f.build();
    let all = describe(&report);
    assert!(
        report.diagnostics.has_errors(),
        "the build should fail; diagnostics:\n{all}"
    );
    let matching: Vec<Diagnostic> = errors(&report)
        .into_iter()
        .filter(|d| message.iter().all(|m| d.message.contains(m)))
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "expected one error saying {message:?}; diagnostics:\n{all}"
    );
    let d = matching.into_iter().next().unwrap();
    let (file, line, column) = place(&d);
    assert_eq!(
        (file.as_str(), line, column),
        at,
        "wrong place for `{d}`; all diagnostics:\n{all}"
    );
    let h = d.help.clone().unwrap_or_default();
    assert!(!h.trim().is_empty(), "no help for `{d}`");
    for part in help {
        assert!(h.contains(part), "help of `{d}` should mention {part:?}");
    }
    assert!(
        !f.out().exists(),
        "a failed build must not create the output folder"
    );
    assert!(
        f.leftovers().is_empty(),
        "temporary folders left: {:?}",
        f.leftovers()
    );
    d
}

/// Builds and checks one warning (the build still succeeds).
#[track_caller]
fn warns(
    files: &[(&str, &str)],
    at: (&str, usize, usize),
    message: &[&str],
    help: &[&str],
) -> Diagnostic {
    let f = Fixture::new(files);
    let report = f.build();
    let all = describe(&report);
    assert!(
        !report.diagnostics.has_errors(),
        "a warning must not fail the build:\n{all}"
    );
    let matching: Vec<Diagnostic> = warnings(&report)
        .into_iter()
        .filter(|d| message.iter().all(|m| d.message.contains(m)))
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "expected one warning saying {message:?}; diagnostics:\n{all}"
    );
    let d = matching.into_iter().next().unwrap();
    let (file, line, column) = place(&d);
    assert_eq!((file.as_str(), line, column), at, "wrong place for `{d}`");
    let h = d.help.clone().unwrap_or_default();
    for part in help {
        assert!(h.contains(part), "help of `{d}` should mention {part:?}");
    }
    assert!(f.exists("index.html"));
    d
}

fn event_with(front: &str) -> String {
    format!("---\ntitle: 多職種研修会\n{front}---\n\n本文です。\n")
}

// ---------------------------------------------------------------------------------------------
// Front matter: structure

#[test]
fn no_front_matter() {
    fails(
        &[("content/about.md", "# このサイトについて\n\n本文です。\n")],
        ("content/about.md", 1, 1),
        &["no front matter"],
        &["---", "title:"],
    );
}

#[test]
fn unclosed_front_matter() {
    fails(
        &[(
            "content/about.md",
            "---\ntitle: このサイトについて\ndate: 2021-06-30\n\n本文です。\n",
        )],
        ("content/about.md", 1, 1),
        &["not closed"],
        &["---"],
    );
}

#[test]
fn malformed_yaml_is_located_in_characters() {
    // The second `: ` makes the value a mapping, which YAML refuses; column 11 counts characters.
    fails(
        &[(
            "content/about.md",
            "---\ntitle: 研修会: 第1回\n---\n\n本文\n",
        )],
        ("content/about.md", 2, 11),
        &["invalid YAML"],
        &["quote"],
    );
}

#[test]
fn front_matter_that_is_not_a_mapping() {
    fails(
        &[(
            "content/about.md",
            "---\n- このサイトについて\n- 2021-06-30\n---\n\n本文\n",
        )],
        ("content/about.md", 2, 1),
        &["key: value"],
        &["title:"],
    );
}

#[test]
fn yaml_alias_bomb_fails_fast() {
    let mut fm = String::from("---\ntitle: 爆弾\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        fm.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            [prev.as_str(); 10].join(", ")
        ));
    }
    fm.push_str("---\n\n本文\n");
    let f = Fixture::new(&[("content/bomb.md", &fm)]);
    let started = Instant::now();
    let report = f.build();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "alias bomb took {took:?}");
    let errs = errors(&report);
    assert!(
        !errs.is_empty(),
        "alias bomb must fail:\n{}",
        describe(&report)
    );
    let d = &errs[0];
    assert_eq!(place(d).0, "content/bomb.md");
    assert!(d.help.as_deref().unwrap_or("").contains("alias"), "{d}");
    assert!(!f.out().exists());
}

#[test]
fn duplicate_front_matter_key() {
    let d = fails(
        &[(
            "content/about.md",
            "---\ntitle: 古いタイトル\ntitle: 新しいタイトル\n---\n\n本文\n",
        )],
        ("content/about.md", 3, 1),
        &["title"],
        &["title"],
    );
    // The author cannot "set DuplicateKeyPolicy in Options": the message must speak to them.
    assert!(
        !d.message.contains("DuplicateKeyPolicy") && !d.message.contains("Options"),
        "{d}"
    );
    assert!(
        d.message.contains("twice") || d.message.contains("duplicate"),
        "{d}"
    );
}

// ---------------------------------------------------------------------------------------------
// Front matter: common keys

#[test]
fn missing_title() {
    fails(
        &[("content/about.md", "---\ndate: 2021-06-30\n---\n\n本文\n")],
        ("content/about.md", 2, 1),
        &["missing `title`"],
        &["title:"],
    );
}

#[test]
fn empty_title() {
    fails(
        &[("content/about.md", "---\ntitle: \"\"\n---\n\n本文\n")],
        ("content/about.md", 2, 8),
        &["`title` is empty"],
        &["title"],
    );
}

#[test]
fn title_key_left_blank_is_reported_where_it_is() {
    // `title:` with nothing after it is written on line 3: the error belongs there.
    fails(
        &[(
            "content/about.md",
            "---\ndate: 2021-06-30\ntitle:\n---\n\n本文\n",
        )],
        ("content/about.md", 3, 1),
        &["title"],
        &["title"],
    );
}

#[test]
fn impossible_date() {
    fails(
        &[(
            "content/newsletters/2021-02-vol01.md",
            "---\ntitle: 第１号\ndate: 2021-02-30\nnumber: 1\n---\n\n本文\n",
        )],
        ("content/newsletters/2021-02-vol01.md", 3, 7),
        &["impossible date", "2021-02-30"],
        &["2月30日"],
    );
}

#[test]
fn date_that_is_not_a_date() {
    fails(
        &[(
            "content/newsletters/vol01.md",
            "---\ntitle: 第１号\ndate: 令和3年8月23日\nnumber: 1\n---\n\n本文\n",
        )],
        ("content/newsletters/vol01.md", 3, 7),
        &["not a date"],
        &["YYYY-MM-DD"],
    );
}

#[test]
fn tags_as_a_map_is_a_type_error() {
    fails(
        &[(
            "content/about.md",
            "---\ntitle: このサイトについて\ntags: {研修会: 1}\n---\n\n本文\n",
        )],
        ("content/about.md", 3, 7),
        &["tags"],
        &["list"],
    );
    // (The message must not be serde's "data did not match any variant of untagged enum".)
}

#[test]
fn slug_with_parent_folder() {
    fails(
        &[(
            "content/about.md",
            "---\ntitle: このサイトについて\nslug: ../../etc/passwd\n---\n\n本文\n",
        )],
        ("content/about.md", 3, 7),
        &["slug `../../etc/passwd`"],
        &["slug:"],
    );
}

#[test]
fn slug_with_slash() {
    fails(
        &[(
            "content/about.md",
            "---\ntitle: このサイトについて\nslug: 2021/06\n---\n\n本文\n",
        )],
        ("content/about.md", 3, 7),
        &["slug `2021/06`"],
        &["slug:"],
    );
}

#[test]
fn duplicate_output_path() {
    let d = fails(
        &[
            ("content/a.md", &page("ページＡ", "本文")),
            (
                "content/b.md",
                "---\ntitle: ページＢ\nslug: a\n---\n\n本文\n",
            ),
        ],
        ("content/b.md", 3, 7),
        &["two pages would be written to a.html"],
        &["slug"],
    );
    let related = d.related.expect("the other file is named");
    assert_eq!(
        related.file.to_string_lossy().replace('\\', "/"),
        "content/a.md"
    );
}

#[test]
fn page_that_would_overwrite_the_home_page() {
    fails(
        &[("content/index.md", &page("ホーム", "本文"))],
        ("content/index.md", 1, 1),
        &["index.html", "generates itself"],
        &["slug"],
    );
}

#[test]
fn slug_that_would_overwrite_a_listing() {
    fails(
        &[(
            "content/newsletters/vol01.md",
            "---\ntitle: 第１号\ndate: 2021-06-30\nnumber: 1\nslug: index\n---\n\n本文\n",
        )],
        ("content/newsletters/vol01.md", 5, 7),
        &["newsletters/index.html"],
        &["slug"],
    );
}

// ---------------------------------------------------------------------------------------------
// Newsletters

#[test]
fn newsletter_without_number() {
    fails(
        &[(
            "content/newsletters/vol01.md",
            "---\ntitle: 第１号\ndate: 2021-06-30\n---\n\n本文\n",
        )],
        ("content/newsletters/vol01.md", 2, 1),
        &["missing `number`"],
        &["number: 1"],
    );
}

#[test]
fn newsletter_number_zero() {
    fails(
        &[(
            "content/newsletters/vol00.md",
            "---\ntitle: 第０号\ndate: 2021-06-30\nnumber: 0\n---\n\n本文\n",
        )],
        ("content/newsletters/vol00.md", 4, 9),
        &["issue number 0"],
        &["number: 1"],
    );
}

#[test]
fn newsletter_number_as_text() {
    fails(
        &[(
            "content/newsletters/vol01.md",
            "---\ntitle: 第１号\ndate: 2021-06-30\nnumber: 第1号\n---\n\n本文\n",
        )],
        ("content/newsletters/vol01.md", 4, 9),
        &["number"],
        &["number: 1"],
    );
}

#[test]
fn duplicate_issue_numbers_name_both_files() {
    let d = fails(
        &[
            ("content/newsletters/2021-06-vol01.md", NEWSLETTER_OK),
            (
                "content/newsletters/2021-09-vol02.md",
                "---\ntitle: 第２号\ndate: 2021-09-30\nnumber: 1\n---\n\n本文\n",
            ),
        ],
        ("content/newsletters/2021-09-vol02.md", 4, 9),
        &["used twice"],
        &["number"],
    );
    let related = d.related.expect("the first file is named too");
    assert_eq!(
        (
            related.file.to_string_lossy().replace('\\', "/"),
            related.line,
            related.column
        ),
        ("content/newsletters/2021-06-vol01.md".to_owned(), 4, 9)
    );
}

// ---------------------------------------------------------------------------------------------
// Events

#[test]
fn event_status_typo_suggests_the_right_word() {
    fails(
        &[(
            "content/events/kenshu.md",
            &event_with(
                "status: schedulled\nsessions:\n  - {start: 2021-08-23T14:15, end: 2021-08-23T16:15}\n",
            ),
        )],
        ("content/events/kenshu.md", 3, 9),
        &["unknown status `schedulled`"],
        &["did you mean `scheduled`"],
    );
}

#[test]
fn event_format_typo_suggests_the_right_word() {
    fails(
        &[(
            "content/events/kenshu.md",
            &event_with(
                "format: onlin\nsessions:\n  - {start: 2021-08-23T14:15, end: 2021-08-23T16:15}\n",
            ),
        )],
        ("content/events/kenshu.md", 3, 9),
        &["unknown format `onlin`"],
        &["did you mean `online`"],
    );
}

#[test]
fn session_that_ends_before_it_starts() {
    fails(
        &[(
            "content/events/kenshu.md",
            &event_with("sessions:\n  - start: 2021-08-23T16:15\n    end: 2021-08-23T14:15\n"),
        )],
        ("content/events/kenshu.md", 5, 10),
        &["ends", "before it starts"],
        &["end"],
    );
}

#[test]
fn second_session_without_start_is_reported_at_that_session() {
    // The first session is fine; the error must point at the second one (line 6, at its `-`
    // or its first key), not at the start of the list.
    let f = Fixture::new(&[(
        "content/events/kenshu.md",
        &event_with(
            "sessions:\n  - start: 2021-08-23T14:15\n    end: 2021-08-23T16:15\n  - label: 北部・東部\n    end: 2021-08-26T16:15\n",
        ),
    )]);
    let report = f.build();
    let errs: Vec<_> = errors(&report)
        .into_iter()
        .filter(|d| d.message.contains("no `start`"))
        .collect();
    assert_eq!(errs.len(), 1, "{}", describe(&report));
    let (file, line, column) = place(&errs[0]);
    assert_eq!(file, "content/events/kenshu.md");
    assert!(
        line == 6 && (column == 3 || column == 5),
        "reported at {line}:{column}, expected 6:3 or 6:5: {}",
        errs[0]
    );
    assert!(
        errs[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("start: 2021-08-23T14:15")
    );
    assert!(!f.out().exists());
}

#[test]
fn session_without_time() {
    fails(
        &[(
            "content/events/kenshu.md",
            &event_with("sessions:\n  - start: 2021-08-23\n    end: 2021-08-23T16:15\n"),
        )],
        ("content/events/kenshu.md", 4, 12),
        &["needs a date and a time"],
        &["T14:15"],
    );
}

#[test]
fn event_without_sessions() {
    fails(
        &[(
            "content/events/kenshu.md",
            &event_with("status: scheduled\n"),
        )],
        ("content/events/kenshu.md", 2, 1),
        &["needs `sessions`"],
        &["sessions:"],
    );
}

#[test]
fn sessions_empty() {
    fails(
        &[(
            "content/events/kenshu.md",
            &event_with("status: scheduled\nsessions: []\n"),
        )],
        ("content/events/kenshu.md", 4, 11),
        &["`sessions` is empty"],
        &["start"],
    );
}

#[test]
fn capacity_negative() {
    fails(
        &[(
            "content/events/kenshu.md",
            &event_with(
                "capacity: -5\nsessions:\n  - {start: 2021-08-23T14:15, end: 2021-08-23T16:15}\n",
            ),
        )],
        ("content/events/kenshu.md", 3, 11),
        &["capacity -5"],
        &["capacity: 80"],
    );
}

#[test]
fn apply_by_impossible() {
    fails(
        &[(
            "content/events/kenshu.md",
            &event_with(
                "apply_by: 2021-04-31\nsessions:\n  - {start: 2021-08-23T14:15, end: 2021-08-23T16:15}\n",
            ),
        )],
        ("content/events/kenshu.md", 3, 11),
        &["`apply_by` is an impossible date"],
        &["day"],
    );
}

// ---------------------------------------------------------------------------------------------
// Links and images in the body (located at the `[` / `!`, columns in characters)

fn linking_page(body_line: &str) -> String {
    format!("---\ntitle: リンクのあるページ\n---\n\n{body_line}\n")
}

#[test]
fn link_to_a_missing_page() {
    fails(
        &[
            (
                "content/about.md",
                &linking_page("詳しくは[研修会のご案内](events/kenshu.md)をご覧ください。"),
            ),
            (
                "content/events/kensyu.md",
                &event(
                    "研修会",
                    "scheduled",
                    "2021-08-23T14:15",
                    "2021-08-23T16:15",
                    "本文",
                ),
            ),
        ],
        ("content/about.md", 5, 5),
        &["no such page", "content/events/kenshu.md"],
        &["did you mean `events/kensyu.md`"],
    );
}

#[test]
fn link_to_a_draft() {
    fails(
        &[
            (
                "content/about.md",
                &linking_page("詳しくは[下書き](draft.md)へ。"),
            ),
            (
                "content/draft.md",
                "---\ntitle: 下書き\ndraft: true\n---\n\n本文\n",
            ),
        ],
        ("content/about.md", 5, 5),
        &["draft"],
        &["--drafts"],
    );
}

#[test]
fn link_starting_with_slash() {
    fails(
        &[(
            "content/about.md",
            &linking_page("一覧は[こちら](/newsletters/index.html)です。"),
        )],
        ("content/about.md", 5, 4),
        &["starts with `/`"],
        &["relative"],
    );
}

#[test]
fn link_leaving_the_content_folder() {
    fails(
        &[("content/about.md", &linking_page("[設定](../site.yaml)"))],
        ("content/about.md", 5, 1),
        &["outside the content folder"],
        &["content/"],
    );
}

#[test]
fn missing_image() {
    fails(
        &[(
            "content/about.md",
            &linking_page("会場の様子：![会場の写真](images/kaijo.jpg)"),
        )],
        ("content/about.md", 5, 7),
        &["image", "not found", "content/images/kaijo.jpg"],
        &["image"],
    );
}

// ---------------------------------------------------------------------------------------------
// Survey blocks (lines are lines of the Markdown file)

fn survey_page(yaml: &str) -> String {
    format!(
        "---\ntitle: 第２号\ndate: 2021-09-30\nnumber: 2\n---\n\n## アンケート結果\n\n```survey\n{yaml}```\n\n後文\n"
    )
}

#[test]
fn survey_with_zero_respondents() {
    fails(
        &[(
            "content/newsletters/vol02.md",
            &survey_page("question: 活用できるか\nanswers:\n  活かせる: 0\n  活かせない: 0\n"),
        )],
        ("content/newsletters/vol02.md", 11, 1),
        &["no respondents"],
        &["at least one"],
    );
}

#[test]
fn survey_negative_count() {
    fails(
        &[(
            "content/newsletters/vol02.md",
            &survey_page("question: 活用できるか\nanswers:\n  活かせる: 7\n  やや活かせる: -3\n"),
        )],
        ("content/newsletters/vol02.md", 13, 11),
        &["negative"],
        &["0 or more"],
    );
}

#[test]
fn survey_fractional_count() {
    fails(
        &[(
            "content/newsletters/vol02.md",
            &survey_page("question: 活用できるか\nanswers:\n  活かせる: 1.5\n  活かせない: 2\n"),
        )],
        ("content/newsletters/vol02.md", 12, 9),
        &["not a whole number"],
        &["percentage"],
    );
}

#[test]
fn survey_count_with_unit() {
    fails(
        &[(
            "content/newsletters/vol02.md",
            &survey_page("question: 活用できるか\nanswers:\n  活かせる: 12名\n"),
        )],
        ("content/newsletters/vol02.md", 12, 9),
        &["not a number"],
        &["`活かせる: 12`"],
    );
}

#[test]
fn survey_malformed_yaml() {
    fails(
        &[(
            "content/newsletters/vol02.md",
            &survey_page("question: 活用できるか\nanswers: [活かせる: 7, やや活かせる: 3\n"),
        )],
        ("content/newsletters/vol02.md", 11, 10),
        &["invalid YAML in the survey block", "unclosed"],
        &["indentation"],
    );
}

#[test]
fn survey_unknown_key() {
    fails(
        &[(
            "content/newsletters/vol02.md",
            &survey_page("questoin: 活用できるか\nanswers:\n  活かせる: 7\n"),
        )],
        ("content/newsletters/vol02.md", 10, 1),
        &["unknown key `questoin`"],
        &["did you mean `question`"],
    );
}

#[test]
fn survey_duplicate_answer() {
    let d = fails(
        &[(
            "content/newsletters/vol02.md",
            &survey_page(
                "question: 活用できるか\nanswers:\n  活かせる: 7\n  やや活かせる: 3\n  活かせる: 2\n",
            ),
        )],
        ("content/newsletters/vol02.md", 14, 3),
        &["`活かせる` is written twice"],
        &["once"],
    );
    let related = d.related.expect("the first one is shown");
    assert_eq!((related.line, related.column), (12, 3));
}

#[test]
fn survey_without_answers() {
    fails(
        &[(
            "content/newsletters/vol02.md",
            &survey_page("question: 活用できるか\n"),
        )],
        ("content/newsletters/vol02.md", 10, 1),
        &["no `answers`"],
        &["answers:"],
    );
}

// ---------------------------------------------------------------------------------------------
// site.yaml, theme and templates

#[test]
fn site_yaml_missing() {
    let f = Fixture::empty();
    f.write("content/about.md", &page("このサイトについて", "本文"));
    fails_in(&f, ("site.yaml", 1, 1), &["no site.yaml"], &["--root"]);
}

#[test]
fn site_yaml_without_title() {
    fails(
        &[
            ("site.yaml", "theme: default\nlanguage: ja\n"),
            ("content/about.md", &page("このサイトについて", "本文")),
        ],
        ("site.yaml", 1, 1),
        &["no `title`"],
        &["title:"],
    );
}

#[test]
fn unknown_theme_is_reported_at_the_theme_line() {
    fails(
        &[
            ("site.yaml", "title: テスト用サイト\ntheme: fancy\n"),
            ("content/about.md", &page("このサイトについて", "本文")),
        ],
        ("site.yaml", 2, 8),
        &["theme `fancy` not found"],
        &["theme: default"],
    );
}

#[test]
fn date_style_typo() {
    fails(
        &[
            ("site.yaml", "title: テスト用サイト\ndate_style: oficial\n"),
            ("content/about.md", &page("このサイトについて", "本文")),
        ],
        ("site.yaml", 2, 13),
        &["unknown date_style `oficial`"],
        &["official", "plain"],
    );
}

#[test]
fn template_syntax_error_in_a_site_override() {
    let template = "{% extends \"base.html\" %}\n{% block title %}{{ page.title }}{% endblock title %}\n{% block content %}\n<h1>{{ page.title }}</h1>\n<div>{{ page.content | safe }</div>\n{% endblock content %}\n";
    let d = fails(
        &[
            ("templates/page.html", template),
            ("content/about.md", &page("このサイトについて", "本文")),
        ],
        ("templates/page.html", 5, 29),
        &["template error"],
        &["template"],
    );
    assert!(!d.message.contains("built-in"), "{d}");
}

#[test]
fn unknown_filter_in_a_site_override_is_located() {
    let template = "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ page.title | nosuchfilter }}</p>\n{% endblock content %}\n";
    let d = fails(
        &[
            ("templates/page.html", template),
            ("content/about.md", &page("このサイトについて", "本文")),
        ],
        ("templates/page.html", 3, 20),
        &["Unknown filter `nosuchfilter`"],
        &["template"],
    );
    assert!(!d.message.contains("-->"), "{d}");
}

// ---------------------------------------------------------------------------------------------
// Encodings

#[test]
fn invalid_utf8_is_located_at_the_first_bad_byte() {
    let f = Fixture::new(&[]);
    f.write_bytes(
        "content/about.md",
        b"---\ntitle: \xE3\x81\x82\n---\n\n\xE6\x9C\xAC\xE6\x96\x87\xFF\xFE\n",
    );
    fails_in(
        &f,
        ("content/about.md", 5, 3),
        &["neither UTF-8 nor Shift_JIS", "0xFF"],
        &["UTF-8"],
    );
}

// ---------------------------------------------------------------------------------------------
// Warnings (the build succeeds)

#[test]
fn unknown_front_matter_key_warns_with_did_you_mean() {
    warns(
        &[(
            "content/events/kenshu.md",
            &event_with(
                "venu: 天王寺区民センター\nsessions:\n  - {start: 2021-08-23T14:15, end: 2021-08-23T16:15}\n",
            ),
        )],
        ("content/events/kenshu.md", 3, 1),
        &["unknown key `venu`"],
        &["did you mean `venue`"],
    );
}

#[test]
fn unknown_site_yaml_key_warns_with_did_you_mean() {
    warns(
        &[
            ("site.yaml", "title: テスト用サイト\ndate_styl: plain\n"),
            ("content/about.md", &page("このサイトについて", "本文")),
        ],
        ("site.yaml", 2, 1),
        &["unknown key `date_styl`"],
        &["did you mean `date_style`"],
    );
}

#[test]
fn image_without_alt_text_warns() {
    let f = Fixture::new(&[("content/about.md", &linking_page("写真：![](kaijo.png)"))]);
    f.write_bytes("content/kaijo.png", b"\x89PNG\r\n\x1a\n");
    let report = f.build();
    assert!(!report.diagnostics.has_errors(), "{}", describe(&report));
    let w: Vec<_> = warnings(&report)
        .into_iter()
        .filter(|d| d.message.contains("alternative text"))
        .collect();
    assert_eq!(w.len(), 1, "{}", describe(&report));
    assert_eq!(place(&w[0]), ("content/about.md".to_owned(), 5, 4));
    assert!(w[0].help.as_deref().unwrap_or("").contains("![説明]"));
}

#[test]
fn key_of_another_section_warns() {
    warns(
        &[(
            "content/about.md",
            "---\ntitle: このサイトについて\nnumber: 3\n---\n\n本文\n",
        )],
        ("content/about.md", 3, 1),
        &["`number` is only used by newsletter issues"],
        &["content/newsletters/"],
    );
}

#[test]
fn misplaced_key_warns_once() {
    // One mistake, one warning: `number` on a plain page must not be reported twice at the
    // same place ("only used by newsletter issues" and "unknown key").
    let f = Fixture::new(&[(
        "content/about.md",
        "---\ntitle: このサイトについて\nnumber: 3\n---\n\n本文\n",
    )]);
    let report = f.build();
    let at_key: Vec<_> = warnings(&report)
        .into_iter()
        .filter(|d| place(d) == ("content/about.md".to_owned(), 3, 1))
        .collect();
    assert_eq!(at_key.len(), 1, "{}", describe(&report));
}

#[test]
fn shift_jis_page_warns() {
    let text = page("このサイトについて", "本文です。");
    let (bytes, _, bad) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!bad);
    let f = Fixture::new(&[]);
    f.write_bytes("content/about.md", &bytes);
    let report = f.build();
    assert!(!report.diagnostics.has_errors(), "{}", describe(&report));
    let w = warnings(&report);
    assert_eq!(w.len(), 1, "{}", describe(&report));
    assert_eq!(place(&w[0]), ("content/about.md".to_owned(), 1, 1));
    assert!(w[0].message.contains("Shift_JIS"));
    assert!(w[0].help.as_deref().unwrap_or("").contains("UTF-8"));
}

// ---------------------------------------------------------------------------------------------
// All problems at once, and through the real binary

#[test]
fn every_problem_of_a_build_is_reported_together() {
    let f = Fixture::new(&[
        (
            "content/newsletters/a.md",
            "---\ntitle: 第１号\ndate: 2021-02-30\nnumber: 1\n---\n\n本文\n",
        ),
        (
            "content/events/b.md",
            &event_with(
                "status: helt\nsessions:\n  - {start: 2021-08-23T14:15, end: 2021-08-23T16:15}\n",
            ),
        ),
        ("content/c.md", &linking_page("[なし](nothing.md)")),
    ]);
    let report = f.build();
    let files: Vec<String> = errors(&report).iter().map(|d| place(d).0).collect();
    for expected in [
        "content/newsletters/a.md",
        "content/events/b.md",
        "content/c.md",
    ] {
        assert!(
            files.iter().any(|f| f == expected),
            "no error for {expected}:\n{}",
            describe(&report)
        );
    }
    assert!(!f.out().exists());
}

#[track_caller]
fn binary_fails(files: &[(&str, &str)], located: &str) {
    let f = Fixture::new(files);
    let o = f.run(TODAY, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "stderr:\n{err}");
    assert!(
        err.contains(located),
        "stderr should contain {located}:\n{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("help"), "stderr should carry the help:\n{err}");
    assert!(!f.out().exists(), "no output folder after a failed build");
    assert!(f.leftovers().is_empty(), "{:?}", f.leftovers());
}

#[test]
fn binary_impossible_date() {
    binary_fails(
        &[(
            "content/newsletters/vol01.md",
            "---\ntitle: 第１号\ndate: 2021-02-30\nnumber: 1\n---\n\n本文\n",
        )],
        "content/newsletters/vol01.md:3:7",
    );
}

#[test]
fn binary_session_order() {
    binary_fails(
        &[(
            "content/events/kenshu.md",
            &event_with("sessions:\n  - start: 2021-08-23T16:15\n    end: 2021-08-23T14:15\n"),
        )],
        "content/events/kenshu.md:5:10",
    );
}

#[test]
fn binary_survey_negative() {
    binary_fails(
        &[(
            "content/newsletters/vol02.md",
            &survey_page("question: 活用できるか\nanswers:\n  活かせる: 7\n  やや活かせる: -3\n"),
        )],
        "content/newsletters/vol02.md:13:11",
    );
}

#[test]
fn binary_missing_link_target() {
    binary_fails(
        &[(
            "content/about.md",
            &linking_page("詳しくは[研修会のご案内](events/kenshu.md)をご覧ください。"),
        )],
        "content/about.md:5:5",
    );
}

#[test]
fn binary_missing_site_yaml() {
    let f = Fixture::empty();
    let o = f.run(TODAY, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("site.yaml:1:1"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!f.out().exists());
}

#[test]
fn binary_hostile_markdown_does_not_panic() {
    let deep = format!(
        "{}本文\n\n{}強調{}\n\n{}\n",
        ">".repeat(5000),
        "*".repeat(3000),
        "*".repeat(3000),
        "[".repeat(20000)
    );
    let f = Fixture::new(&[("content/about.md", &linking_page(&deep))]);
    let o = f.run(TODAY, &[]);
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(o.status.code(), Some(0), "{err}");
}
