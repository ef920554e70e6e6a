//! The Raft lab's settings: cluster size, network, and the "break it" toggle.
//! A component of its own with plain props, so it re-renders only when a
//! setting changes, never under someone typing in it.

use distviz_core::scenario::MAX_NODES;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RaftSettingsProps {
    pub nodes: usize,
    pub latency_ms: [u64; 2],
    pub loss_percent: f64,
    pub break_it: bool,
    pub on_nodes: Callback<usize>,
    /// (0 for the smallest, 1 for the largest, the field's text)
    pub on_latency: Callback<(usize, String)>,
    pub on_loss: Callback<String>,
    pub on_break: Callback<bool>,
}

fn text_of(e: &Event) -> String {
    e.target_dyn_into::<web_sys::HtmlInputElement>()
        .map(|i| i.value())
        .unwrap_or_default()
}

#[component]
pub fn RaftSettings(props: &RaftSettingsProps) -> Html {
    let on_nodes = props.on_nodes.reform(|e: Event| {
        e.target_dyn_into::<web_sys::HtmlSelectElement>()
            .and_then(|s| s.value().parse().ok())
            .unwrap_or(5)
    });
    let latency = |which: usize| {
        props
            .on_latency
            .reform(move |e: Event| (which, text_of(&e)))
    };
    let on_loss = props.on_loss.reform(|e: Event| text_of(&e));
    let on_break = props.on_break.reform(|e: Event| {
        e.target_dyn_into::<web_sys::HtmlInputElement>()
            .is_some_and(|i| i.checked())
    });
    let [lo, hi] = props.latency_ms;
    html! {
        <details class="panel settings">
            <summary><h2>{"Settings"}</h2></summary>
            <p class="note">{"Changing a setting starts the run again from time 0."}</p>
            <label>{"Servers "}
                <select onchange={on_nodes} aria-label="Number of servers">
                    {for (1..=MAX_NODES).map(|n| html! { <option value={n.to_string()} selected={n == props.nodes}>{n}</option> })}
                </select>
            </label>
            <label>{"Latency "}
                <input type="number" min="0" max="60000" value={lo.to_string()} onchange={latency(0)} aria-label="Smallest latency (ms)" />
                {" – "}
                <input type="number" min="0" max="60000" value={hi.to_string()} onchange={latency(1)} aria-label="Largest latency (ms)" />
                {" ms"}</label>
            <label>{"Message loss "}
                <input type="number" min="0" max="100" step="1" value={props.loss_percent.to_string()} onchange={on_loss} aria-label="Message loss (%)" />
                {" %"}</label>
            <label class="break-it">
                <input type="checkbox" checked={props.break_it} onchange={on_break} />
                {" Break it: let a server vote twice in one term"}
            </label>
        </details>
    }
}
