//! Kafka around Kafka on the diagram: a REST proxy and a Kafka Connect source task are
//! producers, a sink connector is a consumer group, but each is drawn as what it is: the node
//! names its kind ("REST proxy", "Kafka Connect source"), and the system on the other side (the
//! HTTP client, the database table, the store) is a box of its own joined to it by an arrow
//! that says what crosses ("POST /topics/web-orders", "rows changed", "put()").

use kafka_sim::connect::{ConnectorClass, ConnectorView};

use super::snapshot::ClusterView;
use super::words;
use super::Rect;
use crate::i18n::{tr, trf, Lang};

/// Height of the outside system's box.
pub const OUTSIDE_BOX_H: f64 = 26.0;
/// The outside box and the arrow between it and the node.
pub const OUTSIDE_H: f64 = OUTSIDE_BOX_H + 24.0;
/// The node's line naming its kind.
pub const KIND_LINE_H: f64 = 17.0;
/// Characters of an outside label (the node is 176 or 220 units wide, 11-12 px text).
const LABEL_CHARS: usize = 26;

/// What a client is besides a Kafka client, and the system beyond it.
#[derive(Clone, Debug, PartialEq)]
pub struct Outside {
    /// The node's kind: "REST proxy", "Kafka Connect source", "Kafka Connect sink".
    pub kind: String,
    /// Its glossary entry ("REST proxy", "Kafka Connect").
    pub term: &'static str,
    /// The name drawn on the node instead of its client id ("crm-source task 0"), if shorter.
    pub title: Option<String>,
    /// The outside system: "HTTP client web-shop", "table customers", "store data-warehouse".
    pub system: String,
    /// What crosses the arrow: "POST /topics/web-orders", "rows changed", "put() 120 records".
    pub via: String,
    /// The outside system is upstream (feeds the node) or downstream (the node feeds it).
    pub upstream: bool,
}

/// The outside box of a node whose whole rectangle is `node` (on top when upstream, at the
/// bottom when downstream), and the node's own box.
pub fn split(node: &Rect, upstream: bool) -> (Rect, Rect) {
    let body_h = node.h - OUTSIDE_H;
    if upstream {
        (
            Rect::new(node.x, node.y, node.w, OUTSIDE_BOX_H),
            Rect::new(node.x, node.y + OUTSIDE_H, node.w, body_h),
        )
    } else {
        (
            Rect::new(node.x, node.bottom() - OUTSIDE_BOX_H, node.w, OUTSIDE_BOX_H),
            Rect::new(node.x, node.y, node.w, body_h),
        )
    }
}

/// What producer `name` is: a REST proxy, a source connector's task, or neither.
pub fn of_producer(lang: Lang, view: &ClusterView, name: &str) -> Option<Outside> {
    if let Some(p) = view.rest_proxies.iter().find(|p| p.proxy == name) {
        return Some(Outside {
            kind: tr(lang, "REST proxy").to_string(),
            term: "REST proxy",
            title: None,
            system: words::ellipsis(&trf(lang, "HTTP client {}", &[&p.http_client]), LABEL_CHARS),
            // The HTTP request, as the client sends it.
            via: words::ellipsis(&format!("POST /topics/{}", p.topic), LABEL_CHARS),
            upstream: true,
        });
    }
    let (c, task) = task_of(&view.connectors, name)?;
    Some(Outside {
        kind: tr(lang, "Kafka Connect source").to_string(),
        term: "Kafka Connect",
        title: Some(words::ellipsis(
            &trf(lang, "{} task {}", &[&c.name, &task]),
            20,
        )),
        system: words::ellipsis(&trf(lang, "table {}", &[&c.external]), LABEL_CHARS),
        via: trf(
            lang,
            "rows changed · {}/s",
            &[&c.spec.rate_per_s.unwrap_or(0)],
        ),
        upstream: true,
    })
}

/// What group `group` is: a sink connector's group, or a plain group.
pub fn of_group(lang: Lang, view: &ClusterView, group: &str) -> Option<Outside> {
    let c = view
        .connectors
        .iter()
        .find(|c| c.class == ConnectorClass::Sink && c.group.as_deref() == Some(group))?;
    Some(Outside {
        kind: tr(lang, "Kafka Connect sink").to_string(),
        term: "Kafka Connect",
        title: None,
        system: words::ellipsis(&trf(lang, "store {}", &[&c.external]), LABEL_CHARS),
        // put() is the sink task's method (SinkTask.put): Kafka's word.
        via: trf(lang, "put() {} records", &[&words::count(c.moved)]),
        upstream: false,
    })
}

/// A sink task's short name ("task 2") for member `client_id` of `group`.
pub fn sink_task(lang: Lang, view: &ClusterView, group: &str, client_id: &str) -> Option<String> {
    let (c, task) = task_of(&view.connectors, client_id)?;
    (c.group.as_deref() == Some(group)).then(|| trf(lang, "task {}", &[&task]))
}

/// The connector whose task has client id `client_id`, and the task's number.
fn task_of<'a>(
    connectors: &'a [ConnectorView],
    client_id: &str,
) -> Option<(&'a ConnectorView, usize)> {
    connectors.iter().find_map(|c| {
        let task = c.tasks.iter().position(|t| t.client_id == client_id)?;
        Some((c, task))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::{cluster_view, topic_view, Viewport};
    use kafka_sim::{Command, Engine, EngineConfig};

    /// The lesson's cluster: a REST proxy for a web shop, a source connector reading the
    /// customers table and a sink connector of two tasks writing to a warehouse.
    fn around_kafka() -> ClusterView {
        let mut e = Engine::new(EngineConfig::default());
        let text = r#"[
            {"op": "create_topic", "topic": "web-orders", "partitions": 3, "replication_factor": 3},
            {"op": "create_topic", "topic": "db.customers", "partitions": 3, "replication_factor": 3},
            {"op": "start_rest_proxy", "proxy": "rest-proxy", "http_client": "web-shop", "topic": "web-orders", "rate_per_s": 5},
            {"op": "put_connector", "name": "crm-source", "class": "source", "table": "customers", "topic": "db.customers", "rate_per_s": 5, "keys": ["c-1", "c-2"]},
            {"op": "put_connector", "name": "warehouse", "class": "sink", "topics": ["db.customers"], "store": "data-warehouse", "tasks_max": 2},
            {"op": "start_producer", "id": "shop", "topic": "web-orders", "rate_per_s": 1},
            {"op": "join_group", "group": "analytics", "consumer": "analytics-1", "topics": ["web-orders"]}
        ]"#;
        let commands: Vec<Command> = serde_json::from_str(text).unwrap();
        for c in commands {
            e.apply(c).expect("accepted");
        }
        e.advance_to(20_000);
        ClusterView::from_engine(&e)
    }

    #[test]
    fn a_rest_proxy_and_connectors_are_drawn_as_what_they_are_with_the_systems_beyond() {
        let view = around_kafka();
        for viewport in [
            Viewport::new(1334.0, 660.0),
            Viewport::new(1888.0, 960.0),
            Viewport::new(390.0, 700.0),
        ] {
            let no_cells = |_: &kafka_sim::view::PartitionView| Vec::new();
            let topic = topic_view::layout(Lang::En, &view, viewport, None, None, &no_cells, None);
            let cluster = cluster_view::layout(Lang::En, &view, viewport, None);
            for (producers, groups) in [
                (&topic.producers, &topic.groups),
                (&cluster.producers, &cluster.groups),
            ] {
                let proxy = producers.iter().find(|p| p.name == "rest-proxy").unwrap();
                let o = proxy.outside.as_ref().expect("the proxy is drawn as one");
                assert_eq!(o.kind, "REST proxy");
                assert_eq!(o.system, "HTTP client web-shop");
                assert_eq!(o.via, "POST /topics/web-orders");
                let task = producers
                    .iter()
                    .find(|p| p.name == "connector-producer-crm-source-0")
                    .unwrap();
                let o = task.outside.as_ref().unwrap();
                assert_eq!(o.kind, "Kafka Connect source");
                assert_eq!(o.title.as_deref(), Some("crm-source task 0"));
                assert_eq!(o.system, "table customers");
                let sink = groups
                    .iter()
                    .find(|g| g.name == "connect-warehouse")
                    .unwrap();
                let o = sink.outside.as_ref().unwrap();
                assert!(!o.upstream);
                assert_eq!(o.system, "store data-warehouse");
                assert!(o.via.starts_with("put() "), "{}", o.via);
                let titles: Vec<&str> = sink.members.iter().map(|m| m.title.as_str()).collect();
                assert_eq!(titles, vec!["task 0", "task 1"]);
                // The outside box and the node's own box share the node's place, apart.
                for (rect, outside) in producers
                    .iter()
                    .filter_map(|p| Some((p.rect, p.outside.as_ref()?)))
                    .chain(
                        groups
                            .iter()
                            .filter_map(|g| Some((g.rect, g.outside.as_ref()?))),
                    )
                {
                    let (system, body) = split(&rect, outside.upstream);
                    assert!(rect.contains(&system) && rect.contains(&body));
                    assert!(!system.intersects(&body));
                    assert!(body.h >= 40.0, "{body:?}");
                }
                for m in &sink.members {
                    assert!(sink.body().contains(&m.rect), "tasks inside the connector");
                }
                // A plain client stays plain.
                let shop = producers.iter().find(|p| p.name == "shop").unwrap();
                assert!(shop.outside.is_none());
                let analytics = groups.iter().find(|g| g.name == "analytics").unwrap();
                assert!(analytics.outside.is_none());
                assert_eq!(analytics.members[0].title, "analytics-1");
            }
        }
    }
}
