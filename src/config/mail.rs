//! `mail:` in site.yaml: who the newsletter mail comes from and how it is sent. Parsed with
//! the rest of site.yaml so that its mistakes are located and reported with the others.

use std::path::Path;

use serde_saphyr::Spanned;

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::yaml::Node;

/// How recipients appear in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// One message per recipient, with only that address in To (the default).
    Individual,
    /// To: the sender; recipients only in the SMTP envelope, `chunk` at a time.
    Bcc { chunk: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    StartTls,
    Tls,
    /// Plain SMTP: allowed only to a loopback host.
    None,
}

#[derive(Debug, Clone)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// Login name; the password comes from `TSUSHIN_SMTP_PASSWORD` or a hidden prompt.
    pub user: Option<String>,
}

/// A display name and an address, as written in site.yaml (`"在宅医療係 <zaitaku@example.lg.jp>"`).
#[derive(Debug, Clone)]
pub struct MailAddress {
    pub name: Option<String>,
    pub email: String,
}

#[derive(Debug, Clone)]
pub struct MailSettings {
    pub from: MailAddress,
    pub reply_to: Option<MailAddress>,
    /// Multi-line signature, appended to every body as written.
    pub signature: String,
    /// Domains counted as inside the city's network; others are flagged 外部 in the plan.
    pub internal_domains: Vec<String>,
    /// Largest message, measured after base64 encoding, in KB (default 5000).
    pub max_message_kb: u64,
    /// Messages per minute at most; `None`: as fast as the server takes them.
    pub rate_per_minute: Option<u32>,
    pub mode: Mode,
    pub smtp: Option<Smtp>,
    /// Where `mail:` is written, for errors about the section as a whole.
    pub at: Location,
}

/// The `mail:` section as written; every value keeps its position for the errors.
#[derive(serde::Deserialize, Default)]
pub(super) struct RawMail {
    from: Option<Spanned<String>>,
    reply_to: Option<Spanned<String>>,
    signature: Option<String>,
    internal_domains: Option<Vec<Spanned<String>>>,
    max_message_kb: Option<Spanned<i64>>,
    rate_per_minute: Option<Spanned<i64>>,
    mode: Option<Spanned<String>>,
    bcc_chunk: Option<Spanned<i64>>,
    smtp: Option<Spanned<RawSmtp>>,
}

#[derive(serde::Deserialize, Default)]
struct RawSmtp {
    host: Option<Spanned<String>>,
    port: Option<Spanned<i64>>,
    security: Option<Spanned<String>>,
    user: Option<String>,
}

/// The keys `mail:` and `mail.smtp` accept, for the unknown-key warnings of site.yaml.
pub(super) const MAIL_KEYS: &[&str] = &[
    "from",
    "reply_to",
    "signature",
    "internal_domains",
    "max_message_kb",
    "rate_per_minute",
    "mode",
    "bcc_chunk",
    "smtp",
];
pub(super) const SMTP_KEYS: &[&str] = &["host", "port", "security", "user"];

pub const DEFAULT_MAX_MESSAGE_KB: u64 = 5000;
pub const DEFAULT_BCC_CHUNK: usize = 50;
/// The environment variable the SMTP password is read from (else a hidden prompt asks).
pub const PASSWORD_VARIABLE: &str = "TSUSHIN_SMTP_PASSWORD";

const FROM_EXAMPLE: &str = "from: \"在宅医療係 <zaitaku@example.lg.jp>\"";

/// Parses `text` as `Name <address>` or a bare address, with lettre's `Mailbox`.
pub fn parse_mailbox(text: &str) -> Result<MailAddress, String> {
    let t = text.trim();
    // The address alone first, for a reason an author can act on (全角, two addresses…).
    let addr = t
        .strip_suffix('>')
        .and_then(|s| s.rsplit_once('<'))
        .map_or(t, |(_, a)| a.trim());
    check_address(addr)?;
    let mailbox: lettre::message::Mailbox = t.parse().map_err(|_| {
        "it is neither `名前 <address>` nor an address alone (quote a name that holds `<`, `>`, `,` or `\"`)".to_owned()
    })?;
    Ok(MailAddress {
        name: mailbox.name.filter(|n| !n.trim().is_empty()),
        email: mailbox.email.to_string(),
    })
}

/// Parses one bare address with lettre, with a reason an author can act on.
pub fn check_address(addr: &str) -> Result<lettre::Address, String> {
    if addr.is_empty() {
        return Err("the address is empty".into());
    }
    if addr
        .chars()
        .any(|c| ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}')
    {
        return Err("it contains full-width (全角) characters; write the address in half-width (半角) characters".into());
    }
    if addr.contains([',', ';', ' ']) {
        return Err("it holds more than one address or a space; write one address".into());
    }
    addr.parse::<lettre::Address>()
        .map_err(|e| format!("it is not a valid e-mail address ({e})"))
}

/// Whether `host` is this machine: `localhost`, 127.0.0.0/8 or ::1.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim().trim_end_matches('.');
    if h.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let ip = h
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(h);
    ip.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// Errors about `mail:` go here: positions in site.yaml.
struct Ctx<'a> {
    file: &'a Path,
    diags: &'a mut Diagnostics,
    ok: bool,
}

impl Ctx<'_> {
    fn at(&self, l: &serde_saphyr::Location) -> Location {
        Location::new(self.file, l.line() as usize, l.column() as usize)
    }

    fn error(&mut self, at: Location, message: impl Into<String>, help: impl Into<String>) {
        self.diags.push(Diagnostic::error(at, message).help(help));
        self.ok = false;
    }

    /// A whole number in `range`, or an error at the value.
    fn number(
        &mut self,
        v: &Option<Spanned<i64>>,
        key: &str,
        range: std::ops::RangeInclusive<i64>,
        help: &str,
    ) -> Option<i64> {
        let v = v.as_ref()?;
        if range.contains(&v.value) {
            return Some(v.value);
        }
        let at = self.at(&v.referenced);
        self.error(
            at,
            format!(
                "`{key}: {}` is out of range ({} to {})",
                v.value,
                range.start(),
                range.end()
            ),
            help,
        );
        None
    }

    fn mailbox(&mut self, v: &Spanned<String>, key: &str) -> Option<MailAddress> {
        match parse_mailbox(&v.value) {
            Ok(m) => Some(m),
            Err(why) => {
                let at = self.at(&v.referenced);
                self.error(
                    at,
                    format!("`{key}` is not a usable address: {why}"),
                    format!("write `{key}` as `名前 <address>` or as an address alone, e.g. {FROM_EXAMPLE}"),
                );
                None
            }
        }
    }
}

/// Checks the `mail:` section (written at `at`) and turns it into settings; `None` after an
/// error (reported in `diags`).
pub(super) fn settings(
    raw: RawMail,
    at: Location,
    file: &Path,
    diags: &mut Diagnostics,
) -> Option<MailSettings> {
    let mut cx = Ctx {
        file,
        diags,
        ok: true,
    };
    let from = match &raw.from {
        Some(f) => cx.mailbox(f, "from"),
        None => {
            cx.error(
                at.clone(),
                "`mail:` has no `from` (the sender of every message)",
                format!("add under `mail:` a line like `  {FROM_EXAMPLE}`"),
            );
            None
        }
    };
    let reply_to = raw
        .reply_to
        .as_ref()
        .and_then(|r| cx.mailbox(r, "reply_to"));
    let internal_domains = domains(raw.internal_domains.unwrap_or_default(), &mut cx);
    let max_message_kb = cx
        .number(
            &raw.max_message_kb,
            "max_message_kb",
            1..=1_000_000,
            "give the largest message in KB, e.g. `max_message_kb: 5000` (about 5 MB after base64)",
        )
        .map_or(DEFAULT_MAX_MESSAGE_KB, |n| n as u64);
    let rate_per_minute = cx
        .number(
            &raw.rate_per_minute,
            "rate_per_minute",
            1..=10_000,
            "give how many messages a minute the server accepts, e.g. `rate_per_minute: 30`",
        )
        .map(|n| n as u32);
    let chunk = cx
        .number(
            &raw.bcc_chunk,
            "bcc_chunk",
            1..=1000,
            "give how many recipients one Bcc message may carry, e.g. `bcc_chunk: 50`",
        )
        .map_or(DEFAULT_BCC_CHUNK, |n| n as usize);
    let mode = match raw.mode.as_ref().map(|m| (m, m.value.trim())) {
        None | Some((_, "individual")) => {
            if let Some(c) = &raw.bcc_chunk {
                let at = cx.at(&c.referenced);
                cx.diags.push(
                    Diagnostic::warning(
                        at,
                        "`bcc_chunk` is used only with `mode: bcc`; it is ignored",
                    )
                    .help("remove `bcc_chunk`, or set `mode: bcc`"),
                );
            }
            Mode::Individual
        }
        Some((_, "bcc")) => Mode::Bcc { chunk },
        Some((m, other)) => {
            let at = cx.at(&m.referenced);
            cx.error(
                at,
                format!("unknown mode `{other}`"),
                "use `individual` (one message per recipient, only that address in To; the default) or `bcc` (To: the sender, recipients in the envelope only)",
            );
            Mode::Individual
        }
    };
    let smtp = raw.smtp.and_then(|s| smtp(s, &mut cx));
    let (ok, from) = (cx.ok, from?);
    ok.then(|| MailSettings {
        from,
        reply_to,
        signature: raw.signature.unwrap_or_default(),
        internal_domains,
        max_message_kb,
        rate_per_minute,
        mode,
        smtp,
        at,
    })
}

fn domains(raw: Vec<Spanned<String>>, cx: &mut Ctx) -> Vec<String> {
    let mut out = Vec::new();
    for d in raw {
        let domain = d.value.trim().trim_start_matches('@').to_ascii_lowercase();
        let valid = !domain.is_empty()
            && check_address(&format!("x@{domain}")).is_ok()
            && !domain.contains(['@', '[']);
        if valid {
            out.push(domain);
        } else {
            let at = cx.at(&d.referenced);
            cx.error(
                at,
                format!("`{}` is not a mail domain", d.value),
                "list the domains of the city's own network, e.g. `internal_domains: [city.example.lg.jp]`",
            );
        }
    }
    out
}

fn smtp(raw: Spanned<RawSmtp>, cx: &mut Ctx) -> Option<Smtp> {
    let smtp_at = cx.at(&raw.referenced);
    let raw = raw.value;
    let security = match raw.security.as_ref().map(|s| (s, s.value.trim())) {
        None | Some((_, "starttls")) => Security::StartTls,
        Some((_, "tls")) => Security::Tls,
        Some((_, "none")) => Security::None,
        Some((s, other)) => {
            let at = cx.at(&s.referenced);
            cx.error(
                at,
                format!("unknown security `{other}`"),
                "use `starttls` (port 587, the default), `tls` (port 465) or `none` (only to a server on this machine)",
            );
            return None;
        }
    };
    let Some(host) = raw.host.filter(|h| !h.value.trim().is_empty()) else {
        cx.error(
            smtp_at,
            "`smtp:` has no `host` (the mail server)",
            "add `host: smtp.example.lg.jp` under `smtp:` (ask the information systems section for the server's name)",
        );
        return None;
    };
    let host_name = host.value.trim().to_owned();
    if security == Security::None && !is_loopback(&host_name) {
        let at = raw
            .security
            .as_ref()
            .map_or_else(|| cx.at(&host.referenced), |s| cx.at(&s.referenced));
        cx.error(
            at,
            format!("`security: none` would send the password and every address unencrypted to `{host_name}`"),
            "plain SMTP is allowed only to a server on this machine (localhost, 127.0.0.1, ::1); use `security: starttls` (port 587) or `security: tls` (port 465)",
        );
        return None;
    }
    let default_port = match security {
        Security::StartTls => 587,
        Security::Tls => 465,
        Security::None => 25,
    };
    let port = cx
        .number(
            &raw.port,
            "port",
            1..=65535,
            "give the server's port, e.g. `port: 587` for starttls",
        )
        .map_or(default_port, |p| p as u16);
    let user = raw
        .user
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty());
    Some(Smtp {
        host: host_name,
        port,
        security,
        user,
    })
}

/// Whether a key names a password (`password`, `smtp_password`, `passwd`, `pwd` …).
fn is_password_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains("pass") || k.contains("pwd")
}

/// A password written anywhere under `mail:` (the section's `node`) is an error: site files are
/// copied, shared and committed, so the password comes from the environment or a prompt only.
/// Returns where the refused keys are, so that no unknown-key warning repeats them.
pub(super) fn refuse_passwords(node: &Node, file: &Path, diags: &mut Diagnostics) -> Vec<Location> {
    let mut found = Vec::new();
    walk_passwords(node, file, diags, &mut found);
    found
}

fn walk_passwords(node: &Node, file: &Path, diags: &mut Diagnostics, found: &mut Vec<Location>) {
    match node {
        Node::Map(entries) => {
            for (key, value) in entries {
                if is_password_key(&key.value) {
                    let at = Location::new(
                        file,
                        key.referenced.line() as usize,
                        key.referenced.column() as usize,
                    );
                    found.push(at.clone());
                    diags.push(
                        Diagnostic::error(
                            at,
                            format!("`{}`: a password may not be written in site.yaml", key.value),
                        )
                        .help(format!(
                            "remove this line; tsushin reads the SMTP password from the environment variable {PASSWORD_VARIABLE} or asks for it when sending"
                        )),
                    );
                }
                walk_passwords(value, file, diags, found);
            }
        }
        Node::Seq(items) => {
            for i in items {
                walk_passwords(i, file, diags, found);
            }
        }
        Node::Scalar => {}
    }
}
