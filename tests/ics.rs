//! The calendar files (.ics) of the trainings, built by the real binary and read back with
//! Python's `icalendar` package (PyPI, through tests/ics/ics_read.py): times in UTC, one
//! VEVENT per session, STATUS, stable and unique UIDs, SEQUENCE that follows changes,
//! byte-identical rebuilds, the page's link, the example site, and `serve`.
//!
//! A Python without `icalendar` fails the test with the command to install it; nothing is
//! skipped.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

const BASE_URL: &str = "https://intranet.example.city.lg.jp/zaitaku/";

const TRAINING: &str = "content/events/2021-11-tabunya.md";
const TRAINING_TITLE: &str = "多職種連携研修会";
const TRAINING_ICS: &str = "events/多職種連携研修会.ics";
const CANCELLED: &str = "content/events/2021-12-koryukai.md";
const CANCELLED_ICS: &str = "events/地域連携交流会.ics";
const POSTPONED: &str = "content/events/2022-01-acp.md";
const POSTPONED_ICS: &str = "events/ACP研修会.ics";
const SEQUENCE_FILE: &str = ".tsushin/ics-sequence.json";

/// A training with two sessions; the first at 14:15 Japan time.
fn training(first_start: &str, venue: &str) -> String {
    format!(
        "---\ntitle: {TRAINING_TITLE}\ndate: 2021-09-15\nstatus: scheduled\nformat: in-person\n\
         venue: {venue}\ntarget: 区役所・相談支援室の職員\napply_by: 2021-10-29\nsessions:\n  \
         - {{start: {first_start}, end: 2021-11-05T16:30, label: 第１回}}\n  \
         - {{start: 2021-11-19T09:30, end: 2021-11-19T12:00, label: 第２回}}\n---\n\n\
         ## 内容\n\n事例検討を行います。\n"
    )
}

fn cancelled() -> String {
    "---\ntitle: 地域連携交流会\nstatus: cancelled\nformat: online\nvenue: オンライン\n\
     sessions:\n  - {start: 2021-12-01T18:00, end: 2021-12-01T19:30}\n---\n\n中止します。\n"
        .to_owned()
}

fn postponed() -> String {
    "---\ntitle: ACP研修会\ndate: 2021-10-01\nstatus: postponed\nformat: hybrid\n\
     venue: 市役所 会議室\nsessions:\n  - {start: 2022-01-20T13:00, end: 2022-01-20T15:00}\n\
     ---\n\n延期します。\n"
        .to_owned()
}

fn site() -> Fixture {
    Fixture::new(&[
        ("site.yaml", &format!("{SITE_YAML}base_url: {BASE_URL}\n")),
        (
            TRAINING,
            &training("2021-11-05T14:15", "天王寺区民センター"),
        ),
        (CANCELLED, &cancelled()),
        (POSTPONED, &postponed()),
        (
            "content/newsletters/2021-06-vol01.md",
            &newsletter(1, "2021-06-30", "通信 第１号", "本文です。"),
        ),
    ])
}

/// `tsushin build` with the real binary; fails the test unless it succeeds.
#[track_caller]
fn build_cli(f: &Fixture, extra: &[&str]) {
    let o = f.run(TODAY, extra);
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
}

/// The first `python3` on PATH that can import `icalendar`.
fn python() -> PathBuf {
    static FOUND: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    FOUND
        .get_or_init(|| {
            let path = std::env::var_os("PATH").unwrap_or_default();
            std::env::split_paths(&path)
                .map(|d| d.join("python3"))
                .filter(|p| p.is_file())
                .find(|p| {
                    Command::new(p)
                        .args(["-c", "import icalendar"])
                        .output()
                        .is_ok_and(|o| o.status.success())
                })
                .unwrap_or_else(|| {
                    panic!(
                        "no python3 on PATH can import icalendar. Install it: \
                         `pip install icalendar` into a virtual environment whose bin/ comes \
                         first on PATH (bash .ci/run does, in target/ci-venv)"
                    )
                })
        })
        .clone()
}

/// Every file parsed by tests/ics/ics_read.py: path → its JSON report.
fn parse(files: &[PathBuf]) -> BTreeMap<PathBuf, Value> {
    let script = repo_root().join("tests/ics/ics_read.py");
    let o = Command::new(python())
        .arg(script)
        .args(files)
        .output()
        .expect("run python3");
    let err = stderr(&o);
    assert!(
        o.status.success() && err.trim().is_empty(),
        "icalendar cannot read the files ({}):\n{err}",
        o.status
    );
    let reports: Vec<Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(reports.len(), files.len());
    files.iter().cloned().zip(reports).collect()
}

fn parse_one(file: &Path) -> Value {
    parse(&[file.to_path_buf()]).into_values().next().unwrap()
}

fn events(report: &Value) -> &Vec<Value> {
    report["events"].as_array().expect("events")
}

/// Every `.ics` of the output, path relative to it → bytes.
fn ics_files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(out)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".ics"))
        .collect()
}

fn sequences(f: &Fixture, rel: &str) -> Vec<i64> {
    events(&parse_one(&f.out().join(rel)))
        .iter()
        .map(|e| e["sequence"].as_i64().unwrap())
        .collect()
}

#[test]
fn every_training_has_a_calendar_file_that_icalendar_reads() {
    let f = site();
    build_cli(&f, &[]);
    let out = f.out();
    let files = ics_files(&out);
    let names: BTreeSet<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        BTreeSet::from([TRAINING_ICS, CANCELLED_ICS, POSTPONED_ICS]),
        "one .ics per training, none for the newsletter"
    );
    // Beside its PDF, with the same name.
    for name in &names {
        let pdf = format!("{}.pdf", name.strip_suffix(".ics").unwrap());
        assert!(f.exists(&pdf), "{name} has no PDF {pdf} beside it");
    }
    let paths: Vec<PathBuf> = names.iter().map(|n| out.join(n)).collect();
    let reports = parse(&paths);
    let mut uids = BTreeSet::new();
    for (path, r) in &reports {
        assert_eq!(r["method"], "PUBLISH", "{}", path.display());
        assert_eq!(r["version"], "2.0");
        assert_eq!(r["crlf"], true, "{}: lines end in CRLF", path.display());
        assert!(r["longest_line"].as_u64().unwrap() <= 75, "folded lines");
        for e in events(r) {
            assert!(
                uids.insert(e["uid"].as_str().unwrap().to_owned()),
                "UIDs unique"
            );
            assert_eq!(e["sequence"], 0, "a new event starts at SEQUENCE 0");
        }
    }
    let t = &reports[&out.join(TRAINING_ICS)];
    let ev = events(t);
    assert_eq!(ev.len(), 2, "one VEVENT per session");
    assert_eq!(
        ev[0]["dtstart"], "2021-11-05T05:15:00+00:00",
        "14:15 JST is 05:15Z"
    );
    assert_eq!(ev[0]["dtend"], "2021-11-05T07:30:00+00:00");
    assert_eq!(ev[1]["dtstart"], "2021-11-19T00:30:00+00:00");
    assert_eq!(ev[0]["summary"], format!("{TRAINING_TITLE} 第１回"));
    assert_eq!(ev[1]["summary"], format!("{TRAINING_TITLE} 第２回"));
    assert_eq!(ev[0]["location"], "天王寺区民センター");
    assert_eq!(ev[0]["status"], "CONFIRMED");
    // DTSTAMP from the page's date (midnight in Japan), not the clock.
    assert_eq!(ev[0]["dtstamp"], "2021-09-14T15:00:00+00:00");
    let desc = ev[0]["description"].as_str().unwrap();
    for want in [
        "形式：参集",
        "対象：区役所・相談支援室の職員",
        "申込締切：令和3年10月29日（金）",
        "https://intranet.example.city.lg.jp/zaitaku/events/2021-11-tabunya.html",
    ] {
        assert!(desc.contains(want), "description lacks {want:?}:\n{desc}");
    }
    assert_eq!(
        ev[0]["url"],
        "https://intranet.example.city.lg.jp/zaitaku/events/2021-11-tabunya.html"
    );

    let c = events(&reports[&out.join(CANCELLED_ICS)]);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0]["status"], "CANCELLED");
    assert_eq!(c[0]["dtstart"], "2021-12-01T09:00:00+00:00");
    assert!(c[0]["summary"].as_str().unwrap().starts_with("【中止】"));
    // No `date`: DTSTAMP is the latest session start.
    assert_eq!(c[0]["dtstamp"], "2021-12-01T09:00:00+00:00");

    let p = events(&reports[&out.join(POSTPONED_ICS)]);
    assert_eq!(p[0]["status"], "TENTATIVE");
    assert!(p[0]["summary"].as_str().unwrap().starts_with("【延期】"));
    assert!(p[0]["description"].as_str().unwrap().contains("延期"));
}

#[test]
fn rebuilds_give_identical_bytes_and_the_same_uids() {
    let f = site();
    build_cli(&f, &["--no-pdf"]);
    let first = ics_files(&f.out());
    assert_eq!(first.len(), 3, "--no-pdf still writes the calendar files");
    build_cli(&f, &["--no-pdf"]);
    assert_eq!(ics_files(&f.out()), first, "a rebuild gives the same bytes");

    // The same site in another folder (another machine): the same files.
    let g = site();
    build_cli(&g, &["--no-pdf"]);
    assert_eq!(
        ics_files(&g.out()),
        first,
        "the folder does not change the files"
    );

    // Editing the body changes neither UIDs nor anything else of the calendar.
    let edited =
        training("2021-11-05T14:15", "天王寺区民センター").replace("事例検討", "グループワーク");
    f.write(TRAINING, &edited);
    build_cli(&f, &["--no-pdf"]);
    assert_eq!(ics_files(&f.out()), first);

    // Another site (another base_url) gets other UIDs.
    let h = site();
    h.write(
        "site.yaml",
        &format!("{SITE_YAML}base_url: https://other.example.jp/\n"),
    );
    build_cli(&h, &["--no-pdf"]);
    let uid_of = |out: &Path| -> BTreeSet<String> {
        let paths: Vec<PathBuf> = ics_files(out).keys().map(|k| out.join(k)).collect();
        parse(&paths)
            .values()
            .flat_map(|r| {
                events(r)
                    .iter()
                    .map(|e| e["uid"].as_str().unwrap().to_owned())
            })
            .collect()
    };
    let ours = uid_of(&f.out());
    assert_eq!(ours.len(), 4);
    assert!(
        ours.is_disjoint(&uid_of(&h.out())),
        "UIDs differ between sites"
    );
}

#[test]
fn sequence_increases_when_a_session_changes_and_only_then() {
    let f = site();
    build_cli(&f, &["--no-pdf"]);
    assert_eq!(sequences(&f, TRAINING_ICS), [0, 0]);
    assert!(f.root().join(SEQUENCE_FILE).is_file());

    // The first session moves: only its SEQUENCE goes up.
    f.write(
        TRAINING,
        &training("2021-11-05T14:45", "天王寺区民センター"),
    );
    build_cli(&f, &["--no-pdf"]);
    assert_eq!(sequences(&f, TRAINING_ICS), [1, 0]);
    let r = parse_one(&f.out().join(TRAINING_ICS));
    assert_eq!(events(&r)[0]["dtstart"], "2021-11-05T05:45:00+00:00");
    let after_edit = ics_files(&f.out());

    // Rebuilt without a change: the same numbers, the same bytes.
    build_cli(&f, &["--no-pdf"]);
    assert_eq!(sequences(&f, TRAINING_ICS), [1, 0]);
    assert_eq!(ics_files(&f.out()), after_edit);

    // The venue changes: every session of the training goes up.
    f.write(
        TRAINING,
        &training("2021-11-05T14:45", "阿倍野区民センター"),
    );
    build_cli(&f, &["--no-pdf"]);
    assert_eq!(sequences(&f, TRAINING_ICS), [2, 1]);

    // A build that fails (another page is broken) records nothing.
    let state = std::fs::read(f.root().join(SEQUENCE_FILE)).unwrap();
    f.write(
        TRAINING,
        &training("2021-11-05T15:00", "阿倍野区民センター"),
    );
    f.write(
        "content/events/broken.md",
        "---\ntitle: 壊れた研修会\nstatus: maybe\n---\n",
    );
    let o = f.run(TODAY, &["--no-pdf"]);
    assert!(!o.status.success(), "the broken page fails the build");
    assert_eq!(std::fs::read(f.root().join(SEQUENCE_FILE)).unwrap(), state);
    f.remove("content/events/broken.md");
    build_cli(&f, &["--no-pdf"]);
    assert_eq!(
        sequences(&f, TRAINING_ICS),
        [3, 1],
        "one step per build, not per attempt"
    );

    // The training is cancelled: status changes, every session goes up, STATUS:CANCELLED.
    let text = training("2021-11-05T15:00", "阿倍野区民センター")
        .replace("status: scheduled", "status: cancelled");
    f.write(TRAINING, &text);
    build_cli(&f, &["--no-pdf"]);
    assert_eq!(sequences(&f, TRAINING_ICS), [4, 2]);
    let r = parse_one(&f.out().join(TRAINING_ICS));
    assert!(events(&r).iter().all(|e| e["status"] == "CANCELLED"));
    // The other trainings never changed.
    assert_eq!(sequences(&f, CANCELLED_ICS), [0]);
}

#[test]
fn a_broken_sequence_file_is_reported_at_its_line() {
    let f = site();
    f.write(SEQUENCE_FILE, "{\n  \"version\": 1,\n  \"events\": [\n");
    let o = f.run(TODAY, &["--no-pdf"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains(".tsushin/ics-sequence.json:3:12") && err.contains("calendar sequence file"),
        "{err}"
    );
    assert!(!f.exists("index.html"), "no output from a failed build");
}

#[test]
fn the_training_page_links_its_calendar_file() {
    let f = site();
    build_cli(&f, &["--no-pdf"]);
    for (page, ics) in [
        ("events/2021-11-tabunya.html", TRAINING_ICS),
        ("events/2021-12-koryukai.html", CANCELLED_ICS),
    ] {
        let html = f.html(page);
        let links = attrs(&html, "p.ics-link a", "href");
        assert_eq!(links.len(), 1, "{page}: one 予定表に追加 link");
        assert!(
            texts(&html, "p.ics-link a")[0].contains("予定表に追加"),
            "{page}"
        );
        assert!(
            !links[0].contains("://") && !links[0].starts_with('/'),
            "relative"
        );
        let target = resolve(page, &links[0])
            .unwrap()
            .expect("a file of the site");
        assert_eq!(target, ics, "{page} links {}", links[0]);
        assert!(f.exists(&target));
    }
    // The newsletter has none.
    let html = f.html("newsletters/2021-06-vol01.html");
    assert_eq!(count(&html, "p.ics-link"), 0);
}

/// The example site (content/events/) builds, and every training has its calendar file with
/// one event per session.
#[test]
fn the_example_site_has_a_calendar_file_per_training() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run_bin(
        &[
            "build",
            "--root",
            repo_root().to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
            "--today",
            "2026-11-23",
            "--no-pdf",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let files = ics_files(&out);
    let dir_events = repo_root().join("content/events");
    let mut trainings = 0;
    let mut sessions = 0;
    for entry in std::fs::read_dir(&dir_events).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let front = text.split("\n---").next().unwrap();
        let n = front.lines().filter(|l| l.contains("start:")).count();
        if n > 0 && !front.contains("draft: true") {
            trainings += 1;
            sessions += n;
        }
    }
    assert!(trainings >= 5, "the example has trainings");
    assert_eq!(files.len(), trainings, "{:?}", files.keys());
    let paths: Vec<PathBuf> = files.keys().map(|k| out.join(k)).collect();
    let reports = parse(&paths);
    let found: usize = reports.values().map(|r| events(r).len()).sum();
    assert_eq!(found, sessions, "one VEVENT per session");
    let uids: BTreeSet<&str> = reports
        .values()
        .flat_map(|r| events(r).iter().map(|e| e["uid"].as_str().unwrap()))
        .collect();
    assert_eq!(uids.len(), sessions, "UIDs unique across the site");
}

/// A running `tsushin serve`; stopped when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(root: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tsushin"))
        .args(["serve", "--root"])
        .arg(root)
        .args(["--port", "0", "--today", TODAY, "--no-pdf"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start tsushin serve");
    let mut stdout = child.stdout.take().unwrap();
    let mut line = Vec::new();
    let mut byte = [0u8];
    while stdout.read(&mut byte).unwrap_or(0) == 1 && byte[0] != b'\n' {
        line.push(byte[0]);
    }
    // Keep the pipe drained.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let line = String::from_utf8(line).unwrap();
    let addr = line
        .strip_prefix("Serving the site at http://")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .trim_end_matches('/')
        .to_owned();
    Server { child, addr }
}

/// One GET: (status, head, body).
fn get(addr: &str, path: &str) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).expect("read reply");
    let split = all.windows(4).position(|w| w == b"\r\n\r\n").expect("head");
    let head = String::from_utf8_lossy(&all[..split]).into_owned();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head, all[split + 4..].to_vec())
}

fn url_path(rel: &str) -> String {
    let enc: Vec<String> = rel
        .split('/')
        .map(|s| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
        })
        .collect();
    format!("/{}", enc.join("/"))
}

/// `serve` answers the calendar file with the bytes `build` writes, and follows an edit.
#[test]
fn serve_answers_the_calendar_file_as_build_writes_it() {
    let f = site();
    build_cli(&f, &["--no-pdf"]);
    let built = std::fs::read(f.out().join(TRAINING_ICS)).unwrap();
    let server = serve(&f.root());
    let (status, head, body) = get(&server.addr, &url_path(TRAINING_ICS));
    assert_eq!(status, 200, "{head}");
    assert!(
        head.to_lowercase().contains("content-type: text/calendar"),
        "{head}"
    );
    assert_eq!(body, built);

    // The first session moves; the preview gives what the next build writes.
    f.write(
        TRAINING,
        &training("2021-11-05T10:00", "天王寺区民センター"),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let served = loop {
        let (_, _, body) = get(&server.addr, &url_path(TRAINING_ICS));
        if body != built || Instant::now() > deadline {
            break body;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_ne!(served, built, "serve did not follow the edit");
    // `serve` writes no sequence state: the build after it still counts one change.
    build_cli(&f, &["--no-pdf"]);
    assert_eq!(std::fs::read(f.out().join(TRAINING_ICS)).unwrap(), served);
    assert_eq!(sequences(&f, TRAINING_ICS), [1, 0]);
    let r = parse_one(&f.out().join(TRAINING_ICS));
    assert_eq!(events(&r)[0]["dtstart"], "2021-11-05T01:00:00+00:00");
}

/// The preview's incremental rebuild holds the same calendar files as a full build: after a
/// session moves, after a `build` recorded new SEQUENCE numbers and the session moves again,
/// and after the title (and so the file name) changes.
#[test]
fn incremental_rebuild_keeps_the_calendar_files_of_a_full_build() {
    use tsushin::site::incremental::{Changes, Live, LiveOptions};
    let f = site();
    build_cli(&f, &["--no-pdf"]);
    let mut live = Live::new(LiveOptions {
        root: f.root(),
        drafts: false,
        today: Some(TODAY.parse().unwrap()),
        pdf: false,
    });
    let full = |f: &Fixture| {
        let mut d = tsushin::diag::Diagnostics::new();
        let site = tsushin::site::load(&f.root(), false, &mut d).unwrap();
        tsushin::site::render_all(&site, TODAY.parse().unwrap(), &mut d).unwrap()
    };
    let ics_of = |files: BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
        files
            .into_iter()
            .filter(|(k, _)| k.ends_with(".ics"))
            .collect()
    };
    let live_ics = |live: &Live| {
        ics_of(
            live.files()
                .into_iter()
                .map(|(k, v)| (k, v.to_vec()))
                .collect(),
        )
    };
    assert_eq!(live_ics(&live), ics_of(full(&f)));
    assert_eq!(live_ics(&live).len(), 3);
    let edit = |live: &mut Live, text: String| {
        f.write(TRAINING, &text);
        live.update(&Changes {
            full: false,
            content: BTreeSet::from(["events/2021-11-tabunya.md".to_owned()]),
        });
        assert_eq!(live_ics(live), ics_of(full(&f)));
    };
    edit(
        &mut live,
        training("2021-11-05T13:00", "天王寺区民センター"),
    );
    // A build while the preview runs records SEQUENCE 1; the next move is SEQUENCE 2 in both.
    build_cli(&f, &["--no-pdf"]);
    edit(
        &mut live,
        training("2021-11-05T12:00", "天王寺区民センター"),
    );
    let seq = |live: &Live| {
        let bytes = live.files()[TRAINING_ICS].to_vec();
        String::from_utf8(bytes).unwrap()
    };
    assert!(seq(&live).contains("SEQUENCE:2\r\n"), "{}", seq(&live));
    edit(
        &mut live,
        training("2021-11-05T12:00", "天王寺区民センター")
            .replace(TRAINING_TITLE, "多職種連携研修会（改）"),
    );
    assert!(live_ics(&live).contains_key("events/多職種連携研修会（改）.ics"));
    assert!(
        !live_ics(&live).contains_key(TRAINING_ICS),
        "the old name is gone"
    );
}
