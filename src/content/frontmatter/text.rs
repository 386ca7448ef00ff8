//! Front-matter values read leniently as text: `tags: [2021, 研修会]` means the tag "2021",
//! and group names keep where each is written for `check`'s errors.

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diag::Location;

/// A scalar read as text: `tags: [2021, 研修会]` means the tag "2021", not an error.
pub(super) struct Text(pub(super) String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor).and_then(|t| match t {
            OneOrMany::One(s) => Ok(Text(s)),
            OneOrMany::Many(_) => Err(serde::de::Error::custom("expected text, found a list")),
        })
    }
}

/// One value or a list of values, all read as text.
pub(super) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> serde::de::Visitor<'de> for TextVisitor {
    type Value = OneOrMany;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("text or a list of texts")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<OneOrMany, E> {
        Ok(OneOrMany::One(v.to_owned()))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<OneOrMany, E> {
        Ok(OneOrMany::One(v.to_string()))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<OneOrMany, E> {
        Ok(OneOrMany::One(v.to_string()))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<OneOrMany, E> {
        Ok(OneOrMany::One(v.to_string()))
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<OneOrMany, E> {
        Ok(OneOrMany::One(v.to_string()))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
        let mut items = Vec::new();
        while let Some(Text(t)) = seq.next_element::<Text>()? {
            items.push(t);
        }
        Ok(OneOrMany::Many(items))
    }
}

impl OneOrMany {
    pub(super) fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// Group names (`recipients:`), one or a list, each with where it is written when known.
pub(super) struct Names(Vec<(String, Option<serde_saphyr::Location>)>);

impl<'de> Deserialize<'de> for Names {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NamesVisitor)
    }
}

struct NamesVisitor;

impl<'de> serde::de::Visitor<'de> for NamesVisitor {
    type Value = Names;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a group name or a list of group names")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Names, E> {
        Ok(Names(vec![(v.to_owned(), None)]))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Names, E> {
        Ok(Names(vec![(v.to_string(), None)]))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Names, E> {
        Ok(Names(vec![(v.to_string(), None)]))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Names, A::Error> {
        let mut items = Vec::new();
        while let Some(t) = seq.next_element::<Spanned<Text>>()? {
            items.push((t.value.0, Some(t.referenced)));
        }
        Ok(Names(items))
    }
}

impl Names {
    /// The names, trimmed, and where each is written (`whole`: where the value starts).
    pub(super) fn located(
        self,
        whole: &serde_saphyr::Location,
        at: &impl Fn(&serde_saphyr::Location) -> Location,
    ) -> (Vec<String>, Vec<Location>) {
        self.0
            .into_iter()
            .map(|(name, l)| (name.trim().to_owned(), at(l.as_ref().unwrap_or(whole))))
            .filter(|(name, _)| !name.is_empty())
            .unzip()
    }
}
