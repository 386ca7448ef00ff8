//! Builds killed with strace fault injection at every rename, folder creation and deletion of
//! the swap: the output is complete after each kill and the next build repairs and cleans up.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::common::*;
use super::{Mount, build_into, site};

fn strace_works() -> bool {
    let ok = Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("SKIPPED: strace is missing or may not trace here");
    }
    ok
}

/// The build of `f` under strace with the given `-e inject=…` options.
fn traced_build(f: &Fixture, injects: &[String]) -> Output {
    let root = f.root();
    let out = f.out();
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-qq", "-o", "/dev/null"]);
    for i in injects {
        cmd.args(["-e", i]);
    }
    cmd.arg(env!("CARGO_BIN_EXE_tsushin"))
        .args(["--quiet", "build", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .args(["--today", TODAY, "--no-pdf"])
        .current_dir(f.dir.path())
        .env("NO_COLOR", "1");
    cmd.output().expect("run strace")
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// File → (size, hash) of an output folder.
type Hashes = BTreeMap<String, (usize, u64)>;

/// Old output (site A) and new (site B, written into the fixture), with a pristine copy of A.
fn old_and_new(f: &Fixture) -> (Hashes, Hashes, PathBuf) {
    assert_eq!(f.run(TODAY, &["--no-pdf"]).status.code(), Some(0));
    let old = hashes(&f.out());
    let saved = f.dir.path().join("saved-old");
    copy_tree(&f.out(), &saved);
    f.remove("content/about.md");
    f.write(
        "content/newsletters/vol02.md",
        &newsletter(2, "2021-09-30", "第２号", "新しい号"),
    );
    let reference = f.dir.path().join("reference");
    assert_eq!(
        build_into(f, reference.to_str().unwrap(), f.dir.path())
            .status
            .code(),
        Some(0)
    );
    let new = hashes(&reference);
    std::fs::remove_dir_all(&reference).unwrap();
    assert_ne!(old, new);
    (old, new, saved)
}

/// Puts the old site back into the output (emptied in place: it may be a mount point).
fn reset_output(f: &Fixture, saved: &Path) {
    for entry in std::fs::read_dir(f.out()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            std::fs::remove_dir_all(path).unwrap();
        } else {
            std::fs::remove_file(path).unwrap();
        }
    }
    copy_tree(saved, &f.out());
}

/// How the build under test swaps the output.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// RENAME_EXCHANGE: always the complete old or new site.
    Exchange,
    /// Two renames: between them the output is missing and the old site is complete aside.
    Fallback,
    /// A mount point: each top-level entry is the old or the new one.
    Mount,
}

/// Files grouped by their top-level entry, tsushin's staging inside the output left out.
fn by_entry(h: &Hashes) -> BTreeMap<String, Hashes> {
    let mut groups: BTreeMap<String, Hashes> = BTreeMap::new();
    for (path, v) in h {
        let top = path.split('/').next().unwrap().to_string();
        if !top.starts_with(".tsushin-build-") {
            groups.entry(top).or_default().insert(path.clone(), *v);
        }
    }
    groups
}

/// Asserts the output after a kill at `at` is what `mode` promises.
fn assert_complete(f: &Fixture, mode: Mode, old: &Hashes, new: &Hashes, at: &str) {
    let now = hashes(&f.out());
    if now.is_empty() && mode == Mode::Fallback {
        // Between the two renames of the fallback: the old site is complete aside.
        let aside: Vec<_> = f
            .leftovers()
            .into_iter()
            .filter(|n| n.starts_with(".tsushin-old-out-"))
            .collect();
        assert_eq!(aside.len(), 1, "{at}: {:?}", f.leftovers());
        let kept = hashes(&f.dir.path().join(&aside[0]));
        assert_eq!(&kept, old, "{at}: aside incomplete");
    } else if mode == Mode::Mount {
        let (now, old, new) = (by_entry(&now), by_entry(old), by_entry(new));
        let names: std::collections::BTreeSet<_> =
            now.keys().chain(old.keys()).chain(new.keys()).collect();
        let none = Hashes::new();
        for name in names {
            let get = |m: &BTreeMap<String, Hashes>| m.get(name).cloned().unwrap_or_default();
            let n = get(&now);
            assert!(
                n == get(&old) || n == get(&new),
                "{at}: entry {name} is neither old nor new: {:?}",
                n.keys()
            );
            assert!(
                name != ".tsushin-output" || n != none,
                "{at}: marker missing"
            );
        }
    } else {
        assert!(
            &now == old || &now == new,
            "{at}: output neither old nor new: {:?}",
            now.keys()
        );
    }
}

/// Kills the build at the n-th call of each syscall for every n until a build gets through,
/// checking after each kill that the output is complete (old or new) and that the next build
/// cleans up. Returns how many kills happened.
fn kill_at_every_call(f: &Fixture, syscalls: &[&str], extra: &[String], mode: Mode) -> usize {
    let (old, new, saved) = old_and_new(f);
    let mut kills = 0;
    for sc in syscalls {
        let before = kills;
        for n in 1..=80 {
            let mut injects = extra.to_vec();
            injects.push(format!("inject={sc}:signal=KILL:when={n}"));
            let o = traced_build(f, &injects);
            if o.status.success() {
                assert_eq!(hashes(&f.out()), new);
                reset_output(f, &saved);
                break;
            }
            kills += 1;
            assert_complete(f, mode, &old, &new, &format!("{sc}#{n}"));
            // The next build repairs, finishes and cleans up.
            let o = f.run(TODAY, &["--no-pdf"]);
            assert_eq!(o.status.code(), Some(0), "{sc}#{n}: {}", stderr(&o));
            assert_eq!(hashes(&f.out()), new, "{sc}#{n}");
            let left: Vec<_> = f
                .leftovers()
                .into_iter()
                .filter(|n| n != "saved-old")
                .collect();
            assert!(left.is_empty(), "{sc}#{n}: {left:?}");
            let inside: Vec<_> = std::fs::read_dir(f.out())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".tsushin") && n != ".tsushin-output")
                .collect();
            assert!(inside.is_empty(), "{sc}#{n}: {inside:?}");
            reset_output(f, &saved);
        }
        eprintln!("killed at {} of {sc}", kills - before);
    }
    kills
}

#[test]
fn killed_at_any_step_of_the_swap_the_output_is_complete() {
    if !strace_works() {
        return;
    }
    let f = site();
    let kills = kill_at_every_call(
        &f,
        &[
            "renameat2",
            "rename",
            "mkdir",
            "unlink",
            "unlinkat",
            "rmdir",
        ],
        &[],
        Mode::Exchange,
    );
    eprintln!("{kills} builds killed");
    assert!(kills >= 10, "only {kills} kills: the swap was not reached");
}

#[test]
fn killed_during_the_two_step_fallback_the_next_build_restores() {
    if !strace_works() {
        return;
    }
    let f = site();
    // A file system without RENAME_EXCHANGE.
    let no_exchange = vec!["inject=renameat2:error=EINVAL".to_string()];
    let kills = kill_at_every_call(
        &f,
        &["rename", "mkdir", "unlink", "unlinkat", "rmdir"],
        &no_exchange,
        Mode::Fallback,
    );
    eprintln!("{kills} builds killed");
    assert!(kills >= 10, "only {kills} kills: the swap was not reached");
}

#[test]
fn killed_during_a_mount_point_swap_every_entry_is_complete() {
    if !strace_works() {
        return;
    }
    let f = site();
    let mount = match Mount::new(&f.out()) {
        Ok(m) => m,
        Err(why) => {
            eprintln!("SKIPPED killed_during_a_mount_point_swap: {why}");
            return;
        }
    };
    let kills = kill_at_every_call(
        &f,
        &["renameat2", "rename", "mkdir", "unlinkat", "rmdir"],
        &[],
        Mode::Mount,
    );
    eprintln!("{kills} builds killed");
    assert!(kills >= 10, "only {kills} kills: the swap was not reached");
    assert!(mount.is_mounted());
}

#[test]
fn a_kill_between_the_fallback_renames_is_repaired_even_by_a_failing_build() {
    if !strace_works() {
        return;
    }
    let f = site();
    let (old, _new, _saved) = old_and_new(&f);
    // rename #1 moves the old output aside; the kill comes at rename #2.
    let o = traced_build(
        &f,
        &[
            "inject=renameat2:error=EINVAL".to_string(),
            "inject=rename:signal=KILL:when=2".to_string(),
        ],
    );
    assert!(!o.status.success());
    assert!(
        !f.out().exists(),
        "expected the moment with no output: {:?}",
        f.leftovers()
    );
    f.write("content/about.md", "---\ntitle: [壊れた\n---\n");
    let o = f.run(TODAY, &["--no-pdf"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(hashes(&f.out()), old, "the old site was not restored");
    let left: Vec<_> = f
        .leftovers()
        .into_iter()
        .filter(|n| n != "saved-old")
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_second_build_waits_instead_of_deleting_the_first_ones_staging() {
    if !strace_works() {
        return;
    }
    let f = site();
    let (_old, new, _saved) = old_and_new(&f);
    // Build A stops for 2 s just before its swap (its staging folder is made before).
    let root = f.root();
    let a = Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-o",
            "/dev/null",
            "-e",
            "inject=renameat2:delay_enter=2000000",
        ])
        .arg(env!("CARGO_BIN_EXE_tsushin"))
        .args(["--quiet", "build", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(f.out())
        .args(["--today", TODAY, "--no-pdf"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !f
        .leftovers()
        .iter()
        .any(|n| n.starts_with(".tsushin-build-out-"))
    {
        assert!(started.elapsed().as_secs() < 20, "build A never staged");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // Build B, meanwhile: it must not take A's staging folder for a leftover.
    let b = f.run(TODAY, &["--no-pdf"]);
    let a = a.wait_with_output().unwrap();
    assert_eq!(a.status.code(), Some(0), "build A: {}", stderr(&a));
    assert_eq!(b.status.code(), Some(0), "build B: {}", stderr(&b));
    assert!(
        started.elapsed().as_millis() >= 1500,
        "B did not wait for A"
    );
    assert_eq!(hashes(&f.out()), new);
    let left: Vec<_> = f
        .leftovers()
        .into_iter()
        .filter(|n| n != "saved-old")
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
