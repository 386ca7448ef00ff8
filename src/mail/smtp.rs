//! One SMTP connection for `tsushin mail send`, driven step by step (MAIL, RCPT, DATA, the
//! message) with lettre's synchronous client, so that the delivery log's `sending` record can
//! be written between the recipients being accepted and the message's DATA, and so that a
//! refused recipient, a temporary failure and a connection lost after the message's end are
//! told apart: only the last one leaves the delivery uncertain.

use std::net::IpAddr;
use std::time::Duration;

use lettre::Address;
use lettre::transport::smtp::Error as SmtpError;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt, Rset};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::transport::smtp::response::Response;

use crate::config::mail::{Security, Smtp};

/// How long one read or write on the connection may take.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The result of one step that the server answered, or did not.
#[derive(Debug, Clone)]
pub enum Reply {
    /// 2xx/3xx.
    Ok(String),
    /// 4xx: try again later.
    Temporary(String),
    /// 5xx: do not try again.
    Permanent(String),
    /// The connection broke (or the reply was unreadable): nothing was answered.
    Lost(String),
}

impl Reply {
    fn from(res: Result<Response, SmtpError>) -> Reply {
        match res {
            Ok(r) => Reply::Ok(text(&r)),
            Err(e) if e.is_permanent() => Reply::Permanent(error_text(&e)),
            Err(e) if e.is_transient() => Reply::Temporary(error_text(&e)),
            Err(e) => Reply::Lost(error_text(&e)),
        }
    }
}

/// A server reply as one line (`250 2.0.0 Ok: queued as 4F1`).
fn text(r: &Response) -> String {
    let lines: Vec<&str> = r.message().collect();
    format!("{} {}", r.code(), lines.join(" "))
        .trim()
        .to_string()
}

/// lettre's error text without its "permanent error (550): " prefix.
fn error_text(e: &SmtpError) -> String {
    let s = e.to_string();
    match (e.status(), s.split_once("): ")) {
        (Some(code), Some((_, rest))) => format!("{code} {rest}"),
        _ => s,
    }
}

/// Why no connection could be opened.
#[derive(Debug, Clone)]
pub struct ConnectError {
    pub text: String,
    /// Trying again cannot help (login refused, TLS failed).
    pub lasting: bool,
}

/// The server settings and credentials, and the open connection, if any.
pub struct Client {
    smtp: Smtp,
    credentials: Option<Credentials>,
    conn: Option<SmtpConnection>,
}

impl Client {
    pub fn new(smtp: Smtp, password: Option<String>) -> Client {
        let credentials = match (&smtp.user, password) {
            (Some(user), Some(pw)) => Some(Credentials::new(user.clone(), pw)),
            _ => None,
        };
        Client {
            smtp,
            credentials,
            conn: None,
        }
    }

    /// Connects (TLS and login as the settings say) unless a connection is open. `Err`
    /// says why, and whether trying again can help (not after a refused login or TLS).
    pub fn ensure(&mut self) -> Result<(), ConnectError> {
        if self.conn.as_ref().is_some_and(|c| !c.has_broken()) {
            return Ok(());
        }
        self.conn = None;
        let conn = self.connect().map_err(|e| ConnectError {
            text: format!(
                "cannot connect to {}:{}: {}",
                self.smtp.host,
                self.smtp.port,
                error_text(&e)
            ),
            lasting: e.is_permanent() || e.is_tls() || e.is_client(),
        })?;
        self.conn = Some(conn);
        Ok(())
    }

    fn connect(&self) -> Result<SmtpConnection, SmtpError> {
        let hello = ClientId::default();
        let host = self.smtp.host.as_str();
        let params = || TlsParameters::new(host.to_string());
        let wrapper = match self.smtp.security {
            Security::Tls => Some(params()?),
            _ => None,
        };
        let mut conn = SmtpConnection::connect(
            (host, self.smtp.port),
            Some(TIMEOUT),
            &hello,
            wrapper.as_ref(),
            None,
        )?;
        if self.smtp.security == Security::StartTls {
            conn.starttls(&params()?, &hello)?;
        }
        if let Some(c) = &self.credentials {
            conn.auth(DEFAULT_MECHANISMS, c)?;
        }
        Ok(conn)
    }

    /// Drops the connection (after a failure that left it in an unknown state).
    pub fn drop_connection(&mut self) {
        if let Some(mut c) = self.conn.take() {
            c.abort();
        }
    }

    /// Says goodbye politely at the end.
    pub fn quit(&mut self) {
        if let Some(mut c) = self.conn.take() {
            let _ = c.quit();
        }
    }

    fn conn(&mut self) -> &mut SmtpConnection {
        self.conn.as_mut().expect("connected before use")
    }

    /// MAIL FROM, with 8BITMIME / SMTPUTF8 when the message or an address needs them.
    pub fn mail(&mut self, from: &Address, to: &[Address], bytes: &[u8]) -> Reply {
        let conn = self.conn();
        let mut params = Vec::new();
        let non_ascii =
            !from.to_string().is_ascii() || to.iter().any(|a| !a.to_string().is_ascii());
        if non_ascii && conn.server_info().supports_feature(Extension::SmtpUtfEight) {
            params.push(MailParameter::SmtpUtfEight);
        }
        if !bytes.is_ascii() && conn.server_info().supports_feature(Extension::EightBitMime) {
            params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        self.step(|c| c.command(Mail::new(Some(from.clone()), params)))
    }

    pub fn rcpt(&mut self, to: &Address) -> Reply {
        self.step(|c| c.command(Rcpt::new(to.clone(), vec![])))
    }

    /// Resets the transaction after recipients were all refused.
    pub fn rset(&mut self) -> Reply {
        self.step(|c| c.command(Rset))
    }

    /// The DATA command (before the message: nothing can have been delivered yet).
    pub fn data(&mut self) -> Reply {
        self.step(|c| c.command(Data))
    }

    /// The message and its final dot; `Lost` here means the delivery is uncertain.
    pub fn message(&mut self, bytes: &[u8]) -> Reply {
        self.step(|c| c.message(bytes))
    }

    fn step(
        &mut self,
        f: impl FnOnce(&mut SmtpConnection) -> Result<Response, SmtpError>,
    ) -> Reply {
        let reply = Reply::from(f(self.conn()));
        if matches!(reply, Reply::Lost(_)) {
            self.drop_connection();
        }
        reply
    }
}

/// Whether plain SMTP may go to this host (the machine itself only).
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}
