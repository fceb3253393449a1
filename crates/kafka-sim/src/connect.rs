//! Kafka around Kafka: Kafka Connect connectors and REST proxies. Neither is a new kind of
//! Kafka client: a source connector's task is a producer, a sink connector's task is a consumer
//! in the group `connect-<name>`, a REST proxy produces with its own producer. What this module
//! adds is who they are, so the app can draw them as their own nodes and a lesson can name
//! them: the registry of connectors and proxies, their Kafka names, and their views.
//! `apply_connect.rs` applies the commands.
//!
//! Kafka's names, kept exactly: a sink's group is `connect-<name>` (`SinkUtils.consumerGroupId`);
//! task `n`'s consumer is `connector-consumer-<name>-<n>`, a source task's producer is
//! `connector-producer-<name>-<n>` (`Worker.taskConsumerClientId`/`taskProducerClientId`).
//! A sink's consumer reads from `earliest` and commits what its task has put into the store
//! every `offset.flush.interval.ms` (60 s), as `WorkerSinkTask` does with auto-commit off.
//!
//! What is simpler than Kafka: one Connect worker; a source reads one table, so it runs one
//! task whatever `tasks.max` says (as the JDBC source does: one task per table); source
//! offsets (`connect-offsets`) are not kept, so a source started again reads its table from the
//! start of its keys; changing `tasks.max` of a sink starts or stops only the tasks that
//! change (Connect restarts all of the connector's tasks).

use crate::command::form;
use crate::engine::Engine;
use crate::sorted::SortedMap;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// `offset.flush.interval.ms`, Connect's default: how often a sink task commits.
pub const OFFSET_FLUSH_INTERVAL_MS: u64 = 60_000;

/// What `put_connector` asks for: Kafka Connect's `PUT /connectors/{name}/config`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectorSpec {
    pub name: String,
    /// A source (a database table into a topic) or a sink (topics into a store).
    pub class: ConnectorClass,
    /// `tasks.max`.
    #[serde(default = "one")]
    pub tasks_max: u32,
    /// Source: the table it reads (`table.whitelist`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// Source: the topic its rows go to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// Source: rows changed per second in the table.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "form::opt_rate_per_s"
    )]
    pub rate_per_s: Option<u64>,
    /// Source: the rows' primary keys, cycled through (the record keys); `None` = no key.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "form::keys"
    )]
    pub keys: Option<Vec<String>>,
    /// Sink: the topics it reads (`topics`).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "form::topics"
    )]
    pub topics: Vec<String>,
    /// Sink: the store it writes to (a data warehouse, a search index); defaults to its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
}

fn one() -> u32 {
    1
}

impl ConnectorSpec {
    /// A source of one task reading `table` into `topic`, `rate_per_s` rows a second keyed by
    /// `keys` (cycled through; `None`: no key).
    pub fn source(
        name: &str,
        table: &str,
        topic: &str,
        rate_per_s: u64,
        keys: Option<Vec<String>>,
    ) -> Self {
        ConnectorSpec {
            name: name.to_string(),
            class: ConnectorClass::Source,
            tasks_max: 1,
            table: Some(table.to_string()),
            topic: Some(topic.to_string()),
            rate_per_s: Some(rate_per_s),
            keys,
            topics: Vec::new(),
            store: None,
        }
    }

    /// A sink of `tasks_max` tasks reading `topics` into the store named after it.
    pub fn sink(name: &str, topics: &[&str], tasks_max: u32) -> Self {
        ConnectorSpec {
            name: name.to_string(),
            class: ConnectorClass::Sink,
            tasks_max,
            table: None,
            topic: None,
            rate_per_s: None,
            keys: None,
            topics: topics.iter().map(|t| t.to_string()).collect(),
            store: None,
        }
    }
}

/// A connector's kind; in JSON `"source"` or `"sink"`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ConnectorClass {
    Source,
    Sink,
}

impl ConnectorClass {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectorClass::Source => "source",
            ConnectorClass::Sink => "sink",
        }
    }
}

/// A connector as the worker keeps it: its config, as last put.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub(crate) struct Connector {
    pub spec: ConnectorSpec,
    /// The tasks running now (their numbers are `0..tasks`).
    pub tasks: u32,
}

/// A REST proxy and the HTTP client posting through it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub(crate) struct RestProxy {
    pub http_client: String,
    pub topic: String,
}

/// The registry: connectors and proxies by name.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub(crate) struct Around {
    pub connectors: SortedMap<String, Connector>,
    pub rest_proxies: SortedMap<String, RestProxy>,
}

/// A sink connector's consumer group.
pub fn sink_group(connector: &str) -> String {
    format!("connect-{connector}")
}

/// The client id of task `task` of `connector`: a consumer for a sink, a producer for a source.
pub fn task_client_id(class: ConnectorClass, connector: &str, task: u32) -> String {
    match class {
        ConnectorClass::Sink => format!("connector-consumer-{connector}-{task}"),
        ConnectorClass::Source => format!("connector-producer-{connector}-{task}"),
    }
}

/// One connector as the UI draws it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ConnectorView {
    pub name: String,
    pub class: ConnectorClass,
    /// Its tasks, task 0 first.
    pub tasks: Vec<TaskView>,
    /// A source's topic, or a sink's topics.
    pub topics: Vec<String>,
    /// The table a source reads, or the store a sink writes to.
    pub external: String,
    /// A sink's group (`connect-<name>`).
    pub group: Option<String>,
    /// Records moved: rows a source's tasks had acknowledged, or records a sink's tasks put
    /// into the store (as delivered to the group).
    pub moved: u64,
    /// Its config as last put (`tasks_max`, a source's `rate_per_s`; what a change puts
    /// again, altered).
    pub spec: ConnectorSpec,
}

/// One task of a connector: its Kafka client, and whether that client runs (a task whose
/// client was killed or stopped by hand is what Connect reports as FAILED).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TaskView {
    pub client_id: String,
    pub running: bool,
}

/// A REST proxy as the UI draws it: the producer `proxy`, on behalf of `http_client`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RestProxyView {
    pub proxy: String,
    pub http_client: String,
    pub topic: String,
}

impl Engine {
    /// Every connector, by name.
    pub fn connectors_view(&self) -> Vec<ConnectorView> {
        self.around
            .connectors
            .iter()
            .map(|(name, c)| {
                let s = &c.spec;
                let tasks: Vec<TaskView> = (0..c.tasks)
                    .map(|t| {
                        let client_id = task_client_id(s.class, name, t);
                        let running = self.client_running(s.class, name, &client_id);
                        TaskView { client_id, running }
                    })
                    .collect();
                let (topics, external, group, moved) = match s.class {
                    ConnectorClass::Source => {
                        let acked = tasks
                            .iter()
                            .filter_map(|t| self.producer_names.get(t.client_id.as_str()))
                            .map(|id| self.producers[id].stats.records_acked)
                            .sum();
                        let topic = s.topic.clone().into_iter().collect();
                        (topic, s.table.clone().unwrap_or_default(), None, acked)
                    }
                    ConnectorClass::Sink => {
                        let group = sink_group(name);
                        let delivered = self
                            .group_deliveries
                            .get(group.as_str())
                            .map_or(0, |d| d.delivered);
                        let store = s.store.clone().unwrap_or_else(|| name.clone());
                        (s.topics.clone(), store, Some(group), delivered)
                    }
                };
                ConnectorView {
                    name: name.clone(),
                    class: s.class,
                    tasks,
                    topics,
                    external,
                    group,
                    moved,
                    spec: s.clone(),
                }
            })
            .collect()
    }

    /// Whether task client `client_id` of connector `name` runs.
    fn client_running(&self, class: ConnectorClass, name: &str, client_id: &str) -> bool {
        match class {
            ConnectorClass::Source => self
                .producer_names
                .get(client_id)
                .and_then(|c| self.producers[c].continuous.as_ref())
                .is_some_and(|c| c.running),
            ConnectorClass::Sink => self
                .consumer_names
                .get(&(Arc::from(sink_group(name).as_str()), Arc::from(client_id)))
                .is_some_and(|c| self.consumers[c].running()),
        }
    }

    /// Every REST proxy, by name.
    pub fn rest_proxies_view(&self) -> Vec<RestProxyView> {
        self.around
            .rest_proxies
            .iter()
            .map(|(proxy, p)| RestProxyView {
                proxy: proxy.clone(),
                http_client: p.http_client.clone(),
                topic: p.topic.clone(),
            })
            .collect()
    }
}
