//! Whole-site builds: survey figures, listings (fiscal years, upcoming and past trainings),
//! drafts, the Atom feed, and the atomic replacement of the output folder.

mod common;

use std::str::FromStr;

use common::*;

// ---------------------------------------------------------------------------------------------
// Survey figures

const SURVEYS: &str = "## アンケート結果

```survey
question: グループワークで事業の理解が深まったか
group: 区職員
answers:
  深まった: 13
  やや深まった: 13
  あまり深まらなかった: 1
  深まらなかった: 0
```

```survey
question: 今後の業務に活用できるか
group: コーディネーター
answers:
  活かせる: 9
  やや活かせる: 15
  あまり活かせない: 2
  活かせない: 0
```

```survey
question: 顔の見える関係づくりができたか
group: 区職員
answers:
  そう思う: 18
  ややそう思う: 8
  あまりそう思わない: 1
  そう思わない: 0
```
";

/// A survey question and its (answer, count, percent) rows.
type Expected<'a> = (&'a str, [(&'a str, u32, u32); 4]);

#[test]
fn survey_figures_use_largest_remainder_percentages() {
    let f = Fixture::new(&[(
        "content/newsletters/2021-09-vol02.md",
        &newsletter(
            2,
            "2021-09-30",
            "コーディネーター連絡会通信 第２号",
            SURVEYS,
        ),
    )]);
    f.build_ok();
    let html = f.html("newsletters/2021-09-vol02.html");
    let figures: Vec<String> = texts(&html, "figure.survey");
    assert_eq!(figures.len(), 3, "three survey figures");
    let expected: [Expected; 3] = [
        (
            "グループワークで事業の理解が深まったか",
            [
                ("深まった", 13, 48),
                ("やや深まった", 13, 48),
                ("あまり深まらなかった", 1, 4),
                ("深まらなかった", 0, 0),
            ],
        ),
        (
            "今後の業務に活用できるか",
            [
                ("活かせる", 9, 34),
                ("やや活かせる", 15, 58),
                ("あまり活かせない", 2, 8),
                ("活かせない", 0, 0),
            ],
        ),
        (
            "顔の見える関係づくりができたか",
            [
                ("そう思う", 18, 67),
                ("ややそう思う", 8, 29),
                ("あまりそう思わない", 1, 4),
                ("そう思わない", 0, 0),
            ],
        ),
    ];
    for (figure, (question, answers)) in figures.iter().zip(expected) {
        assert!(figure.contains(question), "{figure}");
        // Every label, in the written order, with its figure as printed in the handouts.
        let mut from = 0;
        for (label, count, percent) in answers {
            let printed = format!("{label} {count}名（{percent}%）");
            let at = figure[from..]
                .find(&printed)
                .unwrap_or_else(|| panic!("{printed:?} not found (in order) in {figure}"));
            from += at + printed.len();
        }
    }

    // The accessible table carries the same figures, and the percentages add up to 100.
    let table_sel = scraper::Selector::parse("figure.survey table").unwrap();
    let row_sel = scraper::Selector::parse("tbody tr").unwrap();
    let cell_sel = scraper::Selector::parse("th, td").unwrap();
    let tables: Vec<_> = html.select(&table_sel).collect();
    assert_eq!(tables.len(), 3, "one table per survey");
    for (table, (_, answers)) in tables.iter().zip(expected) {
        assert!(
            table
                .select(&scraper::Selector::parse("caption").unwrap())
                .next()
                .is_some(),
            "table has a caption"
        );
        assert!(
            table
                .select(&scraper::Selector::parse("th[scope=col]").unwrap())
                .count()
                >= 3,
            "column headers"
        );
        let rows: Vec<Vec<String>> = table
            .select(&row_sel)
            .map(|r| {
                r.select(&cell_sel)
                    .map(|c| normalize(&c.text().collect::<String>()))
                    .collect()
            })
            .collect();
        let want: Vec<Vec<String>> = answers
            .iter()
            .map(|(l, c, p)| vec![l.to_string(), format!("{c}名"), format!("{p}%")])
            .collect();
        assert_eq!(rows, want);
        let sum: u32 = rows
            .iter()
            .map(|r| r[2].trim_end_matches('%').parse::<u32>().unwrap())
            .sum();
        assert_eq!(sum, 100);
    }
}

#[test]
fn example_site_survey_figures() {
    let out = example_output();
    let text = std::fs::read_to_string(out.join("newsletters/2021-09-vol02.html")).unwrap();
    for label in [
        "13名（48%）",
        "1名（4%）",
        "0名（0%）",
        "9名（34%）",
        "15名（58%）",
        "2名（8%）",
        "18名（67%）",
        "8名（29%）",
    ] {
        assert!(
            text.contains(label),
            "{label} missing from the example's 第２号"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Listings

#[test]
fn newsletters_are_grouped_by_fiscal_year() {
    let f = Fixture::new(&[
        (
            "content/newsletters/a.md",
            &newsletter(1, "2021-04-01", "年度初めの号", "本文"),
        ),
        (
            "content/newsletters/b.md",
            &newsletter(2, "2022-03-31", "年度末の号", "本文"),
        ),
        (
            "content/newsletters/c.md",
            &newsletter(3, "2022-04-01", "翌年度初めの号", "本文"),
        ),
    ]);
    f.build_ok();
    let html = f.html("newsletters/index.html");
    let r3 = section_headed(&html, "令和３年度");
    let r4 = section_headed(&html, "令和４年度");
    assert!(
        r3.contains("年度初めの号") && r3.contains("年度末の号") && !r3.contains("翌年度初めの号"),
        "{r3}"
    );
    assert!(
        r4.contains("翌年度初めの号") && !r4.contains("年度末の号"),
        "{r4}"
    );
    // Newest year first, newest issue first within a year.
    let text = page_text(&html);
    let (p4, p3) = (
        text.find("令和４年度").unwrap(),
        text.find("令和３年度").unwrap(),
    );
    assert!(p4 < p3, "令和４年度 should come before 令和３年度");
    assert!(
        r3.find("年度末の号").unwrap() < r3.find("年度初めの号").unwrap(),
        "{r3}"
    );
}

fn trainings() -> Vec<(&'static str, String)> {
    vec![
        (
            "content/events/past.md",
            event(
                "新任コーディネーター連絡会",
                "held",
                "2021-06-01T14:00",
                "2021-06-01T16:00",
                "実施しました。",
            ),
        ),
        (
            "content/events/today.md",
            event(
                "本日の説明会",
                "scheduled",
                "2021-10-01T10:00",
                "2021-10-01T12:00",
                "本日です。",
            ),
        ),
        (
            "content/events/later.md",
            event(
                "合同研修会",
                "scheduled",
                "2021-11-05T14:00",
                "2021-11-05T16:30",
                "開催します。",
            ),
        ),
    ]
}

#[test]
fn home_page_splits_upcoming_and_past_trainings_by_today() {
    let files = trainings();
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let f = Fixture::new(&refs);

    f.build_ok_with("2021-10-01", false);
    let html = f.html("index.html");
    let upcoming = section_headed(&html, "今後の研修会");
    assert!(
        upcoming.contains("本日の説明会"),
        "a training on --today is still upcoming: {upcoming}"
    );
    assert!(upcoming.contains("合同研修会"), "{upcoming}");
    assert!(
        !upcoming.contains("新任コーディネーター連絡会"),
        "{upcoming}"
    );
    assert!(
        upcoming.find("本日の説明会").unwrap() < upcoming.find("合同研修会").unwrap(),
        "soonest first"
    );
    let recent = section_headed(&html, "最近の研修会");
    assert!(
        recent.contains("新任コーディネーター連絡会") && !recent.contains("合同研修会"),
        "{recent}"
    );

    f.build_ok_with("2021-10-02", false);
    let html = f.html("index.html");
    let upcoming = section_headed(&html, "今後の研修会");
    assert!(
        !upcoming.contains("本日の説明会") && upcoming.contains("合同研修会"),
        "{upcoming}"
    );
    let recent = section_headed(&html, "最近の研修会");
    assert!(
        recent.find("本日の説明会").unwrap() < recent.find("新任コーディネーター連絡会").unwrap(),
        "newest first: {recent}"
    );

    f.build_ok_with("2022-01-01", false);
    let html = f.html("index.html");
    let upcoming = section_headed(&html, "今後の研修会");
    assert!(
        !upcoming.contains("合同研修会") && !upcoming.contains("本日の説明会"),
        "{upcoming}"
    );
    assert!(f.leftovers().is_empty(), "{:?}", f.leftovers());
}

#[test]
fn events_page_groups_by_status_in_the_documented_order() {
    let f = Fixture::new(&[
        (
            "content/events/a.md",
            &event(
                "中止の研修",
                "cancelled",
                "2021-07-01T14:00",
                "2021-07-01T15:00",
                "中止",
            ),
        ),
        (
            "content/events/b.md",
            &event(
                "実施済の研修",
                "held",
                "2021-06-01T14:00",
                "2021-06-01T15:00",
                "済",
            ),
        ),
        (
            "content/events/c.md",
            &event(
                "延期の研修",
                "postponed",
                "2021-08-23T14:15",
                "2021-08-23T16:15",
                "延期",
            ),
        ),
        (
            "content/events/d.md",
            &event(
                "予定の研修",
                "scheduled",
                "2021-11-05T14:00",
                "2021-11-05T16:00",
                "予定",
            ),
        ),
        (
            "content/events/e.md",
            &event(
                "継続の研修",
                "ongoing",
                "2021-04-01T14:00",
                "2021-04-01T15:00",
                "継続",
            ),
        ),
    ]);
    f.build_ok();
    let html = f.html("events/index.html");
    let labels = ["開催予定", "継続実施中", "延期", "実施済", "中止"];
    let titles = [
        "予定の研修",
        "継続の研修",
        "延期の研修",
        "実施済の研修",
        "中止の研修",
    ];
    for (label, title) in labels.iter().zip(titles) {
        let s = section_headed(&html, label);
        assert!(s.contains(title), "{label}: {s}");
    }
    let text = page_text(&html);
    let positions: Vec<usize> = titles.iter().map(|t| text.find(t).unwrap()).collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "groups out of order: {positions:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Drafts

fn draft_site() -> Fixture {
    Fixture::new(&[
        (
            "content/newsletters/vol01.md",
            &newsletter(1, "2021-06-30", "公開済みの第１号", "本文"),
        ),
        (
            "content/newsletters/vol02.md",
            "---\ntitle: 下書きの第２号\ndate: 2021-09-30\nnumber: 2\ndraft: true\ntags: [下書きタグ]\n---\n\n下書きです。\n",
        ),
    ])
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let f = draft_site();
    f.build_ok();
    assert!(!f.exists("newsletters/vol02.html"));
    assert!(!f.exists("tags/下書きタグ.html"));
    for page in ["index.html", "newsletters/index.html", "tags/index.html"] {
        assert!(
            !f.read(page).contains("下書きの第２号"),
            "{page} shows the draft"
        );
    }
    assert!(!f.read("feed.xml").contains("下書きの第２号"));
    let home = page_text(&f.html("index.html"));
    assert!(
        home.contains("公開済みの第１号"),
        "the latest published issue is on the home page"
    );

    f.build_ok_with(TODAY, true);
    assert!(f.exists("newsletters/vol02.html"));
    assert!(f.read("newsletters/index.html").contains("下書きの第２号"));
    assert!(f.read("feed.xml").contains("下書きの第２号"));
    assert!(f.exists("tags/下書きタグ.html"));
}

#[test]
fn drafts_flag_through_the_binary() {
    let f = draft_site();
    let o = f.run(TODAY, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!f.exists("newsletters/vol02.html"));
    let o = f.run(TODAY, &["--drafts"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(f.exists("newsletters/vol02.html"));
}

// ---------------------------------------------------------------------------------------------
// Atom feed

#[test]
fn feed_is_well_formed_atom_with_entries() {
    let mut files = trainings();
    files.push((
        "content/newsletters/vol01.md",
        newsletter(1, "2021-06-30", "第１号 & 「特集」<速報>", "本文"),
    ));
    files.push(("content/about.md", page("このサイトについて", "本文")));
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let f = Fixture::new(&refs);
    f.build_ok();
    let xml = f.read("feed.xml");
    let feed = atom_syndication::Feed::from_str(&xml)
        .unwrap_or_else(|e| panic!("feed does not parse: {e}\n{xml}"));
    assert_eq!(feed.title().as_str(), "テスト用 連絡会サイト");
    let titles: Vec<String> = feed
        .entries()
        .iter()
        .map(|e| e.title().as_str().to_owned())
        .collect();
    assert_eq!(
        titles.len(),
        4,
        "newsletters and trainings, not plain pages: {titles:?}"
    );
    assert!(
        titles.contains(&"第１号 & 「特集」<速報>".to_owned()),
        "{titles:?}"
    );
    assert!(!titles.contains(&"このサイトについて".to_owned()));
    for e in feed.entries() {
        assert!(!e.id().is_empty());
        let link = e.links().first().expect("entry link");
        assert!(link.href().ends_with(".html"), "{}", link.href());
        assert!(!link.href().starts_with('/'), "{}", link.href());
        assert!(
            f.out()
                .join(
                    percent_encoding::percent_decode_str(link.href())
                        .decode_utf8()
                        .unwrap()
                        .as_ref()
                )
                .is_file()
        );
    }
}

#[test]
fn feed_links_are_absolute_with_base_url() {
    let f = Fixture::new(&[
        (
            "site.yaml",
            "title: テスト用サイト\nbase_url: https://intranet.example.jp/zaitaku\n",
        ),
        (
            "content/newsletters/vol01.md",
            &newsletter(1, "2021-06-30", "第１号", "本文"),
        ),
    ]);
    f.build_ok();
    let feed = atom_syndication::Feed::from_str(&f.read("feed.xml")).unwrap();
    let href = feed.entries()[0].links()[0].href().to_owned();
    assert_eq!(
        href,
        "https://intranet.example.jp/zaitaku/newsletters/vol01.html"
    );
}

// ---------------------------------------------------------------------------------------------
// The output folder

fn good_site() -> Fixture {
    Fixture::new(&[
        (
            "content/newsletters/vol01.md",
            &newsletter(1, "2021-06-30", "第１号", "本文です。"),
        ),
        (
            "content/events/kenshu.md",
            &event(
                "研修会",
                "scheduled",
                "2021-11-05T14:00",
                "2021-11-05T16:00",
                "本文",
            ),
        ),
        ("content/about.md", &page("このサイトについて", "本文")),
    ])
}

#[test]
fn failed_build_leaves_the_old_output_byte_identical() {
    let f = good_site();
    f.build_ok();
    let before = hashes(&f.out());
    assert!(before.contains_key("index.html") && before.contains_key("newsletters/vol01.html"));

    // Break one page and add a new one: nothing of it may reach the output.
    f.write(
        "content/newsletters/vol01.md",
        "---\ntitle: 第１号\ndate: 2021-02-30\nnumber: 1\n---\n\n変更後の本文\n",
    );
    f.write("content/new.md", &page("新しいページ", "本文"));
    let report = f.build();
    assert!(report.diagnostics.has_errors());
    assert_eq!(
        hashes(&f.out()),
        before,
        "the failed build changed the output"
    );
    assert!(
        f.leftovers().is_empty(),
        "temporary folders left: {:?}",
        f.leftovers()
    );

    // The same through the binary.
    let o = f.run(TODAY, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unchanged"), "{}", stderr(&o));
    assert_eq!(hashes(&f.out()), before);
    assert!(f.leftovers().is_empty(), "{:?}", f.leftovers());
}

#[test]
fn failed_render_leaves_the_old_output_byte_identical() {
    // The failure is found late (while rendering with a broken template), after loading worked.
    let f = good_site();
    f.build_ok();
    let before = hashes(&f.out());
    f.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ page.title | no_such_filter }}{% endblock content %}\n",
    );
    let report = f.build();
    assert!(report.diagnostics.has_errors(), "{}", describe(&report));
    assert_eq!(hashes(&f.out()), before);
    assert!(f.leftovers().is_empty(), "{:?}", f.leftovers());
}

#[test]
fn successful_rebuild_replaces_the_output_and_cleans_up() {
    let f = good_site();
    f.build_ok();
    assert!(f.exists("about.html"));
    std::fs::write(f.out().join("stale.html"), "old").unwrap();
    f.remove("content/about.md");
    f.build_ok();
    assert!(
        !f.exists("about.html"),
        "a removed page must disappear from the output"
    );
    assert!(!f.exists("stale.html"));
    assert!(
        f.exists(".tsushin-output"),
        "the output is marked as tsushin's"
    );
    assert!(f.leftovers().is_empty(), "{:?}", f.leftovers());
}

#[test]
fn folder_not_made_by_tsushin_is_refused_and_untouched() {
    let f = good_site();
    std::fs::create_dir_all(f.out().join("documents")).unwrap();
    std::fs::write(
        f.out().join("documents/予算.xlsx"),
        b"PK\x03\x04 spreadsheet",
    )
    .unwrap();
    std::fs::write(f.out().join("index.html"), "<p>手作りのページ</p>").unwrap();
    let before = hashes(&f.out());

    let report = f.build();
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{}", describe(&report));
    assert!(
        errs[0].message.contains("not made by tsushin"),
        "{}",
        errs[0]
    );
    assert!(errs[0].help.is_some());
    assert_eq!(hashes(&f.out()), before);
    assert!(f.leftovers().is_empty(), "{:?}", f.leftovers());

    let o = f.run(TODAY, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!stderr(&o).contains("panicked"));
    assert_eq!(hashes(&f.out()), before);
}

#[test]
fn empty_existing_folder_may_be_used() {
    let f = good_site();
    std::fs::create_dir_all(f.out()).unwrap();
    f.build_ok();
    assert!(f.exists("index.html"));
}

#[test]
fn output_over_the_site_itself_is_refused() {
    let f = good_site();
    for output in [
        f.root(),
        f.root().join("content"),
        f.root().join("content/out"),
    ] {
        let before = hashes(&f.root());
        let mut opts = f.options(TODAY, false);
        opts.output = output.clone();
        let report = tsushin::site::build(&opts);
        assert!(
            report.diagnostics.has_errors(),
            "--output {} must be refused",
            output.display()
        );
        assert_eq!(
            hashes(&f.root()),
            before,
            "the site changed with --output {}",
            output.display()
        );
        assert!(leftovers_beside(&output).is_empty());
    }
}

#[test]
fn output_that_is_a_file_is_refused() {
    let f = good_site();
    std::fs::write(f.out(), "not a folder").unwrap();
    let report = f.build();
    assert!(report.diagnostics.has_errors());
    assert_eq!(std::fs::read_to_string(f.out()).unwrap(), "not a folder");
    assert!(f.leftovers().is_empty());
}

#[test]
fn builds_are_reproducible() {
    let f = good_site();
    f.build_ok();
    let first = hashes(&f.out());
    f.build_ok();
    assert_eq!(hashes(&f.out()), first);
}

#[test]
fn default_output_is_inside_the_root_and_cwd_root_works() {
    let f = good_site();
    let o = run_bin(&["build", "--today", TODAY], &f.root());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(f.root().join("output/index.html").is_file());
    // A second build over its own output works (the marker is there).
    let o = run_bin(&["build", "--today", TODAY], &f.root());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(leftovers_beside(&f.root().join("output")).is_empty());
}

#[test]
fn example_site_builds_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let root = repo_root();
    let o = run_bin(
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
            "--today",
            "2026-11-23",
        ],
        dir.path(),
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked") && err.contains("Built"), "{err}");
    assert!(
        !err.contains("1 error") && !err.contains(": error"),
        "{err}"
    );
    for page in [
        "index.html",
        "newsletters/index.html",
        "events/index.html",
        "tags/index.html",
        "feed.xml",
        "about.html",
        "static/style.css",
        "newsletters/2021-06-vol01.html",
        "events/2027-11-godo-kenshu.html",
    ] {
        assert!(out.join(page).is_file(), "{page} missing");
    }
    // The 2027 training is upcoming on 2026-11-23; the 2021 ones are past.
    let html =
        scraper::Html::parse_document(&std::fs::read_to_string(out.join("index.html")).unwrap());
    let upcoming = section_headed(&html, "今後の研修会");
    assert!(upcoming.contains("令和９年度"), "{upcoming}");
    assert!(!upcoming.contains("多職種研修会"), "{upcoming}");
}

#[test]
fn number_like_tags_and_titles_are_text() {
    // `title: 2021` is accepted as text; a tag written `2021` should be too.
    let f = Fixture::new(&[(
        "content/about.md",
        "---\ntitle: 2021\ntags: [2021, 研修会]\n---\n\n本文\n",
    )]);
    f.build_ok();
    assert!(f.exists("tags/2021.html"));
    assert!(page_text(&f.html("about.html")).contains("2021"));
}
