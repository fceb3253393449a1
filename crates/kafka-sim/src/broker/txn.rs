//! The transaction coordinator (`TransactionCoordinator`, `TransactionStateManager`) on the
//! broker that leads the transactional id's `__transaction_state` partition
//! (`abs(transactionalId.hashCode()) % 50`, found as a group's coordinator is): InitProducerId
//! with a transactional id (a new epoch fences the older producer; an open transaction is
//! aborted first), AddPartitionsToTxn, EndTxn, and the markers (WriteTxnMarkers) it then
//! writes to every partition of the transaction before the transaction is complete. Every
//! state change is a record of the partition (`txn:<id>`), loaded back when another broker
//! becomes its leader, which then finishes what was prepared. A transaction open longer than
//! its `transaction.timeout.ms` is aborted with a bumped epoch at the next check
//! (`transaction.abort.timed.out.transaction.cleanup.interval.ms`).

use super::{Broker, BrokerTimer};
use crate::assignor::java::offsets_partition_for;
use crate::ctx::Ctx;
use crate::error::ErrorKind;
use crate::event::Event;
use crate::ids::{BrokerId, SimTime, TopicPartition};
use crate::message::{Message, ProduceResult, TxnRequest};
use crate::network::NodeId;
use crate::sorted::SortedMap;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub const TXN_TOPIC: &str = "__transaction_state";
/// `transaction.state.log.num.partitions`.
pub const TXN_TOPIC_PARTITIONS: u32 = 50;
/// `transaction.state.log.replication.factor`.
pub const TXN_TOPIC_REPLICATION_FACTOR: u32 = 3;
/// `transaction.state.log.min.isr`.
pub const TXN_TOPIC_MIN_ISR: u32 = 2;
/// `transaction.timeout.ms` of the producer.
pub const TRANSACTION_TIMEOUT_MS: u64 = 60_000;
/// `transaction.abort.timed.out.transaction.cleanup.interval.ms`.
pub const TXN_TIMEOUT_CHECK_MS: u64 = 10_000;
/// How soon markers that could not be written are sent again.
const MARKER_RETRY_MS: u64 = 100;
/// A marker request with no answer by then is sent again (`request.timeout.ms`).
const MARKER_TIMEOUT_MS: u64 = 30_000;

/// `TransactionState`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum TxnState {
    Empty,
    Ongoing,
    PrepareCommit,
    PrepareAbort,
    CompleteCommit,
    CompleteAbort,
}

const STATES: [(TxnState, &str); 6] = [
    (TxnState::Empty, "Empty"),
    (TxnState::Ongoing, "Ongoing"),
    (TxnState::PrepareCommit, "PrepareCommit"),
    (TxnState::PrepareAbort, "PrepareAbort"),
    (TxnState::CompleteCommit, "CompleteCommit"),
    (TxnState::CompleteAbort, "CompleteAbort"),
];

impl TxnState {
    pub fn as_str(self) -> &'static str {
        STATES.iter().find(|s| s.0 == self).expect("listed").1
    }
    fn preparing(self) -> bool {
        matches!(self, TxnState::PrepareCommit | TxnState::PrepareAbort)
    }
}

/// `TransactionMetadata` of one transactional id.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct TxnMeta {
    pub producer_id: u64,
    pub epoch: u16,
    pub state: TxnState,
    pub timeout_ms: u64,
    /// When the open transaction started (`txnStartTimestamp`).
    pub started_ms: SimTime,
    pub partitions: Vec<TopicPartition>,
    /// Partitions whose marker is not written yet (while preparing).
    #[serde(default)]
    pub pending: Vec<TopicPartition>,
    /// The marker round: answers and timers of older rounds are ignored.
    #[serde(default)]
    pub round: u64,
    #[serde(default)]
    pub awaiting: u32,
}

impl TxnMeta {
    /// The `txn:<id>` record's value: `pid epoch state timeout started topic/partition ...`.
    fn encode(&self) -> String {
        let mut s = format!(
            "{} {} {} {} {}",
            self.producer_id,
            self.epoch,
            self.state.as_str(),
            self.timeout_ms,
            self.started_ms
        );
        for tp in &self.partitions {
            s.push_str(&format!(" {}/{}", tp.topic, tp.partition.0));
        }
        s
    }

    fn decode(v: &str) -> Option<TxnMeta> {
        let mut it = v.split(' ');
        let producer_id = it.next()?.parse().ok()?;
        let epoch = it.next()?.parse().ok()?;
        let state = it.next()?;
        let state = STATES.iter().find(|s| s.1 == state)?.0;
        let timeout_ms = it.next()?.parse().ok()?;
        let started_ms = it.next()?.parse().ok()?;
        let partitions = it
            .map(|tp| {
                let (t, p) = tp.rsplit_once('/')?;
                Some(TopicPartition::new(t, p.parse().ok()?))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(TxnMeta {
            producer_id,
            epoch,
            state,
            timeout_ms,
            started_ms,
            partitions,
            pending: Vec::new(),
            round: 0,
            awaiting: 0,
        })
    }
}

const KEY_PREFIX: &str = "txn:";

impl Broker {
    fn txn_partitions(&self) -> u32 {
        self.metadata
            .topics
            .get(TXN_TOPIC)
            .map_or(TXN_TOPIC_PARTITIONS, |t| t.partitions.len() as u32)
    }

    fn txn_tp(&self, id: &str) -> TopicPartition {
        TopicPartition::new(TXN_TOPIC, offsets_partition_for(id, self.txn_partitions()))
    }

    fn txn_reply(
        &self,
        to: NodeId,
        request_id: u64,
        result: Result<(u64, u16), ErrorKind>,
        ctx: &mut Ctx,
    ) {
        ctx.send(self.node(), to, Message::TxnResponse { request_id, result });
    }

    pub(crate) fn handle_txn(
        &mut self,
        from: NodeId,
        request_id: u64,
        id: Arc<str>,
        req: TxnRequest,
        ctx: &mut Ctx,
    ) {
        let tp = self.txn_tp(&id);
        if req == TxnRequest::FindCoordinator {
            let result = if self.metadata.topics.contains_key(TXN_TOPIC) {
                self.metadata
                    .partition(&tp)
                    .and_then(|p| p.leader)
                    .map(|b| (u64::from(b.0), 0))
                    .ok_or(ErrorKind::CoordinatorNotAvailableException)
            } else {
                ctx.send(
                    self.node(),
                    NodeId::Controller,
                    Message::CreateTransactionTopic,
                );
                Err(ErrorKind::CoordinatorNotAvailableException)
            };
            self.txn_reply(from, request_id, result, ctx);
            return;
        }
        if self
            .replicas
            .get(&tp)
            .is_none_or(|r| r.leader_state().is_none())
        {
            self.txn_reply(
                from,
                request_id,
                Err(ErrorKind::NotCoordinatorException),
                ctx,
            );
            return;
        }
        let result = match req {
            TxnRequest::FindCoordinator => unreachable!("answered above"),
            TxnRequest::InitProducerId { timeout_ms } => self.init_txn_pid(&id, timeout_ms, ctx),
            TxnRequest::AddPartitions {
                producer_id,
                epoch,
                partitions,
            } => self.add_partitions(&id, producer_id, epoch, partitions, ctx),
            TxnRequest::EndTxn {
                producer_id,
                epoch,
                commit,
            } => self.end_txn(&id, producer_id, epoch, commit, ctx),
        };
        self.txn_reply(from, request_id, result, ctx);
    }

    /// `handleInitProducerId` with a transactional id.
    fn init_txn_pid(
        &mut self,
        id: &Arc<str>,
        timeout_ms: u64,
        ctx: &mut Ctx,
    ) -> Result<(u64, u16), ErrorKind> {
        let state = self.txns.get(id).map(|m| m.state);
        match state {
            Some(s) if s.preparing() => return Err(ErrorKind::ConcurrentTransactionsException),
            Some(TxnState::Ongoing) => {
                // The older producer's transaction is aborted, with an epoch that fences it;
                // the new producer retries until the abort is complete.
                self.prepare_end(id, false, true, ctx);
                return Err(ErrorKind::ConcurrentTransactionsException);
            }
            _ => {}
        }
        let existing = self.txns.get(id).filter(|m| m.epoch < i16::MAX as u16 - 1);
        let (producer_id, epoch) = match existing {
            Some(m) => (m.producer_id, m.epoch + 1),
            None => (
                self.take_producer_id(ctx)
                    .ok_or(ErrorKind::ConcurrentTransactionsException)?,
                0,
            ),
        };
        let meta = TxnMeta {
            producer_id,
            epoch,
            state: TxnState::Empty,
            timeout_ms,
            started_ms: ctx.now,
            partitions: Vec::new(),
            pending: Vec::new(),
            round: 0,
            awaiting: 0,
        };
        self.txns.insert(id.clone(), meta);
        self.write_txn(id, ctx);
        Ok((producer_id, epoch))
    }

    /// Checks a request's producer id and epoch against the coordinator's (`ProducerFenced`
    /// for an older epoch).
    fn check_producer(
        &self,
        id: &str,
        producer_id: u64,
        epoch: u16,
    ) -> Result<&TxnMeta, ErrorKind> {
        let m = self
            .txns
            .get(id)
            .ok_or(ErrorKind::InvalidTxnStateException)?;
        if m.producer_id != producer_id || epoch < m.epoch {
            return Err(ErrorKind::ProducerFencedException);
        }
        if m.state.preparing() {
            return Err(ErrorKind::ConcurrentTransactionsException);
        }
        Ok(m)
    }

    fn add_partitions(
        &mut self,
        id: &Arc<str>,
        producer_id: u64,
        epoch: u16,
        partitions: Vec<TopicPartition>,
        ctx: &mut Ctx,
    ) -> Result<(u64, u16), ErrorKind> {
        let m = self.check_producer(id, producer_id, epoch)?;
        let starts = m.state != TxnState::Ongoing;
        let m = self.txns.get_mut(id).expect("checked");
        if starts {
            m.state = TxnState::Ongoing;
            m.started_ms = ctx.now;
            m.partitions.clear();
            // The next timeout check after the deadline aborts it.
            let at = (ctx.now + m.timeout_ms).div_ceil(TXN_TIMEOUT_CHECK_MS) * TXN_TIMEOUT_CHECK_MS;
            let t = BrokerTimer::TxnTimeout {
                id: id.clone(),
                producer_id,
                epoch,
            };
            self.timer(ctx, at, t);
        }
        let m = self.txns.get_mut(id).expect("checked");
        for tp in partitions {
            if !m.partitions.contains(&tp) {
                m.partitions.push(tp);
            }
        }
        self.write_txn(id, ctx);
        Ok((producer_id, epoch))
    }

    fn end_txn(
        &mut self,
        id: &Arc<str>,
        producer_id: u64,
        epoch: u16,
        commit: bool,
        ctx: &mut Ctx,
    ) -> Result<(u64, u16), ErrorKind> {
        let m = self.check_producer(id, producer_id, epoch)?;
        match (m.state, commit) {
            (TxnState::Ongoing, _) => {}
            // A retried EndTxn whose first answer was lost.
            (TxnState::CompleteCommit, true) | (TxnState::CompleteAbort, false) => {
                return Ok((producer_id, epoch))
            }
            _ => return Err(ErrorKind::InvalidTxnStateException),
        }
        self.prepare_end(id, commit, false, ctx);
        Ok((producer_id, epoch))
    }

    /// PrepareCommit or PrepareAbort is written, then the markers go out. A timeout or a
    /// fencing InitProducerId bumps the epoch, so the old producer is fenced.
    fn prepare_end(&mut self, id: &Arc<str>, commit: bool, bump: bool, ctx: &mut Ctx) {
        let Some(m) = self.txns.get_mut(id) else {
            return;
        };
        if bump {
            m.epoch += 1;
        }
        m.state = if commit {
            TxnState::PrepareCommit
        } else {
            TxnState::PrepareAbort
        };
        m.pending = m.partitions.clone();
        self.write_txn(id, ctx);
        self.send_markers(id, ctx);
    }

    /// WriteTxnMarkers to the leaders of the partitions still without their marker.
    fn send_markers(&mut self, id: &Arc<str>, ctx: &mut Ctx) {
        let Some(m) = self.txns.get_mut(id) else {
            return;
        };
        if m.pending.is_empty() {
            self.complete_txn(id, ctx);
            return;
        }
        m.round += 1;
        m.awaiting = 0;
        let (producer_id, epoch, round) = (m.producer_id, m.epoch, m.round);
        let commit = m.state == TxnState::PrepareCommit;
        let mut per: Vec<(BrokerId, Vec<TopicPartition>)> = Vec::new();
        for tp in &m.pending {
            if let Some(l) = self.metadata.partition(tp).and_then(|p| p.leader) {
                crate::small_map::entry(&mut per, l).push(tp.clone());
            }
        }
        m.awaiting = per.len() as u32;
        let retry = if per.is_empty() {
            MARKER_RETRY_MS
        } else {
            MARKER_TIMEOUT_MS
        };
        for (leader, partitions) in per {
            let request_id = ctx.id();
            self.marker_requests.push((request_id, id.clone(), round));
            let msg = Message::WriteTxnMarkers {
                request_id,
                producer_id,
                epoch,
                commit,
                partitions,
            };
            ctx.send(self.node(), NodeId::Broker(leader), msg);
        }
        let t = BrokerTimer::TxnMarkers {
            id: id.clone(),
            round,
        };
        self.timer(ctx, ctx.now + retry, t);
    }

    pub(crate) fn on_markers_written(
        &mut self,
        request_id: u64,
        results: Vec<(TopicPartition, ProduceResult)>,
        ctx: &mut Ctx,
    ) {
        let Some(i) = self.marker_requests.iter().position(|r| r.0 == request_id) else {
            return;
        };
        let (_, id, round) = self.marker_requests.swap_remove(i);
        let Some(m) = self.txns.get_mut(&id).filter(|m| m.round == round) else {
            return;
        };
        m.pending
            .retain(|tp| !results.iter().any(|(t, r)| t == tp && r.is_ok()));
        m.awaiting = m.awaiting.saturating_sub(1);
        if m.pending.is_empty() {
            self.complete_txn(&id, ctx);
        } else if m.awaiting == 0 {
            let t = BrokerTimer::TxnMarkers { id, round };
            self.timer(ctx, ctx.now + MARKER_RETRY_MS, t);
        }
    }

    /// A marker round's retry or timeout.
    pub(crate) fn on_markers_timer(&mut self, id: Arc<str>, round: u64, ctx: &mut Ctx) {
        let live = self
            .txns
            .get(&id)
            .is_some_and(|m| m.round == round && m.state.preparing());
        if live {
            self.send_markers(&id, ctx);
        }
    }

    /// Every marker is written: CompleteCommit or CompleteAbort.
    fn complete_txn(&mut self, id: &Arc<str>, ctx: &mut Ctx) {
        let Some(m) = self.txns.get_mut(id) else {
            return;
        };
        let committed = m.state == TxnState::PrepareCommit;
        m.state = if committed {
            TxnState::CompleteCommit
        } else {
            TxnState::CompleteAbort
        };
        let (producer_id, epoch) = (m.producer_id, m.epoch);
        self.write_txn(id, ctx);
        ctx.emit(Event::TransactionCompleted {
            broker: self.id,
            transactional_id: id.clone(),
            producer_id,
            epoch,
            committed,
        });
    }

    /// `transaction.timeout.ms` passed: the coordinator aborts the transaction if it is still
    /// the same one (`abortTimedOutTransactions`).
    pub(crate) fn on_txn_timeout(
        &mut self,
        id: Arc<str>,
        producer_id: u64,
        epoch: u16,
        ctx: &mut Ctx,
    ) {
        let timed_out = self.txns.get(&id).is_some_and(|m| {
            m.state == TxnState::Ongoing
                && (m.producer_id, m.epoch) == (producer_id, epoch)
                && ctx.now >= m.started_ms + m.timeout_ms
        });
        if timed_out
            && self
                .replicas
                .get(&self.txn_tp(&id))
                .is_some_and(|r| r.leader_state().is_some())
        {
            ctx.emit(Event::TransactionTimedOut {
                broker: self.id,
                transactional_id: id.clone(),
                producer_id,
            });
            self.prepare_end(&id, false, true, ctx);
        }
    }

    /// Writes the transaction's state record (`TransactionStateManager.appendTransactionToLog`).
    fn write_txn(&mut self, id: &str, ctx: &mut Ctx) {
        let Some(m) = self.txns.get(id) else {
            return;
        };
        let record = (format!("{KEY_PREFIX}{id}"), Some(m.encode()));
        let tp = self.txn_tp(id);
        self.append_internal(&tp, &[record], ctx);
    }

    /// This broker now leads `__transaction_state-<partition>`: load its transactions and
    /// finish the prepared ones; open ones get their timeout again.
    pub(crate) fn load_txns(&mut self, partition: u32, ctx: &mut Ctx) {
        let tp = TopicPartition::new(TXN_TOPIC, partition);
        let Some(replica) = self.replicas.get(&tp) else {
            return;
        };
        let mut loaded: SortedMap<Arc<str>, TxnMeta> = SortedMap::new();
        let log = &replica.log;
        for r in log.records(log.log_start_offset(), log.log_end_offset()) {
            let key = r.key.and_then(|k| std::str::from_utf8(k).ok());
            let Some(id) = key.and_then(|k| k.strip_prefix(KEY_PREFIX)) else {
                continue;
            };
            let value = r.value.and_then(|v| std::str::from_utf8(v).ok());
            if let Some(m) = value.and_then(TxnMeta::decode) {
                loaded.insert(Arc::from(id), m);
            }
        }
        for (id, m) in loaded {
            let state = m.state;
            let (producer_id, epoch) = (m.producer_id, m.epoch);
            let deadline = m.started_ms + m.timeout_ms;
            self.txns.insert(id.clone(), m);
            if state == TxnState::Ongoing {
                let at = deadline.div_ceil(TXN_TIMEOUT_CHECK_MS) * TXN_TIMEOUT_CHECK_MS;
                let t = BrokerTimer::TxnTimeout {
                    id,
                    producer_id,
                    epoch,
                };
                self.timer(ctx, at.max(ctx.now), t);
            } else if state.preparing() {
                let m = self.txns.get_mut(&id).expect("inserted");
                m.pending = m.partitions.clone();
                self.send_markers(&id, ctx);
            }
        }
    }

    /// This broker no longer leads the partition: forget its transactions.
    pub(crate) fn unload_txns(&mut self, partition: u32) {
        let n = self.txn_partitions();
        self.txns
            .retain(|id, _| offsets_partition_for(id, n) != partition);
    }
}
