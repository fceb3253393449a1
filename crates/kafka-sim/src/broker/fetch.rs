//! Replication by FETCH, both sides.
//!
//! Leader side: a follower's fetch says how far its log goes (its LEO) and the epoch of its
//! last record. The leader checks for divergence (KIP-595: answer with the end offset of that
//! epoch if the follower went past it), updates its view of the follower (HW, ISR expansion),
//! and returns shared chunks of its log, or parks the fetch up to `replica.fetch.wait.max.ms`
//! until data arrives (long poll), so idle partitions cost no traffic.
//!
//! Follower side: one fetcher per leader broker, one request in flight at a time, carrying
//! every partition this broker follows on that leader. Diverging answers make the follower
//! truncate by leader epoch (KIP-101/279), never simply to its HW.

use super::{Broker, BrokerTimer, ParkedFetch};
use crate::ctx::Ctx;
use crate::error::ErrorKind;
use crate::event::Event;
use crate::ids::{BrokerId, TopicPartition};
use crate::log::REPLICA_FETCH_MAX_BYTES;
use crate::message::{FetchPartition, FetchResult, Message};
use crate::network::NodeId;
use crate::replica::Role;

/// `replica.fetch.wait.max.ms`.
pub const REPLICA_FETCH_WAIT_MAX_MS: u64 = 500;
/// `replica.fetch.backoff.ms`.
pub const REPLICA_FETCH_BACKOFF_MS: u64 = 1_000;
/// `replica.socket.timeout.ms`.
pub const REPLICA_SOCKET_TIMEOUT_MS: u64 = 30_000;

impl Broker {
    // ----- leader side --------------------------------------------------------------------

    pub(crate) fn serve_fetch(
        &mut self,
        follower: BrokerId,
        request_id: u64,
        partitions: Vec<FetchPartition>,
        ctx: &mut Ctx,
    ) {
        let mut results = Vec::with_capacity(partitions.len());
        let mut ready = false;
        for fp in &partitions {
            let r = self.fetch_one(follower, fp, true, ctx);
            if !matches!(&r, FetchResult::Records { chunks, .. } if chunks.is_empty()) {
                ready = true;
            }
            results.push((fp.tp.clone(), r));
        }
        if ready || partitions.is_empty() {
            ctx.send(
                self.node(),
                NodeId::Broker(follower),
                Message::FetchResponse {
                    request_id,
                    partitions: results,
                },
            );
        } else {
            self.parked.insert(
                follower,
                ParkedFetch {
                    request_id,
                    partitions,
                    read_committed: false,
                },
            );
            self.timer(
                ctx,
                ctx.now + REPLICA_FETCH_WAIT_MAX_MS,
                BrokerTimer::FetchWait {
                    follower,
                    request_id,
                },
            );
        }
    }

    /// One partition of a fetch. With `update`, the fetch offset counts as the follower's
    /// LEO (first sight of the request); a parked fetch is only re-read.
    fn fetch_one(
        &mut self,
        follower: BrokerId,
        fp: &FetchPartition,
        update: bool,
        ctx: &mut Ctx,
    ) -> FetchResult {
        let follower_unfenced = self.metadata.is_unfenced(follower);
        let Some(replica) = self.replicas.get_mut(&fp.tp) else {
            return FetchResult::Error(ErrorKind::NotLeaderOrFollowerException);
        };
        let Role::Leader(state) = &mut replica.role else {
            return FetchResult::Error(ErrorKind::NotLeaderOrFollowerException);
        };
        if fp.current_leader_epoch < state.epoch {
            return FetchResult::Error(ErrorKind::FencedLeaderEpochException);
        }
        if fp.current_leader_epoch > state.epoch {
            return FetchResult::Error(ErrorKind::UnknownLeaderEpochException);
        }
        let leo = replica.log.log_end_offset();
        let log_start = replica.log.log_start_offset();
        // Below the log start the records are gone, whatever the epochs say
        // (`Partition.readRecords`).
        if fp.fetch_offset < log_start {
            return FetchResult::OutOfRange {
                log_start_offset: log_start,
                log_end_offset: leo,
            };
        }
        if let Some(last) = fp.last_fetched_epoch {
            match replica.log.end_offset_for_epoch(last) {
                Some((epoch, end)) if epoch != last || end < fp.fetch_offset => {
                    return FetchResult::Diverging {
                        epoch,
                        end_offset: end,
                    };
                }
                Some(_) => {}
                None => {
                    if fp.fetch_offset > leo {
                        return FetchResult::Diverging {
                            epoch: replica.log.latest_epoch().unwrap_or_default(),
                            end_offset: leo,
                        };
                    }
                }
            }
        } else if fp.fetch_offset > leo {
            return FetchResult::Diverging {
                epoch: replica.log.latest_epoch().unwrap_or_default(),
                end_offset: leo,
            };
        }
        if update {
            state.on_follower_fetch(follower, fp.fetch_offset, leo, ctx.now);
            let expand = !state.in_maximal_isr(follower)
                && state.pending_isr.is_none()
                && follower_unfenced
                && fp.fetch_offset >= replica.high_watermark
                && fp.fetch_offset >= state.epoch_start_offset;
            if expand {
                let mut isr = state.isr.clone();
                isr.push(follower);
                self.propose_isr(&fp.tp, isr, ctx);
            }
            self.advance_hw(&fp.tp, ctx);
        }
        let replica = self.replicas.get(&fp.tp).expect("exists");
        FetchResult::Records {
            chunks: replica.log.read(fp.fetch_offset, REPLICA_FETCH_MAX_BYTES),
            high_watermark: replica.high_watermark,
            log_start_offset: replica.log.log_start_offset(),
            aborted: Vec::new(),
        }
    }

    /// Answers parked fetches that include `tp` (new data arrived).
    pub(crate) fn wake_parked(&mut self, tp: &TopicPartition, ctx: &mut Ctx) {
        if self.parked.is_empty() {
            return;
        }
        let waiting: Vec<BrokerId> = self
            .parked
            .iter()
            .filter(|(_, p)| p.partitions.iter().any(|fp| &fp.tp == tp))
            .map(|(f, _)| *f)
            .collect();
        for follower in waiting {
            self.answer_parked(follower, ctx);
        }
    }

    pub(crate) fn answer_parked(&mut self, follower: BrokerId, ctx: &mut Ctx) {
        let Some(p) = self.parked.remove(&follower) else {
            return;
        };
        let results = p
            .partitions
            .iter()
            .map(|fp| (fp.tp.clone(), self.fetch_one(follower, fp, false, ctx)))
            .collect();
        ctx.send(
            self.node(),
            NodeId::Broker(follower),
            Message::FetchResponse {
                request_id: p.request_id,
                partitions: results,
            },
        );
    }

    // ----- follower side --------------------------------------------------------------------

    /// Sends the next fetch to `leader` unless one is in flight or backing off.
    pub(crate) fn maybe_send_fetch(&mut self, leader: BrokerId, ctx: &mut Ctx) {
        let Some(f) = self.fetchers.get(&leader) else {
            return;
        };
        if f.in_flight.is_some() || ctx.now < f.backoff_until || !self.alive {
            return;
        }
        let partitions: Vec<FetchPartition> = self
            .replicas
            .values()
            .filter_map(|r| match r.role {
                Role::Follower {
                    leader: Some(l),
                    epoch,
                } if l == leader => Some(FetchPartition {
                    tp: r.tp.clone(),
                    fetch_offset: r.log.log_end_offset(),
                    last_fetched_epoch: r.log.latest_epoch(),
                    current_leader_epoch: epoch,
                }),
                _ => None,
            })
            .collect();
        if partitions.is_empty() {
            return;
        }
        let request_id = ctx.id();
        self.fetchers.get_mut(&leader).expect("checked").in_flight = Some(request_id);
        ctx.send(
            self.node(),
            NodeId::Broker(leader),
            Message::Fetch {
                request_id,
                partitions,
                read_committed: false,
            },
        );
        self.timer(
            ctx,
            ctx.now + REPLICA_SOCKET_TIMEOUT_MS,
            BrokerTimer::FetchTimeout { leader, request_id },
        );
    }

    pub(crate) fn fetch_failed(&mut self, leader: BrokerId, ctx: &mut Ctx) {
        let until = ctx.now + REPLICA_FETCH_BACKOFF_MS;
        let f = self.fetchers.entry(leader).or_default();
        f.in_flight = None;
        f.backoff_until = until;
        self.timer(ctx, until, BrokerTimer::FetchRetry { leader });
    }

    pub(crate) fn on_fetch_response(
        &mut self,
        leader: BrokerId,
        request_id: u64,
        partitions: Vec<(TopicPartition, FetchResult)>,
        ctx: &mut Ctx,
    ) {
        match self.fetchers.get_mut(&leader) {
            Some(f) if f.in_flight == Some(request_id) => f.in_flight = None,
            _ => return,
        }
        let me = self.id;
        let mut failed = false;
        for (tp, result) in partitions {
            let roll = self.roll_for(&tp.topic, ctx);
            let Some(replica) = self.replicas.get_mut(&tp) else {
                continue;
            };
            if !matches!(replica.role, Role::Follower { leader: Some(l), .. } if l == leader) {
                continue;
            }
            match result {
                FetchResult::Records {
                    chunks,
                    high_watermark,
                    log_start_offset,
                    ..
                } => {
                    let leo = replica.log.log_end_offset();
                    if chunks.first().is_some_and(|c| c.base_offset() != leo) {
                        continue;
                    }
                    let active = replica.log.active_segment_base();
                    let (_, rolled) = replica.log.append_chunks(&chunks, &roll);
                    let new_leo = replica.log.log_end_offset();
                    if rolled > 0 {
                        ctx.emit(Event::SegmentRolled {
                            broker: me,
                            tp: tp.clone(),
                            base_offset: replica.log.active_segment_base().max(active),
                        });
                    }
                    if new_leo > leo {
                        ctx.emit(Event::RecordsReplicated {
                            broker: me,
                            tp: tp.clone(),
                            base_offset: leo,
                            count: new_leo.0 - leo.0,
                        });
                    }
                    // `UnifiedLog.updateHighWatermark`: within [log start, LEO] (the leader's
                    // HW may lag this replica's own log start, set when it led).
                    replica.high_watermark = high_watermark
                        .min(new_leo)
                        .max(replica.log.log_start_offset());
                    // `ReplicaFetcherThread.processPartitionData`: follow the leader's log start.
                    let hw = replica.high_watermark;
                    replica.log.maybe_increment_log_start(log_start_offset, hw);
                }
                FetchResult::OutOfRange {
                    log_start_offset,
                    log_end_offset,
                } => {
                    // `AbstractFetcherThread.fetchOffsetAndTruncate` (the leader's offsets come
                    // with the answer here, where Kafka asks with ListOffsets).
                    let leo = replica.log.log_end_offset();
                    if log_end_offset < leo {
                        replica.log.truncate_to(log_end_offset);
                        ctx.emit(Event::LogTruncated {
                            broker: me,
                            tp: tp.clone(),
                            from_leo: leo,
                            to_offset: log_end_offset,
                        });
                    } else if log_start_offset > leo {
                        let segments = replica.log.segment_count() as u32;
                        replica
                            .log
                            .truncate_fully_and_start_at(log_start_offset, ctx.now);
                        ctx.emit(Event::SegmentsDeleted {
                            broker: me,
                            tp: tp.clone(),
                            segments,
                            log_start_offset,
                            reason: std::sync::Arc::from("log-start-offset"),
                        });
                    } else {
                        failed = true;
                    }
                    replica.high_watermark =
                        replica.high_watermark.min(replica.log.log_end_offset());
                    replica.high_watermark =
                        replica.high_watermark.max(replica.log.log_start_offset());
                }
                FetchResult::Diverging { epoch, end_offset } => {
                    let leo = replica.log.log_end_offset();
                    // AbstractFetcherThread.getOffsetTruncationState.
                    let target = match replica.log.end_offset_for_epoch(epoch) {
                        None => end_offset.min(leo),
                        Some((e, end)) if e != epoch => end.min(leo),
                        Some((_, end)) => end.min(end_offset).min(leo),
                    };
                    if target < leo {
                        replica.log.truncate_to(target);
                        ctx.emit(Event::LogTruncated {
                            broker: me,
                            tp: tp.clone(),
                            from_leo: leo,
                            to_offset: target,
                        });
                    } else {
                        // No progress possible: back off rather than ask again at once.
                        failed = true;
                    }
                    replica.high_watermark =
                        replica.high_watermark.min(replica.log.log_end_offset());
                }
                FetchResult::Error(_) => failed = true,
            }
        }
        if failed {
            self.fetch_failed(leader, ctx);
        } else {
            self.maybe_send_fetch(leader, ctx);
        }
    }
}
