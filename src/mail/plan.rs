//! `tsushin mail plan`: shows what `send` would do and writes nothing.

use std::process::ExitCode;

use super::{ComposeArgs, PageArgs};
use crate::diag::Diagnostics;

pub fn run(_page: &PageArgs, _compose: &ComposeArgs, diags: &mut Diagnostics) -> ExitCode {
    super::unfinished("plan", diags)
}
