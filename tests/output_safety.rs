//! The output folder can never hurt the author: `--output` is resolved (through `..` and
//! symbolic links) before any check, the site's sources and folders tsushin did not make are
//! refused, the swap is crash-safe (proved by killing the real binary at every rename and
//! deletion of the swap with strace), leftovers are cleaned, and symbolic links and mount points
//! as output work.
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;

fn site() -> Fixture {
    Fixture::new(&[
        (
            "content/newsletters/vol01.md",
            &newsletter(
                1,
                "2021-06-30",
                "第１号",
                "本文です。\n\n![写真](photo.png)\n",
            ),
        ),
        ("content/newsletters/photo.png", "not really a png"),
        ("content/about.md", &page("このサイトについて", "本文")),
        ("templates/.keep", ""),
        ("static/extra.css", "body {}\n"),
    ])
}

/// `tsushin build --root <site> --output <output> --no-pdf`, run from `cwd`.
fn build_into(f: &Fixture, output: &str, cwd: &Path) -> Output {
    let root = f.root();
    run_bin(
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--output",
            output,
            "--today",
            TODAY,
            "--no-pdf",
        ],
        cwd,
    )
}

/// stderr with miette's wrapping undone: frame characters removed, white space collapsed.
fn flat(o: &Output) -> String {
    normalize(&stderr(o).replace('│', " "))
}

/// Everything under the fixture's temporary folder (site, output, anything beside them).
fn everything(f: &Fixture) -> BTreeMap<String, (usize, u64)> {
    hashes(f.dir.path())
}

// ---------------------------------------------------------------------------------------------
// Refused outputs

#[test]
fn output_through_a_missing_folder_into_the_sources_is_refused() {
    let f = site();
    let root = f.root();
    for output in [
        "x/../content",
        "x/../content/newsletters",
        "x/y/../../templates",
        "nope/../themes",
        "x/../static/out",
        "x/../site.yaml",
        "x/..",
        ".",
        "..",
        "../..",
        "/",
    ] {
        let before = everything(&f);
        let o = build_into(&f, output, &root);
        let err = flat(&o);
        assert_eq!(
            o.status.code(),
            Some(1),
            "--output {output} must be refused:\n{err}"
        );
        assert!(err.contains("resolves to"), "--output {output}: {err}");
        assert!(
            err.contains("the site's own files"),
            "--output {output}: {err}"
        );
        assert!(
            err.contains("neither inside nor above"),
            "no help for {output}: {err}"
        );
        assert_eq!(everything(&f), before, "--output {output} changed files");
        assert!(!root.join("x").exists() && !root.join("nope").exists());
    }
    // The message names the resolved folder.
    let o = build_into(&f, "x/../content", &root);
    let want = format!("resolves to {}", root.join("content").display());
    assert!(flat(&o).contains(&want), "{}", stderr(&o));
    assert!(flat(&o).contains("the site's content"), "{}", stderr(&o));
}

#[test]
fn dotdot_never_replaces_a_folder_outside_the_site() {
    let f = site();
    let outside = f.dir.path().join("somefolder");
    std::fs::create_dir_all(outside.join("docs")).unwrap();
    std::fs::write(outside.join("docs/予算.xlsx"), b"PK\x03\x04").unwrap();
    std::fs::write(outside.join("memo.txt"), "大事なメモ").unwrap();
    let before = everything(&f);
    let o = build_into(&f, "nope/../../somefolder", &f.root());
    let err = flat(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("not made by tsushin"), "{err}");
    assert!(
        err.contains(&outside.display().to_string()),
        "resolved path missing: {err}"
    );
    assert_eq!(
        everything(&f),
        before,
        "a folder outside the site was touched"
    );
    assert!(!f.root().join("nope").exists(), "`nope` was created");
}

#[test]
fn symbolic_links_into_the_sources_are_refused() {
    let f = site();
    let tmp = f.dir.path();
    std::os::unix::fs::symlink(f.root().join("content/newsletters"), tmp.join("link")).unwrap();
    // `link/..` is content/ on disk, though the string says <tmp>.
    for output in ["link/../x", "link/out", "link"] {
        let before = everything(&f);
        let o = build_into(&f, output, tmp);
        let err = flat(&o);
        assert_eq!(o.status.code(), Some(1), "--output {output}:\n{err}");
        assert!(err.contains("through symbolic links"), "{err}");
        assert!(err.contains("the site's content"), "{err}");
        assert_eq!(everything(&f), before, "--output {output} changed files");
    }

    // content/ itself a link to a folder elsewhere: that folder is the source.
    let g = Fixture::new(&[("about.md", "")]);
    let real = g.dir.path().join("realcontent");
    std::fs::create_dir_all(real.join("newsletters")).unwrap();
    std::fs::write(
        real.join("newsletters/vol01.md"),
        newsletter(1, "2021-06-30", "第１号", "本文"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&real, g.root().join("content")).unwrap();
    let before = hashes(&real);
    let out = real.join("out");
    let o = build_into(&g, out.to_str().unwrap(), g.dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(hashes(&real), before);
}

// ---------------------------------------------------------------------------------------------
// Symbolic link and mount point as output

#[test]
fn output_symlink_stays_a_symlink_and_its_target_gets_the_site() {
    let f = site();
    let tmp = f.dir.path();
    std::fs::create_dir_all(tmp.join("www/site")).unwrap();
    std::os::unix::fs::symlink("www/site", tmp.join("out")).unwrap();
    for round in 0..2 {
        if round == 1 {
            f.remove("content/about.md");
        }
        let o = f.run(TODAY, &["--no-pdf"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let meta = std::fs::symlink_metadata(tmp.join("out")).unwrap();
        assert!(
            meta.file_type().is_symlink(),
            "round {round}: out is no longer a link"
        );
        assert_eq!(
            std::fs::read_link(tmp.join("out")).unwrap(),
            Path::new("www/site")
        );
        assert!(tmp.join("www/site/index.html").is_file());
        assert!(tmp.join("www/site/.tsushin-output").is_file());
        assert_eq!(tmp.join("www/site/about.html").exists(), round == 0);
        assert!(leftovers_beside(&tmp.join("out")).is_empty());
        assert!(leftovers_beside(&tmp.join("www/site")).is_empty());
    }
}

/// A tmpfs mounted at a path for the duration of a test.
struct Mount(PathBuf);

impl Mount {
    fn new(at: &Path) -> Result<Mount, String> {
        std::fs::create_dir_all(at).unwrap();
        let o = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=16m", "tsushin-test"])
            .arg(at)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !o.status.success() {
            return Err(format!("mount -t tmpfs failed (not root?): {}", stderr(&o)));
        }
        Ok(Mount(at.to_path_buf()))
    }

    fn is_mounted(&self) -> bool {
        let info = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
        let want = self.0.to_str().unwrap();
        info.lines().any(|l| l.split(' ').nth(4) == Some(want))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn mount_point_output_gets_the_site() {
    let f = site();
    let mount = match Mount::new(&f.out()) {
        Ok(m) => m,
        Err(why) => {
            eprintln!("SKIPPED mount_point_output_gets_the_site: {why}");
            return;
        }
    };
    for round in 0..2 {
        if round == 1 {
            f.remove("content/about.md");
        }
        let o = f.run(TODAY, &["--no-pdf"]);
        let err = flat(&o);
        assert_eq!(o.status.code(), Some(0), "round {round}: {err}");
        assert!(!err.contains("disk"), "{err}");
        assert!(mount.is_mounted(), "the mount point was replaced");
        assert!(f.exists("index.html") && f.exists(".tsushin-output"));
        assert_eq!(f.exists("about.html"), round == 0, "round {round}");
        let inside: Vec<String> = std::fs::read_dir(f.out())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".tsushin") && n != ".tsushin-output")
            .collect();
        assert!(inside.is_empty(), "left inside the mount: {inside:?}");
        assert!(f.leftovers().is_empty(), "{:?}", f.leftovers());
    }
    // The same site built elsewhere: identical files.
    let reference = f.dir.path().join("reference");
    let o = build_into(&f, reference.to_str().unwrap(), f.dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(hashes(&f.out()), hashes(&reference));
}

#[test]
fn mount_point_with_foreign_files_is_refused_with_a_true_message() {
    let f = site();
    let _mount = match Mount::new(&f.out()) {
        Ok(m) => m,
        Err(why) => {
            eprintln!("SKIPPED mount_point_with_foreign_files_is_refused: {why}");
            return;
        }
    };
    std::fs::write(f.out().join("共有メモ.txt"), "残す").unwrap();
    let o = f.run(TODAY, &["--no-pdf"]);
    let err = flat(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("not made by tsushin"), "{err}");
    assert!(!err.contains("disk is not full"), "{err}");
    assert_eq!(
        std::fs::read_to_string(f.out().join("共有メモ.txt")).unwrap(),
        "残す"
    );
}

// ---------------------------------------------------------------------------------------------
// Leftovers and repair

#[test]
fn leftovers_of_interrupted_builds_are_removed_and_nothing_else() {
    let f = site();
    assert_eq!(f.run(TODAY, &["--no-pdf"]).status.code(), Some(0));
    let tmp = f.dir.path();
    let marked = |name: &str| {
        let d = tmp.join(name);
        std::fs::create_dir_all(d.join("newsletters")).unwrap();
        std::fs::write(d.join(".tsushin-output"), "").unwrap();
        std::fs::write(d.join("newsletters/vol01.html"), "old").unwrap();
    };
    marked(".tsushin-build-out-a1B2c3"); // staging of a killed build
    marked(".tsushin-old-out-Zz9yX8"); // previous output set aside
    marked(".tsushin-build-Q1w2E3"); // staging of an earlier version
    std::fs::create_dir_all(tmp.join(".tsushin-old-out-EMPTY1")).unwrap();
    // Look alike, but not tsushin's: no marker, or another output's.
    std::fs::create_dir_all(tmp.join(".tsushin-build-out-mine12")).unwrap();
    std::fs::write(tmp.join(".tsushin-build-out-mine12/notes.txt"), "mine").unwrap();
    marked(".tsushin-old-other-abc123");
    // Set aside by an earlier version: `.tsushin-old-XXXXXX/output`.
    marked(".tsushin-old-AbC123/output");
    std::fs::create_dir_all(tmp.join(".tsushin-old-XyZ789/output")).unwrap();
    std::fs::write(tmp.join(".tsushin-old-XyZ789/output/notes.txt"), "mine").unwrap();

    let o = f.run(TODAY, &["--no-pdf"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        f.leftovers(),
        vec![
            ".tsushin-build-out-mine12".to_string(),
            ".tsushin-old-XyZ789".to_string(),
            ".tsushin-old-other-abc123".to_string()
        ],
    );
    assert!(tmp.join(".tsushin-build-out-mine12/notes.txt").is_file());
}

#[test]
fn a_set_aside_output_is_restored_by_the_next_build_even_a_failing_one() {
    let f = site();
    assert_eq!(f.run(TODAY, &["--no-pdf"]).status.code(), Some(0));
    let before = hashes(&f.out());
    // What a build killed between the two renames of the fallback swap leaves.
    let aside = f.dir.path().join(".tsushin-old-out-Kx81Pq");
    std::fs::rename(f.out(), &aside).unwrap();
    f.write("content/about.md", "---\ntitle: [壊れた\n---\n");
    let o = f.run(TODAY, &["--no-pdf"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        hashes(&f.out()),
        before,
        "the previous output was not restored"
    );
    assert!(f.leftovers().is_empty(), "{:?}", f.leftovers());
}

// ---------------------------------------------------------------------------------------------
// Killed during the swap (strace fault injection)

#[path = "output_safety/kill.rs"]
mod kill;
