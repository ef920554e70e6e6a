//! If the app ever panics, show what happened and a way out instead of a
//! frozen page. Built with plain DOM calls: Yew may be dead by then.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

pub fn install() {
    std::panic::set_hook(Box::new(|info| {
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
        "The lab stopped. Your link and files are safe: reset to start the lab again. \
         If this keeps happening, please report the text below.",
    ));
    let details = document.create_element("pre").ok()?;
    details.set_text_content(Some(message));
    let button = document.create_element("button").ok()?;
    button.set_text_content(Some("Reset the lab"));
    let reset = Closure::<dyn Fn()>::new(|| {
        if let Some(w) = crate::browser::window() {
            let _ = w.location().reload();
        }
    });
    button
        .add_event_listener_with_callback("click", reset.as_ref().unchecked_ref())
        .ok()?;
    reset.forget();
    for child in [&title, &advice, &details, &button] {
        panel.append_child(child).ok()?;
    }
    body.append_child(&panel).ok()?;
    Some(())
}
