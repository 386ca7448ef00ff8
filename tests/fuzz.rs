//! A mutation fuzzer for everything an author writes: front matter, Markdown, survey blocks and
//! site.yaml. Each round takes the example site's files and a few hand-written seeds, mutates
//! one or two of them (bytes, lines, YAML tokens, blow-ups of a slice), writes the site into a
//! temporary folder and runs `tsushin check` in-process (the library's check, with and without
//! the PDF checks). It asserts that nothing panics, that every diagnostic points at a line of a
//! file that exists, and that no round takes more than 2 s.
//!
//!   TSUSHIN_FUZZ_SECS=600 cargo test --release --test fuzz -- --ignored --nocapture
//!
//! runs it for ten minutes (default 60 s). The run is deterministic: `TSUSHIN_FUZZ_SEED=N`
//! picks the seed (printed at the start), `TSUSHIN_FUZZ_ROUND=R` replays one round. A failing
//! round is written to `target/fuzz-failures/<seed>-<round>/` (the whole site) with the reason.
//! `fuzz_smoke` runs a few rounds in every `cargo test`.

mod common;

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tsushin::diag::Diagnostic;

/// Longest time one round may take.
const ROUND_LIMIT: Duration = Duration::from_secs(2);
const DEFAULT_SEED: u64 = 0x7473_7573_6869_6e21;

/// splitmix64: small, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Pieces that mean something to YAML, Markdown, surveys or the Japanese checks.
const TOKENS: &[&str] = &[
    "---\n",
    "...\n",
    "\n",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "&a ",
    "*a",
    "<<: *a\n",
    "!!binary ",
    "!!str ",
    "'",
    "\"",
    "\\U00020BB7",
    "\\u0007",
    "\\e",
    "#",
    " #",
    "\t",
    "\0",
    "\r",
    "\r\n",
    "\u{FEFF}",
    "\u{1b}[2J",
    "| ",
    "|\n",
    ">\n",
    "  ",
    "    ",
    "> ",
    ">>>>",
    "**",
    "*",
    "_",
    "~",
    "~~",
    "`",
    "```",
    "```survey\n",
    "```\n",
    "[^1]",
    "[^1]: 注\n",
    "[a](",
    ")",
    "](#x)",
    "![](",
    "![写真](a.png)",
    "](../events/x.md)",
    "<div>",
    "</div>",
    "<!-- ",
    " -->",
    "&#x20BB7;",
    "&amp;",
    "<script>",
    "javascript:",
    "//host/x.png",
    "/abs.png",
    "../../../etc/passwd",
    "https://example.jp/",
    "# 見出し\n",
    "###### ",
    "| a | b |\n|---|---|\n",
    "1. ",
    "2021-06-30",
    "2021-13-45",
    "0001-01-01",
    "1868-01-24",
    "2021-11-05T14:00",
    "25:61",
    "-0",
    "0",
    "-1",
    "1.5",
    "1e999",
    "99999999999999999999",
    "null",
    "~",
    "true",
    "yes",
    "NaN",
    ".inf",
    "令和",
    "第１号",
    "研修会",
    "資料",
    "～",
    "辻\u{E0100}",
    "𠮷",
    "ｱ",
    "\u{200B}",
    "\u{202E}",
    "\u{FFFD}",
    "CON",
    "NUL.md",
    "a/b",
    "..",
    "？",
    "title: ",
    "date: ",
    "number: ",
    "tags: ",
    "slug: ",
    "status: ",
    "format: ",
    "sessions:\n",
    "  - start: ",
    "    end: ",
    "question: ",
    "answers:\n",
    "  はい: 3\n",
    "type: ",
    "base_url: ",
    "theme: ",
    "date_style: ",
    "newsletter:\n",
    "  name: ",
    "recipients: ",
    "allow_raw_html: true\n",
];

/// Bytes that are not UTF-8: a BOM-like pair, Shift_JIS あ, a cut UTF-8 sequence, a stray byte.
const BAD_BYTES: &[&[u8]] = &[b"\xFF\xFE", b"\x82\xA0", b"\xE3\x81", b"\x80"];

/// Hand-written seeds beside the example site (path under the site root, text).
const SEEDS: &[(&str, &str)] = &[
    (
        "content/newsletters/2021-10-vol09.md",
        "---\ntitle: 第９号\ndate: 2021-10-01\nnumber: 9\ntags: [研修会, アンケート]\n---\n\n## アンケート結果\n\n```survey\nquestion: 研修内容は業務に活かせそうですか\nanswers:\n  活かせる: 12\n  やや活かせる: 5\n  あまり活かせない: 0\n```\n\n詳しくは[研修会](../events/2021-11-godo-kenshu.md)と注[^1]を。\n\n[^1]: 注の本文。\n",
    ),
    (
        "content/events/2021-12-fuzz.md",
        "---\ntitle: 多職種連携研修会\nstatus: scheduled\nformat: online\nvenue: オンライン（Zoom）\nsessions:\n  - {start: 2021-12-01T14:00, end: 2021-12-01T16:00, label: 第１部, audience: [北区, 都島区]}\napply_by: 2021-11-20\ncapacity: 30\nlecturers:\n  - {name: 山田花子, affiliation: 市立病院, role: 医師}\n---\n\n| 時間 | 内容 |\n|:--|--:|\n| 14:00 | 開会 |\n\n> 引用\n> > 二重\n\n- [ ] 項目\n- [x] 済み\n",
    ),
    (
        "content/about.md",
        "---\ntitle: このサイトについて\ndraft: false\nslug: about\n---\n\n# 概要\n\n本文。<span>raw</span>\n\n<div>\n<p>block</p>\n</div>\n",
    ),
];

/// The files of a round: path under the site root → bytes.
type Site = BTreeMap<String, Vec<u8>>;

/// The example site's own files (site.yaml and content/) plus `SEEDS`.
fn corpus() -> Site {
    let repo = common::repo_root();
    let mut files = Site::new();
    files.insert(
        "site.yaml".into(),
        std::fs::read(repo.join("site.yaml")).unwrap(),
    );
    for entry in walkdir::WalkDir::new(repo.join("content")).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "md") {
            let rel = entry.path().strip_prefix(&repo).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            files.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    for (path, text) in SEEDS {
        files.insert((*path).into(), text.as_bytes().to_vec());
    }
    files
}

/// One random change to `bytes`; `donor` is another file to splice from.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>, donor: &[u8]) {
    let len = bytes.len();
    let at = rng.below(len + 1);
    match rng.below(10) {
        0 if len > 0 => bytes[at.min(len - 1)] = rng.next() as u8,
        1 => {
            let token = rng.pick(TOKENS).as_bytes().to_vec();
            bytes.splice(at..at, token);
        }
        2 if len > 0 => {
            let end = (at + 1 + rng.below(64)).min(len);
            bytes.drain(at.min(end)..end);
        }
        3 => {
            // A line of a file moved elsewhere, or a line of another file spliced in.
            let lines: Vec<&[u8]> = donor.split_inclusive(|&b| b == b'\n').collect();
            if !lines.is_empty() {
                let line = rng.pick(&lines).to_vec();
                let at = line_start(bytes, at);
                bytes.splice(at..at, line);
            }
        }
        4 if len > 0 => {
            // Blow-up: a slice repeated many times, to find anything worse than linear.
            let end = (at + 1 + rng.below(24)).min(len);
            let start = at.min(end.saturating_sub(1));
            let piece = bytes[start..end].to_vec();
            let times = 1 + rng.below(4000.min(200_000 / piece.len().max(1)));
            let blown: Vec<u8> = piece
                .iter()
                .copied()
                .cycle()
                .take(piece.len() * times)
                .collect();
            bytes.splice(end..end, blown);
        }
        5 => {
            // A YAML or Markdown token repeated: nesting, long keys, long lists.
            let token = rng.pick(TOKENS).as_bytes();
            let times = 1 + rng.below(3000);
            let blown: Vec<u8> = token
                .iter()
                .copied()
                .cycle()
                .take(token.len() * times)
                .collect();
            bytes.splice(at..at, blown);
        }
        6 => {
            // A value replaced: the text after `key: ` on a line.
            if let Some(colon) = bytes[at.min(len)..].windows(2).position(|w| w == b": ") {
                let start = at + colon + 2;
                let end = bytes[start..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(len, |e| start + e);
                let token = rng.pick(TOKENS).as_bytes().to_vec();
                bytes.splice(start..end, token);
            }
        }
        7 if len > 0 => {
            // Two lines swapped (the front matter's `---` moves, a fence opens late).
            let a = line_start(bytes, at);
            let b = line_start(bytes, rng.below(len + 1));
            let (a, b) = (a.min(b), a.max(b));
            let a_end = bytes[a..]
                .iter()
                .position(|&x| x == b'\n')
                .map_or(len, |e| a + e + 1);
            if a_end <= b {
                let first = bytes[a..a_end].to_vec();
                bytes.splice(b..b, first);
                bytes.drain(a..a_end);
            }
        }
        8 => {
            // Invalid UTF-8 or a Shift_JIS-looking byte pair.
            let pair = rng.pick(BAD_BYTES).to_vec();
            bytes.splice(at..at, pair);
        }
        _ => {
            let token = rng.pick(TOKENS).as_bytes().to_vec();
            let at = line_start(bytes, at);
            bytes.splice(at..at, token);
        }
    }
}

fn line_start(bytes: &[u8], at: usize) -> usize {
    bytes[..at.min(bytes.len())]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1)
}

/// The site of one round: a few files of the corpus, one or two of them mutated a few times.
fn round_site(rng: &mut Rng, corpus: &Site) -> Site {
    let names: Vec<&String> = corpus.keys().collect();
    let pages: Vec<&String> = names
        .iter()
        .copied()
        .filter(|n| n.ends_with(".md"))
        .collect();
    let mut site = Site::new();
    site.insert("site.yaml".into(), corpus["site.yaml"].clone());
    for _ in 0..1 + rng.below(4) {
        let name = rng.pick(&pages);
        site.insert((*name).clone(), corpus[*name].clone());
    }
    let targets: Vec<String> = site.keys().cloned().collect();
    for _ in 0..1 + rng.below(2) {
        let target = rng.pick(&targets).clone();
        let donor = corpus[*rng.pick(&names)].clone();
        let bytes = site.get_mut(&target).unwrap();
        for _ in 0..1 + rng.below(6) {
            mutate(rng, bytes, &donor);
        }
    }
    site
}

/// What is wrong with the outcome of a round, if anything.
/// Lines as editors count them (and tsushin reads them): CRLF, LF and a lone CR each end one.
fn line_count(bytes: &[u8]) -> usize {
    let mut n = 1;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            n += 1;
        }
    }
    n
}

fn verdict(site: &Site, root: &Path, diags: &[Diagnostic]) -> Option<String> {
    for d in diags {
        let file = d.location.file.to_string_lossy().replace('\\', "/");
        if file.is_empty() || d.location.line == 0 || d.location.column == 0 {
            return Some(format!("diagnostic without a position: {d}"));
        }
        let lines = match site.get(&file) {
            Some(bytes) => Some(line_count(bytes)),
            None => std::fs::read(root.join(&file)).ok().map(|b| line_count(&b)),
        };
        match lines {
            Some(n) if d.location.line > n + 1 => {
                return Some(format!(
                    "diagnostic past the end of its file ({n} lines): {d}"
                ));
            }
            None if !root.join(&file).exists() && !is_generated_place(&file) => {
                return Some(format!("diagnostic in a file that does not exist: {d}"));
            }
            _ => {}
        }
    }
    None
}

/// Places diagnostics may name that are not files of the site (a missing folder).
fn is_generated_place(file: &str) -> bool {
    matches!(
        file,
        "content" | "themes" | "templates" | "static" | "site.yaml"
    ) || file.starts_with("themes/")
        || file.starts_with("templates/")
}

struct Outcome {
    took: Duration,
    result: Result<Vec<Diagnostic>, String>,
}

/// Runs `tsushin check` on `root` in a worker thread; `None` when it is still running after
/// the limit (the thread is left behind, and the test fails).
fn check_in_thread(root: PathBuf, pdf: bool, drafts: bool) -> Option<Outcome> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let started = Instant::now();
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let today = "2021-10-01".parse().unwrap();
            tsushin::site::incremental::check(&root, drafts, today, pdf)
        }));
        let result = match result {
            Ok(report) => Ok(report.diagnostics.iter().cloned().collect()),
            Err(panic) => Err(panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panic".into())),
        };
        let _ = tx.send(Outcome {
            took: started.elapsed(),
            result,
        });
    });
    rx.recv_timeout(ROUND_LIMIT * 5).ok()
}

fn write_site(root: &Path, site: &Site) {
    for (rel, bytes) in site {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// Keeps the failing site under target/fuzz-failures/ and fails the test.
fn fail(seed: u64, round: u64, site: &Site, why: &str) -> ! {
    let dir = common::repo_root()
        .join("target")
        .join("fuzz-failures")
        .join(format!("{seed}-{round}"));
    let _ = std::fs::remove_dir_all(&dir);
    write_site(&dir, site);
    std::fs::write(dir.join("REASON.txt"), why).unwrap();
    panic!(
        "fuzz round failed: {why}\nseed {seed}, round {round}; the site is in {}\nreplay: TSUSHIN_FUZZ_SEED={seed} TSUSHIN_FUZZ_ROUND={round} cargo test --release --test fuzz -- --ignored --nocapture",
        dir.display()
    );
}

/// Runs rounds until `budget` is spent or `max_rounds` are done; returns the rounds run.
fn fuzz(budget: Duration, max_rounds: u64) -> u64 {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let seed = env("TSUSHIN_FUZZ_SEED").unwrap_or(DEFAULT_SEED);
    let only = env("TSUSHIN_FUZZ_ROUND");
    println!("fuzz: seed {seed} (set TSUSHIN_FUZZ_SEED to change it)");
    let corpus = corpus();
    let started = Instant::now();
    let mut round = only.unwrap_or(0);
    let mut done = 0;
    while started.elapsed() < budget && done < max_rounds {
        // Each round has its own generator, so one round can be replayed alone.
        let mut rng = Rng(seed ^ round.wrapping_mul(0xA076_1D64_78BD_642F));
        let site = round_site(&mut rng, &corpus);
        let pdf = rng.chance(30);
        let drafts = rng.chance(20);
        let dir = tempfile::Builder::new()
            .prefix("tsushin-fuzz-")
            .tempdir()
            .unwrap();
        write_site(dir.path(), &site);
        let why = match check_in_thread(dir.path().to_path_buf(), pdf, drafts) {
            None => Some(format!("check still running after {:?}", ROUND_LIMIT * 5)),
            Some(Outcome {
                result: Err(panic), ..
            }) => Some(format!("panic: {panic}")),
            Some(Outcome { took, .. }) if took > ROUND_LIMIT => {
                Some(format!("check took {took:?} (limit {ROUND_LIMIT:?})"))
            }
            Some(Outcome {
                result: Ok(diags), ..
            }) => verdict(&site, dir.path(), &diags),
        };
        if let Some(why) = why {
            fail(
                seed,
                round,
                &site,
                &format!("{why}\n(pdf checks: {pdf}, drafts: {drafts})"),
            );
        }
        round += 1;
        done += 1;
        if only.is_some() {
            break;
        }
    }
    println!(
        "fuzz: {done} rounds in {:.1} s, no problem",
        started.elapsed().as_secs_f64()
    );
    done
}

/// The long run, for CI and by hand: `TSUSHIN_FUZZ_SECS` seconds (default 60).
#[test]
#[ignore = "runs for a minute; CI runs it with --ignored"]
fn fuzz_check() {
    let secs = std::env::var("TSUSHIN_FUZZ_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let rounds = fuzz(Duration::from_secs(secs), u64::MAX);
    assert!(rounds > 0);
}

/// A few rounds in every test run, so the harness itself keeps working.
#[test]
fn fuzz_smoke() {
    let rounds = fuzz(Duration::from_secs(30), 20);
    assert!(rounds > 0);
}
