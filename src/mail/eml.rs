//! `tsushin mail eml`: one unsent Outlook draft (`X-Unsent: 1`) per message, for offices where
//! a program may not use SMTP.

use std::path::Path;
use std::process::ExitCode;

use super::{ComposeArgs, PageArgs};
use crate::diag::Diagnostics;

pub fn run(
    _page: &PageArgs,
    _compose: &ComposeArgs,
    _out: &Path,
    diags: &mut Diagnostics,
) -> ExitCode {
    super::unfinished("eml", diags)
}
