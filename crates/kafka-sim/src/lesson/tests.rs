//! The lesson format's own rules: what `parse_lesson`, `Lesson::check` and `check_index`
//! refuse, and checkpoints that must not hold in states that look close to theirs.

use super::*;
use crate::engine::{Engine, EngineConfig};

const GOOD: &str = r#"{
  "id": "demo", "title": {"en": "Demo", "pt-BR": "Demonstração"},
  "scenario": "01-demo.scenario.json",
  "steps": [
    {"text": {"en": "A.", "pt-BR": "A."}, "action": {"en": "Do a.", "pt-BR": "Faça a."},
     "checkpoint": {"check": "partition_count", "topic": "t", "partitions": 2},
     "show_me": [{"op": "create_topic", "topic": "t", "partitions": 2}]},
    {"text": {"en": "B.", "pt-BR": "B."}, "action": {"en": "Do b.", "pt-BR": "Faça b."},
     "checkpoint": {"check": "end_offset_at_least", "topic": "t", "partition": 0, "offset": 1},
     "show_me": [{"op": "produce", "topic": "t", "value": "v", "partition": 0}]},
    {"text": {"en": "C.", "pt-BR": "C."}, "action": {"en": "Wait.", "pt-BR": "Espere."},
     "checkpoint": {"check": "all", "of": [{"check": "broker_alive", "broker": 1}]},
     "show_me": []}
  ]
}"#;

fn good() -> Lesson {
    parse_lesson(GOOD).expect("the good lesson parses")
}

fn engine() -> Engine {
    Engine::new(EngineConfig {
        seed: 1,
        brokers: 3,
        latency_ms: 2,
        record_events: true,
        auto_create_topics_enable: true,
    })
}

#[test]
fn a_good_lesson_passes_and_round_trips() {
    let l = good();
    assert_eq!(l.check(), Ok(()));
    assert_eq!(l.title.pt_br, "Demonstração");
    let back = parse_lesson(&serde_json::to_string(&l).unwrap()).unwrap();
    assert_eq!(back, l);
}

#[test]
fn unknown_fields_checks_and_commands_are_refused_when_read() {
    for (from, to) in [
        (r#""partitions": 2}"#, r#""partitions": 2, "extra": 1}"#),
        (
            r#""check": "partition_count""#,
            r#""check": "partition_counts""#,
        ),
        // A field of another check.
        (r#""partitions": 2}"#, r#""partitions": 2, "broker": 1}"#),
        // A field it needs, missing.
        (r#", "partitions": 2}"#, r#"}"#),
        (r#""op": "create_topic""#, r#""op": "create_topics""#),
        (
            r#""value": "v", "partition": 0"#,
            r#""value": "v", "partition": "zero""#,
        ),
        (r#""pt-BR": "Demonstração""#, r#""pt_br": "Demonstração""#),
    ] {
        assert!(GOOD.contains(from), "{from}");
        let bad = GOOD.replacen(from, to, 1);
        assert!(parse_lesson(&bad).is_err(), "accepted: {to}");
    }
}

#[test]
fn check_names_what_is_wrong() {
    let mut l = good();
    l.steps[1].text.pt_br = " ".to_string();
    assert_eq!(
        l.check(),
        Err("step 2: text: the pt-BR text is empty".to_string())
    );

    let mut l = good();
    l.steps.truncate(2);
    assert!(l.check().unwrap_err().contains("3 to 6"));

    let mut l = good();
    l.id = "Demo Lesson".to_string();
    assert!(l.check().unwrap_err().starts_with("id"));

    let mut l = good();
    l.scenario = "../elsewhere/x.scenario.json".to_string();
    assert!(l.check().unwrap_err().starts_with("scenario"));

    let mut l = good();
    l.steps[1].checkpoint = Checkpoint::EndOffsetAtLeast {
        topic: "t".to_string(),
        partition: 0,
        offset: 0,
    };
    assert!(l.check().unwrap_err().contains("0 always holds"));

    let mut l = good();
    l.steps[2].checkpoint = Checkpoint::All { of: Vec::new() };
    assert!(l.check().unwrap_err().starts_with("step 3: checkpoint"));
}

#[test]
fn the_index_must_match_the_lessons_and_ids_be_unique() {
    let entry = |id: &str| IndexEntry {
        id: id.to_string(),
        file: format!("{id}.json"),
    };
    let index = LessonIndex {
        lessons: vec![entry("demo"), entry("demo")],
    };
    let two = vec![good(), good()];
    assert!(check_index(&index, &two)
        .unwrap_err()
        .contains("used twice"));
    let index = LessonIndex {
        lessons: vec![entry("other")],
    };
    assert!(check_index(&index, &two[..1])
        .unwrap_err()
        .contains("holds lesson"));
    let index = LessonIndex {
        lessons: vec![entry("demo")],
    };
    assert_eq!(check_index(&index, &two[..1]), Ok(()));
}

#[test]
fn a_key_on_two_partitions_is_not_on_one() {
    let mut e = engine();
    let l = good();
    e.apply(l.steps[0].show_me[0].clone()).unwrap();
    e.advance_to(1_000);
    let produce = |p: i32| {
        crate::command::Command::from_fields(
            crate::command::json::Fields::parse(&format!(
                r#"{{"op": "produce", "topic": "t", "key": "k", "value": "v", "partition": {p}}}"#
            ))
            .unwrap(),
        )
        .unwrap()
    };
    let one = Checkpoint::KeyOnOnePartition {
        topic: "t".to_string(),
        key: "k".to_string(),
        partition: None,
        records: 1,
    };
    assert!(!one.holds(&e));
    e.apply(produce(0)).unwrap();
    e.advance_to(2_000);
    assert!(one.holds(&e));
    e.apply(produce(1)).unwrap();
    e.advance_to(3_000);
    assert!(!one.holds(&e), "k is on partitions 0 and 1");
}

#[test]
fn lag_at_most_needs_a_group_that_committed() {
    let e = engine();
    let c = Checkpoint::GroupLagAtMost {
        group: "nobody".to_string(),
        topic: None,
        lag: 1_000,
    };
    assert!(!c.holds(&e), "an unknown group has no lag to be small");
}

#[test]
fn a_partition_whose_leader_is_dead_has_no_other_leader_yet() {
    let mut e = engine();
    let l = good();
    e.apply(l.steps[0].show_me[0].clone()).unwrap();
    e.advance_to(1_000);
    let leader = e
        .partition_view(&crate::ids::TopicPartition::new("t", 0))
        .unwrap()
        .leader
        .unwrap();
    let not_leader = Checkpoint::LeaderIsNot {
        topic: "t".to_string(),
        partition: 0,
        broker: leader.0,
    };
    let offline = Checkpoint::PartitionOffline {
        topic: "t".to_string(),
        partition: 0,
    };
    assert!(!not_leader.holds(&e) && !offline.holds(&e));
    e.apply(crate::command::Command::KillBroker { broker: leader })
        .unwrap();
    e.advance_to(1_100);
    // RF 1: the controller has not fenced it yet, and no other replica exists.
    assert!(offline.holds(&e));
    assert!(!not_leader.holds(&e));
}
