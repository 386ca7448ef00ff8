//! `tsushin mail send`: delivers the prepared messages over SMTP, writing the delivery log
//! before and after each one, so a rerun never sends twice and never skips anyone.
//!
//! Per message: MAIL and RCPT first (a refused recipient is `failed` and certainly did not
//! get it), then a `sending` record (fsynced), then DATA and the message, then `sent` with the
//! server's reply or `failed`. A connection lost after the message's end but before the reply
//! leaves the `sending` record alone: that recipient is uncertain and is not resent unless
//! `--resend-uncertain`. Temporary (4xx) failures are retried with back-off; a lost connection
//! is reopened for the next try.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use lettre::Address;

use super::log::{Delivery, DeliveryState, Record, Step, Writer};
use super::message::{self, Outgoing, Prepared};
use super::report::{self, Final, Kind};
use super::smtp::{Client, Reply};
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

/// Tries per message for temporary failures (4xx, a connection that cannot be opened or
/// was lost before the message went).
const TRIES: u32 = 4;

/// Wait before try `n + 1`.
fn backoff(n: u32) -> Duration {
    Duration::from_secs(3u64.pow(n.saturating_sub(1)))
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
    let mut sender = Sender {
        prepared: &prepared,
        client: Client::new(smtp, password),
        writer: &mut writer,
        fin: Final::default(),
        quiet: opts.quiet,
        done: 0,
        total: count,
    };
    sender.send_all(&selection.jobs);
    sender.client.quit();
    let fin = sender.fin;
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

/// One message and the envelope recipients it still has to reach.
pub struct Job<'a> {
    pub msg: &'a Outgoing,
    pub to: Vec<Address>,
}

/// What this run does, from the log: who gets the page now, who had it already.
pub struct Selection<'a> {
    pub jobs: Vec<Job<'a>>,
    /// Recipients that already have this PDF (`sent`).
    pub already: Vec<String>,
    /// Uncertain deliveries of this PDF that are not resent.
    pub uncertain_kept: Vec<Delivery>,
    /// Uncertain deliveries of this PDF sent again (`--resend-uncertain`).
    pub uncertain_resent: Vec<String>,
}

impl Selection<'_> {
    /// How many recipients this run sends to.
    pub fn count(&self) -> usize {
        self.jobs.iter().map(|j| j.to.len()).sum()
    }
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

/// An address as the log keys it.
pub fn key(a: &Address) -> String {
    a.to_string().to_lowercase()
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
    let mut sender = Sender {
        prepared,
        client: Client::new(smtp, password),
        writer,
        fin: Final::default(),
        quiet: true,
        done: 0,
        total: 0,
    };
    let mut ok = true;
    for msg in &prepared.messages {
        let (kind, reply) = sender.test_once(msg);
        for a in &msg.to {
            println!("test {:<9} {}  {}", kind.label(), key(a), reply);
        }
        ok &= kind == Kind::Sent;
    }
    sender.client.quit();
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

/// Why the sending loop stopped early.
enum Stop {
    Interrupted,
    Log(Diagnostic),
    Connection(String),
}

struct Sender<'a> {
    prepared: &'a Prepared,
    client: Client,
    writer: &'a mut Writer,
    fin: Final,
    quiet: bool,
    done: usize,
    total: usize,
}

impl Sender<'_> {
    fn send_all(&mut self, jobs: &[Job]) {
        let interval = self
            .prepared
            .settings
            .rate_per_minute
            .filter(|r| *r > 0)
            .map(|r| Duration::from_secs_f64(60.0 / f64::from(r)));
        let mut last_start: Option<Instant> = None;
        for (i, job) in jobs.iter().enumerate() {
            let wait = match (interval, last_start) {
                (Some(iv), Some(t)) => iv.saturating_sub(t.elapsed()),
                _ => Duration::ZERO,
            };
            let stop = if interrupt::requested() {
                Err(Stop::Interrupted)
            } else {
                pause(wait).and_then(|()| {
                    last_start = Some(Instant::now());
                    self.deliver(job)
                })
            };
            if let Err(stop) = stop {
                self.stopped(stop, &jobs[i..]);
                return;
            }
        }
    }

    /// Marks every recipient not yet dealt with as not sent, and why.
    fn stopped(&mut self, stop: Stop, rest: &[Job]) {
        let why = match stop {
            Stop::Interrupted => "interrupted before this message".to_string(),
            Stop::Connection(e) => {
                self.fin.stopped_by = Some(
                    Diagnostic::error(self.prepared.settings.at.clone(), e.clone()).help(
                        "check `smtp:` (host, port, security, user) and the password \
                         (TSUSHIN_SMTP_PASSWORD); nothing more was sent, run again when it works",
                    ),
                );
                e
            }
            Stop::Log(d) => {
                let why = d.message.clone();
                self.fin.stopped_by = Some(d);
                why
            }
        };
        for job in rest {
            for a in &job.to {
                if !self.fin.has(&key(a)) {
                    self.fin.set(key(a), Kind::NotSent, why.clone());
                }
            }
        }
    }

    fn log(
        &mut self,
        step: Step,
        msg: &Outgoing,
        to: &[Address],
        reply: Option<&str>,
        test: bool,
    ) -> Result<(), Stop> {
        let mut r = Record::new(
            step,
            &self.prepared.page_rel,
            &self.prepared.pdf_sha256,
            to.iter().map(key).collect(),
        );
        r.message_id = msg.message_id.clone();
        r.subject = Some(self.prepared.subject.clone());
        r.reply = reply.map(str::to_string);
        r.test = test;
        self.writer.append(&r).map_err(Stop::Log)
    }

    /// Final state of some recipients, logged (unless uncertain) and shown.
    fn outcome(
        &mut self,
        msg: &Outgoing,
        to: &[Address],
        kind: Kind,
        reply: &str,
    ) -> Result<(), Stop> {
        match kind {
            Kind::Sent => self.log(Step::Sent, msg, to, Some(reply), false)?,
            Kind::Failed => self.log(Step::Failed, msg, to, Some(reply), false)?,
            Kind::Uncertain | Kind::NotSent => {}
        }
        for a in to {
            self.done += 1;
            if !self.quiet {
                eprintln!(
                    "[{}/{}] {:<9} {}  {}",
                    self.done,
                    self.total,
                    kind.label(),
                    key(a),
                    reply
                );
            }
            self.fin.set(key(a), kind, reply.to_string());
        }
        Ok(())
    }

    /// One message to its remaining recipients, with retries for temporary failures.
    fn deliver(&mut self, job: &Job) -> Result<(), Stop> {
        let msg = job.msg;
        let mut pending = job.to.clone();
        let mut last = String::new();
        for attempt in 1..=TRIES {
            if attempt > 1 {
                pause(backoff(attempt - 1))?;
            }
            if let Err(e) = self.client.ensure() {
                if attempt == TRIES || e.lasting {
                    return Err(Stop::Connection(e.text));
                }
                last = e.text;
                continue;
            }
            let mut retry = Vec::new();
            let accepted = match self.envelope(msg, &pending, &mut retry, &mut last)? {
                Some(a) => a,
                None => {
                    pending = retry;
                    if pending.is_empty() {
                        return Ok(());
                    }
                    continue;
                }
            };
            self.log(Step::Sending, msg, &accepted, None, false)?;
            let reply = match self.client.data() {
                Reply::Ok(_) => self.client.message(&msg.bytes),
                Reply::Lost(r) => Reply::Temporary(format!("connection lost at DATA: {r}")),
                other => other,
            };
            match reply {
                Reply::Ok(r) => self.outcome(msg, &accepted, Kind::Sent, &r)?,
                Reply::Permanent(r) => self.outcome(msg, &accepted, Kind::Failed, &r)?,
                Reply::Temporary(r) => {
                    // Certainly not delivered: recorded, and tried again below.
                    self.log(Step::Failed, msg, &accepted, Some(&r), false)?;
                    retry.extend(accepted);
                    last = r;
                }
                Reply::Lost(r) => {
                    let why = format!(
                        "connection lost after the message was sent, before the server's reply ({r})"
                    );
                    self.outcome(msg, &accepted, Kind::Uncertain, &why)?;
                }
            }
            pending = retry;
            if pending.is_empty() {
                return Ok(());
            }
        }
        let failed = format!("gave up after {TRIES} tries: {last}");
        let unlogged: Vec<Address> = pending.clone();
        self.outcome(msg, &unlogged, Kind::Failed, &failed)
    }

    /// MAIL and RCPT: `Some(accepted)` to go on with DATA; `None` when no recipient was
    /// accepted this time (those to try again are in `retry`). Refused ones are `failed`.
    fn envelope(
        &mut self,
        msg: &Outgoing,
        pending: &[Address],
        retry: &mut Vec<Address>,
        last: &mut String,
    ) -> Result<Option<Vec<Address>>, Stop> {
        match self.client.mail(&msg.from, pending, &msg.bytes) {
            Reply::Ok(_) => {}
            Reply::Permanent(r) => {
                self.outcome(msg, pending, Kind::Failed, &r)?;
                return Ok(None);
            }
            Reply::Temporary(r) | Reply::Lost(r) => {
                retry.extend(pending.iter().cloned());
                *last = r;
                return Ok(None);
            }
        }
        let mut accepted = Vec::new();
        for (i, a) in pending.iter().enumerate() {
            match self.client.rcpt(a) {
                Reply::Ok(_) => accepted.push(a.clone()),
                Reply::Permanent(r) => {
                    self.outcome(msg, std::slice::from_ref(a), Kind::Failed, &r)?
                }
                Reply::Temporary(r) => {
                    retry.push(a.clone());
                    *last = r;
                }
                Reply::Lost(r) => {
                    // Nothing of this transaction can have been delivered.
                    retry.extend(accepted.drain(..));
                    retry.extend(pending[i..].iter().cloned());
                    *last = r;
                    return Ok(None);
                }
            }
        }
        if accepted.is_empty() {
            if let Reply::Lost(_) = self.client.rset() {
                self.client.drop_connection();
            }
            return Ok(None);
        }
        Ok(Some(accepted))
    }

    /// `--test-to`: one try, a `test` record after it.
    fn test_once(&mut self, msg: &Outgoing) -> (Kind, String) {
        let (kind, reply) = match self.client.ensure() {
            Err(e) => (Kind::NotSent, e.text),
            Ok(()) => {
                let reply = match self.client.mail(&msg.from, &msg.to, &msg.bytes) {
                    Reply::Ok(_) => msg
                        .to
                        .iter()
                        .map(|a| self.client.rcpt(a))
                        .find(|r| !matches!(r, Reply::Ok(_)))
                        .unwrap_or_else(|| match self.client.data() {
                            Reply::Ok(_) => self.client.message(&msg.bytes),
                            other => other,
                        }),
                    other => other,
                };
                match reply {
                    Reply::Ok(r) => (Kind::Sent, r),
                    Reply::Permanent(r) | Reply::Temporary(r) => (Kind::Failed, r),
                    Reply::Lost(r) => (Kind::Uncertain, r),
                }
            }
        };
        let step = if kind == Kind::Sent {
            Step::Sent
        } else {
            Step::Failed
        };
        if let Err(Stop::Log(d)) = self.log(step, msg, &msg.to, Some(&reply), true) {
            return (kind, format!("{reply} (not logged: {})", d.message));
        }
        (kind, reply)
    }
}

/// Sleeps, in short slices so that Ctrl-C is noticed.
fn pause(d: Duration) -> Result<(), Stop> {
    let end = Instant::now() + d;
    loop {
        if interrupt::requested() {
            return Err(Stop::Interrupted);
        }
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        std::thread::sleep(left.min(Duration::from_millis(100)));
    }
}

/// Ctrl-C and SIGTERM while sending: the message in flight is finished (and logged), then
/// the run stops between messages. A second signal stops at once (the log stays consistent:
/// a `sending` record without outcome is reported as uncertain).
mod interrupt {
    use std::sync::atomic::{AtomicBool, Ordering};

    static STOP: AtomicBool = AtomicBool::new(false);

    pub fn requested() -> bool {
        STOP.load(Ordering::SeqCst)
    }

    #[cfg(unix)]
    extern "C" fn on_signal(_: libc::c_int) {
        if STOP.swap(true, Ordering::SeqCst) {
            // SAFETY: _exit is async-signal-safe.
            unsafe { libc::_exit(130) }
        }
    }

    #[cfg(unix)]
    pub fn install() {
        // SAFETY: a plain sigaction with a handler that only touches an atomic or exits.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            sa.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(libc::SIGINT, &sa, std::ptr::null_mut());
            libc::sigaction(libc::SIGTERM, &sa, std::ptr::null_mut());
        }
    }

    #[cfg(not(unix))]
    pub fn install() {}
}
