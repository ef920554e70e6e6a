//! Talking to the page that embeds this lab. The lab tells its height only
//! to the origin that embedded it, learned from the loader's handshake
//! (`{distviz: "hello"}` from the parent window, see static/embed.js); it
//! never posts to "*". Before the handshake it posts nothing.

use std::cell::RefCell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

#[derive(Default)]
struct Parent {
    /// The embedding page's origin, once it said hello.
    origin: Option<String>,
    /// The last height measured, sent as soon as the handshake arrives.
    height: Option<f64>,
}

thread_local! {
    static PARENT: RefCell<Parent> = RefCell::new(Parent::default());
}

/// The parent window, if this page is in a frame.
fn parent() -> Option<web_sys::Window> {
    let w = crate::browser::window()?;
    let parent = w.parent().ok()??;
    (!js_sys::Object::is(&parent, &w)).then_some(parent)
}

/// Listens for the loader's hello, when in a frame. Call once at start-up.
pub fn listen() {
    let (Some(w), Some(_)) = (crate::browser::window(), parent()) else {
        return;
    };
    let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(|e: web_sys::MessageEvent| {
        // Only the parent window, and only the exact shape {distviz: "hello"}.
        let from_parent = match (e.source(), parent()) {
            (Some(source), Some(parent)) => js_sys::Object::is(&source, &parent),
            _ => false,
        };
        let data = e.data();
        let hello = data.is_object()
            && js_sys::Reflect::get(&data, &"distviz".into())
                .ok()
                .and_then(|v| v.as_string())
                .is_some_and(|v| v == "hello");
        if !(from_parent && hello) {
            return;
        }
        let height = PARENT.with_borrow_mut(|p| {
            // The first hello decides; the embedding page does not change under us.
            p.origin.get_or_insert_with(|| e.origin());
            p.height
        });
        if let Some(height) = height {
            send(height);
        }
    });
    let _ = w.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    // Lives as long as the page.
    on_message.forget();
}

/// Records the lab's height and tells the embedding page, once it is known.
pub fn post_height(height: f64) {
    PARENT.with_borrow_mut(|p| p.height = Some(height));
    send(height);
}

fn send(height: f64) {
    let Some(origin) = PARENT.with_borrow(|p| p.origin.clone()) else {
        return;
    };
    let Some(parent) = parent() else { return };
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"distviz".into(), &"height".into());
    let _ = js_sys::Reflect::set(&message, &"height".into(), &JsValue::from_f64(height));
    // An opaque origin ("null", a sandboxed page) cannot be addressed: nothing is sent.
    let _ = parent.post_message(&message, &origin);
}
