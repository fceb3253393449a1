//! Both views of a busy cluster, laid out in Portuguese, say no English word: every text the
//! layouts produce (labels, lines, details, reasons, state lines, headers, summaries, tooltips,
//! the timeline's marks) is read word by word against a list of common English words that are
//! not Kafka's names. The same texts in English must contain many of those words, so that the
//! check can fail: a string left untranslated in `src/scene/` shows here.

use std::collections::BTreeSet;

use kafka_sim::view::{PartitionView, ReplicaRole};
use kafka_sim::{BrokerId, Command, Engine, TimedEvent};

use super::brokers::{role_word, BrokerState};
use super::clients::{GroupNode, MemberStatus, ProducerNode};
use super::cluster_view::{self, ClusterScene};
use super::topic_view::{self, TopicScene};
use super::{marks, ClusterView};
use crate::i18n::Lang;
use crate::opening::Preset;

use super::test_stages::{LAPTOP, PHONE};

/// Common English words that are not Kafka's names: none may be in a Portuguese text. (Kafka's
/// terms Brazilian developers say as they are, "broker", "offset", "lag", "ISR", "HW", "LEO",
/// "rebalance", "fenced", "acks", and the group states, may stay; so may ids and configs.)
const ENGLISH: &[&str] = &[
    "the",
    "of",
    "to",
    "and",
    "is",
    "has",
    "not",
    "in",
    "at",
    "by",
    "for",
    "it",
    "its",
    "can",
    "on",
    "from",
    "with",
    "yet",
    "now",
    "none",
    "reads",
    "waiting",
    "left",
    "stopped",
    "acked",
    "failed",
    "generation",
    "leader",
    "follower",
    "members",
    "member",
    "records",
    "record",
    "partition",
    "partitions",
    "replica",
    "replicas",
    "sees",
    "alive",
    "dead",
    "killed",
    "active",
    "idle",
    "rebalancing",
    "isolated",
    "leads",
    "leaves",
    "older",
    "drawn",
    "committed",
    "key",
    "coordinator",
    "available",
    "noticed",
    "working",
    "down",
    "refused",
    "removed",
    "first",
    "phase",
    "ends",
    "epoch",
    "start",
    "below",
    "above",
    "groups",
    "group",
    "select",
    "every",
    "rec",
    "form",
    "restart",
    "lost",
    "shrank",
    "healed",
    "deleted",
    "restarted",
    "more",
    "topic",
    "network",
    "sync",
    "table",
    "client",
    "rows",
    "changed",
    "store",
];

/// Phrases that are Kafka's own output, kept verbatim in every language.
const KAFKA_PHRASES: &[&str] = &["Leader: none"];

/// The English words of `text` (ids, configs like `session.timeout.ms=45000` and `acks=all`,
/// and Kafka's phrases left out).
fn english_words(text: &str) -> BTreeSet<String> {
    let mut text = text.to_string();
    for phrase in KAFKA_PHRASES {
        text = text.replace(phrase, "");
    }
    text.split_whitespace()
        .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|t| !t.contains(['=', '.', '_', '-']))
        .flat_map(|t| t.split('/'))
        .map(str::to_lowercase)
        .filter(|w| ENGLISH.contains(&w.as_str()))
        .collect()
}

fn client_texts(
    lang: Lang,
    producers: &[ProducerNode],
    groups: &[GroupNode],
    out: &mut Vec<String>,
) {
    let outside = |o: &super::around::Outside, out: &mut Vec<String>| {
        out.extend([o.kind.clone(), o.system.clone(), o.via.clone()]);
        out.extend(o.title.clone());
    };
    for p in producers {
        // `error` and `error_message` are Kafka's exception and its message: English.
        out.extend(p.lines.iter().cloned());
        if let Some(o) = &p.outside {
            outside(o, out);
        }
    }
    for g in groups {
        if let Some(o) = &g.outside {
            outside(o, out);
        }
        out.extend(g.members.iter().map(|m| m.title.clone()));
        out.push(g.state_line.clone());
        out.extend(g.reason.iter().map(|r| r.text.clone()));
        for m in &g.members {
            out.push(m.detail.clone());
            out.push(m.status.label(lang).to_string());
            out.extend(m.reason.iter().map(|r| r.text.clone()));
        }
    }
}

fn topic_texts(lang: Lang, s: &TopicScene, out: &mut Vec<String>) {
    client_texts(lang, &s.producers, &s.groups, out);
    out.extend(s.hint.iter().cloned());
    for b in &s.brokers {
        out.push(b.text.clone());
        out.push(b.summary.clone());
    }
    for t in &s.topics {
        out.push(t.detail.clone());
        for r in &t.partitions {
            out.push(r.facts.clone());
            out.push(r.hw_leo.clone());
            out.push(r.summary.clone());
            out.extend(r.warnings.iter().cloned());
            if let Some((_, label, title)) = &r.older {
                out.push(label.clone());
                out.push(title.clone());
            }
            out.extend(r.cells.iter().filter_map(|c| c.title.clone()));
            out.extend(r.cells.iter().filter_map(|c| c.label.clone()));
            for l in &r.lanes {
                out.push(l.lag_text.clone());
            }
        }
    }
}

fn cluster_texts(lang: Lang, s: &ClusterScene, out: &mut Vec<String>) {
    client_texts(lang, &s.producers, &s.groups, out);
    out.push(s.controller.sees.clone());
    out.extend(s.controller.pending.iter().cloned());
    for b in &s.brokers {
        out.push(b.label.clone());
        out.push(b.status_line.clone());
        out.push(b.summary.clone());
        out.extend(b.reason.iter().map(|r| r.text.clone()));
        out.extend(b.replicas.iter().map(|r| r.label.clone()));
    }
}

/// Every text both views (on a laptop and on a phone) say about `engine` now, in `lang`.
fn texts(lang: Lang, engine: &Engine, out: &mut Vec<String>) {
    let view = ClusterView::from_engine(engine);
    for viewport in [LAPTOP, PHONE] {
        let tails = |p: &PartitionView| {
            super::snapshot::tail(engine, p, topic_view::cells_that_fit(viewport))
        };
        let topic = topic_view::layout(lang, &view, viewport, None, None, &tails, None);
        topic_texts(lang, &topic, out);
        let cluster = cluster_view::layout(lang, &view, viewport, None);
        cluster_texts(lang, &cluster, out);
    }
    for t in &view.topics {
        for p in &t.partitions {
            out.extend(topic_view::warnings(lang, &view, &p.tp));
        }
    }
}

/// A busy cluster at its moments of interest, and everything each moment's views say in
/// `lang`: members active, idle, rebalancing, killed and gone; brokers dead, fenced and about
/// to be; partitions led by a dead broker, under min.insync.replicas and offline; a producer
/// failing, then stopped; a cluster with many groups (the lanes' hint).
fn busy_cluster_texts(lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    let mut events: Vec<TimedEvent> = Vec::new();
    let classic = Preset::Classic;
    let mut engine = classic.engine();
    engine.advance_to(20_000);
    for i in 3..=7 {
        let consumer = format!("payments-{i}");
        engine
            .apply(classic.join_group(
                "payments",
                &consumer,
                &[classic.topic()],
                None,
                kafka_sim::consumer::OffsetReset::Earliest,
            ))
            .unwrap();
    }
    engine.advance_to(21_000);
    texts(lang, &engine, &mut out); // rebalancing
    engine.advance_to(60_000);
    texts(lang, &engine, &mut out); // Stable, active and idle members
    events.extend(engine.take_events());

    let kill = |group: &str, consumer: &str| Command::KillConsumer {
        group: group.into(),
        consumer: consumer.into(),
    };
    engine.apply(kill("payments", "payments-1")).unwrap();
    engine
        .apply(Command::LeaveGroup {
            group: "inventory".into(),
            consumer: "inventory-1".into(),
        })
        .unwrap();
    engine
        .apply(Command::KillBroker {
            broker: BrokerId(1),
        })
        .unwrap();
    engine.advance_to(62_000);
    texts(lang, &engine, &mut out); // countdowns: fencing, session, join phase
    engine
        .apply(Command::KillBroker {
            broker: BrokerId(2),
        })
        .unwrap();
    engine.advance_to(120_000);
    texts(lang, &engine, &mut out); // below min.insync.replicas, a producer failing
    engine
        .apply(Command::KillBroker {
            broker: BrokerId(3),
        })
        .unwrap();
    engine
        .apply(Command::StopProducer {
            id: classic.producer().into(),
        })
        .unwrap();
    engine.advance_to(140_000);
    texts(lang, &engine, &mut out); // offline, a stopped producer
    events.extend(engine.take_events());
    out.extend(
        marks::marks(lang, events.iter(), engine.now())
            .into_iter()
            .map(|m| m.label),
    );

    let mut large = Preset::Large.engine();
    large.advance_to(15_000);
    texts(lang, &large, &mut out); // many groups: the hint; compact tiles

    // Kafka around Kafka: a REST proxy, a Connect source and a sink with the systems beyond.
    let mut around = Engine::new(kafka_sim::EngineConfig::default());
    let steps: Vec<Command> = serde_json::from_str(
        r#"[
        {"op": "create_topic", "topic": "web-orders", "partitions": 3, "replication_factor": 3},
        {"op": "create_topic", "topic": "db.customers", "partitions": 3, "replication_factor": 3},
        {"op": "start_rest_proxy", "proxy": "rest-proxy", "http_client": "web-shop", "topic": "web-orders", "rate_per_s": 5},
        {"op": "put_connector", "name": "crm", "class": "source", "table": "customers", "topic": "db.customers", "rate_per_s": 5},
        {"op": "put_connector", "name": "warehouse", "class": "sink", "topics": ["db.customers"], "tasks_max": 2}
    ]"#,
    )
    .expect("commands");
    for c in steps {
        around.apply(c).expect("accepted");
    }
    around.advance_to(20_000);
    texts(lang, &around, &mut out);

    for s in [
        MemberStatus::Active,
        MemberStatus::Idle,
        MemberStatus::Rebalancing,
        MemberStatus::Killed,
        MemberStatus::Leaving,
        MemberStatus::Stopped,
    ] {
        out.push(s.label(lang).to_string());
    }
    for s in [BrokerState::Alive, BrokerState::Isolated, BrokerState::Dead] {
        out.push(s.word(lang).to_string());
    }
    for r in [
        ReplicaRole::Leader,
        ReplicaRole::InSync,
        ReplicaRole::OutOfSync,
        ReplicaRole::Offline,
    ] {
        out.push(role_word(lang, r).to_string());
    }
    out
}

#[test]
fn the_diagram_of_a_busy_cluster_says_no_english_word_in_portuguese() {
    let english = busy_cluster_texts(Lang::En);
    let found: BTreeSet<String> = english.iter().flat_map(|t| english_words(t)).collect();
    // The check can fail: the same texts in English are full of the words it looks for.
    assert!(
        found.len() >= 40,
        "the English texts use only {} of the words looked for: {}",
        found.len(),
        found.iter().cloned().collect::<Vec<_>>().join(", ")
    );
    for (text, word) in [
        ("acked 12 · failed 0", "acked"),
        ("Stable · generation 3", "generation"),
        (
            "no leader (Leader: none): no in-sync replica is alive",
            "alive",
        ),
    ] {
        assert!(english_words(text).contains(word), "{text}");
    }
    assert!(english_words("Leader: none · session.timeout.ms=45000 · acks=all").is_empty());

    let portuguese = busy_cluster_texts(Lang::PtBr);
    assert!(portuguese.len() > 1_000, "{} texts", portuguese.len());
    let mut left: Vec<(BTreeSet<String>, &String)> = portuguese
        .iter()
        .map(|t| (english_words(t), t))
        .filter(|(w, _)| !w.is_empty())
        .collect();
    left.sort();
    left.dedup();
    let said: Vec<String> = left
        .iter()
        .map(|(words, text)| {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            format!("\"{text}\" ({})", words.join(", "))
        })
        .collect();
    assert!(
        left.is_empty(),
        "English left in Portuguese:\n{}",
        said.join("\n")
    );
}
