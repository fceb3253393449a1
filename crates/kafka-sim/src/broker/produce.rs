//! PRODUCE on the leader: checks (leadership, `min.insync.replicas` for acks=all, up front),
//! the append of the producer's shared batch, and the answer: at once for acks=1, when the
//! HW passes the batch for acks=all (a delayed produce, like Kafka's purgatory), never for
//! acks=0. Transaction markers from a coordinator (WriteTxnMarkers) take the same path as
//! control batches, answered as acks=all.

use super::{Broker, BrokerTimer, DelayedAnswer, DelayedProduce, PRODUCE_TIMEOUT_MS};
use crate::ctx::Ctx;
use crate::error::ErrorKind;
use crate::event::Event;
use crate::ids::{ClientId, Epoch, Offset, TopicPartition};
use crate::log::SequenceCheck;
use crate::message::{Acks, Message, ProduceResult};
use crate::network::NodeId;
use crate::record::{BatchData, ProducerIds, RecordBatch, Txn};
use crate::replica::WaitingAck;
use crate::topic::TimestampType;
use std::sync::Arc;

/// One partition's batch of a produce (or marker) request: its records, the producer's ids
/// and its part in a transaction.
pub(super) type PartBatch = (
    TopicPartition,
    Arc<BatchData>,
    Option<ProducerIds>,
    Option<Txn>,
);

impl Broker {
    // ----- produce ----------------------------------------------------------------------------

    pub(super) fn handle_produce(
        &mut self,
        client: NodeId,
        request_id: u64,
        acks: Acks,
        batches: Vec<PartBatch>,
        ctx: &mut Ctx,
    ) {
        let answer = if batches
            .first()
            .is_some_and(|b| b.3.is_some_and(Txn::is_marker))
        {
            DelayedAnswer::TxnMarkers
        } else {
            DelayedAnswer::Produce
        };
        let mut results = Vec::with_capacity(batches.len());
        let mut remaining = 0;
        // The sender, named on the append event (a record's lineage starts there).
        let sender = match client {
            NodeId::Client(c) => Some(c),
            _ => None,
        };
        for (part, (tp, data, ids, txn)) in batches.into_iter().enumerate() {
            let part = part as u32;
            let r = self.append_produce(&tp, data, (ids, sender), txn, acks, request_id, part, ctx);
            if r.is_none() {
                remaining += 1;
            }
            results.push((tp, r));
        }
        if acks == Acks::Zero {
            return;
        }
        let d = DelayedProduce {
            client,
            results,
            remaining,
            answer,
        };
        if remaining == 0 {
            self.respond_produce(request_id, d, ctx);
        } else {
            self.delayed.insert(request_id, d);
            self.timer(
                ctx,
                ctx.now + PRODUCE_TIMEOUT_MS,
                BrokerTimer::ProduceTimeout { request_id },
            );
        }
    }

    /// Appends one partition's batch as leader. `None` = waiting for the HW (acks=all).
    #[allow(clippy::too_many_arguments)]
    fn append_produce(
        &mut self,
        tp: &TopicPartition,
        data: Arc<BatchData>,
        (ids, sender): (Option<ProducerIds>, Option<ClientId>),
        txn: Option<Txn>,
        acks: Acks,
        request_id: u64,
        part: u32,
        ctx: &mut Ctx,
    ) -> Option<Result<(Offset, Epoch), ErrorKind>> {
        let Some(topic) = self.metadata.topics.get(&tp.topic) else {
            return Some(Err(ErrorKind::UnknownTopicOrPartitionException));
        };
        // `LogValidator`: "Compacted topic cannot accept message without key".
        if topic.config.cleanup_compact && (0..data.len()).any(|i| data.key(i).is_none()) {
            return Some(Err(ErrorKind::InvalidRecordException));
        }
        let min_isr = topic.effective_min_isr(tp.partition.0);
        let log_append_time = topic.config.message_timestamp_type == TimestampType::LogAppendTime;
        let Some(replica) = self.replicas.get_mut(tp) else {
            return Some(Err(ErrorKind::NotLeaderOrFollowerException));
        };
        let Some(state) = replica.leader_state() else {
            return Some(Err(ErrorKind::NotLeaderOrFollowerException));
        };
        if acks == Acks::All && (state.isr.len() as u32) < min_isr {
            return Some(Err(ErrorKind::NotEnoughReplicasException));
        }
        let mut epoch = state.epoch;
        let checked = match ids {
            Some(ids) if !txn.is_some_and(Txn::is_marker) => {
                replica.log.producers().check(ids, data.len())
            }
            _ => Ok(SequenceCheck::Append),
        };
        let (base, required) = match checked {
            Err(e) => return Some(Err(e)),
            // `UnifiedLog.append` finds the batch among the producer's last 5: nothing is
            // written, the answer carries the original offsets (and waits for them under
            // acks=all, as a fresh append would).
            Ok(SequenceCheck::Duplicate { base, end }) => {
                epoch = replica.log.epoch_at(base).unwrap_or(epoch);
                (base, end)
            }
            Ok(SequenceCheck::Append) => {
                let append_time = log_append_time.then_some(ctx.now);
                self.append_as_leader(tp, epoch, data, (ids, sender), txn, append_time, ctx)
            }
        };
        match acks {
            Acks::Zero | Acks::One => Some(Ok((base, epoch))),
            Acks::All => self.await_hw(
                tp,
                WaitingAck {
                    required,
                    request_id,
                    part,
                    base_offset: base,
                    epoch,
                },
            ),
        }
    }

    /// An append that waits for the ISR (acks=all, a coordinator's write): its result at once
    /// if the HW already covers it, else `None`, parked on the leader's replica until the HW
    /// passes it or the request fails.
    pub(super) fn await_hw(&mut self, tp: &TopicPartition, w: WaitingAck) -> Option<ProduceResult> {
        let replica = self.replicas.get_mut(tp).expect("appended as leader");
        if replica.high_watermark >= w.required {
            return Some(Ok((w.base_offset, w.epoch)));
        }
        let state = replica.leader_state_mut().expect("leader");
        state.waiting.push_back(w);
        None
    }

    /// Resolves one part of a delayed produce; answers the request once all parts are.
    pub(super) fn complete_part(
        &mut self,
        request_id: u64,
        part: u32,
        result: Result<(Offset, Epoch), ErrorKind>,
        ctx: &mut Ctx,
    ) {
        let Some(d) = self.delayed.get_mut(&request_id) else {
            return;
        };
        let Some(slot) = d.results.get_mut(part as usize) else {
            return;
        };
        if slot.1.is_some() {
            return;
        }
        slot.1 = Some(result);
        d.remaining -= 1;
        if d.remaining == 0 {
            let d = self.delayed.remove(&request_id).expect("present");
            self.respond_produce(request_id, d, ctx);
        }
    }

    pub(super) fn respond_produce(&mut self, request_id: u64, d: DelayedProduce, ctx: &mut Ctx) {
        let answer = match d.answer {
            DelayedAnswer::OffsetCommit(commit) => {
                let ok = d.results.iter().all(|(_, r)| matches!(r, Some(Ok(_))));
                self.finish_commit(d.client, request_id, *commit, ok, ctx);
                return;
            }
            DelayedAnswer::GroupSync(sync) => {
                let failed = d.results.into_iter().find_map(|(_, r)| match r {
                    Some(Ok(_)) => None,
                    Some(Err(e)) => Some(e),
                    None => Some(ErrorKind::TimeoutException),
                });
                self.finish_sync(*sync, failed.map_or(Ok(()), Err), ctx);
                return;
            }
            answer => answer,
        };
        let results: Vec<_> = d
            .results
            .into_iter()
            .map(|(tp, r)| (tp, r.unwrap_or(Err(ErrorKind::TimeoutException))))
            .collect();
        if answer == DelayedAnswer::TxnMarkers {
            let m = Message::WriteTxnMarkersResponse {
                request_id,
                results,
            };
            ctx.send(self.node(), d.client, m);
            return;
        }
        // KIP-951 (`ReplicaManager.appendRecords` fills `currentLeader`): where this broker
        // is not the leader, the leader its metadata names.
        let current_leaders = results
            .iter()
            .filter(|(_, r)| *r == Err(ErrorKind::NotLeaderOrFollowerException))
            .filter_map(|(tp, _)| {
                let p = self.metadata.partition(tp)?;
                let leader = p.leader.filter(|l| *l != self.id)?;
                Some((tp.clone(), leader, p.leader_epoch))
            })
            .collect();
        ctx.send(
            self.node(),
            d.client,
            Message::ProduceResponse {
                request_id,
                results,
                current_leaders,
            },
        );
    }
}

impl Broker {
    /// Appends `data` to this leader's replica of `tp` in `epoch`, then does what follows every
    /// leader append: the event, parked fetches woken, the HW moved. Returns the batch's base
    /// offset and the new LEO. The caller has checked that the replica exists and leads.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn append_as_leader(
        &mut self,
        tp: &TopicPartition,
        epoch: Epoch,
        data: Arc<BatchData>,
        (producer, sender): (Option<ProducerIds>, Option<ClientId>),
        txn: Option<Txn>,
        log_append_time_ms: Option<u64>,
        ctx: &mut Ctx,
    ) -> (Offset, Offset) {
        let roll = self.roll_for(&tp.topic, ctx);
        let replica = self
            .replicas
            .get_mut(tp)
            .expect("the caller checked the replica");
        let base = replica.log.log_end_offset();
        let count = data.len();
        let mut batch = RecordBatch::new(base, epoch, log_append_time_ms, data);
        batch.producer = producer;
        batch.txn = txn;
        if replica.log.append_batch(Arc::new(batch), &roll) {
            ctx.emit(Event::SegmentRolled {
                broker: self.id,
                tp: tp.clone(),
                base_offset: base,
            });
        }
        let end = replica.log.log_end_offset();
        ctx.emit(Event::RecordsAppended {
            broker: self.id,
            tp: tp.clone(),
            base_offset: base,
            count,
            epoch,
            client: sender,
        });
        self.wake_parked(tp, ctx);
        self.advance_hw(tp, ctx);
        (base, end)
    }
}

impl Broker {
    /// WriteTxnMarkers on the partitions' leader: one control batch each.
    pub(crate) fn write_markers(
        &mut self,
        from: NodeId,
        request_id: u64,
        producer: (u64, u16),
        commit: bool,
        partitions: Vec<TopicPartition>,
        ctx: &mut Ctx,
    ) {
        let ids = ProducerIds {
            producer_id: producer.0,
            producer_epoch: producer.1,
            base_sequence: 0,
        };
        let txn = Some(if commit { Txn::Commit } else { Txn::Abort });
        let batches = partitions
            .into_iter()
            .map(|tp| (tp, Arc::default(), Some(ids), txn))
            .collect();
        self.handle_produce(from, request_id, Acks::All, batches, ctx);
    }
}
