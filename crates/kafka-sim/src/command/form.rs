//! How each command field is spelled in JSON (the scenario file, the app's saved runs and
//! URLs): the same forms the README documents. Every reader here accepts `null` where the
//! field is optional and says what it expected in the words an error message shows
//! ("expected an integer between 1 and 10000000").

use crate::ids::BrokerId;
use crate::message::Acks;
use crate::record::Header;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serializer};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::fmt;

/// An unsigned integer in `min..=max`.
pub(crate) fn u64_between<'de, D: Deserializer<'de>>(
    d: D,
    min: u64,
    max: u64,
) -> Result<u64, D::Error> {
    struct Between(u64, u64);
    impl Visitor<'_> for Between {
        type Value = u64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "an integer between {} and {}", self.0, self.1)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
            if v < self.0 || v > self.1 {
                return Err(E::invalid_value(de::Unexpected::Unsigned(v), &self));
            }
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
            match u64::try_from(v) {
                Ok(v) => self.visit_u64(v),
                Err(_) => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
            }
        }
    }
    d.deserialize_u64(Between(min, max))
}

/// `null` or absent, else [`u64_between`].
pub(crate) fn opt_u64_between<'de, D: Deserializer<'de>>(
    d: D,
    min: u64,
    max: u64,
) -> Result<Option<u64>, D::Error> {
    struct Opt(u64, u64);
    impl<'de> Visitor<'de> for Opt {
        type Value = Option<u64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "an integer between {} and {}", self.0, self.1)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            u64_between(d, self.0, self.1).map(Some)
        }
    }
    d.deserialize_option(Opt(min, max))
}

/// Milliseconds of simulated time, as far as a run may go.
pub(crate) fn time_ms<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    u64_between(d, 0, crate::scenario::MAX_UNTIL_MS)
}

/// Records per second of a producer or a consumer.
pub(crate) fn rate_per_s<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    u64_between(d, 1, crate::engine::MAX_RATE_PER_S)
}

pub(crate) fn opt_rate_per_s<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    opt_u64_between(d, 1, crate::engine::MAX_RATE_PER_S)
}

pub(crate) fn opt_value_bytes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Ok(opt_u64_between(d, 0, u64::from(crate::engine::MAX_VALUE_BYTES))?.map(|v| v as u32))
}

pub(crate) fn opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    opt_u64_between(d, 0, u64::MAX)
}

/// `max.poll.records`.
pub(crate) fn opt_poll_records<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Ok(opt_u64_between(d, 1, 1_000_000)?.map(|v| v as u32))
}

pub(crate) fn opt_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Ok(opt_u64_between(d, 0, u64::from(u32::MAX))?.map(|v| v as u32))
}

pub(crate) fn broker<'de, D: Deserializer<'de>>(d: D) -> Result<BrokerId, D::Error> {
    Ok(BrokerId(u64_between(d, 0, u64::from(u32::MAX))? as u32))
}

pub(crate) fn opt_broker<'de, D: Deserializer<'de>>(d: D) -> Result<Option<BrokerId>, D::Error> {
    Ok(opt_u32(d)?.map(BrokerId))
}

/// A signed 32-bit integer (Kafka's partition counts and ids), `null` or absent for none.
pub(crate) fn opt_i32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    struct Int32;
    impl<'de> Visitor<'de> for Int32 {
        type Value = Option<i32>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a 32-bit integer")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_i64(self)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            i32::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            i32::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }
    }
    d.deserialize_option(Int32)
}

pub(crate) fn i32<'de, D: Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    opt_i32(d)?.ok_or_else(|| de::Error::invalid_type(de::Unexpected::Unit, &"a 32-bit integer"))
}

/// Any 64-bit integer (offsets and shifts).
pub(crate) fn i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    struct Int64;
    impl Visitor<'_> for Int64 {
        type Value = i64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an integer")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
            i64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }
    }
    d.deserialize_i64(Int64)
}

/// `acks`: `"0"`, `"1"`, `"all"` (also `-1`, `0`, `1` as numbers or text, as Kafka accepts).
pub(crate) mod acks {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(acks: &Acks, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(acks.as_str())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Acks, D::Error> {
        struct AcksText;
        impl<'de> Visitor<'de> for AcksText {
            type Value = Acks;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"0\", \"1\" or \"all\"")
            }
            fn visit_none<E: de::Error>(self) -> Result<Acks, E> {
                Ok(Acks::All)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Acks, E> {
                Ok(Acks::All)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Acks, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Acks, E> {
                match v {
                    "all" | "-1" => Ok(Acks::All),
                    "1" => Ok(Acks::One),
                    "0" => Ok(Acks::Zero),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Acks, E> {
                match v {
                    -1 => Ok(Acks::All),
                    1 => Ok(Acks::One),
                    0 => Ok(Acks::Zero),
                    _ => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Acks, E> {
                match i64::try_from(v) {
                    Ok(v) => self.visit_i64(v),
                    Err(_) => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
                }
            }
        }
        d.deserialize_option(AcksText)
    }
}

/// A key or value: text, or `null`.
pub(crate) mod text {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        bytes: &Option<Vec<u8>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match bytes {
            None => s.serialize_none(),
            Some(b) => s.serialize_str(&String::from_utf8_lossy(b)),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<u8>>, D::Error> {
        Ok(Option::<Text>::deserialize(d)?.map(|t| t.0.into_bytes()))
    }
}

/// A string, for error messages that say so ("expected a string or null").
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or null")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        d.deserialize_str(TextVisitor)
    }
}

/// Record headers: `{"name": "value" or null}` (in name order, as written by the file).
pub(crate) mod headers {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(headers: &[Header], s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(headers.iter().map(|h| {
            let value = h.value.as_deref().map(String::from_utf8_lossy);
            (h.key.as_str(), value)
        }))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Header>, D::Error> {
        let map = Option::<BTreeMap<String, Option<Text>>>::deserialize(d)?.unwrap_or_default();
        Ok(map
            .into_iter()
            .map(|(key, value)| Header {
                key,
                value: value.map(|t| t.0.into_bytes()),
            })
            .collect())
    }
}

/// A config value: text, or a number or boolean taken as its text; `null` where allowed.
struct ConfigValue(Option<String>);

impl<'de> Deserialize<'de> for ConfigValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A number or boolean is taken as written (`0.50` stays `0.50`, as kafka-configs
        // passes its text on), which also keeps float formatting out of the browser bundle.
        let raw = <&RawValue>::deserialize(d)?.get();
        match raw.as_bytes().first() {
            Some(b'"') => serde_json::from_str(raw)
                .map(|text| ConfigValue(Some(text)))
                .map_err(de::Error::custom),
            Some(b'{' | b'[') => Err(de::Error::custom(
                "expected a string, number, boolean or null",
            )),
            _ if raw == "null" => Ok(ConfigValue(None)),
            _ => Ok(ConfigValue(Some(raw.to_string()))),
        }
    }
}

/// `kafka-configs --alter`: `{"name": "value"}`, a `null` value deletes the override.
pub(crate) fn config_changes<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, Option<String>>, D::Error> {
    d.deserialize_any(ConfigMap {
        null_is_empty: false,
        value: |v| v,
    })
}

/// A new topic's configs (`null` is an empty value, which the config's validation rejects).
pub(crate) fn configs<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    d.deserialize_any(ConfigMap {
        null_is_empty: true,
        value: Option::unwrap_or_default,
    })
}

/// Reads an object of [`ConfigValue`]s straight into the map of what they become (as
/// `BTreeMap`'s own reader would, the last of a repeated name winning): a B-tree of the
/// values as read would cost the bundle its own copy of the B-tree code.
struct ConfigMap<V> {
    /// Whether `null` is no configs (else it is refused).
    null_is_empty: bool,
    value: fn(Option<String>) -> V,
}

impl<'de, V> Visitor<'de> for ConfigMap<V> {
    type Value = BTreeMap<String, V>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        if self.null_is_empty {
            Ok(BTreeMap::new())
        } else {
            Err(E::invalid_type(de::Unexpected::Unit, &self))
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some((name, v)) = map.next_entry::<String, ConfigValue>()? {
            out.insert(name, (self.value)(v.0));
        }
        Ok(out)
    }
}

/// `{"0": [1, 2, 3], ...}`: partition id -> broker ids.
pub(crate) fn replica_assignment<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<BTreeMap<u32, Vec<u32>>>, D::Error> {
    struct PartitionId(u32);
    impl<'de> Deserialize<'de> for PartitionId {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let text = String::deserialize(d)?;
            text.parse().map(PartitionId).map_err(|_| {
                de::Error::custom(format!("partition ids must be integers, not \"{text}\""))
            })
        }
    }
    struct Brokers(Vec<u32>);
    impl<'de> Deserialize<'de> for Brokers {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct List;
            impl<'de> Visitor<'de> for List {
                type Value = Brokers;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a list of broker ids")
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Brokers, A::Error> {
                    let mut out = Vec::new();
                    while let Some(b) = seq.next_element::<u64>().map_err(|_| {
                        de::Error::invalid_type(de::Unexpected::Other("a non-id"), &self)
                    })? {
                        let b = u32::try_from(b).map_err(|_| {
                            de::Error::invalid_value(de::Unexpected::Unsigned(b), &self)
                        })?;
                        out.push(b);
                    }
                    Ok(Brokers(out))
                }
            }
            d.deserialize_seq(List)
        }
    }
    struct Assignment;
    impl<'de> Visitor<'de> for Assignment {
        type Value = Option<BTreeMap<u32, Vec<u32>>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object like {\"0\": [1,2,3]}")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((PartitionId(p), Brokers(b))) = map.next_entry()? {
                out.insert(p, b);
            }
            Ok(Some(out))
        }
    }
    d.deserialize_option(Assignment)
}

/// `join_group`'s `topics`: a non-empty list of names, or one name.
pub(crate) fn topics<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct Topics;
    impl<'de> Visitor<'de> for Topics {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a non-empty list of topic names")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(t) = seq.next_element::<String>()? {
                out.push(t);
            }
            if out.is_empty() {
                return Err(de::Error::invalid_length(0, &self));
            }
            Ok(out)
        }
    }
    d.deserialize_any(Topics)
}

/// `start_producer`'s `keys`: a list of strings, or `null` for keyless records.
pub(crate) fn keys<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    struct Keys;
    impl<'de> Visitor<'de> for Keys {
        type Value = Option<Vec<String>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of strings or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_seq(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(k) = seq.next_element::<String>()? {
                out.push(k);
            }
            Ok(Some(out))
        }
    }
    d.deserialize_option(Keys)
}

/// `true` (serde's `default = "..."` takes a function).
pub(crate) fn is_true(v: &bool) -> bool {
    *v
}

pub(crate) fn yes() -> bool {
    true
}

/// Whether a value is its type's default (to leave it out when writing).
pub(crate) fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}
