//! One sentence for every Kafka term the app shows, for its tooltips (and, later, the lessons'
//! glossary). One place, so a term is explained the same way wherever it appears.

/// The terms, in the order a learner meets them.
pub const TERMS: &[(&str, &str)] = &[
    ("record", "One event: a key, a value, headers and a timestamp, appended to a partition at the next offset."),
    ("key", "Decides the partition (murmur2 of the key, modulo the partition count), so records with the same key stay in order on one partition. A null key is spread over partitions."),
    ("offset", "A record's position in its partition's log: 0, 1, 2, ... never renumbered; retention only moves the log start forward."),
    ("partition", "An ordered, append-only log; a topic is split into partitions so that brokers and consumers can share the work."),
    ("log start", "The oldest offset still in the log: retention deletes older segments and moves it forward."),
    ("LEO", "Log end offset: the offset the next record will take on this replica."),
    ("HW", "High watermark: every record below it is on every in-sync replica. Consumers read only below it; acks=all producers are answered once it passes their record."),
    ("leader", "The one replica of a partition that takes produce requests and serves consumers; the followers copy from it."),
    ("follower", "A replica that copies the leader's log by fetching from it, ready to take over."),
    ("ISR", "In-sync replicas: the leader and the followers caught up within replica.lag.time.max.ms. Only they may become leader (unless unclean.leader.election.enable=true)."),
    ("min.insync.replicas", "With acks=all, a produce is refused with NotEnoughReplicasException while the ISR has fewer replicas than this."),
    ("epoch", "Leader epoch: a number raised at every leader change. Replicas use it to find and cut records a new leader never had."),
    ("controller", "The KRaft controller keeps the cluster's metadata: which brokers are alive (by their heartbeats), who leads each partition, and each ISR."),
    ("fenced", "A broker the controller stopped hearing from for broker.session.timeout.ms: it may not lead or count in an ISR until it heartbeats again."),
    ("acks", "How many replicas must have a record before the producer is answered: 0 (none), 1 (the leader) or all (the whole ISR)."),
    ("consumer group", "Consumers sharing a group.id share the partitions: each partition is read by one member of the group; every group reads everything."),
    ("coordinator", "The broker leading the group's partition of __consumer_offsets: it runs the group's membership and stores its committed offsets."),
    ("generation", "The number of the group's current assignment: every rebalance starts a new generation."),
    ("PreparingRebalance", "The group stopped handing out work and waits for every member to rejoin (JoinGroup)."),
    ("CompletingRebalance", "Every member rejoined; the group waits for the leader's assignment (SyncGroup)."),
    ("Stable", "Every member has its partitions for this generation and is reading."),
    ("Empty", "The group has no members; its committed offsets stay."),
    ("committed offset", "The next offset the group will read, stored in __consumer_offsets: after a restart or a rebalance reading resumes from here."),
    ("position", "The next offset a consumer will hand to its application; committed later (auto-commit every 5 s)."),
    ("lag", "How far a group is behind: the high watermark minus its committed offset, in records."),
    ("idle", "A member of a Stable group that got no partition: the group has more members than partitions."),
    ("rebalancing", "The member's group is handing out partitions again: nobody in it reads until it is Stable."),
    ("session.timeout.ms", "A member that sends no heartbeat for this long (45 s) is removed from its group, and its partitions move."),
];

/// The sentence for `term`, if it is one the app explains.
pub fn explain(term: &str) -> Option<&'static str> {
    TERMS
        .iter()
        .find(|(t, _)| t.eq_ignore_ascii_case(term))
        .map(|(_, text)| *text)
}

/// `term: explanation`, for a tooltip.
pub fn tooltip(term: &str) -> String {
    match explain(term) {
        Some(text) => format!("{term}: {text}"),
        None => term.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_on_the_diagram_is_explained_once() {
        for term in [
            "HW",
            "LEO",
            "ISR",
            "epoch",
            "generation",
            "coordinator",
            "lag",
            "PreparingRebalance",
            "leader",
            "log start",
            "idle",
            "rebalancing",
            "committed offset",
            "position",
        ] {
            assert!(explain(term).is_some(), "{term}");
        }
        let mut names: Vec<&str> = TERMS.iter().map(|(t, _)| *t).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TERMS.len(), "one entry per term");
        assert!(tooltip("HW").starts_with("HW: High watermark"));
    }
}
