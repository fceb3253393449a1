//! The layout step: cluster state in, geometry out. Pure and deterministic (no DOM, no clock),
//! so it is tested natively; floating point lives here, never in the engine.

use kafka_sim::BrokerId;

/// What the diagram draws, taken from the engine.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterView {
    pub brokers: Vec<BrokerId>,
}

impl ClusterView {
    /// Brokers numbered 1..=n, as a new cluster's `node.id`s are.
    pub fn with_brokers(n: u32) -> Self {
        ClusterView {
            brokers: (1..=n).map(BrokerId).collect(),
        }
    }
}

/// Everything the SVG needs: a viewBox and positioned pieces.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    pub width: f64,
    pub height: f64,
    pub controller: Rect,
    pub brokers: Vec<BrokerCard>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn center_x(&self) -> f64 {
        self.x + self.w / 2.0
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct BrokerCard {
    pub id: BrokerId,
    pub rect: Rect,
    pub label: String,
}

const MARGIN: f64 = 24.0;
const BROKER_W: f64 = 200.0;
const BROKER_H: f64 = 150.0;
const GAP: f64 = 32.0;
const CONTROLLER_H: f64 = 48.0;
const CONTROLLER_GAP: f64 = 56.0;

/// Brokers in one row below the controller, centred.
pub fn layout(view: &ClusterView) -> Scene {
    let n = view.brokers.len().max(1) as f64;
    let row_w = n * BROKER_W + (n - 1.0) * GAP;
    let width = row_w + 2.0 * MARGIN;
    let controller = Rect {
        x: width / 2.0 - 110.0,
        y: MARGIN,
        w: 220.0,
        h: CONTROLLER_H,
    };
    let broker_y = controller.bottom() + CONTROLLER_GAP;
    let brokers = view
        .brokers
        .iter()
        .enumerate()
        .map(|(i, &id)| BrokerCard {
            id,
            rect: Rect {
                x: MARGIN + i as f64 * (BROKER_W + GAP),
                y: broker_y,
                w: BROKER_W,
                h: BROKER_H,
            },
            label: format!("Broker {}", id.0),
        })
        .collect();
    Scene {
        width,
        height: broker_y + BROKER_H + MARGIN,
        controller,
        brokers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlaps(a: &Rect, b: &Rect) -> bool {
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    }

    #[test]
    fn one_card_per_broker_named_by_id() {
        let scene = layout(&ClusterView::with_brokers(3));
        let labels: Vec<&str> = scene.brokers.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["Broker 1", "Broker 2", "Broker 3"]);
    }

    #[test]
    fn cards_fit_the_view_and_do_not_overlap() {
        for n in 1..=12 {
            let scene = layout(&ClusterView::with_brokers(n));
            let mut pieces: Vec<Rect> = scene.brokers.iter().map(|b| b.rect).collect();
            pieces.push(scene.controller);
            for (i, a) in pieces.iter().enumerate() {
                assert!(a.x >= 0.0 && a.y >= 0.0, "{a:?} starts outside the view");
                assert!(
                    a.x + a.w <= scene.width && a.bottom() <= scene.height,
                    "{a:?} overflows"
                );
                for b in &pieces[i + 1..] {
                    assert!(!overlaps(a, b), "{a:?} overlaps {b:?} with {n} brokers");
                }
            }
        }
    }

    #[test]
    fn controller_is_centred_above_the_brokers() {
        let scene = layout(&ClusterView::with_brokers(3));
        assert!((scene.controller.center_x() - scene.width / 2.0).abs() < 1e-9);
        assert!(scene
            .brokers
            .iter()
            .all(|b| b.rect.y > scene.controller.bottom()));
    }
}
