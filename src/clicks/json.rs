//! An NDJSON line's click fields, with serde_json: each key matched to a
//! field by [`ClickField::of_name`] as it is read (other keys skipped
//! unread), each value kept as its raw JSON text.

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::clicks::columns::{ClickField, FIELDS};

/// A JSON value's text as a field: a string's contents (without escapes),
/// `null` as empty, anything else as written.
pub fn json_text(s: &str) -> &[u8] {
    if s.len() >= 2 && s.starts_with('"') {
        s[1..s.len() - 1].as_bytes()
    } else if s == "null" {
        &[]
    } else {
        s.as_bytes()
    }
}

/// An NDJSON object's click fields (other keys skipped unread).
pub struct JsonRow<'a>(pub [Option<&'a RawValue>; 8]);

impl<'de: 'a, 'a> serde::Deserialize<'de> for JsonRow<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = JsonRow<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<JsonRow<'a>, M::Error> {
                let mut row = JsonRow([None; 8]);
                while let Some(key) = map.next_key::<Key>()? {
                    match key.0 {
                        Some(f) => {
                            let v: &'de RawValue = map.next_value()?;
                            row.0[f.index()].get_or_insert(v);
                        }
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(row)
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// A key, as the field it names.
struct Key(Option<ClickField>);

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, s: &str) -> Result<Key, E> {
                Ok(Key(ClickField::of_name(s.as_bytes())))
            }
        }
        d.deserialize_str(V)
    }
}


/// The fields (bits `1 << index`) a line's object has, or None when it is
/// not a JSON object.
pub fn keys_in(line: &[u8]) -> Option<u8> {
    let row: JsonRow = serde_json::from_slice(line).ok()?;
    Some(FIELDS.iter().filter(|f| row.0[f.index()].is_some()).fold(0, |bits, f| bits | 1 << f.index()))
}
