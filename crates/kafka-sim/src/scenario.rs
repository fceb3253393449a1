//! The scenario file: JSON `{seed, brokers, until_ms, steps: [{at_ms, op, ...}]}` (see
//! README). Parsing is strict and total: any malformed input is one [`ScenarioError`] naming
//! the step index and the field, never a panic.

use crate::assignor::AssignorKind;
use crate::command::{Command, JoinGroupSpec, Outcome, ResetTarget};
use crate::consumer::OffsetReset;
use crate::controller::NewTopic;
use crate::engine::{Engine, EngineConfig, MAX_BROKERS};
use crate::error::KafkaError;
use crate::ids::BrokerId;
use crate::message::Acks;
use crate::network::DEFAULT_LATENCY_MS;
use crate::partitioner::PartitionerKind;
use crate::producer::Delivery;
use crate::record::Header;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// The simulator's cap on a run's length, ms (about 11.5 days of simulated time).
pub const MAX_UNTIL_MS: u64 = 1_000_000_000;
/// The simulator's cap on the number of steps.
pub const MAX_STEPS: usize = 100_000;

/// One timed command.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Step {
    pub at_ms: u64,
    pub command: Command,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Scenario {
    pub seed: u64,
    pub brokers: u32,
    pub until_ms: u64,
    pub latency_ms: u64,
    pub steps: Vec<Step>,
}

/// Why a scenario file is unusable.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ScenarioError {
    pub step: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(i) = self.step {
            write!(f, "step {i}: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "field \"{field}\": ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ScenarioError {}

struct Fields<'a> {
    obj: &'a Map<String, Value>,
    step: Option<usize>,
}

impl<'a> Fields<'a> {
    fn err(&self, field: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError {
            step: self.step,
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    fn get(&self, field: &str) -> Option<&'a Value> {
        self.obj.get(field).filter(|v| !v.is_null())
    }

    fn present(&self, field: &str) -> bool {
        self.obj.contains_key(field)
    }

    fn allow_only(&self, allowed: &[&str]) -> Result<(), ScenarioError> {
        for k in self.obj.keys() {
            if !allowed.contains(&k.as_str()) {
                return Err(self.err(k, "unknown field"));
            }
        }
        Ok(())
    }

    fn string(&self, field: &str) -> Result<String, ScenarioError> {
        match self.obj.get(field) {
            None => Err(self.err(field, "missing (expected a string)")),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(self.err(field, "expected a string")),
        }
    }

    fn opt_string(&self, field: &str) -> Result<Option<String>, ScenarioError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.err(field, "expected a string or null")),
        }
    }

    fn u64_in(&self, field: &str, min: u64, max: u64) -> Result<Option<u64>, ScenarioError> {
        match self.get(field) {
            None => Ok(None),
            Some(v) => match v.as_u64() {
                Some(n) if n >= min && n <= max => Ok(Some(n)),
                _ => Err(self.err(
                    field,
                    format!("expected an integer between {min} and {max}"),
                )),
            },
        }
    }

    fn req_u64(&self, field: &str, min: u64, max: u64) -> Result<u64, ScenarioError> {
        self.u64_in(field, min, max)?.ok_or_else(|| {
            self.err(
                field,
                format!("missing (expected an integer between {min} and {max})"),
            )
        })
    }

    fn opt_i32(&self, field: &str) -> Result<Option<i32>, ScenarioError> {
        match self.get(field) {
            None => Ok(None),
            Some(v) => match v.as_i64().and_then(|n| i32::try_from(n).ok()) {
                Some(n) => Ok(Some(n)),
                None => Err(self.err(field, "expected a 32-bit integer")),
            },
        }
    }

    fn broker(&self, field: &str) -> Result<BrokerId, ScenarioError> {
        Ok(BrokerId(self.req_u64(field, 0, u64::from(u32::MAX))? as u32))
    }

    fn acks(&self) -> Result<Acks, ScenarioError> {
        match self.get("acks") {
            None => Ok(Acks::All),
            Some(v) => match v {
                Value::String(s) if s == "all" || s == "-1" => Ok(Acks::All),
                Value::String(s) if s == "1" => Ok(Acks::One),
                Value::String(s) if s == "0" => Ok(Acks::Zero),
                Value::Number(n) if n.as_i64() == Some(-1) => Ok(Acks::All),
                Value::Number(n) if n.as_i64() == Some(1) => Ok(Acks::One),
                Value::Number(n) if n.as_i64() == Some(0) => Ok(Acks::Zero),
                _ => Err(self.err("acks", "expected \"0\", \"1\" or \"all\"")),
            },
        }
    }

    /// A `{"name": "value"}` object; numbers and booleans are taken as their text.
    fn config_map(&self, field: &str) -> Result<BTreeMap<String, Option<String>>, ScenarioError> {
        let mut out = BTreeMap::new();
        match self.get(field) {
            None => Ok(out),
            Some(Value::Object(m)) => {
                for (k, v) in m {
                    let v = match v {
                        Value::Null => None,
                        Value::String(s) => Some(s.clone()),
                        Value::Number(n) => Some(n.to_string()),
                        Value::Bool(b) => Some(b.to_string()),
                        _ => {
                            return Err(self.err(
                                &format!("{field}.{k}"),
                                "expected a string, number, boolean or null",
                            ))
                        }
                    };
                    out.insert(k.clone(), v);
                }
                Ok(out)
            }
            Some(_) => Err(self.err(field, "expected an object")),
        }
    }
}

/// Parses a scenario from JSON text.
pub fn parse_scenario(text: &str) -> Result<Scenario, ScenarioError> {
    let root: Value = serde_json::from_str(text).map_err(|e| ScenarioError {
        step: None,
        field: None,
        message: format!("invalid JSON: {e}"),
    })?;
    let Value::Object(obj) = &root else {
        return Err(ScenarioError {
            step: None,
            field: None,
            message: "expected a JSON object at the top level".to_string(),
        });
    };
    let top = Fields { obj, step: None };
    top.allow_only(&[
        "seed",
        "brokers",
        "until_ms",
        "latency_ms",
        "steps",
        "description",
    ])?;
    let seed = top.u64_in("seed", 0, u64::MAX)?.unwrap_or(0);
    let brokers = top
        .u64_in("brokers", 1, u64::from(MAX_BROKERS))?
        .unwrap_or(3) as u32;
    let latency_ms = top
        .u64_in("latency_ms", 0, 60_000)?
        .unwrap_or(DEFAULT_LATENCY_MS);
    let until = top.u64_in("until_ms", 0, MAX_UNTIL_MS)?;
    let steps_value = match obj.get("steps") {
        None => return Err(top.err("steps", "missing (expected a list of steps)")),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(top.err("steps", "expected a list of steps")),
    };
    if steps_value.len() > MAX_STEPS {
        return Err(top.err("steps", format!("at most {MAX_STEPS} steps are supported")));
    }
    let mut steps = Vec::with_capacity(steps_value.len());
    for (i, v) in steps_value.iter().enumerate() {
        let Value::Object(o) = v else {
            return Err(ScenarioError {
                step: Some(i),
                field: None,
                message: "expected an object".to_string(),
            });
        };
        steps.push(parse_step(&Fields {
            obj: o,
            step: Some(i),
        })?);
    }
    let until_ms = until.unwrap_or_else(|| {
        steps
            .iter()
            .map(|s| s.at_ms)
            .max()
            .unwrap_or(0)
            .saturating_add(30_000)
            .min(MAX_UNTIL_MS)
    });
    Ok(Scenario {
        seed,
        brokers,
        until_ms,
        latency_ms,
        steps,
    })
}

fn parse_step(f: &Fields) -> Result<Step, ScenarioError> {
    let at_ms = f.req_u64("at_ms", 0, MAX_UNTIL_MS)?;
    let op = f.string("op")?;
    let allow = |extra: &[&str]| {
        let mut all = vec!["at_ms", "op", "comment"];
        all.extend_from_slice(extra);
        f.allow_only(&all)
    };
    let command = match op.as_str() {
        "create_topic" => {
            allow(&[
                "topic",
                "partitions",
                "replication_factor",
                "configs",
                "fixed_start_index",
                "replica_assignment",
            ])?;
            let configs = f
                .config_map("configs")?
                .into_iter()
                .map(|(k, v)| (k, v.unwrap_or_default()))
                .collect();
            let replica_assignment = match f.get("replica_assignment") {
                None => None,
                Some(Value::Object(m)) => {
                    let mut out = BTreeMap::new();
                    for (k, v) in m {
                        let field = format!("replica_assignment.{k}");
                        let p: u32 = k
                            .parse()
                            .map_err(|_| f.err(&field, "partition ids must be integers"))?;
                        let Value::Array(list) = v else {
                            return Err(f.err(&field, "expected a list of broker ids"));
                        };
                        let mut brokers = Vec::new();
                        for b in list {
                            let b = b
                                .as_u64()
                                .and_then(|b| u32::try_from(b).ok())
                                .ok_or_else(|| f.err(&field, "expected a list of broker ids"))?;
                            brokers.push(b);
                        }
                        out.insert(p, brokers);
                    }
                    Some(out)
                }
                Some(_) => {
                    return Err(f.err(
                        "replica_assignment",
                        "expected an object like {\"0\": [1,2,3]}",
                    ))
                }
            };
            Command::CreateTopic(NewTopic {
                topic: f.string("topic")?,
                partitions: f.opt_i32("partitions")?,
                replication_factor: f.opt_i32("replication_factor")?,
                replica_assignment,
                fixed_start_index: f
                    .u64_in("fixed_start_index", 0, u64::from(u32::MAX))?
                    .map(|v| v as u32),
                configs,
            })
        }
        "alter_partitions" => {
            allow(&["topic", "partitions"])?;
            Command::AlterPartitions {
                topic: f.string("topic")?,
                partitions: f
                    .opt_i32("partitions")?
                    .ok_or_else(|| f.err("partitions", "missing (expected an integer)"))?,
            }
        }
        "set_topic_config" => {
            allow(&["topic", "configs"])?;
            if !f.present("configs") {
                return Err(f.err("configs", "missing (expected an object)"));
            }
            Command::SetTopicConfig {
                topic: f.string("topic")?,
                configs: f.config_map("configs")?,
            }
        }
        "produce" => {
            allow(&["topic", "key", "value", "partition", "headers", "acks"])?;
            if !f.present("value") {
                return Err(f.err("value", "missing (expected a string or null)"));
            }
            let headers = f
                .config_map("headers")
                .map_err(|e| ScenarioError {
                    message: e.message.replace("number, boolean or null", "or null"),
                    ..e
                })?
                .into_iter()
                .map(|(key, value)| Header {
                    key,
                    value: value.map(String::into_bytes),
                })
                .collect();
            Command::Produce {
                topic: f.string("topic")?,
                key: f.opt_string("key")?.map(String::into_bytes),
                value: f.opt_string("value")?.map(String::into_bytes),
                headers,
                partition: f.opt_i32("partition")?,
                acks: f.acks()?,
            }
        }
        "start_producer" => {
            allow(&[
                "id",
                "topic",
                "rate_per_s",
                "keys",
                "acks",
                "value_bytes",
                "partitioner",
                "max_records",
            ])?;
            let keys = match f.get("keys") {
                None => None,
                Some(Value::Array(a)) => {
                    let mut keys = Vec::new();
                    for k in a {
                        match k {
                            Value::String(s) => keys.push(s.clone()),
                            _ => return Err(f.err("keys", "expected a list of strings or null")),
                        }
                    }
                    Some(keys)
                }
                Some(_) => return Err(f.err("keys", "expected a list of strings or null")),
            };
            let partitioner = match f.opt_string("partitioner")?.as_deref() {
                None | Some("default") => PartitionerKind::Default,
                Some("round_robin") => PartitionerKind::RoundRobin,
                Some(_) => {
                    return Err(f.err("partitioner", "expected \"default\" or \"round_robin\""))
                }
            };
            Command::StartProducer {
                id: f.string("id")?,
                topic: f.string("topic")?,
                rate_per_s: f.req_u64("rate_per_s", 1, crate::engine::MAX_RATE_PER_S)?,
                keys,
                acks: f.acks()?,
                value_bytes: f
                    .u64_in("value_bytes", 0, u64::from(crate::engine::MAX_VALUE_BYTES))?
                    .map(|v| v as u32),
                partitioner,
                max_records: f.u64_in("max_records", 0, u64::MAX)?,
            }
        }
        "stop_producer" => {
            allow(&["id", "topic"])?;
            Command::StopProducer {
                id: f.string("id")?,
            }
        }
        "kill_broker" => {
            allow(&["broker"])?;
            Command::KillBroker {
                broker: f.broker("broker")?,
            }
        }
        "restart_broker" => {
            allow(&["broker"])?;
            Command::RestartBroker {
                broker: f.broker("broker")?,
            }
        }
        "isolate_broker" => {
            allow(&["broker"])?;
            Command::IsolateBroker {
                broker: f.broker("broker")?,
            }
        }
        "heal_network" => {
            allow(&[])?;
            Command::HealNetwork
        }
        "add_broker" => {
            allow(&["broker"])?;
            Command::AddBroker {
                broker: f
                    .u64_in("broker", 0, u64::from(u32::MAX))?
                    .map(|b| BrokerId(b as u32)),
            }
        }
        "elect_preferred_leaders" => {
            allow(&["topic"])?;
            Command::ElectPreferredLeaders {
                topic: f.opt_string("topic")?,
            }
        }
        "join_group" => {
            allow(&[
                "group",
                "consumer",
                "topics",
                "assignor",
                "process_rate_per_s",
                "auto_offset_reset",
                "enable_auto_commit",
                "max_poll_records",
            ])?;
            Command::JoinGroup(Box::new(parse_join(f)?))
        }
        "leave_group" => {
            allow(&["group", "consumer"])?;
            Command::LeaveGroup {
                group: f.string("group")?,
                consumer: f.string("consumer")?,
            }
        }
        "kill_consumer" => {
            allow(&["group", "consumer"])?;
            Command::KillConsumer {
                group: f.string("group")?,
                consumer: f.string("consumer")?,
            }
        }
        "reset_offsets" => {
            allow(&["group", "topic", "to"])?;
            Command::ResetOffsets {
                group: f.string("group")?,
                topic: f.string("topic")?,
                to: parse_reset_target(f)?,
            }
        }
        other => {
            return Err(f.err("op", format!("unknown op \"{other}\"")));
        }
    };
    Ok(Step { at_ms, command })
}

fn parse_join(f: &Fields) -> Result<JoinGroupSpec, ScenarioError> {
    let topics = match f.get("topics") {
        Some(Value::Array(a)) if !a.is_empty() => {
            let mut out = Vec::new();
            for t in a {
                match t {
                    Value::String(s) => out.push(s.clone()),
                    _ => return Err(f.err("topics", "expected a list of topic names")),
                }
            }
            out
        }
        Some(Value::String(s)) => vec![s.clone()],
        None => return Err(f.err("topics", "missing (expected a list of topic names)")),
        Some(_) => return Err(f.err("topics", "expected a non-empty list of topic names")),
    };
    let assignor = match f.opt_string("assignor")? {
        None => None,
        Some(a) => Some(AssignorKind::from_name(&a).ok_or_else(|| {
            f.err(
                "assignor",
                "expected \"range\", \"roundrobin\", \"sticky\" or \"cooperative-sticky\"",
            )
        })?),
    };
    let auto_offset_reset = match f.opt_string("auto_offset_reset")?.as_deref() {
        None | Some("latest") => OffsetReset::Latest,
        Some("earliest") => OffsetReset::Earliest,
        Some("none") => OffsetReset::None,
        Some(_) => {
            return Err(f.err(
                "auto_offset_reset",
                "expected \"earliest\", \"latest\" or \"none\"",
            ))
        }
    };
    let enable_auto_commit = match f.get("enable_auto_commit") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(f.err("enable_auto_commit", "expected true or false")),
    };
    Ok(JoinGroupSpec {
        group: f.string("group")?,
        consumer: f.string("consumer")?,
        topics,
        assignor,
        process_rate_per_s: f.u64_in("process_rate_per_s", 1, crate::engine::MAX_RATE_PER_S)?,
        auto_offset_reset,
        enable_auto_commit,
        max_poll_records: f
            .u64_in("max_poll_records", 1, 1_000_000)?
            .map(|v| v as u32),
    })
}

fn parse_reset_target(f: &Fields) -> Result<ResetTarget, ScenarioError> {
    const EXPECTED: &str = "expected \"earliest\", \"latest\", {\"offset\": N}, {\"shift_by\": N} or {\"datetime_ms\": T}";
    match f.get("to") {
        Some(Value::String(s)) if s == "earliest" => Ok(ResetTarget::Earliest),
        Some(Value::String(s)) if s == "latest" => Ok(ResetTarget::Latest),
        Some(Value::Object(m)) if m.len() == 1 => {
            let (k, v) = m.iter().next().expect("one entry");
            match (k.as_str(), v.as_i64()) {
                ("offset", Some(n)) => Ok(ResetTarget::Offset(n)),
                ("shift_by", Some(n)) => Ok(ResetTarget::ShiftBy(n)),
                ("datetime_ms", Some(n)) if n >= 0 => Ok(ResetTarget::DatetimeMs(n as u64)),
                _ => Err(f.err("to", EXPECTED)),
            }
        }
        None => Err(f.err("to", format!("missing ({EXPECTED})"))),
        Some(_) => Err(f.err("to", EXPECTED)),
    }
}

/// The result of running a scenario.
pub struct ScenarioRun {
    pub engine: Engine,
    /// Per step, in file order: `None` if the step was after the end of the run.
    pub results: Vec<Option<Result<Outcome, KafkaError>>>,
    pub until_ms: u64,
}

impl Scenario {
    /// The engine a run of this scenario starts from.
    pub fn new_engine(&self) -> Engine {
        Engine::new(EngineConfig {
            seed: self.seed,
            brokers: self.brokers,
            latency_ms: self.latency_ms,
            record_events: true,
        })
    }

    /// Step indexes in the order they run: by `at_ms`, stable for equal times.
    pub fn step_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.steps.len()).collect();
        order.sort_by_key(|&i| self.steps[i].at_ms);
        order
    }
}

/// Runs the steps in `at_ms` order (stable for equal times) up to `until_ms`.
pub fn run_scenario(s: &Scenario, until_override: Option<u64>) -> ScenarioRun {
    let until_ms = until_override.unwrap_or(s.until_ms);
    let mut engine = s.new_engine();
    let mut results = vec![None; s.steps.len()];
    for i in s.step_order() {
        let step = &s.steps[i];
        if step.at_ms > until_ms {
            break;
        }
        engine.advance_to(step.at_ms);
        results[i] = Some(engine.apply(step.command.clone()));
    }
    engine.advance_to(until_ms);
    ScenarioRun {
        engine,
        results,
        until_ms,
    }
}

impl ScenarioRun {
    /// `--acks`: one line per produce step, in file order.
    pub fn acks_report(&self, s: &Scenario) -> String {
        let mut out = String::new();
        for (step, result) in s.steps.iter().zip(&self.results) {
            if !matches!(step.command, Command::Produce { .. }) {
                continue;
            }
            let line = match result {
                None => "pending".to_string(),
                Some(Err(e)) => format!("error {}", e.name()),
                Some(Ok(Outcome::Produced(h))) => match self.engine.delivery(*h) {
                    Some(Delivery::Acked { tp, offset }) => format!(
                        "ack {tp}@{}",
                        offset.map_or("-1".to_string(), |o| o.0.to_string())
                    ),
                    Some(Delivery::Failed(e)) => format!("error {}", e.name()),
                    Some(Delivery::Pending) | None => "pending".to_string(),
                },
                Some(Ok(_)) => "pending".to_string(),
            };
            out.push_str(&line);
            out.push('\n');
        }
        out
    }
}
