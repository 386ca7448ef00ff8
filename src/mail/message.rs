//! The messages of one page: subject and body from the theme's mail templates, the PDF that
//! `build` writes (and a training's .ics) attached, one message per recipient (or per Bcc
//! chunk), each parsed back and refused if it names an address other than its own.

use std::path::PathBuf;

use super::book::Recipient;
use super::{ComposeArgs, PageArgs};
use crate::config::mail::MailSettings;
use crate::diag::Diagnostics;

/// An attachment as the recipient sees it.
#[derive(Debug, Clone)]
pub struct AttachmentInfo {
    /// The file name shown to the recipient (`コーディネーター連絡会通信_第5号.pdf`).
    pub name: String,
    /// Its size in the message, after base64.
    pub encoded_len: usize,
}

/// One formatted, leak-checked message and its SMTP envelope.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Envelope recipients: one address in `individual` mode, a chunk in `bcc` mode.
    pub to: Vec<lettre::Address>,
    /// Envelope sender.
    pub from: lettre::Address,
    pub message_id: String,
    /// The message exactly as it goes over the wire (no Bcc header).
    pub bytes: Vec<u8>,
}

/// Everything `plan`, `eml` and `send` need of one page.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub root: PathBuf,
    /// The page's path under content/ (`newsletters/2021-06-vol01.md`): the log's key.
    pub page_rel: String,
    /// SHA-256 (hex) of the page's PDF as `build` writes it.
    pub pdf_sha256: String,
    pub subject: String,
    pub attachments: Vec<AttachmentInfo>,
    /// Everyone the page goes to, each once.
    pub recipients: Vec<Recipient>,
    pub messages: Vec<Outgoing>,
    pub settings: MailSettings,
}

/// What shapes the messages besides the page.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub compose: ComposeArgs,
    /// `send --test-to`: one message to this address, subject 【テスト】.
    pub test_to: Option<lettre::Address>,
}

/// Loads the site, renders the page's PDF with `site::pdfs::render_one` and composes every
/// message; `None` (with located errors in `diags`) when anything is wrong.
pub fn prepare(_page: &PageArgs, _opts: &Options, diags: &mut Diagnostics) -> Option<Prepared> {
    let _ = super::unfinished("plan", diags);
    None
}
