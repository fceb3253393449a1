//! The flat JSON form of a [`Command`]: `{"op": "produce", "topic": "orders", ...}`.
//!
//! serde derives the command's fields as an externally tagged enum (`{"produce": {...}}`,
//! kept off the public API with `remote = "Self"`); this module moves `op` in and out of
//! that form. Reading through the tagged form lets `serde_path_to_error` name the field at
//! fault, which serde's own internally tagged enums cannot (they buffer the fields first).

use super::Command;
use serde::de::DeserializeOwned;
use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// Why a command (or a scenario's top level) is unusable: the field at fault, as a dotted
/// path (`configs.retention.ms`, `keys[2]`), and what was expected.
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
    /// The `op` name and the other fields (in name order).
    pub fn to_fields(&self) -> (String, Map<String, Value>) {
        match serde_json::to_value(Tagged(self)) {
            Ok(Value::Object(tagged)) => match tagged.into_iter().next() {
                Some((op, Value::Object(fields))) => (op, fields),
                Some((op, _)) => (op, Map::new()),
                None => unreachable!("a tagged command has its op"),
            },
            _ => unreachable!("a command serializes as an object"),
        }
    }

    /// The scenario op name (`kill_broker`).
    pub fn op_name(&self) -> String {
        self.to_fields().0
    }

    /// Reads a command from a flat object's fields: `op` and the op's own fields.
    pub fn from_fields(mut fields: Map<String, Value>) -> Result<Command, FieldError> {
        let op = match fields.remove("op") {
            Some(Value::String(op)) => op,
            None => return Err(field_error("op", "missing")),
            Some(_) => return Err(field_error("op", "expected a string")),
        };
        let tagged = |fields| Value::Object(Map::from_iter([(op.clone(), Value::Object(fields))]));
        read_object::<FromTagged>(fields, tagged)
            .map(|c| c.0)
            .map_err(|e| {
                if e.message.starts_with("unknown variant") {
                    field_error("op", format!("unknown op \"{op}\""))
                } else {
                    e
                }
            })
    }
}

/// Reads `T` from an object's `fields` (wrapped by `wrap`), naming the field at fault. A missing field says what it expects, found
/// by reading once more with the field set to `false`, which no required field accepts.
pub(crate) fn read_object<T: DeserializeOwned>(
    fields: Map<String, Value>,
    wrap: impl Fn(Map<String, Value>) -> Value,
) -> Result<T, FieldError> {
    let read = |fields: Map<String, Value>| {
        serde_path_to_error::deserialize::<_, T>(wrap(fields)).map_err(|e| {
            let message = e.inner().to_string();
            let path = segments(e.path());
            if message.starts_with("unknown variant") && path.is_empty() {
                return FieldError {
                    field: None,
                    message,
                };
            }
            explain(&path, &message)
        })
    };
    match read(fields.clone()) {
        Err(e) if e.message == "missing" && e.field.as_ref().is_some_and(|f| !f.contains('.')) => {
            let name = e.field.clone().unwrap_or_default();
            let mut probe = fields;
            probe.insert(name.clone(), Value::Bool(false));
            match read(probe) {
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

impl Serialize for Command {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (op, fields) = self.to_fields();
        let mut map = s.serialize_map(Some(fields.len() + 1))?;
        map.serialize_entry("op", &op)?;
        for (k, v) in &fields {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Command {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let fields = Map::<String, Value>::deserialize(d)?;
        Command::from_fields(fields).map_err(de::Error::custom)
    }
}

fn field_error(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: Some(field.to_string()),
        message: message.into(),
    }
}

/// A path's segments as field names: map keys as they are, list items as `[i]`; enum
/// variants (a command's op, `{"offset": N}`) are values, not fields.
pub(crate) fn segments(path: &serde_path_to_error::Path) -> Vec<String> {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|s| match s {
            Segment::Map { key } => Some(key.clone()),
            Segment::Seq { index } => Some(format!("[{index}]")),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

/// serde's message at `path`, said as the scenario format says it: the field at fault and
/// what it expected (`field "acks": expected "0", "1" or "all"`).
pub(crate) fn explain(path: &[String], message: &str) -> FieldError {
    let mut field = String::new();
    for s in path {
        if !field.is_empty() && !s.starts_with('[') {
            field.push('.');
        }
        field.push_str(s);
    }
    let named = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_string)
    };
    let join = |name: String| {
        if field.is_empty() || field == name {
            name
        } else {
            format!("{field}.{name}")
        }
    };
    let (field, message) = if let Some(name) = named("missing field `") {
        (join(name), "missing".to_string())
    } else if let Some(name) = named("unknown field `") {
        (join(name), "unknown field".to_string())
    } else if let Some(rest) = message.strip_prefix("unknown variant `") {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        (field, format!("expected {}", choices(expected)))
    } else if let Some((_, expected)) = message.split_once(", expected ") {
        (field, format!("expected {expected}"))
    } else {
        (field, message.to_string())
    };
    FieldError {
        field: (!field.is_empty()).then_some(field),
        message,
    }
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
