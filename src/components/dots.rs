//! Links between nodes and the messages in flight on them, shared by both views.

use yew::prelude::*;

use crate::scene::geometry::fmt;
use crate::scene::{Dot, Link, LinkKind};

pub fn link(l: &Link) -> Html {
    let class = classes!(
        "link",
        match l.kind {
            LinkKind::Control => "control",
            LinkKind::Produce => "produce",
            LinkKind::Consume => "consume",
        },
        l.colour.map(|c| format!("group-c{c}")),
        l.cut.then_some("cut"),
        l.mark.class()
    );
    let marker = (l.kind == LinkKind::Produce).then_some("url(#arrow)");
    html! {
        <path key={l.key.clone()} class={class} d={l.curve.path()} marker-end={marker} />
    }
}

/// Messages in flight, one `<path>` of circles per message family: hundreds of moving dots cost
/// the browser a handful of attribute changes per frame instead of two per dot.
pub fn dots(dots: &[Dot]) -> Html {
    let mut paths: Vec<((&'static str, bool), String)> = Vec::new();
    for d in dots {
        let path = kafka_sim::small_map::entry(&mut paths, (d.class, d.doomed));
        // A circle of radius 4.5 as two arcs, starting at its left edge.
        path.push_str(&format!(
            "M{} {}a4.5 4.5 0 1 0 9 0a4.5 4.5 0 1 0 -9 0",
            fmt(d.at.x - 4.5),
            fmt(d.at.y)
        ));
    }
    html! {
        { for paths.into_iter().map(|((class, doomed), d)| html! {
            <path key={format!("{class}-{doomed}")} class={classes!("dot", class, doomed.then_some("doomed"))} {d} />
        }) }
    }
}

/// The shared SVG definitions: the arrow head and the hatching of not-yet-committed records.
pub fn defs() -> Html {
    html! {
        <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7"
                    markerHeight="7" orient="auto-start-reverse">
                <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
            </marker>
            <pattern id="uncommitted" width="6" height="6" patternUnits="userSpaceOnUse"
                     patternTransform="rotate(45)">
                <rect width="6" height="6" class="uncommitted-bg" />
                <line x1="0" y1="0" x2="0" y2="6" class="uncommitted-stripe" />
            </pattern>
        </defs>
    }
}
