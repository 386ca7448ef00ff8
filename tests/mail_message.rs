//! `tsushin mail plan` and `tsushin mail eml` driven as the author runs them, on fixture sites
//! with an address book: the drafts are read back with mail-parser and with Python's `email`
//! package, the attachments compared with the files `tsushin build` writes, and every way a
//! message could leak an address or grow too large is refused before anything is written.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Command, Output};

use common::{Fixture, run_bin, stderr};
use mail_parser::{Address, MessageParser, MimeHeaders};

const BASE_URL: &str = "https://intra.example.city.lg.jp/zaitaku/";
const ISSUE: &str = "content/newsletters/2021-06-vol05.md";
const PDF: &str = "newsletters/コーディネーター連絡会通信_第5号.pdf";
const PDF_NAME: &str = "コーディネーター連絡会通信_第5号.pdf";
const TRAINING: &str = "content/events/2021-11-tabunya.md";
const TRAINING_PDF: &str = "events/多職種連携研修会.pdf";
const TRAINING_ICS: &str = "events/多職種連携研修会.ics";
const SUMMARY: &str = "新任コーディネーター連絡会の報告と来月の予定";

const FROM: &str = "zaitaku@city.example.lg.jp";
const REPLY_TO: &str = "renraku@city.example.lg.jp";
/// Everyone in the book: three people, one of them in both groups, one outside the city.
const KITA: &str = "kita-hoken@city.example.lg.jp";
const SOUDAN: &str = "soudan1@city.example.lg.jp";
const HOUJIN: &str = "info@houjin.example.com";
const EVERYONE: [&str; 3] = [KITA, SOUDAN, HOUJIN];

fn site_yaml(base_url: bool, extra_mail: &str) -> String {
    let base = if base_url {
        format!("base_url: {BASE_URL}\n")
    } else {
        String::new()
    };
    format!(
        "title: テスト用 連絡会サイト\n{base}newsletter:\n  name: コーディネーター連絡会通信\n  \
         recipients: [受託法人, 相談支援室]\nmail:\n  from: \"在宅医療係 <{FROM}>\"\n  \
         reply_to: \"{REPLY_TO}\"\n  signature: |\n    大阪市 健康局 在宅医療係\n    \
         電話 06-0000-0000\n  internal_domains: [city.example.lg.jp]\n{extra_mail}"
    )
}

const BOOK: &str = "受託法人:\n  - {name: 北区 保健福祉課, email: kita-hoken@city.example.lg.jp}\n  \
     - {name: 法人 太郎, email: info@houjin.example.com}\n相談支援室:\n  \
     - {name: 第一相談支援室, email: soudan1@city.example.lg.jp}\n  \
     - {name: 北区 保健福祉課, email: Kita-Hoken@city.example.lg.jp}\n";

fn issue() -> String {
    format!(
        "---\ntitle: コーディネーター連絡会通信 第５号\ndate: 2021-06-30\nnumber: 5\n\
         summary: {SUMMARY}\n---\n\n## 新任コーディネーター連絡会\n\n報告です。\n\n\
         ### 細目\n\n細かい話。\n\n## 来月の研修会\n\n予定です。\n"
    )
}

/// A training with a session that runs over two days.
fn training() -> String {
    "---\ntitle: 多職種連携研修会\ndate: 2021-09-15\nstatus: scheduled\nformat: in-person\n\
     venue: 天王寺区民センター\napply_by: 2021-10-29\nsessions:\n  \
     - {start: 2021-11-05T14:15, end: 2021-11-05T16:30, label: 第１回}\n  \
     - {start: 2021-11-19T13:00, end: 2021-11-20T12:00, label: 合宿}\n---\n\n\
     ## 内容\n\n事例検討を行います。\n"
        .to_owned()
}

fn site_with(site_yaml: &str, extra: &[(&str, &str)]) -> Fixture {
    let issue = issue();
    let training = training();
    let mut files: Vec<(&str, &str)> = vec![
        ("site.yaml", site_yaml),
        ("recipients.yaml", BOOK),
        (ISSUE, &issue),
        (TRAINING, &training),
        (
            "content/about.md",
            "---\ntitle: このサイトについて\n---\n\n本文。\n",
        ),
    ];
    files.extend_from_slice(extra);
    Fixture::new(&files)
}

fn site() -> Fixture {
    site_with(&site_yaml(true, ""), &[])
}

/// `tsushin mail <args> --root <site>`, run from the fixture's temporary folder.
fn mail(f: &Fixture, args: &[&str]) -> Output {
    let root = f.root();
    let mut all = vec!["mail"];
    all.extend_from_slice(args);
    all.extend(["--root", root.to_str().unwrap()]);
    run_bin(&all, f.dir.path())
}

/// `mail eml PAGE --out <tmp>/<dir>`: the drafts' folder.
fn eml(f: &Fixture, page: &str, dir: &str, extra: &[&str]) -> (Output, PathBuf) {
    let out = f.dir.path().join(dir);
    let page = f.root().join(page);
    let mut args = vec![
        "eml",
        page.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    (mail(f, &args), out)
}

fn eml_ok(f: &Fixture, page: &str, dir: &str, extra: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let (o, out) = eml(f, page, dir, extra);
    assert!(o.status.success(), "mail eml failed:\n{}", stderr(&o));
    let mut drafts = BTreeMap::new();
    for e in std::fs::read_dir(&out).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        drafts.insert(name, std::fs::read(e.path()).unwrap());
    }
    drafts
}

fn build(f: &Fixture) {
    let o = f.run(common::TODAY, &[]);
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
}

fn addresses(a: Option<&Address>) -> Vec<String> {
    a.map(|a| {
        a.iter()
            .filter_map(|x| x.address.as_ref().map(|s| s.to_lowercase()))
            .collect()
    })
    .unwrap_or_default()
}

fn text_body(m: &mail_parser::Message) -> String {
    // Text travels with CRLF line ends, as MIME wants.
    m.body_text(0)
        .map(|t| t.replace("\r\n", "\n"))
        .unwrap_or_default()
}

#[test]
fn eml_drafts_are_unsent_japanese_and_carry_the_built_pdf() {
    let f = site();
    build(&f);
    let built = std::fs::read(f.out().join(PDF)).unwrap();
    let drafts = eml_ok(&f, ISSUE, "drafts", &[]);
    // The person in both groups gets one mail.
    assert_eq!(drafts.len(), 3, "{:?}", drafts.keys());
    let mut seen_to = BTreeSet::new();
    let mut ids = BTreeSet::new();
    for (name, bytes) in &drafts {
        assert!(
            name.ends_with(".eml") && !name.contains(['@', ':', '\\', '/']),
            "{name}"
        );
        assert!(
            bytes.starts_with(b"X-Unsent: 1\r\n"),
            "{name} is not a draft"
        );
        let raw = String::from_utf8_lossy(bytes);
        assert!(
            raw.contains("filename*=UTF-8''"),
            "{name}: no RFC 2231 filename*"
        );
        assert!(
            raw.contains("name=\"=?UTF-8?B?"),
            "{name}: no RFC 2047 name="
        );
        assert!(
            !raw.to_ascii_lowercase().contains("\nbcc:"),
            "{name} has Bcc"
        );
        let m = MessageParser::default().parse(bytes).unwrap();
        assert_eq!(
            m.subject(),
            Some("コーディネーター連絡会通信 第５号の送付について")
        );
        let to = addresses(m.to());
        assert_eq!(to.len(), 1, "{name}: {to:?}");
        assert_eq!(addresses(m.from()), vec![FROM]);
        assert_eq!(addresses(m.reply_to()), vec![REPLY_TO]);
        assert!(m.date().is_some());
        // Nobody else's address anywhere in the file, decoded or not.
        let body = text_body(&m);
        for other in EVERYONE.iter().filter(|a| **a != to[0]) {
            assert!(!raw.to_lowercase().contains(other), "{name} shows {other}");
            assert!(!body.to_lowercase().contains(other), "{name} shows {other}");
        }
        seen_to.insert(to[0].clone());
        ids.insert(m.message_id().unwrap().to_owned());
        let att = m.attachment(0).expect("an attachment");
        assert_eq!(att.attachment_name(), Some(PDF_NAME));
        assert_eq!(att.content_type().unwrap().ctype(), "application");
        assert!(
            att.contents() == built.as_slice(),
            "{name}: attachment differs from the built PDF"
        );
        assert_eq!(m.attachment_count(), 1);
        assert!(body.starts_with("各位"), "{body}");
        assert!(body.contains(SUMMARY), "{body}");
        assert!(body.contains("・新任コーディネーター連絡会"), "{body}");
        assert!(body.contains("・来月の研修会"), "{body}");
        assert!(!body.contains("細目"), "only ## headings: {body}");
        assert!(
            body.contains(&format!("{BASE_URL}newsletters/2021-06-vol05.html")),
            "{body}"
        );
        assert!(body.contains("添付ファイルが開けない場合"), "{body}");
        assert!(
            body.contains("大阪市 健康局 在宅医療係\n電話 06-0000-0000"),
            "{body}"
        );
    }
    let expected: BTreeSet<String> = EVERYONE.iter().map(|s| s.to_string()).collect();
    assert_eq!(seen_to, expected);
    assert_eq!(ids.len(), 3, "Message-IDs are not unique: {ids:?}");
}

#[test]
fn message_ids_are_stable_across_runs() {
    let f = site();
    let ids = |dir: &str, extra: &[&str]| -> BTreeMap<String, String> {
        eml_ok(&f, ISSUE, dir, extra)
            .iter()
            .map(|(name, bytes)| {
                let m = MessageParser::default().parse(bytes).unwrap();
                (name.clone(), m.message_id().unwrap().to_owned())
            })
            .collect()
    };
    let first = ids("one", &[]);
    let second = ids("two", &[]);
    assert_eq!(first, second);
    // A correction is another message: other IDs, subject and body say so.
    let corrected = ids("three", &["--correction"]);
    assert!(
        first
            .values()
            .all(|id| !corrected.values().any(|c| c == id))
    );
    let drafts = eml_ok(&f, ISSUE, "four", &["--correction"]);
    let m = MessageParser::default()
        .parse(drafts.values().next().unwrap())
        .unwrap();
    assert!(
        m.subject().unwrap().starts_with("【訂正】"),
        "{:?}",
        m.subject()
    );
    assert!(text_body(&m).contains("訂正版"), "{}", text_body(&m));
}

/// Python's `email` package (the standard library) reads each draft: subject, To, the
/// attachment's file name (RFC 2231) and its Content-Type `name` (RFC 2047), and the PDF.
const PY_READ: &str = r#"
import email, email.header, email.policy, hashlib, json, sys
out = []
for path in sys.argv[1:]:
    with open(path, "rb") as fh:
        m = email.message_from_binary_file(fh, policy=email.policy.default)
    atts = []
    for part in m.iter_attachments():
        raw_name = part.get_param("name", header="content-type")
        name = str(email.header.make_header(email.header.decode_header(raw_name)))
        atts.append({"filename": part.get_filename(), "name": name,
                     "type": part.get_content_type(),
                     "sha256": hashlib.sha256(part.get_payload(decode=True)).hexdigest()})
    out.append({"unsent": m["X-Unsent"], "subject": str(m["Subject"]),
                "to": [a.addr_spec for a in m["To"].addresses], "bcc": m["Bcc"],
                "attachments": atts,
                "body": m.get_body(("plain",)).get_content().replace("\r\n", "\n")})
print(json.dumps(out, ensure_ascii=False))
"#;

fn python_read(files: &[PathBuf]) -> serde_json::Value {
    let o = Command::new("python3")
        .arg("-c")
        .arg(PY_READ)
        .args(files)
        .output()
        .expect("run python3");
    assert!(
        o.status.success(),
        "python3 cannot read the drafts:\n{}",
        stderr(&o)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn python_email_reads_the_drafts_and_a_training_carries_its_calendar() {
    let f = site();
    build(&f);
    let (o, out) = eml(&f, TRAINING, "drafts", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 3);
    let pdf = sha256(&std::fs::read(f.out().join(TRAINING_PDF)).unwrap());
    let ics = sha256(&std::fs::read(f.out().join(TRAINING_ICS)).unwrap());
    let read = python_read(&files);
    for m in read.as_array().unwrap() {
        assert_eq!(m["unsent"], "1");
        assert_eq!(m["subject"], "多職種連携研修会のご案内");
        assert_eq!(m["to"].as_array().unwrap().len(), 1);
        assert!(m["bcc"].is_null());
        let atts = m["attachments"].as_array().unwrap();
        assert_eq!(atts.len(), 2, "{m}");
        assert_eq!(atts[0]["filename"], "多職種連携研修会.pdf");
        assert_eq!(atts[0]["name"], "多職種連携研修会.pdf");
        assert_eq!(atts[0]["sha256"], pdf.as_str());
        assert_eq!(atts[1]["filename"], "多職種連携研修会.ics");
        assert_eq!(atts[1]["name"], "多職種連携研修会.ics");
        assert_eq!(atts[1]["type"], "text/calendar");
        assert_eq!(
            atts[1]["sha256"],
            ics.as_str(),
            "the .ics differs from build's"
        );
        let body = m["body"].as_str().unwrap();
        assert!(body.contains("■日時"), "{body}");
        assert!(
            body.contains("令和３年11月５日（金） 午後２時15分～４時30分 第１回"),
            "{body}"
        );
        // The session over two days shows both dates.
        assert!(
            body.contains("令和３年11月19日（金） 午後１時～令和３年11月20日（土） 正午"),
            "{body}"
        );
        assert!(body.contains("■場所\n天王寺区民センター"), "{body}");
        assert!(body.contains("■申込締切\n令和３年10月29日（金）"), "{body}");
        assert!(
            body.contains(&format!("{BASE_URL}events/2021-11-tabunya.html")),
            "{body}"
        );
    }
    // The calendar part says it is published, for Outlook to offer 予定表に追加.
    let raw = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        raw.contains("text/calendar; charset=utf-8; method=PUBLISH"),
        "{raw}"
    );
}

/// Runs `eml` expecting a refusal: exit 1, nothing written, the error text returned.
fn refused(f: &Fixture, extra: &[&str]) -> String {
    let (o, out) = eml(f, ISSUE, "drafts", extra);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "not refused:\n{err}");
    assert!(!out.exists(), "the drafts folder was written:\n{err}");
    err
}

#[test]
fn a_message_that_would_leak_an_address_is_refused() {
    // A site template that writes an address into the subject.
    let f = site_with(
        &site_yaml(true, ""),
        &[(
            "templates/mail/newsletter_subject.txt",
            "{{ page.title }} 問合せ other@city.example.lg.jp",
        )],
    );
    let err = refused(&f, &[]);
    assert!(
        err.contains("leak") && err.contains("other@city.example.lg.jp"),
        "{err}"
    );
    // A body that names another recipient (here hard-coded in the site's template).
    let f = site_with(
        &site_yaml(true, ""),
        &[(
            "templates/mail/newsletter_body.txt",
            "各位\n\n写し：info@houjin.example.com\n{{ mail.signature }}",
        )],
    );
    let err = refused(&f, &[]);
    assert!(err.contains("leak") && err.contains(HOUJIN), "{err}");
    // A display name in the book holding another address, with a comma that would split it.
    let book = BOOK.replace("法人 太郎", "\"法人 太郎, soudan1@city.example.lg.jp\"");
    let f = site_with(&site_yaml(true, ""), &[("recipients.yaml", &book)]);
    let err = refused(&f, &[]);
    assert!(err.contains("leak") && err.contains(SOUDAN), "{err}");
}

#[test]
fn a_message_over_the_size_limit_is_refused_and_link_only_sends_the_link() {
    let f = site_with(&site_yaml(true, "  max_message_kb: 8\n"), &[]);
    let err = refused(&f, &[]);
    assert!(err.contains("over the limit of 8 KB"), "{err}");
    assert!(err.contains("--link-only"), "{err}");
    let size: u64 = err
        .split("would be ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no size in: {err}"));
    assert!(size > 8, "{err}");
    // The way out: no attachment, the intranet link only.
    let drafts = eml_ok(&f, ISSUE, "linked", &["--link-only"]);
    assert_eq!(drafts.len(), 3);
    for bytes in drafts.values() {
        let m = MessageParser::default().parse(bytes).unwrap();
        assert_eq!(m.attachment_count(), 0);
        let body = text_body(&m);
        assert!(
            body.contains(&format!("{BASE_URL}newsletters/2021-06-vol05.html")),
            "{body}"
        );
        assert!(!body.contains("添付ファイルが開けない場合"), "{body}");
    }
    // Without base_url there is no link to send.
    let f = site_with(&site_yaml(false, "  max_message_kb: 8\n"), &[]);
    let err = refused(&f, &["--link-only"]);
    assert!(err.contains("base_url"), "{err}");
}

#[test]
fn plan_counts_groups_and_domains_flags_external_and_writes_nothing() {
    let f = site_with(&site_yaml(true, "  mode: bcc\n  bcc_chunk: 2\n"), &[]);
    let before = common::snapshot(&f.root());
    let o = mail(&f, &["plan", "--number", "5"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        common::snapshot(&f.root()),
        before,
        "plan wrote into the site"
    );
    assert!(!f.out().exists());
    let line = |start: &str| {
        out.lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no line `{start}` in:\n{out}"))
            .to_owned()
    };
    assert!(line("Subject:").contains("コーディネーター連絡会通信 第５号の送付について"));
    assert!(line("Attachments:").contains(PDF_NAME), "{out}");
    assert!(line("Attachments:").contains("KB after base64"), "{out}");
    assert!(line("Recipients:").contains(" 3 "), "{out}");
    assert_eq!(line("受託法人:").trim(), "受託法人: 2");
    assert_eq!(line("相談支援室:").trim(), "相談支援室: 2");
    assert_eq!(line("city.example.lg.jp:").trim(), "city.example.lg.jp: 2");
    assert_eq!(
        line("houjin.example.com:").trim(),
        "houjin.example.com: 1  外部"
    );
    // bcc mode, two a message: two messages for three people.
    assert!(
        line("Messages:").starts_with("Messages:    2 (bcc"),
        "{out}"
    );
    assert!(line("Already received:").contains("nobody"), "{out}");

    // eml always writes one draft per person (a draft has no envelope), To only themselves.
    let drafts = eml_ok(&f, ISSUE, "drafts", &[]);
    assert_eq!(drafts.len(), 3);
    for bytes in drafts.values() {
        let m = MessageParser::default().parse(bytes).unwrap();
        let to = addresses(m.to());
        assert!(
            to.len() == 1 && EVERYONE.contains(&to[0].as_str()),
            "{to:?}"
        );
    }
}

#[test]
fn pages_that_cannot_be_mailed_are_refused_where_they_are_written() {
    let draft = "---\ntitle: 下書き\ndate: 2021-07-30\nnumber: 6\ndraft: true\n---\n\n本文。\n";
    let unknown_group = "---\ntitle: 第７号\ndate: 2021-08-30\nnumber: 7\nrecipients: [受託法人, 存在しない係]\n---\n\n本文。\n";
    let plan = |f: &Fixture, args: &[&str]| {
        let mut all = vec!["plan"];
        all.extend_from_slice(args);
        let o = mail(f, &all);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "not refused: {args:?}\n{err}");
        err
    };
    let f = site_with(
        &site_yaml(true, ""),
        &[("content/newsletters/2021-07-vol06.md", draft)],
    );
    let err = plan(&f, &["content/newsletters/2021-07-vol06.md"]);
    assert!(
        err.contains("content/newsletters/2021-07-vol06.md") && err.contains("draft"),
        "{err}"
    );
    let err = plan(&f, &["--number", "6"]);
    assert!(err.contains("no published issue has the number 6"), "{err}");
    let err = plan(&f, &["content/about.md"]);
    assert!(
        err.contains("content/about.md") && err.contains("no PDF"),
        "{err}"
    );
    let err = plan(&f, &["content/newsletters/nothing.md"]);
    assert!(err.contains("no such page"), "{err}");
    // A group the book lacks: located at the page's `recipients:` line.
    let f = site_with(
        &site_yaml(true, ""),
        &[("content/newsletters/2021-08-vol07.md", unknown_group)],
    );
    let err = plan(&f, &["--number", "7"]);
    assert!(err.contains("存在しない係"), "{err}");
    assert!(
        err.contains("content/newsletters/2021-08-vol07.md:5:"),
        "{err}"
    );
    // No mail: section, no address book.
    let f = site_with(
        &common::SITE_YAML.replace("title:", "base_url: https://x.example.jp/\ntitle:"),
        &[],
    );
    let err = stderr(&mail(&f, &["plan", ISSUE]));
    assert!(err.contains("site.yaml") && err.contains("mail:"), "{err}");
    let f = site();
    f.remove("recipients.yaml");
    let err = stderr(&mail(&f, &["plan", ISSUE]));
    assert!(err.contains("recipients.yaml"), "{err}");
}

#[test]
fn eml_refuses_a_folder_inside_the_site_or_one_not_empty() {
    let f = site();
    for inside in ["site/content/drafts", "site/output/drafts"] {
        let (o, out) = eml(&f, ISSUE, inside, &[]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("could be published"), "{}", stderr(&o));
        assert!(!out.exists());
    }
    std::fs::create_dir_all(f.dir.path().join("full")).unwrap();
    std::fs::write(f.dir.path().join("full/old.eml"), "x").unwrap();
    let (o, _) = eml(&f, ISSUE, "full", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not empty"), "{}", stderr(&o));
    let left: Vec<_> = std::fs::read_dir(f.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tsushin-eml"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// The test SMTP server (tests/mail/smtp_server.py, aiosmtpd) on a free port; stopped on drop.
struct Server {
    child: std::process::Child,
    port: u16,
    store: PathBuf,
}

impl Server {
    fn start(store: PathBuf) -> Server {
        use std::io::BufRead;
        let script = common::repo_root().join("tests/mail/smtp_server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg("--out")
            .arg(&store)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("start the test SMTP server (python3 with aiosmtpd on PATH)");
        let mut line = String::new();
        let stdout = child.stdout.take().unwrap();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| {
                panic!("the SMTP server did not start (aiosmtpd installed?): {line:?}")
            });
        Server { child, port, store }
    }

    /// Every stored message: (envelope recipients, bytes), in arrival order.
    fn received(&self) -> Vec<(Vec<String>, Vec<u8>)> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.store)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|eml| {
                let envelope: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(eml.with_extension("json")).unwrap())
                        .unwrap();
                let to = envelope["rcpt_tos"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_lowercase())
                    .collect();
                (to, std::fs::read(eml).unwrap())
            })
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn bcc_mode_sends_chunks_naming_nobody_and_plan_then_shows_who_received() {
    let store = tempfile::tempdir().unwrap();
    let server = Server::start(store.path().to_path_buf());
    let smtp = format!(
        "  mode: bcc\n  bcc_chunk: 2\n  smtp:\n    host: 127.0.0.1\n    port: {}\n    security: none\n",
        server.port
    );
    let f = site_with(&site_yaml(true, &smtp), &[]);
    build(&f);
    let o = mail(&f, &["send", "--number", "5", "--yes", "3"]);
    assert!(o.status.success(), "send failed:\n{}", stderr(&o));
    let received = server.received();
    assert_eq!(received.len(), 2, "three people, two a message");
    let mut reached = BTreeSet::new();
    let built = std::fs::read(f.out().join(PDF)).unwrap();
    for (envelope, bytes) in &received {
        reached.extend(envelope.iter().cloned());
        // The people are only in the envelope: no header and no text names any of them.
        let raw = String::from_utf8_lossy(bytes).to_lowercase();
        for a in EVERYONE {
            assert!(!raw.contains(a), "a bcc message shows {a}");
        }
        assert!(!raw.contains("\nbcc:"));
        let m = MessageParser::default().parse(bytes).unwrap();
        assert_eq!(addresses(m.to()), vec![FROM]);
        assert!(m.attachment(0).unwrap().contents() == built.as_slice());
    }
    let expected: BTreeSet<String> = EVERYONE.iter().map(|s| s.to_string()).collect();
    assert_eq!(reached, expected);
    // A test message: the identical mail once, to the tester only, subject 【テスト】.
    let tester = "tester@city.example.lg.jp";
    let o = mail(&f, &["send", "--number", "5", "--test-to", tester]);
    assert!(o.status.success(), "send --test-to failed:\n{}", stderr(&o));
    let received = server.received();
    assert_eq!(received.len(), 3);
    let (envelope, bytes) = &received[2];
    assert_eq!(envelope, &vec![tester.to_owned()]);
    let m = MessageParser::default().parse(bytes).unwrap();
    assert_eq!(
        m.subject(),
        Some("【テスト】コーディネーター連絡会通信 第５号の送付について")
    );
    assert!(m.attachment(0).unwrap().contents() == built.as_slice());
    // The plan now lists who already has this page.
    let o = mail(&f, &["plan", ISSUE]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.contains("Already received: 3"), "{out}");
    for a in EVERYONE {
        assert!(
            out.lines()
                .any(|l| l.contains(a) && l.contains("sent") && !l.contains("earlier")),
            "{a} not shown as received:\n{out}"
        );
    }
}

#[test]
fn an_address_inside_another_is_not_taken_for_a_leak() {
    // `kita@…` is the tail of `minamikita@…`: the message to the latter names only itself.
    let book = "受託法人:\n  - {name: 北区, email: kita@city.example.lg.jp}\n\
                相談支援室:\n  - {name: 南北区, email: minamikita@city.example.lg.jp}\n";
    let f = site_with(&site_yaml(true, ""), &[("recipients.yaml", book)]);
    let drafts = eml_ok(&f, ISSUE, "drafts", &[]);
    assert_eq!(drafts.len(), 2);
    for bytes in drafts.values() {
        let m = MessageParser::default().parse(bytes).unwrap();
        assert_eq!(addresses(m.to()).len(), 1);
    }
}

/// A meeting handout (会議資料) is mailed with words of its own: the meeting, 資料３ and the
/// title, never the newsletter's 「…発行」 wording, and its PDF attached as build writes it.
#[test]
fn a_handout_is_mailed_as_a_meeting_handout() {
    let handout = "---\ntitle: 在宅医療・介護連携の取組状況\nnumber: 3\n\
                   meeting: 在宅医療・介護連携推進会議\ndate: 2021-07-15\n---\n\n\
                   ## 研修の実施状況\n\n報告です。\n\n## 今後の予定\n\n予定です。\n";
    let f = site_with(
        &site_yaml(true, ""),
        &[("content/handouts/2021-07-shiryo3.md", handout)],
    );
    build(&f);
    let drafts = eml_ok(
        &f,
        "content/handouts/2021-07-shiryo3.md",
        "handout-drafts",
        &[],
    );
    assert!(!drafts.is_empty(), "no draft was written");
    for bytes in drafts.values() {
        let m = MessageParser::default().parse(bytes).unwrap();
        let subject = m.subject().unwrap_or_default();
        assert!(
            subject.contains("在宅医療・介護連携推進会議") && subject.contains("資料３"),
            "subject: {subject}"
        );
        let body = text_body(&m);
        assert!(
            body.contains("在宅医療・介護連携推進会議（令和３年７月15日）の資料３「在宅医療・介護連携の取組状況」をお送りします。"),
            "body:\n{body}"
        );
        assert!(!body.contains("発行"), "newsletter wording in:\n{body}");
        let names: Vec<String> = m
            .attachments()
            .filter_map(|a| a.attachment_name().map(str::to_owned))
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        let built = std::fs::read(f.out().join("handouts").join(&names[0])).unwrap();
        let attached = m.attachments().next().unwrap().contents();
        assert_eq!(
            attached,
            built.as_slice(),
            "the attachment is not build's PDF"
        );
    }
}
