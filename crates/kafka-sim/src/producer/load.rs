//! Continuous producers: a load generator sending `rate_per_s` records per second with keys
//! cycled from a list (or null keys), values `<id>-<seq>` padded to `value_bytes`. Records
//! are written straight into the accumulator; nothing is allocated per record.

use super::accumulator::{append_to_queue, sticky_appended, sticky_partition};
use super::{Producer, ProducerTimer, LINGER_MS};
use crate::ctx::{Ctx, Timer};
use crate::partitioner::PartitionerKind;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Continuous {
    pub topic: Arc<str>,
    pub rate_per_s: u64,
    keys: Option<Vec<Arc<[u8]>>>,
    key_cursor: usize,
    pub seq: u64,
    credit_milli: u64,
    pub period_ms: u64,
    pub value_bytes: Option<u32>,
    pub max_records: Option<u64>,
    pub running: bool,
}

impl Producer {
    // ----- continuous load ------------------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    pub fn start_continuous(
        &mut self,
        topic: Arc<str>,
        rate_per_s: u64,
        keys: Option<Vec<String>>,
        value_bytes: Option<u32>,
        max_records: Option<u64>,
        ctx: &mut Ctx,
    ) {
        let period_ms = if rate_per_s >= 1000 {
            1
        } else {
            (1000 / rate_per_s.max(1)).max(1)
        };
        self.continuous = Some(Continuous {
            topic,
            rate_per_s,
            keys: keys.map(|k| k.into_iter().map(|s| Arc::from(s.into_bytes())).collect()),
            key_cursor: 0,
            seq: 0,
            credit_milli: 0,
            period_ms,
            value_bytes,
            max_records,
            running: true,
        });
        self.request_metadata(ctx);
        self.timer(ctx, ctx.now, ProducerTimer::Tick);
    }

    pub fn stop_continuous(&mut self) {
        if let Some(c) = &mut self.continuous {
            c.running = false;
        }
    }

    pub(super) fn tick(&mut self, ctx: &mut Ctx) {
        let Some(c) = &mut self.continuous else {
            return;
        };
        if !c.running {
            return;
        }
        let period = c.period_ms;
        let topic = c.topic.clone();
        if !self.topics.contains_key(&topic) {
            self.request_metadata(ctx);
            self.timer(ctx, ctx.now + period, ProducerTimer::Tick);
            return;
        }
        let c = self.continuous.as_mut().expect("checked");
        c.credit_milli += c.rate_per_s * period;
        let mut n = c.credit_milli / 1000;
        c.credit_milli %= 1000;
        if let Some(max) = c.max_records {
            n = n.min(max - c.seq);
        }
        let mut closed = false;
        let ts = self.topics.get_mut(&topic).expect("checked");
        let partitions = ts.queues.len() as u32;
        for _ in 0..n {
            let key = c.keys.as_ref().map(|k| {
                let key = k[c.key_cursor % k.len()].clone();
                c.key_cursor += 1;
                key
            });
            self.scratch.clear();
            self.scratch.extend_from_slice(self.name.as_bytes());
            self.scratch.push(b'-');
            push_decimal(&mut self.scratch, c.seq);
            if let Some(len) = c.value_bytes {
                self.scratch.resize(len as usize, b'.');
            }
            c.seq += 1;
            let p = self.partitioner.partition(
                &topic,
                key.as_deref(),
                None,
                partitions,
                &ts.available,
                ctx.rng,
            );
            let sticky = key.is_none() && self.partitioner.kind == PartitionerKind::Default;
            let p = if sticky {
                let (p, switched) = sticky_partition(
                    &mut self.partitioner,
                    &topic,
                    &mut ts.queues,
                    p,
                    None,
                    Some(&self.scratch),
                    &[],
                    &ts.available,
                    ctx.rng,
                    ctx.now,
                );
                closed |= switched;
                p
            } else {
                p
            };
            let q = &mut ts.queues[p as usize];
            let (batch_closed, grown) = append_to_queue(
                q,
                &mut self.batch_seq,
                key.as_deref(),
                Some(&self.scratch),
                Vec::new(),
                None,
                ctx.now,
            );
            closed |= batch_closed;
            if q.open.as_ref().is_some_and(|b| b.data.len() == 1) {
                let seq = q.open.as_ref().expect("checked").seq;
                ctx.timer(
                    ctx.now + LINGER_MS,
                    Timer::Producer {
                        client: self.id,
                        timer: ProducerTimer::Linger {
                            topic: topic.clone(),
                            partition: p,
                            batch_seq: seq,
                        },
                    },
                );
            }
            if sticky {
                let q = &ts.queues[p as usize];
                sticky_appended(
                    &mut self.partitioner,
                    &topic,
                    q,
                    grown,
                    partitions,
                    &ts.available,
                    ctx.rng,
                );
            }
        }
        self.stats.records_sent += n;
        let done = c.max_records.is_some_and(|m| c.seq >= m);
        if done {
            c.running = false;
        } else {
            self.timer(ctx, ctx.now + period, ProducerTimer::Tick);
        }
        if closed {
            self.drain(ctx);
        }
    }
}

/// Appends `n` in decimal without going through `core::fmt` (hot path, slow in wasm).
fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimal() {
        for n in [0u64, 7, 10, 12345, u64::MAX] {
            let mut v = Vec::new();
            super::push_decimal(&mut v, n);
            assert_eq!(v, n.to_string().into_bytes());
        }
    }
}
