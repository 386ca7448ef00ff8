//! YAML for front matter and site.yaml: typed parsing with positions in the *enclosing* file,
//! and a check of every key against the keys a place accepts (unknown keys are warnings with a
//! did-you-mean, because a typo like `vneue:` should not silently drop the venue).

use std::fmt;
use std::path::Path;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::diag::{Diagnostic, Diagnostics, Location};

/// Parses `text`, whose first line is line `first_line` of `file`.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: usize,
) -> Result<T, Diagnostic> {
    serde_saphyr::from_str(text).map_err(|e| error_at(&e, file, first_line))
}

/// Converts a serde-saphyr error to a located diagnostic.
pub fn error_at(e: &serde_saphyr::Error, file: &Path, first_line: usize) -> Diagnostic {
    let (line, column) = e
        .location()
        .map(|l| (l.line() as usize, l.column() as usize))
        .unwrap_or((1, 1));
    let raw = first_line_of(&e.without_snippet().to_string());
    let loc = Location::new(file, line + first_line - 1, column);
    if let Some(key) = raw.strip_prefix("duplicate mapping key: ") {
        let key = key.split(',').next().unwrap_or(key).trim();
        return Diagnostic::error(loc, format!("the key `{key}` is written twice"))
            .help(format!("keep only one `{key}:` line"));
    }
    if raw.contains("budget") || raw.contains("alias") {
        return Diagnostic::error(
            loc,
            "the YAML expands to too much data (too many aliases or values)",
        )
        .help("remove YAML anchors and aliases (& and *): front matter does not need them");
    }
    Diagnostic::error(loc, format!("invalid YAML: {raw}")).help(
        "check the indentation and that each line is `key: value`; quote values that contain `: ` or start with `[`, `{`, `*`, `&`, `#`",
    )
}

fn first_line_of(s: &str) -> String {
    let line = s.lines().next().unwrap_or("").trim();
    // serde-saphyr appends "at line X column Y", which would contradict our shifted position.
    match line.find(" at line ") {
        Some(i) => line[..i].to_owned(),
        None => line.to_owned(),
    }
}

/// A YAML value with the position of every map key, for checking keys at any depth.
#[derive(Debug)]
pub enum Node {
    Map(Vec<(Spanned<String>, Node)>),
    Seq(Vec<Node>),
    Scalar,
}

impl<'de> serde::Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize_inner(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<KeyString>>()? {
            let value = map.next_value::<Node>()?;
            let key = Spanned::new(key.value.0, key.referenced, key.defined);
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

impl Node {
    fn deserialize_inner<'de, D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

/// A map key of any scalar type, kept as text (`2021: x` has the key "2021").
struct KeyString(String);

impl<'de> serde::Deserialize<'de> for KeyString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyString;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyString, E> {
                Ok(KeyString(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<KeyString, E> {
                Ok(KeyString(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<KeyString, E> {
                Ok(KeyString(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<KeyString, E> {
                Ok(KeyString(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<KeyString, E> {
                Ok(KeyString(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<KeyString, E> {
                Ok(KeyString(String::new()))
            }
        }
        d.deserialize_any(V)
    }
}

impl Node {
    /// The top-level key written on or before `line` (1-based, in this YAML), i.e. the key whose
    /// value contains that line; used to name the key of a type error.
    pub fn key_for_line(&self, line: usize) -> Option<&str> {
        let Node::Map(entries) = self else {
            return None;
        };
        entries
            .iter()
            .filter(|(k, _)| k.referenced.line() as usize <= line)
            .max_by_key(|(k, _)| k.referenced.line())
            .map(|(k, _)| k.value.as_str())
    }

    /// Where the top-level `key` is written, if it is.
    pub fn key_location(&self, key: &str) -> Option<(usize, usize)> {
        let Node::Map(entries) = self else {
            return None;
        };
        entries
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(k, _)| (k.referenced.line() as usize, k.referenced.column() as usize))
    }
}

/// What keys a place in a YAML document accepts: `("", [...])` for the top level,
/// `("sessions[]", [...])` for each item of the `sessions` list, `("newsletter", [...])` for a map.
pub type Schema<'a> = &'a [(&'a str, &'a [&'a str])];

/// Warns about every key the schema does not know, with a suggestion when one is close.
pub fn check_keys(
    node: &Node,
    schema: Schema,
    file: &Path,
    first_line: usize,
    what: &str,
    diags: &mut Diagnostics,
) {
    walk(node, "", schema, file, first_line, what, diags);
}

fn walk(
    node: &Node,
    path: &str,
    schema: Schema,
    file: &Path,
    first_line: usize,
    what: &str,
    diags: &mut Diagnostics,
) {
    match node {
        Node::Map(entries) => {
            let Some((_, known)) = schema.iter().find(|(p, _)| *p == path) else {
                return;
            };
            for (key, value) in entries {
                let name = key.value.as_str();
                if known.contains(&name) {
                    let child = if path.is_empty() {
                        name.to_owned()
                    } else {
                        format!("{path}.{name}")
                    };
                    walk(value, &child, schema, file, first_line, what, diags);
                    continue;
                }
                let loc = Location::new(
                    file,
                    key.referenced.line() as usize + first_line - 1,
                    key.referenced.column() as usize,
                );
                let mut d = Diagnostic::warning(
                    loc,
                    format!("unknown key `{name}` in {what}; it is ignored"),
                );
                d = match suggest(name, known) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!("known keys here: {}", known.join(", "))),
                };
                diags.push(d);
            }
        }
        Node::Seq(items) => {
            let child = format!("{path}[]");
            for item in items {
                walk(item, &child, schema, file, first_line, what, diags);
            }
        }
        Node::Scalar => {}
    }
}

/// The closest known name, if it is close enough to be a typo.
pub fn suggest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(name, k), *k))
        .filter(|(score, _)| *score > 0.8)
        // On a tie the first name in sort order, whatever order `known` came in (a map's).
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: Schema = &[
        ("", &["title", "sessions"]),
        ("sessions[]", &["start", "end"]),
    ];

    #[test]
    fn a_tie_gives_the_same_suggestion_in_any_order() {
        let a = suggest("2021-06-vol0.md", &["2021-06-vol02.md", "2021-06-vol01.md"]);
        let b = suggest("2021-06-vol0.md", &["2021-06-vol01.md", "2021-06-vol02.md"]);
        assert_eq!(a, Some("2021-06-vol01.md"));
        assert_eq!(a, b);
    }

    #[test]
    fn unknown_keys_are_located_at_any_depth() {
        let yaml = "title: x\ntilte: y\nsessions:\n  - start: a\n    ends: b\n";
        let node: Node = parse(yaml, Path::new("a.md"), 2).unwrap();
        let mut diags = Diagnostics::new();
        check_keys(
            &node,
            SCHEMA,
            Path::new("a.md"),
            2,
            "front matter",
            &mut diags,
        );
        let found: Vec<_> = diags
            .iter()
            .map(|d| (d.location.line, d.location.column, d.help.clone().unwrap()))
            .collect();
        assert_eq!(
            found,
            vec![
                (3, 1, "did you mean `title`?".to_owned()),
                (6, 5, "did you mean `end`?".to_owned())
            ]
        );
    }

    #[test]
    fn syntax_errors_are_shifted_into_the_file() {
        let e = parse::<Node>("title: x\n  bad: [\n", Path::new("a.md"), 2).unwrap_err();
        assert!(e.location.line >= 3, "{e}");
        assert!(!e.message.contains(" at line "), "{e}");
    }
}
