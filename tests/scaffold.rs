//! `tsushin init` and `tsushin new` through the real binary: a new site builds at once, nothing
//! is ever overwritten, and new issues continue the numbering after the highest number used.

mod common;

use std::path::Path;
use std::process::Output;

use common::*;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn init_makes_a_site_that_builds_and_checks_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("renrakukai");
    let out = run_bin(
        &["init", dir.to_str().unwrap(), "--date", "2021-06-30"],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    for f in [
        "site.yaml",
        "content/newsletters/2021-06-vol01.md",
        "content/events/2021-07-kenshu.md",
        "content/about.md",
    ] {
        assert!(dir.join(f).is_file(), "{f} was not created");
    }
    assert!(
        !dir.join("themes").exists(),
        "the default theme is built in"
    );
    // site.yaml explains every key in Japanese.
    let yaml = read(&dir.join("site.yaml"));
    for key in [
        "title:",
        "theme:",
        "language:",
        "base_url:",
        "name:",
        "recipients:",
        "date_style:",
        "allow_raw_html:",
    ] {
        let line = yaml
            .lines()
            .position(|l| l.trim_start().trim_start_matches("# ").starts_with(key));
        let line = line.unwrap_or_else(|| panic!("no `{key}` in site.yaml"));
        let before = yaml.lines().nth(line - 1).unwrap().trim_start();
        assert!(before.starts_with('#'), "`{key}` has no comment above it");
    }

    let build = run_bin(
        &[
            "build",
            "--root",
            dir.to_str().unwrap(),
            "--today",
            "2021-07-01",
        ],
        tmp.path(),
    );
    assert!(build.status.success(), "{}", stderr(&build));
    assert!(!stderr(&build).contains("warning"), "{}", stderr(&build));
    for f in [
        "index.html",
        "newsletters/2021-06-vol01.html",
        "events/2021-07-kenshu.html",
        "about.html",
    ] {
        assert!(dir.join("output").join(f).is_file(), "{f} was not built");
    }
    let issue = read(&dir.join("output/newsletters/2021-06-vol01.html"));
    assert!(issue.contains("コーディネーター連絡会通信 第１号"));
    assert!(
        issue.contains("2021-07-kenshu.html"),
        "the sample link to the training resolves"
    );
    assert!(broken_links(&dir.join("output")).is_empty());

    let check = run_bin(
        &[
            "check",
            "--root",
            dir.to_str().unwrap(),
            "--today",
            "2021-07-01",
        ],
        tmp.path(),
    );
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    assert!(
        stdout(&check).starts_with("ok: no problems"),
        "{}",
        stdout(&check)
    );
}

#[test]
fn init_never_writes_into_a_folder_in_use() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("site.yaml"), "title: 自分のサイト\n").unwrap();

    let refused = run_bin(&["init", dir.to_str().unwrap()], tmp.path());
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("is not empty; nothing was written"),
        "{}",
        stderr(&refused)
    );
    assert!(stderr(&refused).contains("--force"));
    assert!(!dir.join("content").exists());

    // --force adds what is missing and keeps what is there.
    let forced = run_bin(
        &[
            "init",
            dir.to_str().unwrap(),
            "--force",
            "--date",
            "2021-06-30",
        ],
        tmp.path(),
    );
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert_eq!(read(&dir.join("site.yaml")), "title: 自分のサイト\n");
    assert!(
        stderr(&forced).contains("already there"),
        "{}",
        stderr(&forced)
    );
    assert!(dir.join("content/newsletters/2021-06-vol01.md").is_file());

    // A second --force run changes nothing.
    let issue = dir.join("content/newsletters/2021-06-vol01.md");
    std::fs::write(&issue, "edited by the author").unwrap();
    let again = run_bin(&["init", dir.to_str().unwrap(), "--force"], tmp.path());
    assert!(again.status.success());
    assert_eq!(read(&issue), "edited by the author");

    // A file where the folder should be.
    let file = tmp.path().join("afile");
    std::fs::write(&file, "x").unwrap();
    let bad = run_bin(&["init", file.to_str().unwrap()], tmp.path());
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("is not a folder"));
}

#[test]
fn new_issue_numbers_continue_after_the_highest_including_gaps_and_drafts() {
    let f = Fixture::new(&[
        (
            "content/newsletters/2021-06-vol01.md",
            "---\ntitle: 第１号\ndate: 2021-06-30\nnumber: 1\nauthor: 保健師 宮成\n---\n\n本文\n",
        ),
        (
            "content/newsletters/2021-09-vol02.md",
            &newsletter(2, "2021-09-30", "第２号", "本文"),
        ),
        // 3 and 4 were never issued: a gap is not filled.
        (
            "content/newsletters/2022-03-vol05.md",
            "---\ntitle: 第５号\ndate: 2022-03-31\nnumber: 5\nauthor: 保健師 山田\n---\n\n本文\n",
        ),
        // A draft keeps its number.
        (
            "content/newsletters/2022-06-vol06.md",
            "---\ntitle: 第６号\ndate: 2022-06-30\nnumber: 6\ndraft: true\n---\n\n書きかけ\n",
        ),
        (
            "content/events/e.md",
            &event("研修", "held", "2021-08-23T14:15", "2021-08-23T16:15", ""),
        ),
    ]);
    let root = f.root();
    let out = run_bin(
        &[
            "new",
            "newsletter",
            "--root",
            root.to_str().unwrap(),
            "--date",
            "2022-09-30",
        ],
        f.dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = stdout(&out);
    let path = Path::new(printed.trim());
    assert!(
        printed
            .trim()
            .ends_with("content/newsletters/2022-09-vol07.md"),
        "{printed}"
    );
    let text = read(path);
    assert!(text.contains("\nnumber: 7\n"), "{text}");
    assert!(
        text.contains("\ntitle: コーディネーター連絡会通信 第７号\n"),
        "{text}"
    );
    assert!(text.contains("\ndate: 2022-09-30\n"), "{text}");
    // The author of the latest issue that names one, the recipients of site.yaml.
    assert!(text.contains("\nauthor: 保健師 山田\n"), "{text}");
    assert!(
        text.contains("\nrecipients: [受託法人, 相談支援室]\n"),
        "{text}"
    );
    assert!(text.contains("\n## コーディネーターの皆さまへ\n"), "{text}");
    // The skeleton builds, and its page is numbered.
    let report = f.build_ok();
    assert!(report.pages_written > 0);
    assert!(f.read("newsletters/2022-09-vol07.html").contains("第７号"));

    // A broken header still counts: its number is read from the `number:` line.
    f.write(
        "content/newsletters/2022-12-vol08.md",
        "---\ntitle: [壊れた\nnumber: 8\n---\n",
    );
    let out = run_bin(
        &[
            "new",
            "newsletter",
            "--root",
            root.to_str().unwrap(),
            "--date",
            "2022-12-28",
        ],
        f.dir.path(),
    );
    assert!(
        stdout(&out)
            .trim()
            .ends_with("content/newsletters/2022-12-vol09.md"),
        "{}",
        stdout(&out)
    );

    // Never overwrites: the name given with --slug exists.
    let before = read(&root.join("content/newsletters/2021-06-vol01.md"));
    let out = run_bin(
        &[
            "new",
            "newsletter",
            "--root",
            root.to_str().unwrap(),
            "--slug",
            "2021-06-vol01",
        ],
        f.dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("already exists; nothing was written"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        read(&root.join("content/newsletters/2021-06-vol01.md")),
        before
    );
}

#[test]
fn the_first_issue_is_number_one() {
    let f = Fixture::new(&[]);
    let out = run_bin(
        &[
            "new",
            "newsletter",
            "--root",
            f.root().to_str().unwrap(),
            "--date",
            "2021-06-30",
        ],
        f.dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .trim()
            .ends_with("content/newsletters/2021-06-vol01.md")
    );
    let text = read(&f.root().join("content/newsletters/2021-06-vol01.md"));
    assert!(text.contains("\nnumber: 1\n"));
    // No issue names an author yet: the line is there to fill in, commented.
    assert!(text.contains("\n# author: "), "{text}");
    f.build_ok();
}

#[test]
fn new_event_has_every_key_and_builds() {
    let f = Fixture::new(&[]);
    let root = f.root();
    let title = "多職種研修会: 第2回「認知症がある方と家族の意思決定」";
    let out = run_bin(
        &[
            "new",
            "event",
            title,
            "--root",
            root.to_str().unwrap(),
            "--date",
            "2021-07-23",
        ],
        f.dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = stdout(&out);
    assert!(
        printed.trim().ends_with("content/events/2021-08-kenshu.md"),
        "{printed}"
    );
    let text = read(Path::new(printed.trim()));
    for key in [
        "title:",
        "summary:",
        "tags:",
        "status: scheduled",
        "format: in-person",
        "venue:",
        "target:",
        "lecturers:",
        "  - {name:",
        "sessions:",
        "  - start: 2021-08-23T14:00",
        "    end: 2021-08-23T16:00",
        "    label:",
        "    audience:",
        "apply_by: 2021-08-09",
        "capacity:",
    ] {
        let i = text
            .lines()
            .position(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("no `{key}` in:\n{text}"));
        // Each key is explained on the line above (a comment), list items excepted.
        if !key.starts_with("  ") {
            let above = text.lines().nth(i - 1).unwrap();
            assert!(above.starts_with('#'), "`{key}` has no comment: {above}");
        }
    }
    f.build_ok_with("2021-07-23", false);
    let html = f.read("events/2021-08-kenshu.html");
    assert!(
        html.contains("多職種研修会: 第2回「認知症がある方と家族の意思決定」"),
        "the title round-trips"
    );
    assert!(html.contains("開催予定"));

    // A second training that month gets its own file.
    let again = run_bin(
        &[
            "new",
            "event",
            "別の研修会",
            "--root",
            root.to_str().unwrap(),
            "--date",
            "2021-07-23",
        ],
        f.dir.path(),
    );
    assert!(
        stdout(&again)
            .trim()
            .ends_with("content/events/2021-08-kenshu-2.md"),
        "{}",
        stdout(&again)
    );

    let empty = run_bin(
        &["new", "event", " ", "--root", root.to_str().unwrap()],
        f.dir.path(),
    );
    assert_eq!(empty.status.code(), Some(1));
    assert!(stderr(&empty).contains("the title must be one line of text"));
}

#[test]
fn new_needs_a_site() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_bin(&["new", "newsletter"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no site.yaml"), "{}", stderr(&out));
    assert!(stderr(&out).contains("tsushin init"), "{}", stderr(&out));
}
