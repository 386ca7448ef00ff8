//! `tsushin mail send` and `tsushin mail log` through a real SMTP server (aiosmtpd,
//! tests/mail/smtp_server.py) on 127.0.0.1: what arrives, and what a rerun does after a
//! refused recipient, a temporary failure or a dropped connection.

mod common;
#[path = "mail/support.rs"]
mod support;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};

use common::Fixture;
use mail_parser::MimeHeaders;
use support::*;

/// The built PDF of issue 5: (file name, bytes).
fn built_pdf(f: &Fixture) -> (String, Vec<u8>) {
    let o = f.run(common::TODAY, &[]);
    assert!(o.status.success(), "build failed: {}", common::stderr(&o));
    let dir = f.out().join("newsletters");
    let pdfs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .filter(|p| !p.to_string_lossy().ends_with("合本.pdf"))
        .collect();
    assert_eq!(pdfs.len(), 1, "one PDF in {}", dir.display());
    let name = pdfs[0].file_name().unwrap().to_string_lossy().into_owned();
    (name, std::fs::read(&pdfs[0]).unwrap())
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Python's `email` view of each received message (tests/mail/parse_email.py).
fn python_view(server: &SmtpServer) -> Vec<serde_json::Value> {
    let mut emls: Vec<_> = std::fs::read_dir(&server.dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    emls.sort();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mail/parse_email.py");
    let o = Command::new("python3")
        .arg(script)
        .args(&emls)
        .output()
        .expect("python3");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice::<serde_json::Value>(&o.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// Checks one received message with mail-parser; returns its Message-ID.
fn check_with_mail_parser(r: &Received, pdf_name: &str, pdf: &[u8]) -> String {
    let own = &r.rcpt_tos[0];
    let m = mail_parser::MessageParser::default()
        .parse(&r.bytes)
        .expect("mail-parser reads the message");
    let subject = m.subject().unwrap_or_default();
    assert!(
        subject.contains("コーディネーター連絡会通信"),
        "subject: {subject}"
    );
    let to: Vec<String> = m
        .to()
        .unwrap()
        .iter()
        .filter_map(|a| a.address().map(str::to_lowercase))
        .collect();
    assert_eq!(
        &to,
        std::slice::from_ref(own),
        "To names only its own recipient"
    );
    assert!(m.cc().is_none() && m.bcc().is_none());
    let body = m.body_text(0).unwrap_or_default();
    assert!(body.contains(SUMMARY), "summary in the body:\n{body}");
    for h in HEADINGS {
        assert!(body.contains(h), "heading {h} in the body:\n{body}");
    }
    assert!(
        body.contains(&format!("{BASE_URL}newsletters/")),
        "intranet URL:\n{body}"
    );
    let pdfs: Vec<_> = m
        .attachments()
        .filter(|a| a.attachment_name().is_some_and(|n| n.ends_with(".pdf")))
        .collect();
    assert_eq!(pdfs.len(), 1);
    assert_eq!(
        pdfs[0].attachment_name(),
        Some(pdf_name),
        "attachment name decodes"
    );
    assert!(
        pdfs[0].contents() == pdf,
        "attachment equals the built PDF byte for byte"
    );
    m.message_id().expect("a Message-ID").to_string()
}

#[test]
fn each_recipient_gets_one_message_with_the_built_pdf_and_only_their_address() {
    let tmp = scratch();
    let srv = SmtpServer::start(&tmp.path().join("smtp"), &[]);
    let f = site(&srv);
    let (pdf_name, pdf) = built_pdf(&f);

    let o = send(&f, &["--yes", "5"]);
    assert!(o.status.success(), "{}", show(&o));
    let got = srv.messages();
    assert!(all_once(&srv), "{:?}\n{}", srv.copies(), show(&o));
    let st = states(&o);
    assert!(
        ADDRESSES
            .iter()
            .all(|a| st.get(*a).map(String::as_str) == Some("sent")),
        "{}",
        show(&o)
    );

    let mut ids = BTreeSet::new();
    for r in &got {
        assert_eq!(r.rcpt_tos.len(), 1, "one envelope recipient per message");
        assert_eq!(r.mail_from, "zaitaku@example.lg.jp");
        let raw = String::from_utf8_lossy(&r.bytes).to_lowercase();
        for other in ADDRESSES.iter().filter(|a| **a != r.rcpt_tos[0]) {
            assert!(
                !raw.contains(other),
                "{other} appears in the message to {}",
                r.rcpt_tos[0]
            );
        }
        assert!(!raw.contains("\nbcc:"), "no Bcc header");
        assert!(raw.contains("filename*"), "RFC 2231 filename*");
        assert!(raw.contains("name=\"=?utf-8?"), "RFC 2047 name= fallback");
        ids.insert(check_with_mail_parser(r, &pdf_name, &pdf));
    }
    assert_eq!(ids.len(), 5, "Message-IDs unique");

    // Python's email package sees the same.
    let py = python_view(&srv);
    for (v, r) in py.iter().zip(&got) {
        assert!(
            v["subject"]
                .as_str()
                .unwrap()
                .contains("コーディネーター連絡会通信")
        );
        assert_eq!(v["addresses"]["to"], serde_json::json!([r.rcpt_tos[0]]));
        assert_eq!(v["addresses"]["cc"], serde_json::json!([]));
        let att = &v["attachments"][0];
        assert_eq!(att["filename"].as_str(), Some(pdf_name.as_str()));
        assert_eq!(att["sha256"].as_str(), Some(sha256(&pdf).as_str()));
        let body = v["body"].as_str().unwrap();
        assert!(body.contains(SUMMARY) && body.contains(HEADINGS[1]) && body.contains(BASE_URL));
    }

    // A rerun sends nothing: everyone has this PDF.
    let again = send(&f, &["--yes", "0"]);
    assert!(again.status.success(), "{}", show(&again));
    assert_eq!(srv.messages().len(), 5, "nothing sent twice");
    assert!(
        stdout(&again).contains("5 already had this PDF"),
        "{}",
        show(&again)
    );

    // `mail log` shows who received the issue.
    let log = mail(&f, &["log", "--number", "5"]);
    assert!(log.status.success(), "{}", show(&log));
    for a in ADDRESSES {
        let line = stdout(&log)
            .lines()
            .find(|l| l.contains(a))
            .map(str::to_string);
        assert!(
            line.as_deref()
                .is_some_and(|l| l.trim_start().starts_with("sent")),
            "{}",
            show(&log)
        );
    }

    // The page named by its file (with or without content/), or every page: the same lines.
    for args in [
        vec!["log", "content/newsletters/2021-06-vol05.md"],
        vec!["log", "newsletters/2021-06-vol05.md"],
        vec!["log"],
    ] {
        let other = mail(&f, &args);
        assert_eq!(stdout(&other), stdout(&log), "{args:?}");
    }

    // Message-IDs are the same on another run (fresh log, another server).
    std::fs::remove_file(f.root().join(".tsushin/mail-log.jsonl")).unwrap();
    let srv2 = server(&f, "smtp2", &[]);
    f.write("site.yaml", &site_yaml(srv2.port));
    let o2 = send(&f, &["--yes", "5"]);
    assert!(o2.status.success(), "{}", show(&o2));
    let ids2: BTreeSet<String> = srv2
        .messages()
        .iter()
        .map(|r| check_with_mail_parser(r, &pdf_name, &pdf))
        .collect();
    assert_eq!(ids, ids2, "Message-IDs stable across runs");
}

#[test]
fn refused_recipient_temporary_failure_and_lost_reply_then_one_rerun() {
    let tmp = scratch();
    // 550 for jiro; the first RCPT gets 451 once; the 2nd stored message's reply is lost.
    let srv = SmtpServer::start(
        &tmp.path().join("smtp"),
        &[
            "--refuse",
            "jiro@houjin.example.jp",
            "--tempfail-rcpt-once",
            "--drop-after-store",
            "2",
        ],
    );
    let f = site(&srv);
    let first = send(&f, &["--yes", "5"]);
    assert!(!first.status.success(), "{}", show(&first));
    let st = states(&first);
    assert_eq!(st["jiro@houjin.example.jp"], "failed", "{}", show(&first));
    assert!(
        stdout(&first).contains("550"),
        "the server's reply is shown: {}",
        show(&first)
    );
    assert_eq!(
        st.values().filter(|s| *s == "uncertain").count(),
        1,
        "{}",
        show(&first)
    );
    assert_eq!(
        st.values().filter(|s| *s == "sent").count(),
        3,
        "{}",
        show(&first)
    );
    let uncertain: Vec<&String> = st
        .iter()
        .filter(|(_, s)| *s == "uncertain")
        .map(|(a, _)| a)
        .collect();

    // One rerun: the refused one is tried again and reported; the uncertain one is not resent.
    let second = send(&f, &["--yes", "1"]);
    assert!(!second.status.success(), "{}", show(&second));
    let st2 = states(&second);
    assert_eq!(st2["jiro@houjin.example.jp"], "failed", "{}", show(&second));
    assert_eq!(st2[uncertain[0]], "uncertain", "{}", show(&second));
    let copies = srv.copies();
    for a in ADDRESSES.iter().filter(|a| **a != "jiro@houjin.example.jp") {
        assert_eq!(copies.get(*a), Some(&1), "{a}: {copies:?}");
    }
    assert_eq!(copies.get("jiro@houjin.example.jp"), None);
    let log = mail(&f, &["log", "--number", "5"]);
    let text = stdout(&log);
    assert!(text.contains("1 failed, 1 uncertain"), "{}", show(&log));
}

#[test]
fn connection_dropped_in_the_middle_of_data_is_uncertain_and_resent_on_request() {
    let tmp = scratch();
    let srv = SmtpServer::start(
        &tmp.path().join("smtp"),
        &["--drop-in-data", "3", "--tempfail-data-once"],
    );
    let f = site(&srv);
    let first = send(&f, &["--yes", "5"]);
    assert!(!first.status.success(), "{}", show(&first));
    let st = states(&first);
    let uncertain: Vec<String> = st
        .iter()
        .filter(|(_, s)| *s == "uncertain")
        .map(|(a, _)| a.clone())
        .collect();
    assert_eq!(uncertain.len(), 1, "{}", show(&first));
    assert_eq!(
        st.values().filter(|s| *s == "sent").count(),
        4,
        "reconnected and went on: {}",
        show(&first)
    );
    assert_eq!(
        srv.copies().get(&uncertain[0]),
        None,
        "the dropped message was not stored"
    );

    // Without the flag the uncertain one is only reported.
    let again = send(&f, &["--yes", "0"]);
    assert!(!again.status.success());
    assert_eq!(
        states(&again)[&uncertain[0]],
        "uncertain",
        "{}",
        show(&again)
    );
    assert_eq!(srv.messages().len(), 4);

    let resend = send(&f, &["--yes", "1", "--resend-uncertain"]);
    assert!(resend.status.success(), "{}", show(&resend));
    assert!(all_once(&srv), "{:?}", srv.copies());
}

#[test]
fn connection_dropped_between_messages_reconnects_and_sends_everyone_once() {
    let tmp = scratch();
    let srv = SmtpServer::start(&tmp.path().join("smtp"), &["--drop-at-mail", "3"]);
    let f = site(&srv);
    let o = send(&f, &["--yes", "5"]);
    assert!(o.status.success(), "{}", show(&o));
    assert!(all_once(&srv), "{:?}\n{}", srv.copies(), show(&o));
}

#[test]
fn yes_must_match_the_number_of_recipients() {
    let tmp = scratch();
    let srv = SmtpServer::start(&tmp.path().join("smtp"), &[]);
    let f = site(&srv);
    let o = send(&f, &["--yes", "4"]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    assert!(common::stderr(&o).contains("--yes 5"), "{}", show(&o));
    assert!(srv.messages().is_empty());
    assert!(
        !f.root().join(".tsushin/mail-log.jsonl").exists()
            || std::fs::read(f.root().join(".tsushin/mail-log.jsonl"))
                .unwrap()
                .is_empty()
    );

    // Typed at the prompt: a wrong number cancels, the right one sends.
    let typed = |answer: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tsushin"))
            .args([
                "mail",
                "send",
                "--number",
                "5",
                "--root",
                f.root().to_str().unwrap(),
            ])
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(answer.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let wrong = typed("50\n");
    assert_eq!(wrong.status.code(), Some(1), "{}", show(&wrong));
    assert!(srv.messages().is_empty());
    let right = typed("5\n");
    assert!(right.status.success(), "{}", show(&right));
    assert!(all_once(&srv));
}

#[test]
fn test_to_sends_one_test_message_and_records_no_delivery() {
    let tmp = scratch();
    let srv = SmtpServer::start(&tmp.path().join("smtp"), &[]);
    let f = site(&srv);
    let o = send(&f, &["--test-to", "author@example.lg.jp"]);
    assert!(o.status.success(), "{}", show(&o));
    let got = srv.messages();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].rcpt_tos, vec!["author@example.lg.jp".to_string()]);
    let m = mail_parser::MessageParser::default()
        .parse(&got[0].bytes)
        .unwrap();
    assert!(
        m.subject().unwrap().starts_with("【テスト】"),
        "{:?}",
        m.subject()
    );
    let raw = String::from_utf8_lossy(&got[0].bytes).to_lowercase();
    assert!(
        ADDRESSES.iter().all(|a| !raw.contains(a)),
        "no book address in the test message"
    );

    // No delivery recorded: the real send still goes to all five.
    let log = mail(&f, &["log", "--number", "5"]);
    assert!(
        stdout(&log).contains("0 sent, 0 failed, 0 uncertain"),
        "{}",
        show(&log)
    );
    let real = send(&f, &["--yes", "5"]);
    assert!(real.status.success(), "{}", show(&real));
    assert_eq!(srv.messages().len(), 6);
}

#[test]
fn a_changed_pdf_is_refused_without_correction() {
    let tmp = scratch();
    let srv = SmtpServer::start(&tmp.path().join("smtp"), &[]);
    let f = site(&srv);
    assert!(send(&f, &["--yes", "5"]).status.success());
    f.write(
        "content/newsletters/2021-06-vol05.md",
        &issue("会場を変更しました。"),
    );

    let refused = send(&f, &["--yes", "5"]);
    assert_eq!(refused.status.code(), Some(1), "{}", show(&refused));
    assert!(
        common::stderr(&refused).contains("--correction"),
        "{}",
        show(&refused)
    );
    assert_eq!(srv.messages().len(), 5, "nothing sent");

    let corrected = send(&f, &["--yes", "5", "--correction"]);
    assert!(corrected.status.success(), "{}", show(&corrected));
    let got = srv.messages();
    assert_eq!(got.len(), 10);
    for r in &got[5..] {
        let m = mail_parser::MessageParser::default()
            .parse(&r.bytes)
            .unwrap();
        assert!(
            m.subject().unwrap().contains("【訂正】"),
            "{:?}",
            m.subject()
        );
    }
}

#[test]
fn a_torn_last_log_line_is_reported_and_repaired() {
    let tmp = scratch();
    let srv = SmtpServer::start(&tmp.path().join("smtp"), &[]);
    let f = site(&srv);
    assert!(send(&f, &["--yes", "5"]).status.success());
    let path = f.root().join(".tsushin/mail-log.jsonl");
    let mut bytes = std::fs::read(&path).unwrap();
    let whole = bytes.len();
    bytes.extend_from_slice(b"{\"at\":\"2026-12-01T10:00:00Z\",\"state\":\"sen");
    std::fs::write(&path, &bytes).unwrap();

    let log = mail(&f, &["log", "--number", "5"]);
    assert!(log.status.success(), "{}", show(&log));
    assert!(
        common::stderr(&log).contains("incomplete"),
        "{}",
        show(&log)
    );
    assert!(stdout(&log).contains("5 sent"), "{}", show(&log));

    let again = send(&f, &["--yes", "0"]);
    assert!(again.status.success(), "{}", show(&again));
    assert_eq!(
        std::fs::read(&path).unwrap().len(),
        whole,
        "the torn line was cut"
    );
    assert_eq!(srv.messages().len(), 5);

    // A damaged line in the middle stops `send`: it could send twice otherwise.
    let mut bad = b"not json\n".to_vec();
    bad.extend_from_slice(&std::fs::read(&path).unwrap());
    std::fs::write(&path, &bad).unwrap();
    let refused = send(&f, &["--yes", "0"]);
    assert_eq!(refused.status.code(), Some(1), "{}", show(&refused));
    assert!(
        common::stderr(&refused).contains("mail-log.jsonl:1:1"),
        "{}",
        show(&refused)
    );
}

#[test]
fn sigterm_between_messages_leaves_the_log_consistent() {
    let tmp = scratch();
    let srv = SmtpServer::start(&tmp.path().join("smtp"), &["--slow", "0.4"]);
    let f = site(&srv);
    let root = f.root();
    let child = Command::new(env!("CARGO_BIN_EXE_tsushin"))
        .args([
            "mail",
            "send",
            "--number",
            "5",
            "--yes",
            "5",
            "--root",
            root.to_str().unwrap(),
        ])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the first message to be stored, then ask the process to stop.
    let start = std::time::Instant::now();
    while srv.messages().is_empty() && start.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let st = states(&o);
    assert!(
        st.values().any(|s| s == "not-sent"),
        "stopped early: {}",
        show(&o)
    );
    assert!(
        !st.values().any(|s| s == "uncertain"),
        "the message in flight was finished: {}",
        show(&o)
    );

    // Every `sending` record has its outcome; the rerun sends to the rest, once.
    let rest = st.values().filter(|s| *s == "not-sent").count().to_string();
    let again = send(&f, &["--yes", &rest]);
    assert!(again.status.success(), "{}", show(&again));
    assert!(all_once(&srv), "{:?}", srv.copies());
}

#[test]
fn smtp_login_takes_the_password_from_the_environment_and_a_refused_login_sends_nothing() {
    let tmp = scratch();
    let srv = SmtpServer::start(&tmp.path().join("smtp"), &["--auth", "zaitaku:s3cret"]);
    let f = site(&srv);
    f.write(
        "site.yaml",
        &site_yaml_with(srv.port, "", "    user: zaitaku\n"),
    );

    let started = std::time::Instant::now();
    let wrong = send_env(&f, &["--yes", "5"], &[("TSUSHIN_SMTP_PASSWORD", "wrong")]);
    assert_eq!(wrong.status.code(), Some(1), "{}", show(&wrong));
    assert!(
        common::stderr(&wrong).contains("535"),
        "the server's refusal is shown: {}",
        show(&wrong)
    );
    assert!(
        started.elapsed().as_secs() < 8,
        "a refused login is not retried"
    );
    assert!(srv.messages().is_empty());
    let st = states(&wrong);
    assert!(
        ADDRESSES
            .iter()
            .all(|a| st.get(*a).map(String::as_str) == Some("not-sent")),
        "{}",
        show(&wrong)
    );
    let log = std::fs::read_to_string(f.root().join(".tsushin/mail-log.jsonl")).unwrap_or_default();
    assert!(!log.contains("\"sending\""), "nothing was attempted: {log}");

    let right = send_env(&f, &["--yes", "5"], &[("TSUSHIN_SMTP_PASSWORD", "s3cret")]);
    assert!(right.status.success(), "{}", show(&right));
    assert!(all_once(&srv), "{:?}", srv.copies());
}

#[test]
fn an_unreachable_server_is_retried_then_nothing_is_recorded_as_sent() {
    let tmp = scratch();
    let port = {
        let gone = SmtpServer::start(&tmp.path().join("gone"), &[]);
        gone.port
    };
    let srv = SmtpServer::start(&tmp.path().join("smtp"), &[]);
    let f = site(&srv);
    f.write("site.yaml", &site_yaml(port));
    let o = send(&f, &["--yes", "5"]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    assert!(
        common::stderr(&o).contains("cannot connect"),
        "{}",
        show(&o)
    );
    let st = states(&o);
    assert!(
        ADDRESSES
            .iter()
            .all(|a| st.get(*a).map(String::as_str) == Some("not-sent")),
        "{}",
        show(&o)
    );

    // The server is back: the rerun sends to all five.
    f.write("site.yaml", &site_yaml(srv.port));
    let again = send(&f, &["--yes", "5"]);
    assert!(again.status.success(), "{}", show(&again));
    assert!(all_once(&srv));
}

#[test]
fn bcc_mode_sends_chunks_without_any_recipient_address_in_the_message() {
    let tmp = scratch();
    let srv = SmtpServer::start(
        &tmp.path().join("smtp"),
        &["--refuse", "shiro@soudan.example.lg.jp"],
    );
    let f = site(&srv);
    f.write(
        "site.yaml",
        &site_yaml_with(srv.port, "  mode: bcc\n  bcc_chunk: 2\n", ""),
    );
    let first = send(&f, &["--yes", "5"]);
    assert_eq!(first.status.code(), Some(1), "{}", show(&first));
    assert_eq!(
        states(&first)["shiro@soudan.example.lg.jp"],
        "failed",
        "{}",
        show(&first)
    );
    let got = srv.messages();
    let sizes: Vec<usize> = got.iter().map(|r| r.rcpt_tos.len()).collect();
    assert_eq!(
        sizes.iter().sum::<usize>(),
        4,
        "everyone but the refused one: {got:?}"
    );
    assert!(
        sizes.iter().all(|n| *n <= 2),
        "chunks of two at most: {sizes:?}"
    );
    for r in &got {
        let raw = String::from_utf8_lossy(&r.bytes).to_lowercase();
        assert!(
            ADDRESSES.iter().all(|a| !raw.contains(a)),
            "a recipient address in a bcc message"
        );
        let m = mail_parser::MessageParser::default()
            .parse(&r.bytes)
            .unwrap();
        let to = m
            .to()
            .unwrap()
            .first()
            .unwrap()
            .address()
            .unwrap()
            .to_lowercase();
        assert_eq!(to, "zaitaku@example.lg.jp", "To is the sender");
    }

    // The rerun tries only the refused one.
    let again = send(&f, &["--yes", "1"]);
    assert_eq!(again.status.code(), Some(1), "{}", show(&again));
    let copies = srv.copies();
    for a in ADDRESSES {
        let want = usize::from(a != "shiro@soudan.example.lg.jp");
        assert_eq!(copies.get(a).copied().unwrap_or(0), want, "{a}: {copies:?}");
    }
}

#[test]
fn rate_per_minute_spaces_the_messages() {
    let tmp = scratch();
    let srv = SmtpServer::start(&tmp.path().join("smtp"), &[]);
    let f = site(&srv);
    f.write(
        "site.yaml",
        &site_yaml_with(srv.port, "  rate_per_minute: 120\n", ""),
    );
    let o = send(&f, &["--yes", "5"]);
    assert!(o.status.success(), "{}", show(&o));
    let times: Vec<f64> = srv.messages().iter().map(|r| r.received_at).collect();
    assert_eq!(times.len(), 5);
    // Starts are 0.5 s apart; the server notes when each one ends, which varies a little.
    for w in times.windows(2) {
        assert!(
            w[1] - w[0] >= 0.3,
            "120 a minute: about 0.5 s apart: {times:?}"
        );
    }
    assert!(
        times[4] - times[0] >= 1.8,
        "four intervals of 0.5 s: {times:?}"
    );
}

#[test]
fn the_sending_record_is_fsynced_before_each_data_and_the_outcome_after() {
    let tmp = scratch();
    let srv = SmtpServer::start(&tmp.path().join("smtp"), &[]);
    let f = site(&srv);
    let trace = f.dir.path().join("trace.txt");
    let o = Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-y",
            "-s",
            "16",
            "-e",
            "trace=write,sendto,fsync,fdatasync",
            "-o",
        ])
        .arg(&trace)
        .arg(env!("CARGO_BIN_EXE_tsushin"))
        .args(["mail", "send", "--number", "5", "--yes", "5", "--root"])
        .arg(f.root())
        .env("NO_COLOR", "1")
        .output()
        .expect("strace (apt package strace) runs");
    assert!(o.status.success(), "{}", show(&o));
    assert!(all_once(&srv));
    // The log's syncs and the DATA commands on the socket, in order.
    let events: Vec<&str> = std::fs::read_to_string(&trace)
        .unwrap()
        .lines()
        .filter_map(|l| {
            if l.contains("sync(") && l.contains("mail-log.jsonl") {
                Some("sync")
            } else if l.contains("\"DATA\\r\\n\"") {
                Some("DATA")
            } else {
                None
            }
        })
        .collect();
    let datas = events.iter().filter(|e| **e == "DATA").count();
    assert_eq!(datas, 5, "{events:?}");
    // sync (sending) DATA sync (sent), then the same for the next message.
    let mut previous: Option<usize> = None;
    for (i, _) in events.iter().enumerate().filter(|(_, e)| **e == "DATA") {
        assert!(
            i > 0 && events[i - 1] == "sync",
            "synced right before DATA: {events:?}"
        );
        if let Some(p) = previous {
            let syncs = events[p + 1..i].iter().filter(|e| **e == "sync").count();
            assert!(syncs >= 2, "`sent`, then the next `sending`: {events:?}");
        }
        previous = Some(i);
    }
    assert_eq!(
        events.last(),
        Some(&"sync"),
        "the last outcome is synced: {events:?}"
    );
}
