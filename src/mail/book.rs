//! `recipients.yaml`: the address book at the site root. Groups are keyed by the names pages
//! use in `recipients:` (受託法人, 相談支援室, 区役所担当部署); a group may include others. The
//! book is read only by `check` and `tsushin mail`: nothing of it is ever published.

use std::path::Path;

use crate::diag::Diagnostic;

pub const FILE_NAME: &str = "recipients.yaml";

/// One person to mail, reached through `groups` (every group of the request that holds them).
#[derive(Debug, Clone)]
pub struct Recipient {
    pub name: String,
    pub email: lettre::Address,
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AddressBook {}

impl AddressBook {
    /// Loads `root/recipients.yaml`: `Ok(None)` when the site has no address book; every
    /// problem located at file:line:column.
    pub fn load(_root: &Path) -> Result<Option<AddressBook>, Vec<Diagnostic>> {
        Ok(None)
    }

    /// Whether the book has a group of this name.
    pub fn has_group(&self, _name: &str) -> bool {
        false
    }

    /// Every person the groups reach (included groups expanded), each once even when in
    /// several groups (addresses compared case-insensitively), in the book's order.
    /// `Err(name)`: a group the book lacks.
    pub fn resolve(&self, groups: &[String]) -> Result<Vec<Recipient>, String> {
        match groups.first() {
            Some(g) => Err(g.clone()),
            None => Ok(Vec::new()),
        }
    }
}

/// The groups a page goes to: its own `recipients:` or else the site's default
/// (`newsletter.recipients` in site.yaml).
pub fn groups_of(page: &crate::content::Page, config: &crate::config::Config) -> Vec<String> {
    match page.newsletter() {
        Some(n) if !n.recipients.is_empty() => n.recipients.clone(),
        _ => config.recipients.clone(),
    }
}
