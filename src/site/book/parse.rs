//! `recipients.yaml` as written: every group, member and include with where it is written, so
//! that the checks of `book` can point at the line and column of each mistake. Values of any
//! shape are accepted here; `book` says what is wrong with them.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

/// The whole file: group name → group, in the order written.
pub struct RawBook(pub Vec<(Spanned<Scalar>, Spanned<RawGroup>)>);

/// A group: a plain list of members, or `{members: [...], include: [...]}`.
#[derive(Default)]
pub struct RawGroup {
    pub members: Vec<Spanned<RawMember>>,
    /// Included group names and where each is written.
    pub include: Vec<(String, Location)>,
    /// Keys other than `members` and `include`.
    pub unknown: Vec<Spanned<Scalar>>,
    /// Written as something else than a list or a map (a name, a number…).
    pub not_a_group: bool,
}

/// One person: `{name: …, email: …}`.
#[derive(Default)]
pub struct RawMember {
    pub name: Option<Spanned<Scalar>>,
    pub email: Option<Spanned<Scalar>>,
    pub unknown: Vec<Spanned<Scalar>>,
    /// Written as something else than a map.
    pub not_a_map: bool,
}

/// A scalar of any type, as text (`null` is empty).
pub struct Scalar(pub String);

macro_rules! scalar_visits {
    ($out:ty, $make:expr) => {
        fn visit_str<E: de::Error>(self, v: &str) -> Result<$out, E> {
            Ok($make(v.to_owned()))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<$out, E> {
            Ok($make(v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<$out, E> {
            Ok($make(v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<$out, E> {
            Ok($make(v.to_string()))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<$out, E> {
            Ok($make(v.to_string()))
        }
    };
}

impl<'de> serde::Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name or an address")
            }
            scalar_visits!(Scalar, Scalar);
            fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar(String::new()))
            }
            fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar(String::new()))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> serde::Deserialize<'de> for RawBook {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawBook;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("group names, each followed by its members")
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawBook, E> {
                Ok(RawBook(Vec::new()))
            }
            fn visit_none<E: de::Error>(self) -> Result<RawBook, E> {
                Ok(RawBook(Vec::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawBook, A::Error> {
                let mut groups = Vec::new();
                while let Some(key) = map.next_key::<Spanned<Scalar>>()? {
                    groups.push((key, map.next_value::<Spanned<RawGroup>>()?));
                }
                Ok(RawBook(groups))
            }
        }
        d.deserialize_any(V)
    }
}

/// Members of a list, whatever each item is.
fn members<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Vec<Spanned<RawMember>>, A::Error> {
    let mut out = Vec::new();
    while let Some(m) = seq.next_element::<Spanned<RawMember>>()? {
        out.push(m);
    }
    Ok(out)
}

/// `members:`'s value: a list, or nothing.
struct Members(Vec<Spanned<RawMember>>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of `- {name: …, email: …}`")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Members, E> {
                Ok(Members(Vec::new()))
            }
            fn visit_none<E: de::Error>(self) -> Result<Members, E> {
                Ok(Members(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Members, A::Error> {
                members(seq).map(Members)
            }
        }
        d.deserialize_any(V)
    }
}

/// `include:`'s value: one group name or a list of them.
struct Include(Vec<(String, Option<Location>)>);

impl<'de> serde::Deserialize<'de> for Include {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Include;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a group name or a list of group names")
            }
            scalar_visits!(Include, |s| Include(vec![(s, None)]));
            fn visit_unit<E: de::Error>(self) -> Result<Include, E> {
                Ok(Include(Vec::new()))
            }
            fn visit_none<E: de::Error>(self) -> Result<Include, E> {
                Ok(Include(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Include, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<Spanned<Scalar>>()? {
                    out.push((s.value.0, Some(s.referenced)));
                }
                Ok(Include(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> serde::Deserialize<'de> for RawGroup {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawGroup;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of members, or `members:` and `include:`")
            }
            scalar_visits!(RawGroup, |_| RawGroup {
                not_a_group: true,
                ..RawGroup::default()
            });
            fn visit_unit<E: de::Error>(self) -> Result<RawGroup, E> {
                Ok(RawGroup::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<RawGroup, E> {
                Ok(RawGroup::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<RawGroup, A::Error> {
                Ok(RawGroup {
                    members: members(seq)?,
                    ..RawGroup::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawGroup, A::Error> {
                let mut g = RawGroup::default();
                while let Some(key) = map.next_key::<Spanned<Scalar>>()? {
                    match key.value.0.as_str() {
                        "members" => g.members.extend(map.next_value::<Members>()?.0),
                        "include" => {
                            let inc = map.next_value::<Spanned<Include>>()?;
                            let whole = inc.referenced;
                            g.include.extend(
                                inc.value
                                    .0
                                    .into_iter()
                                    .map(|(name, at)| (name, at.unwrap_or(whole))),
                            );
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            g.unknown.push(key);
                        }
                    }
                }
                Ok(g)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> serde::Deserialize<'de> for RawMember {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawMember;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`{name: …, email: …}`")
            }
            scalar_visits!(RawMember, |_| RawMember {
                not_a_map: true,
                ..RawMember::default()
            });
            fn visit_unit<E: de::Error>(self) -> Result<RawMember, E> {
                Ok(RawMember {
                    not_a_map: true,
                    ..RawMember::default()
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawMember, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(RawMember {
                    not_a_map: true,
                    ..RawMember::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawMember, A::Error> {
                let mut m = RawMember::default();
                while let Some(key) = map.next_key::<Spanned<Scalar>>()? {
                    match key.value.0.as_str() {
                        "name" => m.name = Some(map.next_value()?),
                        "email" => m.email = Some(map.next_value()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            m.unknown.push(key);
                        }
                    }
                }
                Ok(m)
            }
        }
        d.deserialize_any(V)
    }
}
