//! `tsushin mail`: sends each issue and training announcement to the address book's groups,
//! or writes Outlook drafts, so that no address ever leaks into another recipient's message
//! and no recipient gets a page twice. The PDF attached is the one `build` writes, from
//! the PDF job of the build plan (`site::plan::page_pdf`).
//!
//! - `book`: `recipients.yaml`, the address book (never published).
//! - `message`: composes and leak-checks every message of one page (`compose`: the
//!   templates; `mime`: the wire form; `leak`: the check).
//! - `plan`, `eml`: `mail plan` and `mail eml` (nothing sent).
//! - `send`, `log`: `mail send` over SMTP with the delivery log, and `mail log`;
//!   `deliver` is the sending loop, `smtp` drives one SMTP connection step by step,
//!   `report` prints plans and outcomes.

pub use crate::site::book;
pub mod compose;
pub mod deliver;
pub mod eml;
pub mod leak;
pub mod log;
pub mod message;
pub mod mime;
pub mod outcome;
pub mod plan;
pub mod report;
pub mod send;
pub mod smtp;

use std::path::PathBuf;
use std::process::ExitCode;

use crate::diag::Diagnostics;

/// Which page to mail, and in which site.
#[derive(clap::Args, Debug, Clone)]
pub struct PageArgs {
    /// The page's Markdown file, under content/ (or give --number for an issue).
    #[arg(required_unless_present = "number")]
    pub page: Option<PathBuf>,
    /// The newsletter issue's number (号) instead of PAGE.
    #[arg(long, conflicts_with = "page")]
    pub number: Option<u32>,
    /// The site folder (the one with site.yaml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// What changes the message itself.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ComposeArgs {
    /// Attach nothing; the message carries the page's intranet link only.
    #[arg(long)]
    pub link_only: bool,
    /// The page's PDF changed since it was sent: subject 【訂正】 and a line in the body.
    #[arg(long)]
    pub correction: bool,
}

#[derive(clap::Subcommand, Debug, Clone)]
pub enum MailCommand {
    /// Show what `send` would do (subject, attachments, recipients, domains); send nothing.
    Plan {
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        compose: ComposeArgs,
    },
    /// Write one .eml per message into DIR, as unsent Outlook drafts.
    Eml {
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        compose: ComposeArgs,
        /// The folder to write the drafts to.
        #[arg(long)]
        out: PathBuf,
    },
    /// Send the page to its recipients over SMTP (asks for the number of recipients first).
    Send {
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        compose: ComposeArgs,
        /// Confirm without asking: N must equal the number of recipients.
        #[arg(long, value_name = "N")]
        yes: Option<usize>,
        /// Send the identical message once to ADDRESS, subject 【テスト】; no delivery recorded.
        #[arg(long, value_name = "ADDRESS")]
        test_to: Option<String>,
        /// Also send to recipients whose earlier delivery is uncertain (cut off mid-send).
        #[arg(long)]
        resend_uncertain: bool,
    },
    /// Show who received what, when, and what failed.
    Log {
        /// Only this page (its Markdown file under content/).
        page: Option<PathBuf>,
        /// Only this newsletter issue (号).
        #[arg(long, conflicts_with = "page")]
        number: Option<u32>,
        /// The site folder (the one with site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

impl MailCommand {
    /// The site folder, for printing diagnostics relative to it.
    pub fn root(&self) -> PathBuf {
        match self {
            MailCommand::Plan { page, .. }
            | MailCommand::Eml { page, .. }
            | MailCommand::Send { page, .. } => page.root.clone(),
            MailCommand::Log { root, .. } => root.clone(),
        }
    }
}

/// Runs one `tsushin mail` command; its problems go to `diags`.
pub fn run(command: MailCommand, quiet: bool, diags: &mut Diagnostics) -> ExitCode {
    match command {
        MailCommand::Plan { page, compose } => plan::run(&page, &compose, diags),
        MailCommand::Eml { page, compose, out } => eml::run(&page, &compose, &out, diags),
        MailCommand::Send {
            page,
            compose,
            yes,
            test_to,
            resend_uncertain,
        } => send::run(
            &page,
            &compose,
            &send::SendOptions {
                yes,
                test_to,
                resend_uncertain,
                quiet,
            },
            diags,
        ),
        MailCommand::Log { page, number, root } => {
            report::run_log(&root, page.as_deref(), number, diags)
        }
    }
}
