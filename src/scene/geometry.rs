//! Plain geometry in diagram units (1 unit = 1 CSS px at zoom 1): rectangles, points and the
//! quadratic curves links are drawn along and messages in flight travel on.

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }
    pub fn center_x(&self) -> f64 {
        self.x + self.w / 2.0
    }
    pub fn center_y(&self) -> f64 {
        self.y + self.h / 2.0
    }
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    /// Whether the two overlap (touching edges do not count).
    pub fn intersects(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }
    /// Whether `other` lies wholly inside (edges included, with a hair of tolerance).
    pub fn contains(&self, other: &Rect) -> bool {
        const EPS: f64 = 1e-6;
        other.x >= self.x - EPS
            && other.y >= self.y - EPS
            && other.right() <= self.right() + EPS
            && other.bottom() <= self.bottom() + EPS
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }
}

/// A quadratic Bézier curve: links are drawn along it and messages in flight travel on it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Curve {
    pub from: Point,
    pub ctrl: Point,
    pub to: Point,
}

impl Curve {
    pub fn straight(from: Point, to: Point) -> Curve {
        let ctrl = Point::new((from.x + to.x) / 2.0, (from.y + to.y) / 2.0);
        Curve { from, ctrl, to }
    }

    /// A gentle S-free bow between two points left and right of each other: leaves and lands
    /// horizontally enough to read as "from this row to that box".
    pub fn horizontal(from: Point, to: Point) -> Curve {
        let ctrl = Point::new(from.x + (to.x - from.x) * 0.5, (from.y + to.y) / 2.0);
        Curve { from, ctrl, to }
    }

    /// The point at `t` in `[0, 1]` from `from` to `to`.
    pub fn at(&self, t: f64) -> Point {
        let u = 1.0 - t;
        Point {
            x: u * u * self.from.x + 2.0 * u * t * self.ctrl.x + t * t * self.to.x,
            y: u * u * self.from.y + 2.0 * u * t * self.ctrl.y + t * t * self.to.y,
        }
    }

    pub fn reversed(self) -> Curve {
        Curve {
            from: self.to,
            ctrl: self.ctrl,
            to: self.from,
        }
    }

    /// SVG path data.
    pub fn path(&self) -> String {
        format!(
            "M{} {} Q{} {} {} {}",
            fmt(self.from.x),
            fmt(self.from.y),
            fmt(self.ctrl.x),
            fmt(self.ctrl.y),
            fmt(self.to.x),
            fmt(self.to.y)
        )
    }
}

/// The size of the stage the diagram is drawn for, in CSS px.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    pub width: f64,
    pub height: f64,
}

impl Viewport {
    pub fn new(width: f64, height: f64) -> Viewport {
        // A stage not measured yet (or hidden) is laid out as a laptop screen would be.
        let width = if width >= 200.0 { width } else { 1024.0 };
        let height = if height >= 200.0 { height } else { 640.0 };
        Viewport { width, height }
    }
}

/// SVG coordinates with one decimal: enough for the eye, short in the DOM.
pub fn fmt(v: f64) -> String {
    fixed(v, 1)
}

/// `v` with `decimals` digits after the point (at most 6), rounded. Formatted as an integer
/// count of units, which is several times cheaper than float formatting (this runs thousands of
/// times a frame) and keeps Rust's float formatting code out of the browser bundle.
pub fn fixed(v: f64, decimals: u32) -> String {
    let scale = 10_i64.pow(decimals.min(6));
    let units = (v * scale as f64).round() as i64;
    let sign = if units < 0 { "-" } else { "" };
    let units = units.unsigned_abs();
    let scale = scale as u64;
    if decimals == 0 {
        return format!("{sign}{units}");
    }
    format!(
        "{sign}{}.{:0width$}",
        units / scale,
        units % scale,
        width = decimals.min(6) as usize
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_have_one_decimal_like_float_formatting() {
        for v in [0.0, 0.04, 0.05, 1.25, 12.34, 99.96, 1234.5, -0.3, -12.36] {
            let expected = format!("{:.1}", (v * 10.0_f64).round() / 10.0);
            assert_eq!(fmt(v), expected, "{v}");
        }
        assert_eq!(fixed(0.51234, 4), "0.5123");
        assert_eq!(fixed(1.0, 3), "1.000");
        assert_eq!(fixed(37.4, 0), "37");
        assert_eq!(fixed(-0.05, 2), "-0.05");
    }

    #[test]
    fn rectangles_meet_and_contain() {
        let a = Rect::new(0.0, 0.0, 10.0, 10.0);
        assert!(a.intersects(&Rect::new(5.0, 5.0, 10.0, 10.0)));
        assert!(!a.intersects(&Rect::new(10.0, 0.0, 5.0, 5.0)), "touching");
        assert!(a.contains(&Rect::new(1.0, 1.0, 9.0, 9.0)));
        assert!(!a.contains(&Rect::new(1.0, 1.0, 10.0, 9.0)));
    }

    #[test]
    fn curves_start_and_end_where_asked() {
        let c = Curve::horizontal(Point::new(0.0, 0.0), Point::new(100.0, 40.0));
        assert_eq!(c.at(0.0), c.from);
        assert_eq!(c.at(1.0), c.to);
        assert_eq!(c.reversed().at(0.0), c.to);
        assert!(c.path().starts_with("M0.0 0.0 Q"));
    }
}
