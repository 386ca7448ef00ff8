//! Helpers of the `tsushin publish` tests: a fixture site, running the binary, and comparing
//! the published folder with the output folder.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest, Sha256};

use crate::common::*;

pub const MANIFEST: &str = ".tsushin-publish.json";
pub const JOURNAL: &str = ".tsushin-publish-journal.json";

pub fn issue(n: u32, tag: &str, body: &str) -> String {
    format!(
        "---\ntitle: コーディネーター連絡会通信 第{n}号\ndate: 2021-0{n}-20\nnumber: {n}\ntags: [{tag}]\n---\n\n## 報告\n\n{body}\n"
    )
}

/// Six issues (tags 連絡会 and 研修; vol06 alone has 多職種), a training and a plain page.
pub fn site() -> Fixture {
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

pub fn dest(f: &Fixture) -> PathBuf {
    f.dir.path().join("dest")
}

pub fn output(f: &Fixture) -> PathBuf {
    f.root().join("output")
}

pub fn publish_args(f: &Fixture, to: &Path, extra: &[&str]) -> Vec<String> {
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

pub fn publish_to(f: &Fixture, to: &Path, extra: &[&str]) -> Output {
    let args = publish_args(f, to, extra);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_bin(&args, f.dir.path())
}

pub fn publish(f: &Fixture, extra: &[&str]) -> Output {
    publish_to(f, &dest(f), extra)
}

pub fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "publish failed:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        stderr(o)
    );
    format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(o))
}

/// The built site as it should be published (the output folder's marker left out).
pub fn built(f: &Fixture) -> BTreeMap<String, Vec<u8>> {
    let mut files = snapshot(&output(f));
    files.remove(".tsushin-output");
    files
}

/// The destination folder without the manifest.
pub fn published(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = snapshot(dir);
    files.remove(MANIFEST);
    files
}

/// Inode and modification time of every file.
pub fn stamps(dir: &Path) -> BTreeMap<String, (u64, i64, i64)> {
    snapshot(dir)
        .keys()
        .map(|rel| {
            let m = std::fs::metadata(dir.join(rel)).unwrap();
            (rel.clone(), (m.ino(), m.mtime(), m.mtime_nsec()))
        })
        .collect()
}

pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join(MANIFEST)).unwrap()).unwrap()
}

/// Files in `dir` (any depth) whose name marks them as temporary files of a publish.
pub fn temp_files(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .into_keys()
        .filter(|k| k.rsplit('/').next().unwrap().starts_with(".tsushin-tmp-"))
        .collect()
}

pub fn assert_in_sync(f: &Fixture) {
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

pub fn is_listing(rel: &str) -> bool {
    rel.ends_with("index.html") || rel == "feed.xml" || rel.starts_with("tags/")
}

pub fn log_lines(f: &Fixture) -> usize {
    std::fs::read_to_string(f.root().join(".tsushin/publish-log.jsonl"))
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

pub fn has_strace() -> bool {
    let found = Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("strace is not installed: the order of writes is not checked");
    }
    found
}
