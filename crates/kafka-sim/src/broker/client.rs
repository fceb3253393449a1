//! Serving consumers: FETCH from a client reads only below the high watermark and is
//! long-polled up to `fetch.max.wait.ms` when nothing is committed yet (woken when the HW
//! moves); LIST_OFFSETS answers the log start, the HW, or the first offset at a timestamp.
//! A read_committed fetch reads only below the last stable offset and gets the aborted
//! transactions among its records (`UnifiedLog.collectAbortedTransactions`), which the
//! consumer skips.

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
        if fp.fetch_offset > hw || fp.fetch_offset < r.log.log_start_offset() {
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
