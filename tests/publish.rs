//! `tsushin publish`: the real binary syncing a built site into a folder — only changed files
//! written, pages before listings, only files of earlier publishes deleted, foreign folders
//! refused, dry runs that write nothing. Interruption and mounts: tests/publish_interrupt.rs.
#![cfg(unix)]

mod common;
#[path = "publish/support.rs"]
mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::*;
use support::*;

// ---------------------------------------------------------------------------------------------

#[test]
fn first_publish_copies_the_site_with_a_manifest_and_a_log() {
    let f = site();
    let out = ok(&publish(&f, &[]));
    assert_in_sync(&f);
    let files = built(&f);
    assert!(files.contains_key("newsletters/vol03.html"));
    assert!(files.keys().any(|k| k.ends_with("第3号.pdf")), "{files:?}");
    assert!(!dest(&f).join(".tsushin-output").exists());
    assert!(!dest(&f).join(JOURNAL).exists());
    assert!(
        out.contains(&format!("{} added, 0 changed, 0 removed", files.len())),
        "{out}"
    );

    // The manifest names every file with its SHA-256 and size.
    let m = manifest(&dest(&f));
    let listed = m["files"].as_object().unwrap();
    assert_eq!(listed.len(), files.len());
    for (rel, bytes) in &files {
        assert_eq!(listed[rel]["sha256"], sha256(bytes), "{rel}");
        assert_eq!(listed[rel]["size"], bytes.len() as u64, "{rel}");
    }

    // The log in the site: when, where, counts and the manifest's hash.
    let log = std::fs::read_to_string(f.root().join(".tsushin/publish-log.jsonl")).unwrap();
    let line: serde_json::Value = serde_json::from_str(log.lines().next().unwrap()).unwrap();
    let manifest_hash = sha256(&std::fs::read(dest(&f).join(MANIFEST)).unwrap());
    assert_eq!(line["manifest_sha256"], manifest_hash);
    assert_eq!(line["added"], files.len() as u64);
    assert_eq!(line["removed"], 0);
    assert!(line["when"].as_str().unwrap().starts_with("20"));
    assert_eq!(
        line["to"].as_str().unwrap(),
        std::fs::canonicalize(dest(&f)).unwrap().to_str().unwrap()
    );

    // Publishing the same site again touches nothing, not even the manifest.
    let before = stamps(&dest(&f));
    let out = ok(&publish(&f, &[]));
    assert_eq!(stamps(&dest(&f)), before);
    assert!(
        out.contains(&format!(
            "0 added, 0 changed, 0 removed, {} unchanged",
            files.len()
        )),
        "{out}"
    );
    assert_eq!(log_lines(&f), 2);
}

#[test]
fn an_edit_rewrites_only_that_page_and_the_listings_showing_it() {
    let f = site();
    ok(&publish(&f, &[]));
    let before_out = built(&f);
    let before = stamps(&dest(&f));
    // The body and summary of the newest issue, which the home page and the listings show.
    let edited = issue(6, "多職種", "第6号の本文を書き直しました。").replacen(
        "tags:",
        "summary: 要約を書き直しました\ntags:",
        1,
    );
    f.write("content/newsletters/vol06.md", &edited);
    // Under strace when it is there, to see the order of the renames.
    let trace = f.dir.path().join("renames.txt");
    let o = if has_strace() {
        let args = publish_args(&f, &dest(&f), &[]);
        Command::new("strace")
            .args(["-f", "-qq", "-s", "4096", "-e", "trace=rename", "-o"])
            .arg(&trace)
            .arg(env!("CARGO_BIN_EXE_tsushin"))
            .args(&args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    } else {
        publish(&f, &[])
    };
    let out = ok(&o);
    assert_in_sync(&f);
    let after_out = built(&f);
    let changed: BTreeSet<&String> = after_out
        .iter()
        .filter(|(k, v)| before_out.get(*k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    for rel in [
        "newsletters/vol06.html",
        "index.html",
        "newsletters/index.html",
    ] {
        assert!(changed.contains(&rel.to_string()), "{rel}: {changed:?}");
    }
    for rel in &changed {
        assert!(
            rel.as_str() == "newsletters/vol06.html"
                || rel.ends_with("第6号.pdf")
                // The bound volume of the issue's fiscal year holds the issue too.
                || rel.ends_with("令和３年度合本.pdf")
                || rel.starts_with("search/")
                || is_listing(rel),
            "{rel} changed although it does not show the edited page"
        );
    }
    let after = stamps(&dest(&f));
    for (rel, stamp) in &before {
        if rel == MANIFEST {
            continue;
        }
        if changed.contains(rel) {
            assert_ne!(after[rel].0, stamp.0, "{rel} changed but was not rewritten");
        } else {
            assert_eq!(after[rel], *stamp, "{rel} did not change but was rewritten");
        }
    }
    assert!(
        out.contains(&format!("0 added, {} changed, 0 removed", changed.len())),
        "{out}"
    );
    if trace.exists() {
        check_rename_order(&std::fs::read_to_string(&trace).unwrap(), &dest(&f));
    }
}

/// The renames into `dest`: the page before any listing, the home page last, the manifest
/// after every page.
fn check_rename_order(trace: &str, dest: &Path) {
    let dest = std::fs::canonicalize(dest).unwrap();
    let prefix = format!("{}/", dest.display());
    let targets: Vec<String> = trace
        .lines()
        .filter_map(|l| l.split("\", \"").nth(1))
        .filter_map(|t| t.split('"').next())
        .filter_map(|t| t.strip_prefix(&prefix).map(str::to_owned))
        .collect();
    let pos = |rel: &str| targets.iter().position(|t| t == rel);
    let page = pos("newsletters/vol06.html").expect("the page was renamed into place");
    for (i, t) in targets.iter().enumerate() {
        if is_listing(t) {
            assert!(
                i > page,
                "{t} was written before the page it lists: {targets:?}"
            );
        }
    }
    let manifest = pos(MANIFEST).expect("manifest written");
    assert_eq!(manifest, targets.len() - 1, "{targets:?}");
    assert_eq!(pos("index.html"), Some(targets.len() - 2), "{targets:?}");
}

#[test]
fn a_withdrawn_page_is_removed_and_files_never_published_stay() {
    let f = site();
    ok(&publish(&f, &[]));
    let d = dest(&f);
    std::fs::write(d.join("お知らせ.txt"), "庁内向けメモ").unwrap();
    std::fs::write(
        d.join("newsletters/手書きの号.html"),
        "<p>手作業で置いたページ</p>",
    )
    .unwrap();
    assert!(d.join("newsletters/vol05.html").exists());
    let pdf5 = built(&f)
        .into_keys()
        .find(|k| k.ends_with("第5号.pdf"))
        .unwrap();

    f.remove("content/newsletters/vol05.md");
    let out = ok(&publish(&f, &[]));
    assert!(!d.join("newsletters/vol05.html").exists());
    assert!(!d.join(&pdf5).exists(), "{pdf5} stayed");
    assert_eq!(
        std::fs::read_to_string(d.join("お知らせ.txt")).unwrap(),
        "庁内向けメモ"
    );
    assert!(d.join("newsletters/手書きの号.html").exists());
    assert!(out.contains("2 removed"), "{out}");
    let mut expected = built(&f);
    expected.insert("お知らせ.txt".into(), "庁内向けメモ".into());
    expected.insert(
        "newsletters/手書きの号.html".into(),
        "<p>手作業で置いたページ</p>".into(),
    );
    assert_eq!(published(&d), expected);
    assert!(
        !manifest(&d)["files"]
            .as_object()
            .unwrap()
            .contains_key("お知らせ.txt")
    );
}

#[test]
fn many_deletions_need_allow_deletes() {
    let f = site();
    ok(&publish(&f, &[]));
    let before = snapshot(&dest(&f));
    let before_stamps = stamps(&dest(&f));
    for n in 1..=4 {
        f.remove(&format!("content/newsletters/vol0{n}.md"));
    }
    let o = publish(&f, &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("--allow-deletes") && err.contains("would delete"),
        "{err}"
    );
    assert_eq!(
        snapshot(&dest(&f)),
        before,
        "a refused publish changed the folder"
    );
    assert_eq!(stamps(&dest(&f)), before_stamps);

    let out = ok(&publish(&f, &["--allow-deletes"]));
    assert_in_sync(&f);
    assert!(!dest(&f).join("newsletters/vol01.html").exists());
    assert!(out.contains("removed"), "{out}");
}

#[test]
fn dry_run_lists_the_changes_and_writes_nothing() {
    let f = site();
    ok(&publish(&f, &[]));
    let before = snapshot(&dest(&f));
    let before_stamps = stamps(&dest(&f));
    f.write(
        "content/newsletters/vol02.md",
        &issue(2, "研修", "書き直した本文。"),
    );
    f.remove("content/newsletters/vol06.md");
    f.write(
        "content/newsletters/vol07.md",
        &issue(7, "研修", "新しい号です。"),
    );
    let out = ok(&publish(&f, &["--dry-run"]));
    assert_eq!(snapshot(&dest(&f)), before, "a dry run changed the folder");
    assert_eq!(stamps(&dest(&f)), before_stamps, "a dry run touched files");
    assert_eq!(log_lines(&f), 1, "a dry run was logged as a publish");

    let vol07 = built(&f)["newsletters/vol07.html"].len() as u64;
    let line = out
        .lines()
        .find(|l| l.contains("newsletters/vol07.html"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.starts_with("added") && line.contains(&human(vol07)),
        "{line}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("changed newsletters/vol02.html")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("removed newsletters/vol06.html")),
        "{out}"
    );
    assert!(out.lines().any(|l| l.starts_with("removed tags/")), "{out}");
    assert!(out.contains("2 added ("), "{out}"); // the page and its PDF
    assert!(out.contains("removed ("), "{out}");

    // The real publish then does exactly what the dry run listed.
    let listed: BTreeSet<&str> = out
        .lines()
        .filter_map(|l| l.split_once(' ').map(|(_, r)| r.trim_start()))
        .filter_map(|r| r.rsplit_once(" (").map(|(p, _)| p))
        .collect();
    ok(&publish(&f, &["--allow-deletes"]));
    assert_in_sync(&f);
    let after = stamps(&dest(&f));
    for (rel, stamp) in &before_stamps {
        if rel != MANIFEST && after.get(rel) != Some(stamp) {
            assert!(
                listed.contains(rel.as_str()),
                "{rel} changed but was not listed"
            );
        }
    }

    // Nothing is created for a folder that does not exist yet.
    let fresh = f.dir.path().join("fresh");
    ok(&publish_to(&f, &fresh, &["--dry-run"]));
    assert!(!fresh.exists());
}

fn human(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    }
}

#[test]
fn a_foreign_folder_is_refused_unless_adopted() {
    let f = site();
    let d = dest(&f);
    std::fs::create_dir_all(d.join("photos")).unwrap();
    std::fs::write(d.join("index.html"), "<p>旧サイト</p>").unwrap();
    std::fs::write(d.join("photos/会場.jpg"), b"\xff\xd8jpeg").unwrap();
    let before = snapshot(&d);

    let o = publish(&f, &[]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--adopt"), "{}", stderr(&o));
    assert_eq!(snapshot(&d), before);

    // --adopt lists what stays and what is overwritten, and asks; without a terminal and
    // without --yes it stops there.
    let o = publish(&f, &["--adopt"]);
    assert!(!o.status.success());
    let listing = String::from_utf8_lossy(&o.stdout).into_owned();
    let (left, over) = listing.split_once("Overwritten").unwrap();
    assert!(
        left.contains("photos/会場.jpg") && !left.contains("index.html"),
        "{listing}"
    );
    assert!(
        over.contains("index.html") && !over.contains("photos"),
        "{listing}"
    );
    assert!(stderr(&o).contains("--yes"), "{}", stderr(&o));
    assert_eq!(snapshot(&d), before);

    ok(&publish(&f, &["--adopt", "--yes"]));
    let mut expected = built(&f);
    expected.insert("photos/会場.jpg".into(), b"\xff\xd8jpeg".to_vec());
    assert_eq!(published(&d), expected);

    // Adopted files are never deleted, even when everything is withdrawn.
    for n in 1..=6 {
        f.remove(&format!("content/newsletters/vol0{n}.md"));
    }
    ok(&publish(&f, &["--allow-deletes"]));
    assert!(d.join("photos/会場.jpg").exists());

    // A file put where a new page goes is not overwritten without --adopt either.
    std::fs::write(d.join("newsletters/vol01.html"), "手作業").unwrap();
    f.write(
        "content/newsletters/vol01.md",
        &issue(1, "連絡会", "戻した号"),
    );
    let o = publish(&f, &[]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("newsletters/vol01.html"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(d.join("newsletters/vol01.html")).unwrap(),
        "手作業"
    );
}

#[test]
fn a_folder_inside_the_site_or_holding_it_is_refused() {
    let f = site();
    let link = f.dir.path().join("link");
    std::os::unix::fs::symlink(f.root(), &link).unwrap();
    let cases = [
        f.root().join("output/intranet"),
        f.root().join("public"),
        f.root().join("content/../../site/x"),
        link.join("y"),
        f.dir.path().to_path_buf(),
    ];
    for to in cases {
        let before = snapshot(f.dir.path());
        let o = publish_to(&f, &to, &[]);
        assert!(!o.status.success(), "{} was accepted", to.display());
        assert!(stderr(&o).contains("the publish folder"), "{}", stderr(&o));
        assert_eq!(snapshot(f.dir.path()), before, "{}", to.display());
    }
}

#[test]
fn site_yaml_names_the_default_folder() {
    let f = site();
    f.write(
        "site.yaml",
        &format!("{SITE_YAML}publish:\n  to: ../dest\n  tu: x\n"),
    );
    let args = ["publish", "--root", "site", "--today", TODAY];
    let o = run_bin(&args, f.dir.path());
    let out = ok(&o);
    assert!(out.contains("unknown key `tu`"), "{out}");
    assert_in_sync(&f);
}

#[test]
fn a_missing_share_is_not_created_on_the_local_disk() {
    // An unmounted share: only the last folder of DEST is ever created.
    let f = site();
    let to = f.dir.path().join("mnt/intranet/zaitaku");
    let o = publish_to(&f, &to, &[]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
    assert!(!f.dir.path().join("mnt").exists());
    std::fs::create_dir_all(f.dir.path().join("mnt/intranet")).unwrap();
    ok(&publish_to(&f, &to, &[]));
    assert!(to.join("index.html").exists());
}
