//! `tsushin mail send`: delivers the prepared messages over SMTP, writing the delivery log
//! before and after each one, so a rerun never sends twice and never skips anyone.
//!
//! This file decides what a run does: who still needs this page and this PDF (from the log),
//! the refusal of a changed PDF without `--correction`, the author's confirmation, the
//! password, `--test-to`. The sending loop itself is in `deliver.rs`. An uncertain delivery
//! (cut off before the server's reply) is not resent unless `--resend-uncertain`.

use std::collections::BTreeMap;
use std::process::ExitCode;

use lettre::Address;

use super::deliver::{Sender, interrupt};
use super::log::{Delivery, DeliveryState, Writer};
use super::message::{self, Prepared};
use super::outcome::{Final, Job, Kind, Selection, key};
use super::report;
use super::smtp::Client;
use super::{ComposeArgs, PageArgs};
use crate::config::mail::{Security, Smtp};
use crate::diag::{Diagnostic, Diagnostics, Location};

/// The options of `send` that do not change the message.
#[derive(Debug, Clone, Default)]
pub struct SendOptions {
    pub yes: Option<usize>,
    pub test_to: Option<String>,
    pub resend_uncertain: bool,
    pub quiet: bool,
}

pub fn run(
    page: &PageArgs,
    compose: &ComposeArgs,
    opts: &SendOptions,
    diags: &mut Diagnostics,
) -> ExitCode {
    let test_to = match opts.test_to.as_deref().map(str::parse::<Address>) {
        None => None,
        Some(Ok(a)) => Some(a),
        Some(Err(e)) => {
            diags.push(
                Diagnostic::error(
                    Location::file("--test-to"),
                    format!(
                        "`{}` is not an e-mail address: {e}",
                        opts.test_to.as_deref().unwrap_or("")
                    ),
                )
                .help("give your own address, e.g. --test-to zaitaku@example.lg.jp"),
            );
            return ExitCode::from(1);
        }
    };
    let options = message::Options {
        compose: compose.clone(),
        test_to: test_to.clone(),
    };
    let Some(prepared) = message::prepare(page, &options, diags) else {
        return ExitCode::from(1);
    };
    let Some(smtp) = smtp_settings(&prepared, diags) else {
        return ExitCode::from(1);
    };
    let (mut writer, log) = match Writer::open(&prepared.root) {
        Ok(w) => w,
        Err(e) => {
            diags.push(e);
            return ExitCode::from(1);
        }
    };
    diags.extend(log.warnings.iter().cloned());
    if test_to.is_some() {
        return send_test(&prepared, smtp, &mut writer, diags);
    }
    let deliveries = log.deliveries(&prepared.page_rel);
    if !correction_allowed(&prepared, &deliveries, compose.correction, diags) {
        return ExitCode::from(1);
    }
    let selection = select(&prepared, &deliveries, opts.resend_uncertain);
    print!("{}", report::plan(&prepared, &deliveries, &selection));
    let count = selection.count();
    if count == 0 {
        let fin = Final::default();
        print!("{}", report::final_report(&prepared, &selection, &fin));
        return finish(&prepared, &selection, &fin, diags);
    }
    let page_at = Location::file(format!("content/{}", prepared.page_rel));
    if !confirm(count, opts.yes, page_at, diags) {
        return ExitCode::from(1);
    }
    let password = match password(&smtp) {
        Ok(p) => p,
        Err(e) => {
            diags.push(e);
            return ExitCode::from(1);
        }
    };
    interrupt::install();
    let client = Client::new(smtp, password);
    let mut sender = Sender::new(&prepared, client, &mut writer, opts.quiet, count);
    sender.send_all(&selection.jobs);
    let fin = sender.finish();
    print!("{}", report::final_report(&prepared, &selection, &fin));
    finish(&prepared, &selection, &fin, diags)
}

/// The exit code and, when anyone lacks a certain copy, one error saying what to do.
fn finish(prepared: &Prepared, sel: &Selection, fin: &Final, diags: &mut Diagnostics) -> ExitCode {
    if let Some(e) = &fin.stopped_by {
        diags.push(e.clone());
    }
    let failed = fin.count(Kind::Failed);
    let uncertain = fin.count(Kind::Uncertain) + sel.uncertain_kept.len();
    let not_sent = fin.count(Kind::NotSent);
    if failed + uncertain + not_sent == 0 && fin.stopped_by.is_none() {
        return ExitCode::SUCCESS;
    }
    let mut help = Vec::new();
    if failed + not_sent > 0 {
        help.push(
            "fix what the server said (a wrong address goes in recipients.yaml), then run \
             `tsushin mail send` again: it sends only to those without a copy",
        );
    }
    if uncertain > 0 {
        help.push(
            "an uncertain message may have arrived: ask those recipients, then run again with \
             --resend-uncertain to send it to them once more",
        );
    }
    diags.push(
        Diagnostic::error(
            Location::file(format!("content/{}", prepared.page_rel)),
            format!(
                "not every recipient certainly has this page: {failed} failed, {uncertain} \
                 uncertain, {not_sent} not sent"
            ),
        )
        .help(help.join("; ")),
    );
    ExitCode::from(1)
}

/// The SMTP server from site.yaml; plain SMTP only to the machine itself.
fn smtp_settings(prepared: &Prepared, diags: &mut Diagnostics) -> Option<Smtp> {
    let at = prepared.settings.at.clone();
    let Some(smtp) = prepared.settings.smtp.clone() else {
        diags.push(
            Diagnostic::error(at, "`mail:` has no `smtp:` server to send through").help(
                "add `smtp: {host: ..., port: 587, security: starttls, user: ...}` under \
                     `mail:`, or write Outlook drafts with `tsushin mail eml` instead",
            ),
        );
        return None;
    };
    if smtp.security == Security::None && !super::smtp::is_loopback(&smtp.host) {
        diags.push(
            Diagnostic::error(
                at,
                format!(
                    "`security: none` would send the mail unencrypted to {}",
                    smtp.host
                ),
            )
            .help(
                "use `security: starttls` or `tls`; plain SMTP is only for a relay on this machine",
            ),
        );
        return None;
    }
    Some(smtp)
}

/// Refuses to send a page again with another PDF unless `--correction`.
fn correction_allowed(
    prepared: &Prepared,
    deliveries: &[Delivery],
    correction: bool,
    diags: &mut Diagnostics,
) -> bool {
    let earlier: Vec<&Delivery> = deliveries
        .iter()
        .filter(|d| d.pdf_sha256 != prepared.pdf_sha256 && d.state != DeliveryState::Failed)
        .collect();
    let at = Location::file(format!("content/{}", prepared.page_rel));
    if earlier.is_empty() {
        if correction {
            diags.push(
                Diagnostic::warning(
                    at,
                    "--correction, but this page was never sent with another PDF",
                )
                .help("leave out --correction unless an earlier version went out"),
            );
        }
        return true;
    }
    if correction {
        return true;
    }
    let last = earlier.iter().map(|d| d.at.as_str()).max().unwrap_or("");
    diags.push(
        Diagnostic::error(
            at,
            format!(
                "this page was already sent to {} recipient(s) with a different PDF (last on {})",
                earlier.len(),
                report::local_time(last)
            ),
        )
        .help(
            "to send the changed page as a correction (subject 【訂正】), add --correction; \
             `tsushin mail log` shows who has which version",
        ),
    );
    false
}

fn select<'a>(prepared: &'a Prepared, deliveries: &[Delivery], resend: bool) -> Selection<'a> {
    let current: BTreeMap<&str, &Delivery> = deliveries
        .iter()
        .filter(|d| d.pdf_sha256 == prepared.pdf_sha256)
        .map(|d| (d.recipient.as_str(), d))
        .collect();
    let mut sel = Selection {
        jobs: Vec::new(),
        already: Vec::new(),
        uncertain_kept: Vec::new(),
        uncertain_resent: Vec::new(),
    };
    for msg in &prepared.messages {
        let mut to = Vec::new();
        for a in &msg.to {
            let key = key(a);
            match current.get(key.as_str()).map(|d| d.state) {
                Some(DeliveryState::Sent) => sel.already.push(key),
                Some(DeliveryState::Uncertain) if !resend => {
                    sel.uncertain_kept.push((*current[key.as_str()]).clone());
                }
                Some(DeliveryState::Uncertain) => {
                    sel.uncertain_resent.push(key);
                    to.push(a.clone());
                }
                _ => to.push(a.clone()),
            }
        }
        if !to.is_empty() {
            sel.jobs.push(Job { msg, to });
        }
    }
    sel
}

/// The author confirms by typing the number of recipients (or `--yes N`).
fn confirm(count: usize, yes: Option<usize>, at: Location, diags: &mut Diagnostics) -> bool {
    let typed = match yes {
        Some(n) => n.to_string(),
        None => {
            eprint!("To send, type the number of recipients shown above (送信先の人数): ");
            let mut line = String::new();
            if std::io::stdin().read_line(&mut line).is_err() {
                line.clear();
            }
            line.trim().to_string()
        }
    };
    if typed.parse::<usize>().ok() == Some(count) {
        return true;
    }
    let what = if yes.is_some() { "--yes" } else { "you typed" };
    diags.push(
        Diagnostic::error(
            at,
            format!(
                "nothing sent: {what} {}, but this run would send to {count} recipient(s)",
                if typed.is_empty() { "nothing" } else { &typed }
            ),
        )
        .help(format!(
            "read the plan above; if it is right, confirm with {count} (or --yes {count})"
        )),
    );
    false
}

/// The SMTP password: `TSUSHIN_SMTP_PASSWORD` or a hidden prompt, only when a user is set.
fn password(smtp: &Smtp) -> Result<Option<String>, Diagnostic> {
    let Some(user) = &smtp.user else {
        return Ok(None);
    };
    if let Ok(p) = std::env::var("TSUSHIN_SMTP_PASSWORD")
        && !p.is_empty()
    {
        return Ok(Some(p));
    }
    rpassword::prompt_password(format!("SMTP password for {user} at {}: ", smtp.host))
        .map(Some)
        .map_err(|e| {
            Diagnostic::error(
                Location::file("site.yaml"),
                format!("cannot ask for the SMTP password: {e}"),
            )
            .help("set the environment variable TSUSHIN_SMTP_PASSWORD, or run in a terminal")
        })
}

/// `--test-to`: the message once to the author's address; a `test` record, no delivery.
fn send_test(
    prepared: &Prepared,
    smtp: Smtp,
    writer: &mut Writer,
    diags: &mut Diagnostics,
) -> ExitCode {
    let password = match password(&smtp) {
        Ok(p) => p,
        Err(e) => {
            diags.push(e);
            return ExitCode::from(1);
        }
    };
    let mut sender = Sender::new(prepared, Client::new(smtp, password), writer, true, 0);
    let mut ok = true;
    for msg in &prepared.messages {
        let (kind, reply) = sender.test_once(msg);
        for a in &msg.to {
            println!("test {:<9} {}  {}", kind.label(), key(a), reply);
        }
        ok &= kind == Kind::Sent;
    }
    sender.finish();
    if ok {
        println!("Test message sent: no delivery recorded; send for real without --test-to.");
        return ExitCode::SUCCESS;
    }
    diags.push(
        Diagnostic::error(
            Location::file(format!("content/{}", prepared.page_rel)),
            "the test message was not sent",
        )
        .help("see the server's reply above; check the `smtp:` settings in site.yaml"),
    );
    ExitCode::from(1)
}
