//! `tsushin pdf FILE.md` reads only the page and the pages it links to (their output paths
//! and anchors are all its links need), so one PDF of a ten-year site does not parse the
//! other few hundred pages. What it reports stays what `build` reports: a problem of the page
//! makes it read the whole site, so a "did you mean" can name any page.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;

const ISSUE: &str = "content/newsletters/2021-09-vol02.md";
const LINKED: &str = "content/events/2021-08-tabunya.md";
const UNLINKED: &str = "content/newsletters/2021-06-vol01.md";

fn issue(body: &str) -> String {
    format!(
        "---\ntitle: コーディネーター連絡会通信 第２号\ndate: 2021-09-30\nnumber: 2\n---\n\n## はじめに\n\n{body}\n"
    )
}

fn site(body: &str) -> Fixture {
    Fixture::new(&[
        (ISSUE, &issue(body)),
        (
            LINKED,
            &event(
                "多職種研修会",
                "scheduled",
                "2021-10-23T14:15",
                "2021-10-23T16:15",
                "## 申込\n\n案内。",
            ),
        ),
        (
            UNLINKED,
            "---\ntitle: コーディネーター連絡会通信 第１号\ndate: 2021-06-30\nnumber: 1\n---\n\n## 報告\n\n本文。\n",
        ),
    ])
}

/// `tsushin pdf` of `source`, under strace when `trace` names a log file.
fn pdf(f: &Fixture, source: &str, trace: Option<&Path>) -> Output {
    let out = f.dir.path().join("single.pdf");
    let mut cmd = match trace {
        Some(log) => {
            let mut c = Command::new("strace");
            c.args(["-f", "-e", "trace=open,openat", "-o"])
                .arg(log)
                .arg(env!("CARGO_BIN_EXE_tsushin"));
            c
        }
        None => Command::new(env!("CARGO_BIN_EXE_tsushin")),
    };
    cmd.arg("pdf")
        .arg(f.root().join(source))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap()
}

/// The files of content/ the traced process opened.
fn opened(log: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(log).unwrap();
    let mut files: Vec<String> = text
        .lines()
        .filter(|l| !l.contains("= -1"))
        .filter_map(|l| l.split('"').nth(1))
        .filter_map(|p| p.find("content/").map(|i| p[i..].to_owned()))
        .filter(|p| p.ends_with(".md"))
        .collect();
    files.sort();
    files.dedup();
    files
}

#[test]
fn only_the_page_and_the_pages_it_links_to_are_read() {
    let f = site("研修は[こちら](../events/2021-08-tabunya.md#申込)。");
    let log = f.dir.path().join("strace.log");
    let run = pdf(&f, ISSUE, Some(&log));
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(opened(&log), [LINKED, ISSUE], "files read");
    // The same PDF as build's, whose links were resolved over the whole site.
    f.build_ok();
    let built = f
        .out()
        .join("newsletters/コーディネーター連絡会通信_第2号.pdf");
    assert!(built.is_file(), "{:?}", snapshot(&f.out()).keys());
    assert_eq!(
        std::fs::read(f.dir.path().join("single.pdf")).unwrap(),
        std::fs::read(&built).unwrap()
    );
}

/// A link to a page that does not exist is reported as `check` reports it, with the
/// suggestion found among all pages, though the page never linked to the one suggested.
#[test]
fn a_broken_link_is_reported_as_check_reports_it() {
    let f = site("前号は[こちら](2021-06-vol1.md)。");
    let run = pdf(&f, ISSUE, None);
    assert!(!run.status.success());
    let err = stderr(&run);
    assert!(
        err.contains("no such page") && err.contains("did you mean `2021-06-vol01.md`?"),
        "{err}"
    );
    let root = f.root();
    let check = run_bin(&["check", "--root", root.to_str().unwrap()], f.dir.path());
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(said.contains("did you mean `2021-06-vol01.md`?"), "{said}");
    assert!(!f.dir.path().join("single.pdf").exists());
}

/// A missing anchor of a linked page is the same warning as in `check`, and the PDF is made.
#[test]
fn a_missing_anchor_of_a_linked_page_is_warned_about() {
    let f = site("研修は[こちら](../events/2021-08-tabunya.md#締切)。");
    let run = pdf(&f, ISSUE, None);
    assert!(run.status.success(), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains("no heading with the anchor `#締切` in events/2021-08-tabunya.md"),
        "{err}"
    );
    assert!(f.dir.path().join("single.pdf").is_file());
}

/// Problems of pages it neither is nor links to do not stop it (`build` would stop).
#[test]
fn problems_of_other_pages_do_not_stop_it() {
    let f = site("本文。");
    f.write(UNLINKED, "---\ntitle: [壊れた\n---\n");
    let run = pdf(&f, ISSUE, None);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(!stderr(&run).contains("2021-06-vol01"), "{}", stderr(&run));
    assert!(f.build().diagnostics.has_errors());
}

/// Odd `-o` paths and a file that is not there: a folder gets the usual file name inside it,
/// a folder that does not exist is named in the error, and nothing half-written stays.
#[test]
fn odd_output_paths_and_missing_files_are_handled() {
    let f = site("本文。");
    let run_to = |out: &Path, source: &Path| {
        Command::new(env!("CARGO_BIN_EXE_tsushin"))
            .arg("pdf")
            .arg(source)
            .arg("-o")
            .arg(out)
            .output()
            .unwrap()
    };
    let folder = f.dir.path().join("pdfs");
    std::fs::create_dir(&folder).unwrap();
    let run = run_to(&folder, &f.root().join(ISSUE));
    assert!(run.status.success(), "{}", stderr(&run));
    let names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["コーディネーター連絡会通信_第2号.pdf"]);

    let missing = f.dir.path().join("no-such-folder").join("x.pdf");
    let run = run_to(&missing, &f.root().join(ISSUE));
    assert!(!run.status.success());
    let err = stderr(&run);
    assert!(
        err.contains("cannot write the PDF") && err.contains("does not exist"),
        "{err}"
    );
    assert!(!f.dir.path().join("no-such-folder").exists());

    // `-o` naming the page itself (or anything but a .pdf) leaves it as it was.
    let source = f.root().join(ISSUE);
    let before = std::fs::read(&source).unwrap();
    let run = run_to(&source, &source);
    assert!(!run.status.success());
    assert!(stderr(&run).contains("not a .pdf file"), "{}", stderr(&run));
    assert_eq!(std::fs::read(&source).unwrap(), before);

    let run = run_to(&folder, &f.root().join("content/newsletters/none.md"));
    assert!(!run.status.success());
    assert!(stderr(&run).contains("no such file"), "{}", stderr(&run));
}
