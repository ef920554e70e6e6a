//! Hooks over browser events that Yew has no hook for.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

type FrameClosure = Closure<dyn FnMut(f64)>;

/// Asks for `callback` at the next frame; the request's id, to cancel it.
fn request_frame(callback: &FrameClosure) -> Option<i32> {
    crate::browser::window()?
        .request_animation_frame(callback.as_ref().unchecked_ref())
        .ok()
}

/// Calls `on_frame(elapsed_ms)` on every animation frame while mounted.
/// The function given at mount is the one used.
#[hook]
pub fn use_animation_frames<F: Fn(f64) + 'static>(on_frame: F) {
    let on_frame = use_mut_ref(|| Some(on_frame)).borrow_mut().take();
    use_effect_with((), move |_| {
        // The frame asked for: cancelled on unmount, since the closure it
        // would call is dropped then (a lab page opened afresh, say).
        let pending: Rc<Cell<Option<i32>>> = Rc::new(Cell::new(None));
        let slot: Rc<RefCell<Option<FrameClosure>>> = Rc::new(RefCell::new(None));
        if let Some(on_frame) = on_frame {
            let last = Cell::new(None::<f64>);
            let (inner_slot, inner_pending) = (slot.clone(), pending.clone());
            *slot.borrow_mut() = Some(Closure::new(move |timestamp: f64| {
                let elapsed = last.get().map_or(0.0, |before| timestamp - before);
                last.set(Some(timestamp));
                on_frame(elapsed);
                if let Some(callback) = inner_slot.borrow().as_ref() {
                    inner_pending.set(request_frame(callback));
                }
            }));
            if let Some(callback) = slot.borrow().as_ref() {
                pending.set(request_frame(callback));
            }
        }
        move || {
            if let (Some(id), Some(w)) = (pending.take(), crate::browser::window()) {
                let _ = w.cancel_animation_frame(id);
            }
            // Dropping the closure breaks its reference cycle with `slot`.
            slot.borrow_mut().take();
        }
    });
}

/// Whether the element takes typed text: lab keys never reach it.
fn is_text_field(target: &web_sys::Element) -> bool {
    match target.tag_name().to_lowercase().as_str() {
        "textarea" | "select" => true,
        "input" => !matches!(
            target.get_attribute("type").as_deref(),
            Some("range" | "checkbox" | "radio" | "button" | "submit" | "reset" | "file" | "color")
        ),
        _ => target
            .get_attribute("contenteditable")
            .is_some_and(|v| v != "false"),
    }
}

thread_local! {
    /// Whether the last input was a pointer press rather than a key.
    static POINTER_LAST: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Whether the focused element got its focus from a pointer press.
    static FOCUS_FROM_POINTER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether Space belongs to the focused control: a button, checkbox or
/// summary reached from the keyboard is pressed by it, as a keyboard user
/// expects. One just clicked keeps focus too; then Space is play/pause,
/// and does not press the clicked button again. (`:focus-visible` cannot
/// tell: Chromium turns it on at the key press itself.)
fn keeps_space(target: &web_sys::Element) -> bool {
    let control = match target.tag_name().to_lowercase().as_str() {
        "button" | "summary" => true,
        "input" => matches!(
            target.get_attribute("type").as_deref(),
            Some("checkbox" | "radio" | "button" | "submit" | "reset" | "file")
        ),
        _ => false,
    };
    control && !focus_from_pointer()
}

/// Whether the focused element got its focus from a pointer press: a
/// control clicked leaves the lab's keys (arrows, Home, End) to the lab.
pub fn focus_from_pointer() -> bool {
    FOCUS_FROM_POINTER.with(|f| f.get())
}

/// Keys a focused control keeps: Enter presses a button or follows a link,
/// arrows and Home/End move a slider, Space presses a control reached from
/// the keyboard (`keeps_space`); otherwise Space is play/pause.
fn kept_by_control(target: &web_sys::Element, key: &str) -> bool {
    if key == " " && keeps_space(target) {
        return true;
    }
    match target.tag_name().to_lowercase().as_str() {
        "input" if target.get_attribute("type").as_deref() == Some("range") => matches!(
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
        "button" | "a" | "summary" | "input" | "label" => key == "Enter",
        _ => false,
    }
}

type KeyListener = Closure<dyn Fn(KeyboardEvent)>;
type EventListener = Closure<dyn Fn(web_sys::Event)>;

/// Calls `on_key` for every key pressed while the page has focus, except in
/// text fields and the keys the focused control keeps (see `kept_by_control`).
/// When `on_key` says it used the key, the browser's own action for it is
/// prevented, so Space on a button just clicked plays or pauses and presses
/// nothing.
#[hook]
pub fn use_window_keys<F: Fn(&KeyboardEvent) -> bool + 'static>(on_key: F) {
    let on_key = use_mut_ref(|| Some(on_key)).borrow_mut().take();
    use_effect_with((), move |_| {
        let target_of = |e: &KeyboardEvent| {
            e.target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        };
        let down = on_key.map(|on_key| {
            KeyListener::new(move |e: KeyboardEvent| {
                POINTER_LAST.with(|p| p.set(false));
                if e.alt_key() || e.default_prevented() {
                    return;
                }
                let target = target_of(&e);
                if let Some(target) = &target {
                    if is_text_field(target) || kept_by_control(target, &e.key()) {
                        return;
                    }
                }
                if on_key(&e) {
                    e.prevent_default();
                }
            })
        });
        // A button or checkbox acts on Space's keyup: that is ours too.
        let up = KeyListener::new(move |e: KeyboardEvent| {
            if e.key() == " "
                && !target_of(&e).is_some_and(|t| is_text_field(&t) || keeps_space(&t))
            {
                e.prevent_default();
            }
        });
        // Where the focus came from: a pointer press, or the keyboard.
        let pointer = EventListener::new(|_: web_sys::Event| POINTER_LAST.with(|p| p.set(true)));
        let focus = EventListener::new(|_: web_sys::Event| {
            FOCUS_FROM_POINTER.with(|f| f.set(POINTER_LAST.with(|p| p.get())))
        });
        let window = crate::browser::window();
        if let Some(w) = &window {
            let _ = w.add_event_listener_with_callback_and_bool(
                "pointerdown",
                pointer.as_ref().unchecked_ref(),
                true,
            );
            let _ = w.add_event_listener_with_callback_and_bool(
                "focusin",
                focus.as_ref().unchecked_ref(),
                true,
            );
            if let Some(l) = &down {
                let _ = w.add_event_listener_with_callback("keydown", l.as_ref().unchecked_ref());
            }
            let _ = w.add_event_listener_with_callback("keyup", up.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = window {
                if let Some(l) = &down {
                    let _ = w
                        .remove_event_listener_with_callback("keydown", l.as_ref().unchecked_ref());
                }
                let _ = w.remove_event_listener_with_callback("keyup", up.as_ref().unchecked_ref());
                let _ = w.remove_event_listener_with_callback_and_bool(
                    "pointerdown",
                    pointer.as_ref().unchecked_ref(),
                    true,
                );
                let _ = w.remove_event_listener_with_callback_and_bool(
                    "focusin",
                    focus.as_ref().unchecked_ref(),
                    true,
                );
            }
        }
    });
}

/// The page's `#hash`, and whether the page itself put it there.
#[derive(Clone, Debug, PartialEq)]
pub struct PageHash {
    pub hash: String,
    /// The page named the run it already shows (`browser::name_run`):
    /// nothing is to be opened afresh.
    pub renamed: bool,
}

/// The page's `#hash`, re-rendering when it changes: by navigation (a
/// link, Back, an edited address) or by the page naming its run.
#[hook]
pub fn use_hash() -> PageHash {
    let hash = use_state(|| PageHash {
        hash: crate::browser::hash(),
        renamed: false,
    });
    {
        let hash = hash.clone();
        use_effect_with((), move |_| {
            let listen = |renamed: bool| {
                let hash = hash.clone();
                Closure::<dyn Fn()>::new(move || {
                    hash.set(PageHash {
                        hash: crate::browser::hash(),
                        renamed,
                    })
                })
            };
            let listeners = [
                ("hashchange", listen(false)),
                (crate::browser::ADDRESS_RENAMED, listen(true)),
            ];
            let window = crate::browser::window();
            if let Some(w) = &window {
                for (event, listener) in &listeners {
                    let _ = w
                        .add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
                }
            }
            move || {
                if let Some(w) = window {
                    for (event, listener) in &listeners {
                        let _ = w.remove_event_listener_with_callback(
                            event,
                            listener.as_ref().unchecked_ref(),
                        );
                    }
                }
            }
        });
    }
    (*hash).clone()
}
