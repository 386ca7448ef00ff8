//! `tsushin mail send`: delivers the prepared messages over SMTP, writing the delivery log
//! before and after each one, so a rerun never sends twice and never skips anyone.

use std::process::ExitCode;

use super::{ComposeArgs, PageArgs};
use crate::diag::Diagnostics;

/// The options of `send` that do not change the message.
#[derive(Debug, Clone, Default)]
pub struct SendOptions {
    pub yes: Option<usize>,
    pub test_to: Option<String>,
    pub resend_uncertain: bool,
    pub quiet: bool,
}

pub fn run(
    _page: &PageArgs,
    _compose: &ComposeArgs,
    _opts: &SendOptions,
    diags: &mut Diagnostics,
) -> ExitCode {
    super::unfinished("send", diags)
}
