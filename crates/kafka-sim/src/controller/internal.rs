//! Internal topics the controller creates on a broker's request: `__consumer_offsets`, made
//! on the first FindCoordinator as Kafka's auto-creation does, with
//! `offsets.topic.num.partitions`=50 and `offsets.topic.replication.factor`=3 (capped at the
//! live brokers so that small simulated clusters work, see README) and the topic's
//! `cleanup.policy=compact` overrides shown by `--describe`.

use super::Controller;
use crate::controller::NewTopic;
use crate::ctx::Ctx;
use crate::group::{OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS, OFFSETS_TOPIC_REPLICATION_FACTOR};
use std::sync::Arc;

impl Controller {
    pub(crate) fn create_offsets_topic(&mut self, ctx: &mut Ctx) {
        if self.image.topics.contains_key(OFFSETS_TOPIC) {
            return;
        }
        let live = self.unfenced().len() as u32;
        if live == 0 {
            return;
        }
        let req = NewTopic {
            topic: OFFSETS_TOPIC.to_string(),
            partitions: Some(OFFSETS_TOPIC_PARTITIONS as i32),
            replication_factor: Some(OFFSETS_TOPIC_REPLICATION_FACTOR.min(live) as i32),
            ..NewTopic::default()
        };
        let mut rng = ctx.rng.clone();
        if self.create_topic(&req, &mut rng, ctx).is_err() {
            return;
        }
        *ctx.rng = rng;
        let name: Arc<str> = Arc::from(OFFSETS_TOPIC);
        if let Some(t) = self.image_mut().topics.get_mut(&name) {
            for (k, v) in [
                ("cleanup.policy", "compact"),
                ("compression.type", "producer"),
                ("segment.bytes", "104857600"),
            ] {
                t.config.overrides.insert(k.to_string(), v.to_string());
            }
        }
        self.publish(ctx);
    }
}
