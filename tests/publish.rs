//! `tsushin publish`: the real binary syncing a built site into a folder — only changed files
//! written, only files of earlier publishes deleted, foreign folders refused, dry runs that
//! write nothing, and a rerun after SIGKILL that finishes the job.
#![cfg(unix)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;
use sha2::{Digest, Sha256};

const MANIFEST: &str = ".tsushin-publish.json";
const JOURNAL: &str = ".tsushin-publish-journal.json";

fn issue(n: u32, tag: &str, body: &str) -> String {
    format!(
        "---\ntitle: コーディネーター連絡会通信 第{n}号\ndate: 2021-0{n}-20\nnumber: {n}\ntags: [{tag}]\n---\n\n## 報告\n\n{body}\n"
    )
}

/// Six issues (tags 連絡会 and 研修; vol06 alone has 多職種), a training and a plain page.
fn site() -> Fixture {
    let f = Fixture::new(&[
        (
            "content/events/kenshu.md",
            &event(
                "多職種研修会",
                "scheduled",
                "2021-11-05T14:00",
                "2021-11-05T16:00",
                "研修会のご案内です。",
            ),
        ),
        ("content/about.md", &page("このサイトについて", "本文")),
    ]);
    for n in 1..=6 {
        let tag = match n {
            6 => "多職種",
            n if n % 2 == 0 => "研修",
            _ => "連絡会",
        };
        f.write(
            &format!("content/newsletters/vol0{n}.md"),
            &issue(
                n,
                tag,
                &format!("第{n}号の本文です。{}", SEED_BULLETS[n as usize]),
            ),
        );
    }
    f
}

fn dest(f: &Fixture) -> PathBuf {
    f.dir.path().join("dest")
}

fn output(f: &Fixture) -> PathBuf {
    f.root().join("output")
}

fn publish_args(f: &Fixture, to: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "publish".into(),
        to.to_str().unwrap().into(),
        "--root".into(),
        f.root().to_str().unwrap().into(),
        "--today".into(),
        TODAY.into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn publish_to(f: &Fixture, to: &Path, extra: &[&str]) -> Output {
    let args = publish_args(f, to, extra);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_bin(&args, f.dir.path())
}

fn publish(f: &Fixture, extra: &[&str]) -> Output {
    publish_to(f, &dest(f), extra)
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "publish failed:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        stderr(o)
    );
    format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(o))
}

/// The built site as it should be published (the output folder's marker left out).
fn built(f: &Fixture) -> BTreeMap<String, Vec<u8>> {
    let mut files = snapshot(&output(f));
    files.remove(".tsushin-output");
    files
}

/// The destination folder without the manifest.
fn published(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = snapshot(dir);
    files.remove(MANIFEST);
    files
}

/// Inode and modification time of every file.
fn stamps(dir: &Path) -> BTreeMap<String, (u64, i64, i64)> {
    snapshot(dir)
        .keys()
        .map(|rel| {
            let m = std::fs::metadata(dir.join(rel)).unwrap();
            (rel.clone(), (m.ino(), m.mtime(), m.mtime_nsec()))
        })
        .collect()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join(MANIFEST)).unwrap()).unwrap()
}

/// Files in `dir` (any depth) whose name marks them as temporary files of a publish.
fn temp_files(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .into_keys()
        .filter(|k| k.rsplit('/').next().unwrap().starts_with(".tsushin-tmp-"))
        .collect()
}

fn assert_in_sync(f: &Fixture) {
    let (want, got) = (built(f), published(&dest(f)));
    let want_keys: BTreeSet<_> = want.keys().collect();
    let got_keys: BTreeSet<_> = got.keys().collect();
    assert_eq!(
        got_keys, want_keys,
        "published files differ from the output"
    );
    for (k, v) in &want {
        assert!(got[k] == *v, "{k} differs from the output");
    }
}

fn is_listing(rel: &str) -> bool {
    rel.ends_with("index.html") || rel == "feed.xml" || rel.starts_with("tags/")
}

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

fn log_lines(f: &Fixture) -> usize {
    std::fs::read_to_string(f.root().join(".tsushin/publish-log.jsonl"))
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

#[test]
fn an_edit_rewrites_only_that_page_and_the_listings_showing_it() {
    let f = site();
    ok(&publish(&f, &[]));
    let before_out = built(&f);
    let before = stamps(&dest(&f));
    f.write(
        "content/newsletters/vol03.md",
        &issue(3, "連絡会", "第3号の本文を書き直しました。"),
    );
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
    assert!(
        changed.contains(&"newsletters/vol03.html".to_string()),
        "{changed:?}"
    );
    for rel in &changed {
        assert!(
            rel.as_str() == "newsletters/vol03.html"
                || rel.ends_with("第3号.pdf")
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

fn has_strace() -> bool {
    let found = Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("strace is not installed: the order of writes is not checked");
    }
    found
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
    let page = pos("newsletters/vol03.html").expect("the page was renamed into place");
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
    if let Some(home) = pos("index.html") {
        assert_eq!(home, targets.len() - 2, "{targets:?}");
    }
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

// ---------------------------------------------------------------------------------------------
// Interruption

/// The site of `site()` changed in every way: edits, a withdrawn issue, new issues.
fn change_site(f: &Fixture) {
    f.write(
        "content/newsletters/vol01.md",
        &issue(1, "連絡会", "差し替えた第1号。"),
    );
    f.write(
        "content/newsletters/vol04.md",
        &issue(4, "多職種", "タグを変えた第4号。"),
    );
    f.remove("content/newsletters/vol06.md");
    f.write(
        "content/newsletters/vol07.md",
        &issue(7, "新任", "第7号です。"),
    );
    f.write(
        "content/newsletters/vol08.md",
        &issue(8, "研修", "第8号です。"),
    );
}

fn strace_publish(f: &Fixture, strace_args: &[String]) -> Output {
    let args = publish_args(f, &dest(f), &["--allow-deletes"]);
    Command::new("strace")
        // No --seccomp-bpf: strace 6.1 then does not count the calls for `when=`.
        .args(["-f", "-qq"])
        .args(strace_args)
        .arg(env!("CARGO_BIN_EXE_tsushin"))
        .args(&args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn restore(dir: &Path, files: &BTreeMap<String, Vec<u8>>) {
    let _ = std::fs::remove_dir_all(dir);
    for (rel, bytes) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

#[test]
fn a_rerun_after_sigkill_at_20_moments_finishes_the_publish() {
    if !has_strace() {
        eprintln!("skipped: strace is needed to kill the publish at chosen moments");
        return;
    }
    let f = site();
    ok(&publish(&f, &[]));
    let old = snapshot(&dest(&f));
    change_site(&f);

    // Count the renames and deletions of a whole publish.
    let log = f.dir.path().join("calls.txt");
    let o = strace_publish(
        &f,
        &[
            "-e".into(),
            "trace=rename,unlink".into(),
            "-o".into(),
            log.display().to_string(),
        ],
    );
    ok(&o);
    let trace = std::fs::read_to_string(&log).unwrap();
    let count = |call: &str| {
        trace
            .lines()
            .filter(|l| l.contains(&format!("{call}(")))
            .count()
    };
    let (renames, unlinks) = (count("rename"), count("unlink"));
    assert!(
        renames > 10 && unlinks >= 2,
        "renames {renames}, unlinks {unlinks}"
    );

    let mut seed: u64 = 0x7473_7573_6869_6e21;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    let mut interrupted_states = 0;
    for round in 0..20 {
        // Every fifth kill interrupts a first publish into an empty folder: the rerun must not
        // take the half-filled folder for a foreign one.
        let start = if round % 5 == 4 {
            BTreeMap::new()
        } else {
            old.clone()
        };
        restore(&dest(&f), &start);
        std::fs::create_dir_all(dest(&f)).unwrap();
        let (call, k) = if round % 4 == 3 {
            ("unlink", 1 + next(unlinks))
        } else {
            ("rename", 1 + next(renames))
        };
        let inject = format!("inject={call}:signal=KILL:when={k}");
        let o = strace_publish(
            &f,
            &[
                "-o".into(),
                "/dev/null".into(),
                "-e".into(),
                format!("trace={call}"),
                "-e".into(),
                inject,
            ],
        );
        assert!(
            !o.status.success() && !stderr(&o).contains("Published to"),
            "round {round}: the publish was not killed at {call} #{k}: {}",
            stderr(&o)
        );
        if !temp_files(&dest(&f)).is_empty() || dest(&f).join(JOURNAL).exists() {
            interrupted_states += 1;
        }
        let out = ok(&publish(&f, &["--allow-deletes"]));
        assert_in_sync(&f);
        assert!(temp_files(&dest(&f)).is_empty(), "round {round}: {out}");
        assert!(!dest(&f).join(JOURNAL).exists(), "round {round}");
        let listed: BTreeSet<String> = manifest(&dest(&f))["files"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(listed, built(&f).into_keys().collect(), "round {round}");
    }
    eprintln!("{interrupted_states} of 20 kills left a journal or temporary files");
    assert!(
        interrupted_states >= 5,
        "only {interrupted_states} kills left a publish half done"
    );
}

// ---------------------------------------------------------------------------------------------
// A mounted file system

struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn publishes_to_a_tmpfs_mount_point() {
    let uid = Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        eprintln!("skipped: mounting a tmpfs needs root");
        return;
    }
    let f = site();
    let d = dest(&f);
    std::fs::create_dir_all(&d).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64m", "none"])
        .arg(&d)
        .output()
        .unwrap();
    if !mounted.status.success() {
        eprintln!(
            "skipped: cannot mount a tmpfs here: {}",
            String::from_utf8_lossy(&mounted.stderr)
        );
        return;
    }
    let _mount = Mount(d.clone());
    let dev = |p: &Path| std::fs::metadata(p).unwrap().dev();
    assert_ne!(dev(&d), dev(&f.root()), "not a separate file system");
    ok(&publish(&f, &[]));
    assert_in_sync(&f);
    f.remove("content/newsletters/vol02.md");
    f.write(
        "content/newsletters/vol03.md",
        &issue(3, "連絡会", "書き直し"),
    );
    ok(&publish(&f, &[]));
    assert_in_sync(&f);
    assert!(temp_files(&d).is_empty());
}
