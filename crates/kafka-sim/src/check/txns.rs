//! [`Invariant::ReadCommittedNoAborted`]: a read_committed consumer never receives a record of
//! an aborted transaction, nor one of a transaction still open (it reads below the last
//! stable offset). Checked from the log itself, not from the engine's transaction index: a
//! delivered transactional batch must be followed, in its partition leader's log, by a
//! commit marker of its producer before any abort marker. A batch retention deleted after the
//! consumer fetched it can no longer be judged from the log and is not (its marker may be gone
//! too).

use super::{Invariant, Violation};
use crate::engine::Engine;
use crate::event::Event;
use crate::ids::SimTime;
use crate::record::Txn;

/// Checks one delivery event (right after the step that made it).
pub(super) fn check_delivery(
    engine: &Engine,
    event: &Event,
    now: SimTime,
) -> Result<(), Violation> {
    let Event::RecordsDelivered {
        group,
        consumer,
        tp,
        records,
        ..
    } = event
    else {
        return Ok(());
    };
    if !engine.is_read_committed(group, consumer) {
        return Ok(());
    }
    let leader = engine
        .controller
        .image
        .partition(tp)
        .and_then(|p| p.leader)
        .and_then(|b| engine.brokers.get(&b))
        .and_then(|b| b.replicas.get(tp));
    let Some(leader) = leader else {
        return Ok(());
    };
    for c in records.iter().filter(|c| !c.is_empty()) {
        let (Some(Txn::Data), Some(ids)) = (c.batch.txn, c.batch.producer) else {
            continue;
        };
        let end = leader
            .log
            .chunks()
            .skip_while(|m| m.end_offset() <= c.base_offset())
            .find(|m| {
                m.batch.is_marker()
                    && m.batch
                        .producer
                        .is_some_and(|p| p.producer_id == ids.producer_id)
            })
            .and_then(|m| m.batch.txn);
        let what = match end {
            Some(Txn::Commit) => continue,
            Some(_) => "an aborted transaction",
            // Retention deleted the batch (and so perhaps its marker) since the consumer
            // fetched it: its buffered records are still delivered, as Kafka's are, and the
            // log can no longer tell how the transaction ended.
            None if leader.log.log_start_offset() >= c.end_offset() => continue,
            None => "a transaction still open",
        };
        return Err(Violation {
            invariant: Invariant::ReadCommittedNoAborted,
            at_ms: now,
            tp: Some(tp.clone()),
            broker: None,
            detail: format!(
                "read_committed consumer {consumer} of group {group} received offset {} of {what} (producer id {})",
                c.base_offset().0,
                ids.producer_id
            ),
        });
    }
    Ok(())
}
