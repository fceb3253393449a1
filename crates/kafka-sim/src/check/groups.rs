//! Consumer-group invariants (issue 4 adds consumer groups; until their events and state land
//! this is the hook they plug into, and it checks nothing):
//! - [`Invariant::ConsumerBelowHw`]: a consumer never receives a record at or above the HW
//!   of the partition's leader at fetch time (read_uncommitted).
//! - [`Invariant::OneOwnerPerGeneration`]: within one group generation no partition is
//!   assigned to two members.
//! - [`Invariant::CommitAtMostHw`]: a committed offset never exceeds the HW at commit time.
//!
//! `observe` sees every event once, in order (fetch responses, assignments and commits will
//! be checked there, against the HW the engine had then); `check` sees the state after every
//! step (assignments of the current generation).

#[allow(unused_imports)] // Used by the doc links above, and by the checks once groups land.
use super::{Invariant, Violation};
use crate::engine::Engine;
use crate::event::Event;
use crate::ids::SimTime;

#[derive(Clone, Debug, Default)]
pub(super) struct State {}

impl State {
    pub(super) fn observe(&mut self, _event: &Event, _index: u64) {}

    pub(super) fn check(&mut self, _e: &Engine, _now: SimTime) -> Result<(), Violation> {
        Ok(())
    }
}
