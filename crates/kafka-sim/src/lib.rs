//! kafka-sim: a deterministic, in-memory model of an Apache Kafka cluster.
//!
//! A run is `(seed, [timed commands])`; the [`Engine`] turns it into state and [`Event`]s,
//! identically every time, natively and in wasm32. Time is simulated (`SimTime`, ms) and only
//! moves through [`Engine::step`], [`Engine::advance_to`] and [`Engine::advance_by_steps`];
//! no clock is ever read.
//!
//! Code map:
//! - [`ids`]: newtype ids (`BrokerId`, `PartitionId`, `Offset`, `Epoch`, `TopicPartition`, ...).
//! - [`murmur2`], [`partitioner`]: the Java client's key hashing and partitioners.
//! - [`placement`]: rack-unaware replica assignment (`AdminUtils`).
//! - [`topic`]: topic names, configs, topic ids.
//! - [`record`], [`log`]: shared record batches (compacted ones keep their offsets with gaps)
//!   and a replica's log: segments, log start, LEO, epoch cache; `log/retention.rs` deletes old
//!   segments (`retention.ms`, `retention.bytes`), `log/cleaner.rs` compacts
//!   (`cleanup.policy=compact`), `log/producer_state.rs` keeps idempotent producers' last
//!   batches (duplicates, sequence gaps), their open transactions (the last stable offset)
//!   and the aborted ones.
//! - [`replica`]: a replica's HW and, as leader, its view of followers (ISR rules).
//! - [`network`], [`message`]: envelopes in flight and what they carry.
//! - [`metadata`]: the cluster metadata image.
//! - [`controller`]: the KRaft controller (registration, fencing, elections, ISR changes;
//!   `controller/admin.rs`: topic admin operations). `apply.rs`: commands into the engine.
//! - [`broker`]: brokers (`broker/produce.rs`: PRODUCE as leader; `broker/fetch.rs`:
//!   replication by FETCH, both sides; `broker/logs.rs`: the log manager's retention checks
//!   and the log cleaner, on the broker's own replicas; `broker/producer_ids.rs`:
//!   InitProducerId from blocks of ids the controller hands out; `broker/txn.rs`: the
//!   transaction coordinator on `__transaction_state`, its markers and timeouts).
//! - [`producer`]: the producer client (metadata, idempotence, batching, the sticky
//!   partitioner's batch boundaries, retries, load generation; `producer/txn.rs`: the
//!   transactional producer). `apply_txn.rs`: the `transaction` command.
//! - [`consumer`]: the consumer client (group membership in `consumer/membership.rs`, fetch,
//!   positions, poll and commits in `consumer/fetching.rs`); [`group`]: groups on the
//!   coordinator and their `__consumer_offsets` records (protocol in `broker/coordinator.rs`,
//!   `broker/rebalance.rs`, `broker/offsets.rs`; consumer FETCH and ListOffsets in
//!   `broker/client.rs`); [`assignor`]: range, roundrobin, sticky, cooperative-sticky, with
//!   Java's hash order where Kafka's results depend on it. `apply_group.rs`: consumer commands.
//! - [`engine`]: the event queue; [`ledger`]: acked records, so loss is never silent;
//!   [`guarantees`]: the guarantee ledger people read (acked, lost, duplicates, key order,
//!   aborted records seen, each entry with its time and offsets) and one record's lineage;
//!   [`command`] in, [`event`] out; [`gone_topics`]: how observers of the events tell a
//!   deleted topic from one created again under its name.
//! - [`trace`]: one line per event; [`describe`]: `kafka-topics --describe`, dumps;
//!   `describe_groups`, deliveries; [`view`]: the read-only view the app draws (groups and
//!   consumers in `view/groups.rs`, the deadlines about to fire in `view/deadlines.rs`);
//!   [`scenario`]: the JSON scenario format; [`workload`]: the pipeline benchmark workload;
//!   [`footprint`]: where the memory goes (estimated heap bytes per structure, for
//!   `examples/memory.rs`).
//! - [`sorted`]: `SortedMap`/`SortedSet`, the ordered maps and sets used throughout (sorted
//!   vectors: `BTreeMap`'s behaviour with a fraction of its code in the browser bundle);
//!   [`sorting`]: one sort for every type; [`small_map`]: maps of a handful of entries.
//! - [`connect`]: Kafka around Kafka: Kafka Connect connectors (source tasks are producers,
//!   a sink's tasks a consumer group `connect-<name>`) and REST proxies, so they can be drawn
//!   as their own nodes; `apply_connect.rs` applies their commands.
//! - [`lesson`]: lessons as data (steps with texts in English and pt-BR, checkpoints over
//!   the engine's state, show_me commands) and a player that drives them as the app does.
//! - [`check`]: invariant checkers run after every event (structure, logs, acked records,
//!   consumer groups, read_committed deliveries) and a scenario run checked step by step; [`sweep`]: seeded fault
//!   sweeps with shrinking to a minimal scenario (`kafka-sim verify`).

mod apply;
mod apply_connect;
mod apply_group;
mod apply_txn;
pub mod assignor;
pub mod broker;
pub mod check;
pub mod command;
pub mod connect;
pub mod consumer;
pub mod controller;
mod ctx;
pub mod describe;
pub mod engine;
pub mod error;
pub mod event;
pub mod footprint;
pub mod gone_topics;
pub mod group;
mod group_codec;
pub mod guarantees;
pub mod ids;
pub mod ledger;
pub mod lesson;
pub mod log;
pub mod message;
pub mod metadata;
pub mod murmur2;
pub mod network;
pub mod partitioner;
pub mod placement;
pub mod producer;
pub mod record;
pub mod replica;
pub mod rng;
pub mod scenario;
pub mod small_map;
pub mod sorted;
pub mod sorting;
pub mod sweep;
pub mod topic;
pub mod trace;
pub mod view;
pub mod workload;

pub use command::{Command, ElectionType, IsolateFrom, Outcome};
pub use controller::NewTopic;
pub use engine::{Engine, EngineConfig};
pub use error::{ErrorKind, KafkaError};
pub use event::{ElectionKind, Event, TimedEvent};
pub use ids::{
    BrokerId, ClientId, Epoch, Offset, PartitionId, ProduceHandle, SimTime, TopicPartition,
};
pub use message::Acks;
pub use network::{Envelope, NodeId};
pub use producer::Delivery;
