//! What the diagram draws, taken from the engine in one go: plain data, no references into the
//! engine, so the layout step is a pure function of it (and is tested natively). The records
//! drawn as cells are read apart, for the partitions on the stage only ([`tail`]).

use kafka_sim::connect::{ConnectorView, RestProxyView};
use kafka_sim::view::{
    BrokerView, ConsumerView, DeadlineView, EnvelopeView, GroupView, PartitionView, ProducerView,
    TopicView,
};
use kafka_sim::{BrokerId, Engine, Offset, SimTime, TopicPartition};

use super::palette::key_colour;
use super::words;

/// A plain snapshot of the cluster, as the engine's views report it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterView {
    pub now: SimTime,
    pub brokers: Vec<BrokerView>,
    /// Brokers the controller counts as alive (registered and unfenced).
    pub controller_sees: Vec<BrokerId>,
    /// Topics without the internal ones (`__consumer_offsets`), as `--exclude-internal` does;
    /// the coordinator they decide is shown on each group instead.
    pub topics: Vec<TopicView>,
    pub producers: Vec<ProducerView>,
    pub groups: Vec<GroupView>,
    pub consumers: Vec<ConsumerView>,
    pub in_flight: Vec<EnvelopeView>,
    /// Timeouts about to fire, with the config that sets them (the reasons on the picture).
    pub deadlines: Vec<DeadlineView>,
    /// Kafka Connect's connectors and the REST proxies: who some producers and groups are.
    pub connectors: Vec<ConnectorView>,
    pub rest_proxies: Vec<RestProxyView>,
}

/// One record as a cell of a partition's log.
#[derive(Clone, Debug, PartialEq)]
pub struct CellRecord {
    pub offset: u64,
    /// The key's colour; `None` for a null key.
    pub colour: Option<u8>,
    /// The key as text (cut short), for the cell's tooltip.
    pub key: String,
    pub leader_epoch: u32,
}

/// Characters of a key kept for a cell's tooltip (the record card shows it whole).
const KEY_CHARS: usize = 40;

/// The newest `n` records of partition `p`'s log (the replica that shows it), coloured by key.
/// Read only for the partitions on the stage: a thousand partitions' tails every frame would be
/// wasted work.
pub fn tail(engine: &Engine, p: &PartitionView, n: usize) -> Vec<CellRecord> {
    let Some(replica) = shown_replica(p) else {
        return Vec::new();
    };
    let r = &p.replica_states[replica];
    let from = Offset(
        r.log_end_offset
            .0
            .saturating_sub(n as u64)
            .max(r.log_start_offset.0),
    );
    engine
        .replica_records(r.broker, &p.tp, from, r.log_end_offset)
        .iter()
        .map(|rec| CellRecord {
            offset: rec.offset.0,
            colour: key_colour(rec.key),
            key: words::ellipsis(&words::bytes_text(rec.key), KEY_CHARS),
            leader_epoch: rec.leader_epoch.0,
        })
        .collect()
}

impl ClusterView {
    /// Snapshots `engine` (record cells come apart, from [`tail`]).
    pub fn from_engine(engine: &Engine) -> Self {
        let topics = engine.topics_view_where(|name| !is_internal(name));
        ClusterView {
            now: engine.now(),
            brokers: engine.brokers_view(),
            controller_sees: engine
                .controller_view()
                .registrations
                .iter()
                .filter(|(_, _, fenced, _)| !fenced)
                .map(|(b, ..)| *b)
                .collect(),
            topics,
            producers: engine.producers_view(),
            groups: engine.groups_view(),
            consumers: engine.consumers_view(),
            in_flight: engine.in_flight(),
            deadlines: engine.deadlines_view(),
            connectors: engine.connectors_view(),
            rest_proxies: engine.rest_proxies_view(),
        }
    }

    pub fn partition(&self, tp: &TopicPartition) -> Option<&PartitionView> {
        self.topics
            .iter()
            .find(|t| *t.name == *tp.topic)?
            .partitions
            .get(tp.partition.0 as usize)
    }
}

/// Which replica's log stands for the partition in the topic view: the registered leader's
/// (what producers and consumers use), or, with no leader, the replica that holds the most.
pub fn shown_replica(p: &PartitionView) -> Option<usize> {
    p.replica_states
        .iter()
        .position(|r| Some(r.broker) == p.leader)
        .or_else(|| {
            p.replica_states
                .iter()
                .enumerate()
                .max_by_key(|(i, r)| (r.log_end_offset, std::cmp::Reverse(*i)))
                .map(|(i, _)| i)
        })
}

/// Kafka's internal topics start with two underscores (`__consumer_offsets`).
pub fn is_internal(topic: &str) -> bool {
    topic.starts_with("__")
}
