//! The animation clock: a `requestAnimationFrame` loop that reports the real time between
//! frames, gives the engine a time budget in each, and watches the wasm memory so that a run
//! that would reach the browser's limit pauses and says why instead of crashing.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::state::clock::Wall;
use crate::state::Action;

/// The app pauses itself once its wasm memory passes this (wasm32 stops at 4 GiB), and again
/// at each further step of `MEMORY_STEP_BYTES` if the user plays on.
const MEMORY_HALT_BYTES: f64 = 2.5 * 1024.0 * 1024.0 * 1024.0;
const MEMORY_STEP_BYTES: f64 = 256.0 * 1024.0 * 1024.0;

/// From this speed on, the engine advances and the diagram is drawn on every other animation
/// frame: at 20x a frame is a third of a simulated second, so nothing a person can follow is
/// lost, and each drawing gets two frames' time (the page stays smooth, the clock fast).
pub const HALF_RATE_SPEED: f64 = 20.0;

/// While playing, advances the simulation once per animation frame (every other one at high
/// speed) by the real time elapsed times the speed, so the diagram moves as often as the screen
/// repaints.
#[hook]
pub fn use_clock(playing: bool, half_rate: bool, dispatch: Callback<Action>) {
    let halt_at = use_mut_ref(|| MEMORY_HALT_BYTES);
    use_effect_with((playing, half_rate), move |&(playing, half_rate)| {
        let every = if half_rate { 2 } else { 1 };
        let mut skipped = 0;
        let mut owed_ms = 0.0;
        let frames = playing.then(|| {
            AnimationFrames::start(move |real_ms| {
                owed_ms += real_ms;
                skipped += 1;
                if skipped < every {
                    return;
                }
                dispatch.emit(Action::Frame {
                    real_ms: owed_ms,
                    frames: skipped,
                    wall: Wall { now: now_ms },
                });
                (skipped, owed_ms) = (0, 0.0);
                let bytes = wasm_memory_bytes();
                let limit = *halt_at.borrow();
                if bytes > limit {
                    *halt_at.borrow_mut() = bytes + MEMORY_STEP_BYTES;
                    dispatch.emit(Action::HaltMemory((bytes / 1_048_576.0) as u64));
                }
            })
        });
        move || drop(frames)
    });
}

/// The page's monotonic clock, ms.
fn now_ms() -> f64 {
    gloo::utils::window().performance().map_or(0.0, |p| p.now())
}

/// The size of the wasm linear memory, bytes (it only grows).
pub fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map_or(0.0, |m| {
            m.buffer()
                .dyn_into::<js_sys::ArrayBuffer>()
                .map_or(0.0, |b| f64::from(b.byte_length()))
        })
}

/// The frame callback, shared with itself so that it can ask for the next frame.
type SelfScheduling = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// A `requestAnimationFrame` loop calling `tick` with the ms since the previous frame; it stops
/// when dropped. (The callback re-registers itself each frame, the standard wasm-bindgen loop.)
pub struct AnimationFrames {
    callback: SelfScheduling,
    request_id: Rc<Cell<i32>>,
}

impl AnimationFrames {
    pub fn start(mut tick: impl FnMut(f64) + 'static) -> Self {
        let callback: SelfScheduling = Rc::new(RefCell::new(None));
        let request_id = Rc::new(Cell::new(0));
        let mut last: Option<f64> = None;
        let (again, id) = (callback.clone(), request_id.clone());
        *callback.borrow_mut() = Some(Closure::new(move |timestamp: f64| {
            if let Some(previous) = last.replace(timestamp) {
                tick(timestamp - previous);
            }
            if let Some(next) = again.borrow().as_ref() {
                id.set(request_frame(next));
            }
        }));
        request_id.set(request_frame(callback.borrow().as_ref().expect("just set")));
        AnimationFrames {
            callback,
            request_id,
        }
    }
}

impl Drop for AnimationFrames {
    fn drop(&mut self) {
        let _ = gloo::utils::window().cancel_animation_frame(self.request_id.get());
        // Breaks the closure's reference to itself; it is not running now (drop happens in an
        // effect's cleanup, never inside the frame callback).
        self.callback.borrow_mut().take();
    }
}

fn request_frame(callback: &Closure<dyn FnMut(f64)>) -> i32 {
    gloo::utils::window()
        .request_animation_frame(callback.as_ref().unchecked_ref())
        .expect("requestAnimationFrame is available in every browser")
}
