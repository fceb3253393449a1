//! KafkaScope, the browser app: a live diagram of a `kafka-sim` cluster.
//!
//! Code map:
//! - `main.rs`: mounts [`App`] on the page.
//! - `layout.rs`: pure geometry, `layout(&ClusterView) -> Scene`; plain data, tested natively.
//! - `components/`: one file per visual piece; each renders SVG or HTML from a `Scene` part.
//!
//! Invariant: components never compute geometry and never own engine state; they draw what the
//! layout step hands them.

pub mod components;
pub mod layout;

use yew::prelude::*;

use components::{cluster::ClusterDiagram, header::Header};

/// The brokers of the opening cluster (the classic teaching example has three).
const OPENING_BROKERS: u32 = 3;

#[function_component(App)]
pub fn app() -> Html {
    let view = layout::ClusterView::with_brokers(OPENING_BROKERS);
    let scene = layout::layout(&view);
    html! {
        <div class="app">
            <Header />
            <main class="stage">
                <ClusterDiagram scene={scene} />
            </main>
        </div>
    }
}
