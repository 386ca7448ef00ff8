//! The meeting handout (会議資料), the third document kind, end to end through the real binary:
//! its page, listing and navigation; its A4 landscape PDF with a title page, one page per `##`
//! section and page numbers at the foot (read back with poppler and checked with qpdf);
//! `tsushin new handout` followed by a clean `check`; front-matter errors located at
//! file:line:column.

mod common;

use std::path::PathBuf;

use common::*;

const EXAMPLE: &str = include_str!("../content/handouts/2021-07-shiryo3.md");
const REL: &str = "content/handouts/2021-07-shiryo3.md";

fn site_with_handout() -> Fixture {
    Fixture::new(&[
        (REL, EXAMPLE),
        (
            "content/newsletters/2021-06-vol01.md",
            &newsletter(1, "2021-06-30", "第１号", "本文です。\n"),
        ),
    ])
}

/// Builds with the real binary and fails the test when the build fails.
fn build_bin(f: &Fixture) {
    let o = f.run(TODAY, &[]);
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
}

fn handout_pdf(f: &Fixture) -> PathBuf {
    let pdfs = pdf_files(&f.out().join("handouts"));
    assert_eq!(pdfs.len(), 1, "{pdfs:?}");
    pdfs[0].clone()
}

/// The `##` headings of the example handout, in order.
fn sections() -> Vec<String> {
    EXAMPLE
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(|s| s.trim().to_owned())
        .collect()
}

/// A page number as the seed prints it: full-width below 10 (the official digit style).
fn official(n: usize) -> String {
    if n < 10 {
        char::from_u32('０' as u32 + n as u32).unwrap().to_string()
    } else {
        n.to_string()
    }
}

#[test]
fn handout_page_is_built_listed_and_linked() {
    let f = site_with_handout();
    build_bin(&f);
    let page = f.html("handouts/2021-07-shiryo3.html");
    assert_eq!(
        texts(&page, "h1.page-title"),
        ["令和３年度 事業の課題に対する取組みについて"]
    );
    assert_eq!(texts(&page, ".issue-badge-number"), ["資料３"]);
    let meta = texts(&page, ".meta-list dd").join("|");
    assert!(meta.contains("在宅医療・介護連携推進会議"), "{meta}");
    assert!(meta.contains("令和３年７月30日（金）"), "{meta}");
    // Badges written 【実施済】 in the text are the trainings' status badges; 【日 時】-like
    // brackets stay text.
    let badges: Vec<String> = texts(&page, ".prose .status-badge");
    assert_eq!(
        badges,
        [
            "開催予定",
            "延期",
            "実施済",
            "NEW",
            "継続実施中",
            "NEW",
            "継続実施中",
            "NEW",
            "開催予定"
        ],
        "{badges:?}"
    );
    assert_eq!(count(&page, ".prose .status-badge.status-held"), 1);
    assert!(page_text(&page).contains("【第１号】"));
    // The survey blocks are charts as in the other kinds.
    assert_eq!(count(&page, "figure.survey svg.survey-bar"), 6);
    // The page links its landscape PDF.
    let pdf = attrs(&page, ".pdf-link a", "href");
    assert_eq!(pdf.len(), 1);
    let target = resolve("handouts/2021-07-shiryo3.html", &pdf[0])
        .unwrap()
        .unwrap();
    assert!(target.starts_with("handouts/資料3_"), "{target}");
    assert!(f.out().join(&target).is_file(), "{target}");

    // The listing, the navigation of every page and the home page lead to it.
    let listing = f.html("handouts/index.html");
    assert_eq!(
        attrs(&listing, ".issue-list a", "href"),
        ["../handouts/2021-07-shiryo3.html"]
    );
    assert_eq!(texts(&listing, ".issue-number"), ["資料３"]);
    for (file, href) in [
        ("index.html", "handouts/index.html"),
        ("newsletters/2021-06-vol01.html", "../handouts/index.html"),
        ("handouts/2021-07-shiryo3.html", "../handouts/index.html"),
    ] {
        let nav = attrs(&f.html(file), ".site-nav a", "href");
        assert!(nav.iter().any(|h| h == href), "{file}: {nav:?}");
    }
    let home = f.html("index.html");
    assert_eq!(
        attrs(&home, ".home-handouts .issue-list a", "href"),
        ["handouts/2021-07-shiryo3.html"]
    );
    // Its tags, the feed and the search index know it.
    let tag = f.html("tags/index.html");
    assert!(texts(&tag, "a").iter().any(|t| t.contains("会議資料")));
    assert!(
        f.read("feed.xml")
            .contains("令和３年度 事業の課題に対する取組みについて")
    );
    assert!(
        broken_links(&f.out()).is_empty(),
        "{:?}",
        broken_links(&f.out())
    );
}

#[test]
fn a_site_without_handouts_has_no_handout_navigation() {
    let f = Fixture::new(&[(
        "content/newsletters/2021-06-vol01.md",
        &newsletter(1, "2021-06-30", "第１号", "本文です。\n"),
    )]);
    build_bin(&f);
    assert!(!f.exists("handouts/index.html"));
    let nav = attrs(&f.html("index.html"), "a", "href");
    assert!(!nav.iter().any(|h| h.contains("handouts")), "{nav:?}");
}

#[test]
fn handout_pdf_is_landscape_with_a_title_page_and_a_page_per_section() {
    let f = site_with_handout();
    build_bin(&f);
    let pdf = handout_pdf(&f);
    let name = pdf.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("資料3_"), "{name}");
    let info = pdfinfo(&pdf);
    assert!(
        info["Page size"].starts_with("841.89 x 595.27"),
        "{}",
        info["Page size"]
    );
    let sections = sections();
    assert_eq!(sections.len(), 10);
    let pages: usize = info["Pages"].parse().unwrap();
    assert_eq!(
        pages,
        1 + sections.len(),
        "a title page, then one page per ## section"
    );

    // The title page: 資料番号, meeting, title, date in the era, publisher; no page number.
    let title = pdf_page_text(&pdf, 1);
    for s in [
        "資料３",
        "在宅医療・介護連携推進会議",
        "令和３年度 事業の課題に対する取組みについて",
        "令和３年７月30日（金）",
        "テスト用 連絡会サイト",
    ] {
        assert!(
            normalize(&title).contains(s),
            "{s} missing on the title page:\n{title}"
        );
    }
    let last = |t: &str| {
        t.lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty())
            .unwrap_or("")
            .to_owned()
    };
    assert_ne!(last(&title), official(1));
    // Every later page starts with its section's heading and ends with its number.
    for (i, heading) in sections.iter().enumerate() {
        let n = i + 2;
        let text = pdf_page_text(&pdf, n);
        let mut lines = text.lines().map(normalize).filter(|l| !l.is_empty());
        // The running header, then the section's heading at the top of the page.
        assert_eq!(
            lines.next().as_deref(),
            Some("在宅医療・介護連携推進会議 資料３"),
            "page {n}:\n{text}"
        );
        let first = lines.next().unwrap_or_default();
        let head = normalize(heading).replace(['【', '】'], "");
        let head_start: String = head.chars().take(6).collect();
        assert!(
            first
                .replace(' ', "")
                .starts_with(&head_start.replace(' ', "")),
            "page {n} should start with {heading}:\n{text}"
        );
        assert_eq!(last(&text), official(n), "page {n}:\n{text}");
    }
    // The badges are in the PDF's text too, without their brackets.
    assert!(
        normalize(&pdf_page_text(&pdf, 6)).contains("説明会の開催 実施済 NEW"),
        "{}",
        pdf_page_text(&pdf, 6)
    );
    // The survey charts: each answer with its count and percentage, as the HTML shows it.
    let all = normalize(&pdftotext(&pdf));
    for figure in [
        "深まった 13名（48%）",
        "あまり深まらなかった 1名（4%）",
        "未回答 1名（4%）",
    ] {
        assert!(all.contains(figure), "{figure} missing:\n{all}");
    }
}

#[test]
fn handout_pdf_is_tagged_and_passes_qpdf() {
    let f = site_with_handout();
    build_bin(&f);
    let pdf = handout_pdf(&f);
    assert_eq!(pdfinfo(&pdf)["Tagged"], "yes");
    let o = tool("qpdf", ["--check".as_ref(), pdf.as_os_str()]);
    assert!(
        o.status.success(),
        "qpdf: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn new_handout_then_check_is_clean() {
    let f = Fixture::new(&[]);
    let root = f.root();
    let new = |title: &str| {
        run_bin(
            &[
                "new",
                "handout",
                title,
                "--root",
                root.to_str().unwrap(),
                "--date",
                "2021-07-30",
            ],
            f.dir.path(),
        )
    };
    let o = new("令和３年度 事業の課題に対する取組みについて");
    assert!(o.status.success(), "{}", stderr(&o));
    let first = root.join("content/handouts/2021-07-30-shiryo1.md");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        first.to_str().unwrap()
    );
    let text = std::fs::read_to_string(&first).unwrap();
    assert!(
        text.contains("number: 1\n") && text.contains("date: 2021-07-30\n"),
        "{text}"
    );
    // The next handout of the same meeting takes the next number.
    let o = new("アンケート結果");
    assert!(o.status.success(), "{}", stderr(&o));
    let second = std::fs::read_to_string(root.join("content/handouts/2021-07-30-shiryo2.md"))
        .expect("the second handout");
    assert!(second.contains("number: 2\n"), "{second}");

    let (out, diags) = check_json(&f, &[]);
    assert!(out.status.success(), "{diags:#?}");
    assert!(diags.is_empty(), "{diags:#?}");
    build_bin(&f);
    assert_eq!(pdf_files(&f.out().join("handouts")).len(), 2);
}

#[test]
fn handout_front_matter_errors_are_located() {
    let f = Fixture::new(&[
        (
            "content/handouts/a.md",
            "---\ntitle: 資料\nnumber: 0\ndate: 2021-02-30\nmeetng: 推進会議\n---\n\n## 一\n",
        ),
        (
            "content/handouts/b.md",
            "---\ntitle: 資料\nnumber: 資料三\nmeeting: 推進会議\ndate: 2021-07-30\n---\n",
        ),
        (
            "content/handouts/c.md",
            "---\ntitle: 資料\nnumber: 2\nmeeting: 推進会議\nstatus: held\n---\n",
        ),
    ]);
    let (out, diags) = check_json(&f, &[]);
    assert_eq!(out.status.code(), Some(1));
    let has = |file: &str, line: usize, col: Option<usize>, severity: &str, message: &str| {
        diags.iter().any(|d| {
            d["file"] == format!("content/handouts/{file}")
                && d["line"] == line
                && col.is_none_or(|c| d["column"] == c)
                && d["severity"] == severity
                && d["message"].as_str().unwrap().contains(message)
                && d["help"].as_str().is_some_and(|h| !h.is_empty())
        })
    };
    let expected = [
        (
            "a.md",
            3,
            Some(9),
            "error",
            "handout number 0 is out of range",
        ),
        ("a.md", 4, Some(7), "error", "impossible date"),
        ("a.md", 5, Some(1), "warning", "meetng"),
        ("a.md", 2, Some(1), "error", "missing `meeting`"),
        (
            "b.md",
            3,
            None,
            "error",
            "`number` has a value of the wrong kind",
        ),
        ("c.md", 2, Some(1), "error", "missing `date`"),
        (
            "c.md",
            5,
            Some(1),
            "warning",
            "`status` is only used by training announcements",
        ),
    ];
    for (file, line, col, severity, message) in expected {
        assert!(
            has(file, line, col, severity, message),
            "missing {file}:{line}:{col:?} {severity} {message} in {diags:#?}"
        );
    }
    // `number` and `meeting` are the handout's own keys: no warning about them.
    assert!(
        !diags.iter().any(|d| d["message"]
            .as_str()
            .unwrap()
            .contains("`number` is only used")),
        "{diags:#?}"
    );
}

/// Two handouts of one meeting on one day with the same 資料番号 are an error at the second
/// one's `number`, naming the first; the same number at another meeting is not.
#[test]
fn a_handout_number_used_twice_in_one_meeting_is_an_error() {
    let f = site_with_handout();
    let copy = "content/handouts/2021-07-shiryo3-copy.md";
    f.write(copy, EXAMPLE);
    let report = f.build();
    let twice: Vec<_> = errors(&report)
        .into_iter()
        .filter(|d| d.message.contains("is used twice"))
        .collect();
    assert_eq!(twice.len(), 1, "{}", describe(&report));
    assert!(twice[0].message.contains("資料3"), "{}", twice[0].message);
    let (file, line, _) = place(&twice[0]);
    assert!(file.ends_with("2021-07-shiryo3.md") || file.ends_with("shiryo3-copy.md"));
    assert_eq!(line, 3, "{}", describe(&report));
    assert!(twice[0].related.is_some());
    f.write(
        copy,
        &EXAMPLE
            .replace("date: 2021-07-30", "date: 2021-10-29")
            .replace("title: 令和３年度", "title: 第２回 令和３年度"),
    );
    assert!(
        !f.build().diagnostics.has_errors(),
        "another meeting day may use 資料3 again"
    );
}
