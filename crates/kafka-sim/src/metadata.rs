//! The cluster metadata image: what the KRaft controller decides and every broker caches
//! (topics, partition leaders, epochs, ISRs, broker fencing). Brokers act on their cached
//! copy, which may be stale; the controller's copy is the truth that `--describe-topics` prints.

use crate::ids::{BrokerId, Epoch, TopicPartition};
use crate::sorted::SortedMap;
use crate::topic::TopicConfig;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// One partition's state as the controller records it (Kafka's `PartitionRegistration`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct PartitionRegistration {
    /// Assigned replicas; the first is the preferred leader.
    pub replicas: Vec<BrokerId>,
    /// In-sync replicas, in the order Kafka keeps them.
    pub isr: Vec<BrokerId>,
    /// `None` when the partition is offline (`Leader: none`).
    pub leader: Option<BrokerId>,
    pub leader_epoch: Epoch,
    /// Bumped on every change of this registration (leader or ISR).
    pub partition_epoch: u32,
}

/// One topic in the image.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct TopicImage {
    pub name: Arc<str>,
    /// Kafka-style base64url topic id, 22 characters.
    pub topic_id: String,
    pub config: TopicConfig,
    /// Indexed by partition id.
    pub partitions: Vec<PartitionRegistration>,
}

impl TopicImage {
    /// The `min.insync.replicas` a partition's leader applies: since Kafka 3.7 (KAFKA-15583,
    /// `Partition.effectiveMinIsr`) it is capped at the replica count, so a topic with
    /// replication factor 1 and `min.insync.replicas=2` still takes acks=all writes and
    /// advances its HW, for the NotEnoughReplicas check and the HW alike.
    pub fn effective_min_isr(&self, partition: u32) -> u32 {
        let replicas = self
            .partitions
            .get(partition as usize)
            .map_or(1, |p| p.replicas.len() as u32);
        self.config.min_insync_replicas.min(replicas.max(1))
    }
}

/// A versioned snapshot of the cluster metadata.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct MetadataImage {
    /// Bumped by the controller on every change; brokers apply only newer images.
    pub version: u64,
    pub topics: SortedMap<Arc<str>, TopicImage>,
    /// Registered brokers and whether each is fenced.
    pub brokers: SortedMap<BrokerId, bool>,
}

impl MetadataImage {
    pub fn partition(&self, tp: &TopicPartition) -> Option<&PartitionRegistration> {
        self.topics
            .get(&tp.topic)?
            .partitions
            .get(tp.partition.0 as usize)
    }

    pub fn partition_mut(&mut self, tp: &TopicPartition) -> Option<&mut PartitionRegistration> {
        self.topics
            .get_mut(&tp.topic)?
            .partitions
            .get_mut(tp.partition.0 as usize)
    }

    pub fn is_unfenced(&self, broker: BrokerId) -> bool {
        self.brokers.get(&broker) == Some(&false)
    }

    /// Unfenced brokers, ascending.
    pub fn unfenced_brokers(&self) -> Vec<BrokerId> {
        self.brokers
            .iter()
            .filter(|(_, fenced)| !**fenced)
            .map(|(b, _)| *b)
            .collect()
    }
}
