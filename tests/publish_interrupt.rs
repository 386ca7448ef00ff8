//! `tsushin publish` interrupted by SIGKILL at chosen moments and rerun, and publishing to a
//! separately mounted file system (tmpfs).
#![cfg(unix)]

mod common;
#[path = "publish/support.rs"]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;
use support::*;

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
        // Unlinks are counted on an update; a first publish has fewer, so it is cut at renames.
        let (call, k) = if round % 4 == 3 && round % 5 != 4 {
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
