//! What `mail send` and `mail log` print: the short plan before the confirmation, the final
//! report (sent, failed, uncertain, not sent), and a page's delivery history from the log.
//! One line per recipient, starting with its state, so the author (and a script) can read it.

use std::fmt::Write;
use std::path::Path;
use std::process::ExitCode;

use super::log::{Delivery, DeliveryState, Log};
use super::message::Prepared;
use super::outcome::{Final, Kind, Selection};
use crate::diag::{Diagnostic, Diagnostics, Location};

/// A short hash for people.
pub fn short(sha: &str) -> &str {
    &sha[..sha.len().min(12)]
}

/// The plan shown before the author confirms: `mail plan`'s text, then what this run does.
pub fn plan(p: &Prepared, deliveries: &[Delivery], sel: &Selection) -> String {
    let mut s = super::plan::describe(p, deliveries);
    if !sel.already.is_empty() {
        let _ = writeln!(
            s,
            "Already have this PDF: {} (not sent again)",
            sel.already.len()
        );
    }
    for d in &sel.uncertain_kept {
        let _ = writeln!(
            s,
            "uncertain {}  since {}: not sent again (--resend-uncertain sends it)",
            d.recipient,
            local_time(&d.at)
        );
    }
    for r in &sel.uncertain_resent {
        let _ = writeln!(s, "resend    {r}  (uncertain earlier, --resend-uncertain)");
    }
    let _ = writeln!(
        s,
        "This run:    {} recipient(s) in {} message(s)",
        sel.count(),
        sel.jobs.len()
    );
    s
}

/// The report after a run: every recipient of this run with its state, then the counts.
pub fn final_report(p: &Prepared, sel: &Selection, fin: &Final) -> String {
    let mut s = String::new();
    for kind in [Kind::Sent, Kind::Failed, Kind::Uncertain, Kind::NotSent] {
        for (r, reply) in fin.each(kind) {
            let _ = writeln!(s, "{:<9} {r}  {reply}", kind.label());
        }
    }
    for d in &sel.uncertain_kept {
        let _ = writeln!(
            s,
            "{:<9} {}  from an earlier run ({}), not sent again",
            Kind::Uncertain.label(),
            d.recipient,
            local_time(&d.at)
        );
    }
    let _ = writeln!(
        s,
        "Done: {} sent, {} failed, {} uncertain, {} not sent; {} already had this PDF ({}).",
        fin.count(Kind::Sent),
        fin.count(Kind::Failed),
        fin.count(Kind::Uncertain) + sel.uncertain_kept.len(),
        fin.count(Kind::NotSent),
        sel.already.len(),
        p.page_rel
    );
    s
}

/// An RFC 3339 time from the log in the machine's time zone (`2026-12-01 19:23:05`).
pub fn local_time(at: &str) -> String {
    match at.parse::<jiff::Timestamp>() {
        Ok(ts) => ts
            .to_zoned_datetime(jiff::tz::TimeZone::system())
            .strftime("%Y-%m-%d %H:%M:%S")
            .to_string(),
        Err(_) => at.to_string(),
    }
}

/// `mail log`: one page's deliveries, latest state per recipient, and its test messages.
pub fn page_history(log: &Log, page: &str) -> String {
    let mut s = String::new();
    let deliveries = log.deliveries(page);
    let tests = log.tests(page);
    let _ = writeln!(s, "content/{page}");
    if deliveries.is_empty() && tests.is_empty() {
        let _ = writeln!(s, "  never sent");
        return s;
    }
    let subject = log
        .records
        .iter()
        .rev()
        .find(|r| r.page == page && !r.test)
        .and_then(|r| r.subject.clone());
    if let Some(subj) = subject {
        let _ = writeln!(s, "  subject: {subj}");
    }
    let mut hashes: Vec<&str> = Vec::new();
    for d in &deliveries {
        if !hashes.contains(&d.pdf_sha256.as_str()) {
            hashes.push(&d.pdf_sha256);
        }
    }
    for d in &deliveries {
        let version = if hashes.len() > 1 {
            format!("  PDF {}", short(&d.pdf_sha256))
        } else {
            String::new()
        };
        let note = match d.state {
            DeliveryState::Uncertain => {
                "cut off before the server answered: may or may not have arrived".to_string()
            }
            _ => d.reply.clone().unwrap_or_default(),
        };
        let _ = writeln!(
            s,
            "  {:<9} {}  {}{}  {}",
            d.state.label(),
            local_time(&d.at),
            d.recipient,
            version,
            note
        );
    }
    for t in tests {
        let _ = writeln!(
            s,
            "  test      {}  {}  {}",
            local_time(&t.at),
            t.recipients.join(", "),
            t.reply.clone().unwrap_or_default()
        );
    }
    let count = |st: DeliveryState| deliveries.iter().filter(|d| d.state == st).count();
    let _ = writeln!(
        s,
        "  {} sent, {} failed, {} uncertain",
        count(DeliveryState::Sent),
        count(DeliveryState::Failed),
        count(DeliveryState::Uncertain)
    );
    s
}

/// `tsushin mail log [PAGE]`: who received what, when, what failed and what is uncertain.
pub fn run_log(
    root: &Path,
    page: Option<&Path>,
    number: Option<u32>,
    diags: &mut Diagnostics,
) -> ExitCode {
    let log = match super::log::Log::read(root) {
        Ok(l) => l,
        Err(e) => {
            diags.push(e);
            return ExitCode::from(1);
        }
    };
    diags.extend(log.warnings.iter().cloned());
    let pages = match (page, number) {
        (Some(p), _) => vec![super::log::page_key(root, p)],
        (None, Some(n)) => match page_of_number(root, n, diags) {
            Some(rel) => vec![rel],
            None => return ExitCode::from(1),
        },
        (None, None) => log.pages(),
    };
    if pages.is_empty() {
        println!("No mail has been sent from this site yet.");
        return ExitCode::SUCCESS;
    }
    for (i, p) in pages.iter().enumerate() {
        if i > 0 {
            println!();
        }
        print!("{}", page_history(&log, p));
    }
    ExitCode::SUCCESS
}

/// The page of newsletter issue `number` (号).
fn page_of_number(root: &Path, number: u32, diags: &mut Diagnostics) -> Option<String> {
    let site = crate::site::load(root, true, diags)?;
    let found = site
        .pages
        .iter()
        .find(|p| p.newsletter().is_some_and(|n| n.number == number));
    match found {
        Some(p) => Some(p.rel.clone()),
        None => {
            diags.push(
                Diagnostic::error(
                    Location::file("content/newsletters"),
                    format!("no newsletter issue has number {number} (第{number}号)"),
                )
                .help("give the page's Markdown file instead, or check the issue's `number:`"),
            );
            None
        }
    }
}
