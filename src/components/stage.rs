//! The stage: the diagram's place on the page, with pan and zoom. It measures itself (the layout
//! is made for its size), and moves the diagram with the mouse wheel (zoom at the pointer), a
//! drag (pan), two fingers (pinch), the keys + - 0 and the buttons "Zoom in", "Zoom out", "Fit".
//! A drag never counts as a click: `dragged` tells the diagram's buttons to ignore it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, PointerEvent, WheelEvent};
use yew::prelude::*;

use crate::i18n::{tr, Lang};

use crate::camera::{Camera, ZOOM_STEP};
use crate::scene::geometry::fixed;
use crate::scene::{Rect, Viewport};

/// What the diagram needs to know of the camera: how far it is zoomed and what shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shot {
    pub zoom: f64,
    /// The part of the diagram on the stage, in diagram units.
    pub visible: Rect,
}

#[derive(Properties, PartialEq)]
pub struct StageProps {
    pub viewport: Viewport,
    pub scene_width: f64,
    pub scene_height: f64,
    /// Changes when another picture is shown: the camera starts over.
    pub picture: AttrValue,
    pub on_resize: Callback<Viewport>,
    /// The part of the diagram on the stage (diagram units), after every move of the camera.
    pub on_visible: Callback<Rect>,
    /// Set while the pointer drags (the click that ends a drag is not a click).
    pub dragged: Rc<Cell<bool>>,
    /// Draws the diagram for a camera shot.
    pub content: Callback<Shot, Html>,
    /// What moves on every frame (messages in flight), drawn over the diagram on a layer of its
    /// own: redrawing it then costs the browser that layer only, not the whole diagram.
    pub overlay: Html,
    pub children: Html,
}

/// A pointer pressed on the stage, and where the gesture started.
#[derive(Default)]
struct Gesture {
    /// Pointers down: (id, (x, y) in stage px), in the order they went down.
    pointers: Vec<(i32, (f64, f64))>,
    /// The camera and pointers when the current gesture began.
    origin: Option<(Camera, Vec<(f64, f64)>)>,
}

/// Pointer travel, px, under which a press is a click rather than a drag.
const DRAG_THRESHOLD: f64 = 4.0;

#[function_component(Stage)]
pub fn stage(props: &StageProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let node = use_node_ref();
    let camera = use_mut_ref(|| Camera::readable(props.scene_width, props.viewport));
    let redraw = use_force_update();
    let gesture = use_mut_ref(Gesture::default);
    // The latest sizes, for the listeners (which are installed once).
    let sizes = use_mut_ref(|| (props.viewport, props.scene_width, props.scene_height));
    *sizes.borrow_mut() = (props.viewport, props.scene_width, props.scene_height);

    // A new picture (or a first measure of the stage) starts at zoom 1 from the top.
    {
        let (camera, redraw) = (camera.clone(), redraw.clone());
        let deps = (props.picture.clone(), props.viewport.width.round() as i64);
        let (w, viewport) = (props.scene_width, props.viewport);
        use_effect_with(deps, move |_| {
            *camera.borrow_mut() = Camera::readable(w, viewport);
            redraw.force_update();
        });
    }

    use_resize_observer(node.clone(), props.on_resize.clone());
    use_gestures(
        node.clone(),
        camera.clone(),
        gesture,
        sizes.clone(),
        props.dragged.clone(),
        redraw.clone(),
    );

    let zoom_by = |factor: f64| {
        let (camera, redraw, viewport) = (camera.clone(), redraw.clone(), props.viewport);
        Callback::from(move |_: MouseEvent| {
            let c = *camera.borrow();
            *camera.borrow_mut() = c.zoom_at(factor, viewport.width / 2.0, viewport.height / 2.0);
            redraw.force_update();
        })
    };
    let fit = {
        let (camera, redraw) = (camera.clone(), redraw.clone());
        let (w, h, viewport) = (props.scene_width, props.scene_height, props.viewport);
        Callback::from(move |_: MouseEvent| {
            *camera.borrow_mut() = Camera::fit(w, h, viewport);
            redraw.force_update();
        })
    };
    let c = camera
        .borrow()
        .keep_in_view(props.scene_width, props.scene_height, props.viewport);
    *camera.borrow_mut() = c;
    let shot = Shot {
        zoom: c.k,
        visible: c.visible(props.viewport),
    };
    {
        // Told after the render, not during it (the app lays out anew for what shows).
        let on_visible = props.on_visible.clone();
        use_effect_with(shot.visible, move |v| on_visible.emit(*v));
    }
    html! {
        <div class="stage" ref={node} data-zoom={fixed(c.k, 3)}>
            <svg class="diagram" width="100%" height="100%" role="group" aria-label={tr(lang, "Kafka cluster diagram")}>
                { super::dots::defs() }
                <g transform={c.transform()}>{ props.content.emit(shot) }</g>
            </svg>
            <svg class="overlay" width="100%" height="100%" aria-hidden="true">
                <g class="dots" transform={c.transform()}>{ props.overlay.clone() }</g>
            </svg>
            <div class="zoom-controls">
                <button onclick={zoom_by(ZOOM_STEP)} aria-label={tr(lang, "Zoom in")} title={tr(lang, "Zoom in (+)")}>{ "+" }</button>
                <button onclick={zoom_by(1.0 / ZOOM_STEP)} aria-label={tr(lang, "Zoom out")} title={tr(lang, "Zoom out (−)")}>{ "−" }</button>
                <button onclick={fit} title={tr(lang, "Show the whole diagram (0)")}>{ tr(lang, "Fit") }</button>
            </div>
            { props.children.clone() }
        </div>
    }
}

/// Reports the stage's size whenever it changes (window resized, panel opened or closed).
#[hook]
fn use_resize_observer(node: NodeRef, on_resize: Callback<Viewport>) {
    use_effect_with(node, move |node| {
        let element: Option<Element> = node.cast();
        let observer = element.map(|element| {
            let on_resize = on_resize.clone();
            let callback =
                Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                    if let Ok(entry) = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>() {
                        let r = entry.content_rect();
                        on_resize.emit(Viewport::new(r.width(), r.height()));
                    }
                });
            let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref())
                .expect("ResizeObserver is available in every browser");
            observer.observe(&element);
            (observer, callback)
        });
        move || {
            if let Some((observer, _callback)) = observer {
                observer.disconnect();
            }
        }
    });
}

type Sizes = Rc<RefCell<(Viewport, f64, f64)>>;

/// Wheel, drag, pinch and keys move the camera.
#[hook]
fn use_gestures(
    node: NodeRef,
    camera: Rc<RefCell<Camera>>,
    gesture: Rc<RefCell<Gesture>>,
    sizes: Sizes,
    dragged: Rc<Cell<bool>>,
    redraw: UseForceUpdateHandle,
) {
    use_effect_with(node, move |node| {
        let mut listeners = Vec::new();
        if let Some(element) = node.cast::<Element>() {
            let local = |e: &PointerEvent, el: &Element| {
                let r = el.get_bounding_client_rect();
                (
                    f64::from(e.client_x()) - r.left(),
                    f64::from(e.client_y()) - r.top(),
                )
            };
            let active = EventListenerOptions::enable_prevent_default();
            {
                let (camera, redraw, el) = (camera.clone(), redraw.clone(), element.clone());
                listeners.push(EventListener::new_with_options(
                    &element,
                    "wheel",
                    active,
                    move |e| {
                        let e = e.unchecked_ref::<WheelEvent>();
                        e.prevent_default();
                        let r = el.get_bounding_client_rect();
                        let lines = if e.delta_mode() == WheelEvent::DOM_DELTA_LINE {
                            16.0
                        } else {
                            1.0
                        };
                        let factor = (-e.delta_y() * lines * 0.0015).exp();
                        let c = *camera.borrow();
                        *camera.borrow_mut() = c.zoom_at(
                            factor,
                            f64::from(e.client_x()) - r.left(),
                            f64::from(e.client_y()) - r.top(),
                        );
                        redraw.force_update();
                    },
                ));
            }
            {
                let (gesture, camera, dragged, el) = (
                    gesture.clone(),
                    camera.clone(),
                    dragged.clone(),
                    element.clone(),
                );
                listeners.push(EventListener::new(&element, "pointerdown", move |e| {
                    let e = e.unchecked_ref::<PointerEvent>();
                    if e.button() != 0 && e.pointer_type() == "mouse" {
                        return;
                    }
                    // Buttons over the stage (zoom controls) are not part of the diagram.
                    let on_control = e
                        .target()
                        .and_then(|t| t.dyn_into::<Element>().ok())
                        .is_some_and(|t| {
                            t.closest(".zoom-controls, .stage-overlay")
                                .ok()
                                .flatten()
                                .is_some()
                        });
                    if on_control {
                        return;
                    }
                    let mut g = gesture.borrow_mut();
                    *kafka_sim::small_map::entry(&mut g.pointers, e.pointer_id()) = local(e, &el);
                    g.origin = Some((*camera.borrow(), g.pointers.iter().map(|p| p.1).collect()));
                    dragged.set(false);
                }));
            }
            {
                let (gesture, camera, dragged, redraw, el) = (
                    gesture.clone(),
                    camera.clone(),
                    dragged.clone(),
                    redraw.clone(),
                    element.clone(),
                );
                listeners.push(EventListener::new(&element, "pointermove", move |e| {
                    let e = e.unchecked_ref::<PointerEvent>();
                    let mut g = gesture.borrow_mut();
                    if kafka_sim::small_map::get(&g.pointers, &e.pointer_id()).is_none() {
                        return;
                    }
                    *kafka_sim::small_map::entry(&mut g.pointers, e.pointer_id()) = local(e, &el);
                    let Some((start, ref at)) = g.origin else {
                        return;
                    };
                    let now: Vec<(f64, f64)> = g.pointers.iter().map(|p| p.1).collect();
                    let next = match (at.as_slice(), now.as_slice()) {
                        ([a], [b]) => {
                            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
                            if !dragged.get() && dx.hypot(dy) < DRAG_THRESHOLD {
                                return;
                            }
                            if !dragged.get() {
                                dragged.set(true);
                                let _ = el.set_pointer_capture(e.pointer_id());
                            }
                            start.pan(dx, dy)
                        }
                        ([a0, a1], [b0, b1]) => {
                            dragged.set(true);
                            let d0 = (a1.0 - a0.0).hypot(a1.1 - a0.1).max(1.0);
                            let d1 = (b1.0 - b0.0).hypot(b1.1 - b0.1);
                            let (mx0, my0) = ((a0.0 + a1.0) / 2.0, (a0.1 + a1.1) / 2.0);
                            let (mx1, my1) = ((b0.0 + b1.0) / 2.0, (b0.1 + b1.1) / 2.0);
                            start.zoom_at(d1 / d0, mx0, my0).pan(mx1 - mx0, my1 - my0)
                        }
                        _ => return,
                    };
                    *camera.borrow_mut() = next;
                    redraw.force_update();
                }));
            }
            for kind in ["pointerup", "pointercancel"] {
                let (gesture, camera) = (gesture.clone(), camera.clone());
                listeners.push(EventListener::new(&element, kind, move |e| {
                    let e = e.unchecked_ref::<PointerEvent>();
                    let mut g = gesture.borrow_mut();
                    let id = e.pointer_id();
                    g.pointers.retain(|p| p.0 != id);
                    // The remaining finger (after a pinch) continues as a pan from here.
                    let now: Vec<(f64, f64)> = g.pointers.iter().map(|p| p.1).collect();
                    g.origin = (!now.is_empty()).then(|| (*camera.borrow(), now));
                }));
            }
            {
                let (camera, redraw, sizes) = (camera.clone(), redraw.clone(), sizes.clone());
                listeners.push(EventListener::new(
                    &gloo::utils::document(),
                    "keydown",
                    move |e| {
                        let e = e.unchecked_ref::<KeyboardEvent>();
                        if crate::typing_in_a_field(e)
                            || e.ctrl_key()
                            || e.meta_key()
                            || e.alt_key()
                        {
                            return;
                        }
                        let (viewport, w, h) = *sizes.borrow();
                        let c = *camera.borrow();
                        let (cx, cy) = (viewport.width / 2.0, viewport.height / 2.0);
                        let next = match e.key().as_str() {
                            "+" | "=" => c.zoom_at(ZOOM_STEP, cx, cy),
                            "-" | "_" => c.zoom_at(1.0 / ZOOM_STEP, cx, cy),
                            "0" => Camera::fit(w, h, viewport),
                            _ => return,
                        };
                        e.prevent_default();
                        *camera.borrow_mut() = next;
                        redraw.force_update();
                    },
                ));
            }
        }
        move || drop(listeners)
    });
}
