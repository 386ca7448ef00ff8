//! `tsushin check` through the real binary: each seeded mistake is found at its
//! `file:line:column` with a fix, the exit code is 1 on errors, 0 when clean or with warnings
//! only (1 with `--strict`), and `--format json` gives the same problems as parseable JSON.

mod common;

use std::process::Output;

use common::*;

fn check(f: &Fixture, extra: &[&str]) -> Output {
    let root = f.root();
    let mut args = vec!["check", "--root", root.to_str().unwrap(), "--today", TODAY];
    args.extend(extra);
    run_bin(&args, f.dir.path())
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// (file, line, column, severity, part of the message)
type Expected = (&'static str, usize, usize, &'static str, &'static str);

/// A site with one of each mistake `build` knows.
fn seeded() -> Fixture {
    let f = Fixture::new(&[
        (
            "content/events/a.md",
            "---\ntitle: 研修\nstatus: schduled\nsessions:\n  - start: 2021-08-23T14:15\n    end: 2021-08-23T16:15\n---\n\n本文\n",
        ),
        (
            "content/newsletters/2021-06-vol01.md",
            "---\ntitle: 第１号\ndate: 2021-06-30\nnumber: 1\n---\n\n[なし](missing.md) と [見出し](#nowhere)\n\n![図](images/none.png)\n\n![](images/ok.png)\n\n絵文字🙂です。\n\n```survey\nquestion: 役立ったか\nanswers:\n  はい: -3\n```\n",
        ),
        (
            "content/newsletters/2021-09-vol02.md",
            "---\ntitle: 第２号\ndate: 2021-09-30\nnumber: 1\n---\n\n本文\n",
        ),
        (
            "content/a.md",
            "---\ntitle: ページA\nslug: same\n---\n\nA\n",
        ),
        (
            "content/b.md",
            "---\ntitle: ページB\nslug: same\n---\n\nB\n",
        ),
        (
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ page.title | wareki }}</p>\n{% endblock content %}\n",
        ),
    ]);
    f.write_bytes("content/newsletters/images/ok.png", &tiny_png(60));
    f
}

const EXPECTED: &[Expected] = &[
    (
        "content/b.md",
        3,
        7,
        "error",
        "two pages would be written to same.html",
    ),
    (
        "content/events/a.md",
        3,
        9,
        "error",
        "unknown status `schduled`",
    ),
    (
        "content/newsletters/2021-06-vol01.md",
        7,
        1,
        "error",
        "link to `missing.md`: no such page",
    ),
    (
        "content/newsletters/2021-06-vol01.md",
        7,
        20,
        "warning",
        "no heading with the anchor `#nowhere`",
    ),
    (
        "content/newsletters/2021-06-vol01.md",
        9,
        1,
        "error",
        "image `images/none.png` not found",
    ),
    (
        "content/newsletters/2021-06-vol01.md",
        11,
        1,
        "warning",
        "image has no alternative text",
    ),
    (
        "content/newsletters/2021-06-vol01.md",
        11,
        1,
        "error",
        "image `images/ok.png` has no alternative text, which the PDF needs",
    ),
    (
        "content/newsletters/2021-06-vol01.md",
        13,
        4,
        "error",
        "is in no font of the PDF",
    ),
    (
        "content/newsletters/2021-06-vol01.md",
        18,
        7,
        "error",
        "the count of `はい` is negative",
    ),
    (
        "content/newsletters/2021-09-vol02.md",
        4,
        9,
        "error",
        "issue number 1 (第1号) is used twice",
    ),
    (
        "templates/page.html",
        3,
        20,
        "error",
        "template error: expected a date",
    ),
];

#[test]
fn finds_every_seeded_mistake_where_it_is() {
    let f = seeded();
    let out = check(&f, &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    for (file, line, col, severity, message) in EXPECTED {
        let head = format!("{file}:{line}:{col}: {severity}: ");
        let found = text
            .lines()
            .any(|l| l.starts_with(&head) && l.contains(message));
        assert!(found, "missing `{head}…{message}` in:\n{text}");
    }
    // Every problem comes with a fix.
    let problems = text
        .lines()
        .filter(|l| l.contains(": error: ") || l.contains(": warning: "))
        .count();
    let fixes = text
        .lines()
        .filter(|l| l.trim_start().starts_with("fix: "))
        .count();
    assert!(problems >= EXPECTED.len(), "{text}");
    assert_eq!(problems, fixes, "a problem without a fix:\n{text}");
    assert!(
        text.contains("check failed: 10 errors, 2 warnings"),
        "{text}"
    );
    // Nothing was written.
    assert!(!f.root().join("output").exists());
    assert!(!f.out().exists());
}

#[test]
fn json_output_parses_and_matches() {
    let f = seeded();
    let out = check(&f, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", stdout(&out)));
    assert_eq!(v["version"], 1);
    assert_eq!(v["ok"], false);
    assert_eq!(v["errors"], 10);
    assert_eq!(v["warnings"], 2);
    assert_eq!(v["files"], 5);
    let diags = v["diagnostics"].as_array().unwrap();
    for (file, line, col, severity, message) in EXPECTED {
        let found = diags.iter().any(|d| {
            d["file"] == *file
                && d["line"] == *line
                && d["column"] == *col
                && d["severity"] == *severity
                && d["message"].as_str().unwrap().contains(message)
                && d["help"].as_str().is_some_and(|h| !h.is_empty())
        });
        assert!(found, "missing {file}:{line}:{col} {message} in {diags:#?}");
    }
    let dup = diags
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("used twice"))
        .unwrap();
    assert_eq!(
        dup["related"]["file"],
        "content/newsletters/2021-06-vol01.md"
    );
    assert_eq!(dup["related"]["line"], 4);
}

#[test]
fn a_broken_template_is_located() {
    let f = Fixture::new(&[
        ("content/about.md", &page("このサイトについて", "本文")),
        (
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ page.title </p>\n{% endblock content %}\n",
        ),
    ]);
    let out = check(&f, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("templates/page.html:3:18: error: template error"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn the_example_site_is_clean() {
    let root = repo_root();
    let out = run_bin(
        &[
            "check",
            "--root",
            root.to_str().unwrap(),
            "--today",
            "2026-11-23",
        ],
        &root,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with("ok: no problems in 13 Markdown files"),
        "{}",
        stdout(&out)
    );
    let json = run_bin(
        &[
            "check",
            "--root",
            root.to_str().unwrap(),
            "--today",
            "2026-11-23",
            "--format",
            "json",
        ],
        &root,
    );
    assert_eq!(json.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(v["ok"], true);
    assert_eq!(v["diagnostics"].as_array().map(Vec::len), Some(0));
}

#[test]
fn warnings_alone_pass_unless_strict() {
    let f = Fixture::new(&[
        (
            "content/about.md",
            &page("このサイトについて", "[上へ](#nowhere)"),
        ),
        ("content/a.md", "---\ntitle: A\ntitel: typo\n---\n\nA\n"),
    ]);
    let out = check(&f, &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("content/about.md:5:1: warning: no heading with the anchor `#nowhere`"),
        "{text}"
    );
    assert!(
        text.contains("content/a.md:3:1: warning: unknown key `titel`"),
        "{text}"
    );
    assert!(text.contains("fix: did you mean `title`?"), "{text}");
    assert!(
        text.contains("check passed with warnings: 0 errors, 2 warnings"),
        "{text}"
    );

    let strict = check(&f, &["--strict"]);
    assert_eq!(strict.status.code(), Some(1), "{}", stdout(&strict));
    let json = check(&f, &["--strict", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["warnings"], 2);

    // --quiet leaves warnings out of the human report.
    let quiet = check(&f, &["--quiet"]);
    assert_eq!(quiet.status.code(), Some(0));
    assert!(stdout(&quiet).is_empty(), "{}", stdout(&quiet));
}

#[test]
fn no_color_means_no_escape_codes() {
    let f = seeded();
    // run_bin sets NO_COLOR; output to a pipe is never coloured anyway.
    let out = check(&f, &[]);
    assert!(!stdout(&out).contains('\u{1b}'));
    assert!(!stderr(&out).contains('\u{1b}'));
}

#[test]
fn characters_missing_from_the_pdf_fonts_are_found_in_site_yaml_too() {
    let f = Fixture::new(&[
        ("site.yaml", "title: テスト🙂\n"),
        (
            "content/newsletters/2021-06-vol01.md",
            &newsletter(1, "2021-06-30", "第１号", "本文"),
        ),
    ]);
    let out = check(&f, &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("site.yaml:1:11: error: U+1F642 🙂 is in no font of the PDF"),
        "{text}"
    );
    // Without PDFs, the HTML site alone is fine.
    let html_only = check(&f, &["--no-pdf"]);
    assert_eq!(html_only.status.code(), Some(0), "{}", stdout(&html_only));
}
