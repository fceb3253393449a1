//! The transactional producer (`TransactionManager` with a `transactional.id`): it finds its
//! transaction coordinator, gets its producer id and epoch by InitProducerId (fencing any
//! older producer of the id), adds each partition to the transaction (AddPartitionsToTxn)
//! before its first batch goes there, and once every record is answered ends the transaction
//! with EndTxn: commit, or abort when asked to or when a record failed (an abortable error:
//! the transaction cannot commit). A fenced producer (ProducerFencedException, or its batches
//! refused with an older epoch) stops for good.

use super::{Producer, ProducerTimer, REQUEST_TIMEOUT_MS, RETRY_BACKOFF_MS};
use crate::ctx::Ctx;
use crate::error::ErrorKind;
use crate::event::Event;
use crate::ids::{BrokerId, TopicPartition};
use crate::message::{Message, TxnRequest};
use crate::network::NodeId;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub use crate::broker::txn::TRANSACTION_TIMEOUT_MS;

/// Where the transactional producer is.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum TxnPhase {
    /// Finding the coordinator and getting a producer id.
    Init,
    /// Sending the records.
    Sending,
    /// EndTxn sent or to be sent.
    Ending,
    /// Finished: committed, aborted, or fenced.
    Done,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct TxnClient {
    pub transactional_id: Arc<str>,
    pub phase: TxnPhase,
    /// What the application asks for once its records are sent.
    pub commit: bool,
    coordinator: Option<BrokerId>,
    /// The request in flight and what it asked.
    in_flight: Option<(u64, TxnRequest)>,
    /// Partitions in the transaction.
    pub added: Vec<TopicPartition>,
    /// A record failed: the transaction can only abort (`abortableError`).
    pub failed: bool,
}

impl TxnClient {
    pub fn new(transactional_id: Arc<str>, commit: bool) -> Self {
        TxnClient {
            transactional_id,
            phase: TxnPhase::Init,
            commit,
            coordinator: None,
            in_flight: None,
            added: Vec::new(),
            failed: false,
        }
    }
}

impl Producer {
    fn txn_send(&mut self, request: TxnRequest, ctx: &mut Ctx) {
        let node = self.node();
        let cursor = self.bootstrap_cursor;
        let brokers = self.brokers.clone();
        let Some(t) = self.txn.as_deref_mut() else {
            return;
        };
        if t.in_flight.is_some() || t.phase == TxnPhase::Done {
            return;
        }
        let to = match (&request, t.coordinator) {
            (TxnRequest::FindCoordinator, _) | (_, None) => {
                if brokers.is_empty() {
                    return;
                }
                brokers[cursor % brokers.len()]
            }
            (_, Some(c)) => c,
        };
        let request = match t.coordinator {
            None => TxnRequest::FindCoordinator,
            Some(_) => request,
        };
        let request_id = ctx.id();
        t.in_flight = Some((request_id, request.clone()));
        let m = Message::TxnRequest {
            request_id,
            transactional_id: t.transactional_id.clone(),
            request,
        };
        ctx.send(node, NodeId::Broker(to), m);
        self.timer(
            ctx,
            ctx.now + REQUEST_TIMEOUT_MS,
            ProducerTimer::RequestTimeout { request_id },
        );
    }

    /// Drives the transaction after each change: a producer id first, the partitions of
    /// new batches, then EndTxn once every record is answered.
    pub(super) fn txn_step(&mut self, unadded: Vec<TopicPartition>, ctx: &mut Ctx) {
        let Some(t) = self.txn.as_deref() else {
            return;
        };
        match t.phase {
            TxnPhase::Init => {
                let r = TxnRequest::InitProducerId {
                    timeout_ms: TRANSACTION_TIMEOUT_MS,
                };
                self.txn_send(r, ctx)
            }
            TxnPhase::Sending if !t.failed && !unadded.is_empty() => {
                let (producer_id, epoch) = self.producer_id.expect("initialized");
                let r = TxnRequest::AddPartitions {
                    producer_id,
                    epoch,
                    partitions: unadded,
                };
                self.txn_send(r, ctx)
            }
            TxnPhase::Sending | TxnPhase::Ending
                if self.in_flight.is_empty() && (t.failed || self.pending_records() == 0) =>
            {
                let (producer_id, epoch) = self.producer_id.expect("initialized");
                let commit = t.commit && !t.failed;
                if t.failed {
                    // The unsent records fail with the transaction.
                    self.drop_unsent();
                }
                let t = self.txn.as_deref_mut().expect("checked");
                t.phase = TxnPhase::Ending;
                if t.added.is_empty() {
                    // Nothing was written: the transaction never started.
                    self.txn_done(commit, None, ctx);
                    return;
                }
                let r = TxnRequest::EndTxn {
                    producer_id,
                    epoch,
                    commit,
                };
                self.txn_send(r, ctx)
            }
            _ => {}
        }
    }

    pub(super) fn on_txn_response(
        &mut self,
        request_id: u64,
        result: Result<(u64, u16), ErrorKind>,
        ctx: &mut Ctx,
    ) {
        let Some(t) = self.txn.as_deref_mut() else {
            return;
        };
        let Some((_, request)) = t.in_flight.take_if(|r| r.0 == request_id) else {
            return;
        };
        match (request, result) {
            (TxnRequest::FindCoordinator, Ok((b, _))) => {
                t.coordinator = Some(BrokerId(b as u32));
                self.drain(ctx);
            }
            (TxnRequest::InitProducerId { .. }, Ok(pid)) => {
                t.phase = TxnPhase::Sending;
                self.on_producer_id(Ok(pid), ctx);
            }
            (TxnRequest::AddPartitions { partitions, .. }, Ok(_)) => {
                t.added.extend(partitions);
                self.drain(ctx);
            }
            (TxnRequest::EndTxn { commit, .. }, Ok(_)) => self.txn_done(commit, None, ctx),
            (_, Err(ErrorKind::ProducerFencedException | ErrorKind::InvalidTxnStateException))
            | (_, Err(ErrorKind::InvalidProducerEpochException)) => {
                let e = result.expect_err("matched");
                self.drop_unsent();
                self.txn_done(false, Some(e), ctx);
            }
            (_, Err(e)) => {
                // Retriable: find the coordinator again if it moved, then retry after the
                // backoff.
                if matches!(
                    e,
                    ErrorKind::NotCoordinatorException
                        | ErrorKind::CoordinatorNotAvailableException
                        | ErrorKind::NetworkException
                ) {
                    t.coordinator = None;
                    self.bootstrap_cursor += 1;
                }
                self.timer(ctx, ctx.now + RETRY_BACKOFF_MS, ProducerTimer::Wakeup);
            }
        }
    }

    /// A TxnRequest with no answer (timeout, or the broker is down).
    pub(super) fn txn_request_failed(&mut self, request_id: u64, ctx: &mut Ctx) -> bool {
        let ours = self
            .txn
            .as_deref()
            .is_some_and(|t| t.in_flight.as_ref().is_some_and(|r| r.0 == request_id));
        if ours {
            self.on_txn_response(request_id, Err(ErrorKind::NetworkException), ctx);
        }
        ours
    }

    /// A batch of the transaction failed for good, or was refused for an older epoch.
    pub(super) fn txn_batch_failed(&mut self, error: ErrorKind) {
        if let Some(t) = self.txn.as_deref_mut() {
            t.failed = true;
            if error == ErrorKind::InvalidProducerEpochException {
                // Fenced: the coordinator bumped the epoch for a newer producer or a timeout.
                t.phase = TxnPhase::Ending;
            }
        }
    }

    fn txn_done(&mut self, committed: bool, error: Option<ErrorKind>, ctx: &mut Ctx) {
        let Some(t) = self.txn.as_deref_mut() else {
            return;
        };
        if t.phase == TxnPhase::Done {
            return;
        }
        t.phase = TxnPhase::Done;
        ctx.emit(Event::TransactionEnded {
            producer: self.name.clone(),
            committed: committed && error.is_none(),
            error,
        });
    }

    /// The producer process dies mid-transaction: nothing more is sent, no EndTxn; the
    /// coordinator aborts the transaction after `transaction.timeout.ms`.
    pub fn kill_transactional(&mut self) {
        if let Some(t) = self.txn.as_deref_mut() {
            t.phase = TxnPhase::Done;
            t.in_flight = None;
        }
        self.in_flight.clear();
        self.waiting.clear();
        for ts in self.topics.values_mut() {
            for q in ts.queues.iter_mut() {
                q.open = None;
                q.ready.clear();
                q.in_flight = 0;
            }
        }
    }

    /// Records not yet sent fail with the transaction.
    fn drop_unsent(&mut self) {
        let mut n = 0;
        for ts in self.topics.values_mut() {
            for q in ts.queues.iter_mut() {
                n += q.open.take().map_or(0, |b| u64::from(b.data.len()));
                n += q
                    .ready
                    .drain(..)
                    .map(|b| u64::from(b.data.len()))
                    .sum::<u64>();
            }
        }
        n += self.waiting.drain(..).count() as u64;
        self.stats.records_failed += n;
    }

    /// Whether the producer is transactional and done (nothing more to drive).
    pub fn txn_finished(&self) -> bool {
        self.txn
            .as_deref()
            .is_some_and(|t| t.phase == TxnPhase::Done)
    }
}
