//! The front matter of a newsletter issue (通信): `number` (第N号), `author`, `recipients`.

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::Reader;
use super::text::Names;
use crate::diag::{Diagnostic, Diagnostics, Location};

#[derive(Debug, Clone)]
pub struct Newsletter {
    pub number: u32,
    /// Where `number` was written, for the duplicate-number error.
    pub number_at: Location,
    pub author: Option<String>,
    /// Empty means the site's default recipients.
    pub recipients: Vec<String>,
    /// Where each of `recipients` is written, for the unknown-group error of `check`.
    pub recipients_at: Vec<Location>,
}

#[derive(Deserialize)]
struct Raw {
    number: Option<Spanned<i64>>,
    author: Option<String>,
    recipients: Option<Spanned<Names>>,
}

/// The issue's own keys; `dated`: whether the common `date` (発行日) was written.
pub(super) fn parse(r: &Reader, dated: bool, diags: &mut Diagnostics) -> Option<Newsletter> {
    let raw: Raw = r.typed(diags)?;
    let number = match raw.number {
        Some(n) if (1..=9999).contains(&n.value) => Some((n.value as u32, r.at(&n.referenced))),
        Some(n) => {
            diags.push(
                Diagnostic::error(
                    r.at(&n.referenced),
                    format!("issue number {} is out of range", n.value),
                )
                .help("issue numbers start at 1: `number: 1` is 第１号"),
            );
            None
        }
        None => {
            diags.push(
                Diagnostic::error(r.top(), "missing `number` (the issue number, 号)")
                    .help("add `number: 1` for 第１号; numbers must be unique"),
            );
            None
        }
    };
    if !dated {
        diags.push(
            Diagnostic::error(r.top(), "missing `date` (the 発行日 of the issue)")
                .help("add `date: 2021-06-30`"),
        );
    }
    let (number, number_at) = number?;
    let (recipients, recipients_at) = r.names(raw.recipients);
    dated.then_some(Newsletter {
        number,
        number_at,
        author: raw.author,
        recipients,
        recipients_at,
    })
}
