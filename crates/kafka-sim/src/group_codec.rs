//! How a group metadata record (`GroupMetadataValue`) is written into `__consumer_offsets`: a
//! compact text of numbers and length-prefixed strings. Kafka writes a binary schema; what
//! matters here is that the coordinator that loads the partition after a failover reads back
//! exactly what was written. A hand-written codec (rather than JSON) keeps a JSON parser out
//! of the browser bundle, which runs the coordinator too.
//!
//! Format: fields in order, each a decimal number or `-` followed by `;`, or a string as
//! `<byte length>:<bytes>`. Lists are a count then their items.

use std::fmt::Write;
use std::sync::Arc;

use crate::assignor::{AssignorKind, StickyUserData, Subscription};
use crate::group::{GroupRecord, MemberRecord};
use crate::ids::TopicPartition;

/// The record as text (the value of a `group:<group>` record).
pub fn encode(record: &GroupRecord) -> String {
    let mut w = String::new();
    int(&mut w, i64::from(record.generation));
    text(&mut w, record.protocol.map(AssignorKind::name));
    text(&mut w, record.leader.as_deref());
    int(&mut w, record.members.len() as i64);
    for m in &record.members {
        text(&mut w, Some(&m.member_id));
        text(&mut w, Some(&m.client_id));
        text(&mut w, Some(&m.client_host));
        int(&mut w, m.session_timeout_ms as i64);
        int(&mut w, m.rebalance_timeout_ms as i64);
        let s = &m.subscription;
        int(&mut w, s.topics.len() as i64);
        for t in &s.topics {
            text(&mut w, Some(t));
        }
        partitions(&mut w, &s.owned_partitions);
        int(&mut w, i64::from(s.generation));
        match &s.user_data {
            None => w.push_str("-;"),
            Some(u) => {
                int(&mut w, i64::from(u.generation));
                partitions(&mut w, &u.partitions);
            }
        }
        partitions(&mut w, &m.assignment);
    }
    w
}

/// The record back from its text; `None` for anything else.
pub fn decode(value: &str) -> Option<GroupRecord> {
    let mut r = Reader { rest: value };
    let generation = r.int()? as i32;
    let protocol = match r.text()? {
        Some(name) => Some(AssignorKind::from_name(name)?),
        None => None,
    };
    let leader = r.text()?.map(Arc::from);
    let count = r.count()?;
    let mut members = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        let member_id = Arc::from(r.text()??);
        let client_id = Arc::from(r.text()??);
        let client_host = Arc::from(r.text()??);
        let session_timeout_ms = r.int()? as u64;
        let rebalance_timeout_ms = r.int()? as u64;
        let topics = (0..r.count()?)
            .map(|_| r.text()?.map(Arc::from))
            .collect::<Option<Vec<_>>>()?;
        let owned_partitions = r.partitions()?;
        let sub_generation = r.int()? as i32;
        let user_data = match r.maybe_int()? {
            None => None,
            Some(g) => Some(StickyUserData {
                generation: g as i32,
                partitions: r.partitions()?,
            }),
        };
        members.push(MemberRecord {
            member_id,
            client_id,
            client_host,
            session_timeout_ms,
            rebalance_timeout_ms,
            subscription: Subscription {
                topics,
                owned_partitions,
                generation: sub_generation,
                user_data,
            },
            assignment: r.partitions()?,
        });
    }
    r.rest.is_empty().then_some(GroupRecord {
        generation,
        protocol,
        leader,
        members,
    })
}

fn int(w: &mut String, n: i64) {
    let _ = write!(w, "{n};");
}

fn text(w: &mut String, s: Option<&str>) {
    match s {
        Some(s) => {
            let _ = write!(w, "{}:{s}", s.len());
        }
        None => w.push_str("-;"),
    }
}

fn partitions(w: &mut String, tps: &[TopicPartition]) {
    int(w, tps.len() as i64);
    for tp in tps {
        text(w, Some(&tp.topic));
        int(w, i64::from(tp.partition.0));
    }
}

struct Reader<'a> {
    rest: &'a str,
}

impl<'a> Reader<'a> {
    /// A number, or `-` (`Some(None)`).
    fn maybe_int(&mut self) -> Option<Option<i64>> {
        let (field, rest) = self.rest.split_once(';')?;
        self.rest = rest;
        if field == "-" {
            Some(None)
        } else {
            Some(Some(field.parse().ok()?))
        }
    }

    fn int(&mut self) -> Option<i64> {
        self.maybe_int()?
    }

    fn count(&mut self) -> Option<usize> {
        usize::try_from(self.int()?).ok()
    }

    /// A string, or `-;` (`Some(None)`).
    fn text(&mut self) -> Option<Option<&'a str>> {
        if let Some(rest) = self.rest.strip_prefix("-;") {
            self.rest = rest;
            return Some(None);
        }
        let (len, rest) = self.rest.split_once(':')?;
        let len: usize = len.parse().ok()?;
        let s = rest.get(..len)?;
        self.rest = &rest[len..];
        Some(Some(s))
    }

    fn partitions(&mut self) -> Option<Vec<TopicPartition>> {
        (0..self.count()?)
            .map(|_| {
                let topic = self.text()??;
                let partition = u32::try_from(self.int()?).ok()?;
                Some(TopicPartition::new(topic, partition))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &str, sticky: bool) -> MemberRecord {
        let tps = vec![
            TopicPartition::new("or;d:ers", 3),
            TopicPartition::new("b", 0),
        ];
        MemberRecord {
            member_id: Arc::from(format!("{id}-0b7e4a36-1d8c-4b8e-9a3f-6e2c1d0f9a11")),
            client_id: Arc::from(id),
            client_host: Arc::from("/127.0.0.1"),
            session_timeout_ms: 45_000,
            rebalance_timeout_ms: 300_000,
            subscription: Subscription {
                topics: vec![Arc::from("b"), Arc::from("or;d:ers")],
                owned_partitions: tps.clone(),
                generation: 4,
                user_data: sticky.then(|| StickyUserData {
                    partitions: tps.clone(),
                    generation: 3,
                }),
            },
            assignment: tps,
        }
    }

    #[test]
    fn a_record_reads_back_exactly_even_with_separators_in_names() {
        let record = GroupRecord {
            generation: 5,
            protocol: Some(AssignorKind::Sticky),
            leader: Some(Arc::from("c:1;-")),
            members: vec![member("c:1;-", true), member("é-2", false)],
        };
        assert_eq!(decode(&encode(&record)), Some(record));
        let empty = GroupRecord {
            generation: 0,
            protocol: None,
            leader: None,
            members: Vec::new(),
        };
        assert_eq!(decode(&encode(&empty)), Some(empty));
    }

    #[test]
    fn anything_else_is_not_a_record() {
        for bad in [
            "",
            "x",
            "5;",
            "5;-;-;2;",
            "5;4:range-;-;0;",
            "5;-;-;0;trailing",
        ] {
            assert_eq!(decode(bad), None, "{bad:?}");
        }
    }
}
