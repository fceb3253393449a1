//! Deadlines: the reasons things are about to happen. Each is a timeout the engine will act
//! on, with the time it acts, Kafka's config that sets it and the config's value here.
//!
//! Only deadlines that will fire given what the simulator knows are listed (a dead or cut-off
//! broker, a follower that stopped catching up, a consumer that stopped heartbeating, a
//! rebalance under way, a leader that is not the preferred one), never the session timers a
//! healthy cluster renews with every heartbeat. The times are read from the timers and
//! deadlines the engine itself acts on (controller registrations, the leaders' follower state
//! and ISR checks, the coordinators' member sessions and join timers), plus the latency of the
//! message that carries the change, so `at` is when the change is recorded as an event.
//!
//! What counts as "will fire" (thresholds):
//! - A broker is fenced when it is dead, cut off, or no longer holds its registration
//!   (restarted and registering anew): nothing will renew its session. A running, connected
//!   broker is fenced only if its next heartbeat (its heartbeat timer plus the trip to the
//!   controller) arrives after the session ends, as after a long cut that was just healed.
//!   This is exact where the usual rule, a last heartbeat older than two
//!   `broker.heartbeat.interval.ms`, would be a guess.
//! - A follower leaves the ISR when its broker is about to be fenced (the controller removes
//!   it then), or when it is behind the leader's LEO and has not caught up for longer than
//!   [`follower_stall_ms`]: two long-poll fetch round trips plus one fetch backoff, longer than
//!   a healthy follower ever goes without catching up.
//! - A member's session expires when no running consumer holds its member id (killed, or
//!   rejoined under a new id), or its last heartbeat is older than two
//!   `heartbeat.interval.ms`. A heartbeat already on the wire renews the session on arrival.

use crate::broker::ISR_CHECK_INTERVAL_MS;
use crate::broker::{REPLICA_FETCH_BACKOFF_MS, REPLICA_FETCH_WAIT_MAX_MS};
use crate::consumer::HEARTBEAT_INTERVAL_MS;
use crate::controller::LEADER_IMBALANCE_CHECK_INTERVAL_MS;
use crate::controller::{preferred_move, BROKER_SESSION_TIMEOUT_MS};
use crate::engine::Engine;
use crate::group::{Group, GroupState, Member, GROUP_INITIAL_REBALANCE_DELAY_MS};
use crate::ids::{BrokerId, SimTime, TopicPartition};
use crate::message::{GroupRequest, Message};
use crate::metadata::PartitionRegistration;
use crate::network::NodeId;
use crate::replica::REPLICA_LAG_TIME_MAX_MS;
use crate::small_map;
use std::sync::Arc;

/// A timeout the engine will act on at `at`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DeadlineView {
    pub at: SimTime,
    pub kind: DeadlineKind,
    /// Kafka's name of the config that sets the timeout, e.g. `broker.session.timeout.ms`.
    pub config: &'static str,
    /// Its value in this engine, in ms (`leader.imbalance.check.interval.seconds` too).
    pub config_ms: u64,
}

/// What happens at a deadline.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum DeadlineKind {
    /// The controller fences `broker` at `at` unless a heartbeat arrives.
    BrokerFence { broker: BrokerId },
    /// `follower` leaves the ISR of `tp` at `at`: the leader removes it after
    /// `replica.lag.time.max.ms` without catching up (at the leader's ISR check, when its
    /// AlterPartition reaches the controller), or, when the follower's broker is fenced
    /// first, the controller removes it then (`config` says which).
    IsrShrink {
        tp: TopicPartition,
        leader: BrokerId,
        follower: BrokerId,
    },
    /// The coordinator removes the member from `group` at `at` (no heartbeat for
    /// `session.timeout.ms`).
    SessionExpiry {
        group: String,
        client_id: String,
        member_id: String,
    },
    /// The join phase of `group`'s rebalance ends at `at`: the first one waits
    /// `group.initial.rebalance.delay.ms` for more members (extended once per delay while
    /// members keep arriving); later ones wait up to the rebalance timeout
    /// (`max.poll.interval.ms`) for members to rejoin, or end when the session of the last
    /// member that will not rejoin expires (`session.timeout.ms`), whichever is first.
    JoinPhaseEnds { group: String, initial: bool },
    /// The controller's automatic preferred leader election
    /// (`auto.leader.rebalance.enable`, every `leader.imbalance.check.interval.seconds`)
    /// moves `tp`'s leadership back to its first replica, `preferred`, at `at`.
    PreferredLeaderElection {
        tp: TopicPartition,
        preferred: BrokerId,
    },
}

/// A member's heartbeat older than this is overdue: two `heartbeat.interval.ms`.
pub const MEMBER_HEARTBEAT_OVERDUE_MS: u64 = 2 * HEARTBEAT_INTERVAL_MS;

/// How long a follower that is behind may go without catching up before it counts as
/// stalled, given the cluster's normal fetch round trip `rtt_ms` (twice the link latency,
/// 4 ms by default: 2008 ms in all). A healthy follower last caught up at its previous
/// fetch at the latest, and its fetches follow each other within one long poll
/// (`replica.fetch.wait.max.ms`) plus a round trip, or a `replica.fetch.backoff.ms` after an
/// error. Two long-poll round trips plus one backoff is more than that (the step-by-step
/// test of a quiet cluster passes with one round trip), and far less than
/// `replica.lag.time.max.ms`, so the countdown shows for most of the lag time.
pub fn follower_stall_ms(rtt_ms: u64) -> u64 {
    2 * (REPLICA_FETCH_WAIT_MAX_MS + rtt_ms) + REPLICA_FETCH_BACKOFF_MS
}

/// When each broker about to be fenced is fenced (a few entries: only failing brokers).
type Fences = Vec<(BrokerId, SimTime)>;
/// The ISR shrinks about to happen, by (partition, follower) (only failing followers).
type Shrinks = Vec<((TopicPartition, BrokerId), DeadlineView)>;

/// A member's session: (coordinator, group, member id, generation).
type MemberSession = (BrokerId, Arc<str>, Arc<str>, i32);

/// Heartbeats on the wire whose link is up: they renew a session when they arrive.
#[derive(Default)]
struct HeartbeatsOnTheWire {
    /// Latest arrival of a heartbeat per (broker, broker epoch).
    brokers: Vec<((BrokerId, u64), SimTime)>,
    /// Latest arrival per (coordinator, group, member, generation).
    members: Vec<(MemberSession, SimTime)>,
}

impl HeartbeatsOnTheWire {
    fn scan(e: &Engine) -> Self {
        let mut w = HeartbeatsOnTheWire::default();
        for env in e.network.in_flight.values() {
            if !e.network.connected(env.from, env.to) {
                continue;
            }
            let key = match (&env.message, env.from, env.to) {
                (Message::BrokerHeartbeat { broker_epoch, .. }, NodeId::Broker(b), _) => {
                    let t = small_map::entry(&mut w.brokers, (b, *broker_epoch));
                    *t = (*t).max(env.deliver_at);
                    continue;
                }
                (Message::GroupRequest { request, .. }, _, NodeId::Broker(c)) => match &**request {
                    GroupRequest::Heartbeat {
                        group,
                        generation,
                        member_id,
                    } => (c, group.clone(), member_id.clone(), *generation),
                    _ => continue,
                },
                _ => continue,
            };
            let t = small_map::entry(&mut w.members, key);
            *t = (*t).max(env.deliver_at);
        }
        w
    }
}

impl Engine {
    /// The timeouts that will change what the cluster looks like, sorted by `(at, kind)`.
    pub fn deadlines_view(&self) -> Vec<DeadlineView> {
        let wire = HeartbeatsOnTheWire::scan(self);
        let fences = self.fence_deadlines(&wire);
        let mut out: Vec<DeadlineView> = fences
            .iter()
            .map(|(b, at)| DeadlineView {
                at: *at,
                kind: DeadlineKind::BrokerFence { broker: *b },
                config: "broker.session.timeout.ms",
                config_ms: BROKER_SESSION_TIMEOUT_MS,
            })
            .collect();
        let shrinks = self.isr_shrink_deadlines(&fences);
        if let Some(election_at) = self.controller.leader_rebalance_at {
            for (tp, reg) in self.partitions() {
                if let Some(d) = self.preferred_election(&tp, reg, election_at, &fences, &shrinks) {
                    out.push(d);
                }
            }
        }
        out.extend(shrinks.into_iter().map(|(_, d)| d));
        self.group_deadlines(&fences, &wire, &mut out);
        crate::sorting::sort_by(&mut out, |a, b| (a.at, &a.kind).cmp(&(b.at, &b.kind)));
        out
    }

    fn partitions(&self) -> impl Iterator<Item = (TopicPartition, &PartitionRegistration)> {
        self.controller.image.topics.iter().flat_map(|(name, t)| {
            t.partitions
                .iter()
                .enumerate()
                .map(|(i, reg)| (TopicPartition::new(name.clone(), i as u32), reg))
        })
    }

    /// When the controller fences each broker that is going to be fenced.
    fn fence_deadlines(&self, wire: &HeartbeatsOnTheWire) -> Fences {
        let mut fences = Fences::new();
        for (b, r) in &self.controller.registrations {
            if r.fenced {
                continue;
            }
            let arriving = small_map::get(&wire.brokers, &(*b, r.broker_epoch)).copied();
            let at = r
                .session_expires_at()
                .max(arriving.map_or(0, |t| t + BROKER_SESSION_TIMEOUT_MS));
            // The next heartbeat that renews the session, if the broker will send one: it
            // must run, be connected, and hold this registration's epoch.
            let next_heartbeat = self
                .brokers
                .get(b)
                .filter(|x| self.broker_in_cluster(*b) && x.broker_epoch == Some(r.broker_epoch))
                .map(|x| {
                    x.heartbeat_at + self.network.latency(NodeId::Broker(*b), NodeId::Controller)
                });
            // The session check was set before that heartbeat's delivery, so on a tie it
            // fences first.
            if next_heartbeat.is_none_or(|h| at <= h) {
                fences.push((*b, at));
            }
        }
        fences
    }

    /// The ISR shrinks that will happen, by (partition, follower).
    fn isr_shrink_deadlines(&self, fences: &Fences) -> Shrinks {
        let mut out = Shrinks::new();
        for (tp, reg) in self.partitions() {
            let Some(leader) = reg.leader else {
                continue;
            };
            for &follower in reg.isr.iter().filter(|b| **b != leader) {
                // The controller's fence removes the follower, unless the leader's own fence
                // comes first (then it is an election, not a shrink).
                let by_fence = small_map::get(fences, &follower)
                    .copied()
                    .filter(|at| small_map::get(fences, &leader).is_none_or(|l| at < l))
                    .map(|at| (at, "broker.session.timeout.ms", BROKER_SESSION_TIMEOUT_MS));
                let by_leader = self
                    .leader_shrink_at(&tp, reg, leader, follower, fences)
                    .map(|at| (at, "replica.lag.time.max.ms", REPLICA_LAG_TIME_MAX_MS));
                let first = match (by_fence, by_leader) {
                    (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
                    (a, b) => a.or(b),
                };
                if let Some((at, config, config_ms)) = first {
                    let kind = DeadlineKind::IsrShrink {
                        tp: tp.clone(),
                        leader,
                        follower,
                    };
                    let d = DeadlineView {
                        at,
                        kind,
                        config,
                        config_ms,
                    };
                    out.push(((tp.clone(), follower), d));
                }
            }
        }
        out
    }

    /// When the leader's own ISR check drops a stalled `follower` and the controller records
    /// it: the first check past `replica.lag.time.max.ms` without catching up, plus the
    /// AlterPartition's trip to the controller.
    fn leader_shrink_at(
        &self,
        tp: &TopicPartition,
        reg: &PartitionRegistration,
        leader: BrokerId,
        follower: BrokerId,
        fences: &Fences,
    ) -> Option<SimTime> {
        if !self.broker_in_cluster(leader) || small_map::get(fences, &leader).is_some() {
            return None;
        }
        let broker = self.brokers.get(&leader)?;
        let replica = broker.replicas.get(tp)?;
        let state = replica
            .leader_state()
            .filter(|s| s.epoch == reg.leader_epoch && s.isr.contains(&follower))?;
        let to_controller = self
            .network
            .latency(NodeId::Broker(leader), NodeId::Controller);
        // A normal round trip: the cluster's link latency, not a slowed link's (a follower
        // behind a slow link is exactly one that stalls).
        let rtt = 2 * self.network.latency_ms;
        let mut from = state.out_of_sync_from(follower, replica.log.log_end_offset())?;
        if let Some(pending) = &state.pending_isr {
            let arrives = state.pending_isr_sent_ms + to_controller;
            if !pending.contains(&follower) && arrives >= self.now {
                return Some(arrives);
            }
            if self.now > arrives + to_controller {
                // Unanswered: it blocks ISR changes until it is given up.
                from =
                    from.max(state.pending_isr_sent_ms + crate::broker::ALTER_PARTITION_TIMEOUT_MS);
            }
        }
        let caught_up = state
            .followers
            .get(&follower)
            .map_or(0, |x| x.last_caught_up_ms);
        let stalled = !self.broker_in_cluster(follower)
            || self.now.saturating_sub(caught_up) > follower_stall_ms(rtt);
        if !stalled {
            return None;
        }
        let first = broker.isr_check_at;
        let check = if first >= from {
            first
        } else {
            first + (from - first).div_ceil(ISR_CHECK_INTERVAL_MS) * ISR_CHECK_INTERVAL_MS
        };
        Some(check + to_controller)
    }

    /// The automatic preferred leader election at `at`, if it will move `tp`'s leader: the
    /// controller's own rule, with brokers counted usable only if no fence comes first, and
    /// nothing else (a fence of the leader, a shrink of the preferred replica) changing the
    /// partition before.
    fn preferred_election(
        &self,
        tp: &TopicPartition,
        reg: &PartitionRegistration,
        at: SimTime,
        fences: &Fences,
        shrinks: &Shrinks,
    ) -> Option<DeadlineView> {
        let before = |b: BrokerId| small_map::get(fences, &b).is_some_and(|f| *f <= at);
        if reg.leader.is_some_and(before) {
            return None;
        }
        let preferred = preferred_move(reg, |b| self.controller.usable(b) && !before(b))?;
        if small_map::get(shrinks, &(tp.clone(), preferred)).is_some_and(|s| s.at <= at) {
            return None;
        }
        Some(DeadlineView {
            at,
            kind: DeadlineKind::PreferredLeaderElection {
                tp: tp.clone(),
                preferred,
            },
            config: "leader.imbalance.check.interval.seconds",
            config_ms: LEADER_IMBALANCE_CHECK_INTERVAL_MS,
        })
    }

    /// Session expiries and join phases, per group on its current coordinator.
    fn group_deadlines(
        &self,
        fences: &Fences,
        wire: &HeartbeatsOnTheWire,
        out: &mut Vec<DeadlineView>,
    ) {
        for name in self.group_names() {
            let Some(c) = self.coordinator_of(&name) else {
                continue;
            };
            if small_map::get(fences, &c).is_some() {
                // The group moves to the next leader of its offsets partition, which gives
                // every member a fresh session: this coordinator's timers do not count.
                continue;
            }
            let Some(g) = self
                .brokers
                .get(&c)
                .and_then(|b| b.groups.get(name.as_str()))
            else {
                continue;
            };
            let mut expiries: Expiries = Vec::new();
            for m in g.members_in_join_order() {
                let Some(at) = self.member_expiry(c, g, m, wire) else {
                    continue;
                };
                expiries.push((&m.member_id, (at, m.session_timeout_ms)));
                out.push(DeadlineView {
                    at,
                    kind: DeadlineKind::SessionExpiry {
                        group: name.clone(),
                        client_id: m.client_id.to_string(),
                        member_id: m.member_id.to_string(),
                    },
                    config: "session.timeout.ms",
                    config_ms: m.session_timeout_ms,
                });
            }
            if g.state == GroupState::PreparingRebalance {
                out.push(join_phase_end(&name, g, &expiries));
            }
        }
    }

    /// When the coordinator `c` removes `m` for want of heartbeats, if it will.
    fn member_expiry(
        &self,
        c: BrokerId,
        g: &Group,
        m: &Member,
        wire: &HeartbeatsOnTheWire,
    ) -> Option<SimTime> {
        let mut at = m.session_expires_at()?;
        let mut renewed = m.session_renewed_at();
        let key = (c, g.id.clone(), m.member_id.clone(), g.generation);
        if let Some(arrives) = small_map::get(&wire.members, &key) {
            renewed = renewed.max(*arrives);
            at = at.max(arrives + m.session_timeout_ms);
        }
        let held = self
            .consumer_names
            .get(&(g.id.clone(), m.client_id.clone()))
            .and_then(|id| self.consumers.get(id))
            .is_some_and(|x| x.running() && x.member_id == m.member_id);
        let silent = !held || self.now.saturating_sub(renewed) > MEMBER_HEARTBEAT_OVERDUE_MS;
        silent.then_some(at)
    }
}

/// The members whose sessions will expire: member id -> (when, `session.timeout.ms`).
type Expiries<'a> = Vec<(&'a str, (SimTime, u64))>;

/// When the join phase of `g` (PreparingRebalance) ends. `expiries`: the members whose
/// sessions will expire, with the time and their `session.timeout.ms`.
fn join_phase_end(name: &str, g: &Group, expiries: &Expiries) -> DeadlineView {
    let view = |at, initial, config, config_ms| DeadlineView {
        at,
        kind: DeadlineKind::JoinPhaseEnds {
            group: name.to_string(),
            initial,
        },
        config,
        config_ms,
    };
    if g.initial_delay {
        // A member that joined during the delay extends it once more, by at most what the
        // rebalance timeout leaves.
        let extend = if g.new_member_added {
            GROUP_INITIAL_REBALANCE_DELAY_MS.min(g.join_timer_remaining_ms)
        } else {
            0
        };
        return view(
            g.join_timer_at + extend,
            true,
            "group.initial.rebalance.delay.ms",
            GROUP_INITIAL_REBALANCE_DELAY_MS,
        );
    }
    // It ends as soon as every member rejoined: members that will not rejoin are removed
    // when their sessions expire, and the last removal ends it, unless someone still
    // expected (a running member, a pending member id) has not rejoined yet.
    let missing: Vec<&str> = g
        .members
        .values()
        .filter(|m| m.awaiting_join.is_none())
        .map(|m| &*m.member_id)
        .collect();
    let last_expiry = if g.pending.is_empty() && !missing.is_empty() {
        missing
            .iter()
            .map(|m| small_map::get(expiries, m).copied())
            .collect::<Option<Vec<_>>>()
            .and_then(|v| v.into_iter().max())
    } else {
        None
    };
    match last_expiry {
        Some((at, session_ms)) if at < g.join_timer_at => {
            view(at, false, "session.timeout.ms", session_ms)
        }
        _ => view(
            g.join_timer_at,
            false,
            "max.poll.interval.ms",
            g.rebalance_timeout_ms(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Command;
    use crate::controller::NewTopic;
    use crate::engine::EngineConfig;
    use crate::event::Event;
    use crate::message::Acks;

    /// A follower whose fetches crawl (a 45 s link to its leader) while it heartbeats the
    /// controller normally: only the leader's ISR check can drop it, and the deadline says
    /// when that check acts and its AlterPartition reaches the controller.
    #[test]
    fn a_stalled_follower_leaves_the_isr_at_the_leaders_check() {
        let mut e = Engine::new(EngineConfig {
            seed: 5,
            ..EngineConfig::default()
        });
        e.apply(Command::CreateTopic(NewTopic {
            topic: "t".into(),
            partitions: Some(1),
            replication_factor: Some(3),
            fixed_start_index: Some(0),
            ..NewTopic::default()
        }))
        .unwrap();
        e.advance_to(1_000);
        assert!(e.deadlines_view().is_empty(), "healthy");
        let (leader, slow) = (NodeId::Broker(BrokerId(1)), NodeId::Broker(BrokerId(3)));
        e.network.link_latency_ms.insert((slow, leader), 45_000);
        e.apply(Command::StartProducer {
            id: "p".into(),
            topic: "t".into(),
            rate_per_s: 50,
            keys: None,
            acks: Acks::One,
            enable_idempotence: None,
            value_bytes: None,
            partitioner: Default::default(),
            max_records: None,
        })
        .unwrap();
        let shrink = |e: &Engine| {
            e.deadlines_view()
                .into_iter()
                .find(|d| matches!(d.kind, DeadlineKind::IsrShrink { .. }))
        };
        e.advance_to(5_000);
        let d = shrink(&e).expect("the stalled follower's shrink");
        assert_eq!(
            d.kind,
            DeadlineKind::IsrShrink {
                tp: TopicPartition::new("t", 0),
                leader: BrokerId(1),
                follower: BrokerId(3),
            }
        );
        assert_eq!((d.config, d.config_ms), ("replica.lag.time.max.ms", 30_000));
        assert!(
            e.deadlines_view()
                .iter()
                .all(|d| !matches!(d.kind, DeadlineKind::BrokerFence { .. })),
            "its heartbeats reach the controller"
        );
        // The first check past 30 s without catching up, then 2 ms to the controller.
        assert_eq!(d.at, 45_002);
        e.advance_to(d.at + 100);
        let shrunk: Vec<SimTime> = e
            .events()
            .iter()
            .filter(|t| matches!(&t.event, Event::IsrShrunk { removed, .. } if removed == &vec![BrokerId(3)]))
            .map(|t| t.at)
            .collect();
        assert_eq!(shrunk, vec![d.at]);
        assert_eq!(shrink(&e), None);
    }
}
