//! [`Invariant::ConsumerAboveLogStart`]: records below the log start offset are never
//! delivered. Retention (or the leader's log start moving) makes them unreadable: a fetch
//! below the leader's log start is OFFSET_OUT_OF_RANGE (Kafka's `UnifiedLog.read` /
//! `ReplicaManager.readFromLocalLog`) and the consumer resets by `auto.offset.reset`, so no
//! record a consumer hands to its application lies below the leader's log start at the
//! time the leader served it (FetchResponse's `LogStartOffset`, which `RecordsDelivered`
//! carries).

use super::{Invariant, Violation};
use crate::event::Event;
use crate::ids::SimTime;

#[derive(Clone, Debug, Default)]
pub(super) struct State {
    violation: Option<Violation>,
    /// Deliveries served after the log start had moved (how much this invariant really
    /// checked).
    pub(super) deliveries_checked: u64,
}

impl State {
    pub(super) fn observe(&mut self, event: &Event, at_ms: SimTime) {
        let Event::RecordsDelivered {
            group,
            consumer,
            tp,
            records,
            log_start_offset,
            ..
        } = event
        else {
            return;
        };
        if log_start_offset.0 > 0 {
            self.deliveries_checked += 1;
        }
        let first = records.iter().find_map(|c| c.records().next());
        let Some(first) = first.filter(|r| r.offset < *log_start_offset) else {
            return;
        };
        self.violation.get_or_insert_with(|| Violation {
            invariant: Invariant::ConsumerAboveLogStart,
            at_ms,
            tp: Some(tp.clone()),
            broker: None,
            detail: format!(
                "{consumer} of group {group} received offset {} below the log start {} the leader served it with",
                first.offset.0, log_start_offset.0
            ),
        });
    }

    pub(super) fn check(&mut self) -> Result<(), Violation> {
        self.violation.take().map_or(Ok(()), Err)
    }
}
