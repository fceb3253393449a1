//! The simulation clock: playing or paused, the requested speed, and the speed achieved. Each
//! animation frame advances the engine by the real time elapsed times the speed, within a
//! per-frame time budget: when the engine cannot keep up, the clock runs slower and says so,
//! instead of freezing the page. The budget adapts to the frames (less when a frame came late,
//! a little more when it was on time), so that drawing keeps its share of each frame. (The
//! budget reads the wall clock; the engine never does, and how a run is sliced into frames never
//! changes its state at a given simulated time.)

use kafka_sim::Engine;

/// The speeds offered, with how the speed menu writes them (and the tests choose them).
pub const SPEEDS: [(f64, &str); 7] = [
    (0.1, "0.1"),
    (0.25, "0.25"),
    (0.5, "0.5"),
    (1.0, "1"),
    (5.0, "5"),
    (20.0, "20"),
    (100.0, "100"),
];
/// The longest real-time gap one frame may advance (a hidden tab must not jump minutes).
const MAX_FRAME_REAL_MS: f64 = 100.0;
/// Engine items processed between two looks at the budget.
const STEPS_PER_SLICE: u32 = 128;
/// The engine's share of a frame, ms: where it starts, and its bounds.
const BUDGET_START_MS: f64 = 8.0;
const BUDGET_MIN_MS: f64 = 2.0;
const BUDGET_MAX_MS: f64 = 10.0;
/// A frame later than this came after a missed display refresh (60 Hz: one every 16.7 ms).
const LATE_FRAME_MS: f64 = 20.0;
/// How quickly the achieved speed follows the frames (weight of the newest frame).
const ACHIEVED_SMOOTHING: f64 = 0.1;

/// The page's wall clock, ms, for the frame budget only.
#[derive(Clone, Copy)]
pub struct Wall {
    pub now: fn() -> f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Clock {
    pub playing: bool,
    /// Simulated ms per real ms, as asked.
    pub speed: f64,
    /// Simulated ms per real ms, as achieved lately (smoothed).
    pub achieved: f64,
    /// Simulated microseconds carried between frames (frames do not fall on whole ms).
    carry_us: f64,
    /// The engine's time budget per frame, ms (adapted to how late frames come).
    pub budget_ms: f64,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            playing: true,
            speed: 1.0,
            achieved: 1.0,
            carry_us: 0.0,
            budget_ms: BUDGET_START_MS,
        }
    }
}

impl Clock {
    pub fn set_speed(&mut self, speed: f64) {
        self.speed = speed.clamp(SPEEDS[0].0, SPEEDS[SPEEDS.len() - 1].0);
        self.achieved = self.speed;
    }

    /// The machine keeps up with less than the asked speed (shown next to the clock).
    pub fn falling_behind(&self) -> bool {
        self.playing && self.achieved < self.speed * 0.9
    }

    /// Advances `engine` by `real_ms` of wall time at this speed, stopping early when the
    /// frame's budget is spent (the time not simulated is dropped, not owed). Returns whether
    /// it moved.
    pub fn advance(
        &mut self,
        engine: &mut Engine,
        real_ms: f64,
        frames: u32,
        wall: Wall,
        stop_at: Option<u64>,
    ) -> bool {
        // Late frame: give the drawing more of the next one; on time: take a little back.
        self.budget_ms = if real_ms > LATE_FRAME_MS * f64::from(frames.max(1)) {
            (self.budget_ms * 0.7).max(BUDGET_MIN_MS)
        } else {
            (self.budget_ms + 0.25).min(BUDGET_MAX_MS)
        };
        let deadline = (wall.now)() + self.budget_ms;
        let real_ms = real_ms.clamp(0.0, MAX_FRAME_REAL_MS * f64::from(frames.max(1)));
        let sim_us = real_ms * self.speed * 1000.0 + self.carry_us;
        let whole_ms = (sim_us / 1000.0).floor();
        self.carry_us = sim_us - whole_ms * 1000.0;
        if whole_ms < 1.0 {
            return false;
        }
        let start = engine.now();
        // A recorded command due before the target is applied there first (time travel
        // replays the run's future); the rest of this frame's time is not carried.
        let target = (start + whole_ms as u64).min(stop_at.unwrap_or(u64::MAX).max(start));
        let reached = loop {
            if engine.advance_by_steps(target, STEPS_PER_SLICE) {
                break true;
            }
            if (wall.now)() >= deadline {
                break false;
            }
        };
        if !reached {
            self.carry_us = 0.0;
        }
        if real_ms > 0.0 {
            let rate = (engine.now() - start) as f64 / real_ms;
            self.achieved += (rate - self.achieved) * ACHIEVED_SMOOTHING;
        }
        engine.now() > start
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opening::Preset;

    fn never() -> f64 {
        0.0
    }
    fn always() -> f64 {
        f64::INFINITY
    }
    /// A clock that never moves: the budget is never spent.
    const ENDLESS: Wall = Wall { now: never };
    /// A clock past every deadline: the budget is always spent.
    const SPENT: Wall = Wall { now: always };

    #[test]
    fn frames_advance_by_real_time_times_speed_carrying_fractions() {
        let mut engine = Preset::Classic.engine();
        let mut clock = Clock::default();
        clock.set_speed(0.25);
        for _ in 0..60 {
            clock.advance(&mut engine, 16.0, 1, ENDLESS, None);
        }
        assert_eq!(engine.now(), 240, "60 frames of 16 ms at 0.25x");
        assert!(!clock.falling_behind());
    }

    #[test]
    fn a_spent_budget_slows_the_clock_and_says_so_but_the_run_is_the_same() {
        let mut slow = Preset::Large.engine();
        let mut clock = Clock::default();
        clock.set_speed(100.0);
        for _ in 0..40 {
            clock.advance(&mut slow, 16.0, 1, SPENT, None);
        }
        assert!(slow.now() < 40 * 1_600, "fell behind: {}", slow.now());
        assert!(clock.falling_behind());
        // Late frames shrink the engine's share, down to its floor; frames on time grow it back.
        for _ in 0..20 {
            clock.advance(&mut slow, 40.0, 1, SPENT, None);
        }
        assert_eq!(clock.budget_ms, BUDGET_MIN_MS);
        for _ in 0..100 {
            clock.advance(&mut slow, 16.7, 1, SPENT, None);
        }
        assert_eq!(clock.budget_ms, BUDGET_MAX_MS);
        // Whatever the slicing, the state at a simulated time is the same.
        let mut whole = Preset::Large.engine();
        whole.advance_to(slow.now());
        slow.advance_to(slow.now());
        assert_eq!(
            kafka_sim::describe::describe_topics(&whole),
            kafka_sim::describe::describe_topics(&slow)
        );
    }
}
