//! `mail:` in site.yaml: who the newsletter mail comes from and how it is sent. Parsed with
//! the rest of site.yaml so that its mistakes are located and reported with the others.

use crate::diag::Location;

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
