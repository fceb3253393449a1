//! The cluster diagram: one `<svg viewBox>` with the controller and a card per broker.

use yew::prelude::*;

use crate::layout::{BrokerCard, Rect, Scene};

#[derive(Properties, PartialEq)]
pub struct ClusterDiagramProps {
    pub scene: Scene,
}

#[function_component(ClusterDiagram)]
pub fn cluster_diagram(props: &ClusterDiagramProps) -> Html {
    let scene = &props.scene;
    let view_box = format!("0 0 {} {}", scene.width, scene.height);
    html! {
        <svg class="cluster" viewBox={view_box} role="img" aria-label="Kafka cluster diagram">
            { for scene.brokers.iter().map(|b| controller_link(&scene.controller, b)) }
            <g class="controller">
                { rect(&scene.controller, "controller-box") }
                <text x={scene.controller.center_x().to_string()}
                      y={(scene.controller.y + 30.0).to_string()}
                      text-anchor="middle">{ "KRaft controller" }</text>
            </g>
            { for scene.brokers.iter().map(broker_card) }
        </svg>
    }
}

fn controller_link(controller: &Rect, broker: &BrokerCard) -> Html {
    html! {
        <line key={format!("link-{}", broker.id.0)} class="heartbeat-link"
              x1={controller.center_x().to_string()} y1={controller.bottom().to_string()}
              x2={broker.rect.center_x().to_string()} y2={broker.rect.y.to_string()} />
    }
}

fn broker_card(broker: &BrokerCard) -> Html {
    let r = &broker.rect;
    html! {
        <g key={broker.id.0} class="broker" data-broker={broker.id.0.to_string()}>
            { rect(r, "broker-box") }
            <text class="broker-label" x={(r.x + 16.0).to_string()} y={(r.y + 28.0).to_string()}>
                { &broker.label }
            </text>
            <text class="broker-state" x={(r.x + 16.0).to_string()} y={(r.y + 50.0).to_string()}>
                { "alive" }
            </text>
        </g>
    }
}

fn rect(r: &Rect, class: &'static str) -> Html {
    html! {
        <rect class={class} x={r.x.to_string()} y={r.y.to_string()}
              width={r.w.to_string()} height={r.h.to_string()} rx="10" />
    }
}
