//! The flat JSON form of a [`Command`]: `{"op": "produce", "topic": "orders", ...}`.
//!
//! serde derives the command's fields as an externally tagged enum (`{"produce": {...}}`,
//! kept off the public API with `remote = "Self"`); this module moves `op` in and out of that
//! form. Reading goes through [`Fields`], an object's fields with their values still unparsed
//! (`RawValue`), handed to the derived code one by one: so the field at fault is known, and
//! neither `serde_json::Value` nor its B-tree maps are needed (they cost the browser bundle
//! tens of KB). Writing serializes the tagged form and moves its tag into the object.

use super::Command;
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::fmt;

/// Why a command (or a scenario's top level) is unusable: the field at fault and what was
/// expected.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FieldError {
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(field) = &self.field {
            write!(f, "field \"{field}\": ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for FieldError {}

/// A JSON object's fields in file order, their values not parsed yet.
#[derive(Clone, Debug, Default)]
pub struct Fields<'a>(pub Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Fields<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    fields.push(entry);
                }
                Ok(Fields(fields))
            }
        }
        d.deserialize_map(Object)
    }
}

impl<'a> Fields<'a> {
    /// The fields of `text`, which must be a JSON object.
    pub fn parse(text: &'a str) -> Result<Fields<'a>, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Takes the field `name` out, if present.
    pub fn take(&mut self, name: &str) -> Option<&'a RawValue> {
        let i = self.0.iter().position(|(k, _)| k == name)?;
        Some(self.0.remove(i).1)
    }

    /// Reads `T` from these fields, naming the field at fault. A missing field says what it
    /// expects, found by reading once more with the field set to `false`, which no required
    /// field accepts.
    pub fn read<T: Deserialize<'a>>(&self, tag: Option<&str>) -> Result<T, FieldError> {
        match self.read_once::<T>(tag) {
            Err(e) if e.message == "missing" => {
                let name = e.field.clone().unwrap_or_default();
                let mut probe = self.clone();
                let no: &RawValue = serde_json::from_str("false").expect("JSON");
                probe.0.push((name.clone(), no));
                match probe.read_once::<T>(tag) {
                    Err(p) if p.field.as_deref() == Some(name.as_str()) => Err(FieldError {
                        message: format!("missing ({})", p.message),
                        ..e
                    }),
                    _ => Err(e),
                }
            }
            other => other,
        }
    }

    fn read_once<T: Deserialize<'a>>(&self, tag: Option<&str>) -> Result<T, FieldError> {
        let mut at = None;
        let d = FieldsDeserializer {
            fields: &self.0,
            tag,
            at: &mut at,
        };
        T::deserialize(d).map_err(|e| explain(at, &e.to_string()))
    }
}

/// Feeds [`Fields`] to derived code: as a map, or (with `tag`) as the enum variant `tag` whose
/// content is the map. Records in `at` the field being read.
struct FieldsDeserializer<'f, 'a> {
    fields: &'f [(String, &'a RawValue)],
    tag: Option<&'f str>,
    at: &'f mut Option<String>,
}

impl<'de, 'f> Deserializer<'de> for FieldsDeserializer<'f, 'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.tag {
            Some(_) => visitor.visit_enum(self),
            None => visitor.visit_map(FieldsMap {
                fields: self.fields.iter(),
                value: None,
                at: self.at,
            }),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

impl<'de, 'f> de::EnumAccess<'de> for FieldsDeserializer<'f, 'de> {
    type Error = serde_json::Error;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self), Self::Error> {
        let tag: de::value::StrDeserializer<serde_json::Error> =
            self.tag.unwrap_or_default().into_deserializer();
        Ok((seed.deserialize(tag)?, self))
    }
}

impl<'de, 'f> de::VariantAccess<'de> for FieldsDeserializer<'f, 'de> {
    type Error = serde_json::Error;

    fn unit_variant(self) -> Result<(), Self::Error> {
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<S::Value, Self::Error> {
        seed.deserialize(FieldsDeserializer { tag: None, ..self })
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("a command is an object"))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        FieldsDeserializer { tag: None, ..self }.deserialize_any(visitor)
    }
}

struct FieldsMap<'f, 'a> {
    fields: std::slice::Iter<'f, (String, &'a RawValue)>,
    value: Option<&'a RawValue>,
    at: &'f mut Option<String>,
}

impl<'de, 'f> MapAccess<'de> for FieldsMap<'f, 'de> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let Some((key, value)) = self.fields.next() else {
            *self.at = None;
            return Ok(None);
        };
        *self.at = Some(key.clone());
        self.value = Some(value);
        let key: de::value::StrDeserializer<serde_json::Error> = key.as_str().into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        let raw = self.value.take().expect("a key comes first");
        let mut d = serde_json::Deserializer::from_str(raw.get());
        seed.deserialize(&mut d)
    }
}

/// The command in serde's externally tagged form.
struct Tagged<'a>(&'a Command);

impl Serialize for Tagged<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Command::serialize(self.0, s)
    }
}

struct FromTagged(Command);

impl<'de> Deserialize<'de> for FromTagged {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Command::deserialize(d).map(FromTagged)
    }
}

impl Command {
    /// The flat JSON object, on one line: `{"op":"kill_broker","broker":2}`.
    pub fn to_json(&self) -> String {
        let tagged = serde_json::to_string(&Tagged(self)).expect("a command is plain JSON");
        // `{"op_name":{...}}`: op names are plain snake_case, so the tag ends at the next quote.
        let (op, inner) = tagged[2..tagged.len() - 1]
            .split_once("\":")
            .expect("an externally tagged command");
        match inner {
            "{}" => format!("{{\"op\":\"{op}\"}}"),
            _ => format!("{{\"op\":\"{op}\",{}", &inner[1..]),
        }
    }

    /// The scenario op name (`kill_broker`).
    pub fn op_name(&self) -> String {
        let tagged = serde_json::to_string(&Tagged(self)).expect("a command is plain JSON");
        tagged[2..]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_string()
    }

    /// Reads a command from a flat object's fields: `op` and the op's own fields.
    pub fn from_fields(mut fields: Fields) -> Result<Command, FieldError> {
        let Some(op) = fields.take("op") else {
            return Err(field_error("op", "missing"));
        };
        let op: String =
            serde_json::from_str(op.get()).map_err(|_| field_error("op", "expected a string"))?;
        fields
            .read::<FromTagged>(Some(&op))
            .map(|c| c.0)
            .map_err(|e| match e.field {
                None if e.message.starts_with("expected ") => {
                    field_error("op", format!("unknown op \"{op}\""))
                }
                _ => e,
            })
    }
}

/// As JSON text only (the flat object, verbatim): commands are a JSON format.
impl Serialize for Command {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        write_raw(self.to_json(), s)
    }
}

/// Writes `json` (already JSON text) as it is: serde_json emits it verbatim.
pub(crate) fn write_raw<S: Serializer>(json: String, s: S) -> Result<S::Ok, S::Error> {
    RawValue::from_string(json)
        .map_err(serde::ser::Error::custom)?
        .serialize(s)
}

impl<'de> Deserialize<'de> for Command {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <&RawValue>::deserialize(d)?;
        let fields = Fields::parse(raw.get()).map_err(de::Error::custom)?;
        Command::from_fields(fields).map_err(de::Error::custom)
    }
}

fn field_error(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: Some(field.to_string()),
        message: message.into(),
    }
}

/// serde's message about field `at`, said as the scenario format says it: the field at fault
/// and what it expected (`field "acks": expected "0", "1" or "all"`).
pub(crate) fn explain(at: Option<String>, message: &str) -> FieldError {
    // Values are parsed on their own: their positions mean nothing to the reader.
    let message = message.split(" at line ").next().unwrap_or(message);
    let named = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_string)
    };
    let (field, message) = if let Some(name) = named("missing field `") {
        (Some(name), "missing".to_string())
    } else if let Some(name) = named("unknown field `") {
        (Some(name), "unknown field".to_string())
    } else if let Some(rest) = message.strip_prefix("unknown variant `") {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        (at, format!("expected {}", choices(expected)))
    } else if let Some((_, expected)) = message.split_once(", expected ") {
        (at, format!("expected {expected}"))
    } else {
        (at, message.to_string())
    };
    FieldError { field, message }
}

/// serde's "one of `a`, `b`, `c`" / "`a` or `b`" as `"a", "b" or "c"`.
fn choices(expected: &str) -> String {
    let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match names.split_last() {
        None => expected.to_string(),
        Some((last, [])) => format!("\"{last}\""),
        Some((last, rest)) => {
            let rest: Vec<String> = rest.iter().map(|n| format!("\"{n}\"")).collect();
            format!("{} or \"{last}\"", rest.join(", "))
        }
    }
}
