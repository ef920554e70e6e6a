//! Hooks over browser events that Yew has no hook for.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

type FrameClosure = Closure<dyn FnMut(f64)>;

fn request_frame(callback: &FrameClosure) {
    if let Some(w) = crate::browser::window() {
        let _ = w.request_animation_frame(callback.as_ref().unchecked_ref());
    }
}

/// Calls `on_frame(elapsed_ms)` on every animation frame while mounted.
/// The function given at mount is the one used.
#[hook]
pub fn use_animation_frames<F: Fn(f64) + 'static>(on_frame: F) {
    let on_frame = use_mut_ref(|| Some(on_frame)).borrow_mut().take();
    use_effect_with((), move |_| {
        let stopped = Rc::new(Cell::new(false));
        let slot: Rc<RefCell<Option<FrameClosure>>> = Rc::new(RefCell::new(None));
        if let Some(on_frame) = on_frame {
            let last = Cell::new(None::<f64>);
            let (inner_slot, inner_stopped) = (slot.clone(), stopped.clone());
            *slot.borrow_mut() = Some(Closure::new(move |timestamp: f64| {
                if inner_stopped.get() {
                    return;
                }
                let elapsed = last.get().map_or(0.0, |before| timestamp - before);
                last.set(Some(timestamp));
                on_frame(elapsed);
                if let Some(callback) = inner_slot.borrow().as_ref() {
                    request_frame(callback);
                }
            }));
            if let Some(callback) = slot.borrow().as_ref() {
                request_frame(callback);
            }
        }
        move || {
            stopped.set(true);
            // Dropping the closure breaks its reference cycle with `slot`.
            slot.borrow_mut().take();
        }
    });
}

/// Whether a key pressed on `target` is the control's own: typing in a
/// field, Space/Enter on a button, arrows on a slider. Those are not shortcuts.
fn belongs_to_control(target: Option<&web_sys::Element>, key: &str) -> bool {
    let Some(target) = target else { return false };
    let tag = target.tag_name().to_lowercase();
    let activates = key == " " || key == "Enter";
    match tag.as_str() {
        "textarea" | "select" => true,
        "input" => match target.get_attribute("type").as_deref() {
            Some("range") => matches!(
                key,
                "ArrowLeft"
                    | "ArrowRight"
                    | "ArrowUp"
                    | "ArrowDown"
                    | "Home"
                    | "End"
                    | "PageUp"
                    | "PageDown"
            ),
            Some("checkbox") | Some("radio") | Some("file") => activates,
            _ => true,
        },
        "button" | "a" | "summary" | "label" => activates,
        _ => false,
    }
}

/// Calls `on_key` for every key pressed while the page has focus, except
/// the keys that belong to the focused control.
#[hook]
pub fn use_window_keys<F: Fn(&KeyboardEvent) + 'static>(on_key: F) {
    let on_key = use_mut_ref(|| Some(on_key)).borrow_mut().take();
    use_effect_with((), move |_| {
        let listener = on_key.map(|on_key| {
            Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
                if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() {
                    return;
                }
                let target = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                if !belongs_to_control(target.as_ref(), &e.key()) {
                    on_key(&e);
                }
            })
        });
        let window = crate::browser::window();
        if let (Some(w), Some(l)) = (&window, &listener) {
            let _ = w.add_event_listener_with_callback("keydown", l.as_ref().unchecked_ref());
        }
        move || {
            if let (Some(w), Some(l)) = (window, listener) {
                let _ =
                    w.remove_event_listener_with_callback("keydown", l.as_ref().unchecked_ref());
            }
        }
    });
}

/// The page's `#hash`, re-rendering when it changes.
#[hook]
pub fn use_hash() -> String {
    let hash = use_state(crate::browser::hash);
    {
        let hash = hash.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn()>::new(move || hash.set(crate::browser::hash()));
            let window = crate::browser::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback(
                    "hashchange",
                    listener.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback(
                        "hashchange",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    (*hash).clone()
}
