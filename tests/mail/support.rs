//! The test SMTP server (tests/mail/smtp_server.py, aiosmtpd) started on a free 127.0.0.1
//! port, and the messages it stored.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use crate::common::{self, Fixture};

/// A running test SMTP server; killed when dropped.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
}

/// One message the server accepted.
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    /// When the server stored it (seconds since the epoch).
    pub received_at: f64,
    pub bytes: Vec<u8>,
}

impl SmtpServer {
    /// Starts the server storing into `dir`, with fault options (`--refuse a@b`, ...).
    pub fn start(dir: &Path, args: &[&str]) -> SmtpServer {
        std::fs::create_dir_all(dir).unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mail/smtp_server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg("--out")
            .arg(dir)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "python3 (the venv with aiosmtpd first on PATH) runs tests/mail/smtp_server.py",
            );
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| {
                let _ = child.kill();
                panic!(
                    "the test SMTP server did not start (is aiosmtpd installed in the venv on \
                     PATH?): {line:?}"
                )
            });
        SmtpServer {
            child,
            port,
            dir: dir.to_path_buf(),
        }
    }

    /// Every stored message, in the order received.
    pub fn messages(&self) -> Vec<Received> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|eml| {
                let env: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(eml.with_extension("json")).unwrap())
                        .unwrap();
                Received {
                    mail_from: env["mail_from"].as_str().unwrap().to_string(),
                    rcpt_tos: env["rcpt_tos"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_str().unwrap().to_lowercase())
                        .collect(),
                    received_at: env["received_at"].as_f64().unwrap(),
                    bytes: std::fs::read(eml).unwrap(),
                }
            })
            .collect()
    }

    /// How many stored messages each envelope recipient got.
    pub fn copies(&self) -> std::collections::BTreeMap<String, usize> {
        let mut m = std::collections::BTreeMap::new();
        for r in self.messages() {
            for to in r.rcpt_tos {
                *m.entry(to).or_insert(0) += 1;
            }
        }
        m
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// The fixture site: issue 5 of the newsletter, five people in the book, mail to the test server.

pub const BASE_URL: &str = "https://intranet.example.lg.jp/zaitaku/";
pub const SUMMARY: &str = "新任コーディネーター連絡会の報告と、次回研修会のお知らせです。";
pub const HEADINGS: [&str; 2] = ["連絡会の報告", "研修会のご案内"];

/// The address book: five people, one of them in both groups.
pub const BOOK: &str = "受託法人:\n  - {name: 法人 一郎, email: ichiro@houjin.example.jp}\n  - {name: 法人 二郎, email: jiro@houjin.example.jp}\n  - {name: 両方 花子, email: hanako@both.example.lg.jp}\n相談支援室:\n  - {name: 支援室 三郎, email: saburo@soudan.example.lg.jp}\n  - {name: 支援室 四郎, email: shiro@soudan.example.lg.jp}\n  - {name: 両方 花子, email: hanako@both.example.lg.jp}\n";

pub const ADDRESSES: [&str; 5] = [
    "ichiro@houjin.example.jp",
    "jiro@houjin.example.jp",
    "hanako@both.example.lg.jp",
    "saburo@soudan.example.lg.jp",
    "shiro@soudan.example.lg.jp",
];

pub fn site_yaml(port: u16) -> String {
    site_yaml_with(port, "", "")
}

/// site.yaml with more `mail:` lines (indented two spaces) and more `smtp:` lines (four).
pub fn site_yaml_with(port: u16, mail_extra: &str, smtp_extra: &str) -> String {
    format!(
        "title: テスト用 連絡会サイト\nbase_url: {BASE_URL}\nnewsletter:\n  name: コーディネーター連絡会通信\n  recipients: [受託法人, 相談支援室]\nmail:\n  from: \"在宅医療係 <zaitaku@example.lg.jp>\"\n  signature: |\n    大阪市 健康局 在宅医療係\n    電話 06-0000-0000\n  internal_domains: [example.lg.jp]\n{mail_extra}  smtp:\n    host: 127.0.0.1\n    port: {port}\n    security: none\n{smtp_extra}"
    )
}

pub fn issue(extra: &str) -> String {
    format!(
        "---\ntitle: コーディネーター連絡会通信 第５号\ndate: 2021-06-30\nnumber: 5\nsummary: {SUMMARY}\n---\n\n## {}\n\n連絡会を開催しました。{extra}\n\n## {}\n\n８月に研修会を行います。\n",
        HEADINGS[0], HEADINGS[1]
    )
}

/// A site whose mail goes to `server`.
pub fn site(server: &SmtpServer) -> Fixture {
    Fixture::new(&[
        ("site.yaml", &site_yaml(server.port)),
        ("recipients.yaml", BOOK),
        ("content/newsletters/2021-06-vol05.md", &issue("")),
    ])
}

pub fn server(f: &Fixture, name: &str, faults: &[&str]) -> SmtpServer {
    SmtpServer::start(&f.dir.path().join(name), faults)
}

/// A temporary folder for a server started before its site.
pub fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("tsushin-smtp-")
        .tempdir()
        .unwrap()
}

pub fn mail(f: &Fixture, args: &[&str]) -> Output {
    let root = f.root();
    let mut all = vec!["mail"];
    all.extend_from_slice(args);
    all.extend(["--root", root.to_str().unwrap()]);
    common::run_bin(&all, f.dir.path())
}

/// `mail send --number 5` plus `args`, with environment variables.
pub fn send_env(f: &Fixture, args: &[&str], env: &[(&str, &str)]) -> Output {
    let root = f.root();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tsushin"));
    cmd.args(["mail", "send", "--number", "5"])
        .args(args)
        .arg("--root")
        .arg(&root)
        .current_dir(f.dir.path())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "400")
        .env_remove("TSUSHIN_SMTP_PASSWORD")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run tsushin")
}

/// `mail send --number 5` plus `extra`.
pub fn send(f: &Fixture, extra: &[&str]) -> Output {
    let mut args = vec!["send", "--number", "5"];
    args.extend_from_slice(extra);
    mail(f, &args)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn show(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        stdout(o),
        common::stderr(o)
    )
}

/// The report's lines: recipient → state (`sent`, `failed`, `uncertain`, `not-sent`).
pub fn states(o: &Output) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for line in stdout(o).lines() {
        let mut words = line.split_whitespace();
        if let (Some(state @ ("sent" | "failed" | "uncertain" | "not-sent")), Some(who)) =
            (words.next(), words.next())
        {
            m.insert(who.to_string(), state.to_string());
        }
    }
    m
}

/// Whether each of the five got exactly one copy, and nobody else got any.
pub fn all_once(server: &SmtpServer) -> bool {
    let copies = server.copies();
    ADDRESSES.iter().all(|a| copies.get(*a) == Some(&1)) && copies.len() == ADDRESSES.len()
}

/// `mail send --number 5` confirmed as the author would: asked with `--yes 0` first, then,
/// if refused, with the number the refusal names.
pub fn send_confirmed(f: &Fixture, extra: &[&str]) -> Output {
    let mut args = vec!["--yes", "0"];
    args.extend_from_slice(extra);
    let first = send(f, &args);
    let err = common::stderr(&first);
    let Some(n) = err
        .split("this run would send to ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
    else {
        return first;
    };
    let mut args = vec!["--yes", n];
    args.extend_from_slice(extra);
    send(f, &args)
}
