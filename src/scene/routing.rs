//! Messages in flight, placed along the curves their links are drawn on: each view says how
//! to route between two nodes, this interpolates every envelope's send and delivery times.

use kafka_sim::message::MessageKind;
use kafka_sim::view::EnvelopeView;
use kafka_sim::{NodeId, SimTime};

use super::{Curve, Dot};

/// A message's family, which colours its dot: produce, replication (broker fetch), consume
/// (client fetch), heartbeat (broker to controller), group (coordinator protocol), metadata.
pub fn dot_class(e: &EnvelopeView) -> &'static str {
    let client = matches!(e.from, NodeId::Client(_)) || matches!(e.to, NodeId::Client(_));
    match e.kind {
        MessageKind::Produce | MessageKind::ProduceResponse => "produce",
        MessageKind::Fetch | MessageKind::FetchResponse if client => "consume",
        MessageKind::Fetch | MessageKind::FetchResponse => "fetch",
        MessageKind::BrokerHeartbeat | MessageKind::BrokerHeartbeatResponse => "heartbeat",
        MessageKind::FindCoordinator
        | MessageKind::FindCoordinatorResponse
        | MessageKind::JoinGroup
        | MessageKind::JoinGroupResponse
        | MessageKind::SyncGroup
        | MessageKind::SyncGroupResponse
        | MessageKind::Heartbeat
        | MessageKind::HeartbeatResponse
        | MessageKind::LeaveGroup
        | MessageKind::LeaveGroupResponse
        | MessageKind::OffsetCommit
        | MessageKind::OffsetCommitResponse
        | MessageKind::OffsetFetch
        | MessageKind::OffsetFetchResponse => "group",
        _ => "metadata",
    }
}

/// Every envelope `route` knows a curve for, at its place at `now`.
pub fn place_dots(
    in_flight: &[EnvelopeView],
    now: SimTime,
    route: impl Fn(&EnvelopeView) -> Option<Curve>,
) -> Vec<Dot> {
    in_flight
        .iter()
        .filter_map(|e| {
            let curve = route(e)?;
            let span = e.deliver_at.saturating_sub(e.sent_at).max(1) as f64;
            let t = (now.saturating_sub(e.sent_at) as f64 / span).clamp(0.0, 1.0);
            Some(Dot {
                at: curve.at(t),
                class: dot_class(e),
                doomed: e.doomed,
            })
        })
        .collect()
}
