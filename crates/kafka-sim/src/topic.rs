//! Topics: name validation, topic configs and topic ids, with Kafka's rules and error texts.

use crate::error::{ErrorKind, KafkaError};
use crate::rng::SplitMix64;
use crate::sorted::SortedMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Kafka's `Topic.MAX_NAME_LENGTH`.
pub const MAX_TOPIC_NAME_LENGTH: usize = 249;

/// `Topic.validate`: `[a-zA-Z0-9._-]`, 1..=249 chars, not `.` or `..`.
pub fn validate_topic_name(name: &str) -> Result<(), KafkaError> {
    let reason = if name.is_empty() {
        Some("the empty string is not allowed".to_string())
    } else if name == "." {
        Some("'.' is not allowed".to_string())
    } else if name == ".." {
        Some("'..' is not allowed".to_string())
    } else if name.chars().count() > MAX_TOPIC_NAME_LENGTH {
        Some(format!(
            "the length of '{name}' is longer than the max allowed length {MAX_TOPIC_NAME_LENGTH}"
        ))
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
    {
        Some(format!(
            "'{name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"
        ))
    } else {
        None
    };
    match reason {
        None => Ok(()),
        Some(r) => Err(KafkaError::new(
            ErrorKind::InvalidTopicException,
            format!("Topic name is invalid: {r}"),
        )),
    }
}

/// Whether two names collide once `.` is read as `_` (Kafka's metric-name rule).
pub fn topics_collide(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .all(|(x, y)| x == y || (matches!(x, b'.' | b'_') && matches!(y, b'.' | b'_')))
}

/// `message.timestamp.type`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub enum TimestampType {
    #[default]
    CreateTime,
    LogAppendTime,
}

/// Kafka's `segment.bytes` default (1 GiB).
pub const DEFAULT_SEGMENT_BYTES: u64 = 1_073_741_824;
/// The smallest `segment.bytes` Kafka 4.x accepts (1 MiB).
pub const MIN_SEGMENT_BYTES: u64 = 1_048_576;
/// Kafka's `segment.ms` and `retention.ms` default (7 days).
pub const DEFAULT_SEGMENT_MS: u64 = 604_800_000;
/// Kafka's `delete.retention.ms` default (1 day).
pub const DEFAULT_DELETE_RETENTION_MS: u64 = 86_400_000;
/// `min.cleanable.dirty.ratio` default, 0.5, in parts per million.
pub const DEFAULT_MIN_CLEANABLE_DIRTY_RATIO_PPM: u64 = 500_000;

/// The topic configs the engine understands, typed, plus the explicitly set ones as text
/// (which `kafka-topics --describe` prints after `Configs:`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct TopicConfig {
    pub min_insync_replicas: u32,
    pub unclean_leader_election_enable: bool,
    /// `cleanup.policy` contains `delete`: retention deletes old segments.
    pub cleanup_delete: bool,
    /// `cleanup.policy` contains `compact`: the log cleaner keeps the last record per key.
    pub cleanup_compact: bool,
    /// `retention.ms`; `-1` means unlimited.
    pub retention_ms: i64,
    /// `retention.bytes` per partition; `-1` (the default) means unlimited.
    pub retention_bytes: i64,
    /// `segment.bytes`: a segment rolls before it would grow past this.
    pub segment_bytes: u64,
    /// `segment.ms`: a segment rolls once its records span more than this.
    pub segment_ms: u64,
    /// `delete.retention.ms`: how long compaction keeps a tombstone.
    pub delete_retention_ms: u64,
    /// `min.cleanable.dirty.ratio` in parts per million (0.5 = 500000).
    pub min_cleanable_dirty_ratio_ppm: u64,
    pub message_timestamp_type: TimestampType,
    /// Explicitly set configs, name -> value, as the user spelled them.
    pub overrides: SortedMap<String, String>,
}

impl Default for TopicConfig {
    fn default() -> Self {
        TopicConfig {
            min_insync_replicas: 1,
            unclean_leader_election_enable: false,
            cleanup_delete: true,
            cleanup_compact: false,
            retention_ms: 604_800_000,
            retention_bytes: -1,
            segment_bytes: DEFAULT_SEGMENT_BYTES,
            segment_ms: DEFAULT_SEGMENT_MS,
            delete_retention_ms: DEFAULT_DELETE_RETENTION_MS,
            min_cleanable_dirty_ratio_ppm: DEFAULT_MIN_CLEANABLE_DIRTY_RATIO_PPM,
            message_timestamp_type: TimestampType::CreateTime,
            overrides: SortedMap::new(),
        }
    }
}

fn invalid_value(name: &str, value: &str, why: &str) -> KafkaError {
    KafkaError::new(
        ErrorKind::InvalidConfigurationException,
        format!("Invalid value {value} for configuration {name}: {why}"),
    )
}

/// A `LONG` config at least `min` (`ConfigDef.Range.atLeast`).
fn parse_long(name: &str, value: &str, min: Option<i64>) -> Result<i64, KafkaError> {
    let n: i64 = value
        .trim()
        .parse()
        .map_err(|_| invalid_value(name, value, "Not a number of type LONG"))?;
    match min {
        Some(m) if n < m => Err(invalid_value(
            name,
            value,
            &format!("Value must be at least {m}"),
        )),
        _ => Ok(n),
    }
}

/// An `INT` config at least `min`.
fn parse_int(name: &str, value: &str, min: i64) -> Result<i64, KafkaError> {
    let n: i32 = value
        .trim()
        .parse()
        .map_err(|_| invalid_value(name, value, "Not a number of type INT"))?;
    if i64::from(n) < min {
        return Err(invalid_value(
            name,
            value,
            &format!("Value must be at least {min}"),
        ));
    }
    Ok(i64::from(n))
}

/// `min.cleanable.dirty.ratio`: a `DOUBLE` between 0 and 1, as parts per million. Java's
/// range check lets NaN through (every comparison with it is false), and then no ratio is
/// ever above it: a NaN ratio never cleans, so it becomes a ratio above 1.
///
/// Read as an exact decimal rather than through `f64`: Rust's float parser carries a 10 KB
/// table of powers of five that would be most of this function's cost in the browser bundle.
fn parse_ratio_ppm(name: &str, value: &str) -> Result<u64, KafkaError> {
    let v = value.trim();
    let (negative, unsigned) = match v.as_bytes().first() {
        Some(b'-') => (true, &v[1..]),
        Some(b'+') => (false, &v[1..]),
        _ => (false, v),
    };
    let not_double = || invalid_value(name, value, "Not a number of type DOUBLE");
    let (digits, exp10) = match unsigned {
        "NaN" => return Ok(1_000_001),
        "Infinity" => (vec![1], i64::MAX / 2),
        _ => decimal(unsigned).ok_or_else(not_double)?,
    };
    if digits.is_empty() {
        return Ok(0);
    }
    if negative {
        return Err(invalid_value(name, value, "Value must be at least 0"));
    }
    // `digits` (no leading zeros) times 10^exp10: `whole` digits before the decimal point.
    let whole = digits.len() as i64 + exp10;
    let one = whole == 1 && digits[1..].iter().all(|&d| d == 0) && digits[0] == 1;
    if whole > 1 || (whole == 1 && !one) {
        return Err(invalid_value(name, value, "Value must be no more than 1"));
    }
    // The value times a million, rounded half up: its first `whole + 6` digits, then the next.
    let kept = whole + 6;
    if kept < 0 {
        return Ok(0);
    }
    let kept = kept as usize;
    let ppm = digits
        .iter()
        .chain(std::iter::repeat(&0))
        .take(kept)
        .fold(0u64, |n, &d| n * 10 + u64::from(d));
    Ok(ppm + u64::from(digits.get(kept).is_some_and(|&d| d >= 5)))
}

/// A decimal as Java's `Double.parseDouble` writes it (`0.5`, `.5`, `5.`, `5e-1`): its
/// significant digits without leading zeros (empty for zero) and the power of ten they scale
/// by. `None` if it is not one.
fn decimal(text: &str) -> Option<(Vec<u8>, i64)> {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
    if int.len() + frac.len() == 0 || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    let exponent = match exponent {
        None => 0,
        Some(e) => {
            let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
            if unsigned.is_empty() || !all_digits(unsigned) {
                return None;
            }
            // Saturating: an exponent this large is far outside [0, 1] anyway.
            let n = unsigned
                .bytes()
                .fold(0i64, |n, c| (n * 10 + i64::from(c - b'0')).min(1 << 40));
            if e.starts_with('-') {
                -n
            } else {
                n
            }
        }
    };
    let digits: Vec<u8> = int
        .bytes()
        .chain(frac.bytes())
        .map(|c| c - b'0')
        .skip_while(|&d| d == 0)
        .collect();
    Some((digits, exponent - frac.len() as i64))
}

impl TopicConfig {
    /// Applies `changes` (`None` value = delete the override, back to the default) and
    /// validates them as Kafka's `LogConfig` does. Returns the new config; `self` is unchanged.
    pub fn with_changes(
        &self,
        changes: &BTreeMap<String, Option<String>>,
    ) -> Result<TopicConfig, KafkaError> {
        let mut overrides = self.overrides.clone();
        for (name, value) in changes {
            match value {
                Some(v) => {
                    overrides.insert(name.clone(), v.clone());
                }
                None => {
                    overrides.remove(name);
                }
            }
        }
        let mut cfg = TopicConfig {
            overrides: SortedMap::new(),
            ..TopicConfig::default()
        };
        for (name, value) in &overrides {
            let v = value.trim();
            match name.as_str() {
                "min.insync.replicas" => {
                    let n: i64 = v
                        .parse()
                        .ok()
                        .filter(|n: &i64| *n >= i64::from(i32::MIN) && *n <= i64::from(i32::MAX))
                        .ok_or_else(|| invalid_value(name, value, "Not a number of type INT"))?;
                    if n < 1 {
                        return Err(invalid_value(name, value, "Value must be at least 1"));
                    }
                    cfg.min_insync_replicas = n as u32;
                }
                "unclean.leader.election.enable" => {
                    cfg.unclean_leader_election_enable = match v.to_ascii_lowercase().as_str() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(invalid_value(
                                name,
                                value,
                                "Expected value to be either true or false",
                            ))
                        }
                    }
                }
                "retention.ms" => cfg.retention_ms = parse_long(name, value, Some(-1))?,
                // Kafka defines it without a lower bound: any negative value means unlimited.
                "retention.bytes" => cfg.retention_bytes = parse_long(name, value, None)?,
                "segment.bytes" => {
                    cfg.segment_bytes = parse_int(name, value, MIN_SEGMENT_BYTES as i64)? as u64
                }
                "segment.ms" => cfg.segment_ms = parse_long(name, value, Some(1))? as u64,
                "delete.retention.ms" => {
                    cfg.delete_retention_ms = parse_long(name, value, Some(0))? as u64
                }
                "min.cleanable.dirty.ratio" => {
                    cfg.min_cleanable_dirty_ratio_ppm = parse_ratio_ppm(name, value)?
                }
                "cleanup.policy" => {
                    // A LIST: comma separated, blanks around commas ignored, each a policy.
                    cfg.cleanup_delete = false;
                    cfg.cleanup_compact = false;
                    let list = v.split(',').map(str::trim).filter(|_| !v.is_empty());
                    for policy in list {
                        match policy {
                            "delete" => cfg.cleanup_delete = true,
                            "compact" => cfg.cleanup_compact = true,
                            _ => {
                                return Err(invalid_value(
                                    name,
                                    policy,
                                    "String must be one of: compact, delete",
                                ))
                            }
                        }
                    }
                }
                // Records are never compressed in the simulator; the value is only validated
                // (`__consumer_offsets` carries `compression.type=producer`, as in Kafka).
                "compression.type" => {
                    const TYPES: [&str; 6] =
                        ["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"];
                    if !TYPES.contains(&v) {
                        return Err(invalid_value(
                            name,
                            v,
                            "String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer",
                        ));
                    }
                }
                "message.timestamp.type" => {
                    cfg.message_timestamp_type = match v {
                        "CreateTime" => TimestampType::CreateTime,
                        "LogAppendTime" => TimestampType::LogAppendTime,
                        _ => {
                            return Err(invalid_value(
                                name,
                                value,
                                "String must be one of: CreateTime, LogAppendTime",
                            ))
                        }
                    }
                }
                _ => {
                    return Err(KafkaError::new(
                        ErrorKind::InvalidConfigurationException,
                        format!("Unknown topic config name: {name}"),
                    ))
                }
            }
        }
        cfg.overrides = overrides;
        Ok(cfg)
    }

    /// `Configs:` text of `kafka-topics --describe`: explicit configs, by name.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .overrides
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        parts.join(",")
    }
}

/// A Kafka `Uuid` in its string form: 16 random bytes (version 4 bits set, as Java's
/// `UUID.randomUUID`), base64url without padding: 22 characters. Like Kafka, never starts
/// with `-`.
pub fn new_topic_id(rng: &mut SplitMix64) -> String {
    loop {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&rng.next_u64().to_be_bytes());
        bytes[8..].copy_from_slice(&rng.next_u64().to_be_bytes());
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let s = base64url(&bytes);
        if !s.starts_with('-') {
            return s;
        }
    }
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(validate_topic_name("orders.v1_x-2").is_ok());
        let e = validate_topic_name("bad name").unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidTopicException);
        assert_eq!(
            e.message,
            "Topic name is invalid: 'bad name' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"
        );
        assert_eq!(
            validate_topic_name("..").unwrap_err().message,
            "Topic name is invalid: '..' is not allowed"
        );
        assert_eq!(
            validate_topic_name("").unwrap_err().message,
            "Topic name is invalid: the empty string is not allowed"
        );
        assert!(validate_topic_name(&"a".repeat(249)).is_ok());
        assert!(validate_topic_name(&"a".repeat(250)).is_err());
        assert!(topics_collide("a.b", "a_b"));
        assert!(!topics_collide("a.b", "a-b"));
    }

    #[test]
    fn topic_ids_look_like_kafka() {
        let mut rng = SplitMix64::new(42);
        let id = new_topic_id(&mut rng);
        assert_eq!(id.len(), 22);
        assert!(id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn configs_validate() {
        let base = TopicConfig::default();
        let mut ch = BTreeMap::new();
        ch.insert("min.insync.replicas".to_string(), Some("2".to_string()));
        let c = base.with_changes(&ch).unwrap();
        assert_eq!(c.min_insync_replicas, 2);
        assert_eq!(c.describe(), "min.insync.replicas=2");
        ch.insert("min.insync.replicas".to_string(), Some("x".to_string()));
        assert_eq!(
            base.with_changes(&ch).unwrap_err().message,
            "Invalid value x for configuration min.insync.replicas: Not a number of type INT"
        );
        let mut ch = BTreeMap::new();
        ch.insert("foo".to_string(), Some("1".to_string()));
        assert_eq!(
            base.with_changes(&ch).unwrap_err().to_string(),
            "InvalidConfigurationException: Unknown topic config name: foo"
        );
    }

    fn with(name: &str, value: &str) -> Result<TopicConfig, KafkaError> {
        let ch = BTreeMap::from_iter([(name.to_string(), Some(value.to_string()))]);
        TopicConfig::default().with_changes(&ch)
    }

    fn error(name: &str, value: &str) -> String {
        with(name, value).unwrap_err().message
    }

    #[test]
    fn log_configs_validate_as_kafkas_log_config() {
        let d = TopicConfig::default();
        assert_eq!(
            (
                d.segment_bytes,
                d.segment_ms,
                d.retention_ms,
                d.retention_bytes
            ),
            (1_073_741_824, 604_800_000, 604_800_000, -1)
        );
        assert!(d.cleanup_delete && !d.cleanup_compact);
        assert_eq!(
            with("segment.bytes", "1048576").unwrap().segment_bytes,
            1_048_576
        );
        assert_eq!(
            error("segment.bytes", "1048575"),
            "Invalid value 1048575 for configuration segment.bytes: Value must be at least 1048576"
        );
        assert_eq!(
            error("segment.bytes", "4294967296"),
            "Invalid value 4294967296 for configuration segment.bytes: Not a number of type INT"
        );
        assert_eq!(
            error("segment.ms", "0"),
            "Invalid value 0 for configuration segment.ms: Value must be at least 1"
        );
        assert_eq!(
            error("retention.ms", "-2"),
            "Invalid value -2 for configuration retention.ms: Value must be at least -1"
        );
        assert_eq!(with("retention.bytes", "-5").unwrap().retention_bytes, -5);
        assert_eq!(
            error("retention.bytes", "1k"),
            "Invalid value 1k for configuration retention.bytes: Not a number of type LONG"
        );
        let c = with("cleanup.policy", "compact, delete").unwrap();
        assert!(c.cleanup_compact && c.cleanup_delete);
        let c = with("cleanup.policy", "compact").unwrap();
        assert!(c.cleanup_compact && !c.cleanup_delete);
        assert_eq!(
            error("cleanup.policy", "compact,forever"),
            "Invalid value forever for configuration cleanup.policy: String must be one of: compact, delete"
        );
        assert_eq!(
            with("min.cleanable.dirty.ratio", "0.25")
                .unwrap()
                .min_cleanable_dirty_ratio_ppm,
            250_000
        );
        assert_eq!(
            error("min.cleanable.dirty.ratio", "1.5"),
            "Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1"
        );
        assert_eq!(
            error("min.cleanable.dirty.ratio", "half"),
            "Invalid value half for configuration min.cleanable.dirty.ratio: Not a number of type DOUBLE"
        );
        assert_eq!(
            with("delete.retention.ms", "0")
                .unwrap()
                .delete_retention_ms,
            0
        );
        assert!(with("compression.type", "zstd").is_ok());
        assert_eq!(
            error("compression.type", "brotli"),
            "Invalid value brotli for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer"
        );
        // Explicit configs are printed as given.
        assert_eq!(
            with("retention.ms", "3600000").unwrap().describe(),
            "retention.ms=3600000"
        );
    }

    /// The exact decimal reading agrees with Java's (and Rust's) double parsing on every
    /// spelling a user may write, in range and out.
    #[test]
    fn ratios_read_as_doubles_are() {
        let ppm = |v: &str| parse_ratio_ppm("min.cleanable.dirty.ratio", v);
        for v in [
            "0",
            "0.5",
            ".5",
            "1.",
            "0.",
            "1",
            "1.0",
            "1.000",
            "0.25",
            "0.000001",
            "0.0000004",
            "0.0000006",
            "5e-1",
            "5E-1",
            "50e-2",
            "0.05e1",
            "1e0",
            "0.1e+1",
            "000.75",
            "+0.3",
            "-0",
            "-0.0",
            "  0.9 ",
            "0.123456789",
            "0.9999996",
            "1e-400",
            "0e999",
        ] {
            let f: f64 = v.trim().parse().unwrap();
            assert_eq!(ppm(v).unwrap(), (f * 1e6).round() as u64, "{v}");
        }
        for (v, says) in [
            ("1.0000001", "no more than 1"),
            ("2", "no more than 1"),
            ("10e-1", ""),
            ("1e1", "no more than 1"),
            ("Infinity", "no more than 1"),
            ("-0.1", "at least 0"),
            ("-Infinity", "at least 0"),
            ("e5", "DOUBLE"),
            ("1e", "DOUBLE"),
            (".", "DOUBLE"),
            ("0x1p-1", "DOUBLE"),
            ("--1", "DOUBLE"),
            ("1e+-1", "DOUBLE"),
        ] {
            match ppm(v) {
                Ok(n) => assert!(says.is_empty() && n == 1_000_000, "{v}: {n}"),
                Err(e) => assert!(e.message.contains(says) && !says.is_empty(), "{v}: {e}"),
            }
        }
        assert_eq!(ppm("NaN").unwrap(), 1_000_001, "NaN never cleans");
    }
}
