//! The preview server's incremental rebuild must give exactly what a full build gives: after
//! every kind of edit, the files `Live` holds equal a fresh `load` + `render_all`, and its
//! problems equal `check`'s. The edits cover text, titles, tags (new tag pages), slugs, drafts,
//! new, deleted and broken pages, duplicate numbers, images, and links between pages.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::live::{changes, lines, live, today};
use common::*;
use tsushin::diag::Diagnostics;
use tsushin::site::incremental::{Changes, Live, check};

/// What a full in-memory build gives: files and sorted problems.
fn full(f: &Fixture) -> (BTreeMap<String, Vec<u8>>, Vec<String>) {
    let mut d = Diagnostics::new();
    let files = match tsushin::site::load(&f.root(), false, &mut d) {
        Some(site) => tsushin::site::render_all(&site, today(), &mut d).unwrap_or_default(),
        None => BTreeMap::new(),
    };
    let problems = check(&f.root(), false, today(), true).diagnostics;
    (files, lines(problems))
}

/// Tells `live` that `paths` (relative to content/) changed and compares with a full build.
#[track_caller]
fn step(f: &Fixture, live: &mut Live, what: &str, paths: &[&str]) -> Vec<String> {
    let update = live.update(&changes(paths));
    let (files, problems) = full(f);
    let got: BTreeMap<String, Vec<u8>> = live
        .files()
        .into_iter()
        .map(|(k, v)| (k, v.to_vec()))
        .collect();
    let ours: Vec<&String> = got.keys().collect();
    let theirs: Vec<&String> = files.keys().collect();
    if problems.iter().all(|p| !p.contains(": error: ")) {
        assert_eq!(ours, theirs, "{what}: different files");
        for (k, v) in &files {
            assert!(got[k] == *v, "{what}: {k} differs from a full build");
        }
    }
    assert_eq!(
        lines(live.diagnostics()),
        problems,
        "{what}: different problems"
    );
    update.rendered
}

#[test]
fn every_kind_of_edit_matches_a_full_build() {
    let f = Fixture::new(&[
        (
            "content/newsletters/2021-06-vol01.md",
            &newsletter(
                1,
                "2021-06-30",
                "コーディネーター連絡会通信 第１号",
                "## はじめに\n\n本文。研修は[こちら](../events/2021-08-tabunya.md#申込)。\n",
            ),
        ),
        (
            "content/newsletters/2021-09-vol02.md",
            "---\ntitle: 第２号\ndate: 2021-09-30\nnumber: 2\ntags: [連絡会]\n---\n\n[第１号](2021-06-vol01.md#はじめに)\n",
        ),
        (
            "content/events/2021-08-tabunya.md",
            &event(
                "多職種研修会",
                "scheduled",
                "2021-10-23T14:15",
                "2021-10-23T16:15",
                "## 申込\n\n案内。",
            ),
        ),
        ("content/about.md", &page("このサイトについて", "説明。")),
        ("content/zz.md", &page("最後のページ", "[about](about.md)")),
    ]);
    let mut live = live(&f);
    let (files, problems) = full(&f);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(live.files().len(), files.len());

    let vol1 = "content/newsletters/2021-06-vol01.md";
    let v1 = "newsletters/2021-06-vol01.md";

    // Text only: that page and the listings, not the other pages.
    f.write(
        vol1,
        &std::fs::read_to_string(f.root().join(vol1))
            .unwrap()
            .replace("本文。", "新しい本文。"),
    );
    let rendered = step(&f, &mut live, "text", &[v1]);
    assert!(rendered.contains(&"newsletters/2021-06-vol01.html".to_owned()));
    assert!(
        !rendered.contains(&"events/2021-08-tabunya.html".to_owned()),
        "{rendered:?}"
    );
    assert!(!rendered.contains(&"about.html".to_owned()), "{rendered:?}");

    // A new tag: a new tag page (tag file names may shift, so everything is rendered).
    f.write(
        vol1,
        &std::fs::read_to_string(f.root().join(vol1))
            .unwrap()
            .replace("number: 1\n", "number: 1\ntags: [連絡会, アンケート]\n"),
    );
    step(&f, &mut live, "tags", &[v1]);

    // The heading that 第２号 links to is renamed: 第２号's anchor warning appears.
    f.write(
        vol1,
        &std::fs::read_to_string(f.root().join(vol1))
            .unwrap()
            .replace("## はじめに", "## ごあいさつ"),
    );
    step(&f, &mut live, "anchor", &[v1]);
    assert!(
        lines(live.diagnostics())
            .iter()
            .any(|l| l.contains("no heading with the anchor `#はじめに`"))
    );

    // A slug: the page moves, and the page linking to it now links elsewhere.
    f.write(
        vol1,
        &std::fs::read_to_string(f.root().join(vol1))
            .unwrap()
            .replace("number: 1\n", "number: 1\nslug: dai1go\n"),
    );
    let rendered = step(&f, &mut live, "slug", &[v1]);
    assert!(
        rendered.contains(&"newsletters/2021-09-vol02.html".to_owned()),
        "{rendered:?}"
    );

    // The training's title (its PDF file name changes) and status.
    let ev = "content/events/2021-08-tabunya.md";
    f.write(
        ev,
        &std::fs::read_to_string(f.root().join(ev))
            .unwrap()
            .replace("title: 多職種研修会", "title: 多職種研修会（改）")
            .replace("status: scheduled", "status: postponed"),
    );
    step(&f, &mut live, "event", &["events/2021-08-tabunya.md"]);

    // A draft, then published again.
    f.write(
        "content/about.md",
        "---\ntitle: このサイトについて\ndraft: true\n---\n\n説明。\n",
    );
    step(&f, &mut live, "draft", &["about.md"]);
    f.write("content/about.md", &page("このサイトについて", "説明。"));
    step(&f, &mut live, "undraft", &["about.md"]);

    // A new page, a duplicate number, then the duplicate removed.
    f.write(
        "content/newsletters/2021-12-vol03.md",
        &newsletter(2, "2021-12-24", "第３号", "冬。"),
    );
    step(
        &f,
        &mut live,
        "duplicate number",
        &["newsletters/2021-12-vol03.md"],
    );
    assert!(
        lines(live.diagnostics())
            .iter()
            .any(|l| l.contains("is used twice"))
    );
    f.write(
        "content/newsletters/2021-12-vol03.md",
        &newsletter(3, "2021-12-24", "第３号", "冬。![会場](images/kaijo.png)"),
    );
    step(
        &f,
        &mut live,
        "missing image",
        &["newsletters/2021-12-vol03.md"],
    );
    f.write_bytes("content/newsletters/images/kaijo.png", &tiny_png(50));
    step(
        &f,
        &mut live,
        "image added",
        &["newsletters/images/kaijo.png"],
    );
    assert!(
        !live.diagnostics().has_errors(),
        "{:?}",
        lines(live.diagnostics())
    );

    // Broken front matter, then fixed.
    f.write("content/zz.md", "---\ntitle: [最後\n---\n");
    step(&f, &mut live, "broken", &["zz.md"]);
    f.write("content/zz.md", &page("最後のページ", "[about](about.md)"));
    step(&f, &mut live, "fixed", &["zz.md"]);

    // A page deleted, and the page that linked to it.
    f.remove(vol1);
    step(&f, &mut live, "deleted", &[v1]);
    f.remove("content/newsletters/2021-09-vol02.md");
    step(
        &f,
        &mut live,
        "deleted too",
        &["newsletters/2021-09-vol02.md"],
    );

    // A folder of pages added at once (the watcher may report only the folder).
    f.write("content/guide/a.md", &page("手引き A", "[B](b.md)"));
    f.write("content/guide/b.md", &page("手引き B", "本文"));
    step(&f, &mut live, "folder", &["guide"]);

    // Nothing that matters: a temporary file that is already gone.
    let update = live.update(&Changes {
        full: false,
        content: BTreeSet::from(["newsletters/4913".to_owned()]),
    });
    assert!(!update.changed && update.rendered.is_empty(), "{update:?}");

    // site.yaml: a full reload.
    f.write("site.yaml", &SITE_YAML.replace("テスト用", "改名"));
    let update = live.update(&Changes {
        full: true,
        content: BTreeSet::new(),
    });
    assert!(update.full);
    let (files, _) = full(&f);
    assert_eq!(live.files().len(), files.len());
    assert!(String::from_utf8_lossy(&live.files()["index.html"]).contains("改名"));

    // A character the PDF fonts lack, in site.yaml: the same problem as `check` reports.
    f.write("site.yaml", &SITE_YAML.replace("テスト用", "テスト🙂"));
    live.update(&Changes {
        full: true,
        content: BTreeSet::new(),
    });
    let (_, problems) = full(&f);
    assert!(
        problems.iter().any(|p| p.starts_with("site.yaml:1:")),
        "{problems:?}"
    );
    assert_eq!(lines(live.diagnostics()), problems);
}

/// The first meeting handout adds 会議資料 to every page's navigation, and removing the last
/// one takes it away: the preview renders every page again, as a full build would.
#[test]
fn the_first_and_the_last_handout_change_every_pages_navigation() {
    let f = Fixture::new(&[
        (
            "content/newsletters/2021-06-vol01.md",
            &newsletter(1, "2021-06-30", "第１号", "## はじめに\n\n本文。\n"),
        ),
        ("content/about.md", &page("このサイトについて", "説明。")),
    ]);
    let mut live = live(&f);
    let handout = "content/handouts/2021-07-shiryo3.md";
    f.write(
        handout,
        "---\ntitle: 事業の課題に対する取組み\nnumber: 3\nmeeting: 在宅医療・介護連携推進会議\ndate: 2021-07-30\n---\n\n## 課題\n\n本文。\n",
    );
    let rendered = step(
        &f,
        &mut live,
        "first handout",
        &["handouts/2021-07-shiryo3.md"],
    );
    assert!(rendered.contains(&"about.html".to_owned()), "{rendered:?}");
    let about = String::from_utf8(live.files()["about.html"].to_vec()).unwrap();
    assert!(about.contains("handouts/index.html"), "{about}");
    f.remove(handout);
    step(
        &f,
        &mut live,
        "last handout removed",
        &["handouts/2021-07-shiryo3.md"],
    );
    let about = String::from_utf8(live.files()["about.html"].to_vec()).unwrap();
    assert!(!about.contains("handouts/index.html"), "{about}");
}
