//! `.tsushin/mail-log.jsonl`: one line per delivery step (`sending` before DATA, then `sent`
//! or `failed`), flushed and fsynced, so the log always knows who has a page.

use std::path::Path;
use std::process::ExitCode;

use crate::diag::{Diagnostic, Diagnostics};

/// The log's path inside the site.
pub const FILE: &str = ".tsushin/mail-log.jsonl";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    Sent,
    Failed,
    /// A `sending` record without an outcome: the message may or may not have arrived.
    Uncertain,
}

/// The latest outcome for one recipient of one page.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The address, lower-cased.
    pub recipient: String,
    pub pdf_sha256: String,
    pub state: DeliveryState,
    /// When (RFC 3339).
    pub at: String,
    /// The server's reply, when there was one.
    pub reply: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Log {}

impl Log {
    /// Reads the site's log (empty when there is none yet).
    pub fn read(_root: &Path) -> Result<Log, Diagnostic> {
        Ok(Log {})
    }

    /// The latest delivery to each recipient of the page at `page_rel` (path under content/).
    pub fn deliveries(&self, _page_rel: &str) -> Vec<Delivery> {
        Vec::new()
    }
}

pub fn run(
    _root: &Path,
    _page: Option<&Path>,
    _number: Option<u32>,
    diags: &mut Diagnostics,
) -> ExitCode {
    super::unfinished("log", diags)
}
