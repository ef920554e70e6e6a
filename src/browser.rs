//! Small helpers over the browser's APIs. Failures here are the browser's,
//! not the learner's: they are logged, never allowed to take the page down.

use wasm_bindgen::{JsCast, JsValue};

pub fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

pub fn document() -> Option<web_sys::Document> {
    window()?.document()
}

/// Milliseconds since the page loaded (high resolution).
pub fn now_ms() -> f64 {
    // Looked up once: the window and its Performance are JS calls each time.
    thread_local! {
        static PERFORMANCE: Option<web_sys::Performance> = window().and_then(|w| w.performance());
    }
    PERFORMANCE.with(|p| p.as_ref().map_or(0.0, |p| p.now()))
}

/// The `?search` part of the page's address (options may stand there too).
pub fn search() -> String {
    window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

pub fn hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Whether the learner asked the system for less motion.
pub fn prefers_reduced_motion() -> bool {
    window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|query| query.matches())
}

/// What `use_hash` listens for besides `hashchange`: the page itself
/// changed its address (`name_run`).
pub const ADDRESS_RENAMED: &str = "distviz-address-renamed";

/// Names the run the page shows in its address: `try=name` for a shipped
/// one, or no run at all (no s, t, seed or try, before or after the `#`).
/// The address is replaced (no new history entry) without a `hashchange`,
/// since the page already shows that run; `use_hash` is told.
pub fn name_run(name: Option<&str>) {
    let Some(w) = window() else { return };
    let path = w.location().pathname().unwrap_or_default();
    let search = crate::route::Route::with_run(&search(), None);
    let hash = crate::route::Route::with_run(&hash(), name);
    if let Ok(history) = w.history() {
        let address = format!("{path}{search}{hash}");
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&address));
    }
    if let Ok(event) = web_sys::Event::new(ADDRESS_RENAMED) {
        let _ = w.dispatch_event(&event);
    }
}

/// The page's address with another hash: what a share link looks like.
pub fn url_with_hash(hash: &str) -> String {
    let Some(location) = window().map(|w| w.location()) else {
        return hash.to_string();
    };
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    format!("{origin}{path}{hash}")
}

pub fn log_error(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(message));
}

pub fn copy_to_clipboard(text: &str) {
    if let Some(w) = window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// Offers `text` as a file download.
pub fn download(file_name: &str, text: &str) {
    let run = || -> Result<(), JsValue> {
        let document = document().ok_or("no document")?;
        let parts = js_sys::Array::of1(&JsValue::from_str(text));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("application/json");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob)?;
        let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
        link.set_href(&url);
        link.set_download(file_name);
        link.click();
        web_sys::Url::revoke_object_url(&url)?;
        Ok(())
    };
    if let Err(err) = run() {
        log_error(&format!("download failed: {err:?}"));
    }
}

/// Tells the page embedding us (if any) how tall we are: only its origin,
/// after its loader's handshake (see embed.rs).
pub fn post_height_to_parent(height: f64) {
    crate::embed::post_height(height);
}

pub fn set_root_attribute(name: &str, value: Option<&str>) {
    let Some(root) = document().and_then(|d| d.document_element()) else {
        return;
    };
    let _ = match value {
        Some(value) => root.set_attribute(name, value),
        None => root.remove_attribute(name),
    };
}

/// Told on the window when the page's theme is chosen anew (`theme=`):
/// what draws in the style sheet's colours by itself (the canvas of moving
/// parts) draws again.
pub const THEME_CHOSEN: &str = "distviz-theme-chosen";

/// Sets the root's `data-theme` (None: the system's), telling `THEME_CHOSEN`
/// when it changes.
pub fn choose_theme(theme: Option<&str>) {
    let Some(root) = document().and_then(|d| d.document_element()) else {
        return;
    };
    if root.get_attribute("data-theme").as_deref() == theme {
        return;
    }
    set_root_attribute("data-theme", theme);
    if let (Some(w), Ok(event)) = (window(), web_sys::Event::new(THEME_CHOSEN)) {
        let _ = w.dispatch_event(&event);
    }
}

/// Appends a number to a global array (for the frame-time benchmark).
pub fn push_global_sample(name: &str, value: f64) {
    let Some(w) = window() else { return };
    let key = JsValue::from_str(name);
    let array = match js_sys::Reflect::get(&w, &key)
        .ok()
        .and_then(|v| v.dyn_into::<js_sys::Array>().ok())
    {
        Some(array) => array,
        None => {
            let array = js_sys::Array::new();
            let _ = js_sys::Reflect::set(&w, &key, &array);
            array
        }
    };
    if array.length() < 100_000 {
        array.push(&JsValue::from_f64(value));
    }
}

/// Whether the focus is inside the element `selector` names.
pub fn focus_within(selector: &str) -> bool {
    document()
        .and_then(|doc| doc.active_element())
        .and_then(|e| e.closest(selector).ok().flatten())
        .is_some()
}

/// Focuses the "On the wire" panel (its first message, or the panel) if
/// the focus was lost to the page's body, as when a focused panel closes.
pub fn refocus_in_flight() {
    let Some(doc) = document() else {
        return;
    };
    let lost = doc
        .active_element()
        .is_none_or(|e| e.tag_name().eq_ignore_ascii_case("body"));
    if !lost {
        return;
    }
    let target = doc
        .query_selector(".in-flight li button, .in-flight")
        .ok()
        .flatten()
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
    if let Some(target) = target {
        let _ = target.focus();
    }
}

/// Focuses the lab's Play button, which scrolls the cluster into view: after
/// loading a thing to try, the run is what to look at (and Space plays it).
pub fn focus_play() {
    let target = document()
        .and_then(|doc| doc.query_selector(".controls button.play").ok().flatten())
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
    if let Some(target) = target {
        let _ = target.focus();
    }
}
