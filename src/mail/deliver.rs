//! The sending loop of `tsushin mail send`: each message's MAIL and RCPT, then a `sending`
//! record (fsynced), then DATA and the message, then `sent` with the server's reply or
//! `failed`. A refused recipient is `failed` and certainly did not get it; a temporary failure
//! (4xx, a connection lost before the message went) is retried with back-off after
//! reconnecting; a connection lost after the message's end but before the reply leaves the
//! `sending` record alone, so that recipient is uncertain. Ctrl-C and SIGTERM stop between
//! messages.

use std::time::{Duration, Instant};

use lettre::Address;

use super::log::{Record, Step, Writer};
use super::message::{Outgoing, Prepared};
use super::outcome::{Final, Job, Kind, key};
use super::smtp::{Client, Reply};
use crate::diag::Diagnostic;

/// Tries per message for temporary failures (4xx, a connection that cannot be opened or
/// was lost before the message went).
pub const TRIES: u32 = 4;

/// Wait before try `n + 1`.
fn backoff(n: u32) -> Duration {
    Duration::from_secs(3u64.pow(n.saturating_sub(1)))
}

/// Why the sending loop stopped early.
pub enum Stop {
    Interrupted,
    Log(Diagnostic),
    Connection(String),
}

pub struct Sender<'a> {
    prepared: &'a Prepared,
    client: Client,
    writer: &'a mut Writer,
    fin: Final,
    quiet: bool,
    done: usize,
    total: usize,
}

impl<'a> Sender<'a> {
    /// `total`: how many recipients this run sends to (for the progress lines).
    pub fn new(
        prepared: &'a Prepared,
        client: Client,
        writer: &'a mut Writer,
        quiet: bool,
        total: usize,
    ) -> Sender<'a> {
        Sender {
            prepared,
            client,
            writer,
            fin: Final::default(),
            quiet,
            done: 0,
            total,
        }
    }

    /// Says goodbye to the server; what happened to each recipient.
    pub fn finish(mut self) -> Final {
        self.client.quit();
        self.fin
    }

    pub fn send_all(&mut self, jobs: &[Job]) {
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
                    retry.append(&mut accepted);
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
    pub fn test_once(&mut self, msg: &Outgoing) -> (Kind, String) {
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
pub mod interrupt {
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
