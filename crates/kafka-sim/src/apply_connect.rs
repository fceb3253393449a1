//! Applying the commands of Kafka around Kafka (see `connect.rs`): `start_rest_proxy`,
//! `put_connector` and `delete_connector`, each checked with Kafka's errors before any change.

use crate::apply::ProducerLoad;
use crate::apply_group::validate_join;
use crate::command::{JoinGroupSpec, Outcome};
use crate::connect::{
    sink_group, task_client_id, Connector, ConnectorClass, ConnectorSpec, RestProxy,
    OFFSET_FLUSH_INTERVAL_MS,
};
use crate::consumer::{ConsumerConfig, OffsetReset};
use crate::ctx::Outbox;
use crate::engine::Engine;
use crate::error::{ErrorKind, KafkaError};
use crate::event::Event;
use crate::message::Acks;
use std::sync::Arc;

fn config_error(message: impl Into<String>) -> KafkaError {
    KafkaError::new(ErrorKind::ConfigException, message)
}

impl Engine {
    /// The proxy's producer starts posting `load` to `topic` for `http_client`.
    pub(crate) fn start_rest_proxy(
        &mut self,
        proxy: &str,
        http_client: &str,
        topic: &str,
        load: ProducerLoad,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
        if proxy.trim().is_empty() || http_client.trim().is_empty() {
            return Err(config_error(
                "A REST proxy needs a name (proxy) and an HTTP client (http_client).",
            ));
        }
        self.start_producer(proxy, topic, load, out)?;
        self.around.rest_proxies.insert(
            proxy.to_string(),
            RestProxy {
                http_client: http_client.to_string(),
                topic: topic.to_string(),
            },
        );
        Ok(Outcome::Done)
    }

    /// `PUT /connectors/{name}/config`: creates the connector or changes its config.
    pub(crate) fn put_connector(
        &mut self,
        spec: &ConnectorSpec,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
        let old = self.around.connectors.get(&spec.name).cloned();
        if old.as_ref().is_some_and(|o| o.spec == *spec) {
            // Connect answers 200 and restarts nothing when the config did not change.
            return Ok(Outcome::Done);
        }
        let tasks = match spec.class {
            ConnectorClass::Source => self.put_source(spec, old.as_ref(), out)?,
            ConnectorClass::Sink => self.put_sink(spec, old.as_ref(), out)?,
        };
        self.around.connectors.insert(
            spec.name.clone(),
            Connector {
                spec: spec.clone(),
                tasks,
            },
        );
        out.events.push(Event::ConnectorConfigured {
            connector: Arc::from(spec.name.as_str()),
            class: spec.class,
            tasks,
        });
        Ok(Outcome::Done)
    }

    /// `DELETE /connectors/{name}`: its tasks stop.
    pub(crate) fn delete_connector(
        &mut self,
        name: &str,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
        let Some(c) = self.around.connectors.remove(name) else {
            return Err(KafkaError::new(
                ErrorKind::NotFoundException,
                format!("Connector {name} not found"),
            ));
        };
        self.stop_tasks(&c, 0, out);
        out.events.push(Event::ConnectorDeleted {
            connector: Arc::from(name),
        });
        Ok(Outcome::Done)
    }

    /// A source reads one table, so it runs one task (as the JDBC source does: a task per
    /// table), a producer with Connect's settings (acks=all, idempotent).
    fn put_source(
        &mut self,
        spec: &ConnectorSpec,
        old: Option<&Connector>,
        out: &mut Outbox,
    ) -> Result<u32, KafkaError> {
        check_name_and_tasks(spec)?;
        let (Some(table), Some(topic), Some(rate)) = (&spec.table, &spec.topic, spec.rate_per_s)
        else {
            return Err(config_error(
                "A source connector needs table, topic and rate_per_s.",
            ));
        };
        if table.trim().is_empty() {
            return Err(config_error("table must not be empty."));
        }
        if !spec.topics.is_empty() || spec.store.is_some() {
            return Err(config_error(
                "topics and store are a sink's settings; a source writes to topic.",
            ));
        }
        let load = ProducerLoad::new(rate, spec.keys.clone(), Acks::All);
        load.check(topic)?;
        let task = task_client_id(ConnectorClass::Source, &spec.name, 0);
        self.check_task_free(&task, old)?;
        if let Some(old) = old {
            self.stop_tasks(old, 0, out);
        }
        self.start_producer(&task, topic, load, out)?;
        Ok(1)
    }

    /// A sink runs `tasks.max` tasks, each a consumer in `connect-<name>`; changing
    /// `tasks.max` starts or stops the tasks that change.
    fn put_sink(
        &mut self,
        spec: &ConnectorSpec,
        old: Option<&Connector>,
        out: &mut Outbox,
    ) -> Result<u32, KafkaError> {
        check_name_and_tasks(spec)?;
        if spec.topics.is_empty() {
            return Err(config_error("Must configure one of topics or topics.regex"));
        }
        if spec.table.is_some() || spec.topic.is_some() || spec.rate_per_s.is_some() {
            return Err(config_error(
                "table, topic and rate_per_s are a source's settings; a sink reads topics.",
            ));
        }
        let keep = match old {
            Some(o) if o.spec.class == ConnectorClass::Sink && o.spec.topics == spec.topics => {
                o.tasks.min(spec.tasks_max)
            }
            Some(_) => {
                return Err(config_error(format!(
                    "Connector {} runs with other topics or class: delete it first (its tasks must leave the group before new ones join).",
                    spec.name
                )))
            }
            None => 0,
        };
        let group = sink_group(&spec.name);
        let configs: Vec<ConsumerConfig> = (keep..spec.tasks_max)
            .map(|t| {
                let task = task_client_id(ConnectorClass::Sink, &spec.name, t);
                let topics: Vec<&str> = spec.topics.iter().map(String::as_str).collect();
                let mut join = JoinGroupSpec::new(&group, &task, &topics);
                join.auto_offset_reset = OffsetReset::Earliest;
                let mut config = validate_join(&join)?;
                config.auto_commit_interval_ms = OFFSET_FLUSH_INTERVAL_MS;
                Ok(config)
            })
            .collect::<Result<_, KafkaError>>()?;
        for c in &configs {
            self.check_task_free(&c.client_id, old)?;
        }
        if let Some(old) = old {
            self.stop_tasks(old, spec.tasks_max, out);
        }
        for config in configs {
            self.start_consumer(config, out)?;
        }
        Ok(spec.tasks_max)
    }

    /// Refuses a task whose client is still running outside this connector (or, for a sink,
    /// still leaving the group after an earlier stop).
    fn check_task_free(&self, task: &str, old: Option<&Connector>) -> Result<(), KafkaError> {
        let ours = old.is_some_and(|o| {
            (0..o.tasks).any(|t| task_client_id(o.spec.class, &o.spec.name, t) == task)
        });
        let producing = self
            .producer_names
            .get(task)
            .and_then(|c| self.producers[c].continuous.as_ref())
            .is_some_and(|c| c.running);
        let consuming = self
            .consumer_names
            .iter()
            .any(|((_, client), c)| **client == *task && self.consumers[c].running());
        if (producing || consuming) && !ours {
            return Err(KafkaError::new(
                ErrorKind::IllegalStateException,
                format!("Client {task} is still running; wait until it has stopped."),
            ));
        }
        Ok(())
    }

    /// Stops the connector's tasks numbered `from` and up: a source's producer stops, a sink's
    /// consumers close (committing what they put into the store, then leaving the group).
    fn stop_tasks(&mut self, c: &Connector, from: u32, out: &mut Outbox) {
        for t in from..c.tasks {
            let task = task_client_id(c.spec.class, &c.spec.name, t);
            // A task the user killed or stopped by hand is already gone: nothing to stop.
            let _ = match c.spec.class {
                ConnectorClass::Source => self.stop_producer(&task, out),
                ConnectorClass::Sink => self.leave_group(&sink_group(&c.spec.name), &task, out),
            };
        }
    }
}

fn check_name_and_tasks(spec: &ConnectorSpec) -> Result<(), KafkaError> {
    if spec.name.trim().is_empty() {
        return Err(config_error("Connector name must not be empty"));
    }
    if spec.tasks_max == 0 {
        return Err(config_error(
            "Invalid value 0 for configuration tasks.max: Value must be at least 1",
        ));
    }
    Ok(())
}
