//! The scene: what the engine shows in, geometry out. Pure and deterministic (no DOM, no clock),
//! so it is tested natively; floating point lives here, never in the engine.
//!
//! Code map:
//! - `snapshot.rs`: [`ClusterView`], the plain snapshot of the engine the layouts read.
//! - `topic_view.rs`: the topic view: producers -> partitions drawn as logs of offset cells,
//!   with each group's committed offset, position and lag -> consumer groups.
//! - `cluster_view.rs`: the cluster view: the KRaft controller, brokers with their replicas,
//!   clients around them, messages in flight.
//! - `clients.rs`: producers and consumer groups, drawn alike in both views; `around.rs`: the
//!   REST proxies and Kafka Connect connectors among them, with the systems beyond; `brokers.rs`:
//!   broker states and the topic view's row of broker chips.
//! - `routing.rs`: links between nodes and messages in flight placed along them.
//! - `marks.rs`: the timeline's marks (notable events, grouped per slot of the bar).
//! - `reasons.rs`: countdowns from the engine's deadlines, worded with their Kafka setting.
//! - `palette.rs`: record keys to colours; `words.rs`: how numbers, ids and times are written;
//!   `geometry.rs`: rectangles, points, curves, the viewport.
//!
//! Both layouts take the stage's size and lay the cluster out to be read at zoom 1 (one diagram
//! unit = one CSS px; no text under 11 px): across the screen when it is wide, top to bottom
//! on a phone.

pub mod around;
pub mod brokers;
pub mod clients;
pub mod cluster_view;
pub mod geometry;
pub mod marks;
pub mod palette;
pub mod reasons;
pub mod routing;
pub mod snapshot;
pub mod topic_view;
pub mod words;

#[cfg(test)]
mod words_in_portuguese;

pub use geometry::{Curve, Point, Rect, Viewport};
pub use snapshot::ClusterView;

use crate::state::selection::Mark;

/// How a layout runs: across a wide stage (clients left and right of the cluster), or down a
/// narrow one (everything stacked, as on a phone).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Across,
    Down,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// Controller to broker (heartbeats, metadata).
    Control,
    /// Producer to what it writes to.
    Produce,
    /// Consumer to what it fetches from.
    Consume,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub key: String,
    pub curve: Curve,
    pub kind: LinkKind,
    /// The group's colour, for consume links in the topic view.
    pub colour: Option<u8>,
    /// The link is cut (an isolated or dead broker, a killed consumer).
    pub cut: bool,
    pub mark: Mark,
}

/// A request or response in flight, drawn where it is on its way.
#[derive(Clone, Debug, PartialEq)]
pub struct Dot {
    pub at: Point,
    /// CSS class by message family: produce, fetch, consume, heartbeat, group, metadata.
    pub class: &'static str,
    /// Will be lost (its link is cut).
    pub doomed: bool,
}

/// Distinct group colours (CSS classes `group-0` .. `group-5`).
pub const GROUP_COLOURS: u8 = 6;

/// The smallest font size any layout uses, in diagram units (= CSS px at zoom 1).
pub const MIN_FONT_PX: f64 = 11.0;

/// The stages the layouts' tests lay out for: a 1366x768 laptop's and a 390x844 phone's
/// (less the toolbar and the panel).
#[cfg(test)]
pub(crate) mod test_stages {
    use super::Viewport;

    pub const LAPTOP: Viewport = Viewport {
        width: 1046.0,
        height: 660.0,
    };
    pub const PHONE: Viewport = Viewport {
        width: 390.0,
        height: 560.0,
    };
}
