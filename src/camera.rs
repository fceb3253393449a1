//! Pan and zoom: where the diagram sits on the stage. A diagram point `p` is drawn at
//! `p * k + (tx, ty)` CSS px. Pure arithmetic, tested natively; the stage component feeds it
//! pointer, wheel and button input.

use crate::scene::geometry::{fixed, fmt};
use crate::scene::{Rect, Viewport};

/// Zoom limits: far enough out to see a thousand partitions, in enough to read a tile's name.
pub const MIN_ZOOM: f64 = 0.01;
pub const MAX_ZOOM: f64 = 4.0;
/// "Fit" never magnifies past this (a small cluster on a big screen stays crisp, not huge).
const FIT_MAX_ZOOM: f64 = 1.25;
/// One click of "Zoom in" / "Zoom out".
pub const ZOOM_STEP: f64 = 1.25;
/// The margin kept around a fitted diagram, CSS px.
const FIT_MARGIN: f64 = 8.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    pub k: f64,
    pub tx: f64,
    pub ty: f64,
}

impl Default for Camera {
    fn default() -> Self {
        Camera {
            k: 1.0,
            tx: 0.0,
            ty: 0.0,
        }
    }
}

impl Camera {
    /// Zoom 1 (the size the layout was made for: no text under 11 px), from the top, centred
    /// across when the diagram is narrower than the stage.
    pub fn readable(scene_w: f64, stage: Viewport) -> Camera {
        Camera {
            k: 1.0,
            tx: ((stage.width - scene_w) / 2.0).max(0.0),
            ty: 0.0,
        }
    }

    /// The whole diagram in view, centred.
    pub fn fit(scene_w: f64, scene_h: f64, stage: Viewport) -> Camera {
        let k = ((stage.width - 2.0 * FIT_MARGIN) / scene_w.max(1.0))
            .min((stage.height - 2.0 * FIT_MARGIN) / scene_h.max(1.0))
            .clamp(MIN_ZOOM, FIT_MAX_ZOOM);
        Camera {
            k,
            tx: (stage.width - scene_w * k) / 2.0,
            ty: ((stage.height - scene_h * k) / 2.0).max(FIT_MARGIN.min(stage.height / 2.0)),
        }
    }

    /// Zooms by `factor` keeping the diagram point under `(x, y)` (stage px) where it is.
    pub fn zoom_at(self, factor: f64, x: f64, y: f64) -> Camera {
        let k = (self.k * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        let f = k / self.k;
        Camera {
            k,
            tx: x - (x - self.tx) * f,
            ty: y - (y - self.ty) * f,
        }
    }

    pub fn pan(self, dx: f64, dy: f64) -> Camera {
        Camera {
            tx: self.tx + dx,
            ty: self.ty + dy,
            ..self
        }
    }

    /// Keeps at least a strip of the diagram on the stage, so that it can never be lost.
    pub fn keep_in_view(self, scene_w: f64, scene_h: f64, stage: Viewport) -> Camera {
        const KEEP: f64 = 48.0;
        let (w, h) = (scene_w * self.k, scene_h * self.k);
        Camera {
            tx: self.tx.clamp(KEEP - w, stage.width - KEEP),
            ty: self.ty.clamp(KEEP - h, stage.height - KEEP),
            ..self
        }
    }

    /// The part of the diagram on the stage, in diagram units (for drawing only what shows).
    pub fn visible(&self, stage: Viewport) -> Rect {
        Rect::new(
            -self.tx / self.k,
            -self.ty / self.k,
            stage.width / self.k,
            stage.height / self.k,
        )
    }

    /// SVG transform attribute.
    pub fn transform(&self) -> String {
        format!(
            "translate({} {}) scale({})",
            fmt(self.tx),
            fmt(self.ty),
            fixed(self.k, 4)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAGE: Viewport = Viewport {
        width: 1000.0,
        height: 600.0,
    };

    #[test]
    fn zooming_keeps_the_point_under_the_pointer_still() {
        let c = Camera::default().pan(30.0, 40.0);
        let z = c.zoom_at(2.0, 500.0, 300.0);
        let under = |c: &Camera| ((500.0 - c.tx) / c.k, (300.0 - c.ty) / c.k);
        let (a, b) = (under(&c), under(&z));
        assert!((a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9);
        assert_eq!(z.k, 2.0);
        assert_eq!(c.zoom_at(1e9, 0.0, 0.0).k, MAX_ZOOM);
        assert_eq!(c.zoom_at(1e-9, 0.0, 0.0).k, MIN_ZOOM);
    }

    #[test]
    fn fit_shows_the_whole_diagram_and_never_magnifies_much() {
        let big = Camera::fit(4000.0, 3000.0, STAGE);
        let v = big.visible(STAGE);
        assert!(v.x <= 0.0 && v.y <= 0.0 && v.right() >= 4000.0 && v.bottom() >= 3000.0);
        let small = Camera::fit(200.0, 100.0, STAGE);
        assert_eq!(small.k, FIT_MAX_ZOOM);
    }

    #[test]
    fn readable_is_zoom_one_centred_across() {
        let c = Camera::readable(800.0, STAGE);
        assert_eq!((c.k, c.tx, c.ty), (1.0, 100.0, 0.0));
        assert_eq!(Camera::readable(1200.0, STAGE).tx, 0.0);
    }

    #[test]
    fn the_diagram_cannot_be_panned_away() {
        let lost = Camera::default().pan(-10_000.0, 10_000.0);
        let kept = lost.keep_in_view(800.0, 500.0, STAGE);
        assert!(kept
            .visible(STAGE)
            .intersects(&Rect::new(0.0, 0.0, 800.0, 500.0)));
    }
}
