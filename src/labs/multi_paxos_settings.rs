//! The Multi-Paxos lab's settings: servers and clients, the client load,
//! and the "break it" rule.

use super::raft_replication_settings::{checked, number};
use crate::controller::Command;
use distviz_core::multipaxos::MultiPaxosParams;
use distviz_core::scenario::MAX_NODES;
use serde_json::Value;
use yew::prelude::*;

/// The break-it rule: (params field, words for the badge).
pub const BREAK: (&str, &str) = (
    "break_ignore_promised_values",
    "a new leader ignores the values its promises report and fills those slots with no-ops",
);

#[derive(Properties, PartialEq)]
pub struct MultiPaxosSettingsProps {
    pub servers: usize,
    pub clients: usize,
    pub params: MultiPaxosParams,
    pub send: Callback<Command>,
}

fn selected(e: &Event, fallback: usize) -> usize {
    e.target_dyn_into::<web_sys::HtmlSelectElement>()
        .and_then(|s| s.value().parse().ok())
        .unwrap_or(fallback)
}

#[component]
pub fn MultiPaxosSettings(props: &MultiPaxosSettingsProps) -> Html {
    let send = &props.send;
    let amount = |name: &'static str, fallback: u64| {
        send.reform(move |e: Event| Command::SetParam {
            name,
            value: Value::from(number(&e).unwrap_or(fallback)),
        })
    };
    let on_servers = send.reform(|e: Event| Command::SetNodes(selected(&e, 3)));
    let on_clients = send.reform(|e: Event| Command::SetLayout {
        counts: vec![("client", selected(&e, 1))],
        params: Vec::new(),
    });
    let on_break = send.reform(|e: Event| Command::SetParam {
        name: BREAK.0,
        value: Value::Bool(checked(&e)),
    });
    let p = &props.params;
    let options = |range: std::ops::RangeInclusive<usize>, now: usize| {
        html! { {for range.map(|n| html! { <option value={n.to_string()} selected={n == now}>{n}</option> })} }
    };
    html! {
        <details class="panel settings">
            <summary><h2>{"Settings"}</h2></summary>
            <p class="note">{"Changing a setting starts the run again from time 0 (Undo brings the run back)."}</p>
            <label>{"Servers "}
                <select onchange={on_servers} aria-label="Number of servers" data-testid="servers">
                    {options(1..=MAX_NODES, props.servers)}
                </select>
            </label>
            <label>{"Clients "}
                <select onchange={on_clients} aria-label="Number of clients">
                    {options(1..=3, props.clients)}
                </select>
            </label>
            <label>{"Each client sends a request every "}
                <input type="number" min="0" max="60000" step="50" value={p.workload_ms.to_string()}
                    onchange={amount("workload_ms", 0)} aria-label="Client request interval (ms, 0 for only when asked)" data-testid="workload" />
                {" ms (0: only when you press C)"}</label>
            <label>{"Keys the requests use "}
                <input type="number" min="1" max="8" value={p.keys.to_string()} onchange={amount("keys", 3)} aria-label="Number of keys" /></label>
            <fieldset class="break-it">
                <legend>{"Break it:"}</legend>
                <label><input type="checkbox" checked={p.break_ignore_promised_values} onchange={on_break} data-testid={BREAK.0} />
                    {" "}{BREAK.1}</label>
            </fieldset>
        </details>
    }
}
