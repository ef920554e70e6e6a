//! The Raft lab's settings: cluster size, network, and the "break it" toggle.
//! A component of its own with plain props, so it re-renders only when a
//! setting changes, never under someone typing in it.

use crate::controller::Command;
use distviz_core::scenario::MAX_NODES;
use yew::prelude::*;

/// The scenario `params` field the break-it toggle sets.
pub const BREAK_VOTES: &str = "break_one_vote_per_term";

#[derive(Properties, PartialEq)]
pub struct RaftSettingsProps {
    pub nodes: usize,
    pub latency_ms: [u64; 2],
    pub loss_percent: f64,
    pub fifo: bool,
    pub break_it: bool,
    pub send: Callback<Command>,
}

fn text_of(e: &Event) -> String {
    e.target_dyn_into::<web_sys::HtmlInputElement>()
        .map(|i| i.value())
        .unwrap_or_default()
}

fn value_of(field: &NodeRef) -> String {
    field
        .cast::<web_sys::HtmlInputElement>()
        .map(|i| i.value())
        .unwrap_or_default()
}

#[component]
pub fn RaftSettings(props: &RaftSettingsProps) -> Html {
    let (min_field, max_field) = (use_node_ref(), use_node_ref());
    let on_nodes = props.send.reform(|e: Event| {
        Command::SetNodes(
            e.target_dyn_into::<web_sys::HtmlSelectElement>()
                .and_then(|s| s.value().parse().ok())
                .unwrap_or(5),
        )
    });
    // The range is one setting: a change to either field commits both, so a
    // refused pair stays in the fields until it is fixed, and nothing snaps back.
    let on_latency = {
        let (min_field, max_field) = (min_field.clone(), max_field.clone());
        props.send.reform(move |_: Event| Command::SetLatency {
            min: value_of(&min_field),
            max: value_of(&max_field),
        })
    };
    let on_loss = props.send.reform(|e: Event| Command::SetLoss(text_of(&e)));
    let on_break = props.send.reform(|e: Event| Command::SetParam {
        name: BREAK_VOTES,
        value: serde_json::Value::Bool(
            e.target_dyn_into::<web_sys::HtmlInputElement>()
                .is_some_and(|i| i.checked()),
        ),
    });
    let [lo, hi] = props.latency_ms;
    html! {
        <details class="panel settings">
            <summary><h2>{"Settings"}</h2></summary>
            <p class="note">{"Changing a setting starts the run again from time 0 (Undo brings the run back)."}</p>
            <label>{"Servers "}
                <select onchange={on_nodes} aria-label="Number of servers">
                    {for (1..=MAX_NODES).map(|n| html! { <option value={n.to_string()} selected={n == props.nodes}>{n}</option> })}
                </select>
            </label>
            <fieldset class="latency">
                <legend>{"Latency (ms), smallest – largest"}</legend>
                <input type="number" min="0" max="60000" value={lo.to_string()} onchange={on_latency.clone()}
                    ref={min_field} aria-label="Smallest latency (ms)" data-testid="latency-min" />
                {" – "}
                <input type="number" min="0" max="60000" value={hi.to_string()} onchange={on_latency}
                    ref={max_field} aria-label="Largest latency (ms)" data-testid="latency-max" />
                <span class="note" data-testid="latency-now">{format!(" now {lo}–{hi} ms")}</span>
            </fieldset>
            <label>{"Message loss "}
                <input type="number" min="0" max="100" step="1" value={props.loss_percent.to_string()} onchange={on_loss} aria-label="Message loss (%)" />
                {" %"}</label>
            <label class="toggle">
                <input type="checkbox" checked={props.fifo} data-testid="fifo"
                    onchange={props.send.reform(|e: Event| Command::SetFifo(
                        e.target_dyn_into::<web_sys::HtmlInputElement>().is_some_and(|i| i.checked())))} />
                {" Links keep order (FIFO): no message overtakes an earlier one"}
            </label>
            <label class="break-it">
                <input type="checkbox" checked={props.break_it} onchange={on_break} />
                {" Break it: let a server vote twice in one term"}
            </label>
        </details>
    }
}
