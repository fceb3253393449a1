//! Topics the controller creates on a broker's request: auto-created topics, and
//! `__consumer_offsets`, made
//! on the first FindCoordinator as Kafka's auto-creation does, with
//! `offsets.topic.num.partitions`=50 and `offsets.topic.replication.factor`=3 (capped at the
//! registered brokers so that small simulated clusters work, see README) and the topic's configs:
//! `cleanup.policy=compact` (the log cleaner keeps the last commit per key),
//! `compression.type=producer` and `segment.bytes` = [`OFFSETS_TOPIC_SEGMENT_BYTES`]; and
//! `__transaction_state`, made on the first FindCoordinator of a transactional id, with
//! `transaction.state.log.num.partitions`=50, replication factor 3 (capped the same way),
//! `min.insync.replicas` = `transaction.state.log.min.isr`=2 and `cleanup.policy=compact`.

use super::Controller;
use crate::broker::txn::{
    TXN_TOPIC, TXN_TOPIC_MIN_ISR, TXN_TOPIC_PARTITIONS, TXN_TOPIC_REPLICATION_FACTOR,
};
use crate::controller::NewTopic;
use crate::ctx::Ctx;
use crate::group::{
    OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS, OFFSETS_TOPIC_REPLICATION_FACTOR,
    OFFSETS_TOPIC_SEGMENT_BYTES,
};
use std::collections::BTreeMap;

impl Controller {
    /// A topic created because a client's metadata request named it: `num.partitions`=1
    /// and `default.replication.factor`=1 (`AutoTopicCreationManager`). Several brokers may
    /// ask for the same topic; the first request creates it, the others find it exists.
    pub(crate) fn auto_create_topic(&mut self, topic: &str, ctx: &mut Ctx) {
        if self.image.topics.contains_key(topic) {
            return;
        }
        let req = NewTopic {
            topic: topic.to_string(),
            partitions: Some(1),
            replication_factor: Some(1),
            ..NewTopic::default()
        };
        let mut rng = ctx.rng.clone();
        if self.create_topic(&req, &mut rng, ctx).is_ok() {
            *ctx.rng = rng;
        }
    }

    pub(crate) fn create_offsets_topic(&mut self, ctx: &mut Ctx) {
        let configs = [
            ("compression.type", "producer".to_string()),
            ("segment.bytes", OFFSETS_TOPIC_SEGMENT_BYTES.to_string()),
        ];
        let (partitions, rf) = (OFFSETS_TOPIC_PARTITIONS, OFFSETS_TOPIC_REPLICATION_FACTOR);
        self.create_internal_topic(OFFSETS_TOPIC, partitions, rf, configs, ctx);
    }

    pub(crate) fn create_transaction_topic(&mut self, ctx: &mut Ctx) {
        let configs = [
            ("min.insync.replicas", TXN_TOPIC_MIN_ISR.to_string()),
            ("segment.bytes", OFFSETS_TOPIC_SEGMENT_BYTES.to_string()),
        ];
        let (partitions, rf) = (TXN_TOPIC_PARTITIONS, TXN_TOPIC_REPLICATION_FACTOR);
        self.create_internal_topic(TXN_TOPIC, partitions, rf, configs, ctx);
    }

    /// A compacted internal topic, its replication factor capped at the registered brokers.
    fn create_internal_topic(
        &mut self,
        topic: &str,
        partitions: u32,
        replication_factor: u32,
        configs: [(&str, String); 2],
        ctx: &mut Ctx,
    ) {
        if self.image.topics.contains_key(topic) {
            return;
        }
        // Counted as the placer counts: registered brokers, fenced ones included.
        let registered = self.registrations.len() as u32;
        if registered == 0 {
            return;
        }
        // Inserts, not `from_iter` (which sorts first: code the browser bundle can spare).
        let mut all_configs = BTreeMap::new();
        all_configs.insert("cleanup.policy".to_string(), "compact".to_string());
        all_configs.extend(configs.into_iter().map(|(k, v)| (k.to_string(), v)));
        let req = NewTopic {
            topic: topic.to_string(),
            partitions: Some(partitions as i32),
            replication_factor: Some(replication_factor.min(registered) as i32),
            configs: all_configs,
            ..NewTopic::default()
        };
        let mut rng = ctx.rng.clone();
        if self.create_topic(&req, &mut rng, ctx).is_err() {
            return;
        }
        *ctx.rng = rng;
        self.publish(ctx);
    }
}
