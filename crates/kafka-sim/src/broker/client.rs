//! Serving consumers: FETCH from a client reads only below the high watermark and is
//! long-polled up to `fetch.max.wait.ms` when nothing is committed yet (woken when the HW
//! moves); outside `[log start, LEO]` it is OFFSET_OUT_OF_RANGE. LIST_OFFSETS answers the log
//! start, the HW, or the first offset at a timestamp. A read_committed fetch reads only below
//! the last stable offset and gets the aborted transactions among its records
//! (`UnifiedLog.collectAbortedTransactions`), which the consumer skips.

use super::{Broker, BrokerTimer, ParkedFetch};
use crate::ctx::Ctx;
use crate::error::ErrorKind;
use crate::ids::{ClientId, Offset, TopicPartition};
use crate::log::Log;
use crate::message::{FetchPartition, FetchResult, Message, OffsetSpec};
use crate::network::NodeId;
use crate::record::Chunk;

/// `fetch.max.wait.ms` of the Java consumer.
pub const FETCH_MAX_WAIT_MS: u64 = 500;
/// `max.partition.fetch.bytes`.
pub const MAX_PARTITION_FETCH_BYTES: u64 = 1_048_576;

/// Chunks from `from` up to (not including) `hw`, at most about `max_bytes`.
pub fn read_below(log: &Log, from: Offset, hw: Offset, max_bytes: u64) -> Vec<Chunk> {
    if from >= hw {
        return Vec::new();
    }
    let mut chunks = log.read(from, max_bytes);
    chunks.retain(|c| c.base_offset() < hw);
    if let Some(last) = chunks.last_mut() {
        if last.end_offset() > hw {
            last.end = (hw.0 - last.batch.base_offset.0) as u32;
        }
    }
    chunks
}

impl Broker {
    fn client_fetch_one(&self, fp: &FetchPartition, read_committed: bool) -> FetchResult {
        let Some(r) = self.replicas.get(&fp.tp) else {
            return FetchResult::Error(ErrorKind::NotLeaderOrFollowerException);
        };
        if r.leader_state().is_none() {
            return FetchResult::Error(ErrorKind::NotLeaderOrFollowerException);
        }
        let hw = r.high_watermark;
        // `UnifiedLog.read` / `LocalLog.read`: below the log start or beyond the log end is
        // OFFSET_OUT_OF_RANGE; between the HW and the LEO (a new leader whose HW has not
        // caught up with its predecessor's yet) the answer is empty and the consumer waits.
        if fp.fetch_offset > r.log.log_end_offset() || fp.fetch_offset < r.log.log_start_offset() {
            return FetchResult::Error(ErrorKind::OffsetOutOfRangeException);
        }
        let (limit, aborted) = if read_committed {
            let lso = r.log.last_stable_offset(hw);
            let aborted = r.log.producers().aborted_in(fp.fetch_offset, lso);
            (lso, aborted)
        } else {
            (hw, Vec::new())
        };
        FetchResult::Records {
            chunks: read_below(&r.log, fp.fetch_offset, limit, MAX_PARTITION_FETCH_BYTES),
            high_watermark: hw,
            log_start_offset: r.log.log_start_offset(),
            aborted,
        }
    }

    pub(crate) fn serve_client_fetch(
        &mut self,
        client: ClientId,
        fetch: ParkedFetch,
        ctx: &mut Ctx,
    ) {
        let request_id = fetch.request_id;
        let results: Vec<(TopicPartition, FetchResult)> = fetch
            .partitions
            .iter()
            .map(|fp| {
                (
                    fp.tp.clone(),
                    self.client_fetch_one(fp, fetch.read_committed),
                )
            })
            .collect();
        let ready = results
            .iter()
            .any(|(_, r)| !matches!(r, FetchResult::Records { chunks, .. } if chunks.is_empty()));
        if ready || fetch.partitions.is_empty() {
            ctx.send(
                self.node(),
                NodeId::Client(client),
                Message::FetchResponse {
                    request_id,
                    partitions: results,
                },
            );
            return;
        }
        self.parked_clients.insert(client, fetch);
        self.timer(
            ctx,
            ctx.now + FETCH_MAX_WAIT_MS,
            BrokerTimer::ClientFetchWait { client, request_id },
        );
    }

    /// Answers parked consumer fetches that include `tp` (its HW moved).
    pub(crate) fn wake_clients(&mut self, tp: &TopicPartition, ctx: &mut Ctx) {
        let waiting: Vec<ClientId> = self
            .parked_clients
            .iter()
            .filter(|(_, p)| p.partitions.iter().any(|fp| &fp.tp == tp))
            .map(|(c, _)| *c)
            .collect();
        for c in waiting {
            self.answer_client(c, ctx);
        }
    }

    pub(crate) fn answer_client(&mut self, client: ClientId, ctx: &mut Ctx) {
        let Some(p) = self.parked_clients.remove(&client) else {
            return;
        };
        let results = p
            .partitions
            .iter()
            .map(|fp| (fp.tp.clone(), self.client_fetch_one(fp, p.read_committed)))
            .collect();
        ctx.send(
            self.node(),
            NodeId::Client(client),
            Message::FetchResponse {
                request_id: p.request_id,
                partitions: results,
            },
        );
    }

    pub(crate) fn list_offsets(
        &self,
        partitions: &[(TopicPartition, OffsetSpec)],
    ) -> Vec<(TopicPartition, Result<Offset, ErrorKind>)> {
        partitions
            .iter()
            .map(|(tp, spec)| {
                let r = match self.replicas.get(tp) {
                    Some(r) if r.leader_state().is_some() => {
                        Ok(offset_for(&r.log, r.high_watermark, *spec))
                    }
                    _ => Err(ErrorKind::NotLeaderOrFollowerException),
                };
                (tp.clone(), r)
            })
            .collect()
    }
}

/// The offset a ListOffsets spec names, below the HW: the log start, the HW itself, or the
/// first record at or after a timestamp (the HW if none is).
pub fn offset_for(log: &Log, hw: Offset, spec: OffsetSpec) -> Offset {
    match spec {
        OffsetSpec::Earliest => log.log_start_offset(),
        OffsetSpec::Latest => hw,
        OffsetSpec::LastStable => log.last_stable_offset(hw),
        OffsetSpec::Timestamp(t) => log
            .records(log.log_start_offset(), hw)
            .find(|r| r.timestamp_ms >= t)
            .map_or(hw, |r| r.offset),
    }
}

#[cfg(test)]
mod tests {
    use crate::command::Command;
    use crate::controller::NewTopic;
    use crate::engine::{Engine, EngineConfig};
    use crate::error::ErrorKind;
    use crate::ids::{BrokerId, Epoch, Offset, TopicPartition};
    use crate::message::{Acks, FetchPartition, FetchResult};

    /// Kafka's `LocalLog.read`: a consumer fetch above the HW but not beyond the LEO is
    /// answered empty (it happens when a new leader's HW still lags its predecessor's, which
    /// consumers already read up to); only beyond the LEO, or below the log start, is it
    /// OFFSET_OUT_OF_RANGE, which would make the consumer reset by `auto.offset.reset`.
    #[test]
    fn a_fetch_between_the_hw_and_the_leo_is_empty_not_out_of_range() {
        let mut e = Engine::new(EngineConfig::default());
        e.apply(Command::CreateTopic(NewTopic {
            topic: "t".into(),
            partitions: Some(1),
            replication_factor: Some(3),
            fixed_start_index: Some(0),
            ..NewTopic::default()
        }))
        .unwrap();
        for i in 0..10 {
            e.apply(Command::Produce {
                topic: "t".into(),
                key: None,
                value: Some(format!("v{i}").into_bytes()),
                headers: Vec::new(),
                partition: Some(0),
                acks: Acks::All,
                enable_idempotence: None,
            })
            .unwrap();
            e.advance_to(e.now() + 100);
        }
        e.advance_to(5_000);
        let tp = TopicPartition::new("t", 0);
        let broker = e.brokers.get_mut(&BrokerId(1)).unwrap();
        let r = broker.replicas.get_mut(&tp).unwrap();
        assert_eq!(r.log.log_end_offset(), Offset(10));
        // A leader whose HW lags its log end.
        r.high_watermark = Offset(5);
        let fetch = |o: u64| {
            broker.client_fetch_one(
                &FetchPartition {
                    tp: tp.clone(),
                    fetch_offset: Offset(o),
                    last_fetched_epoch: None,
                    current_leader_epoch: Epoch(0),
                },
                false,
            )
        };
        let records = |r: FetchResult| match r {
            FetchResult::Records { chunks, .. } => {
                Some(chunks.iter().map(|c| u64::from(c.len())).sum::<u64>())
            }
            _ => None,
        };
        assert_eq!(
            records(fetch(3)),
            Some(2),
            "below the HW: the committed records"
        );
        assert_eq!(
            records(fetch(7)),
            Some(0),
            "above the HW, below the LEO: empty"
        );
        assert_eq!(records(fetch(10)), Some(0), "at the LEO: empty");
        assert_eq!(
            fetch(11),
            FetchResult::Error(ErrorKind::OffsetOutOfRangeException)
        );
    }
}
