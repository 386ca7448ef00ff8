//! `tsushin mail plan`: shows what `send` would do (subject, attachments, recipients per
//! group, domains, messages, who already has the page) and writes nothing.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::process::ExitCode;

use super::log::{Delivery, DeliveryState, Log};
use super::message::{self, Options, Prepared};
use super::{ComposeArgs, PageArgs};
use crate::config::mail::Mode;
use crate::diag::Diagnostics;

pub fn run(page: &PageArgs, compose: &ComposeArgs, diags: &mut Diagnostics) -> ExitCode {
    let opts = Options {
        compose: compose.clone(),
        test_to: None,
    };
    let Some(prepared) = message::prepare(page, &opts, diags) else {
        return ExitCode::from(1);
    };
    let log = match Log::read(&prepared.root) {
        Ok(l) => l,
        Err(e) => {
            diags.push(e);
            return ExitCode::from(1);
        }
    };
    print!(
        "{}",
        describe(&prepared, &log.deliveries(&prepared.page_rel))
    );
    ExitCode::SUCCESS
}

/// Whether `domain` is one of `internal` or below one of them (case-insensitive).
pub fn is_internal(domain: &str, internal: &[String]) -> bool {
    let domain = domain.to_lowercase();
    internal.iter().any(|d| {
        let d = d.trim().trim_start_matches('@').to_lowercase();
        domain == d || domain.ends_with(&format!(".{d}"))
    })
}

fn kb(bytes: usize) -> String {
    format!("{} KB", bytes.div_ceil(1024))
}

/// The plan as printed: plain text, one fact a line.
pub fn describe(p: &Prepared, deliveries: &[Delivery]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Page:        content/{}", p.page_rel);
    let _ = writeln!(out, "Subject:     {}", p.subject);
    if p.attachments.is_empty() {
        let _ = writeln!(
            out,
            "Attachments: none (--link-only: the intranet link only)"
        );
    }
    for (i, a) in p.attachments.iter().enumerate() {
        let label = if i == 0 { "Attachments:" } else { "" };
        let _ = writeln!(
            out,
            "{label:<12} {} ({} after base64)",
            a.name,
            kb(a.encoded_len)
        );
    }
    let largest = p.messages.iter().map(|m| m.bytes.len()).max().unwrap_or(0);
    let _ = writeln!(
        out,
        "Message size: {} (limit {} KB)",
        kb(largest),
        p.settings.max_message_kb
    );
    let _ = writeln!(
        out,
        "Recipients:  {} (each gets one copy)",
        p.recipients.len()
    );
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for r in &p.recipients {
        for g in &r.groups {
            match groups.iter_mut().find(|(name, _)| name == g) {
                Some((_, n)) => *n += 1,
                None => groups.push((g, 1)),
            }
        }
    }
    for (g, n) in groups {
        let _ = writeln!(out, "  {g}: {n}");
    }
    let mut domains: BTreeMap<String, usize> = BTreeMap::new();
    for r in &p.recipients {
        *domains.entry(r.email.domain().to_lowercase()).or_default() += 1;
    }
    let _ = writeln!(out, "Domains:");
    for (d, n) in &domains {
        let flag = if is_internal(d, &p.settings.internal_domains) {
            ""
        } else {
            "  外部"
        };
        let _ = writeln!(out, "  {d}: {n}{flag}");
    }
    let how = match p.settings.mode {
        Mode::Individual => "one per recipient, only their own address in To".to_owned(),
        Mode::Bcc { chunk } => {
            format!("bcc: To the sender, recipients only in the envelope, up to {chunk} a message")
        }
    };
    let _ = writeln!(out, "Messages:    {} ({how})", p.messages.len());
    describe_deliveries(&mut out, p, deliveries);
    out
}

fn describe_deliveries(out: &mut String, p: &Prepared, deliveries: &[Delivery]) {
    if deliveries.is_empty() {
        let _ = writeln!(
            out,
            "Already received: nobody (no delivery of this page in the log)"
        );
        return;
    }
    let sent = deliveries
        .iter()
        .filter(|d| d.state == DeliveryState::Sent)
        .count();
    let _ = writeln!(out, "Already received: {sent}");
    for d in deliveries {
        let state = match d.state {
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
            DeliveryState::Uncertain => "uncertain",
        };
        let older = if d.pdf_sha256 == p.pdf_sha256 {
            ""
        } else {
            " (an earlier PDF)"
        };
        let _ = writeln!(out, "  {} {state} {}{older}", d.recipient, d.at);
    }
}
