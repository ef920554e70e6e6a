//! The whole run at a glance, under the scrubber: who led when (a band per
//! term, in its colour), the learner's actions, where invariants broke.
//! Clicking it travels there; the scrubber is the keyboard's way.

use std::rc::Rc;
use yew::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    pub start_ms: u64,
    pub end_ms: u64,
    pub label: String,
    pub colour: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub at_ms: u64,
    pub label: String,
    /// "action" or "violation".
    pub kind: &'static str,
}

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub now_ms: u64,
    pub end_ms: u64,
    pub bands: Rc<Vec<Band>>,
    pub marks: Rc<Vec<Mark>>,
    pub on_seek: Callback<u64>,
}

#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let end = props.end_ms.max(1) as f64;
    let percent = |t: u64| format!("{:.3}%", (t as f64 / end * 100.0).min(100.0));
    let on_seek = props.on_seek.clone();
    let end_ms = props.end_ms;
    let onclick = Callback::from(move |e: MouseEvent| {
        let Some(strip) = e
            .current_target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        else {
            return;
        };
        let rect = strip.get_bounding_client_rect();
        if rect.width() > 0.0 {
            let fraction = ((e.client_x() as f64 - rect.left()) / rect.width()).clamp(0.0, 1.0);
            on_seek.emit((fraction * end_ms as f64).round() as u64);
        }
    });
    let strip = use_node_ref();
    {
        let strip = strip.clone();
        use_effect(move || place(&strip));
    }
    html! {
        <div class="timeline" ref={strip} {onclick} aria-hidden="true" title="The run: leaders by term, your actions, broken invariants. Click to travel.">
            {for props.bands.iter().map(|b| html! {
                <div key={format!("{}-{}", b.start_ms, b.label)} class="band"
                    data-left={percent(b.start_ms)} data-width={percent(b.end_ms.saturating_sub(b.start_ms))} data-background={b.colour.clone()}
                    title={b.label.clone()}>
                    <span>{&b.label}</span>
                </div>
            })}
            {for props.marks.iter().enumerate().map(|(i, m)| html! {
                <div key={i} class={classes!("mark", m.kind)} data-left={percent(m.at_ms)} title={m.label.clone()}></div>
            })}
            <div class="cursor" data-left={percent(props.now_ms)}></div>
        </div>
    }
}

/// Positions and colours the strip's children from their `data-left`,
/// `data-width` and `data-background`. Through the CSSOM, not `style`
/// attributes: a strict CSP (`style-src 'self'`) blocks those, and this way
/// the site needs no `'unsafe-inline'` for styles.
fn place(strip: &NodeRef) {
    let Some(strip) = strip.cast::<web_sys::Element>() else {
        return;
    };
    let children = strip.children();
    for i in 0..children.length() {
        let Some(child) = children
            .item(i)
            .and_then(|c| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(c).ok())
        else {
            continue;
        };
        for property in ["left", "width", "background"] {
            if let Some(value) = child.get_attribute(&format!("data-{property}")) {
                let _ = child.style().set_property(property, &value);
            }
        }
    }
}
