//! `StickyAssignor` and `CooperativeStickyAssignor` (Kafka's `AbstractStickyAssignor`,
//! without racks), ported step by step so that ties fall the same way: balanced (counts
//! differ by at most one) while keeping as many previously owned partitions as possible.
//!
//! Two algorithms, as in Kafka: the constrained one when every member subscribes to the same
//! topics, the general one otherwise. Where Kafka walks a `HashMap`, the walk follows Java's
//! iteration order ([`super::java`]). The cooperative variant then withholds every partition
//! that changes owner, so its old owner can revoke it before anybody else takes it.

use super::java::{string_order, TpHashSet};
use super::{MemberPartitions, Subscription};
use crate::ids::TopicPartition;
use crate::sorted::{SortedMap, SortedSet};
use std::collections::VecDeque;
use std::sync::Arc;

type Member = Arc<str>;
const DEFAULT_GENERATION: i32 = -1;

/// `MemberData`: what a member claims to own, and in which generation.
struct MemberData {
    partitions: Vec<TopicPartition>,
    generation: Option<i32>,
}

fn member_data(s: &Subscription, cooperative: bool) -> MemberData {
    if cooperative {
        MemberData {
            partitions: s.owned_partitions.clone(),
            generation: (s.generation >= 0).then_some(s.generation),
        }
    } else {
        match &s.user_data {
            None => MemberData {
                partitions: Vec::new(),
                generation: None,
            },
            Some(u) => MemberData {
                partitions: u.partitions.clone(),
                generation: Some(u.generation),
            },
        }
    }
}

pub(super) fn assign(
    topics: &SortedMap<Arc<str>, u32>,
    members: &[(Arc<str>, Subscription)],
    cooperative: bool,
) -> MemberPartitions {
    if members.is_empty() {
        return MemberPartitions::new();
    }
    let ids: Vec<Member> = members.iter().map(|(m, _)| m.clone()).collect();
    let order = string_order(&ids);
    let subs: SortedMap<Member, &Subscription> =
        SortedMap::from_iter(members.iter().map(|(m, s)| (m.clone(), s)));
    let mut owned: SortedMap<Member, Vec<TopicPartition>> = SortedMap::new();
    let mut multiple: SortedSet<TopicPartition> = SortedSet::new();
    let mut max_generation = DEFAULT_GENERATION;
    let equal = all_subscriptions_equal(
        topics,
        &order,
        &subs,
        cooperative,
        &mut owned,
        &mut multiple,
        &mut max_generation,
    );
    let (mut assignment, transferring) = if equal {
        let mut b = Constrained::new(topics, &order, owned, multiple);
        b.build();
        (b.assignment, Some(b.transferring))
    } else {
        let a = General::new(topics, &order, &subs, owned, cooperative, max_generation).build();
        (a, None)
    };
    if cooperative {
        let transferring =
            transferring.unwrap_or_else(|| compute_transferring(&order, &subs, &assignment));
        // CooperativeStickyAssignor.adjustAssignment: nobody gets a partition that another
        // member still has to revoke.
        for (tp, m) in transferring {
            if let Some(list) = assignment.get_mut(&m) {
                list.retain(|t| *t != tp);
            }
        }
    }
    assignment
}

/// `CooperativeStickyAssignor.computePartitionsTransferringOwnership` (general case).
fn compute_transferring(
    order: &[Member],
    subs: &SortedMap<Member, &Subscription>,
    assignment: &MemberPartitions,
) -> SortedMap<TopicPartition, Member> {
    let mut added: SortedMap<TopicPartition, Member> = SortedMap::new();
    let mut revoked: SortedSet<TopicPartition> = SortedSet::new();
    for m in order {
        let Some(assigned) = assignment.get(m) else {
            continue;
        };
        let owned = &subs[m].owned_partitions;
        for tp in assigned {
            if !owned.contains(tp) {
                added.insert(tp.clone(), m.clone());
            }
        }
        for tp in owned {
            if !assigned.contains(tp) {
                revoked.insert(tp.clone());
            }
        }
    }
    added.retain(|tp, _| revoked.contains(tp));
    added
}

/// `allSubscriptionsEqual`: fills each member's still-valid owned partitions (resolving
/// double claims by generation) and says whether every member subscribes to the same topics.
fn all_subscriptions_equal(
    topics: &SortedMap<Arc<str>, u32>,
    order: &[Member],
    subs: &SortedMap<Member, &Subscription>,
    cooperative: bool,
    owned_out: &mut SortedMap<Member, Vec<TopicPartition>>,
    multiple: &mut SortedSet<TopicPartition>,
    max_generation: &mut i32,
) -> bool {
    let mut equal = true;
    let mut subscribed: SortedSet<Arc<str>> = SortedSet::new();
    let mut previous_owner: SortedMap<TopicPartition, Member> = SortedMap::new();
    for m in order {
        let s = subs[m];
        if subscribed.is_empty() {
            subscribed.extend(s.topics.iter().cloned());
        } else if equal
            && !(s.topics.len() == subscribed.len()
                && s.topics.iter().all(|t| subscribed.contains(t)))
        {
            equal = false;
        }
        let md = member_data(s, cooperative);
        let generation = md.generation.unwrap_or(DEFAULT_GENERATION);
        *max_generation = (*max_generation).max(generation);
        owned_out.insert(m.clone(), Vec::new());
        for tp in md.partitions {
            if !topics.contains_key(&tp.topic) {
                continue;
            }
            match previous_owner.get(&tp).cloned() {
                None => {
                    owned_out.get_mut(m).expect("inserted").push(tp.clone());
                    previous_owner.insert(tp, m.clone());
                }
                Some(other) => {
                    let other_generation = subs[&other].generation.max(DEFAULT_GENERATION);
                    if generation == other_generation {
                        multiple.insert(tp.clone());
                        owned_out
                            .get_mut(&other)
                            .expect("seen")
                            .retain(|t| *t != tp);
                        previous_owner.insert(tp, m.clone());
                    } else if generation > other_generation {
                        owned_out.get_mut(m).expect("inserted").push(tp.clone());
                        owned_out
                            .get_mut(&other)
                            .expect("seen")
                            .retain(|t| *t != tp);
                        previous_owner.insert(tp, m.clone());
                    }
                }
            }
        }
    }
    equal
}

fn all_partitions_sorted(topics: &SortedMap<Arc<str>, u32>) -> Vec<TopicPartition> {
    topics
        .iter()
        .flat_map(|(t, n)| (0..*n).map(move |p| TopicPartition::new(t.clone(), p)))
        .collect()
}

// ----- constrained (uniform subscriptions) ------------------------------------------------

struct Constrained {
    all: Vec<TopicPartition>,
    order: Vec<Member>,
    owned: SortedMap<Member, Vec<TopicPartition>>,
    multiple: SortedSet<TopicPartition>,
    revoked: SortedSet<TopicPartition>,
    under_min: Vec<Member>,
    exactly_min: VecDeque<Member>,
    min_quota: usize,
    max_quota: usize,
    expected_over_min: usize,
    current_over_min: usize,
    assignment: MemberPartitions,
    assigned: Vec<TopicPartition>,
    transferring: SortedMap<TopicPartition, Member>,
}

impl Constrained {
    fn new(
        topics: &SortedMap<Arc<str>, u32>,
        order: &[Member],
        owned: SortedMap<Member, Vec<TopicPartition>>,
        multiple: SortedSet<TopicPartition>,
    ) -> Self {
        let all = all_partitions_sorted(topics);
        let n = order.len();
        let total = all.len();
        Constrained {
            min_quota: total / n,
            max_quota: total.div_ceil(n),
            expected_over_min: total % n,
            current_over_min: 0,
            assignment: SortedMap::from_iter(order.iter().map(|m| (m.clone(), Vec::new()))),
            all,
            order: order.to_vec(),
            owned,
            multiple,
            revoked: SortedSet::new(),
            under_min: Vec::new(),
            exactly_min: VecDeque::new(),
            assigned: Vec::new(),
            transferring: SortedMap::new(),
        }
    }

    fn build(&mut self) {
        self.assign_owned();
        let assigned: SortedSet<&TopicPartition> = SortedSet::from_iter(self.assigned.iter());
        let unassigned: Vec<TopicPartition> = self
            .all
            .iter()
            .filter(|tp| !assigned.contains(tp))
            .cloned()
            .collect();
        crate::sorting::sort(&mut self.under_min);
        let mut exactly: Vec<Member> = self.exactly_min.drain(..).collect();
        crate::sorting::sort(&mut exactly);
        self.exactly_min.extend(exactly);
        self.assign_round_robin(&unassigned);
    }

    fn assign_owned(&mut self) {
        for m in self.order.clone() {
            let mut owned = self.owned.get(&m).cloned().unwrap_or_default();
            crate::sorting::sort_by(&mut owned, |a, b| {
                (a.partition, &a.topic).cmp(&(b.partition, &b.topic))
            });
            owned.retain(|tp| !self.multiple.contains(tp));
            let list = self.assignment.get_mut(&m).expect("member");
            if owned.len() < self.min_quota {
                list.extend(owned.iter().cloned());
                self.assigned.extend(owned);
                self.under_min.push(m);
            } else if owned.len() >= self.max_quota
                && self.current_over_min < self.expected_over_min
            {
                self.current_over_min += 1;
                if self.current_over_min == self.expected_over_min {
                    self.exactly_min.clear();
                }
                list.extend(owned[..self.max_quota].iter().cloned());
                self.assigned
                    .extend(owned[..self.max_quota].iter().cloned());
                self.revoked.extend(owned[self.max_quota..].iter().cloned());
            } else {
                list.extend(owned[..self.min_quota].iter().cloned());
                self.assigned
                    .extend(owned[..self.min_quota].iter().cloned());
                self.revoked.extend(owned[self.min_quota..].iter().cloned());
                if self.current_over_min < self.expected_over_min {
                    self.exactly_min.push_back(m);
                }
            }
        }
    }

    /// `assignRoundRobin`, with Java's `LinkedList` iterator (and its `remove`) modelled by
    /// an index into `under_min`.
    fn assign_round_robin(&mut self, unassigned: &[TopicPartition]) {
        let mut next = 0usize;
        let mut last: Option<usize> = None;
        for tp in unassigned {
            let from_iter;
            let m = if next < self.under_min.len() {
                last = Some(next);
                next += 1;
                from_iter = true;
                self.under_min[next - 1].clone()
            } else if self.under_min.is_empty() && self.exactly_min.is_empty() {
                // Kafka throws IllegalStateException here; the quotas make it unreachable.
                debug_assert!(false, "no unfilled member left");
                return;
            } else if self.under_min.is_empty() {
                from_iter = false;
                self.exactly_min.pop_front().expect("non-empty")
            } else {
                next = 1;
                last = Some(0);
                from_iter = true;
                self.under_min[0].clone()
            };
            let list = self.assignment.get_mut(&m).expect("member");
            list.push(tp.clone());
            let count = list.len();
            if self.revoked.contains(tp) || self.multiple.contains(tp) {
                self.transferring.insert(tp.clone(), m.clone());
            }
            if count == self.min_quota {
                if from_iter {
                    if let Some(i) = last.take() {
                        self.under_min.remove(i);
                        next = i;
                    }
                }
                self.exactly_min.push_back(m);
            } else if count == self.max_quota {
                self.current_over_min += 1;
            }
        }
    }
}

// ----- general (non-uniform subscriptions) -------------------------------------------------

/// `PartitionMovements`: where partitions moved during this assignment, to avoid moving two
/// partitions of one topic back and forth between the same pair of members.
#[derive(Default)]
struct Movements {
    by_topic: SortedMap<Arc<str>, SortedMap<(Member, Member), TpHashSet>>,
    moves: SortedMap<TopicPartition, (Member, Member)>,
}

impl Movements {
    fn remove_record(&mut self, tp: &TopicPartition) -> (Member, Member) {
        let pair = self.moves.remove(tp).expect("recorded");
        let topic = self.by_topic.get_mut(&tp.topic).expect("recorded");
        let set = topic.get_mut(&pair).expect("recorded");
        set.remove(tp);
        if set.is_empty() {
            topic.remove(&pair);
        }
        if topic.is_empty() {
            self.by_topic.remove(&tp.topic);
        }
        pair
    }

    fn add_record(&mut self, tp: &TopicPartition, pair: (Member, Member)) {
        self.moves.insert(tp.clone(), pair.clone());
        self.by_topic
            .entry(tp.topic.clone())
            .or_default()
            .entry(pair)
            .or_default()
            .insert(tp.clone());
    }

    fn move_partition(&mut self, tp: &TopicPartition, old: &Member, new: &Member) {
        if self.moves.contains_key(tp) {
            let existing = self.remove_record(tp);
            if existing.0 != *new {
                self.add_record(tp, (existing.0, new.clone()));
            }
        } else {
            self.add_record(tp, (old.clone(), new.clone()));
        }
    }

    fn actual_partition_to_move(
        &self,
        tp: &TopicPartition,
        old: &Member,
        new: &Member,
    ) -> TopicPartition {
        let Some(topic) = self.by_topic.get(&tp.topic) else {
            return tp.clone();
        };
        let old = match self.moves.get(tp) {
            Some((src, _)) => src.clone(),
            None => old.clone(),
        };
        match topic.get(&(new.clone(), old)).and_then(|s| s.first()) {
            Some(first) => first.clone(),
            None => tp.clone(),
        }
    }
}

struct General<'a> {
    topics: &'a SortedMap<Arc<str>, u32>,
    total: usize,
    order: Vec<Member>,
    subs: &'a SortedMap<Member, &'a Subscription>,
    cooperative: bool,
    max_generation: i32,
    topic_consumers: SortedMap<Arc<str>, Vec<Member>>,
    consumer_topics: SortedMap<Member, Vec<Arc<str>>>,
    current: SortedMap<Member, Vec<TopicPartition>>,
    partition_consumer: SortedMap<TopicPartition, Member>,
    sorted_all: Vec<TopicPartition>,
    /// `TreeSet` by (assignment size, member id); kept in step with `current`.
    sorted_subs: SortedSet<(usize, Member)>,
    revocation_required: bool,
    movements: Movements,
}

impl<'a> General<'a> {
    fn new(
        topics: &'a SortedMap<Arc<str>, u32>,
        order: &[Member],
        subs: &'a SortedMap<Member, &'a Subscription>,
        current: SortedMap<Member, Vec<TopicPartition>>,
        cooperative: bool,
        max_generation: i32,
    ) -> Self {
        let mut topic_consumers: SortedMap<Arc<str>, Vec<Member>> =
            SortedMap::from_iter(topics.keys().map(|t| (t.clone(), Vec::new())));
        let mut consumer_topics = SortedMap::new();
        for m in order {
            let mine: Vec<Arc<str>> = subs[m]
                .topics
                .iter()
                .filter(|t| topics.contains_key(*t))
                .cloned()
                .collect();
            for t in &mine {
                topic_consumers.get_mut(t).expect("known").push(m.clone());
            }
            consumer_topics.insert(m.clone(), mine);
        }
        let mut partition_consumer = SortedMap::new();
        for (m, parts) in &current {
            for tp in parts {
                partition_consumer.insert(tp.clone(), m.clone());
            }
        }
        let mut sorted_topics: Vec<Arc<str>> = topics.keys().cloned().collect();
        crate::sorting::sort_by(&mut sorted_topics, |a, b| {
            (topic_consumers[a].len(), a).cmp(&(topic_consumers[b].len(), b))
        });
        let sorted_all = sorted_topics
            .iter()
            .flat_map(|t| (0..topics[t]).map(move |p| TopicPartition::new(t.clone(), p)))
            .collect();
        General {
            topics,
            total: topics.values().map(|n| *n as usize).sum(),
            order: order.to_vec(),
            subs,
            cooperative,
            max_generation,
            topic_consumers,
            consumer_topics,
            current,
            partition_consumer,
            sorted_all,
            sorted_subs: SortedSet::new(),
            revocation_required: false,
            movements: Movements::default(),
        }
    }

    fn size(&self, m: &Member) -> usize {
        self.current.get(m).map_or(0, Vec::len)
    }

    fn build(mut self) -> MemberPartitions {
        let prev = self.prepopulate();
        let assigned = self.assign_owned();
        let assigned: SortedSet<TopicPartition> = SortedSet::from_iter(assigned);
        let unassigned: Vec<TopicPartition> = self
            .sorted_all
            .iter()
            .filter(|tp| !assigned.contains(*tp))
            .cloned()
            .collect();
        self.sorted_subs =
            SortedSet::from_iter(self.current.iter().map(|(m, l)| (l.len(), m.clone())));
        self.balance(&prev, unassigned);
        self.current
    }

    /// `prepopulateCurrentAssignments`: the previous owner (an older generation) of each
    /// partition, to prefer moving partitions back there.
    fn prepopulate(&self) -> SortedMap<TopicPartition, (Member, i32)> {
        let mut prev: SortedMap<TopicPartition, (Member, i32)> = SortedMap::new();
        let mut update = |parts: &[TopicPartition], m: &Member, g: i32| {
            for tp in parts {
                match prev.get(tp) {
                    Some((_, pg)) if g <= *pg => {}
                    _ => {
                        prev.insert(tp.clone(), (m.clone(), g));
                    }
                }
            }
        };
        for m in &self.order {
            let md = member_data(self.subs[m], self.cooperative);
            match md.generation {
                Some(g) if g < self.max_generation => update(&md.partitions, m, g),
                None if self.max_generation > DEFAULT_GENERATION => {
                    update(&md.partitions, m, DEFAULT_GENERATION)
                }
                _ => {}
            }
        }
        prev
    }

    fn assign_owned(&mut self) -> Vec<TopicPartition> {
        let mut assigned = Vec::new();
        for m in string_order(&self.current.keys().cloned().collect::<Vec<_>>()) {
            let topics = &self.subs[&m].topics;
            let list = self.current.get_mut(&m).expect("member");
            let mut keep = Vec::with_capacity(list.len());
            for tp in list.drain(..) {
                if !self.topic_consumers.contains_key(&tp.topic) {
                    self.partition_consumer.remove(&tp);
                } else if !topics.contains(&tp.topic) {
                    self.revocation_required = true;
                } else {
                    assigned.push(tp.clone());
                    keep.push(tp);
                }
            }
            *list = keep;
        }
        assigned
    }

    fn max_assignment_size(&self, topics: &[Arc<str>]) -> usize {
        if topics.len() == self.topics.len() {
            self.total
        } else {
            topics.iter().map(|t| self.topics[t] as usize).sum()
        }
    }

    fn is_balanced(&self) -> bool {
        let (Some(first), Some(last)) = (self.sorted_subs.first(), self.sorted_subs.last()) else {
            return true;
        };
        if first.0 + 1 >= last.0 {
            return true;
        }
        let mut owner: SortedMap<&TopicPartition, &Member> = SortedMap::new();
        for (m, parts) in &self.current {
            for tp in parts {
                owner.insert(tp, m);
            }
        }
        for (count, m) in &self.sorted_subs {
            let topics = &self.consumer_topics[m];
            if *count == self.max_assignment_size(topics) {
                continue;
            }
            let mine: SortedSet<&TopicPartition> = SortedSet::from_iter(self.current[m].iter());
            for t in topics {
                for p in 0..self.topics[t] {
                    let tp = TopicPartition::new(t.clone(), p);
                    if mine.contains(&tp) {
                        continue;
                    }
                    if let Some(other) = owner.get(&tp) {
                        if count + 1 < self.size(other) {
                            return false;
                        }
                    }
                }
            }
        }
        true
    }

    fn balance_score(assignment: &SortedMap<Member, Vec<TopicPartition>>) -> usize {
        let sizes: Vec<usize> = assignment.values().map(Vec::len).collect();
        let mut score = 0;
        for i in 0..sizes.len() {
            for j in i + 1..sizes.len() {
                score += sizes[i].abs_diff(sizes[j]);
            }
        }
        score
    }

    fn add_to(&mut self, m: &Member, tp: TopicPartition) {
        let n = self.size(m);
        self.sorted_subs.remove(&(n, m.clone()));
        self.current.get_mut(m).expect("member").push(tp.clone());
        self.partition_consumer.insert(tp, m.clone());
        self.sorted_subs.insert((n + 1, m.clone()));
    }

    fn maybe_assign_partition(&mut self, tp: &TopicPartition) {
        let target = self
            .sorted_subs
            .iter()
            .find(|(_, m)| self.consumer_topics[m].contains(&tp.topic))
            .map(|(_, m)| m.clone());
        if let Some(m) = target {
            self.add_to(&m, tp.clone());
        }
    }

    fn can_consumer_participate(&self, m: &Member) -> bool {
        let parts = &self.current[m];
        if parts.len() < self.max_assignment_size(&self.consumer_topics[m]) {
            return true;
        }
        parts
            .iter()
            .any(|tp| self.topic_consumers[&tp.topic].len() >= 2)
    }

    fn balance(
        &mut self,
        prev: &SortedMap<TopicPartition, (Member, i32)>,
        mut unassigned: Vec<TopicPartition>,
    ) {
        let initializing = self
            .sorted_subs
            .last()
            .is_none_or(|(_, m)| self.current[m].is_empty());
        for tp in &unassigned {
            if self.topic_consumers[&tp.topic].is_empty() {
                continue;
            }
            self.maybe_assign_partition(tp);
        }
        let fixed_topics: SortedSet<Arc<str>> = SortedSet::from_iter(
            self.topic_consumers
                .iter()
                .filter(|(_, c)| c.len() < 2)
                .map(|(t, _)| t.clone()),
        );
        self.sorted_all
            .retain(|tp| !fixed_topics.contains(&tp.topic));
        unassigned.retain(|tp| !fixed_topics.contains(&tp.topic));
        let mut fixed: SortedMap<Member, Vec<TopicPartition>> = SortedMap::new();
        let members: Vec<Member> = self.consumer_topics.keys().cloned().collect();
        for m in members {
            if !self.can_consumer_participate(&m) {
                let list = self.current.remove(&m).expect("member");
                self.sorted_subs.remove(&(list.len(), m.clone()));
                fixed.insert(m, list);
            }
        }
        let pre_balance = self.current.clone();
        let pre_owner = self.partition_consumer.clone();
        if !self.revocation_required {
            self.perform_reassignments(&unassigned, prev);
        }
        let all = self.sorted_all.clone();
        let performed = self.perform_reassignments(&all, prev);
        if !initializing
            && performed
            && Self::balance_score(&self.current) >= Self::balance_score(&pre_balance)
        {
            self.current = pre_balance;
            self.partition_consumer = pre_owner;
        }
        for (m, list) in fixed {
            self.current.insert(m, list);
        }
    }

    fn perform_reassignments(
        &mut self,
        partitions: &[TopicPartition],
        prev: &SortedMap<TopicPartition, (Member, i32)>,
    ) -> bool {
        let mut performed = false;
        loop {
            let mut modified = false;
            for tp in partitions {
                if self.is_balanced() {
                    break;
                }
                let Some(consumer) = self.partition_consumer.get(tp).cloned() else {
                    continue;
                };
                if let Some((prev_owner, _)) = prev.get(tp) {
                    if self.current.contains_key(prev_owner)
                        && self.size(&consumer) > self.size(prev_owner) + 1
                    {
                        let target = prev_owner.clone();
                        self.reassign(tp, &target);
                        performed = true;
                        modified = true;
                        continue;
                    }
                }
                let better = self.topic_consumers[&tp.topic]
                    .iter()
                    .any(|other| self.size(&consumer) > self.size(other) + 1);
                if better {
                    let target = self
                        .sorted_subs
                        .iter()
                        .find(|(_, m)| self.consumer_topics[m].contains(&tp.topic))
                        .map(|(_, m)| m.clone());
                    if let Some(target) = target {
                        self.reassign(tp, &target);
                        performed = true;
                        modified = true;
                    }
                }
            }
            if !modified {
                return performed;
            }
        }
    }

    fn reassign(&mut self, tp: &TopicPartition, new: &Member) {
        let Some(old) = self.partition_consumer.get(tp).cloned() else {
            return;
        };
        let moved = self.movements.actual_partition_to_move(tp, &old, new);
        let Some(old) = self.partition_consumer.get(&moved).cloned() else {
            return;
        };
        let (n_old, n_new) = (self.size(&old), self.size(new));
        self.sorted_subs.remove(&(n_old, old.clone()));
        self.sorted_subs.remove(&(n_new, new.clone()));
        self.movements.move_partition(&moved, &old, new);
        if let Some(list) = self.current.get_mut(&old) {
            if let Some(i) = list.iter().position(|t| *t == moved) {
                list.remove(i);
            }
        }
        self.current
            .get_mut(new)
            .expect("member")
            .push(moved.clone());
        self.partition_consumer.insert(moved, new.clone());
        self.sorted_subs.insert((self.size(new), new.clone()));
        self.sorted_subs.insert((self.size(&old), old));
    }
}
