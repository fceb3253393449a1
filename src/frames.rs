//! The animation clock: a `requestAnimationFrame` loop that reports the real time between frames.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

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
