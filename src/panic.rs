//! If the app ever panics, show what happened and a way out instead of a
//! frozen page. Built with plain DOM calls: Yew may be dead by then.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Installs the hook through Yew, which would otherwise replace it with its own.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = info.to_string();
        crate::browser::log_error(&message);
        show_panel(&message);
    }));
}

fn show_panel(message: &str) -> Option<()> {
    let document = crate::browser::document()?;
    let body = document.body()?;
    let panel = document.create_element("div").ok()?;
    panel.set_class_name("panic-panel");
    panel.set_attribute("role", "alert").ok()?;
    let title = document.create_element("h2").ok()?;
    title.set_text_content(Some("Something went wrong inside distviz"));
    let advice = document.create_element("p").ok()?;
    advice.set_text_content(Some(
        "The lab stopped. Your links and files are safe: reset to start again. \
         If this keeps happening, please report the text below.",
    ));
    let details = document.create_element("pre").ok()?;
    details.set_text_content(Some(message));
    // Reset: the same page without its options (a bad link may be what broke).
    let reset = button(&document, "Reset the lab", |location| {
        let hash = location.hash().unwrap_or_default();
        let path = hash.split('?').next().unwrap_or_default();
        let _ = location.set_href(&format!("{}{path}", page_address(location)));
        let _ = location.reload();
    })?;
    let guide = button(&document, "Back to the guide", |location| {
        let _ = location.set_href(&page_address(location));
    })?;
    for child in [&title, &advice, &details, &reset, &guide] {
        panel.append_child(child).ok()?;
    }
    body.append_child(&panel).ok()?;
    Some(())
}

/// A button that runs `act` with the page's location when clicked.
fn button(
    document: &web_sys::Document,
    text: &str,
    act: fn(&web_sys::Location),
) -> Option<web_sys::Element> {
    let button = document.create_element("button").ok()?;
    button.set_text_content(Some(text));
    let click = Closure::<dyn Fn()>::new(move || {
        if let Some(w) = crate::browser::window() {
            act(&w.location());
        }
    });
    button
        .add_event_listener_with_callback("click", click.as_ref().unchecked_ref())
        .ok()?;
    // The page is dead after a panic: this listener lives as long as it does.
    click.forget();
    Some(button)
}

/// The page's address without its hash.
fn page_address(location: &web_sys::Location) -> String {
    format!(
        "{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default()
    )
}
