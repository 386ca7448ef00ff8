//! The address book (`recipients.yaml`) and the `mail:` settings of site.yaml (issue 8, items
//! 1 and 2), driven through the real binary on fixture sites: every mistake located at
//! file:line:column, an unknown group fails `check` and `build`, a person in two groups is
//! reached once, and nothing of the book ever reaches output/, a publish folder or `serve`.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::*;
use tsushin::diag::Diagnostics;
use tsushin::mail::book::AddressBook;

/// Problems `check --format json` reports, as (file, line, column, severity, message, help).
type Found = (String, u64, u64, String, String, String);

fn found(diags: &[serde_json::Value]) -> Vec<Found> {
    diags
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["severity"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
                d["help"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// Asserts that a problem at file:line:column has a message containing `part`, and returns it.
fn at<'a>(all: &'a [Found], file: &str, line: u64, column: u64, part: &str) -> &'a Found {
    all.iter()
        .find(|f| f.0 == file && f.1 == line && f.2 == column && f.4.contains(part))
        .unwrap_or_else(|| panic!("no problem `{part}` at {file}:{line}:{column} in\n{all:#?}"))
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(o))
}

const ISSUE: &str = "---\ntitle: 第１号\ndate: 2021-06-30\nnumber: 1\n---\n\n本文\n";

// ---------------------------------------------------------------------------------------------
// The address book's own mistakes

const BAD_BOOK: &str = "\
受託法人:
  - {name: 医師会 連携センター, email: center@example.lg.jp}
  - {name: 訪問看護, email: houmon.example.lg.jp}
  - {name: 連携センター（再掲）, email: CENTER@example.lg.jp}
  - {name: 全角の人, email: ｚｅｎｋａｋｕ＠example.lg.jp}
  - {name: 住所つき, email: a@example.lg.jp, adress: 北区}
  - {email: noname@example.lg.jp}
相談支援室:
  include: [受託法人, 区役所]
  members:
    - {name: 北部, email: hokubu@example.lg.jp}
区役所担当部署:
  include: 全員
全員:
  include: [相談支援室, 区役所担当部署]
  membres:
    - {name: x, email: x@example.lg.jp}
空のグループ:
";

#[test]
fn address_book_mistakes_are_located() {
    let f = Fixture::new(&[
        ("content/newsletters/2021-06-vol01.md", ISSUE),
        ("recipients.yaml", BAD_BOOK),
    ]);
    let (out, diags) = check_json(&f, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let all = found(&diags);
    let book = "recipients.yaml";
    at(&all, book, 3, 25, "cannot be used as an address");
    let dup = at(&all, book, 4, 31, "listed twice in group `受託法人`");
    assert!(dup.5.contains("upper and lower case"), "{dup:?}");
    let related = diags
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("listed twice"))
        .unwrap();
    assert_eq!(related["related"]["line"], 2, "the first entry is named");
    let wide = at(&all, book, 5, 25, "cannot be used as an address");
    assert!(wide.4.contains("全角"), "{wide:?}");
    let key = at(&all, book, 6, 42, "unknown key `adress`");
    assert_eq!(key.5, "the keys here are name and email");
    at(&all, book, 7, 5, "has no `name`");
    let unknown = at(
        &all,
        book,
        9,
        19,
        "includes `区役所`, which recipients.yaml does not have",
    );
    assert_eq!(unknown.5, "did you mean `区役所担当部署`?");
    // 区役所担当部署 → 全員 → 区役所担当部署: reported once, where the cycle closes.
    let cycle: Vec<_> = all
        .iter()
        .filter(|f| f.4.contains("includes itself"))
        .collect();
    assert_eq!(cycle.len(), 1, "{cycle:#?}");
    at(
        &all,
        book,
        15,
        20,
        "includes itself: 区役所担当部署 → 全員 → 区役所担当部署",
    );
    let members = at(&all, book, 16, 3, "unknown key `membres`");
    assert_eq!(members.5, "did you mean `members`?");
    at(&all, book, 18, 1, "group `空のグループ` has no members");
    assert!(
        all.iter().all(|f| f.3 == "error"),
        "address book mistakes are errors: {all:#?}"
    );

    // `build` refuses the same site and writes no output folder.
    let built = f.run(TODAY, &[]);
    assert_eq!(built.status.code(), Some(1), "{}", text(&built));
    assert!(
        text(&built).contains("recipients.yaml:3:25"),
        "{}",
        text(&built)
    );
    assert!(!f.out().exists());

    // Syntax errors are located too.
    f.write(
        "recipients.yaml",
        "受託法人:\n  - {name: a, email: a@example.lg.jp\n",
    );
    let (_, diags) = check_json(&f, &[]);
    let all = found(&diags);
    assert!(
        all.iter()
            .any(|d| d.0 == book && d.1 >= 2 && d.3 == "error"),
        "{all:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Groups named by pages and site.yaml

const BOOK: &str = "\
受託法人:
  - {name: 医師会 連携センター, email: center@example.lg.jp}
  - {name: 山田 花子, email: yamada@example.lg.jp}
相談支援室:
  - {name: 北部 相談支援室, email: hokubu@example.lg.jp}
  - {name: 山田 花子（兼務）, email: Yamada@Example.lg.jp}
区役所担当部署:
  - {name: 北区 保健福祉課, email: kita@example.lg.jp}
関係者全員:
  include: [受託法人, 相談支援室, 区役所担当部署]
";

#[test]
fn an_unknown_group_fails_check_at_its_line_once_a_book_exists() {
    let issue = "---\ntitle: 第１号\ndate: 2021-06-30\nnumber: 1\nrecipients: [受託法人, 区役所担当部]\n---\n\n本文\n";
    let training = "---\ntitle: 研修会\nrecipients: 相談支援所\nsessions:\n  - start: 2021-11-05T14:00\n    end: 2021-11-05T16:00\n---\n\n本文\n";
    let site = "title: テスト\nnewsletter:\n  recipients:\n    - 受託法人\n    - 委託法人\n";
    let f = Fixture::new(&[
        ("site.yaml", site),
        ("content/newsletters/2021-06-vol01.md", issue),
        ("content/events/2021-11-kenshu.md", training),
    ]);

    // Without an address book nothing changes: the names are only printed.
    let (out, diags) = check_json(&f, &[]);
    assert_eq!(out.status.code(), Some(0), "{diags:#?}");
    assert!(
        found(&diags).iter().all(|d| !d.4.contains("recipients")),
        "{diags:#?}"
    );

    f.write("recipients.yaml", BOOK);
    let (out, diags) = check_json(&f, &[]);
    assert_eq!(out.status.code(), Some(1));
    let all = found(&diags);
    let issue_err = at(
        &all,
        "content/newsletters/2021-06-vol01.md",
        5,
        20,
        "`recipients` names the group `区役所担当部`, which recipients.yaml does not have",
    );
    assert_eq!(issue_err.5, "did you mean `区役所担当部署`?");
    let training_err = at(
        &all,
        "content/events/2021-11-kenshu.md",
        3,
        13,
        "names the group `相談支援所`",
    );
    assert_eq!(training_err.5, "did you mean `相談支援室`?");
    at(
        &all,
        "site.yaml",
        5,
        7,
        "`newsletter.recipients` names the group `委託法人`",
    );
    assert_eq!(all.iter().filter(|d| d.3 == "error").count(), 3, "{all:#?}");
    // `recipients:` is a key of trainings now, not a misplaced one.
    assert!(
        all.iter().all(|d| !d.4.contains("is only used by")),
        "{all:#?}"
    );

    // The human report says the same with file:line:column, and `build` fails too.
    let human = run_bin(
        &[
            "check",
            "--root",
            f.root().to_str().unwrap(),
            "--today",
            TODAY,
        ],
        f.dir.path(),
    );
    assert!(
        text(&human).contains("content/newsletters/2021-06-vol01.md:5:20: error:"),
        "{}",
        text(&human)
    );
    let built = f.run(TODAY, &[]);
    assert_eq!(built.status.code(), Some(1), "{}", text(&built));
    assert!(!f.out().exists());

    // Fixed names: clean again.
    f.write(
        "content/newsletters/2021-06-vol01.md",
        &issue.replace("区役所担当部]", "区役所担当部署]"),
    );
    f.write(
        "content/events/2021-11-kenshu.md",
        &training.replace("相談支援所", "関係者全員"),
    );
    f.write("site.yaml", &site.replace("委託法人", "相談支援室"));
    let (out, diags) = check_json(&f, &[]);
    assert_eq!(out.status.code(), Some(0), "{diags:#?}");
}

#[test]
fn a_person_in_two_groups_is_reached_once_through_every_group() {
    let f = Fixture::new(&[("recipients.yaml", BOOK)]);
    let book = AddressBook::load(&f.root())
        .expect("the book is valid")
        .expect("the book exists");
    assert!(book.has_group("関係者全員") && !book.has_group("全員"));
    let groups = vec!["受託法人".to_owned(), "相談支援室".to_owned()];
    let people = book.resolve(&groups).unwrap();
    let emails: Vec<String> = people.iter().map(|r| r.email.to_string()).collect();
    assert_eq!(
        emails,
        [
            "center@example.lg.jp",
            "yamada@example.lg.jp",
            "hokubu@example.lg.jp"
        ],
        "the second spelling of yamada@ is the same person"
    );
    assert_eq!(people[1].groups, groups, "both groups reached 山田 花子");
    assert_eq!(people[0].groups, ["受託法人"]);
    assert_eq!(people[1].name, "山田 花子");

    // A group that includes the others reaches everyone once.
    let all = book.resolve(&["関係者全員".to_owned()]).unwrap();
    assert_eq!(all.len(), 4);
    let both = book
        .resolve(&["関係者全員".to_owned(), "区役所担当部署".to_owned()])
        .unwrap();
    assert_eq!(both.len(), 4);
    assert_eq!(both[3].groups, ["関係者全員", "区役所担当部署"]);
    assert_eq!(book.resolve(&["区役所".to_owned()]).unwrap_err(), "区役所");

    // No book: `Ok(None)`; a broken one: its located errors.
    assert!(
        AddressBook::load(&f.dir.path().join("nowhere"))
            .unwrap()
            .is_none()
    );
    f.write(
        "recipients.yaml",
        "受託法人:\n  - {name: a, email: not-an-address}\n",
    );
    let errors = AddressBook::load(&f.root()).unwrap_err();
    assert_eq!(
        (errors[0].location.line, errors[0].location.column),
        (2, 22),
        "{errors:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Never published

/// A book of `n` people across the three groups, every address unique and greppable.
fn big_book(n: usize) -> (String, Vec<String>) {
    let mut yaml = String::new();
    let mut emails = Vec::new();
    for (g, group) in ["受託法人", "相談支援室", "区役所担当部署"]
        .iter()
        .enumerate()
    {
        yaml.push_str(&format!("{group}:\n"));
        for i in 0..n / 3 {
            let email = format!("person{g}x{i:03}@secret-book.example.lg.jp");
            yaml.push_str(&format!("  - {{name: 職員{g}の{i}番, email: {email}}}\n"));
            emails.push(email);
        }
    }
    (yaml, emails)
}

/// Every file under `dir` (PDFs as their extracted text too) that holds one of `needles`.
fn files_holding(dir: &Path, needles: &[String]) -> Vec<String> {
    let mut hits = Vec::new();
    for (rel, bytes) in snapshot(dir) {
        let mut text = String::from_utf8_lossy(&bytes).into_owned();
        if rel.ends_with(".pdf") {
            text.push_str(&pdftotext(&dir.join(&rel)));
        }
        let text = text.to_lowercase();
        for n in needles {
            if text.contains(&n.to_lowercase()) {
                hits.push(format!("{rel}: {n}"));
            }
        }
    }
    hits
}

#[test]
fn the_address_book_never_reaches_the_output_or_a_publish_folder() {
    let (yaml, emails) = big_book(90);
    let f = Fixture::new(&[
        ("recipients.yaml", &yaml),
        (
            "content/newsletters/2021-06-vol01.md",
            "---\ntitle: 第１号\ndate: 2021-06-30\nnumber: 1\nsummary: 名簿の話\nrecipients: [受託法人, 区役所担当部署]\n---\n\n## 配信について\n\n配信先は名簿のとおりです。問い合わせは toiawase@example.lg.jp へ。\n",
        ),
        (
            "content/events/2021-11-kenshu.md",
            "---\ntitle: 研修会\nrecipients: [相談支援室]\nsessions:\n  - start: 2021-11-05T14:00\n    end: 2021-11-05T16:00\n---\n\n本文\n",
        ),
    ]);
    let mut needles = emails.clone();
    needles.push("recipients.yaml".into());
    needles.push("secret-book".into());
    needles.push("職員1の7番".into());

    // The search finds what is there: the book in the site, the page's own address in the
    // HTML and in the PDF's text.
    assert!(
        files_holding(&f.root(), &needles)
            .iter()
            .any(|h| h.starts_with("recipients.yaml: person2x029@")),
        "{:?}",
        files_holding(&f.root(), &needles)
    );
    let built = f.run(TODAY, &[]);
    assert!(built.status.success(), "{}", text(&built));
    assert!(f.exists("newsletters/2021-06-vol01.html"));
    let own = files_holding(&f.out(), &["toiawase@example.lg.jp".to_owned()]);
    assert!(
        own.iter()
            .any(|h| h.ends_with(".pdf: toiawase@example.lg.jp")),
        "{own:?}"
    );
    assert!(
        own.iter()
            .any(|h| h.ends_with(".html: toiawase@example.lg.jp")),
        "{own:?}"
    );
    assert!(
        !pdf_files(&f.out()).is_empty(),
        "PDFs were made and searched"
    );
    assert!(f.exists("feed.xml"));
    assert_eq!(files_holding(&f.out(), &needles), Vec::<String>::new());

    // `publish` builds into output/ and copies it: nothing of the book there either.
    let dest = f.dir.path().join("dest");
    let published = run_bin(
        &[
            "publish",
            dest.to_str().unwrap(),
            "--root",
            f.root().to_str().unwrap(),
            "--today",
            TODAY,
        ],
        f.dir.path(),
    );
    assert!(published.status.success(), "{}", text(&published));
    assert!(dest.join("newsletters/2021-06-vol01.html").is_file());
    assert_eq!(files_holding(&dest, &needles), Vec::<String>::new());
    assert_eq!(
        files_holding(&f.root().join("output"), &needles),
        Vec::<String>::new()
    );
}

#[test]
fn an_address_book_under_content_is_refused() {
    // A book put under content/ and linked from a page would be copied into output/.
    let f = Fixture::new(&[
        ("content/newsletters/meibo/recipients.yaml", BOOK),
        (
            "content/newsletters/2021-06-vol01.md",
            &ISSUE.replace("本文", "[名簿](meibo/recipients.yaml)"),
        ),
    ]);
    let built = f.run(TODAY, &[]);
    assert_eq!(built.status.code(), Some(1), "{}", text(&built));
    assert!(
        text(&built).contains("content/newsletters/meibo/recipients.yaml:1:1: an address book under content/ could be published"),
        "{}",
        text(&built)
    );
    assert!(
        files_holding(f.dir.path(), &["yamada@example.lg.jp".to_owned()])
            .iter()
            .all(|h| h.starts_with("site/"))
    );
}

/// A running `tsushin serve` on a free port; stopped when dropped.
struct Serve(std::process::Child, String);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(root: &Path) -> Serve {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tsushin"))
        .args(["serve", "--root"])
        .arg(root)
        .args(["--port", "0", "--today", TODAY])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start tsushin serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    lines.read_line(&mut line).unwrap();
    // Keep reading so that the server never writes into a closed pipe.
    std::thread::spawn(move || for _ in lines.lines() {});
    let addr = line
        .trim()
        .strip_prefix("Serving the site at http://")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .trim_end_matches('/')
        .to_owned();
    Serve(child, addr)
}

/// The status and body of one GET with the path sent exactly as given.
fn get(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let all = String::from_utf8_lossy(&all).into_owned();
    let status = all
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, all)
}

#[test]
fn serve_never_serves_the_address_book() {
    let f = Fixture::new(&[
        ("recipients.yaml", BOOK),
        ("content/newsletters/2021-06-vol01.md", ISSUE),
    ]);
    let server = serve(&f.root());
    let (ok, _) = get(&server.1, "/newsletters/2021-06-vol01.html");
    assert_eq!(ok, 200, "the server serves the site");
    for path in [
        "/recipients.yaml",
        "/../recipients.yaml",
        "/%2e%2e/recipients.yaml",
        "/newsletters/../../recipients.yaml",
        "/content/../recipients.yaml",
    ] {
        let (status, reply) = get(&server.1, path);
        assert!(status == 404 || status == 400, "{path}: {status}");
        assert!(!reply.contains("example.lg.jp"), "{path}: {reply}");
    }
}

// ---------------------------------------------------------------------------------------------
// `mail:` in site.yaml

const MAIL_ERRORS: &str = "\
title: テスト
mail:
  reply_to: \"窓口 <madoguchi@@example.lg.jp>\"
  max_message_kb: 0
  mode: bc
  internal_domain: [example.lg.jp]
  smtp:
    host: smtp.example.lg.jp
    security: none
    password: hunter2-secret
";

#[test]
fn mail_settings_mistakes_are_located() {
    let f = Fixture::new(&[
        ("site.yaml", MAIL_ERRORS),
        ("content/newsletters/2021-06-vol01.md", ISSUE),
    ]);
    let (out, diags) = check_json(&f, &[]);
    assert_eq!(out.status.code(), Some(1));
    let all = found(&diags);
    let s = "site.yaml";
    let from = at(&all, s, 2, 1, "`mail:` has no `from`");
    assert!(from.5.contains("from:"), "{from:?}");
    at(&all, s, 3, 13, "`reply_to` is not a usable address");
    at(&all, s, 4, 19, "`max_message_kb: 0` is out of range");
    let mode = at(&all, s, 5, 9, "unknown mode `bc`");
    assert!(
        mode.5.contains("individual") && mode.5.contains("bcc"),
        "{mode:?}"
    );
    let typo = at(&all, s, 6, 3, "unknown key `internal_domain`");
    assert_eq!(
        (typo.3.as_str(), typo.5.as_str()),
        ("warning", "did you mean `internal_domains`?")
    );
    let none = at(&all, s, 9, 15, "`security: none` would send the password");
    assert!(none.5.contains("localhost"), "{none:?}");
    let pw = at(&all, s, 10, 5, "a password may not be written in site.yaml");
    assert!(pw.5.contains("TSUSHIN_SMTP_PASSWORD"), "{pw:?}");
    assert_eq!(
        all.iter().filter(|d| d.1 == 10).count(),
        1,
        "the password key is refused once, not also warned about: {all:#?}"
    );
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("hunter2"),
        "the password is never echoed"
    );

    // A password deeper down, or under another name, is refused too; build fails on it.
    f.write(
        "site.yaml",
        "title: テスト\nmail:\n  from: zaitaku@example.lg.jp\n  smtp_password: x\n  smtp:\n    host: localhost\n    security: none\n    auth:\n      pass: y\n",
    );
    let (_, diags) = check_json(&f, &[]);
    let all = found(&diags);
    at(
        &all,
        s,
        4,
        3,
        "`smtp_password`: a password may not be written",
    );
    at(&all, s, 9, 7, "`pass`: a password may not be written");
    let built = f.run(TODAY, &[]);
    assert_eq!(built.status.code(), Some(1), "{}", text(&built));
}

#[test]
fn mail_settings_are_read_with_their_defaults() {
    let parse = |yaml: &str| {
        let mut d = Diagnostics::new();
        let c = tsushin::config::parse(yaml, Path::new("site.yaml"), &mut d);
        let errors: Vec<String> = d.iter().map(|d| d.to_string()).collect();
        (c.and_then(|c| c.mail), errors)
    };
    let (mail, errors) = parse(
        "title: t\nmail:\n  from: \"在宅医療係 <zaitaku@example.lg.jp>\"\n  reply_to: toiawase@example.lg.jp\n  signature: |\n    在宅医療係\n    内線 1234\n  internal_domains: [\"@City.Example.lg.jp\"]\n  mode: bcc\n  smtp:\n    host: smtp.example.lg.jp\n    user: zaitaku\n",
    );
    let mail = mail.unwrap_or_else(|| panic!("{errors:?}"));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(mail.from.name.as_deref(), Some("在宅医療係"));
    assert_eq!(mail.from.email, "zaitaku@example.lg.jp");
    assert_eq!(
        mail.reply_to.as_ref().unwrap().email,
        "toiawase@example.lg.jp"
    );
    assert_eq!(mail.signature, "在宅医療係\n内線 1234\n");
    assert_eq!(mail.internal_domains, ["city.example.lg.jp"]);
    assert_eq!(mail.max_message_kb, 5000);
    assert_eq!(mail.rate_per_minute, None);
    assert_eq!(mail.mode, tsushin::config::mail::Mode::Bcc { chunk: 50 });
    let smtp = mail.smtp.unwrap();
    assert_eq!((smtp.host.as_str(), smtp.port), ("smtp.example.lg.jp", 587));
    assert_eq!(smtp.user.as_deref(), Some("zaitaku"));
    assert_eq!(mail.at.line, 2);

    // The port follows the security; plain SMTP to this machine is allowed.
    for (security, host, port) in [
        ("tls", "smtp.example.lg.jp", 465),
        ("none", "127.0.0.2", 25),
        ("none", "[::1]", 25),
        ("none", "localhost", 25),
    ] {
        let (mail, errors) = parse(&format!(
            "title: t\nmail:\n  from: a@example.lg.jp\n  smtp: {{host: \"{host}\", security: {security}}}\n"
        ));
        let smtp = mail
            .and_then(|m| m.smtp)
            .unwrap_or_else(|| panic!("{security} {host}: {errors:?}"));
        assert_eq!(smtp.port, port, "{security}");
    }
    // One address, in `Name <address>` form or alone; a quoted name may hold a comma.
    for from in [
        "a@example.lg.jp, b@example.lg.jp",
        "係 <a@example.lg.jp> x",
        "係 a@example.lg.jp",
    ] {
        let (mail, errors) = parse(&format!("title: t\nmail:\n  from: \"{from}\"\n"));
        assert!(mail.is_none(), "{from}");
        assert!(
            errors[0].starts_with("site.yaml:3:9: error: `from` is not a usable address"),
            "{errors:?}"
        );
    }
    let (mail, errors) =
        parse("title: t\nmail:\n  from: '\"山田, 花子\" <yamada@example.lg.jp>'\n");
    let from = mail.unwrap_or_else(|| panic!("{errors:?}")).from;
    assert_eq!(from.name.as_deref(), Some("山田, 花子"));
    let (mail, errors) = parse(
        "title: t\nmail:\n  from: a@example.lg.jp\n  smtp: {host: 10.0.0.1, security: none}\n",
    );
    assert!(mail.is_none());
    assert!(errors[0].starts_with("site.yaml:4:"), "{errors:?}");

    // Without `mail:` there are no settings and no problems.
    let (mail, errors) = parse("title: t\n");
    assert!(mail.is_none() && errors.is_empty());
}

// ---------------------------------------------------------------------------------------------
// `tsushin init` and the repository's example site

#[test]
fn init_writes_a_book_and_a_mail_section_that_check_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let out = run_bin(
        &["init", dir.to_str().unwrap(), "--date", "2021-06-30"],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let book_text = std::fs::read_to_string(dir.join("recipients.yaml")).unwrap();
    assert!(book_text.starts_with('#'), "the book explains itself");
    let site = std::fs::read_to_string(dir.join("site.yaml")).unwrap();
    assert!(site.contains("\n# mail:\n"), "{site}");
    assert!(site.contains("TSUSHIN_SMTP_PASSWORD"));

    let book = AddressBook::load(&dir).unwrap().unwrap();
    for g in ["受託法人", "相談支援室", "区役所担当部署"] {
        let people = book.resolve(&[g.to_owned()]).unwrap();
        assert!(!people.is_empty(), "{g}");
        assert!(people.iter().all(|p| p.email.domain() == "example.lg.jp"));
    }
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
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));

    // Uncommenting the mail section as the comments say gives working settings.
    let uncommented: String = site
        .lines()
        .map(|l| {
            let mail_part = site.find("# mail:").map(|i| &site[i..]).unwrap_or("");
            if mail_part.contains(l) && l.starts_with("# ") && !l.starts_with("#   #") {
                l[2..].to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut d = Diagnostics::new();
    let c = tsushin::config::parse(&uncommented, Path::new("site.yaml"), &mut d).unwrap();
    assert!(
        d.is_empty(),
        "{:?}\n{uncommented}",
        d.iter().map(|d| d.to_string()).collect::<Vec<_>>()
    );
    let mail = c.mail.expect("mail settings");
    assert_eq!(mail.smtp.unwrap().port, 587);
}

#[test]
fn the_example_site_has_a_book_for_its_groups() {
    let root = repo_root();
    let book = AddressBook::load(&root)
        .unwrap()
        .expect("recipients.yaml in the example");
    let groups: Vec<String> = ["受託法人", "相談支援室", "区役所担当部署"]
        .map(String::from)
        .to_vec();
    let mut listed = 0;
    for g in &groups {
        listed += book.resolve(std::slice::from_ref(g)).unwrap().len();
    }
    let people = book.resolve(&groups).unwrap();
    assert_eq!(
        people.len(),
        listed - 1,
        "one person is in two groups and gets one mail"
    );
    assert!(people.iter().any(|p| p.groups.len() == 2));

    let mut d = Diagnostics::new();
    let config = tsushin::config::load(&root, &mut d).unwrap();
    assert!(!d.has_errors());
    let mail = config.mail.expect("the example has mail settings");
    assert!(mail.smtp.is_some_and(|s| s.port == 2525));

    let tmp = tempfile::tempdir().unwrap();
    let check = run_bin(
        &["check", "--root", root.to_str().unwrap(), "--no-pdf"],
        tmp.path(),
    );
    assert!(
        !text(&check).contains("recipients"),
        "every group of the example exists: {}",
        text(&check)
    );
}

#[test]
fn serve_reports_an_unknown_group_after_an_edit() {
    let f = Fixture::new(&[
        ("recipients.yaml", BOOK),
        ("content/newsletters/2021-06-vol01.md", ISSUE),
    ]);
    let server = serve(&f.root());
    let page = "/newsletters/2021-06-vol01.html";
    assert_eq!(get(&server.1, page).0, 200);
    // The preview re-reads only the edited page: it must check its groups as `build` does.
    f.write(
        "content/newsletters/2021-06-vol01.md",
        &ISSUE.replace("number: 1\n", "number: 1\nrecipients: [受託法人, 区役所]\n"),
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let (status, reply) = loop {
        let (status, reply) = get(&server.1, page);
        if status != 200 || std::time::Instant::now() > deadline {
            break (status, reply);
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(status, 500, "{reply}");
    assert!(
        reply.contains("content/newsletters/2021-06-vol01.md:5:20"),
        "{reply}"
    );
    assert!(reply.contains("names the group `区役所`"), "{reply}");
}
