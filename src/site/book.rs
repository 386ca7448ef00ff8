//! `recipients.yaml`: the address book at the site root. Groups are keyed by the names pages
//! use in `recipients:` (受託法人, 相談支援室, 区役所担当部署); a group may include others. The
//! book is read only by `check`, `build` (for the same checks) and `tsushin mail`: nothing of
//! it is ever published.
//!
//! ```yaml
//! 区役所担当部署:                 # a group: a plain list of members
//!   - {name: 北区 保健福祉課, email: kita-hoken@example.lg.jp}
//! 関係者全員:                     # or members and included groups
//!   include: [区役所担当部署, 相談支援室]
//!   members:
//!     - name: 在宅医療係
//!       email: zaitaku@example.lg.jp
//! ```

mod parse;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_saphyr::Spanned;

use self::parse::{RawBook, RawGroup, RawMember, Scalar};
use crate::config::Config;
use crate::content::{Kind, Page};
use crate::diag::{Diagnostic, Diagnostics, Location};

pub const FILE_NAME: &str = "recipients.yaml";

const MEMBER_EXAMPLE: &str = "- {name: 北区 保健福祉課, email: kita-hoken@example.lg.jp}";

/// One person to mail, reached through `groups` (every group of the request that holds them).
#[derive(Debug, Clone)]
pub struct Recipient {
    pub name: String,
    pub email: lettre::Address,
    pub groups: Vec<String>,
}

/// A person as the book lists them.
#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub email: lettre::Address,
    pub at: Location,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    /// Where the group's name is written.
    pub at: Location,
    pub members: Vec<Member>,
    /// Included groups and where each is written.
    pub include: Vec<(String, Location)>,
}

#[derive(Debug, Clone, Default)]
pub struct AddressBook {
    groups: Vec<Group>,
}

/// A book as read, with every problem found; `parsed` is false when the YAML could not be read
/// at all (then the book is empty and group names cannot be checked against it).
pub struct Checked {
    pub book: AddressBook,
    pub diags: Vec<Diagnostic>,
    pub parsed: bool,
}

impl AddressBook {
    /// Loads `root/recipients.yaml`: `Ok(None)` when the site has no address book; every
    /// problem located at file:line:column.
    pub fn load(root: &Path) -> Result<Option<AddressBook>, Vec<Diagnostic>> {
        match read(root) {
            None => Ok(None),
            Some(c) if c.diags.iter().any(Diagnostic::is_error) => Err(c.diags),
            Some(c) => Ok(Some(c.book)),
        }
    }

    /// Every group, in the order of the file.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// Whether the book has a group of this name.
    pub fn has_group(&self, name: &str) -> bool {
        self.group(name).is_some()
    }

    /// Every person the groups reach (included groups expanded), each once even when in
    /// several groups (addresses compared case-insensitively), in the book's order.
    /// `Err(name)`: a group the book lacks.
    pub fn resolve(&self, groups: &[String]) -> Result<Vec<Recipient>, String> {
        let mut out: Vec<Recipient> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for requested in groups {
            let Some(group) = self.group(requested) else {
                return Err(requested.clone());
            };
            let mut visited = HashSet::new();
            for m in self.expand(group, &mut visited) {
                let key = m.email.to_string().to_lowercase();
                match index.get(&key) {
                    Some(&i) => {
                        if !out[i].groups.contains(requested) {
                            out[i].groups.push(requested.clone());
                        }
                    }
                    None => {
                        index.insert(key, out.len());
                        out.push(Recipient {
                            name: m.name.clone(),
                            email: m.email.clone(),
                            groups: vec![requested.clone()],
                        });
                    }
                }
            }
        }
        Ok(out)
    }

    /// The group's own members, then those of its included groups, each group once.
    fn expand<'a>(&'a self, group: &'a Group, visited: &mut HashSet<&'a str>) -> Vec<&'a Member> {
        if !visited.insert(group.name.as_str()) {
            return Vec::new();
        }
        let mut out: Vec<&Member> = group.members.iter().collect();
        for (name, _) in &group.include {
            if let Some(g) = self.group(name) {
                out.extend(self.expand(g, visited));
            }
        }
        out
    }
}

/// The groups a page goes to: its own `recipients:` or else the site's default
/// (`newsletter.recipients` in site.yaml). Trainings take the same default.
pub fn groups_of(page: &Page, config: &Config) -> Vec<String> {
    let own = match &page.meta.kind {
        Kind::Newsletter(n) => n.recipients.as_slice(),
        Kind::Event(e) => e.recipients.as_slice(),
        Kind::Handout(_) | Kind::Plain => &[],
    };
    if own.is_empty() {
        config.recipients.clone()
    } else {
        own.to_vec()
    }
}

/// Reads and checks `root/recipients.yaml`; `None` when there is none.
pub fn read(root: &Path) -> Option<Checked> {
    let path = root.join(FILE_NAME);
    if std::fs::symlink_metadata(&path).is_err() {
        return None;
    }
    let display = Path::new(FILE_NAME);
    match crate::source::read(&path, display) {
        Ok((source, warning)) => {
            let mut c = parse_text(&source.text, display);
            c.diags.extend(warning);
            Some(c)
        }
        Err(e) => Some(Checked {
            book: AddressBook::default(),
            diags: vec![e],
            parsed: false,
        }),
    }
}

/// Parses and checks the text of an address book shown as `display`.
pub fn parse_text(text: &str, display: &Path) -> Checked {
    let mut diags = Diagnostics::new();
    crate::content::controls::check_yaml(text, display, &mut diags);
    let raw: RawBook = match crate::yaml::parse(text, display, 1) {
        Ok(r) => r,
        Err(e) => {
            diags.push(e);
            return Checked {
                book: AddressBook::default(),
                diags: diags.into_iter().collect(),
                parsed: false,
            };
        }
    };
    let at =
        |l: &serde_saphyr::Location| Location::new(display, l.line() as usize, l.column() as usize);
    if raw.0.is_empty() {
        diags.push(
            Diagnostic::error(Location::file(display), "recipients.yaml has no groups").help(
                format!("write each group's name and its members:\n受託法人:\n  {MEMBER_EXAMPLE}"),
            ),
        );
    }
    let mut groups = Vec::new();
    for (name, raw_group) in raw.0 {
        let name_at = at(&name.referenced);
        let name = name.value.0.trim().to_owned();
        if name.is_empty() {
            diags.push(
                Diagnostic::error(name_at, "a group has an empty name")
                    .help("name the group as pages name it in `recipients:`, e.g. `受託法人:`"),
            );
            continue;
        }
        groups.push(group(name, name_at, raw_group, &at, &mut diags));
    }
    let book = AddressBook { groups };
    check_includes(&book, &mut diags);
    Checked {
        book,
        diags: diags.into_iter().collect(),
        parsed: true,
    }
}

fn group(
    name: String,
    name_at: Location,
    raw: Spanned<RawGroup>,
    at: &impl Fn(&serde_saphyr::Location) -> Location,
    diags: &mut Diagnostics,
) -> Group {
    let value_at = at(&raw.referenced);
    let raw = raw.value;
    if raw.not_a_group {
        diags.push(
            Diagnostic::error(value_at, format!("group `{name}` must be a list of members"))
                .help(format!("write each member on its own line under `{name}:`, e.g.\n{name}:\n  {MEMBER_EXAMPLE}")),
        );
    } else if raw.members.is_empty() && raw.include.is_empty() && raw.unknown.is_empty() {
        diags.push(
            Diagnostic::error(name_at.clone(), format!("group `{name}` has no members"))
                .help(format!("add members (`  {MEMBER_EXAMPLE}`) or `include: [other group]`, or remove the group")),
        );
    }
    for key in &raw.unknown {
        diags.push(unknown_key(key, &["members", "include"], "a group", at));
    }
    let mut members: Vec<Member> = Vec::new();
    // Lower-cased address → where it is first listed in this group.
    let mut seen: HashMap<String, Location> = HashMap::new();
    for m in raw.members {
        let Some(member) = member(m, at, diags) else {
            continue;
        };
        let lower = member.email.to_string().to_lowercase();
        if let Some(first) = seen.get(&lower) {
            diags.push(
                Diagnostic::error(
                    member.at.clone(),
                    format!("`{}` is listed twice in group `{name}`", member.email),
                )
                .help("remove one of the two entries (addresses are compared ignoring upper and lower case)")
                .related(first.clone()),
            );
            continue;
        }
        seen.insert(lower, member.at.clone());
        members.push(member);
    }
    let include = raw
        .include
        .into_iter()
        .map(|(n, l)| (n.trim().to_owned(), at(&l)))
        .collect();
    Group {
        name,
        at: name_at,
        members,
        include,
    }
}

fn unknown_key(
    key: &Spanned<Scalar>,
    known: &[&str],
    what: &str,
    at: &impl Fn(&serde_saphyr::Location) -> Location,
) -> Diagnostic {
    let name = &key.value.0;
    let d = Diagnostic::error(
        at(&key.referenced),
        format!("unknown key `{name}` in {what}"),
    );
    match crate::yaml::suggest(name, known) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help(format!("the keys here are {}", known.join(" and "))),
    }
}

/// One member, checked; `None` when it cannot be mailed.
fn member(
    raw: Spanned<RawMember>,
    at: &impl Fn(&serde_saphyr::Location) -> Location,
    diags: &mut Diagnostics,
) -> Option<Member> {
    let item_at = at(&raw.referenced);
    let raw = raw.value;
    if raw.not_a_map {
        diags.push(
            Diagnostic::error(item_at, "a member must be written as `{name: …, email: …}`")
                .help(format!("write the member as `{MEMBER_EXAMPLE}`")),
        );
        return None;
    }
    for key in &raw.unknown {
        diags.push(unknown_key(key, &["name", "email"], "a member", at));
    }
    let mut ok = raw.unknown.is_empty();
    let name = match &raw.name {
        Some(n) if !n.value.0.trim().is_empty() => n.value.0.trim().to_owned(),
        Some(n) => {
            diags.push(
                Diagnostic::error(at(&n.referenced), "`name` is empty")
                    .help("write the person's or the office's name, e.g. `name: 北区 保健福祉課`"),
            );
            ok = false;
            String::new()
        }
        None => {
            diags.push(
                Diagnostic::error(item_at.clone(), "a member has no `name`")
                    .help(format!("write the member as `{MEMBER_EXAMPLE}`")),
            );
            ok = false;
            String::new()
        }
    };
    let Some(email) = &raw.email else {
        diags.push(
            Diagnostic::error(item_at, "a member has no `email`")
                .help(format!("write the member as `{MEMBER_EXAMPLE}`")),
        );
        return None;
    };
    let email_at = at(&email.referenced);
    let text = email.value.0.trim();
    match crate::config::mail::check_address(text) {
        Ok(address) => ok.then_some(Member {
            name,
            email: address,
            at: email_at,
        }),
        Err(why) => {
            diags.push(
                Diagnostic::error(email_at, format!("`{text}` cannot be used as an address: {why}"))
                    .help("write one address like `kita-hoken@example.lg.jp` (half-width characters, one `@`)"),
            );
            None
        }
    }
}

/// Included groups must exist and may not include themselves, directly or through others.
fn check_includes(book: &AddressBook, diags: &mut Diagnostics) {
    let names: Vec<&str> = book.groups.iter().map(|g| g.name.as_str()).collect();
    for g in &book.groups {
        for (name, at) in &g.include {
            if book.has_group(name) {
                continue;
            }
            let d = Diagnostic::error(
                at.clone(),
                format!(
                    "group `{}` includes `{name}`, which recipients.yaml does not have",
                    g.name
                ),
            );
            diags.push(match crate::yaml::suggest(name, &names) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help(format!(
                    "the groups are {}; add `{name}:` with its members or fix the name",
                    names.join(", ")
                )),
            });
        }
    }
    // Depth-first search; an include that leads back to a group on the path closes a cycle.
    let mut done: HashSet<&str> = HashSet::new();
    for g in &book.groups {
        let mut path = Vec::new();
        find_cycles(book, g, &mut path, &mut done, diags);
    }
}

fn find_cycles<'a>(
    book: &'a AddressBook,
    group: &'a Group,
    path: &mut Vec<&'a str>,
    done: &mut HashSet<&'a str>,
    diags: &mut Diagnostics,
) {
    if done.contains(group.name.as_str()) {
        return;
    }
    path.push(&group.name);
    for (name, at) in &group.include {
        if let Some(start) = path.iter().position(|p| p == name) {
            let mut cycle: Vec<&str> = path[start..].to_vec();
            cycle.push(name);
            diags.push(
                Diagnostic::error(
                    at.clone(),
                    format!("group `{name}` includes itself: {}", cycle.join(" → ")),
                )
                .help(format!(
                    "remove `{name}` from the `include:` of `{}`",
                    group.name
                )),
            );
        } else if let Some(next) = book.group(name) {
            find_cycles(book, next, path, done, diags);
        }
    }
    path.pop();
    done.insert(&group.name);
}

/// The checks `check` and `build` make once a site has an address book: the book itself, and
/// every group named in `recipients:` (pages) and `newsletter.recipients` (site.yaml) exists.
/// An address book under content/ is refused, since files there can be published.
pub fn check_site(
    root: &Path,
    config: &Config,
    pages: &[Page],
    content_files: &[String],
    diags: &mut Diagnostics,
) {
    for f in content_files {
        let file = f.rsplit('/').next().unwrap_or(f).to_lowercase();
        if file == FILE_NAME || file == "recipients.yml" {
            diags.push(
                Diagnostic::error(
                    Location::file(Path::new("content").join(f)),
                    "an address book under content/ could be published with the site",
                )
                .help(format!("move it to the site root as {FILE_NAME} (beside site.yaml), where it is never published")),
            );
        }
    }
    let Some(checked) = read(root) else {
        return;
    };
    diags.extend(checked.diags);
    if !checked.parsed {
        return;
    }
    let names = checked.book.group_names();
    for (name, at) in config.recipients.iter().zip(&config.recipients_at) {
        if !names.contains(name) {
            diags.push(unknown_group(name, at, "newsletter.recipients", &names));
        }
    }
    for page in pages {
        check_page(page, &names, diags);
    }
}

impl AddressBook {
    /// The names of every group, in the order of the file.
    pub fn group_names(&self) -> Vec<String> {
        self.groups.iter().map(|g| g.name.clone()).collect()
    }
}

/// The group names of the site's address book, for checking pages one at a time (`serve`);
/// `None` when the site has no book or it cannot be read (`check_site` reports why).
pub fn group_names(root: &Path) -> Option<Vec<String>> {
    read(root)
        .filter(|c| c.parsed)
        .map(|c| c.book.group_names())
}

/// Every group a page's `recipients:` names must be one of `names` (the book's groups).
pub fn check_page(page: &Page, names: &[String], diags: &mut Diagnostics) {
    let (groups, ats) = match &page.meta.kind {
        Kind::Newsletter(n) => (&n.recipients, &n.recipients_at),
        Kind::Event(e) => (&e.recipients, &e.recipients_at),
        Kind::Handout(_) | Kind::Plain => return,
    };
    for (name, at) in groups.iter().zip(ats) {
        if !names.contains(name) {
            diags.push(unknown_group(name, at, "recipients", names));
        }
    }
}

fn unknown_group(name: &str, at: &Location, key: &str, names: &[String]) -> Diagnostic {
    let d = Diagnostic::error(
        at.clone(),
        format!("`{key}` names the group `{name}`, which recipients.yaml does not have"),
    );
    let known: Vec<&str> = names.iter().map(String::as_str).collect();
    match crate::yaml::suggest(name, &known) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help(format!(
            "use one of the groups of recipients.yaml ({}), or add `{name}:` with its members there",
            known.join(", ")
        )),
    }
}
